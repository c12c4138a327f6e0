#!/usr/bin/env bats
# Devices: the default ones, linux.devices, the /dev links.

load helpers

# dev_script PATH...: (in the container) "path type major:minor mode uid:gid".
dev_script='for p in "$@"; do echo "$p $(stat -c "%F %t:%T %a %u:%g" "$p")"; done'

# run_dev_stat PATH...: stat PATHs in a container.
run_dev_stat() {
	set_args sh -c "$dev_script" sh "$@"
	run -0 vessel run --bundle "$BUNDLE" d1
}

@test "the default devices exist with runc's major:minor and mode 0666" {
	run_dev_stat /dev/null /dev/zero /dev/full /dev/random /dev/urandom /dev/tty
	assert_line "/dev/null character special file 1:3 666 0:0"
	assert_line "/dev/zero character special file 1:5 666 0:0"
	assert_line "/dev/full character special file 1:7 666 0:0"
	assert_line "/dev/random character special file 1:8 666 0:0"
	assert_line "/dev/urandom character special file 1:9 666 0:0"
	assert_line "/dev/tty character special file 5:0 666 0:0"
}

@test "the default devices work: null, zero, full, urandom" {
	set_sh 'echo x >/dev/null && echo null-ok
		head -c 4 /dev/zero | od -An -tx1 | tr -d " \n"; echo
		{ echo x >/dev/full; } 2>&1 || echo full-refused
		head -c 16 /dev/urandom | wc -c'
	run -0 vessel run --bundle "$BUNDLE" d1
	assert_line null-ok
	assert_line 00000000
	assert_line --partial "No space left on device"
	assert_line --regexp '^ *16$'
}

@test "/dev/fd, /dev/stdin, /dev/stdout, /dev/stderr, /dev/ptmx are the usual links" {
	set_sh 'for l in fd stdin stdout stderr ptmx; do echo "$l -> $(readlink /dev/$l)"; done'
	run -0 vessel run --bundle "$BUNDLE" d1
	assert_line "fd -> /proc/self/fd"
	assert_line "stdin -> /proc/self/fd/0"
	assert_line "stdout -> /proc/self/fd/1"
	assert_line "stderr -> /proc/self/fd/2"
	assert_line "ptmx -> pts/ptmx"
}

@test "/dev/core links to /proc/kcore only where /proc/kcore exists" {
	set_sh 'readlink /dev/core || echo none'
	run -0 vessel run --bundle "$BUNDLE" d1
	if [ -e /proc/kcore ]; then
		assert_output /proc/kcore
	else
		assert_output none
	fi
}

@test "/dev/pts is a new devpts instance and /dev/ptmx opens" {
	set_sh 'ls /dev/pts; [ -c /dev/pts/ptmx ] && echo ptmx-char; exec 3<>/dev/ptmx && echo ptmx-open; ls /dev/pts | wc -l'
	run -0 vessel run --bundle "$BUNDLE" d1
	assert_line --index 0 ptmx
	assert_line ptmx-char
	assert_line ptmx-open
}

@test "/dev/shm is a tmpfs the container can write" {
	set_sh 'echo x >/dev/shm/f && cat /dev/shm/f; stat -c %a /dev/shm'
	run -0 vessel run --bundle "$BUNDLE" d1
	assert_line --index 0 x
	assert_line --index 1 1777
}

@test "/dev/console exists only with a terminal; none here" {
	set_sh '[ -e /dev/console ] && echo console || echo none'
	run -0 vessel run --bundle "$BUNDLE" d1
	assert_output none
}

@test "/dev holds only the default devices and links" {
	set_sh 'ls -A /dev | sort | tr "\n" " "'
	run -0 vessel run --bundle "$BUNDLE" d1
	local want="fd full mqueue null ptmx pts random shm stderr stdin stdout tty urandom zero "
	[ -e /proc/kcore ] && want="core $want"
	assert_output "$want"
}

