#!/usr/bin/env bats
# features: the OCI features document, and that what it claims holds.

load helpers

setup() {
	vessel_setup
	FEATURES=$TEST_DIR/features.json
	"$VESSEL" features >"$FEATURES" || fail "features failed"
}

# f FILTER: a jq query of the features document.
f() { jq -r "$1" "$FEATURES"; }

# libseccomp_knows_arch NAME: libseccomp itself resolves the architecture name
# (e.g. "x86_64", lower case, without SCMP_ARCH_).
libseccomp_knows_arch() {
	"$PYTHON" - "$1" <<'PY'
import ctypes, sys
lib = ctypes.CDLL("libseccomp.so.2")
lib.seccomp_arch_resolve_name.restype = ctypes.c_uint32
sys.exit(0 if lib.seccomp_arch_resolve_name(sys.argv[1].encode()) != 0 else 1)
PY
}

@test "features prints one valid JSON document and nothing on stderr" {
	run -0 --separate-stderr "$VESSEL" features
	assert_equal "$stderr" ""
	run -0 jq -e 'type == "object"' <<<"$output"
}

@test "features has every field of runtime-spec v1.3.0" {
	local p
	for p in .ociVersionMin .ociVersionMax .hooks .mountOptions .annotations \
		.linux.namespaces .linux.capabilities \
		.linux.cgroup.v1 .linux.cgroup.v2 .linux.cgroup.systemd .linux.cgroup.systemdUser .linux.cgroup.rdma \
		.linux.seccomp.enabled .linux.seccomp.actions .linux.seccomp.operators .linux.seccomp.archs \
		.linux.seccomp.knownFlags .linux.seccomp.supportedFlags \
		.linux.apparmor.enabled .linux.selinux.enabled .linux.intelRdt.enabled \
		.linux.mountExtensions.idmap.enabled; do
		run -0 jq -e "$p != null" "$FEATURES"
	done
}

@test "features has the types the spec gives" {
	run -0 jq -e '
		(.ociVersionMin | type == "string") and (.ociVersionMax | type == "string") and
		(.hooks | type == "array" and all(type == "string")) and
		(.mountOptions | type == "array" and all(type == "string")) and
		(.annotations | type == "object" and all(.[]; type == "string")) and
		(.linux.namespaces | all(type == "string")) and
		(.linux.capabilities | all(type == "string")) and
		(.linux.cgroup | all(.[]; type == "boolean")) and
		(.linux.seccomp.enabled | type == "boolean") and
		(.linux.apparmor.enabled | type == "boolean") and
		(.linux.selinux.enabled | type == "boolean") and
		(.linux.intelRdt.enabled | type == "boolean") and
		(.linux.mountExtensions.idmap.enabled | type == "boolean")' "$FEATURES"
}

@test "features: OCI versions 1.0.0 to 1.3.0" {
	assert_equal "$(f .ociVersionMin)" 1.0.0
	assert_equal "$(f .ociVersionMax)" 1.3.0
}

@test "features: the six hooks" {
	assert_equal "$(f '.hooks | join(" ")')" "prestart createRuntime createContainer startContainer poststart poststop"
}

@test "features: every namespace kind, time included" {
	assert_equal "$(f '.linux.namespaces | sort | join(" ")')" "cgroup ipc mount network pid time user uts"
}

@test "features: every capability this kernel knows" {
	local last want
	last=$(cat /proc/sys/kernel/cap_last_cap)
	want=$(capsh --decode=$(printf '0x%x' $(((1 << (last + 1)) - 1))) | sed 's/.*=//' | tr ',' '\n' |
		tr a-z A-Z | sort | tr '\n' ' ')
	assert_equal "$(f '.linux.capabilities | sort | join(" ")') " "$want"
}

@test "features: the mount options include the recursive ones and rro" {
	local o
	for o in bind rbind ro rw rro rrw nosuid nodev noexec relatime strictatime noatime \
		private rprivate shared rshared slave rslave unbindable runbindable tmpcopyup \
		rnosuid rnodev rnoexec; do
		run -0 jq -e --arg o "$o" '.mountOptions | index($o) != null' "$FEATURES"
	done
}

@test "features: the mount options are runc's and nothing unsupported" {
	run -0 "$RUNC" features
	local runc_opts
	runc_opts=$(jq -r '.mountOptions | .[]' <<<"$output" | sort)
	# everything runc recognises is recognised
	run -0 comm -23 <(echo "$runc_opts") <(f '.mountOptions | .[]' | sort)
	assert_output ""
	# idmap and ridmap only when idmapped mounts are supported
	if [ "$(f .linux.mountExtensions.idmap.enabled)" = false ]; then
		run -0 f '.mountOptions | map(select(. == "idmap" or . == "ridmap")) | join(" ")'
		assert_output ""
	fi
}

@test "features: seccomp actions and operators are libseccomp 2.5's" {
	assert_equal "$(f .linux.seccomp.enabled)" true
	assert_equal "$(f '.linux.seccomp.actions | sort | join(" ")')" \
		"SCMP_ACT_ALLOW SCMP_ACT_ERRNO SCMP_ACT_KILL SCMP_ACT_KILL_PROCESS SCMP_ACT_KILL_THREAD SCMP_ACT_LOG SCMP_ACT_NOTIFY SCMP_ACT_TRACE SCMP_ACT_TRAP"
	assert_equal "$(f '.linux.seccomp.operators | sort | join(" ")')" \
		"SCMP_CMP_EQ SCMP_CMP_GE SCMP_CMP_GT SCMP_CMP_LE SCMP_CMP_LT SCMP_CMP_MASKED_EQ SCMP_CMP_NE"
}

