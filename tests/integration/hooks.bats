#!/usr/bin/env bats
# Hooks: the six kinds, the state they get, args/env/timeout, failures.

load helpers

setup() {
	vessel_setup
	HOOK=$TEST_DIR/hook.sh
	HOOK_LOG=$TEST_DIR/hooks.log
	# hook.sh KIND: append "KIND <state JSON>" and where it ran to the log
	cat >"$HOOK" <<'EOF'
#!/bin/sh
state=$(cat)
printf '%s\t%s\t%s\t%s\n' "$1" "$state" "$(readlink /proc/self/ns/mnt)" "$(env | grep -v -e '^PWD=' -e '^SHLVL=' -e '^_=' | sort | tr '\n' ' ')" >>"$HOOK_LOG"
EOF
	chmod 0755 "$HOOK"
	export HOOK HOOK_LOG
	update_config '.annotations = {"org.example/a": "b"} | .root.readonly = false'
}

# hook_json KIND: a hook entry running hook.sh KIND.
hook_json() {
	echo "{\"path\": \"$HOOK\", \"args\": [\"hook.sh\", \"$1\"], \"env\": [\"HOOK_LOG=$HOOK_LOG\", \"PATH=/usr/bin:/bin\"]}"
}

# add_hook KIND [JSON]: append a hook of KIND (by default hook.sh KIND).
add_hook() {
	local j=${2:-$(hook_json "$1")}
	update_config ".hooks.$1 = ((.hooks.$1 // []) + [$j])"
}

# hook_field KIND FILTER: a field of the state the hook of KIND got.
hook_field() {
	awk -F'\t' -v k="$1" '$1 == k {print $2}' "$HOOK_LOG" | jq -r "$2"
}

# hook_kinds: the kinds in the log, in order.
hook_kinds() { [ -f "$HOOK_LOG" ] && cut -f1 "$HOOK_LOG" | tr '\n' ' '; }

# start_hook_json: a startContainer hook (it runs in the container: its
# path is the container's /bin/sh).
start_hook_json='{"path": "/bin/sh", "args": ["sh", "-c", "{ cat; echo; readlink /proc/self/ns/mnt; hostname; } >/start.out"]}'

@test "the hooks run at the right steps: create, start, delete" {
	local k
	for k in prestart createRuntime createContainer poststart poststop; do add_hook $k; done
	add_hook startContainer "$start_hook_json"
	update_config '.hostname = "hooked"'
	local ready
	ready=$(mk_fifo ready)
	set_sh 'echo up >/ready; exec sleep 100'
	run -0 create_ct h1
	assert_equal "$(hook_kinds)" "prestart createRuntime createContainer "
	assert_file_not_exist "$BUNDLE/rootfs/start.out"
	run -0 vessel start h1
	# startContainer runs in the container before its program, after start
	# released it: the program's first words mean the hook is done
	run -0 read_fifo "$ready"
	assert_equal "$(hook_kinds)" "prestart createRuntime createContainer poststart "
	assert_file_exist "$BUNDLE/rootfs/start.out"
	run -0 vessel delete -f h1
	assert_equal "$(hook_kinds)" "prestart createRuntime createContainer poststart poststop "
}

@test "each hook gets the state: id, bundle, annotations, ociVersion, status and pid" {
	local k
	for k in prestart createRuntime createContainer poststart poststop; do add_hook $k; done
	set_sh 'exec sleep 100'
	run -0 create_ct h1
	local pid
	pid=$(ct_pid h1)
	run -0 vessel start h1
	run -0 vessel delete -f h1
	for k in prestart createRuntime createContainer poststart poststop; do
		assert_equal "$(hook_field $k .id)" h1
		assert_equal "$(hook_field $k .bundle)" "$BUNDLE"
		assert_equal "$(hook_field $k '.annotations["org.example/a"]')" b
		assert_equal "$(hook_field $k .ociVersion)" "$(jq -r .ociVersion "$BUNDLE/config.json")"
	done
	for k in prestart createRuntime createContainer; do
		assert_equal "$(hook_field $k .status)" creating
		assert_equal "$(hook_field $k .pid)" "$pid"
	done
	assert_equal "$(hook_field poststart .status)" running
	assert_equal "$(hook_field poststart .pid)" "$pid"
	assert_equal "$(hook_field poststop .status)" stopped
}

