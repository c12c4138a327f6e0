#!/usr/bin/env bats
# vessel under containerd 1.6 and containerd-shim-runc-v2, driven with ctr.
#
# The suite starts a private containerd (own --root, --state, socket, opt dir; the CRI
# plugin off) whose PATH starts with the runtime recorder named `runc`, and passes
# --runc-binary/--runc-root/--fifo-dir to every `ctr run`: the shim uses the runtime
# under test either way, and every test checks that it did. Containers live in the
# containerd namespace $CTRD_NS, which is also their cgroup parent
# (/sys/fs/cgroup/<controller>/$CTRD_NS/<id>).

load helpers

setup_file() {
	clients_require containerd ctr containerd-shim-runc-v2 script
	clients_setup containerd
	export CTRD_NS=vessel-clients-ctrd-$CLIENT_ID
	export CLIENT_CGROUP=$CTRD_NS
	# Where the shim keeps the runtime's state when ctr sends no --runc-root.
	track_host_paths "/run/containerd/runc/$CTRD_NS" /run/containerd/runc
	containerd_start
	export CTRD_BUNDLES=$CTRD_STATE/io.containerd.runtime.v2.task/$CTRD_NS
	export CTRD_FIFOS=$CLIENT_TMP/fifo
	ctr_ images import "$IMAGE_DIR/busybox-oci.tar" >/dev/null
}

teardown_file() {
	[ -n "${CLIENT_TMP:-}" ] || return 0
	ctrd_stop || true
	clients_cleanup
}

teardown() {
	[ -n "${CLIENT_TMP:-}" ] || return 0
	containerd_running || return 0
	ctrd_remove_all
}

# ctr_ ARGS: ctr against the private containerd, bounded in time.
ctr_() {
	timeout "$CLIENTS_WAIT_TIMEOUT" ctr --address "$CTRD_SOCK" --namespace "$CTRD_NS" "$@"
}

# ctr_run ARGS: `ctr run` with the runtime under test.
ctr_run() {
	ctr_ run --runc-binary "$RUNTIME_WRAPPER" --runc-root "$RUNTIME_ROOT" \
		--fifo-dir "$CTRD_FIFOS" "$@"
}

# ctr_exec ARGS: `ctr tasks exec`, its fifos in the suite's directory.
ctr_exec() {
	ctr_ tasks exec --fifo-dir "$CTRD_FIFOS" "$@"
}

# task_field ID COLUMN: a column of `ctr tasks ls` (2 = PID, 3 = STATUS).
task_field() {
	ctr_ tasks ls | awk -v id="$1" -v c="$2" '$1 == id { print $c }'
}

# refute_task ID: containerd has no task ID.
refute_task() {
	local ids
	ids=$(ctr_ tasks ls -q)
	[[ $'\n'$ids$'\n' != *$'\n'$1$'\n'* ]] || fail "task $1 still exists"
}

task_status_is() {
	[ "$(task_field "$1" 3)" = "$2" ]
}

# start_task ID ARGS...: `ctr run -d` and wait until the task runs.
start_task() {
	local id=$1
	shift
	ctr_run -d "$@" "$IMAGE_NAME" "$id" sleep 1000 >/dev/null
	wait_until "$CLIENTS_WAIT_TIMEOUT" task_status_is "$id" RUNNING
}

# ctrd_remove_all: kill and delete every task and container of the namespace.
ctrd_remove_all() {
	local id
	for id in $(ctr_ tasks ls -q 2>/dev/null); do
		if task_status_is "$id" PAUSED; then
			ctr_ tasks resume "$id" || true
		fi
		ctr_ tasks kill -a -s KILL "$id" 2>/dev/null || true
		wait_until 10 task_status_is "$id" STOPPED || true
		ctr_ tasks delete -f "$id" >/dev/null 2>&1 || true
	done
	for id in $(ctr_ containers ls -q 2>/dev/null); do
		ctr_ containers delete "$id" >/dev/null 2>&1 || true
	done
}

# ctrd_stop: remove everything, stop containerd and any shim it left.
ctrd_stop() {
	if containerd_running; then
		ctrd_remove_all
		ctr_ images rm "$IMAGE_NAME" >/dev/null 2>&1 || true
		ctr_ namespaces rm "$CTRD_NS" >/dev/null 2>&1 || true
	fi
	containerd_stop
}

