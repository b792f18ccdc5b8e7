#!/usr/bin/env bash
# Lab: encryption alone leaks message lengths. alice asks bob six yes/no
# questions over secure-server, twice: as secure_chat sends records by
# default, then with --pad 16 on every side. An eavesdropper on lo who
# cannot open a single record reads bob's answers from the lengths of
# his records in the first capture, and nothing in the second.
#
#   sudo bash labs/length-leak.sh [--pad N] [BIN]
#                          capture live on lo (root needed); --pad N
#                          pads the second run to N instead of 16
#   bash labs/length-leak.sh [BIN]
#                          without root (or LAB_REPLAY=1): read the
#                          captures in captures/ that this lab made
#
# LAB_SAVE=DIR keeps the two captures there, made afresh: captures/ was
# made with `sudo LAB_SAVE=captures bash labs/length-leak.sh bin`.
# labs/README.md is the handout.
set -euo pipefail

usage() {
	sed -n '8,17s/^# \{0,1\}//p' "$0"
	exit "$1"
}

PAD=16
SHIPPED_PAD=16	# captures/length-leak-padded.pcap's
while (($#)); do
	case $1 in
	--pad)
		if ! [[ ${2:-} =~ ^[1-9][0-9]{0,2}$ ]] || (($2 > 256)); then
			echo "length-leak: --pad needs a number of bytes, 1 to 256" >&2
			exit 2
		fi
		PAD=$2
		shift 2
		;;
	-h | --help) usage 0 ;;
	-*) echo "length-leak: unknown option $1" >&2; usage 2 >&2 ;;
	*) break ;;
	esac
