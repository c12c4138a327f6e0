#!/usr/bin/env bats
# state and list: on real containers, on fixture state dirs, side by side with runc.

load helpers

STATE_KEYS='["bundle","created","id","ociVersion","owner","pid","rootfs","status"]'

# table_layout: re-render `list`'s table with runc's tabwriter rule (cells
# padded to the widest + 3, at least 12, the last column unpadded); a table
# that follows the rule comes out unchanged.
table_layout() {
	awk '{ for (i = 1; i <= NF; i++) { c[NR, i] = $i; if (i < NF && length($i) + 3 > w[i]) w[i] = length($i) + 3 }
	       n[NR] = NF }
	     END { for (r = 1; r <= NR; r++) { line = ""
	             for (i = 1; i <= n[r]; i++) { if (i < n[r]) { wi = w[i] < 12 ? 12 : w[i]; line = line sprintf("%-" wi "s", c[r, i]) } else line = line c[r, i] }
	             print line } }'
}

# start_time PID: field 22 of /proc/PID/stat.
start_time() { awk '{print $22}' "/proc/$1/stat"; }

# fixture ID PID START [fifo]: a state dir written by hand, as the runtime
# writes one, with no cgroups.
fixture() {
	local id=$1 pid=$2 start=$3
	mkdir -p "$ROOT/$id"
	chmod 0700 "$ROOT" "$ROOT/$id"
	jq -n --arg id "$id" --argjson pid "$pid" --argjson start "$start" --arg b "$BUNDLE" '{
		id: $id, ociVersion: "1.3.0", pid: $pid, initStartTime: $start, bundle: $b,
		rootfs: ($b + "/rootfs"), created: "2026-01-02T03:04:05.123456789Z", ownerUid: 0,
		annotations: {"fixture": "yes"}, cgroupsPath: "", cgroupMode: 2, cgroups: [],
		systemdCgroup: false, rootless: false, terminal: false, createdOk: true}' >"$ROOT/$id/state.json"
	[ "${4:-}" = fifo ] && mkfifo "$ROOT/$id/exec.fifo"
	return 0
}

@test "state of a created container: runc's keys, status created, a live pid" {
	set_sh 'sleep 100'
	run -0 create_ct c1
	run -0 --separate-stderr vessel state c1
	local s=$output
	run -0 jq -e --argjson k "$STATE_KEYS" 'keys == $k' <<<"$s"
	assert_equal "$(jq -r .id <<<"$s")" c1
	assert_equal "$(jq -r .status <<<"$s")" created
	assert_equal "$(jq -r .bundle <<<"$s")" "$BUNDLE"
	assert_equal "$(jq -r .rootfs <<<"$s")" "$BUNDLE/rootfs"
	assert_equal "$(jq -r .ociVersion <<<"$s")" "$(jq -r .ociVersion "$BUNDLE/config.json")"
	assert_equal "$(jq -r .owner <<<"$s")" ""
	assert_regex "$(jq -r .created <<<"$s")" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?Z$'
	local pid
	pid=$(jq -r .pid <<<"$s")
	pid_alive "$pid" || fail "pid $pid is not alive"
}

@test "state has the same keys and value types as runc's state" {
	set_sh 'sleep 100'
	update_config '.annotations = {"org.example.key": "value"}'
	runc_bundle
	run -0 create_ct c1
	runc create --bundle "$RBUNDLE" c1 </dev/null >/dev/null 2>&1 3>&- || fail "runc create failed"
	local v r
	v=$(vessel state c1 | jq -S 'map_values(type)')
	r=$(runc state c1 | jq -S 'map_values(type)')
	assert_equal "$v" "$r"
	run -0 jq -c .annotations < <(vessel state c1)
	assert_output '{"org.example.key":"value"}'
}

@test "state follows the container: created, running, stopped (pid 0)" {
	set_sh 'sleep 100'
	run -0 create_ct c1
	assert_equal "$(ct_status c1)" created
	local pid
	pid=$(ct_pid c1)
	run -0 vessel start c1
	assert_equal "$(ct_status c1)" running
	assert_equal "$(ct_pid c1)" "$pid"
	run -0 vessel kill c1 KILL
	wait_pid "$pid" || fail "not killed"
	assert_equal "$(ct_status c1)" stopped
	assert_equal "$(ct_pid c1)" 0
}

@test "state of a container whose init exited and became a zombie is stopped" {
	set_args true
	run -0 create_ct c1
	local pid
	pid=$(ct_pid c1)
	run -0 vessel start c1
	wait_pid "$pid" || fail "true did not exit"
	assert_equal "$(ct_status c1)" stopped
}

