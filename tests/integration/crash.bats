#!/usr/bin/env bats
# "A `vessel create` killed with SIGKILL at any point leaves at most a state
# dir that `delete --force` removes."

load helpers

setup() {
	vessel_setup
	set_sh 'exec sleep 100'
}

# hold_at KIND: a hook of KIND that reports its pid on $TEST_DIR/at-KIND
# (a fifo) and then blocks reading $TEST_DIR/release-KIND; create stops there.
hold_at() {
	local k=$1
	mkfifo "$TEST_DIR/at-$k" "$TEST_DIR/release-$k"
	update_config ".hooks.$k = [{\"path\": \"/bin/sh\", \"args\": [\"sh\", \"-c\",
		\"echo \$\$ >$TEST_DIR/at-$k; exec cat $TEST_DIR/release-$k\"], \"env\": [\"PATH=/bin:/usr/bin\"]}]"
}

# start_create ID: `create ID` in the background; $CREATE_PID is the runtime.
start_create() {
	VESSEL_TEST_TAG=$TAG "$VESSEL" --root "$ROOT" create --bundle "$BUNDLE" "$1" \
		</dev/null >"$TEST_DIR/$1.out" 2>"$TEST_DIR/$1.err" 3>&- &
	CREATE_PID=$!
}

# kill_create: SIGKILL the runtime and reap it.
kill_create() {
	kill -9 "$CREATE_PID" 2>/dev/null || true
	wait "$CREATE_PID" 2>/dev/null || true
}

# assert_cleaned ID: after `delete -f ID`, nothing is left. Processes that
# are about to exit (an init that lost its parent) get a moment.
assert_cleaned() {
	run -0 vessel delete -f "$1"
	local p
	for p in $(stray_pids); do wait_pid "$p" 2 || true; done
	assert_nothing_left "$1"
}

@test "killed while a createRuntime hook runs: a state dir and cgroup that delete -f removes" {
	hold_at createRuntime
	start_create k1
	local hook
	hook=$(read_fifo "$TEST_DIR/at-createRuntime") || fail "create never reached its createRuntime hook"
	assert_exist "$ROOT/k1/state.json"
	assert_exist "/sys/fs/cgroup/pids/$CG_NAME"
	kill_create
	kill "$hook" 2>/dev/null || true # the test's own hook
	run -0 vessel state k1
	assert_cleaned k1
}

@test "killed while a prestart hook runs: delete -f removes everything" {
	hold_at prestart
	start_create k1
	local hook
	hook=$(read_fifo "$TEST_DIR/at-prestart") || fail "create never reached its prestart hook"
	kill_create
	kill "$hook" 2>/dev/null || true
	assert_cleaned k1
}

@test "killed while a createContainer hook runs (inside the container's mount namespace): delete -f removes everything" {
	hold_at createContainer
	start_create k1
	local hook
	hook=$(read_fifo "$TEST_DIR/at-createContainer") || fail "create never reached its createContainer hook"
	kill_create
	kill "$hook" 2>/dev/null || true
	assert_cleaned k1
}

@test "after a killed create the id can be used again once delete -f ran" {
	hold_at createRuntime
	start_create k1
	local hook
	hook=$(read_fifo "$TEST_DIR/at-createRuntime") || fail "create never reached its hook"
	kill_create
	kill "$hook" 2>/dev/null || true
	run -0 vessel delete -f k1
	update_config 'del(.hooks)'
	run -0 create_ct k1
	assert_equal "$(ct_status k1)" created
	run -0 vessel delete -f k1
	assert_nothing_left k1
}

@test "killed at random points, 40 times: each time delete -f leaves nothing" {
	local i d
	for i in $(seq 1 40); do
		# half in the first 10 ms (state dir, cgroups, clone) in 0.1 ms steps,
		# half anywhere in the first 30 ms (up to the init waiting on exec.fifo)
		if [ $((i % 2)) -eq 0 ]; then
			d=$(printf '0.%04d' $((RANDOM % 100)))
		else
			d=$(printf '0.%03d' $((RANDOM % 30)))
		fi
		start_create "r$i"
		sleep "$d"
		kill_create
		run vessel delete -f "r$i"
		[ "$status" -eq 0 ] || fail "iteration $i (killed after ${d}s): delete -f failed: $output"
		local p
		for p in $(stray_pids); do wait_pid "$p" 2 || true; done
		assert_nothing_left "r$i"
	done
}

