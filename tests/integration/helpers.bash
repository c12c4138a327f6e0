# shellcheck shell=bash
# helpers.bash - common set-up for vessel's integration suites (run as root).
#
# Each test gets its own directory $TEST_DIR (0755) holding the state root
# $ROOT (passed as --root) and a busybox bundle $BUNDLE (scripts/mkbundle.sh,
# config.json from `vessel spec`, terminal false). Every bundle gets a cgroup
# of its own, linux.cgroupsPath "/$CG_NAME", so that a test can tell exactly
# which cgroups its containers made and teardown can check them.
#
# The runtime under test is $VESSEL_BINARY (default: the vessel binary at the
# top of the tree). VESSEL_BINARY=/usr/bin/runc runs the suites against runc,
# which shows where a test holds vessel to runc's behaviour. $RUNC is runc,
# used by the tests that compare output shapes side by side.

bats_require_minimum_version 1.5.0

load '/usr/lib/bats/bats-support/load'
load '/usr/lib/bats/bats-assert/load'
load '/usr/lib/bats/bats-file/load'

INTEGRATION_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$INTEGRATION_DIR/../.." && pwd)
VESSEL=${VESSEL_BINARY:-$TOP/vessel}
RUNC=${RUNC_BINARY:-/usr/bin/runc}
MKBUNDLE=$TOP/scripts/mkbundle.sh
PYTHON=/usr/bin/python3
# Upper bound, in seconds, for anything a test waits on.
: "${WAIT_TIMEOUT:=10}"
export VESSEL RUNC TOP

# The name the runtime prints in its messages ("vessel: ...").
RT_NAME=$(basename "$VESSEL")

# ---------------------------------------------------------------------------
# Set-up and teardown

# setup_file: one template bundle per file; tests copy it (mkbundle takes
# ~0.4 s, a copy ~20 ms).
vessel_setup_file() {
	FILE_DIR=$(mktemp -d /tmp/vessel-bats.XXXXXX)
	chmod 0755 "$FILE_DIR"
	VESSEL=$VESSEL "$MKBUNDLE" "$FILE_DIR/template" sh >/dev/null
	export FILE_DIR
}

vessel_teardown_file() {
	[ -n "${FILE_DIR:-}" ] && rm -rf --one-file-system "$FILE_DIR"
	return 0
}

setup_file() { vessel_setup_file; }
teardown_file() { vessel_teardown_file; }

