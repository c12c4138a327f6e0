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
mkdir -p "$dir/rootfs/bin" "$dir/rootfs/etc" "$dir/rootfs/tmp" "$dir/rootfs/root" \
  "$dir/rootfs/proc" "$dir/rootfs/sys" "$dir/rootfs/dev"
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
# process.args and terminal: edit the document `vessel spec` wrote (its
# layout is vessel's own), with POSIX tools only so that a fresh machine
# needs nothing more.
args=""
for a in "$@"; do
  esc=$(printf '%s' "$a" | sed 's/\\/\\\\/g; s/"/\\"/g')
  args="$args${args:+,
}			\"$esc\""
done
tmp="$dir/config.json.tmp"
ARGS=$args awk '
  BEGIN { args = ENVIRON["ARGS"] }
  /"terminal": true/ { sub(/true/, "false") }
  in_args && /^\t\t\]/ { in_args = 0; print args; print; next }
  in_args { next }
  /^\t\t"args": \[/ { in_args = 1 }
  { print }
' "$dir/config.json" >"$tmp"
mv "$tmp" "$dir/config.json"
