#!/usr/bin/env bash
# Client logins over the kit's protocol: a listed key and a right password
# get in, under their own nick; a key the server does not list, a wrong
# password and an anonymous client (when the server wants a login) are
# refused. A refused client is told so ("the server refused this login
# (access_denied ..."), although it is done with the handshake and has already
# sent its registration (1-RTT), in an alert sealed under the server's
# application key: none of its chat reaches anyone, the server logs each
# refusal with its reason and goes on serving the others. A second login
# as a nick that is online stops at once, saying why.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"

for p in secure-server secure-client secure-keys; do
	[ -x "$KIT_BIN/$p" ] || fail "no $KIT_BIN/$p"
done
cd "$TMP_DIR" || fail "cannot cd to $TMP_DIR"
for k in server alice mallory; do
	"$KIT_BIN/secure-keys" gen "$k" >/dev/null || fail "secure-keys gen $k"
done
fp=$("$KIT_BIN/secure-keys" fingerprint server.pub) || fail "fingerprint"
echo "alice $(cat alice.pub)" >authorized_keys
printf 'carol-secret-pw\n' | "$KIT_BIN/secure-keys" adduser users carol \
	>/dev/null 2>&1 || fail "secure-keys adduser"
printf 'carol-secret-pw\n' >good.pw
printf 'not-her-pw\n' >bad.pw
export CLIENT_PROG=secure-client
SERVER_PROG=secure-server start_server -v --key server.key \
	--authorized-keys authorized_keys --users users

client_start alice --channel '#lab' --server-key "$fp" --key alice.key <<'EOF'
/expect carol: in by password
alice: in by key
/expect bye from carol
EOF
wait_joined alice '#lab'

# refused NAME WHY CLIENT-OPTION...: NAME's login fails with access_denied
refused() {
	local name=$1 why=$2
	shift 2
	EXPECT_TIMEOUT=5 client_start "$name" -v --channel '#lab' \
		--server-key "$fp" "$@" <<EOF
$name-was-here
EOF
	client_wait "$name" 1
	grep -q '!! connection to the server lost: the server refused this login (access_denied: ' \
		"$name.out" || fail "$name was not told of the refusal: $(cat "$name.out")"
	! grep -q 'not authenticated' "$name.out" ||
		fail "$name's refusal came in the clear, not sealed"
	! grep -q 'handshake in' "$name.err" ||
		fail "$name -v reported a handshake, then was refused"
	grep -q "$why" "$SERVER_LOG" || fail "the server did not log: $why"
	echo "$name: refused ($why)"
}

refused mallory "refused key login as 'mallory' from 127.0.0.1: the nick is not in the authorized keys" \
	--key mallory.key
refused alice2 "refused key login as 'alice2' from 127.0.0.1: the nick is not in the authorized keys" \
	--key alice.key
refused fake-alice "refused key login as 'alice' from 127.0.0.1: not the key listed for the nick" \
	--nick alice --key mallory.key
refused carol2 "refused password login as 'carol'" --nick carol \
	--password-file bad.pw
refused anon "refused anonymous login as 'anon' from 127.0.0.1: the server takes key or password logins only"
grep -q 'an anonymous login was refused: .* wants --key NAME.key or --password-file FILE$' anon.err ||
	fail "anon was not told how to log in: $(cat anon.err)"
# --password is IRC's PASS, sent once logged in: the hint says so.
refused passer "refused anonymous login as 'passer'" --password carol-secret-pw
grep -q "(--password is IRC's PASS, sent only once logged in; with --tls it is the login)" \
	passer.err || fail "passer was not told what --password is: $(cat passer.err)"
! grep -q 'an anonymous login was refused' carol2.err ||
	fail "a refused password login was told to log in"

client_start carol -v --channel '#lab' --server-key "$fp" \
	--password-file good.pw <<'EOF'
carol: in by password
/expect alice: in by key
bye from carol
EOF
client_wait carol
client_wait alice
assert_lines_in_order alice '#lab <carol> carol: in by password' \
	'#lab <carol> bye from carol'
assert_lines_in_order carol '#lab <alice> alice: in by key'
grep -Eq 'handshake in [0-9.]+ ms \(kit-chat v1 ' carol.err ||
	fail "carol -v, let in, did not report her handshake"
grep -q 'good.pw can be read or written by others: chmod 600 good.pw' carol.err ||
	fail "carol was not warned of a password file others can read"
grep -q "secure-server: key login as 'alice'" "$SERVER_LOG" &&
	grep -q "secure-server: password login as 'carol'" "$SERVER_LOG" ||
	fail "secure-server -v did not log the logins it let in"
for name in mallory alice2 fake-alice carol2 anon passer; do
	! grep -q "$name-was-here" alice.out carol.out "$SERVER_LOG" ||
		fail "$name's chat got through"
	! grep -q "$name joined" alice.out ||
		fail "$name joined the channel"
