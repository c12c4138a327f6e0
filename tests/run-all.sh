#!/bin/bash
# run-all.sh UNIT_BIN... - everything `make check` runs: the test-suite lint,
# unit tests, integration tests, client tests and the two VM lanes (cgroup v2,
# systemd); ends with one line
#   N passed, N failed, N skipped
set -u
here=$(cd "$(dirname "$0")" && pwd)
export VESSEL_TALLY=$(mktemp)
trap 'rm -f "$VESSEL_TALLY"' EXIT
"$here/run-lint.sh"
"$here/run-unit.sh" "$@"
if [ "$(id -u)" = 0 ]; then
  "$here/run-bats.sh" integration "$here/integration"
  "$here/run-bats.sh" clients "$here/integration/clients"
  if [ "${VESSEL_SKIP_VM:-0}" != 1 ]; then
    "$here/run-cgroup2.sh"
    "$here/run-systemd.sh"
  else
    echo "ok 1 - cgroup v2 lane # skip VESSEL_SKIP_VM=1 was set"
    echo "cgroup2 0 0 1" >>"$VESSEL_TALLY"
    echo "ok 1 - systemd lane # skip VESSEL_SKIP_VM=1 was set"
    echo "systemd 0 0 1" >>"$VESSEL_TALLY"
  fi
else
  echo "ok 1 - integration tests # skip they need root"
  echo "integration 0 0 1" >>"$VESSEL_TALLY"
fi
awk '{p+=$2; f+=$3; s+=$4} END {printf "%d passed, %d failed, %d skipped\n", p, f, s; exit (f > 0)}' "$VESSEL_TALLY"
