#!/usr/bin/env bats
# cgroups: where a container's cgroups go (like runc), that delete removes
# them in every case, and that bad values fail clearly and leave nothing.

load cgroups_helpers

# cgroup_lines PID ID: /proc/PID/cgroup with the container id replaced, so
# that two runtimes' containers compare.
cgroup_lines() {
	sed "s|$2|ID|g" "/proc/$1/cgroup"
}

@test "without cgroupsPath the cgroups are the container id under vessel's own, as runc's" {
	update_config 'del(.linux.cgroupsPath)'
	set_args sleep 100
	local id=$CG_NAME-v
	run_d "$id"
	local pid c want
	pid=$(ct_pid "$id")
	run jq -r .cgroupsPath "$ROOT/$id/state.json"
	assert_output "$id"
	if is_v2; then
		# v2: under the parent of vessel's own cgroup (which has processes)
		want=$(dirname "$(own_cgroup "")")
		assert_equal "$(cut -d: -f3 "/proc/$pid/cgroup")" "$(join_paths "$want" "$id")"
	else
		for c in memory cpu pids devices freezer; do
			want=$(join_paths "$(own_cgroup "$c")" "$id")
			run grep -E "^[0-9]+:([^:]*,)?$c(,[^:]*)?:" "/proc/$pid/cgroup"
			assert_output --regexp ":$want\$"
		done
	fi
	[ -x "$RUNC" ] || skip "no runc to compare with"
	runc run -d --bundle "$BUNDLE" "$CG_NAME-r" </dev/null >/dev/null 2>&1 || skip "runc cannot run here"
	local rpid
	rpid=$(runc state "$CG_NAME-r" | jq -r .pid)
	assert_equal "$(cgroup_lines "$pid" "$id")" "$(cgroup_lines "$rpid" "$CG_NAME-r")"
}

@test "a relative cgroupsPath is taken under vessel's own cgroup" {
	update_config ".linux.cgroupsPath = \"$CG_NAME-rel/ctr\""
	set_args sleep 100
	run_d ct
	local pid
	pid=$(ct_pid ct)
	run jq -r .cgroupsPath "$ROOT/ct/state.json"
	assert_output "$CG_NAME-rel/ctr"
	if is_v2; then
		assert_equal "$(cut -d: -f3 "/proc/$pid/cgroup")" \
			"$(join_paths "$(dirname "$(own_cgroup "")")" "$CG_NAME-rel/ctr")"
	else
		assert_equal "$(ct_cgroup ct memory)" "$CG/memory$(join_paths "$(own_cgroup memory)" "$CG_NAME-rel/ctr")"
		run grep ":memory:" "/proc/$pid/cgroup"
		assert_output --regexp ":$(join_paths "$(own_cgroup memory)" "$CG_NAME-rel/ctr")\$"
	fi
	vessel delete -f ct
	assert_no_cgroups
}

@test "an absolute cgroupsPath is taken from the top of each hierarchy, parents made and removed" {
	update_config ".linux.cgroupsPath = \"/$CG_NAME/pod/../pod/ctr\""
	set_args sleep 100
	run_d ct
	run jq -r .cgroupsPath "$ROOT/ct/state.json"
	assert_output "/$CG_NAME/pod/ctr"
	if is_v2; then
		assert_equal "$(ct_cgroup ct)" "$CG/$CG_NAME/pod/ctr"
		grep -qx "$(ct_pid ct)" "$CG/$CG_NAME/pod/ctr/cgroup.procs"
	else
		assert_equal "$(ct_cgroup ct pids)" "$CG/pids/$CG_NAME/pod/ctr"
		grep -qx "$(ct_pid ct)" "$CG/pids/$CG_NAME/pod/ctr/cgroup.procs"
	fi
	# the parents vessel made are recorded as made, before the container's own
	run jq -r '[.cgroups[] | select(.created)] | length' "$ROOT/ct/state.json"
	[ "$output" -ge 3 ]
	vessel delete -f ct
	assert_no_cgroups
}

@test "on a hybrid host the container joins the unified hierarchy too" {
	[ "$(cg_mode)" = hybrid ] || skip "not a hybrid host ($(cg_mode))"
	set_args sleep 100
	run_d ct
	local u
	u=$(ct_cgroup ct "")
	assert_equal "$u" "$CG/unified/$CG_NAME"
	grep -qx "$(ct_pid ct)" "$u/cgroup.procs"
	run grep '^0::' "/proc/$(ct_pid ct)/cgroup"
	assert_output "0::/$CG_NAME"
	vessel delete -f ct
	assert [ ! -e "$u" ]
}

