#!/usr/bin/env bats
# Terminals: process.terminal with --console-socket (create, exec -d -t), the
# foreground relay of run and exec -t (raw mode, SIGWINCH, the caller's
# terminal restored), the errors, and pass-through stdio without a terminal.
#
# tty/console.py receives the pty master and drives it; tmux and script(1)
# give the runtime a real terminal in the foreground.

load helpers
load tty/common

teardown() { tty_teardown; }

# tty_bundle ARGS...: process.terminal = true, process.args = ARGS.
tty_bundle() {
	set_args "$@"
	update_config '.process.terminal = true'
}

# The shell commands sent to a pty: each result on a line of its own, tagged,
# so that the echo of the command line itself never matches.
PROBE='echo "T:$(tty)"; echo "S:$(stty size)"; echo "P:$$:$(cut -d" " -f6 /proc/$$/stat)"; echo x >/dev/tty && echo "C:ctty"; echo "D:$(stat -c %d:%i $(tty) /dev/console | xargs)"; echo "E:$((40+2))"'

# ---------------------------------------------------------------------------
# create --console-socket

@test "create --console-socket: exactly one pty master, in one message with a name" {
	tty_bundle sh
	console_start c 'send:exit\n' eof
	run -0 create_ct c1 --console-socket "$CONSOLE_SOCK"
	assert_output ""
	# the runtime kept no copy of the master (nor did the waiting init)
	local p fd l
	for p in $(stray_pids); do
		for fd in /proc/"$p"/fd/*; do
			l=$(readlink "$fd") || continue
			[[ $l != */ptmx ]] || fail "process $p ($(tr '\0' ' ' <"/proc/$p/cmdline")) holds $l on $fd"
		done
	done
	run -0 vessel start c1
	console_wait c
	assert_one_pty_master c
	# the master of the container's own devpts: /dev/pts/ptmx, 5:2
	assert_equal "$(console_meta c .rdev)" 5:2
}

@test "create --console-socket: the process runs on the pty, consoleSize is honoured, a resize is seen" {
	tty_bundle sh
	update_config '.process.consoleSize = {"height": 33, "width": 111}'
	console_start c "send:$PROBE\n" 'expect:E:42' 'resize:50:132' \
		'send:echo "R:$(stty size)"\n' 'expect:R:50 132' 'send:exit 7\n' eof
	run -0 create_ct c1 --console-socket "$CONSOLE_SOCK"
	# the size is set before the master is sent
	run -0 vessel start c1
	console_wait c
	assert_equal "$(console_meta c '.winsize | join(" ")')" "33 111"
	run console_transcript c
	assert_line --regexp '^T:/dev/pts/[0-9]+$'
	assert_line "S:33 111"
	assert_line "E:42"
	assert_line "R:50 132"
}

@test "create --console-socket: a session leader with the pty as controlling terminal; /dev/console is the pty" {
	tty_bundle sh
	console_start c "send:$PROBE\n" 'expect:E:42' 'send:echo via-console >/dev/console\n' \
		'expect:via-console\r?\n' 'send:exit\n' eof
	run -0 create_ct c1 --console-socket "$CONSOLE_SOCK"
	run -0 vessel start c1
	console_wait c
	run console_transcript c
	# pid 1 of the container, its own session
	assert_line "P:1:1"
	assert_line "C:ctty"
	local d
	d=$(grep '^D:' <<<"$output")
	read -r tty console <<<"${d#D:}"
	assert_equal "/dev/console $console" "/dev/console $tty"
}

@test "create --console-socket: the pty is in the container's devpts; the process holds its slave and nothing else" {
	tty_bundle sh -c 'stat -c %d "$(tty)" /dev/pts >/ready; read x'
	local ready
	ready=$(mk_fifo ready)
	mkfifo "$TEST_DIR/go"
	console_start c "wait:$TEST_DIR/go" 'send:go\n' eof
	run -0 create_ct c1 --console-socket "$CONSOLE_SOCK"
	run -0 vessel start c1
	run -0 read_fifo "$ready"
	assert_equal "${lines[0]}" "${lines[1]}"
	[ "${lines[0]}" != "$(stat -c %d /dev/pts)" ] || fail "the pty is in the host's devpts"
	# stdio on the slave; no master, no socket, nothing of the runtime's
	local pid fd l
	pid=$(ct_pid c1)
	for fd in 0 1 2; do
		[ -e "/proc/$pid/fd/$fd" ] || fail "no fd $fd"
	done
	for fd in /proc/"$pid"/fd/*; do
		l=$(readlink "$fd") || continue
		[[ $l =~ ^/dev/pts/[0-9]+$ ]] || fail "${fd##*/} of the container's process is $l"
	done
	echo go >"$TEST_DIR/go"
	console_wait c
}

