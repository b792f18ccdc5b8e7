# shellcheck shell=bash
# What the benchmark scripts share: messages, a scratch folder, result
# fields, number comparison, and the processes they start, stopped by pid
# when the script ends, however it ends. A script sets BENCH_NAME, sources
# this file, calls track for each process it starts and may define
# bench_at_exit for more to do at exit (it runs once the processes are
# stopped). KEEP=1 keeps the scratch folder ($TMP).

say() { printf '%s\n' "$*" >&2; }
die() { say "$BENCH_NAME: $*"; exit 1; }

TMP=$(mktemp -d "${TMPDIR:-/tmp}/$BENCH_NAME.XXXXXX") || exit 1

# proc_stat PID N: field N of /proc/PID/stat (the name, field 2, may hold
# spaces: fields are counted after it).
proc_stat() {
	local st
	st=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	st=${st##*) }
	awk -v n="$2" '{ print $(n - 2) }' <<<"$st"
}

proc_cpu() { # PID: user + system clock ticks used so far
	local u s
	u=$(proc_stat "$1" 14) && s=$(proc_stat "$1" 15) || return 1
	echo $((u + s))
}

# Every process started is in LIVE, with its start time, until stop_pid
# reaps it. Bash reaps a child that exits by itself at once, and its pid
# may then be reused: alive and stop_pid act only on a pid whose start
# time is still the one recorded.
declare -A LIVE=()
track() { LIVE[$1]=$(proc_stat "$1" 22) || LIVE[$1]=gone; }

alive() { # PID: exists, is not a zombie, and is the process tracked
	local st
	st=$(proc_stat "$1" 3) && [[ $st != Z ]] || return 1
	[[ -z ${LIVE[$1]:-} || ${LIVE[$1]} == "$(proc_stat "$1" 22)" ]]
}

# field LINE KEY [MISSING]: the value of KEY=value among the words of a
# result line (loadgen's, hs_bench's), or MISSING (default nothing).
field() {
	local kv
	for kv in $1; do
		if [[ $kv == "$2="* ]]; then
			printf '%s' "${kv#*=}"
			return 0
		fi
	done
	printf '%s' "${3-}"
}

# fcmp A OP B, OP one of < <= >= >: false unless both are numbers, so a
# failed run's empty or "-" value never passes a target.
fcmp() {
	local num='^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$'
	[[ $1 =~ $num && $3 =~ $num ]] || return 1
	awk -v a="$1" -v b="$3" -v op="$2" 'BEGIN {
		if (op == "<") r = a + 0 < b + 0; else if (op == "<=") r = a + 0 <= b + 0
		else if (op == ">=") r = a + 0 >= b + 0; else r = a + 0 > b + 0
		exit !r }'
}

stop_pid() { # PID: TERM, wait up to 5 s, then KILL; reap
	local pid=$1 i
	[[ -n ${LIVE[$pid]:-} ]] || return 0
	if ! alive "$pid"; then	# gone already: nothing of ours to signal
		wait "$pid" 2>/dev/null
		unset "LIVE[$pid]"
		return 0
	fi
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
