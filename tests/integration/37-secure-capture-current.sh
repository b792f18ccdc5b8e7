#!/usr/bin/env bash
# The shipped captures/secure-chat.pcap speaks the protocol of this tree
# (docs/PROTOCOL.md), so that a lab reading it offline sees what a live
# run shows: in every connection the client sends a ClientHello, then its
# ClientAuth padded to 275 bytes on the wire; the server a ServerHello,
# then ServerAuth (181 bytes) in a frame of its own. Rebuild it with `DEMO_SAVE=captures bash
# labs/demo.sh bin` when the protocol changes.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"

SNIFFER=$KIT_BIN/sniffer
CAP=$TOP_DIR/captures/secure-chat.pcap
[ -x "$SNIFFER" ] || fail "no $SNIFFER"
command -v python3 >/dev/null || skip "no python3"

bounded 30 "$SNIFFER" -r "$CAP" -o "$TMP_DIR/flows" 2>"$TMP_DIR/sniffer.log" ||
	fail "sniffer -r $CAP failed: $(cat "$TMP_DIR/sniffer.log")"

python3 - "$TMP_DIR/flows" <<'EOF' || fail "$CAP does not match docs/PROTOCOL.md"
import os, sys

def frames(path):
    """(type, length on the wire) of each frame in one direction."""
    data, out, off = open(path, 'rb').read(), [], 0
    while off + 3 <= len(data):
        n = int.from_bytes(data[off + 1:off + 3], 'big')
        out.append((data[off], 3 + n))
        off += 3 + n
    return out

flows = sorted(os.listdir(sys.argv[1]))
ports = [f.split('-')[0].rsplit('.', 1)[1] for f in flows]
server = max(set(ports), key=ports.count)      # the port every flow shares
conns = 0
for f in flows:
    src = f.split('-')[0].rsplit('.', 1)[1]
    if src == server:
        continue
    back = '-'.join(reversed(f.split('-')))
    c2s = frames(os.path.join(sys.argv[1], f))
    s2c = frames(os.path.join(sys.argv[1], back))
    want_c = [(0x01, 71), (0x17, 275)]
    want_s = [(0x02, 69), (0x17, 181)]
    if c2s[:2] != want_c or s2c[:2] != want_s:
        sys.exit(f"{f}: client {c2s[:2]}, server {s2c[:2]}; "
                 f"want {want_c} and {want_s}")
    conns += 1
if conns < 2:
    sys.exit(f"{conns} connections in the capture, expected alice's and bob's")
print(f"{conns} connections: ClientHello, ServerHello, ServerAuth (181), "
      f"ClientAuth (275) in each")
EOF

# What an eavesdropper sees of it in the follow view: sealed bytes as a hex
# dump, not raw noise broken into lines; the plaintext capture as text.
bounded 30 "$SNIFFER" -r "$CAP" >"$TMP_DIR/follow.out" 2>/dev/null ||
	fail "sniffer -r $CAP (follow) failed"
grep -q '^  0000  01 00 44 01 ' "$TMP_DIR/follow.out" ||
	fail "a ClientHello is not shown in hex: $(head -n 3 "$TMP_DIR/follow.out")"
! LC_ALL=C grep -q '[^[:print:]]' "$TMP_DIR/follow.out" ||
	fail "the follow view of sealed records holds bytes that are not printable"
bounded 30 "$SNIFFER" -r "$TOP_DIR/captures/irc-plaintext.pcap" \
	>"$TMP_DIR/plain.out" 2>/dev/null || fail "sniffer -r irc-plaintext.pcap failed"
grep -q '^NICK :alice$' "$TMP_DIR/plain.out" ||
	fail "plain IRC is not shown as text: $(head -n 3 "$TMP_DIR/plain.out")"
echo "follow view: sealed records in hex, IRC as text"
