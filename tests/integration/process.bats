#!/usr/bin/env bats
# The container's process: args, env, cwd, user, umask, rlimits,
# noNewPrivileges, oomScoreAdj, capabilities, PATH lookup and exec errors,
# sysctl, personality, signal state.

load helpers

# caps_of: (in the container) the five capability masks.
caps_script='grep -E "^Cap(Inh|Prm|Eff|Bnd|Amb):" /proc/self/status'

@test "args: each argument arrives as given, spaces and all" {
	set_args /bin/printf '[%s]\n' "a b" "" 'c"d' "\$HOME"
	run -0 vessel run --bundle "$BUNDLE" p1
	assert_equal "$output" '[a b]
[]
[c"d]
[$HOME]'
}

@test "env: exactly the config's variables plus HOME; nothing of the runtime's leaks" {
	update_config '.process.env = ["PATH=/bin:/usr/bin", "FOO=bar", "EMPTY=", "SPACED=a b"]'
	set_args env
	run -0 --separate-stderr vessel run --bundle "$BUNDLE" p1
	assert_equal "$(sort <<<"$output")" "$(printf '%s\n' EMPTY= FOO=bar HOME=/root PATH=/bin:/usr/bin 'SPACED=a b' | sort)"
	refute_output --partial VESSEL_TEST_TAG
}

@test "env: the same environment as runc gives" {
	update_config '.process.env = ["PATH=/bin", "TERM=xterm", "A=1"]'
	set_args env
	run -0 vessel run --bundle "$BUNDLE" p1
	local v=$output
	run -0 runc_run p1
	assert_equal "$(sort <<<"$v")" "$(sort <<<"$output")"
}

@test "HOME from the image's /etc/passwd when unset, / for an unknown user, kept when set" {
	update_config '.process.env = ["PATH=/bin"]'
	set_sh 'echo "$HOME"'
	run -0 vessel run --bundle "$BUNDLE" p1
	assert_output /root
	update_config '.process.user.uid = 65534 | .process.user.gid = 65534'
	run -0 vessel run --bundle "$BUNDLE" p2
	assert_output /nonexistent
	update_config '.process.user.uid = 4242 | .process.user.gid = 4242'
	run -0 vessel run --bundle "$BUNDLE" p3
	assert_output /
	update_config '.process.env = ["PATH=/bin", "HOME=/custom"]'
	run -0 vessel run --bundle "$BUNDLE" p4
	assert_output /custom
}

@test "cwd: the process starts there; a missing cwd is created" {
	update_config '.process.cwd = "/tmp" | .root.readonly = false'
	set_sh 'pwd'
	run -0 vessel run --bundle "$BUNDLE" p1
	assert_output /tmp
	update_config '.process.cwd = "/work/deep/dir"'
	run -0 vessel run --bundle "$BUNDLE" p2
	assert_output /work/deep/dir
	assert_dir_exist "$BUNDLE/rootfs/work/deep/dir"
}

@test "cwd: a missing cwd is created even for a non-root user, owned by root, like runc" {
	update_config '.process.cwd = "/newcwd" | .process.user.uid = 1000 | .process.user.gid = 1000 | .root.readonly = false'
	set_sh 'pwd'
	run -0 vessel run --bundle "$BUNDLE" p1
	assert_output /newcwd
}

@test "user: uid, gid and additionalGids; no supplementary group of the caller leaks" {
	update_config '.process.user = {"uid": 1000, "gid": 1001, "additionalGids": [10, 20, 1001]}'
	set_sh 'id -u; id -g; id -G; grep -E "^(Uid|Gid|Groups):" /proc/self/status'
	run -0 vessel run --bundle "$BUNDLE" p1
	assert_line --index 0 1000
	assert_line --index 1 1001
	assert_line --regexp '^Uid:\s+1000\s+1000\s+1000\s+1000$'
	assert_line --regexp '^Gid:\s+1001\s+1001\s+1001\s+1001$'
	assert_line --regexp '^Groups:\s+10 20 1001\s*$'
}

@test "user: without additionalGids the process has no supplementary groups" {
	update_config '.process.user = {"uid": 1000, "gid": 1000}'
	set_sh 'grep ^Groups: /proc/self/status'
	run -0 vessel run --bundle "$BUNDLE" p1
	assert_output --regexp '^Groups:\s*$'
}

@test "umask: the config's, and 0022 by default" {
	set_sh 'umask'
	run -0 vessel run --bundle "$BUNDLE" p1
	assert_output 0022
	update_config '.process.user.umask = 63'
	run -0 vessel run --bundle "$BUNDLE" p2
	assert_output 0077
}

@test "rlimits: the config's soft and hard limits" {
	update_config '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 512, "hard": 1000},
		{"type": "RLIMIT_NPROC", "soft": 300, "hard": 400}, {"type": "RLIMIT_CORE", "soft": 0, "hard": 0}]'
	set_sh 'grep -E "^Max (open files|processes|core file size)" /proc/self/limits'
	run -0 vessel run --bundle "$BUNDLE" p1
	assert_line --regexp '^Max open files +512 +1000 +files'
	assert_line --regexp '^Max processes +300 +400 +processes'
	assert_line --regexp '^Max core file size +0 +0 +bytes'
}

