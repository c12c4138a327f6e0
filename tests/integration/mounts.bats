#!/usr/bin/env bats
# The rootfs: mounts and their options, propagation, targets, symlinks,
# masked and read-only paths, root.readonly.

load helpers

setup() {
	vessel_setup
	SRC=$TEST_DIR/src
	mkdir -p "$SRC"
	echo "from the host" >"$SRC/file"
}

# add_mount JSON: append a mount to config.json.
add_mount() { update_config ".mounts += [$1]"; }

# bind_mount DEST OPTIONS-JSON-ARRAY [SOURCE]
bind_mount() {
	add_mount "{\"destination\": \"$1\", \"type\": \"bind\", \"source\": \"${3:-$SRC}\", \"options\": $2}"
}

# mnt_opts DEST: (in the container) the per-mount options of DEST.
opts_of='opts() { awk -v d="$1" '"'"'$5 == d {o = $6} END {print (o == "" ? "none" : o)}'"'"' /proc/self/mountinfo; }'
# optional fields (shared:N, master:N, unbindable) of DEST.
tags_of='tags() { awk -v d="$1" '"'"'$5 == d {t = ""; for (i = 7; $i != "-"; i++) t = t " " $i} END {print t}'"'"' /proc/self/mountinfo; }'
# super block options of DEST
sb_of='sb() { awk -v d="$1" '"'"'$5 == d {for (i = 7; $i != "-"; i++); s = $(i + 3)} END {print s}'"'"' /proc/self/mountinfo; }'

# has_opt LIST OPT: the comma-separated LIST contains OPT.
has_opt() { [[ ",$1," == *",$2,"* ]]; }

@test "bind: the host directory in the container, writable, writes reach the host" {
	bind_mount /mnt '["bind"]'
	set_sh 'cat /mnt/file; echo hi >/mnt/new'
	run -0 vessel run --bundle "$BUNDLE" m1
	assert_output "from the host"
	assert_file_contains "$SRC/new" hi
}

@test "bind ro: the container cannot write" {
	bind_mount /mnt '["bind", "ro"]'
	set_sh "$opts_of"'; opts /mnt; echo x >/mnt/new 2>&1 || echo refused'
	run -0 vessel run --bundle "$BUNDLE" m1
	has_opt "${lines[0]}" ro || fail "/mnt is not ro: ${lines[0]}"
	assert_line --partial "Read-only file system"
	assert_file_not_exist "$SRC/new"
}

@test "bind is not recursive, rbind is" {
	mkdir "$SRC/sub"
	mount -t tmpfs tmpfs "$SRC/sub"
	echo submount >"$SRC/sub/marker"
	bind_mount /a '["bind"]'
	bind_mount /b '["rbind"]'
	set_sh 'cat /a/sub/marker 2>/dev/null || echo none; cat /b/sub/marker'
	run -0 vessel run --bundle "$BUNDLE" m1
	assert_line --index 0 none
	assert_line --index 1 submount
}

@test "rro: recursive read-only reaches submounts; ro alone does not" {
	mkdir "$SRC/sub"
	mount -t tmpfs tmpfs "$SRC/sub"
	bind_mount /ro '["rbind", "ro"]'
	bind_mount /rro '["rbind", "rro"]'
	set_sh 'touch /ro/sub/x && echo ro-sub-writable; touch /rro/sub/y 2>/dev/null || echo rro-sub-refused; touch /rro/z 2>/dev/null || echo rro-top-refused'
	run -0 vessel run --bundle "$BUNDLE" m1
	assert_line ro-sub-writable
	assert_line rro-sub-refused
	assert_line rro-top-refused
	assert_file_not_exist "$SRC/sub/y"
}

@test "nosuid, nodev, noexec on a bind mount: flags set and enforced" {
	cp "$BUNDLE/rootfs/bin/busybox" "$SRC/bb"
	bind_mount /mnt '["bind", "nosuid", "nodev", "noexec"]'
	set_sh "$opts_of"'; opts /mnt; /mnt/bb true 2>&1 || echo exec-refused'
	run -0 vessel run --bundle "$BUNDLE" m1
	local o
	for o in nosuid nodev noexec; do
		has_opt "${lines[0]}" $o || fail "/mnt lacks $o: ${lines[0]}"
	done
	assert_line --partial "Permission denied"
	assert_line exec-refused
}

