#!/usr/bin/env bats
# tests/vm/systemd/selftest.bats: what the systemd VM lane promises the
# suites it runs (tests/vm/systemd/check.sh runs it first). It only makes
# sense inside that guest (VESSEL_SYSTEMD_VM=1).

bats_require_minimum_version 1.5.0

load '/usr/lib/bats/bats-support/load'
load '/usr/lib/bats/bats-assert/load'

setup_file() {
	TOP=$(cd "$(dirname "$BATS_TEST_FILENAME")/../../.." && pwd)
	export TOP
}

setup() {
	if [ "${VESSEL_SYSTEMD_VM:-}" != 1 ]; then
		skip "runs inside the systemd VM (tests/vm/systemd/check.sh)"
	fi
	CG=/sys/fs/cgroup
	UNIT=vessel-selftest-$BATS_TEST_NUMBER-$$
}

teardown() {
	[ -z "${scratch:-}" ] || rm -rf --one-file-system "$scratch"
	[ -z "${runc_id:-}" ] || runc delete -f "$runc_id" >/dev/null 2>&1
	if [ -n "${linger:-}" ]; then
		loginctl disable-linger rootless
		systemctl stop user@1000.service
	fi
	return 0
}

# as_rootless CMD...: CMD as the user rootless with its user bus.
as_rootless() {
	runuser -u rootless -- env XDG_RUNTIME_DIR=/run/user/1000 \
		DBUS_SESSION_BUS_ADDRESS=unix:path=/run/user/1000/bus "$@"
}

# busybox_bundle DIR CMD...: a bundle with a busybox rootfs running CMD.
busybox_bundle() {
	local b=$1 r=$1/rootfs
	shift
	mkdir -p "$r/bin" "$r/usr/bin"
	cp /bin/busybox "$r/bin/busybox"
	# the links busybox makes point at its real path, /usr/bin/busybox
	ln -s ../../bin/busybox "$r/usr/bin/busybox"
	/bin/busybox --install -s "$r/bin"
	runc spec --bundle "$b"
	jq --argjson a "$(printf '%s\n' "$@" | jq -R . | jq -s .)" \
		'.process.terminal = false | .process.args = $a' "$b/config.json" >"$b/config.json.new"
	mv "$b/config.json.new" "$b/config.json"
}

@test "systemd is PID 1 on a pure cgroup v2 hierarchy, and the job runs in its unit" {
	[ "$(cat /proc/1/comm)" = systemd ]
	[ "$(stat -f -c %T $CG)" = cgroup2fs ]
	run grep -cE '^[^ ]+ [^ ]+ cgroup ' /proc/self/mounts
	[ "$output" = 0 ]
	[ "$(cat /proc/self/cgroup)" = "0::/system.slice/vessel-vm-job.service" ]
	run timeout 60 systemctl is-system-running --wait
	[ "$output" = running ]
	read -r -a offered <$CG/cgroup.controllers
	for c in cpuset cpu io memory pids; do
		[[ " ${offered[*]} " == *" $c "* ]]
	done
	[ "$(uname -r)" = "$(ls /usr/lib/modules)" ]
}

@test "the system bus: a transient unit gets its limits in its cgroup files" {
	run busctl --system call org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus GetId
	assert_success
	run -0 systemd-run --quiet --wait --collect --unit="$UNIT" -p MemoryMax=64M -p TasksMax=32 \
		sh -c 'cat /proc/self/cgroup; cat /sys/fs/cgroup$(cut -d: -f3 /proc/self/cgroup)/memory.max \
			/sys/fs/cgroup$(cut -d: -f3 /proc/self/cgroup)/pids.max' 2>&1
	run journalctl --quiet -o cat -u "$UNIT"
	assert_success
	[ "${lines[0]}" = "0::/system.slice/$UNIT.service" ]
	[ "${lines[1]}" = 67108864 ]
	[ "${lines[2]}" = 32 ]
	run systemctl show -P LoadState "$UNIT.service"
	[ "$output" = not-found ]
}

@test "a user manager and its bus for rootless (logind started on demand, linger)" {
	linger=1
	run loginctl enable-linger rootless
	assert_success
	run timeout 60 systemctl start user@1000.service
	assert_success
	[ -S /run/user/1000/bus ]
	run timeout 60 runuser -u rootless -- env XDG_RUNTIME_DIR=/run/user/1000 DBUS_SESSION_BUS_ADDRESS=unix:path=/run/user/1000/bus systemctl --user is-system-running --wait
	assert_success
	run as_rootless systemd-run --user --quiet --scope cat /proc/self/cgroup
	assert_success
	[[ "$output" == "0::/user.slice/user-1000.slice/user@1000.service/"*.scope ]]
	# what the user manager may limit in its own subtree
	read -r -a delegated </sys/fs/cgroup/user.slice/user-1000.slice/user@1000.service/cgroup.controllers
	[[ " ${delegated[*]} " == *" memory "* ]]
	[[ " ${delegated[*]} " == *" pids "* ]]
	[ -s /etc/subuid ]
	[ -u /usr/bin/newuidmap ]
}

@test "criu check passes on this kernel" {
	run criu check
	assert_success
	[[ "$output" == *"Looks good."* ]]
}

@test "runc runs a container with the cgroupfs and with the systemd driver" {
	scratch=$(mktemp -d /tmp/vessel-selftest.XXXXXX)
	chmod 0755 "$scratch"
	busybox_bundle "$scratch/b" sh -c 'cat /proc/self/cgroup; cat /sys/fs/cgroup/memory.max'
	runc_id=$UNIT
	jq '.linux.cgroupsPath = "/'"$UNIT"'" | .linux.resources.memory.limit = 67108864' \
		"$scratch/b/config.json" >"$scratch/c.json"
	cp "$scratch/c.json" "$scratch/b/config.json"
	run runc run --bundle "$scratch/b" "$runc_id"
	assert_success
	assert_line --index 0 "0::/"
	assert_line --index 1 67108864
	[ ! -d "$CG/$UNIT" ]
	jq '.linux.cgroupsPath = "system.slice:vessel:'"$UNIT"'"' "$scratch/c.json" >"$scratch/b/config.json"
	run runc --systemd-cgroup run --bundle "$scratch/b" "$runc_id"
	assert_success
	# (stdout and stderr together: a line may come before the output)
	assert_line 67108864
	run systemctl show -P LoadState "vessel-$UNIT.scope"
	[ "$output" = not-found ]
}

@test "the engines and tools the lanes use are there" {
	run containerd --version
	assert_success
	run ctr --version
	assert_success
	run podman --version
	assert_success
	run conmon --version
	assert_success
	run crun --version
	assert_success
	run bats --version
	assert_success
	for l in bats-support bats-assert bats-file; do
		[ -r "/usr/lib/bats/$l/load.bash" ]
	done
	for t in jq gawk ip iptables busybox python3 unshare script nsenter xz; do
		command -v "$t"
	done
}

@test "the freshly built tree is shared in, and writes to it stay in the guest" {
	[ -x "$TOP/vessel" ]
	run "$TOP/vessel" --version
	assert_success
	[[ "$output" == *vessel* ]]
	touch "$TOP/vessel-selftest-$$"
	rm "$TOP/vessel-selftest-$$"
	[ "$(stat -f -c %T "$TOP")" = overlayfs ]
}
