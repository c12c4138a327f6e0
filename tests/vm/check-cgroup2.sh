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
# shellcheck source=tests/vm/lib/tap.sh
. "$here/lib/tap.sh"

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

vm_bats cgroup2-vm "$here/run.sh" "${run_args[@]}" --env VESSEL_CGROUP2_VM=1 -- "${files[@]}"
