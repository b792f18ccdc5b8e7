# shellcheck shell=bash
# Shared helpers for the integration scenarios (tests/integration/NN-*.sh).
#
# A scenario sources this file first:
#	. "$(dirname "$0")/../lib.sh"
# then starts a server on 127.0.0.1 with an ephemeral port (start_server),
# drives kit clients (client_start/client_wait) or raw Python connections
# (raw_py, with tests/integration/ircraw.py), and ends with stop_server.
# Every wait is bounded; nothing sleeps to wait for readiness. Exit status:
# 0 pass, 1 fail (fail), 77 skip (skip). Model: OpenSSH regress/test-exec.sh.
#
# Environment: KIT_BIN (programs, default bin/), KEEP_TMP=1 keeps the
# scratch directory, IRC_TIMEOUT (seconds a raw client waits for a line).

set -u
set -o pipefail

TEST_NAME=$(basename "$0" .sh)
TESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP_DIR=$(cd "$TESTS_DIR/.." && pwd)
KIT_BIN=${KIT_BIN:-$TOP_DIR/bin}
if ! KIT_BIN=$(cd "$KIT_BIN" 2>/dev/null && pwd); then
	echo "FAIL: $TEST_NAME: KIT_BIN ${KIT_BIN} is not a directory" >&2
	exit 1
fi
export KIT_BIN

# Sanitizer builds: report everything, leaks included; the logs are
# checked when the programs stop (check_sanitizer_log).
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
export PYTHONPATH=$TESTS_DIR/integration${PYTHONPATH:+:$PYTHONPATH}
export PYTHONDONTWRITEBYTECODE=1
export IRC_TIMEOUT=${IRC_TIMEOUT:-15}

TMP_DIR=$(mktemp -d "${TMPDIR:-/tmp}/kit-$TEST_NAME.XXXXXX") || exit 1
SERVER_PID=
SERVER_LOG=
SERVER_HOST=
SERVER_PORT=
SERVER_RUNS=0
BG_PIDS=()
declare -A CLIENT_PID=()
IN_CLEANUP=
CLEANUP_FAILED=

# --- failure, skipping and cleanup -------------------------------------------

# Print the tail of every log of this run, control characters made visible.
show_logs()
{
	local f

	for f in "$TMP_DIR"/*.log "$TMP_DIR"/*.out "$TMP_DIR"/*.err; do
		[ -s "$f" ] || continue
		echo "--- ${f##*/} (last 40 lines)"
		tail -n 40 "$f" | cat -v
	done
}

# fail MESSAGE: report, show the logs, exit 1. (During the exit cleanup it
# only reports, marks the run failed and returns 1.)
fail()
{
	echo "FAIL: $TEST_NAME: $*" >&2
	show_logs >&2
	if [ -n "$IN_CLEANUP" ]; then
		CLEANUP_FAILED=1
		return 1
	fi
	exit 1
}

# skip REASON: the scenario cannot run here (exit 77).
skip()
{
	echo "SKIP: $*"
	exit 77
}

# track_pid PID: kill it at exit if it is still running.
track_pid()
{
	BG_PIDS+=("$1")
}

# Is process PID still running (and not a zombie)?
alive()
{
	local state

	# /proc/PID/stat: "pid (comm) state ..."; comm may hold spaces.
	state=$(sed -n 's/^.*) \(.\).*/\1/p' "/proc/$1/stat" 2>/dev/null) ||
		return 1
	[ -n "$state" ] && [ "$state" != Z ]
}

# wait_exit PID SECONDS: poll until PID has exited; false on timeout.
wait_exit()
{
	local pid=$1 limit i

	limit=$(($2 * 20))
	for ((i = 0; i < limit; i++)); do
		alive "$pid" || return 0
		sleep 0.05
	done
	! alive "$pid"
}

cleanup()
{
	local status=$? pid

	IN_CLEANUP=1
	# A passing scenario that left its server running still gets the
	# exit status and sanitizer checks of stop_server.
	if [ -n "$SERVER_PID" ] && [ "$status" -eq 0 ]; then
		stop_server 10
	elif [ -n "$SERVER_PID" ]; then
		kill -TERM "$SERVER_PID" 2>/dev/null
		wait_exit "$SERVER_PID" 5 || kill -KILL "$SERVER_PID" 2>/dev/null
		wait "$SERVER_PID" 2>/dev/null
	fi
	[ -z "$CLEANUP_FAILED" ] || status=1
	for pid in "${BG_PIDS[@]}"; do
		kill -TERM "$pid" 2>/dev/null
	done
	for pid in "${BG_PIDS[@]}"; do
		wait_exit "$pid" 2 || kill -KILL "$pid" 2>/dev/null
	done
	if [ -n "${KEEP_TMP:-}" ]; then
		echo "kept $TMP_DIR"
	else
		rm -rf "$TMP_DIR"
	fi
	exit "$status"
}
trap cleanup EXIT
trap 'exit 143' TERM
trap 'exit 130' INT

