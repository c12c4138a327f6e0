#!/usr/bin/env bats
# The lifecycle: create, start, kill, delete, run; pid files, exit codes,
# signal forwarding.

load helpers

# cgroups_of PID: the cgroup paths of PID, one per hierarchy ("ctrl:path").
cgroups_of() { awk -F: '{print $2 ":" $3}' "/proc/$1/cgroup"; }

# exe_of PID: where /proc/PID/exe points.
exe_of() { readlink "/proc/$1/exe"; }

@test "create: the container waits in created, the user's program has not run" {
	set_sh 'touch /ran; exec sleep 100'
	run -0 create_ct c1
	assert_output ""
	assert_equal "$(ct_status c1)" created
	local pid
	pid=$(ct_pid c1)
	pid_alive "$pid" || fail "init $pid is not alive"
	assert_not_exist "$BUNDLE/rootfs/ran"
	# still the runtime's code, waiting on exec.fifo; not busybox
	[ "$(exe_of "$pid")" != "$BUNDLE/rootfs/bin/busybox" ] || fail "the program was exec'd before start"
	assert_exist "$ROOT/c1/state.json"
}

@test "the state root is 0700, the container's state dir 0711 and exec.fifo 0622, as runc has them" {
	# 0711 and 0622: a container user that is not root must still reach
	# exec.fifo (through the directory's descriptor) to be started.
	set_sh 'exec sleep 100'
	run -0 create_ct c1
	assert_equal "$(stat -c %a "$ROOT")" 700
	assert_equal "$(stat -c %a "$ROOT/c1")" 711
	assert_equal "$(stat -c %a "$ROOT/c1/exec.fifo")" 622
	assert_equal "$(stat -c %a "$ROOT/c1/state.json")" 600
}

@test "create, start, running, kill, stopped, delete: the whole lifecycle" {
	local ready
	ready=$(mk_fifo ready)
	set_sh 'echo started >/ready; exec sleep 100'
	run -0 create_ct c1
	assert_equal "$(ct_status c1)" created
	local pid
	pid=$(ct_pid c1)
	run -0 vessel start c1
	assert_output ""
	run -0 read_fifo "$ready"
	assert_output started
	assert_equal "$(ct_status c1)" running
	assert_equal "$(ct_pid c1)" "$pid"
	assert_equal "$(exe_of "$pid")" /bin/busybox
	run -0 vessel kill c1 KILL
	wait_pid "$pid" || fail "kill did not stop $pid"
	assert_equal "$(ct_status c1)" stopped
	run -0 vessel delete c1
	assert_output ""
	run -1 vessel state c1
	assert_nothing_left c1
}

@test "the container's init is in the container's own cgroup in every hierarchy, never the caller's" {
	set_sh 'exec sleep 100'
	run -0 create_ct c1
	local pid line
	pid=$(ct_pid c1)
	while read -r line; do
		case $line in
		*:/"$CG_NAME") ;;
		*) fail "init is in $line, not /$CG_NAME" ;;
		esac
	done < <(cgroups_of "$pid")
	assert_exist "/sys/fs/cgroup/memory/$CG_NAME"
	assert_exist "/sys/fs/cgroup/unified/$CG_NAME"
	run -0 vessel delete -f c1
	assert_nothing_left c1
}

@test "pid-file: the bare pid, no newline, present when create returns" {
	set_sh 'exec sleep 100'
	run -0 create_ct c1 --pid-file "$TEST_DIR/c1.pid"
	assert_file_exist "$TEST_DIR/c1.pid"
	local pid
	pid=$(ct_pid c1)
	assert_equal "$(cat "$TEST_DIR/c1.pid")" "$pid"
	assert_equal "$(wc -c <"$TEST_DIR/c1.pid")" "${#pid}"
	# nothing else beside it (atomic write: no temporary file left)
	run -0 ls -A "$TEST_DIR"
	refute_line --regexp '^c1\.pid.'
}

