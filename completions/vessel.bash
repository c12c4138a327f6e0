# bash completion for vessel(8), the OCI container runtime.
#
# Installed as $(BASHCOMPDIR)/vessel, where bash-completion loads it the first
# time `vessel` is completed; or source it from ~/.bashrc.  It completes the
# global options, the commands and their options (--long and -s forms,
# --flag=value included), container ids from `vessel list -q` under the
# --root given on the command line, signal names for `kill`, capabilities for
# `exec --cap`, the words of --format, --log-format and --rootless, and files
# or directories for the options that take a path.
# shellcheck shell=bash

_vessel_commands="checkpoint create delete events exec features kill list pause ps
	restore resume run spec start state update help h"

_vessel_global_value_opts="--root --log --log-format --criu --rootless"
_vessel_global_bool_opts="--debug --systemd-cgroup --help -h --version -v"

_vessel_signals="HUP INT QUIT ILL TRAP ABRT IOT BUS FPE KILL USR1 SEGV USR2 PIPE ALRM
	TERM STKFLT CHLD CLD CONT STOP TSTP TTIN TTOU URG XCPU XFSZ VTALRM PROF WINCH IO
	POLL PWR SYS RTMIN RTMAX"

_vessel_caps="CAP_CHOWN CAP_DAC_OVERRIDE CAP_DAC_READ_SEARCH CAP_FOWNER CAP_FSETID
	CAP_KILL CAP_SETGID CAP_SETUID CAP_SETPCAP CAP_LINUX_IMMUTABLE CAP_NET_BIND_SERVICE
	CAP_NET_BROADCAST CAP_NET_ADMIN CAP_NET_RAW CAP_IPC_LOCK CAP_IPC_OWNER CAP_SYS_MODULE
	CAP_SYS_RAWIO CAP_SYS_CHROOT CAP_SYS_PTRACE CAP_SYS_PACCT CAP_SYS_ADMIN CAP_SYS_BOOT
	CAP_SYS_NICE CAP_SYS_RESOURCE CAP_SYS_TIME CAP_SYS_TTY_CONFIG CAP_MKNOD CAP_LEASE
	CAP_AUDIT_WRITE CAP_AUDIT_CONTROL CAP_SETFCAP CAP_MAC_OVERRIDE CAP_MAC_ADMIN
	CAP_SYSLOG CAP_WAKE_ALARM CAP_BLOCK_SUSPEND CAP_AUDIT_READ CAP_PERFMON CAP_BPF
	CAP_CHECKPOINT_RESTORE"

# The options of a command: sets _vessel_vopts (options that take a value)
# and _vessel_bopts (boolean options).  Every command also has --help, -h.
_vessel_cmd_opts() {
	local create_v="--bundle -b --console-socket --pid-file --preserve-fds"
	local create_b="--no-pivot --no-new-keyring"
	_vessel_vopts=""
	_vessel_bopts="--help -h"
	case $1 in
	create)
		_vessel_vopts=$create_v
		_vessel_bopts+=" $create_b"
		;;
	run)
		_vessel_vopts=$create_v
		_vessel_bopts+=" $create_b --detach -d --keep --no-subreaper"
		;;
	delete) _vessel_bopts+=" --force -f" ;;
	events)
		_vessel_vopts="--interval"
		_vessel_bopts+=" --stats"
		;;
	exec)
		_vessel_vopts="--console-socket --cwd --env -e --user -u --additional-gids -g
			--process -p --pid-file --process-label --apparmor --cap -c --preserve-fds
			--cgroup"
		_vessel_bopts+=" --tty -t --detach -d --no-new-privs --ignore-paused"
		;;
	kill) _vessel_bopts+=" --all -a" ;;
	list)
		_vessel_vopts="--format -f"
		_vessel_bopts+=" --quiet -q"
		;;
	ps) _vessel_vopts="--format -f" ;;
	spec)
		_vessel_vopts="--bundle -b"
		_vessel_bopts+=" --rootless"
		;;
	update)
		_vessel_vopts="--resources -r --blkio-weight --cpu-period --cpu-quota --cpu-share
			--cpu-shares --cpu-rt-period --cpu-rt-runtime --cpuset-cpus --cpuset-mems
			--kernel-memory --kernel-memory-tcp --memory --memory-reservation
			--memory-swap --pids-limit --l3-cache-schema --mem-bw-schema"
		;;
	esac
}

# "-root" is "--root" (vessel takes long options with one dash too); "-b" stays.
_vessel_norm() {
	local o=${1%%=*}
	if [[ $o == -[!-]?* ]]; then
		o=-$o
	fi
	printf '%s' "$o"
}

# Is option $1 (normalised) one of the words in $2?
_vessel_in() {
	local w
	for w in $2; do
		[[ $w == "$1" ]] && return 0
	done
	return 1
}