# --- waiting -------------------------------------------------------------------

# bounded SECONDS COMMAND...: run COMMAND, killed after SECONDS (status
# 124). It stays in our process group (--foreground), so that the
# runner's own timeout reaches it too. (In the background, call timeout
# itself, so that $! is its pid and a TERM reaches the command.)
bounded()
{
	local limit=$1

	shift
	timeout --foreground -k 5 "$limit" "$@"
}

# wait_for_file_text FILE TEXT TIMEOUT: poll until FILE contains the fixed
# string TEXT; false after TIMEOUT seconds.
wait_for_file_text()
{
	local file=$1 text=$2 limit i

	limit=$(($3 * 20))
	for ((i = 0; i <= limit; i++)); do
		grep -qF -- "$text" "$file" 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}

# check_sanitizer_log FILE WHAT: fail on any ASan, UBSan or LSan report.
check_sanitizer_log()
{
	if grep -qE 'ERROR: AddressSanitizer|runtime error:|LeakSanitizer' \
		"$1" 2>/dev/null; then
		fail "$2: sanitizer report in ${1##*/}"
		return 1
	fi
}

# --- the server ------------------------------------------------------------------

# start_server [server options...]: start $KIT_BIN/$SERVER_PROG (default
# plain-server) on
# $SERVER_BIND (default 127.0.0.1), port 0, and wait (10 s at most) for
#	plain-server: listening on ADDR:PORT
# Sets and exports SERVER_HOST, SERVER_PORT and SERVER_PID. With
# SERVER_NOFILE=N the server runs under `ulimit -n N`.
start_server()
{
	local bind=${SERVER_BIND:-127.0.0.1} i

	[ -z "$SERVER_PID" ] || fail "start_server: a server is already running"
	local prog=${SERVER_PROG:-plain-server}

	[ -x "$KIT_BIN/$prog" ] || fail "no $KIT_BIN/$prog"
	SERVER_RUNS=$((SERVER_RUNS + 1))
	SERVER_LOG=$TMP_DIR/server$SERVER_RUNS.log
	: >"$SERVER_LOG"
	if [ -n "${SERVER_NOFILE:-}" ]; then
		(ulimit -n "$SERVER_NOFILE" &&
			exec "$KIT_BIN/$prog" --bind "$bind" --port 0 "$@") \
			>>"$SERVER_LOG" 2>&1 </dev/null &
	else
		"$KIT_BIN/$prog" --bind "$bind" --port 0 "$@" \
			>>"$SERVER_LOG" 2>&1 </dev/null &
	fi
	SERVER_PID=$!
	for ((i = 0; i < 200; i++)); do
		grep -q "^$prog: listening on " "$SERVER_LOG" && break
		alive "$SERVER_PID" || break
		sleep 0.05
	done
	SERVER_PORT=$(sed -n \
		"s/^$prog: listening on .*:\([0-9][0-9]*\)\$/\1/p" \
		"$SERVER_LOG" | head -n 1)
	if [ -z "$SERVER_PORT" ]; then
		alive "$SERVER_PID" && kill -KILL "$SERVER_PID" 2>/dev/null
		SERVER_PID=
		fail "server did not start (no 'listening on' line in 10 s)"
	fi
	SERVER_HOST=$bind
	export SERVER_HOST SERVER_PORT SERVER_PID SERVER_LOG
}

# stop_server [SECONDS]: SIGTERM, wait (10 s by default), then require exit
# status 0 and a log free of sanitizer reports.
stop_server()
{
	local pid=$SERVER_PID limit=${1:-10} status

	[ -n "$pid" ] || return 0
	kill -TERM "$pid" 2>/dev/null
	if ! wait_exit "$pid" "$limit"; then
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		SERVER_PID=
		fail "server still running $limit s after SIGTERM"
		return 1
	fi
	wait "$pid"
	status=$?
	SERVER_PID=
	check_sanitizer_log "$SERVER_LOG" "server" || return 1
	[ "$status" -eq 0 ] || fail "server exited with status $status"
}

# server_alive: fail unless the server process is still running.
server_alive()
{
	alive "$SERVER_PID" || fail "the server died"
}

