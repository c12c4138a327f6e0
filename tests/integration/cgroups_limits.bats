#!/usr/bin/env bats
# cgroups_limits: every resource the host's controllers have, for real: the
# kernel files hold the values (converted on v2 as runc converts them) and
# the limits act on the container's processes.

load cgroups_helpers

# with_resources JSON: linux.resources = JSON.
with_resources() {
	update_config ".linux.resources += $1"
}

@test "a memory limit kills a process that allocates past it (OOM)" {
	need_controller memory
	with_resources '{"memory": {"limit": 33554432, "swap": 33554432}}'
	set_args dd if=/dev/zero of=/dev/null bs=64M count=1
	run vessel run --keep --bundle "$BUNDLE" ct </dev/null
	assert_equal "$status" 137
	if is_v2; then
		assert_equal "$(cat "$(cgf ct "" memory.max)")" 33554432
		run grep '^oom_kill ' "$(cgf ct "" memory.events)"
	else
		assert_equal "$(cat "$(cgf ct memory memory.limit_in_bytes)")" 33554432
		run grep '^oom_kill ' "$(cgf ct memory memory.oom_control)"
	fi
	assert_output --regexp '^oom_kill [1-9]'
	vessel delete ct
	assert_no_cgroups
}

@test "memory reservation, swap and swappiness land in their files" {
	need_controller memory
	with_resources '{"memory": {"limit": 67108864, "reservation": 33554432, "swap": 134217728, "swappiness": 10}}'
	set_args sleep 100
	run_d ct
	if is_v2; then
		assert_equal "$(cat "$(cgf ct "" memory.low)")" 33554432
		# memory.swap.max is swap only: memory+swap minus memory
		local f
		f=$(cgf ct "" memory.swap.max)
		[ -e "$f" ] || skip "the kernel has no swap accounting"
		assert_equal "$(cat "$f")" 67108864
	else
		assert_equal "$(cat "$(cgf ct memory memory.soft_limit_in_bytes)")" 33554432
		assert_equal "$(cat "$(cgf ct memory memory.swappiness)")" 10
		local f
		f=$(cgf ct memory memory.memsw.limit_in_bytes)
		[ -e "$f" ] || skip "the kernel has no swap accounting"
		assert_equal "$(cat "$f")" 134217728
	fi
}

@test "pids.max stops fork" {
	need_controller pids
	with_resources '{"pids": {"limit": 5}}'
	set_sh 'for i in 1 2 3 4 5 6 7 8 9 10; do sleep 30 & done; echo all-forked'
	run vessel run --keep --bundle "$BUNDLE" ct </dev/null
	assert_output --partial "can't fork"
	refute_output --partial all-forked
	if is_v2; then
		assert_equal "$(cat "$(cgf ct "" pids.max)")" 5
		run grep '^max ' "$(cgf ct "" pids.events)"
	else
		assert_equal "$(cat "$(cgf ct pids pids.max)")" 5
		run cat "$(cgf ct pids pids.events)"
	fi
	assert_output --regexp '^max [1-9]'
}

@test "an unlimited pids limit is max" {
	need_controller pids
	with_resources '{"pids": {"limit": -1}}'
	set_args sleep 100
	run_d ct
	local f
	if is_v2; then f=$(cgf ct "" pids.max); else f=$(cgf ct pids pids.max); fi
	assert_equal "$(cat "$f")" max
}

@test "cpuset pins the container to its cpus and mems" {
	need_controller cpuset
	with_resources '{"cpu": {"cpus": "0", "mems": "0"}}'
	set_sh 'grep -E "^(Cpus|Mems)_allowed_list" /proc/self/status'
	run -0 vessel run --keep --bundle "$BUNDLE" ct </dev/null
	assert_line --regexp $'^Cpus_allowed_list:\t0$'
	assert_line --regexp $'^Mems_allowed_list:\t0$'
	if is_v2; then
		assert_equal "$(cat "$(cgf ct "" cpuset.cpus)")" 0
		assert_equal "$(cat "$(cgf ct "" cpuset.mems)")" 0
	else
		assert_equal "$(cat "$(cgf ct cpuset cpuset.cpus)")" 0
		assert_equal "$(cat "$(cgf ct cpuset cpuset.mems)")" 0
	fi
}

@test "without a cpuset the container gets its parent's cpus and mems" {
	need_controller cpuset
	set_sh 'grep -E "^Cpus_allowed_list" /proc/self/status'
	run -0 vessel run --keep --bundle "$BUNDLE" ct </dev/null
	if is_v2; then
		assert_output "Cpus_allowed_list:	$(cat "$CG/cpuset.cpus.effective")"
	else
		assert_equal "$(cat "$(cgf ct cpuset cpuset.cpus)")" "$(cat "$CG/cpuset/cpuset.cpus")"
		assert_equal "$(cat "$(cgf ct cpuset cpuset.mems)")" "$(cat "$CG/cpuset/cpuset.mems")"
	fi
}

