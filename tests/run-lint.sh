#!/bin/bash
# run-lint.sh - checks of the test suites themselves, counted like tests:
# every bats `run` has its status or output checked (tests/lint/bats-run.py).
set -u
here=$(cd "$(dirname "$0")" && pwd)
set -o pipefail
python3 "$here/lint/bats-run.py" --tap 2>&1 | "$here/tap-count.sh" lint
