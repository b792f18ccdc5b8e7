#!/usr/bin/env bash
# The clients read their script from a regular file (--script FILE, or
# stdin redirected from a file): each must register, run the script and
# quit, as it does when the script comes through a pipe. So do
# plain-client, secure-client and secure-client --tls. A file is read at
# once, so its lines wait for the handshake to end; over TLS, the client
# may finish the handshake while flushing, and must then send them at
# once (the server waits for them, so no event would come to do it).
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"

"$KIT_BIN/secure-keys" gen "$TMP_DIR/server" >/dev/null || fail "keygen"
pin=(--server-key "$TMP_DIR/server.pub")

# from_file NAME HOW PROGRAM [options]: NAME says "sent by NAME" from a
# file (HOW: --script, or < for stdin) and must be done within 10 s.
from_file()
{
	local name=$1 how=$2 prog=$3 status=0

	shift 3
	printf 'sent by %s\n' "$name" >"$TMP_DIR/$name.txt"
	if [ "$how" = "<" ]; then
		bounded 10 "$KIT_BIN/$prog" --host "$SERVER_HOST" \
			--port "$SERVER_PORT" --nick "$name" --channel '#lab' \
			"$@" <"$TMP_DIR/$name.txt" >"$TMP_DIR/$name.out" 2>&1 ||
			status=$?
	else
		bounded 10 "$KIT_BIN/$prog" --host "$SERVER_HOST" \
			--port "$SERVER_PORT" --nick "$name" --channel '#lab' \
			"$@" --script "$TMP_DIR/$name.txt" </dev/null \
			>"$TMP_DIR/$name.out" 2>&1 || status=$?
	fi
	[ "$status" -eq 0 ] || fail "$prog $* $how FILE: status $status" \
		"(124: hung for 10 s; it never registered): $(cat "$TMP_DIR/$name.out")"
}

# run_mode MODE TRIES SERVER_OPTIONS -- CLIENT_PROGRAM [options]: a
# watcher sees every client's line; TRIES clients of each kind.
run_mode()
{
	local mode=$1 tries=$2 server=() i expects=() lines=()

	shift 2
	while [ "$1" != "--" ]; do
		server+=("$1")
		shift
	done
	shift
	for ((i = 1; i <= tries; i++)); do
		expects+=("/expect <$mode-s$i> sent by $mode-s$i"
			  "/expect <$mode-r$i> sent by $mode-r$i")
		lines+=("#lab <$mode-s$i> sent by $mode-s$i"
			"#lab <$mode-r$i> sent by $mode-r$i")
	done
	start_server "${server[@]}"
	CLIENT_PROG=$1 client_start "$mode-watcher" --channel '#lab' \
		"${@:2}" < <(printf '%s\n' "${expects[@]}")
	wait_joined "$mode-watcher" '#lab'
	for ((i = 1; i <= tries; i++)); do
		from_file "$mode-s$i" --script "$@"
		from_file "$mode-r$i" "<" "$@"
	done
	client_wait "$mode-watcher"
	assert_lines_in_order "$mode-watcher" "${lines[@]}"
	stop_server
	echo "$mode: $tries clients from --script FILE and $tries from <FILE"
}

run_mode plain 1 -- plain-client
SERVER_PROG=secure-server run_mode secure 3 --key "$TMP_DIR/server.key" -- \
	secure-client "${pin[@]}"
SERVER_PROG=secure-server run_mode tls 10 --tls --key "$TMP_DIR/server.key" \
	-- secure-client --tls "${pin[@]}"
