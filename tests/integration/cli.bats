#!/usr/bin/env bats
# The command line: help, version, usage errors, every flag spelling.

load helpers

VERBS=(checkpoint create delete events exec kill list pause ps restore resume run spec start state update features)

# first_line TEXT: the first line of TEXT.
first_line() { printf '%s\n' "$1" | head -n 1; }

@test "--version prints version, commit, spec and libseccomp lines" {
	run -0 --separate-stderr "$VESSEL" --version
	assert_equal "$stderr" ""
	assert_equal "${#lines[@]}" 4
	assert_regex "${lines[0]}" "^$RT_NAME version [0-9]+\.[0-9]+\.[0-9]+"
	assert_regex "${lines[1]}" '^commit: [0-9a-zA-Z.+-]+$'
	assert_equal "${lines[2]}" "spec: 1.3.0"
	local seccomp
	seccomp=$(dpkg-query -W -f '${Version}' libseccomp2 | sed 's/-.*//')
	assert_equal "${lines[3]}" "libseccomp: $seccomp"
}

@test "-v is --version" {
	run -0 "$VESSEL" --version
	local want=$output
	run -0 "$VESSEL" -v
	assert_equal "$output" "$want"
}

@test "--help, -h, help and h print the usage to stdout with every verb" {
	local how
	for how in --help -h help h; do
		run -0 --separate-stderr "$VESSEL" $how
		assert_equal "$stderr" ""
		assert_line "USAGE:"
		assert_line "COMMANDS:"
		assert_line "GLOBAL OPTIONS:"
		local v
		for v in "${VERBS[@]}"; do
			assert_line --regexp "^   $v +[a-z]"
		done
	done
}

@test "no verb prints the usage and exits 0, like runc" {
	run -0 --separate-stderr "$VESSEL"
	assert_line "COMMANDS:"
}

@test "the usage lists every global flag runc has" {
	run -0 "$VESSEL" --help
	local f
	for f in --debug "--log value" "--log-format value" "--root value" "--criu value" \
		--systemd-cgroup "--rootless value" "--help, -h" "--version, -v"; do
		assert_line --regexp "^   $f  "
	done
}

@test "--help after a global flag prints the usage" {
	run -0 --separate-stderr "$VESSEL" --root "$TEST_DIR/r" --help
	assert_line "COMMANDS:"
	run -0 --separate-stderr "$VESSEL" --root="$TEST_DIR/r" --help
	assert_line "COMMANDS:"
	run -0 --separate-stderr "$VESSEL" --debug --help
	assert_line "COMMANDS:"
	run -0 --separate-stderr "$VESSEL" --log "$TEST_DIR/log" --help
	assert_line "COMMANDS:"
}

@test "-v after a global flag prints the version" {
	run -0 "$VESSEL" --root "$TEST_DIR/r" -v
	assert_line --index 0 --regexp "^$RT_NAME version "
}

@test "VERB --help, VERB -h, help VERB and h VERB print the verb's usage" {
	local v how
	for v in "${VERBS[@]}"; do
		for how in "$v --help" "$v -h" "help $v" "h $v"; do
			run -0 --separate-stderr "$VESSEL" $how
			assert_equal "$stderr" ""
			assert_line --index 0 "NAME:"
			assert_line --index 1 --regexp "^   $RT_NAME $v - [a-z]"
			assert_line "USAGE:"
			assert_line --regexp "^   $RT_NAME $v( |\$)"
		done
	done
}

@test "help of an unknown verb is a usage error" {
	run -1 --separate-stderr "$VESSEL" help nosuchverb
	assert_equal "$(first_line "$stderr")" "$RT_NAME: no help topic for 'nosuchverb'"
	assert_equal "$output" ""
}

@test "an unknown verb is a usage error, exit 1" {
	run -1 --separate-stderr "$VESSEL" --root "$ROOT" nosuchverb
	assert_equal "$(first_line "$stderr")" "$RT_NAME: unknown command \"nosuchverb\""
	assert_equal "$output" ""
	assert_not_exist "$ROOT"
}

