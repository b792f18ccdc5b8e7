#!/usr/bin/env bash
# A server's last line cut short: plain-client shows it after an orderly
# close (FIN), as what the server said before it left, but not after a
# reset, where its start could read as a whole line that says something
# else; the client says so. (secure_chat's transport reports a cut stream
# or a record that does not authenticate the same way: not orderly.)
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"

# A server that welcomes each client, sends one whole line and the start
# of another, then closes: the first connection with a reset, the second
# with a FIN.
fake_server cutting <<'EOF'
import struct, time
for reset in (True, False):
    c, _ = s.accept()
    c.recv(4096)  # NICK and USER
    c.sendall(b":srv 001 alice :Welcome\r\n"
              b":bob!bob@h PRIVMSG alice :whole line\r\n"
              b":bob!bob@h PRIVMSG alice :transfer the money only if")
    time.sleep(0.5)  # the client has read it all
    if reset:
        c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                     struct.pack("ii", 1, 0))
    c.close()
EOF

client_start reset <<<'/expect never comes'
client_wait reset 1
assert_lines_in_order reset '*bob* whole line'
assert_no_text reset 'transfer the money'
grep -q "connection to the server lost: .* (the line it cut short is not shown)" \
	"$TMP_DIR/reset.out" || fail "reset: not said: $(cat "$TMP_DIR/reset.out")"
echo "reset: the whole line shown, the cut one not, and the client says so"

client_start fin <<<'/expect never comes'
client_wait fin 1
assert_lines_in_order fin '*bob* whole line' '*bob* transfer the money only if'
! grep -q "cut short" "$TMP_DIR/fin.out" || fail "fin: called cut short"
echo "orderly close: the server's last line shown, as it came"
