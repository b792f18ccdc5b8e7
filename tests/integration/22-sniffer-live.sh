#!/usr/bin/env bash
# Live: the sniffer captures on lo while two kit clients chat through
# plain-server. Every line typed shows in the follow view and in the -o
# files, and the -w copy is read back by tcpdump with the same packet count.
# Then a burst of 400 small datagrams while the sniffer is stopped: its
# ring holds every one (at the default snaplen a slot takes 128 KiB, so the
# 64 MiB buffer has 512 of them; libpcap's 2 MiB default has 16). With the
# sniffer stopped the count depends on the ring alone, not on how fast a
# loaded machine lets the sniffer read.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"

[ "$(id -u)" -eq 0 ] || skip "live capture needs root (or cap_net_raw)"
command -v tcpdump >/dev/null || skip "tcpdump is not installed"
[ -x "$KIT_BIN/sniffer" ] || fail "no $KIT_BIN/sniffer"

start_server
mkdir "$TMP_DIR/flows"
"$KIT_BIN/sniffer" -i lo -o "$TMP_DIR/flows" --follow --color=never \
	-w "$TMP_DIR/copy.pcap" tcp port "$SERVER_PORT" \
	>"$TMP_DIR/follow.out" 2>"$TMP_DIR/sniffer.log" &
sniffer=$!
track_pid "$sniffer"
wait_for_file_text "$TMP_DIR/sniffer.log" "listening on lo" 10 ||
	fail "the sniffer did not start"

lines=("hello bob, the lab password is hunter2"
       "thanks alice, mine is correct-horse"
       "caf$(printf '\xc3\xa9') at noon?")
client_start alice --channel '#lab' <<EOF
/expect bob
${lines[0]}
/expect ${lines[1]}
${lines[2]}
EOF
client_start bob --channel '#lab' <<EOF
/expect ${lines[0]}
${lines[1]}
/expect noon
EOF
client_wait alice
client_wait bob
# The last bytes on the wire are the server's goodbyes; wait for them to
# be reassembled before stopping the capture.
wait_for_file_text "$TMP_DIR/follow.out" "Closing Link" 10 ||
	fail "the follow view did not show the end of the conversation"
kill -INT "$sniffer"
wait "$sniffer" || fail "sniffer exited with status $?"
check_sanitizer_log "$TMP_DIR/sniffer.log" sniffer

for line in "${lines[@]}"; do
	grep -qF -- "PRIVMSG #lab :$line" "$TMP_DIR/follow.out" ||
		fail "follow view lacks: $line"
	grep -rqF -- "PRIVMSG #lab :$line" "$TMP_DIR/flows" ||
		fail "-o files lack: $line"
done
[ "$(find "$TMP_DIR/flows" -type f | wc -l)" -eq 4 ] ||
	fail "expected 4 stream files (2 connections x 2 directions)"

packets=$(sed -n 's/^sniffer: \([0-9]*\) packets (.*/\1/p' "$TMP_DIR/sniffer.log")
copied=$(tcpdump -n -r "$TMP_DIR/copy.pcap" 2>/dev/null | wc -l)
[ -n "$packets" ] && [ "$packets" -eq "$copied" ] ||
	fail "sniffer saw ${packets:-?} packets, tcpdump reads $copied from -w"
echo "$packets packets captured, copied and read back by tcpdump"
stop_server

command -v python3 >/dev/null || skip "no python3 for the burst"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$KIT_BIN/sniffer" -i lo --stats udp port "$port" \
	>/dev/null 2>"$TMP_DIR/burst.log" &
sniffer=$!
track_pid "$sniffer"
wait_for_file_text "$TMP_DIR/burst.log" "listening on lo" 10 ||
	fail "the sniffer did not start for the burst"
# UDP: every write is a packet of its own, sent as fast as it goes.
kill -STOP "$sniffer"
timeout 20 python3 - "$port" <<'EOF'
import socket, sys
rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
rx.bind(("127.0.0.1", int(sys.argv[1])))
tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(400):
    tx.sendto(b"x" * 60, ("127.0.0.1", int(sys.argv[1])))
EOF
burst=$?
kill -CONT "$sniffer"
[ "$burst" -eq 0 ] || fail "the burst did not run"
sleep 0.5
kill -INT "$sniffer"
wait "$sniffer" || fail "sniffer exited with status $?"
grep -q "^sniffer: 400 packets" "$TMP_DIR/burst.log" &&
	grep -q "^sniffer: 0 packets dropped by the kernel" "$TMP_DIR/burst.log" ||
	fail "the burst lost packets: $(cat "$TMP_DIR/burst.log")"
echo "a burst of 400 datagrams while the sniffer slept: none dropped"
