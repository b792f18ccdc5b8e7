#!/usr/bin/env bash
# The fan-out of 04-fanout-200.sh over secure_chat: 200 loadgen clients
# run the secure handshake with secure-server (anonymous logins, the
# server's key pinned by fingerprint), join one channel and each send 50
# messages; every client must receive every other client's messages, in
# order per sender, through the encrypted records.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"

clients=200 messages=50
fanout_prepare "$clients"
for p in secure-server secure-keys; do
	[ -x "$KIT_BIN/$p" ] || fail "no $KIT_BIN/$p"
done
"$KIT_BIN/secure-keys" gen "$TMP_DIR/server" >/dev/null ||
	fail "secure-keys gen failed"
fp=$("$KIT_BIN/secure-keys" fingerprint "$TMP_DIR/server.pub") ||
	fail "secure-keys fingerprint failed"

SERVER_PROG=secure-server start_server --key "$TMP_DIR/server.key" \
	--max-clients $((clients + 50))
fanout_check "$clients" "$messages" --secure --server-key "$fp"
# A server that is not the pinned one gets no client at all.
other=$("$KIT_BIN/secure-keys" gen "$TMP_DIR/other" >/dev/null &&
	"$KIT_BIN/secure-keys" fingerprint "$TMP_DIR/other.pub") ||
	fail "secure-keys gen failed"
bounded 30 "$KIT_BIN/loadgen" --port "$SERVER_PORT" --clients 3 \
	--messages 1 --timeout 5 --secure --server-key "$other" \
	>"$TMP_DIR/wrongkey.out" 2>"$TMP_DIR/wrongkey.err" &&
	fail "loadgen ran against a server whose key is not pinned"
grep -q 'joined=0 ' "$TMP_DIR/wrongkey.out" ||
	fail "a client joined a server whose key is not pinned"
grep -q 'not the one pinned' "$TMP_DIR/wrongkey.err" ||
	fail "loadgen did not say the server key is not the pinned one"
stop_server