@test "an unknown global flag is a usage error, exit 1" {
	run -1 --separate-stderr "$VESSEL" --nosuchflag list
	assert_equal "$(first_line "$stderr")" "$RT_NAME: flag provided but not defined: -nosuchflag"
	assert_equal "$output" ""
	run -1 --separate-stderr "$VESSEL" -x list
	assert_equal "$(first_line "$stderr")" "$RT_NAME: flag provided but not defined: -x"
}

@test "an unknown verb flag is a usage error with the verb's usage, exit 1" {
	local v
	for v in create run start delete kill state list spec features; do
		run -1 --separate-stderr "$VESSEL" --root "$ROOT" "$v" --nosuchflag x
		assert_equal "$(first_line "$stderr")" "$RT_NAME: flag provided but not defined: -nosuchflag"
		[[ "$stderr" == *"USAGE:"*"$RT_NAME $v"* ]] || fail "no usage of $v on stderr: $stderr"
		assert_equal "$output" ""
	done
}

@test "an unknown short flag in a cluster is a usage error" {
	run -1 --separate-stderr "$VESSEL" --root "$ROOT" list -qx
	assert_equal "$(first_line "$stderr")" "$RT_NAME: flag provided but not defined: -qx"
}

@test "a flag without its value is a usage error, as runc words it" {
	run -1 --separate-stderr "$VESSEL" --root
	assert_equal "$(first_line "$stderr")" "$RT_NAME: flag needs an argument: -root"
	run -1 --separate-stderr "$VESSEL" --root "$ROOT" create --bundle
	assert_equal "$(first_line "$stderr")" "$RT_NAME: flag needs an argument: -bundle"
	run -1 --separate-stderr "$VESSEL" --root "$ROOT" create -b
	assert_equal "$(first_line "$stderr")" "$RT_NAME: flag needs an argument: -b"
	run -1 --separate-stderr "$VESSEL" --root "$ROOT" list --format
	assert_equal "$(first_line "$stderr")" "$RT_NAME: flag needs an argument: -format"
}

@test "a bad boolean flag value is a usage error, as runc words it" {
	run -1 --separate-stderr "$VESSEL" --debug=maybe list
	assert_equal "$(first_line "$stderr")" "$RT_NAME: invalid boolean value \"maybe\" for -debug: parse error"
	run -1 --separate-stderr "$VESSEL" --root "$ROOT" delete --force=maybe x
	assert_equal "$(first_line "$stderr")" "$RT_NAME: invalid boolean value \"maybe\" for -force: parse error"
}

@test "wrong argument counts name the verb and the rule, exit 1" {
	local -A cases=(
		["state"]='"state" requires exactly 1 argument(s)'
		["state a b"]='"state" requires exactly 1 argument(s)'
		["start"]='"start" requires exactly 1 argument(s)'
		["create"]='"create" requires exactly 1 argument(s)'
		["create a b"]='"create" requires exactly 1 argument(s)'
		["run"]='"run" requires exactly 1 argument(s)'
		["delete"]='"delete" requires exactly 1 argument(s)'
		["kill"]='"kill" requires a minimum of 1 argument(s)'
		["kill -a"]='"kill" requires a minimum of 1 argument(s)'
		["kill a b c"]='"kill" requires a maximum of 2 argument(s)'
		["list x"]='"list" requires exactly 0 argument(s)'
		["spec x"]='"spec" requires exactly 0 argument(s)'
		["features x"]='"features" requires exactly 0 argument(s)'
	)
	local c
	for c in "${!cases[@]}"; do
		run -1 --separate-stderr "$VESSEL" --root "$ROOT" $c
		assert_equal "$(first_line "$stderr")" "$RT_NAME: ${cases[$c]}"
		[[ "$stderr" == *"USAGE:"* ]] || fail "$c: no usage on stderr"
		assert_equal "$output" ""
	done
	assert_not_exist "$ROOT"
}

@test "--log-format other than text or json is an error" {
	run -1 --separate-stderr "$VESSEL" --log-format xml list
	assert_equal "$(first_line "$stderr")" "$RT_NAME: invalid log-format: xml"
}

