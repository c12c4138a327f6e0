#!/usr/bin/env bats
# linux.seccomp: every action, every argument operator, the rule semantics
# runc has, architectures, flags, config errors, exec, noNewPrivileges false,
# and SCMP_ACT_NOTIFY with a listener agent (attacks/agent.c).
#
# The probe is attacks/sysprobe.c: one line per system call it makes,
# "CALL ok RET", "CALL err ERRNO" or "CALL trap NR" (SIGSYS from
# SCMP_ACT_TRAP).  mkdir is tried in /dev/shm, which is writable in the
# default config (the root is read-only), so an unfiltered mkdir succeeds.

load security_helpers

setup_file() {
	sec_setup_file sysprobe agent
	# Whether this kernel runs i386 system calls at all (int $0x80): with
	# IA32 emulation off, or under a hypervisor without it, the instruction
	# raises SIGSEGV. The probe, outside any container and filter, says.
	local rc=0
	"$FILE_DIR/bin/sysprobe" "mkdir32:$FILE_DIR/i386-probe" >/dev/null 2>&1 || rc=$?
	I386_SYSCALLS=1
	[ "$rc" -ne 139 ] || I386_SYSCALLS=0
	export I386_SYSCALLS
}
setup() {
	sec_setup
	install_bin sysprobe
}
teardown() { sec_teardown; }

# probe CALL...: run the probe as the container's process (foreground run).
probe() {
	set_args /sysprobe "$@"
	run --separate-stderr vessel run --bundle "$BUNDLE" t </dev/null
}

# allow_default RULE...: defaultAction ALLOW with these syscalls[] entries.
allow_default() {
	local IFS=,
	seccomp "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[$*]}"
}

# action_rule NAME ACTION: a syscalls[] entry for NAME with ACTION.
action_rule() {
	printf '{"names":["%s"],"action":"%s"}' "$1" "$2"
}

# What a static probe needs to start, print and exit, for the
# defaultAction tests.
PROBE_SYSCALLS='"execve","brk","arch_prctl","set_tid_address","set_robust_list","rseq","prlimit64","mprotect","readlink","readlinkat","uname","write","exit","exit_group","getrandom","mmap","munmap","newfstatat","fstat","ioctl","futex","rt_sigaction","rt_sigprocmask","getpid","clone","clone3","madvise","sched_yield","rt_sigreturn"'

# assert_config_error MESSAGE: `run` fails with exactly MESSAGE on stderr,
# exit 1, and nothing is left behind.
assert_config_error() {
	set_args true
	run --separate-stderr vessel run --bundle "$BUNDLE" t </dev/null
	assert_failure 1
	assert_equal "$stderr" "$RT_NAME: $1"
	assert_nothing_left t
}

@test "seccomp: features lists the actions, operators and flags of libseccomp 2.5.4" {
	run -0 "$VESSEL" features
	local f=$output
	run -0 jq -r '.linux.seccomp.actions | join(" ")' <<<"$f"
	assert_output "SCMP_ACT_ALLOW SCMP_ACT_ERRNO SCMP_ACT_KILL SCMP_ACT_KILL_PROCESS SCMP_ACT_KILL_THREAD SCMP_ACT_LOG SCMP_ACT_NOTIFY SCMP_ACT_TRACE SCMP_ACT_TRAP"
	run -0 jq -r '.linux.seccomp.operators | join(" ")' <<<"$f"
	assert_output "SCMP_CMP_EQ SCMP_CMP_GE SCMP_CMP_GT SCMP_CMP_LE SCMP_CMP_LT SCMP_CMP_MASKED_EQ SCMP_CMP_NE"
	run -0 jq -r '.linux.seccomp.supportedFlags | join(" ")' <<<"$f"
	assert_output --partial SECCOMP_FILTER_FLAG_LOG
	assert_output --partial SECCOMP_FILTER_FLAG_SPEC_ALLOW
	# WAIT_KILLABLE_RECV needs libseccomp 2.6 (API level 7).
	refute_output --partial SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
	run -0 jq -r '.linux.seccomp.knownFlags | join(" ")' <<<"$f"
	assert_output --partial SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
	run -0 jq -r '.linux.seccomp.archs | index("SCMP_ARCH_X86_64") != null and index("SCMP_ARCH_X86") != null' <<<"$f"
	assert_output true
}

