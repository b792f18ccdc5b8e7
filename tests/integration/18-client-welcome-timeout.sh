#!/usr/bin/env bash
# A server that accepts the connection and then says nothing must not
# leave a client waiting for ever: plain-client, secure-client and
# secure-client --tls give up after --welcome-timeout, say why, and exit
# with status 1. The time a user takes at secure-client's first-use prompt
# is not the server's: answered after longer than the timeout, the client
# still gets in. An answer other than yes or no is asked again.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"

# A listener that accepts every connection and never writes a byte.
fake_server silent <<'EOF'
held = []
try:
    while True:
        held.append(s.accept()[0])
except OSError:
    pass
EOF

"$KIT_BIN/secure-keys" gen "$TMP_DIR/server" >/dev/null || fail "keygen"
pin=(--server-key "$TMP_DIR/server.pub")

# gives_up NAME PROGRAM [options]: PROGRAM gives up within a few seconds
gives_up()
{
	local name=$1 prog=$2 t0 took

	shift 2
	t0=$(now_ms)
	CLIENT_PROG=$prog client_start "$name" --welcome-timeout 1 "$@" \
		<<<'never sent'
	client_wait "$name" 1
	took=$(($(now_ms) - t0))
	grep -q "no welcome from the server within 1 s" "$TMP_DIR/$name.out" ||
		fail "$name: no message saying why it gave up"
	[ "$took" -lt 5000 ] || fail "$name gave up only after $took ms"
	echo "$name: gave up after $took ms"
}

gives_up plain plain-client
gives_up secure secure-client "${pin[@]}"
gives_up tls secure-client --tls "${pin[@]}"

# A first-use prompt answered after 2.5 s, with --welcome-timeout 1: the
# server did answer (the handshake stopped for the user), so the client
# registers and joins.
PROMPT='Are you sure you want to continue connecting (yes/no/[fingerprint])?'
SERVER_PROG=secure-server start_server --key "$TMP_DIR/server.key"
bounded 30 python3 "$(dirname "$0")/ptyanswer.py" 2.5 "$PROMPT" yes \
	'alice joined #lab' "$KIT_BIN/secure-client" -v --host "$SERVER_HOST" \
	--port "$SERVER_PORT" --nick alice --channel '#lab' \
	--known-hosts "$TMP_DIR/known_hosts" --welcome-timeout 1 \
	>"$TMP_DIR/prompt.out" 2>&1 ||
	fail "the client at the prompt did not get in: $(cat "$TMP_DIR/prompt.out")"
# -v: the handshake's time, without the user's at the prompt
grep -Eq 'handshake in [0-9]{1,3}\.[0-9]+ ms \(kit-chat v1 [^)]*\), and [2-9]\.[0-9] s at the first-use prompt' \
	"$TMP_DIR/prompt.out" ||
	fail "-v did not set the prompt's time apart: $(cat "$TMP_DIR/prompt.out")"
grep -q "^Added 127.0.0.1:$SERVER_PORT to " "$TMP_DIR/prompt.out" ||
	fail "the answer did not add the server to the known hosts"
! grep -q "no welcome" "$TMP_DIR/prompt.out" ||
	fail "the time at the prompt counted against the server"
echo "first-use prompt answered after 2.5 s: joined #lab (--welcome-timeout 1)"

# An answer other than yes or no (in any case) or the fingerprint is asked
# again, as SSH does; a wrong fingerprint is said to be one. The right one
# may come with spaces and the prompt's full stop, as copied from it.
bounded 30 python3 "$(dirname "$0")/ptyanswer.py" 0.2 "$PROMPT" $'y\nYes' \
	'bob joined #lab' "$KIT_BIN/secure-client" --host "$SERVER_HOST" \
	--port "$SERVER_PORT" --nick bob --channel '#lab' \
	--known-hosts "$TMP_DIR/known_hosts2" >"$TMP_DIR/again.out" 2>&1 ||
	fail "'y', then 'Yes', did not get the client in: $(cat "$TMP_DIR/again.out")"
grep -q "Please type 'yes', 'no' or the fingerprint" "$TMP_DIR/again.out" ||
	fail "'y' was not asked again"
echo "first-use prompt: 'y' is asked again, then 'Yes' trusts"
fp=$("$KIT_BIN/secure-keys" fingerprint "$TMP_DIR/server.pub") ||
	fail "fingerprint"