@test "rlimits: an unknown type is an error" {
	update_config '.process.rlimits = [{"type": "RLIMIT_FOO", "soft": 1, "hard": 1}]'
	set_args true
	run -1 create_ct p1
	assert_output "$RT_NAME: config.json: process.rlimits[0].type: unknown rlimit \"RLIMIT_FOO\""
	assert_nothing_left p1
}

@test "noNewPrivileges: set and unset" {
	set_sh 'grep ^NoNewPrivs: /proc/self/status'
	update_config '.process.noNewPrivileges = true'
	run -0 vessel run --bundle "$BUNDLE" p1
	assert_output --regexp '^NoNewPrivs:\s+1$'
	update_config '.process.noNewPrivileges = false'
	run -0 vessel run --bundle "$BUNDLE" p2
	assert_output --regexp '^NoNewPrivs:\s+0$'
}

@test "oomScoreAdj: a positive value" {
	set_sh 'cat /proc/self/oom_score_adj'
	update_config '.process.oomScoreAdj = 500'
	run -0 vessel run --bundle "$BUNDLE" p1
	assert_output 500
}

@test "oomScoreAdj: a value below the caller's" {
	local bnd
	bnd=$(awk '/^CapBnd:/ {print $2}' /proc/self/status)
	(((0x$bnd >> 24) & 1)) || skip "lowering oom_score_adj needs CAP_SYS_RESOURCE, not in this host's bounding set"
	set_sh 'cat /proc/self/oom_score_adj'
	update_config '.process.oomScoreAdj = -200'
	run -0 vessel run --bundle "$BUNDLE" p2
	assert_output -200
}

@test "oomScoreAdj unset: the container inherits the caller's" {
	set_sh 'cat /proc/self/oom_score_adj'
	update_config 'del(.process.oomScoreAdj)'
	run -0 vessel run --bundle "$BUNDLE" p1
	assert_output "$(cat /proc/self/oom_score_adj)"
}

@test "capabilities: spec's default set for root, masks as runc gives" {
	set_sh "$caps_script"
	run -0 vessel run --bundle "$BUNDLE" p1
	local v=$output
	# CAP_AUDIT_WRITE (29), CAP_KILL (5), CAP_NET_BIND_SERVICE (10)
	assert_line "CapBnd:	0000000020000420"
	assert_line "CapEff:	0000000020000420"
	assert_line "CapPrm:	0000000020000420"
	run -0 runc_run p1
	assert_equal "$v" "$output"
}

@test "capabilities: five different sets for a non-root user, masks as runc gives" {
	update_config '.process.user = {"uid": 1000, "gid": 1000}
		| .process.capabilities = {
			"bounding": ["CAP_CHOWN", "CAP_KILL", "CAP_NET_RAW", "CAP_SETUID"],
			"permitted": ["CAP_CHOWN", "CAP_KILL", "CAP_NET_RAW"],
			"inheritable": ["CAP_KILL", "CAP_NET_RAW"],
			"effective": ["CAP_KILL"],
			"ambient": ["CAP_NET_RAW"]}'
	set_sh "$caps_script"
	run -0 vessel run --bundle "$BUNDLE" p1
	local v=$output
	# CHOWN 0, KILL 5, NET_RAW 13, SETUID 7
	assert_line "CapBnd:	00000000000020a1"
	assert_line "CapInh:	0000000000002020"
	assert_line "CapAmb:	0000000000002000"
	# after exec a non-root process keeps only its ambient set
	assert_line "CapPrm:	0000000000002000"
	assert_line "CapEff:	0000000000002000"
	run -0 runc_run p1
	assert_equal "$v" "$output"
}

