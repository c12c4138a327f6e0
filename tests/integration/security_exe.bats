#!/usr/bin/env bats
# security_exe.bats - CVE-2019-5736 as the published exploit does it: a
# container overwrites the runtime's binary on the host through
# /proc/<pid>/exe.  Each test runs the exploit (attacks/cve_2019_5736.c)
# against a copy of the runtime, checks that the exploit really held the
# runtime's binary (it saves what its handle points at), keeps it trying for
# seconds after the runtime's process on the host has exited, and asserts the
# harm did not happen: the copy is byte for byte what it was and no write
# went through.
#
#   exec   the container's pid 1 replaces /bin/sh with "#!/proc/self/exe" and
#          spins on /proc/<pid>/exe; the host runs `exec CTR /bin/sh`, and the
#          kernel runs the runtime's binary as the script's interpreter.
#   image  the container's program is /proc/self/exe with LD_PRELOAD=/evil.so:
#          pid 1 is the runtime's binary, running the attacker's constructor.
#
# Root and rootless; rootless with a binary the user owns (so could write)
# and with one owned by root.

load security_helpers

ROOTLESS_USER=vessel-rootless

setup_file() {
	sec_setup_file cve_2019_5736
	gcc -shared -fPIC -O1 -o "$FILE_DIR/bin/evil.so" "$ATTACKS/cve_2019_5736_preload.c" ||
		{ echo "# cannot build attacks/cve_2019_5736_preload.c" >&3; return 1; }
	if ! id "$ROOTLESS_USER" >/dev/null 2>&1; then
		useradd --no-create-home --shell /bin/sh "$ROOTLESS_USER"
		touch "$FILE_DIR/made-user"
	fi
}

teardown_file() {
	[ -e "$FILE_DIR/made-user" ] && userdel "$ROOTLESS_USER"
	vessel_teardown_file
}

setup() {
	sec_setup
	RUNNER=rt
	PIDFILE=$TEST_DIR/ct.pid
}

