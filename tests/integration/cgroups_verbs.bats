#!/usr/bin/env bats
# cgroups_verbs: pause, resume, update, events and ps, with runc's flags,
# output and errors.

load cgroups_helpers

# memory_limit_file ID, cpu_file ID NAME...: where the values update writes go.
mem_file() { if is_v2; then cgf "$1" "" memory.max; else cgf "$1" memory memory.limit_in_bytes; fi; }
pids_file() { if is_v2; then cgf "$1" "" pids.max; else cgf "$1" pids pids.max; fi; }

@test "pause freezes every process and state says paused; resume thaws them" {
	set_sh 'sleep 1000 & while :; do :; done'
	run_d ct
	vessel pause ct
	frozen ct
	assert_equal "$(ct_status ct)" paused
	run -0 vessel list
	assert_output --regexp "ct +[0-9]+ +paused"
	local p
	for p in $(cat "$(cgf ct pids cgroup.procs)"); do
		run grep -E '^State:' "/proc/$p/status"
		refute_output --partial running
	done
	vessel resume ct
	! frozen ct
	assert_equal "$(ct_status ct)" running
}

@test "pause and resume refuse a container in the wrong state, as runc does" {
	set_args sleep 100
	run_d ct
	run -1 vessel resume ct
	assert_output "$RT_NAME: container not paused"
	vessel pause ct
	run -1 vessel pause ct
	assert_output "$RT_NAME: container not running"
	vessel resume ct
	vessel kill ct KILL
	wait_until ct_exited ct
	run -1 vessel pause ct
	assert_output "$RT_NAME: container not running"
}

@test "pause, resume, update, events and ps of a missing container fail like runc" {
	local verb
	for verb in pause resume update "events --stats" ps; do
		# shellcheck disable=SC2086
		run -1 vessel $verb nosuch
		assert_output "$RT_NAME: container \"nosuch\" does not exist"
	done
}

@test "a created container can be paused (paused wins over created, as in runc) and resumed" {
	set_args sleep 100
	create_ct ct
	vessel pause ct
	assert_equal "$(ct_status ct)" paused
	vessel resume ct
	assert_equal "$(ct_status ct)" created
}

@test "the verbs' usage errors match runc's" {
	run -1 vessel pause
	assert_line --index 0 "$RT_NAME: \"pause\" requires exactly 1 argument(s)"
	run -1 vessel ps
	assert_line --index 0 "$RT_NAME: \"ps\" requires a minimum of 1 argument(s)"
	run -1 vessel events
	assert_line --index 0 "$RT_NAME: \"events\" requires exactly 1 argument(s)"
	run -1 vessel update --pids-limit abc ct
	assert_line --index 0 --partial 'invalid value "abc" for flag -'
	run -1 vessel events --interval 5parsecs ct
	assert_line --index 0 "$RT_NAME: invalid value \"5parsecs\" for flag -interval: parse error"
}

@test "update changes memory, cpu, pids and cpuset, and records them" {
	set_args sleep 100
	run_d ct
	vessel update --memory 64M --memory-swap -1 --cpu-share 256 --cpu-quota 30000 --cpu-period 100000 \
		--pids-limit 42 --cpuset-cpus 0 ct
	assert_equal "$(cat "$(mem_file ct)")" 67108864
	assert_equal "$(cat "$(pids_file ct)")" 42
	if is_v2; then
		assert_equal "$(cat "$(cgf ct "" cpu.weight)")" 10 # 1 + (254 * 9999) / 262142
		assert_equal "$(cat "$(cgf ct "" cpu.max)")" "30000 100000"
		assert_equal "$(cat "$(cgf ct "" cpuset.cpus)")" 0
	else
		assert_equal "$(cat "$(cgf ct cpu cpu.shares)")" 256
		assert_equal "$(cat "$(cgf ct cpu cpu.cfs_quota_us)")" 30000
		assert_equal "$(cat "$(cgf ct cpuset cpuset.cpus)")" 0
	fi
	run jq -c '{memory, pids, cpu: (.cpu | {shares, quota, period, cpus})}' "$ROOT/ct/resources.json"
	assert_output '{"memory":{"limit":67108864,"swap":-1},"pids":{"limit":42},"cpu":{"shares":256,"quota":30000,"period":100000,"cpus":"0"}}'
	# a later update combines with what is recorded: only the quota changes
	vessel update --cpu-quota 40000 ct
	if is_v2; then
		assert_equal "$(cat "$(cgf ct "" cpu.max)")" "40000 100000"
	else
		assert_equal "$(cat "$(cgf ct cpu cpu.cfs_period_us)")" 100000
	fi
	run jq -c '.cpu | {shares, quota, period}' "$ROOT/ct/resources.json"
	assert_output '{"shares":256,"quota":40000,"period":100000}'
	assert_equal "$(ct_status ct)" running
}

