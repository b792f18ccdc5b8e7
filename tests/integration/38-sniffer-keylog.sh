#!/usr/bin/env bash
# What a leaked key log gives away: a secure_chat conversation (one login
# by password, one by key) captured on lo. Live, the sniffer reads the
# key log as the server writes it and shows the chat as it happens. Read
# back without the key log, the capture shows no canary; with it, the
# sniffer opens every record: the outputs hold the whole chat, and the
# report names the password that ClientAuth carried. A key log that lacks
# one connection leaves that one sealed, the other opened. The shipped
# capture opens with its shipped key log too, and without one
# connection's handshake lines it shows that one's records sealed.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"

for p in sniffer secure-server secure-client secure-keys; do
	[ -x "$KIT_BIN/$p" ] || fail "no $KIT_BIN/$p"
done
command -v python3 >/dev/null || skip "no python3"
SNIFFER=$KIT_BIN/sniffer

# has DIR TEXT: TEXT is in one of DIR's stream files
has() { grep -rqF -- "$2" "$1"; }

# The shipped capture first: it needs no root.
bounded 30 "$SNIFFER" -r "$TOP_DIR/captures/secure-chat.pcap" \
	--keylog "$TOP_DIR/captures/secure-chat.keylog" -o "$TMP_DIR/shipped" \
	2>"$TMP_DIR/shipped.log" || fail "sniffer --keylog on the shipped capture failed"
has "$TMP_DIR/shipped" "PRIVMSG #lab" ||
	fail "the shipped capture did not open: $(cat "$TMP_DIR/shipped.log")"
grep -q "2 secure_chat connections opened with it, 0 not in it" \
	"$TMP_DIR/shipped.log" || fail "report: $(cat "$TMP_DIR/shipped.log")"
echo "shipped capture: opened with its key log"

# The same key log without one connection's handshake lines (as a student
# may cut it): that connection opens in no direction, and its records
# still reach the outputs, sealed, as they came.
random=$(awk 'NR == 1 { print $2 }' "$TOP_DIR/captures/secure-chat.keylog")
grep -v "^KIT_CLIENT_RANDOM $random [A-Z]*_HANDSHAKE_TRAFFIC_SECRET " \
	"$TOP_DIR/captures/secure-chat.keylog" >"$TMP_DIR/cut.keylog"
bounded 30 "$SNIFFER" -r "$TOP_DIR/captures/secure-chat.pcap" \
	--keylog "$TMP_DIR/cut.keylog" -o "$TMP_DIR/cut" 2>"$TMP_DIR/cut.log" ||
	fail "sniffer --keylog (handshake lines cut) failed"
grep -q "opened with it, 0 not in it; 1 of those opened only in part" \
	"$TMP_DIR/cut.log" || fail "report: $(cat "$TMP_DIR/cut.log")"
port=$(sed -n 's/.*:\([0-9]*\) > .*0 records opened from the client, 0 from the server; from the client: the key log lacks its handshake secret.*/\1/p' \
	"$TMP_DIR/cut.log")
[ -n "$port" ] || fail "no connection reported unopened: $(cat "$TMP_DIR/cut.log")"
cut_files=$(find "$TMP_DIR/cut" -type f -name "*$(printf '.%05d' "$port")*")
[ "$(wc -w <<<"$cut_files")" -eq 2 ] || fail "files of port $port: $cut_files"
for f in $cut_files; do
	[ -s "$f" ] || fail "$f is empty: its sealed records are lost"
	! grep -q "PRIVMSG" "$f" || fail "$f shows chat it cannot have opened"
done
has "$TMP_DIR/cut" "PRIVMSG #lab" || fail "the other connection did not open"
echo "a key log cut short: that connection's records shown sealed"

[ "$(id -u)" -eq 0 ] || skip "live capture needs root (or cap_net_raw)"
cd "$TMP_DIR" || fail "no $TMP_DIR"
for k in server dave; do
	"$KIT_BIN/secure-keys" gen "$k" >/dev/null || fail "secure-keys gen $k"
done
echo "dave $(cat dave.pub)" >authorized_keys
fp=$("$KIT_BIN/secure-keys" fingerprint server.pub)
printf 'pw-canary-Zr81\n' | "$KIT_BIN/secure-keys" adduser users carol \
	>/dev/null 2>&1 || fail "secure-keys adduser failed"
