#!/bin/bash
# tests/vm/run.sh: run one command as root on a pure cgroup v2 machine, in a VM.
#
#   tests/vm/run.sh [OPTIONS] -- COMMAND [ARG...]
#
# vessel's cgroup v2 lane. The hosts vessel is tested on may have cgroup v1 or
# a hybrid layout; this boots Debian's cloud kernel under qemu with a small
# initramfs (tests/vm/init) so that the v2 code meets a real unified hierarchy.
# Inside the guest:
#   - cgroup2 alone at /sys/fs/cgroup (the kernel gets cgroup_no_v1=all), with
#     every controller the kernel has (cpuset cpu io memory hugetlb pids rdma
#     misc) enabled in the root's cgroup.subtree_control; mounted with
#     nsdelegate,memory_recursiveprot as systemd does;
#   - the host's whole tree, read-only, shared by qemu's virtiofsd (which runs
#     in a private mount namespace where every mount is read-only), under an
#     overlay whose upper layer is a tmpfs: the guest may write anywhere and
#     nothing reaches the host. Fresh tmpfs on /run, /tmp, /var/tmp, /dev/shm.
#     bash, bats, busybox, coreutils and this working tree are at their host
#     paths, nothing is copied. A working directory under /tmp or /var/tmp is
#     shown through an overlay of its own;
#   - proc, sysfs, devtmpfs, devpts, mqueue, bpf; lo up; hostname vessel-vm;
#     the guest kernel's modules in /lib/modules (`busybox modprobe NAME`).
#
# COMMAND runs as root with the caller's working directory, stdin /dev/null
# and a clean environment: the caller's PATH and VESSEL_* variables, LANG,
# LC_*, TZ and CI when set, HOME=/root, and each --env. Its stdout and stderr
# come back on this script's stdout and stderr (virtio-serial ports; kernel
# messages go only to the console log) and its exit status becomes this
# script's. Then the guest powers off, and one line on stderr says when the
# command started (seconds after the guest's boot) and how long it ran.
#
# Options:
#   --timeout SECS      stop the VM after SECS (default 600: TCG is slow)
#   --memory MIB        guest RAM (default 2048; the tmpfs mounts live in it)
#   --cpus N            vCPUs (default 2)
#   --env NAME[=VALUE]  pass a variable to COMMAND (repeatable; without a
#                       value, the caller's)
#   --debug             full kernel log and init's timings in the console log
#   --prepare           only fetch the kernel and build the initramfs
# The same settings: VESSEL_VM_TIMEOUT, VESSEL_VM_MEMORY, VESSEL_VM_CPUS.
#
# Exit status: COMMAND's; 124 when the VM timed out (qemu is killed); 125 when
# the VM could not start, could not set the guest up, or stopped before
# COMMAND finished. Those print one line "vessel-vm: ..." naming the log.
#
# Acceleration: KVM when /proc/cpuinfo shows vmx or svm and /dev/kvm can be
# opened, else TCG; VESSEL_VM_ACCEL=kvm|tcg overrides.
#
# Cache ($VESSEL_VM_CACHE, else $XDG_CACHE_HOME/vessel-vm, else
# /var/tmp/vessel-vm-cache):
#   kernel/PACKAGE_VERSION/  the kernel package, `apt-get download` and
#                            `dpkg-deb -x` (nothing is installed on the host),
#                            with a modules.dep from `busybox depmod`
#   kernel/resolved          which package apt's current lists name
#   initramfs-HASH.cpio      busybox, tests/vm/init, the modules init loads;
#                            HASH covers every input, so edits rebuild it
#   last-console.log, last-qemu.log, last-virtiofsd.log   the latest run
# The kernel package is what linux-image-cloud-amd64 depends on
# (VESSEL_VM_KERNEL_PACKAGE names another, VESSEL_VM_KERNEL_DIR an extracted
# tree). Only its download needs the network; after an `apt-get update` names
# a newer one it is fetched, and if that fails the newest cached one is used.
#
# Needs, as root: qemu-system-x86 (qemu-system-x86_64, /usr/lib/qemu/virtiofsd),
# busybox-static, cpio, util-linux (unshare, flock), coreutils, apt, dpkg;
# xz-utils or zstd only for a kernel whose modules are compressed.

set -euo pipefail

prog=vessel-vm
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
self=$here/$(basename "${BASH_SOURCE[0]}")
init_src=$here/init
# loaded by init in this order after their dependencies; builtins are skipped
guest_modules=(virtio_pci virtio_console fuse virtiofs overlay)