@test "list --format other than table or json is an error" {
	run -1 --separate-stderr "$VESSEL" --root "$ROOT" list --format xml
	assert_regex "$(first_line "$stderr")" "^$RT_NAME: invalid format option"
	assert_equal "$output" ""
}

@test "invalid container ids are refused by every verb" {
	local v id
	for v in state start kill delete; do
		for id in a/b .. . 'a b' 'a:b' 'a\b' "$(printf 'a\nb')"; do
			run -1 --separate-stderr "$VESSEL" --root "$ROOT" "$v" -- "$id"
			assert_regex "$(first_line "$stderr")" "^$RT_NAME: invalid container id format"
		done
	done
	run -1 --separate-stderr "$VESSEL" --root "$ROOT" state -- ''
	assert_equal "$(first_line "$stderr")" "$RT_NAME: container id cannot be empty"
	run -1 --separate-stderr vessel create --bundle "$BUNDLE" 'a/b'
	assert_regex "$(first_line "$stderr")" "^$RT_NAME: invalid container id format"
	assert_not_exist "$ROOT/a"
}

@test "a container id cannot forge log lines: it is escaped in every format" {
	local id
	id=$(printf 'x\nlevel=error msg="forged"\rvessel: forged')
	run -1 --separate-stderr "$VESSEL" --root "$ROOT" state -- "$id"
	assert_equal "$output" ""
	assert_equal "$stderr" "$RT_NAME: invalid container id format: \"x\\nlevel=error msg=\\\"forged\\\"\\rvessel: forged\""
	run -1 --separate-stderr "$VESSEL" --root "$ROOT" --log "$TEST_DIR/log" state -- "$id"
	run -0 wc -l <"$TEST_DIR/log"
	assert_output 1
	run -0 grep -c forged "$TEST_DIR/log"
	assert_output 1
	run -1 --separate-stderr "$VESSEL" --root "$ROOT" --log "$TEST_DIR/log.json" --log-format json state -- "$id"
	run -0 jq -r .msg "$TEST_DIR/log.json"
	assert_output "invalid container id format: \"x\\nlevel=error msg=\\\"forged\\\"\\rvessel: forged\""
}

@test "checkpoint and restore say they are not implemented, exit 1" {
	run -1 --separate-stderr "$VESSEL" --root "$ROOT" checkpoint x
	assert_equal "$stderr" "$RT_NAME: checkpoint: not implemented yet"
	run -1 --separate-stderr "$VESSEL" --root "$ROOT" restore x
	assert_equal "$stderr" "$RT_NAME: restore: not implemented yet"
	run -0 "$VESSEL" --help
	assert_line --regexp '^   checkpoint +.*\(not implemented yet\)$'
	assert_line --regexp '^   restore +.*\(not implemented yet\)$'
	run -0 "$VESSEL" checkpoint --help
	assert_output --partial "not implemented yet"
}

@test "every verb that says it is not implemented is marked so in --help" {
	local v
	for v in "${VERBS[@]}"; do
		run --separate-stderr "$VESSEL" --root "$ROOT" "$v" nosuchcontainer x
		if [[ "$stderr" == *"not implemented yet"* ]]; then
			run -0 "$VESSEL" --help
			assert_line --regexp "^   $v +.*\(not implemented yet\)\$"
			run -0 "$VESSEL" "$v" --help
			assert_output --partial "not implemented yet"
		fi
	done
}

