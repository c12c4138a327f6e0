#!/usr/bin/env bats
# Descriptor passing: --preserve-fds N (the caller's fds 3..3+N-1) and socket
# activation (LISTEN_FDS / LISTEN_PID meant for the runtime become the
# process's fds 3.., with LISTEN_FDS=n and LISTEN_PID=1), for run,
# create + start and exec.

load helpers
load tty/common

teardown() { tty_teardown; }

# The container's view: the env, what fds 3 and 4 hold, the shell's fds
# (listed by a child writing straight to the shell's stdout: no pipe or
# saved descriptor of the shell's own in the list).
FD_PROBE='echo "LISTEN_FDS=${LISTEN_FDS-unset} LISTEN_PID=${LISTEN_PID-unset}"; for f in 3 4; do [ -e /proc/$$/fd/$f ] && cat <&$f; done; echo fds:; ls /proc/$$/fd; :'

# fds_out N...: the probe's listing of fds N... (0 1 2 first).
fds_out() { printf '\nfds:'; printf '\n%s' 0 1 2 "$@"; }

setup() {
	vessel_setup
	echo three >"$TEST_DIR/f3"
	echo four >"$TEST_DIR/f4"
	echo five >"$TEST_DIR/f5"
}

# rt ARGS...: the runtime with the test's --root and tag, no bats pipes held
# by a container that outlives the command (stdout is captured by run).
rt() { VESSEL_TEST_TAG=$TAG "$VESSEL" --root "$ROOT" "$@"; }

# create_fds ID ARGS...: create with the caller's descriptors left as they
# are (create_ct closes fd 3); stdio on files.
create_fds() {
	local id=$1 rc=0
	shift
	rt create "$@" --bundle "$BUNDLE" "$id" </dev/null >"$TEST_DIR/$id.out" 2>"$TEST_DIR/$id.err" || rc=$?
	cat "$TEST_DIR/$id.err"
	return $rc
}

# start_and_read ID FIFO: start ID and read what it writes to FIFO.
start_and_read() {
	rt start "$1" || return 1
	read_fifo "$2"
}

# ---------------------------------------------------------------------------
# --preserve-fds

@test "run --preserve-fds N passes the caller's fds 3..3+N-1, and only those" {
	set_sh "$FD_PROBE; echo written >&5"
	run -0 rt run --preserve-fds 3 --bundle "$BUNDLE" c1 \
		3<"$TEST_DIR/f3" 4<"$TEST_DIR/f4" 5>"$TEST_DIR/out5" 6<"$TEST_DIR/f5" </dev/null
	assert_output $'LISTEN_FDS=unset LISTEN_PID=unset\nthree\nfour'"$(fds_out 3 4 5)"
	# fd 5 is the caller's open file itself
	assert_equal "$(cat "$TEST_DIR/out5")" written
	assert_nothing_left c1
}

