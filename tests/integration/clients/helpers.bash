# shellcheck shell=bash
# Common set-up for vessel's "real callers" suites: containerd + ctr, podman + conmon,
# dockerd. Each suite starts its caller privately (own root, state, socket, cgroup
# parent) and drives the runtime under test the way that caller does in production.
#
# The runtime under test is $VESSEL_RUNTIME (an absolute path), by default the vessel
# binary at the top of the work tree. Pointing it at another runc-compatible runtime
# (VESSEL_RUNTIME=/usr/bin/runc) shows that the suite tests the right things.
#
# Callers never run $VESSEL_RUNTIME directly: they run a small recorder,
# $RUNTIME_WRAPPER, with the same file name, that appends its argv to
# $RUNTIME_ARGV_LOG and then execs the runtime. The suites assert on that log, so a
# caller that silently falls back to another runtime (ctr does, see DESIGN.md) makes
# the tests fail instead of passing against the wrong binary. Set
# VESSEL_CLIENTS_ARGV_LOG=/some/file to also collect every call of every suite there,
# and VESSEL_CLIENTS_TRACE=/some/file to record each call's cwd, umask, open
# descriptors and environment as well.

bats_require_minimum_version 1.5.0

load '/usr/lib/bats/bats-support/load'
load '/usr/lib/bats/bats-assert/load'
load '/usr/lib/bats/bats-file/load'

CLIENTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(git -C "$CLIENTS_DIR" rev-parse --show-toplevel 2>/dev/null ||
	{ cd "$CLIENTS_DIR/../../.." && pwd; })
: "${VESSEL_RUNTIME:=$REPO_ROOT/vessel}"
export VESSEL_RUNTIME REPO_ROOT CLIENTS_DIR

# Upper bounds, in seconds, for anything the suites wait on.
: "${CLIENTS_DAEMON_TIMEOUT:=60}"
: "${CLIENTS_WAIT_TIMEOUT:=20}"

# ---------------------------------------------------------------------------
# Requirements