@test "startContainer runs inside the container: its mount namespace, its hostname, state created" {
	add_hook startContainer "$start_hook_json"
	update_config '.hostname = "inside"'
	local ready
	ready=$(mk_fifo ready)
	set_sh 'echo up >/ready; exec sleep 100'
	run -0 create_ct h1
	local pid
	pid=$(ct_pid h1)
	run -0 vessel start h1
	run -0 read_fifo "$ready"
	run -0 cat "$BUNDLE/rootfs/start.out"
	assert_equal "$(jq -r .status <<<"${lines[0]}")" created
	assert_equal "$(jq -r .id <<<"${lines[0]}")" h1
	assert_line --index 1 "$(readlink "/proc/$pid/ns/mnt")"
	assert_line --index 2 inside
}

@test "prestart, createRuntime and poststart run in the runtime's mount namespace; createContainer in the container's" {
	local k
	for k in prestart createRuntime createContainer poststart; do add_hook $k; done
	set_sh 'exec sleep 100'
	run -0 create_ct h1
	local pid
	pid=$(ct_pid h1)
	run -0 vessel start h1
	local host_mnt
	host_mnt=$(readlink /proc/self/ns/mnt)
	for k in prestart createRuntime poststart; do
		assert_equal "$(awk -F'\t' -v k=$k '$1 == k {print $3}' "$HOOK_LOG")" "$host_mnt"
	done
	assert_equal "$(awk -F'\t' '$1 == "createContainer" {print $3}' "$HOOK_LOG")" "$(readlink "/proc/$pid/ns/mnt")"
}

@test "prestart and createRuntime see the container's new network namespace (the CNI step)" {
	cat >"$TEST_DIR/netns-hook" <<EOF
#!/bin/sh
pid=\$(sed 's/.*"pid":\([0-9]*\).*/\1/')
readlink /proc/\$pid/ns/net >$TEST_DIR/netns-seen
EOF
	chmod 0755 "$TEST_DIR/netns-hook"
	add_hook createRuntime "{\"path\": \"$TEST_DIR/netns-hook\"}"
	set_sh 'readlink /proc/self/ns/net'
	run -0 vessel run --bundle "$BUNDLE" h1
	assert_equal "$(cat "$TEST_DIR/netns-seen")" "$output"
	[ "$output" != "$(readlink /proc/self/ns/net)" ] || fail "not a new network namespace"
}

@test "hook args: args[0] is argv[0], the rest follow" {
	add_hook createRuntime "{\"path\": \"/bin/sh\", \"args\": [\"sh\", \"-c\", \"echo \\\"\$0|\$1|\$2\\\" >$TEST_DIR/args\", \"zero\", \"one\", \"two words\"]}"
	set_args true
	run -0 vessel run --bundle "$BUNDLE" h1
	assert_file_contains "$TEST_DIR/args" '^zero|one|two words$'
}

@test "hook env: exactly the hook's env, nothing of the runtime's" {
	add_hook createRuntime
	set_args true
	run -0 vessel run --bundle "$BUNDLE" h1
	run -0 awk -F'\t' '$1 == "createRuntime" {print $4}' "$HOOK_LOG"
	assert_output "HOOK_LOG=$HOOK_LOG PATH=/usr/bin:/bin "
}

