#!/usr/bin/env bats
# vessel under dockerd 20.10 (Debian's docker.io) and containerd 1.6.
#
# As Debian runs it (--containerd=<socket>), dockerd uses a containerd the suite starts
# privately (see containerd_start). The daemon is private too: --data-root, --exec-root,
# its own unix socket and pid file, no iptables, bridge or IP forwarding, the cgroupfs
# driver under the suite's own cgroup parent, and
# `--add-runtime vessel=<runtime recorder> --default-runtime vessel`. With no bridge
# every container runs with --network none.

load helpers

setup_file() {
	clients_require dockerd containerd ctr containerd-shim-runc-v2 script
	[ -x /usr/bin/docker ] || skip "not installed: /usr/bin/docker (docker.io)"
	clients_setup docker
	export CLIENT_CGROUP=vessel-clients-docker-$CLIENT_ID
	export DOCKER_SOCK=$CLIENT_TMP/docker.sock
	export DOCKER_HOST=unix://$DOCKER_SOCK
	export DOCKER_CONFIG=$CLIENT_TMP/cli
	export DOCKER_DATA=$CLIENT_TMP/data DOCKER_EXEC=$CLIENT_TMP/exec
	unset DOCKER_CONTEXT DOCKER_TLS_VERIFY DOCKER_CERT_PATH
	mkdir -p "$DOCKER_CONFIG"
	# dockerd 20.10 writes its trust key to /etc/docker/key.json and makes
	# /run/docker/plugins whatever its roots are.
	track_host_paths /etc/docker/key.json /run/docker
	echo '{}' >"$CLIENT_TMP/daemon.json"
	containerd_start

	start_daemon "$CLIENT_TMP/dockerd.pid-launch" "$CLIENT_TMP/dockerd.log" \
		env PATH="$CLIENT_TMP/bin:$PATH" \
		dockerd --config-file "$CLIENT_TMP/daemon.json" \
		--containerd "$CTRD_SOCK" \
		--data-root "$DOCKER_DATA" --exec-root "$DOCKER_EXEC" \
		-H "unix://$DOCKER_SOCK" --pidfile "$CLIENT_TMP/dockerd.pid" \
		--iptables=false --ip6tables=false --ip-forward=false --ip-masq=false \
		--bridge=none --userland-proxy=false \
		--exec-opt native.cgroupdriver=cgroupfs --cgroup-parent "/$CLIENT_CGROUP" \
		--storage-driver overlay2 \
		--add-runtime "vessel=$RUNTIME_WRAPPER" --default-runtime vessel
	if ! wait_until "$CLIENTS_DAEMON_TIMEOUT" docker_ version; then
		tail -n 40 "$CLIENT_TMP/dockerd.log" >&2
		return 1
	fi
	docker_ load -i "$IMAGE_DIR/busybox-docker.tar" >/dev/null
	docker_ image inspect "$IMAGE_NAME" >/dev/null
}

teardown_file() {
	[ -n "${CLIENT_TMP:-}" ] || return 0
	docker_stop || true
	clients_cleanup
}

teardown() {
	[ -n "${CLIENT_TMP:-}" ] || return 0
	docker_running || return 0
	docker_rm_all
}

