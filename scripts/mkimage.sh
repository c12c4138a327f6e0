#!/bin/bash
# mkimage.sh - build the busybox test image for vessel's client suites, offline.
#
# Usage: scripts/mkimage.sh OUTDIR
#
# Writes, from /bin/busybox of Debian's busybox-static:
#   OUTDIR/rootfs/             the root filesystem (bin/busybox, applet symlinks,
#                              etc/passwd, etc/group, the usual empty directories)
#   OUTDIR/layer.tar           that rootfs as one uncompressed, reproducible layer
#   OUTDIR/oci/                an OCI image layout (oci-layout, index.json, blobs/sha256/)
#   OUTDIR/busybox-oci.tar     the same layout as an oci-archive
#                              (for `ctr images import` and `podman load`)
#   OUTDIR/busybox-docker.tar  a docker-archive (manifest.json + config + layer)
#                              (for `docker load`)
#   OUTDIR/image.env           IMAGE_NAME, IMAGE_ID (config digest), LAYER_DIGEST
#
# The image is named $VESSEL_IMAGE_NAME (default localhost/vessel-busybox:latest).
# Every digest is a sha256 of the exact bytes written; the layer is uncompressed so
# its blob digest is also its diff_id. Needs only bash, GNU tar, coreutils and jq.
# Running it again on the same OUTDIR rebuilds everything from scratch.
set -euo pipefail

die() { echo "mkimage.sh: $*" >&2; exit 1; }

[ $# -eq 1 ] || die "usage: $0 OUTDIR"
out=$1
name=${VESSEL_IMAGE_NAME:-localhost/vessel-busybox:latest}
busybox=${BUSYBOX:-/bin/busybox}

# le_uint FILE OFFSET SIZE: an unsigned little-endian integer of FILE.
le_uint() {
	local v=0 b i
	read -r -a b < <(od -An -tu1 -j "$2" -N "$3" -v "$1")
	[ ${#b[@]} -eq "$3" ] || return 1
	for ((i = $3 - 1; i >= 0; i--)); do v=$((v * 256 + b[i])); done
	echo "$v"
}

# static_elf FILE: FILE is a 64-bit little-endian ELF executable with no
# program interpreter (PT_INTERP), i.e. statically linked, static-pie too.
static_elf() {
	local magic phoff phentsize phnum i
	magic=$(od -An -tx1 -N 6 "$1" | tr -d ' \n')
	[ "$magic" = 7f454c460201 ] || return 1 # ELF, 64-bit, little-endian
	phoff=$(le_uint "$1" 32 8) && phentsize=$(le_uint "$1" 54 2) && phnum=$(le_uint "$1" 56 2) || return 1
	[ "$phnum" -gt 0 ] || return 1
	for ((i = 0; i < phnum; i++)); do
		[ "$(le_uint "$1" $((phoff + i * phentsize)) 4)" != 3 ] || return 1
	done
}

[ -x "$busybox" ] || die "$busybox not found (install busybox-static)"
static_elf "$(readlink -f "$busybox")" || die "$busybox is not a statically linked 64-bit ELF (install busybox-static)"
for tool in tar sha256sum jq; do
	command -v "$tool" >/dev/null || die "$tool is needed"
done

repo=${name%:*}
tag=${name##*:}
[ "$tag" != "$name" ] || tag=latest

# Fixed timestamp so the layer (and so every digest) is reproducible.
epoch=${SOURCE_DATE_EPOCH:-1700000000}
created=$(date -u -d "@$epoch" +%Y-%m-%dT%H:%M:%SZ)

mkdir -p "$out"
out=$(cd "$out" && pwd)
rm -rf "$out/rootfs" "$out/oci" "$out/docker" "$out/layer.tar" \
	"$out/busybox-oci.tar" "$out/busybox-docker.tar" "$out/image.env"

# --- rootfs -----------------------------------------------------------------
r=$out/rootfs
mkdir -p "$r"
chmod 0755 "$r"
for d in bin sbin usr/bin usr/sbin etc dev proc sys run var var/tmp home root tmp; do
	mkdir -p "$r/$d"
done
chmod 0700 "$r/root"
chmod 1777 "$r/tmp" "$r/var/tmp"
install -m 0755 "$busybox" "$r/bin/busybox"
"$busybox" --list-full | while read -r applet; do
	case "$applet" in
	bin/busybox | linuxrc | "") continue ;;
	esac
	mkdir -p "$r/$(dirname "$applet")"
	[ -e "$r/$applet" ] || ln -s /bin/busybox "$r/$applet"
done
cat >"$r/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/usr/sbin:/bin/false
vessel:x:1000:1000:vessel test user:/home/vessel:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
cat >"$r/etc/group" <<'EOF'
root:x:0:
daemon:x:1:
vessel:x:1000:
nogroup:x:65534:
EOF
mkdir -p "$r/home/vessel"
chmod 0644 "$r/etc/passwd" "$r/etc/group"
chmod 0755 "$r/home/vessel"
find "$r" -exec touch -h -d "@$epoch" {} +

# --- layer ------------------------------------------------------------------
# /home/vessel belongs to the vessel user inside the image.
tar --sort=name --mtime="@$epoch" --owner=0 --group=0 --numeric-owner \
	--format=gnu -C "$r" -cf "$out/layer.tar" --exclude=./home/vessel .
tar --mtime="@$epoch" --owner=1000 --group=1000 --numeric-owner \
	--format=gnu -C "$r" -rf "$out/layer.tar" ./home/vessel

sha() { sha256sum "$1" | cut -d' ' -f1; }
size() { stat -c %s "$1"; }

layer_hex=$(sha "$out/layer.tar")
layer_size=$(size "$out/layer.tar")

# --- image config -------------------------------------------------------------
config_json=$out/config.json
jq -cn --arg created "$created" --arg diff "sha256:$layer_hex" '{
	created: $created,
	architecture: "amd64",
	os: "linux",
	config: {
		Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
		Cmd: ["sh"],
		WorkingDir: "/"
	},
	rootfs: { type: "layers", diff_ids: [$diff] },
	history: [ { created: $created, created_by: "scripts/mkimage.sh (busybox-static)" } ]
}' | tr -d '\n' >"$config_json"
config_hex=$(sha "$config_json")
config_size=$(size "$config_json")

# --- OCI layout ---------------------------------------------------------------
oci=$out/oci
mkdir -p "$oci/blobs/sha256"
cp "$out/layer.tar" "$oci/blobs/sha256/$layer_hex"
cp "$config_json" "$oci/blobs/sha256/$config_hex"
manifest=$out/manifest.json
jq -cn --arg c "sha256:$config_hex" --argjson cs "$config_size" \
	--arg l "sha256:$layer_hex" --argjson ls "$layer_size" '{
	schemaVersion: 2,
	mediaType: "application/vnd.oci.image.manifest.v1+json",
	config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: $c, size: $cs },
	layers: [ { mediaType: "application/vnd.oci.image.layer.v1.tar", digest: $l, size: $ls } ]
}' | tr -d '\n' >"$manifest"
manifest_hex=$(sha "$manifest")
manifest_size=$(size "$manifest")
mv "$manifest" "$oci/blobs/sha256/$manifest_hex"
printf '{"imageLayoutVersion":"1.0.0"}' >"$oci/oci-layout"
jq -cn --arg m "sha256:$manifest_hex" --argjson ms "$manifest_size" \
	--arg name "$name" --arg tag "$tag" '{
	schemaVersion: 2,
	mediaType: "application/vnd.oci.image.index.v1+json",
	manifests: [ {
		mediaType: "application/vnd.oci.image.manifest.v1+json",
		digest: $m, size: $ms,
		platform: { architecture: "amd64", os: "linux" },
		annotations: {
			"io.containerd.image.name": $name,
			"org.opencontainers.image.ref.name": $tag
		}
	} ]
}' | tr -d '\n' >"$oci/index.json"
tar --sort=name --mtime="@$epoch" --owner=0 --group=0 --numeric-owner \
	-C "$oci" -cf "$out/busybox-oci.tar" oci-layout index.json blobs