# clients_require CMD...: skip the whole file when a caller is not installed.
clients_require() {
	local c missing=()
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || missing+=("$c")
	done
	if [ ${#missing[@]} -gt 0 ]; then
		skip "not installed: ${missing[*]} (scripts/install-deps.sh installs them)"
	fi
}

# clients_require_runtime: the runtime under test must exist; a missing binary is a
# failure, never a skip.
clients_require_runtime() {
	case "$VESSEL_RUNTIME" in
	/*) ;;
	*)
		echo "VESSEL_RUNTIME must be an absolute path, got '$VESSEL_RUNTIME'" >&2
		return 1
		;;
	esac
	if [ ! -x "$VESSEL_RUNTIME" ]; then
		echo "runtime under test '$VESSEL_RUNTIME' is not an executable (run make first)" >&2
		return 1
	fi
	if [ "$(id -u)" != 0 ]; then
		echo "the client suites run as root" >&2
		return 1
	fi
}

# ---------------------------------------------------------------------------
# Per-file private directory, runtime recorder, image

# clients_setup NAME: create $CLIENT_TMP (mode 0755, so user-namespaced containers can
# reach their rootfs), the runtime recorder, and the busybox image. Exports:
#   CLIENT_TMP CLIENT_ID RUNTIME_NAME RUNTIME_WRAPPER RUNTIME_ARGV_LOG
#   IMAGE_DIR IMAGE_NAME IMAGE_ID
clients_setup() {
	local name=$1
	clients_require_runtime || return 1
	CLIENT_TMP=$(mktemp -d "/tmp/vessel-clients-$name.XXXXXX")
	chmod 0755 "$CLIENT_TMP"
	CLIENT_ID=${CLIENT_TMP##*.}
	export CLIENT_TMP CLIENT_ID
	mkdir -p "$CLIENT_TMP/bin" "$CLIENT_TMP/tmp"
	# Marks the directory as the suite's own: clients_cleanup removes nothing else.
	echo "$name" >"$CLIENT_TMP/.vessel-clients"
	clients_make_wrapper
	clients_image
}

# clients_make_wrapper: $CLIENT_TMP/bin/<basename of the runtime> records and execs the
# runtime; $CLIENT_TMP/bin/runc points at it too, for callers that look `runc` up in PATH.
clients_make_wrapper() {
	RUNTIME_NAME=$(basename "$VESSEL_RUNTIME")
	RUNTIME_WRAPPER=$CLIENT_TMP/bin/$RUNTIME_NAME
	RUNTIME_ARGV_LOG=$CLIENT_TMP/runtime-argv.log
	export RUNTIME_NAME RUNTIME_WRAPPER RUNTIME_ARGV_LOG
	: >"$RUNTIME_ARGV_LOG"
	local extra=/dev/null trace=${VESSEL_CLIENTS_TRACE:-}
	[ -z "${VESSEL_CLIENTS_ARGV_LOG:-}" ] || extra=$VESSEL_CLIENTS_ARGV_LOG
	cat >"$RUNTIME_WRAPPER" <<EOF
#!/bin/bash
# Records one call of the runtime under test (time, caller, argv), then becomes it.
read -r caller </proc/\$PPID/comm 2>/dev/null || caller=?
printf -v args ' %q' "\$@"
line="\$EPOCHREALTIME \$caller[\$PPID]\$args"
printf '%s\n' "\$line" >>'$RUNTIME_ARGV_LOG'
printf '%s %s\n' '$(basename "$CLIENT_TMP")' "\$line" >>'$extra'
if [ -n '$trace' ]; then
	# external commands, so the redirections happen in the child and the listing shows
	# the descriptors the caller passed (and the script's own, 255)
	printf '=== %s\ncwd: %s\numask: %s\n' "\$line" "\$PWD" "\$(umask)" >>'$trace'
	ls -l /proc/\$\$/fd/ >>'$trace' 2>&1
	env >>'$trace' 2>&1
fi
exec '$VESSEL_RUNTIME' "\$@"
EOF
	chmod 0755 "$RUNTIME_WRAPPER"
	if [ "$RUNTIME_NAME" != runc ]; then
		ln -sf "$RUNTIME_WRAPPER" "$CLIENT_TMP/bin/runc"
	fi
}

# clients_image: build the busybox image once per bats run (shared by all files).
clients_image() {
	local dir=${BATS_RUN_TMPDIR:-$CLIENT_TMP}/vessel-image
	(
		flock 9
		if [ ! -s "$dir/image.env" ]; then
			"$REPO_ROOT/scripts/mkimage.sh" "$dir" >/dev/null
		fi
	) 9>"${dir%/*}/vessel-image.lock" || return 1
	IMAGE_DIR=$dir
	# shellcheck disable=SC1091
	IMAGE_NAME=$(. "$dir/image.env" && echo "$IMAGE_NAME")
	# shellcheck disable=SC1091
	IMAGE_ID=$(. "$dir/image.env" && echo "$IMAGE_ID")
	export IMAGE_DIR IMAGE_NAME IMAGE_ID
}

# ---------------------------------------------------------------------------
# The runtime recorder

# runtime_calls PATTERN: lines of the argv log matching an extended regex.
runtime_calls() {
	grep -E -- "$1" "$RUNTIME_ARGV_LOG" || true
}

# assert_runtime_called VERB ID: the runtime under test (not another one found on the
# way) ran VERB for container ID.
assert_runtime_called() {
	local verb=$1 id=$2
	if ! grep -qE -- " $verb( .*)? $id( |\$)" "$RUNTIME_ARGV_LOG"; then
		batslib_print_kv_single_or_multi 8 \
			'expected' "$RUNTIME_NAME $verb ... $id" \
			'argv log' "$(tail -n 20 "$RUNTIME_ARGV_LOG")" |
			batslib_decorate "the runtime under test was not called" |
			fail
	fi
}

# ---------------------------------------------------------------------------
# Waiting

# wait_until SECONDS CMD...: run CMD every 0.1 s until it succeeds or time runs out.
# Only for states no caller signals (a daemon's socket, a task's status).
wait_until() {
	local limit=$1
	shift
	local deadline=$((SECONDS + limit))
	while :; do
		if "$@" >/dev/null 2>&1; then
			return 0
		fi
		if [ "$SECONDS" -ge "$deadline" ]; then
			echo "timed out after ${limit}s waiting for: $*" >&2
			return 1
		fi
		sleep 0.1
	done
}

# ---------------------------------------------------------------------------
# Processes the suite started

# start_daemon PIDFILE LOG CMD...: start CMD in the background with no inherited
# descriptors (bats waits on fd 3), record its pid.
start_daemon() {
	local pidfile=$1 log=$2
	shift 2
	"$@" </dev/null >"$log" 2>&1 3>&- &
	echo $! >"$pidfile"
}

# pid_is PID TEXT: PID is alive, not a zombie, and its command line contains TEXT (so a
# recycled pid is never signalled).
pid_is() {
	local pid=$1 text=$2 state
	[ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || return 1
	state=$(pid_state "$pid")
	[ -n "$state" ] && [ "$state" != Z ] || return 1
	tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$text"
}

# pid_state PID: the one-letter state of PID, empty when there is no such process.
pid_state() {
	local stat
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
	stat=${stat##*) }
	echo "${stat%% *}"
}

# pid_gone PID: PID has exited (a zombie counts as gone).
pid_gone() {
	local state
	state=$(pid_state "$1")
	[ -z "$state" ] || [ "$state" = Z ]
}

# stop_pid PID TEXT [SECONDS]: SIGTERM, wait, then SIGKILL a process this suite started.
stop_pid() {
	local pid=$1 text=$2 limit=${3:-20}
	pid_is "$pid" "$text" || return 0
	kill -TERM "$pid" 2>/dev/null || true
	if ! wait_until "$limit" pid_gone "$pid"; then
		echo "pid $pid did not stop on SIGTERM, sending SIGKILL" >&2
		kill -KILL "$pid" 2>/dev/null || true
		wait_until 10 pid_gone "$pid" || true
	fi
	# Reap it when it is our child; harmless otherwise.
	wait "$pid" 2>/dev/null || true
}

# stop_pidfile FILE TEXT [SECONDS]
stop_pidfile() {
	[ -s "$1" ] || return 0
	stop_pid "$(tr -d '[:space:]' <"$1")" "$2" "${3:-20}"
}

# pid_in_cgroup PID NAME: PID is alive in the suite's cgroup NAME (any hierarchy).
pid_in_cgroup() {
	local pid=$1 name=$2
	[ -n "$name" ] && [ -r "/proc/$pid/cgroup" ] || return 1
	grep -qE ":/$name(/|\$)" "/proc/$pid/cgroup"
}

# pids_under DIR: live processes whose command line mentions DIR (the daemons, shims
# and conmons this suite started all carry their private directory in their argv).
# Used to find what a suite failed to stop, not to choose what to signal.
pids_under() {
	local dir=$1 p
	for p in /proc/[0-9]*; do
		p=${p#/proc/}
		[ "$p" != $$ ] || continue
		[ "$p" != "$BASHPID" ] || continue
		pid_is "$p" "$dir" && echo "$p"
	done
	return 0
}

# no_pids_under DIR: no live process mentions DIR in its argv.
no_pids_under() {
	[ -z "$(pids_under "$1")" ]
}

# stop_recorded_pids: stop every process named by a pid file below $CLIENT_TMP (the
# callers' daemons, shims, conmons and container inits) that is still one of ours:
# its argv mentions $CLIENT_TMP or it lives in the suite's cgroup.
stop_recorded_pids() {
	local f pid
	while IFS= read -r f; do
		pid=$(tr -d '[:space:]' <"$f" 2>/dev/null)
		case "$pid" in '' | *[!0-9]*) continue ;; esac
		if pid_is "$pid" "$CLIENT_TMP"; then
			stop_pid "$pid" "$CLIENT_TMP" 5
		elif pid_in_cgroup "$pid" "${CLIENT_CGROUP:-}"; then
			kill -KILL "$pid" 2>/dev/null || true
		fi
	done < <(find "$CLIENT_TMP" -xdev \( -name '*.pid' -o -name pidfile -o -name '*-pid' \) \
		-type f 2>/dev/null)
}

# kill_cgroup_procs NAME: SIGKILL what is still in the suite's own cgroup NAME (thawing
# it first, a frozen task cannot die).
kill_cgroup_procs() {
	local name=$1 d f pid
	[ -n "$name" ] || return 0
	for d in $(cgroup_dirs "$name"); do
		while IFS= read -r f; do
			echo THAWED >"$f" 2>/dev/null || true
		done < <(find "$d" -name freezer.state 2>/dev/null)
		while IFS= read -r f; do
			while read -r pid; do
				kill -KILL "$pid" 2>/dev/null || true
			done <"$f"
		done < <(find "$d" -name cgroup.procs 2>/dev/null)
	done
	wait_until 10 cgroup_empty "$name" || true
}

# cgroup_empty NAME: no process left in the suite's cgroup NAME, in any hierarchy.
cgroup_empty() {
	local d
	for d in $(cgroup_dirs "$1"); do
		if find "$d" -name cgroup.procs -exec cat {} + 2>/dev/null | grep -q .; then
			return 1
		fi
	done
	return 0
}

# ---------------------------------------------------------------------------
# Mounts, cgroups, network namespaces

# mounts_under DIR: mount points at or below DIR, deepest first.
mounts_under() {
	local dir=$1
	awk -v d="$dir" '{
		m = $5
		# mountinfo escapes space, tab, newline and backslash as octal
		gsub(/\\040/, " ", m); gsub(/\\011/, "\t", m); gsub(/\\012/, "\n", m); gsub(/\\134/, "\\", m)
		if (m == d || index(m, d "/") == 1) print m
	}' /proc/self/mountinfo | awk '{ print length($0) " " $0 }' | sort -rn | cut -d' ' -f2-
}

# umount_under DIR: unmount everything at or below DIR.
umount_under() {
	local dir=$1 m _
	for _ in 1 2 3; do
		mounts_under "$dir" | while IFS= read -r m; do
			umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
		done
		[ -z "$(mounts_under "$dir")" ] && return 0
	done
	return 0
}

# cgroup_dirs NAME: the suite's cgroup directory NAME (a top-level name of its own) in
# every mounted hierarchy.
cgroup_dirs() {
	local name=$1 h
	for h in /sys/fs/cgroup/*/ /sys/fs/cgroup/; do
		[ -d "$h$name" ] && echo "$h$name"
	done
	return 0
}

# rm_cgroup NAME: remove the suite's own cgroup NAME (and what the callers created under
# it) from every hierarchy. Never touches a cgroup of another name.
rm_cgroup() {
	local name=$1 d
	case "$name" in
	vessel-clients-*) ;;
	*)
		echo "refusing to remove cgroup '$name'" >&2
		return 1
		;;
	esac
	cgroup_dirs "$name" | while IFS= read -r d; do
		find "$d" -depth -type d -exec rmdir {} + 2>/dev/null || true
	done
	return 0
}