@test "state of a paused container (frozen cgroup) is paused" {
	[ -d /sys/fs/cgroup/freezer ] || skip "no v1 freezer on this host"
	set_sh 'sleep 100'
	run -0 run_d c1
	echo FROZEN >"/sys/fs/cgroup/freezer/$CG_NAME/freezer.state"
	assert_equal "$(ct_status c1)" paused
	echo THAWED >"/sys/fs/cgroup/freezer/$CG_NAME/freezer.state"
	assert_equal "$(ct_status c1)" running
}

@test "state of a missing container: does not exist, exit 1" {
	run -1 --separate-stderr vessel state nosuch
	assert_equal "$stderr" "$RT_NAME: container \"nosuch\" does not exist"
	assert_equal "$output" ""
}

@test "state and list take no lock: they answer while a create holds the container" {
	mkfifo "$TEST_DIR/ready" "$TEST_DIR/go"
	update_config ".hooks.createRuntime = [{\"path\": \"/bin/sh\", \"args\": [\"sh\", \"-c\", \"echo ready >$TEST_DIR/ready; cat $TEST_DIR/go >/dev/null\"]}]"
	set_sh 'sleep 100'
	create_ct c1 >/dev/null &
	local cpid=$!
	run -0 read_fifo "$TEST_DIR/ready"
	# the hook holds create; state and list must answer at once
	run -0 timeout 5 "$VESSEL" --root "$ROOT" state c1
	assert_equal "$(jq -r .id <<<"$output")" c1
	run -0 timeout 5 "$VESSEL" --root "$ROOT" list -q
	assert_output c1
	echo go >"$TEST_DIR/go"
	wait $cpid
}

@test "state of fixture dirs: a live pid with exec.fifo is created, without is running" {
	sleep 100 &
	local pid=$!
	fixture f-created "$pid" "$(start_time $pid)" fifo
	fixture f-running "$pid" "$(start_time $pid)"
	assert_equal "$(ct_status f-created)" created
	assert_equal "$(ct_status f-running)" running
	assert_equal "$(ct_pid f-running)" "$pid"
	run -0 jq -c .annotations < <(vessel state f-running)
	assert_output '{"fixture":"yes"}'
	kill "$pid"
	wait "$pid" 2>/dev/null || true
	rm -rf "$ROOT/f-created" "$ROOT/f-running"
}

@test "state of a fixture whose pid was reused (start time differs) is stopped" {
	sleep 100 &
	local pid=$!
	fixture f-reused "$pid" "$(($(start_time $pid) + 1))"
	assert_equal "$(ct_status f-reused)" stopped
	assert_equal "$(ct_pid f-reused)" 0
	pid_alive "$pid" || fail "state must not touch the process"
	# delete must not kill a process that is not the container's
	run -0 vessel delete -f f-reused
	pid_alive "$pid" || fail "delete -f killed a reused pid"
	kill "$pid"
	wait "$pid" 2>/dev/null || true
}

@test "state of a fixture whose pid is gone is stopped" {
	sh -c 'exit 0' &
	local pid=$!
	wait $pid
	fixture f-gone "$pid" 12345
	assert_equal "$(ct_status f-gone)" stopped
	run -0 vessel delete f-gone
	assert_not_exist "$ROOT/f-gone"
}

@test "state of a fixture with a corrupt state.json fails and names it" {
	mkdir -p "$ROOT/bad"
	echo '{"id": "bad", ' >"$ROOT/bad/state.json"
	run -1 --separate-stderr vessel state bad
	assert_regex "$stderr" "^$RT_NAME: .*state.json.*"
}

@test "list on a root that does not exist prints the header only, like runc" {
	run -0 --separate-stderr vessel list
	assert_equal "$output" "ID          PID         STATUS      BUNDLE      CREATED     OWNER"
	assert_equal "$stderr" ""
	run -0 runc list
	assert_equal "$output" "ID          PID         STATUS      BUNDLE      CREATED     OWNER"
}

@test "list --format json on an empty root prints null, like runc; -q prints nothing" {
	run -0 vessel list --format json
	assert_output null
	run -0 vessel list -q
	assert_output ""
}

