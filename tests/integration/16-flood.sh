#!/usr/bin/env bash
# One client writes 5,000 PRIVMSG lines at once: another client gets all of
# them, in order, and a third client's messages still get through.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"

start_server
EXPECT_TIMEOUT=60 client_start reader --channel '#lab' <<'EOF'
/expect <third> third done
EOF
wait_joined reader '#lab'

raw_py <<'EOF'
import threading
from ircraw import *

N = 5000
r = Conn("rawreader").register("rawreader", "#lab")
t = Conn("third").register("third", "#lab")
f = Conn("flooder").register("flooder", "#lab")
r.expect(r"^:flooder!\S+ JOIN")

flood, thirds = [], []
def read():
    while True:
        text = r.readline(30)
        if text is None:
            return
        m = re.match(r"^:(flooder|third)!\S+ PRIVMSG #lab :\S+ (\S+)$", text)
        if m and m.group(2) == "done":
            return
        if m:
            (flood if m.group(1) == "flooder" else thirds).append(
                int(m.group(2)))
reader = threading.Thread(target=read)
reader.start()

burst = "".join("PRIVMSG #lab :flood %05d\r\n" % i for i in range(N))
sender = threading.Thread(target=f.send, args=(burst, 60))
sender.start()
for i in range(20):             # meanwhile, the third client talks
    t.privmsg("#lab", "third %d" % i)
    t.ping("t%d" % i)
sender.join(60)
check(not sender.is_alive(), "the flood could not be sent")
f.privmsg("#lab", "flood done")
reader.join(60)
check(not reader.is_alive(), "'flood done' never arrived")
check(flood == list(range(N)),
      "got %d of %d flood lines (or out of order)" % (len(flood), N))
t.privmsg("#lab", "third done")
check(thirds == list(range(20)), "third's messages: %r" % thirds)
EOF
client_wait reader
client_lines reader | sed -n 's/^#lab <flooder> flood \([0-9]*\)$/\1/p' \
	>"$TMP_DIR/flood.got"
seq -f '%05g' 0 4999 >"$TMP_DIR/flood.want"
cmp -s "$TMP_DIR/flood.got" "$TMP_DIR/flood.want" ||
	fail "the kit client got $(wc -l <"$TMP_DIR/flood.got") of 5000" \
		"flood lines (or out of order)"
client_lines reader | sed -n 's/^#lab <third> third \([0-9]*\)$/\1/p' \
	>"$TMP_DIR/third.got"
seq 0 19 | cmp -s - "$TMP_DIR/third.got" ||
	fail "the kit client missed some of third's messages"
stop_server