@test "update keeps the config's resources and accepts runc's size units" {
	update_config '.linux.resources += {"pids": {"limit": 100}, "memory": {"limit": 104857600}}'
	set_args sleep 100
	run_d ct
	vessel update --memory 1.5g ct
	assert_equal "$(cat "$(mem_file ct)")" 1610612736
	assert_equal "$(cat "$(pids_file ct)")" 100
	run jq -c '{limit: .memory.limit, pids: .pids.limit}' "$ROOT/ct/resources.json"
	assert_output '{"limit":1610612736,"pids":100}'
	vessel update --memory-reservation 10m --memory 200M ct
	assert_equal "$(cat "$(mem_file ct)")" 209715200
}

@test "update -r reads a LinuxResources document from a file or stdin" {
	set_args sleep 100
	run_d ct
	echo '{"memory": {"limit": 52428800}, "pids": {"limit": 12}, "cpu": {"shares": 0}}' >"$TEST_DIR/r.json"
	vessel update -r "$TEST_DIR/r.json" --pids-limit 99 ct
	assert_equal "$(cat "$(mem_file ct)")" 52428800
	assert_equal "$(cat "$(pids_file ct)")" 12 # with -r, the other flags are ignored
	echo '{"pids": {"limit": 13}}' | vessel update -r - ct
	assert_equal "$(cat "$(pids_file ct)")" 13
	run -1 vessel update -r "$TEST_DIR/missing.json" ct
	assert_output --partial "missing.json"
	echo '{"pids": {"limit": "x"}}' | run -1 vessel update -r - ct
}

@test "update refuses bad values with runc's messages, and changes nothing" {
	update_config '.linux.resources += {"memory": {"limit": 104857600}}'
	set_args sleep 100
	run_d ct
	run -1 vessel update --memory -5 ct
	assert_output "$RT_NAME: invalid value for memory: invalid size: '-5'"
	run -1 vessel update --memory 12q ct
	assert_output "$RT_NAME: invalid value for memory: invalid suffix: 'q'"
	run -1 vessel update --cpu-period x ct
	assert_output "$RT_NAME: invalid value for cpu-period: strconv.ParseUint: parsing \"x\": invalid syntax"
	run -1 vessel update --cpu-quota 1.5 ct
	assert_output "$RT_NAME: invalid value for cpu-quota: strconv.ParseInt: parsing \"1.5\": invalid syntax"
	run -1 vessel update --cpu-share 1 ct
	assert_output "$RT_NAME: the minimum allowed cpu-shares is 2"
	run -1 vessel update --memory-swap 1M ct
	assert_output --partial "should be >= memory limit"
	run -1 vessel update --l3-cache-schema "L3:0=f" ct
	assert_output "$RT_NAME: Intel RDT/CAT: l3 cache schema is not enabled"
	assert_equal "$(cat "$(mem_file ct)")" 104857600
	assert [ ! -e "$ROOT/ct/resources.json" ]
	# errors in values come after "does not exist", as in runc
	run -1 vessel update --memory -5 nosuch
	assert_output "$RT_NAME: container \"nosuch\" does not exist"
}

