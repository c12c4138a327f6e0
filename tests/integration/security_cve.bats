#!/usr/bin/env bats
# The hardening classes of issue 7, one runc CVE class at a time: each test
# mounts the attack and shows it fails, and checks that the attack was
# really attempted (the target process existed, the symlink was there).
#
#   CVE-2019-5736                  /proc/<pid>/exe of a runtime process that joined the container,
#                                  before its execve (the published exploit: security_exe.bats)
#   CVE-2024-21626                 leaked host descriptors, cwd through /proc/self/fd
#   CVE-2019-19921, CVE-2021-30465 mount destinations swapped with symlinks
#   CVE-2019-16884, CVE-2023-27561, CVE-2023-28642, CVE-2025-52881
#                                  /proc in the image a symlink, mounts into /proc, /proc writes
#   CVE-2025-31133, CVE-2025-52565 /dev/null and /dev/console of the image redirected
#
# Nothing here writes to the host's /proc/sys: an attack that would change a
# sysctl writes the value already there, and the checks look at where the
# write went (the file's device, the mount), not at a changed value.

load security_helpers

setup_file() { sec_setup_file exe_attack agent lsfd swapper sysprobe; }
setup() { sec_setup; }
teardown() { sec_teardown; }

# fg ID [BUNDLE]: a foreground run.
fg() {
	vessel run --bundle "${2:-$BUNDLE}" "$1" </dev/null
}


# start_agent ARGS...: the seccomp listener agent on $TEST_DIR/agent.sock.
start_agent() {
	mkdir -p "$TEST_DIR/agent"
	bg "$FILE_DIR/bin/agent" -s "$TEST_DIR/agent.sock" -o "$TEST_DIR/agent" -t 40 "$@" >/dev/null
	[ -S "$TEST_DIR/agent.sock" ]
}

# trigger_round DIR: let the attacker in a rootfs DIR run a round and wait
# until it has (the fifos trigger and done), bounded.
trigger_round() {
	timeout 10 sh -c "echo go >'$1/trigger'" && timeout 10 cat "$1/done" >/dev/null
}

# ---------------------------------------------------------------------------
# CVE-2019-5736

# assert_exe_denied REPORT NSPID: the attacker saw the runtime process NSPID
# (it was in /proc during the round) and could reach none of its files: not
# its executable, not what its descriptors point to (the kernel lets the
# owner's uid list the numbers), not its root or cwd.
assert_exe_denied() {
	local report=$1 pid=$2
	run -0 cat "$report"
	assert_line "round=1 pid=$pid comm=$RT_NAME exe_ro=EACCES exe_wo=EACCES exe_path=EACCES reopen_wo=- fd_dir=ok fd_link=EACCES root=EACCES cwd=EACCES"
	refute_line --regexp "comm=$RT_NAME .*(exe_ro|exe_wo|exe_path|reopen_wo|fd_link|root|cwd)=ok( |\$)"
	refute_line --regexp 'reopen_wo=ok$'
	assert_equal "$(sha "$RT")" "$RT_SHA"
}

@test "CVE-2019-5736 (exec, before execve): /proc/<pid>/exe of an exec process held before execve cannot be opened" {
	runtime_copy
	install_bin exe_attack
	local r=$BUNDLE/rootfs
	mkfifo -m 0666 "$r/trigger" "$r/done"
	# The agent holds the exec process (connection 3: the init is 1, the
	# control below 2) in umask(2), which vessel calls right after loading
	# a filter with notify rules - after the user switch, the capability
	# drop and the working directory, before execve - until the attacker
	# has had its go.
	start_agent -H 3:umask -T "$r/trigger" -D "$r/done"
	seccomp "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"$TEST_DIR/agent.sock\",
		\"syscalls\":[{\"names\":[\"umask\"],\"action\":\"SCMP_ACT_NOTIFY\"}]}"
	set_args /exe_attack /trigger /done 2
	rt run -d --bundle "$BUNDLE" --pid-file "$TEST_DIR/init.pid" t </dev/null >"$TEST_DIR/t.out" 2>"$TEST_DIR/t.err"
	# The control: a dumpable process of the container's own, whose exe the
	# same technique does open.
	rt exec -d t sleep 30
	run rt exec t true
	assert_success
	# Round 2, after the exec: the O_PATH descriptors re-opened for writing.
	trigger_round "$r"
	wait_pid "$(cat "$TEST_DIR/init.pid")"
	# The held process: the runtime's image, with the container's
	# capabilities only (the defaults: KILL, NET_BIND_SERVICE, AUDIT_WRITE);
	# its executable is the runtime's read-only clone (a detached mount of
	# the binary alone, whose path reads "/").
	run -0 cat "$TEST_DIR/agent/held"
	assert_output --regexp "^pid=[0-9]+ nspid=[0-9]+ capeff=$(cap_mask 5 10 29) exe=/\$"
	local nspid
	nspid=$(sed 's/.*nspid=\([0-9]*\).*/\1/' "$TEST_DIR/agent/held")
	assert_exe_denied "$TEST_DIR/t.out" "$nspid"
	run -0 cat "$TEST_DIR/t.out"
	assert_line --regexp '^round=1 pid=[0-9]+ comm=sleep exe_ro=ok exe_wo=ETXTBSY exe_path=ok reopen_wo=ETXTBSY fd_dir=ok fd_link=ok '
}

