#!/usr/bin/env bash
# mitm_proxy --raw relays a plain IRC session unchanged: alice talks to
# the server through the proxy, bob directly, and the scripted conversation
# of tests/integration/01-conversation.sh must reach both in order. The
# proxy must then see both ends close, exit 0, and report as many bytes
# out as in each way.
#
# Usage: [MITM_PROXY=path] [KIT_BIN=bin] bash tests/mitm/check_irc_raw.sh
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"

MITM_PROXY=${MITM_PROXY:-$TOP_DIR/build/release/tests/mitm_proxy}
[ -x "$MITM_PROXY" ] || fail "no $MITM_PROXY (build it first)"

# shellcheck disable=SC2119
start_server

MITM_LOG=$TMP_DIR/mitm.log
timeout -k 5 60 "$MITM_PROXY" --raw --listen 0 \
	--to "$SERVER_HOST:$SERVER_PORT" --timeout 20 \
	>"$MITM_LOG" 2>&1 </dev/null &
MITM_PID=$!
track_pid "$MITM_PID"
wait_for_file_text "$MITM_LOG" "mitm_proxy: listening on" 10 ||
	fail "mitm_proxy did not start"
MITM_PORT=$(sed -n \
	's/^mitm_proxy: listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$MITM_LOG")

SERVER_PORT=$MITM_PORT client_start alice --channel '#lab' <<'EOF'
/expect <bob> hi alice
hello bob, how are you? héllo ✓
/expect <bob> :-) fine, thanks
bye bob
/expect * bob waves goodbye
EOF
wait_joined alice '#lab'

client_start bob --channel '#lab' <<'EOF'
hi alice
/expect <alice> hello bob, how are you?
:-) fine, thanks
/expect <alice> bye bob
/me waves goodbye
EOF

client_wait bob
client_wait alice

conversation=(
	'#lab <bob> hi alice'
	'#lab <alice> hello bob, how are you? héllo ✓'
	'#lab <bob> :-) fine, thanks'
	'#lab <alice> bye bob'
	'#lab * bob waves goodbye'
)
assert_lines_in_order alice '-- bob joined #lab' "${conversation[@]}"
assert_lines_in_order bob "${conversation[@]}"

wait_exit "$MITM_PID" 10 || fail "mitm_proxy still running after the session"
wait "$MITM_PID"
status=$?
[ "$status" -eq 0 ] || fail "mitm_proxy exited with status $status"
check_sanitizer_log "$MITM_LOG" "mitm_proxy"
for dir in c2s s2c; do
	pat="^mitm_proxy: $dir: 0 frames, ([0-9]+) bytes in, \\1 bytes out$"
	grep -Eq "$pat" "$MITM_LOG" ||
		fail "mitm_proxy: $dir bytes in != bytes out"
done
grep -q 'mitm_proxy: c2s: 0 frames, 0 bytes' "$MITM_LOG" &&
	fail "mitm_proxy relayed nothing"
stop_server
