#!/bin/sh
# mkbundle.sh DIR [ARGS...] - make an OCI bundle in DIR: a busybox rootfs
# (Debian's busybox-static with every applet linked) and config.json from
# `vessel spec`, with process.args set to ARGS (default: sh) and no terminal.
#
#   VESSEL=path/to/vessel scripts/mkbundle.sh /tmp/b echo hello
set -eu
dir=$1
shift
here=$(cd "$(dirname "$0")/.." && pwd)
vessel=${VESSEL:-$here/vessel}
busybox=${BUSYBOX:-/bin/busybox}
[ -x "$busybox" ] || { echo "mkbundle: $busybox is missing (apt-get install busybox-static)" >&2; exit 1; }
mkdir -p "$dir/rootfs/bin" "$dir/rootfs/etc" "$dir/rootfs/tmp" "$dir/rootfs/root"
chmod 0755 "$dir" "$dir/rootfs"
chmod 1777 "$dir/rootfs/tmp"
cp "$busybox" "$dir/rootfs/bin/busybox"
for a in $("$busybox" --list); do
  [ "$a" = busybox ] || ln -sf busybox "$dir/rootfs/bin/$a"
done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$dir/rootfs/etc/passwd"
printf 'root:x:0:\nnobody:x:65534:\n' >"$dir/rootfs/etc/group"
rm -f "$dir/config.json"
"$vessel" spec --bundle "$dir"
[ $# -gt 0 ] || set -- sh
python3 - "$dir/config.json" "$@" <<'PY'
import json, sys
path, args = sys.argv[1], sys.argv[2:]
with open(path) as f:
    c = json.load(f)
c["process"]["terminal"] = False
c["process"]["args"] = args
with open(path, "w") as f:
    json.dump(c, f, indent="\t")
    f.write("\n")
PY