@test "cpu shares, quota and period land in their files (cpu.weight and cpu.max on v2)" {
	need_controller cpu
	with_resources '{"cpu": {"shares": 512, "quota": 25000, "period": 100000}}'
	set_args sleep 100
	run_d ct
	if is_v2; then
		# 1 + ((512 - 2) * 9999) / 262142
		assert_equal "$(cat "$(cgf ct "" cpu.weight)")" 20
		assert_equal "$(cat "$(cgf ct "" cpu.max)")" "25000 100000"
	else
		assert_equal "$(cat "$(cgf ct cpu cpu.shares)")" 512
		assert_equal "$(cat "$(cgf ct cpu cpu.cfs_quota_us)")" 25000
		assert_equal "$(cat "$(cgf ct cpu cpu.cfs_period_us)")" 100000
	fi
}

@test "a cpu quota throttles a busy container" {
	need_controller cpu
	with_resources '{"cpu": {"quota": 10000, "period": 100000}}'
	set_sh 'while :; do :; done'
	run_d ct
	local f
	if is_v2; then f=$(cgf ct "" cpu.stat); else f=$(cgf ct cpu cpu.stat); fi
	wait_until grep -qE '^nr_throttled [1-9]' "$f"
}

@test "cpu burst and idle land in their files where the kernel has them" {
	need_controller cpu
	set_args sleep 100
	run_d ct
	local dir burst idle
	if is_v2; then dir=$(ct_cgroup ct); burst=cpu.max.burst; else dir=$(ct_cgroup ct cpu); burst=cpu.cfs_burst_us; fi
	idle=cpu.idle
	[ -e "$dir/$burst" ] && [ -e "$dir/$idle" ] || skip "the kernel has no $burst or $idle"
	vessel delete -f ct
	with_resources '{"cpu": {"quota": 20000, "period": 100000, "burst": 5000, "idle": 1}}'
	run_d ct
	if is_v2; then dir=$(ct_cgroup ct); else dir=$(ct_cgroup ct cpu); fi
	assert_equal "$(cat "$dir/$burst")" 5000
	assert_equal "$(cat "$dir/$idle")" 1
}

# need_rt: the kernel has realtime group scheduling in the v1 cpu hierarchy.
need_rt() {
	is_v2 && skip "cgroup v2 has no realtime group scheduling files"
	need_controller cpu
	[ -e "$CG/cpu/cpu.rt_runtime_us" ] || skip "the kernel has no RT group scheduling"
}

@test "realtime cpu runtime and period land in their files (v1)" {
	need_rt
	# A cgroup's realtime runtime comes out of its parent's. The container's
	# parent is the top of the hierarchy as this shell sees it; in a cgroup
	# namespace rooted at a nested cgroup (in a container) that top may have
	# none to give, and then no cgroup below it can have any.
	local budget
	budget=$(cat "$CG/cpu/cpu.rt_runtime_us")
	[ "$budget" != 0 ] ||
		skip "$CG/cpu (a nested cgroup here) has no realtime budget: cpu.rt_runtime_us is 0"
	with_resources '{"cpu": {"realtimePeriod": 1000000, "realtimeRuntime": 1000}}'
	set_args sleep 100
	run_d ct
	assert_equal "$(cat "$(cgf ct cpu cpu.rt_period_us)")" 1000000
	assert_equal "$(cat "$(cgf ct cpu cpu.rt_runtime_us)")" 1000
}

