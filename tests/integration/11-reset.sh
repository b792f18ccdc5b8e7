#!/usr/bin/env bash
# Connections reset by the peer (close with SO_LINGER 0: RST, no FIN): the
# peers see a QUIT and the server carries on.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"

start_server
raw_py <<'EOF'
from ircraw import *

w = Conn("watcher").register("watcher", "#lab")

log("registered member resets")
r = Conn("resetter").register("resetter", "#lab")
w.expect(r"^:resetter!\S+ JOIN")
r.privmsg("#lab", "before the reset")
w.expect_privmsg("resetter", "#lab", "before the reset")
r.abort()
m = w.expect(r"^:resetter!\S+ QUIT :(.+)$", forbid=r"PRIVMSG")
log("QUIT reason: " + m.group(1))

log("reset with unread input and a partial line")
r2 = Conn("resetter2").register("resetter2", "#lab")
w.expect(r"^:resetter2!\S+ JOIN")
r2.send("PRIVMSG #lab :partial line")
r2.abort()
w.expect(r"^:resetter2!\S+ QUIT :")

log("reset before registration ends")
r3 = Conn("r3")
r3.line("NICK resetter3")
r3.abort()

log("the server carries on")
back = []
for nick in ("resetter", "resetter2", "resetter3"):
    c = Conn("again-" + nick).register(nick, "#lab")
    back.append(c)
    w.expect(r"^:%s!\S+ JOIN" % nick)
    c.privmsg("#lab", "back as " + nick)
    w.expect_privmsg(nick, "#lab", "back as " + nick, forbid=r" QUIT ")
EOF
server_alive
stop_server
