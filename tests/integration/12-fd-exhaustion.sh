#!/usr/bin/env bash
# Out of file descriptors (ulimit -n 40): connections beyond the limit get
# "ERROR :Closing Link: server out of file descriptors" and are closed;
# clients already connected keep talking; once the flood is gone, new
# clients get in again.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"

SERVER_NOFILE=40 start_server
raw_py <<'EOF'
import select, time
from ircraw import *

REFUSED = "ERROR :Closing Link: server out of file descriptors"
a = Conn("alice").register("alice", "#lab")
b = Conn("bob").register("bob", "#lab")
a.expect(r"^:bob!\S+ JOIN")

flood = connect_all("flood", 60)
log("60 connections made; waiting until no more are refused")
open_ = {c.sock.fileno(): c for c in flood}
quiet_until = time.monotonic() + 1.5
deadline = time.monotonic() + 20
while open_ and time.monotonic() < min(quiet_until, deadline):
    ready, _, _ = select.select(list(open_), [], [], 0.1)
    for fd in ready:
        c = open_[fd]
        c._recv(time.monotonic() + 1)
        if c.eof:
            del open_[fd]
            quiet_until = time.monotonic() + 1.5
refused = [c for c in flood if c.eof]
accepted = [c for c in flood if not c.eof]
log("refused %d, accepted %d" % (len(refused), len(accepted)))
check(len(refused) >= 20, "only %d connections refused" % len(refused))
for c in refused:
    lines = c.expect_eof(1)
    check(lines == [REFUSED], "%s got %r" % (c.label, lines))
for c in accepted:      # really served: they answer PING unregistered
    c.ping("served")

log("the clients connected first still talk")
a.privmsg("#lab", "still here")
b.expect_privmsg("alice", "#lab", "still here")
b.privmsg("#lab", "me too")
a.expect_privmsg("bob", "#lab", "me too")

log("flood gone: new clients get in again")
for c in flood:
    c.close()
for i in range(10):
    for attempt in range(50):
        c = Conn("new%d" % i)
        c.line("NICK new%d" % i)
        c.line("USER new 0 * :new")
        text = c.readline()
        if text != REFUSED:
            break
        c.close()       # the server has not seen all the closes yet
        time.sleep(0.1)
    check(text is not None and " 001 new%d " % i in text,
          "new%d not accepted: %r" % (i, text))
    c.join("#lab")
    a.expect(r"^:new%d!\S+ JOIN" % i)
a.privmsg("#lab", "welcome back")
c.expect_privmsg("alice", "#lab", "welcome back")
EOF
grep -q 'out of file descriptors' "$SERVER_LOG" ||
	fail "the server did not log the refusals"
stop_server