# setup: $TEST_DIR, $ROOT (not created: the runtime makes it on demand),
# $RUNC_ROOT for side-by-side runs, $BUNDLE with its own cgroup.
vessel_setup() {
	TEST_DIR=$(mktemp -d /tmp/vessel-test.XXXXXX)
	chmod 0755 "$TEST_DIR"
	ROOT=$TEST_DIR/root
	RUNC_ROOT=$TEST_DIR/runc-root
	BUNDLE=$TEST_DIR/bundle
	CG_NAME=vessel-bats-${TEST_DIR##*.}
	# Every process the runtime starts for this test carries this variable
	# until it execs the container's program; assert_nothing_left looks for it.
	TAG=$CG_NAME
	export TEST_DIR ROOT RUNC_ROOT BUNDLE CG_NAME TAG
	cp -a "$FILE_DIR/template" "$BUNDLE"
	update_config ".linux.cgroupsPath = \"/$CG_NAME\""
}

setup() { vessel_setup; }

vessel_teardown() {
	local d id r
	for r in "$ROOT" "$RUNC_ROOT"; do
		for d in "$r"/*/; do
			[ -d "$d" ] || continue
			id=$(basename "$d")
			if [ "$r" = "$RUNC_ROOT" ]; then
				timeout "$WAIT_TIMEOUT" "$RUNC" --root "$r" delete -f "$id" >/dev/null 2>&1
			else
				timeout "$WAIT_TIMEOUT" "$VESSEL" --root "$r" delete -f "$id" >/dev/null 2>&1
			fi
		done
	done
	# What a misbehaving runtime left: our processes, our cgroups, mounts of
	# our bundle. All of them were made by this test.
	local p
	for p in $(stray_pids); do kill -9 "$p" 2>/dev/null; done
	for p in $(stray_pids); do wait_pid "$p" 2 >/dev/null 2>&1; done
	local cg
	for cg in /sys/fs/cgroup/*/"$CG_NAME" /sys/fs/cgroup/*/"$CG_NAME-r"; do
		[ -d "$cg" ] || continue
		find "$cg" -depth -type d -exec rmdir {} + 2>/dev/null
	done
	local m
	while read -r m; do umount -l "$m" 2>/dev/null; done < <(mounts_under "$TEST_DIR" | sort -r)
	rm -rf --one-file-system "$TEST_DIR" 2>/dev/null
	return 0
}

teardown() { vessel_teardown; }

# ---------------------------------------------------------------------------
# Running the runtime

# vessel ARGS...: the runtime under test with this test's --root.
vessel() {
	VESSEL_TEST_TAG=$TAG "$VESSEL" --root "$ROOT" "$@"
}

# user_vessel: the path of a copy of the runtime that any user can run, for
# tests that run it as an unprivileged user: the checkout may live where
# only root can reach it (a 0700 home). One copy per file, in $FILE_DIR.
user_vessel() {
	local v
	v=$FILE_DIR/bin/$(basename "$VESSEL")
	[ -x "$v" ] || install -D -m 0755 "$VESSEL" "$v" || return 1
	chmod 0755 "$FILE_DIR/bin"
	echo "$v"
}

# runc ARGS...: runc with a root of its own, for side-by-side comparisons.
runc() {
	"$RUNC" --root "$RUNC_ROOT" "$@"
}

# runc_bundle: $RBUNDLE, a copy of $BUNDLE for runc, with a cgroup of its own
# ("/$CG_NAME-r") and the ociVersion runc 1.1 accepts; same path length.
runc_bundle() {
	RBUNDLE=$TEST_DIR/bundlR
	rm -rf "$RBUNDLE"
	cp -a "$BUNDLE" "$RBUNDLE"
	update_config ".ociVersion = \"1.0.2-dev\" | .linux.cgroupsPath = \"/$CG_NAME-r\"" "$RBUNDLE"
}

# runc_run ID: `runc run` of a copy of the current bundle, in the foreground.
runc_run() {
	runc_bundle
	runc run --bundle "$RBUNDLE" "$1" </dev/null 3>&-
}

# create_ct ID [CREATE FLAGS...]: `create --bundle $BUNDLE` with the
# container's stdio on files ($TEST_DIR/ID.out, ID.err) so that a container
# that outlives the command does not hold bats' pipes. Prints what the runtime
# wrote to stderr; returns its exit status.
create_ct() {
	local id=$1
	shift
	bg_verb create "$id" --bundle "$BUNDLE" "$@"
}

# run_d ID [RUN FLAGS...]: `run -d` the same way.
run_d() {
	local id=$1
	shift
	bg_verb run "$id" -d --bundle "$BUNDLE" "$@"
}

bg_verb() {
	local verb=$1 id=$2 rc
	shift 2
	VESSEL_TEST_TAG=$TAG "$VESSEL" --root "$ROOT" "$verb" "$@" "$id" \
		</dev/null >"$TEST_DIR/$id.out" 2>"$TEST_DIR/$id.err" 3>&-
	rc=$?
	cat "$TEST_DIR/$id.err"
	return $rc
}

# ---------------------------------------------------------------------------
# config.json

# update_config JQ_FILTER [BUNDLE]: edit config.json in place.
update_config() {
	local f=${2:-$BUNDLE}/config.json
	jq "$1" "$f" >"$f.tmp" && mv "$f.tmp" "$f"
}

# set_args ARG...: process.args.
set_args() {
	local a
	a=$("$PYTHON" -c 'import json, sys; print(json.dumps(sys.argv[1:]))' "$@")
	update_config ".process.args = $a"
}

# set_args_in BUNDLE ARG...: process.args of another bundle.
set_args_in() {
	local b=$1 a
	shift
	a=$("$PYTHON" -c 'import json, sys; print(json.dumps(sys.argv[1:]))' "$@")
	update_config ".process.args = $a" "$b"
}

# set_sh SCRIPT: process.args = ["sh", "-c", SCRIPT].
set_sh() {
	set_args sh -c "$1"
}

# ---------------------------------------------------------------------------
# Containers and processes

# ct_state ID: the state JSON; ct_status ID, ct_pid ID: its fields.
ct_state() { vessel state "$1"; }
ct_status() { vessel state "$1" | jq -r .status; }
ct_pid() { vessel state "$1" | jq -r .pid; }

# wait_pid PID [TIMEOUT]: wait (on a pidfd) until PID exits; 1 on timeout.
# A zombie counts as exited.
wait_pid() {
	"$PYTHON" - "$1" "${2:-$WAIT_TIMEOUT}" <<'PY'
import os, select, sys
pid, t = int(sys.argv[1]), float(sys.argv[2])
if pid <= 0:
    sys.exit("wait_pid: no pid: %d" % pid)
try:
    fd = os.pidfd_open(pid)
except ProcessLookupError:
    sys.exit(0)
r, _, _ = select.select([fd], [], [], t)
sys.exit(0 if r else 1)
PY
}

# wait_bg PID: wait for a background child of this shell, bounded; returns
# its exit status, or 124 (after killing it) when it did not exit in time.
wait_bg() {
	if ! wait_pid "$1"; then
		echo "process $1 did not exit within ${WAIT_TIMEOUT}s" >&2
		kill -9 "$1" 2>/dev/null
		wait "$1" 2>/dev/null
		return 124
	fi
	wait "$1"
}

# pid_alive PID: the process exists and is not a zombie.
pid_alive() {
	local st
	st=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
	[ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}

# mk_fifo NAME: a fifo at the top of the rootfs (/NAME in the container);
# prints its host path.
mk_fifo() {
	mkfifo -m 0666 "$BUNDLE/rootfs/$1"
	echo "$BUNDLE/rootfs/$1"
}

# read_fifo PATH: read what the container writes to a fifo, bounded.
read_fifo() {
	timeout "$WAIT_TIMEOUT" cat "$1"
}

# in_ct ID CMD...: run CMD in the namespaces and root of container ID's init.
in_ct() {
	local id=$1 pid
	shift
	pid=$(ct_pid "$id")
	nsenter -t "$pid" -a -r -w "$@"
}

# ---------------------------------------------------------------------------
# Leftovers

# stray_pids: processes this test's runtime started that are still there:
# ones that carry the test's tag (the runtime itself, a container init that
# has not exec'd yet, hooks) or that sit in the test's cgroup.
stray_pids() {
	{
		grep -lsxzF "VESSEL_TEST_TAG=$TAG" /proc/[0-9]*/environ
		grep -lsE ":/$CG_NAME(/|\$)" /proc/[0-9]*/cgroup
	} | awk -F/ -v self=$$ '$3 != self {print $3}' | sort -un
}

