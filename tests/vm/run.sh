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
# script's. Then the guest powers off.
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
virtiofsd=/usr/lib/qemu/virtiofsd
kernel_meta=${VESSEL_VM_KERNEL_PACKAGE:-linux-image-cloud-amd64}
# loaded by init in this order after their dependencies; builtins are skipped
guest_modules=(virtio_pci virtio_console fuse virtiofs overlay)

die() {
	printf '%s: %s\n' "$prog" "$*" >&2
	exit 125
}
note() { printf '%s: %s\n' "$prog" "$*" >&2; }
usage() { sed -n '2,/^$/s/^# \{0,1\}//p' "$self"; }

# What a run started or made, for cleanup: the job directory, the scratch
# directory of a download or an initramfs build, and pids.
work='' scratch='' qemu_pid='' vfsd_pid='' vfsd_log_pid='' out_pid='' err_pid=''

save_logs() {
	local f
	[ -n "$work" ] || return 0
	for f in console qemu virtiofsd; do
		if [ -e "$work/$f.log" ]; then
			cp "$work/$f.log" "$cache/last-$f.log.tmp" && mv "$cache/last-$f.log.tmp" "$cache/last-$f.log"
		fi
	done
}
# Opening a relay's fifo read-write releases a cat still blocked in open(2),
# which happens when qemu stopped before it opened its end.
release_relays() {
	local f fd
	[ -n "$work" ] || return 0
	for f in stdout stderr; do
		[ -p "$work/$f.fifo" ] || continue
		exec {fd}<>"$work/$f.fifo"
		exec {fd}>&-
	done
	[ -z "$out_pid" ] || wait "$out_pid" || true
	[ -z "$err_pid" ] || wait "$err_pid" || true
	out_pid='' err_pid=''
}
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
	set +e
	if [ -n "$qemu_pid" ]; then
		kill -TERM "$qemu_pid" 2>/dev/null
		wait "$qemu_pid"
	fi
	if [ -n "$vfsd_pid" ]; then
		kill -TERM "$vfsd_pid" 2>/dev/null
		wait "$vfsd_pid"
	fi
	[ -z "$vfsd_log_pid" ] || wait "$vfsd_log_pid"
	release_relays
	save_logs
	[ -z "$work" ] || rm -rf "$work"
	[ -z "$scratch" ] || rm -rf "$scratch"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

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

cache=${VESSEL_VM_CACHE:-}
if [ -z "$cache" ]; then
	if [ -n "${XDG_CACHE_HOME:-}" ]; then
		cache=$XDG_CACHE_HOME/vessel-vm
	else
		cache=/var/tmp/vessel-vm-cache
	fi
fi
mkdir -p "$cache/kernel"
cache=$(cd "$cache" && pwd -P)

# A fingerprint of apt's package lists: the kernel is resolved again (apt-cache
# takes about a second here) only when they change.
apt_lists_stamp() {
	local lists=/var/lib/apt/lists/
	eval "$(apt-config shell lists Dir::State::Lists/d 2>/dev/null)" || true
	stat -c '%n %s %Y' "$lists"*_Packages* 2>/dev/null | sha256sum | cut -c1-16
}

# Sets kernel_pkg and kernel_ver to the package apt names now.
resolve_kernel() {
	local stamp info line
	stamp="$kernel_meta $(apt_lists_stamp)"
	if [ -r "$cache/kernel/resolved" ] && [ "$(sed -n 1p "$cache/kernel/resolved")" = "$stamp" ]; then
		read -r kernel_pkg kernel_ver < <(sed -n 2p "$cache/kernel/resolved")
		[ -n "$kernel_ver" ] && return 0
	fi
	kernel_pkg='' kernel_ver=''
	command -v apt-cache >/dev/null || return 1
	info=$(apt-cache show --no-all-versions "$kernel_meta" 2>/dev/null) || return 1
	case $kernel_meta in
	linux-image-[0-9]*)
		kernel_pkg=$kernel_meta
		kernel_ver=$(awk '$1 == "Version:" { print $2; exit }' <<<"$info")
		;;
	*)
		line=$(grep -m1 '^Depends:' <<<"$info" | grep -o 'linux-image-[0-9][^ ,]*\( (= [^)]*)\)\?' | head -n1) || true
		kernel_pkg=${line%% *}
		case $line in *'(= '*) kernel_ver=${line##*(= } kernel_ver=${kernel_ver%)} ;; esac
		if [ -n "$kernel_pkg" ] && [ -z "$kernel_ver" ]; then
			kernel_ver=$(apt-cache show --no-all-versions "$kernel_pkg" 2>/dev/null |
				awk '$1 == "Version:" { print $2; exit }') || true
		fi
		;;
	esac
	[ -n "$kernel_pkg" ] && [ -n "$kernel_ver" ] || return 1
	printf '%s\n%s %s\n' "$stamp" "$kernel_pkg" "$kernel_ver" >"$cache/kernel/resolved.tmp"
	mv "$cache/kernel/resolved.tmp" "$cache/kernel/resolved"
}

