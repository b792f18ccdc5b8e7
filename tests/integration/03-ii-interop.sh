#!/usr/bin/env bash
# Interoperability with ii (suckless FIFO client, Debian package ii): ii
# joins #lab through its FIFO and exchanges messages with a kit client.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"

command -v ii >/dev/null 2>&1 || skip "ii is not installed (apt-get install ii)"

# fifo_write FIFO TEXT: one line into an ii FIFO (bounded: the open blocks
# until ii reads).
fifo_write()
{
	# shellcheck disable=SC2016 # expanded by the inner bash
	bounded 5 bash -c 'printf "%s\n" "$2" >"$1"' _ "$1" "$2" ||
		fail "cannot write to $1"
}

start_server
dir=$TMP_DIR/ii
srv=$dir/127.0.0.1
timeout --foreground -k 5 60 ii -s 127.0.0.1 -p "$SERVER_PORT" -n iibot -i "$dir" \
	>"$TMP_DIR/ii.log" 2>&1 </dev/null &
ii_pid=$!
track_pid "$ii_pid"

# JOIN before 001 would get 451: wait for the end of the welcome.
wait_for_file_text "$srv/out" "MOTD" 10 || fail "ii did not register"
fifo_write "$srv/in" "/j #lab"
wait_for_file_text "$srv/#lab/out" "iibot" 10 || fail "ii did not join #lab"

client_start kit --channel '#lab' <<'EOF'
/expect <iibot> hello from ii
hello from kit
/expect <iibot> got it
EOF
wait_joined kit '#lab'
fifo_write "$srv/#lab/in" "hello from ii"
wait_for_file_text "$srv/#lab/out" "<kit> hello from kit" 10 ||
	fail "ii did not get the kit client's message"
fifo_write "$srv/#lab/in" "got it"
client_wait kit
assert_lines_in_order kit '#lab <iibot> hello from ii' \
	'#lab <kit> hello from kit' '#lab <iibot> got it'

fifo_write "$srv/in" "/q bye"
wait_exit "$ii_pid" 10 || fail "ii did not quit"
stop_server