@test "update --memory -1 lifts the swap limit too, as runc does" {
	update_config '.linux.resources += {"memory": {"limit": 33554432, "swap": 67108864}}'
	set_args sleep 100
	run_d ct
	vessel update --memory -1 ct
	local max=max
	is_v2 || max=$(cat "$CG/memory/memory.limit_in_bytes")
	assert_equal "$(cat "$(mem_file ct)")" "$max"
	if is_v2; then
		assert_equal "$(cat "$(cgf ct "" memory.swap.max)")" max
	elif [ -e "$(cgf ct memory memory.memsw.limit_in_bytes)" ]; then
		assert_equal "$(cat "$(cgf ct memory memory.memsw.limit_in_bytes)")" "$max"
	fi
	run jq -c '.memory | {limit, swap}' "$ROOT/ct/resources.json"
	assert_output '{"limit":-1,"swap":-1}'
	# an explicit swap value stays what was asked for
	vessel update --memory 32M --memory-swap 64M ct
	vessel update --memory -1 --memory-swap -1 ct
	run jq -c '.memory | {limit, swap}' "$ROOT/ct/resources.json"
	assert_output '{"limit":-1,"swap":-1}'
}

@test "update refuses a stopped container" {
	set_args true
	run -0 vessel run --keep --bundle "$BUNDLE" ct </dev/null
	assert_equal "$(ct_status ct)" stopped
	run -1 vessel update --memory 10M ct
	assert_output "$RT_NAME: container not running"
}

@test "update below the memory in use fails with the usage in the message" {
	is_v2 && skip "cgroup v1: the kernel refuses the limit itself"
	set_sh 'head -c 20000000 /dev/zero >/dev/shm/x; exec sleep 1000'
	run_d ct
	wait_until value_above "$(cgf ct memory memory.usage_in_bytes)" 20000000
	run -1 vessel update --memory 4096 ct
	assert_output --regexp "unable to set memory limit to 4096 \(current usage: [0-9]+, peak usage: [0-9]+\)"
}

@test "kernel memory flags are accepted and ignored with runc's warning" {
	set_args sleep 100
	run_d ct
	run -0 vessel update --kernel-memory 100M --kernel-memory-tcp 10M ct
	assert_output --partial "Kernel memory settings are ignored and will be removed"
}

@test "events --stats prints one stats object in runc's shape" {
	update_config '.linux.resources += {"pids": {"limit": 50}, "memory": {"limit": 104857600}}'
	set_args sleep 100
	run_d ct
	run -0 --separate-stderr vessel events --stats ct
	assert_equal "$stderr" ""
	assert_equal "$(wc -l <<<"$output")" 1
	local stats=$output
	run -0 jq -r '[.type, .id, (.data | keys | join(","))] | join(" ")' <<<"$stats"
	assert_output "stats ct blkio,cpu,cpuset,hugetlb,intel_rdt,memory,network_interfaces,pids"
	run -0 jq -c '.data.pids' <<<"$stats"
	assert_output --regexp '^\{"current":[1-9][0-9]*,"limit":50\}$'
	run -0 jq -c '.data.memory.usage | {limit, positive: (.usage > 0)}' <<<"$stats"
	assert_output '{"limit":104857600,"positive":true}'
	run -0 jq -c '{cpu: (.data.cpu.usage.total > 0), raw: ((.data.memory.raw | length) > 0),
		net: .data.network_interfaces}' <<<"$stats"
	assert_output '{"cpu":true,"raw":true,"net":null}'
}

@test "events --stats has the keys runc's has" {
	[ -x "$RUNC" ] || skip "no runc to compare with"
	set_args sleep 100
	run_d ct
	runc run -d --bundle "$BUNDLE" "$CG_NAME-r" </dev/null >/dev/null 2>&1 || skip "runc cannot run here"
	local mine theirs
	# the top two levels; runc leaves out zero values the same way
	mine=$(vessel events --stats ct | jq -r '.data | [paths | select(length <= 2) | join(".")] | .[]' | grep -v '^memory.raw' | sort)
	theirs=$(runc events --stats "$CG_NAME-r" | jq -r '.data | [paths | select(length <= 2) | join(".")] | .[]' | grep -v '^memory.raw' | sort)
	assert_equal "$mine" "$theirs"
}