@test "preserved fds are inheritable in the container (no O_CLOEXEC)" {
	set_sh 'for f in 3 4; do awk "/^flags:/ {print \$2}" /proc/$$/fdinfo/$f; done'
	run -0 rt run --preserve-fds 2 --bundle "$BUNDLE" c1 3<"$TEST_DIR/f3" 4<"$TEST_DIR/f4" </dev/null
	local f
	for f in "${lines[@]}"; do
		(((8#$f & 8#2000000) == 0)) || fail "a preserved fd has O_CLOEXEC: flags $f"
	done
	assert_equal "${#lines[@]}" 2
}

@test "create --preserve-fds N: the fds reach the container's process at start" {
	local out
	out=$(mk_fifo out)
	set_sh "exec >/out; $FD_PROBE"
	run -0 create_fds c1 --preserve-fds 2 3<"$TEST_DIR/f3" 4<"$TEST_DIR/f4"
	# the caller's copies are gone once create returns; start has none
	run -0 start_and_read c1 "$out"
	assert_output $'LISTEN_FDS=unset LISTEN_PID=unset\nthree\nfour'"$(fds_out 3 4)"
}

@test "exec --preserve-fds N passes fds 3..3+N-1, foreground and detached" {
	sleeper c1
	run -0 rt exec --preserve-fds 2 c1 sh -c "$FD_PROBE" 3<"$TEST_DIR/f3" 4<"$TEST_DIR/f4" 5</ </dev/null
	assert_output $'LISTEN_FDS=unset LISTEN_PID=unset\nthree\nfour'"$(fds_out 3 4)"
	exec_d --preserve-fds 1 --pid-file "$TEST_DIR/e.pid" c1 sleep 1000 3<"$TEST_DIR/f3" 4</ 5</
	local pid
	pid=$(cat "$TEST_DIR/e.pid")
	assert_equal "$(fds_of "$pid")" "0 1 2 3"
	assert_equal "$(readlink "/proc/$pid/fd/3")" "$TEST_DIR/f3"
}

@test "--preserve-fds with fds that are not open is an error: run, create, exec; nothing left" {
	# runc 1.1.5 does not check: it hands over whatever it has on those
	# numbers (its own descriptors).
	set_args true
	run -1 rt run --preserve-fds 2 --bundle "$BUNDLE" c1 3<"$TEST_DIR/f3" 4>&- </dev/null
	assert_output "$RT_NAME: file descriptor 4 to preserve is not open"
	assert_nothing_left c1
	run -1 rt run --preserve-fds 1 --bundle "$BUNDLE" c1 3>&- </dev/null
	assert_output "$RT_NAME: file descriptor 3 to preserve is not open"
	assert_nothing_left c1
	run -1 create_fds c2 --preserve-fds 3 3<"$TEST_DIR/f3" 4<"$TEST_DIR/f4" 5>&-
	assert_output "$RT_NAME: file descriptor 5 to preserve is not open"
	assert_nothing_left c2
	sleeper c3
	run -1 rt exec --preserve-fds 2 c3 true 3<"$TEST_DIR/f3" 4>&- </dev/null
	assert_output "$RT_NAME: file descriptor 4 to preserve is not open"
	# fd 3 closed: the runtime's own descriptors must not stand in for it
	run -1 rt exec --preserve-fds 1 c3 sh -c 'ls -l /proc/self/fd/3' 3>&- </dev/null
	assert_output "$RT_NAME: file descriptor 3 to preserve is not open"
	assert_equal "$(ct_procs c3)" "$(ct_pid c3)"
}

@test "--preserve-fds that is negative or not a number is an error" {
	set_args true
	run -1 rt run --preserve-fds -1 --bundle "$BUNDLE" c1 </dev/null
	assert_output --partial "preserve-fds"
	assert_nothing_left c1
	run -1 rt run --preserve-fds x --bundle "$BUNDLE" c1 </dev/null
	assert_output --partial "preserve-fds"
	assert_nothing_left c1
}

# ---------------------------------------------------------------------------
# Socket activation: LISTEN_FDS / LISTEN_PID

# activated LISTEN_PID_VALUE ARGS...: the runtime with LISTEN_FDS=$LFDS and
# LISTEN_PID set by bash to the runtime's own pid ("self"), to something
# else, or left out ("none"), fds 3 and 4 open on f3 and f4.
LFDS=2
activated() {
	local lpid=$1
	shift
	LFDS=$LFDS LPID=$lpid bash -c '
		case $LPID in
		self) exec env LISTEN_FDS=$LFDS LISTEN_PID=$$ VESSEL_TEST_TAG=$TAG "$VESSEL" --root "$ROOT" "$@" ;;
		none) exec env LISTEN_FDS=$LFDS VESSEL_TEST_TAG=$TAG "$VESSEL" --root "$ROOT" "$@" ;;
		*) exec env LISTEN_FDS=$LFDS LISTEN_PID=$LPID VESSEL_TEST_TAG=$TAG "$VESSEL" --root "$ROOT" "$@" ;;
		esac' activated "$@" 3<"$TEST_DIR/f3" 4<"$TEST_DIR/f4" </dev/null
}

# activated_create LISTEN_PID_VALUE ID: `create` the same way, stdio on
# files (the container must not hold bats' pipes).
activated_create() {
	activated "$1" create --bundle "$BUNDLE" "$2" >"$TEST_DIR/$2.out" 2>"$TEST_DIR/$2.err"
	local rc=$?
	cat "$TEST_DIR/$2.err"
	return $rc
}