# Downloads and extracts kernel_pkg=kernel_ver into kdir unless it is there.
fetch_kernel() {
	local tmp deb mods
	kdir=$cache/kernel/${kernel_pkg}_${kernel_ver//:/%3a}
	[ -d "$kdir" ] && return 0
	if ! command -v apt-get >/dev/null || ! command -v dpkg-deb >/dev/null; then
		note "apt-get or dpkg-deb not found: cannot fetch $kernel_pkg"
		return 1
	fi
	tmp=$(mktemp -d "$cache/kernel/.fetch.XXXXXX")
	scratch=$tmp
	note "fetching $kernel_pkg $kernel_ver (apt-get download)"
	if ! (cd "$tmp" && apt-get -q -o APT::Sandbox::User=root download "$kernel_pkg=$kernel_ver") >"$tmp/apt.log" 2>&1; then
		note "apt-get download $kernel_pkg=$kernel_ver failed: $(grep -v '^W:' "$tmp/apt.log" | tail -n1)"
		rm -rf "$tmp"
		return 1
	fi
	deb=$(find "$tmp" -maxdepth 1 -name '*.deb' -print -quit)
	if ! dpkg-deb -x "$deb" "$tmp/root" 2>"$tmp/dpkg.log"; then
		note "dpkg-deb -x $deb failed: $(tail -n1 "$tmp/dpkg.log")"
		rm -rf "$tmp"
		return 1
	fi
	mods=$(kernel_modules_dir "$tmp/root") || {
		note "$kernel_pkg has no lib/modules/VERSION or boot/vmlinuz-VERSION"
		rm -rf "$tmp"
		return 1
	}
	# for `busybox modprobe` in the guest; the package leaves depmod to its postinst
	busybox depmod -b "${mods%/lib/modules/*}" "${mods##*/}" 2>/dev/null ||
		note "busybox depmod failed; modprobe will not work in the guest"
	mv "$tmp/root" "$kdir"
	rm -rf "$tmp"
	scratch=
}

# Prints DIR/[usr/]lib/modules/VERSION of an extracted kernel with its vmlinuz.
kernel_modules_dir() {
	local d
	for d in "$1"/lib/modules/* "$1"/usr/lib/modules/*; do
		[ -d "$d/kernel" ] && [ -r "$1/boot/vmlinuz-${d##*/}" ] && { printf '%s\n' "$d"; return 0; }
	done
	return 1
}

# Sets kdir, kver, moddir, vmlinuz and kernel_id.
select_kernel() {
	if [ -n "${VESSEL_VM_KERNEL_DIR:-}" ]; then
		kdir=$(cd "$VESSEL_VM_KERNEL_DIR" && pwd -P) || die "VESSEL_VM_KERNEL_DIR=$VESSEL_VM_KERNEL_DIR is not a directory"
	elif ! { resolve_kernel && fetch_kernel; }; then
		kdir=$(find "$cache/kernel" -mindepth 1 -maxdepth 1 -type d -name 'linux-image-*' -printf '%T@ %p\n' |
			sort -rn | head -n1 | cut -d' ' -f2-) || true
		[ -n "$kdir" ] || die "no kernel: apt cannot name or fetch $kernel_meta and the cache ($cache/kernel) is empty"
		note "using the cached kernel ${kdir##*/}"
	fi
	moddir=$(kernel_modules_dir "$kdir") || die "$kdir holds no kernel (lib/modules/VERSION and boot/vmlinuz-VERSION)"
	kver=${moddir##*/}
	vmlinuz=$kdir/boot/vmlinuz-$kver
	kernel_id="${kdir##*/} $kver $(stat -c '%s %Y' "$vmlinuz")"
}

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
	[ -n "${VESSEL_VM_KERNEL_DIR:-}" ] || touch "$kdir"
	# what no run has used for a day goes
	find "$cache" -maxdepth 1 -name 'initramfs-*.cpio' ! -name "${initramfs##*/}" -mmin +1440 -delete
	find "$cache/kernel" -mindepth 1 -maxdepth 1 -type d -name 'linux-image-*' ! -path "$kdir" -mmin +1440 \
		-exec rm -rf {} +
	exec {lock_fd}>&-
}

