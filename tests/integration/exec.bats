#!/usr/bin/env bats
# exec: a process that joins a container. Every flag of runc's exec, exit
# statuses, signals, the container's states, the namespaces and cgroups the
# process lands in, and what it must never see of the host (descriptors,
# root, working directory: the CVE-2024-21626 class).

load helpers
load tty/common

teardown() { tty_teardown; }

# caps_of SET: the hex mask of capability set SET (Eff, Bnd, Prm, Inh, Amb)
# in the /proc/self/status text on stdin.
caps_of() { awk -v k="Cap$1:" '$1 == k {print $2}'; }

# has_cap MASK BIT: capability number BIT is in the hex MASK.
has_cap() { (((16#$1 >> $2) & 1)); }

CAP_NET_ADMIN=12
CAP_SYS_ADMIN=21
CAP_KILL=5

# the_pid FILE: the pid in a pid file.
the_pid() { cat "$1"; }

# ---------------------------------------------------------------------------
# Running a process, exit statuses, signals

@test "exec runs a command in a running container and returns its exit status" {
	sleeper c1
	run -0 vessel exec c1 echo hello
	assert_output hello
	run -3 vessel exec c1 sh -c 'exit 3'
	assert_output ""
	run -0 vessel exec c1 sh -c 'echo out; echo err >&2'
	assert_output $'out\nerr'
	# the process is gone when exec returns; the container runs on
	assert_equal "$(ct_procs c1)" "$(ct_pid c1)"
	assert_equal "$(ct_status c1)" running
}

@test "exec: a shell's 127 (not found) and 126 (not executable) are returned as they are" {
	sleeper c1
	run -127 vessel exec c1 sh -c nosuch
	assert_output --partial "not found"
	run -126 vessel exec c1 sh -c /etc/passwd
	assert_output --partial "denied"
}

@test "exec of a program that is not found or not executable fails (exit 1) with runc's message" {
	sleeper c1
	run -1 --separate-stderr vessel exec c1 nosuch
	assert_output ""
	assert_stderr "$RT_NAME: exec failed: exec: \"nosuch\": executable file not found in \$PATH"
	run -1 --separate-stderr vessel exec c1 /etc/passwd
	assert_stderr "$RT_NAME: exec failed: exec: \"/etc/passwd\": permission denied"
	run -1 --separate-stderr vessel exec c1 /nosuch/prog
	assert_stderr_has "no such file or directory"
	# nothing was left running in the container
	assert_equal "$(ct_procs c1)" "$(ct_pid c1)"
}

@test "exec returns 128+signal when the process is killed: SIGKILL 137, SIGTERM 143" {
	sleeper c1
	run -137 vessel exec c1 sh -c 'kill -KILL $$'
	run -143 vessel exec c1 sh -c 'kill -TERM $$; echo "SIGTERM did not end me"'
	refute_output --partial "did not end me"
}

@test "exec returns 137 when the process is killed with SIGKILL from the host" {
	sleeper c1
	local ready init p
	ready=$(mk_fifo ready)
	init=$(ct_pid c1)
	bg_vessel e exec c1 sh -c 'echo up >/ready; exec sleep 1000'
	run -0 read_fifo "$ready"
	p=$(ct_procs c1 | grep -vx "$init")
	[ -n "$p" ] || fail "the exec'd process is not in the container's cgroup"
	kill -KILL "$p"
	bg_status "$BG_PID"
	assert_equal "$BG_RC" 137
}

@test "exec: signals sent to a foreground exec reach the process (SIGUSR1, SIGTERM)" {
	sleeper c1
	local ready sig
	ready=$(mk_fifo ready)
	sig=$(mk_fifo sig)
	# The traps retry the fifo's open, which the SIGCHLD of the sleep can
	# interrupt (EINTR) on a loaded machine.
	bg_vessel e exec c1 sh -c '
		sig() { until echo "$1" 2>/dev/null >/sig; do :; done; }
		trap "sig USR1" USR1
		trap "sig TERM; exit 7" TERM
		echo up >/ready
		while :; do sleep 1 & wait; done'
	run -0 read_fifo "$ready"
	kill -USR1 "$BG_PID"
	run read_fifo "$sig"
	assert_output USR1
	kill -TERM "$BG_PID"
	run read_fifo "$sig"
	assert_output TERM
	bg_status "$BG_PID"
	assert_equal "$BG_RC" 7
}

@test "the process of a foreground exec starts with no signal blocked or ignored" {
	sleeper c1
	run -0 vessel exec c1 grep -E '^Sig(Blk|Ign):' /proc/self/status
	assert_line --regexp $'^SigBlk:\t0+$'
	assert_line --regexp $'^SigIgn:\t0+$'
	# as the detached one does
	exec_d --pid-file "$TEST_DIR/e.pid" c1 sleep 1000
	run -0 grep -E '^Sig(Blk|Ign):' "/proc/$(the_pid "$TEST_DIR/e.pid")/status"
	assert_line --regexp $'^SigBlk:\t0+$'
	assert_line --regexp $'^SigIgn:\t0+$'
}

# ---------------------------------------------------------------------------
# The process's description: env, cwd, user, capabilities, no_new_privs

@test "exec --env/-e: added to the container's environment; later ones win" {
	update_config '.process.env += ["FOO=base", "KEEP=yes"]'
	sleeper c1
	run -0 vessel exec c1 env
	assert_line FOO=base
	assert_line TERM=xterm
	# (runc refuses -e and --env mixed in one command; one form at a time)
	run -0 vessel exec -e FOO=1 -e FOO=2 -e NEW=x -e TERM=vt100 c1 env
	assert_line FOO=2
	refute_line FOO=1
	refute_line FOO=base
	assert_equal "$(grep -c '^FOO=' <<<"$output")" 1
	assert_line NEW=x
	assert_line KEEP=yes
	assert_line TERM=vt100
	refute_line TERM=xterm
	assert_line --regexp '^PATH=/usr/local/sbin:'
	run -0 vessel exec --env FOO=long --env=NEW=eq c1 env
	assert_line FOO=long
	assert_line NEW=eq
}

@test "exec --cwd: the process starts there; without it, in the container's process.cwd" {
	update_config '.process.cwd = "/root"'
	sleeper c1
	run -0 vessel exec c1 pwd
	assert_output /root
	run -0 vessel exec --cwd /tmp c1 sh -c 'pwd; readlink /proc/self/cwd'
	assert_output $'/tmp\n/tmp'
	run -0 vessel exec --cwd=/bin c1 pwd
	assert_output /bin
}

@test "exec --cwd that does not exist or is relative fails (exit 1) and starts nothing" {
	sleeper c1
	run -1 --separate-stderr vessel exec --cwd /nonexistent c1 true
	assert_stderr_has '"/nonexistent"'
	assert_stderr_has "no such file or directory"
	run -1 --separate-stderr vessel exec --cwd tmp c1 true
	assert_stderr_has '"tmp"'
	assert_stderr_has "absolute"
	assert_equal "$(ct_procs c1)" "$(ct_pid c1)"
}

@test "exec --user/-u uid and uid:gid, --additional-gids/-g" {
	sleeper c1
	run -0 vessel exec -u 1000 c1 sh -c 'id -u; id -g; id -G'
	# the gid and groups stay the container's process's (gid 0, none)
	assert_output $'1000\n0\n0'
	run -0 vessel exec --user 1000:1001 c1 sh -c 'id -u; id -g; id -G'
	assert_output $'1000\n1001\n1001'
	run -0 vessel exec --user=1000:1001 -g 10 -g 20 c1 sh -c 'id -u; id -g; grep Groups /proc/self/status'
	assert_output $'1000\n1001\nGroups:\t10 20 '
	run -0 vessel exec -u 1000:1001 --additional-gids 30 --additional-gids=40 c1 grep Groups /proc/self/status
	assert_output $'Groups:\t30 40 '
	# what the host sees of a detached one
	exec_d -u 1000:1001 -g 10 --pid-file "$TEST_DIR/e.pid" c1 sleep 1000
	run -0 grep -E '^(Uid|Gid|Groups):' "/proc/$(the_pid "$TEST_DIR/e.pid")/status"
	assert_line $'Uid:\t1000\t1000\t1000\t1000'
	assert_line $'Gid:\t1001\t1001\t1001\t1001'
	assert_line $'Groups:\t10 '
}

@test "exec -u / -g with names or junk fail (exit 1) with a parse error, like runc" {
	sleeper c1
	run -1 vessel exec -u nobody c1 true
	assert_output --partial "nobody"
	run -1 vessel exec -u 1000:x c1 true
	assert_output --partial "parsing x as"
	run -1 vessel exec -g staff c1 true
	assert_output --partial "staff"
	assert_equal "$(ct_procs c1)" "$(ct_pid c1)"
}

@test "exec --cap/-c adds the capability to the bounding, effective and permitted sets" {
	sleeper c1
	local st set
	st=$(vessel exec c1 cat /proc/self/status)
	for set in Eff Bnd Prm; do
		! has_cap "$(caps_of $set <<<"$st")" $CAP_SYS_ADMIN || fail "CAP_SYS_ADMIN in Cap$set already"
	done
	run -1 vessel exec c1 hostname from-exec
	st=$(vessel exec --cap CAP_SYS_ADMIN --cap CAP_NET_ADMIN c1 cat /proc/self/status)
	for set in Eff Bnd Prm; do
		has_cap "$(caps_of $set <<<"$st")" $CAP_SYS_ADMIN || fail "no CAP_SYS_ADMIN in Cap$set"
		has_cap "$(caps_of $set <<<"$st")" $CAP_NET_ADMIN || fail "no CAP_NET_ADMIN in Cap$set"
		has_cap "$(caps_of $set <<<"$st")" $CAP_KILL || fail "the container's CAP_KILL is gone from Cap$set"
	done
	# and it is the real thing; -c is --cap
	run -0 vessel exec -c CAP_SYS_ADMIN c1 sh -c 'hostname from-exec && hostname'
	assert_output from-exec
}

@test "exec --cap leaves the inheritable and ambient sets alone, as runc does" {
	sleeper c1
	local st
	st=$(vessel exec --cap CAP_NET_ADMIN c1 cat /proc/self/status)
	! has_cap "$(caps_of Inh <<<"$st")" $CAP_NET_ADMIN || fail "CAP_NET_ADMIN in CapInh: $(caps_of Inh <<<"$st")"
	! has_cap "$(caps_of Amb <<<"$st")" $CAP_NET_ADMIN || fail "CAP_NET_ADMIN in CapAmb: $(caps_of Amb <<<"$st")"
	# so a non-root process does not keep it across execve (runc: CapEff 0)
	st=$(vessel exec -u 1000 --cap CAP_NET_ADMIN c1 cat /proc/self/status)
	assert_equal "$(caps_of Eff <<<"$st")" 0000000000000000
}

@test "exec --cap with an unknown capability fails (exit 1) and starts nothing" {
	# runc 1.1.5 warns "ignoring unknown or unavailable capabilities" and
	# goes on; vessel refuses the request.
	sleeper c1
	run -1 vessel exec --cap CAP_BOGUS c1 true
	assert_output --partial CAP_BOGUS
	assert_equal "$(ct_procs c1)" "$(ct_pid c1)"
}

@test "exec --no-new-privs sets NoNewPrivs; without it the container's setting applies" {
	update_config '.process.noNewPrivileges = false'
	sleeper c1
	run -0 vessel exec c1 grep NoNewPrivs /proc/self/status
	assert_output $'NoNewPrivs:\t0'
	run -0 vessel exec --no-new-privs c1 grep NoNewPrivs /proc/self/status
	assert_output $'NoNewPrivs:\t1'
	update_config '.process.noNewPrivileges = true'
	set_args sleep 100000
	start_ct c2
	run -0 vessel exec c2 grep NoNewPrivs /proc/self/status
	assert_output $'NoNewPrivs:\t1'
	# runc: --no-new-privs=false turns it off for the process
	run -0 vessel exec --no-new-privs=false c2 grep NoNewPrivs /proc/self/status
	assert_output $'NoNewPrivs:\t0'
}

@test "exec --process-label with SELinux disabled fails like runc and starts nothing" {
	[ ! -e /sys/fs/selinux/enforce ] || skip "SELinux is enabled on this machine"
	sleeper c1
	run -1 --separate-stderr vessel exec --process-label system_u:system_r:container_t:s0 c1 true
	assert_stderr_has "selinux label is specified in config, but selinux is disabled or not supported"
	assert_equal "$(ct_procs c1)" "$(ct_pid c1)"
}

@test "exec --apparmor with AppArmor not loaded fails (exit 1) like runc and starts nothing" {
	[ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" != Y ] || skip "AppArmor is enabled on this machine"
	sleeper c1
	run -1 --separate-stderr vessel exec --apparmor vessel-test-profile c1 true
	assert_stderr_has "apparmor failed to apply profile"
	assert_equal "$(ct_procs c1)" "$(ct_pid c1)"
	# an empty profile means none, as in runc
	run -0 vessel exec --apparmor "" c1 true
}

# ---------------------------------------------------------------------------
# --process, --pid-file, --detach

@test "exec --process/-p: args, env, cwd, user and terminal false from a process.json" {
	sleeper c1
	cat >"$TEST_DIR/process.json" <<-'EOF'
		{
			"terminal": false,
			"user": {"uid": 1000, "gid": 1001, "additionalGids": [5]},
			"args": ["sh", "-c", "echo \"FOO=$FOO\"; pwd; id -u; id -g; grep Groups /proc/self/status; env | grep -c TERM= || :"],
			"env": ["PATH=/bin", "FOO=json"],
			"cwd": "/tmp"
		}
	EOF
	run -0 vessel exec --process "$TEST_DIR/process.json" c1
	assert_output $'FOO=json\n/tmp\n1000\n1001\nGroups:\t5 \n0'
	# the file is the whole process: command-line overrides do not apply
	run -0 vessel exec -p "$TEST_DIR/process.json" -e FOO=cli --cwd / c1
	assert_line FOO=json
	assert_line /tmp
}

@test "exec -p errors: a missing file, bad JSON, no args, a relative cwd (exit 1, nothing started)" {
	sleeper c1
	run -1 vessel exec -p "$TEST_DIR/nosuch.json" c1
	assert_output --partial "$TEST_DIR/nosuch.json"
	assert_output --partial "no such file or directory"
	echo '{bad' >"$TEST_DIR/bad.json"
	run -1 vessel exec -p "$TEST_DIR/bad.json" c1
	assert_output --partial "bad.json"
	echo '{"args": [], "cwd": "/"}' >"$TEST_DIR/noargs.json"
	run -1 vessel exec -p "$TEST_DIR/noargs.json" c1
	assert_output --partial "args"
	echo '{"args": ["true"], "cwd": "tmp"}' >"$TEST_DIR/rel.json"
	run -1 vessel exec -p "$TEST_DIR/rel.json" c1
	assert_output --partial "absolute"
	echo '{"args": ["sh"], "cwd": "/", "terminal": true}' >"$TEST_DIR/tty.json"
	run -1 vessel exec -d -p "$TEST_DIR/tty.json" c1
	assert_output "$RT_NAME: cannot allocate tty if $RT_NAME will detach without setting console socket"
	assert_equal "$(ct_procs c1)" "$(ct_pid c1)"
}

@test "exec --pid-file: the bare pid, no newline, there when exec -d returns" {
	sleeper c1
	run -0 exec_d --pid-file "$TEST_DIR/e.pid" c1 sleep 1000
	assert_output ""
	assert_file_exist "$TEST_DIR/e.pid"
	local pid
	pid=$(cat "$TEST_DIR/e.pid")
	[[ $pid =~ ^[0-9]+$ ]] || fail "pid file holds '$pid'"
	assert_equal "$(stat -c %s "$TEST_DIR/e.pid")" "${#pid}"
	pid_alive "$pid" || fail "$pid is not running"
	assert_equal "$(tr '\0' ' ' <"/proc/$pid/cmdline")" "sleep 1000 "
	# it is the container's process, not the runtime
	assert_equal "$(ct_procs c1 | grep -cx "$pid")" 1
	# a foreground exec writes it too
	run -0 vessel exec --pid-file "$TEST_DIR/fg.pid" c1 true
	[[ $(cat "$TEST_DIR/fg.pid") =~ ^[0-9]+$ ]] || fail "foreground pid file holds '$(cat "$TEST_DIR/fg.pid")'"
	# a relative path is the caller's
	(cd "$TEST_DIR" && exec_d --pid-file rel.pid c1 sleep 1000) || fail "exec -d with a relative pid file failed"
	assert_file_exist "$TEST_DIR/rel.pid"
	pid_alive "$(cat "$TEST_DIR/rel.pid")" || fail "the pid in rel.pid is not running"
}

@test "exec --detach/-d returns while the process runs; it keeps the caller's stdio" {
	sleeper c1
	local go
	go=$(mk_fifo go)
	run -0 exec_d --pid-file "$TEST_DIR/e.pid" c1 sh -c 'read x </go; echo "out:$x"; echo err >&2'
	local pid
	pid=$(cat "$TEST_DIR/e.pid")
	pid_alive "$pid" || fail "the detached process is gone already"
	timeout "$WAIT_TIMEOUT" sh -c "echo 1 >'$go'" || fail "the detached process does not read"
	wait_pid "$pid" || fail "the detached process did not end"
	assert_equal "$(cat "$TEST_DIR/exec.out")" out:1
	assert_equal "$(cat "$TEST_DIR/exec.err")" err
}

@test "exec -d of a program that is not found fails (exit 1) and writes no pid file" {
	sleeper c1
	run -1 exec_d --pid-file "$TEST_DIR/e.pid" c1 nosuch
	assert_output --partial "executable file not found"
	assert_file_not_exist "$TEST_DIR/e.pid"
	assert_equal "$(ct_procs c1)" "$(ct_pid c1)"
}

@test "exec with every flag at once" {
	update_config '.process.noNewPrivileges = false | .process.cwd = "/"'
	sleeper c1
	local out
	out=$(mk_fifo out)
	echo preserved >"$TEST_DIR/p3"
	run -0 exec_d --pid-file "$TEST_DIR/e.pid" -e A=1 -e A=2 --cwd /tmp -u 1000:1001 -g 7 \
		--cap CAP_NET_ADMIN --no-new-privs --preserve-fds 1 c1 \
		sh -c '{ echo "A=$A"; pwd; id -u; id -g; grep -E "^(Groups|CapBnd|NoNewPrivs):" /proc/self/status; cat <&3; } >/out' \
		3<"$TEST_DIR/p3"
	run -0 read_fifo "$out"
	assert_line A=2
	assert_line /tmp
	assert_line 1000
	assert_line 1001
	assert_line $'Groups:\t7 '
	assert_line $'NoNewPrivs:\t1'
	assert_line preserved
	local bnd
	bnd=$(awk '$1 == "CapBnd:" {print $2}' <<<"$output")
	has_cap "$bnd" $CAP_NET_ADMIN || fail "no CAP_NET_ADMIN in CapBnd $bnd"
}

# ---------------------------------------------------------------------------
# --cgroup

# ct_cg ID CONTROLLER: the init's cgroup path in CONTROLLER's hierarchy.
ct_cg() { awk -F: -v c="$2" '$2 == c {print $3}' "/proc/$(ct_pid "$1")/cgroup"; }

@test "exec --cgroup controller:path puts the process into that existing sub-cgroup (v1)" {
	[ -d /sys/fs/cgroup/pids ] || skip "no cgroup v1 pids hierarchy"
	sleeper c1
	local pids cpu
	pids=$(ct_cg c1 pids)
	cpu=$(ct_cg c1 cpu)
	mk_subcg "/sys/fs/cgroup/pids$pids/sub"
	mk_subcg "/sys/fs/cgroup/cpu$cpu/sub"
	# inside (below the root of the container's cgroup namespace, if any)
	run -0 vessel exec --cgroup pids:sub c1 cat /proc/self/cgroup
	assert_line --regexp '^[0-9]+:pids:(/.*)?/sub$'
	refute_line --regexp '^[0-9]+:cpu:.*/sub$'
	run -0 exec_d --pid-file "$TEST_DIR/e.pid" --cgroup pids:sub --cgroup cpu:sub c1 sleep 1000
	local pid
	pid=$(cat "$TEST_DIR/e.pid")
	run -0 cat "/proc/$pid/cgroup"
	assert_line --regexp "^[0-9]+:pids:$pids/sub\$"
	assert_line --regexp "^[0-9]+:cpu:$cpu/sub\$"
	assert_line --regexp "^[0-9]+:freezer:$(ct_cg c1 freezer)\$"
	assert_line --regexp "^[0-9]+:memory:$(ct_cg c1 memory)\$"
}

@test "exec --cgroup path puts the process into that sub-cgroup of every hierarchy" {
	sleeper c1
	local line c path dir
	while IFS=: read -r _ c path; do
		case $c in
		"") dir=/sys/fs/cgroup/unified$path ;;
		name=*) dir=/sys/fs/cgroup/${c#name=}$path ;;
		*) dir=/sys/fs/cgroup/$c$path ;;
		esac
		[ -d "$dir" ] || continue
		mk_subcg "$dir/sub" || fail "mkdir $dir/sub"
	done <"/proc/$(ct_pid c1)/cgroup"
	run -0 exec_d --pid-file "$TEST_DIR/e.pid" --cgroup sub c1 sleep 1000
	local want
	want=$(sed 's|$|/sub|' "/proc/$(ct_pid c1)/cgroup")
	assert_equal "$(cat "/proc/$(cat "$TEST_DIR/e.pid")/cgroup")" "$want"
}

@test "exec --cgroup with a sub-cgroup that does not exist fails (exit 1) and starts nothing" {
	sleeper c1
	run -1 vessel exec --cgroup pids:nosub c1 true
	assert_output --partial nosub
	assert_output --partial "no such file or directory"
	run -1 vessel exec --cgroup nosub c1 true
	assert_output --partial nosub
	assert_equal "$(ct_procs c1)" "$(ct_pid c1)"
}

@test "exec --cgroup with an unknown controller fails, as runc does" {
	# runc: "unknown controller bogus in SubCgroupPaths"
	sleeper c1
	run -1 vessel exec --cgroup bogus:sub c1 true
	assert_output --partial bogus
	assert_equal "$(ct_procs c1)" "$(ct_pid c1)"
}

@test "exec --cgroup with a path that leaves the container's cgroup fails, as runc does" {
	# runc: "../.. is not a sub cgroup path"
	sleeper c1
	run -1 vessel exec --cgroup pids:../.. c1 true
	assert_output --partial "../.."
	run -1 vessel exec --cgroup ../x c1 true
	assert_output --partial "../x"
	assert_equal "$(ct_procs c1)" "$(ct_pid c1)"
}

# ---------------------------------------------------------------------------
# The container's state

@test "exec into a paused container fails without --ignore-paused" {
	sleeper c1
	run -0 vessel pause c1
	run -1 --separate-stderr vessel exec c1 true
	assert_stderr "$RT_NAME: cannot exec in a paused container (use --ignore-paused to override)"
	run -1 --separate-stderr vessel exec -d c1 true
	assert_stderr "$RT_NAME: cannot exec in a paused container (use --ignore-paused to override)"
	assert_equal "$(ct_procs c1)" "$(ct_pid c1)"
	run -0 vessel resume c1
	run -0 vessel exec c1 echo ok
	assert_output ok
}

@test "exec --ignore-paused into a paused container: the process runs once it is resumed" {
	sleeper c1
	run -0 vessel pause c1
	# as with runc, the process is frozen with the container until resume
	bg_vessel e exec --ignore-paused c1 sh -c 'echo ran'
	pid_alive "$BG_PID" || fail "exec --ignore-paused ended at once: $(cat "$TEST_DIR/e.err")"
	run -0 vessel resume c1
	bg_status "$BG_PID"
	assert_equal "$BG_RC" 0
	assert_equal "$(cat "$TEST_DIR/e.out")" ran
	# in a running container the flag changes nothing
	run -0 vessel exec --ignore-paused c1 echo ok
	assert_output ok
}

@test "a container run in the foreground can be exec'd into, paused and resumed from another shell" {
	local ready
	ready=$(mk_fifo ready)
	set_sh 'echo up >/ready; exec sleep 100000'
	bg_vessel r run --bundle "$BUNDLE" c1
	run -0 read_fifo "$ready"
	run -0 vessel exec c1 echo ok
	assert_output ok
	# the runtime that relays for the container must not hold it locked
	run -0 timeout 5 "$VESSEL" --root "$ROOT" pause c1
	assert_equal "$(ct_status c1)" paused
	run -0 timeout 5 "$VESSEL" --root "$ROOT" resume c1
	run -0 vessel kill c1 KILL
	bg_status "$BG_PID"
	assert_equal "$BG_RC" 137
}

@test "exec into a created (not started) container works, like runc; it stays created" {
	set_sh 'touch /tmp/started; exec sleep 1000'
	update_config '.root.readonly = false'
	run -0 create_ct c1
	run -0 vessel exec c1 sh -c 'echo in-created; test -e /tmp/started || echo not-started'
	assert_output $'in-created\nnot-started'
	assert_equal "$(ct_status c1)" created
	run -0 vessel start c1
}

@test "exec into a stopped container fails: cannot exec in a stopped container" {
	set_args true
	run -0 create_ct c1
	local pid
	pid=$(ct_pid c1)
	run -0 vessel start c1
	wait_pid "$pid" || fail "the init did not end"
	assert_equal "$(ct_status c1)" stopped
	run -1 --separate-stderr vessel exec c1 true
	assert_stderr "$RT_NAME: cannot exec in a stopped container"
	run -1 --separate-stderr vessel exec -d c1 true
	assert_stderr "$RT_NAME: cannot exec in a stopped container"
	# and one that was killed
	set_args sleep 1000
	start_ct c2
	pid=$(ct_pid c2)
	run -0 vessel kill c2 KILL
	wait_pid "$pid" || fail "kill did not end $pid"
	run -1 --separate-stderr vessel exec c2 true
	assert_stderr "$RT_NAME: cannot exec in a stopped container"
}

@test "exec into a container that does not exist fails (exit 1)" {
	run -1 --separate-stderr vessel exec nosuch true
	assert_stderr_has "does not exist"
}

# ---------------------------------------------------------------------------
# Where the process is: namespaces, cgroups, root, cwd, descriptors

USER_NS='.linux.namespaces += [{"type": "user"}]
	| .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
	| .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'

@test "exec joins every namespace of the init: pid, net, ipc, uts, mnt, cgroup, user" {
	update_config "$USER_NS"
	sleeper c1
	local init n
	init=$(ct_pid c1)
	run -0 vessel exec c1 sh -c 'for n in pid net ipc uts mnt cgroup user; do readlink /proc/self/ns/$n; done'
	local want=""
	for n in pid net ipc uts mnt cgroup user; do
		want+=$(ns_ino "$init" $n)$'\n'
	done
	assert_output "${want%$'\n'}"
	run -0 vessel exec c1 cat /proc/self/uid_map
	assert_equal "$(tr -s ' ' <<<"$output")" "$(tr -s ' ' <"/proc/$init/uid_map")"
	# seen from the host, including the namespaces its children get
	exec_d --pid-file "$TEST_DIR/e.pid" c1 sleep 1000
	local pid
	pid=$(cat "$TEST_DIR/e.pid")
	for n in pid pid_for_children net ipc uts mnt cgroup user time; do
		[ -e "/proc/$init/ns/$n" ] || continue
		assert_equal "$n $(ns_ino "$pid" $n)" "$n $(ns_ino "$init" $n)"
	done
	assert_equal "$(cat "/proc/$pid/cgroup")" "$(cat "/proc/$init/cgroup")"
	# root in the container is the mapped uid on the host, 1000 is 101000
	assert_equal "$(awk '/^Uid:/ {print $2}' "/proc/$pid/status")" 100000
	exec_d -u 1000:1000 --pid-file "$TEST_DIR/u.pid" c1 sleep 1000
	assert_equal "$(awk '/^Uid:/ {print $2}' "/proc/$(cat "$TEST_DIR/u.pid")/status")" 101000
}

@test "exec without a user namespace: the host sees the process in the init's namespaces and cgroups" {
	sleeper c1
	local init pid n
	init=$(ct_pid c1)
	exec_d --pid-file "$TEST_DIR/e.pid" c1 sleep 1000
	pid=$(cat "$TEST_DIR/e.pid")
	for n in pid pid_for_children net ipc uts mnt cgroup user time; do
		[ -e "/proc/$init/ns/$n" ] || continue
		assert_equal "$n $(ns_ino "$pid" $n)" "$n $(ns_ino "$init" $n)"
	done
	assert_equal "$(cat "/proc/$pid/cgroup")" "$(cat "/proc/$init/cgroup")"
	# pid 1 in the container is the init
	run -0 vessel exec c1 sh -c "tr '\\0' ' ' </proc/1/cmdline"
	assert_output "sleep 100000 "
}

@test "the exec'd process's root and working directory are inside the container" {
	touch "$BUNDLE/rootfs/in-the-container"
	sleeper c1
	exec_d --pid-file "$TEST_DIR/e.pid" --cwd /tmp c1 sleep 1000
	local pid
	pid=$(cat "$TEST_DIR/e.pid")
	assert_equal "$(dev_ino "/proc/$pid/root")" "$(dev_ino "$BUNDLE/rootfs")"
	assert_equal "$(dev_ino "/proc/$pid/cwd")" "$(dev_ino "$BUNDLE/rootfs/tmp")"
	run -0 vessel exec c1 sh -c "ls /; test -e '$TEST_DIR' && echo host-visible; readlink /proc/self/root"
	assert_line in-the-container
	refute_line host-visible
	assert_line /
}

@test "the exec'd process never sees the caller's descriptors" {
	sleeper c1
	# non-CLOEXEC descriptors in the caller, some on host directories
	exec_d --pid-file "$TEST_DIR/e.pid" c1 sleep 1000 \
		5</ 7<"$TEST_DIR" 9>"$TEST_DIR/w" 12</etc/hostname 200</sys/fs/cgroup
	local pid
	pid=$(cat "$TEST_DIR/e.pid")
	assert_equal "$(fds_of "$pid")" "0 1 2"
	assert_equal "$(readlink "/proc/$pid/fd/0")" /dev/null
	assert_equal "$(readlink "/proc/$pid/fd/1")" "$TEST_DIR/exec.out"
	# in the foreground too: the shell's own descriptors, listed by a child
	run -0 vessel exec c1 sh -c 'ls /proc/$$/fd; :' 5</ 7<"$TEST_DIR" 12</etc/hostname
	assert_output $'0\n1\n2'
}

# ---------------------------------------------------------------------------
# CVE-2024-21626: a working directory through a leaked descriptor

@test "CVE-2024-21626: exec --cwd /proc/self/fd/N (N = 3..10) fails cleanly and starts nothing" {
	sleeper c1
	local n
	for n in 3 4 5 6 7 8 9 10; do
		# the caller leaks host directories on 3..10
		run -1 --separate-stderr vessel exec --cwd "/proc/self/fd/$n" c1 sh -c 'pwd; ls' \
			3</ 4</sys/fs/cgroup 5<"$TEST_DIR" 6</ 7</proc 8</ 9</ 10</
		assert_output ""
		assert_stderr_has "/proc/self/fd/$n"
	done
	assert_equal "$(ct_procs c1)" "$(ct_pid c1)"
}

@test "CVE-2024-21626: exec -p with cwd /proc/self/fd/N fails cleanly and starts nothing" {
	sleeper c1
	local n
	for n in 3 5 7 9; do
		echo "{\"args\": [\"pwd\"], \"cwd\": \"/proc/self/fd/$n\", \"env\": [\"PATH=/bin\"]}" >"$TEST_DIR/p.json"
		run -1 --separate-stderr vessel exec -p "$TEST_DIR/p.json" c1 \
			3</ 4</ 5</sys/fs/cgroup 6</ 7</ 8</ 9<"$TEST_DIR"
		assert_output ""
		assert_stderr_has "/proc/self/fd/$n"
	done
	assert_equal "$(ct_procs c1)" "$(ct_pid c1)"
}

@test "CVE-2024-21626: a cwd that is a symlink in the rootfs to /proc/self/fd/N fails cleanly" {
	ln -s /proc/self/fd/7 "$BUNDLE/rootfs/leak"
	sleeper c1
	run -1 --separate-stderr vessel exec --cwd /leak c1 pwd 7</
	assert_output ""
	assert_equal "$(ct_procs c1)" "$(ct_pid c1)"
}

@test "CVE-2024-21626: create and run with process.cwd /proc/self/fd/N (N = 3..10) fail cleanly, nothing left" {
	set_args pwd
	local n
	local n verb rc
	for n in 3 4 5 6 7 8 9 10; do
		update_config ".process.cwd = \"/proc/self/fd/$n\""
		for verb in create run; do
			# stdio on files: a container that wrongly started must not
			# hold bats' pipes; the caller leaks host directories on 3..10
			rc=0
			VESSEL_TEST_TAG=$TAG "$VESSEL" --root "$ROOT" $verb --bundle "$BUNDLE" "$verb$n" \
				</dev/null >"$TEST_DIR/out" 2>"$TEST_DIR/err" \
				3</ 4</sys/fs/cgroup 5<"$TEST_DIR" 6</ 7</proc 8</ 9</ 10</ || rc=$?
			assert_equal "$verb cwd fd $n: exit $rc" "$verb cwd fd $n: exit 1"
			assert_equal "$(cat "$TEST_DIR/out")" ""
			assert_file_contains "$TEST_DIR/err" "/proc/self/fd/$n"
			assert_nothing_left "$verb$n"
		done
	done
}