_vessel_expand_tilde() {
	local p=$1
	if [[ $p == \~ || $p == \~/* ]]; then
		p=$HOME${p#\~}
	fi
	printf '%s' "$p"
}

# Container ids under the state root in use.
_vessel_ids() {
	local cmd root=$2
	cmd=$(_vessel_expand_tilde "$1")
	if [[ -n $root ]]; then
		"$cmd" --root "$(_vessel_expand_tilde "$root")" list -q 2>/dev/null
	else
		"$cmd" list -q 2>/dev/null
	fi
}

# Fill COMPREPLY with the completions of $cur as the value of option $1.
_vessel_values() {
	local opt=$1 cur=$2
	case $opt in
	--bundle | -b | --root)
		compopt -o filenames 2>/dev/null
		mapfile -t COMPREPLY < <(compgen -d -- "$cur")
		;;
	--pid-file | --console-socket | --process | -p | --resources | -r | --log | --criu)
		compopt -o filenames 2>/dev/null
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		;;
	--format | -f) mapfile -t COMPREPLY < <(compgen -W "table json" -- "$cur") ;;
	--log-format) mapfile -t COMPREPLY < <(compgen -W "text json" -- "$cur") ;;
	--rootless) mapfile -t COMPREPLY < <(compgen -W "true false auto" -- "$cur") ;;
	--cap | -c) mapfile -t COMPREPLY < <(compgen -W "$_vessel_caps" -- "$cur") ;;
	*) COMPREPLY=() ;;
	esac
}

_vessel() {
	COMPREPLY=()
	# The words up to the cursor, with "--flag" "=" "value" and "uid" ":" "gid"
	# (split apart by COMP_WORDBREAKS) joined back into one word.
	local -a w=()
	local i x n join=0
	for ((i = 0; i <= COMP_CWORD && i < ${#COMP_WORDS[@]}; i++)); do
		x=${COMP_WORDS[i]}
		n=${#w[@]}
		if ((join)); then
			w[n - 1]+=$x
			join=0
		elif [[ $x =~ ^[=:]+$ && $n -gt 1 ]]; then
			w[n - 1]+=$x
			join=1
		else
			w+=("$x")
		fi
	done
	((COMP_CWORD >= ${#COMP_WORDS[@]})) && w+=("")
	local last=$((${#w[@]} - 1))
	local cur=${w[last]} cmd=${w[0]:-vessel}

	# Global options, up to the command.
	local root="" verb="" o
	i=1
	while ((i < last)); do
		x=${w[i]}
		if [[ $x == "--" ]]; then
			((i++))
			break
		fi
		[[ $x == -?* ]] || break
		o=$(_vessel_norm "$x")
		if [[ $x != *=* ]] && _vessel_in "$o" "$_vessel_global_value_opts"; then
			if ((i + 1 == last)); then
				_vessel_values "$o" "$cur"
				return 0
			fi
			[[ $o == --root ]] && root=${w[i + 1]}
			((i += 2))
			continue
		fi
		[[ $o == --root && $x == *=* ]] && root=${x#*=}
		((i++))
	done
	if ((i >= last)); then
		if [[ $cur == -?*=* ]]; then
			o=$(_vessel_norm "$cur")
			_vessel_complete_eq "$o" "$cur"
		elif [[ $cur == -* ]]; then
			mapfile -t COMPREPLY < <(compgen -W "$_vessel_global_value_opts $_vessel_global_bool_opts" -- "$cur")
		else
			mapfile -t COMPREPLY < <(compgen -W "$_vessel_commands" -- "$cur")
		fi
		return 0
	fi
	verb=${w[i]}
	((i++))

	# The command's options and arguments, up to the cursor.
	local _vessel_vopts _vessel_bopts
	_vessel_cmd_opts "$verb"
	local npos=0 opts_end=0
	while ((i < last)); do
		x=${w[i]}
		if ((opts_end)) || [[ $x != -?* ]]; then
			((npos++))
			# exec and ps: what follows the container id is not vessel's.
			[[ $verb == exec || $verb == ps ]] && opts_end=1
			((i++))
			continue
		fi
		if [[ $x == "--" ]]; then
			opts_end=1
			((i++))
			continue
		fi
		o=$(_vessel_norm "$x")
		if [[ $x != *=* ]] && _vessel_in "$o" "$_vessel_vopts"; then
			if ((i + 1 == last)); then
				_vessel_values "$o" "$cur"
				return 0
			fi
			((i += 2))
			continue
		fi
		((i++))
	done

	if ((!opts_end)) && [[ $cur == -?*=* ]]; then
		o=$(_vessel_norm "$cur")
		_vessel_complete_eq "$o" "$cur"
		return 0
	fi
	if ((!opts_end)) && [[ $cur == -* ]]; then
		mapfile -t COMPREPLY < <(compgen -W "$_vessel_vopts $_vessel_bopts" -- "$cur")
		return 0
	fi
	((opts_end && npos > 1)) && return 0

	case $verb in
	help | h)
		((npos == 0)) && mapfile -t COMPREPLY < <(compgen -W "$_vessel_commands" -- "$cur")
		;;
	checkpoint | delete | events | exec | pause | ps | resume | start | state | update)
		((npos == 0)) && mapfile -t COMPREPLY < <(compgen -W "$(_vessel_ids "$cmd" "$root")" -- "$cur")
		;;
	kill)
		if ((npos == 0)); then
			mapfile -t COMPREPLY < <(compgen -W "$(_vessel_ids "$cmd" "$root")" -- "$cur")
		elif ((npos == 1)); then
			local sigs=$_vessel_signals s
			if [[ $cur == SIG* ]]; then
				sigs=""
				for s in $_vessel_signals; do
					sigs+=" SIG$s"
				done
			fi
			mapfile -t COMPREPLY < <(compgen -W "$sigs" -- "$cur")
		fi
		;;
	esac
	# create, run and restore take a new id; features, list and spec no argument.
	return 0
}

# Complete "--flag=value" (the current word); $1 is the normalised flag.
_vessel_complete_eq() {
	local opt=$1 word=$2 val=${2#*=} k
	_vessel_values "$opt" "$val"
	# Readline replaces only what follows the last word-break character: with
	# "=" among them (the default) the value alone, else the whole word.
	if [[ $COMP_WORDBREAKS != *=* ]]; then
		for k in "${!COMPREPLY[@]}"; do
			COMPREPLY[k]=${word%%=*}=${COMPREPLY[k]}
		done
	fi
}

complete -F _vessel vessel
