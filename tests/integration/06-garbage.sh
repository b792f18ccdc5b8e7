#!/usr/bin/env bash
# Binary garbage, NUL bytes and malformed lines: the server answers 421 (or
# ignores empty lines), stays up, and the sender and the rest of the
# channel go on as before. Control characters that are relayed reach a kit
# client's screen escaped.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"

start_server
client_start watcher --channel '#lab' <<'EOF'
/expect <garbage> after the garbage
EOF
wait_joined watcher '#lab'

raw_py <<'EOF'
import random
from ircraw import *

MALFORMED = r"^:kit\.chat 421 \S+ \* :Malformed message$"
UNKNOWN = r"^:kit\.chat 421 \S+ \S+ :Unknown command$"
w = Conn("rawwatch").register("rawwatch", "#lab")
g = Conn("garbage").register("garbage", "#lab")
w.expect(r"^:garbage!\S+ JOIN")

# (bytes sent, regex of the one reply expected, or None for no reply)
cases = [
    (b"\x00\r\n", MALFORMED),
    (b"PRIVMSG #lab :a\x00b\r\n", MALFORMED),
    (b"\x00\x00\x00\x00PRIVMSG #lab :hidden\r\n", MALFORMED),
    (b"\xff\xfe\xfd\xfc\r\n", MALFORMED),
    (b"FOO\x01BAR x\r\n", MALFORMED),
    (b"12345 x\r\n", MALFORMED),
    (b":\r\n", MALFORMED),
    (b":prefix.only\r\n", MALFORMED),
    (b"   \r\n", MALFORMED),
    (b"@tag=1\r\n", MALFORMED),
    (b"FROBNICATE #lab :x\r\n", UNKNOWN),
    (b"\r\n\r\n\n\n\r\r", None),
    (b"123 numeric replies are ignored\r\n", None),
]
for i, (data, reply) in enumerate(cases):
    log("case %d: %r" % (i, data))
    g.send(data)
    g.line("PING :case%d" % i)
    if reply:
        g.expect(reply, forbid=r" PONG ")
    g.expect(r" PONG \S+ :?case%d$" % i, forbid=r" 4\d\d ")

log("64 KiB of random bytes")
blob = random.Random(2024).randbytes(65536)
g.send(blob + b"\r\nPING :after-blob\r\n")
while True:
    text = g.readline()
    check(text is not None, "no PONG after the random bytes")
    if re.search(r" PONG \S+ :?after-blob$", text):
        break
    check(re.match(r"^:kit\.chat 4\d\d ", text), "odd reply: %r" % text)

log("an unregistered connection sending garbage can still register")
u = Conn("unreg")
u.send(b"\x00\x01\x02\xff\r\n")
u.expect(MALFORMED)
u.register("latecomer", "#lab")
# A first line that begins with 0x01 is garbage, not a secure_chat hello.
c = Conn("ctcp")
c.send(b"\x01VERSION\x01\r\n")
c.expect(MALFORMED)
c.register("ctcpfirst")

log("control characters are relayed as they are")
g.privmsg("#lab", "bell\x07 esc\x1b[2J end")
w.expect_privmsg("garbage", "#lab", "bell\x07 esc\x1b[2J end",
                 forbid=r"PRIVMSG")
g.privmsg("#lab", "after the garbage")
w.expect_privmsg("garbage", "#lab", "after the garbage",
                 forbid=r"PRIVMSG|QUIT")
EOF
client_wait watcher
assert_lines_in_order watcher '#lab <garbage> bell\x07 esc\x1b[2J end' \
	'#lab <garbage> after the garbage'
! grep -q $'\x1b' "$TMP_DIR/watcher.out" ||
	fail "an escape character reached the kit client's output"
assert_no_text watcher 'hidden'
server_alive
stop_server