@test "containerd: ctr run in the foreground prints the output and returns the exit status" {
	run ctr_run --rm "$IMAGE_NAME" fg1 sh -c 'echo to-stdout; echo to-stderr >&2; exit 3'
	assert_failure 3
	assert_line to-stdout
	assert_line to-stderr

	run ctr_run --rm "$IMAGE_NAME" fg0 true
	assert_success
	assert_output ''

	# The shim ran the runtime under test, with its usual contract.
	assert_runtime_called create fg1
	assert_runtime_called start fg1
	assert_runtime_called delete fg1
	run runtime_calls " create .*fg1\$"
	assert_output --partial "--root $RUNTIME_ROOT/$CTRD_NS "
	assert_output --partial " --log $CTRD_BUNDLES/fg1/log.json "
	assert_output --partial " --log-format json "
	assert_output --partial " --bundle $CTRD_BUNDLES/fg1 "
	assert_output --partial " --pid-file $CTRD_BUNDLES/fg1/init.pid "
}

@test "containerd: the image's PATH, --env and --cwd reach the process" {
	run ctr_run --rm --env VESSEL_TEST=hello --cwd /tmp "$IMAGE_NAME" envcwd \
		sh -c 'echo "v=$VESSEL_TEST"; pwd; echo "$PATH"; id -u'
	assert_success
	assert_line v=hello
	assert_line /tmp
	assert_line /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
	assert_line 0
	assert_runtime_called create envcwd
}

@test "containerd: run -d, tasks ls, exec, kill TERM, delete" {
	ctr_run -d "$IMAGE_NAME" d1 \
		sh -c 'trap "echo got-TERM; exit 7" TERM; while :; do sleep 0.1; done' >/dev/null
	wait_until "$CLIENTS_WAIT_TIMEOUT" task_status_is d1 RUNNING
	assert_runtime_called create d1
	assert_runtime_called start d1

	# The pid containerd reports is the one the runtime wrote to --pid-file, and is
	# the container's init on the host.
	local pid
	pid=$(task_field d1 2)
	[ "$pid" -gt 1 ]
	assert_equal "$(cat "$CTRD_BUNDLES/d1/init.pid")" "$pid"
	run tr '\0' ' ' <"/proc/$pid/cmdline"
	assert_output --partial "trap"
	# The runtime's state lives under the --root the shim passed.
	assert_dir_exists "$RUNTIME_ROOT/$CTRD_NS/d1"
	# log.json, if the runtime wrote anything, is JSON lines with level, msg and time.
	if [ -s "$CTRD_BUNDLES/d1/log.json" ]; then
		run jq -e -s 'all(.[]; has("level") and has("msg") and has("time"))' \
			"$CTRD_BUNDLES/d1/log.json"
		assert_success
	fi

	run ctr_exec --exec-id e1 d1 sh -c 'echo from-exec; exit 4'
	assert_failure 4
	assert_output from-exec
	assert_runtime_called exec d1

	# exec joins the container: same pid namespace (init is pid 1), same root.
	run ctr_exec --exec-id e2 d1 sh -c "tr '\\0' ' ' </proc/1/cmdline"
	assert_success
	assert_output --partial trap
	assert_equal "$(readlink "/proc/$pid/ns/pid")" \
		"$(ctr_exec --exec-id e3 d1 readlink /proc/self/ns/pid)"

	run ctr_exec --exec-id e4 --user 1000 --cwd /home/vessel d1 sh -c 'id -u; id -g; pwd'
	assert_success
	assert_equal "${lines[*]}" "1000 1000 /home/vessel"

	ctr_ tasks kill -s TERM d1
	wait_until "$CLIENTS_WAIT_TIMEOUT" task_status_is d1 STOPPED
	run runtime_calls " kill .*d1 15\$"
	assert_output --partial kill
	run ctr_ tasks delete d1
	assert_success
	assert_output --partial "exit code 7"
	refute_task d1
	ctr_ containers delete d1
	assert_dir_not_exists "$RUNTIME_ROOT/$CTRD_NS/d1"
	assert_dir_not_exists "/sys/fs/cgroup/memory/$CTRD_NS/d1"
}

@test "containerd: kill KILL ends a foreground ctr run with 137, TERM with the trap's status" {
	ctr_run "$IMAGE_NAME" k1 sleep 1000 >"$BATS_TEST_TMPDIR/k1.out" 2>&1 3>&- &
	local bg=$!
	wait_until "$CLIENTS_WAIT_TIMEOUT" task_status_is k1 RUNNING
	ctr_ tasks kill -s KILL k1
	local rc=0
	wait "$bg" || rc=$?
	assert_equal "$rc" 137
	run runtime_calls " kill .*k1 9\$"
	assert_output --partial kill

	ctr_run --rm "$IMAGE_NAME" k2 \
		sh -c 'trap "echo got-TERM; exit 42" TERM; echo ready; while :; do sleep 0.1; done' \
		>"$BATS_TEST_TMPDIR/k2.out" 2>&1 3>&- &
	bg=$!
	wait_until "$CLIENTS_WAIT_TIMEOUT" grep -q ready "$BATS_TEST_TMPDIR/k2.out"
	ctr_ tasks kill k2
	rc=0
	wait "$bg" || rc=$?
	assert_equal "$rc" 42
	run cat "$BATS_TEST_TMPDIR/k2.out"
	assert_line got-TERM
}

