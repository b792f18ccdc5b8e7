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