@test "seccomp: without a filter the probe's calls succeed (the control for every test below)" {
	probe getpid mkdir:/dev/shm/d personality:0xffffffff socket:1:1
	assert_success
	assert_line --regexp '^getpid ok [0-9]+$'
	assert_line "mkdir:/dev/shm/d ok 0"
	assert_line "personality:0xffffffff ok 0"
	assert_line --regexp '^socket:1:1 ok [0-9]+$'
}

@test "seccomp: SCMP_ACT_ERRNO fails the call with errnoRet, and with EPERM without it" {
	allow_default "$(errno_rule mkdir 18)" '{"names":["personality"],"action":"SCMP_ACT_ERRNO"}'
	probe mkdir:/dev/shm/d personality:0xffffffff getpid
	assert_success
	assert_line "mkdir:/dev/shm/d err EXDEV"
	assert_line "personality:0xffffffff err EPERM"
	assert_line --regexp '^getpid ok [0-9]+$'
}

@test "seccomp: defaultAction SCMP_ACT_ERRNO with defaultErrnoRet, the listed calls allowed" {
	seccomp "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":15,
		\"syscalls\":[{\"names\":[$PROBE_SYSCALLS],\"action\":\"SCMP_ACT_ALLOW\"}]}"
	probe getpid mkdir:/dev/shm/d socket:1:1
	assert_success
	assert_line --regexp '^getpid ok [0-9]+$'
	assert_line "mkdir:/dev/shm/d err ENOTBLK"
	assert_line "socket:1:1 err ENOTBLK"
}

@test "seccomp: defaultAction SCMP_ACT_ERRNO without defaultErrnoRet is EPERM" {
	seccomp "{\"defaultAction\":\"SCMP_ACT_ERRNO\",
		\"syscalls\":[{\"names\":[$PROBE_SYSCALLS],\"action\":\"SCMP_ACT_ALLOW\"}]}"
	probe getpid mkdir:/dev/shm/d
	assert_success
	assert_line "mkdir:/dev/shm/d err EPERM"
}

@test "seccomp: SCMP_ACT_KILL kills the thread only (it is KILL_THREAD, as in runc)" {
	allow_default "$(action_rule mkdir SCMP_ACT_KILL)"
	probe t/mkdir:/dev/shm/d getpid
	assert_success
	refute_line --partial "mkdir:/dev/shm/d"
	assert_line "main alive"
	assert_line --regexp '^getpid ok [0-9]+$'
	# Single-threaded, the process goes: SIGSYS, 128 + 31.
	probe mkdir:/dev/shm/d
	assert_failure 159
	assert_output ""
}

@test "seccomp: SCMP_ACT_KILL_THREAD kills the calling thread, the process goes on" {
	allow_default "$(action_rule mkdir SCMP_ACT_KILL_THREAD)"
	probe t/mkdir:/dev/shm/d getpid
	assert_success
	refute_line --partial "mkdir:/dev/shm/d"
	assert_line "main alive"
}

@test "seccomp: SCMP_ACT_KILL_PROCESS kills the whole process from any thread" {
	allow_default "$(action_rule mkdir SCMP_ACT_KILL_PROCESS)"
	probe t/mkdir:/dev/shm/d getpid
	assert_failure 159
	assert_output ""
}

