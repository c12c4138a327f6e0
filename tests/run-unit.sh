#!/bin/bash
# run-unit.sh BIN... - run cmocka unit test binaries with TAP output.
set -u
rc=0
out=$(mktemp)
for bin in "$@"; do
  name=$(basename "$bin")
  # cmocka prints TAP per group; a crash must count as a failure, not vanish.
  if ! CMOCKA_MESSAGE_OUTPUT=TAP "$bin" >"$out" 2>&1; then
    status=$?
    cat "$out" | "$(dirname "$0")/tap-count.sh" "unit/$name" || true
    if ! grep -q '^not ok' "$out"; then
      echo "not ok - $name exited with status $status"
      [ -n "${VESSEL_TALLY:-}" ] && echo "unit/$name-exit 0 1 0" >>"$VESSEL_TALLY"
    fi
    rc=1
    continue
  fi
  "$(dirname "$0")/tap-count.sh" "unit/$name" <"$out" || rc=1
done
rm -f "$out"
exit $rc