bounded 30 python3 "$(dirname "$0")/ptyanswer.py" 0.2 "$PROMPT" \
	"SHA256:not-it"$'\n'" $fp." 'erin joined #lab' "$KIT_BIN/secure-client" \
	--host "$SERVER_HOST" --port "$SERVER_PORT" --nick erin \
	--channel '#lab' --known-hosts "$TMP_DIR/known_hosts5" \
	>"$TMP_DIR/fp.out" 2>&1 ||
	fail "the pasted fingerprint did not get the client in: $(cat "$TMP_DIR/fp.out")"
grep -q "That is not its fingerprint. Please type" "$TMP_DIR/fp.out" ||
	fail "a wrong fingerprint was not said to be one"
grep -q "Added 127.0.0.1:$SERVER_PORT to " "$TMP_DIR/fp.out" ||
	fail "the fingerprint did not add the server to the known hosts"
# Copied without its "SHA256:" (a double-click selects only the base64).
bounded 30 python3 "$(dirname "$0")/ptyanswer.py" 0.2 "$PROMPT" \
	"${fp#SHA256:}" 'fay joined #lab' "$KIT_BIN/secure-client" \
	--host "$SERVER_HOST" --port "$SERVER_PORT" --nick fay \
	--channel '#lab' --known-hosts "$TMP_DIR/known_hosts6" \
	>"$TMP_DIR/bare.out" 2>&1 ||
	fail "the fingerprint without SHA256: was refused: $(cat "$TMP_DIR/bare.out")"
echo "first-use prompt: a wrong fingerprint is asked again, the right one trusts, with or without SHA256:"

# answered_out NAME PAUSE ANSWER THEN [options]: NAME's secure-client
# gets ANSWER at the prompt after PAUSE s, then prints THEN and exits 1
# (its output in $TMP_DIR/NAME.out, its known hosts in $TMP_DIR/NAME.kh).
answered_out()
{
	local name=$1 pause=$2 answer=$3 then=$4 status=0

	shift 4
	bounded 30 python3 "$(dirname "$0")/ptyanswer.py" "$pause" "$PROMPT" \
		"$answer" "$then" "$KIT_BIN/secure-client" "$@" \
		--host "$SERVER_HOST" --port "$SERVER_PORT" --nick "$name" \
		--channel '#lab' --known-hosts "$TMP_DIR/$name.kh" \
		>"$TMP_DIR/$name.out" 2>&1 || status=$?
	[ "$status" -eq 1 ] ||
		fail "$name: status $status, not 1: $(cat "$TMP_DIR/$name.out")"
}

# "no" refuses: the client says so once, remembers nothing and exits 1.
answered_out carol 0.2 no 'not connecting'
grep -q "connection to the server lost: handshake failed: the server's key was refused: nothing was sent" \
	"$TMP_DIR/carol.out" || fail "'no' did not end as a refusal: $(cat "$TMP_DIR/carol.out")"
[ ! -s "$TMP_DIR/carol.kh" ] || fail "'no' added the server to the known hosts"
echo "first-use prompt: 'no' refuses, and nothing is remembered"
stop_server

# A server that stops waiting for a login held at the prompt
# (--register-timeout) is said to have done so, not to have cut the
# stream, nor to have refused the login; over --tls too.
LATE="the server closed the connection before answering the login (it drops logins that take longer than its --register-timeout, 60 s by default): connect again"
SERVER_PROG=secure-server start_server --key "$TMP_DIR/server.key" \
	--register-timeout 1
answered_out frank 2.5 yes 'connect again'
grep -qF "$LATE" "$TMP_DIR/frank.out" ||
	fail "a late answer: $(cat "$TMP_DIR/frank.out")"
! grep -q "login was refused" "$TMP_DIR/frank.out" ||
	fail "a late answer was taken for a refused login: $(cat "$TMP_DIR/frank.out")"
echo "an answer later than --register-timeout is told it came too late"
stop_server
SERVER_PROG=secure-server start_server --tls --key "$TMP_DIR/server.key" \
	--register-timeout 1
answered_out dave 2.5 yes 'connect again' --tls
grep -qF "$LATE" "$TMP_DIR/dave.out" ||
	fail "a late answer over --tls: $(cat "$TMP_DIR/dave.out")"
echo "--tls: an answer later than --register-timeout is told it came too late"
stop_server