@test "seccomp: SCMP_ACT_TRAP raises SIGSYS for the call, which the process can handle" {
	allow_default "$(action_rule mkdir SCMP_ACT_TRAP)"
	# create + start: the init's signal mask is clean there (a foreground
	# run's is not, see security.bats), and a blocked SIGSYS kills.
	set_args /sysprobe mkdir:/dev/shm/d getpid
	create_ct t --pid-file "$TEST_DIR/t.pid"
	local pid
	pid=$(cat "$TEST_DIR/t.pid")
	run -0 vessel start t
	wait_pid "$pid"
	run -0 cat "$TEST_DIR/t.out"
	# 83 is mkdir on x86_64.
	assert_line "mkdir:/dev/shm/d trap 83"
	assert_line --regexp '^getpid ok [0-9]+$'
}

@test "seccomp: SCMP_ACT_LOG lets the call through" {
	allow_default "$(action_rule mkdir SCMP_ACT_LOG)"
	probe mkdir:/dev/shm/d
	assert_success
	assert_line "mkdir:/dev/shm/d ok 0"
	grep -qw log /proc/sys/kernel/seccomp/actions_logged
}

@test "seccomp: SCMP_ACT_ALLOW rules under an SCMP_ACT_ERRNO rule for other calls" {
	allow_default "$(errno_rule personality 18)" "$(action_rule mkdir SCMP_ACT_ALLOW)"
	probe mkdir:/dev/shm/d personality:0xffffffff
	assert_success
	assert_line "mkdir:/dev/shm/d ok 0"
	assert_line "personality:0xffffffff err EXDEV"
}

@test "seccomp: SCMP_ACT_TRACE without a tracer fails the call with ENOSYS" {
	allow_default "$(action_rule mkdir SCMP_ACT_TRACE)" \
		'{"names":["personality"],"action":"SCMP_ACT_TRACE","errnoRet":18}'
	probe mkdir:/dev/shm/d personality:0xffffffff getpid
	assert_success
	assert_line "mkdir:/dev/shm/d err ENOSYS"
	assert_line "personality:0xffffffff err ENOSYS"
}

# op_case OP VALUE [VALUE_TWO]: a personality rule with one argument
# condition; prints which of the probe values were refused.
op_case() {
	local arg="{\"index\":0,\"value\":$2,\"op\":\"$1\"${3:+,\"valueTwo\":$3}}"
	allow_default "{\"names\":[\"personality\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":18,\"args\":[$arg]}"
	probe personality:0 personality:0x20000 personality:0x40000 personality:0xffffffff
	assert_success
	grep ' err EXDEV$' <<<"$output" | sed 's/^personality:\(.*\) err EXDEV$/\1/' | tr '\n' ' '
}

@test "seccomp: argument operators EQ NE LT LE GT GE MASKED_EQ on personality(2)" {
	local got
	# 0x20000 is 131072, 0x40000 262144.
	got=$(op_case SCMP_CMP_EQ 131072)
	assert_equal "$got" "0x20000 "
	got=$(op_case SCMP_CMP_NE 131072)
	assert_equal "$got" "0 0x40000 0xffffffff "
	got=$(op_case SCMP_CMP_LT 131072)
	assert_equal "$got" "0 "
	got=$(op_case SCMP_CMP_LE 131072)
	assert_equal "$got" "0 0x20000 "
	got=$(op_case SCMP_CMP_GT 131072)
	assert_equal "$got" "0x40000 0xffffffff "
	got=$(op_case SCMP_CMP_GE 131072)
	assert_equal "$got" "0x20000 0x40000 0xffffffff "
	# (arg & value) == valueTwo
	got=$(op_case SCMP_CMP_MASKED_EQ 262144 262144)
	assert_equal "$got" "0x40000 0xffffffff "
	got=$(op_case SCMP_CMP_MASKED_EQ 393216 131072)
	assert_equal "$got" "0x20000 "
}

