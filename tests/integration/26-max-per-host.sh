#!/usr/bin/env bash
# --max-per-host 3: a 4th connection from one address gets "ERROR :Closing
# Link: too many connections from your host" while other addresses still
# get in; when one of the three leaves, there is room again. 127.0.0.1 is
# this machine, where a lab runs every client: it is never limited. The
# other hosts here are other loopback addresses (127.0.0.2, 127.0.0.3).
# secure-server turns such a connection away in its own protocol.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"

start_server --max-per-host 3 -v
raw_py <<'EOF'
from ircraw import *

two = [Conn("two%d" % i, source="127.0.0.2").register(channel="#lab")
       for i in range(3)]
for i in range(2):
    extra = Conn("extra%d" % i, source="127.0.0.2")
    lines = extra.expect_eof()
    check(lines == ["ERROR :Closing Link: too many connections from your "
                    "host"], "a 4th connection from 127.0.0.2 got %r" % lines)

three = Conn("three", source="127.0.0.3").register(channel="#lab")
local = [Conn("local%d" % i).register() for i in range(6)]
three.privmsg("#lab", "another host gets in")
two[0].expect_privmsg("three", "#lab", "another host gets in")

two[2].line("QUIT :making room")
two[2].expect_eof()
back = Conn("back", source="127.0.0.2").register(channel="#lab")
back.privmsg("#lab", "room again")
three.expect_privmsg("back", "#lab", "room again")
EOF
stop_server
grep -q "refused a connection from 127.0.0.2: it has 3 (--max-per-host)" \
	"$SERVER_LOG" || fail "-v did not log the refusal"

# secure-server refuses the same way, in its own protocol: a plaintext
# unavailable alert (frame 0x15, length 2, level 2, code 60).
"$KIT_BIN/secure-keys" gen "$TMP_DIR/server" >/dev/null || fail "keygen"
SERVER_PROG=secure-server start_server --max-per-host 1 --key "$TMP_DIR/server.key"
raw_py <<'EOF'
from ircraw import *

first = Conn("first", source="127.0.0.2")     # holds the slot, mid-handshake
second = Conn("second", source="127.0.0.2")
second.sock.settimeout(10)
got = b""
while len(got) < 5:
    data = second.sock.recv(64)
    if not data:
        break
    got += data
check(got[:5] == bytes([0x15, 0, 2, 2, 60]),
      "the second connection from 127.0.0.2 got %r" % got)
first.close()
EOF
stop_server
echo "secure-server: the host's next connection gets an unavailable alert"
