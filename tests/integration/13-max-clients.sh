#!/usr/bin/env bash
# --max-clients 3: a 4th connection gets "ERROR :Closing Link: server full"
# and is closed; when one leaves, there is room again. secure-server tells
# a client it turns away in its own protocol.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"

start_server --max-clients 3
raw_py <<'EOF'
from ircraw import *

a = Conn("alice").register("alice", "#lab")
b = Conn("bob").register("bob", "#lab")
c = Conn("carol").register("carol")
a.expect(r"^:bob!\S+ JOIN")

for i in range(3):
    d = Conn("extra%d" % i)
    lines = d.expect_eof()
    check(lines == ["ERROR :Closing Link: server full"],
          "a 4th connection got %r" % lines)

a.privmsg("#lab", "three is company")
b.expect_privmsg("alice", "#lab", "three is company")

c.line("QUIT :making room")
c.expect(r"^ERROR :Closing Link: ")
c.expect_eof()
d = Conn("dave").register("dave", "#lab")
a.expect(r"^:dave!\S+ JOIN")
d.privmsg("#lab", "got in")
b.expect_privmsg("dave", "#lab", "got in")
EOF
stop_server

# secure-server, in both modes: the refused client is told in its own
# protocol (a plaintext unavailable alert; over TLS, which has no such
# alert, a close during the handshake), not with a line it cannot read,
# and -v logs the refusal.
"$KIT_BIN/secure-keys" gen "$TMP_DIR/server" >/dev/null || fail "keygen"
pin=(--server-key "$TMP_DIR/server.pub")
export CLIENT_PROG=secure-client
for mode in secure tls; do
	if [ "$mode" = tls ]; then
		tls=(--tls)
		want="connection closed during the TLS handshake (a secure-server without --tls closes so when a TLS hello comes, and any full server when any hello does)"
	else
		tls=()
		want="the server turned the connection away (unavailable: it is full, has all the connections it takes from this host, or is out of memory or descriptors): try again later"
	fi
	SERVER_PROG=secure-server start_server -v "${tls[@]}" \
		--key "$TMP_DIR/server.key" --max-clients 1
	client_start "$mode-first" "${tls[@]}" "${pin[@]}" --channel '#lab' \
		<<<'/expect never comes'
	wait_joined "$mode-first" '#lab'
	status=0
	bounded 10 "$KIT_BIN/secure-client" --host "$SERVER_HOST" \
		--port "$SERVER_PORT" --nick "$mode-second" "${tls[@]}" \
		"${pin[@]}" </dev/null >"$TMP_DIR/$mode-second.out" 2>&1 ||
		status=$?
	[ "$status" -eq 1 ] ||
		fail "$mode: the refused client's status is $status, not 1"
	grep -qF "$want" "$TMP_DIR/$mode-second.out" ||
		fail "$mode: the refused client was not told: $(cat "$TMP_DIR/$mode-second.out")"
	grep -qF "refused a connection from 127.0.0.1: server full (--max-clients 1)" \
		"$SERVER_LOG" || fail "$mode: the refusal was not logged"
	stop_server
	client_wait "$mode-first" 1
	echo "$mode: a second client is turned away and told so"
done
