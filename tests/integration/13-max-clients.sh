#!/usr/bin/env bash
# --max-clients 3: a 4th connection gets "ERROR :Closing Link: server full"
# and is closed; when one leaves, there is room again.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"

start_server --max-clients 3
raw_py <<'EOF'
from ircraw import *

a = Conn("alice").register("alice", "#lab")
b = Conn("bob").register("bob", "#lab")
c = Conn("carol").register("carol")
a.expect(r"^:bob!\S+ JOIN")

for i in range(3):
    d = Conn("extra%d" % i)
    lines = d.expect_eof()
    check(lines == ["ERROR :Closing Link: server full"],
          "a 4th connection got %r" % lines)

a.privmsg("#lab", "three is company")
b.expect_privmsg("alice", "#lab", "three is company")

c.line("QUIT :making room")
c.expect(r"^ERROR :Closing Link: ")
c.expect_eof()
d = Conn("dave").register("dave", "#lab")
a.expect(r"^:dave!\S+ JOIN")
d.privmsg("#lab", "got in")
b.expect_privmsg("dave", "#lab", "got in")
EOF
stop_server