@test "capabilities: an empty config gives a root process no capabilities" {
	update_config '.process.capabilities = {}'
	set_sh "$caps_script"
	run -0 vessel run --bundle "$BUNDLE" p1
	assert_line "CapBnd:	0000000000000000"
	assert_line "CapEff:	0000000000000000"
	assert_line "CapPrm:	0000000000000000"
}

@test "capabilities: the bounding set is enforced (chown needs CAP_CHOWN)" {
	update_config '.root.readonly = false'
	set_sh 'touch /f; chown 5 /f 2>&1 && echo chowned; true'
	run -0 vessel run --bundle "$BUNDLE" p1
	assert_line --partial "Operation not permitted"
	update_config '.process.capabilities.bounding += ["CAP_CHOWN"] | .process.capabilities.effective += ["CAP_CHOWN"] | .process.capabilities.permitted += ["CAP_CHOWN"]'
	run -0 vessel run --bundle "$BUNDLE" p2
	assert_line chowned
}

@test "capabilities: an unknown name is an error" {
	update_config '.process.capabilities.bounding += ["CAP_FOO"]'
	set_args true
	run -1 create_ct p1
	assert_output "$RT_NAME: config.json: process.capabilities.bounding[3]: unknown capability \"CAP_FOO\""
	assert_nothing_left p1
}

@test "capabilities: CAP_SYS_RESOURCE when the host has it" {
	local bnd
	bnd=$(awk '/^CapBnd:/ {print $2}' /proc/self/status)
	(((0x$bnd >> 24) & 1)) || skip "CAP_SYS_RESOURCE is not in this host's bounding set"
	update_config '.process.capabilities = {"bounding": ["CAP_SYS_RESOURCE"], "effective": ["CAP_SYS_RESOURCE"], "permitted": ["CAP_SYS_RESOURCE"]}'
	set_sh "$caps_script"
	run -0 vessel run --bundle "$BUNDLE" p1
	assert_line "CapEff:	0000000001000000"
}

@test "PATH lookup: args[0] without a slash is found in the container's PATH" {
	mkdir -p "$BUNDLE/rootfs/opt/tools"
	printf '#!/bin/sh\necho from opt\n' >"$BUNDLE/rootfs/opt/tools/mytool"
	chmod 0755 "$BUNDLE/rootfs/opt/tools/mytool"
	update_config '.process.env = ["PATH=/nonexistent:/opt/tools:/bin"]'
	set_args mytool
	run -0 vessel run --bundle "$BUNDLE" p1
	assert_output "from opt"
}

@test "PATH lookup: the container's PATH, not the caller's" {
	update_config '.process.env = ["PATH=/opt"]'
	set_args echo hi
	run -1 create_ct p1
	assert_output "$RT_NAME: unable to start container process: exec: \"echo\": executable file not found in \$PATH"
	assert_nothing_left p1
}

@test "exec errors: not found in PATH, missing absolute path, not executable, a directory" {
	set_args nosuchprog
	run -1 create_ct p1
	assert_output "$RT_NAME: unable to start container process: exec: \"nosuchprog\": executable file not found in \$PATH"
	assert_nothing_left p1
	set_args /nosuch
	run -1 create_ct p2
	assert_output "$RT_NAME: unable to start container process: exec: \"/nosuch\": stat /nosuch: no such file or directory"
	assert_nothing_left p2
	set_args /etc/passwd
	run -1 create_ct p3
	assert_output "$RT_NAME: unable to start container process: exec: \"/etc/passwd\": permission denied"
	assert_nothing_left p3
	set_args /tmp
	run -1 create_ct p4
	assert_output "$RT_NAME: unable to start container process: exec: \"/tmp\": permission denied"
	assert_nothing_left p4
}