@test "run with LISTEN_FDS=2 LISTEN_PID=<its pid>: fds 3, 4 passed, LISTEN_FDS=2, LISTEN_PID=1" {
	set_sh "$FD_PROBE"
	run -0 activated self run --bundle "$BUNDLE" c1
	assert_output $'LISTEN_FDS=2 LISTEN_PID=1\nthree\nfour'"$(fds_out 3 4)"
	assert_nothing_left c1
}

@test "create with LISTEN_FDS for it: the fds and the variables reach the process at start" {
	local out
	out=$(mk_fifo out)
	set_sh "exec >/out; $FD_PROBE"
	run -0 activated_create self c1
	run -0 start_and_read c1 "$out"
	assert_output $'LISTEN_FDS=2 LISTEN_PID=1\nthree\nfour'"$(fds_out 3 4)"
}

@test "exec with LISTEN_FDS for it: fds 3, 4 passed, LISTEN_FDS=2, LISTEN_PID=1" {
	# vessel honours socket activation on exec as on run; runc 1.1.5 does
	# not (exec passes neither the fds nor the variables).
	sleeper c1
	run -0 activated self exec c1 sh -c "$FD_PROBE"
	assert_output $'LISTEN_FDS=2 LISTEN_PID=1\nthree\nfour'"$(fds_out 3 4)"
}

@test "LISTEN_FDS without LISTEN_PID passes nothing, as runc does" {
	set_sh "$FD_PROBE"
	run -0 activated none run --bundle "$BUNDLE" c1
	assert_output $'LISTEN_FDS=unset LISTEN_PID=unset'"$(fds_out)"
	sleeper c2
	run -0 activated none exec c2 sh -c "$FD_PROBE"
	assert_output $'LISTEN_FDS=unset LISTEN_PID=unset'"$(fds_out)"
}

@test "LISTEN_FDS with another process's LISTEN_PID passes nothing: run, create, exec" {
	set_sh "$FD_PROBE"
	run -0 activated 1 run --bundle "$BUNDLE" c1
	assert_output $'LISTEN_FDS=unset LISTEN_PID=unset'"$(fds_out)"
	local out
	out=$(mk_fifo out)
	set_sh "exec >/out; $FD_PROBE"
	run -0 activated_create $$ c2
	run -0 start_and_read c2 "$out"
	assert_output $'LISTEN_FDS=unset LISTEN_PID=unset'"$(fds_out)"
	set_args sleep 100000
	start_ct c3
	run -0 activated 1 exec c3 sh -c "$FD_PROBE"
	assert_output $'LISTEN_FDS=unset LISTEN_PID=unset'"$(fds_out)"
}

@test "LISTEN_FDS of 0 or junk passes nothing" {
	set_sh "$FD_PROBE"
	LFDS=0 run -0 activated self run --bundle "$BUNDLE" c1
	assert_output $'LISTEN_FDS=unset LISTEN_PID=unset'"$(fds_out)"
	LFDS=two run -0 activated self run --bundle "$BUNDLE" c2
	assert_output $'LISTEN_FDS=unset LISTEN_PID=unset'"$(fds_out)"
}

@test "LISTEN_FDS and --preserve-fds add up: listen fds first, then the preserved ones" {
	set_sh "$FD_PROBE"
	LFDS=1 run -0 activated self run --preserve-fds 1 --bundle "$BUNDLE" c1
	# fd 3 is the listen socket, fd 4 the preserved one; LISTEN_FDS counts only the first
	assert_output $'LISTEN_FDS=1 LISTEN_PID=1\nthree\nfour'"$(fds_out 3 4)"
	assert_nothing_left c1
}

@test "LISTEN_FDS naming fds that are not open is an error, nothing left" {
	set_args true
	LFDS=3 run -1 activated self run --bundle "$BUNDLE" c1
	assert_output "$RT_NAME: file descriptor 5 to preserve is not open"
	assert_nothing_left c1
}
