#!/usr/bin/env bats
# --log, --log-format json|text, --debug: what callers (containerd's shim,
# podman) read line by line.

load helpers

RFC3339='^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$'

setup() {
	vessel_setup
	LOG=$TEST_DIR/log.json
	set_args true
}

# vj ARGS...: the runtime with --log $LOG --log-format json, stdio on files.
vj() {
	VESSEL_TEST_TAG=$TAG "$VESSEL" --root "$ROOT" --log "$LOG" --log-format json "$@" \
		</dev/null >"$TEST_DIR/vj.out" 2>"$TEST_DIR/vj.err" 3>&-
}

# assert_json_lines FILE: every line is one JSON object with level, msg and
# an RFC3339 time; nothing else is in the file.
assert_json_lines() {
	local n=0 line
	while IFS= read -r line; do
		n=$((n + 1))
		jq -e 'type == "object" and (.level | type == "string") and (.msg | type == "string") and (.time | type == "string")' \
			<<<"$line" >/dev/null 2>&1 || fail "line $n is not a log object: $line"
		assert_regex "$(jq -r .time <<<"$line")" "$RFC3339"
		assert_regex "$(jq -r .level <<<"$line")" '^(debug|info|warning|error|fatal)$'
	done <"$1"
	# and no partial last line
	[ ! -s "$1" ] || [ "$(tail -c 1 "$1" | od -An -c | tr -d ' ')" = '\n' ] || fail "the last line has no newline"
}

@test "json log: an error is one JSON object on one line, level error, RFC3339 time" {
	run -1 vj state nosuch
	assert_json_lines "$LOG"
	assert_equal "$(wc -l <"$LOG")" 1
	assert_equal "$(jq -r .level "$LOG")" error
	assert_equal "$(jq -r .msg "$LOG")" 'container "nosuch" does not exist'
}

@test "json log: a create failure ends with stage, errno and path beside level, msg, time" {
	update_config '.linux.namespaces[1].path = "/proc/999999999/ns/net"'
	run -1 vj create --bundle "$BUNDLE" l1
	assert_json_lines "$LOG"
	local last
	last=$(tail -n 1 "$LOG")
	assert_equal "$(jq -r .level <<<"$last")" error
	assert_equal "$(jq -r .msg <<<"$last")" 'open network namespace path "/proc/999999999/ns/net": no such file or directory'
	assert_equal "$(jq -r .stage <<<"$last")" namespace
	assert_equal "$(jq -r .errno <<<"$last")" 2
	assert_equal "$(jq -r .path <<<"$last")" /proc/999999999/ns/net
	assert_nothing_left l1
}

@test "json log: the failure from inside the container (mount) carries its stage, errno and path" {
	update_config '.mounts += [{"destination": "/mnt", "type": "bind", "source": "/nonexistent/src", "options": ["bind"]}]'
	run -1 vj create --bundle "$BUNDLE" l1
	assert_json_lines "$LOG"
	local last
	last=$(tail -n 1 "$LOG")
	assert_equal "$(jq -r .stage <<<"$last")" mount
	assert_equal "$(jq -r .errno <<<"$last")" 2
	assert_regex "$(jq -r .path <<<"$last")" '^(/nonexistent/src|/mnt)$'
	assert_equal "$(jq -r .msg <<<"$last")" 'unable to start container process: mount "/nonexistent/src" on "/mnt" (type bind): bind mount source "/nonexistent/src": no such file or directory'
}

@test "json log: config errors carry stage config and the config's path" {
	update_config '.linux.namespaces[2].type = "pidd"'
	run -1 vj create --bundle "$BUNDLE" l1
	local last
	last=$(tail -n 1 "$LOG")
	assert_equal "$(jq -r .stage <<<"$last")" config
	assert_equal "$(jq -r .errno <<<"$last")" 22
	assert_equal "$(jq -r .path <<<"$last")" "$BUNDLE/config.json"
	assert_equal "$(jq -r .msg <<<"$last")" 'config.json: linux.namespaces[2].type: unknown namespace "pidd"'
}

@test "json log: a hook failure carries stage hook and the hook's path" {
	update_config '.hooks.createRuntime = [{"path": "/bin/false"}]'
	run -1 vj create --bundle "$BUNDLE" l1
	local last
	last=$(tail -n 1 "$LOG")
	assert_equal "$(jq -r .stage <<<"$last")" hook
	assert_equal "$(jq -r .path <<<"$last")" /bin/false
}

@test "json log: an exec failure carries stage exec" {
	set_args nosuchprog
	run -1 vj create --bundle "$BUNDLE" l1
	local last
	last=$(tail -n 1 "$LOG")
	assert_equal "$(jq -r .stage <<<"$last")" exec
	assert_equal "$(jq -r .errno <<<"$last")" 2
}

@test "json log: a successful lifecycle writes nothing but JSON lines, and the container's output never lands there" {
	set_sh 'echo to-stdout; echo to-stderr >&2'
	run -0 vj create --bundle "$BUNDLE" l1
	local pid
	pid=$(ct_pid l1)
	run -0 vj start l1
	wait_pid "$pid"
	run -0 vj state l1
	run -0 vj list
	run -0 vj delete l1
	run -0 vj run --bundle "$BUNDLE" l2
	assert_json_lines "$LOG"
	run grep -c -e to-stdout -e to-stderr "$LOG"
	assert_output 0
}