@test "containerd: exec -t and run -t get a terminal" {
	start_task t1
	run in_terminal ctr --address "$CTRD_SOCK" --namespace "$CTRD_NS" tasks exec -t \
		--fifo-dir "$CTRD_FIFOS" --exec-id tty1 t1 sh -c 'tty; test -t 0 && test -t 1 && echo both-tty; exit 6'
	assert_failure 6
	output=$(printf '%s\n' "$output" | strip_cr)
	assert_output --regexp '/dev/pts/[0-9]+'
	assert_output --partial both-tty
	run runtime_calls " exec .*--console-socket .* t1\$"
	assert_output --partial "--detach"

	run in_terminal ctr --address "$CTRD_SOCK" --namespace "$CTRD_NS" run -t --rm \
		--runc-binary "$RUNTIME_WRAPPER" --runc-root "$RUNTIME_ROOT" --fifo-dir "$CTRD_FIFOS" \
		"$IMAGE_NAME" tty2 \
		sh -c 'tty; test -t 0 && test -t 1 && echo both-tty; exit 5'
	assert_failure 5
	output=$(printf '%s\n' "$output" | strip_cr)
	assert_output --regexp '/dev/pts/[0-9]+'
	assert_output --partial both-tty
	run runtime_calls " create .*--console-socket .*tty2\$"
	assert_output --partial create
}

@test "containerd: pause freezes the task and resume thaws it" {
	ctr_run -d "$IMAGE_NAME" p1 \
		sh -c 'i=0; while :; do i=$((i+1)); echo $i >/tmp/count; sleep 0.05; done' >/dev/null
	wait_until "$CLIENTS_WAIT_TIMEOUT" task_status_is p1 RUNNING
	local pid
	pid=$(task_field p1 2)
	wait_until "$CLIENTS_WAIT_TIMEOUT" test -s "/proc/$pid/root/tmp/count"

	ctr_ tasks pause p1
	assert_runtime_called pause p1
	assert_equal "$(task_field p1 3)" PAUSED
	assert_equal "$(cat "/sys/fs/cgroup/freezer/$CTRD_NS/p1/freezer.state")" FROZEN
	local a b
	a=$(cat "/proc/$pid/root/tmp/count")
	sleep 0.5
	b=$(cat "/proc/$pid/root/tmp/count")
	assert_equal "$b" "$a"

	ctr_ tasks resume p1
	assert_runtime_called resume p1
	assert_equal "$(task_field p1 3)" RUNNING
	assert_equal "$(cat "/sys/fs/cgroup/freezer/$CTRD_NS/p1/freezer.state")" THAWED
	wait_until "$CLIENTS_WAIT_TIMEOUT" bash -c "[ \"\$(cat /proc/$pid/root/tmp/count)\" -gt $b ]"
}

@test "containerd: tasks ps lists every process of the container" {
	ctr_run -d "$IMAGE_NAME" ps1 sh -c 'sleep 1000 & sleep 1001 & wait' >/dev/null
	wait_until "$CLIENTS_WAIT_TIMEOUT" task_status_is ps1 RUNNING
	local pid
	pid=$(task_field ps1 2)
	wait_until "$CLIENTS_WAIT_TIMEOUT" bash -c \
		"[ \$(ctr --address '$CTRD_SOCK' --namespace '$CTRD_NS' tasks ps ps1 | tail -n +2 | wc -l) -eq 3 ]"
	run ctr_ tasks ps ps1
	assert_success
	assert_line --regexp "^$pid( |\$)"
	run runtime_calls " ps --format json ps1\$"
	assert_output --partial ps
	# The pids are host pids of the container's processes.
	local p comms=()
	for p in $(ctr_ tasks ps ps1 | awk 'NR > 1 { print $1 }'); do
		comms+=("$(cat "/proc/$p/comm")")
	done
	assert_equal "$(printf '%s\n' "${comms[@]}" | sort | tr '\n' ' ')" "sh sleep sleep "
}

@test "containerd: tasks metrics reads the container's cgroup" {
	start_task m1 --memory-limit 67108864
	run ctr_ tasks metrics m1
	assert_success
	assert_line --regexp '^memory.limit_in_bytes +67108864 *$'
	assert_line --regexp '^pids.current +1 *$'
	run ctr_ tasks metrics --format json m1
	assert_success
	run jq -e '.memory.usage.usage > 0 and .pids.current == 1' <<<"$output"
	assert_success
}