@test "CVE-2019-5736 (create, before execve): a container init joining another's pid namespace cannot be opened from it" {
	runtime_copy
	install_bin exe_attack
	local r=$BUNDLE/rootfs
	mkfifo -m 0666 "$r/trigger" "$r/done"
	set_args /exe_attack /trigger /done 2
	rt run -d --bundle "$BUNDLE" --pid-file "$TEST_DIR/a.pid" a </dev/null >"$TEST_DIR/a.out" 2>"$TEST_DIR/a.err"
	local apid
	apid=$(cat "$TEST_DIR/a.pid")
	# Container b joins a's pid namespace (the pod pattern); its
	# createRuntime hook runs while b's init, still the runtime's image (and
	# still with all of root's capabilities), waits in a's pid namespace: the
	# hook notes which process that is and lets the attacker in a look.
	local b=$TEST_DIR/b
	second_bundle "$b"
	local hook="s=\$(cat); pid=\$(echo \"\$s\" | sed -n 's/.*\"pid\": *\\([0-9]*\\).*/\\1/p');
		grep ^NSpid: /proc/\$pid/status >'$TEST_DIR/b.nspid'; readlink /proc/\$pid/exe >'$TEST_DIR/b.exe';
		echo go >'$r/trigger'; cat '$r/done' >/dev/null"
	update_config ".linux.namespaces |= map(if .type == \"pid\" then .path = \"/proc/$apid/ns/pid\" else . end) |
		.process.args = [\"true\"] |
		.hooks.createRuntime = [{\"path\":\"/bin/sh\",\"args\":[\"sh\",\"-c\",$(jq -Rn --arg h "$hook" '$h')],\"timeout\":20}]" "$b"
	run rt run --bundle "$b" b </dev/null
	assert_success
	trigger_round "$r"
	wait_pid "$apid"
	# The runtime's read-only clone of its binary (see above).
	run -0 cat "$TEST_DIR/b.exe"
	assert_output "/"
	local nspid
	nspid=$(awk '{print $NF}' "$TEST_DIR/b.nspid")
	assert_exe_denied "$TEST_DIR/a.out" "$nspid"
}

# ---------------------------------------------------------------------------
# CVE-2024-21626

@test "CVE-2024-21626: process.cwd /proc/self/fd/N is refused for N from 3 to 12, with the caller leaking fds" {
	set_args sh -c 'echo RAN in $(pwd -P); ls'
	exec 7</etc/passwd 8<"$BUNDLE" 9</
	local n
	for n in 3 4 5 6 7 8 9 10 11 12; do
		update_config ".process.cwd = \"/proc/self/fd/$n\""
		run --separate-stderr fg t
		assert_failure 1
		refute_output --partial RAN
		# ELOOP: the descriptor is a magic link, which is never followed;
		# ENOENT: the init has no such descriptor.
		assert_regex "$stderr" "^$RT_NAME: unable to start container process: create the working directory \"/proc/self/fd/$n\": open \"/proc/self/fd/$n\" in the container: (too many levels of symbolic links|no such file or directory)\$"
		assert_nothing_left t
	done
	exec 7<&- 8<&- 9<&-
}

@test "CVE-2024-21626: exec --cwd /proc/self/fd/N is refused for N from 3 to 12; the container is untouched" {
	set_args sleep 60
	run_d t
	local pid
	pid=$(ct_pid t)
	exec 7</etc/passwd 8<"$BUNDLE" 9</
	local n
	for n in 3 4 5 6 7 8 9 10 11 12; do
		run --separate-stderr vessel exec --cwd "/proc/self/fd/$n" t sh -c 'echo RAN in $(pwd -P)'
		assert_failure 1
		refute_output --partial RAN
		# ELOOP for a descriptor the process has (a magic link), ENOENT
		# for one it has not.
		assert_regex "$stderr" "^$RT_NAME: exec failed: working directory: open \"/proc/self/fd/$n\" in the container: (too many levels of symbolic links|no such file or directory)\$"
		# Nothing but the init in the container's cgroup.
		run -0 cat "/sys/fs/cgroup/pids/$CG_NAME/cgroup.procs"
		assert_output "$pid"
	done
	exec 7<&- 8<&- 9<&-
	vessel delete -f t
}

@test "CVE-2024-21626: a cwd that is a symlink out of the image stays inside the rootfs" {
	ln -s ../../../../../../../.. "$BUNDLE/rootfs/up"
	update_config '.process.cwd = "/up"'
	set_args sh -c 'pwd -P; ls /proc/self/cwd/ | tr "\n" " "'
	run -0 fg t
	assert_line /
	assert_line --partial "bin "
	refute_line --partial bundle
	set_args sleep 60
	update_config '.process.cwd = "/"'
	run_d t
	run -0 vessel exec --cwd /up t pwd -P
	assert_output /
}

# fds_of OUTPUT: the descriptor numbers lsfd printed, on one line.
fds_of() { awk '{printf "%s ", $1}' <<<"$1"; }

@test "CVE-2024-21626: the container's processes see only 0 1 2 (and --preserve-fds), for run, run -d, create, exec, exec -d" {
	install_bin lsfd
	mk_fifo out >/dev/null
	# Descriptors the caller leaks (not close-on-exec), as a careless
	# engine would: they must not reach the container.
	exec 7</etc/passwd 8>>"$TEST_DIR/leak" 9<"$BUNDLE"
	local got=() h
	set_args /lsfd
	run -0 fg t
	got+=("run: $(fds_of "$output")")
	set_args sh -c '/lsfd >/out'
	own_cgroup a
	run_d a
	got+=("run -d: $(fds_of "$(read_fifo "$BUNDLE/rootfs/out")")")
	own_cgroup c
	create_ct c
	vessel start c
	got+=("create+start: $(fds_of "$(read_fifo "$BUNDLE/rootfs/out")")")
	set_args sleep 60
	own_cgroup e
	run_d e
	run -0 vessel exec e /lsfd
	got+=("exec: $(fds_of "$output")")
	vessel exec -d e sh -c '/lsfd >/out'
	got+=("exec -d: $(fds_of "$(read_fifo "$BUNDLE/rootfs/out")")")
	set_args /lsfd
	own_cgroup p
	run -0 vessel run --preserve-fds 1 --bundle "$BUNDLE" p 3</etc/hostname </dev/null
	got+=("run --preserve-fds 1: $(fds_of "$output")")
	run -0 vessel exec --preserve-fds 2 e /lsfd 3</etc/hostname 4</etc/hostname
	got+=("exec --preserve-fds 2: $(fds_of "$output")")
	exec 7<&- 8>&- 9<&-
	local want=("run: 0 1 2 " "run -d: 0 1 2 " "create+start: 0 1 2 " "exec: 0 1 2 " "exec -d: 0 1 2 "
		"run --preserve-fds 1: 0 1 2 3 " "exec --preserve-fds 2: 0 1 2 3 4 ")
	assert_equal "$(printf '%s\n' "${got[@]}")" "$(printf '%s\n' "${want[@]}")"
	vessel delete -f e
}

# ---------------------------------------------------------------------------
# CVE-2019-19921 / CVE-2021-30465: mount destinations swapped with symlinks

# race_src: $TEST_DIR/src, the bind mount source: a marker and a static
# busybox, so that a container whose root got covered by it still runs.
race_src() {
	mkdir -p "$TEST_DIR/src/bin"
	cp /bin/busybox "$TEST_DIR/src/bin/busybox"
	local a
	for a in sh cat awk; do ln -s busybox "$TEST_DIR/src/bin/$a"; done
	echo "marker-$CG_NAME" >"$TEST_DIR/src/marker"
}

# fs_root DIR: the root field ($4 in mountinfo) of a bind mount of DIR: its
# path inside its filesystem. It is DIR itself only where DIR's mount has
# the whole filesystem; in a container whose / is a directory of the
# host's disk it is longer.
fs_root() {
	local target fsroot
	read -r target fsroot < <(findmnt -n -o TARGET,FSROOT -T "$1")
	[ -n "$fsroot" ] || fail "findmnt found no mount for $1"
	local rest=${1#"$target"}
	echo "${fsroot%/}/${rest#/}"
}

# mount_log_hook LOG AWK-CONDITION: a createContainer hook (it runs in the
# container's mount namespace before pivot_root, where host paths still
# show) appending to LOG the mount points of the mounts that match (in
# mountinfo, $4 is the mount's root, $5 its mount point; the condition may
# use t, the filesystem type).
mount_log_hook() {
	cat >"$TEST_DIR/hook.sh" <<EOF
#!/bin/sh
exec awk '{ for (i = 7; i <= NF; i++) if (\$i == "-") { t = \$(i + 1); break } } $2 { print \$5 }' /proc/self/mountinfo >>'$1'
EOF
	update_config ".hooks.createContainer = [{\"path\":\"/bin/sh\",\"args\":[\"sh\",\"$TEST_DIR/hook.sh\"]}]"
}

# runs N SECONDS: up to N foreground runs within SECONDS; counts in RUNS_OK,
# RUNS_FAILED.
runs() {
	local i start=$SECONDS
	RUNS_OK=0 RUNS_FAILED=0
	for i in $(seq 1 "$1"); do
		[ $((SECONDS - start)) -lt "$2" ] || break
		if timeout 10 env VESSEL_TEST_TAG="$TAG" "$VESSEL" --root "$ROOT" run --bundle "$BUNDLE" "r$i" \
			</dev/null >>"$TEST_DIR/inside.log" 2>>"$TEST_DIR/runs.err"; then
			RUNS_OK=$((RUNS_OK + 1))
		else
			RUNS_FAILED=$((RUNS_FAILED + 1))
			vessel delete -f "r$i" >/dev/null 2>&1
		fi
	done
}

@test "CVE-2019-19921 / CVE-2021-30465: a symlink swapped in for a mount destination never takes the bind outside the rootfs" {
	race_src
	local canary=$TEST_DIR/host-canary
	mkdir "$canary"
	echo untouched >"$canary/canary"
	local canary_before host_before
	canary_before=$(find "$canary" -printf '%p %y %s %T@\n'; cat "$canary/canary")
	# the binds of src are the mounts whose root is src's
	local src_root
	src_root=$(fs_root "$TEST_DIR/src")
	host_before=$(awk -v s="$src_root" '$4 == s' /proc/self/mountinfo)
	mkdir "$BUNDLE/rootfs/mnt"
	update_config ".mounts += [{\"destination\":\"/mnt/x\",\"type\":\"bind\",\"source\":\"$TEST_DIR/src\",\"options\":[\"bind\",\"ro\"]}]"
	mount_log_hook "$TEST_DIR/mounts.log" "\$4 == \"$src_root\""
	set_args sh -c "awk -v s='$src_root' '\$4 == s {print \"inside \" \$5}' /proc/self/mountinfo"
	# /mnt/x flips between a directory and a symlink to /, to ../../.. and
	# to the host path of the canary.
	bg "$FILE_DIR/bin/swapper" "$BUNDLE/rootfs/mnt" x 20 "$TEST_DIR/swaps" / ../../../../../../.. "$canary" >/dev/null
	local swapper=${BG_PIDS[-1]}
	runs 60 8
	kill "$swapper"
	wait_pid "$swapper" 5
	local swaps
	swaps=$(cat "$TEST_DIR/swaps")
	echo "# $RUNS_OK runs succeeded, $RUNS_FAILED failed, $swaps swaps" >&3
	[ "$swaps" -gt 100 ]
	[ "$RUNS_OK" -gt 0 ]
	# Where the bind landed, seen from the container's mount namespace
	# before pivot_root: always inside the rootfs ...
	run -0 cat "$TEST_DIR/mounts.log"
	[ "${#lines[@]}" -ge "$RUNS_OK" ] || fail "the hook saw ${#lines[@]} binds of src for $RUNS_OK runs"
	local l outside=() elsewhere=0
	for l in "${lines[@]}"; do
		case $l in
		"$BUNDLE/rootfs" | "$BUNDLE/rootfs/"*) ;;
		*) outside+=("$l") ;;
		esac
		[ "$l" = "$BUNDLE/rootfs/mnt/x" ] || elsewhere=$((elsewhere + 1))
	done
	[ ${#outside[@]} -eq 0 ] || printf '%s\n' "${outside[@]}" | batslib_decorate "bind mounts outside the rootfs" | fail
	# How often a run met the symlink depends on the machine's timing; the
	# race was run (the swaps and runs above), and no bind escaped however
	# often it was won.
	echo "# $elsewhere of ${#lines[@]} binds followed the symlink (inside the rootfs)" >&3
	# Inside each container that ran, the bind is where it can see it.
	run -0 grep -c '^inside ' "$TEST_DIR/inside.log"
	[ "$output" -ge "$RUNS_OK" ] || fail "$output containers of $RUNS_OK saw the bind"
	# The host: the canary and the host's mount table are as they were.
	assert_equal "$(find "$canary" -printf '%p %y %s %T@\n'; cat "$canary/canary")" "$canary_before"
	assert_equal "$(awk -v s="$src_root" '$4 == s' /proc/self/mountinfo)" "$host_before"
}

# The container's view of every procfs it has (the image's /proc may have
# been renamed under it): one line per procfs mount, "proc MOUNTPOINT
# sys=ro|RW keys=masked|UNMASKED", and whether the host's core_pattern opens
# for writing through it (sysprobe opens, never writes).
# What a victim container reports about every procfs it can reach under the
# names the swapper flips (/proc, /proc.swap) and the attacker's /fake: the
# probes act on the files themselves (mountinfo paths would be read while the
# names keep changing). keys=UNMASKED: /proc/keys shows content; the open of
# core_pattern for writing must fail (read-only /proc/sys).
PROC_CHECK='seen=0
for p in /proc /proc.swap /fake; do
  [ -e $p/self/stat ] || continue
  seen=1
  keys=masked
  [ -s $p/keys ] && keys=UNMASKED
  echo "proc $p keys=$keys"
  [ -e $p/sys/kernel/core_pattern ] && /sysprobe open:$p/sys/kernel/core_pattern:w
done
[ $seen = 1 ] || echo no-proc
exit 0'

@test "CVE-2019-19921: /proc flipped with a symlink by another container during set-up: procfs stays on /proc, masked and read-only" {
	install_bin sysprobe
	printf '%s\n' "$PROC_CHECK" >"$BUNDLE/rootfs/check.sh"
	mkdir "$BUNDLE/rootfs/fake"
	set_args sh /check.sh
	# The attacker: container a, which shares this rootfs as a volume (as
	# containers of a pod share volumes), flips its /proc between the
	# directory and a symlink to /fake, a directory it controls.
	local a=$TEST_DIR/a
	second_bundle "$a"
	install_bin swapper "$a"
	update_config ".mounts += [{\"destination\":\"/victim\",\"type\":\"bind\",\"source\":\"$BUNDLE/rootfs\",\"options\":[\"rbind\",\"rw\"]}] |
		.process.args = [\"/swapper\", \"-F\", \"/victim\", \"proc\", \"15\", \"/victim/.swaps\", \"/fake\"]" "$a"
	run_d a --bundle "$a"
	local apid
	apid=$(ct_pid a)
	runs 50 6
	vessel kill a TERM
	wait_pid "$apid" 5 || true
	vessel delete -f a
	local swaps
	swaps=$(cat "$BUNDLE/rootfs/.swaps")
	echo "# $RUNS_OK runs succeeded, $RUNS_FAILED failed, $swaps swaps" >&3
	[ "$swaps" -gt 100 ]
	[ "$RUNS_OK" -gt 0 ]
	# Every procfs the containers got was masked and had a read-only sys;
	# the host's core_pattern never opened for writing.
	run -0 sort "$TEST_DIR/inside.log"
	echo "# $(uniq -c <<<"$output" | tr '\n' ';')" >&3
	refute_line --partial "keys=UNMASKED"
	refute_line --regexp 'core_pattern:w ok'
	# The mechanism: proc is mounted on the directory, never through the link.
	refute_line --regexp '^proc /fake '
	# Failures are the clear refusal.
	if [ "$RUNS_FAILED" -gt 0 ]; then
		run -0 grep -c 'mount destination "/proc" must be mounted on ordinary directory, not reached through a symlink' "$TEST_DIR/runs.err"
	fi
}

# ---------------------------------------------------------------------------
# CVE-2019-16884 / CVE-2023-27561 / CVE-2023-28642 / CVE-2025-52881

@test "CVE-2023-28642: /proc in the image is a symlink: the start is refused, nothing is mounted through it" {
	rmdir "$BUNDLE/rootfs/proc" 2>/dev/null || rm -rf "$BUNDLE/rootfs/proc"
	mkdir "$BUNDLE/rootfs/fake"
	set_args true
	local target
	for target in fake /fake ../../../../../proc "$TEST_DIR"; do
		ln -sfn "$target" "$BUNDLE/rootfs/proc"
		run --separate-stderr fg t
		assert_failure 1
		assert_equal "$stderr" "$RT_NAME: unable to start container process: mount \"proc\" on \"/proc\" (type proc): mount destination \"/proc\" must be mounted on ordinary directory, not reached through a symlink"
		assert_nothing_left t
		[ -z "$(ls -A "$BUNDLE/rootfs/fake")" ]
	done
}

# proc_mount_refused DEST TYPE: a mount of TYPE at DEST is refused as being
# inside /proc, with nothing left behind.
proc_mount_refused() {
	local m
	if [ "$2" = bind ]; then
		m="{\"destination\":\"$1\",\"type\":\"bind\",\"source\":\"$TEST_DIR/vol\",\"options\":[\"bind\"]}"
	else
		m="{\"destination\":\"$1\",\"type\":\"$2\",\"source\":\"$2\"}"
	fi
	cp "$BUNDLE/config.json" "$TEST_DIR/config.saved"
	update_config ".mounts += [$m]"
	run --separate-stderr fg t
	cp "$TEST_DIR/config.saved" "$BUNDLE/config.json"
	if [ "$status" -ne 1 ] || [[ "$stderr" != *"cannot be mounted because it is inside /proc" ]]; then
		echo "mount $2 on $1: status $status, stderr: $stderr"
		return 1
	fi
	assert_nothing_left t
}

@test "CVE-2019-16884: mounts into /proc are refused, however the destination is spelt" {
	mkdir "$TEST_DIR/vol"
	echo fake >"$TEST_DIR/vol/current"
	set_args true
	local bad=() d t
	for t in bind tmpfs; do
		for d in /proc/sys /proc/self/attr /proc/self /proc/1/attr /proc/sys/kernel /proc/sys/ /proc/./sys /proc/../proc/sys //proc/sys /proc//sys; do
			proc_mount_refused "$d" "$t" >>"$TEST_DIR/bad" || bad+=("$d ($t)")
		done
	done
	if [ ${#bad[@]} -gt 0 ]; then
		cat "$TEST_DIR/bad" | batslib_decorate "mounts into /proc that were not refused" | fail
	fi
}

@test "CVE-2019-16884: a symlink in the image pointing into /proc does not let a mount in" {
	mkdir "$TEST_DIR/vol"
	echo fake >"$TEST_DIR/vol/current"
	ln -s /proc/self/attr "$BUNDLE/rootfs/attr"
	ln -s ../proc/sys "$BUNDLE/rootfs/sysctl"
	set_args true
	local bad=() d t
	for t in bind tmpfs; do
		for d in /attr /sysctl /sysctl/kernel; do
			proc_mount_refused "$d" "$t" >>"$TEST_DIR/bad" || bad+=("$d ($t)")
		done
	done
	if [ ${#bad[@]} -gt 0 ]; then
		cat "$TEST_DIR/bad" | batslib_decorate "mounts through image symlinks into /proc that were not refused (runc refuses the binds)" | fail
	fi
}

@test "CVE-2019-16884: a fake /proc/self/attr mounted through an image symlink does not catch the LSM write" {
	# The attack: a volume with a fake attr/ lands on the init's
	# /proc/self/attr (here through an image symlink, the spelling vessel
	# lets through, see above); a runtime writing the profile by path would
	# write the fake file and succeed.  Without AppArmor the real write
	# fails with EINVAL, which shows where it went.
	if [ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" = Y ]; then
		skip "AppArmor is enabled here: the write would succeed on the real procfs too"
	fi
	mkdir "$TEST_DIR/vol"
	echo fake >"$TEST_DIR/vol/exec"
	echo fake >"$TEST_DIR/vol/current"
	ln -s /proc/self/attr "$BUNDLE/rootfs/attr"
	update_config ".mounts += [{\"destination\":\"/attr\",\"type\":\"bind\",\"source\":\"$TEST_DIR/vol\",\"options\":[\"bind\"]}] |
		.process.apparmorProfile = \"vessel-test-profile\""
	set_args true
	run --separate-stderr fg t
	assert_failure 1
	assert_equal "$stderr" "$RT_NAME: unable to start container process: apparmor failed to apply profile: write attr/exec: invalid argument"
	assert_equal "$(cat "$TEST_DIR/vol/exec")" fake
	assert_nothing_left t
}

@test "CVE-2019-16884: lxcfs-style binds onto /proc files are allowed" {
	local f binds=""
	for f in cpuinfo meminfo stat uptime loadavg diskstats swaps; do
		echo "fake $f" >"$TEST_DIR/$f"
		binds+="{\"destination\":\"/proc/$f\",\"type\":\"bind\",\"source\":\"$TEST_DIR/$f\",\"options\":[\"bind\",\"ro\"]},"
	done
	update_config ".mounts += [${binds%,}]"
	set_args sh -c 'for f in cpuinfo meminfo stat uptime loadavg diskstats swaps; do cat /proc/$f; done'
	run -0 fg t
	for f in cpuinfo meminfo stat uptime loadavg diskstats swaps; do
		assert_line "fake $f"
	done
}

@test "CVE-2025-52881: sysctl and oomScoreAdj reach the container's namespaces through vessel's own procfs while /proc/sys is read-only" {
	local fwd shm dom
	fwd=$(cat /proc/sys/net/ipv4/ip_forward)
	shm=$(cat /proc/sys/kernel/shm_rmid_forced)
	dom=$(cat /proc/sys/kernel/domainname)
	local want_fwd=$((1 - fwd)) want_shm=$((1 - shm))
	update_config ".linux.sysctl = {\"net.ipv4.ip_forward\":\"$want_fwd\",\"kernel.shm_rmid_forced\":\"$want_shm\",\"kernel/domainname\":\"vessel.test\"} |
		.process.oomScoreAdj = 512"
	set_args sh -c 'cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/shm_rmid_forced /proc/sys/kernel/domainname /proc/self/oom_score_adj; grep " /proc/sys " /proc/self/mountinfo'
	run -0 fg t
	assert_equal "${lines[0]}" "$want_fwd"
	assert_equal "${lines[1]}" "$want_shm"
	assert_equal "${lines[2]}" vessel.test
	assert_equal "${lines[3]}" 512
	assert_line --regexp ' /proc/sys ro,'
	# The host's values did not move.
	assert_equal "$(cat /proc/sys/net/ipv4/ip_forward)" "$fwd"
	assert_equal "$(cat /proc/sys/kernel/shm_rmid_forced)" "$shm"
	assert_equal "$(cat /proc/sys/kernel/domainname)" "$dom"
}

@test "CVE-2025-52881: sysctls outside the container's namespaces or escaping /proc/sys are refused before any write" {
	local k bad=()
	set_args true
	# None of these exists, so a runtime that wrongly let one through would
	# write nothing on the host.
	for k in kernel.vessel_no_such vm.vessel_no_such net/../kernel/vessel_no_such net.ipv4..vessel fs.vessel_no_such \
		../self/attr/vessel; do
		update_config ".linux.sysctl = {$(jq -Rn --arg k "$k" '$k'): \"1\"}"
		run --separate-stderr fg t
		if [ "$status" -ne 1 ] || [[ "$stderr" != "$RT_NAME: config.json: linux.sysctl: "* ]]; then
			bad+=("$k: status $status: $stderr")
		fi
		assert_nothing_left t
	done
	if [ ${#bad[@]} -gt 0 ]; then
		printf '%s\n' "${bad[@]}" | batslib_decorate "sysctls not refused as config errors" | fail
	fi
}

# ---------------------------------------------------------------------------
# CVE-2025-31133 / CVE-2025-52565: the image's /dev/null and /dev/console

# image_dev: drop the /dev tmpfs from the config, so that the image's own
# /dev is the container's (as with a bind-mounted or image-provided /dev).
image_dev() {
	update_config '.mounts |= map(select(.destination != "/dev"))'
	mkdir -p "$BUNDLE/rootfs/dev/pts" "$BUNDLE/rootfs/dev/shm" "$BUNDLE/rootfs/dev/mqueue"
}

MASK_REPORT='stat -c "%n %F %t:%T" /proc/keys /proc/timer_list; grep -E " /proc/(keys|timer_list) " /proc/self/mountinfo | awk "{print \$5, \$4, \$9}"; v=$(cat /proc/sys/kernel/core_pattern); echo "$v" >/proc/keys && echo wrote-keys; echo "$v" >/dev/null && echo wrote-devnull; stat -c "devnull %F" /dev/null'

# assert_masked: the masks are the null device (1:3), bound from the
# runtime's own /dev/null (the mount's root is /null on the filesystem of the
# host's /dev: devtmpfs on a machine, a tmpfs of device nodes in a
# container), never from the image's.
assert_masked() {
	local devfs
	devfs=$(awk '$5 == "/dev" { for (i = 7; $i != "-"; i++); fs = $(i + 1) } END { print fs }' /proc/self/mountinfo)
	[ -n "$devfs" ] || fail "no /dev mount on this host"
	assert_line "/proc/keys character special file 1:3"
	assert_line "/proc/timer_list character special file 1:3"
	assert_line "/proc/keys /null $devfs"
	assert_line "/proc/timer_list /null $devfs"
}

@test "CVE-2025-31133: the image's /dev/null a symlink to core_pattern: masks are still the real null device" {
	local cp
	cp=$(cat /proc/sys/kernel/core_pattern)
	image_dev
	ln -sfn /proc/sys/kernel/core_pattern "$BUNDLE/rootfs/dev/null"
	set_args sh -c "$MASK_REPORT"
	run --separate-stderr fg t
	assert_success
	assert_masked
	# Through the symlink the write meets the read-only /proc/sys.
	refute_line wrote-devnull
	echo "# the container's /dev/null: $(grep ^devnull <<<"$output")" >&3
	assert_equal "$(cat /proc/sys/kernel/core_pattern)" "$cp"
}

@test "CVE-2025-31133: the image's /dev/null a regular file: masks are still the real null device" {
	local cp
	cp=$(cat /proc/sys/kernel/core_pattern)
	image_dev
	rm -f "$BUNDLE/rootfs/dev/null"
	echo "not a device" >"$BUNDLE/rootfs/dev/null"
	set_args sh -c "$MASK_REPORT"
	run --separate-stderr fg t
	assert_success
	assert_masked
	echo "# the container's /dev/null: $(grep ^devnull <<<"$output")" >&3
	assert_equal "$(cat /proc/sys/kernel/core_pattern)" "$cp"
}

@test "CVE-2025-31133: /dev/null swapped with a symlink to core_pattern during set-up: masks stay the null device" {
	image_dev
	rm -f "$BUNDLE/rootfs/dev/null"
	set_args sh -c 'stat -c "%n %t:%T" /proc/keys /proc/timer_list'
	bg "$FILE_DIR/bin/swapper" -f "$BUNDLE/rootfs/dev" null 20 "$TEST_DIR/swaps" /proc/sys/kernel/core_pattern ../proc/sysrq-trigger >/dev/null
	local swapper=${BG_PIDS[-1]}
	runs 30 5
	kill "$swapper"
	wait_pid "$swapper" 5
	echo "# $RUNS_OK runs succeeded, $RUNS_FAILED failed, $(cat "$TEST_DIR/swaps") swaps" >&3
	[ "$(cat "$TEST_DIR/swaps")" -gt 100 ]
	[ "$RUNS_OK" -gt 0 ]
	run -0 sort -u "$TEST_DIR/inside.log"
	assert_output "/proc/keys 1:3
/proc/timer_list 1:3"
}

# console_run ID: `run -d` with a console socket receiver writing what the
# pty shows to $TEST_DIR/console.out.
console_run() {
	bg "$PYTHON" "$ATTACKS/console.py" "$TEST_DIR/console.sock" "$TEST_DIR/console.out" >/dev/null
	local rcv=${BG_PIDS[-1]}
	run --separate-stderr vessel run -d --console-socket "$TEST_DIR/console.sock" --bundle "$BUNDLE" "$1"
	CONSOLE_STATUS=$status CONSOLE_STDERR=$stderr
	if [ "$status" -eq 0 ]; then
		wait_pid "$rcv" 15
	fi
}

@test "CVE-2025-52565: the image's /dev/console a symlink to core_pattern: the pty is not bound onto it" {
	local cp
	cp=$(cat /proc/sys/kernel/core_pattern)
	image_dev
	ln -sfn ../proc/sys/kernel/core_pattern "$BUNDLE/rootfs/dev/console"
	update_config '.process.terminal = true'
	set_args sh -c 'stat -c "%n %F %t:%T" /proc/sys/kernel/core_pattern /dev/console; grep -c " /proc/sys/kernel/core_pattern " /proc/self/mountinfo'
	console_run t
	if [ "$CONSOLE_STATUS" -ne 0 ]; then
		# Refused: say so clearly and leave nothing.
		echo "# vessel refuses: $CONSOLE_STDERR" >&3
		assert_equal "$CONSOLE_STDERR" "$RT_NAME: unable to start container process: \"/dev/console\" in the container is not a regular file or device; refusing to mount on it"
		assert_nothing_left t
	else
		run -0 tr -d '\r' <"$TEST_DIR/console.out"
		echo "# vessel runs the container: $(tr '\n' ';' <<<"$output")" >&3
		# core_pattern is still the procfs file, not the pty.
		assert_line "/proc/sys/kernel/core_pattern regular empty file 0:0"
		assert_line 0
	fi
	assert_equal "$(cat /proc/sys/kernel/core_pattern)" "$cp"
}

@test "CVE-2025-52565: with a regular /dev/console in the image the pty is bound on it, verified as a pty" {
	image_dev
	rm -f "$BUNDLE/rootfs/dev/console"
	: >"$BUNDLE/rootfs/dev/console"
	update_config '.process.terminal = true'
	set_args sh -c 'stat -c "%n %F %t" /dev/console; tty'
	console_run t
	[ "$CONSOLE_STATUS" -eq 0 ] || fail "run: $CONSOLE_STDERR"
	run -0 tr -d '\r' <"$TEST_DIR/console.out"
	# Unix98 pty slaves are majors 136..143 (0x88..0x8f).
	assert_line --regexp '^/dev/console character special file 8[89a-f]$'
	assert_line --regexp '^/dev/pts/[0-9]+$'
	run -0 sed -n 2p "$TEST_DIR/console.out.meta"
	assert_output --regexp '^5:2$'
}
