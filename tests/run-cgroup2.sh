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
"$here/vm/check-cgroup2.sh" 2>&1 | "$here/tap-count.sh" cgroup2
