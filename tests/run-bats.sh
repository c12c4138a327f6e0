#!/bin/bash
# run-bats.sh NAME DIR|FILE... - run bats suites with TAP output and count them.
set -u
name=$1; shift
here=$(cd "$(dirname "$0")" && pwd)
files=()
for a in "$@"; do
  if [ -d "$a" ]; then
    for f in "$a"/*.bats; do [ -e "$f" ] && files+=("$f"); done
  else
    files+=("$a")
  fi
done
if [ ${#files[@]} -eq 0 ]; then
  echo "# $name: no test files"
  exit 0
fi
export VESSEL_BINARY=${VESSEL_BINARY:-$(cd "$here/.." && pwd)/vessel}
set -o pipefail
bats --tap "${files[@]}" 2>&1 | "$here/tap-count.sh" "$name"
