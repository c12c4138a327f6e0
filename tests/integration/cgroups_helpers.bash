# shellcheck shell=bash
# cgroups_helpers.bash - what the cgroup suites (cgroups*.bats) share, on top
# of helpers.bash: the host's layout, the container's cgroup files as its
# state records them, controllers the host may lack, leftovers.
#
# The same suites run on this kind of host (cgroup v1 controllers plus
# cgroup2 at /sys/fs/cgroup/unified) and, with VESSEL_CGROUP2_VM=1, inside
# the cgroup v2 VM of tests/vm: tests read the files of the layout they find
# and skip, saying why, what the host cannot do.

load helpers

CG=/sys/fs/cgroup

# The layout, found without a process (the v2 lane runs under emulation,
# where every fork costs).
if [ -e "$CG/cgroup.controllers" ]; then
	CG_MODE=v2
elif [ -e "$CG/unified/cgroup.controllers" ]; then
	CG_MODE=hybrid
else
	CG_MODE=v1
fi

# cg_mode: v2, hybrid or v1.
cg_mode() { echo "$CG_MODE"; }
is_v2() { [ "$CG_MODE" = v2 ]; }

# The caller's own cgroup in each hierarchy, from /proc/self/cgroup (bash
# alone): OWN[memory]=/process_api/..., OWN[unified]=/...
declare -gA OWN=()
while IFS=: read -r _ ctrls path; do
	if [ -z "$ctrls" ]; then
		OWN[unified]=$path
	else
		IFS=, read -ra _names <<<"$ctrls"
		for _n in "${_names[@]}"; do OWN[${_n#name=}]=$path; done
	fi
done </proc/self/cgroup

# The suites run under emulation in the v2 lane, where a process costs
# ~0.1 s: set-up and teardown here start as few as they can. Tests share
# one read-only-in-practice rootfs (own_rootfs gives a test its own copy).

# setup_file: the template bundle, made with one busybox --install instead
# of a process per applet link. The links busybox makes point at its real
# path, /usr/bin/busybox, which the rootfs has too.
setup_file() {
	FILE_DIR=$(mktemp -d /tmp/vessel-bats.XXXXXX)
	chmod 0755 "$FILE_DIR"
	local t=$FILE_DIR/template
	local r=$t/rootfs
	mkdir -p "$r/bin" "$r/usr/bin" "$r/etc" "$r/tmp" "$r/root"
	chmod 0755 "$t" "$r"
	chmod 1777 "$r/tmp"
	cp /bin/busybox "$r/bin/busybox"
	ln -s ../../bin/busybox "$r/usr/bin/busybox"
	/bin/busybox --install -s "$r/bin"
	printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$r/etc/passwd"
	printf 'root:x:0:\nnobody:x:65534:\n' >"$r/etc/group"
	"$VESSEL" spec --bundle "$t"
	update_config ".process.terminal = false | .process.args = [\"sh\"] | .root.path = \"$r\" |
		.linux.cgroupsPath = \"@CGPATH@\"" "$t"
	export FILE_DIR
}

teardown_file() { vessel_teardown_file; }

setup() {
	CG_NAME=vessel-bats-$BATS_TEST_NUMBER-$RANDOM$RANDOM
	TAG=$CG_NAME
	TEST_DIR=/tmp/$CG_NAME
	ROOT=$TEST_DIR/root
	RUNC_ROOT=$TEST_DIR/runc-root
	BUNDLE=$TEST_DIR/bundle
	mkdir -p -m 0755 "$BUNDLE"
	local cfg
	read -r -d '' cfg <"$FILE_DIR/template/config.json" || true
	printf '%s\n' "${cfg//@CGPATH@//$CG_NAME}" >"$BUNDLE/config.json"
}

teardown() {
	local d id
	for d in "$ROOT"/*/; do
		[ -d "$d" ] || continue
		id=${d%/} id=${id##*/}
		timeout "$WAIT_TIMEOUT" "$VESSEL" --root "$ROOT" delete -f "$id" >/dev/null 2>&1
	done
	for d in "$RUNC_ROOT"/*/; do
		[ -d "$d" ] || continue
		id=${d%/} id=${id##*/}
		timeout "$WAIT_TIMEOUT" "$RUNC" --root "$RUNC_ROOT" delete -f "$id" >/dev/null 2>&1
	done
	# Whatever a misbehaving runtime left in cgroups named after this test
	# (they are this test's): their processes, then the directories.
	local left=() p
	cg_candidates left
	for d in "${left[@]}"; do
		while read -r p; do [ -n "$p" ] && kill -9 "$p" 2>/dev/null; done <"$d/cgroup.procs"
	done
	for d in "${left[@]}"; do
		find "$d" -depth -type d -exec rmdir {} + 2>/dev/null
	done
	rm -rf --one-file-system "$TEST_DIR" 2>/dev/null
	return 0
}