# netns_named PATTERN: named network namespaces (/run/netns) matching a glob.
netns_named() {
	local pat=$1
	[ -d /run/netns ] || return 0
	find /run/netns -mindepth 1 -maxdepth 1 -name "$pat" 2>/dev/null
}

# clients_cleanup: last resort for whatever a suite's own stop left behind: processes
# named by pid files under $CLIENT_TMP or living in the suite's cgroup $CLIENT_CGROUP,
# mounts under $CLIENT_TMP, that cgroup, and the directory itself. Safe to repeat.
clients_cleanup() {
	[ -n "${CLIENT_TMP:-}" ] && [ -f "$CLIENT_TMP/.vessel-clients" ] || return 0
	stop_recorded_pids
	kill_cgroup_procs "${CLIENT_CGROUP:-}"
	umount_under "$CLIENT_TMP"
	if [ -n "${CLIENT_CGROUP:-}" ]; then
		rm_cgroup "$CLIENT_CGROUP"
	fi
	untrack_host_paths
	if [ -z "$(mounts_under "$CLIENT_TMP")" ]; then
		rm -rf "$CLIENT_TMP"
	else
		echo "mounts left under $CLIENT_TMP:" >&2
		mounts_under "$CLIENT_TMP" >&2
	fi
}

# assert_nothing_left: no process, mount, cgroup or host path of this suite remains.
assert_nothing_left() {
	local left
	left=$(pids_under "$CLIENT_TMP")
	[ -z "$left" ] || fail "processes left: $(for p in $left; do tr '\0' ' ' <"/proc/$p/cmdline"; echo; done)"
	left=$(mounts_under "$CLIENT_TMP")
	[ -z "$left" ] || fail "mounts left: $left"
	if [ -n "${CLIENT_CGROUP:-}" ]; then
		left=$(cgroup_dirs "$CLIENT_CGROUP")
		[ -z "$left" ] || fail "cgroups left: $left"
	fi
	left=$(host_paths_left)
	[ -z "$left" ] || fail "host paths left: $left"
}

