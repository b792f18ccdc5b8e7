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
trap 'stop_chat_server; rm -rf "$work"' EXIT

start_chat_server "$bin/plain-server" "$work/server.log"

cat >"$work/alice.txt" <<'SCRIPT'
/expect bob joined
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
echo "== Every byte of that conversation, the password included, crossed"
echo "   the wire as plain IRC text (RFC 2812): an eavesdropper on the path"
echo "   reads it as easily as bob did."