printf 'pw-canary-Zr81\n' >carol.pw
chmod 600 carol.pw

SERVER_PROG=secure-server start_server --key server.key --users users \
	--authorized-keys authorized_keys --keylog server.keylog
"$SNIFFER" -i lo -w chat.pcap -o live --keylog server.keylog \
	tcp port "$SERVER_PORT" >/dev/null 2>sniffer.log &
sniffer=$!
track_pid "$sniffer"
wait_for_file_text sniffer.log "listening on" 10 || fail "the sniffer did not start"
CLIENT_PROG=secure-client client_start carol --channel '#lab' \
	--server-key "$fp" --password-file carol.pw <<'EOF'
/expect dave
the vault code is canary-4417
/expect noted
EOF
# A key log that was there keeps its mode: one others can read is named.
: >dave.keylog
chmod 644 dave.keylog
CLIENT_PROG=secure-client client_start dave --channel '#lab' \
	--server-key "$fp" --key dave.key --keylog dave.keylog <<'EOF'
/expect canary-4417
noted, canary-9902 back
EOF
client_wait carol
client_wait dave
grep -q 'key log dave.keylog can be read or written by others: chmod 600 dave.keylog' \
	dave.err || fail "no warning for a key log others can read: $(cat dave.err)"
! grep -q 'can be read or written by others' "$SERVER_LOG" ||
	fail "the server's new key log (0600) drew a warning"
stop_server
for ((i = 0; i < 50; i++)); do
	[ "$(find live -type f | wc -l)" -ge 4 ] && break
	sleep 0.1
done
kill -INT "$sniffer"
wait "$sniffer" || fail "the sniffer exited with $?"
for c in canary-4417 canary-9902; do
	has live "$c" || fail "live, the sniffer did not open $c: $(cat sniffer.log)"
done
grep -q 'password login as "carol", password "pw-canary-Zr81"' sniffer.log ||
	fail "live, the report lacks carol's password: $(cat sniffer.log)"
echo "live: the chat opened as the server logged its secrets"

bounded 30 "$SNIFFER" -r chat.pcap -o sealed 2>/dev/null ||
	fail "sniffer -r failed"
for c in canary-4417 canary-9902 pw-canary-Zr81; do
	! has sealed "$c" || fail "without the key log, the capture shows $c"
done
echo "without the key log: no canary"

bounded 30 "$SNIFFER" -r chat.pcap --keylog server.keylog -o opened \
	2>opened.log || fail "sniffer --keylog failed: $(cat opened.log)"
for c in canary-4417 canary-9902; do
	has opened "$c" || fail "with the key log, $c is missing: $(cat opened.log)"
done
grep -q 'password login as "carol", password "pw-canary-Zr81"' opened.log ||
	fail "the report lacks carol's password: $(cat opened.log)"
grep -q 'key login as "dave"' opened.log ||
	fail "the report lacks dave's login: $(cat opened.log)"
echo "with the key log: the chat, and carol's password"

# A key log of one connection only: that one opens, the other stays
# sealed (found by the client port the report gives).
random=$(awk 'NR == 1 { print $2 }' server.keylog)
grep -F "$random" server.keylog >one.keylog
bounded 30 "$SNIFFER" -r chat.pcap --keylog one.keylog -o partial \
	2>partial.log || fail "sniffer --keylog (one connection) failed"
grep -q "1 secure_chat connection opened with it, 1 not in it" partial.log ||
	fail "report: $(cat partial.log)"
port=$(sed -n 's/.*:\([0-9]*\) > .*not in the key log: shown sealed$/\1/p' \
	partial.log)
[ -n "$port" ] || fail "no connection reported sealed: $(cat partial.log)"
sealed_files=$(find partial -type f -name "*$(printf '.%05d' "$port")*")
[ "$(wc -w <<<"$sealed_files")" -eq 2 ] || fail "files of port $port: $sealed_files"
for c in canary-4417 canary-9902; do
	# shellcheck disable=SC2086
	! grep -qF "$c" $sealed_files || fail "the sealed connection shows $c"
	grep -rqF "$c" --exclude="*$(printf '.%05d' "$port")*" partial ||
		fail "the connection in the key log does not show $c"
done
echo "a key log of one connection opens that one, and only that one"