@test "a realtime runtime the parent cgroup cannot give is refused, and nothing is left (v1)" {
	need_rt
	# a parent of the test's own, made here: a new cgroup has no realtime budget
	local parent=$CG/cpu/$CG_NAME
	mkdir "$parent"
	assert_equal "$(cat "$parent/cpu.rt_runtime_us")" 0
	update_config ".linux.cgroupsPath = \"/$CG_NAME/ct\""
	with_resources '{"cpu": {"realtimePeriod": 1000000, "realtimeRuntime": 1000}}'
	set_args sleep 100
	run -1 run_d ct
	assert_output "$RT_NAME: write \"$parent/ct/cpu.rt_runtime_us\" = \"1000\": invalid argument"
	assert [ ! -e "$ROOT/ct" ]
	local d
	for d in "$CG"/*/"$CG_NAME"/ct; do
		[ ! -e "$d" ] || fail "cgroup left behind: $d"
	done
}

@test "blkio weight lands in the weight file the kernel has" {
	local ctrl=blkio
	is_v2 && ctrl=io
	need_controller "$ctrl"
	set_args sleep 100
	run_d ct
	local dir
	if is_v2; then dir=$(ct_cgroup ct); else dir=$(ct_cgroup ct blkio); fi
	local want=300 file=
	if is_v2; then
		if [ -e "$dir/io.bfq.weight" ]; then file=io.bfq.weight
		elif [ -e "$dir/io.weight" ]; then file=io.weight want=2930 # 1 + (300 - 10) * 9999 / 990
		fi
	else
		if [ -e "$dir/blkio.weight" ]; then file=blkio.weight
		elif [ -e "$dir/blkio.bfq.weight" ]; then file=blkio.bfq.weight
		fi
	fi
	[ -n "$file" ] || skip "the kernel has no blkio / io weight (no CFQ, BFQ or io.cost)"
	vessel delete -f ct
	with_resources '{"blockIO": {"weight": 300}}'
	run_d ct
	if is_v2; then dir=$(ct_cgroup ct); else dir=$(ct_cgroup ct blkio); fi
	run cat "$dir/$file"
	assert_output --regexp "(^|default )$want\$"
}

@test "blkio throttles land in their files" {
	local ctrl=blkio
	is_v2 && ctrl=io
	need_controller "$ctrl"
	local dev
	dev=$(a_block_device)
	[ -n "$dev" ] || skip "this host has no block device to throttle"
	local maj=${dev%:*} min=${dev#*:}
	with_resources "{\"blockIO\": {\"throttleReadBpsDevice\": [{\"major\": $maj, \"minor\": $min, \"rate\": 1048576}],
		\"throttleWriteIOPSDevice\": [{\"major\": $maj, \"minor\": $min, \"rate\": 100}]}}"
	set_args sleep 100
	run_d ct
	if is_v2; then
		run cat "$(cgf ct "" io.max)"
		assert_output --regexp "^$dev rbps=1048576 wbps=max riops=max wiops=100"
	else
		run cat "$(cgf ct blkio blkio.throttle.read_bps_device)"
		assert_output "$dev 1048576"
		run cat "$(cgf ct blkio blkio.throttle.write_iops_device)"
		assert_output "$dev 100"
	fi
}

@test "devices: the default devices work, others are refused until a rule allows them" {
	[ -e /dev/fuse ] || skip "this host has no /dev/fuse to test with"
	update_config '.linux.devices = [{"path": "/dev/fuse", "type": "c", "major": 10, "minor": 229, "fileMode": 438}]'
	set_sh 'head -c 4 /dev/zero | wc -c; echo x >/dev/null && echo null-ok; (exec 3<>/dev/fuse) && echo fuse-opened'
	run vessel run --bundle "$BUNDLE" ct1 </dev/null
	assert_line 4
	assert_line null-ok
	assert_output --regexp "can't (open|create) '?/dev/fuse'?: Operation not permitted"
	refute_line fuse-opened
	with_resources '{"devices": [{"allow": false, "access": "rwm"}, {"allow": true, "type": "c", "major": 10, "minor": 229, "access": "rw"}]}'
	run vessel run --bundle "$BUNDLE" ct2 </dev/null
	refute_output --partial "Operation not permitted"
	assert_line fuse-opened
}

@test "devices: the rules of a cgroup that already exists are replaced, not added to" {
	[ -e /dev/fuse ] || skip "this host has no /dev/fuse to test with"
	# The cgroup exists before the containers (so it outlives them, with
	# the device rules or the device program the first one left).
	local dir=$CG/$CG_NAME-kept
	is_v2 || dir=$CG/devices/$CG_NAME-kept
	mkdir -p "$dir"
	update_config ".linux.cgroupsPath = \"/$CG_NAME-kept\" |
		.linux.devices = [{\"path\": \"/dev/fuse\", \"type\": \"c\", \"major\": 10, \"minor\": 229, \"fileMode\": 438}]"
	set_sh '(exec 3<>/dev/fuse) && echo fuse-opened; echo x >/dev/null && echo null-ok'
	run vessel run --bundle "$BUNDLE" ct1 </dev/null
	refute_line fuse-opened
	assert_line null-ok
	# with the first container's rules still there, this one could not open it
	update_config '.linux.resources += {"devices": [{"allow": true, "type": "c", "major": 10, "minor": 229, "access": "rw"}]}'
	run vessel run --bundle "$BUNDLE" ct2 </dev/null
	assert_line fuse-opened
	assert_line null-ok
	update_config 'del(.linux.resources.devices)'
	run vessel run --bundle "$BUNDLE" ct3 </dev/null
	refute_line fuse-opened
	assert_line null-ok
	assert [ -d "$dir" ] # not made by vessel: kept
}

@test "devices: containers with the default rules share one pinned device program (v2)" {
	is_v2 || skip "cgroup v2 only ($(cg_mode))"
	[ "$(stat -fc %T /sys/fs/bpf 2>/dev/null)" = bpf_fs ] || skip "no BPF filesystem at /sys/fs/bpf"
	set_args sleep 100
	run_d ct1
	run_d ct2
	local pinned=(/sys/fs/bpf/vessel-devices-*)
	assert [ -e "${pinned[0]}" ]
	# the shared program still does its job
	update_config '.linux.devices = [{"path": "/dev/fuse", "type": "c", "major": 10, "minor": 229, "fileMode": 438}]'
	set_sh '(exec 3<>/dev/fuse) && echo fuse-opened; echo x >/dev/null && echo null-ok'
	run vessel run --bundle "$BUNDLE" ct3 </dev/null
	refute_line fuse-opened
	assert_line null-ok
}

@test "devices: v1 rules are deny-all then the allowed devices, as runc's" {
	is_v2 && skip "cgroup v2 uses a device program"
	set_args sleep 100
	run_d ct
	run cat "$(cgf ct devices devices.list)"
	assert_output "$(printf '%s\n' 'c *:* m' 'b *:* m' 'c 1:3 rwm' 'c 1:8 rwm' 'c 1:7 rwm' 'c 5:0 rwm' \
		'c 1:5 rwm' 'c 1:9 rwm' 'c 136:* rwm' 'c 5:2 rwm' 'c 10:200 rwm')"
}

@test "hugetlb limits land in their files" {
	need_controller hugetlb
	local size
	size=$(ls /sys/kernel/mm/hugepages 2>/dev/null | sed -n 's/^hugepages-\([0-9]*\)kB$/\1/p' | sort -n | head -1)
	[ -n "$size" ] || skip "the kernel has no huge page sizes"
	local name=$((size / 1024))MB
	[ "$size" -lt 1024 ] && name=${size}KB
	[ "$size" -ge 1048576 ] && name=$((size / 1048576))GB
	with_resources "{\"hugepageLimits\": [{\"pageSize\": \"$name\", \"limit\": $((size * 1024 * 2))}]}"
	set_args sleep 100
	run_d ct
	if is_v2; then
		assert_equal "$(cat "$(cgf ct "" "hugetlb.$name.max")")" $((size * 1024 * 2))
	else
		assert_equal "$(cat "$(cgf ct hugetlb "hugetlb.$name.limit_in_bytes")")" $((size * 1024 * 2))
	fi
}

@test "network classID and priorities land in net_cls and net_prio (v1)" {
	is_v2 && skip "cgroup v2 has no net_cls or net_prio"
	need_controller net_cls
	need_controller net_prio
	with_resources '{"network": {"classID": 1048577, "priorities": [{"name": "lo", "priority": 5}]}}'
	set_args sleep 100
	run_d ct
	assert_equal "$(cat "$(cgf ct net_cls net_cls.classid)")" 1048577
	run cat "$(cgf ct net_prio net_prio.ifpriomap)"
	assert_line "lo 5"
}

@test "rdma limits land in rdma.max" {
	need_controller rdma
	local dev
	dev=$(ls /sys/class/infiniband 2>/dev/null | head -1)
	[ -n "$dev" ] || skip "this host has no RDMA device"
	with_resources "{\"rdma\": {\"$dev\": {\"hcaHandles\": 3, \"hcaObjects\": 7}}}"
	set_args sleep 100
	run_d ct
	local f
	if is_v2; then f=$(cgf ct "" rdma.max); else f=$(cgf ct rdma rdma.max); fi
	run cat "$f"
	assert_line "$dev hca_handle=3 hca_object=7"
}

@test "unified keys are written to the container's cgroup (v2)" {
	is_v2 || skip "unified keys need cgroup v2 ($(cg_mode))"
	with_resources '{"memory": {"limit": 67108864}, "unified": {"memory.high": "50331648", "pids.max": "17"}}'
	set_args sleep 100
	run_d ct
	assert_equal "$(cat "$(cgf ct "" memory.high)")" 50331648
	assert_equal "$(cat "$(cgf ct "" pids.max)")" 17
	assert_equal "$(cat "$(cgf ct "" memory.max)")" 67108864
}

@test "controllers are enabled in the parents' cgroup.subtree_control (v2)" {
	is_v2 || skip "cgroup v2 only ($(cg_mode))"
	update_config ".linux.cgroupsPath = \"/$CG_NAME/ctr\""
	with_resources '{"memory": {"limit": 67108864}, "pids": {"limit": 30}}'
	set_args sleep 100
	run_d ct
	run cat "$CG/$CG_NAME/cgroup.subtree_control"
	assert_output --partial memory
	assert_output --partial pids
	run cat "$CG/cgroup.subtree_control"
	assert_output --partial memory
}