@test "the relatime family: relatime, strictatime, noatime on tmpfs" {
	add_mount '{"destination": "/rel", "type": "tmpfs", "source": "tmpfs", "options": ["relatime"]}'
	add_mount '{"destination": "/strict", "type": "tmpfs", "source": "tmpfs", "options": ["strictatime"]}'
	add_mount '{"destination": "/noat", "type": "tmpfs", "source": "tmpfs", "options": ["noatime"]}'
	set_sh "$opts_of"'; opts /rel; opts /strict; opts /noat'
	run -0 vessel run --bundle "$BUNDLE" m1
	has_opt "${lines[0]}" relatime || fail "/rel: ${lines[0]}"
	! has_opt "${lines[1]}" relatime && ! has_opt "${lines[1]}" noatime || fail "/strict: ${lines[1]}"
	has_opt "${lines[2]}" noatime || fail "/noat: ${lines[2]}"
}

@test "the relatime family on a bind mount" {
	bind_mount /noat '["bind", "noatime"]'
	bind_mount /strict '["bind", "strictatime"]'
	set_sh "$opts_of"'; opts /noat; opts /strict'
	run -0 vessel run --bundle "$BUNDLE" m1
	has_opt "${lines[0]}" noatime || fail "/noat: ${lines[0]}"
	! has_opt "${lines[1]}" relatime && ! has_opt "${lines[1]}" noatime || fail "/strict: ${lines[1]}"
}

@test "the recursive atime options rnoatime, ratime, rrelatime, rstrictatime, rnostrictatime" {
	local o
	for o in rnoatime ratime rrelatime rstrictatime rnostrictatime; do
		bind_mount "/$o" "[\"rbind\", \"$o\"]"
	done
	set_sh "$opts_of"'; for o in rnoatime ratime rrelatime rstrictatime rnostrictatime; do echo "$o=$(opts /$o)"; done'
	run -0 vessel run --bundle "$BUNDLE" m1
	assert_line --regexp '^rnoatime=.*noatime'
	assert_line --regexp '^rrelatime=.*relatime'
	refute_line --regexp '^rstrictatime=.*(noatime|relatime)'
}

@test "tmpfs size and mode" {
	add_mount '{"destination": "/t", "type": "tmpfs", "source": "tmpfs", "options": ["size=1m", "mode=1770", "nr_inodes=100"]}'
	set_sh "$sb_of"'; sb /t; stat -c %a /t'
	run -0 vessel run --bundle "$BUNDLE" m1
	has_opt "${lines[0]}" size=1024k || fail "super block options: ${lines[0]}"
	has_opt "${lines[0]}" nr_inodes=100 || fail "super block options: ${lines[0]}"
	assert_line --index 1 1770
}

@test "tmpcopyup: the tmpfs starts with the image's files and is writable" {
	update_config '.root.readonly = true'
	echo "image file" >"$BUNDLE/rootfs/etc/motd"
	add_mount '{"destination": "/etc", "type": "tmpfs", "source": "tmpfs", "options": ["tmpcopyup", "mode=755"]}'
	set_sh 'cat /etc/motd; grep -c root /etc/passwd; echo changed >/etc/motd && cat /etc/motd'
	run -0 vessel run --bundle "$BUNDLE" m1
	assert_line --index 0 "image file"
	assert_line --index 1 1
	assert_line --index 2 changed
	# the image itself is untouched
	assert_file_contains "$BUNDLE/rootfs/etc/motd" "image file"
}

@test "propagation: rshared, rslave, rprivate and unbindable show in mountinfo" {
	bind_mount /shared '["rbind", "rshared"]'
	bind_mount /private '["rbind", "rprivate"]'
	bind_mount /unbind '["rbind", "runbindable"]'
	set_sh "$tags_of"'; echo "shared=$(tags /shared)"; echo "private=$(tags /private)"; echo "unbind=$(tags /unbind)"'
	run -0 vessel run --bundle "$BUNDLE" m1
	assert_line --regexp '^shared= shared:[0-9]+'
	assert_line 'private='
	assert_line --regexp '^unbind=.*unbindable'
}

