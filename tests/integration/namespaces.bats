#!/usr/bin/env bats
# Namespaces: every kind new, joined by path, user namespaces with mappings,
# time namespaces with offsets.

load helpers

# ns_links: what the container prints for `readlink /proc/self/ns/*`, as
# "kind=link" lines.
ns_script='for n in cgroup ipc mnt net pid time user uts; do echo "$n=$(readlink /proc/self/ns/$n)"; done'

# host_ns KIND: this shell's namespace link.
host_ns() { readlink "/proc/self/ns/$1"; }

# ns_of LINES KIND: the link of KIND in the container's output.
ns_of() { printf '%s\n' "$1" | sed -n "s/^$2=//p"; }

# with_userns: a user namespace mapping container 0..65535 to host
# 100000..165535; the rootfs is chowned so that the mapped root owns it.
with_userns() {
	update_config '.linux.namespaces += [{"type": "user"}]
		| .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
	chown -R 100000:100000 "$BUNDLE/rootfs"
}

@test "every namespace kind in the config is new: the links differ from the host's" {
	with_userns
	update_config '.linux.namespaces += [{"type": "time"}]'
	set_sh "$ns_script"
	run -0 vessel run --bundle "$BUNDLE" n1
	local out=$output n
	for n in cgroup ipc mnt net pid time user uts; do
		local in
		in=$(ns_of "$out" $n)
		[ -n "$in" ] || fail "no $n link in: $out"
		[ "$in" != "$(host_ns $n)" ] || fail "$n namespace is the host's: $in"
	done
}

@test "a kind missing from the config is shared with the caller" {
	update_config '.linux.namespaces = [{"type": "mount"}] | del(.hostname)'
	update_config '.mounts = [.mounts[] | select(.type != "sysfs" and .type != "cgroup" and .type != "mqueue")]'
	set_sh "$ns_script"
	run -0 vessel run --bundle "$BUNDLE" n1
	local out=$output n
	for n in cgroup ipc net pid time user uts; do
		assert_equal "$(ns_of "$out" $n)" "$(host_ns $n)"
	done
	[ "$(ns_of "$out" mnt)" != "$(host_ns mnt)" ] || fail "mount namespace is the host's"
}

@test "pid namespace: the container's program is pid 1 and sees only its processes" {
	set_sh 'echo $$; ps -o pid=,comm= >/dev/shm/ps; cat /dev/shm/ps'
	run -0 vessel run --bundle "$BUNDLE" n1
	assert_line --index 0 1
	# only the shell (pid 1) and ps itself
	assert_line --index 1 --regexp '^ *1 sh$'
	assert_line --index 2 --regexp '^ *[0-9]+ ps$'
	assert_equal "${#lines[@]}" 3
}

@test "network namespace: only lo, and lo is up" {
	set_sh 'ls /sys/class/net; cat /sys/class/net/lo/flags'
	run -0 vessel run --bundle "$BUNDLE" n1
	assert_line --index 0 lo
	assert_equal "${#lines[@]}" 2
	# IFF_UP (0x1) | IFF_LOOPBACK (0x8)
	[ $((${lines[1]} & 0x1)) -eq 1 ] || fail "lo is down: flags ${lines[1]}"
}

@test "uts namespace: the config's hostname and domainname, the host's unchanged" {
	local before
	before=$(hostname)
	update_config '.hostname = "box-1" | .domainname = "example.test"'
	set_sh 'hostname; cat /proc/sys/kernel/domainname'
	run -0 vessel run --bundle "$BUNDLE" n1
	assert_line --index 0 box-1
	assert_line --index 1 example.test
	assert_equal "$(hostname)" "$before"
}

@test "ipc namespace: a message queue of the host is not visible" {
	set_sh 'ls /dev/mqueue | wc -l; cat /proc/sysvipc/shm | wc -l'
	run -0 vessel run --bundle "$BUNDLE" n1
	assert_line --index 0 --regexp '^ *0$'
	# the header only
	assert_line --index 1 --regexp '^ *1$'
}

@test "mount namespace: the container's mounts do not show on the host" {
	set_sh 'exec sleep 100'
	run -0 run_d n1
	run -1 grep -F "$BUNDLE" /proc/self/mountinfo
	local pid
	pid=$(ct_pid n1)
	run -0 grep -c . "/proc/$pid/mountinfo"
	[ "$output" -gt 5 ] || fail "the container has $output mounts"
}

