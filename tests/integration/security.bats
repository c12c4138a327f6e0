#!/usr/bin/env bats
# Capabilities, no_new_privs, the session keyring, the signal state handed
# to the container's process, and what the OCI defaults from `vessel spec`
# forbid: loading modules, mounting, changing the host's sysctls, reaching
# processes outside, seeing host devices; /sys, /sys/fs/cgroup and /proc/sys
# read-only; masked paths empty.  The hardening classes (the runc CVEs) are
# in security_cve.bats.

load security_helpers

setup_file() { sec_setup_file sysprobe keyinfo; }
setup() {
	sec_setup
	install_bin sysprobe
}
teardown() { sec_teardown; }

# fg ID: a foreground run of $BUNDLE.
fg() {
	vessel run --bundle "$BUNDLE" "$1" </dev/null
}

# probe CALL...: attacks/sysprobe.c as the container's process.
probe() {
	set_args /sysprobe "$@"
	run --separate-stderr fg t
}

# caps_json BND EFF PRM INH AMB: process.capabilities from five
# space-separated lists.
caps_json() {
	local out="{" k i=0 set
	for k in bounding effective permitted inheritable ambient; do
		i=$((i + 1))
		set=${!i}
		out+="\"$k\":$(printf '%s\n' $set | jq -R . | jq -s -c 'map(select(. != ""))'),"
	done
	echo "${out%,}}"
}

# ---------------------------------------------------------------------------
# Capabilities

@test "capabilities: the five sets land exactly as configured for root" {
	# CHOWN 0, KILL 5, SETUID 7, NET_BIND_SERVICE 10.
	local all="CAP_CHOWN CAP_KILL CAP_SETUID CAP_NET_BIND_SERVICE"
	update_config ".process.capabilities = $(caps_json "$all" "$all" "$all" CAP_KILL CAP_KILL)"
	set_args grep ^Cap /proc/self/status
	run -0 fg t
	local full one
	full=$(cap_mask 0 5 7 10)
	one=$(cap_mask 5)
	assert_line "CapBnd:	$full"
	assert_line "CapEff:	$full"
	assert_line "CapPrm:	$full"
	assert_line "CapInh:	$one"
	assert_line "CapAmb:	$one"
	local v=$output
	with_runc
	run -0 runc run --bundle "$BUNDLE" r </dev/null
	assert_equal "$output" "$v"
}

@test "capabilities: the five sets land exactly as configured for uid 1000 with ambient capabilities" {
	# NET_BIND_SERVICE 10, NET_RAW 13: kept across the switch and execve by
	# the ambient set.
	local bnd="CAP_CHOWN CAP_KILL CAP_NET_BIND_SERVICE CAP_NET_RAW" two="CAP_NET_BIND_SERVICE CAP_NET_RAW"
	update_config ".process.user = {\"uid\":1000,\"gid\":1000} |
		.process.capabilities = $(caps_json "$bnd" "$two" "$two" "$two" "$two")"
	set_args grep -E '^(Cap|Uid|Gid)' /proc/self/status
	run -0 fg t
	local m
	m=$(cap_mask 10 13)
	assert_line "CapBnd:	$(cap_mask 0 5 10 13)"
	assert_line "CapEff:	$m"
	assert_line "CapPrm:	$m"
	assert_line "CapInh:	$m"
	assert_line "CapAmb:	$m"
	assert_line "Uid:	1000	1000	1000	1000"
	local v=$output
	with_runc
	run -0 runc run --bundle "$BUNDLE" r </dev/null
	assert_equal "$output" "$v"
}

@test "capabilities: the defaults of vessel spec are runc's three, no ambient for uid 1000 without it" {
	set_args grep ^Cap /proc/self/status
	run -0 fg t
	# AUDIT_WRITE 29, KILL 5, NET_BIND_SERVICE 10.
	local m
	m=$(cap_mask 5 10 29)
	assert_line "CapBnd:	$m"
	assert_line "CapEff:	$m"
	assert_line "CapPrm:	$m"
	assert_line "CapInh:	0000000000000000"
	assert_line "CapAmb:	0000000000000000"
}

@test "capabilities: an unknown capability name is a config error naming its JSON path" {
	update_config '.process.capabilities.permitted += ["CAP_TEST"]'
	set_args true
	run --separate-stderr fg t
	assert_failure 1
	assert_equal "$stderr" "$RT_NAME: config.json: process.capabilities.permitted[3]: unknown capability \"CAP_TEST\""
	assert_nothing_left t
}