@test "seccomp: conditions on different arguments of one rule must all match (AND)" {
	allow_default '{"names":["socket"],"action":"SCMP_ACT_ERRNO","errnoRet":18,"args":[
		{"index":0,"value":1,"op":"SCMP_CMP_EQ"},{"index":1,"value":2,"op":"SCMP_CMP_EQ"}]}'
	probe socket:1:1 socket:1:2 socket:2:2 socket:2:1
	assert_success
	assert_line --regexp '^socket:1:1 ok'
	assert_line "socket:1:2 err EXDEV"
	assert_line --regexp '^socket:2:2 ok'
	assert_line --regexp '^socket:2:1 ok'
}

@test "seccomp: the same argument twice makes each condition a rule of its own (OR), as runc" {
	allow_default '{"names":["socket"],"action":"SCMP_ACT_ERRNO","errnoRet":18,"args":[
		{"index":0,"value":1,"op":"SCMP_CMP_EQ"},{"index":0,"value":2,"op":"SCMP_CMP_EQ"},
		{"index":1,"value":3,"op":"SCMP_CMP_EQ"}]}'
	probe socket:1:1 socket:2:1 socket:10:3 socket:10:1
	assert_success
	local vessel_out=$output
	assert_line "socket:1:1 err EXDEV"
	assert_line "socket:2:1 err EXDEV"
	assert_line "socket:10:3 err EXDEV"
	assert_line --regexp '^socket:10:1 ok'
	# runc 1.1.5 gives the same answers.
	with_runc
	run -0 runc run --bundle "$BUNDLE" r </dev/null
	assert_equal "$(sed 's/ ok [0-9]*$/ ok/' <<<"$output")" "$(sed 's/ ok [0-9]*$/ ok/' <<<"$vessel_out")"
}

@test "seccomp: unknown syscall names are skipped, the rest of the rule applies" {
	allow_default '{"names":["vessel_no_such_syscall","mkdir","another_unknown_one"],"action":"SCMP_ACT_ERRNO","errnoRet":18}'
	probe mkdir:/dev/shm/d getpid
	assert_success
	assert_line "mkdir:/dev/shm/d err EXDEV"
	assert_line --regexp '^getpid ok'
	# As runc: a debug message, nothing at the default level.
	assert_equal "$stderr" ""
	set_args true
	run -0 --separate-stderr vessel --debug run --bundle "$BUNDLE" t </dev/null
	assert_equal "$(grep -c 'seccomp: unknown syscall "vessel_no_such_syscall", skipping it' <<<"$stderr")" 1
	assert_equal "$(grep -c 'seccomp: unknown syscall "another_unknown_one", skipping it' <<<"$stderr")" 1
}

@test "seccomp: an unknown action is a config error naming its JSON path" {
	allow_default '{"names":["mkdir"],"action":"SCMP_ACT_ERRNO"}' '{"names":["mkdir"],"action":"SCMP_ACT_FOO"}'
	assert_config_error 'config.json: linux.seccomp.syscalls[1].action: unknown seccomp action "SCMP_ACT_FOO"'
}

@test "seccomp: an unknown defaultAction is a config error naming its JSON path" {
	seccomp '{"defaultAction":"SCMP_ACT_NOPE"}'
	assert_config_error 'config.json: linux.seccomp.defaultAction: unknown seccomp action "SCMP_ACT_NOPE"'
}

@test "seccomp: an unknown operator is a config error naming its JSON path" {
	allow_default '{"names":["socket"],"action":"SCMP_ACT_ERRNO","args":[{"index":0,"value":1,"op":"SCMP_CMP_EQ"},{"index":1,"value":1,"op":"SCMP_CMP_ALMOST"}]}'
	assert_config_error 'config.json: linux.seccomp.syscalls[0].args[1].op: unknown seccomp operator "SCMP_CMP_ALMOST"'
}

