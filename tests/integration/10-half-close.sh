#!/usr/bin/env bash
# A client that shuts down its write side (no QUIT) has its last message
# delivered before its QUIT; so has an unterminated final line, before a
# half-close or a full close.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"

start_server
raw_py <<'EOF'
from ircraw import *

QUIT = r"^:%s!\S+ QUIT :Connection closed$"
w = Conn("watcher").register("watcher", "#lab")

def leave(nick, data, how):
    c = Conn(nick).register(nick, "#lab")
    w.expect(r"^:%s!\S+ JOIN" % nick)
    c.drain(0.2)    # nothing unread: a close then sends FIN, not RST
    c.send(data)
    if how == "shutdown":
        c.shutdown_write()
    else:
        c.close()
    text = data.decode().split(":", 1)[1].rstrip("\r\n")
    w.expect_privmsg(nick, "#lab", text, forbid=r" QUIT ")
    w.expect(QUIT % nick)
    if how == "shutdown":       # it can still read the goodbye
        c.expect(r"^ERROR :Closing Link: 127\.0\.0\.1 \(Connection closed\)$")
        c.expect_eof()

log("terminated line, then shutdown(SHUT_WR)")
leave("leaver", b"PRIVMSG #lab :last words\r\n", "shutdown")
log("unterminated line, then shutdown(SHUT_WR)")
leave("partial", b"PRIVMSG #lab :no newline at the end", "shutdown")
log("unterminated line, then close()")
leave("closer", b"PRIVMSG #lab :unterminated before close", "close")

log("the channel still works")
n = Conn("newcomer").register("newcomer", "#lab")
n.privmsg("#lab", "still fine")
w.expect_privmsg("newcomer", "#lab", "still fine")
EOF
stop_server
