# shellcheck shell=bash
# tests/vm/lib/kernel.sh: the guest kernel of the VM lanes, Debian's cloud
# kernel (sourced after common.sh, once vm_cache_dir has set cache).
#
# The package is what linux-image-cloud-amd64 depends on
# (VESSEL_VM_KERNEL_PACKAGE names another, VESSEL_VM_KERNEL_DIR an extracted
# tree). It is fetched with `apt-get download` and extracted with `dpkg-deb
# -x` into $cache/kernel/PACKAGE_VERSION/ (nothing is installed on the host),
# with a modules.dep; $cache/kernel/resolved records which package apt's
# current lists name. Only the download needs the network; after an `apt-get
# update` names a newer one it is fetched, and if that fails the newest cached
# one is used.

kernel_meta=${VESSEL_VM_KERNEL_PACKAGE:-linux-image-cloud-amd64}

# A fingerprint of apt's package lists: the kernel is resolved again (apt-cache
# takes about a second here) only when they change.
apt_lists_stamp() {
	local lists=/var/lib/apt/lists/
	eval "$(apt-config shell lists Dir::State::Lists/d 2>/dev/null)" || true
	stat -c '%n %s %Y' "$lists"*_Packages* 2>/dev/null | sha256sum | cut -c1-16
}

# Sets kernel_pkg and kernel_ver to the package apt names now.
resolve_kernel() {
	local stamp info line
	stamp="$kernel_meta $(apt_lists_stamp)"
	if [ -r "$cache/kernel/resolved" ] && [ "$(sed -n 1p "$cache/kernel/resolved")" = "$stamp" ]; then
		read -r kernel_pkg kernel_ver < <(sed -n 2p "$cache/kernel/resolved")
		[ -n "$kernel_ver" ] && return 0
	fi
	kernel_pkg='' kernel_ver=''
	command -v apt-cache >/dev/null || return 1
	info=$(apt-cache show --no-all-versions "$kernel_meta" 2>/dev/null) || return 1
	case $kernel_meta in
	linux-image-[0-9]*)
		kernel_pkg=$kernel_meta
		kernel_ver=$(awk '$1 == "Version:" { print $2; exit }' <<<"$info")
		;;
	*)
		line=$(grep -m1 '^Depends:' <<<"$info" | grep -o 'linux-image-[0-9][^ ,]*\( (= [^)]*)\)\?' | head -n1) || true
		kernel_pkg=${line%% *}
		case $line in *'(= '*) kernel_ver=${line##*(= } kernel_ver=${kernel_ver%)} ;; esac
		if [ -n "$kernel_pkg" ] && [ -z "$kernel_ver" ]; then
			kernel_ver=$(apt-cache show --no-all-versions "$kernel_pkg" 2>/dev/null |
				awk '$1 == "Version:" { print $2; exit }') || true
		fi
		;;
	esac
	[ -n "$kernel_pkg" ] && [ -n "$kernel_ver" ] || return 1
	printf '%s\n%s %s\n' "$stamp" "$kernel_pkg" "$kernel_ver" >"$cache/kernel/resolved.tmp"
	mv "$cache/kernel/resolved.tmp" "$cache/kernel/resolved"
}

# Downloads and extracts kernel_pkg=kernel_ver into kdir unless it is there.
fetch_kernel() {
	local tmp deb mods
	kdir=$cache/kernel/${kernel_pkg}_${kernel_ver//:/%3a}
	[ -d "$kdir" ] && return 0
	if ! command -v apt-get >/dev/null || ! command -v dpkg-deb >/dev/null; then
		note "apt-get or dpkg-deb not found: cannot fetch $kernel_pkg"
		return 1
	fi
	tmp=$(mktemp -d "$cache/kernel/.fetch.XXXXXX")
	scratch=$tmp
	note "fetching $kernel_pkg $kernel_ver (apt-get download)"
	if ! (cd "$tmp" && apt-get -q -o APT::Sandbox::User=root download "$kernel_pkg=$kernel_ver") >"$tmp/apt.log" 2>&1; then
		note "apt-get download $kernel_pkg=$kernel_ver failed: $(grep -v '^W:' "$tmp/apt.log" | tail -n1)"
		rm -rf "$tmp"
		return 1
	fi
	deb=$(find "$tmp" -maxdepth 1 -name '*.deb' -print -quit)
	if ! dpkg-deb -x "$deb" "$tmp/root" 2>"$tmp/dpkg.log"; then
		note "dpkg-deb -x $deb failed: $(tail -n1 "$tmp/dpkg.log")"
		rm -rf "$tmp"
		return 1
	fi
	mods=$(kernel_modules_dir "$tmp/root") || {
		note "$kernel_pkg has no lib/modules/VERSION or boot/vmlinuz-VERSION"
		rm -rf "$tmp"
		return 1
	}
	# for `busybox modprobe` in the guest; the package leaves depmod to its postinst
	busybox depmod -b "${mods%/lib/modules/*}" "${mods##*/}" 2>/dev/null ||
		note "busybox depmod failed; modprobe will not work in the guest"
	mv "$tmp/root" "$kdir"
	rm -rf "$tmp"
	scratch=
}

# Prints DIR/[usr/]lib/modules/VERSION of an extracted kernel with its vmlinuz.
kernel_modules_dir() {
	local d
	for d in "$1"/lib/modules/* "$1"/usr/lib/modules/*; do
		[ -d "$d/kernel" ] && [ -r "$1/boot/vmlinuz-${d##*/}" ] && { printf '%s\n' "$d"; return 0; }
	done
	return 1
}

# Sets kdir, kver, moddir, vmlinuz and kernel_id.
select_kernel() {
	if [ -n "${VESSEL_VM_KERNEL_DIR:-}" ]; then
		kdir=$(cd "$VESSEL_VM_KERNEL_DIR" && pwd -P) || die "VESSEL_VM_KERNEL_DIR=$VESSEL_VM_KERNEL_DIR is not a directory"
	elif ! { resolve_kernel && fetch_kernel; }; then
		kdir=$(find "$cache/kernel" -mindepth 1 -maxdepth 1 -type d -name 'linux-image-*' -printf '%T@ %p\n' |
			sort -rn | head -n1 | cut -d' ' -f2-) || true
		[ -n "$kdir" ] || die "no kernel: apt cannot name or fetch $kernel_meta and the cache ($cache/kernel) is empty"
		note "using the cached kernel ${kdir##*/}"
	fi
	moddir=$(kernel_modules_dir "$kdir") || die "$kdir holds no kernel (lib/modules/VERSION and boot/vmlinuz-VERSION)"
	kver=${moddir##*/}
	vmlinuz=$kdir/boot/vmlinuz-$kver
	kernel_id="${kdir##*/} $kver $(stat -c '%s %Y' "$vmlinuz")"
}


# Marks the selected kernel as used; kernels that no run used for a day go.
kernel_prune() {
	[ -n "${VESSEL_VM_KERNEL_DIR:-}" ] || touch "$kdir"
	find "$cache/kernel" -mindepth 1 -maxdepth 1 -type d -name 'linux-image-*' ! -path "$kdir" -mmin +1440 \
		-exec rm -rf {} +
}