@test "pid-file with a relative path is relative to the caller's directory" {
	set_sh 'exec sleep 100'
	mkdir "$TEST_DIR/cwd"
	cd "$TEST_DIR/cwd"
	run -0 create_ct c1 --pid-file rel.pid
	assert_equal "$(cat "$TEST_DIR/cwd/rel.pid")" "$(ct_pid c1)"
}

@test "run -d --pid-file writes the pid of the running container" {
	set_sh 'exec sleep 100'
	run -0 run_d c1 --pid-file "$TEST_DIR/c1.pid"
	assert_equal "$(ct_status c1)" running
	assert_equal "$(cat "$TEST_DIR/c1.pid")" "$(ct_pid c1)"
}

@test "run in the foreground: stdout and stderr pass through, exit 0" {
	set_sh 'echo out; echo err >&2'
	run -0 --separate-stderr vessel run --bundle "$BUNDLE" r1
	assert_equal "$output" out
	assert_equal "$stderr" err
	assert_nothing_left r1
}

@test "run in the foreground: stdin passes through" {
	set_args cat
	run -0 bash -c 'echo "from stdin" | VESSEL_TEST_TAG=$TAG "$VESSEL" --root "$ROOT" run --bundle "$BUNDLE" r1'
	assert_output "from stdin"
}

@test "run in the foreground exits with the container's status: 3" {
	set_sh 'exit 3'
	run -3 vessel run --bundle "$BUNDLE" r1
	assert_nothing_left r1
}

@test "run in the foreground of a container killed with kill -9 exits 137" {
	local ready
	ready=$(mk_fifo ready)
	set_sh 'echo up >/ready; exec sleep 100'
	VESSEL_TEST_TAG=$TAG "$VESSEL" --root "$ROOT" run --bundle "$BUNDLE" r1 </dev/null >"$TEST_DIR/out" 2>&1 3>&- &
	local vpid=$!
	run -0 read_fifo "$ready"
	run -0 vessel kill r1 9
	local rc=0
	wait_bg $vpid || rc=$?
	assert_equal $rc 137
	assert_nothing_left r1
}

@test "run in the foreground of a container killed with SIGTERM exits 143" {
	local ready
	ready=$(mk_fifo ready)
	set_sh 'echo up >/ready; exec sleep 100'
	# (the init of a pid namespace ignores SIGTERM without a handler)
	update_config '.linux.namespaces = [.linux.namespaces[] | select(.type != "pid")]'
	VESSEL_TEST_TAG=$TAG "$VESSEL" --root "$ROOT" run --bundle "$BUNDLE" r1 </dev/null >"$TEST_DIR/out" 2>&1 3>&- &
	local vpid=$!
	run -0 read_fifo "$ready"
	run -0 vessel kill r1 TERM
	local rc=0
	wait_bg $vpid || rc=$?
	assert_equal $rc 143
}

@test "run forwards SIGTERM, SIGUSR1, SIGHUP, SIGINT to the container and exits with its status" {
	local ready ack
	ready=$(mk_fifo ready)
	ack=$(mk_fifo ack)
	# The fifo's open may be interrupted (EINTR) by the SIGCHLD of the
	# sleep below on a loaded machine: the traps retry until it opened.
	set_sh 'ack() { until echo "$1" 2>/dev/null >/ack; do :; done; }
		for s in USR1 HUP INT; do trap "ack $s" $s; done
		trap "ack TERM; exit 7" TERM
		echo up >/ready
		while :; do sleep 1 & wait $!; done'
	VESSEL_TEST_TAG=$TAG "$VESSEL" --root "$ROOT" run --bundle "$BUNDLE" r1 </dev/null >"$TEST_DIR/out" 2>&1 3>&- &
	local vpid=$!
	run -0 read_fifo "$ready"
	local s
	for s in USR1 HUP INT; do
		kill -s "$s" "$vpid"
		run -0 read_fifo "$ack"
		assert_output "$s"
	done
	kill -s TERM "$vpid"
	run -0 read_fifo "$ack"
	assert_output TERM
	local rc=0
	wait_bg $vpid || rc=$?
	assert_equal $rc 7
	assert_nothing_left r1
}

