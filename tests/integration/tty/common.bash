# shellcheck shell=bash
# tty/common.bash - what exec.bats, terminal.bats and fds.bats share on top
# of helpers.bash: processes a test starts outside the runtime (console
# receivers, background runtime commands, a tmux server) and ends by pid in
# teardown, the console-socket receiver, tmux and script drivers.

TTY_DIR=$INTEGRATION_DIR/tty
CONSOLE_PY=$TTY_DIR/console.py

# ---------------------------------------------------------------------------
# Processes this test started

# track_pid PID: end PID in teardown if it is still the same process (its
# start time is recorded, so a reused pid is left alone). TRACK_LIST=reapers
# puts it on the list ended after the containers are deleted.
track_pid() {
	local st
	st=$(awk '{print $22}' "/proc/$1/stat" 2>/dev/null) || return 0
	echo "$1 $st" >>"$TEST_DIR/${TRACK_LIST:-pids}"
}

# end_tracked LIST: LIST is what track_pid recorded ("pid starttime" lines).
end_tracked() {
	local p st now
	while read -r p st; do
		[ -n "$p" ] || continue
		now=$(awk '{print $22}' "/proc/$p/stat" 2>/dev/null) || continue
		[ "$now" = "$st" ] && kill -9 "$p" 2>/dev/null
	done <<<"$1"
	return 0
}

# mk_subcg DIR: make a sub-cgroup DIR inside a container's cgroup (for
# exec --cgroup); teardown ends what runs in it and removes it, before the
# container is deleted. A cpuset child gets its parent's cpus and mems.
mk_subcg() {
	mkdir "$1" || return 1
	echo "$1" >>"$TEST_DIR/subcgroups"
	if [ -f "$1/cpuset.cpus" ]; then
		cat "$1/../cpuset.cpus" >"$1/cpuset.cpus"
		cat "$1/../cpuset.mems" >"$1/cpuset.mems"
	fi
}

# rm_subcgs: end the processes in the sub-cgroups this test made (ones it
# exec'd there) and remove the sub-cgroups.
rm_subcgs() {
	local d p
	[ -f "$TEST_DIR/subcgroups" ] || return 0
	while read -r d; do
		[ -d "$d" ] || continue
		while read -r p; do kill -9 "$p" 2>/dev/null; done <"$d/cgroup.procs"
		while read -r p; do wait_pid "$p" 2 >/dev/null 2>&1; done <"$d/cgroup.procs"
		rmdir "$d" 2>/dev/null
	done < <(tac "$TEST_DIR/subcgroups")
	rm -f "$TEST_DIR/subcgroups"
}

# What the test started that could hold a container's lock (runtime
# commands in the background or in tmux) ends first, then the containers go
# (their processes die and are reaped by the subreapers), then the
# subreapers and the rest.
tty_teardown() {
	local pids reapers p
	pids=$(cat "$TEST_DIR/pids" 2>/dev/null)
	reapers=$(cat "$TEST_DIR/reapers" 2>/dev/null)
	end_tracked "$pids"
	if [ -S "$TEST_DIR/$TMUX_SOCK_NAME" ]; then
		# the children of the windows' shells: the runtime in the foreground
		local pane
		for pane in $(tmux_t list-panes -a -F '#{pane_pid}' 2>/dev/null); do
			for p in $(ps -o pid= --ppid "$pane"); do kill -9 "$p" 2>/dev/null; done
		done
		tmux_t kill-server >/dev/null 2>&1
	fi
	rm_subcgs
	vessel_teardown
	end_tracked "$reapers"
}

# bg_vessel OUT ARGS...: the runtime in the background with the test's
# --root, stdout and stderr to $TEST_DIR/OUT.out / OUT.err, stdin from
# /dev/null unless the caller redirects it; the caller's other descriptors
# stay open (for --preserve-fds). Sets BG_PID (the runtime itself).
bg_vessel() {
	local out=$1
	shift
	VESSEL_TEST_TAG=$TAG "$VESSEL" --root "$ROOT" "$@" \
		>"$TEST_DIR/$out.out" 2>"$TEST_DIR/$out.err" &
	BG_PID=$!
	track_pid "$BG_PID"
}