@test "--root value, --root=value, -root value and -root=value all set the root" {
	set_args true
	local how n=0 r
	for how in "--root R" "--root=R" "-root R" "-root=R"; do
		n=$((n + 1))
		r=$TEST_DIR/r$n
		# shellcheck disable=SC2086
		VESSEL_TEST_TAG=$TAG "$VESSEL" ${how//R/$r} create --bundle "$BUNDLE" "c$n" \
			</dev/null >/dev/null 2>"$TEST_DIR/err" 3>&- || fail "create with '$how': $(cat "$TEST_DIR/err")"
		[ -f "$r/c$n/state.json" ] || fail "'$how' did not put the state under $r"
		run -0 "$VESSEL" --root "$r" delete -f "c$n"
		assert_not_exist "$r/c$n"
	done
}

@test "spec --bundle value, --bundle=value, -bundle value, -b value and -b=value" {
	local how n=0
	for how in "--bundle D" "--bundle=D" "-bundle D" "-b D" "-b=D"; do
		n=$((n + 1))
		mkdir "$TEST_DIR/s$n"
		# shellcheck disable=SC2086
		run -0 "$VESSEL" spec ${how//D/$TEST_DIR/s$n}
		assert_file_exist "$TEST_DIR/s$n/config.json"
	done
}

@test "create -b, --bundle=, -bundle and -pid-file=, --pid-file" {
	set_args true
	run -0 create_ct a -b "$BUNDLE" --pid-file "$TEST_DIR/a.pid"
	run -0 create_ct b --bundle="$BUNDLE" --pid-file="$TEST_DIR/b.pid"
	run -0 create_ct c -bundle "$BUNDLE" -pid-file "$TEST_DIR/c.pid"
	run -0 create_ct d -bundle="$BUNDLE" -pid-file="$TEST_DIR/d.pid"
	local id
	for id in a b c d; do
		assert_equal "$(ct_status $id)" created
		assert_equal "$(cat "$TEST_DIR/$id.pid")" "$(ct_pid $id)"
	done
}

@test "create accepts every flag runc's create has" {
	set_args true
	run -0 create_ct a --no-pivot --no-new-keyring --preserve-fds 0 --pid-file "$TEST_DIR/p"
	assert_equal "$(ct_status a)" created
	run -0 create_ct b --no-pivot=true --no-new-keyring=false --preserve-fds=0
	assert_equal "$(ct_status b)" created
}

@test "flags may follow the container id, like runc" {
	set_sh 'sleep 100'
	run -0 bg_verb create a --bundle "$BUNDLE"
	assert_equal "$(ct_status a)" created
	run -0 vessel delete a -f
	assert_not_exist "$ROOT/a"
}

@test "kill -a and kill --all=true signal the container" {
	set_sh 'sleep 100'
	run -0 run_d a
	local pid
	pid=$(ct_pid a)
	run -0 vessel kill -a a KILL
	wait_pid "$pid" || fail "kill -a did not kill $pid"
	run -0 run_d b
	pid=$(ct_pid b)
	run -0 vessel kill --all=true b 9
	wait_pid "$pid" || fail "kill --all=true did not kill $pid"
}

@test "delete -f, --force and -force remove a running container" {
	set_sh 'sleep 100'
	local id how pid
	for how in -f --force -force --force=true; do
		id=c${how//[-=]/}
		run -0 run_d "$id"
		pid=$(ct_pid "$id")
		run -0 vessel delete $how "$id"
		assert_not_exist "$ROOT/$id"
		wait_pid "$pid" || fail "delete $how left $pid running"
	done
}

@test "list -q, --quiet, -quiet and --format=json, -format json, -f json" {
	set_args true
	run -0 create_ct a
	local how
	for how in -q --quiet -quiet --quiet=true; do
		run -0 vessel list $how
		assert_output a
	done
	for how in --format=json "-format json" "--format json" "-f json"; do
		# shellcheck disable=SC2086
		run -0 vessel list $how
		assert_equal "$(jq -r '.[].id' <<<"$output")" a
	done
}

@test "global flags may be spelled -log, -log-format=json, -debug" {
	run -1 "$VESSEL" -root "$ROOT" -log "$TEST_DIR/log.json" -log-format=json -debug state nosuch
	run -0 jq -r 'select(.level == "error") | .msg' "$TEST_DIR/log.json"
	assert_output 'container "nosuch" does not exist'
	run -1 "$VESSEL" -root "$ROOT" -log="$TEST_DIR/log.txt" -log-format text state nosuch
	assert_file_contains "$TEST_DIR/log.txt" 'does not exist'
}
