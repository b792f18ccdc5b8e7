#!/usr/bin/env bash
# IPv6: a server bound to ::1; kit and raw clients connect over IPv6.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"

python3 -c 'import socket; socket.socket(socket.AF_INET6).bind(("::1", 0))' \
	2>/dev/null || skip "::1 is not available"

SERVER_BIND=::1 start_server
grep -q "^plain-server: listening on \[::1\]:$SERVER_PORT\$" "$SERVER_LOG" ||
	fail "the server does not say it listens on [::1]:$SERVER_PORT"

client_start alice --host ::1 --channel '#six' <<'EOF'
/expect <bob> hello over IPv6
hi bob
EOF
wait_joined alice '#six'
raw_py <<'EOF'
from ircraw import *

b = Conn("bob", host="::1").register("bob", "#six")
b.privmsg("#six", "hello over IPv6")
b.expect(r"^:alice!alice@::1 PRIVMSG #six :hi bob$")
b.line("WHOIS bob")     # the host "::1" cannot be a middle parameter
b.expect(r"^:kit\.chat 311 bob bob bob \S+ \* :raw test client$")
EOF
client_wait alice
assert_lines_in_order alice '#six <bob> hello over IPv6' '#six <alice> hi bob'
stop_server

# secure_chat over ::1: the first-use prompt and the known-hosts file
# name the server alike, as [::1]:PORT.
cd "$TMP_DIR" || fail "cannot cd to $TMP_DIR"
"$KIT_BIN/secure-keys" gen server >/dev/null || fail "secure-keys gen failed"
SERVER_BIND=::1 SERVER_PROG=secure-server start_server --key server.key
CLIENT_PROG=secure-client client_start carol --host ::1 --trust-on-first-use \
	--known-hosts kh <<'EOF2'
/quit
EOF2
client_wait carol
name="[::1]:$SERVER_PORT"
grep -qF "The server $name is not known yet." carol.err &&
	grep -qF "Added $name to kh." carol.err ||
	fail "the client did not name the server $name: $(cat carol.err)"
grep -qF "$name kit-ed25519 " kh || fail "kh does not list $name: $(cat kh)"
stop_server