# cg_candidates ARRAY: the cgroup directories named after this test where
# this suite puts them (the top of each hierarchy, vessel's own cgroups),
# found by globbing.
cg_candidates() {
	local -n out=$1
	local d h base own bases=("$CG" "$CG"/*)
	for h in "${!OWN[@]}"; do
		own=${OWN[$h]%/}
		bases+=("$CG/$h$own" "$CG$own" "$CG${own%/*}")
	done
	out=()
	shopt -s nullglob
	for base in "${bases[@]}"; do
		for d in "$base/$CG_NAME" "$base/$CG_NAME"-*; do
			[ -d "$d" ] || continue
			[[ " ${out[*]} " == *" $d "* ]] || out+=("$d")
		done
	done
	shopt -u nullglob
}

# own_rootfs: a copy of the rootfs for this test's bundle (for tests that
# put files in it).
own_rootfs() {
	cp -a "$FILE_DIR/template/rootfs" "$BUNDLE/rootfs"
	update_config '.root.path = "rootfs"'
}

# mk_fifo NAME: a fifo at the top of this test's own rootfs.
mk_fifo() {
	[ -d "$BUNDLE/rootfs" ] || own_rootfs
	mkfifo -m 0666 "$BUNDLE/rootfs/$1"
	echo "$BUNDLE/rootfs/$1"
}

# ct_status ID, ct_pid ID: fields of `state`, read without jq.
ct_status() {
	local s
	s=$(vessel state "$1") || return 1
	[[ $s =~ \"status\":\ *\"([a-z]+)\" ]] && echo "${BASH_REMATCH[1]}"
}

ct_pid() {
	local s
	s=$(vessel state "$1") || return 1
	[[ $s =~ \"pid\":\ *([0-9]+) ]] && echo "${BASH_REMATCH[1]}"
}

# set_args ARG...: process.args, encoded here rather than by two more jq.
set_args() {
	local a s out=
	for a in "$@"; do
		s=${a//\\/\\\\}
		s=${s//\"/\\\"}
		s=${s//$'\n'/\\n}
		s=${s//$'\t'/\\t}
		out+=${out:+,}\"$s\"
	done
	update_config ".process.args = [$out]"
}

set_sh() { set_args sh -c "$1"; }

# cg_dirs_named NAME: cgroup directories named NAME or NAME-something.
cg_dirs_named() {
	find "$CG" -mindepth 1 -maxdepth 7 -type d \( -name "$1" -o -name "$1-*" \) -prune 2>/dev/null
}

# assert_no_cgroups: no cgroup named after the test is left, where the
# suites put them.
assert_no_cgroups() {
	local left=()
	cg_candidates left
	[ ${#left[@]} -eq 0 ] || fail "cgroups left behind: ${left[*]}"
}

# assert_clean ID: nothing of container ID is left: no state directory, no
# cgroup named after the test, no mount of the bundle.
assert_clean() {
	[ ! -e "$ROOT/$1" ] || fail "state left behind: $ROOT/$1"
	assert_no_cgroups
	local line
	while read -r line; do
		[[ $line != *" $BUNDLE"* ]] || fail "mount left behind: $line"
	done </proc/self/mountinfo
}

# has_controller CTRL: the host has CTRL where vessel uses it (a v1
# hierarchy on v1 / hybrid hosts, cgroup.controllers on v2).
has_controller() {
	if is_v2; then
		grep -qw -- "$1" "$CG/cgroup.controllers"
	else
		local d
		for d in "$CG"/*/; do
			d=${d%/}
			[ -L "$d" ] && continue
			case ",$(basename "$d")," in *,"$1",*) return 0 ;; esac
		done
		return 1
	fi
}