@test "seccomp: an unknown architecture is a config error naming its JSON path" {
	seccomp '{"defaultAction":"SCMP_ACT_ALLOW","architectures":["SCMP_ARCH_X86_64","SCMP_ARCH_VAX"]}'
	assert_config_error 'config.json: linux.seccomp.architectures[1]: unknown architecture "SCMP_ARCH_VAX"'
}

@test "seccomp: an unknown flag is a config error naming its JSON path" {
	seccomp '{"defaultAction":"SCMP_ACT_ALLOW","flags":["SECCOMP_FILTER_FLAG_LOG","SECCOMP_FILTER_FLAG_BOGUS"]}'
	assert_config_error 'config.json: linux.seccomp.flags[1]: unknown seccomp flag "SECCOMP_FILTER_FLAG_BOGUS"'
}

@test "seccomp: SCMP_ACT_NOTIFY as the default action is a config error" {
	seccomp '{"defaultAction":"SCMP_ACT_NOTIFY","listenerPath":"/tmp/x.sock"}'
	assert_config_error 'config.json: linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the default action'
}

@test "seccomp: SCMP_ACT_NOTIFY without listenerPath is a config error" {
	allow_default "$(action_rule mkdir SCMP_ACT_NOTIFY)"
	assert_config_error 'config.json: linux.seccomp.listenerPath: required when an action is SCMP_ACT_NOTIFY'
}