# docker_rm_all: remove every container of the private daemon.
docker_rm_all() {
	local ids
	mapfile -t ids < <(docker_ ps -a -q 2>/dev/null)
	[ ${#ids[@]} -eq 0 ] || docker_ rm -f "${ids[@]}" >/dev/null 2>&1 || true
}

# docker_ ARGS: Debian's docker CLI against the private daemon, bounded in time.
docker_() {
	timeout "$CLIENTS_WAIT_TIMEOUT" /usr/bin/docker "$@"
}

# drun NAME ARGS: `docker run --name NAME --network none`; the id stays in
# $BATS_TEST_TMPDIR/NAME.cid after --rm.
drun() {
	local name=$1
	shift
	docker_ run --name "$name" --cidfile "$BATS_TEST_TMPDIR/$name.cid" --network none "$@"
}

cid() {
	cat "$BATS_TEST_TMPDIR/$1.cid"
}

docker_running() {
	pid_is "$(cat "$CLIENT_TMP/dockerd.pid-launch" 2>/dev/null)" "$CLIENT_TMP"
}

state_of() {
	docker_ inspect --format '{{.State.Status}}' "$1"
}

# docker_stop: remove containers and image, stop dockerd, then containerd and any shim.
docker_stop() {
	if docker_running; then
		docker_rm_all
		docker_ rmi -f "$IMAGE_NAME" >/dev/null 2>&1 || true
	fi
	stop_pidfile "$CLIENT_TMP/dockerd.pid-launch" "$CLIENT_TMP" 30
	containerd_stop
	umount_under "$CLIENT_TMP"
}

@test "docker: run prints the output and returns the exit status" {
	run drun r1 --rm "$IMAGE_NAME" sh -c 'echo to-stdout; echo to-stderr >&2; exit 3'
	assert_failure 3
	assert_line to-stdout
	assert_line to-stderr
	run drun r0 --rm "$IMAGE_NAME" true
	assert_success

	# containerd's shim ran the runtime under test.
	assert_runtime_called create "$(cid r1)"
	assert_runtime_called start "$(cid r1)"
	assert_runtime_called delete "$(cid r1)"
	run runtime_calls " create .*$(cid r1)\$"
	# dockerd 20.10 names the root after runc whatever the runtime is called.
	assert_output --partial "--root $DOCKER_EXEC/runtime-runc/moby "
	assert_output --partial "--log-format json"
	run docker_ inspect --format '{{.HostConfig.Runtime}}' r0
	assert_failure # removed by --rm
	run docker_ info --format '{{.DefaultRuntime}}'
	assert_output vessel
}

@test "docker: exit status 127 for a missing binary, 126 for one that is not executable" {
	run -127 drun nofile --rm "$IMAGE_NAME" /nonexistent-binary
	assert_failure 127
	assert_runtime_called create "$(cid nofile)"
	assert_output --partial /nonexistent-binary
	[[ ${output,,} == *"no such file or directory"* ]] || fail "no cause in: $output"

	run drun noexec --rm "$IMAGE_NAME" /etc/passwd
	assert_failure 126
	[[ ${output,,} == *"permission denied"* ]] || fail "no cause in: $output"
	run docker_ ps -a -q
	assert_output ''
}

@test "docker: exec into a running container, with and without -t" {
	drun d1 -d "$IMAGE_NAME" sleep 1000 >/dev/null
	assert_equal "$(state_of d1)" running
	local pid
	pid=$(docker_ inspect --format '{{.State.Pid}}' d1)
	run tr '\0' ' ' <"/proc/$pid/cmdline"
	assert_output "sleep 1000 "

	run docker_ exec d1 sh -c 'echo from-exec; exit 4'
	assert_failure 4
	assert_output from-exec
	run runtime_calls " exec .*$(cid d1)\$"
	assert_output --partial "--process"

	run docker_ exec -u 1000 -w /home/vessel -e X=y d1 sh -c 'id -u; pwd; echo $X; cat /proc/1/comm'
	assert_success
	assert_equal "${lines[*]}" "1000 /home/vessel y sleep"

	run docker_ exec -t d1 sh -c 'tty; exit 5'
	assert_failure 5
	output=$(printf '%s\n' "$output" | strip_cr)
	assert_output --regexp '^/dev/pts/[0-9]+$'

	# from a real terminal; the answer is the exit status
	run in_terminal /usr/bin/docker exec -it d1 sh -c 'test -t 0 && test -t 1 && exit 7'
	assert_failure 7
}

@test "docker: stop sends TERM, then KILL after the timeout" {
	drun s1 -d "$IMAGE_NAME" sh -c 'trap "exit 0" TERM; while :; do sleep 0.1; done' >/dev/null
	docker_ stop -t 10 s1 >/dev/null
	assert_equal "$(state_of s1)" exited
	assert_equal "$(docker_ inspect --format '{{.State.ExitCode}}' s1)" 0
	run runtime_calls " kill .*$(cid s1) 15\$"
	assert_output --partial kill

	drun s2 -d "$IMAGE_NAME" sleep 1000 >/dev/null
	docker_ stop -t 1 s2 >/dev/null
	assert_equal "$(docker_ inspect --format '{{.State.ExitCode}}' s2)" 137

	drun k1 -d "$IMAGE_NAME" sleep 1000 >/dev/null
	docker_ kill k1 >/dev/null
	run docker_ wait k1
	assert_output 137
}

@test "docker: rm removes a stopped container, rm -f a running one" {
	drun rm1 "$IMAGE_NAME" true
	local id
	id=$(cid rm1)
	docker_ rm rm1 >/dev/null
	run docker_ inspect rm1
	assert_failure

	drun rm2 -d "$IMAGE_NAME" sleep 1000 >/dev/null
	id=$(cid rm2)
	run docker_ rm rm2
	assert_failure
	docker_ rm -f rm2 >/dev/null
	run docker_ inspect rm2
	assert_failure
	assert_runtime_called delete "$id"
	assert_dir_not_exists "/sys/fs/cgroup/memory/$CLIENT_CGROUP/$id"
	assert_dir_not_exists "$DOCKER_EXEC/runtime-runc/moby/$id"
}

@test "docker: --memory is set in the container's memory cgroup and enforced" {
	run drun m1 --rm --memory 64m "$IMAGE_NAME" cat /sys/fs/cgroup/memory/memory.limit_in_bytes
	assert_success
	assert_output 67108864

	drun m2 -d --memory 64m "$IMAGE_NAME" sleep 1000 >/dev/null
	local cg
	cg=/sys/fs/cgroup/memory/$CLIENT_CGROUP/$(cid m2)
	assert_equal "$(cat "$cg/memory.limit_in_bytes")" 67108864
	grep -qx "$(docker_ inspect --format '{{.State.Pid}}' m2)" "$cg/cgroup.procs"

	run drun m3 --memory 32m "$IMAGE_NAME" dd if=/dev/zero of=/dev/null bs=64M count=1
	assert_failure 137
	assert_equal "$(docker_ inspect --format '{{.State.OOMKilled}}' m3)" true
}

@test "docker: --read-only makes the rootfs read-only" {
	run drun ro1 --rm --read-only "$IMAGE_NAME" sh -c 'touch /probe'
	assert_failure
	assert_output --partial "Read-only file system"

	run drun ro2 --rm --read-only --tmpfs /tmp "$IMAGE_NAME" sh -c \
		'touch /tmp/ok && echo tmp-writable; grep " / " /proc/mounts'
	assert_success
	assert_line tmp-writable
	assert_output --regexp ' / overlay ro[ ,]'
}

@test "docker: stopping the daemon leaves no process, mount, cgroup or host path behind" {
	docker_stop
	rm_cgroup "$CLIENT_CGROUP"
	untrack_host_paths
	assert_nothing_left
	[ -z "$(netns_named "*$CLIENT_ID*")" ]
}
