#!/usr/bin/env bash
# The kit's lesson as a test: the same scripted conversation, with canary
# strings (a password, a secret, a nick), over plaintext_chat and over
# secure_chat, captured on lo by the sniffer. Every canary is in the
# plaintext capture's reassembled streams; none is in the secure one's,
# not even hex- or base64-encoded. Both chats' connections close in order
# (FIN), none with a reset.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"

[ "$(id -u)" -eq 0 ] || skip "live capture needs root (or cap_net_raw)"
for p in sniffer secure-server secure-client secure-keys; do
	[ -x "$KIT_BIN/$p" ] || fail "no $KIT_BIN/$p"
done

canaries=(hunter2-Xq7-canary correct-horse-battery-staple zedcanary42)

# converse NAME: capture one conversation into $TMP_DIR/NAME/
converse() {
	local name=$1 sniffer i
	shift
	mkdir "$TMP_DIR/$name"
	"$KIT_BIN/sniffer" -i lo -o "$TMP_DIR/$name" --json \
		tcp port "$SERVER_PORT" >"$TMP_DIR/$name.json" \
		2>"$TMP_DIR/$name.sniffer.log" &
	sniffer=$!
	track_pid "$sniffer"
	wait_for_file_text "$TMP_DIR/$name.sniffer.log" "listening on" 10 ||
		fail "the sniffer did not start"
	client_start zedcanary42 --channel '#lab' "$@" <<EOF
/expect bob
my password is ${canaries[0]}
/expect got it
EOF
	client_start bob --channel '#lab' "$@" <<EOF
/expect ${canaries[0]}
got it, mine is ${canaries[1]}
EOF
	client_wait zedcanary42
	client_wait bob
	# both connections closed as far as the capture is concerned
	for ((i = 0; i < 100; i++)); do
		[ "$(grep -c flow_end "$TMP_DIR/$name.json")" -ge 2 ] && break
		sleep 0.1
	done
	kill -INT "$sniffer"
	wait "$sniffer" || fail "sniffer ($name) exited with $?"
}

# look DIR: the canaries found in the stream files, in any encoding
look() {
	python3 - "$1" "${canaries[@]}" <<'EOF'
import base64, os, sys
folder, canaries = sys.argv[1], sys.argv[2:]
data = b"".join(open(os.path.join(folder, f), "rb").read()
                for f in os.listdir(folder))
for c in canaries:
    raw = c.encode()
    forms = [raw, raw.hex().encode(), raw.hex().upper().encode()]
    for shift in range(3):      # base64 of the canary at any alignment
        enc = base64.b64encode(b"\0" * shift + raw)[4 if shift else 0:-4]
        forms.append(enc)
    if any(f in data for f in forms):
        print(c)
EOF
}

start_server
converse plain
stop_server
found=$(look "$TMP_DIR/plain")
for c in "${canaries[@]}"; do
	grep -qx -- "$c" <<<"$found" || fail "plaintext capture lacks $c"
done
echo "plaintext: every canary readable on the wire"

"$KIT_BIN/secure-keys" gen "$TMP_DIR/server" >/dev/null ||
	fail "secure-keys gen failed"
fp=$("$KIT_BIN/secure-keys" fingerprint "$TMP_DIR/server.pub")
SERVER_PROG=secure-server start_server --key "$TMP_DIR/server.key"
CLIENT_PROG=secure-client converse secure --server-key "$fp"
stop_server
found=$(look "$TMP_DIR/secure")
[ -z "$found" ] || fail "secure capture shows: $found"
[ -n "$(find "$TMP_DIR/secure" -type f)" ] || fail "nothing was captured"
echo "secure: no canary in the capture, raw, hex or base64"
# Both chats close in order: a reset would read as an attack in a lab.
for name in plain secure; do
	ends=$(sed -n 's/.*"event":"flow_end".*"reason":"\([a-z]*\)".*/\1/p' \
		"$TMP_DIR/$name.json" | sort | uniq -c | tr -s ' ')
	[ "$ends" = " 2 fin" ] || fail "$name connections ended: $ends"
done
echo "both chats' connections end with FIN, none with a reset"