@test "cgroup namespace: the container sees its cgroup as the root" {
	set_sh 'cat /proc/self/cgroup'
	run -0 vessel run --bundle "$BUNDLE" n1
	local line
	for line in "${lines[@]}"; do
		[[ "$line" == *:/ ]] || fail "not rooted: $line"
	done
}

@test "without a cgroup namespace the container sees its full cgroup path" {
	update_config '.linux.namespaces = [.linux.namespaces[] | select(.type != "cgroup")]'
	set_sh 'cat /proc/self/cgroup'
	run -0 vessel run --bundle "$BUNDLE" n1
	assert_line "0::/$CG_NAME"
	assert_line --regexp "^[0-9]+:memory:/$CG_NAME\$"
}

@test "join by path: a container in another's net, ipc and uts namespaces (the pod pattern)" {
	update_config '.hostname = "pod"'
	set_sh 'exec sleep 100'
	run -0 run_d pause
	local ppid
	ppid=$(ct_pid pause)
	cp -a "$BUNDLE" "$TEST_DIR/b2"
	update_config ".hostname = null | .linux.cgroupsPath = \"/$CG_NAME/app\"
		| .linux.namespaces = [.linux.namespaces[]
			| if .type == \"network\" then .path = \"/proc/$ppid/ns/net\"
			  elif .type == \"ipc\" then .path = \"/proc/$ppid/ns/ipc\"
			  elif .type == \"uts\" then .path = \"/proc/$ppid/ns/uts\" else . end]" "$TEST_DIR/b2"
	set_args_in "$TEST_DIR/b2" sh -c "$ns_script; hostname"
	run -0 vessel run --bundle "$TEST_DIR/b2" app
	local out=$output n
	for n in net ipc uts; do
		assert_equal "$(ns_of "$out" $n)" "$(readlink "/proc/$ppid/ns/$n")"
	done
	for n in pid mnt; do
		[ "$(ns_of "$out" $n)" != "$(readlink "/proc/$ppid/ns/$n")" ] || fail "$n was joined, should be new"
	done
	assert_line pod
}

@test "join by path: a container in another's pid namespace sees its processes" {
	set_sh 'exec sleep 100'
	run -0 run_d first
	local fpid
	fpid=$(ct_pid first)
	cp -a "$BUNDLE" "$TEST_DIR/b2"
	update_config ".linux.cgroupsPath = \"/$CG_NAME/second\"
		| .linux.namespaces = [.linux.namespaces[] | if .type == \"pid\" then .path = \"/proc/$fpid/ns/pid\" else . end]
		| .process.args = [\"sh\", \"-c\", \"echo \$\$; ps -o args=\"]" "$TEST_DIR/b2"
	run -0 vessel run --bundle "$TEST_DIR/b2" second
	refute_line --index 0 1
	assert_line "sleep 100"
	run -0 vessel delete -f second
}

@test "join by path: a user namespace with another container's mappings" {
	with_userns
	set_sh 'exec sleep 100'
	run -0 run_d owner
	local opid
	opid=$(ct_pid owner)
	cp -a "$BUNDLE" "$TEST_DIR/b2"
	update_config ".linux.cgroupsPath = \"/$CG_NAME/joiner\" | del(.linux.uidMappings, .linux.gidMappings)
		| .linux.namespaces = [.linux.namespaces[] | if .type == \"user\" then .path = \"/proc/$opid/ns/user\" else . end]
		| .process.args = [\"sh\", \"-c\", \"readlink /proc/self/ns/user; cat /proc/self/uid_map\"]" "$TEST_DIR/b2"
	run -0 vessel run --bundle "$TEST_DIR/b2" joiner
	assert_line --index 0 "$(readlink "/proc/$opid/ns/user")"
	assert_line --index 1 --regexp '^ +0 +100000 +65536$'
	run -0 vessel delete -f joiner
}

@test "user namespace: uid and gid mappings, root inside is 100000 outside" {
	with_userns
	set_sh 'id -u; id -g; cat /proc/self/uid_map /proc/self/gid_map; exec sleep 100'
	run -0 run_d u1
	local pid
	pid=$(ct_pid u1)
	run -0 awk '/^Uid:/ {print $2} /^Gid:/ {print $2}' "/proc/$pid/status"
	assert_equal "$(echo $output)" "100000 100000"
	run -0 cat "/proc/$pid/uid_map"
	assert_output --regexp '^ +0 +100000 +65536$'
	run -0 cat "/proc/$pid/gid_map"
	assert_output --regexp '^ +0 +100000 +65536$'
}

@test "user namespace: several mapping ranges" {
	update_config '.linux.namespaces += [{"type": "user"}]
		| .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 1000}, {"containerID": 1000, "hostID": 200000, "size": 10}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 1000}]'
	chown -R 100000:100000 "$BUNDLE/rootfs"
	set_sh 'cat /proc/self/uid_map; echo gid; cat /proc/self/gid_map'
	run -0 vessel run --bundle "$BUNDLE" u1
	assert_line --index 0 --regexp '^ +0 +100000 +1000$'
	assert_line --index 1 --regexp '^ +1000 +200000 +10$'
	assert_line --index 2 gid
	assert_line --index 3 --regexp '^ +0 +100000 +1000$'
}

@test "user namespace: the container's files appear with mapped owners" {
	with_userns
	chown 100005:100007 "$BUNDLE/rootfs/tmp"
	set_sh 'stat -c "%u:%g" /tmp /'
	run -0 vessel run --bundle "$BUNDLE" u1
	assert_line --index 0 5:7
	assert_line --index 1 0:0
}

@test "user namespace: a process uid outside the mapping cannot start" {
	with_userns
	update_config '.process.user.uid = 70000'
	set_args true
	run -1 create_ct u1
	assert_nothing_left u1
}

@test "time namespace: timeOffsets shift the monotonic and boot clocks" {
	update_config '.linux.namespaces += [{"type": "time"}]
		| .linux.timeOffsets = {"monotonic": {"secs": 86400, "nanosecs": 0}, "boottime": {"secs": 172800, "nanosecs": 5}}'
	set_sh 'cat /proc/self/timens_offsets; cut -d. -f1 /proc/uptime'
	local host_up
	host_up=$(cut -d. -f1 /proc/uptime)
	run -0 vessel run --bundle "$BUNDLE" t1
	assert_line --index 0 --regexp '^monotonic +86400 +0$'
	assert_line --index 1 --regexp '^boottime +172800 +5$'
	local up=${lines[2]}
	[ "$up" -ge $((host_up + 172800)) ] && [ "$up" -le $((host_up + 172800 + 60)) ] ||
		fail "uptime $up is not the host's $host_up + 172800"
}

@test "time namespace without offsets: zero offsets, a new namespace" {
	update_config '.linux.namespaces += [{"type": "time"}]'
	set_sh 'readlink /proc/self/ns/time; cat /proc/self/timens_offsets'
	run -0 vessel run --bundle "$BUNDLE" t1
	[ "${lines[0]}" != "$(host_ns time)" ] || fail "not a new time namespace"
	assert_line --index 1 --regexp '^monotonic +0 +0$'
	assert_line --index 2 --regexp '^boottime +0 +0$'
}

@test "join by path: a time namespace of another container" {
	update_config '.linux.namespaces += [{"type": "time"}] | .linux.timeOffsets = {"monotonic": {"secs": 1000, "nanosecs": 0}}'
	set_sh 'exec sleep 100'
	run -0 run_d first
	local fpid
	fpid=$(ct_pid first)
	cp -a "$BUNDLE" "$TEST_DIR/b2"
	update_config ".linux.cgroupsPath = \"/$CG_NAME/second\" | del(.linux.timeOffsets)
		| .linux.namespaces = [.linux.namespaces[] | if .type == \"time\" then .path = \"/proc/$fpid/ns/time\" else . end]
		| .process.args = [\"cat\", \"/proc/self/timens_offsets\"]" "$TEST_DIR/b2"
	run -0 vessel run --bundle "$TEST_DIR/b2" second
	assert_line --index 0 --regexp '^monotonic +1000 +0$'
}

@test "join by path: the caller's network namespace through /proc/PID/ns/net" {
	set_sh 'readlink /proc/self/ns/net'
	update_config ".linux.namespaces = [.linux.namespaces[] | if .type == \"network\" then .path = \"/proc/$$/ns/net\" else . end]"
	run -0 vessel run --bundle "$BUNDLE" n1
	assert_output "$(readlink /proc/$$/ns/net)"
}

# host_mntns: the config without a mount namespace (masks need one).
host_mntns() {
	update_config '.linux.namespaces -= [{"type": "mount"}] | .linux.maskedPaths = [] | .linux.readonlyPaths = []'
}

@test "no mount namespace: the container runs in the host's, with its mounts and its root" {
	host_mntns
	local host_mnt
	host_mnt=$(readlink /proc/self/ns/mnt)
	set_sh 'readlink /proc/self/ns/mnt; ls /; grep -c " /dev/pts " /proc/self/mounts'
	run -0 vessel run --bundle "$BUNDLE" m1
	assert_line --index 0 "$host_mnt"
	assert_line --index 1 bin
	refute_line usr
	assert_nothing_left m1
}

@test "no mount namespace: the container's mounts are gone from the host after delete" {
	host_mntns
	set_args sleep 100
	run -0 run_d m1
	# While it runs, its mounts are under the rootfs, on the host.
	run -0 mounts_under "$BUNDLE/rootfs"
	assert_line "$BUNDLE/rootfs"
	assert_line "$BUNDLE/rootfs/proc"
	assert_line "$BUNDLE/rootfs/dev/pts"
	run -0 vessel exec m1 sh -c 'ls /; readlink /proc/1/root'
	assert_line bin
	refute_line usr
	assert_line /
	run -0 vessel delete -f m1
	run -0 mounts_under "$BUNDLE/rootfs"
	assert_output ""
	assert_nothing_left m1
}

@test "no mount namespace: a failing create takes its mounts away, not the mounts below" {
	host_mntns
	# The rootfs is a mount of its own already (as a shim makes it): that
	# one stays.
	mount --bind "$BUNDLE/rootfs" "$BUNDLE/rootfs"
	update_config '.mounts += [{"destination": "/bad", "type": "bind", "source": "/nonexistent-source"}]'
	set_args true
	run -1 create_ct m1
	assert_output --partial "/nonexistent-source"
	run -0 mounts_under "$BUNDLE/rootfs"
	assert_output "$BUNDLE/rootfs"
	umount "$BUNDLE/rootfs"
	assert_nothing_left m1
}

@test "no mount namespace, the rest shared or new: every combination of the other kinds runs" {
	host_mntns
	local combos=("" "pid" "pid network" "ipc uts" "pid network ipc uts cgroup" "user pid network ipc uts")
	local c t j
	set_sh 'for n in pid net ipc uts cgroup user; do echo "$n $(readlink /proc/self/ns/$n)"; done'
	for c in "${combos[@]}"; do
		j='[]'
		for t in $c; do j=$(jq -c --arg t "$t" '. + [{"type": $t}]' <<<"$j"); done
		update_config ".linux.namespaces = $j | del(.hostname)"
		if [[ " $c " == *" user "* ]]; then
			# Nothing can be mounted there: no mounts, a writable root.
			update_config '.linux.uidMappings = [{"containerID": 0, "hostID": 0, "size": 65536}]
				| .linux.gidMappings = [{"containerID": 0, "hostID": 0, "size": 65536}]
				| .mounts = [] | .root.readonly = false'
		else
			update_config 'del(.linux.uidMappings) | del(.linux.gidMappings)'
		fi
		run vessel run --bundle "$BUNDLE" "m-${c// /-}"
		[ "$status" -eq 0 ] || fail "[$c] exit status $status: $output"
		# (without mounts there is no /proc to look at)
		[[ " $c " == *" user "* ]] && continue
		for t in pid net ipc uts cgroup user; do
			local want_new=no
			[[ " ${c/network/net} " == *" $t "* ]] && want_new=yes
			local line
			line=$(grep "^$t " <<<"$output")
			if [ $want_new = yes ]; then
				[ "$line" != "$t $(readlink /proc/self/ns/$t)" ] || fail "[$c] $t should be new: $line"
			else
				[ "$line" = "$t $(readlink /proc/self/ns/$t)" ] || fail "[$c] $t should be the host's: $line"
			fi
		done
	done
	run -0 mounts_under "$BUNDLE/rootfs"
	assert_output ""
}

@test "no mount namespace with a user namespace: mounts are refused, clearly" {
	host_mntns
	update_config '.linux.namespaces += [{"type": "user"}]
		| .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
	set_args true
	run -1 create_ct m1
	assert_output "$RT_NAME: config.json: mounts: a container in a user namespace cannot mount in the host's mount namespace (add a mount namespace)"
	assert_nothing_left m1
}