@test "exec errors are reported by create, before start" {
	set_args nosuchprog
	run -1 create_ct p1 --pid-file "$TEST_DIR/p1.pid"
	assert_output "$RT_NAME: unable to start container process: exec: \"nosuchprog\": executable file not found in \$PATH"
	assert_not_exist "$TEST_DIR/p1.pid"
	# there is nothing left to start
	run -1 vessel state p1
	assert_output "$RT_NAME: container \"p1\" does not exist"
	run -1 vessel start p1
	assert_output "$RT_NAME: container \"p1\" does not exist"
	assert_nothing_left p1
}

@test "a script whose interpreter is missing fails to start" {
	printf '#!/nosuch/interp\n' >"$BUNDLE/rootfs/bin/broken"
	chmod 0755 "$BUNDLE/rootfs/bin/broken"
	set_args /bin/broken
	run -1 vessel run --bundle "$BUNDLE" p1
	assert_output --partial "no such file or directory"
	assert_nothing_left p1
}

@test "hostname and domainname" {
	update_config '.hostname = "h1" | .domainname = "d1.test"'
	set_sh 'hostname; domainname 2>/dev/null || cat /proc/sys/kernel/domainname'
	run -0 vessel run --bundle "$BUNDLE" p1
	assert_line --index 0 h1
	assert_line --index 1 d1.test
}

@test "hostname without a private UTS namespace is an error" {
	update_config '.linux.namespaces = [.linux.namespaces[] | select(.type != "uts")] | .hostname = "h1"'
	set_args true
	run -1 create_ct p1
	assert_output "$RT_NAME: config.json: hostname: unable to set hostname without a private UTS namespace"
	assert_nothing_left p1
}

@test "sysctl: kernel and net values set in the container's namespaces" {
	update_config '.linux.sysctl = {"kernel.shmmax": "123456789", "net.ipv4.ip_forward": "1", "net.ipv4.ping_group_range": "0 1000"}'
	set_sh 'cat /proc/sys/kernel/shmmax /proc/sys/net/ipv4/ip_forward /proc/sys/net/ipv4/ping_group_range'
	run -0 vessel run --bundle "$BUNDLE" p1
	assert_line --index 0 123456789
	assert_line --index 1 1
	assert_line --index 2 --regexp '^0\s+1000$'
	[ "$(cat /proc/sys/kernel/shmmax)" != 123456789 ] || fail "the host's shmmax changed"
}

@test "sysctl: net.* without a network namespace is an error" {
	update_config '.linux.namespaces = [.linux.namespaces[] | select(.type != "network")] | .linux.sysctl = {"net.ipv4.ip_forward": "1"}'
	set_args true
	local before
	before=$(cat /proc/sys/net/ipv4/ip_forward)
	run -1 create_ct p1
	assert_output "$RT_NAME: config.json: linux.sysctl: sysctl \"net.ipv4.ip_forward\" is not allowed in the host's network namespace"
	assert_equal "$(cat /proc/sys/net/ipv4/ip_forward)" "$before"
	assert_nothing_left p1
}

@test "sysctl: kernel.shm* without an ipc namespace is an error" {
	update_config '.linux.namespaces = [.linux.namespaces[] | select(.type != "ipc")] | .linux.sysctl = {"kernel.shmmax": "1000"}'
	set_args true
	run -1 create_ct p1
	assert_output --partial 'sysctl "kernel.shmmax"'
	assert_nothing_left p1
}

@test "sysctl: a name the kernel does not have is an error" {
	update_config '.linux.sysctl = {"net.ipv4.no_such_knob": "1"}'
	set_args true
	run -1 create_ct p1
	assert_output --partial "net.ipv4.no_such_knob"
	assert_nothing_left p1
}

@test "personality LINUX32: uname -m shows i686" {
	update_config '.linux.personality = {"domain": "LINUX32"}'
	set_args uname -m
	run -0 vessel run --bundle "$BUNDLE" p1
	assert_output i686
}

@test "personality LINUX: uname -m shows the host's machine" {
	update_config '.linux.personality = {"domain": "LINUX"}'
	set_args uname -m
	run -0 vessel run --bundle "$BUNDLE" p1
	assert_output "$(uname -m)"
}

@test "ioPriority: the class and priority apply" {
	update_config '.process.ioPriority = {"class": "IOPRIO_CLASS_BE", "priority": 6}'
	set_sh 'ionice -p $$'
	run -0 vessel run --bundle "$BUNDLE" p1
	assert_output --regexp 'best-effort.*prio 6|Best-effort.*6'
}