@test "features: seccomp archs are exactly the ones the installed libseccomp resolves" {
	local a listed=() n
	# every listed arch is known to libseccomp
	while read -r a; do
		n=$(echo "${a#SCMP_ARCH_}" | tr A-Z a-z)
		libseccomp_knows_arch "$n" || fail "listed but unknown to libseccomp: $a"
		listed+=("$n")
	done < <(f '.linux.seccomp.archs[]')
	# every arch libseccomp knows is listed
	for n in x86 x86_64 x32 arm aarch64 loongarch64 m68k mips mipsel mips64 mipsel64 mips64n32 \
		mipsel64n32 parisc parisc64 ppc ppc64 ppc64le riscv64 s390 s390x sh sheb; do
		if libseccomp_knows_arch "$n"; then
			[[ " ${listed[*]} " == *" $n "* ]] || fail "libseccomp knows $n, features does not list it"
		fi
	done
}

@test "features: seccomp supportedFlags are known flags and the ones libseccomp 2.5 supports" {
	run -0 jq -e '.linux.seccomp as $s | $s.supportedFlags - $s.knownFlags == []' "$FEATURES"
	assert_equal "$(f '.linux.seccomp.supportedFlags | sort | join(" ")')" \
		"SECCOMP_FILTER_FLAG_LOG SECCOMP_FILTER_FLAG_SPEC_ALLOW SECCOMP_FILTER_FLAG_TSYNC"
}

@test "features: annotations carry the libseccomp version and the runtime's version" {
	local v
	v=$(dpkg-query -W -f '${Version}' libseccomp2 | sed 's/-.*//')
	assert_equal "$(f '.annotations["io.github.seccomp.libseccomp.version"]')" "$v"
	local ver
	ver=$("$VESSEL" --version | head -n 1 | awk '{print $3}')
	run -0 f '.annotations | to_entries[] | select(.key | endswith(".version")) | .value'
	assert_line "$ver"
}

@test "features: cgroup v1, v2 and rdma; systemd only when the systemd driver exists" {
	assert_equal "$(f .linux.cgroup.v1)" true
	assert_equal "$(f .linux.cgroup.v2)" true
	assert_equal "$(f .linux.cgroup.rdma)" true
	# the systemd driver needs libsystemd (sd-bus); claim it only when linked
	if ldd "$VESSEL" | grep -q libsystemd; then
		assert_equal "$(f .linux.cgroup.systemd)" true
	else
		assert_equal "$(f .linux.cgroup.systemd)" false
		assert_equal "$(f .linux.cgroup.systemdUser)" false
	fi
}

@test "features: seccomp enabled means a filter in config.json applies" {
	[ "$(f .linux.seccomp.enabled)" = true ] || skip "features says seccomp is not supported"
	set_sh 'mkdir /tmp/x 2>&1; echo rc=$?'
	update_config '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64"],
		"syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}'
	run -0 vessel run --bundle "$BUNDLE" s1
	assert_line --partial "Operation not permitted"
	assert_line "rc=1"
}

@test "features: every mount option it recognises is accepted in config.json" {
	mkdir "$TEST_DIR/src"
	local o opts=()
	while read -r o; do
		case $o in
		idmap | ridmap) continue ;; # need mappings of their own
		esac
		opts+=("$o")
	done < <(f '.mountOptions[]')
	set_args true
	local bad=()
	local m
	for o in "${opts[@]}"; do
		m="{\"destination\": \"/mnt\", \"type\": \"tmpfs\", \"source\": \"tmpfs\", \"options\": [\"$o\"]}"
		case $o in
		bind | rbind) m="{\"destination\": \"/mnt\", \"source\": \"$TEST_DIR/src\", \"options\": [\"$o\"]}" ;;
		esac
		update_config ".mounts = [.mounts[] | select(.destination != \"/mnt\")] + [$m]"
		if ! out=$(vessel run --bundle "$BUNDLE" "m-$o" 2>&1 </dev/null); then
			bad+=("$o: $out")
			vessel delete -f "m-$o" >/dev/null 2>&1
		fi
	done
	[ ${#bad[@]} -eq 0 ] || { printf '%s\n' "${bad[@]}" | batslib_decorate "options refused on tmpfs" | fail; }
}

@test "features: binary-protection says how create, run and exec protect the binary here" {
	# root on this host: a read-only clone of the binary's mount
	assert_equal "$(f '.annotations["vessel.binary-protection"]')" read-only-mount
	# an unprivileged caller cannot clone mounts: a sealed copy of a binary
	# it owns, nothing for one owned by root that it cannot write
	local d=$TEST_DIR/rt
	mkdir -m 0755 "$d"
	cp "$VESSEL" "$d/vessel"
	run -0 setpriv --reuid nobody --regid nogroup --clear-groups "$d/vessel" features
	run -0 jq -r '.annotations["vessel.binary-protection"]' <<<"$output"
	assert_output not-writable
	chown nobody "$d/vessel"
	run -0 setpriv --reuid nobody --regid nogroup --clear-groups "$d/vessel" features
	run -0 jq -r '.annotations["vessel.binary-protection"]' <<<"$output"
	assert_output sealed-memfd
}