@test "run -d returns at once with the container running" {
	local ready
	ready=$(mk_fifo ready)
	set_sh 'echo up >/ready; exec sleep 100'
	run -0 run_d r1
	assert_output ""
	run -0 read_fifo "$ready"
	assert_equal "$(ct_status r1)" running
}

@test "run without --keep removes the container when it exits" {
	set_args true
	run -0 vessel run --bundle "$BUNDLE" r1
	run -1 vessel state r1
	assert_nothing_left r1
}

@test "run --keep keeps the stopped container until delete" {
	set_sh 'exit 5'
	run -5 vessel run --keep --bundle "$BUNDLE" r1
	assert_equal "$(ct_status r1)" stopped
	assert_exist "/sys/fs/cgroup/memory/$CG_NAME"
	run -0 vessel delete r1
	assert_nothing_left r1
}

@test "run accepts --no-subreaper, --no-pivot and --no-new-keyring" {
	set_sh 'echo ok'
	run -0 vessel run --no-subreaper --no-new-keyring --bundle "$BUNDLE" r1
	assert_output ok
	run -0 vessel run --no-pivot --bundle "$BUNDLE" r2
	assert_output ok
}

@test "the container gets a session keyring of its own; not with --no-new-keyring" {
	set_sh 'exec sleep 100'
	run -0 run_d c1
	run -0 grep -c " keyring *_ses\.c1: " /proc/keys
	assert_output 1
	run -0 run_d c2 --no-new-keyring
	run -1 grep -c " keyring *_ses\.c2: " /proc/keys
}

@test "run --preserve-fds passes extra descriptors to the container" {
	echo "through fd 3" >"$TEST_DIR/in"
	set_sh 'cat <&3'
	run -0 bash -c 'VESSEL_TEST_TAG=$TAG "$VESSEL" --root "$ROOT" run --preserve-fds 1 --bundle "$BUNDLE" r1 3<"$TEST_DIR/in"'
	assert_output "through fd 3"
}

@test "the container gets only stdin, stdout and stderr: no descriptor of the runtime leaks" {
	set_sh 'ls /proc/self/fd'
	run -0 bash -c 'exec 5</dev/null 7>/dev/null; VESSEL_TEST_TAG=$TAG "$VESSEL" --root "$ROOT" run --bundle "$BUNDLE" r1'
	# 3 is ls's own directory descriptor
	assert_equal "$(echo $output)" "0 1 2 3"
}

@test "start releases the container; start again on running fails" {
	set_sh 'exec sleep 100'
	run -0 create_ct c1
	run -0 vessel start c1
	run -1 --separate-stderr vessel start c1
	assert_equal "$stderr" "$RT_NAME: cannot start an already running container"
	assert_equal "$(ct_status c1)" running
}

@test "start of a stopped container fails" {
	set_args true
	run -0 create_ct c1
	local pid
	pid=$(ct_pid c1)
	run -0 vessel start c1
	wait_pid "$pid"
	run -1 --separate-stderr vessel start c1
	assert_equal "$stderr" "$RT_NAME: cannot start a container that has stopped"
}

@test "start of a missing container fails" {
	run -1 --separate-stderr vessel start nosuch
	assert_equal "$stderr" "$RT_NAME: container \"nosuch\" does not exist"
}

@test "create with an id that exists fails and leaves the first container alone" {
	set_sh 'exec sleep 100'
	run -0 create_ct c1
	local pid
	pid=$(ct_pid c1)
	run -1 create_ct c1
	assert_output "$RT_NAME: container with id exists: c1"
	assert_equal "$(ct_status c1)" created
	assert_equal "$(ct_pid c1)" "$pid"
	run -0 vessel start c1
	assert_equal "$(ct_status c1)" running
}

@test "kill without a signal sends SIGTERM" {
	local ready ack
	ready=$(mk_fifo ready)
	ack=$(mk_fifo ack)
	set_sh 'trap "until echo TERM 2>/dev/null >/ack; do :; done; exit 0" TERM
		echo up >/ready; while :; do sleep 1 & wait $!; done'
	run -0 run_d c1
	run -0 read_fifo "$ready"
	run -0 vessel kill c1
	run -0 read_fifo "$ack"
	assert_output TERM
}