# shellcheck source=tests/vm/lib/common.sh
. "$here/lib/common.sh"
# shellcheck source=tests/vm/lib/kernel.sh
. "$here/lib/kernel.sh"
# shellcheck source=tests/vm/lib/boot.sh
. "$here/lib/boot.sh"
stats=1
usage() { sed -n '2,/^$/s/^# \{0,1\}//p' "$self"; }

# ---------------------------------------------------------------- options

timeout_s=${VESSEL_VM_TIMEOUT:-600}
memory=${VESSEL_VM_MEMORY:-2048}
cpus=${VESSEL_VM_CPUS:-2}
debug=
prepare_only=
env_args=()
while [ $# -gt 0 ]; do
	case $1 in
	--timeout | --memory | --cpus | --env)
		[ $# -ge 2 ] || die "$1 needs a value"
		opt=$1 val=$2
		shift 2
		;;
	--timeout=* | --memory=* | --cpus=* | --env=*)
		opt=${1%%=*} val=${1#*=}
		shift
		;;
	--debug)
		debug=1
		shift
		continue
		;;
	--prepare)
		prepare_only=1
		shift
		continue
		;;
	-h | --help)
		usage
		exit 0
		;;
	--)
		shift
		break
		;;
	-*) die "unknown option $1 (usage: tests/vm/run.sh [--timeout SECS] -- COMMAND...)" ;;
	*) break ;;
	esac
	case $opt in
	--timeout) timeout_s=$val ;;
	--memory) memory=$val ;;
	--cpus) cpus=$val ;;
	--env) env_args+=("$val") ;;
	esac
done
for n in "timeout:$timeout_s" "memory:$memory" "cpus:$cpus"; do
	case ${n#*:} in
	'' | *[!0-9]* | 0) die "--${n%%:*} needs a positive integer, not '${n#*:}'" ;;
	esac
done
[ -n "$prepare_only" ] || [ $# -gt 0 ] || die "no command (usage: tests/vm/run.sh [--timeout SECS] -- COMMAND...)"

# ---------------------------------------------------------------- tools

need() { command -v "$1" >/dev/null 2>&1 || die "$1 not found (Debian package $2)"; }
[ "$(id -u)" = 0 ] || die "must run as root (virtiofsd and its mount namespace need it)"
need qemu-system-x86_64 qemu-system-x86
[ -x "$virtiofsd" ] || die "$virtiofsd not found (Debian package qemu-system-x86)"
need busybox busybox-static
busybox=$(command -v busybox)
if ldd "$busybox" >/dev/null 2>&1; then
	die "$busybox is dynamically linked; the initramfs needs busybox-static"
fi
need cpio cpio
need unshare util-linux
need flock util-linux
need timeout coreutils
need sha256sum coreutils
[ -r "$init_src" ] || die "$init_src is missing"

# ---------------------------------------------------------------- cache

vm_cache_dir

declare -A mod_file=() mod_seen=()
mod_order=()

module_cat() {
	case $1 in
	*.ko) cat "$1" ;;
	*.ko.xz) xz -dc "$1" ;;
	*.ko.zst) zstd -dcq "$1" ;;
	*.ko.gz) gzip -dc "$1" ;;
	*) die "cannot read module $1" ;;
	esac
}