@test "propagation: rslave receives mounts made on the host afterwards" {
	# the test dir becomes a shared mount of its own (teardown unmounts it)
	mount --bind "$TEST_DIR" "$TEST_DIR"
	mount --make-rshared "$TEST_DIR"
	mkdir -p "$SRC/later"
	bind_mount /mnt '["rbind", "rslave"]'
	local ready
	ready=$(mk_fifo ready)
	mkfifo -m 0666 "$BUNDLE/rootfs/go"
	set_sh "$tags_of"'; tags /mnt >/ready; cat /go >/dev/null; cat /mnt/later/marker'
	run -0 run_d m1
	run -0 read_fifo "$ready"
	assert_output --regexp 'master:[0-9]+'
	local pid
	pid=$(ct_pid m1)
	mount -t tmpfs tmpfs "$SRC/later"
	echo propagated >"$SRC/later/marker"
	echo go >"$BUNDLE/rootfs/go"
	wait_pid "$pid"
	run -0 cat "$TEST_DIR/m1.out"
	assert_output propagated
}

@test "rootfsPropagation private, slave, rprivate, rslave under a shared host mount: set, and nothing leaks" {
	# The bundle sits under a shared mount, as on a systemd host (there
	# / is shared); slave then has a master to follow. "shared" is left out:
	# it propagates the container's mounts to the host by design.
	mount --bind "$TEST_DIR" "$TEST_DIR"
	mount --make-rshared "$TEST_DIR"
	local p
	for p in private slave rprivate rslave; do
		update_config ".linux.rootfsPropagation = \"$p\""
		set_sh "$tags_of"'; tags /'
		run vessel run --bundle "$BUNDLE" "m-$p"
		[ "$status" -eq 0 ] || fail "rootfsPropagation $p: $output"
		# (non-recursive slave leaves the rootfs bind without a master, in runc too)
		case $p in
		*private) assert_output "" ;;
		rslave) assert_output --regexp 'master:[0-9]+' ;;
		esac
		run -1 grep -F "$BUNDLE/" /proc/self/mountinfo
	done
}

@test "the container's mounts never propagate to the host, whatever the host's propagation" {
	add_mount '{"destination": "/deep/t", "type": "tmpfs", "source": "tmpfs"}'
	set_sh 'exec sleep 100'
	run -0 run_d m1
	run -1 grep -F "$BUNDLE" /proc/self/mountinfo
}

@test "a mount target that does not exist is created, with its parents" {
	add_mount '{"destination": "/new/deep/dir", "type": "tmpfs", "source": "tmpfs"}'
	bind_mount /other/file.txt '["bind", "ro"]' "$SRC/file"
	set_sh 'stat -c %F /new/deep/dir; cat /other/file.txt'
	run -0 vessel run --bundle "$BUNDLE" m1
	assert_line --index 0 directory
	assert_line --index 1 "from the host"
	# created in the image as directory and empty file
	assert_dir_exist "$BUNDLE/rootfs/new/deep/dir"
	assert_file_exist "$BUNDLE/rootfs/other/file.txt"
	[ ! -s "$BUNDLE/rootfs/other/file.txt" ] || fail "the image's file got the host's content"
}

@test "a file bind mount onto an existing file" {
	echo "image hosts" >"$BUNDLE/rootfs/etc/hosts"
	bind_mount /etc/hosts '["bind"]' "$SRC/file"
	set_sh 'cat /etc/hosts'
	run -0 vessel run --bundle "$BUNDLE" m1
	assert_output "from the host"
	assert_file_contains "$BUNDLE/rootfs/etc/hosts" "image hosts"
}

@test "an absolute symlink in the image resolves inside the rootfs, never on the host" {
	mkdir -p "$TEST_DIR/hostside"
	ln -s "$TEST_DIR/hostside" "$BUNDLE/rootfs/evil"
	add_mount '{"destination": "/evil/x", "type": "tmpfs", "source": "tmpfs"}'
	set_args true
	run vessel run --bundle "$BUNDLE" m1
	assert_not_exist "$TEST_DIR/hostside/x"
	if [ "$status" -eq 0 ]; then
		# followed inside the rootfs
		assert_dir_exist "$BUNDLE/rootfs$TEST_DIR/hostside/x"
	fi
	run -1 grep -F "$TEST_DIR/hostside" /proc/self/mountinfo
}

