#!/bin/bash
# tests/vm/check-cgroup2.sh: vessel's cgroup v2 lane.
#
#   tests/vm/check-cgroup2.sh [--timeout SECS] [BATS_FILE...]
#
# Runs `bats --tap` on BATS_FILE... (default tests/integration/cgroups*.bats,
# or tests/vm/selftest.bats while there are none) inside the cgroup v2 VM of
# tests/vm/run.sh, from the top of the working tree, with VESSEL_CGROUP2_VM=1
# set for the suites: that is how they know they are in the v2 lane. The TAP
# comes through as bats prints it, then one line
#   cgroup2-vm: N passed, N failed, N skipped
# (tests the plan announced but that never reported count as failed). The
# exit status is bats's, or run.sh's 124/125 when the VM timed out or failed.

set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
top=$(cd "$here/../.." && pwd -P)

run_args=()
while [ $# -gt 0 ]; do
	case $1 in
	--timeout)
		[ $# -ge 2 ] || { echo "check-cgroup2: --timeout needs a value" >&2; exit 2; }
		run_args+=(--timeout "$2")
		shift 2
		;;
	--timeout=*)
		run_args+=("$1")
		shift
		;;
	--)
		shift
		break
		;;
	*) break ;;
	esac
done

cd "$top" || exit 2
files=("$@")
if [ ${#files[@]} -eq 0 ]; then
	shopt -s nullglob
	files=(tests/integration/cgroups*.bats)
	shopt -u nullglob
	[ ${#files[@]} -gt 0 ] || files=(tests/vm/selftest.bats)
fi

planned='' passed=0 failed=0 skipped=0
while IFS= read -r line; do
	printf '%s\n' "$line"
	case $line in
	1..*) planned=${line#1..} ;;
	'ok '*' # skip'* | 'ok '*' # SKIP'*) skipped=$((skipped + 1)) ;;
	'ok '*) passed=$((passed + 1)) ;;
	'not ok '*) failed=$((failed + 1)) ;;
	esac
done < <(exec "$here/run.sh" "${run_args[@]}" --env VESSEL_CGROUP2_VM=1 -- bats --tap "${files[@]}")
# the status of the process substitution, which $! names
wait $!
rc=$?

if [ -n "$planned" ]; then
	case $planned in *[!0-9]*) planned=0 ;; esac
	missing=$((planned - passed - failed - skipped))
	[ "$missing" -le 0 ] || failed=$((failed + missing))
	echo "cgroup2-vm: $passed passed, $failed failed, $skipped skipped"
	if [ "$rc" = 0 ] && [ "$failed" -gt 0 ]; then
		rc=1
	fi
fi
exit "$rc"