@test "killed at random points while a hook holds it, 10 times: delete -f leaves nothing" {
	local i
	hold_at createRuntime
	for i in $(seq 1 10); do
		start_create "h$i"
		local hook
		hook=$(read_fifo "$TEST_DIR/at-createRuntime") || fail "iteration $i: no hook"
		# let the hook go and kill the runtime somewhere after it
		timeout 2 sh -c "echo go >'$TEST_DIR/release-createRuntime'" &
		local rel=$!
		sleep "$(printf '0.%03d' $((RANDOM % 10)))"
		kill_create
		kill "$hook" 2>/dev/null || true
		wait "$rel" 2>/dev/null || true
		run vessel delete -f "h$i"
		[ "$status" -eq 0 ] || fail "iteration $i: delete -f failed: $output"
		local p
		for p in $(stray_pids); do wait_pid "$p" 2 || true; done
		assert_nothing_left "h$i"
	done
}

@test "a state dir without state.json (killed right after mkdir) is removed by delete -f" {
	mkdir -p "$ROOT/partial"
	chmod 0700 "$ROOT" "$ROOT/partial"
	run -0 vessel delete -f partial
	assert_not_exist "$ROOT/partial"
}

@test "delete -f of a killed create removes the cgroups its journal names, not one struck out as already there" {
	local h=/sys/fs/cgroup/pids
	[ -d "$h" ] || skip "no cgroup v1 pids hierarchy on this host"
	# what a create killed mid-way leaves: its journal names both, and strikes
	# out the one whose mkdir found it already there
	mkdir "$h/$CG_NAME" "$h/$CG_NAME-r"
	mkdir -p "$ROOT/killed"
	printf 'pids\t%s\npids\t%s-r\n!pids\t%s\n' "$h/$CG_NAME" "$h/$CG_NAME" "$h/$CG_NAME" \
		>"$ROOT/killed/cgroups.journal"
	run -0 vessel delete -f killed
	assert_not_exist "$ROOT/killed"
	assert_not_exist "$h/$CG_NAME-r"
	assert_dir_exist "$h/$CG_NAME"
}

@test "a state dir with a torn state.json is removed by delete -f" {
	mkdir -p "$ROOT/torn"
	printf '{"id": "torn", "pid": 12' >"$ROOT/torn/state.json"
	run -0 vessel delete -f torn
	assert_not_exist "$ROOT/torn"
}

@test "a state dir with only a temporary state file is removed by delete -f" {
	set_args true
	run -0 create_ct real
	mkdir -p "$ROOT/tmponly"
	local f
	for f in "$ROOT"/real/*; do
		[ "$(basename "$f")" = state.json ] && cp "$f" "$ROOT/tmponly/.state.json.tmp"
	done
	run -0 vessel delete -f tmponly
	assert_not_exist "$ROOT/tmponly"
}

@test "delete -f runs again safely after a delete -f that was killed" {
	run -0 run_d k1
	local pid
	pid=$(ct_pid k1)
	VESSEL_TEST_TAG=$TAG "$VESSEL" --root "$ROOT" delete -f k1 </dev/null >/dev/null 2>&1 3>&- &
	local dpid=$!
	sleep 0.00$((RANDOM % 10))
	kill -9 "$dpid" 2>/dev/null || true
	wait "$dpid" 2>/dev/null || true
	run -0 vessel delete -f k1
	wait_pid "$pid" || fail "the container survived"
	assert_nothing_left k1
}

@test "a run killed in the foreground leaves a container that delete -f removes" {
	local ready
	ready=$(mk_fifo ready)
	set_sh 'echo up >/ready; exec sleep 100'
	VESSEL_TEST_TAG=$TAG "$VESSEL" --root "$ROOT" run --bundle "$BUNDLE" k1 </dev/null >/dev/null 2>&1 3>&- &
	local rpid=$!
	run -0 read_fifo "$ready"
	kill -9 "$rpid"
	wait "$rpid" 2>/dev/null || true
	assert_cleaned k1
}
