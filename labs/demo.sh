#!/usr/bin/env bash
# make demo: the kit's lesson in one minute. Two scripted clients, alice
# and bob, have the same conversation twice on loopback: through
# plain-server, where every byte crosses the network as readable IRC text,
# and through secure-server, where an eavesdropper sees only ciphertext.
# Run as root, the sniffer shows what an eavesdropper on lo captured, and
# then what the secure capture gives away to whoever also holds the
# session secrets (secure-server --keylog).
# DEMO_SAVE=DIR also keeps the two captures (and the secure session's key
# log) there, made afresh: captures/ was made this way, with
# `sudo DEMO_SAVE=captures bash labs/demo.sh bin` (sudo drops variables
# given before it).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=labs/lib.sh
. "$here/lib.sh"
bin=${1:-$(kit_path bin)}
need_programs "$bin" plain-server plain-client secure-server secure-client \
	secure-keys sniffer

# Without a live capture, a saved key log would not match the pcaps.
if [[ -n ${DEMO_SAVE:-} && $(id -u) -ne 0 ]]; then
	echo "demo: DEMO_SAVE needs root: the captures are made live on lo" >&2
	exit 1
fi
work=$(mktemp -d)
saved=$work	# the captures and the key log
if [[ -n ${DEMO_SAVE:-} ]]; then
	mkdir -p "$DEMO_SAVE"
	saved=$DEMO_SAVE
fi
# A key log is appended to: this run's sessions only, as in the pcap.
: >"$saved/secure-chat.keylog"
sniffer_pid=
trap 'stop_chat_server; [[ -z $sniffer_pid ]] || kill "$sniffer_pid" 2>/dev/null; rm -rf "$work"' EXIT

cat >"$work/alice.txt" <<'SCRIPT'
/expect bob
Hi bob! Is this channel private?
/expect <bob>
Good. My password for the lab machine is hunter2.
/expect see it
/me shrugs
/sleep 0.2
SCRIPT
cat >"$work/bob.txt" <<'SCRIPT'
/expect Hi bob
Nobody else is here, so it must be.
/expect hunter2
Careful: anyone on the network path can see it.
/expect shrugs
SCRIPT

# The eavesdropper: live capture on lo needs root.
# start_sniffer NAME [OPTIONS...]
start_sniffer() {
	local name=$1
	shift
	sniffer_pid=
	[[ $(id -u) -eq 0 && -x $bin/sniffer ]] || return 0
	"$bin/sniffer" -i lo --color=never -w "$saved/$name.pcap" "$@" \
		tcp port "$CHAT_PORT" \
		>"$work/sniffer.out" 2>"$work/sniffer.log" &
	sniffer_pid=$!
	for ((i = 0; i < 100; i++)); do
		grep -q 'listening on' "$work/sniffer.log" 2>/dev/null && break
		if ! kill -0 "$sniffer_pid" 2>/dev/null; then
			cat "$work/sniffer.log" >&2
			echo "demo: the sniffer did not start" >&2
			exit 1
		fi
		sleep 0.05
	done
}

stop_sniffer() {
	[[ -n $sniffer_pid ]] || return 0
	sleep 0.3	# let the last segments through the capture
	kill -INT "$sniffer_pid"
	wait "$sniffer_pid" || true
	sniffer_pid=
}

# converse CLIENT [OPTIONS...]: alice and bob talk in #lab; then alice's
# screen, then bob's (each in full, so both runs read alike).
converse() {
	local client=$1 alice
	shift
	show() { grep -E ' (<|\* |-- [a-z]+ (joined|quit))' "$work/$1.view" |
		sed "s/^/[$2] /"; }
	"$bin/$client" --port "$CHAT_PORT" --nick alice --channel '#lab' "$@" \
		--script "$work/alice.txt" >"$work/alice.view" &
	alice=$!
	"$bin/$client" --port "$CHAT_PORT" --nick bob --channel '#lab' "$@" \
		--script "$work/bob.txt" >"$work/bob.view"
	wait "$alice"
	show alice alice
	show bob "bob  "
	echo
}

start_chat_server "$bin/plain-server" "$work/server.log"
echo "== 1. plain-server on 127.0.0.1:$CHAT_PORT: alice and bob join #lab"
echo
start_sniffer irc-plaintext
converse plain-client
stop_sniffer
stop_chat_server
if [[ -s $work/sniffer.out ]]; then
	echo "   What an eavesdropper on lo captured meanwhile ($bin/sniffer -i lo),"
	echo "   the messages as they left each client: plain IRC (RFC 2812)."
	echo
	{ grep -B1 --no-group-separator '^PRIVMSG' "$work/sniffer.out" || true; } |
		sed 's/^/   /'
	echo
else
	echo "   (Run as root to also watch the eavesdropper: $bin/sniffer -i lo;"
	echo "   or read what it captured in an earlier run:"
	echo "   $bin/sniffer -r $(kit_path captures/irc-plaintext.pcap))"
	echo
fi

"$bin/secure-keys" gen "$work/server" >/dev/null
fp=$("$bin/secure-keys" fingerprint "$work/server.pub")
start_chat_server "$bin/secure-server" "$work/server.log" --key "$work/server.key" \
	--keylog "$saved/secure-chat.keylog"
echo "== 2. secure-server on 127.0.0.1:$CHAT_PORT (identity $fp): the same"
echo
start_sniffer secure-chat --hex
converse secure-client --server-key "$fp"
stop_sniffer
if [[ -s $work/sniffer.out ]]; then
	echo "   The same eavesdropper now sees the chat lines as records like"
	echo "   these (the last four longer than 40 bytes that left a client,"
	echo "   first 32 bytes of each):"
	echo
	awk -v to="-> 127.0.0.1:$CHAT_PORT " '
		/^== / { keep = index($0, to) && $(NF - 1) > 40; n = 0 }
		keep && n++ < 3' "$work/sniffer.out" | tail -n 12 |
		sed 's/^/   /'
	echo
	echo "   Left to read: who talks to whom, the hellos, and each record's"
	echo "   length and time (docs/PROTOCOL.md, \"What an eavesdropper sees\")."
else
	echo "   (Run as root to also watch the eavesdropper: $bin/sniffer -i lo;"
	echo "   or read what it captured in an earlier run, and with the key log:"
	echo "   $bin/sniffer -r $(kit_path captures/secure-chat.pcap) --keylog" \
		"$(kit_path captures/secure-chat.keylog))"
fi

[[ -s $work/sniffer.out ]] || exit 0
echo
echo "== 3. The secure capture again, read with the session secrets that"
echo "   secure-server --keylog wrote ($bin/sniffer -r ... --keylog ...):"
echo
"$bin/sniffer" -r "$saved/secure-chat.pcap" --keylog "$saved/secure-chat.keylog" \
	--color=never >"$work/opened.out" 2>"$work/opened.log"
{ grep -B1 --no-group-separator '^PRIVMSG' "$work/opened.out" || true; } |
	sed 's/^/   /'
sed -n 's/^sniffer: connection [0-9]*, \([^:]*:[0-9]*\) .*ClientAuth: \([^;]*\).*/   \1: \2/p' \
	"$work/opened.log"
echo
echo "   The secrets, not the program, keep the chat private: the key log"
echo "   opens all of it. Each connection makes its own (fresh X25519 keys),"
echo "   so without the log, not even the server's identity key opens a"
echo "   capture (forward secrecy)."
