#!/usr/bin/env bash
# make demo: two scripted clients chat through plain-server on loopback.
# Every line they type crosses the network as readable IRC text: the
# lesson the rest of the kit builds on.
set -euo pipefail

bin=${1:-bin}
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=labs/lib.sh
. "$here/lib.sh"

work=$(mktemp -d)
sniffer_pid=
trap 'stop_chat_server; [[ -z $sniffer_pid ]] || kill "$sniffer_pid" 2>/dev/null; rm -rf "$work"' EXIT

start_chat_server "$bin/plain-server" "$work/server.log"

# The eavesdropper: live capture on lo needs root (or cap_net_raw).
if [[ $(id -u) -eq 0 && -x $bin/sniffer ]]; then
	"$bin/sniffer" -i lo --color=never tcp port "$CHAT_PORT" \
		>"$work/sniffer.out" 2>"$work/sniffer.log" &
	sniffer_pid=$!
	for ((i = 0; i < 100; i++)); do
		grep -q 'listening on' "$work/sniffer.log" 2>/dev/null && break
		sleep 0.05
	done
fi

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

echo "== plain-server on 127.0.0.1:$CHAT_PORT; alice and bob join #lab"
echo
show() { grep --line-buffered -E ' (<|\* |-- [a-z]+ (joined|quit))' | sed -u "s/^/[$1] /"; }
"$bin/plain-client" --port "$CHAT_PORT" --nick alice --channel '#lab' \
	--script "$work/alice.txt" | show alice &
alice=$!
"$bin/plain-client" --port "$CHAT_PORT" --nick bob --channel '#lab' \
	--script "$work/bob.txt" | show "bob  "
wait "$alice"
echo
if [[ -n $sniffer_pid ]]; then
	# let the last segments through the capture, then stop it
	for ((i = 0; i < 40; i++)); do
		grep -q 'Closing Link' "$work/sniffer.out" && break
		sleep 0.05
	done
	kill -INT "$sniffer_pid"
	wait "$sniffer_pid" || true
	sniffer_pid=
	echo "== What an eavesdropper on lo captured meanwhile"
	echo "   ($bin/sniffer -i lo tcp port $CHAT_PORT): the messages as they"
	echo "   left each client:"
	echo
	grep -B1 --no-group-separator '^PRIVMSG' "$work/sniffer.out"
else
	echo "== (Run as root to also watch the eavesdropper: $bin/sniffer -i lo)"
fi
echo
echo "== Every byte of that conversation, the password included, crossed"
echo "   the wire as plain IRC text (RFC 2812): an eavesdropper on the path"
echo "   reads it as easily as bob did."