# ---------------------------------------------------------------------------
# Host paths the callers create outside their private directories

# track_host_paths PATH...: note which of these paths exist now. Callers create some
# paths whatever their flags say (shim sockets in /run/containerd/s, podman's blob cache,
# dockerd's trust key); untrack_host_paths removes the ones that did not exist before.
# List files before the directories that hold them.
track_host_paths() {
	local p
	printf '%s\n' "$@" >>"$CLIENT_TMP/.host-paths"
	for p in "$@"; do
		if [ -e "$p" ]; then echo "$p"; fi
	done >>"$CLIENT_TMP/.host-paths-before"
}

# untrack_host_paths: remove what the suite created among the tracked paths: a file, or a
# directory tree of empty directories. A directory that holds anything is left, and named.
untrack_host_paths() {
	local p
	[ -f "${CLIENT_TMP:-/nonexistent}/.host-paths" ] || return 0
	while IFS= read -r p; do
		[ -n "$p" ] || continue
		grep -qxF -- "$p" "$CLIENT_TMP/.host-paths-before" 2>/dev/null && continue
		if [ -d "$p" ] && [ ! -L "$p" ]; then
			find "$p" -depth -type d -empty -delete 2>/dev/null || true
			[ ! -e "$p" ] || echo "left in place, not empty: $p" >&2
		elif [ -e "$p" ] || [ -L "$p" ]; then
			rm -f -- "$p"
		fi
	done <"$CLIENT_TMP/.host-paths"
}