@test "a relative symlink climbing out of the image resolves inside the rootfs" {
	mkdir -p "$TEST_DIR/hostside"
	ln -s "../../../../../../../..$TEST_DIR/hostside" "$BUNDLE/rootfs/climb"
	add_mount '{"destination": "/climb/y", "type": "tmpfs", "source": "tmpfs"}'
	set_sh 'ls -d /climb/y'
	run -0 vessel run --bundle "$BUNDLE" m1
	assert_not_exist "$TEST_DIR/hostside/y"
	assert_dir_exist "$BUNDLE/rootfs$TEST_DIR/hostside/y"
}

@test "a symlinked bind target to a host file does not overwrite it" {
	echo "precious" >"$TEST_DIR/precious"
	ln -s "$TEST_DIR/precious" "$BUNDLE/rootfs/target"
	bind_mount /target '["bind"]' "$SRC/file"
	set_sh 'cat /target'
	# as in runc, the dangling link is followed inside the rootfs: the file
	# it names there is made and the bind lands on it
	run -0 vessel run --bundle "$BUNDLE" m1
	assert_output "from the host"
	assert_file_exist "$BUNDLE/rootfs$TEST_DIR/precious"
	assert_file_contains "$TEST_DIR/precious" precious
	run -1 grep -F "$TEST_DIR/precious" /proc/self/mountinfo
}

@test "proc: mounted at /proc; a bind over a /proc file outside the allowed list is refused" {
	bind_mount /proc/kmsg '["bind"]' "$SRC/file"
	set_args true
	run -1 create_ct m1
	assert_output "$RT_NAME: unable to start container process: mount \"$SRC/file\" on \"/proc/kmsg\" (type bind): \"/proc/kmsg\" cannot be mounted because it is inside /proc"
	assert_nothing_left m1
}

@test "proc: a bind over /proc/cpuinfo (the lxcfs pattern) is allowed" {
	bind_mount /proc/cpuinfo '["bind"]' "$SRC/file"
	set_sh 'cat /proc/cpuinfo'
	run -0 vessel run --bundle "$BUNDLE" m1
	assert_output "from the host"
}

@test "proc: an image whose /proc is a symlink is refused" {
	rm -rf "$BUNDLE/rootfs/proc"
	ln -s /etc "$BUNDLE/rootfs/proc"
	set_args true
	run -1 create_ct m1
	assert_output --partial '"/proc"'
	assert_nothing_left m1
	assert_not_exist /etc/self
}

@test "masked paths: /proc/keys and /proc/timer_list read empty and are char 1:3" {
	[ -e /proc/keys ] && [ -e /proc/timer_list ] || skip "/proc/keys or /proc/timer_list missing on this kernel"
	set_sh 'for f in /proc/keys /proc/timer_list; do echo "$f $(stat -c "%F %t:%T" $f) $(wc -c <$f)"; done'
	run -0 vessel run --bundle "$BUNDLE" m1
	assert_line "/proc/keys character special file 1:3 0"
	assert_line "/proc/timer_list character special file 1:3 0"
}

@test "masked paths: directories /proc/acpi and /sys/firmware are empty and read-only" {
	[ -d /proc/acpi ] && [ -d /sys/firmware ] || skip "/proc/acpi or /sys/firmware missing here"
	set_sh 'for d in /proc/acpi /sys/firmware; do echo "$d $(ls -A $d | wc -l)"; touch $d/x 2>/dev/null && echo "$d writable"; done; true'
	run -0 vessel run --bundle "$BUNDLE" m1
	assert_line --regexp '^/proc/acpi +0$'
	assert_line --regexp '^/sys/firmware +0$'
	refute_line --partial writable
}

@test "masked paths that do not exist on this kernel (/proc/kcore) are skipped" {
	[ ! -e /proc/kcore ] || skip "/proc/kcore exists here"
	update_config '.linux.maskedPaths = ["/proc/kcore", "/proc/keys", "/does/not/exist"]'
	set_sh 'ls /proc/kcore 2>&1; stat -c %t:%T /proc/keys'
	run -0 vessel run --bundle "$BUNDLE" m1
	assert_line --partial "No such file or directory"
	assert_line 1:3
}

