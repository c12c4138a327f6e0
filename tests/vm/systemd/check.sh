#!/bin/bash
# tests/vm/systemd/check.sh: vessel's systemd lane.
#
#   tests/vm/systemd/check.sh [RUN_OPTION...] [--] [BATS_FILE...]
#
# Runs `bats --tap` on BATS_FILE... (default: tests/vm/systemd/selftest.bats
# and tests/integration/cgroups.bats, where the container's cgroups go and
# go away: what a systemd host changes) inside the systemd VM of
# tests/vm/systemd/run.sh, booted once, from the top of the working tree,
# with VESSEL_SYSTEMD_VM=1 set for the suites. RUN_OPTIONs go to run.sh
# (--timeout SECS, --env NAME=VALUE, --share DIR, --memory MIB ...); e.g.
# `--env VESSEL_BINARY=/usr/sbin/runc` runs vessel's suites against the
# guest's runc. The TAP comes through as bats prints it, then one line
#   systemd-vm: N passed, N failed, N skipped
# (tests the plan announced but that never reported count as failed). The
# exit status is bats's, or run.sh's 124/125 when the VM timed out or failed.

set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
top=$(cd "$here/../../.." && pwd -P)
# shellcheck source=tests/vm/lib/tap.sh
. "$here/../lib/tap.sh"

run_args=()
while [ $# -gt 0 ]; do
	case $1 in
	--debug)
		run_args+=("$1")
		shift
		;;
	--*=*)
		run_args+=("$1")
		shift
		;;
	--)
		shift
		break
		;;
	--*)
		[ $# -ge 2 ] || { echo "check-systemd: $1 needs a value" >&2; exit 2; }
		run_args+=("$1" "$2")
		shift 2
		;;
	*) break ;;
	esac
done

cd "$top" || exit 2
files=("$@")
if [ ${#files[@]} -eq 0 ]; then
	shopt -s nullglob
	files=(tests/vm/systemd/selftest.bats tests/integration/cgroups.bats)
	shopt -u nullglob
fi

vm_bats systemd-vm "$here/run.sh" "${run_args[@]}" --env VESSEL_SYSTEMD_VM=1 -- "${files[@]}"
