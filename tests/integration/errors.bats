#!/usr/bin/env bats
# Bad input: each gives its exact error line on stderr, exit 1, and leaves
# nothing behind (no state dir, cgroup, mount or process).

load helpers

setup() {
	vessel_setup
	set_args true
}

# create_fails LINE: `create e1` fails with exactly LINE on stderr, exit 1,
# nothing on stdout, nothing left behind.
# (stdio on files: a create that wrongly succeeds must not hold bats' pipes)
create_fails() {
	verb_fails create "$1"
}

# run_fails LINE: the same with `run`.
run_fails() {
	verb_fails run "$1"
}

verb_fails() {
	local rc=0
	VESSEL_TEST_TAG=$TAG "$VESSEL" --root "$ROOT" "$1" --bundle "$BUNDLE" e1 \
		</dev/null >"$TEST_DIR/e1.out" 2>"$TEST_DIR/e1.err" 3>&- || rc=$?
	[ "$rc" -eq 1 ] || fail "$1 exited $rc, not 1; stderr: $(cat "$TEST_DIR/e1.err")"
	assert_equal "$(cat "$TEST_DIR/e1.err")" "$2"
	assert_equal "$(cat "$TEST_DIR/e1.out")" ""
	assert_nothing_left e1
}

# fails_with REGEX: create e1 fails, exit 1, stderr matches REGEX, nothing left.
fails_with() {
	local rc=0
	VESSEL_TEST_TAG=$TAG "$VESSEL" --root "$ROOT" create --bundle "$BUNDLE" e1 \
		</dev/null >"$TEST_DIR/e1.out" 2>"$TEST_DIR/e1.err" 3>&- || rc=$?
	[ "$rc" -eq 1 ] || fail "create exited $rc, not 1; stderr: $(cat "$TEST_DIR/e1.err")"
	assert_regex "$(cat "$TEST_DIR/e1.err")" "$1"
	assert_nothing_left e1
}

@test "malformed JSON: the line and column" {
	printf '{\n  "ociVersion": "1.0.0",\n  "process": {\n    "args": ["sh",]\n  }\n}\n' >"$BUNDLE/config.json"
	create_fails "$RT_NAME: config.json: invalid JSON at line 4, column 19: unallowed token at this point in JSON text"
}

@test "malformed JSON: trailing garbage after the document" {
	printf '{"ociVersion": "1.0.0"} x' >"$BUNDLE/config.json"
	create_fails "$RT_NAME: config.json: invalid JSON at line 1, column 25: trailing garbage"
}

@test "malformed JSON: an empty file" {
	: >"$BUNDLE/config.json"
	fails_with "^$RT_NAME: config.json: "
}

@test "config.json missing" {
	rm "$BUNDLE/config.json"
	create_fails "$RT_NAME: config.json: open \"$BUNDLE/config.json\": no such file or directory"
}

@test "the bundle missing" {
	BUNDLE=$TEST_DIR/nosuch
	create_fails "$RT_NAME: bundle \"$TEST_DIR/nosuch\": no such file or directory"
}

@test "wrong types: a string for args, a string for uid, a number for a namespace type" {
	update_config '.process.args = "sh"'
	create_fails "$RT_NAME: config.json: process.args: expected array of strings, got string"
	update_config '.process.args = ["true"] | .process.user.uid = "0"'
	create_fails "$RT_NAME: config.json: process.user.uid: expected integer, got string"
	update_config '.process.user.uid = 0 | .linux.namespaces[0].type = 7'
	create_fails "$RT_NAME: config.json: linux.namespaces[0].type: expected string, got number"
	update_config '.linux.namespaces[0].type = "pid" | .process.terminal = "yes"'
	create_fails "$RT_NAME: config.json: process.terminal: expected boolean, got string"
	update_config '.process.terminal = false | .mounts[0].options = "ro"'
	create_fails "$RT_NAME: config.json: mounts[0].options: expected array of strings, got string"
}

@test "a negative uid" {
	update_config '.process.user.uid = -1'
	create_fails "$RT_NAME: config.json: process.user.uid: value -1 must not be negative"
}

@test "unknown namespace \"pidd\", with its JSON path" {
	update_config '.linux.namespaces[2].type = "pidd"'
	create_fails "$RT_NAME: config.json: linux.namespaces[2].type: unknown namespace \"pidd\""
}

@test "a namespace listed twice" {
	update_config '.linux.namespaces += [{"type": "pid"}]'
	create_fails "$RT_NAME: config.json: linux.namespaces[6].type: namespace \"pid\" is listed twice"
}

@test "a namespace without a type" {
	update_config '.linux.namespaces[0] = {"path": "/x"}'
	create_fails "$RT_NAME: config.json: linux.namespaces[0].type: missing required field"
}

@test "unknown fields are ignored, as the spec requires" {
	update_config '.someFutureField = {"x": 1} | .process.someOther = true | .linux.yetAnother = [1]'
	run -0 vessel run --bundle "$BUNDLE" e1
}

