#!/usr/bin/env bash
# Fan-out: 200 clients in one channel each send 50 messages; every client
# must receive every message of every other client, in order per sender
# (bench/loadgen checks the order and counts the deliveries).
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"

clients=200 messages=50
[ -x "$KIT_BIN/loadgen" ] ||
	skip "no $KIT_BIN/loadgen (bench/loadgen.c not built into $KIT_BIN)"
[ "$(ulimit -Hn)" = unlimited ] || [ "$(ulimit -Hn)" -ge 1024 ] ||
	skip "descriptor limit $(ulimit -Hn) is too low for $clients clients"
ulimit -n "$(ulimit -Hn)" 2>/dev/null

start_server --max-clients $((clients + 50))
bounded 100 "$KIT_BIN/loadgen" --host 127.0.0.1 --port "$SERVER_PORT" \
	--clients "$clients" --messages "$messages" --timeout 30 --max-time 90 \
	>"$TMP_DIR/loadgen.out" 2>"$TMP_DIR/loadgen.err"
status=$?
summary=$(grep 'delivered=' "$TMP_DIR/loadgen.out" | tail -n 1)
[ -n "$summary" ] || fail "loadgen printed no summary (status $status)"
echo "$summary"

# field NAME: the value of NAME=... in the summary line
field()
{
	printf '%s\n' "$summary" | tr ' ' '\n' | sed -n "s/^$1=//p"
}
want=$((clients * messages * (clients - 1)))
[ "$(field expected)" = "$want" ] ||
	fail "loadgen expected $(field expected) deliveries, not $want"
[ "$(field delivered)" = "$want" ] ||
	fail "delivered $(field delivered) of $want messages"
[ "$(field order_errors)" = 0 ] || fail "order errors: $(field order_errors)"
[ "$(field disconnects)" = 0 ] || fail "disconnects: $(field disconnects)"
[ "$status" -eq 0 ] || fail "loadgen exited with status $status"
server_alive
stop_server