@test "state.json records every cgroup directory and whether vessel made it" {
	set_args sleep 100
	run_d ct
	run jq -r '.cgroupMode' "$ROOT/ct/state.json"
	case $(cg_mode) in v2) assert_output 3 ;; hybrid) assert_output 2 ;; v1) assert_output 1 ;; esac
	local p
	while read -r p; do
		assert [ -d "$p" ]
	done < <(jq -r '.cgroups[].path' "$ROOT/ct/state.json")
	run jq -r '[.cgroups[] | select(.created | not)] | length' "$ROOT/ct/state.json"
	assert_output 0
}

@test "delete -f removes the cgroups of a running container" {
	set_args sleep 100
	run_d ct
	vessel delete -f ct
	assert_clean ct
}

@test "delete removes the cgroups after the init was killed with SIGKILL" {
	set_args sleep 100
	run_d ct
	local pid
	pid=$(ct_pid ct)
	kill -9 "$pid"
	wait_pid "$pid"
	assert_equal "$(ct_status ct)" stopped
	vessel delete ct
	assert_clean ct
}

@test "delete kills processes left in the cgroups after the init died, then removes them" {
	# No pid namespace: the init's children outlive it.
	update_config '.linux.namespaces |= map(select(.type != "pid"))'
	set_sh 'sleep 1000 & sleep 1000 & exec sleep 1000'
	run_d ct
	local pid procs p
	pid=$(ct_pid ct)
	wait_until lines_at_least "$(cgf ct pids cgroup.procs)" 3
	procs=$(grep -vx "$pid" "$(cgf ct pids cgroup.procs)")
	[ -n "$procs" ]
	kill -9 "$pid"
	wait_pid "$pid"
	for p in $procs; do pid_alive "$p"; done
	vessel delete ct
	for p in $procs; do wait_pid "$p" 2; done
	for p in $procs; do ! pid_alive "$p"; done
	assert_no_cgroups
}

@test "delete -f of a paused container thaws and kills it" {
	set_args sleep 100
	run_d ct
	vessel pause ct
	assert_equal "$(ct_status ct)" paused
	local pid
	pid=$(ct_pid ct)
	vessel delete -f ct
	wait_pid "$pid" 2
	assert_clean ct
}

@test "delete removes sub-cgroups made inside the container's cgroup" {
	set_args sleep 100
	run_d ct
	local c
	c=$(ct_cgroup ct memory)
	mkdir "$c/inner" "$c/inner/deeper"
	vessel delete -f ct
	assert_no_cgroups
}

@test "delete -f twice is harmless" {
	set_args sleep 100
	run_d ct
	vessel delete -f ct
	# runc: --force on a container that is gone succeeds, silently
	run -0 vessel delete -f ct
	assert_output ""
	assert_no_cgroups
}

# refused JSON MESSAGE: run with linux.resources merged with JSON fails with
# MESSAGE (exit 1) and leaves no state, cgroup, or process.
refused() {
	update_config ".linux.resources += $1"
	set_args true
	run -1 vessel run --bundle "$BUNDLE" ct </dev/null
	assert_output --partial "$2"
	assert_clean ct
}

@test "a negative memory limit is refused and leaves nothing" {
	refused '{"memory": {"limit": -5}}' \
		"config.json: linux.resources.memory.limit: -5 is not a valid limit (-1 for unlimited)"
}

@test "a memory+swap limit below the memory limit is refused and leaves nothing" {
	refused '{"memory": {"limit": 67108864, "swap": 33554432}}' \
		"linux.resources.memory.swap: memory+swap limit (33554432) should be >= memory limit (67108864)"
}

@test "a cpuset outside the parent's is refused and leaves nothing" {
	refused '{"cpu": {"cpus": "0-1023"}}' \
		"linux.resources.cpu.cpus: \"0-1023\" is not a subset of the parent cgroup's cpus"
}

@test "cpu shares out of the kernel's range are refused and leave nothing" {
	refused '{"cpu": {"shares": 1}}' "the minimum allowed cpu-shares is 2"
}

@test "a negative pids limit other than -1 is refused and leaves nothing" {
	refused '{"pids": {"limit": -7}}' "linux.resources.pids.limit: -7 is not a valid limit (-1 for unlimited)"
}