# Appends module $1 to mod_order after its dependencies (from its modinfo).
add_module() {
	local m=$1 deps d
	[ -z "${mod_seen[$m]:-}" ] || return 0
	mod_seen[$m]=1
	if [ -z "${mod_file[$m]:-}" ]; then
		if tr - _ <"$moddir/modules.builtin" | grep "/$m\.ko\$" >/dev/null; then
			return 0
		fi
		die "kernel module $m is neither built into $kver nor in $moddir"
	fi
	deps=$(module_cat "${mod_file[$m]}" | tr '\0' '\n' | sed -n 's/^depends=//p')
	for d in ${deps//,/ }; do
		add_module "${d//-/_}"
	done
	mod_order+=("$m")
}

build_initramfs() {
	local out=$1 st f n m
	note "building ${out##*/}"
	st=$(mktemp -d "$cache/.initramfs.XXXXXX")
	scratch=$st
	mkdir -p "$st"/{bin,dev,etc,host,lib/modules,newroot,overlay,proc,run,sys}
	cp "$busybox" "$st/bin/busybox"
	for n in $("$busybox" --list); do
		[ "$n" = busybox ] || ln -s busybox "$st/bin/$n"
	done
	cp "$init_src" "$st/init"
	chmod 0755 "$st/bin/busybox" "$st/init"
	mknod -m 0600 "$st/dev/console" c 5 1
	mknod -m 0666 "$st/dev/null" c 1 3
	while IFS= read -r -d '' f; do
		n=${f##*/}
		n=${n%%.ko*}
		mod_file[${n//-/_}]=$f
	done < <(find "$moddir/kernel" -name '*.ko*' -print0)
	for m in "${guest_modules[@]}"; do
		add_module "$m"
	done
	for m in "${mod_order[@]}"; do
		module_cat "${mod_file[$m]}" >"$st/lib/modules/$m.ko"
	done
	printf '%s\n' "${mod_order[@]}" >"$st/lib/modules/load-order"
	(cd "$st" && find . -mindepth 1 -printf '%P\n' | LC_ALL=C sort |
		cpio -o -H newc -R 0:0 --quiet) >"$out.tmp"
	mv "$out.tmp" "$out"
	rm -rf "$st"
	scratch=
}

# Kernel and initramfs, under the cache's lock: concurrent runs share them.
prepare() {
	local key
	exec {lock_fd}>>"$cache/lock"
	flock "$lock_fd"
	select_kernel
	key=$({ printf '%s\n' "$kernel_id"; cat "$self" "$init_src" "$busybox"; } | sha256sum | cut -c1-16)
	initramfs=$cache/initramfs-$key.cpio
	[ -r "$initramfs" ] || build_initramfs "$initramfs"
	touch "$initramfs"
	# what no run has used for a day goes
	find "$cache" -maxdepth 1 -name 'initramfs-*.cpio' ! -name "${initramfs##*/}" -mmin +1440 -delete
	kernel_prune
	exec {lock_fd}>&-
}

prepare
if [ -n "$prepare_only" ]; then
	note "kernel $vmlinuz"
	note "initramfs $initramfs"
	exit 0
fi

# ---------------------------------------------------------------- the job

cwd=$(pwd -P)
expose=
case $cwd in
/proc | /proc/* | /sys | /sys/* | /dev | /dev/* | /run | /run/*)
	die "the working directory $cwd does not exist in the VM; run from another one"
	;;
/tmp/* | /var/tmp/*)
	base=/tmp
	case $cwd in /var/tmp/*) base=/var/tmp ;; esac
	rest=${cwd#"$base"/}
	expose=$base/${rest%%/*}
	case $expose in
	*[,:\\]* | *$'\n'*) die "the working directory $cwd cannot be shown in the VM (',', ':' or '\\' in $expose)" ;;
	esac
	;;
esac

vm_work_dir
write_job "$PATH" "$cwd" "$@"
{
	printf 'VM_HOSTNAME=vessel-vm\n'
	printf 'VM_KVER=%s\n' "$(shq "$kver")"
	printf 'VM_MODULES=%s\n' "$(shq "$moddir")"
} >"$work/conf"
if [ -n "$expose" ]; then
	printf '%s\n' "$expose"
fi >"$work/expose"

# The whole host tree, read-only; init puts an overlay over it.
start_virtiofsd always /

# ---------------------------------------------------------------- qemu

pick_accel
# no_timer_check: under TCG on a busy host the IO-APIC timer check can fail
# and panic the kernel ("IO-APIC + timer doesn't work!")
cmdline="console=ttyS0 panic=-1 no_timer_check cgroup_no_v1=all rdinit=/init vessel.job=$work"
if [ -n "$debug" ]; then
	cmdline+=" loglevel=7 vessel.trace"
else
	cmdline+=" quiet loglevel=3"
fi

vm_io_args_for vessel-host
# shellcheck disable=SC2054 # qemu's option lists are comma-separated
qemu_args=(
	-nodefaults -no-user-config -display none -monitor none -no-reboot
	-accel "$accel" -machine q35,memory-backend=vm-ram
	-cpu "$cpu" -smp "$cpus" -m "${memory}M"
	-object "memory-backend-memfd,id=vm-ram,size=${memory}M,share=on"
	-kernel "$vmlinuz" -initrd "$initramfs" -append "$cmdline"
	"${vm_io_args[@]}"
)
run_qemu "$timeout_s" "${qemu_args[@]}"
vm_finish "$timeout_s"