# need_controller CTRL: skip the test when the host lacks CTRL.
need_controller() {
	has_controller "$1" || skip "this host has no $1 controller ($(cg_mode))"
}

# ct_cgroup ID [CTRL]: the container's cgroup directory for CTRL ("" for
# the unified one), read from its state.json by bash alone (jq as the
# fallback for a layout it does not know).
ct_cgroup() {
	local json='' mode='' want=${2:-} best='' c rest
	local re='\{"controller":"([^"]*)","path":"([^"]*)","created":(true|false)\}'
	read -r -d '' json <"$ROOT/$1/state.json" || true
	[[ $json =~ \"cgroupMode\":([0-9]+) ]] && mode=${BASH_REMATCH[1]}
	rest=${json#*\"cgroups\":\[}
	while [[ $rest =~ $re ]]; do
		c=${BASH_REMATCH[1]}
		if [ "$mode" = 3 ] || { [ -z "$want" ] && [ -z "$c" ]; } ||
			{ [ -n "$want" ] && [[ ,$c, == *,"$want",* ]]; }; then
			best=${BASH_REMATCH[2]}
		fi
		rest=${rest#*"${BASH_REMATCH[0]}"}
	done
	if [ -z "$best" ]; then
		best=$(jq -r --arg c "$want" '
			if .cgroupMode == 3 then .cgroups[-1].path
			else [.cgroups[] | select(if $c == "" then .controller == ""
			                          else (.controller | split(",") | index($c)) != null end)]
			     | last | .path end' "$ROOT/$1/state.json")
	fi
	echo "$best"
}

# cgf ID V1CTRL FILE: the path of FILE in the container's cgroup for
# V1CTRL (on v2, its only cgroup).
cgf() {
	echo "$(ct_cgroup "$1" "$2")/$3"
}

# own_cgroup CTRL: this shell's cgroup in CTRL's hierarchy ("" for the
# unified one), as /proc/self/cgroup shows it.
own_cgroup() {
	echo "${OWN[${1:-unified}]}"
}

# join_paths A B: A/B with single slashes.
join_paths() {
	local a=${1%/} b=${2#/}
	echo "$a/$b"
}

# wait_until CMD...: retry CMD for up to $WAIT_TIMEOUT seconds.
wait_until() {
	local i n=$((WAIT_TIMEOUT * 20))
	for ((i = 0; i < n; i++)); do
		"$@" && return 0
		sleep 0.05
	done
	return 1
}

# lines_at_least FILE N, value_above FILE N: conditions for wait_until (its
# arguments are expanded once, so the reading happens in here).
lines_at_least() { [ "$(wc -l <"$1")" -ge "$2" ]; }
value_above() { [ "$(cat "$1")" -gt "$2" ]; }

# watching PID: the process holds an eventfd or inotify descriptor (events
# has registered for OOM notifications).
watching() { ls -l "/proc/$1/fd" 2>/dev/null | grep -qE 'eventfd|inotify'; }

# ct_exited ID: the container's init is gone.
ct_exited() { [ "$(ct_status "$1")" = stopped ]; }

# frozen ID: the kernel reports the container's cgroup frozen.
frozen() {
	if is_v2; then
		grep -qx 'frozen 1' "$(cgf "$1" "" cgroup.events)"
	else
		[ "$(cat "$(cgf "$1" freezer freezer.state)")" = FROZEN ]
	fi
}

# a_block_device: "MAJ:MIN" of a block device this host has, or nothing.
a_block_device() {
	local d
	for d in /sys/block/*; do
		[ -e "$d/dev" ] || continue
		case $(basename "$d") in loop* | ram* | zram*) continue ;; esac
		cat "$d/dev"
		return
	done
}