@test "kill takes signal names and numbers: KILL, SIGKILL, 9, SIGUSR1, usr1" {
	local ready ack
	ready=$(mk_fifo ready)
	ack=$(mk_fifo ack)
	set_sh 'trap "until echo USR1 2>/dev/null >/ack; do :; done" USR1
		echo up >/ready; while :; do sleep 1 & wait $!; done'
	run -0 run_d c1
	run -0 read_fifo "$ready"
	local s
	for s in SIGUSR1 USR1 10; do
		run -0 vessel kill c1 "$s"
		run -0 read_fifo "$ack"
		assert_output USR1
	done
	local pid
	for s in KILL SIGKILL 9; do
		run -0 run_d "k$s"
		pid=$(ct_pid "k$s")
		run -0 vessel kill "k$s" "$s"
		wait_pid "$pid" || fail "kill $s did not kill"
	done
}

@test "kill of an unknown signal fails" {
	set_sh 'exec sleep 100'
	run -0 run_d c1
	run -1 --separate-stderr vessel kill c1 NOSUCH
	assert_equal "$stderr" "$RT_NAME: unknown signal \"NOSUCH\""
	assert_equal "$(ct_status c1)" running
}

@test "kill of a created container signals its init" {
	set_sh 'exec sleep 100'
	run -0 create_ct c1
	local pid
	pid=$(ct_pid c1)
	run -0 vessel kill c1 KILL
	wait_pid "$pid" || fail "created init not killed"
	assert_equal "$(ct_status c1)" stopped
}

@test "kill of a stopped container: container not running" {
	set_args true
	run -0 create_ct c1
	local pid
	pid=$(ct_pid c1)
	run -0 vessel start c1
	wait_pid "$pid"
	run -1 --separate-stderr vessel kill c1 KILL
	assert_equal "$stderr" "$RT_NAME: container not running"
}

@test "kill --all signals every process of the container" {
	local ready
	ready=$(mk_fifo ready)
	set_sh 'sleep 100 & sleep 100 & echo up >/ready; wait'
	update_config '.linux.namespaces = [.linux.namespaces[] | select(.type != "pid")]'
	run -0 run_d c1
	run -0 read_fifo "$ready"
	local procs
	procs=$(cat "/sys/fs/cgroup/pids/$CG_NAME/cgroup.procs")
	[ "$(echo "$procs" | wc -l)" -ge 3 ] || fail "expected 3 processes, got: $procs"
	run -0 vessel kill --all c1 KILL
	local p
	for p in $procs; do wait_pid "$p" || fail "process $p survived kill --all"; done
}

@test "delete of a running container without --force fails and keeps it" {
	set_sh 'exec sleep 100'
	run -0 run_d c1
	run -1 --separate-stderr vessel delete c1
	assert_equal "$stderr" "$RT_NAME: cannot delete container c1 that is not stopped: running"
	assert_equal "$(ct_status c1)" running
}

@test "delete of a created container removes it, like runc" {
	set_sh 'exec sleep 100'
	run -0 create_ct c1
	local pid
	pid=$(ct_pid c1)
	run -0 vessel delete c1
	wait_pid "$pid" || fail "created init survived delete"
	assert_nothing_left c1
}

@test "delete -f of a running container kills it and removes everything" {
	set_sh 'sleep 100 & exec sleep 100'
	run -0 run_d c1
	local pid
	pid=$(ct_pid c1)
	run -0 vessel delete -f c1
	assert_output ""
	wait_pid "$pid" 1 || fail "delete -f returned before the init died"
	assert_nothing_left c1
}

@test "delete -f of a missing container succeeds silently; without -f it fails" {
	run -0 --separate-stderr vessel delete -f nosuch
	assert_equal "$output" ""
	assert_equal "$stderr" ""
	run -1 --separate-stderr vessel delete nosuch
	assert_equal "$stderr" "$RT_NAME: container \"nosuch\" does not exist"
}