@test "hook without env: the runtime's environment, as runc and crun give it" {
	add_hook createRuntime "{\"path\": \"$HOOK\", \"args\": [\"hook.sh\", \"createRuntime\"]}"
	add_hook poststop "{\"path\": \"$HOOK\", \"args\": [\"hook.sh\", \"poststop\"]}"
	set_args true
	HOOK_MARK=from-the-caller PATH=/usr/sbin:/usr/bin:/sbin:/bin run -0 vessel run --bundle "$BUNDLE" h1
	run -0 awk -F'\t' '$1 == "createRuntime" {print $4}' "$HOOK_LOG"
	assert_output --partial "HOOK_MARK=from-the-caller "
	assert_output --partial "PATH=/usr/sbin:/usr/bin:/sbin:/bin "
	run -0 awk -F'\t' '$1 == "poststop" {print $4}' "$HOOK_LOG"
	assert_output --partial "HOOK_MARK=from-the-caller "
}

@test "hook with an empty env: an empty environment" {
	update_config ".hooks.createRuntime = [{\"path\": \"/bin/sh\", \"args\": [\"sh\", \"-c\", \"/usr/bin/env >$TEST_DIR/env.out\"], \"env\": []}]"
	set_args true
	HOOK_MARK=x run -0 vessel run --bundle "$BUNDLE" h1
	assert_file_exist "$TEST_DIR/env.out"
	assert_equal "$(grep -v -e '^PWD=' -e '^SHLVL=' -e '^_=' "$TEST_DIR/env.out")" ""
}

@test "createContainer and startContainer hooks without env get the process's environment" {
	update_config '.process.env = ["ONE=two", "PATH=/bin:/usr/bin"]'
	printf '#!/bin/sh\necho "$ONE" >%s/cc.env\n' "$TEST_DIR" >"$TEST_DIR/cc.sh"
	printf '#!/bin/sh\necho "$ONE $HOME" >/sc.env\n' >"$BUNDLE/rootfs/sc.sh"
	chmod 0755 "$TEST_DIR/cc.sh" "$BUNDLE/rootfs/sc.sh"
	add_hook createContainer "{\"path\": \"$TEST_DIR/cc.sh\"}"
	add_hook startContainer '{"path": "/sc.sh"}'
	set_args true
	HOOK_MARK=x run -0 vessel run --bundle "$BUNDLE" h1
	assert_file_contains "$TEST_DIR/cc.env" '^two$'
	assert_file_contains "$BUNDLE/rootfs/sc.env" '^two /root$'
}

@test "hook without args: runs with argv[0] = path" {
	cat >"$TEST_DIR/argv0" <<EOF
#!/bin/sh
echo "\$0 \$#" >$TEST_DIR/argv0.out
EOF
	chmod 0755 "$TEST_DIR/argv0"
	add_hook createRuntime "{\"path\": \"$TEST_DIR/argv0\"}"
	set_args true
	run -0 vessel run --bundle "$BUNDLE" h1
	assert_file_contains "$TEST_DIR/argv0.out" "^$TEST_DIR/argv0 0\$"
}

@test "hooks of one kind run in order" {
	local i
	for i in 1 2 3; do
		add_hook createRuntime "{\"path\": \"/bin/sh\", \"args\": [\"sh\", \"-c\", \"echo $i >>$TEST_DIR/order\"]}"
	done
	set_args true
	run -0 vessel run --bundle "$BUNDLE" h1
	assert_equal "$(tr '\n' ' ' <"$TEST_DIR/order")" "1 2 3 "
}

@test "hook timeout: a hook past its timeout fails create, quickly, and is killed" {
	add_hook createRuntime "{\"path\": \"/bin/sh\", \"args\": [\"sh\", \"-c\", \"echo \$\$ >$TEST_DIR/hook.pid; exec sleep 100\"], \"timeout\": 1}"
	set_args true
	local t0=$SECONDS
	run -1 create_ct h1
	[ $((SECONDS - t0)) -le 5 ] || fail "create took $((SECONDS - t0))s with a 1s hook timeout"
	assert_output "$RT_NAME: error running createRuntime hook #0: \"/bin/sh\": timed out after 1 seconds"
	local hp
	hp=$(cat "$TEST_DIR/hook.pid")
	wait_pid "$hp" 2 || fail "the timed-out hook $hp still runs"
	assert_nothing_left h1
}