# mounts_under DIR: mount points in this mount namespace at or below DIR.
mounts_under() {
	awk -v d="$1" '$5 == d || index($5, d "/") == 1 {print $5}' /proc/self/mountinfo
}

# assert_nothing_left ID: no state dir for ID under --root, no cgroup of the
# test's cgroupsPath in any hierarchy, no mount referencing the bundle, no
# process the runtime started for the test.
assert_nothing_left() {
	local id=$1 left=() e cg p
	if [ -d "$ROOT" ]; then
		while read -r e; do
			[ -n "$e" ] && left+=("in --root: $ROOT/$e")
		done < <(ls -A "$ROOT" | grep -F -- "$id")
	fi
	for cg in /sys/fs/cgroup/*/"$CG_NAME"; do
		[ -e "$cg" ] && left+=("cgroup: $cg")
	done
	while read -r e; do
		[ -n "$e" ] && left+=("mount: $e")
	done < <(grep -F -- "$BUNDLE" /proc/self/mountinfo)
	for p in $(stray_pids); do
		left+=("process $p: $(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null)")
	done
	if [ ${#left[@]} -gt 0 ]; then
		printf '%s\n' "${left[@]}" | batslib_decorate "left behind by $id" | fail
	fi
}

# assert_line_exact_stderr: bats' run merges stderr into $output; several
# suites use `run --separate-stderr` and check $stderr with these.
assert_stderr() {
	assert_equal "$stderr" "$1"
}

# json_keys FILTER: the sorted key paths of the JSON on stdin (for shape
# comparisons): every path to a leaf, with array indexes written as [].
json_paths() {
	jq -r '[paths(scalars) | map(if type == "number" then "[]" else . end) | join(".")] | unique | .[]'
}
