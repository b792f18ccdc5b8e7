#!/usr/bin/env bash
# Connections that do not register within --register-timeout are dropped
# with ERROR; registered clients stay.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"

start_server --register-timeout 1
raw_py <<'EOF'
import time
from ircraw import *

w = Conn("watcher").register("watcher", "#lab")
silent = Conn("silent")               # says nothing at all
half = Conn("half")                   # NICK but never USER
half.line("NICK half")
start = time.monotonic()
for c in (silent, half):
    c.expect(r"^ERROR :Closing Link: 127\.0\.0\.1 \(Registration timed out\)$",
             timeout=6)
    c.expect_eof(5)
took = time.monotonic() - start
log("dropped after %.1f s" % took)
check(took < 4, "dropped only after %.1f s" % took)

log("the nick is free again; the registered client is still there")
again = Conn("again").register("half", "#lab")
w.expect(r"^:half!\S+ JOIN")
again.privmsg("#lab", "hello again")
w.expect_privmsg("half", "#lab", "hello again")
w.ping()
EOF
stop_server