@test "a failing prestart hook fails create, names the hook, leaves nothing behind" {
	add_hook prestart '{"path": "/bin/false"}'
	set_args true
	run -1 create_ct h1
	assert_output "$RT_NAME: error running prestart hook #0: \"/bin/false\": exit status 1"
	assert_nothing_left h1
}

@test "a failing createRuntime hook fails create with its stderr, leaves nothing behind" {
	add_hook createRuntime '{"path": "/bin/sh", "args": ["sh", "-c", "echo no network >&2; exit 3"]}'
	set_args true
	run -1 create_ct h1
	assert_output "$RT_NAME: error running createRuntime hook #0: \"/bin/sh\": exit status 3, stderr: no network"
	assert_nothing_left h1
}

@test "a failing createContainer hook fails create, names the hook, leaves nothing behind" {
	add_hook createRuntime
	add_hook createContainer '{"path": "/bin/false"}'
	set_args true
	run -1 create_ct h1
	assert_output "$RT_NAME: unable to start container process: error running createContainer hook #0: \"/bin/false\": exit status 1"
	assert_nothing_left h1
	# the second hook did run
	assert_equal "$(hook_kinds)" "createRuntime "
}

@test "a failing second hook: the first ran, create fails naming hook #1" {
	add_hook createRuntime
	add_hook createRuntime '{"path": "/bin/false"}'
	set_args true
	run -1 create_ct h1
	assert_output "$RT_NAME: error running createRuntime hook #1: \"/bin/false\": exit status 1"
	assert_nothing_left h1
}

@test "a hook that does not exist fails create and names its path" {
	add_hook createRuntime "{\"path\": \"$TEST_DIR/nosuch\"}"
	set_args true
	run -1 create_ct h1
	assert_output --partial "$TEST_DIR/nosuch"
	assert_output --partial "no such file or directory"
	assert_nothing_left h1
}

@test "a hook with a relative path is a config error" {
	add_hook createRuntime '{"path": "bin/true"}'
	set_args true
	run -1 create_ct h1
	assert_output "$RT_NAME: config.json: hooks.createRuntime[0].path: \"bin/true\" is not an absolute path"
	assert_nothing_left h1
}

@test "a failing startContainer hook stops the container before its program runs, and says why" {
	# The hook runs in the container after start released it: like runc, the
	# error goes to the container's stderr and the container stops.
	add_hook startContainer '{"path": "/bin/false"}'
	set_sh 'touch /ran; exec sleep 100'
	run -0 create_ct h1
	local pid
	pid=$(ct_pid h1)
	# start only releases the container, as runc's does: it succeeds
	run -0 vessel start h1
	assert_output ""
	wait_pid "$pid" || fail "the container still runs after its startContainer hook failed"
	assert_equal "$(ct_status h1)" stopped
	assert_file_not_exist "$BUNDLE/rootfs/ran"
	assert_file_contains "$TEST_DIR/h1.err" 'error running startContainer hook #0: "/bin/false": exit status 1'
	return 0
}

@test "a failing poststart hook is a warning: start succeeds, the container runs" {
	add_hook poststart '{"path": "/bin/false"}'
	set_sh 'exec sleep 100'
	run -0 create_ct h1
	run -0 --separate-stderr vessel start h1
	assert_equal "$stderr" "$RT_NAME: warning: error running poststart hook #0: \"/bin/false\": exit status 1"
	assert_equal "$(ct_status h1)" running
}

@test "a failing poststop hook is a warning: delete succeeds and removes everything" {
	add_hook poststop '{"path": "/bin/false"}'
	set_sh 'exec sleep 100'
	run -0 run_d h1
	run -0 --separate-stderr vessel delete -f h1
	assert_equal "$stderr" "$RT_NAME: warning: error running poststop hook #0: \"/bin/false\": exit status 1"
	assert_nothing_left h1
}

