#!/usr/bin/env bash
# --sendq bounds what a client has not yet read. A client that reads all
# the time must not be dropped when a peer sends one burst that is larger
# than the SendQ: the server should write to the reader as it goes, or
# read less per turn, rather than queue the whole burst first.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"

start_server --sendq 65536
raw_py <<'EOF'
from ircraw import *

w = Conn("reader").register("reader", "#lab")
p = Conn("talker").register("talker", "#lab")
w.expect(r"^:talker!\S+ JOIN")

# 250 lines of 330 bytes (82 KB) in one write; the reader reads at once.
N = 250
p.send("".join("PRIVMSG #lab :msg %d %s\r\n" % (i, "x" * 300)
               for i in range(N)))
p.privmsg("#lab", "end of burst")
got = []
while True:
    text = w.readline()
    check(text is not None, "reader: %s after %d of %d messages; %r" % (
          "closed" if w.eof else "timeout", len(got), N,
          [l for l in w.recent if " PRIVMSG " not in l]))
    m = re.match(r"^:talker!\S+ PRIVMSG #lab :msg (\d+) ", text)
    if m:
        got.append(int(m.group(1)))
    elif text.endswith(":end of burst"):
        break
check(got == list(range(N)), "reader got %d of %d" % (len(got), N))
EOF
stop_server
