#!/usr/bin/env bats
# vessel under podman 4.3 and conmon 2.1.
#
# podman runs with --runtime set to the runtime recorder (named like the runtime under
# test), private --root/--runroot/--tmpdir, the cgroupfs manager, file events, and a
# private containers.conf that lists the runtime's name in runtime_supports_json (so
# podman passes --log-format=json) and keeps the default rlimits within what this
# machine allows. Containers go under the suite's own cgroup parent $CLIENT_CGROUP and
# have no network unless a test says otherwise.

load helpers

setup_file() {
	clients_require podman conmon catatonit script
	clients_setup podman
	export CLIENT_CGROUP=vessel-clients-podman-$CLIENT_ID
	export PODMAN_ROOT=$CLIENT_TMP/root PODMAN_RUNROOT=$CLIENT_TMP/runroot
	export CONTAINERS_CONF=$CLIENT_TMP/containers.conf
	export CONTAINERS_STORAGE_CONF=$CLIENT_TMP/storage.conf
	export CONTAINERS_REGISTRIES_CONF=$CLIENT_TMP/registries.conf
	unset CONTAINER_HOST CONTAINER_CONNECTION
	# podman keeps a blob cache in /var/lib/containers whatever --root says, and the
	# runtime keeps its state in its default --root (podman passes none).
	track_host_paths /var/lib/containers/cache/blob-info-cache-v1.boltdb \
		/var/lib/containers /run/containers "/run/$RUNTIME_NAME"

	# podman lowers its own RLIMIT_NPROC to 32768 before it starts conmon; a container's
	# rlimit above what the runtime has would need CAP_SYS_RESOURCE (dropped here).
	local nofile nproc
	nofile=$(ulimit -Hn)
	nproc=$(ulimit -Hu)
	[ "$nofile" = unlimited ] || [ "$nofile" -gt 1048576 ] && nofile=1048576
	[ "$nproc" = unlimited ] || [ "$nproc" -gt 32768 ] && nproc=32768
	export PODMAN_NOFILE=$nofile PODMAN_NPROC=$nproc

	cat >"$CONTAINERS_CONF" <<EOF
[containers]
default_ulimits = ["nofile=$nofile:$nofile", "nproc=$nproc:$nproc"]
netns = "none"
default_capabilities = [
  "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "NET_BIND_SERVICE",
  "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT",
]
init_path = "/usr/bin/catatonit"
log_driver = "k8s-file"

[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$CLIENT_TMP/events.log"
image_copy_tmp_dir = "$CLIENT_TMP/tmp"
tmp_dir = "$CLIENT_TMP/tmp"
volume_path = "$CLIENT_TMP/volumes"
static_dir = "$PODMAN_ROOT/libpod"
conmon_path = ["/usr/bin/conmon"]
runtime = "$RUNTIME_NAME"
runtime_supports_json = ["$RUNTIME_NAME"]

[engine.runtimes]
$RUNTIME_NAME = ["$RUNTIME_WRAPPER"]

[network]
network_config_dir = "$CLIENT_TMP/networks"
EOF
	cat >"$CONTAINERS_STORAGE_CONF" <<EOF
[storage]
driver = "overlay"
graphroot = "$PODMAN_ROOT"
runroot = "$PODMAN_RUNROOT"
EOF
	: >"$CONTAINERS_REGISTRIES_CONF"
	podman_ load -i "$IMAGE_DIR/busybox-oci.tar" >/dev/null
	podman_ image exists "$IMAGE_NAME"
}

teardown_file() {
	[ -n "${CLIENT_TMP:-}" ] || return 0
	podman_stop || true
	clients_cleanup
}

teardown() {
	[ -n "${CLIENT_TMP:-}" ] || return 0
	podman_ rm -a -f -t 0 >/dev/null 2>&1 || true
}

# podman_ ARGS: podman with the private configuration, bounded in time.
podman_() {
	timeout "$CLIENTS_WAIT_TIMEOUT" podman \
		--root "$PODMAN_ROOT" --runroot "$PODMAN_RUNROOT" --tmpdir "$CLIENT_TMP/tmp" \
		--runtime "$RUNTIME_WRAPPER" --cgroup-manager cgroupfs --events-backend file "$@"
}

# prun NAME ARGS: `podman run --name NAME` under the suite's cgroup parent; the
# container's id stays in $BATS_TEST_TMPDIR/NAME.cid (see cid) after --rm.
prun() {
	local name=$1
	shift
	podman_ run --name "$name" --cidfile "$BATS_TEST_TMPDIR/$name.cid" \
		--cgroup-parent "/$CLIENT_CGROUP" "$@"
}

cid() {
	cat "$BATS_TEST_TMPDIR/$1.cid"
}

# cgroup_of NAME CONTROLLER: the container's cgroup directory on the host.
cgroup_of() {
	echo "/sys/fs/cgroup/$2/$CLIENT_CGROUP/libpod-$(cid "$1")"
}

state_of() {
	podman_ inspect --format '{{.State.Status}}' "$1"
}

state_is() {
	[ "$(state_of "$1")" = "$2" ]
}

# podman_stop: remove every container and the image, unmount the storage.
podman_stop() {
	[ -d "$PODMAN_ROOT" ] || return 0
	podman_ rm -a -f -t 0 >/dev/null 2>&1 || true
	podman_ rmi -a -f >/dev/null 2>&1 || true
	# conmon exits with its container; stop any left by a crashed test.
	local f
	for f in "$PODMAN_RUNROOT"/overlay-containers/*/userdata/conmon.pid; do
		[ -e "$f" ] && stop_pidfile "$f" "$CLIENT_TMP" 10
	done
	# conmon's exit command (`podman container cleanup`) runs after the container exits
	# and calls the runtime again: let those finish before anything is removed.
	wait_until "$CLIENTS_WAIT_TIMEOUT" no_pids_under "$CLIENT_TMP" || true
	umount_under "$CLIENT_TMP"
}

@test "podman: run prints the output and returns the exit status" {
	run prun r1 --rm "$IMAGE_NAME" sh -c 'echo to-stdout; echo to-stderr >&2; exit 3'
	assert_failure 3
	assert_line to-stdout
	assert_line to-stderr
	run prun r0 --rm "$IMAGE_NAME" true
	assert_success

	# conmon ran the runtime under test, with JSON logs (runtime_supports_json).
	assert_runtime_called create "$(cid r1)"
	assert_runtime_called start "$(cid r1)"
	assert_runtime_called delete "$(cid r1)"
	run runtime_calls " create .*$(cid r1)\$"
	assert_output --partial "--log-format=json"
	assert_output --regexp "--log [^ ]*/$(cid r1)/userdata/oci-log"
	assert_output --regexp "--bundle [^ ]*/$(cid r1)/userdata"
	assert_output --regexp "--pid-file [^ ]*/$(cid r1)/userdata/pidfile"
}

@test "podman: exit status 126 for a file that is not executable, 127 for one that is missing" {
	run prun noexec --rm "$IMAGE_NAME" /etc/passwd
	assert_failure 126
	assert_runtime_called create "$(cid noexec)"
	[[ ${output,,} == *"permission denied"* ]] || fail "no cause in: $output"

	run -127 prun nofile --rm "$IMAGE_NAME" /nonexistent-binary
	assert_failure 127
	assert_runtime_called create "$(cid nofile)"
	assert_output --partial /nonexistent-binary
	[[ ${output,,} == *"no such file or directory"* ]] || fail "no cause in: $output"

	# Nothing is left of either.
	run podman_ ps -a -q
	assert_output ''
	assert_dir_not_exists "$(cgroup_of nofile memory)"
}

@test "podman: -e, -w and -u set the environment, working directory and user" {
	run prun euw --rm -e VESSEL_TEST=hello -w /tmp -u 1000:1000 "$IMAGE_NAME" \
		sh -c 'echo "v=$VESSEL_TEST"; pwd; id -u; id -g; echo "home=$HOME"'
	assert_success
	assert_line v=hello
	assert_line /tmp
	assert_equal "${lines[2]}" 1000
	assert_equal "${lines[3]}" 1000

	# A user name is resolved in the image's /etc/passwd.
	run prun euw2 --rm -u vessel "$IMAGE_NAME" sh -c 'id -un; id -u; pwd; echo "$HOME"'
	assert_success
	assert_equal "${lines[*]}" "vessel 1000 / /home/vessel"
}

@test "podman: run -d and exec, with and without -t" {
	prun d1 -d "$IMAGE_NAME" sleep 1000 >/dev/null
	assert_equal "$(state_of d1)" running
	local pid
	pid=$(podman_ inspect --format '{{.State.Pid}}' d1)
	assert_equal "$(cat "$PODMAN_RUNROOT/overlay-containers/$(cid d1)/userdata/pidfile")" "$pid"
	run tr '\0' ' ' <"/proc/$pid/cmdline"
	assert_output "sleep 1000 "

	run podman_ exec d1 sh -c 'echo from-exec; exit 4'
	assert_failure 4
	assert_output from-exec
	run runtime_calls " exec .*$(cid d1)\$"
	assert_output --partial "--pid-file"
	assert_output --partial "--process"

	run podman_ exec -u 1000 -w /home/vessel -e X=y d1 sh -c 'id -u; pwd; echo $X; cat /proc/1/comm'
	assert_success
	assert_equal "${lines[*]}" "1000 /home/vessel y sleep"

	run podman_ exec -t d1 sh -c 'tty; exit 5'
	assert_failure 5
	output=$(printf '%s\n' "$output" | strip_cr)
	assert_output --regexp '^/dev/pts/[0-9]+$'
	run runtime_calls " exec .*--console-socket .*$(cid d1)\$"
	assert_output --partial exec

	# and from a real terminal, the way a person types it (the answer is the exit status:
	# a short-lived session's output can be lost in the attach)
	run in_terminal podman --root "$PODMAN_ROOT" --runroot "$PODMAN_RUNROOT" \
		--tmpdir "$CLIENT_TMP/tmp" --runtime "$RUNTIME_WRAPPER" --cgroup-manager cgroupfs \
		--events-backend file exec -it d1 sh -c 'test -t 0 && test -t 1 && exit 7'
	assert_failure 7
}

@test "podman: stop, kill and rm -f" {
	prun s1 -d "$IMAGE_NAME" sh -c 'trap "exit 0" TERM; while :; do sleep 0.1; done' >/dev/null
	podman_ stop -t 10 s1 >/dev/null
	assert_equal "$(state_of s1)" exited
	assert_equal "$(podman_ inspect --format '{{.State.ExitCode}}' s1)" 0
	run runtime_calls " kill $(cid s1) 15\$"
	assert_output --partial kill

	# PID 1 ignores TERM without a handler: stop escalates to KILL after the timeout.
	prun s2 -d "$IMAGE_NAME" sleep 1000 >/dev/null
	podman_ stop -t 1 s2 >/dev/null
	assert_equal "$(podman_ inspect --format '{{.State.ExitCode}}' s2)" 137
	run runtime_calls " kill $(cid s2) 9\$"
	assert_output --partial kill

	prun k1 -d "$IMAGE_NAME" sleep 1000 >/dev/null
	podman_ kill -s KILL k1 >/dev/null
	run podman_ wait k1
	assert_output 137

	prun rm1 -d "$IMAGE_NAME" sleep 1000 >/dev/null
	local id
	id=$(cid rm1)
	podman_ rm -f -t 0 rm1 >/dev/null
	run podman_ container exists rm1
	assert_failure
	assert_runtime_called delete "$id"
	assert_dir_not_exists "/sys/fs/cgroup/memory/$CLIENT_CGROUP/libpod-$id"
}

@test "podman: pause and unpause freeze and thaw the container" {
	prun p1 -d "$IMAGE_NAME" sh -c 'i=0; while :; do i=$((i+1)); echo $i >/tmp/count; sleep 0.05; done' >/dev/null
	local pid
	pid=$(podman_ inspect --format '{{.State.Pid}}' p1)
	wait_until "$CLIENTS_WAIT_TIMEOUT" test -s "/proc/$pid/root/tmp/count"

	podman_ pause p1 >/dev/null
	assert_runtime_called pause "$(cid p1)"
	assert_equal "$(state_of p1)" paused
	assert_equal "$(cat "$(cgroup_of p1 freezer)/freezer.state")" FROZEN
	local a b
	a=$(cat "/proc/$pid/root/tmp/count")
	sleep 0.5
	b=$(cat "/proc/$pid/root/tmp/count")
	assert_equal "$b" "$a"

	podman_ unpause p1 >/dev/null
	assert_runtime_called resume "$(cid p1)"
	assert_equal "$(state_of p1)" running
	assert_equal "$(cat "$(cgroup_of p1 freezer)/freezer.state")" THAWED
	wait_until "$CLIENTS_WAIT_TIMEOUT" bash -c "[ \"\$(cat /proc/$pid/root/tmp/count)\" -gt $b ]"
}

@test "podman: --read-only makes the rootfs read-only, with tmpfs on /tmp, /run, /var/tmp" {
	run prun ro1 --rm --read-only "$IMAGE_NAME" sh -c 'touch /probe'
	assert_failure
	assert_output --partial "Read-only file system"

	run prun ro2 --rm --read-only "$IMAGE_NAME" sh -c \
		'touch /tmp/a /run/b /var/tmp/c && echo tmp-writable; grep " / " /proc/mounts'
	assert_success
	assert_line tmp-writable
	assert_output --regexp ' / overlay ro[ ,]'
}

@test "podman: --memory, --pids-limit and --cpus reach the cgroup" {
	run prun lim --rm --memory 64m --pids-limit 50 --cpus 0.5 "$IMAGE_NAME" sh -c '
		cat /sys/fs/cgroup/memory/memory.limit_in_bytes
		cat /sys/fs/cgroup/pids/pids.max
		cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us /sys/fs/cgroup/cpu/cpu.cfs_period_us'
	assert_success
	assert_equal "${lines[*]}" "67108864 50 50000 100000"

	# and on the host, under the cgroup parent podman was given
	prun lim2 -d --memory 64m --pids-limit 50 "$IMAGE_NAME" sleep 1000 >/dev/null
	assert_equal "$(cat "$(cgroup_of lim2 memory)/memory.limit_in_bytes")" 67108864
	assert_equal "$(cat "$(cgroup_of lim2 pids)/pids.max")" 50
	grep -qx "$(podman_ inspect --format '{{.State.Pid}}' lim2)" "$(cgroup_of lim2 memory)/cgroup.procs"

	# the pids limit is enforced (threads count too: runc's Go init needs a few, so the
	# limit leaves room for them)
	run prun lim3 --rm --pids-limit 20 "$IMAGE_NAME" sh -c \
		'i=0; while [ $i -lt 30 ]; do sleep 10 & i=$((i+1)); done; echo all-forked'
	assert_failure
	assert_output --partial "can't fork"
	refute_output --partial all-forked
}

@test "podman: --cap-drop and --cap-add change the capability sets" {
	run prun cap0 --rm "$IMAGE_NAME" grep CapEff /proc/self/status
	assert_success
	local default=${output##*:}
	default=${default//[[:space:]]/}
	# default_capabilities of containers.conf: CHOWN DAC_OVERRIDE FOWNER FSETID KILL NET_BIND_SERVICE SETFCAP
	# SETGID SETPCAP SETUID SYS_CHROOT
	assert_equal "$default" 00000000800405fb

	run prun cap1 --rm --cap-drop all --cap-add NET_RAW "$IMAGE_NAME" grep -E 'Cap(Eff|Prm|Bnd)' /proc/self/status
	assert_success
	assert_line --regexp '^CapEff:[[:space:]]+0000000000002000$'
	assert_line --regexp '^CapBnd:[[:space:]]+0000000000002000$'

	run prun cap2 --rm --cap-drop CHOWN "$IMAGE_NAME" sh -c 'grep CapEff /proc/self/status; chown 1000 /tmp'
	assert_failure
	assert_line --regexp '^CapEff:[[:space:]]+00000000800405fa$'
	assert_output --partial "Operation not permitted"
}

@test "podman: no-new-privileges and the default seccomp profile" {
	run prun nnp0 --rm "$IMAGE_NAME" grep -E '^(NoNewPrivs|Seccomp):' /proc/self/status
	assert_success
	assert_line --regexp '^NoNewPrivs:[[:space:]]+0$'
	assert_line --regexp '^Seccomp:[[:space:]]+2$'

	run prun nnp1 --rm --security-opt no-new-privileges "$IMAGE_NAME" grep NoNewPrivs /proc/self/status
	assert_success
	assert_output --regexp 'NoNewPrivs:[[:space:]]+1$'

	# the profile is really loaded: personality(ADDR_NO_RANDOMIZE) is not in its
	# allow-list (it fails with the profile's default errno), and works without it
	run prun sc1 --rm "$IMAGE_NAME" linux64 -R true
	assert_failure
	assert_output --partial "personality"
	run prun sc2 --rm --security-opt seccomp=unconfined "$IMAGE_NAME" linux64 -R true
	assert_success

	run prun sc0 --rm --security-opt seccomp=unconfined "$IMAGE_NAME" grep '^Seccomp:' /proc/self/status
	assert_success
	assert_output --regexp 'Seccomp:[[:space:]]+0$'
}

@test "podman: --tmpfs mounts a tmpfs with its options" {
	run prun tmpfs1 --rm --tmpfs /scratch:rw,size=1m,mode=1777 "$IMAGE_NAME" \
		sh -c 'grep " /scratch " /proc/mounts; stat -c %a /scratch; touch /scratch/x && echo writable'
	assert_success
	assert_line --regexp '^tmpfs /scratch tmpfs rw,.*size=1024k'
	assert_line 1777
	assert_line writable
}

@test "podman: -v binds a host directory, read-write and read-only" {
	local d=$BATS_TEST_TMPDIR/data
	mkdir -p "$d"
	chmod 0755 "$BATS_TEST_TMPDIR" "$d"
	echo from-host >"$d/in"
	run prun v1 --rm -v "$d:/data" "$IMAGE_NAME" sh -c 'cat /data/in; echo from-container >/data/out'
	assert_success
	assert_output from-host
	assert_file_exists "$d/out"
	assert_equal "$(cat "$d/out")" from-container

	run prun v2 --rm -v "$d:/data:ro" "$IMAGE_NAME" sh -c 'cat /data/in; touch /data/ro-probe'
	assert_failure
	assert_line from-host
	assert_output --partial "Read-only file system"
	assert_file_not_exists "$d/ro-probe"
}

@test "podman: --device passes host devices (fileMode with the type bits), with their numbers and access" {
	# podman writes linux.devices[].fileMode as the host's st_mode (020666 for a
	# character device) and allows the devices in the cgroup.
	local devs=() d
	for d in /dev/fuse /dev/net/tun /dev/kmsg; do [ -c "$d" ] && devs+=(--device "$d"); done
	[ ${#devs[@]} -gt 0 ] || skip "none of /dev/fuse, /dev/net/tun, /dev/kmsg on this host"
	run prun dev1 --rm "${devs[@]}" --device /dev/null:/dev/mynull:rw "$IMAGE_NAME" \
		sh -c 'for p in /dev/fuse /dev/net/tun /dev/kmsg /dev/mynull; do [ -e $p ] && stat -c "%n %F %t:%T %a" $p; done; echo x >/dev/mynull && echo written'
	assert_success
	[ -c /dev/fuse ] && assert_line "/dev/fuse character special file a:e5 $(stat -c %a /dev/fuse)"
	[ -c /dev/net/tun ] && assert_line "/dev/net/tun character special file a:c8 $(stat -c %a /dev/net/tun)"
	assert_line "/dev/mynull character special file 1:3 666"
	assert_line written
}

@test "podman: a --privileged-style device list (many --device, read-only and read-write)" {
	# What --privileged hands the runtime: every host character device as a
	# linux.devices entry, fileMode with the type bits. (--privileged itself
	# needs CAP_SYS_RESOURCE, which this host drops: the list is given by hand.)
	local devs=() d n=0
	for d in /dev/null /dev/zero /dev/full /dev/random /dev/urandom /dev/tty /dev/fuse /dev/net/tun /dev/kmsg /dev/loop-control; do
		[ -c "$d" ] || continue
		devs+=(--device "$d:${d/\/dev\//\/dev\/host-}:rwm")
		n=$((n + 1))
	done
	run prun dev2 --rm "${devs[@]}" "$IMAGE_NAME" sh -c 'ls /dev | grep -c "^host-"; cat /dev/host-zero | head -c 3 | od -An -tx1'
	assert_success
	assert_line --index 0 "$n"
	assert_line --index 1 " 00 00 00"
}

@test "podman: --network none gives a network namespace with only loopback" {
	run prun net1 --rm --network none "$IMAGE_NAME" sh -c 'ls /sys/class/net; readlink /proc/self/ns/net'
	assert_success
	assert_equal "${lines[0]}" lo
	assert_equal "${#lines[@]}" 2
	[ "${lines[1]}" != "$(readlink /proc/self/ns/net)" ]
}

@test "podman: run -t gives the container a terminal" {
	run prun t1 --rm -t "$IMAGE_NAME" sh -c 'tty; exit 6'
	assert_failure 6
	output=$(printf '%s\n' "$output" | strip_cr)
	assert_output --regexp '^/dev/pts/[0-9]+$'
	run runtime_calls " create .*--console-socket .*$(cid t1)\$"
	assert_output --partial create

	run in_terminal podman --root "$PODMAN_ROOT" --runroot "$PODMAN_RUNROOT" \
		--tmpdir "$CLIENT_TMP/tmp" --runtime "$RUNTIME_WRAPPER" --cgroup-manager cgroupfs \
		--events-backend file run --rm -it --cgroup-parent "/$CLIENT_CGROUP" "$IMAGE_NAME" \
		sh -c 'test -t 0 && test -t 1 && exit 7'
	assert_failure 7
}

@test "podman: --init runs catatonit as PID 1, which reaps and forwards" {
	run prun init1 --rm --init "$IMAGE_NAME" sh -c 'tr "\0" " " </proc/1/cmdline; echo; echo "me=$$"'
	assert_success
	assert_line --regexp '^/run/podman-init -- sh -c '
	refute_line me=1

	prun init2 -d --init "$IMAGE_NAME" sleep 1000 >/dev/null
	podman_ stop -t 10 init2 >/dev/null
	# catatonit passes TERM on to sleep, which dies of it.
	assert_equal "$(podman_ inspect --format '{{.State.ExitCode}}' init2)" 143
}

@test "podman: top lists the container's processes" {
	prun top1 -d "$IMAGE_NAME" sh -c 'sleep 1000 & exec sleep 1001' >/dev/null
	wait_until "$CLIENTS_WAIT_TIMEOUT" bash -c \
		"[ \$(find $(cgroup_of top1 pids) -name cgroup.procs -exec cat {} + | wc -l) -eq 2 ]"
	run podman_ top top1
	assert_success
	assert_line --regexp ' sleep 1000 *$'
	assert_line --regexp ' sleep 1001 *$'
	run podman_ top top1 pid args
	assert_success
	assert_line --regexp '^1 +sleep 1001'
}

@test "podman: removing everything leaves no process, mount, cgroup or host path behind" {
	podman_ rm -a -f -t 0 >/dev/null
	run podman_ ps -a -q
	assert_output ''
	podman_stop
	rm_cgroup "$CLIENT_CGROUP"
	untrack_host_paths
	assert_nothing_left
}