# --- docker-archive -----------------------------------------------------------
dk=$out/docker
mkdir -p "$dk/$layer_hex"
cp "$out/layer.tar" "$dk/$layer_hex/layer.tar"
cp "$config_json" "$dk/$config_hex.json"
printf '1.0' >"$dk/$layer_hex/VERSION"
jq -cn --arg id "$layer_hex" --arg created "$created" \
	'{id: $id, created: $created, os: "linux"}' >"$dk/$layer_hex/json"
jq -cn --arg cfg "$config_hex.json" --arg name "$repo:$tag" --arg l "$layer_hex/layer.tar" \
	'[ { Config: $cfg, RepoTags: [$name], Layers: [$l] } ]' >"$dk/manifest.json"
jq -cn --arg repo "$repo" --arg tag "$tag" --arg id "$layer_hex" \
	'{($repo): {($tag): $id}}' >"$dk/repositories"
tar --sort=name --mtime="@$epoch" --owner=0 --group=0 --numeric-owner \
	-C "$dk" -cf "$out/busybox-docker.tar" manifest.json repositories \
	"$config_hex.json" "$layer_hex"

rm -f "$config_json"
cat >"$out/image.env" <<EOF
IMAGE_NAME=$name
IMAGE_ID=sha256:$config_hex
MANIFEST_DIGEST=sha256:$manifest_hex
LAYER_DIGEST=sha256:$layer_hex
EOF
echo "$out: $name (config sha256:$config_hex, manifest sha256:$manifest_hex)"
