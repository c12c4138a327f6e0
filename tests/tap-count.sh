#!/bin/bash
# tap-count.sh NAME - read TAP on stdin, echo it, and append "NAME P F S" to
# $VESSEL_TALLY (a file), so that run-all.sh can add the suites up.
name=$1
p=0 f=0 s=0
while IFS= read -r line; do
  printf '%s\n' "$line"
  case "$line" in
    "not ok "*"# TODO"*) s=$((s+1)) ;;
    "not ok "*) f=$((f+1)) ;;
    "ok "*"# skip"*|"ok "*"# SKIP"*|"ok "*"# Skip"*) s=$((s+1)) ;;
    "ok "*) p=$((p+1)) ;;
  esac
done
echo "# $name: $p passed, $f failed, $s skipped"
[ -n "${VESSEL_TALLY:-}" ] && echo "$name $p $f $s" >>"$VESSEL_TALLY"
[ "$f" -eq 0 ]
