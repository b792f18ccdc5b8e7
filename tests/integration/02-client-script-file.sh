#!/usr/bin/env bash
# plain-client reads its script from a regular file (--script FILE, or
# stdin redirected from a file): it must register, run the script and quit,
# as it does when the script comes through a pipe.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"

start_server
client_start watcher --channel '#lab' <<'EOF'
/expect <filer> sent with --script
/expect <redir> sent from stdin
EOF
wait_joined watcher '#lab'

printf 'sent with --script\n' >"$TMP_DIR/filer.txt"
bounded 10 "$KIT_BIN/plain-client" --host "$SERVER_HOST" \
	--port "$SERVER_PORT" --nick filer --channel '#lab' \
	--script "$TMP_DIR/filer.txt" >"$TMP_DIR/filer.out" 2>&1
status=$?
[ "$status" -eq 0 ] || fail "plain-client --script FILE: status $status" \
	"(124: hung for 10 s; it never registered)"

printf 'sent from stdin\n' >"$TMP_DIR/redir.txt"
bounded 10 "$KIT_BIN/plain-client" --host "$SERVER_HOST" \
	--port "$SERVER_PORT" --nick redir --channel '#lab' \
	<"$TMP_DIR/redir.txt" >"$TMP_DIR/redir.out" 2>&1
status=$?
[ "$status" -eq 0 ] || fail "plain-client <FILE: status $status" \
	"(124: hung for 10 s; it never registered)"

client_wait watcher
assert_lines_in_order watcher '#lab <filer> sent with --script' \
	'#lab <redir> sent from stdin'
stop_server