@test "ociVersion outside 1.0.0 to 1.3.0" {
	local v
	for v in 2.0.0 0.9.0 1.4.0; do
		update_config ".ociVersion = \"$v\""
		create_fails "$RT_NAME: config.json: ociVersion: unsupported version \"$v\" ($RT_NAME supports 1.0.0 to 1.3.0)"
	done
}

@test "ociVersion 1.0.0, 1.0.2-dev, 1.1.0, 1.2.0 and 1.3.0 are accepted" {
	local v
	for v in 1.0.0 1.0.2-dev 1.1.0 1.2.0 1.3.0; do
		update_config ".ociVersion = \"$v\""
		run -0 vessel run --bundle "$BUNDLE" "v$v"
	done
}

@test "empty args" {
	update_config '.process.args = []'
	create_fails "$RT_NAME: config.json: process.args: must contain at least one entry"
}

@test "no process" {
	update_config 'del(.process)'
	fails_with "^$RT_NAME: config.json: process"
}

@test "no root" {
	update_config 'del(.root)'
	create_fails "$RT_NAME: config.json: root: missing required field"
}

@test "a relative cwd" {
	update_config '.process.cwd = "tmp"'
	create_fails "$RT_NAME: config.json: process.cwd: \"tmp\" is not an absolute path"
}

@test "an environment entry without '=' or with an empty name, like runc" {
	update_config '.process.env = ["PATH=/bin", "NOEQUALS"]'
	fails_with "^$RT_NAME: .*NOEQUALS"
	update_config '.process.env = ["PATH=/bin", "=x"]'
	fails_with "^$RT_NAME: .*=x"
}

@test "soft rlimit above the hard one" {
	update_config '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 2048, "hard": 1024}]'
	create_fails "$RT_NAME: config.json: process.rlimits[0]: soft limit 2048 exceeds hard limit 1024"
}

@test "uid mappings without a user namespace" {
	update_config '.linux.uidMappings = [{"containerID": 0, "hostID": 1000, "size": 1}]'
	create_fails "$RT_NAME: config.json: linux.uidMappings: uid/gid mappings require a user namespace"
}

@test "a new user namespace without mappings" {
	update_config '.linux.namespaces += [{"type": "user"}]'
	create_fails "$RT_NAME: config.json: linux.uidMappings: a new user namespace needs uid mappings"
}

@test "timeOffsets without a time namespace" {
	update_config '.linux.timeOffsets = {"monotonic": {"secs": 1}}'
	create_fails "$RT_NAME: config.json: linux.timeOffsets: time offsets need a new time namespace"
}

@test "a mount without a destination" {
	update_config '.mounts += [{"type": "tmpfs", "source": "tmpfs"}]'
	create_fails "$RT_NAME: config.json: mounts[7].destination: missing required field"
}

@test "missing rootfs" {
	update_config '.root.path = "nope"'
	create_fails "$RT_NAME: rootfs \"$BUNDLE/nope\" does not exist"
}

@test "rootfs that is a file" {
	: >"$BUNDLE/rootfile"
	update_config '.root.path = "rootfile"'
	fails_with "^$RT_NAME: .*rootfile.*"
}

@test "args[0] not found" {
	set_args nosuchprog
	create_fails "$RT_NAME: unable to start container process: exec: \"nosuchprog\": executable file not found in \$PATH"
}

@test "args[0] not found, with run" {
	set_args /nosuch
	run_fails "$RT_NAME: unable to start container process: exec: \"/nosuch\": stat /nosuch: no such file or directory"
}

@test "bad mount source" {
	update_config '.mounts += [{"destination": "/mnt", "type": "bind", "source": "/nonexistent/src", "options": ["bind"]}]'
	create_fails "$RT_NAME: unable to start container process: mount \"/nonexistent/src\" on \"/mnt\" (type bind): bind mount source \"/nonexistent/src\": no such file or directory"
}

@test "unknown filesystem type" {
	update_config '.mounts += [{"destination": "/mnt", "type": "nosuchfs", "source": "x"}]'
	create_fails "$RT_NAME: unable to start container process: mount \"x\" on \"/mnt\" (type nosuchfs): unknown filesystem type \"nosuchfs\""
}

@test "unknown namespace path" {
	update_config '.linux.namespaces[1].path = "/proc/999999999/ns/net"'
	create_fails "$RT_NAME: open network namespace path \"/proc/999999999/ns/net\": no such file or directory"
}

@test "a namespace path of the wrong kind" {
	update_config ".linux.namespaces[1].path = \"/proc/$$/ns/ipc\""
	create_fails "$RT_NAME: namespace path \"/proc/$$/ns/ipc\" is not a network namespace"
}

@test "a namespace path that is not a namespace" {
	update_config '.linux.namespaces[1].path = "/etc/hostname"'
	fails_with "^$RT_NAME: .*\"/etc/hostname\".*"
}

