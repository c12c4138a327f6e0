#!/bin/bash
# bench/run.sh - vessel vs crun vs runc, side by side, interleaved (what
# `make bench` runs). See bench/README.md.
#
#   BENCH_N=100         timed rounds per case (each round runs every runtime once)
#   BENCH_WARMUP=3      untimed rounds first
#   BENCH_CASES=run,lifecycle,deletef,exec
#   BENCH_RAW=FILE      keep the raw samples (TSV) there
#   BENCH_STATE=tmpfs   where the state roots (--root) and pid files live: a
#                       private tmpfs, like /run on a normal host (default), or
#                       disk: the temp dir itself (fsync costs show there)
#   VESSEL=./vessel RUNC=/usr/bin/runc CRUN=/usr/bin/crun
#
# Everything runs in a private mount namespace (unshare -m) where the cgroup2
# mount at /sys/fs/cgroup/unified is replaced by an empty tmpfs: crun 1.8
# refuses hybrid hosts, so all runtimes see the same plain cgroup v1 host.
# State roots, bundles and helpers live in one temp dir, removed at the end.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)

if [ "${VESSEL_BENCH_INNER:-}" = 1 ]; then
  # Inside the private mount namespace.
  tmp=$BENCH_TMP
  if [ "$BENCH_STATE" = tmpfs ]; then
    mount -t tmpfs -o size=64m,mode=0755 bench-state "$tmp/state"
  fi
  for n in $BENCH_NAMES; do mkdir -m 0700 "$tmp/state/root-$n"; done
  if mountpoint -q /sys/fs/cgroup/unified 2>/dev/null; then
    umount /sys/fs/cgroup/unified
    # crun 1.8 still mkdirs a cgroup here (and writes cgroup.procs) on a v1
    # host and never removes it: keep that in our namespace. One page per
    # container; 64m is room for ~16000.
    mount -t tmpfs -o size=64m,mode=0755 bench-unified /sys/fs/cgroup/unified
  fi
  cleanup_inner() {
    # Anything a failed or interrupted run left: delete -f it with its own runtime.
    for spec in "$@"; do
      name=${spec%%=*} rest=${spec#*=}
      bin=${rest%%:*} rest=${rest#*:} root=${rest%%:*}
      [ -d "$root" ] || continue
      for c in "$root"/*/; do
        [ -d "$c" ] || continue
        id=$(basename "$c")
        "$bin" --root "$root" delete -f "$id" >/dev/null 2>&1 ||
          echo "bench: could not delete leftover $name container $id" >&2
      done
    done
    # A create that failed can leave its cgroups without any state to delete
    # them by (crun 1.8 does, e.g. on ENOSPC). Only this run's ids, only empty.
    find /sys/fs/cgroup -mindepth 2 -maxdepth 6 -depth -type d -name "$BENCH_IDS-*" \
      -exec rmdir {} + 2>/dev/null || true
  }
  runtimes=()
  for a in "$@"; do case $a in *=*) runtimes+=("$a") ;; esac; done
  trap 'cleanup_inner "${runtimes[@]}"; exit 130' INT TERM
  rc=0
  "$tmp/driver" -n "$BENCH_N" -w "$BENCH_WARMUP" -c "$BENCH_CASES" -t "$tmp/state" -p "$BENCH_IDS" \
    -o "$tmp/raw.tsv" "$@" || rc=$?
  cleanup_inner "${runtimes[@]}"
  exit $rc
fi

[ "$(id -u)" = 0 ] || { echo "bench: needs root (namespaces, mounts, cgroups)" >&2; exit 1; }
for t in gcc python3 unshare ldd readelf; do
  command -v "$t" >/dev/null || { echo "bench: $t is missing" >&2; exit 1; }
done

VESSEL=${VESSEL:-$top/vessel}
RUNC=${RUNC:-/usr/bin/runc}
CRUN=${CRUN:-/usr/bin/crun}
BENCH_N=${BENCH_N:-100}
BENCH_WARMUP=${BENCH_WARMUP:-3}
BENCH_CASES=${BENCH_CASES:-run,lifecycle,deletef,exec}
BENCH_STATE=${BENCH_STATE:-tmpfs}
case $BENCH_STATE in tmpfs | disk) ;; *) echo "bench: BENCH_STATE is tmpfs or disk" >&2; exit 1 ;; esac
export BENCH_N BENCH_WARMUP BENCH_CASES BENCH_STATE

[ -x "$VESSEL" ] || { echo "bench: $VESSEL is missing (make vessel)" >&2; exit 1; }
VESSEL=$(readlink -f "$VESSEL")

tmp=$(mktemp -d /tmp/vessel-bench.XXXXXX)
chmod 0755 "$tmp"
mkdir -m 0755 "$tmp/state" "$tmp/bin"
trap 'rm -rf "$tmp"' EXIT
# On INT/TERM, bash runs this only after the foreground unshare has exited,
# i.e. after the inner clean-up that still needs $tmp.
trap 'exit 130' INT TERM
# Measure a snapshot, so a rebuild during the run cannot swap the binary.
cp "$VESSEL" "$tmp/bin/vessel"
vessel_src=$VESSEL
VESSEL=$tmp/bin/vessel

gcc -O2 -Wall -Wextra -o "$tmp/driver" "$here/driver.c"
gcc -static -O2 -Wall -Wextra -o "$tmp/minimal" "$here/minimal.c"

# One rootfs and one config (vessel spec, terminal false) for everyone; the
# configs differ only in ociVersion (crun 1.8 rejects 1.3.0) and args.
VESSEL=$VESSEL "$top/scripts/mkbundle.sh" "$tmp/bundle" /bin/true >/dev/null
python3 - "$tmp" <<'PY'
import json, os, sys
tmp = sys.argv[1]
base = json.load(open(os.path.join(tmp, "bundle", "config.json")))
base["root"]["path"] = os.path.join(tmp, "bundle", "rootfs")
for flavour, version in (("new", base["ociVersion"]), ("old", "1.0.2-dev")):
    for kind, args in (("true", ["/bin/true"]), ("sleep", ["sleep", "1000"])):
        c = json.loads(json.dumps(base))
        c["ociVersion"] = version
        c["process"]["args"] = args
        d = os.path.join(tmp, "b-%s-%s" % (flavour, kind))
        os.mkdir(d, 0o755)
        with open(os.path.join(d, "config.json"), "w") as f:
            json.dump(c, f, indent="\t")
PY

specs=()
names=()
meta=$tmp/meta.txt
: >"$meta"
add_runtime() { # NAME BIN FLAVOUR SHOWN-PATH
  local name=$1 bin=$2 flavour=$3
  if [ ! -x "$bin" ]; then
    echo "bench: $name ($bin) not installed, skipped" >&2
    return
  fi
  local real root
  real=$(readlink -f "$bin")
  root=$tmp/state/root-$name
  names+=("$name")
  specs+=("$name=$bin:$root:$tmp/b-$flavour-true:$tmp/b-$flavour-sleep")
  {
    echo "runtime=$name"
    echo "$name.path=$4"
    echo "$name.version=$("$bin" --version 2>/dev/null | head -n2 | paste -sd ' ' | sed 's/  */ /g')"
    echo "$name.size=$(stat -c %s "$real")"
    echo "$name.needed=$(readelf -d "$real" 2>/dev/null | grep -c NEEDED || true)"
    echo "$name.ldd=$(ldd "$real" 2>/dev/null | grep -v -e vdso -e 'not a dynamic' -c || true)"
  } >>"$meta"
}
add_runtime vessel "$VESSEL" new "$vessel_src (a copy)"
add_runtime crun "$CRUN" old "$CRUN"
add_runtime runc "$RUNC" old "$RUNC"
{
  echo "runtime=minimal"
  echo "minimal.size=$(stat -c %s "$tmp/minimal")"
  echo "minimal.needed=0"
  echo "minimal.ldd=0"
  echo "rounds=$BENCH_N"
  echo "warmup=$BENCH_WARMUP"
  echo "kernel=$(uname -r)"
  echo "cpus=$(nproc)"
  echo "state=$BENCH_STATE"
} >>"$meta"

echo "bench: $BENCH_N rounds per case, interleaved: ${names[*]} minimal" >&2
rc=0
# Container ids: unique to this run (the temp dir's suffix), so the clean-up
# can tell this run's cgroups from anyone else's.
BENCH_IDS=vbench-${tmp##*.}
VESSEL_BENCH_INNER=1 BENCH_TMP=$tmp BENCH_IDS=$BENCH_IDS BENCH_NAMES="${names[*]}" unshare -m --propagation private "$0" \
  -m "$tmp/minimal" "$tmp/bundle/rootfs" "${specs[@]}" || rc=$?
[ -s "$tmp/raw.tsv" ] || { echo "bench: no samples" >&2; exit 1; }
[ -z "${BENCH_RAW:-}" ] || cp "$tmp/raw.tsv" "$BENCH_RAW"
python3 "$here/report.py" "$tmp/raw.tsv" "$meta"
exit $rc
