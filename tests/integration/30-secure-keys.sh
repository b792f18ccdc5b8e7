#!/usr/bin/env bash
# secure-keys: gen writes NAME.key (mode 0600, PKCS#8) and NAME.pub (0644,
# "kit-ed25519 BASE64 NAME") whatever the umask, and never overwrites a
# key; fingerprint gives the same SHA256: text for the .key and the .pub
# (checked against Python and the openssl tool); a key others can read is
# refused; adduser reads the password from standard input, adds and then
# replaces the nick's line (NICK:scrypt:N:r:p:SALT:HASH, checked against
# Python's hashlib.scrypt) in a file of mode 0600; usage errors exit 2.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"

KEYS=$KIT_BIN/secure-keys
[ -x "$KEYS" ] || skip "no $KEYS (secure_chat's tools are not built)"
cd "$TMP_DIR" || fail "cannot cd to $TMP_DIR"

B64='[A-Za-z0-9+/]'
FP_RE="^SHA256:$B64{43}\$"

# keys NAME STATUS ARGS... [<INPUT]: run secure-keys ARGS (stdout in
# NAME.out, stderr in NAME.err); require exit status STATUS and no
# sanitizer report.
keys()
{
	local name=$1 want=$2 status

	shift 2
	bounded 60 "$KEYS" "$@" >"$name.out" 2>"$name.err"
	status=$?
	check_sanitizer_log "$name.err" "secure-keys $*"
	[ "$status" -eq "$want" ] ||
		fail "secure-keys $*: exit status $status, not $want"
}

mode_is()
{
	local got

	got=$(stat -c %a "$1") || fail "no file $1"
	[ "$got" = "$2" ] || fail "$1 has mode $got, not $2"
}

# --- gen ------------------------------------------------------------------------
keys gen 0 gen alice
mode_is alice.key 600
mode_is alice.pub 644
grep -qx -- '-----BEGIN PRIVATE KEY-----' alice.key ||
	fail "alice.key is not PEM PKCS#8"
[ "$(wc -l <alice.pub)" -eq 1 ] || fail "alice.pub is not one line"
grep -qE "^kit-ed25519 $B64{43}= alice\$" alice.pub ||
	fail "alice.pub is not 'kit-ed25519 BASE64 alice': $(cat -v alice.pub)"
gen_fp=$(sed -n "s/^\(SHA256:$B64\{43\}\) alice\$/\1/p" gen.out)
[ -n "$gen_fp" ] || fail "gen printed no fingerprint line"

# The modes do not depend on the umask.
(umask 077 && keys gen77 0 gen bob) || exit 1
mode_is bob.pub 644
keys gen_nodir 1 gen nodir/carol
mkdir keys && (umask 000 && keys gen00 0 gen keys/carol) || exit 1
mode_is keys/carol.key 600
mode_is keys/carol.pub 644
grep -qE "^kit-ed25519 $B64{43}= carol\$" keys/carol.pub ||
	fail "keys/carol.pub should be commented with the base name"

# Never overwrite: both files stay as they were.
sum_before=$(cat alice.key alice.pub | sha256sum)
keys gen_again 1 gen alice
grep -q 'alice.key already exists' gen_again.err ||
	fail "no clear message for an existing key: $(cat gen_again.err)"
[ "$(cat alice.key alice.pub | sha256sum)" = "$sum_before" ] ||
	fail "gen changed an existing key"
rm bob.key
keys gen_stray 1 gen bob
grep -q 'bob.pub already exists' gen_stray.err ||
	fail "no clear message for an existing .pub: $(cat gen_stray.err)"
[ ! -e bob.key ] || fail "gen left a .key behind without its .pub"