prepare
if [ -n "$prepare_only" ]; then
	note "kernel $vmlinuz"
	note "initramfs $initramfs"
	exit 0
fi

# ---------------------------------------------------------------- the job

shq() { printf "'%s'" "${1//\'/\'\\\'\'}"; }

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

tmpbase=${TMPDIR:-/tmp}
case $tmpbase in
/run | /run/* | *[!A-Za-z0-9._/-]*) tmpbase=/tmp ;;
esac
work=$(mktemp -d "$tmpbase/vessel-vm.XXXXXX")

env_lines=()
add_env() {
	[[ $1 =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || die "--env: '$1' is not a variable name"
	env_lines+=("export $1=$(printf '%q' "$2")")
}
add_env PATH "$PATH"
add_env HOME /root
while IFS= read -r name; do
	case $name in
	VESSEL_* | LANG | LC_* | TZ | CI) add_env "$name" "${!name}" ;;
	esac
done < <(compgen -e)
for kv in "${env_args[@]}"; do
	case $kv in
	*=*) add_env "${kv%%=*}" "${kv#*=}" ;;
	*) add_env "$kv" "${!kv-}" ;;
	esac
done

{
	printf '%s\n' "${env_lines[@]}"
	printf 'cd -- %q || exit 125\n' "$cwd"
	printf 'exec --'
	printf ' %q' "$@"
	printf '\n'
} >"$work/job"
{
	printf 'VM_HOSTNAME=vessel-vm\n'
	printf 'VM_KVER=%s\n' "$(shq "$kver")"
	printf 'VM_MODULES=%s\n' "$(shq "$moddir")"
} >"$work/conf"
if [ -n "$expose" ]; then
	printf '%s\n' "$expose"
fi >"$work/expose"

# ---------------------------------------------------------------- virtiofsd

# Run in a private mount namespace: a recursive bind of / at JOBDIR/root, every
# mount in it made read-only, is what virtiofsd shares; a tmpfs on /run takes
# virtiofsd's pid file. Then exec virtiofsd.
# shellcheck disable=SC2016 # expanded by the bash that runs it
ns_script='
set -e
r=$1/root
shift
mkdir "$r"
mount --rbind / "$r"
while read -r _ _ _ _ mp _; do
	mp=$(printf "%b" "${mp//\\/\\0}")
	case $mp in "$r" | "$r"/*) ;; *) continue ;; esac
	if ! mount -o remount,bind,ro "$mp" 2>/dev/null && [ "$mp" = "$r" ]; then
		echo "cannot make the shared tree read-only" >&2
		exit 1
	fi
done </proc/self/mountinfo
mount -t tmpfs -o mode=0755 vessel-vm-run /run
exec "$@"
'

nofile=$(ulimit -Hn)
case $nofile in unlimited) nofile=1048576 ;; esac
mkfifo "$work/virtiofsd.fifo" "$work/stdout.fifo" "$work/stderr.fifo"
unshare --mount --propagation private -- bash -c "$ns_script" vessel-vm-virtiofsd "$work" \
	"$virtiofsd" --socket-path="$work/virtiofsd.sock" -o source="$work/root" -o cache=always \
	-o log_level=info --rlimit-nofile="$nofile" \
	</dev/null >/dev/null 2>"$work/virtiofsd.fifo" &
vfsd_pid=$!
# virtiofsd logs this line once its socket listens
exec {vfsd_fd}<"$work/virtiofsd.fifo"
ready=
while IFS= read -r -u "$vfsd_fd" line; do
	printf '%s\n' "$line" >>"$work/virtiofsd.log"
	case $line in *'Waiting for vhost-user socket connection'*)
		ready=1
		break
		;;
	esac
done
if [ -z "$ready" ]; then
	exec {vfsd_fd}<&-
	wait "$vfsd_pid" || true
	vfsd_pid=
	die "virtiofsd did not start: $(tail -n1 "$work/virtiofsd.log" 2>/dev/null)"
fi
cat <&"$vfsd_fd" >>"$work/virtiofsd.log" &
vfsd_log_pid=$!
exec {vfsd_fd}<&-

# ---------------------------------------------------------------- qemu

accel=${VESSEL_VM_ACCEL:-}
if [ -z "$accel" ]; then
	accel=tcg
	if grep -qwE 'vmx|svm' /proc/cpuinfo && { : <>/dev/kvm; } 2>/dev/null; then
		accel=kvm
	fi
fi
case $accel in
kvm) cpu=host ;;
tcg)
	cpu=max
	accel=tcg,thread=multi
	;;
*) die "VESSEL_VM_ACCEL must be kvm or tcg, not '$accel'" ;;
esac

cmdline="console=ttyS0 panic=-1 cgroup_no_v1=all rdinit=/init vessel.job=$work"
if [ -n "$debug" ]; then
	cmdline+=" loglevel=7 vessel.trace"
else
	cmdline+=" quiet loglevel=3"
fi

# shellcheck disable=SC2054 # qemu's option lists are comma-separated
qemu_args=(
	-nodefaults -no-user-config -display none -monitor none -no-reboot
	-accel "$accel" -machine q35,memory-backend=vm-ram
	-cpu "$cpu" -smp "$cpus" -m "${memory}M"
	-object "memory-backend-memfd,id=vm-ram,size=${memory}M,share=on"
	-kernel "$vmlinuz" -initrd "$initramfs" -append "$cmdline"
	-chardev "file,id=console,path=$work/console.log" -serial chardev:console
	-chardev "socket,id=vfs,path=$work/virtiofsd.sock"
	-device vhost-user-fs-pci,chardev=vfs,tag=vessel-host
	-device virtio-serial-pci,id=vser
	-chardev "file,id=out,path=$work/stdout.fifo"
	-device virtserialport,bus=vser.0,chardev=out,name=vessel.stdout
	-chardev "file,id=err,path=$work/stderr.fifo"
	-device virtserialport,bus=vser.0,chardev=err,name=vessel.stderr
	-chardev "file,id=status,path=$work/status"
	-device virtserialport,bus=vser.0,chardev=status,name=vessel.status
)

cat <"$work/stdout.fifo" &
out_pid=$!
cat <"$work/stderr.fifo" >&2 &
err_pid=$!
timeout --kill-after=10 "$timeout_s" qemu-system-x86_64 "${qemu_args[@]}" \
	</dev/null >"$work/qemu.log" 2>&1 &
qemu_pid=$!
qemu_rc=0
wait "$qemu_pid" || qemu_rc=$?
qemu_pid=
release_relays
kill -TERM "$vfsd_pid" 2>/dev/null || true
wait "$vfsd_pid" || true
vfsd_pid=

# ---------------------------------------------------------------- result

status=$(head -c 4096 "$work/status" 2>/dev/null | tr -d '\r') || true
save_logs
logs="console log $cache/last-console.log"
if [ "$qemu_rc" = 124 ] || [ "$qemu_rc" = 137 ]; then
	printf '%s: timed out after %s s; qemu killed (%s)\n' "$prog" "$timeout_s" "$logs" >&2
	exit 124
fi
case $status in
'' | *[!0-9]*) ;;
*) exit "$status" ;;
esac
case $status in
error:*) die "the guest could not be set up: ${status#error: } ($logs)" ;;
esac
why=$(grep -a -m1 '^vessel-vm: ' "$work/console.log" | tr -d '\r') && [ -n "$why" ] &&
	die "the guest could not be set up: ${why#vessel-vm: } ($logs)"
why=$(grep -a -m1 'Kernel panic' "$work/console.log" | tr -d '\r') ||
	why=$(grep -a -v '^[[:space:]]*$' "$work/qemu.log" | tail -n1) ||
	why=$(grep -a -v '^[[:space:]]*$' "$work/console.log" | tail -n1 | tr -d '\r') || true
[ -n "$why" ] || why="no console output"
die "the VM stopped before the command finished (qemu exit $qemu_rc: $why; $logs, qemu log $cache/last-qemu.log)"
