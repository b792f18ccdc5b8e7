#!/usr/bin/env bash
# secure-server --tls and secure-client --tls: two clients and
# `openssl s_client` chat over TLS 1.3; the key log has the SSLKEYLOGFILE
# lines of every connection, and with it tshark reads the chat in a
# capture on lo that shows none of it raw (when root and tshark are
# there); a wrong --server-key pin ends the handshake before any chat
# byte (the server sees no NICK, the client never derives a key to send
# with); known hosts and the changed-key warning work as in the kit's
# protocol; --authorized-keys lets in a listed key's certificate only, under
# its own nick; --users takes the nick's password in PASS; --cipher picks
# the TLS 1.3 suite; --pad is refused.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"

for p in secure-server secure-client secure-keys; do
	[ -x "$KIT_BIN/$p" ] || fail "no $KIT_BIN/$p"
done
command -v openssl >/dev/null || skip "no openssl command"
cd "$TMP_DIR" || fail "cannot cd to $TMP_DIR"
for k in server alice mallory impostor; do
	"$KIT_BIN/secure-keys" gen "$k" >/dev/null || fail "secure-keys gen $k"
done
fp=$("$KIT_BIN/secure-keys" fingerprint server.pub) || fail "fingerprint"
export CLIENT_PROG=secure-client

# --- capture (root and tshark only) ---------------------------------------------
capture=
if [ "$(id -u)" -ne 0 ]; then
	echo "not root: no capture, no tshark decryption check"
elif ! command -v tshark >/dev/null || ! command -v tcpdump >/dev/null; then
	echo "no tshark or tcpdump: no decryption check (apt-get install tshark)"
else
	capture=1
fi

# start_capture: tcpdump on lo, the server's port, into tls.pcap
start_capture() {
	tcpdump -i lo --immediate-mode -U -w tls.pcap "tcp port $SERVER_PORT" \
		2>tcpdump.log &
	tcpdump_pid=$!
	track_pid "$tcpdump_pid"
	wait_for_file_text tcpdump.log "listening on" 10 ||
		fail "tcpdump did not start"
}

