# shellcheck shell=bash
# What the benchmark scripts share: messages, a scratch folder, and the
# processes they start, stopped by pid when the script ends, however it
# ends. A script sets BENCH_NAME, sources this file, records each process
# it starts in LIVE (LIVE[$pid]=1) and may define bench_at_exit for more
# to do at exit (it runs once the processes are stopped). KEEP=1 keeps the
# scratch folder ($TMP).

say() { printf '%s\n' "$*" >&2; }
die() { say "$BENCH_NAME: $*"; exit 1; }

TMP=$(mktemp -d "${TMPDIR:-/tmp}/$BENCH_NAME.XXXXXX") || exit 1

# Every process started is in LIVE until stop_pid reaps it, so that
# cleanup never signals a pid that may since have been reused.
declare -A LIVE=()

alive() { # PID: exists and is not a zombie
	local st
	st=$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null) && [[ $st != Z ]]
}

stop_pid() { # PID: TERM, wait up to 5 s, then KILL; reap
	local pid=$1 i
	[[ -n ${LIVE[$pid]:-} ]] || return 0
	kill -TERM "$pid" 2>/dev/null
	for ((i = 0; i < 50; i++)); do
		alive "$pid" || break
		sleep 0.1
	done
	alive "$pid" && kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	unset "LIVE[$pid]"
	return 0
}

bench_cleanup() {
	local pid
	for pid in "${!LIVE[@]}"; do
		stop_pid "$pid"
	done
	declare -F bench_at_exit >/dev/null && bench_at_exit
	if [[ ${KEEP:-0} == 1 ]]; then
		say "$BENCH_NAME: logs kept in $TMP"
	else
		rm -rf "$TMP"
	fi
}
trap bench_cleanup EXIT
trap 'exit 130' INT TERM
