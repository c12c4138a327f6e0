#!/bin/bash
# tests/vm/systemd/run.sh: run one command as root on a Debian machine with
# systemd as PID 1 and pure cgroup v2, in a VM.
#
#   tests/vm/systemd/run.sh [OPTIONS] -- COMMAND [ARG...]
#
# vessel's systemd lane. It boots the image of tests/vm/systemd/image.sh
# (built once, cached) with Debian's cloud kernel under qemu: systemd 252 as
# PID 1 on a pure cgroup v2 hierarchy (systemd.unified_cgroup_hierarchy=1),
# the system bus, udev, criu, containerd, podman, conmon, runc, crun, bats,
# jq and the rest the image lists. The disk is attached with snapshot=on:
# every run starts from the pristine image and nothing is written back.
# Inside the guest:
#   - the working tree this script belongs to (so the freshly built vessel),
#     the caller's working directory and each --share DIR appear at their
#     host paths, read-only on the host and under an overlay in the guest
#     (the guest may write, nothing reaches the host); each --share-rw DIR
#     appears as a bind, and writes reach the host;
#   - COMMAND runs from vessel-vm-job.service (system.slice, Delegate=yes,
#     no task or file limits) once multi-user.target is reached, as root,
#     with the caller's working directory, stdin /dev/null and a clean
#     environment: Debian's PATH, HOME=/root, the caller's VESSEL_*
#     variables, LANG, LC_*, TZ and CI when set, and each --env;
#   - a user `rootless` (uid 1000, subordinate ids 100000-165535); logind
#     starts on demand (`loginctl enable-linger rootless` gives it a user
#     manager and a user bus at /run/user/1000/bus).
# COMMAND's stdout and stderr come back on this script's (virtio-serial
# ports; the guest's console goes to the console log) and its exit status
# becomes this script's. Then the guest powers off, and one line on stderr
# tells when the command started (seconds after boot) and how long it ran.
#
# Options:
#   --timeout SECS      stop the VM after SECS (default 900: TCG is slow)
#   --memory MIB        guest RAM (default 2048)
#   --cpus N            vCPUs (default 2)
#   --share DIR         show DIR in the guest, read-only underneath (repeatable)
#   --share-rw DIR      show DIR in the guest, writable (repeatable)
#   --env NAME[=VALUE]  pass a variable to COMMAND (repeatable; without a
#                       value, the caller's)
#   --debug             systemd's and the kernel's messages, and the job
#                       runner's steps with their times, on the console log
#   --prepare           only build (or find) the image, print its directory
# The same settings: VESSEL_VM_TIMEOUT, VESSEL_VM_MEMORY, VESSEL_VM_CPUS.
#
# Exit status: COMMAND's; 124 when the VM timed out (qemu is killed); 125 when
# the VM or the image could not be made, the guest could not be set up, or it
# stopped before COMMAND finished. Those print one line "vessel-systemd-vm:
# ..." naming the log. Logs of the latest run: systemd-last-console.log,
# systemd-last-qemu.log and systemd-last-virtiofsd.log in the cache
# (tests/vm/systemd/image.sh says where).
#
# Acceleration: KVM when the CPU has vmx or svm and /dev/kvm opens, else TCG;
# VESSEL_VM_ACCEL=kvm|tcg overrides.
#
# Needs, as root: qemu-system-x86 (with /usr/lib/qemu/virtiofsd and
# qboot.rom), util-linux, coreutils, and what image.sh needs.

set -euo pipefail

prog=vessel-systemd-vm
log_prefix=systemd-last-
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
self=$here/$(basename "${BASH_SOURCE[0]}")
top=$(cd "$here/../../.." && pwd -P)
# shellcheck source=tests/vm/lib/common.sh
. "$here/../lib/common.sh"
# shellcheck source=tests/vm/lib/boot.sh
. "$here/../lib/boot.sh"
stats=1
usage() { sed -n '2,/^$/s/^# \{0,1\}//p' "$self"; }

timeout_s=${VESSEL_VM_TIMEOUT:-900}
memory=${VESSEL_VM_MEMORY:-2048}
cpus=${VESSEL_VM_CPUS:-2}
debug=
prepare_only=
env_args=()
shares=()
while [ $# -gt 0 ]; do
	case $1 in
	--timeout | --memory | --cpus | --env | --share | --share-rw)
		[ $# -ge 2 ] || die "$1 needs a value"
		opt=$1 val=$2
		shift 2
		;;
	--timeout=* | --memory=* | --cpus=* | --env=* | --share=* | --share-rw=*)
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
	-*) die "unknown option $1 (usage: tests/vm/systemd/run.sh [--timeout SECS] -- COMMAND...)" ;;
	*) break ;;
	esac
	case $opt in
	--timeout) timeout_s=$val ;;
	--memory) memory=$val ;;
	--cpus) cpus=$val ;;
	--env) env_args+=("$val") ;;
	--share) shares+=("ro:$val") ;;
	--share-rw) shares+=("rw:$val") ;;
	esac