@test "delete -f is idempotent" {
	set_sh 'exec sleep 100'
	run -0 run_d c1
	run -0 vessel delete -f c1
	run -0 vessel delete -f c1
	run -0 vessel delete -f c1
	assert_nothing_left c1
}

@test "delete -f of a paused (frozen) container thaws and removes it" {
	[ -d /sys/fs/cgroup/freezer ] || skip "no v1 freezer on this host"
	set_sh 'exec sleep 100'
	run -0 run_d c1
	local pid
	pid=$(ct_pid c1)
	echo FROZEN >"/sys/fs/cgroup/freezer/$CG_NAME/freezer.state"
	run -0 timeout "$WAIT_TIMEOUT" "$VESSEL" --root "$ROOT" delete -f c1
	wait_pid "$pid" || fail "frozen init survived"
	assert_nothing_left c1
}

@test "two containers from the same bundle live side by side" {
	set_sh 'exec sleep 100'
	# each gets its own cgroup: two bundles
	cp -a "$BUNDLE" "$TEST_DIR/b2"
	update_config ".linux.cgroupsPath = \"/$CG_NAME\""
	update_config ".linux.cgroupsPath = \"/$CG_NAME/two\"" "$TEST_DIR/b2"
	run -0 create_ct c1
	run -0 bg_verb create c2 --bundle "$TEST_DIR/b2"
	run -0 vessel start c1
	run -0 vessel start c2
	assert_equal "$(ct_status c1)" running
	assert_equal "$(ct_status c2)" running
	[ "$(ct_pid c1)" != "$(ct_pid c2)" ] || fail "same pid"
	run -0 vessel delete -f c2
	assert_equal "$(ct_status c1)" running
}

@test "the container exits: state stopped, the cgroup stays until delete" {
	set_args true
	run -0 create_ct c1
	local pid
	pid=$(ct_pid c1)
	run -0 vessel start c1
	wait_pid "$pid"
	assert_equal "$(ct_status c1)" stopped
	assert_exist "/sys/fs/cgroup/pids/$CG_NAME"
	run -0 vessel delete c1
	assert_nothing_left c1
}

@test "--bundle defaults to the current directory" {
	set_sh 'echo here'
	cd "$BUNDLE"
	run -0 vessel run r1
	assert_output here
}

@test "a relative --bundle is stored as an absolute path" {
	set_sh 'exec sleep 100'
	cd "$TEST_DIR"
	run -0 bg_verb create c1 --bundle bundle
	assert_equal "$(vessel state c1 | jq -r .bundle)" "$BUNDLE"
}

@test "delete -f of a container that run holds in the foreground kills it and returns" {
	local ready
	ready=$(mk_fifo ready)
	set_sh 'echo up >/ready; exec sleep 100'
	VESSEL_TEST_TAG=$TAG "$VESSEL" --root "$ROOT" run --bundle "$BUNDLE" r1 </dev/null >"$TEST_DIR/out" 2>&1 3>&- &
	local vpid=$!
	run -0 read_fifo "$ready"
	assert_equal "$(ct_status r1)" running
	run -0 timeout 5 "$VESSEL" --root "$ROOT" delete -f r1
	local rc=0
	wait_bg $vpid || rc=$?
	assert_equal $rc 137
	assert_nothing_left r1
}

@test "state and kill answer while run holds the container in the foreground" {
	local ready
	ready=$(mk_fifo ready)
	set_sh 'echo up >/ready; exec sleep 100'
	VESSEL_TEST_TAG=$TAG "$VESSEL" --root "$ROOT" run --bundle "$BUNDLE" r1 </dev/null >"$TEST_DIR/out" 2>&1 3>&- &
	local vpid=$!
	run -0 read_fifo "$ready"
	run -0 timeout 5 "$VESSEL" --root "$ROOT" state r1
	run -0 timeout 5 "$VESSEL" --root "$ROOT" list -q
	assert_output r1
	run -0 timeout 5 "$VESSEL" --root "$ROOT" kill r1 KILL
	local rc=0
	wait_bg $vpid || rc=$?
	assert_equal $rc 137
}