done
echo "key and password logins in; refused clients told, none of their chat shown"

# A second login as a nick that is online: its nick is taken and a login
# binds the connection to it, so the client stops at once and says so.
EXPECT_TIMEOUT=4 client_start carol --channel '#lab' --server-key "$fp" \
	--password-file good.pw <<'EOF'
/expect never comes
EOF
wait_joined carol '#lab'
t0=$(now_ms)
client_start carol-again --nick carol --channel '#lab' --server-key "$fp" \
	--password-file good.pw </dev/null
client_wait carol-again 1
took=$(( $(now_ms) - t0 ))
grep -q "!! the server refused the nick carol_: not registered" carol-again.out ||
	fail "carol-again was not told why: $(cat carol-again.out)"
[ "$took" -lt 3000 ] || fail "carol-again gave up only after $took ms"
client_wait carol 3	# its /expect never came
echo "a second login as an online nick stops at once ($took ms)"

# Anonymous and key logins refused are not guesses: more of them than the
# brake allows leave a right password coming in.
for i in $(seq 12); do
	EXPECT_TIMEOUT=3 client_start "nobody$i" --channel '#lab' \
		--server-key "$fp" </dev/null
	client_wait "nobody$i" 1
done
client_start carol-pw --nick carol --channel '#lab' --server-key "$fp" \
	--password-file good.pw <<<'in after 12 anonymous refusals'
client_wait carol-pw
echo "refused anonymous logins do not engage the brake"

# 10 wrong passwords from one address in 10 s lock that address's
# password logins out for the rest of the window; a refusal of that time
# is logged as such, and a key login still comes in. Bounded: at most 25
# wrong passwords, stopping at the first refused for the lockout.
locked="refused password login as 'carol' from 127.0.0.1: too many failed password logins lately from its address"
for i in $(seq 25); do
	grep -q "$locked" "$SERVER_LOG" && break
	EXPECT_TIMEOUT=3 client_start "guess$i" --nick carol --channel '#lab' \
		--server-key "$fp" --password-file bad.pw </dev/null
	client_wait "guess$i" 1
done
grep -q "10 failed password logins from 127.0.0.1 in 10 s: refusing its password logins for the rest of that time" \
	"$SERVER_LOG" && grep -q "$locked" "$SERVER_LOG" ||
	fail "a login refused in the lockout was not logged so"
client_start alice-locked --nick alice --channel '#lab' --server-key "$fp" \
	--key alice.key <<<'a key login while passwords are braked'
client_wait alice-locked
echo "a password login refused by the brake is logged as such; a key login still comes in"
stop_server

# --users is checked when the server starts: a malformed file stops it
# with the line at fault, and one that others can read or write is
# warned of. One that goes bad while the server runs refuses password
# logins, but its errors are the server's, not guesses: they do not
# engage the brake, and a key login still gets in after more of them
# than the brake allows.
printf 'garbage line\n' >bad_users
chmod 600 bad_users
status=0
bounded 10 "$KIT_BIN/secure-server" --bind 127.0.0.1 --port 0 \
	--key server.key --users bad_users >bad_users.out 2>&1 || status=$?
[ "$status" -eq 1 ] || fail "a malformed --users file: status $status, not 1"
grep -qF "secure-server: --users: bad_users:1: not 7 fields separated by ':'" \
	bad_users.out || fail "a malformed --users file: $(cat bad_users.out)"
cp users open_users
chmod 644 open_users
chmod 666 authorized_keys
SERVER_PROG=secure-server start_server --key server.key \
	--authorized-keys authorized_keys --users open_users
grep -qF -- "--users open_users can be read or written by others: chmod 600 open_users" \
	"$SERVER_LOG" || fail "an --users file others can read was not warned of"
grep -qF -- "--authorized-keys authorized_keys can be written by others, who could add a key for any nick: chmod go-w authorized_keys" \
	"$SERVER_LOG" || fail "an --authorized-keys file others can write was not warned of"
chmod 644 authorized_keys
printf 'garbage line\n' >open_users
t0=$(now_ms)
for i in $(seq 12); do
	EXPECT_TIMEOUT=5 client_start "carol-$i" --nick carol --channel '#lab' \
		--server-key "$fp" --password-file good.pw </dev/null
	client_wait "carol-$i" 1
done
# The brake counts 10 failures in 10 s: slower refusals would prove nothing.
took=$(($(now_ms) - t0))
[ "$took" -lt 9000 ] || skip "12 refusals took $took ms: too slow to test the brake"
! grep -q "failed password logins" "$SERVER_LOG" ||
	fail "errors of the users file engaged the brake"
client_start alice-after --nick alice --channel '#lab' --server-key "$fp" \
	--key alice.key <<<'after the broken users file'
client_wait alice-after
echo "--users: checked at start; its errors later do not lock logins out"
stop_server