done
for n in "timeout:$timeout_s" "memory:$memory" "cpus:$cpus"; do
	case ${n#*:} in
	'' | *[!0-9]* | 0) die "--${n%%:*} needs a positive integer, not '${n#*:}'" ;;
	esac
done
[ -n "$prepare_only" ] || [ $# -gt 0 ] || die "no command (usage: tests/vm/systemd/run.sh [--timeout SECS] -- COMMAND...)"

[ "$(id -u)" = 0 ] || die "must run as root (virtiofsd, its mount namespace and the image need it)"
need qemu-system-x86_64 qemu-system-x86
[ -x "$virtiofsd" ] || die "$virtiofsd not found (Debian package qemu-system-x86)"
need unshare util-linux
need timeout coreutils

vm_cache_dir
img=$("$here/image.sh") || exit 125
if [ -n "$prepare_only" ]; then
	printf '%s\n' "$img"
	exit 0
fi

# ---------------------------------------------------------------- the shares

# Sets share_list to "MODE DIR" lines, parents before children; a read-only
# directory inside another read-only one is already there.
declare -A share_mode=()
add_share() {
	local mode=$1 dir
	dir=$(cd "$2" 2>/dev/null && pwd -P) || die "cannot share $2: not a directory"
	case $dir in
	/ | /proc | /proc/* | /sys | /sys/* | /dev | /dev/* | /run | /run/* | /var/lib/vessel-vm | /var/lib/vessel-vm/*)
		die "cannot share $dir: the guest has its own"
		;;
	*[[:space:]]*) die "cannot share $dir: white space in the path" ;;
	esac
	[ "${share_mode[$dir]:-}" = rw ] || share_mode[$dir]=$mode
}
add_share ro "$top"
cwd=$(pwd -P)
add_share ro "$cwd"
for s in "${shares[@]}"; do
	add_share "${s%%:*}" "${s#*:}"
done
share_list=()
while IFS= read -r dir; do
	mode=${share_mode[$dir]}
	if [ "$mode" = ro ]; then
		covered=
		for l in "${share_list[@]}"; do
			case $dir/ in "${l#ro }"/*) covered=1 ;; esac
		done
		[ -z "$covered" ] || continue
	fi
	share_list+=("$mode $dir")
done < <(printf '%s\n' "${!share_mode[@]}" | LC_ALL=C sort)

# ---------------------------------------------------------------- the job

vm_work_dir
write_job /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "$cwd" "$@"
printf 'share %s\n' "${share_list[@]}" >"$work/conf"
vfsd_specs=()
for l in "${share_list[@]}"; do
	vfsd_specs+=("${l%% *}:${l#* }")
done
start_virtiofsd auto "${vfsd_specs[@]}"

# ---------------------------------------------------------------- qemu

pick_accel
# no_timer_check: under TCG on a busy host the IO-APIC timer check can fail
# and panic the kernel ("IO-APIC + timer doesn't work!")
cmdline="console=ttyS0 root=/dev/nvme0n1 rootfstype=ext4 rw panic=-1 no_timer_check"
cmdline+=" systemd.unified_cgroup_hierarchy=1"
if [ -n "$debug" ]; then
	cmdline+=" systemd.show_status=true systemd.log_target=console vessel.trace"
else
	cmdline+=" quiet loglevel=3 systemd.show_status=false"
fi
cmdline+=" vessel.job=$work"

vm_io_args_for vessel-host
# shellcheck disable=SC2054 # qemu's option lists are comma-separated
qemu_args=(
	-nodefaults -no-user-config -display none -monitor none -no-reboot
	-accel "$accel" -machine q35,memory-backend=vm-ram
	-cpu "$cpu" -smp "$cpus" -m "${memory}M"
	-object "memory-backend-memfd,id=vm-ram,size=${memory}M,share=on"
	-kernel "$img/vmlinuz" -append "$cmdline"
	-drive "file=$img/root.ext4,if=none,id=root,format=raw,snapshot=on"
	-device nvme,drive=root,serial=vessel-root
	"${vm_io_args[@]}"
)
if [ -r /usr/share/qemu/qboot.rom ]; then
	qemu_args+=(-bios /usr/share/qemu/qboot.rom)
fi
run_qemu "$timeout_s" "${qemu_args[@]}"
vm_finish "$timeout_s"
