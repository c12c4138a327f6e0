#!/usr/bin/env bats
# spec: the default config.json, its shape beside runc's, --rootless, --bundle.

load helpers

# spec_paths FILE: every leaf path of a config.json, arrays as [].
spec_paths() { json_paths <"$1"; }

@test "spec writes config.json in the current directory" {
	mkdir "$TEST_DIR/s"
	cd "$TEST_DIR/s"
	run -0 --separate-stderr "$VESSEL" spec
	assert_equal "$output" ""
	assert_equal "$stderr" ""
	assert_file_exist config.json
	run -0 jq -e . config.json
}

@test "spec has the same keys as runc's spec" {
	mkdir "$TEST_DIR/v" "$TEST_DIR/r"
	run -0 "$VESSEL" spec --bundle "$TEST_DIR/v"
	run -0 "$RUNC" spec --bundle "$TEST_DIR/r"
	run -0 diff <(spec_paths "$TEST_DIR/r/config.json") <(spec_paths "$TEST_DIR/v/config.json")
}

@test "spec has runc's values, but for hostname, ociVersion and the cgroup namespace" {
	mkdir "$TEST_DIR/v" "$TEST_DIR/r"
	"$VESSEL" spec --bundle "$TEST_DIR/v"
	"$RUNC" spec --bundle "$TEST_DIR/r"
	local norm='del(.hostname, .ociVersion) | .linux.namespaces |= map(select(.type != "cgroup"))'
	run -0 diff <(jq -S "$norm" "$TEST_DIR/r/config.json") <(jq -S "$norm" "$TEST_DIR/v/config.json")
	run -0 jq -r .ociVersion "$TEST_DIR/v/config.json"
	assert_output 1.3.0
	run -0 jq -r .hostname "$TEST_DIR/v/config.json"
	assert_output "$RT_NAME"
}

@test "spec's namespaces are runc's plus cgroup" {
	mkdir "$TEST_DIR/v"
	"$VESSEL" spec --bundle "$TEST_DIR/v"
	run -0 jq -r '[.linux.namespaces[].type] | join(" ")' "$TEST_DIR/v/config.json"
	assert_output "pid network ipc uts mount cgroup"
}

@test "spec --rootless has the same keys and values as runc's" {
	mkdir "$TEST_DIR/v" "$TEST_DIR/r"
	run -0 "$VESSEL" spec --rootless --bundle "$TEST_DIR/v"
	run -0 "$RUNC" spec --rootless --bundle "$TEST_DIR/r"
	run -0 diff <(spec_paths "$TEST_DIR/r/config.json") <(spec_paths "$TEST_DIR/v/config.json")
	local norm='del(.hostname, .ociVersion) | .linux.namespaces |= map(select(.type != "cgroup"))'
	run -0 diff <(jq -S "$norm" "$TEST_DIR/r/config.json") <(jq -S "$norm" "$TEST_DIR/v/config.json")
}

@test "spec --rootless maps the caller's uid and gid, a user namespace, no network namespace" {
	mkdir "$TEST_DIR/v"
	chown 1000:1000 "$TEST_DIR/v"
	local v
	v=$(user_vessel)
	run -0 setpriv --reuid 1000 --regid 1000 --clear-groups "$v" spec --rootless --bundle "$TEST_DIR/v"
	local c=$TEST_DIR/v/config.json
	run -0 jq -c '.linux.uidMappings' "$c"
	assert_output '[{"containerID":0,"hostID":1000,"size":1}]'
	run -0 jq -c '.linux.gidMappings' "$c"
	assert_output '[{"containerID":0,"hostID":1000,"size":1}]'
	run -0 jq -r '[.linux.namespaces[].type] | sort | join(" ")' "$c"
	assert_output --regexp '(^| )user( |$)'
	refute_output --regexp '(^| )network( |$)'
	run -0 jq -r '.linux.resources // "none"' "$c"
	assert_output none
}

@test "spec --bundle writes into the bundle, not the current directory" {
	mkdir "$TEST_DIR/b" "$TEST_DIR/cwd"
	cd "$TEST_DIR/cwd"
	run -0 "$VESSEL" spec --bundle "$TEST_DIR/b"
	assert_file_exist "$TEST_DIR/b/config.json"
	assert_file_not_exist "$TEST_DIR/cwd/config.json"
}

@test "spec refuses to overwrite an existing config.json" {
	mkdir "$TEST_DIR/b"
	echo '{"keep": true}' >"$TEST_DIR/b/config.json"
	run -1 --separate-stderr "$VESSEL" spec --bundle "$TEST_DIR/b"
	assert_equal "$stderr" "$RT_NAME: File config.json exists. Remove it first"
	run -0 cat "$TEST_DIR/b/config.json"
	assert_output '{"keep": true}'
	cd "$TEST_DIR/b"
	run -1 --separate-stderr "$VESSEL" spec --rootless
	assert_equal "$stderr" "$RT_NAME: File config.json exists. Remove it first"
	run -0 cat "$TEST_DIR/b/config.json"
	assert_output '{"keep": true}'
}

@test "spec refuses to write through a dangling config.json symlink" {
	mkdir "$TEST_DIR/b"
	ln -s "$TEST_DIR/elsewhere" "$TEST_DIR/b/config.json"
	run -1 "$VESSEL" spec --bundle "$TEST_DIR/b"
	assert_not_exist "$TEST_DIR/elsewhere"
}

@test "spec --bundle of a missing directory fails and names it" {
	run -1 --separate-stderr "$VESSEL" spec --bundle "$TEST_DIR/nope"
	assert_regex "$stderr" "^$RT_NAME: .*\"?$TEST_DIR/nope\"?.*no such file or directory"
	assert_not_exist "$TEST_DIR/nope"
}

@test "spec writes a file readable by all, like runc (0666 less the umask)" {
	mkdir "$TEST_DIR/v" "$TEST_DIR/r"
	(umask 022 && "$VESSEL" spec --bundle "$TEST_DIR/v" && "$RUNC" spec --bundle "$TEST_DIR/r")
	assert_equal "$(stat -c %a "$TEST_DIR/v/config.json")" "$(stat -c %a "$TEST_DIR/r/config.json")"
}

@test "spec output runs as is, once terminal is off" {
	# The bundles of every suite start from spec's config; here nothing else changes.
	mkdir "$TEST_DIR/b"
	cp -a "$BUNDLE/rootfs" "$TEST_DIR/b/rootfs"
	"$VESSEL" spec --bundle "$TEST_DIR/b"
	update_config '.process.terminal = false | .process.args = ["echo", "spec ok"]' "$TEST_DIR/b"
	# (a cgroup of the test's own, never one beside the caller's)
	update_config ".linux.cgroupsPath = \"/$CG_NAME\"" "$TEST_DIR/b"
	run -0 vessel run --bundle "$TEST_DIR/b" s1
	assert_output "spec ok"
}

@test "config.json.sample at the top of the tree is what spec prints" {
	mkdir "$TEST_DIR/v"
	"$VESSEL" spec --bundle "$TEST_DIR/v"
	assert_file_exist "$TOP/config.json.sample"
	run -0 diff <(jq -S . "$TOP/config.json.sample") <(jq -S . "$TEST_DIR/v/config.json")
}
