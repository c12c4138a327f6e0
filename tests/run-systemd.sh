#!/bin/bash
# run-systemd.sh - the systemd VM lane (tests/vm/systemd), counted.
set -u
here=$(cd "$(dirname "$0")" && pwd)
set -o pipefail
if [ ! -x "$here/vm/systemd/check.sh" ]; then
  echo "not ok 1 - systemd lane: tests/vm/systemd/check.sh is missing"
  [ -n "${VESSEL_TALLY:-}" ] && echo "systemd 0 1 0" >>"$VESSEL_TALLY"
  exit 1
fi
# The image is built once (a few minutes, needs apt's network) and cached;
# the boot takes 10-20 s and the suites 5-10 minutes under TCG.
"$here/vm/systemd/check.sh" --timeout "${VESSEL_VM_TIMEOUT:-1800}" 2>&1 | "$here/tap-count.sh" systemd
