#!/usr/bin/env bats
# tests/vm/selftest.bats: what the cgroup v2 VM lane promises the suites it
# runs. tests/vm/check-cgroup2.sh runs this file when tests/integration has no
# cgroups*.bats yet; it only makes sense inside the VM (VESSEL_CGROUP2_VM=1).

setup() {
	if [ "${VESSEL_CGROUP2_VM:-}" != 1 ]; then
		skip "runs inside the cgroup v2 VM (tests/vm/check-cgroup2.sh)"
	fi
	CG=/sys/fs/cgroup
}

teardown() {
	if [ -n "${child:-}" ] && [ -d "$child" ]; then
		rmdir "$child"
	fi
	if [ -n "${scratch:-}" ]; then
		rm -rf "$scratch"
	fi
}

@test "cgroup2 is mounted alone at /sys/fs/cgroup" {
	[ "$(stat -f -c %T $CG)" = cgroup2fs ]
	run grep -E '^[^ ]+ [^ ]+ cgroup ' /proc/self/mounts
	[ "$status" -eq 1 ]
	grep -qE '^cgroup2 /sys/fs/cgroup cgroup2 .*nsdelegate' /proc/self/mounts
	[ "$(cat /proc/self/cgroup)" = "0::/" ]
}

@test "the root offers and delegates memory, pids, cpu and io" {
	read -r -a offered <$CG/cgroup.controllers
	read -r -a enabled <$CG/cgroup.subtree_control
	for c in memory pids cpu io; do
		[[ " ${offered[*]} " == *" $c "* ]]
		[[ " ${enabled[*]} " == *" $c "* ]]
	done
	[ "${offered[*]}" = "${enabled[*]}" ]
}

@test "a child cgroup takes a memory limit and a process, and goes away" {
	child=$CG/vessel-selftest-$$
	mkdir "$child"
	[ -e "$child/memory.max" ]
	[ -e "$child/pids.max" ]
	echo 64M >"$child/memory.max"
	[ "$(cat "$child/memory.max")" = 67108864 ]
	echo 16 >"$child/pids.max"
	[ "$(cat "$child/pids.max")" = 16 ]
	# the shell moves itself in; cat, its child, reports where it runs
	run sh -c 'echo $$ >"$1/cgroup.procs" && cat /proc/self/cgroup' sh "$child"
	[ "$status" -eq 0 ]
	[ "$output" = "0::/vessel-selftest-$$" ]
	[ -z "$(cat "$child/cgroup.procs")" ]
	grep -qx 'populated 0' "$child/cgroup.events"
	rmdir "$child"
	[ ! -e "$child" ]
}

@test "a memory limit stops an allocation in the child cgroup" {
	child=$CG/vessel-selftest-oom-$$
	mkdir "$child"
	echo 16M >"$child/memory.max"
	if [ -e "$child/memory.swap.max" ]; then
		echo 0 >"$child/memory.swap.max"
	fi
	# dd's 64 MiB buffer is touched by the read that fills it
	run sh -c 'echo $$ >"$1/cgroup.procs" && exec dd if=/dev/zero of=/dev/null bs=64M count=1' sh "$child"
	[ "$status" -ne 0 ]
	grep -qE '^oom_kill [1-9]' "$child/memory.events"
}

@test "pivot_root works in a new mount namespace, into a tmpfs" {
	scratch=$(mktemp -d)
	run unshare -m sh -c '
		set -e
		mount --make-rprivate /
		mount -t tmpfs tmpfs "$1"
		mkdir "$1/bin" "$1/old"
		cp /bin/busybox "$1/bin/busybox"
		cd "$1"
		pivot_root . old
		exec /bin/busybox sh -c "/bin/busybox umount -l /old && /bin/busybox ls /"
	' sh "$scratch"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'bin\nold')" ]
}

@test "unshare -p -f -m --mount-proc gives a new pid 1 and its own /proc" {
	run unshare -p -f -m --mount-proc sh -c 'echo $$; ls /proc | grep -c "^[0-9]"'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 1 ]
	[ "${lines[1]}" -le 3 ]
}

@test "the guest is set up as the lane promises" {
	[ "$(id -u)" = 0 ]
	[ "$(cat /proc/sys/kernel/hostname)" = vessel-vm ]
	[ "$(stat -f -c %T /tmp)" = tmpfs ]
	[ "$(stat -f -c %T /run)" = tmpfs ]
	[ "$(stat -f -c %T /dev/shm)" = tmpfs ]
	[ "$(stat -f -c %T /dev/pts)" = devpts ]
	echo discard >/dev/null
	[ "$(head -c 4 /dev/zero | wc -c)" = 4 ]
	[ $(($(cat /sys/class/net/lo/flags) & 1)) = 1 ] # IFF_UP
	# the host tree is there, and writes to it stay in the guest
	[ -x /usr/bin/bats ]
	[ -r "$BATS_TEST_FILENAME" ]
	touch /usr/vessel-selftest-$$
	rm /usr/vessel-selftest-$$
}
