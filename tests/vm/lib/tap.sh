# shellcheck shell=bash
# tests/vm/lib/tap.sh: counting the TAP a VM lane's bats run prints (sourced
# by tests/vm/check-cgroup2.sh and tests/vm/systemd/check.sh).

# vm_bats LABEL RUNNER [RUNNER_ARG...] -- BATS_ARG...: RUNNER (a lane's run.sh)
# runs `bats --tap BATS_ARG...` in its VM; the TAP comes through as bats
# prints it, then one line "LABEL: N passed, N failed, N skipped" (tests the
# plan announced but that never reported count as failed). Returns bats's
# status, or the runner's 124/125 when the VM timed out or failed, or 1 when a
# test failed although bats said nothing.
vm_bats() {
	local label=$1 line planned='' passed=0 failed=0 skipped=0 missing rc
	shift
	local -a runner=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		runner+=("$1")
		shift
	done
	shift
	while IFS= read -r line; do
		printf '%s\n' "$line"
		case $line in
		1..*) planned=${line#1..} ;;
		'ok '*' # skip'* | 'ok '*' # SKIP'*) skipped=$((skipped + 1)) ;;
		'ok '*) passed=$((passed + 1)) ;;
		'not ok '*) failed=$((failed + 1)) ;;
		esac
	done < <(exec "${runner[@]}" -- bats --tap "$@")
	# the status of the process substitution, which $! names
	wait $!
	rc=$?
	if [ -n "$planned" ]; then
		case $planned in *[!0-9]*) planned=0 ;; esac
		missing=$((planned - passed - failed - skipped))
		[ "$missing" -le 0 ] || failed=$((failed + missing))
		echo "$label: $passed passed, $failed failed, $skipped skipped"
		if [ "$rc" = 0 ] && [ "$failed" -gt 0 ]; then
			rc=1
		fi
	fi
	return "$rc"
}