@test "id exists: the second create fails, the first container is untouched" {
	set_sh 'exec sleep 100'
	run -0 create_ct e1
	local pid
	pid=$(ct_pid e1)
	run -1 create_ct e1
	assert_output "$RT_NAME: container with id exists: e1"
	assert_equal "$(ct_status e1)" created
	assert_equal "$(ct_pid e1)" "$pid"
	assert_exist "/sys/fs/cgroup/pids/$CG_NAME"
}

@test "an uncreatable mount target: below a regular file" {
	update_config '.mounts += [{"destination": "/etc/passwd/sub", "type": "tmpfs", "source": "tmpfs"}]'
	create_fails "$RT_NAME: unable to start container process: mount \"tmpfs\" on \"/etc/passwd/sub\" (type tmpfs): mkdir \"/etc/passwd\" in the container: not a directory"
}

@test "an uncreatable mount target: a read-only image" {
	# the rootfs itself is a read-only bind: the target cannot be made
	mkdir "$TEST_DIR/ro-rootfs"
	cp -a "$BUNDLE/rootfs" "$TEST_DIR/image"
	mount --bind "$TEST_DIR/image" "$TEST_DIR/ro-rootfs"
	mount -o remount,bind,ro "$TEST_DIR/ro-rootfs"
	update_config ".root.path = \"$TEST_DIR/ro-rootfs\" | .mounts += [{\"destination\": \"/brand-new\", \"type\": \"tmpfs\", \"source\": \"tmpfs\"}]"
	fails_with "^$RT_NAME: unable to start container process: mount \"tmpfs\" on \"/brand-new\" \(type tmpfs\): .*read-only file system"
}

@test "a failing hook" {
	update_config '.hooks.createRuntime = [{"path": "/bin/false"}]'
	create_fails "$RT_NAME: error running createRuntime hook #0: \"/bin/false\": exit status 1"
}

@test "a failing createContainer hook: in the container's namespaces, still nothing left" {
	update_config '.hooks.createContainer = [{"path": "/bin/sh", "args": ["sh", "-c", "exit 9"]}]'
	create_fails "$RT_NAME: unable to start container process: error running createContainer hook #0: \"/bin/sh\": exit status 9"
}

@test "an unknown capability" {
	update_config '.process.capabilities.bounding += ["CAP_NOPE"]'
	create_fails "$RT_NAME: config.json: process.capabilities.bounding[3]: unknown capability \"CAP_NOPE\""
}

@test "hostname without a UTS namespace" {
	update_config '.linux.namespaces = [.linux.namespaces[] | select(.type != "uts")]'
	create_fails "$RT_NAME: config.json: hostname: unable to set hostname without a private UTS namespace"
}

@test "net.* sysctl without a network namespace" {
	update_config '.linux.namespaces = [.linux.namespaces[] | select(.type != "network")] | .linux.sysctl = {"net.ipv4.ip_forward": "1"}'
	create_fails "$RT_NAME: config.json: linux.sysctl: sysctl \"net.ipv4.ip_forward\" is not allowed in the host's network namespace"
}

@test "a seccomp filter with architectures and no flags is parsed (no crash)" {
	update_config '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"],
		"syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO"}]}'
	run -0 vessel run --bundle "$BUNDLE" e1
}

@test "an unknown seccomp action" {
	update_config '.linux.seccomp = {"defaultAction": "SCMP_ACT_NOPE"}'
	fails_with "^$RT_NAME: config.json: linux.seccomp.defaultAction: .*SCMP_ACT_NOPE"
}

@test "errors from run in the foreground leave nothing behind either" {
	update_config '.mounts += [{"destination": "/mnt", "type": "bind", "source": "/nonexistent/src", "options": ["bind"]}]'
	run_fails "$RT_NAME: unable to start container process: mount \"/nonexistent/src\" on \"/mnt\" (type bind): bind mount source \"/nonexistent/src\": no such file or directory"
}

@test "an error in the middle of the mounts undoes the earlier ones" {
	mkdir "$TEST_DIR/src"
	update_config ".mounts += [{\"destination\": \"/ok\", \"type\": \"bind\", \"source\": \"$TEST_DIR/src\", \"options\": [\"rbind\"]},
		{\"destination\": \"/bad\", \"type\": \"bind\", \"source\": \"/nonexistent/src\", \"options\": [\"bind\"]}]"
	run -1 create_ct e1
	assert_nothing_left e1
	run -1 grep -F "$TEST_DIR/src" /proc/self/mountinfo
}

@test "linux.intelRdt is refused, not ignored: the host has no resctrl, or vessel has no Intel RDT" {
	update_config '.linux.intelRdt = {"closID": "c1", "l3CacheSchema": "L3:0=f"}'
	local why="Intel RDT is not supported or enabled"
	# resctrl's magic number
	[ "$(stat -f -c %t /sys/fs/resctrl 2>/dev/null)" = 7655821 ] && why="vessel does not support Intel RDT"
	create_fails "$RT_NAME: intelRdt is specified in config, but $why"
	run_fails "$RT_NAME: intelRdt is specified in config, but $why"
}