@test "json log: a warning (failing poststart hook) is a JSON line of level warning" {
	update_config '.hooks.poststart = [{"path": "/bin/false"}]'
	set_sh 'exec sleep 100'
	run -0 vj create --bundle "$BUNDLE" l1
	run -0 vj start l1
	assert_json_lines "$LOG"
	run -0 jq -r 'select(.level == "warning") | .msg' "$LOG"
	assert_output 'error running poststart hook #0: "/bin/false": exit status 1'
}

@test "json log: usage errors are JSON lines too" {
	run -1 vj kill
	assert_json_lines "$LOG"
	assert_equal "$(jq -r .msg "$LOG")" '"kill" requires a minimum of 1 argument(s)'
	run -1 vj --nosuchflag
	assert_json_lines "$LOG"
	run -1 vj create --nosuchflag x
	assert_json_lines "$LOG"
}

@test "json log: the file is appended to, never truncated" {
	echo '{"level":"info","msg":"earlier","time":"2026-01-01T00:00:00Z"}' >"$LOG"
	run -1 vj state nosuch
	assert_equal "$(wc -l <"$LOG")" 2
	assert_equal "$(head -n 1 "$LOG" | jq -r .msg)" earlier
}

@test "json log: a log file that does not exist is created" {
	LOG=$TEST_DIR/newdir-log.json
	run -1 vj state nosuch
	assert_file_exist "$LOG"
	assert_json_lines "$LOG"
}

@test "json log: messages with quotes, newlines and control characters stay one valid line" {
	update_config '.hooks.createRuntime = [{"path": "/bin/sh", "args": ["sh", "-c", "printf \"a \\\"quoted\\\"\\nsecond line\\ttab\\001\" >&2; exit 1"]}]'
	run -1 vj create --bundle "$BUNDLE" l1
	assert_json_lines "$LOG"
	assert_equal "$(wc -l <"$LOG")" 1
	run -0 jq -r .msg "$LOG"
	assert_output --partial 'a "quoted"'
	assert_output --partial 'second line'
}

@test "json log without --log: the error goes to stderr as a JSON line" {
	run -1 --separate-stderr "$VESSEL" --root "$ROOT" --log-format json state nosuch
	run -0 jq -e '.level == "error" and .msg == "container \"nosuch\" does not exist"' <<<"$stderr"
}

@test "text log: runc's logrus format, time=... level=... msg=..." {
	run -1 "$VESSEL" --root "$ROOT" --log "$TEST_DIR/log.txt" state nosuch
	assert_equal "$(wc -l <"$TEST_DIR/log.txt")" 1
	run -0 cat "$TEST_DIR/log.txt"
	assert_output --regexp '^time="[0-9T:.Z+-]+" level=error msg="container \\"nosuch\\" does not exist"$'
}

@test "--debug: debug lines in the log, each a JSON object of level debug" {
	update_config '.hooks.createRuntime = [{"path": "/bin/true"}]'
	VESSEL_TEST_TAG=$TAG "$VESSEL" --root "$ROOT" --log "$LOG" --log-format json --debug run --bundle "$BUNDLE" l1 </dev/null 3>&- ||
		fail "run failed"
	assert_json_lines "$LOG"
	run -0 jq -r 'select(.level == "debug") | .msg' "$LOG"
	assert_output --partial "createRuntime hook #0"
}

@test "--debug: a plain create and start log what they do" {
	VESSEL_TEST_TAG=$TAG "$VESSEL" --root "$ROOT" --log "$LOG" --log-format json --debug run --bundle "$BUNDLE" l1 </dev/null 3>&- ||
		fail "run failed"
	assert_json_lines "$LOG"
	run -0 jq -r 'select(.level == "debug") | .msg' "$LOG"
	[ "${#lines[@]}" -ge 1 ] || fail "no debug line for a whole run"
}

@test "without --debug there are no debug lines" {
	update_config '.hooks.createRuntime = [{"path": "/bin/true"}]'
	VESSEL_TEST_TAG=$TAG "$VESSEL" --root "$ROOT" --log "$LOG" --log-format json run --bundle "$BUNDLE" l1 </dev/null 3>&- ||
		fail "run failed"
	run -0 jq -r 'select(.level == "debug") | .msg' "$LOG"
	assert_output ""
}

@test "--debug in text format: level=debug lines" {
	update_config '.hooks.createRuntime = [{"path": "/bin/true"}]'
	VESSEL_TEST_TAG=$TAG "$VESSEL" --root "$ROOT" --log "$TEST_DIR/log.txt" --debug run --bundle "$BUNDLE" l1 </dev/null 3>&- ||
		fail "run failed"
	run -0 grep -c 'level=debug msg=' "$TEST_DIR/log.txt"
	[ "$output" -ge 1 ] || fail "no debug line"
	run -1 grep -v '^time="[^"]*" level=[a-z]* msg=' "$TEST_DIR/log.txt"
}
