#!/usr/bin/env bats
# rootless.bats - vessel run by an unprivileged user: a user namespace that
# maps the caller's own ids, the state under $XDG_RUNTIME_DIR/vessel, and the
# errors when a rootless container asks for what it cannot have.

load helpers

ROOTLESS_USER=vessel-rootless

setup_file() {
	vessel_setup_file
	if ! id "$ROOTLESS_USER" >/dev/null 2>&1; then
		useradd --no-create-home --shell /bin/sh "$ROOTLESS_USER"
		touch "$FILE_DIR/made-user"
	fi
	RL_UID=$(id -u "$ROOTLESS_USER")
	RL_GID=$(id -g "$ROOTLESS_USER")
	RL_VESSEL=$(user_vessel)
	export RL_UID RL_GID RL_VESSEL
}

teardown_file() {
	[ -e "$FILE_DIR/made-user" ] && userdel "$ROOTLESS_USER"
	vessel_teardown_file
}

setup() {
	vessel_setup
	rm -f "$BUNDLE/config.json"
	"$VESSEL" spec --rootless --bundle "$BUNDLE"
	update_config ".process.terminal = false | .linux.uidMappings[0].hostID = $RL_UID | .linux.gidMappings[0].hostID = $RL_GID"
	XDG=$TEST_DIR/xdg
	mkdir -m 0700 "$XDG"
	chown "$RL_UID:$RL_GID" "$XDG"
	chmod 0777 "$TEST_DIR"
}

# as_user ARGS...: vessel as the unprivileged user, state under $XDG/vessel.
as_user() {
	setpriv --reuid "$RL_UID" --regid "$RL_GID" --clear-groups \
		env -i PATH=/usr/bin:/bin XDG_RUNTIME_DIR="$XDG" "$RL_VESSEL" "$@"
}

teardown() {
	local d
	for d in "$XDG"/vessel/*/; do
		[ -d "$d" ] && as_user delete -f "$(basename "$d")" >/dev/null 2>&1
	done
	vessel_teardown
}

@test "rootless: spec --rootless maps the caller's own ids" {
	run setpriv --reuid "$RL_UID" --regid "$RL_GID" --clear-groups "$RL_VESSEL" spec --rootless --bundle "$XDG"
	assert_success
	run jq -c '[.linux.uidMappings, .linux.gidMappings, ([.linux.namespaces[].type] | index("user") != null), ([.linux.namespaces[].type] | index("network"))]' "$XDG/config.json"
	assert_output "[[{\"containerID\":0,\"hostID\":$RL_UID,\"size\":1}],[{\"containerID\":0,\"hostID\":$RL_GID,\"size\":1}],true,null]"
}

@test "rootless: run as an unprivileged user is root inside, with its exit status" {
	update_config '.process.args = ["sh", "-c", "id -u; cat /proc/self/uid_map; cat /proc/self/gid_map; exit 7"]'
	run as_user run --bundle "$BUNDLE" rl1
	assert_failure 7
	assert_line --index 0 0
	assert_line --regexp "^ +0 +$RL_UID +1$"
	assert_line --regexp "^ +0 +$RL_GID +1$"
	# run removed the container: nothing under the user's state root.
	run ls "$XDG/vessel"
	assert_output ""
}

@test "rootless: the state lives under \$XDG_RUNTIME_DIR/vessel and belongs to the user" {
	update_config '.process.args = ["sleep", "1000"]'
	# The container keeps its stdio: files, not bats' pipes.
	as_user run -d --bundle "$BUNDLE" rl2 </dev/null >"$TEST_DIR/rl2.out" 2>"$TEST_DIR/rl2.err"
	assert_dir_exists "$XDG/vessel/rl2"
	run stat -c %u "$XDG/vessel/rl2/state.json"
	assert_output "$RL_UID"
	run as_user state rl2
	assert_success
	[ "$(jq -r .status <<<"$output")" = running ]
	pid=$(jq -r .pid <<<"$output")
	# The init runs as the user on the host.
	run awk '/^Uid:/ {print $2}' "/proc/$pid/status"
	assert_output "$RL_UID"
	run as_user exec rl2 id -u
	assert_success
	assert_output 0
	run as_user delete -f rl2
	assert_success
	assert_dir_not_exists "$XDG/vessel/rl2"
}

@test "rootless: a config without a user namespace is refused" {
	update_config 'del(.linux.uidMappings) | del(.linux.gidMappings) | .linux.namespaces |= map(select(.type != "user"))'
	run as_user run --bundle "$BUNDLE" rl3
	assert_failure 1
	assert_output "vessel: rootless container requires a user namespace (linux.namespaces with type \"user\")"
	assert_dir_not_exists "$XDG/vessel/rl3"
}

@test "rootless: mapping ids that are not the caller's needs newuidmap" {
	update_config '.linux.uidMappings = [{"containerID": 0, "hostID": '"$RL_UID"', "size": 1}, {"containerID": 1, "hostID": 200000, "size": 1000}]'
	update_config '.process.args = ["true"]'
	run as_user run --bundle "$BUNDLE" rl4
	if command -v newuidmap >/dev/null; then
		# newuidmap refuses ranges /etc/subuid does not grant the user.
		assert_failure 1
		assert_output --partial "newuidmap"
	else
		assert_failure 1
		assert_output --partial "newuidmap not found"
	fi
	assert_dir_not_exists "$XDG/vessel/rl4"
}