# --- kit clients -------------------------------------------------------------------

# client_start NAME [plain-client options...] <<EOF ... EOF
# Run $KIT_BIN/plain-client in the background with nick NAME, reading the
# script from stdin (chat text, /expect TEXT, /sleep S, /quote LINE, ...).
# Output goes to $TMP_DIR/NAME.out, stderr to NAME.err. The client is
# killed after CLIENT_TIMEOUT seconds (60). Its script reaches it through a
# pipe; see 02-client-script-file.sh for --script FILE.
client_start()
{
	local name=$1 script=$TMP_DIR/$1.script

	shift
	[ -x "$KIT_BIN/${CLIENT_PROG:-plain-client}" ] ||
		fail "no $KIT_BIN/${CLIENT_PROG:-plain-client}"
	cat >"$script"
	# A pipe, not the file itself: see 02-client-script-file.sh.
	# shellcheck disable=SC2002
	cat "$script" | timeout --foreground -k 5 "${CLIENT_TIMEOUT:-60}" \
		"$KIT_BIN/${CLIENT_PROG:-plain-client}" --host "$SERVER_HOST" \
		--port "$SERVER_PORT" --nick "$name" \
		--expect-timeout "${EXPECT_TIMEOUT:-20}" "$@" \
		>"$TMP_DIR/$name.out" 2>"$TMP_DIR/$name.err" &
	CLIENT_PID[$name]=$!
	track_pid "$!"
}

# client_wait NAME [STATUS]: wait for the client started as NAME; require
# exit status STATUS (0) and no sanitizer report.
client_wait()
{
	local name=$1 want=${2:-0} status

	[ -n "${CLIENT_PID[$name]:-}" ] || fail "client_wait: no client $name"
	wait "${CLIENT_PID[$name]}"
	status=$?
	unset "CLIENT_PID[$name]"
	check_sanitizer_log "$TMP_DIR/$name.err" "client $name"
	[ "$status" -ne 124 ] || fail "client $name timed out"
	[ "$status" -eq "$want" ] ||
		fail "client $name exited with status $status, not $want"
}

# run_client NAME [options...] <<EOF: client_start, then client_wait 0.
run_client()
{
	client_start "$@"
	client_wait "$1"
}

# wait_joined NAME CHANNEL: wait until client NAME shows the names of
# CHANNEL (it is then a member).
wait_joined()
{
	wait_for_file_text "$TMP_DIR/$1.out" "-- in $2:" 15 ||
		fail "client $1 did not join $2"
}

# client_lines NAME: the client's output without the HH:MM:SS stamps.
client_lines()
{
	sed 's/^[0-9][0-9]:[0-9][0-9]:[0-9][0-9] //' "$TMP_DIR/$1.out"
}