@test "masked paths: a masked file cannot be unmasked by writing through it" {
	set_sh 'echo x >/proc/keys 2>/dev/null; wc -c </proc/keys'
	run -0 vessel run --bundle "$BUNDLE" m1
	assert_output 0
}

@test "readonly paths: /proc/sys (and /proc/sysrq-trigger where it exists) are not writable" {
	update_config '.process.capabilities.bounding += ["CAP_SYS_ADMIN"] | .process.capabilities.effective += ["CAP_SYS_ADMIN"] | .process.capabilities.permitted += ["CAP_SYS_ADMIN"]'
	set_sh "$opts_of"'; opts /proc/sys; echo 1 >/proc/sys/kernel/domainname 2>&1; true'
	run -0 vessel run --bundle "$BUNDLE" m1
	has_opt "${lines[0]}" ro || fail "/proc/sys: ${lines[0]}"
	assert_line --partial "Read-only file system"
	[ -e /proc/sysrq-trigger ] || return 0 # not on this kernel
	set_sh "$opts_of"'; opts /proc/sysrq-trigger'
	run -0 vessel run --bundle "$BUNDLE" m2
	has_opt "$output" ro || fail "/proc/sysrq-trigger: $output"
}

@test "readonly paths: a path of the config is remounted read-only, recursively" {
	mkdir -p "$BUNDLE/rootfs/data"
	add_mount '{"destination": "/data", "type": "tmpfs", "source": "tmpfs"}'
	add_mount '{"destination": "/data/sub", "type": "tmpfs", "source": "tmpfs"}'
	update_config '.linux.readonlyPaths += ["/data"]'
	set_sh 'touch /data/x 2>/dev/null || echo top-ro; touch /data/sub/y 2>/dev/null || echo sub-ro'
	run -0 vessel run --bundle "$BUNDLE" m1
	assert_line top-ro
	assert_line sub-ro
}

@test "root.readonly: / is read-only, mounts on it stay writable" {
	update_config '.root.readonly = true'
	add_mount '{"destination": "/tmp", "type": "tmpfs", "source": "tmpfs"}'
	set_sh "$opts_of"'; opts /; touch /x 2>&1; touch /tmp/y && echo tmp-ok'
	run -0 vessel run --bundle "$BUNDLE" m1
	has_opt "${lines[0]}" ro || fail "/: ${lines[0]}"
	assert_line --partial "Read-only file system"
	assert_line tmp-ok
	assert_file_not_exist "$BUNDLE/rootfs/x"
}

@test "root.readonly false: / is writable" {
	update_config '.root.readonly = false'
	set_sh 'touch /x && echo ok'
	run -0 vessel run --bundle "$BUNDLE" m1
	assert_output ok
	assert_file_exist "$BUNDLE/rootfs/x"
}

@test "mounts are made in order: a later mount lands inside an earlier one" {
	add_mount '{"destination": "/stack", "type": "tmpfs", "source": "tmpfs"}'
	bind_mount /stack/inner '["bind"]'
	set_sh 'cat /stack/inner/file'
	run -0 vessel run --bundle "$BUNDLE" m1
	assert_output "from the host"
	assert_not_exist "$BUNDLE/rootfs/stack/inner"
}

@test "the default mounts: proc, dev tmpfs, devpts, shm, mqueue, sysfs ro, cgroup ro" {
	set_sh "$opts_of"'; for d in /proc /dev /dev/pts /dev/shm /dev/mqueue /sys /sys/fs/cgroup; do echo "$d $(awk -v d=$d '"'"'$5 == d {for (i = 7; $i != "-"; i++); print $(i + 1)}'"'"' /proc/self/mountinfo | tail -n 1) $(opts $d)"; done'
	run -0 vessel run --bundle "$BUNDLE" m1
	assert_line --regexp '^/proc proc '
	assert_line --regexp '^/dev tmpfs .*nosuid'
	assert_line --regexp '^/dev/pts devpts .*noexec'
	assert_line --regexp '^/dev/shm tmpfs .*nodev'
	assert_line --regexp '^/dev/mqueue mqueue '
	assert_line --regexp '^/sys sysfs ro,'
	assert_line --regexp '^/sys/fs/cgroup [a-z0-9]+ ro,'
}

