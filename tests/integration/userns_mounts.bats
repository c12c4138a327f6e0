#!/usr/bin/env bats
# Bind mounts in user namespaces and idmapped bind mounts: sources the
# container's root cannot reach (vessel opens them with the host's
# credentials, in the container's mount namespace), mount order with sources
# inside the container, and the owners an idmapped mount shows.

load helpers

setup() {
	vessel_setup
	update_config '.root.readonly = false'
	# Sources under a directory only the host's root can enter.
	SECRET=$TEST_DIR/secret
	mkdir -p "$SECRET/a" "$SECRET/b/sub"
	echo a-file >"$SECRET/a/file"
	echo b-file >"$SECRET/b/file"
	chmod 0700 "$SECRET"
	export SECRET
}

# userns: the container in a user namespace, root = 100000 on the host.
userns() {
	update_config '.linux.namespaces += [{"type": "user"}]
		| .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
	chown -R 100000:100000 "$BUNDLE/rootfs"
}

# bind DEST SOURCE [OPTIONS-JSON] [EXTRA-JSON]: append a bind mount.
bind() {
	update_config ".mounts += [{\"destination\": \"$1\", \"type\": \"bind\", \"source\": \"$2\", \"options\": ${3:-[\"bind\"]}${4:+, $4}}]"
}

@test "user namespace: a bind source the container's root cannot reach is opened on the host side" {
	userns
	bind /mnt/a "$SECRET/a" '["bind", "ro"]'
	bind /mnt/b "$SECRET/b" '["rbind"]'
	set_sh 'cat /mnt/a/file /mnt/b/file; touch /mnt/a/x 2>&1 || echo ro'
	run -0 vessel run --bundle "$BUNDLE" u1
	assert_line --index 0 a-file
	assert_line --index 1 b-file
	assert_line ro
	# and exec into it sees the same
	set_args sleep 100
	run -0 run_d u2
	run -0 vessel exec u2 cat /mnt/a/file
	assert_output a-file
	run -0 vessel delete -f u2
	assert_nothing_left u2
}

@test "user namespace: a missing bind source is still reported as missing" {
	userns
	bind /mnt/a "$SECRET/none"
	set_args true
	run -1 create_ct u1
	assert_output --partial "bind mount source \"$SECRET/none\": no such file or directory"
	assert_nothing_left u1
}

@test "mount order: a bind source inside the rootfs is taken after the mounts before it (with and without a user namespace)" {
	local ns
	for ns in none user; do
		[ $ns = user ] && userns
		update_config '.mounts |= map(select(.destination | startswith("/mnt") | not))'
		bind /mnt "$SECRET/a" '["rbind"]'
		bind /mnt/sub "$SECRET/b" '["rbind"]'
		# the rootfs as the host sees it, with the two mounts above in it
		bind /final "$BUNDLE/rootfs/mnt" '["rbind"]'
		set_args cat /final/file /final/sub/file
		run vessel run --bundle "$BUNDLE" "o-$ns"
		[ "$status" -eq 0 ] || fail "[$ns] $output"
		assert_output "a-file
b-file"
	done
}

@test "idmapped bind mount: the owner is mapped (in a user namespace: the container's root)" {
	mkdir -p "$TEST_DIR/idsrc"
	touch "$TEST_DIR/idsrc/root-owned"
	chown 1:2 "$TEST_DIR/idsrc/" 
	local maps='"uidMappings": [{"containerID": 0, "hostID": 100000, "size": 65536}], "gidMappings": [{"containerID": 0, "hostID": 100000, "size": 65536}]'
	bind /id "$TEST_DIR/idsrc" '["bind"]' "$maps"
	set_args stat -c '%n %u:%g' /id /id/root-owned
	run -0 vessel run --bundle "$BUNDLE" i1
	assert_line "/id 100001:100002"
	assert_line "/id/root-owned 100000:100000"
	userns
	run -0 vessel run --bundle "$BUNDLE" i2
	assert_line "/id 1:2"
	assert_line "/id/root-owned 0:0"
}

@test "idmapped bind mount: idmap leaves submounts as they are, ridmap maps them too" {
	mkdir -p "$TEST_DIR/tree/sub" "$TEST_DIR/subsrc"
	touch "$TEST_DIR/tree/top" "$TEST_DIR/subsrc/inner"
	chown 5:5 "$TEST_DIR/subsrc/inner"
	mount --bind "$TEST_DIR/subsrc" "$TEST_DIR/tree/sub"
	local maps='"uidMappings": [{"containerID": 0, "hostID": 100000, "size": 65536}], "gidMappings": [{"containerID": 0, "hostID": 100000, "size": 65536}]'
	bind /t1 "$TEST_DIR/tree" '["rbind", "idmap"]' "$maps"
	bind /t2 "$TEST_DIR/tree" '["rbind", "ridmap"]' "$maps"
	set_args stat -c '%n %u:%g' /t1/top /t1/sub/inner /t2/top /t2/sub/inner
	run vessel run --bundle "$BUNDLE" i1
	umount "$TEST_DIR/tree/sub"
	assert_success
	assert_line "/t1/top 100000:100000"
	assert_line "/t1/sub/inner 5:5"
	assert_line "/t2/top 100000:100000"
	assert_line "/t2/sub/inner 100005:100005"
}

@test "idmapped bind mount with a source inside the container, after the mount that made it" {
	userns
	local maps='"uidMappings": [{"containerID": 0, "hostID": 100000, "size": 65536}], "gidMappings": [{"containerID": 0, "hostID": 100000, "size": 65536}]'
	bind /mnt "$SECRET/a" '["rbind"]'
	bind /final "$BUNDLE/rootfs/mnt" '["rbind", "idmap"]' "$maps"
	set_args stat -c '%n %u:%g' /final/file
	run -0 vessel run --bundle "$BUNDLE" i1
	assert_output "/final/file 0:0"
}