@test "capabilities: exec --cap adds a capability, an unknown one is refused" {
	set_args sleep 60
	run_d t
	run -0 vessel exec --cap CAP_SYS_CHROOT t grep ^CapEff /proc/self/status
	# SYS_CHROOT 18 on top of the defaults.
	assert_output "CapEff:	$(cap_mask 5 10 18 29)"
	run --separate-stderr vessel exec --cap CAP_NOPE t true
	assert_failure 1
	assert_equal "$stderr" "$RT_NAME: unknown capability \"CAP_NOPE\""
	vessel delete -f t
}

# ---------------------------------------------------------------------------
# no_new_privs

@test "noNewPrivileges: NoNewPrivs is 1 by default and 0 when false" {
	set_args grep ^NoNewPrivs /proc/self/status
	run -0 fg t
	assert_output "NoNewPrivs:	1"
	update_config '.process.noNewPrivileges = false'
	run -0 fg t
	assert_output "NoNewPrivs:	0"
}

@test "noNewPrivileges: a setuid-root program run by uid 1000 gains nothing" {
	# The probe, setuid root: setuid(0) works only if the exec raised euid.
	chmod 4755 "$BUNDLE/rootfs/sysprobe"
	update_config '.process.user = {"uid":1000,"gid":1000}'
	probe setuid:0
	assert_success
	assert_output "setuid:0 err EPERM"
	# The control: without no_new_privs the bit works.
	update_config '.process.noNewPrivileges = false'
	probe setuid:0
	assert_success
	assert_output "setuid:0 ok 0"
}

# ---------------------------------------------------------------------------
# Session keyring