@test "a read-only /dev tmpfs still gets devpts, shm, mqueue, the devices and links, then is read-only" {
	update_config '.mounts |= map(if .destination == "/dev" then .options += ["ro"] else . end)'
	set_sh "$opts_of"'; opts /dev; opts /dev/pts; [ -c /dev/null ] && echo null; readlink /dev/ptmx; touch /dev/x 2>&1 || echo ro'
	run -0 vessel run --bundle "$BUNDLE" m1
	assert_line --index 0 --regexp '^ro,'
	assert_line --index 1 --regexp '^rw,'
	assert_line null
	assert_line pts/ptmx
	assert_line ro
}

@test "a read-only tmpfs with tmpcopyup gets the image's files, then is read-only" {
	mkdir -p "$BUNDLE/rootfs/seed"
	echo seeded >"$BUNDLE/rootfs/seed/f"
	add_mount '{"destination": "/seed", "type": "tmpfs", "source": "tmpfs", "options": ["ro", "tmpcopyup"]}'
	set_sh "$opts_of"'; opts /seed; cat /seed/f'
	run -0 vessel run --bundle "$BUNDLE" m1
	assert_line --index 0 --regexp '^ro,'
	assert_line --index 1 seeded
}

@test "tmpfs without mode=: over an image directory it keeps its mode, a new one is 1777" {
	mkdir "$BUNDLE/rootfs/kept"
	chmod 0710 "$BUNDLE/rootfs/kept"
	add_mount '{"destination": "/kept", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid"]}'
	add_mount '{"destination": "/new/a/b", "type": "tmpfs", "source": "tmpfs"}'
	add_mount '{"destination": "/explicit", "type": "tmpfs", "source": "tmpfs", "options": ["mode=1500"]}'
	mkdir "$BUNDLE/rootfs/explicit"
	chmod 0710 "$BUNDLE/rootfs/explicit"
	set_args stat -c '%n %a' /kept /new/a/b /explicit
	run -0 vessel run --bundle "$BUNDLE" m1
	assert_line "/kept 710"
	assert_line "/new/a/b 1777"
	assert_line "/explicit 1500"
	# the image's directories are left as they were
	assert_equal "$(stat -c %a "$BUNDLE/rootfs/explicit")" 710
	assert_equal "$(stat -c %a "$BUNDLE/rootfs/new/a/b")" 755
}

@test "a file bind mount through a symlink to a path that does not exist yet: made inside the rootfs" {
	update_config '.root.readonly = false'
	rm -f "$BUNDLE/rootfs/etc/localtime"
	ln -s /usr/share/zoneinfo/Etc/UTC "$BUNDLE/rootfs/etc/localtime"
	ln -s /tmp/foo/bar "$BUNDLE/rootfs/jump"
	ln -s /jump/baz/hosts "$BUNDLE/rootfs/etc/hosts"
	bind_mount /etc/localtime '["bind", "ro"]' "$SRC/file"
	bind_mount /etc/hosts '["bind", "ro"]' "$SRC/file"
	set_args cat /usr/share/zoneinfo/Etc/UTC /tmp/foo/bar/baz/hosts
	run -0 vessel run --bundle "$BUNDLE" m1
	assert_output "from the host
from the host"
	# made inside the rootfs, never on the host
	assert_file_exist "$BUNDLE/rootfs/usr/share/zoneinfo/Etc/UTC"
	assert_file_exist "$BUNDLE/rootfs/tmp/foo/bar/baz/hosts"
	assert_not_exist /tmp/foo/bar/baz/hosts
}

@test "a directory bind mount through a trailing symlink to a missing path" {
	update_config '.root.readonly = false'
	ln -s /tmp/dirlink-target "$BUNDLE/rootfs/dirlink"
	bind_mount /dirlink '["bind"]'
	set_args cat /tmp/dirlink-target/file
	run -0 vessel run --bundle "$BUNDLE" m1
	assert_output "from the host"
	assert_not_exist /tmp/dirlink-target
}

@test "a destination written as a host path inside the rootfs means that place in the container" {
	update_config '.root.readonly = false'
	bind_mount "$BUNDLE/rootfs/mnt/x" '["bind"]'
	set_args cat /mnt/x/file
	run -0 vessel run --bundle "$BUNDLE" m1
	assert_output "from the host"
	assert_not_exist "$BUNDLE/rootfs$BUNDLE"
}

