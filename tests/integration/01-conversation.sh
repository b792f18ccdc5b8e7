#!/usr/bin/env bash
# Two kit clients hold a scripted conversation in #lab. Each /expect waits
# for the other's last line, so nothing sleeps. Both outputs must show
# every line, with its sender, in order.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"

start_server

# alice is in the channel before bob arrives; bob speaks first.
client_start alice --channel '#lab' <<'EOF'
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
stop_server