# bg_status PID: wait (bounded) for a background child of this shell; its
# exit status in BG_RC, 124 if it did not end in time. (Not in $(...): the
# subshell could not wait for it.)
bg_status() {
	BG_RC=124
	wait_pid "$1" || return 0
	BG_RC=0
	wait "$1" || BG_RC=$?
}

# assert_stderr_has TEXT: $stderr (run --separate-stderr) contains TEXT.
assert_stderr_has() {
	[[ $stderr == *"$1"* ]] ||
		printf 'expected : %s\nstderr   : %s\n' "$1" "$stderr" | batslib_decorate "stderr does not contain" | fail
}

# exec_d ARGS...: `exec -d ARGS` with the detached process's stdio on
# files ($TEST_DIR/exec.out, exec.err), so that it does not hold bats'
# pipes; the caller's other descriptors stay open (for --preserve-fds).
# Prints what the runtime wrote to stderr; returns its status.
# The runtime runs under a subreaper (tty/subreaper.py, as under a shim) so
# that the detached process is reaped as soon as it dies: the container's
# init cannot finish dying before every process of its pid namespace is
# reaped, and this machine's init reaps orphans late (delete -f took 2 s).
exec_d() {
	local rc=0 p
	SUBREAPER_PIDFILE=$TEST_DIR/subreapers VESSEL_TEST_TAG=$TAG \
		"$PYTHON" "$TTY_DIR/subreaper.py" "$VESSEL" --root "$ROOT" exec -d "$@" \
		</dev/null >"$TEST_DIR/exec.out" 2>"$TEST_DIR/exec.err" || rc=$?
	if [ -f "$TEST_DIR/subreapers" ]; then
		while read -r p; do TRACK_LIST=reapers track_pid "$p"; done <"$TEST_DIR/subreapers"
		rm -f "$TEST_DIR/subreapers"
	fi
	cat "$TEST_DIR/exec.err"
	return $rc
}

# start_ct ID: run -d the bundle (whose process is expected to keep running)
# and check that it is running.
start_ct() {
	run_d "$1" || fail "run -d $1 failed: $(cat "$TEST_DIR/$1.err")"
	[ "$(ct_status "$1")" = running ] || fail "$1 is $(ct_status "$1"), not running"
}

# sleeper ID: a running container whose init sleeps.
sleeper() {
	set_args sleep 100000
	start_ct "$1"
}

# ns_ino PID NS: the namespace id of PID's NS namespace ("net:[4026...]").
ns_ino() { readlink "/proc/$1/ns/$2"; }

# dev_ino PATH: "st_dev:st_ino" of what PATH leads to.
dev_ino() { stat -L -c '%d:%i' "$1"; }

# fds_of PID: the descriptors PID has open, one line.
fds_of() { ls "/proc/$1/fd" | sort -n | tr '\n' ' ' | sed 's/ $//'; }

# ct_procs ID: the pids in the container's pids cgroup (what the container
# runs, seen from the host), sorted.
ct_procs() {
	local pid cg
	pid=$(ct_pid "$1")
	cg=$(awk -F: '$2 == "pids" {print $3}' "/proc/$pid/cgroup")
	sort -n "/sys/fs/cgroup/pids$cg/cgroup.procs"
}

# ---------------------------------------------------------------------------
# Console socket receiver (tty/console.py)

# console_start NAME STEP...: a receiver listening on $TEST_DIR/NAME.sock;
# what it got and read goes to $TEST_DIR/NAME.d. Sets CONSOLE_SOCK.
console_start() {
	local name=$1 pid
	shift
	mkdir -p "$TEST_DIR/$name.d"
	pid=$("$PYTHON" "$CONSOLE_PY" "$TEST_DIR/$name.sock" "$TEST_DIR/$name.d" "$@" 3>&-) ||
		fail "console receiver did not start"
	track_pid "$pid"
	echo "$pid" >"$TEST_DIR/$name.d/pid"
	CONSOLE_SOCK=$TEST_DIR/$name.sock
}