@test "proc: an image whose /proc is a symlink is refused in runc's words" {
	rm -rf "$BUNDLE/rootfs/proc"
	mkdir -p "$BUNDLE/rootfs/bad-proc"
	ln -s /bad-proc "$BUNDLE/rootfs/proc"
	set_args true
	run -1 create_ct m1
	assert_output --partial 'must be mounted on ordinary directory'
	assert_nothing_left m1
}

@test "rootfsPropagation shared: / is shared, a mount under it reaches a bind of /" {
	update_config '.linux.rootfsPropagation = "shared" | .root.readonly = false
		| .process.capabilities.bounding += ["CAP_SYS_ADMIN"] | .process.capabilities.effective += ["CAP_SYS_ADMIN"]
		| .process.capabilities.permitted += ["CAP_SYS_ADMIN"]'
	mkdir -p "$BUNDLE/rootfs/target" "$BUNDLE/rootfs/mnt1" "$BUNDLE/rootfs/test1"
	touch "$BUNDLE/rootfs/test1/example"
	set_sh "$tags_of"'; tags /; mount --rbind / /target; mount --bind /test1 /mnt1; ls /target/mnt1'
	run -0 vessel run --bundle "$BUNDLE" m1
	assert_line --index 0 --regexp 'shared:[0-9]+'
	assert_line example
	run -1 grep -F "$BUNDLE/" /proc/self/mountinfo
}

@test "rootfsPropagation unbindable: / cannot be bound" {
	update_config '.linux.rootfsPropagation = "unbindable" | .root.readonly = false
		| .process.capabilities.bounding += ["CAP_SYS_ADMIN"] | .process.capabilities.effective += ["CAP_SYS_ADMIN"]
		| .process.capabilities.permitted += ["CAP_SYS_ADMIN"]'
	mkdir -p "$BUNDLE/rootfs/target"
	set_sh "$tags_of"'; tags /; mount --rbind / /target 2>&1 || echo refused'
	run -0 vessel run --bundle "$BUNDLE" m1
	assert_line --index 0 --regexp 'unbindable'
	assert_line refused
}

@test "--no-pivot: the host's /proc is gone from the namespace, so no fresh procfs can be mounted" {
	update_config '.process.capabilities.bounding += ["CAP_SETFCAP"] | .process.capabilities.permitted += ["CAP_SETFCAP"]'
	set_args unshare -mrpf sh -c 'mount -t proc none /proc && echo mounted'
	run vessel run --no-pivot --bundle "$BUNDLE" m1
	assert_failure
	assert_output --partial "mount: permission denied"
	refute_output --partial mounted
}

@test "masked paths listed twice are masked once" {
	mkdir -p "$BUNDLE/rootfs/testdir"
	touch "$BUNDLE/rootfs/testfile"
	update_config '.linux.maskedPaths += ["/testdir", "/testfile", "/testdir", "/testfile"]'
	set_sh 'grep -c " /testdir " /proc/self/mountinfo; grep -c " /testfile " /proc/self/mountinfo'
	run -0 vessel run --bundle "$BUNDLE" m1
	assert_output "1
1"
}

@test "proc: a bind of the host's procfs onto /proc (rootless with the host's pid namespace) is allowed; another source is not" {
	update_config '.linux.namespaces -= [{"type": "pid"}]
		| .mounts |= map((select(.type == "proc") | .type = "none" | .source = "/proc"
			| .options = ["rbind", "nosuid", "nodev", "noexec"]) // .)'
	set_sh 'head -1 /proc/1/status; cat /proc/keys | wc -c'
	run -0 vessel run --bundle "$BUNDLE" m1
	assert_line --index 0 "Name:	$(head -1 /proc/1/status | cut -f2)"
	# the masks still apply to it
	[ -e /proc/keys ] && assert_line --index 1 0
	update_config '.mounts |= map((select(.destination == "/proc") | .source = "/tmp") // .)'
	set_args true
	run -1 create_ct m2
	assert_output --partial '"/proc" cannot be mounted because it is inside /proc (only a procfs may be bound there)'
	assert_nothing_left m2
}
