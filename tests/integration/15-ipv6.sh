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