@test "unified keys are refused on a cgroup v1 host" {
	is_v2 && skip "a cgroup v2 host"
	refused '{"unified": {"memory.high": "1000000"}}' "invalid configuration: cannot use unified on cgroup v1"
}

@test "unified keys that escape the cgroup, or name no controller, are refused" {
	is_v2 || skip "unified keys need cgroup v2 ($(cg_mode))"
	refused '{"unified": {"../memory.max": "1"}}' \
		'unified resource "../memory.max" must be a file name (no slashes)'
	refused '{"unified": {"nosuch.max": "1"}}' \
		"unified resource \"nosuch.max\" can't be set: controller \"nosuch\" not available"
	refused '{"unified": {"memory.nosuchfile": "1"}}' \
		"unified resource \"memory.nosuchfile\" can't be set"
	refused '{"unified": {"memory": "1"}}' \
		'unified resource "memory" must be in the form CONTROLLER.PARAMETER'
}

@test "a value the kernel refuses names the file and the value, and leaves nothing" {
	if is_v2; then
		refused '{"unified": {"memory.max": "lots"}}' "memory.max\" = \"lots\": invalid argument"
	else
		refused '{"cpu": {"period": 10}}' "cpu.cfs_period_us\" = \"10\": invalid argument"
	fi
}

@test "a controller the host lacks is refused and leaves nothing" {
	if ! has_controller hugetlb; then
		refused '{"hugepageLimits": [{"pageSize": "2MB", "limit": 2097152}]}' \
			"linux.resources.hugepageLimits: the hugetlb controller is not available on this host"
	elif ! has_controller rdma; then
		refused '{"rdma": {"mlx4_0": {"hcaHandles": 2}}}' \
			"linux.resources.rdma: the rdma controller is not available on this host"
	else
		skip "this host has hugetlb and rdma"
	fi
}

@test "run and create into a cgroup someone froze are refused with runc's words, never hang" {
	local dir file on off
	if is_v2; then
		dir=$CG/$CG_NAME file=cgroup.freeze on=1 off=0
	else
		need_controller freezer
		dir=$CG/freezer/$CG_NAME file=freezer.state on=FROZEN off=THAWED
	fi
	mkdir "$dir"
	echo "$on" >"$dir/$file"
	set_args true
	# output to files, not pipes: a process a runtime left frozen in the
	# cgroup would keep a pipe open, and the test waiting
	local run_status=0 create_status=0
	timeout -k 1 "$WAIT_TIMEOUT" "$VESSEL" --root "$ROOT" run --bundle "$BUNDLE" ct \
		</dev/null >"$TEST_DIR/run.out" 2>&1 || run_status=$?
	timeout -k 1 "$WAIT_TIMEOUT" "$VESSEL" --root "$ROOT" create --bundle "$BUNDLE" ct \
		</dev/null >"$TEST_DIR/create.out" 2>&1 || create_status=$?
	local run_output create_output
	run_output=$(<"$TEST_DIR/run.out") create_output=$(<"$TEST_DIR/create.out")
	# the cgroup is not vessel's: it stays as it was, frozen and empty
	local state procs
	state=$(cat "$dir/$file") procs=$(cat "$dir/cgroup.procs")
	# thawed before any assertion, so that a runtime that hangs there fails
	# this test instead of leaving a frozen process behind
	echo "$off" >"$dir/$file"
	assert_equal "$run_status" 1
	[[ $run_output == *"container's cgroup unexpectedly frozen"* ]]
	assert_equal "$create_status" 1
	[[ $create_output == *"container's cgroup unexpectedly frozen"* ]]
	assert_equal "$state" "$on"
	assert_equal "$procs" ""
	[ ! -e "$ROOT/ct" ]
	rmdir "$dir"
	assert_no_cgroups
}

@test "--systemd-cgroup is refused with a clear message" {
	set_args true
	run -1 "$VESSEL" --root "$ROOT" --systemd-cgroup run --bundle "$BUNDLE" ct </dev/null
	assert_output --partial "the systemd cgroup driver is not supported by vessel"
	assert_clean ct
}

@test "features reports cgroup v1 and v2, and no systemd driver" {
	run -0 "$VESSEL" features
	run jq -c .linux.cgroup <<<"$output"
	assert_output '{"v1":true,"v2":true,"systemd":false,"systemdUser":false,"rdma":true}'
}
