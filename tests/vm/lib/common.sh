# shellcheck shell=bash
# tests/vm/lib/common.sh: what the VM lanes share (sourced by tests/vm/run.sh
# and tests/vm/systemd/*.sh): messages, the cache directory, and the cleanup
# of everything a run started or made.
#
# The sourcing script sets `prog` (the prefix of its messages) and may set
# `log_prefix` (the names of the saved logs, default "last-") first.

die() {
	printf '%s: %s\n' "$prog" "$*" >&2
	exit 125
}
note() { printf '%s: %s\n' "$prog" "$*" >&2; }
need() { command -v "$1" >/dev/null 2>&1 || die "$1 not found (Debian package $2)"; }
shq() { printf "'%s'" "${1//\'/\'\\\'\'}"; }

# What a run started or made, for cleanup: the job directory, a scratch
# directory (a download, an initramfs or image build), and pids.
work='' scratch='' qemu_pid='' vfsd_pid='' vfsd_log_pid='' out_pid='' err_pid=''
cache=''
: "${log_prefix:=last-}"

# Sets cache: $VESSEL_VM_CACHE, else $XDG_CACHE_HOME/vessel-vm, else
# /var/tmp/vessel-vm-cache; made if missing, as an absolute physical path.
vm_cache_dir() {
	cache=${VESSEL_VM_CACHE:-}
	if [ -z "$cache" ]; then
		if [ -n "${XDG_CACHE_HOME:-}" ]; then
			cache=$XDG_CACHE_HOME/vessel-vm
		else
			cache=/var/tmp/vessel-vm-cache
		fi
	fi
	mkdir -p "$cache/kernel" || die "cannot make the cache directory $cache"
	cache=$(cd "$cache" && pwd -P)
}

# The logs of the latest run stay in the cache as ${log_prefix}NAME.log.
save_logs() {
	local f
	[ -n "$work" ] && [ -n "$cache" ] || return 0
	for f in console qemu virtiofsd; do
		if [ -e "$work/$f.log" ]; then
			cp "$work/$f.log" "$cache/$log_prefix$f.log.tmp" && mv "$cache/$log_prefix$f.log.tmp" "$cache/$log_prefix$f.log"
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

stop_virtiofsd() {
	if [ -n "$vfsd_pid" ]; then
		kill -TERM "$vfsd_pid" 2>/dev/null || true
		wait "$vfsd_pid" || true
	fi
	[ -z "$vfsd_log_pid" ] || wait "$vfsd_log_pid" || true
	vfsd_pid='' vfsd_log_pid=''
}

# shellcheck disable=SC2317 # called by the EXIT trap
vm_cleanup() {
	set +e
	if [ -n "$qemu_pid" ]; then
		kill -TERM "$qemu_pid" 2>/dev/null
		wait "$qemu_pid"
	fi
	stop_virtiofsd
	release_relays
	save_logs
	[ -z "$work" ] || rm -rf "$work"
	[ -z "$scratch" ] || rm -rf --one-file-system "$scratch"
}
trap vm_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