done
(($# <= 1)) || usage 2 >&2
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=labs/lib.sh
. "$here/lib.sh"
bin=${1:-$(kit_path bin)}
need_programs "$bin" secure-server secure-client secure-keys sniffer
questions=("Did you finish the lab report?" "Did you use the sniffer?"
	"Is your password still hunter2?" "Will you present on Friday?"
	"Could the eavesdropper read our chat?" "Shall we turn on padding?")
answers=(yes yes no no no yes)
# What a line costs on the wire: "PRIVMSG #lab :" before the text and
# CRLF after it, then the frame header (3), the inner type (1) and the
# AEAD tag (16) of docs/PROTOCOL.md.
LINE_OVERHEAD=$((14 + 2))
FRAME_OVERHEAD=20

work=$(mktemp -d)
trap 'stop_chat_server; [[ -z ${sniffer_pid:-} ]] || kill "$sniffer_pid" 2>/dev/null; rm -rf "$work"' EXIT

# die WHY [FILE]: stop the lab, showing FILE (a log or a client's screen)
die() {
	echo "length-leak: $1" >&2
	[[ -z ${2:-} ]] || cat "$2" >&2
	exit 1
}

write_scripts() {
	local i
	{
		for i in "${!questions[@]}"; do
			echo "Q$((i + 1)): ${questions[i]}"
			echo "/expect <bob> ${answers[i]}"
		done
		echo "/sleep 0.2"
	} >"$work/alice.txt"
	{
		echo "/expect alice joined"
		for i in "${!questions[@]}"; do
			echo "/expect Q$((i + 1)):"
			echo "${answers[i]}"
		done
		# Without a pause, the last answer would share a record with
		# the QUIT behind it.
		echo "/sleep 0.3"
	} >"$work/bob.txt"
}

# converse PCAP [CLIENT OPTIONS...]: the questions through a fresh
# secure-server (given the same options), captured on lo into PCAP. bob
# connects first, so that his connection is the capture's first.
converse() {
	local pcap=$1 fp bob i
	shift
	fp=$("$bin/secure-keys" fingerprint "$work/server.pub")
	start_chat_server "$bin/secure-server" "$work/server.log" \
		--key "$work/server.key" "$@"
	# Emptied here, not only by the children's redirections: the first
	# run's lines would otherwise answer the waits below at once.
	: >"$work/sniffer.log"
	: >"$work/bob.view"
	"$bin/sniffer" -i lo -w "$pcap" tcp port "$CHAT_PORT" \
		>/dev/null 2>"$work/sniffer.log" &
	sniffer_pid=$!
	for ((i = 0; ; i++)); do
		grep -q 'listening on' "$work/sniffer.log" && break
		if ! kill -0 "$sniffer_pid" 2>/dev/null || ((i >= 200)); then
			die "the sniffer did not start" "$work/sniffer.log"
		fi
		sleep 0.05
	done
	"$bin/secure-client" --port "$CHAT_PORT" --server-key "$fp" \
		--nick bob --channel '#lab' --script "$work/bob.txt" "$@" \
		>"$work/bob.view" &
	bob=$!
	for ((i = 0; ; i++)); do
		grep -q 'bob joined' "$work/bob.view" && break
		if ! kill -0 "$bob" 2>/dev/null || ((i >= 200)); then
			die "bob's client did not join" "$work/bob.view"
		fi
		sleep 0.05
	done
	"$bin/secure-client" --port "$CHAT_PORT" --server-key "$fp" \
		--nick alice --channel '#lab' --script "$work/alice.txt" "$@" \
		>"$work/alice.view" || die "alice's client failed" "$work/alice.view"
	wait "$bob" || die "bob's client failed" "$work/bob.view"
	sleep 0.3	# the last segments through the capture
	kill -INT "$sniffer_pid"
	wait "$sniffer_pid" || true
	sniffer_pid=
	stop_chat_server
}

# bob_frames PCAP: the frames bob's client sent, one "TYPE BYTES" line
# each, read from the byte stream of the capture's first connection as
# the sniffer reassembled it (frame header: type, then a 16-bit length).
bob_frames() {
	local out=$work/streams port
	rm -rf "$out"
	"$bin/sniffer" -r "$1" -o "$out" --json >"$work/flows.json" 2>/dev/null
	port=$(sed -n '1s/.*"client":"[^"]*:\([0-9]*\)".*/\1/p' "$work/flows.json")
	[[ -n $port ]] || { echo "no connection in $1" >&2; return 1; }
	od -An -v -tu1 "$out"/*."$(printf %05d "$port")"-* | awk '
		{ for (i = 1; i <= NF; i++) b[n++] = $i }
		END {
			for (p = 0; p + 3 <= n; p += len + 3) {
				len = b[p + 1] * 256 + b[p + 2]
				print b[p], len + 3
			}
		}'
}

# guess BYTES BLOCK: what a frame of BYTES says of bob's answer to an
# eavesdropper who knows the protocol and its padding block (1: none):
# the text is one of BLOCK lengths, and "yes" or "no" fits or does not.
guess() {
	local hi=$(($1 - FRAME_OVERHEAD - LINE_OVERHEAD)) lo fits=() w
	lo=$((hi - $2 + 1))
	((lo >= 0)) || lo=0
	for w in yes no; do
		((${#w} >= lo && ${#w} <= hi)) && fits+=("$w")
	done
	if ((lo == hi)); then
		printf '%s letters: ' "$hi"
	else
		printf '%s to %s letters: ' "$lo" "$hi"
	fi
	case ${#fits[@]} in
	1) echo "${fits[0]}" ;;
	2) echo "yes or no?" ;;
	*) echo "neither yes nor no" ;;
	esac
}

# report PCAP BLOCK: bob's answers as the eavesdropper reads them: the six
# records before his last (the QUIT).
report() {
	local pcap=$1 block=$2 sizes i said right=0
	mapfile -t sizes < <(bob_frames "$pcap" | awk '$1 == 23 { print $2 }')
	if ((${#sizes[@]} < ${#answers[@]} + 1)); then
		echo "   only ${#sizes[@]} records from bob in $pcap" >&2
		return 1
	fi
	sizes=("${sizes[@]: -$((${#answers[@]} + 1)):${#answers[@]}}")
	printf '   %-8s %-12s %-40s %s\n' answer "frame bytes" \
		"what the length tells the eavesdropper" "bob typed"
	for i in "${!sizes[@]}"; do
		said=$(guess "${sizes[i]}" "$block")
		[[ $said == *": ${answers[i]}" ]] && right=$((right + 1))
		printf '   %-8s %-12s %-40s %s\n' "Q$((i + 1))" "${sizes[i]}" \
			"$said" "${answers[i]}"
	done
	echo
	echo "   eavesdropper's score: $right of ${#answers[@]} answers read" \
		"from lengths alone"
}

write_scripts
if [[ $(id -u) -eq 0 && -z ${LAB_REPLAY:-} ]]; then
	saved=${LAB_SAVE:-$work}
	mkdir -p "$saved"
	if [[ -e $saved/length-leak.pcap || -e $saved/length-leak-padded.pcap ]]; then
		echo "(Replacing the length-leak captures already in $saved.)"
		echo
	fi
	"$bin/secure-keys" gen "$work/server" >/dev/null
	live=1
else
	((PAD == SHIPPED_PAD)) || {
		echo "length-leak: the shipped captures were made with --pad $SHIPPED_PAD;" \
			"--pad $PAD needs a live capture (as root, without LAB_REPLAY)" >&2
		exit 2
	}
	saved=$here/../captures
	live=0
	echo "(No live capture on lo: reading the captures in captures/ that"
	echo " this lab made. As root, without LAB_REPLAY, it makes them afresh.)"
	echo
fi

echo "== 1. secure_chat as it is by default: alice asks, bob answers"
echo "   yes or no. The eavesdropper on lo opens no record, but knows"
echo "   the protocol: a chat line costs $FRAME_OVERHEAD bytes of frame and"
echo "   $LINE_OVERHEAD of \"PRIVMSG #lab :\" and CRLF around its text."
echo
((live)) && converse "$saved/length-leak.pcap"
report "$saved/length-leak.pcap" 1
echo
echo "== 2. The same questions with --pad $PAD on the server and both"
echo "   clients: every record's plaintext is rounded up to a multiple of"
echo "   $PAD bytes before it is sealed. The eavesdropper knows that too:"
echo "   the protocol and its settings are no secret, only the keys are."
echo
((live)) && converse "$saved/length-leak-padded.pcap" --pad "$PAD"
report "$saved/length-leak-padded.pcap" "$PAD"
echo
echo "   Padding hides lengths within a block of $PAD, at a cost in bytes;"
echo "   longer messages still differ by blocks, and timing still shows who"
echo "   answers whom. The handout (labs/README.md) has the questions."
if ((live)) && [[ -z ${LAB_SAVE:-} ]]; then
	echo "   (This run's captures are gone with it: LAB_SAVE=DIR keeps them"
	echo "   in DIR, to read as the questions read captures/.)"
fi