# ---------------------------------------------------------------------------
# exec -d -t --console-socket

@test "exec -d -t --console-socket: one pty master; the process is driven through it" {
	sleeper c1
	console_start c "send:$PROBE\n" 'expect:E:42' 'resize:40:100' \
		'send:echo "R:$(stty size)"\n' 'expect:R:40 100' 'send:exit 3\n' eof
	run -0 exec_d -t --console-socket "$CONSOLE_SOCK" --pid-file "$TEST_DIR/e.pid" c1 sh
	assert_output ""
	assert_file_exist "$TEST_DIR/e.pid"
	console_wait c
	assert_one_pty_master c
	run console_transcript c
	assert_line --regexp '^T:/dev/pts/[0-9]+$'
	assert_line "C:ctty"
	assert_line "E:42"
	assert_line "R:40 100"
	# its own session, not the init's
	local p
	p=$(grep '^P:' <<<"$output")
	IFS=: read -r _ pid sid <<<"$p"
	assert_equal "session $sid" "session $pid"
	[ "$pid" != 1 ] || fail "the exec'd process is pid 1"
}

@test "exec -d -t --console-socket: the process holds the pty slave and nothing else" {
	sleeper c1
	console_start c 'expect:nothing-comes'
	run -0 exec_d -t --console-socket "$CONSOLE_SOCK" --pid-file "$TEST_DIR/e.pid" c1 sleep 1000 \
		5</ 7<"$TEST_DIR"
	local pid
	pid=$(cat "$TEST_DIR/e.pid")
	assert_equal "$(fds_of "$pid")" "0 1 2"
	local f
	for f in 0 1 2; do
		[[ $(readlink "/proc/$pid/fd/$f") == /dev/pts/* ]] || fail "fd $f is $(readlink "/proc/$pid/fd/$f")"
	done
	# the controlling terminal is set (tty_nr, field 7, is not 0)
	[ "$(cut -d' ' -f7 "/proc/$pid/stat")" != 0 ] || fail "no controlling terminal"
}

@test "exec -t with a process.json: consoleSize from the file" {
	sleeper c1
	cat >"$TEST_DIR/p.json" <<-'EOF'
		{"terminal": true, "consoleSize": {"height": 20, "width": 70},
		 "args": ["sh"], "env": ["PATH=/bin"], "cwd": "/"}
	EOF
	console_start c 'send:echo "S:$(stty size)"\n' 'expect:S:20 70' 'send:exit\n' eof
	run -0 exec_d -p "$TEST_DIR/p.json" --console-socket "$CONSOLE_SOCK" c1
	console_wait c
	assert_equal "$(console_meta c '.winsize | join(" ")')" "20 70"
}

# ---------------------------------------------------------------------------
# Errors

TTY_NO_SOCKET="cannot allocate tty if $RT_NAME will detach without setting console socket"
SOCKET_NO_TTY="cannot use console socket if $RT_NAME will not detach or allocate tty"

@test "terminal without a console socket when detaching: create, run -d, exec -d -t fail, nothing left" {
	tty_bundle sh
	run -1 create_ct c1
	assert_output "$RT_NAME: $TTY_NO_SOCKET"
	assert_nothing_left c1
	run -1 run_d c2
	assert_output "$RT_NAME: $TTY_NO_SOCKET"
	assert_nothing_left c2
	update_config '.process.terminal = false'
	sleeper c3
	run -1 exec_d -t c3 sh
	assert_output "$RT_NAME: $TTY_NO_SOCKET"
	assert_equal "$(ct_procs c3)" "$(ct_pid c3)"
}

@test "a console socket without a terminal: create, exec -d fail, nothing left" {
	set_args sh
	console_start c
	run -1 create_ct c1 --console-socket "$CONSOLE_SOCK"
	assert_output "$RT_NAME: $SOCKET_NO_TTY"
	assert_nothing_left c1
	sleeper c2
	run -1 exec_d --console-socket "$CONSOLE_SOCK" c2 true
	assert_output "$RT_NAME: $SOCKET_NO_TTY"
	run -1 exec_d --tty=false --console-socket "$CONSOLE_SOCK" c2 true
	assert_output "$RT_NAME: $SOCKET_NO_TTY"
	assert_equal "$(ct_procs c2)" "$(ct_pid c2)"
}

@test "a console socket in the foreground (run, exec -t) is refused, as runc does" {
	# runc: (!detach || !terminal) && console-socket -> this error
	tty_bundle true
	console_start c eof
	run -1 --separate-stderr vessel run --console-socket "$CONSOLE_SOCK" --bundle "$BUNDLE" c1 </dev/null
	assert_stderr "$RT_NAME: $SOCKET_NO_TTY"
	assert_nothing_left c1
	update_config '.process.terminal = false'
	sleeper c2
	run -1 --separate-stderr vessel exec -t --console-socket "$CONSOLE_SOCK" c2 true </dev/null
	assert_stderr "$RT_NAME: $SOCKET_NO_TTY"
}

@test "a console socket that does not exist: create, run -d, exec fail with a clear message, nothing left" {
	tty_bundle sh
	local sock=$TEST_DIR/nosuch.sock
	run -1 create_ct c1 --console-socket "$sock"
	assert_output --partial "$sock"
	assert_output --partial "no such file or directory"
	assert_nothing_left c1
	run -1 run_d c2 --console-socket "$sock"
	assert_output --partial "$sock"
	assert_nothing_left c2
	update_config '.process.terminal = false'
	sleeper c3
	run -1 exec_d -t --console-socket "$sock" c3 sh
	assert_output --partial "$sock"
	assert_output --partial "no such file or directory"
	assert_equal "$(ct_procs c3)" "$(ct_pid c3)"
}

@test "a console socket that refuses connections: create and exec fail with a clear message, nothing left" {
	tty_bundle sh
	local sock=$TEST_DIR/refusing.sock
	refusing_socket "$sock"
	run -1 create_ct c1 --console-socket "$sock"
	assert_output --partial "$sock"
	assert_output --partial "connection refused"
	assert_nothing_left c1
	update_config '.process.terminal = false'
	sleeper c3
	run -1 exec_d -t --console-socket "$sock" c3 sh
	assert_output --partial "connection refused"
	assert_equal "$(ct_procs c3)" "$(ct_pid c3)"
}

@test "a relative console socket path is the caller's" {
	tty_bundle sh
	console_start c 'send:exit\n' eof
	run -0 bash -c 'cd "$TEST_DIR" && VESSEL_TEST_TAG=$TAG "$VESSEL" --root "$ROOT" create --console-socket c.sock --bundle "$BUNDLE" c1 </dev/null >/dev/null'
	run -0 vessel start c1
	console_wait c
	assert_one_pty_master c
}

# ---------------------------------------------------------------------------
# The foreground relay: run and exec -t in a terminal

@test "run with a terminal under script(1): output and input relayed, status returned, terminal restored" {
	tty_bundle sh -c 'echo "S:$(stty size)"; read line; echo "got:$line"; exit 5'
	cat >"$TEST_DIR/outer.sh" <<-EOF
		stty rows 30 cols 100
		stty -g >"$TEST_DIR/stty.before"
		VESSEL_TEST_TAG=$TAG "$VESSEL" --root "$ROOT" run --bundle "$BUNDLE" c1
		echo \$? >"$TEST_DIR/rc"
		stty -g >"$TEST_DIR/stty.after"
	EOF
	run -0 bash -c "printf 'hello\n' | timeout $WAIT_TIMEOUT script -qec 'sh $TEST_DIR/outer.sh' /dev/null"
	assert_equal "$(cat "$TEST_DIR/rc")" 5
	run tr -d '\r' <<<"$output"
	assert_line "S:30 100"
	assert_line "got:hello"
	assert_equal "$(cat "$TEST_DIR/stty.after")" "$(cat "$TEST_DIR/stty.before")"
	assert_nothing_left c1
}

@test "run with a terminal in tmux: raw mode while relaying, SIGWINCH resizes the container's pty, terminal restored" {
	local ready sz
	ready=$(mk_fifo ready)
	sz=$(mk_fifo sz)
	tty_bundle sh -c 'stty size >/ready; trap "stty size >/sz; exit 0" WINCH; sleep 30 & wait; exit 9'
	tmux_run "\"$VESSEL\" --root \"$ROOT\" run --bundle \"$BUNDLE\" c1"
	run -0 read_fifo "$ready"
	assert_output "24 80"
	# the caller's terminal is raw while the runtime relays
	run -0 stty -a -F "$(tmux_pane_tty)"
	assert_output --regexp '(^|[[:space:]])-icanon([[:space:]]|$)'
	assert_output --regexp '(^|[[:space:]])-echo([[:space:]]|$)'
	assert_output --regexp '(^|[[:space:]])-isig([[:space:]]|$)'
	tmux_t resize-window -t t -x 100 -y 30
	run read_fifo "$sz"
	assert_output "30 100"
	tmux_done
	assert_equal "$(cat "$TEST_DIR/tmux.rc")" 0
	assert_equal "$(cat "$TEST_DIR/stty.after")" "$(cat "$TEST_DIR/stty.before")"
}

@test "run with a terminal in tmux: the terminal is restored when the container is killed (137)" {
	local ready
	ready=$(mk_fifo ready)
	tty_bundle sh -c 'echo up >/ready; exec sleep 1000'
	tmux_run "\"$VESSEL\" --root \"$ROOT\" run --bundle \"$BUNDLE\" c1"
	run -0 read_fifo "$ready"
	run -0 vessel kill c1 KILL
	tmux_done
	assert_equal "$(cat "$TEST_DIR/tmux.rc")" 137
	assert_equal "$(cat "$TEST_DIR/stty.after")" "$(cat "$TEST_DIR/stty.before")"
	run -0 stty -a -F "$(tmux_pane_tty)"
	assert_output --regexp '(^|[[:space:]])icanon([[:space:]]|$)'
	assert_output --regexp '(^|[[:space:]])echo([[:space:]]|$)'
}

@test "run with a terminal in tmux: the terminal is restored when the program cannot be run" {
	tty_bundle /nosuch
	tmux_run "\"$VESSEL\" --root \"$ROOT\" run --bundle \"$BUNDLE\" c1 2>\"$TEST_DIR/err\""
	tmux_done
	assert_equal "$(cat "$TEST_DIR/tmux.rc")" 1
	assert_file_contains "$TEST_DIR/err" "/nosuch"
	assert_equal "$(cat "$TEST_DIR/stty.after")" "$(cat "$TEST_DIR/stty.before")"
	assert_nothing_left c1
}

@test "exec -t in tmux: input and output relayed, status returned, terminal restored" {
	local ready
	ready=$(mk_fifo ready)
	sleeper c1
	tmux_run "\"$VESSEL\" --root \"$ROOT\" exec -t c1 sh -c 'stty size >/ready; read line; echo \"got:\$line\"; exit 4'"
	run -0 read_fifo "$ready"
	assert_output "24 80"
	tmux_t send-keys -t t 'hello from tmux' Enter
	tmux_done
	assert_equal "$(cat "$TEST_DIR/tmux.rc")" 4
	run tmux_screen
	assert_line "got:hello from tmux"
	assert_equal "$(cat "$TEST_DIR/stty.after")" "$(cat "$TEST_DIR/stty.before")"
}

@test "exec -t under script(1): stty on the caller's pty and SIGWINCH resize the process's pty" {
	local ready sz go
	ready=$(mk_fifo ready)
	sz=$(mk_fifo sz)
	mkfifo "$TEST_DIR/go"
	sleeper c1
	cat >"$TEST_DIR/outer.sh" <<-EOF
		stty rows 24 cols 80
		stty -g >"$TEST_DIR/stty.before"
		VESSEL_TEST_TAG=$TAG "$VESSEL" --root "$ROOT" exec -t c1 sh -c 'stty size >/ready; trap "stty size >/sz; exit 0" WINCH; sleep 30 & wait; exit 9' </dev/tty &
		v=\$!
		read go <"$TEST_DIR/go"
		stty rows 40 cols 120
		kill -WINCH \$v
		wait \$v
		echo \$? >"$TEST_DIR/rc"
		stty -g >"$TEST_DIR/stty.after"
	EOF
	bash -c "timeout $WAIT_TIMEOUT script -qec 'sh $TEST_DIR/outer.sh' /dev/null </dev/null >$TEST_DIR/script.out 2>&1" &
	local script_pid=$!
	track_pid "$script_pid"
	run -0 read_fifo "$ready"
	assert_output "24 80"
	timeout "$WAIT_TIMEOUT" sh -c "echo go >'$TEST_DIR/go'"
	run read_fifo "$sz"
	assert_output "40 120"
	bg_status "$script_pid"
	assert_equal "$(cat "$TEST_DIR/rc")" 0
	assert_equal "$(cat "$TEST_DIR/stty.after")" "$(cat "$TEST_DIR/stty.before")"
}

# ---------------------------------------------------------------------------
# Pass-through stdio without a terminal

# stdio_probe RUNTIME_ARGS...: the runtime with its stdin, stdout and stderr
# on three pipes (stdin carries "data"). What fds 0, 1, 2 of the caller are
# goes to $TEST_DIR/caller, the process's stdout to $output, its stderr to
# $TEST_DIR/err. The process is expected to run $STDIO_PROBE.
STDIO_PROBE='readlink /proc/self/fd/0; readlink /proc/self/fd/1; readlink /proc/self/fd/2; cat; echo to-stderr >&2'
stdio_probe() {
	cat >"$TEST_DIR/probe.sh" <<-'EOF'
		set -o pipefail
		exec 9>"$TEST_DIR/caller"
		{ {	readlink /proc/$BASHPID/fd/0 /proc/$BASHPID/fd/1 /proc/$BASHPID/fd/2 >&9
			VESSEL_TEST_TAG=$TAG "$VESSEL" --root "$ROOT" "$@"
		} < <(echo data) 2>&1 1>&3 3>&- | cat >"$TEST_DIR/err"; } 3>&1 | cat
	EOF
	run -0 bash "$TEST_DIR/probe.sh" "$@"
}

# assert_same_stdio: the process saw the caller's three pipes.
assert_same_stdio() {
	local c
	mapfile -t c <"$TEST_DIR/caller"
	[[ ${c[0]} == pipe:* && ${c[1]} == pipe:* && ${c[2]} == pipe:* ]] || fail "the caller's stdio are not pipes: ${c[*]}"
	if [ "${c[0]}" = "${c[1]}" ] || [ "${c[1]}" = "${c[2]}" ]; then
		fail "the caller's pipes are not three: ${c[*]}"
	fi
	assert_line -n 0 "${c[0]}"
	assert_line -n 1 "${c[1]}"
	assert_line -n 2 "${c[2]}"
	assert_line -n 3 data
	assert_equal "$(cat "$TEST_DIR/err")" to-stderr
}

@test "exec without a terminal keeps the caller's stdio: the same pipes, data flows" {
	sleeper c1
	stdio_probe exec c1 sh -c "$STDIO_PROBE"
	assert_same_stdio
}

@test "run without a terminal keeps the caller's stdio: the same pipes, data flows" {
	set_sh "$STDIO_PROBE"
	stdio_probe run --bundle "$BUNDLE" c1
	assert_same_stdio
	assert_nothing_left c1
}

@test "create without a terminal: the container's process gets the caller's stdio of create" {
	set_sh 'read x; echo "out:$x"'
	mkfifo "$TEST_DIR/in"
	exec 5<>"$TEST_DIR/in"
	run -0 bash -c 'VESSEL_TEST_TAG=$TAG "$VESSEL" --root "$ROOT" create --bundle "$BUNDLE" c1 <&5 >"$TEST_DIR/c1.out" 2>"$TEST_DIR/c1.err"'
	local pid
	pid=$(ct_pid c1)
	assert_equal "$(dev_ino "/proc/$pid/fd/0")" "$(dev_ino "$TEST_DIR/in")"
	assert_equal "$(readlink "/proc/$pid/fd/1")" "$TEST_DIR/c1.out"
	assert_equal "$(readlink "/proc/$pid/fd/2")" "$TEST_DIR/c1.err"
	run -0 vessel start c1
	echo hi >&5
	wait_pid "$pid" || fail "the container did not end"
	exec 5>&-
	assert_equal "$(cat "$TEST_DIR/c1.out")" out:hi
}