# host_paths_left: tracked paths that the suite created and that still exist.
host_paths_left() {
	local p
	[ -f "${CLIENT_TMP:-/nonexistent}/.host-paths" ] || return 0
	while IFS= read -r p; do
		[ -n "$p" ] || continue
		grep -qxF -- "$p" "$CLIENT_TMP/.host-paths-before" 2>/dev/null && continue
		if [ -e "$p" ]; then echo "$p"; fi
	done <"$CLIENT_TMP/.host-paths"
}

# ---------------------------------------------------------------------------
# A private containerd (for ctr, and for dockerd the way Debian runs it)

# containerd_start: start containerd 1.6 with everything under $CLIENT_TMP and the
# runtime recorder first on its PATH (as `runc`, and under its own name). Exports
# CTRD_SOCK CTRD_STATE RUNTIME_ROOT.
containerd_start() {
	export CTRD_SOCK=$CLIENT_TMP/containerd.sock
	export CTRD_STATE=$CLIENT_TMP/state
	export RUNTIME_ROOT=$CLIENT_TMP/runtime-root
	# containerd-shim-runc-v2 1.6 puts its sockets in /run/containerd/s, always.
	track_host_paths /run/containerd
	cat >"$CLIENT_TMP/config.toml" <<EOF
version = 2
root = "$CLIENT_TMP/root"
state = "$CTRD_STATE"
disabled_plugins = ["io.containerd.grpc.v1.cri"]

[grpc]
  address = "$CTRD_SOCK"

[ttrpc]
  address = "$CTRD_SOCK.ttrpc"

[plugins."io.containerd.internal.v1.opt"]
  path = "$CLIENT_TMP/opt"

# What a CRI client of this containerd would use (ctr and dockerd pass their own).
[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
  runtime_type = "io.containerd.runc.v2"
[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
  BinaryName = "$RUNTIME_WRAPPER"
  Root = "$RUNTIME_ROOT"
EOF
	start_daemon "$CLIENT_TMP/containerd.pid" "$CLIENT_TMP/containerd.log" \
		env PATH="$CLIENT_TMP/bin:$PATH" \
		containerd --config "$CLIENT_TMP/config.toml" --log-level info
	if ! wait_until "$CLIENTS_DAEMON_TIMEOUT" ctr --address "$CTRD_SOCK" version; then
		tail -n 30 "$CLIENT_TMP/containerd.log" >&2
		return 1
	fi
}

containerd_running() {
	pid_is "$(cat "$CLIENT_TMP/containerd.pid" 2>/dev/null)" "$CLIENT_TMP"
}

# containerd_stop: stop containerd, then any shim it left (shims outlive containerd).
containerd_stop() {
	stop_pidfile "$CLIENT_TMP/containerd.pid" "$CLIENT_TMP" 20
	local f
	for f in "$CTRD_STATE"/io.containerd.runtime.v2.task/*/*/shim.pid; do
		[ -e "$f" ] && stop_pidfile "$f" "$CLIENT_TMP" 10
	done
	return 0
}

# in_terminal CMD...: run CMD with a pseudo-terminal as its controlling terminal (the
# callers' -t flags need one); exit status is CMD's. Output gets CRLF line ends.
in_terminal() {
	local cmd
	printf -v cmd '%q ' "$@"
	timeout "$CLIENTS_WAIT_TIMEOUT" script -qec "$cmd" /dev/null </dev/null
}

# strip_cr: remove the carriage returns a terminal adds.
strip_cr() {
	tr -d '\r'
}
