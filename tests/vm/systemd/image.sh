#!/bin/bash
# tests/vm/systemd/image.sh: the disk image of the systemd VM lane, built
# when the cache has none for the current inputs; prints its directory.
#
#   tests/vm/systemd/image.sh [--rebuild]
#
# The image is Debian (the host's release) made by mmdebstrap from the host's
# own apt sources (VESSEL_VM_APT_SOURCES names other sources.list files):
# systemd as PID 1 with dbus (system bus; dbus-user-session and logind for
# user managers), udev, criu, containerd, podman, conmon, runc and crun, bats
# with bats-support/assert/file, jq, gawk, iproute2, iptables, busybox-static,
# python3, the libraries vessel links. The kernel is Debian's cloud kernel
# (tests/vm/lib/kernel.sh): its modules go into the image (depmod runs in a
# chroot), vmlinuz beside it. The guest configuration (guest/) makes the boot
# short: no getty, no timers, no daemons started by packages (containerd,
# podman's units are masked; tests start what they need), logind started on
# demand only; multi-user.target, a fixed machine-id, hostname
# vessel-systemd, a user `rootless` (uid 1000) with subordinate ids, and the
# unit that runs the job run.sh sends (guest/vessel-vm-job.service).
#
# Cache ($VESSEL_VM_CACHE, else $XDG_CACHE_HOME/vessel-vm, else
# /var/tmp/vessel-vm-cache), in systemd/:
#   base-HASH.tar   mmdebstrap's root; HASH covers the release, the package
#                   list and the apt sources (about 4 min to build on a busy
#                   2-core machine; needs the network)
#   image-HASH/     root.ext4 (sparse), vmlinuz, packages.txt (every package
#                   and version in the image), info, build.log; HASH covers
#                   the base, this script, guest/ and the kernel (about 15 s:
#                   a change to guest/ rebuilds only this)
# A second run finds both and boots at once. What no run used for a day goes.
# Builds hold systemd/lock, so concurrent runs build once.
#
# --rebuild builds both even when cached (a newer package in the archive does
# not change the hashes).
#
# Needs, as root: mmdebstrap, e2fsprogs (mkfs.ext4 -d), apt, dpkg, kmod in the
# image. Nothing is installed on the host.

set -euo pipefail

prog=vessel-systemd-vm
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
self=$here/$(basename "${BASH_SOURCE[0]}")
vm=$(cd "$here/.." && pwd -P)
# shellcheck source=tests/vm/lib/common.sh
. "$vm/lib/common.sh"
# shellcheck source=tests/vm/lib/kernel.sh
. "$vm/lib/kernel.sh"

# What the lanes built on this one need in the guest (see the header).
packages=(
	systemd systemd-sysv dbus dbus-user-session libpam-systemd udev kmod
	criu containerd podman conmon runc crun catatonit uidmap
	bats bats-support bats-assert bats-file jq gawk iproute2 iptables
	busybox-static procps psmisc util-linux xz-utils python3 libmnl0
)

rebuild=
case ${1:-} in
--rebuild) rebuild=1 ;;
'') ;;
-h | --help)
	sed -n '2,/^$/s/^# \{0,1\}//p' "$self"
	exit 0
	;;
*) die "unknown option $1 (usage: tests/vm/systemd/image.sh [--rebuild])" ;;
esac

[ "$(id -u)" = 0 ] || die "must run as root (mmdebstrap and the image's owners need it)"
need mmdebstrap mmdebstrap
need mkfs.ext4 e2fsprogs
need flock util-linux
need sha256sum coreutils

# The apt sources: the host's, unless VESSEL_VM_APT_SOURCES names files.
sources=()
if [ -n "${VESSEL_VM_APT_SOURCES:-}" ]; then
	read -r -a sources <<<"$VESSEL_VM_APT_SOURCES"
else
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
		[ -s "$f" ] && grep -qE '^[[:space:]]*(deb|Types:)' "$f" && sources+=("$f")
	done