teardown() {
	local d
	if [ "$RUNNER" = rt_user ]; then
		for d in "$XDG"/vessel/*/; do
			[ -d "$d" ] && rt_user delete -f "$(basename "$d")" >/dev/null 2>&1
		done
	fi
	sec_teardown
}

# rt_user ARGS...: the runtime copy $RT as the unprivileged user, state
# under $XDG/vessel.
rt_user() {
	timeout 60 setpriv --reuid "$RL_UID" --regid "$RL_GID" --clear-groups \
		env -i PATH=/usr/bin:/bin XDG_RUNTIME_DIR="$XDG" VESSEL_TEST_TAG="$TAG" "$RT" "$@"
}

# rootless OWNER: the test runs rootless: a user namespace mapping the user's
# ids, the bundle and $RT reachable by the user; $RT owned by OWNER ("user"
# or "root"), with the digest taken again.
rootless() {
	RL_UID=$(id -u "$ROOTLESS_USER")
	RL_GID=$(id -g "$ROOTLESS_USER")
	RUNNER=rt_user
	rm -f "$BUNDLE/config.json"
	"$VESSEL" spec --rootless --bundle "$BUNDLE"
	update_config ".process.terminal = false | .linux.uidMappings[0].hostID = $RL_UID |
		.linux.gidMappings[0].hostID = $RL_GID"
	XDG=$TEST_DIR/xdg
	mkdir -m 0700 "$XDG"
	chown "$RL_UID:$RL_GID" "$XDG"
	PIDFILE=$XDG/ct.pid
	chmod 0755 "$TEST_DIR" "$TEST_DIR/rt"
	chown -R "$RL_UID:$RL_GID" "$BUNDLE/rootfs"
	if [ "$1" = user ]; then
		chown "$RL_UID:$RL_GID" "$RT"
		chmod 0755 "$RT"
	fi
	RT_SHA=$(sha "$RT")
}

# attack_report: the exploit's report once the container has exited
# (bounded), as $output.
attack_report() {
	wait_pid "$(cat "$PIDFILE")" 90
	run -0 cat "$BUNDLE/rootfs/report"
}

# assert_harm_did_not_happen: the exploit held the runtime's binary (its
# saved copy is the runtime), never wrote to it, was still refused after
# the runtime's host process had exited, and the binary is unchanged.
assert_harm_did_not_happen() {
	attack_report
	assert_line --regexp '^handles=[1-9][0-9]*$'
	assert_line 'written=0'
	assert_line 'opened=0'
	refute_line 'after_exit_errno=-'
	refute_line 'after_exit_errno=ETXTBSY'
	assert_equal "$(sha "$BUNDLE/rootfs/held.0")" "$RT_SHA"
	assert_equal "$(sha "$RT")" "$RT_SHA"
}

# runtime_libs: the image carries the loader and the libraries the
# runtime's binary needs, as any distribution's image does (glibc; libmnl).
runtime_libs() {
	local r=$BUNDLE/rootfs lib
	for lib in $(ldd "$RT" | grep -o '/[^ ]*'); do
		mkdir -p "$r$(dirname "$lib")"
		cp -L "$lib" "$r$lib"
	done
}

# exec_attack: the exec form against $RUNNER.
exec_attack() {
	local r=$BUNDLE/rootfs
	install_bin cve_2019_5736
	runtime_libs
	mkfifo -m 0666 "$r/ready"
	set_args /cve_2019_5736 exec
	update_config '.root.readonly = false'
	$RUNNER run -d --bundle "$BUNDLE" --pid-file "$PIDFILE" t </dev/null \
		>"$TEST_DIR/t.out" 2>"$TEST_DIR/t.err" || { cat "$TEST_DIR/t.err"; return 1; }
	run -0 read_fifo "$r/ready"
	assert_output planted
	# The host runs /bin/sh in the container, as an engine's exec would,
	# until the exploit has caught the runtime's binary running inside (the
	# interpreter's process lives for a millisecond; a few tries at most).
	local i
	for i in $(seq 1 40); do
		# The kernel ran the runtime's own binary inside the container, as
		# the script's interpreter: it took "/bin/sh" for a command.
		run -1 $RUNNER exec t /bin/sh
		assert_output --partial 'unknown command "/bin/sh"'
		[ -e "$r/held.0" ] && break
	done
	# The runtime's process on the host has exited: from now on only the
	# protection stands between the exploit and the binary.
	echo 3 >"$r/host-exited"
	assert_harm_did_not_happen
}

# image_attack: the image form against $RUNNER.
image_attack() {
	local r=$BUNDLE/rootfs
	install_bin cve_2019_5736
	runtime_libs
	cp "$FILE_DIR/bin/evil.so" "$r/evil.so"
	set_args /proc/self/exe
	update_config '.process.env += ["LD_PRELOAD=/evil.so"] | .root.readonly = false'
	$RUNNER run -d --bundle "$BUNDLE" --pid-file "$PIDFILE" t </dev/null \
		>"$TEST_DIR/t.out" 2>"$TEST_DIR/t.err" || { cat "$TEST_DIR/t.err"; return 1; }
	echo 3 >"$r/host-exited"
	assert_harm_did_not_happen
}

@test "CVE-2019-5736 (exec): #!/proc/self/exe in the container cannot overwrite the runtime" {
	runtime_copy
	exec_attack
}

@test "CVE-2019-5736 (image): a program that is /proc/self/exe with LD_PRELOAD cannot overwrite the runtime" {
	runtime_copy
	image_attack
}

@test "CVE-2019-5736 (exec, rootless, a binary the user owns): the runtime is not overwritten" {
	runtime_copy
	rootless user
	exec_attack
}

@test "CVE-2019-5736 (image, rootless, a binary the user owns): the runtime is not overwritten" {
	runtime_copy
	rootless user
	image_attack
}

@test "CVE-2019-5736 (exec, rootless, a binary owned by root): the runtime is not overwritten" {
	runtime_copy
	rootless root
	exec_attack
}

@test "the runtime re-executes from a read-only view only for the verbs that enter containers" {
	runtime_copy
	set_args sleep 100
	strace -e trace=execve,execveat,open_tree -o "$TEST_DIR/trace" "$RT" --root "$ROOT" \
		run -d --bundle "$BUNDLE" c </dev/null >/dev/null 2>&1
	run -0 grep -c 'execveat(.*AT_EMPTY_PATH' "$TEST_DIR/trace"
	assert_output 1
	local verb
	for verb in "state c" "list" "ps c" "pause c" "resume c" "kill c KILL" "delete -f c"; do
		# shellcheck disable=SC2086
		run -0 strace -e trace=execveat,open_tree -o "$TEST_DIR/trace" "$RT" --root "$ROOT" $verb
		run -1 grep -E 'execveat|open_tree\(AT_FDCWD, "/proc/self/exe"' "$TEST_DIR/trace"
	done
}
