#!/usr/bin/env bash
# A few bytes can ask for much output: "WHO #big" is 10 bytes in and a
# line per member out. One client sends 2,000 of them at once; another
# client's message to it, sent just after, is handled within the first
# few dozen WHOs rather than after all of them (the server gives each
# connection a budget of output per turn), and the WHO client still gets
# every answer, in order; input waiting for its turn survives an end of
# stream, and stops at a QUIT. A PRIVMSG naming one channel several times
# reaches each member once.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"

# A queue big enough for every answer: this is about turns, not SendQ.
start_server --sendq 33554432
raw_py <<'EOF'
import threading
from ircraw import *

MEMBERS, WHOS = 100, 2000
members = connect_all("m", MEMBERS)
for m in members:
    m.register(channel="#big")
asker = Conn("asker").register("asker", "#big")
other = Conn("other").register("other")

# The asker's answers arrive fast: read them raw, parse them afterwards.
got = bytearray()
def read_all():
    asker.sock.settimeout(60)
    while b":burst-end" not in got[-600:]:
        data = asker.sock.recv(1 << 20)
        if not data:
            return
        got.extend(data)
reader = threading.Thread(target=read_all)
reader.start()
asker.send("WHO #big\r\n" * WHOS + "PING :burst-end\r\n")
other.privmsg("asker", "hello during the WHOs")
reader.join(60)
check(not reader.is_alive(), "the WHO answers never ended")

lines = bytes(got).split(b"\r\n")
ends = [i for i, l in enumerate(lines) if b" 315 asker #big " in l]
hello = [i for i, l in enumerate(lines) if b":hello during the WHOs" in l]
check(len(ends) == WHOS, "got %d of %d End of WHO" % (len(ends), WHOS))
whos = [l for l in lines if b" 352 asker #big " in l]
check(len(whos) == WHOS * (MEMBERS + 1),
      "got %d of %d WHO lines" % (len(whos), WHOS * (MEMBERS + 1)))
check(len(hello) == 1, "the other client's message never came")
before = sum(1 for i in ends if i < hello[0])
log("the message came after %d of %d WHOs" % (before, WHOS))
check(before < 500, "the message waited for %d of %d WHOs" % (before, WHOS))

# Lines waiting for their turn are not lost to an end of stream, and a
# QUIT among them is the last line taken.
closer = Conn("closer").register("closer", "#big")
closer.send("WHO #big\r\n" * WHOS + "PRIVMSG other :after the WHOs\r\n")
closer.shutdown_write()
other.expect(r"^:closer!\S+ PRIVMSG other :after the WHOs$", timeout=60)
quitter = Conn("quitter").register("quitter", "#big")
members[1].drain()
quitter.send("WHO #big\r\n" * WHOS + "QUIT :bye\r\n"
             "PRIVMSG other :after the QUIT\r\n")
members[1].expect(r"^:quitter!\S+ QUIT :Quit: bye$", timeout=60)
other.ping("after-quit")
check(not any("after the QUIT" in l for l in other.drain()),
      "a line after the QUIT was delivered")

# One line naming #big four times: each member gets it once.
asker.drain()
members[0].drain()
other.line("JOIN #big")
other.expect(r" 366 other #big ")
members[0].expect(r"^:other!\S+ JOIN")
other.privmsg("#big,#BIG,#big,#Big", "once only")
other.privmsg("m0,M0", "to m0 once")
other.ping("after")
seen = members[0].drain()
check(sum(1 for l in seen if l.endswith(":once only")) == 1,
      "m0 got the channel message %d times" %
      sum(1 for l in seen if l.endswith(":once only")))
check(sum(1 for l in seen if l.endswith(":to m0 once")) == 1,
      "m0 got its private message %d times" %
      sum(1 for l in seen if l.endswith(":to m0 once")))
EOF
stop_server
