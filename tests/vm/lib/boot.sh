# shellcheck shell=bash
# tests/vm/lib/boot.sh: running one command in a qemu guest and getting its
# output and exit status back (sourced after common.sh by the VM lanes).
#
# A run has a job directory ($work, from vm_work_dir) holding:
#   job                 the bash script the guest runs: environment, cwd, command
#   virtiofsd.sock      the vhost-user socket of the shared tree
#   stdout.fifo, stderr.fifo   what the guest's virtio-serial ports
#                       vessel.stdout and vessel.stderr carry, relayed to this
#                       script's stdout and stderr
#   status              what the port vessel.status carried: the command's
#                       exit status on the first line (or "error: MESSAGE"
#                       when the guest could not be set up), then NAME=VALUE
#                       lines of timings (seconds since the guest's boot):
#                       ready= when the command started, done= when it ended,
#                       kernel= when the kernel handed over to PID 1 (optional)
#   console.log, qemu.log, virtiofsd.log

virtiofsd=/usr/lib/qemu/virtiofsd

# Sets work to a new job directory under $TMPDIR (or /tmp).
vm_work_dir() {
	local tmpbase=${TMPDIR:-/tmp}
	case $tmpbase in
	/run | /run/* | *[!A-Za-z0-9._/-]*) tmpbase=/tmp ;;
	esac
	work=$(mktemp -d "$tmpbase/$prog.XXXXXX")
	mkfifo "$work/virtiofsd.fifo" "$work/stdout.fifo" "$work/stderr.fifo"
}

# write_job GUEST_PATH CWD COMMAND...: $work/job runs COMMAND as root in CWD
# with a clean environment: PATH=GUEST_PATH, HOME=/root, the caller's VESSEL_*
# variables, LANG, LC_*, TZ and CI when set, and each entry of the array
# env_args (NAME=VALUE, or NAME for the caller's value).
write_job() {
	local guest_path=$1 cwd=$2 name kv
	shift 2
	local -a lines=()
	add_env() {
		[[ $1 =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || die "--env: '$1' is not a variable name"
		lines+=("export $1=$(printf '%q' "$2")")
	}
	add_env PATH "$guest_path"
	add_env HOME /root
	while IFS= read -r name; do
		case $name in
		VESSEL_* | LANG | LC_* | TZ | CI) add_env "$name" "${!name}" ;;
		esac
	done < <(compgen -e)
	for kv in "${env_args[@]}"; do
		case $kv in
		*=*) add_env "${kv%%=*}" "${kv#*=}" ;;
		*) add_env "$kv" "${!kv-}" ;;
		esac
	done
	{
		printf '%s\n' "${lines[@]}"
		printf 'cd -- %q || exit 125\n' "$cwd"
		printf 'exec --'
		printf ' %q' "$@"
		printf '\n'
	} >"$work/job"
}

# start_virtiofsd CACHE SPEC...: qemu's virtiofsd on $work/virtiofsd.sock,
# with its log in $work/virtiofsd.log; returns once the socket listens.
# It runs in a private mount namespace where what it shares is built at
# $work/root: for the SPEC "/", a recursive bind of the whole host tree with
# every mount in it read-only; otherwise a tmpfs holding, at their host paths,
# a bind of each directory of the SPECs "ro:DIR" (read-only) and "rw:DIR"
# (writable), and the job directory itself, read-only, at its own path.
# CACHE is virtiofsd's cache mode (always, auto, none).
start_virtiofsd() {
	local cache_mode=$1 nofile line ready= fd
	shift
	# shellcheck disable=SC2016 # expanded by the bash that runs it
	local ns_script='
set -e
r=$1/root
n=$2
shift 2
mkdir "$r"
ro_all() {
	local _a _b _c _d mp _rest
	while read -r _a _b _c _d mp _rest; do
		mp=$(printf "%b" "${mp//\\/\\0}")
		case $mp in "$1" | "$1"/*) ;; *) continue ;; esac
		if ! mount -o remount,bind,ro "$mp" 2>/dev/null && [ "$mp" = "$1" ]; then
			echo "cannot make $1 read-only" >&2
			exit 1
		fi
	done </proc/self/mountinfo
}
if [ "$n" = 1 ] && [ "$1" = / ]; then
	mount --rbind / "$r"
	ro_all "$r"
	shift
else
	mount -t tmpfs -o mode=0755 vessel-vm-share "$r"
	mkdir -p "$r$work"
	mount --bind "$work" "$r$work"
	mount -o remount,bind,ro "$r$work"
	while [ "$n" -gt 0 ]; do
		mode=${1%%:*} dir=${1#*:}
		shift
		n=$((n - 1))
		mkdir -p "$r$dir"
		mount --rbind "$dir" "$r$dir"
		[ "$mode" = rw ] || ro_all "$r$dir"
	done
fi
mount -t tmpfs -o mode=0755 vessel-vm-run /run
exec "$@"
'
	nofile=$(ulimit -Hn)
	case $nofile in unlimited) nofile=1048576 ;; esac
	work=$work unshare --mount --propagation private -- bash -c "$ns_script" vessel-vm-virtiofsd "$work" "$#" "$@" \
		"$virtiofsd" --socket-path="$work/virtiofsd.sock" -o source="$work/root" -o cache="$cache_mode" \
		-o log_level=info --rlimit-nofile="$nofile" \
		</dev/null >/dev/null 2>"$work/virtiofsd.fifo" &
	vfsd_pid=$!
	# virtiofsd logs this line once its socket listens
	exec {fd}<"$work/virtiofsd.fifo"
	while IFS= read -r -u "$fd" line; do
		printf '%s\n' "$line" >>"$work/virtiofsd.log"
		case $line in *'Waiting for vhost-user socket connection'*)
			ready=1
			break
			;;
		esac
	done
	if [ -z "$ready" ]; then
		exec {fd}<&-
		wait "$vfsd_pid" || true
		vfsd_pid=
		die "virtiofsd did not start: $(tail -n1 "$work/virtiofsd.log" 2>/dev/null)"
	fi
	cat <&"$fd" >>"$work/virtiofsd.log" &
	vfsd_log_pid=$!
	exec {fd}<&-
}

# Sets accel and cpu for qemu: KVM when /proc/cpuinfo shows vmx or svm and
# /dev/kvm can be opened, else TCG; VESSEL_VM_ACCEL=kvm|tcg overrides.
pick_accel() {
	accel=${VESSEL_VM_ACCEL:-}
	if [ -z "$accel" ]; then
		accel=tcg
		if grep -qwE 'vmx|svm' /proc/cpuinfo && { : <>/dev/kvm; } 2>/dev/null; then
			accel=kvm
		fi
	fi
	case $accel in
	kvm) cpu=host ;;
	tcg)
		cpu=max
		accel=tcg,thread=multi
		;;
	*) die "VESSEL_VM_ACCEL must be kvm or tcg, not '$accel'" ;;
	esac
}

# The qemu arguments every lane uses besides its machine, memory, kernel and
# disks: the console log, the shared tree, the three ports.
# shellcheck disable=SC2054 # qemu's option lists are comma-separated
vm_io_args=()
vm_io_args_for() {
	local tag=$1
	vm_io_args=(
		-chardev "file,id=console,path=$work/console.log" -serial chardev:console
		-chardev "socket,id=vfs,path=$work/virtiofsd.sock"
		-device "vhost-user-fs-pci,chardev=vfs,tag=$tag"
		-device virtio-serial-pci,id=vser
		-chardev "file,id=out,path=$work/stdout.fifo"
		-device virtserialport,bus=vser.0,chardev=out,name=vessel.stdout
		-chardev "file,id=err,path=$work/stderr.fifo"
		-device virtserialport,bus=vser.0,chardev=err,name=vessel.stderr
		-chardev "file,id=status,path=$work/status"
		-device virtserialport,bus=vser.0,chardev=status,name=vessel.status
	)
}

# run_qemu TIMEOUT ARG...: qemu with the relays of the guest's output, killed
# after TIMEOUT seconds; then virtiofsd stops. Sets qemu_rc and vm_wall (the
# seconds from qemu's start to its exit).
run_qemu() {
	local timeout_s=$1 t0
	shift
	cat <"$work/stdout.fifo" &
	out_pid=$!
	cat <"$work/stderr.fifo" >&2 &
	err_pid=$!
	t0=$EPOCHREALTIME
	timeout --kill-after=10 "$timeout_s" qemu-system-x86_64 "$@" </dev/null >"$work/qemu.log" 2>&1 &
	qemu_pid=$!
	qemu_rc=0
	wait "$qemu_pid" || qemu_rc=$?
	qemu_pid=
	vm_wall=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
	release_relays
	stop_virtiofsd
}

# vm_finish TIMEOUT: exits with the command's status, or says why there is none
# (124 after a timeout, 125 when the guest failed). With VESSEL_VM_STATS=1 (or
# when the guest reported its timings and stats=1 is set by the lane) one line
# "PROG: guest ready at R s, command D s, qemu W s" goes to stderr first.
vm_finish() {
	local timeout_s=$1 status rc ready='' done_='' kernel='' why logs
	status=$(head -c 4096 "$work/status" 2>/dev/null | tr -d '\r') || true
	rc=$(sed -n 1p <<<"$status")
	ready=$(sed -n 's/^ready=//p' <<<"$status")
	done_=$(sed -n 's/^done=//p' <<<"$status")
	kernel=$(sed -n 's/^kernel=//p' <<<"$status")
	save_logs
	if [ "${VESSEL_VM_STATS:-${stats:-0}}" = 1 ] && [ -n "$ready" ] && [ -n "$done_" ]; then
		note "$(awk -v r="$ready" -v d="$done_" -v w="$vm_wall" -v k="$kernel" 'BEGIN {
			printf "guest ready %.1f s after boot", r
			if (k != "") printf " (kernel %.1f s)", k
			printf ", command %.1f s, qemu start to exit %.1f s", d - r, w }')"
	fi
	logs="console log $cache/${log_prefix}console.log"
	if [ "$qemu_rc" = 124 ] || [ "$qemu_rc" = 137 ]; then
		printf '%s: timed out after %s s; qemu killed (%s)\n' "$prog" "$timeout_s" "$logs" >&2
		exit 124
	fi
	case $rc in
	'' | *[!0-9]*) ;;
	*) exit "$rc" ;;
	esac
	case $rc in
	error:*) die "the guest could not be set up: ${rc#error: } ($logs)" ;;
	esac
	why=$(grep -a -m1 "^$prog: " "$work/console.log" | tr -d '\r') && [ -n "$why" ] &&
		die "the guest could not be set up: ${why#"$prog": } ($logs)"
	why=$(grep -a -m1 'Kernel panic' "$work/console.log" | tr -d '\r') ||
		why=$(grep -a -v '^[[:space:]]*$' "$work/qemu.log" | tail -n1) ||
		why=$(grep -a -v '^[[:space:]]*$' "$work/console.log" | tail -n1 | tr -d '\r') || true
	[ -n "$why" ] || why="no console output"
	die "the VM stopped before the command finished (qemu exit $qemu_rc: $why; $logs, qemu log $cache/${log_prefix}qemu.log)"
}
