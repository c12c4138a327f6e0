#!/bin/bash
# run-cgroup2.sh - the cgroup v2 tests inside a VM (tests/vm), counted.
set -u
here=$(cd "$(dirname "$0")" && pwd)
set -o pipefail
if [ ! -x "$here/vm/check-cgroup2.sh" ]; then
  echo "not ok 1 - cgroup v2 lane: tests/vm/check-cgroup2.sh is missing"
  [ -n "${VESSEL_TALLY:-}" ] && echo "cgroup2 0 1 0" >>"$VESSEL_TALLY"
  exit 1
fi
# The cgroup suites take 8-10 minutes under TCG on a 2-core machine.
"$here/vm/check-cgroup2.sh" --timeout "${VESSEL_VM_TIMEOUT:-1800}" 2>&1 | "$here/tap-count.sh" cgroup2