@test "keyring: each container gets a new session keyring named _ses.<id>" {
	install_bin keyinfo
	local host
	host=$("$FILE_DIR/bin/keyinfo")
	set_args /keyinfo
	own_cgroup one
	run -0 fg ctr-one
	assert_output --regexp '^[0-9a-f]+ keyring;0;0;[0-9a-f]+;_ses\.ctr-one$'
	local one=${output%% *}
	refute [ "$one" = "${host%% *}" ]
	run -0 fg ctr-two
	assert_output --regexp '^[0-9a-f]+ keyring;0;0;[0-9a-f]+;_ses\.ctr-two$'
	refute [ "${output%% *}" = "$one" ]
	# runc gives the keyring the same owner and permissions.
	local v=${output#* }
	with_runc
	run -0 runc run --bundle "$BUNDLE" ctr-two </dev/null
	assert_equal "${output#* }" "$v"
}

@test "keyring: the host sees the container's _ses.<id> keyring while it runs" {
	set_args sleep 60
	run_d kr
	run -0 grep -E ' keyring +_ses\.kr: ' /proc/keys
	vessel delete -f kr
}

@test "keyring: another container of the same uid cannot add to or clear a container's keyring" {
	install_bin keyinfo
	mk_fifo serial >/dev/null
	set_args sh -c '/keyinfo >/serial; exec sleep 60'
	own_cgroup victim
	run_d victim
	local serial
	serial=$(read_fifo "$BUNDLE/rootfs/serial")
	serial=${serial%% *}
	[ -n "$serial" ]
	# The attacker is told the serial (keyrings are found by serial): with
	# runc's permissions (possessor all, user view read search, 0x3f1b0000)
	# a process of the same uid that does not possess it cannot change it.
	set_args sh -c "/keyinfo add $serial; /keyinfo clear $serial"
	own_cgroup attacker
	run fg attacker
	assert_line "add err EACCES"
	assert_line "clear err EACCES"
	vessel delete -f victim
}

@test "keyring: --no-new-keyring keeps the caller's session keyring" {
	install_bin keyinfo
	local host
	host=$("$FILE_DIR/bin/keyinfo")
	set_args /keyinfo
	run -0 vessel run --no-new-keyring --bundle "$BUNDLE" t </dev/null
	assert_equal "${output%% *}" "${host%% *}"
	refute_output --partial _ses.t
}

# ---------------------------------------------------------------------------
# Signals: the container's process starts with nothing blocked or ignored

# ign VESSEL-ARGS...: the runtime with signals ignored, as a shell's
# background job or a service manager may leave them (HUP INT QUIT USR1 PIPE
# TERM), bounded in time.
ign() {
	timeout 20 bash -c 'trap "" HUP INT QUIT USR1 PIPE TERM; exec env VESSEL_TEST_TAG="$0" "$1" --root "$2" "${@:3}"' \
		"$TAG" "$VESSEL" "$ROOT" "$@"
}

@test "signals: the container's process starts with nothing blocked or ignored, for run, run -d, create and exec" {
	mk_fifo sig >/dev/null
	local report='grep -E "^Sig(Blk|Ign):" /proc/self/status | tr "\n" " " >/sig'
	set_args sh -c "$report"
	local want
	want=$(printf 'SigBlk:\t0000000000000000 SigIgn:\t0000000000000000 ')
	# A blocked SIGSYS turns SCMP_ACT_TRAP into a kill; a blocked or
	# ignored SIGTERM makes the container deaf to everything but SIGKILL.
	# runc's container processes start with an empty mask and default
	# dispositions whatever its caller had.
	local how=()
	own_cgroup a
	ign run --bundle "$BUNDLE" a </dev/null >/dev/null 2>&1 &
	how+=("run: $(read_fifo "$BUNDLE/rootfs/sig")")
	wait $!
	own_cgroup b
	ign run -d --bundle "$BUNDLE" b </dev/null >/dev/null 2>&1
	how+=("run -d: $(read_fifo "$BUNDLE/rootfs/sig")")
	own_cgroup c
	ign create --bundle "$BUNDLE" c </dev/null >/dev/null 2>&1
	vessel start c
	how+=("create+start: $(read_fifo "$BUNDLE/rootfs/sig")")
	set_args sleep 60
	own_cgroup d
	run_d d
	ign exec d sh -c "$report" </dev/null >/dev/null 2>&1 &
	how+=("exec: $(read_fifo "$BUNDLE/rootfs/sig")")
	wait $!
	ign exec -d d sh -c "$report" </dev/null >/dev/null 2>&1
	how+=("exec -d: $(read_fifo "$BUNDLE/rootfs/sig")")
	local bad=() h
	for h in "${how[@]}"; do
		[ "${h#*: }" = "$want" ] || bad+=("$h")
	done
	if [ ${#bad[@]} -gt 0 ]; then
		printf '%s\n' "${bad[@]}" | batslib_decorate "signal state of the container's process (want: $want)" | fail
	fi
	vessel delete -f d
}

# ---------------------------------------------------------------------------
# SELinux and AppArmor (neither is loaded on this machine)

selinux_enabled() { [ -e /sys/fs/selinux/enforce ]; }
apparmor_enabled() { [ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" = Y ]; }

@test "selinux: a process label on a host without SELinux is refused, as runc does" {
	! selinux_enabled || skip "SELinux is enabled here; this checks the disabled case"
	update_config '.process.selinuxLabel = "system_u:system_r:container_t:s0"'
	set_args true
	run --separate-stderr fg t
	assert_failure 1
	assert_equal "$stderr" "$RT_NAME: selinux label is specified in config, but selinux is disabled or not supported"
	assert_nothing_left t
}

@test "selinux: linux.mountLabel on a host without SELinux is ignored (no context= option)" {
	! selinux_enabled || skip "SELinux is enabled here; this checks the disabled case"
	update_config '.linux.mountLabel = "system_u:object_r:container_file_t:s0"'
	set_args sh -c 'grep -c context= /proc/self/mountinfo'
	run fg t
	assert_output 0
}

@test "selinux: the process label is applied" {
	selinux_enabled || skip "SELinux is not enabled on this host"
	update_config '.process.selinuxLabel = "system_u:system_r:container_t:s0:c1,c2"'
	set_args cat /proc/self/attr/current
	run -0 fg t
	assert_output "system_u:system_r:container_t:s0:c1,c2"
}

@test "apparmor: a profile on a host without AppArmor fails at the write, as runc does" {
	! apparmor_enabled || skip "AppArmor is enabled here; this checks the disabled case"
	update_config '.process.apparmorProfile = "vessel-test-profile"'
	set_args true
	run --separate-stderr fg t
	assert_failure 1
	assert_equal "$stderr" "$RT_NAME: unable to start container process: apparmor failed to apply profile: write attr/exec: invalid argument"
	assert_nothing_left t
}

@test "apparmor: the profile is applied" {
	apparmor_enabled || skip "AppArmor is not enabled on this host"
	update_config '.process.apparmorProfile = "unconfined"'
	set_args cat /proc/self/attr/current
	run -0 fg t
	assert_output --partial unconfined
}

# ---------------------------------------------------------------------------
# The OCI defaults of `vessel spec`

@test "defaults: no kernel module can be loaded (CAP_SYS_MODULE in no set, init_module and finit_module refused)" {
	set_args sh -c 'grep ^Cap /proc/self/status; /sysprobe init_module finit_module'
	run -0 fg t
	local l mask
	for l in CapBnd CapEff CapPrm CapInh CapAmb; do
		mask=$(grep "^$l:" <<<"$output" | awk '{print $2}')
		# CAP_SYS_MODULE is 16.
		[ $((0x$mask & (1 << 16))) -eq 0 ] || fail "$l has CAP_SYS_MODULE: $mask"
	done
	# A kernel built without modules has no such calls (ENOSYS); one with
	# modules refuses them without the capability.
	local want=EPERM
	[ -e /proc/modules ] || want=ENOSYS
	assert_line "init_module err $want"
	assert_line "finit_module err $want"
}

@test "defaults: nothing can be mounted, moved, chrooted or unshared into a new mount namespace" {
	probe mount:tmpfs:/dev/shm mount:proc:/dev/shm unshare:0x20000 chroot:/ swapon:/dev/null reboot
	assert_success
	assert_line "mount:tmpfs:/dev/shm err EPERM"
	assert_line "mount:proc:/dev/shm err EPERM"
	assert_line "unshare:0x20000 err EPERM"
	assert_line "chroot:/ err EPERM"
	assert_line "swapon:/dev/null err EPERM"
	assert_line "reboot err EPERM"
	# busybox's mount says the same.
	set_args mount -t tmpfs none /dev/shm
	run fg t
	assert_failure
	assert_output --partial "permission denied"
}

@test "defaults: the host's sysctls cannot be changed (/proc/sys is read-only)" {
	local f before=()
	local files=(kernel/hostname kernel/core_pattern kernel/domainname vm/overcommit_ratio vm/swappiness net/ipv4/ip_forward fs/suid_dumpable)
	for f in "${files[@]}"; do before+=("$(cat "/proc/sys/$f")"); done
	# Only opens for writing, and shell writes of the value already there:
	# if /proc/sys were writable nothing would change on the host.
	local calls=() script=""
	for f in "${files[@]}"; do calls+=("open:/proc/sys/$f:w"); done
	set_args sh -c "/sysprobe ${calls[*]}; v=\$(cat /proc/sys/vm/overcommit_ratio); echo \$v >/proc/sys/vm/overcommit_ratio && echo WROTE; grep ' /proc/sys ' /proc/self/mountinfo"
	run --separate-stderr fg t
	assert_success
	for f in "${files[@]}"; do assert_line "open:/proc/sys/$f:w err EROFS"; done
	refute_line WROTE
	assert_line --regexp ' /proc/sys ro,'
	local i=0
	for f in "${files[@]}"; do
		assert_equal "$(cat "/proc/sys/$f")" "${before[$i]}"
		i=$((i + 1))
	done
}

@test "defaults: no process outside is visible, signalable or ptrace-able" {
	# A process of the test's own on the host, whose pid does not exist
	# in the container.
	sleep 60 &
	local outside=$!
	BG_PIDS+=("$outside")
	set_args sh -c "ls /proc | grep -E '^[0-9]+\$' | tr '\n' ' '; echo; /sysprobe ptrace:$outside kill:$outside:0 open:/proc/$outside/status:r; grep ^CapEff /proc/self/status"
	run -0 fg t
	# Only the container's own processes: sh (1), ls, grep, tr.
	local pids
	pids=$(sed -n 1p <<<"$output")
	local p
	for p in $pids; do
		[ "$p" -lt 10 ] || fail "the container sees pid $p: $pids"
	done
	[[ " $pids " == *" 1 "* ]] || fail "the container's own init is not visible: $pids"
	assert_line "ptrace:$outside err ESRCH"
	assert_line "kill:$outside:0 err ESRCH"
	assert_line "open:/proc/$outside/status:r err ENOENT"
	# No CAP_SYS_PTRACE (19) either.
	local eff
	eff=$(grep ^CapEff <<<"$output" | awk '{print $2}')
	[ $((0x$eff & (1 << 19))) -eq 0 ]
}

@test "defaults: /dev has only the default devices, no host device can be made or opened" {
	[ -e /dev/vda ] || [ -e /dev/sda ] || [ -e /dev/kmsg ] || skip "the host has none of /dev/vda, /dev/sda, /dev/kmsg to compare with"
	set_args sh -c 'ls -A /dev | tr "\n" " "; echo; stat -c "%n %F %t:%T" /dev/null /dev/zero /dev/full /dev/random /dev/urandom /dev/tty; /sysprobe mknod:/dev/vda:b:254:0 mknod:/dev/kmsg:c:1:11 mknod:/dev/mem:c:1:1'
	run -0 fg t
	assert_line "fd full mqueue null ptmx pts random shm stderr stdin stdout tty urandom zero "
	assert_line "/dev/null character special file 1:3"
	assert_line "/dev/zero character special file 1:5"
	assert_line "/dev/full character special file 1:7"
	assert_line "/dev/random character special file 1:8"
	assert_line "/dev/urandom character special file 1:9"
	assert_line "/dev/tty character special file 5:0"
	assert_line "mknod:/dev/vda:b:254:0 err EPERM"
	assert_line "mknod:/dev/kmsg:c:1:11 err EPERM"
	assert_line "mknod:/dev/mem:c:1:1 err EPERM"
}

@test "defaults: with CAP_MKNOD a host device node can be made but not opened (device cgroup)" {
	update_config '.process.capabilities.bounding += ["CAP_MKNOD"] | .process.capabilities.effective += ["CAP_MKNOD"] | .process.capabilities.permitted += ["CAP_MKNOD"]'
	probe mknod:/dev/vdx:b:254:0 open:/dev/vdx:r mknod:/dev/km:c:1:11 open:/dev/km:r open:/dev/null:w
	assert_success
	assert_line "mknod:/dev/vdx:b:254:0 ok 0"
	assert_line "open:/dev/vdx:r err EPERM"
	assert_line "mknod:/dev/km:c:1:11 ok 0"
	assert_line "open:/dev/km:r err EPERM"
	assert_line --regexp '^open:/dev/null:w ok'
}

@test "defaults: /sys and /sys/fs/cgroup are read-only" {
	local sysfile
	sysfile=$(find /sys/kernel /sys/power -maxdepth 1 -type f -perm -u+w 2>/dev/null | head -n 1)
	[ -n "$sysfile" ] || skip "no writable file under /sys/kernel or /sys/power on the host"
	probe "open:$sysfile:w" mkdir:/sys/fs/cgroup/pids/x mkdir:/sys/fs/cgroup/unified/x mkdir:/sys/fs/cgroup/memory/x \
		open:/sys/fs/cgroup/pids/cgroup.procs:w open:/sys/fs/cgroup/unified/cgroup.procs:w
	assert_success
	assert_line "open:$sysfile:w err EROFS"
	assert_line "mkdir:/sys/fs/cgroup/pids/x err EROFS"
	assert_line "mkdir:/sys/fs/cgroup/unified/x err EROFS"
	assert_line "mkdir:/sys/fs/cgroup/memory/x err EROFS"
	assert_line "open:/sys/fs/cgroup/pids/cgroup.procs:w err EROFS"
	assert_line "open:/sys/fs/cgroup/unified/cgroup.procs:w err EROFS"
	set_args sh -c 'grep -E " /sys(/fs/cgroup(/[a-z0-9,=]+)?)? " /proc/self/mountinfo | grep -v " ro,"'
	run fg t
	assert_output ""
}

@test "defaults: /proc/sysrq-trigger is read-only" {
	[ -e /proc/sysrq-trigger ] || skip "this kernel has no /proc/sysrq-trigger (CONFIG_MAGIC_SYSRQ is off)"
	probe open:/proc/sysrq-trigger:w
	assert_output "open:/proc/sysrq-trigger:w err EROFS"
}

@test "defaults: masked files are the null device (char 1:3) and empty, masked directories empty" {
	local p
	for p in /proc/keys /proc/timer_list; do
		[ -s "$p" ] || [ "$(head -c 1 "$p" | wc -c)" -gt 0 ] || skip "$p is empty on the host"
	done
	[ -n "$(ls -A /sys/firmware)" ] || skip "/sys/firmware is empty on the host"
	[ -d /proc/acpi ] || skip "no /proc/acpi on this host"
	set_args sh -c 'stat -c "%n %F %t:%T" /proc/keys /proc/timer_list; cat /proc/keys /proc/timer_list | wc -c; echo "acpi:$(ls -A /proc/acpi | wc -l) firmware:$(ls -A /sys/firmware | wc -l)"; echo x >/proc/acpi/x || echo acpi-ro'
	run -0 fg t
	assert_line "/proc/keys character special file 1:3"
	assert_line "/proc/timer_list character special file 1:3"
	assert_line 0
	assert_line "acpi:0 firmware:0"
	assert_line acpi-ro
}