@test "scheduler: SCHED_BATCH applies" {
	update_config '.process.scheduler = {"policy": "SCHED_BATCH"}'
	set_sh 'awk "{print \$41}" /proc/self/stat'
	run -0 vessel run --bundle "$BUNDLE" p1
	# policy 3 is SCHED_BATCH
	assert_output 3
}

@test "the process starts with no signal blocked and none ignored (run in the foreground)" {
	# (grep itself: busybox sh would ignore SIGQUIT on its own)
	set_args grep -E "^Sig(Blk|Ign):" /proc/self/status
	run -0 bash -c 'trap "" HUP QUIT PIPE; VESSEL_TEST_TAG=$TAG "$VESSEL" --root "$ROOT" run --bundle "$BUNDLE" p1 </dev/null' 
	assert_line "SigBlk:	0000000000000000"
	assert_line "SigIgn:	0000000000000000"
}

@test "the process starts with nothing blocked or ignored, even 32 and 33, when the caller ignores and blocks every signal" {
	gcc -O1 -o "$TEST_DIR/ignore_all" "$INTEGRATION_DIR/tools/ignore_all.c"
	# the caller's state is what the tool claims
	# (all but SIGKILL and SIGSTOP, which cannot be)
	run -0 "$TEST_DIR/ignore_all" cat /proc/self/status
	assert_line "SigBlk:	fffffffffffbfeff"
	assert_line "SigIgn:	fffffffffffbfeff"
	set_args grep -E "^Sig(Blk|Ign):" /proc/self/status
	run -0 "$TEST_DIR/ignore_all" env VESSEL_TEST_TAG="$TAG" "$VESSEL" --root "$ROOT" run --bundle "$BUNDLE" p1 </dev/null
	assert_line "SigBlk:	0000000000000000"
	assert_line "SigIgn:	0000000000000000"
	# and a hook the same
	update_config '.hooks.poststart = [{"path": "/bin/sh", "args": ["sh", "-c", "grep -E \"^Sig(Blk|Ign):\" /proc/self/status > '"$TEST_DIR"'/hook.out"]}]'
	set_args true
	run -0 "$TEST_DIR/ignore_all" env VESSEL_TEST_TAG="$TAG" "$VESSEL" --root "$ROOT" run --bundle "$BUNDLE" p2 </dev/null
	run -0 cat "$TEST_DIR/hook.out"
	assert_line "SigBlk:	0000000000000000"
	assert_line "SigIgn:	0000000000000000"
}

@test "the process starts with no signal blocked and none ignored (create and start)" {
	set_args grep -E "^Sig(Blk|Ign):" /proc/self/status
	# a caller that ignores some signals (nohup, shells) must not pass that on
	run -0 bash -c 'trap "" HUP QUIT PIPE; VESSEL_TEST_TAG=$TAG "$VESSEL" --root "$ROOT" create --bundle "$BUNDLE" p1 </dev/null >"$TEST_DIR/p1.out" 2>&1 3>&-'
	local pid
	pid=$(ct_pid p1)
	run -0 vessel start p1
	wait_pid "$pid"
	run -0 cat "$TEST_DIR/p1.out"
	assert_line "SigBlk:	0000000000000000"
	assert_line "SigIgn:	0000000000000000"
}

@test "the process is not dumpable-blocked: /proc/self is readable by it" {
	set_sh 'cat /proc/self/status >/dev/null && ls /proc/self/fd >/dev/null && echo ok'
	run -0 vessel run --bundle "$BUNDLE" p1
	assert_output ok
}

@test "selinuxLabel where SELinux is not enabled: the error runc gives" {
	[ ! -d /sys/fs/selinux ] || skip "SELinux is enabled here"
	update_config '.process.selinuxLabel = "system_u:system_r:container_t:s0"'
	set_args true
	run -1 create_ct p1
	assert_output "$RT_NAME: selinux label is specified in config, but selinux is disabled or not supported"
	assert_nothing_left p1
}

@test "apparmorProfile where AppArmor is not loaded: an error naming apparmor, like runc" {
	[ ! -d /sys/kernel/security/apparmor ] || skip "AppArmor is loaded here"
	update_config '.process.apparmorProfile = "some-profile"'
	set_args true
	run -1 create_ct p1
	assert_output --partial "apparmor"
	assert_nothing_left p1
}