@test "linux.devices: mknod with fileMode, uid and gid" {
	update_config '.linux.devices = [
		{"path": "/dev/fuse", "type": "c", "major": 10, "minor": 229, "fileMode": 384, "uid": 1, "gid": 2},
		{"path": "/dev/loop-test", "type": "b", "major": 7, "minor": 200, "fileMode": 432, "uid": 0, "gid": 6}]'
	run_dev_stat /dev/fuse /dev/loop-test
	assert_line "/dev/fuse character special file a:e5 600 1:2"
	assert_line "/dev/loop-test block special file 7:c8 660 0:6"
}

@test "linux.devices: fileMode with the file-type bits, as podman --device writes it" {
	# podman copies st_mode of the host's device: 020666 for /dev/fuse
	update_config '.linux.devices = [
		{"path": "/dev/fuse", "type": "c", "major": 10, "minor": 229, "fileMode": 8630, "uid": 0, "gid": 0},
		{"path": "/dev/loop-test", "type": "b", "major": 7, "minor": 200, "fileMode": 24992}]'
	run_dev_stat /dev/fuse /dev/loop-test
	assert_line "/dev/fuse character special file a:e5 666 0:0"
	assert_line "/dev/loop-test block special file 7:c8 640 0:0"
}

@test "linux.devices: type bits in fileMode that contradict the type are refused" {
	update_config '.linux.devices = [{"path": "/dev/fuse", "type": "c", "major": 10, "minor": 229, "fileMode": 25014}]'
	set_args true
	run -1 create_ct d1
	assert_output "$RT_NAME: config.json: linux.devices[0].fileMode: 060666 is the mode of a block device, but type is \"c\""
	assert_nothing_left d1
}

@test "linux.devices: a fifo (type p) and a device outside /dev" {
	mkdir -p "$BUNDLE/rootfs/mydev"
	update_config '.root.readonly = false | .linux.devices = [
		{"path": "/dev/myfifo", "type": "p", "fileMode": 420},
		{"path": "/mydev/null2", "type": "c", "major": 1, "minor": 3, "fileMode": 438}]'
	set_args sh -c "$dev_script; echo ok >/mydev/null2 && echo null2-works" sh /dev/myfifo /mydev/null2
	run -0 vessel run --bundle "$BUNDLE" d1
	assert_line "/dev/myfifo fifo 0:0 644 0:0"
	assert_line "/mydev/null2 character special file 1:3 666 0:0"
	assert_line null2-works
}

@test "linux.devices: without fileMode the device is 0666 less the umask, like runc" {
	update_config '.linux.devices = [{"path": "/dev/kmsg-test", "type": "c", "major": 1, "minor": 11}]'
	run_dev_stat /dev/kmsg-test
	assert_line --regexp '^/dev/kmsg-test character special file 1:b [0-7]+ 0:0$'
}

@test "linux.devices: a different file already at the path is an error" {
	mkdir -p "$BUNDLE/rootfs/mydev"
	echo "not a device" >"$BUNDLE/rootfs/mydev/thing"
	update_config '.linux.devices = [{"path": "/mydev/thing", "type": "c", "major": 1, "minor": 3}]'
	set_args true
	run -1 create_ct d1
	assert_output --partial "/mydev/thing"
	assert_file_contains "$BUNDLE/rootfs/mydev/thing" "not a device"
	assert_nothing_left d1
}

@test "linux.devices in a user namespace: bound from the host" {
	[ -c /dev/kmsg ] || skip "no /dev/kmsg on this host"
	update_config '.linux.namespaces += [{"type": "user"}]
		| .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
		| .linux.devices = [{"path": "/dev/kmsg", "type": "c", "major": 1, "minor": 11}]'
	chown -R 100000:100000 "$BUNDLE/rootfs"
	set_sh 'stat -c "%F %t:%T" /dev/kmsg /dev/null; echo x >/dev/null && echo null-ok'
	run -0 vessel run --bundle "$BUNDLE" d1
	assert_line --index 0 "character special file 1:b"
	assert_line --index 1 "character special file 1:3"
	assert_line null-ok
}

@test "linux.devices: the device node is usable through the cgroup allow list" {
	update_config '.linux.devices = [{"path": "/dev/mynull", "type": "c", "major": 1, "minor": 3, "fileMode": 438}]'
	set_sh 'echo x >/dev/mynull && echo ok'
	run -0 vessel run --bundle "$BUNDLE" d1
	assert_output ok
}