@test "poststart runs after the program's execve, not while startContainer hooks run" {
	# The poststart hook records what the container's init is executing: it
	# must be the program already (a slow startContainer hook in front of it
	# holds the init back).
	printf '#!/bin/sh\npid=$(jq -r .pid)\ntr "\\\\0" " " </proc/$pid/cmdline >%s/poststart.cmdline\n' "$TEST_DIR" >"$TEST_DIR/ps.sh"
	chmod 0755 "$TEST_DIR/ps.sh"
	add_hook startContainer '{"path": "/bin/sh", "args": ["sh", "-c", "sleep 1"]}'
	add_hook poststart "{\"path\": \"$TEST_DIR/ps.sh\"}"
	set_args sleep 100
	run -0 create_ct h1
	run -0 vessel start h1
	assert_file_contains "$TEST_DIR/poststart.cmdline" '^sleep 100 $'
}

@test "a failing poststop hook: a warning, the hooks after it still run, delete finishes" {
	add_hook poststop '{"path": "/bin/false"}'
	add_hook poststop
	set_sh 'exec sleep 100'
	run -0 run_d h1
	run -0 --separate-stderr vessel delete -f h1
	assert_equal "$stderr" "$RT_NAME: warning: error running poststop hook #0: \"/bin/false\": exit status 1"
	assert_equal "$(hook_kinds)" "poststop "
	assert_nothing_left h1
}

@test "a failing poststart hook: the hooks after it still run" {
	add_hook poststart '{"path": "/bin/false"}'
	add_hook poststart
	set_sh 'exec sleep 100'
	run -0 create_ct h1
	run -0 --separate-stderr vessel start h1
	assert_equal "$(hook_kinds)" "poststart "
	assert_equal "$(ct_status h1)" running
}

@test "poststop runs when a foreground run ends" {
	add_hook poststop
	set_args true
	run -0 vessel run --bundle "$BUNDLE" h1
	assert_equal "$(hook_kinds)" "poststop "
	assert_equal "$(hook_field poststop .status)" stopped
}

@test "poststop runs once even when delete -f is repeated" {
	add_hook poststop
	set_sh 'exec sleep 100'
	run -0 run_d h1
	run -0 vessel delete -f h1
	run -0 vessel delete -f h1
	assert_equal "$(hook_kinds)" "poststop "
}

@test "hooks run with the runtime's working directory set to the bundle" {
	add_hook createRuntime "{\"path\": \"/bin/sh\", \"args\": [\"sh\", \"-c\", \"pwd >$TEST_DIR/cwd\"]}"
	set_args true
	cd /
	run -0 vessel run --bundle "$BUNDLE" h1
	assert_file_contains "$TEST_DIR/cwd" "^$BUNDLE\$"
}

# big_annotation: a state larger than a pipe's buffer, so that a hook that
# does not read its stdin makes the runtime's write fail (EPIPE).
big_annotation() {
	local f=$BUNDLE/config.json
	"$PYTHON" -c 'import json, sys
c = json.load(open(sys.argv[1])); c["annotations"] = {"big": "a" * 200000}
json.dump(c, open(sys.argv[1], "w"))' "$f"
}

@test "hooks that do not read their stdin (a state larger than a pipe) do not kill create" {
	big_annotation
	update_config '.hooks = {"prestart": [{"path": "/bin/true"}], "createRuntime": [{"path": "/bin/true"}], "createContainer": [{"path": "/bin/true"}]}'
	set_sh 'exec sleep 100'
	run -0 create_ct h1
	assert_equal "$(ct_status h1)" created
}

@test "hooks that do not read their stdin do not kill start (poststart) or delete (poststop)" {
	big_annotation
	update_config '.hooks = {"poststart": [{"path": "/bin/true"}], "poststop": [{"path": "/bin/true"}]}'
	set_sh 'exec sleep 100'
	run -0 create_ct h1
	run -0 --separate-stderr vessel start h1
	assert_equal "$(ct_status h1)" running
	run -0 --separate-stderr vessel delete -f h1
	assert_nothing_left h1
}