@test "containerd: --memory-limit is set in the container's memory cgroup and enforced" {
	# ctr's spec mounts no cgroupfs in the container: look from the host.
	start_task mem2 --memory-limit 33554432
	assert_equal "$(cat "/sys/fs/cgroup/memory/$CTRD_NS/mem2/memory.limit_in_bytes")" 33554432
	local pid
	pid=$(task_field mem2 2)
	grep -qx "$pid" "/sys/fs/cgroup/memory/$CTRD_NS/mem2/cgroup.procs"

	# A process that needs more than the limit is killed by the OOM killer.
	run ctr_run --rm --memory-limit 33554432 "$IMAGE_NAME" mem3 \
		dd if=/dev/zero of=/dev/null bs=64M count=1
	assert_failure 137
}

@test "containerd: --read-only makes the rootfs read-only" {
	run ctr_run --rm --read-only "$IMAGE_NAME" ro1 sh -c 'touch /probe'
	assert_failure
	assert_output --partial "Read-only file system"

	run ctr_run --rm --read-only "$IMAGE_NAME" ro2 \
		sh -c 'touch /dev/shm/probe && echo shm-writable; grep " / " /proc/mounts'
	assert_success
	assert_line shm-writable
	assert_output --regexp ' / [a-z]+ ro[ ,]'
	assert_runtime_called create ro2
}

@test "containerd: a container joins another's network, ipc and uts namespaces by path" {
	# The pod pattern: a sandbox task owns the namespaces, a member joins them.
	start_task sandbox
	local spid
	spid=$(task_field sandbox 2)
	run ctr_run --rm \
		--with-ns "network:/proc/$spid/ns/net" \
		--with-ns "ipc:/proc/$spid/ns/ipc" \
		--with-ns "uts:/proc/$spid/ns/uts" \
		"$IMAGE_NAME" member \
		sh -c 'for n in net ipc uts pid mnt; do readlink /proc/self/ns/$n; done'
	assert_success
	assert_equal "${lines[0]}" "$(readlink "/proc/$spid/ns/net")"
	assert_equal "${lines[1]}" "$(readlink "/proc/$spid/ns/ipc")"
	assert_equal "${lines[2]}" "$(readlink "/proc/$spid/ns/uts")"
	# Only the named namespaces are shared.
	[ "${lines[3]}" != "$(readlink "/proc/$spid/ns/pid")" ]
	[ "${lines[4]}" != "$(readlink "/proc/$spid/ns/mnt")" ]
	[ "${lines[0]}" != "$(readlink /proc/self/ns/net)" ]
	assert_runtime_called create member
}

@test "containerd: with task options ctr drops --runc-binary, and the shim finds the runtime on PATH" {
	# --no-pivot is sent as task options, which replace the container's runtime options
	# (BinaryName, Root): the shim then runs `runc` from containerd's PATH.
	run ctr_run --rm --no-pivot "$IMAGE_NAME" np1 sh -c 'echo no-pivot-ok'
	assert_success
	assert_output no-pivot-ok
	assert_runtime_called create np1
	run runtime_calls " create .*np1\$"
	assert_output --partial " --no-pivot "
	assert_output --partial "--root /run/containerd/runc/$CTRD_NS "
	run runtime_calls " delete .*np1\$"
	assert_output --partial delete
	assert_dir_not_exists "/run/containerd/runc/$CTRD_NS/np1"
}

@test "containerd: a failing create puts the runtime's message in ctr's error" {
	run ctr_run --rm "$IMAGE_NAME" bad1 /nonexistent-binary
	assert_failure
	assert_runtime_called create bad1
	assert_output --partial "OCI runtime create failed"
	assert_output --partial "/nonexistent-binary"
	[[ ${output,,} == *"no such file or directory"* ]] ||
		fail "the runtime's cause is not in ctr's error: $output"
	# Nothing of the failed container is left.
	refute_task bad1
	assert_dir_not_exists "$RUNTIME_ROOT/$CTRD_NS/bad1"
	assert_dir_not_exists "/sys/fs/cgroup/memory/$CTRD_NS/bad1"
	assert_dir_not_exists "/sys/fs/cgroup/pids/$CTRD_NS/bad1"
}

@test "containerd: stopping the daemon leaves no process, mount, cgroup or host path behind" {
	ctrd_stop
	# The namespace's parent cgroup is the suite's own; containerd never removes it.
	rm_cgroup "$CLIENT_CGROUP"
	untrack_host_paths
	assert_nothing_left
	[ -z "$(netns_named "*$CLIENT_ID*")" ]
}