fi
[ ${#sources[@]} -gt 0 ] || die "no apt sources (set VESSEL_VM_APT_SOURCES to sources.list files)"
suite=${VESSEL_VM_SUITE:-$(. /etc/os-release && echo "${VERSION_CODENAME:-}")}
[ -n "$suite" ] || die "cannot tell the host's Debian release (set VESSEL_VM_SUITE)"

vm_cache_dir
mkdir -p "$cache/systemd"
exec {lock_fd}>>"$cache/systemd/lock"
flock "$lock_fd"
select_kernel
# The base (mmdebstrap's root as a tarball) depends on the packages and the
# sources; the image on the base, the configuration and the kernel.
mmdebstrap_opts=(--variant=minbase --dpkgopt=force-unsafe-io)
base_key=$({
	printf '%s\n' "$suite" "${mmdebstrap_opts[*]}" "${packages[*]}"
	cat "${sources[@]}"
} | sha256sum | cut -c1-16)
base=$cache/systemd/base-$base_key.tar
key=$({
	printf '%s\n' "$base_key" "$kernel_id"
	cat "$self"
	find "$here/guest" -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sed "s|$here/||"
} | sha256sum | cut -c1-16)
img=$cache/systemd/image-$key

# ---------------------------------------------------------------- the root

# mask UNIT...: the unit never starts.
mask() {
	local u
	for u in "$@"; do
		ln -sfn /dev/null "$root/etc/systemd/system/$u"
	done
}

configure_root() {
	local g=$here/guest PATH=/usr/sbin:/usr/bin:/sbin:/bin
	mkdir -p "$root/usr/lib/modules"
	cp -a "$moddir" "$root/usr/lib/modules/"
	chroot "$root" depmod -a "$kver"
	# the kernel mounts the root read-write (root= rw): no fstab entry, so
	# nothing waits for udev to announce the disk, and no fsck
	echo '# the root is mounted by the kernel (root=/dev/nvme0n1 rw)' >"$root/etc/fstab"
	echo vessel-systemd >"$root/etc/hostname"
	printf '127.0.0.1 localhost\n127.0.1.1 vessel-systemd\n::1 localhost ip6-localhost ip6-loopback\n' >"$root/etc/hosts"
	# a fixed machine-id: no first-boot work on a snapshot boot
	rm -f "$root/etc/machine-id"
	chroot "$root" systemd-machine-id-setup >/dev/null
	mask getty.target serial-getty@ttyS0.service getty@tty1.service console-getty.service \
		apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer e2scrub_reap.service \
		fstrim.timer dpkg-db-backup.timer man-db.timer systemd-tmpfiles-clean.timer \
		systemd-timesyncd.service systemd-networkd-wait-online.service \
		systemd-random-seed.service systemd-pstore.service systemd-binfmt.service \
		proc-sys-fs-binfmt_misc.automount sys-kernel-config.mount sys-kernel-debug.mount \
		sys-kernel-tracing.mount sys-fs-fuse-connections.mount modprobe@loop.service \
		modprobe@dm_mod.service modprobe@fuse.service systemd-update-utmp.service \
		systemd-journal-flush.service \
		containerd.service podman.service podman.socket podman-restart.service \
		podman-auto-update.service podman-auto-update.timer podman-clean-transient.service
	mask systemd-update-utmp-runlevel.service
	# logind stays, but starts only on demand (dbus activates it for a
	# login, `loginctl enable-linger` or a user manager)
	mkdir -p "$root/etc/systemd/system/multi-user.target.wants"
	ln -sfn /dev/null "$root/etc/systemd/system/multi-user.target.wants/systemd-logind.service"
	ln -sfn /lib/systemd/system/multi-user.target "$root/etc/systemd/system/default.target"
	install -m 0644 "$g/modprobe.conf" "$root/etc/modprobe.d/vessel-vm.conf"
	install -m 0644 "$g/modules-load.conf" "$root/etc/modules-load.d/vessel-vm.conf"
	install -D -m 0644 "$g/journald.conf" "$root/etc/systemd/journald.conf.d/vessel-vm.conf"
	install -D -m 0755 "$g/vessel-vm-job" "$root/usr/local/libexec/vessel-vm/job"
	install -m 0644 "$g/vessel-vm-job.service" "$root/etc/systemd/system/vessel-vm-job.service"
	ln -sfn ../vessel-vm-job.service "$root/etc/systemd/system/multi-user.target.wants/vessel-vm-job.service"
	chroot "$root" useradd --create-home --uid 1000 --user-group --shell /bin/bash rootless
	echo 'rootless:100000:65536' >"$root/etc/subuid"
	echo 'rootless:100000:65536' >"$root/etc/subgid"
	# smaller: apt lists, documentation, translations
	rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/usr/share/doc/* \
		"$root"/usr/share/man/* "$root"/usr/share/locale/* "$root"/usr/share/info/*
}

# The base tarball, from mmdebstrap.
build_base() {
	local t0 tmp include
	t0=$EPOCHREALTIME
	tmp=$(mktemp -d "$cache/systemd/.base.XXXXXX")
	scratch=$tmp
	include=$(IFS=,; echo "${packages[*]}")
	note "building ${base##*/} (mmdebstrap $suite; log $cache/systemd/last-base.log)"
	if ! mmdebstrap "${mmdebstrap_opts[@]}" --include="$include" "$suite" "$tmp/base.tar" "${sources[@]}" \
		>"$tmp/base.log" 2>&1; then
		cp "$tmp/base.log" "$cache/systemd/last-base.log"
		die "mmdebstrap failed: $(grep -E '^E:' "$tmp/base.log" | tail -n1) (log $cache/systemd/last-base.log)"
	fi
	cp "$tmp/base.log" "$cache/systemd/last-base.log"
	mv "$tmp/base.tar" "$base"
	rm -rf "$tmp"
	scratch=
	note "built ${base##*/} in $(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.0f s", b - a }')"
}

