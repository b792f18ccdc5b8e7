#!/usr/bin/env bash
# A script's /expect waits for lines from the others, not for the echo of
# what it sent itself: alice asks bob a question that contains the text
# she then awaits, and must still wait for bob's answer (and time out,
# status 3, when no one answers).
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"

start_server
client_start bob --channel '#lab' <<'EOF'
/expect alice joined
/expect pong back
/sleep 0.5
pong ping-canary
EOF
wait_joined bob '#lab'
client_start alice --channel '#lab' <<'EOF'
pong back, please
/msg bob private pong
/expect pong
done waiting
EOF
client_wait alice
client_wait bob
# On alice's screen, bob's answer comes before her last line.
order=$(grep -n -e '<bob> pong ping-canary' -e '<alice> done waiting' \
	"$TMP_DIR/alice.out" | cut -d: -f2- | sed 's/^[0-9:]* //')
[ "$order" = "#lab <bob> pong ping-canary
#lab <alice> done waiting" ] ||
	fail "alice went on before bob answered: $(cat "$TMP_DIR/alice.out")"
echo "alice's /expect waited for bob, not for her own lines"

EXPECT_TIMEOUT=1 client_start carol --channel '#lab' <<'EOF'
alone-canary
/expect alone-canary
EOF
client_wait carol 3
echo "an /expect that only her own line matches times out (status 3)"