# check_capture: the raw capture hides the chat, tshark with the key log
# shows it (and without the key log does not).
check_capture() {
	local s i follow

	# Every packet written: the server's FIN or RST on all three
	# connections (a close_notify after the server's close draws an RST).
	for ((i = 0; i < 100; i++)); do
		[ "$(tcpdump -nr tls.pcap 2>/dev/null | sed -n \
			"s/.*\.$SERVER_PORT > 127\.0\.0\.1\.\([0-9]*\): Flags \[[FR].*/\1/p" |
			sort -u | wc -l)" -ge 3 ] && break
		sleep 0.1
	done
	kill -INT "$tcpdump_pid"
	wait "$tcpdump_pid"
	grep -aq 'alice-says-hello' tls.pcap &&
		fail "the chat is readable in the raw capture"
	follow=()
	for s in 0 1 2; do
		follow+=(-z "follow,tls,ascii,$s")
	done
	bounded 60 tshark -n -r tls.pcap -o tls.keylog_file:keys.log \
		-d "tcp.port==$SERVER_PORT,tls" -q "${follow[@]}" \
		>decrypted.txt 2>tshark.err ||
		fail "tshark failed: $(head -c 300 tshark.err)"
	bounded 60 tshark -n -r tls.pcap -d "tcp.port==$SERVER_PORT,tls" -q \
		"${follow[@]}" >nokeys.txt 2>/dev/null
	grep -q 'PRIVMSG #lab :alice-says-hello' decrypted.txt ||
		fail "tshark with the key log does not show alice's PRIVMSG"
	grep -q 'PRIVMSG #lab :openssl-says-hi' decrypted.txt ||
		fail "tshark with the key log does not show s_client's PRIVMSG"
	! grep -q 'alice-says-hello' nokeys.txt ||
		fail "tshark shows the chat without the key log"
	echo "capture: chat hidden raw, readable by tshark with the key log"
}

# --- two secure-clients and openssl s_client ----------------------------------
SERVER_PROG=secure-server start_server -v --tls --key server.key \
	--keylog keys.log
grep -q '^secure-server: WARNING: writing session secrets to keys.log' "$SERVER_LOG" ||
	fail "no warning that the key log is on"
[ -n "$capture" ] && start_capture

raw_py_start ossl "$SERVER_PORT" <<'EOF'
import select, subprocess, sys, time
p = subprocess.Popen(["openssl", "s_client", "-quiet", "-connect",
                      "127.0.0.1:" + sys.argv[1]], stdin=subprocess.PIPE,
                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
buf = b""
def wait_for(text, limit=30):
    global buf
    end = time.time() + limit
    while text not in buf:
        left = end - time.time()
        if left <= 0 or not select.select([p.stdout], [], [], left)[0]:
            sys.exit("timed out waiting for %r; got %r" % (text, buf[-300:]))
        chunk = p.stdout.read1(4096)
        if not chunk:
            sys.exit("s_client ended before %r; got %r" % (text, buf[-300:]))
        buf += chunk
def send(line):
    p.stdin.write(line.encode() + b"\r\n")
    p.stdin.flush()
send("NICK ossl")
send("USER ossl 0 * :openssl s_client")
send("JOIN #lab")
wait_for(b" 366 ossl #lab ")
print("ready", flush=True)
wait_for(b":alice!alice@127.0.0.1 PRIVMSG #lab :alice-says-hello")
send("PRIVMSG #lab :openssl-says-hi")
wait_for(b":bob!bob@127.0.0.1 PRIVMSG #lab :bob-got-both")
send("QUIT :done")
wait_for(b"ERROR :Closing Link")
p.stdin.close()
p.wait(timeout=10)
print("ok")
EOF
wait_for_file_text "$TMP_DIR/ossl.log" ready 20 ||
	fail "s_client did not register and join"
client_start alice --tls --channel '#lab' --server-key "$fp" <<'EOF'
/expect bob joined #lab
alice-says-hello
/expect openssl-says-hi
/expect bob-got-both
EOF
wait_joined alice '#lab'
client_start bob --tls --channel '#lab' --server-key server.pub <<'EOF'
/expect openssl-says-hi
bob-got-both
EOF
raw_py_wait ossl
client_wait alice
client_wait bob
assert_lines_in_order alice '#lab <ossl> openssl-says-hi' \
	'#lab <bob> bob-got-both'
assert_lines_in_order bob '#lab <alice> alice-says-hello' \
	'#lab <ossl> openssl-says-hi'
grep -q 'handshake in [0-9.]* ms (TLSv1.3 ' "$SERVER_LOG" ||
	fail "-v did not log the handshake timing"
grep -q '^secure-server: anonymous login from 127.0.0.1$' "$SERVER_LOG" ||
	fail "-v did not log the anonymous logins it let in, as without --tls"
echo "two secure-clients and s_client chatted over TLS 1.3"

# SSLKEYLOGFILE format: label, client random (32 bytes), secret.
for label in CLIENT_HANDSHAKE_TRAFFIC_SECRET SERVER_HANDSHAKE_TRAFFIC_SECRET \
	CLIENT_TRAFFIC_SECRET_0 SERVER_TRAFFIC_SECRET_0 EXPORTER_SECRET; do
	n=$(grep -cE "^$label [0-9a-f]{64} [0-9a-f]{64}([0-9a-f]{32})?\$" keys.log)
	[ "$n" -eq 3 ] || fail "keys.log has $n $label lines, not 3"
done
grep -vqE '^[A-Z_0-9]+ [0-9a-f]{64} [0-9a-f]+$' keys.log &&
	fail "keys.log has a line not in SSLKEYLOGFILE format"
[ -n "$capture" ] && check_capture

# --- a wrong pin: refused before any chat byte -------------------------------
EXPECT_TIMEOUT=5 client_start pinned-wrong --tls --channel '#lab' \
	--server-key impostor.pub --keylog wrong.keys <<'EOF'
never-sent-text
EOF
client_wait pinned-wrong 1
grep -q "is not the one pinned with --server-key" pinned-wrong.err ||
	fail "no clear message for a wrong pin: $(cat pinned-wrong.err)"
grep -q "the server's key was refused: nothing was sent" pinned-wrong.out ||
	fail "the client did not say it sent nothing: $(cat pinned-wrong.out)"
# It read the server's certificate (under the server's handshake key)
# and stopped there: it never had a key of its own to send anything with.
grep -q '^SERVER_HANDSHAKE_TRAFFIC_SECRET ' wrong.keys ||
	fail "the refused client logged no server handshake secret"
! grep -q '^CLIENT_' wrong.keys ||
	fail "the refused client derived keys to send with"
wait_for_file_text "$SERVER_LOG" "* (127.0.0.1) left: TLS handshake failed" \
	10 || fail "the server did not log the refused handshake"
grep -q 'never-sent-text\|^secure-server: pinned-wrong ' "$SERVER_LOG" &&
	fail "the server saw the refused client's nick or chat"
echo "wrong pin: refused in the handshake, no NICK reached the server"

# --- known hosts over TLS: the same file, the same warnings ------------------
client_start tofu --tls --channel '#lab' --known-hosts kh \
	--trust-on-first-use <<'EOF'
tofu-was-here
EOF
client_wait tofu
grep -qx "127.0.0.1:$SERVER_PORT $(cut -d' ' -f1,2 server.pub)" kh ||
	fail "the server key was not remembered for its TLS port: $(cat kh)"
echo "127.0.0.1:$SERVER_PORT $(cut -d' ' -f1,2 impostor.pub)" >kh2
client_start changed --tls --channel '#lab' --known-hosts kh2 <<'EOF'
never-sent-either
EOF
client_wait changed 1
grep -q 'SERVER IDENTIFICATION HAS CHANGED' changed.err ||
	fail "no changed-key warning over TLS: $(cat changed.err)"
echo "known hosts: remembered on first use, a changed key stops the client"
stop_server

# --- client certificates: only listed keys, under their own nick -------------
echo "alice $(cat alice.pub)" >authorized_keys
echo "mallory $(cat impostor.pub)" >>authorized_keys
SERVER_PROG=secure-server start_server -v --tls --key server.key \
	--authorized-keys authorized_keys
client_start alice --tls --channel '#lab' --server-key "$fp" \
	--key alice.key <<'EOF'
/quote NICK notalice
alice-with-a-key
/expect you logged in as alice, and keep that nick
EOF
client_wait alice
assert_lines_in_order alice '#lab <alice> alice-with-a-key'
EXPECT_TIMEOUT=5 client_start mallory --tls --channel '#lab' \
	--server-key "$fp" --key mallory.key <<'EOF'
mallory-was-here
EOF
client_wait mallory 1
grep -q "refused key login as 'mallory'" "$SERVER_LOG" ||
	fail "the server did not log the refused key"
grep -q '!! connection to the server lost: the server refused this login (a TLS alert: the key is not the one it lists for this nick' mallory.out ||
	fail "mallory was not told of the refusal: $(cat mallory.out)"
EXPECT_TIMEOUT=5 client_start anon --tls --channel '#lab' \
	--server-key "$fp" <<'EOF'
anon-was-here
EOF
client_wait anon 1
grep -q "refused anonymous login from 127.0.0.1: the server takes key logins only$" \
	"$SERVER_LOG" || fail "a client without a certificate was not refused"
grep -q 'the server refused this login (certificate_required): over --tls it takes key logins only: log in with --key' anon.out ||
	fail "anon was not told a certificate is required: $(cat anon.out)"
grep -q 'mallory-was-here\|anon-was-here' "$SERVER_LOG" alice.out &&
	fail "a refused client's chat got through"
echo "client certificates: alice in as alice only, mallory and anonymous out"
stop_server

# --- passwords in PASS (--users) ---------------------------------------------
printf 'carol-secret-pw\n' | "$KIT_BIN/secure-keys" adduser users carol \
	>/dev/null 2>&1 || fail "secure-keys adduser"
printf 'carol-secret-pw\n' >good.pw
printf 'not-her-pw\n' >bad.pw
SERVER_PROG=secure-server start_server -v --tls --key server.key --users users \
	--cipher chacha20-poly1305
client_start carol --tls --channel '#lab' --server-key "$fp" \
	--password-file good.pw <<'EOF'
carol-with-a-password
EOF
client_wait carol
assert_lines_in_order carol '#lab <carol> carol-with-a-password'
client_start carol2 --tls --nick carol --channel '#lab' --server-key "$fp" \
	--password-file bad.pw <<'EOF'
never-sent
EOF
client_wait carol2 1
grep -q 'Password incorrect' carol2.out ||
	fail "a wrong password was not refused: $(cat carol2.out)"
grep -q "refused password login as 'carol'" "$SERVER_LOG" ||
	fail "the server did not log the wrong password"
client_start dave --tls --channel '#lab' --server-key "$fp" <<'EOF'
never-sent
EOF
client_wait dave 1
grep -q 'Password required' dave.out ||
	fail "a client without a password was not told one is required: $(cat dave.out)"
grep -q "refused anonymous login as 'dave' from 127.0.0.1: the server takes password logins only" \
	"$SERVER_LOG" || fail "the server did not log an anonymous login as such"
grep -q '(TLSv1.3 TLS_CHACHA20_POLY1305_SHA256)' "$SERVER_LOG" ||
	fail "--cipher chacha20-poly1305 did not pick TLS_CHACHA20_POLY1305_SHA256"
echo "passwords: the nick's password in PASS, a wrong or missing one refused"
# A client whose suites the server does not take is told so, not that its
# login was refused, with a certificate (--key) or without.
for how in "" "--key alice.key"; do
	# shellcheck disable=SC2086
	client_start nosuite --tls --channel '#lab' --server-key "$fp" \
		--cipher aes-256-gcm $how <<<'never-sent'
	client_wait nosuite 1
	grep -q 'the server refused the handshake (handshake_failure: most often no cipher suite in common, see --cipher)' \
		nosuite.out ||
		fail "no suite in common ($how) was not said: $(cat nosuite.out)"
done
echo "--cipher: no suite in common is said as such"

# --- the wrong mode: said at once, not waited out ---------------------------------
EXPECT_TIMEOUT=5 client_start no-tls --channel '#lab' --server-key "$fp" </dev/null
client_wait no-tls 1
grep -q 'connect with --tls' no-tls.out ||
	fail "a client without --tls was not told to use it: $(cat no-tls.out)"
stop_server
SERVER_PROG=secure-server start_server -v --key server.key
EXPECT_TIMEOUT=5 client_start tls-only --tls --channel '#lab' \
	--server-key "$fp" </dev/null
client_wait tls-only 1
grep -q 'a secure-server without --tls closes so when a TLS hello comes' tls-only.out ||
	fail "a --tls client was not told the server lacks --tls: $(cat tls-only.out)"
grep -q 'the client speaks TLS, not this protocol' "$SERVER_LOG" ||
	fail "the server did not log a TLS client"
echo "the wrong mode on either side is named at once"

# --- the wrong program: plain IRC met on either side, said as such ----------
CLIENT_PROG=plain-client EXPECT_TIMEOUT=5 client_start irc-on-secure \
	--channel '#lab' </dev/null
client_wait irc-on-secure 1
grep -q 'Closing Link: this is a secure_chat server: connect with secure-client' \
	irc-on-secure.out ||
	fail "plain-client on the secure port was not told: $(cat irc-on-secure.out)"
grep -q 'the client speaks plain text, not this protocol' "$SERVER_LOG" ||
	fail "the server did not log a plain IRC client"
stop_server
SERVER_PROG=secure-server start_server -v --tls --key server.key
CLIENT_PROG=plain-client EXPECT_TIMEOUT=5 client_start irc-on-tls \
	--channel '#lab' </dev/null
client_wait irc-on-tls 1
grep -q 'Closing Link: this server speaks TLS: connect with TLS' irc-on-tls.out ||
	fail "plain-client on the --tls port was not told: $(cat irc-on-tls.out)"
grep -q 'the client does not speak TLS (an IRC client without TLS' \
	"$SERVER_LOG" || fail "the --tls server did not log a plain IRC client"
# A first write shorter than a TLS record header, in two pieces, is told so
# too: the server looks at the first bytes before OpenSSL reads them.
bounded 20 python3 - "$SERVER_PORT" <<'EOF' || fail "a short first write on the --tls port was not told"
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
s.sendall(b"CAP ")
time.sleep(0.2)
s.sendall(b"LS\r\n")
data = b""
while True:
    got = s.recv(4096)
    if not got:
        break
    data += got
sys.exit(0 if b"this server speaks TLS: connect with TLS" in data else
         "got %r" % data[:200])
EOF
stop_server
start_server
for how in "" --tls; do
	# shellcheck disable=SC2086
	EXPECT_TIMEOUT=5 client_start "secure-on-plain$how" $how \
		--channel '#lab' --server-key "$fp" </dev/null
	client_wait "secure-on-plain$how" 1
done
grep -q 'the server answered in plain text, not this protocol (plain-server?' \
	secure-on-plain.out ||
	fail "secure-client on a plain port was not told: $(cat secure-on-plain.out)"
grep -q 'the server does not speak TLS (plain-server' secure-on-plain--tls.out ||
	fail "--tls on a plain port was not told: $(cat secure-on-plain--tls.out)"
stop_server
# Any short plain-text answer is named as such, not as an oversized frame.
fake_server ok-sayer <<'EOF'
import time
c, _ = s.accept()
c.sendall(b"OK\r\n")
time.sleep(2)
EOF
EXPECT_TIMEOUT=5 client_start secure-on-ok --channel '#lab' \
	--server-key "$fp" </dev/null
client_wait secure-on-ok 1
grep -q 'the server answered in plain text' secure-on-ok.out ||
	fail "an 'OK' answer was not named as plain text: $(cat secure-on-ok.out)"
echo "plain IRC, or other plain text, met by either secure side is named at once"

# --- options that mean nothing over TLS ------------------------------------------
bounded 10 "$KIT_BIN/secure-server" --tls --key server.key --pad 16 \
	>pad.out 2>pad.err
[ $? -eq 2 ] || fail "--tls --pad is not a usage error"
grep -q -- '--pad has no meaning with --tls' pad.err ||
	fail "no clear message for --tls --pad: $(cat pad.err)"
