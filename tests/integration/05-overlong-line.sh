#!/usr/bin/env bash
# Overlong lines (RFC 2812 §2.3: 512 bytes with CR LF) are answered with
# 417 and dropped whole, never cut short and relayed; the sender stays
# connected and can still talk.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"

start_server
client_start watcher --channel '#lab' <<'EOF'
/expect <long> still here
EOF
wait_joined watcher '#lab'

raw_py <<'EOF'
from ircraw import *

R417 = r"^:kit\.chat 417 long :Input line was too long$"
w = Conn("rawwatch").register("rawwatch", "#lab")
b = Conn("long").register("long", "#lab")
w.expect(r"^:long!\S+ JOIN :?#lab$")

head = b"PRIVMSG #lab :"
line600 = head + b"x" * (600 - len(head) - 2) + b"\r\n"
check(len(line600) == 600, "600 bytes")
log("600 bytes in one write")
b.send(line600)
b.expect(R417)
log("600 bytes in three writes")
for part in (line600[:250], line600[250:500], line600[500:]):
    b.send(part)
b.expect(R417)
log("513 bytes: one past the limit")
b.send(head + b"y" * (513 - len(head) - 2) + b"\r\n")
b.expect(R417)
log("512 bytes: fits, but not once relayed with the sender's prefix")
b.send(head + b"z" * (512 - len(head) - 2) + b"\r\n")
b.expect(R417)

b.ping()
b.privmsg("#lab", "still here")
w.expect_privmsg("long", "#lab", "still here", forbid=r"xxx|yyy|zzz")
EOF
client_wait watcher
assert_lines_in_order watcher '#lab <long> still here'
assert_no_text watcher 'xxxxxxxxxx'
assert_no_text watcher 'zzzzzzzzzz'
stop_server
