#!/usr/bin/env bash
# SIGTERM: every connected client (registered or not) gets ERROR, and the
# server exits with status 0 within 5 s.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"

start_server
for nick in kit1 kit2; do
	EXPECT_TIMEOUT=60 CLIENT_TIMEOUT=70 client_start "$nick" \
		--channel '#lab' <<<'/expect this never comes'
	wait_joined "$nick" '#lab'
done
raw_py_start raw <<'EOF'
from ircraw import *

BYE = r"^ERROR :Closing Link: 127\.0\.0\.1 \(Server shutting down\)$"
r = Conn("raw").register("raw", "#lab")
u = Conn("unregistered")
u.ping("ok")
print("ready", flush=True)
for c in (r, u):
    c.expect(BYE, timeout=30)
    c.expect_eof()
EOF
wait_for_file_text "$TMP_DIR/raw.log" ready 15 || fail "raw clients not ready"

start=$(now_ms)
stop_server 5
ms=$(($(now_ms) - start))
echo "server stopped in $ms ms"
grep -q 'shutting down' "$SERVER_LOG" || fail "no shutdown message in the log"
raw_py_wait raw
for nick in kit1 kit2; do
	client_wait "$nick" 1
	assert_lines_in_order "$nick" \
		'!! server: Closing Link: 127.0.0.1 (Server shutting down)'
done

# A client told to stop (Ctrl-C, SIGTERM) says goodbye as /quit does: its
# peers see "Quit: leaving" (over secure_chat not a stream cut without
# close_notify), and it exits with 128 + the signal's number.
"$KIT_BIN/secure-keys" gen "$TMP_DIR/server" >/dev/null || fail "keygen"
for prog in plain-server secure-server; do
	key=() pin=()
	if [ "$prog" = secure-server ]; then
		key=(--key "$TMP_DIR/server.key")
		pin=(--server-key "$TMP_DIR/server.pub")
		export CLIENT_PROG=secure-client
	fi
	SERVER_PROG=$prog start_server "${key[@]}"
	client_start watcher "${pin[@]}" --channel '#lab' <<<'/expect never comes'
	wait_joined watcher '#lab'
	for sig in INT TERM; do
		client_start "by$sig" "${pin[@]}" --channel '#lab' \
			<<<'/expect never comes'
		wait_joined "by$sig" '#lab'
		kill "-$sig" "${CLIENT_PID[by$sig]}"
		want=$((128 + $(kill -l "$sig")))
		client_wait "by$sig" "$want"
		wait_for_file_text "$TMP_DIR/watcher.out" \
			"-- by$sig quit (Quit: leaving)" 10 ||
			fail "$prog: SIG$sig: the peers did not see a goodbye: $(cat "$TMP_DIR/watcher.out")"
	done
	kill -TERM "${CLIENT_PID[watcher]}"
	client_wait watcher 143
	stop_server
	unset CLIENT_PROG
	echo "$prog: a client stopped by SIGINT or SIGTERM says goodbye"
done