# console_wait NAME: wait for the receiver to finish its steps; fails with
# what it read when a step failed.
console_wait() {
	local d=$TEST_DIR/$1.d
	wait_pid "$(cat "$d/pid")" 30 || fail "console receiver $1 did not finish"
	[ -f "$d/status" ] || fail "console receiver $1 wrote no status"
	if [ "$(cat "$d/status")" != ok ]; then
		{
			cat "$d/status"
			echo "--- transcript:"
			cat -v "$d/transcript" 2>/dev/null
		} | fail
	fi
}

# console_meta NAME JQ_FILTER: a field of what the receiver got.
console_meta() { jq -r "$2" "$TEST_DIR/$1.d/meta.json"; }

# console_transcript NAME: what it read from the master, without CRs.
console_transcript() { tr -d '\r' <"$TEST_DIR/$1.d/transcript"; }

# assert_one_pty_master NAME: exactly one descriptor in one SCM_RIGHTS
# message with a non-empty payload, nothing after it, and it is a pty master.
assert_one_pty_master() {
	assert_equal "$(console_meta "$1" .cmsgs)" 1
	assert_equal "$(console_meta "$1" .fds)" 1
	assert_equal "$(console_meta "$1" .ctrunc)" false
	assert_equal "$(console_meta "$1" .after)" eof
	[ -n "$(console_meta "$1" .payload)" ] || fail "empty payload with the descriptor"
	assert_equal "$(console_meta "$1" .chr)" true
	assert_equal "$(console_meta "$1" .master)" true
}

# refusing_socket PATH: a socket file nobody listens on (connect: ECONNREFUSED).
refusing_socket() {
	"$PYTHON" -c 'import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(sys.argv[1])
s.close()' "$1"
}

# ---------------------------------------------------------------------------
# tmux: a real terminal around the runtime

TMUX_SOCK_NAME=tmux.sock

# tmux_t ARGS...: tmux on this test's private server.
tmux_t() { tmux -f /dev/null -S "$TEST_DIR/$TMUX_SOCK_NAME" "$@"; }

# tmux_run COMMAND: run COMMAND (a simple shell command line, the runtime:
# "$VESSEL" --root "$ROOT" ...; it gets the test's tag) in a new 80x24 tmux
# window. The outer script
# saves `stty -g` before and after, the command's status in
# $TEST_DIR/tmux.rc, and signals the "done" channel when finished; the
# window then stays (for tmux_screen) until teardown ends the server.
tmux_run() {
	cat >"$TEST_DIR/outer.sh" <<-EOF
		stty -g >"$TEST_DIR/stty.before"
		VESSEL_TEST_TAG=$TAG $1
		echo \$? >"$TEST_DIR/tmux.rc"
		stty -g >"$TEST_DIR/stty.after"
		tmux -S "$TEST_DIR/$TMUX_SOCK_NAME" wait-for -S done
		exec tmux -S "$TEST_DIR/$TMUX_SOCK_NAME" wait-for bye
	EOF
	TERM=xterm tmux_t new-session -d -s t -x 80 -y 24 \
		"sh $TEST_DIR/outer.sh" </dev/null >/dev/null 2>&1 3>&- ||
		fail "tmux did not start"
}

# tmux_done: wait for the command of tmux_run to finish.
tmux_done() {
	timeout "$WAIT_TIMEOUT" tmux -S "$TEST_DIR/$TMUX_SOCK_NAME" wait-for "done" ||
		fail "the command in tmux did not finish: $(tmux_t capture-pane -p -t t 2>/dev/null)"
}

# tmux_screen: what the window shows.
tmux_screen() { tmux_t capture-pane -p -t t; }

# tmux_pane_tty: the pty of the window (the caller's terminal).
tmux_pane_tty() { tmux_t display-message -p -t t '#{pane_tty}'; }
