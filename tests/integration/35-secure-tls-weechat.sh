#!/usr/bin/env bash
# A real IRC client over secure-server --tls: weechat-headless (Debian
# package weechat-headless), its TLS fingerprint pinned to the server
# certificate's SHA-256 as `openssl s_client | openssl x509 -fingerprint`
# shows it, joins #lab and chats both ways with secure-client --tls; pinned
# to a wrong fingerprint, weechat refuses the certificate in the handshake
# and never registers (the server names no nick for it). The server logs
# the same fingerprint at startup, and again after a restart with the same
# key: the certificate is made from the key alone, so a pin stays good.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"

command -v weechat-headless >/dev/null 2>&1 ||
	skip "weechat-headless is not installed (apt-get install weechat-headless)"
# The test types into weechat through its FIFO plugin, which Debian ships
# in weechat-plugins, a package apt installs only as a recommendation.
compgen -G "/usr/lib/*/weechat/plugins/fifo.so" >/dev/null ||
	compgen -G "/usr/lib/weechat/plugins/fifo.so" >/dev/null ||
	skip "weechat's FIFO plugin is not installed (apt-get install weechat-plugins)"
command -v openssl >/dev/null || skip "no openssl command"
for p in secure-server secure-client secure-keys; do
	[ -x "$KIT_BIN/$p" ] || fail "no $KIT_BIN/$p"
done
cd "$TMP_DIR" || fail "cannot cd to $TMP_DIR"
"$KIT_BIN/secure-keys" gen server >/dev/null || fail "secure-keys gen server"
export CLIENT_PROG=secure-client

# WeeChat 4.0 renamed the server options ssl* to tls*.
wc_version=$(weechat-headless --version 2>/dev/null | tr -d '\r' | tail -n 1)
if [ "${wc_version%%.*}" -ge 4 ] 2>/dev/null; then
	tls=tls
else
	tls=ssl
fi

# weechat_start NAME NICK FINGERPRINT: weechat-headless in the background
# with its own directory $TMP_DIR/NAME (nothing read from $HOME), the
# server "lab" over TLS with the certificate's fingerprint pinned, autojoin
# #lab, no reconnection. A pinned fingerprint replaces weechat's other
# certificate checks (no CA signed this one) only with tls_verify on:
# with it off, a mismatch is a mere warning and weechat goes on to log in
# (weechat/weechat issue #1070). Its buffers are logged to
# $TMP_DIR/NAME.irc.lab.#lab.log, NAME.irc.server.lab.log, ...; it takes
# commands and text from the FIFO $TMP_DIR/NAME.fifo (wc_send).
declare -A WC_PID=()
weechat_start()
{
	local name=$1 nick=$2 fp=$3 dir=$TMP_DIR/$1 cmds

	mkdir -p "$dir" || fail "cannot make $dir"
	cmds="/set logger.file.flush_delay 0"
	cmds+="; /set logger.file.mask $name.\$plugin.\$name.log"
	cmds+="; /set logger.file.path $TMP_DIR"
	cmds+="; /set fifo.file.path $TMP_DIR/$name.fifo"
	cmds+="; /server add lab 127.0.0.1/$SERVER_PORT -$tls"
	cmds+="; /set irc.server.lab.${tls}_verify on"
	cmds+="; /set irc.server.lab.${tls}_fingerprint $fp"
	cmds+="; /set irc.server.lab.nicks $nick"
	cmds+="; /set irc.server.lab.username $nick"
	cmds+="; /set irc.server.lab.autojoin #lab"
	cmds+="; /set irc.server.lab.autoreconnect off"
	cmds+="; /connect lab"
	HOME=$dir timeout --foreground -k 5 60 weechat-headless --dir "$dir" \
		--no-connect --no-script --plugins irc,logger,fifo \
		--run-command "$cmds" >"$TMP_DIR/$name.out" 2>&1 </dev/null &
	WC_PID[$name]=$!
	track_pid "$!"
	wait_for_fifo "$TMP_DIR/$name.fifo" ||
		fail "weechat $name made no FIFO"
}

# wait_for_fifo PATH: poll (10 s at most) until PATH is a FIFO.
wait_for_fifo()
{
	local i

	for ((i = 0; i < 200; i++)); do
		[ -p "$1" ] && return 0
		sleep 0.05
	done
	return 1
}

# wc_send NAME BUFFER TEXT: TEXT (chat or a /command) into weechat NAME's
# BUFFER (bounded: the open blocks if weechat no longer reads its FIFO).
wc_send()
{
	# shellcheck disable=SC2016 # expanded by the inner bash
	bounded 5 bash -c 'printf "%s *%s\n" "$2" "$3" >"$1"' _ \
		"$TMP_DIR/$1.fifo" "$2" "$3" || fail "cannot write to $1.fifo"
}