@test "list: the table follows runc's layout for running, created and stopped containers" {
	set_sh 'sleep 100'
	run -0 run_d a-running
	run -0 create_ct b-created
	set_args true
	run -0 create_ct c-stopped
	local pid
	pid=$(ct_pid c-stopped)
	vessel start c-stopped
	wait_pid "$pid"
	run -0 --separate-stderr vessel list
	assert_equal "$stderr" ""
	assert_equal "$(table_layout <<<"$output")" "$output"
	assert_line --index 0 --regexp '^ID +PID +STATUS +BUNDLE +CREATED +OWNER$'
	assert_equal "${#lines[@]}" 4
	assert_line --index 1 --regexp "^a-running +$(ct_pid a-running) +running +$BUNDLE +[0-9T:.Z-]+ +root\$"
	assert_line --index 2 --regexp "^b-created +$(ct_pid b-created) +created +$BUNDLE +[0-9T:.Z-]+ +root\$"
	assert_line --index 3 --regexp "^c-stopped +0 +stopped +$BUNDLE +[0-9T:.Z-]+ +root\$"
}

@test "list: the table matches runc's for the same containers" {
	set_sh 'sleep 100'
	runc_bundle
	run -0 create_ct x1
	run -0 create_ct long-container-name.with_chars+x
	runc create --bundle "$RBUNDLE" x1 </dev/null >/dev/null 2>&1 3>&- || fail "runc create x1"
	runc create --bundle "$RBUNDLE" long-container-name.with_chars+x </dev/null >/dev/null 2>&1 3>&- || fail "runc create"
	local v r
	# same ids and path lengths: only pids, times and the bundle letter differ
	v=$(vessel list | awk '{ $2 = "PID"; $5 = "T"; print }' | sed "s|$BUNDLE|B|")
	r=$(runc list | awk '{ $2 = "PID"; $5 = "T"; print }' | sed "s|$RBUNDLE|B|")
	assert_equal "$v" "$r"
	assert_equal "$(vessel list | head -n 1)" "$(runc list | head -n 1)"
}

@test "list --format json: runc's keys; owner is the user name; annotations" {
	set_sh 'sleep 100'
	update_config '.annotations = {"k": "v"}'
	runc_bundle
	run -0 create_ct j1
	runc create --bundle "$RBUNDLE" j1 </dev/null >/dev/null 2>&1 3>&- || fail "runc create"
	run -0 vessel list --format json
	local v=$output
	run -0 jq -e 'type == "array" and length == 1' <<<"$v"
	assert_equal "$(jq -S '.[0] | map_values(type)' <<<"$v")" "$(runc list --format json | jq -S '.[0] | map_values(type)')"
	assert_equal "$(jq -r '.[0].owner' <<<"$v")" root
	assert_equal "$(jq -r '.[0].status' <<<"$v")" created
	assert_equal "$(jq -c '.[0].annotations' <<<"$v")" '{"k":"v"}'
	assert_equal "$(jq -r '.[0].pid' <<<"$v")" "$(ct_pid j1)"
}

@test "list -q prints the ids, one a line, sorted like runc" {
	set_args true
	local id
	for id in zeta alpha m.x 9; do run -0 create_ct "$id"; done
	run -0 vessel list -q
	assert_equal "$output" "$(printf '9\nalpha\nm.x\nzeta')"
}

@test "list skips what is not a container and names broken ones on stderr, like runc" {
	set_args true
	run -0 create_ct good
	mkdir -p "$ROOT/broken"
	echo '{bad' >"$ROOT/broken/state.json"
	touch "$ROOT/afile"
	run -0 --separate-stderr vessel list -q
	assert_equal "$output" good
	assert_regex "$stderr" "broken"
	rm -rf "$ROOT/broken" "$ROOT/afile"
}

@test "list of fixture dirs shows their statuses" {
	sleep 100 &
	local pid=$!
	fixture f1 "$pid" "$(start_time $pid)" fifo
	fixture f2 "$pid" "$(start_time $pid)"
	fixture f3 "$pid" 1
	run -0 vessel list --format json
	assert_equal "$(jq -r 'map(.id + "=" + .status) | join(" ")' <<<"$output")" "f1=created f2=running f3=stopped"
	assert_equal "$(jq -r '.[0].created' <<<"$output")" "2026-01-02T03:04:05.123456789Z"
	kill "$pid"
	wait "$pid" 2>/dev/null || true
	rm -rf "$ROOT"/f?
}

@test "container ids: accepted and refused exactly as runc does" {
	local id rv rr
	for id in a A9 a.b a..b .a -a _a a+b a,b a-b 'a b' a:b a/b ä a@b 'a$' . .. \
		"$(printf 'x%.0s' {1..200})"; do
		rv=$(vessel state -- "$id" 2>&1) || true
		rr=$(runc state -- "$id" 2>&1) || true
		if [[ "$rr" == *"invalid container ID format"* ]]; then
			[[ "$rv" == *"invalid container id format"* ]] || fail "runc refuses '$id', $RT_NAME says: $rv"
		else
			[[ "$rv" == *"does not exist"* ]] || fail "runc accepts '$id', $RT_NAME says: $rv"
		fi
	done
}