# --- fingerprint -------------------------------------------------------------------
keys fp_key 0 fingerprint alice.key
keys fp_pub 0 fingerprint alice.pub
fp_key=$(cat fp_key.out)
fp_pub=$(cat fp_pub.out)
[[ $fp_key =~ $FP_RE ]] || fail "not a SHA256: fingerprint: $fp_key"
[ "$fp_key" = "$fp_pub" ] || fail ".key says $fp_key, .pub says $fp_pub"
[ "$fp_key" = "$gen_fp" ] || fail "gen said $gen_fp, fingerprint $fp_key"
# Our definition: unpadded base64 of SHA-256 over the 32 raw key bytes.
py_fp=$(python3 -c '
import base64, hashlib, sys
raw = base64.b64decode(open(sys.argv[1]).read().split()[1], validate=True)
assert len(raw) == 32
print("SHA256:" + base64.b64encode(hashlib.sha256(raw).digest()).decode().rstrip("="))
' alice.pub) || fail "python could not read alice.pub"
[ "$py_fp" = "$fp_key" ] || fail "python computes $py_fp, not $fp_key"
# The .pub holds the public half of the .key, as OpenSSL sees it.
if command -v openssl >/dev/null; then
	ossl=$(openssl pkey -in alice.key -pubout -outform DER | tail -c 32 |
		base64) || fail "openssl cannot read alice.key"
	[ "$ossl" = "$(cut -d' ' -f2 alice.pub)" ] ||
		fail "openssl's public key $ossl is not the one in alice.pub"
fi

# A private key others can read is refused, with the fix.
chmod 640 alice.key
keys fp_open 1 fingerprint alice.key
grep -q 'chmod 600 alice.key' fp_open.err ||
	fail "no chmod advice: $(cat fp_open.err)"
chmod 600 alice.key
# A public key where the private one is wanted: said so, no chmod advice.
chmod 640 alice.pub
bounded 10 "$KIT_BIN/secure-server" --bind 127.0.0.1 --port 0 \
	--key alice.pub >pub_as_key.out 2>&1 && fail "secure-server took alice.pub"
grep -q 'alice.pub is a public key: give the private key' pub_as_key.out ||
	fail "unclear --key NAME.pub message: $(cat pub_as_key.out)"
# No --key at all is a usage error (status 2), with the way to make one.
status=0
bounded 10 "$KIT_BIN/secure-server" --bind 127.0.0.1 --port 0 \
	>no_key.out 2>&1 || status=$?
[ "$status" -eq 2 ] || fail "secure-server without --key: status $status, not 2"
grep -q -- '--key NAME.key is required (make one with secure-keys gen NAME)' \
	no_key.out || fail "unclear message without --key: $(cat no_key.out)"
grep -q "Try 'secure-server --help'." no_key.out ||
	fail "no pointer to --help without --key: $(cat no_key.out)"
# A --users file that cannot be read is reported at startup, not at the
# first password login.
status=0
bounded 10 "$KIT_BIN/secure-server" --bind 127.0.0.1 --port 0 \
	--key alice.key --users no-such-users >no_users.out 2>&1 || status=$?
[ "$status" -eq 1 ] || fail "secure-server --users no-such-users: status $status, not 1"
grep -q -- '--users no-such-users: No such file or directory' no_users.out ||
	fail "unclear message for a missing --users file: $(cat no_users.out)"
# A port another program listens on: the server says what to do.
exec {busy}< <(bounded 10 python3 -c 'import socket, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen()
print(s.getsockname()[1], flush=True); time.sleep(5)')
read -r busy_port <&"$busy" || fail "no busy port"
status=0
bounded 10 "$KIT_BIN/secure-server" --bind 127.0.0.1 --port "$busy_port" \
	--key alice.key >busy.out 2>&1 || status=$?
exec {busy}<&-
[ "$status" -eq 1 ] || fail "secure-server on a busy port: status $status, not 1"
grep -q 'Address already in use (another server runs there: stop it, or pick another --port)' \
	busy.out || fail "no hint for a busy port: $(cat busy.out)"

# A --server-key that cannot be read is reported before connecting (port 1
# is closed: a connection attempt would say so instead).
status=0
bounded 10 "$KIT_BIN/secure-client" --port 1 --nick alice \
	--server-key SHA256:bogus </dev/null >pin_bad.out 2>&1 || status=$?
[ "$status" -eq 2 ] || fail "secure-client --server-key SHA256:bogus: status $status, not 2"
grep -q -- '--server-key: not a fingerprint (SHA256: and 43 base64 characters' \
	pin_bad.out || fail "unclear message for a bad fingerprint: $(cat pin_bad.out)"
status=0
bounded 10 "$KIT_BIN/secure-client" --port 1 --nick alice \
	--server-key no-such.pub </dev/null >pin_missing.out 2>&1 || status=$?
[ "$status" -eq 1 ] || fail "secure-client --server-key no-such.pub: status $status, not 1"
grep -q -- '--server-key: no-such.pub' pin_missing.out &&
	! grep -q 'cannot connect' pin_missing.out ||
	fail "unclear message for a missing pin file: $(cat pin_missing.out)"
status=0
printf 'pw\n' >alice.pw
bounded 10 "$KIT_BIN/secure-client" --port 1 --nick alice --key alice.key \
	--password-file alice.pw </dev/null >both.out 2>&1 || status=$?
[ "$status" -eq 2 ] || fail "secure-client --key and --password-file: status $status, not 2"
grep -q -- '--key and --password-file: choose one' both.out ||
	fail "unclear message for --key with --password-file: $(cat both.out)"
printf 'kit-ed25519 AAAA alice\n' >bad.pub
keys fp_bad 1 fingerprint bad.pub
keys fp_none 1 fingerprint missing.pub

# --- usage ------------------------------------------------------------------------
keys usage0 2
keys usage1 2 gen
keys usage2 2 gen a b
keys usage3 2 frobnicate x
keys usage4 2 adduser users
keys help 0 help
grep -q 'N=32768' help.out || fail "help does not state the scrypt cost"

# --- adduser -------------------------------------------------------------------------
# check_line NICK PASSWORD: USERS has NICK's line, of our format, and its
# hash is scrypt(PASSWORD) by Python's hashlib.
check_line()
{
	local line

	line=$(grep "^$1:" users) || fail "users has no line for $1"
	[ "$(grep -c "^$1:" users)" -eq 1 ] || fail "$1 is in users twice"
	[[ $line =~ ^$1:scrypt:32768:8:1:$B64{22}==:$B64{43}=$ ]] ||
		fail "bad users line: $line"
	python3 -c '
import base64, hashlib, sys
nick, scheme, n, r, p, salt, want = sys.argv[1].split(":")
got = hashlib.scrypt(sys.argv[2].encode(), salt=base64.b64decode(salt),
                     n=int(n), r=int(r), p=int(p), maxmem=64 << 20, dklen=32)
sys.exit(0 if got == base64.b64decode(want) else 1)
' "$line" "$2" || fail "$1's hash is not scrypt of the password"
}

printf 'first secret\n' >pw1
printf 'bob pw' >pw2		# no newline at the end
printf 'second secret\r\n' >pw3	# CRLF
: >pw_empty
: >users
chmod 644 users
keys add1 0 adduser users alice <pw1
grep -q 'added' add1.out || fail "adduser did not say 'added'"
mode_is users 600
check_line alice 'first secret'
keys add2 0 adduser users bob <pw2
check_line bob 'bob pw'
bob_line=$(grep '^bob:' users)
keys add3 0 adduser users alice <pw3
grep -q 'replaced' add3.out || fail "adduser did not say 'replaced'"
check_line alice 'second secret'
[ "$(wc -l <users)" -eq 2 ] || fail "users should have 2 lines"
[ "$(head -n 1 users | cut -d: -f1)" = alice ] ||
	fail "alice's line moved"
[ "$(grep '^bob:' users)" = "$bob_line" ] || fail "bob's line changed"
mode_is users 600

sum_before=$(sha256sum <users)
keys add_empty 1 adduser users carol <pw_empty
keys add_badnick 2 adduser users 9carol <pw1
keys add_colon 2 adduser users 'car:ol' <pw1
[ "$(sha256sum <users)" = "$sum_before" ] || fail "a refused adduser changed users"
keys add_new 0 adduser new-users carol <pw1
mode_is new-users 600
ls users.* new-users.* >/dev/null 2>&1 && fail "temporary files left behind"
exit 0