# wc_quit NAME: /quit, then require exit status 0 within 10 s.
wc_quit()
{
	local pid=${WC_PID[$1]} status

	wc_send "$1" core.weechat "/quit bye"
	wait_exit "$pid" 10 || fail "weechat $1 did not quit"
	wait "$pid"
	status=$?
	[ "$status" -eq 0 ] || fail "weechat $1 exited with status $status"
}

# --- the fingerprint, as an instructor reads it ------------------------------
SERVER_PROG=secure-server start_server -v --tls --key server.key
bounded 10 openssl s_client -connect "127.0.0.1:$SERVER_PORT" </dev/null \
	2>s_client.err | bounded 10 openssl x509 -noout -fingerprint -sha256 \
	>fingerprint.out 2>&1 || fail "cannot read the server certificate"
fp=$(sed -n 's/^.*Fingerprint=//p' fingerprint.out | tr -d ':' | tr 'A-F' 'a-f')
[[ $fp =~ ^[0-9a-f]{64}$ ]] ||
	fail "no SHA-256 fingerprint from openssl x509: $(cat fingerprint.out)"
echo "server certificate SHA-256 $fp"

# logged_fp: the fingerprint secure-server logged, as weechat takes it.
logged_fp()
{
	sed -n 's/^secure-server: TLS certificate SHA-256 //p' "$SERVER_LOG" |
		tr -d ':' | tr 'A-F' 'a-f'
}
[ "$(logged_fp)" = "$fp" ] ||
	fail "the server logged the fingerprint '$(logged_fp)', not $fp"

# --- weechat pinned to it chats with secure-client in #lab -------------------
weechat_start wc wcbot "$fp"
chan=$TMP_DIR/wc.irc.lab.#lab.log
wait_for_file_text "$chan" "wcbot (wcbot@127.0.0.1) has joined #lab" 20 ||
	fail "weechat did not join #lab"
grep -q 'gnutls: certificate fingerprint matches' wc.irc.server.lab.log ||
	fail "weechat did not check the pinned fingerprint"

client_start kit --tls --channel '#lab' --server-key server.pub <<'EOF'
/expect <wcbot> hello from weechat
hello from kit
/expect <wcbot> got it
EOF
wait_joined kit '#lab'
wc_send wc 'irc.lab.#lab' "hello from weechat"
tab=$'\t'
wait_for_file_text "$chan" "${tab}kit${tab}hello from kit" 10 ||
	fail "weechat did not get the kit client's message"
wc_send wc 'irc.lab.#lab' "got it"
client_wait kit
assert_lines_in_order kit '#lab <wcbot> hello from weechat' \
	'#lab <kit> hello from kit' '#lab <wcbot> got it'
grep -qF "${tab}wcbot${tab}got it" "$chan" ||
	fail "weechat's log does not show its own second line"
wc_quit wc
wait_for_file_text "$SERVER_LOG" "secure-server: wcbot (127.0.0.1) left: " 10 ||
	fail "the server did not log weechat's leaving"
echo "weechat and secure-client chatted in #lab over TLS"

# --- pinned to a wrong fingerprint: refused, never registered ----------------
# A well-formed SHA-256 that is not the certificate's.
wrong=$(openssl dgst -sha256 -r server.pub | cut -c1-64)
[ "$wrong" != "$fp" ] || fail "the wrong fingerprint is the right one"
weechat_start wcbad wcbad "$wrong"
wait_for_file_text wcbad.irc.server.lab.log "irc: TLS handshake failed" 20 ||
	fail "weechat did not end the handshake"
grep -q 'certificate fingerprint does NOT match' wcbad.irc.server.lab.log ||
	fail "weechat did not refuse the certificate for its fingerprint"
# weechat ends it with an alert or by closing, and the server says which.
for ((i = 0; i < 100; i++)); do
	grep -Eq "\* \(127\.0\.0\.1\) left: (TLS handshake failed|connection closed during the TLS handshake \(the client refused the server's key)" \
		"$SERVER_LOG" && break
	sleep 0.1
done
[ "$i" -lt 100 ] || fail "the server did not log the refused handshake"
wc_quit wcbad
! grep -q 'wcbad' "$SERVER_LOG" ||
	fail "the server saw the refused client's nick"
[ ! -e "$TMP_DIR/wcbad.irc.lab.#lab.log" ] ||
	fail "the refused weechat has a #lab buffer"
echo "wrong fingerprint: weechat refused the certificate, no nick reached the server"
stop_server

# --- a restart with the same key: the same certificate ------------------------
SERVER_PROG=secure-server start_server --tls --key server.key
[ "$(logged_fp)" = "$fp" ] ||
	fail "after a restart the certificate is '$(logged_fp)', not $fp"
echo "restarted with the same key: the same certificate fingerprint"
stop_server