@test "events prints stats every interval" {
	set_args sleep 100
	run_d ct
	"$VESSEL" --root "$ROOT" events --interval 100ms ct >"$TEST_DIR/events" 2>&1 &
	local ev=$!
	wait_until lines_at_least "$TEST_DIR/events" 3
	kill "$ev"
	wait "$ev" || true
	run jq -r .type "$TEST_DIR/events"
	assert_line --index 0 stats
	assert_line --index 2 stats
	run -1 vessel events --interval 0s ct
	assert_output "$RT_NAME: duration interval must be greater than 0"
}

@test "events reports an OOM as runc does, and ends when the container's cgroups go" {
	need_controller memory
	update_config '.linux.resources += {"memory": {"limit": 33554432, "swap": 33554432}}'
	local fifo
	fifo=$(mk_fifo go)
	set_sh 'read x </go; dd if=/dev/zero of=/dev/null bs=64M count=1; exec sleep 1000'
	run_d ct
	"$VESSEL" --root "$ROOT" events --interval 1h ct >"$TEST_DIR/events" 2>&1 &
	local ev=$!
	# events watches before the allocation starts
	wait_until watching "$ev"
	echo go >"$fifo"
	wait_until grep -q oom "$TEST_DIR/events"
	run head -1 "$TEST_DIR/events"
	assert_output '{"type":"oom","id":"ct"}'
	vessel delete -f ct
	wait_pid "$ev"
	wait "$ev"
}

@test "events refuses a stopped container" {
	set_args true
	run -0 vessel run --keep --bundle "$BUNDLE" ct </dev/null
	assert_equal "$(ct_status ct)" stopped
	run -1 vessel events --stats ct
	assert_output "$RT_NAME: container with id ct is not running"
}

@test "ps prints ps -ef lines of the container's processes only" {
	set_sh 'sleep 1001 & exec sleep 1002'
	run_d ct
	wait_until lines_at_least "$(cgf ct pids cgroup.procs)" 2
	run -0 vessel ps ct
	assert_line --index 0 --regexp '^UID +PID +PPID +C +STIME +TTY +TIME +CMD$'
	assert_equal "${#lines[@]}" 3
	assert_line --regexp 'sleep 1001$'
	assert_line --regexp 'sleep 1002$'
	refute_line --partial bats
}

@test "ps passes its other arguments to ps(1)" {
	set_args sleep 100
	run_d ct
	run -0 vessel ps ct -o pid,comm
	assert_line --index 0 --regexp '^ +PID COMMAND$'
	assert_line --index 1 --regexp "^ *$(ct_pid ct) sleep$"
	assert_equal "${#lines[@]}" 2
	run -1 vessel ps ct -o comm
	assert_output "$RT_NAME: couldn't find PID field in ps output"
}

@test "ps --format json prints the pids" {
	set_sh 'sleep 1001 & exec sleep 1002'
	run_d ct
	wait_until lines_at_least "$(cgf ct pids cgroup.procs)" 2
	local pids
	# the container's two processes, as its cgroup lists them
	pids=$(sort -n "$(cgf ct pids cgroup.procs)" | jq -sc .)
	run -0 vessel ps --format json ct
	assert_equal "$(jq -c 'sort' <<<"$output")" "$pids"
	run -0 jq -e --argjson p "$(ct_pid ct)" 'type == "array" and length == 2 and (index($p) != null)' <<<"$output"
	run -0 vessel ps -f json ct
	assert_equal "$(jq -c 'sort' <<<"$output")" "$pids"
	run -1 vessel ps -f yaml ct
	assert_output "$RT_NAME: invalid format option"
}