@test "seccomp: architectures adds the i386 ABI to the filter; without it i386 calls hit the bad-arch action" {
	[ "$I386_SYSCALLS" = 1 ] || skip "this kernel runs no i386 system calls (int \$0x80 raises SIGSEGV)"
	# the control: without a filter the i386 call succeeds
	probe mkdir32:/dev/shm/e
	assert_success
	assert_output "mkdir32:/dev/shm/e ok 0"
	seccomp "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\",\"SCMP_ARCH_X32\"],
		\"syscalls\":[$(errno_rule mkdir 18)]}"
	probe mkdir:/dev/shm/d mkdir32:/dev/shm/e getpid
	assert_success
	assert_line "mkdir:/dev/shm/d err EXDEV"
	assert_line "mkdir32:/dev/shm/e err EXDEV"
	# Native only: an i386 system call is not in the filter at all, and
	# libseccomp's bad-arch action kills the thread, as with runc.
	seccomp "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":[\"SCMP_ARCH_X86_64\"],\"syscalls\":[$(errno_rule mkdir 18)]}"
	probe mkdir:/dev/shm/d mkdir32:/dev/shm/e
	local vessel_status=$status vessel_out=$output
	assert_line "mkdir:/dev/shm/d err EXDEV"
	refute_line --partial "mkdir32:/dev/shm/e ok"
	with_runc
	run runc run --bundle "$BUNDLE" r </dev/null
	assert_equal "$vessel_status" "$status"
	assert_equal "$vessel_out" "$output"
}

@test "seccomp: flags SECCOMP_FILTER_FLAG_LOG, SPEC_ALLOW and TSYNC are accepted and the filter applies" {
	local flag
	for flag in SECCOMP_FILTER_FLAG_LOG SECCOMP_FILTER_FLAG_SPEC_ALLOW SECCOMP_FILTER_FLAG_TSYNC; do
		seccomp "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"flags\":[\"$flag\"],\"syscalls\":[$(errno_rule mkdir 18)]}"
		probe mkdir:/dev/shm/d
		assert_success
		assert_line "mkdir:/dev/shm/d err EXDEV"
	done
}

@test "seccomp: SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV is refused as unsupported by libseccomp 2.5.4" {
	run -0 "$VESSEL" features
	run -0 jq -r '.linux.seccomp.supportedFlags | index("SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV")' <<<"$output"
	assert_output null
	seccomp '{"defaultAction":"SCMP_ACT_ALLOW","flags":["SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"]}'
	assert_config_error 'seccomp flag SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV is not supported by this kernel and libseccomp'
}

@test "seccomp: one filter, in mode 2, for the container's process" {
	allow_default "$(errno_rule mkdir 18)"
	set_args grep -E '^(Seccomp|Seccomp_filters|NoNewPrivs):' /proc/self/status
	run -0 vessel run --bundle "$BUNDLE" t </dev/null
	assert_line --regexp '^Seccomp:[[:space:]]+2$'
	assert_line --regexp '^Seccomp_filters:[[:space:]]+1$'
	assert_line --regexp '^NoNewPrivs:[[:space:]]+1$'
}

@test "seccomp: the filter applies to vessel exec processes too" {
	allow_default "$(errno_rule mkdir 18)"
	set_args sleep 60
	run_d t
	run -0 vessel exec t /sysprobe mkdir:/dev/shm/x getpid
	assert_line "mkdir:/dev/shm/x err EXDEV"
	assert_line --regexp '^getpid ok'
	run -0 vessel exec t grep -E '^Seccomp(_filters)?:' /proc/self/status
	assert_line --regexp '^Seccomp:[[:space:]]+2$'
	assert_line --regexp '^Seccomp_filters:[[:space:]]+1$'
	vessel delete -f t
}

@test "seccomp: with noNewPrivileges false the filter still loads (before the capabilities go), root and uid 1000" {
	allow_default "$(errno_rule mkdir 18)"
	update_config '.process.noNewPrivileges = false'
	probe mkdir:/dev/shm/d
	assert_success
	assert_line "mkdir:/dev/shm/d err EXDEV"
	set_args grep -E '^(Seccomp|NoNewPrivs|CapEff):' /proc/self/status
	run -0 vessel run --bundle "$BUNDLE" t </dev/null
	assert_line --regexp '^NoNewPrivs:[[:space:]]+0$'
	assert_line --regexp '^Seccomp:[[:space:]]+2$'
	# A user without CAP_SYS_ADMIN could not load it after the switch.
	update_config '.process.user = {"uid":1000,"gid":1000} | .process.capabilities = {}'
	run -0 vessel run --bundle "$BUNDLE" t </dev/null
	assert_line --regexp '^NoNewPrivs:[[:space:]]+0$'
	assert_line --regexp '^Seccomp:[[:space:]]+2$'
	assert_line --regexp '^CapEff:[[:space:]]+0+$'
	probe mkdir:/dev/shm/d
	assert_success
	assert_line "mkdir:/dev/shm/d err EXDEV"
}

# ---------------------------------------------------------------------------
# SCMP_ACT_NOTIFY

# start_agent ARGS...: the listener agent on $TEST_DIR/agent.sock writing to
# $TEST_DIR/agent/.
start_agent() {
	mkdir -p "$TEST_DIR/agent"
	AGENT_PID=$(bg "$FILE_DIR/bin/agent" -s "$TEST_DIR/agent.sock" -o "$TEST_DIR/agent" -t 30 "$@")
	[ -S "$TEST_DIR/agent.sock" ]
}

# notify_seccomp SYSCALL...: NOTIFY for the calls, listener $TEST_DIR/agent.sock.
notify_seccomp() {
	local names
	names=$(printf '"%s",' "$@")
	seccomp "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"$TEST_DIR/agent.sock\",
		\"listenerMetadata\":\"meta-$CG_NAME\",
		\"syscalls\":[{\"names\":[${names%,}],\"action\":\"SCMP_ACT_NOTIFY\"}]}"
}

@test "seccomp notify: the listener gets the fd and the state, and its answer (an errno) is what the container sees" {
	start_agent -r mkdir=errno:18 -r personality=errno:62
	notify_seccomp mkdir personality
	probe mkdir:/dev/shm/d personality:0xffffffff getpid
	assert_success
	assert_line "mkdir:/dev/shm/d err EXDEV"
	assert_line "personality:0xffffffff err ETIME"
	assert_line --regexp '^getpid ok'
	run -0 cat "$TEST_DIR/agent/notify.log"
	assert_line "conn=1 fd=yes bytes=$(wc -c <"$TEST_DIR/agent/state.1.json")"
	assert_line --regexp '^conn=1 pid=[0-9]+ syscall=mkdir answer=errno:18$'
	assert_line --regexp '^conn=1 pid=[0-9]+ syscall=personality answer=errno:62$'
	# The state: runc's ContainerProcessState.
	local s=$TEST_DIR/agent/state.1.json
	run -0 jq -r '.ociVersion, (.fds | join(",")), .metadata, .state.id, .state.status, .state.bundle, (.pid == .state.pid), (.pid > 1)' "$s"
	assert_equal "${lines[0]}" 1.3.0
	assert_equal "${lines[1]}" seccompFd
	assert_equal "${lines[2]}" "meta-$CG_NAME"
	assert_equal "${lines[3]}" t
	assert_equal "${lines[4]}" creating
	assert_equal "${lines[5]}" "$BUNDLE"
	assert_equal "${lines[6]}" true
	assert_equal "${lines[7]}" true
}

@test "seccomp notify: the listener fakes success; the call is not made" {
	start_agent -r mkdir=ok:0
	notify_seccomp mkdir
	probe mkdir:/dev/shm/d open:/dev/shm/d:r
	assert_success
	assert_line "mkdir:/dev/shm/d ok 0"
	assert_line "open:/dev/shm/d:r err ENOENT"
}

@test "seccomp notify: the pid in the state is the container's init on the host" {
	start_agent
	notify_seccomp mkdir
	set_args /sysprobe mkdir:/dev/shm/d
	create_ct t --pid-file "$TEST_DIR/t.pid"
	local pid
	pid=$(cat "$TEST_DIR/t.pid")
	# The state was sent during create.
	run -0 jq -r .pid "$TEST_DIR/agent/state.1.json"
	assert_output "$pid"
	run -0 vessel start t
	wait_pid "$pid"
	run -0 cat "$TEST_DIR/t.out"
	assert_output "mkdir:/dev/shm/d ok 0"
	run -0 grep -c "^conn=1 pid=$pid syscall=mkdir answer=continue$" "$TEST_DIR/agent/notify.log"
}

@test "seccomp notify: vessel exec sends the listener the exec process's fd and the full state, as runc" {
	start_agent -r mkdir=errno:18
	notify_seccomp mkdir
	set_args sleep 60
	run_d t
	run -0 vessel exec t /sysprobe mkdir:/dev/shm/x
	assert_line "mkdir:/dev/shm/x err EXDEV"
	run -0 grep -E '^conn=2 pid=[0-9]+ syscall=mkdir answer=errno:18$' "$TEST_DIR/agent/notify.log"
	local s=$TEST_DIR/agent/state.2.json
	run -0 jq -r '.ociVersion, (.fds | join(",")), (.pid > 1)' "$s"
	assert_equal "${lines[0]}" 1.3.0
	assert_equal "${lines[1]}" seccompFd
	assert_equal "${lines[2]}" true
	# runc's exec sends the same ContainerProcessState as create: the
	# metadata and the container's state (its init pid, status running).
	run -0 jq -r '.metadata, .state.id, .state.status, .state.pid' "$s"
	assert_equal "${lines[0]}" "meta-$CG_NAME"
	assert_equal "${lines[1]}" t
	assert_equal "${lines[2]}" running
	assert_equal "${lines[3]}" "$(ct_pid t)"
	vessel delete -f t
}

@test "seccomp notify: no listener at listenerPath is an error with nothing left behind" {
	notify_seccomp mkdir
	set_args true
	run --separate-stderr vessel run --bundle "$BUNDLE" t </dev/null
	assert_failure 1
	assert_equal "$stderr" "$RT_NAME: connect to seccomp listener \"$TEST_DIR/agent.sock\": no such file or directory"
	assert_nothing_left t
}
