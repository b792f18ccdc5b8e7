#!/usr/bin/env bash
# A client that joins and never reads is dropped once its output queue
# passes --sendq (peers see "QUIT :SendQ exceeded"); the server never
# blocks on it, and a well-behaved reader gets every message, in order.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"

start_server --sendq 65536
raw_py <<'EOF'
import threading
from ircraw import *

w = Conn("watcher").register("watcher", "#lab")
slow = Conn("slow", rcvbuf=4096).register("slow", "#lab")
p = Conn("talker").register("talker", "#lab")
w.expect(r"^:talker!\S+ JOIN")
# From here on slow reads nothing at all.

got, quits = [], []
def watch():
    """The watcher reads all the time, as a good client does."""
    while True:
        text = w.readline(30)
        if text is None:
            return
        m = re.match(r"^:talker!\S+ PRIVMSG #lab :msg (\d+) ", text)
        if m:
            got.append(int(m.group(1)))
        elif text.startswith(":slow!") and " QUIT " in text:
            quits.append(text)
        elif text.endswith(" PRIVMSG #lab :the end"):
            return
reader = threading.Thread(target=watch)
reader.start()

pad = "x" * 300
sent = 0
# The kernel holds megabytes for slow before its SendQ even fills (the
# server's send buffer grows up to net.ipv4.tcp_wmem's maximum): send up
# to twice that, in batches of 100 x 330 bytes. Each batch is answered
# (PING) before the next, so the server never reads more than one batch
# at a time (a larger burst overflows every reader's SendQ at once: see
# 17-sendq-burst.sh).
with open("/proc/sys/net/ipv4/tcp_wmem") as f:
    wmem_max = int(f.read().split()[2])
for batch in range(2 * wmem_max // 33000 + 16):
    if quits:
        break
    p.send("".join("PRIVMSG #lab :msg %d %s\r\n" % (sent + i, pad)
                   for i in range(100)), timeout=30)
    sent += 100
    p.ping("batch%d" % batch)   # the server keeps answering the talker
log("sent %d messages; slow's departure: %s" % (sent, quits))
p.privmsg("#lab", "the end")
reader.join(60)
check(not reader.is_alive(), "the watcher did not get 'the end'")
log("watcher got %d messages" % len(got))
check(quits == [":slow!slow@127.0.0.1 QUIT :SendQ exceeded"],
      "slow was not dropped for its SendQ: %r" % quits)
check(got == list(range(sent)),
      "the watcher got %d of %d messages (or out of order)" %
      (len(got), sent))

log("a newcomer is served at once")
n = Conn("newcomer").register("newcomer", "#lab")
n.ping()
EOF
server_alive
stop_server
