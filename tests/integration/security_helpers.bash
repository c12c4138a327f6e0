# shellcheck shell=bash
# security_helpers.bash - what the seccomp and security suites share on top
# of helpers.bash: the attack programs in attacks/ (built here, statically,
# once per file), background helpers that teardown stops by pid, seccomp
# snippets, and reading /proc/<pid>/status fields.

load helpers

ATTACKS=$INTEGRATION_DIR/attacks

# set_args ARG...: process.args, every argument kept as it is (also ones
# that look like options, such as sh's -c). These suites' own copy.
set_args() {
	local a x
	a=$(for x in "$@"; do jq -n --arg x "$x" '$x'; done | jq -s -c .)
	update_config ".process.args = $a"
}

# sec_setup_file PROGRAM...: the file's template bundle (helpers.bash), then
# each attacks/PROGRAM.c built with gcc -static into $FILE_DIR/bin.
sec_setup_file() {
	vessel_setup_file
	mkdir -p "$FILE_DIR/bin"
	local p libs
	for p in "$@"; do
		libs=()
		[ "$p" = agent ] && libs=(-lseccomp)
		gcc -static -no-pie -O1 -pthread -o "$FILE_DIR/bin/$p" "$ATTACKS/$p.c" "${libs[@]}" ||
			{ echo "# cannot build attacks/$p.c" >&3; return 1; }
	done
}

# sec_setup: helpers.bash's per-test set-up, plus the list of background
# helpers (agents, receivers, swappers) this test started.
sec_setup() {
	vessel_setup
	BG_PIDS=()
}

# sec_teardown: stop the background helpers this test started (by pid), then
# helpers.bash's teardown; the extra cgroups of a second container (see
# second_bundle) go too.
sec_teardown() {
	local p
	for p in "${BG_PIDS[@]}"; do
		kill "$p" 2>/dev/null
	done
	for p in "${BG_PIDS[@]}"; do
		wait_pid "$p" 3 || kill -9 "$p" 2>/dev/null
	done
	vessel_teardown
	local cg
	for cg in /sys/fs/cgroup/*/"$CG_NAME"-*; do
		[ -d "$cg" ] && find "$cg" -depth -type d -exec rmdir {} + 2>/dev/null
	done
	return 0
}

# own_cgroup NAME [BUNDLE]: the next container made from BUNDLE gets a
# cgroup of its own, "/$CG_NAME-NAME" (containers that share one are killed
# together when one of them is deleted).
own_cgroup() {
	update_config ".linux.cgroupsPath = \"/$CG_NAME-$1\"" "${2:-$BUNDLE}"
}

# bg PROGRAM ARGS...: start a helper that forks itself into the background
# and prints its pid once ready (agent, swapper, console.py); remembers the
# pid for teardown and prints it.
bg() {
	local pid
	pid=$("$@" 2>>"$TEST_DIR/bg.err" 3>&-) || return 1
	[ -n "$pid" ] || return 1
	BG_PIDS+=("$pid")
	echo "$pid"
}

# install_bin NAME [BUNDLE]: copy $FILE_DIR/bin/NAME to /NAME in the rootfs.
install_bin() {
	cp "$FILE_DIR/bin/$1" "${2:-$BUNDLE}/rootfs/$1"
}

# seccomp JSON: set linux.seccomp.
seccomp() {
	update_config ".linux.seccomp = $1"
}

# errno_rule NAME ERRNO: a syscalls[] entry failing NAME with ERRNO.
errno_rule() {
	printf '{"names":["%s"],"action":"SCMP_ACT_ERRNO","errnoRet":%d}' "$1" "$2"
}

# status_field PID FIELD: a field of /proc/PID/status, without its name.
status_field() {
	awk -v f="$2:" '$1 == f {print $2}' "/proc/$1/status"
}

# cap_mask CAP...: the hexadecimal mask (as /proc/PID/status prints it) of
# the capabilities named (by number).
cap_mask() {
	local m=0 c
	for c in "$@"; do m=$((m | (1 << c))); done
	printf '%016x\n' "$m"
}

# with_runc: make $BUNDLE's config acceptable to Debian's runc 1.1.5.
with_runc() {
	update_config '.ociVersion = "1.0.2-dev"'
}

# second_bundle DIR: a copy of the template bundle at DIR with its own
# cgroup, "/$CG_NAME-b".
second_bundle() {
	cp -a "$FILE_DIR/template" "$1"
	own_cgroup b "$1"
}

# runtime_copy: the attack tests run (and try to overwrite) a copy of the
# runtime, $RT; $RT_SHA is its digest before the attack.
runtime_copy() {
	mkdir -p "$TEST_DIR/rt"
	cp "$VESSEL" "$TEST_DIR/rt/$RT_NAME"
	RT=$TEST_DIR/rt/$RT_NAME
	RT_SHA=$(sha "$RT")
}

# rt ARGS...: the copy with the test's --root; a command, so that `timeout`
# can bound it.
rt() {
	timeout 30 env VESSEL_TEST_TAG="$TAG" "$RT" --root "$ROOT" "$@"
}

# sha FILE: the sha256 of FILE.
sha() {
	sha256sum "$1" | awk '{print $1}'
}
