#!/usr/bin/env bash
# A man in the middle between secure-client and secure-server
# (tests/mitm/mitm_proxy): honest relaying changes nothing; a flipped,
# replayed or injected record, a forged plaintext alert, a downgraded
# cipher list, a tampered ServerAuth and a cut stream each end that
# connection with a specific error on both sides, nothing forged is ever shown as a chat message, and
# the server goes on serving a client that connects directly.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"

for p in secure-server secure-client secure-keys; do
	[ -x "$KIT_BIN/$p" ] || fail "no $KIT_BIN/$p"
done
proxy=
for g in "$KIT_BIN/../tests/mitm_proxy" "$TOP_DIR/build/release/tests/mitm_proxy"; do
	[ -x "$g" ] && { proxy=$g; break; }
done
[ -n "$proxy" ] || skip "no mitm_proxy (make build/release/tests/mitm_proxy)"

"$KIT_BIN/secure-keys" gen "$TMP_DIR/server" >/dev/null || fail "keygen"
fp=$("$KIT_BIN/secure-keys" fingerprint "$TMP_DIR/server.pub")
export CLIENT_PROG=secure-client
SERVER_PROG=secure-server start_server -v --key "$TMP_DIR/server.key"

# bob stays connected directly the whole time
client_start bob --channel '#lab' --server-key "$fp" <<'EOF'
/expect alice-honest: hello through the proxy
/expect carol: still here
EOF
wait_joined bob '#lab'

# attack NAME MODE DIR INDEX: alice goes through the proxy; her status
attack() {
	local name=$1 port i
	shift
	"$proxy" --listen 0 --to "127.0.0.1:$SERVER_PORT" --timeout 20 "$@" \
		2>"$TMP_DIR/$name.proxy.log" &
	track_pid "$!"
	for ((i = 0; i < 100; i++)); do
		port=$(sed -n 's/.*listening on 127.0.0.1:\([0-9]*\)$/\1/p' \
			"$TMP_DIR/$name.proxy.log")
		[ -n "$port" ] && break
		sleep 0.05
	done
	[ -n "$port" ] || fail "mitm_proxy did not start"
	SERVER_PORT=$port EXPECT_TIMEOUT=5 client_start "$name" \
		--channel '#lab' --server-key "$fp" <<EOF
$name: hello through the proxy
/expect never comes
EOF
}

attack alice-honest --mode honest
client_wait alice-honest 3	# /expect never comes: the relay worked
assert_lines_in_order bob '#lab <alice-honest> alice-honest: hello through the proxy'

# The first records after the handshake carry registration (c2s 2 and on)
# and the server's replies (s2c 2 and on).
cases=(
	"flip-record:--mode flip --dir c2s --index 2:does not authenticate (bad_record_mac"
	"flip-welcome:--mode flip --dir s2c --index 2:does not authenticate (bad_record_mac"
	"replay-record:--mode replay --dir c2s --index 2:does not authenticate"
	"inject-record:--mode inject --dir c2s --index 2:does not authenticate"
	"alert-to-server:--mode alert --dir c2s --index 2:plaintext frame after the handshake"
	"alert-before-welcome:--mode alert --dir s2c --index 2:in the clear: not authenticated"
	"alert-after-welcome:--mode alert --dir s2c --index 3:plaintext frame after the handshake"
	"downgrade:--mode downgrade:handshake failed"
	"flip-serverauth:--mode flip --dir s2c --index 1:handshake failed"
	"cut-stream:--mode truncate --dir s2c --index 3:truncated"
)
for c in "${cases[@]}"; do
	IFS=: read -r name args want <<<"$c"
	# shellcheck disable=SC2086
	attack "$name" $args
	client_wait "$name" 1
	grep -q -- "$want" "$TMP_DIR/$name.out" "$SERVER_LOG" ||
		fail "$name: no '$want' in the client's output or the server log"
	grep -q -- "!! connection to the server lost" "$TMP_DIR/$name.out" ||
		fail "$name: the client did not report the broken connection"
	! grep -q "<$name>" "$TMP_DIR/bob.out" ||
		fail "$name: a tampered message reached bob"
	echo "$name: refused ($want)"
done

client_start carol -v --channel '#lab' --server-key "$fp" <<'EOF'
carol: still here
EOF
client_wait carol
# -v: both ends time the handshake and name the suite
grep -Eq 'handshake in [0-9.]+ ms \(kit-chat v1 (AES-256-GCM|ChaCha20-Poly1305)\)' \
	"$TMP_DIR/carol.err" || fail "secure-client -v did not time its handshake"
grep -Eq 'handshake in [0-9.]+ ms \(kit-chat v1 ' "$SERVER_LOG" ||
	fail "secure-server -v did not time the handshakes"
client_wait bob
stop_server