# The image: the base, configured, in an ext4 file system.
build_image() {
	local t0 tmp used
	t0=$EPOCHREALTIME
	tmp=$(mktemp -d "$cache/systemd/.image.XXXXXX")
	scratch=$tmp
	root=$tmp/root
	mkdir "$root"
	tar -C "$root" --numeric-owner --xattrs --xattrs-include='*' -xpf "$base" ||
		die "cannot unpack $base"
	configure_root >"$tmp/build.log" 2>&1 || die "cannot configure the image root: $(tail -n1 "$tmp/build.log")"
	chroot "$root" dpkg-query -W -f '${Package} ${Version}\n' >"$tmp/packages.txt"
	used=$(du -sm "$root" | cut -f1)
	# room for what the tests write (snapshot=on: nothing reaches this file)
	mkfs.ext4 -q -F -L vessel-systemd -d "$root" "$tmp/root.ext4" "$((used + 1024))M" >>"$tmp/build.log" 2>&1 ||
		die "mkfs.ext4 -d failed: $(tail -n1 "$tmp/build.log")"
	rm -rf --one-file-system "$root"
	cp "$vmlinuz" "$tmp/vmlinuz"
	printf 'kernel %s\nsuite %s\nbase %s\nroot %s MB\n' "$kver" "$suite" "${base##*/}" "$used" >"$tmp/info"
	rm -rf "$img"
	mv "$tmp" "$img"
	scratch=
	note "built ${img##*/} in $(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.0f s", b - a }'), root $used MB"
}

if [ -n "$rebuild" ] || [ ! -r "$base" ]; then
	build_base
	rebuild=1
fi
if [ -n "$rebuild" ] || [ ! -r "$img/root.ext4" ] || [ ! -r "$img/vmlinuz" ]; then
	build_image
fi
touch "$base" "$img"
# what no run has used for a day goes
find "$cache/systemd" -mindepth 1 -maxdepth 1 \( -name 'image-*' ! -path "$img" -o -name 'base-*.tar' ! -path "$base" \) \
	-mmin +1440 -exec rm -rf {} +
kernel_prune
exec {lock_fd}>&-
printf '%s\n' "$img"
