#!/usr/bin/env bash
# Option mistakes are usage errors (status 2, the reason said), and a
# client's are found before it connects: a port past 65535 was taken
# modulo 65536 before, and reached another server. --host takes an IPv6
# address in brackets, as the server prints it; HOST:PORT is pointed to
# --port. A script that cannot be opened is said so before any
# connection. sniffer --color names the values it takes.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"

start_server -v
port=$SERVER_PORT

# usage_error WANT ARGS...: plain-client ARGS exits 2 saying WANT.
usage_error()
{
	local want=$1 status=0

	shift
	"$KIT_BIN/plain-client" "$@" </dev/null >"$TMP_DIR/out" 2>&1 ||
		status=$?
	[ "$status" -eq 2 ] ||
		fail "plain-client $*: status $status, not 2: $(cat "$TMP_DIR/out")"
	grep -qF -- "$want" "$TMP_DIR/out" ||
		fail "plain-client $*: no '$want' in: $(cat "$TMP_DIR/out")"
}

usage_error "invalid port '$((port + 65536))' (expected 1 to 65535)" \
	--nick carol --port $((port + 65536))
usage_error "invalid port 'abc'" --nick carol --port abc
usage_error "invalid port '0$port'" --nick carol --port "0$port"

usage_error "--host takes the host alone: use --host 127.0.0.1 --port $port" \
	--nick carol --host "127.0.0.1:$port"
usage_error "--host takes the host alone: use --host [::1] --port $port" \
	--nick carol --host "[::1]:$port"
usage_error "--host takes the host alone: use --host HOST --port $port" \
	--nick carol --host ":$port"
usage_error "invalid nick 'bad nick'" --nick 'bad nick' --port "$port"
usage_error "invalid channel 'lab' (channels start with #)" --nick carol \
	--channel lab --port "$port"
"$KIT_BIN/secure-client" --nick carol --port 70000 </dev/null \
	>"$TMP_DIR/out" 2>&1
[ $? -eq 2 ] || fail "secure-client --port 70000 is not a usage error"
echo "bad ports, HOST:PORT, bad nicks and channels: status 2, before connecting"
status=0
"$KIT_BIN/sniffer" --color=sometimes -r "$TOP_DIR/captures/irc-plaintext.pcap" \
	>"$TMP_DIR/out" 2>&1 || status=$?
[ "$status" -eq 2 ] && grep -qF "sniffer: --color takes auto, always or never, not 'sometimes'" \
	"$TMP_DIR/out" || fail "sniffer --color=sometimes: status $status, $(cat "$TMP_DIR/out")"
echo "sniffer --color=sometimes: status 2, the values it takes said"

status=0
"$KIT_BIN/plain-client" --nick carol --port "$port" \
	--script "$TMP_DIR/no-such-script" >"$TMP_DIR/out" 2>&1 || status=$?
[ "$status" -eq 1 ] || fail "a missing script: status $status, not 1"
grep -q "cannot open script .*no-such-script: No such file or directory" \
	"$TMP_DIR/out" || fail "a missing script: $(cat "$TMP_DIR/out")"
echo "a missing script is said so"

# The server has heard of no connection at all.
sleep 0.2
! grep -q "connection from" "$SERVER_LOG" ||
	fail "a client with bad options connected: $(cat "$SERVER_LOG")"
echo "none of them connected"
stop_server

# --host [::1]: the brackets the server prints are taken.
if python3 -c 'import socket; socket.socket(socket.AF_INET6).bind(("::1", 0))' \
	2>/dev/null; then
	SERVER_BIND=::1 start_server
	printf '/quit\n' | "$KIT_BIN/plain-client" --nick dave \
		--host '[::1]' --port "$SERVER_PORT" >"$TMP_DIR/out" 2>&1 ||
		fail "--host [::1]: $(cat "$TMP_DIR/out")"
	echo "--host [::1] connects"
	stop_server
else
	echo "no IPv6 loopback here: --host [::1] not tried"
fi
