# shellcheck shell=bash
# Shell helpers shared by the labs and the demo.
# Source it; it defines functions only.

# kit_path PATH: PATH in the kit's top folder, as short as it can be said
# from where the lab was started (the labs run from anywhere).
kit_path() {
	local top
	top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
	if [[ $PWD == "$top" ]]; then
		echo "$1"
	else
		echo "$top/$1"
	fi
}

# need_programs BIN PROGRAM...: stop with what to do when the kit is not
# built in BIN.
need_programs() {
	local bin=$1 prog
	shift
	for prog in "$@"; do
		[[ -x $bin/$prog ]] && continue
		echo "no $bin/$prog: build the kit first (make, in" \
			"$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd))," \
			"or give the folder of its programs" >&2
		exit 1
	done
}

# start_chat_server PROGRAM LOG [ARGS...]: start a chat server on a free
# loopback port; sets CHAT_PORT and CHAT_PID. Waits (at most 10 s) for the
# "listening on" line rather than sleeping.
start_chat_server() {
	local prog=$1 log=$2 i
	shift 2
	# Emptied here, not only by the redirection in the child: a log
	# left by an earlier server would otherwise give its port.
	: >"$log"
	"$prog" --bind 127.0.0.1 --port 0 "$@" 2>"$log" &
	CHAT_PID=$!
	for ((i = 0; i < 200; i++)); do
		CHAT_PORT=$(sed -n 's/.*listening on [^ ]*:\([0-9]*\)$/\1/p' \
			"$log")
		[[ -n $CHAT_PORT ]] && return 0
		kill -0 "$CHAT_PID" 2>/dev/null || break
		sleep 0.05
	done
	echo "could not start $prog:" >&2
	cat "$log" >&2
	return 1
}

# stop_chat_server: SIGTERM the server started above and wait (at most 5 s).
stop_chat_server() {
	local i
	[[ -n ${CHAT_PID:-} ]] || return 0
	kill -TERM "$CHAT_PID" 2>/dev/null || true
	for ((i = 0; i < 100; i++)); do
		kill -0 "$CHAT_PID" 2>/dev/null || break
		sleep 0.05
	done
	kill -KILL "$CHAT_PID" 2>/dev/null || true
	wait "$CHAT_PID" 2>/dev/null || true
	CHAT_PID=
}