# assert_lines_in_order NAME LINE...: each LINE is a whole line of the
# client's output (stamp removed), and they come in this order.
assert_lines_in_order()
{
	local name=$1 missing

	shift
	missing=$(client_lines "$name" | awk '
		BEGIN { for (i = 1; i < ARGC; i++) want[i] = ARGV[i]
			n = ARGC - 1; k = 1; ARGC = 1 }
		k <= n && $0 == want[k] { k++ }
		END { if (k <= n) print want[k] }' "$@")
	[ -z "$missing" ] ||
		fail "client $name: line missing or out of order: $missing"
}

# assert_no_text NAME TEXT: the client's output does not contain TEXT.
assert_no_text()
{
	! grep -qF -- "$2" "$TMP_DIR/$1.out" ||
		fail "client $1 shows unexpected text: $2"
}

# --- raw connections (Python) ----------------------------------------------------

# raw_py [ARGS...] <<'EOF' ... EOF: run a Python program (stdin) that may
# `from ircraw import *`, with a time limit of PY_TIMEOUT seconds (90). Its
# output goes to $TMP_DIR/pyN.log; a non-zero status fails the scenario.
RAW_RUNS=0
raw_py()
{
	local log status

	RAW_RUNS=$((RAW_RUNS + 1))
	log=$TMP_DIR/py$RAW_RUNS.log
	bounded "${PY_TIMEOUT:-90}" python3 - "$@" >"$log" 2>&1
	status=$?
	[ "$status" -ne 124 ] || fail "python client timed out (${log##*/})"
	[ "$status" -eq 0 ] || fail "python client failed (${log##*/})"
}

# raw_py_start NAME [ARGS...] <<'EOF': like raw_py, but in the background;
# output in $TMP_DIR/NAME.log (the program may print "ready" there for
# wait_for_file_text). raw_py_wait NAME collects it.
declare -A PY_PID=()
raw_py_start()
{
	local name=$1

	shift
	cat >"$TMP_DIR/$name.py"
	timeout --foreground -k 5 "${PY_TIMEOUT:-90}" python3 "$TMP_DIR/$name.py" "$@" \
		>"$TMP_DIR/$name.log" 2>&1 </dev/null &
	PY_PID[$name]=$!
	track_pid "$!"
}

raw_py_wait()
{
	local name=$1 status

	[ -n "${PY_PID[$name]:-}" ] || fail "raw_py_wait: no program $name"
	wait "${PY_PID[$name]}"
	status=$?
	unset "PY_PID[$name]"
	[ "$status" -ne 124 ] || fail "python client $name timed out"
	[ "$status" -eq 0 ] || fail "python client $name failed"
}

# fake_server NAME <<'EOF' ... EOF: a server played by the Python program
# on standard input, in the background (stopped with the test). The program
# finds its listening socket, on 127.0.0.1 and a free port, in `s` (accept
# times out after 30 s). Sets SERVER_HOST and SERVER_PORT, so that
# client_start connects to it.
fake_server()
{
	local i

	cat >"$TMP_DIR/$1.py" <<'PRELUDE'
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(8)
print(s.getsockname()[1], flush=True)
s.settimeout(30)
PRELUDE
	cat >>"$TMP_DIR/$1.py"	# (a background job's stdin is /dev/null)
	python3 "$TMP_DIR/$1.py" >"$TMP_DIR/$1.port" &
	track_pid "$!"
	for ((i = 0; i < 200; i++)); do
		[ -s "$TMP_DIR/$1.port" ] && break
		sleep 0.05
	done
	SERVER_HOST=127.0.0.1
	SERVER_PORT=$(head -n 1 "$TMP_DIR/$1.port")
	[ -n "$SERVER_PORT" ] || fail "the $1 server did not start"
}

# now_ms: milliseconds since the epoch, for durations.
now_ms()
{
	date +%s%3N
}

# --- fan-out (bench/loadgen) -------------------------------------------------

# fanout_prepare CLIENTS: skip unless $KIT_BIN/loadgen exists and the
# descriptor limit fits CLIENTS connections; raise the soft limit.
fanout_prepare()
{
	[ -x "$KIT_BIN/loadgen" ] ||
		skip "no $KIT_BIN/loadgen (bench/loadgen*.c not built into $KIT_BIN)"
	[ "$(ulimit -Hn)" = unlimited ] || [ "$(ulimit -Hn)" -ge $(($1 + 100)) ] ||
		skip "descriptor limit $(ulimit -Hn) is too low for $1 clients"
	ulimit -n "$(ulimit -Hn)" 2>/dev/null
}

# kv_field LINE NAME: the value of NAME=... in a line of key=value pairs
kv_field()
{
	printf '%s\n' "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"
}

# fanout_check CLIENTS MESSAGES [LOADGEN OPTIONS...]: CLIENTS loadgen
# clients join one channel on the running server and each sends MESSAGES;
# fail unless every client received every other client's messages, in
# order per sender (loadgen checks the order and counts), with no
# disconnect. FANOUT_LIMIT: seconds loadgen may take (100).
fanout_check()
{
	local clients=$1 messages=$2 status summary want kv got

	shift 2
	bounded "${FANOUT_LIMIT:-100}" "$KIT_BIN/loadgen" --host 127.0.0.1 \
		--port "$SERVER_PORT" --clients "$clients" \
		--messages "$messages" --timeout 30 \
		--max-time "$((${FANOUT_LIMIT:-100} - 10))" "$@" \
		>"$TMP_DIR/loadgen.out" 2>"$TMP_DIR/loadgen.err"
	status=$?
	check_sanitizer_log "$TMP_DIR/loadgen.err" loadgen
	summary=$(grep 'delivered=' "$TMP_DIR/loadgen.out" | tail -n 1)
	[ -n "$summary" ] || fail "loadgen printed no summary (status $status)"
	echo "$summary"
	want=$((clients * messages * (clients - 1)))
	for kv in expected=$want delivered=$want joined=$clients \
		order_errors=0 disconnects=0; do
		got=$(kv_field "$summary" "${kv%%=*}")
		[ "$got" = "${kv#*=}" ] || fail "loadgen: ${kv%%=*} $got, not ${kv#*=}"
	done
	[ "$status" -eq 0 ] || fail "loadgen exited with status $status"
	server_alive
}
