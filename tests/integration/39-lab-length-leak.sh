#!/usr/bin/env bash
# Lab 3 (labs/length-leak.sh) as a test: from the shipped captures, and as
# root from live ones, the eavesdropper reads all six of bob's answers
# from record lengths without --pad (39 bytes for "yes", 38 for "no"),
# and none with --pad 16, where every answer is the same multiple of 16
# plus 19 bytes; live, --pad 39 pads the second run so, and replayed, a
# --pad other than the shipped captures' is refused.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"

for p in sniffer secure-server secure-client secure-keys; do
	[ -x "$KIT_BIN/$p" ] || fail "no $KIT_BIN/$p"
done
LAB=$TOP_DIR/labs/length-leak.sh

# check OUT WHAT: the lab's report in OUT is the lesson
check() {
	local out=$1 what=$2
	grep -q "6 of 6 answers read" "$out" ||
		fail "$what: without --pad the answers were not read: $(cat "$out")"
	grep -q "0 of 6 answers read" "$out" ||
		fail "$what: with --pad the answers were still read: $(cat "$out")"
	# The unpadded table: each answer's frame is its line plus 20.
	awk '/^== 1/ { s = 1 } /^== 2/ { s = 2 }
	     s == 1 && $1 ~ /^Q[1-6]$/ && $2 != 36 + length($NF) { bad = 1 }
	     s == 1 && $1 ~ /^Q[1-6]$/ { n++ }
	     END { exit bad || n != 6 }' "$out" ||
		fail "$what: unpadded frame sizes are not line + 20: $(cat "$out")"
	# The padded table: one size for all, a multiple of 16 plus 19.
	awk '/^== 2/ { s = 2 }
	     s == 2 && $1 ~ /^Q[1-6]$/ { n++; size[$2] = 1; if (($2 - 19) % 16) bad = 1 }
	     END { for (k in size) m++; exit bad || n != 6 || m != 1 }' "$out" ||
		fail "$what: padded frame sizes differ: $(cat "$out")"
	echo "$what: 6 of 6 answers read without --pad, none with --pad 16"
}

# Started from another folder, the lab still finds the shipped captures;
# a folder without the programs is said to need a build.
(cd "$TMP_DIR" && LAB_REPLAY=1 bounded 60 bash "$LAB" "$KIT_BIN") \
	>"$TMP_DIR/replay.out" 2>&1 || fail "the lab failed on the shipped captures: $(cat "$TMP_DIR/replay.out")"
check "$TMP_DIR/replay.out" "shipped captures"
status=0
(cd "$TMP_DIR" && bash "$LAB" "$TMP_DIR/no-bin") >"$TMP_DIR/nobin.out" 2>&1 ||
	status=$?
[ "$status" -eq 1 ] && grep -q "no $TMP_DIR/no-bin/secure-server: build the kit first (make" \
	"$TMP_DIR/nobin.out" ||
	fail "a folder without the programs: status $status, $(cat "$TMP_DIR/nobin.out")"
echo "a folder without the programs: told to build the kit first"
(cd "$TOP_DIR" && LAB_REPLAY=1 bounded 60 bash "$LAB" --pad 32 "$KIT_BIN") \
	>"$TMP_DIR/replay32.out" 2>&1 && fail "--pad 32 replayed captures made with 16"
grep -q "made with --pad 16; --pad 32 needs a live capture" \
	"$TMP_DIR/replay32.out" || fail "--pad 32, replayed: $(cat "$TMP_DIR/replay32.out")"
echo "shipped captures: another --pad is refused, and why"

[ "$(id -u)" -eq 0 ] || skip "live capture needs root (or cap_net_raw)"
# A capture already in LAB_SAVE (as in captures/) is replaced, and said so.
mkdir -p "$TMP_DIR/saved" && : >"$TMP_DIR/saved/length-leak.pcap"
(cd "$TOP_DIR" && LAB_SAVE="$TMP_DIR/saved" bounded 120 bash "$LAB" "$KIT_BIN") \
	>"$TMP_DIR/live.out" 2>&1 || fail "the lab failed live: $(cat "$TMP_DIR/live.out")"
check "$TMP_DIR/live.out" "live"
for f in length-leak.pcap length-leak-padded.pcap; do
	[ -s "$TMP_DIR/saved/$f" ] || fail "LAB_SAVE kept no $f"
done
grep -q "Replacing the length-leak captures already in $TMP_DIR/saved" \
	"$TMP_DIR/live.out" || fail "LAB_SAVE replaced a capture without a word"
echo "LAB_SAVE: both captures kept, one already there said to be replaced"

# --pad 39, the handout's answer: one size for all six, none read.
(cd "$TOP_DIR" && bounded 120 bash "$LAB" --pad 39 "$KIT_BIN") \
	>"$TMP_DIR/pad39.out" 2>&1 || fail "the lab failed with --pad 39: $(cat "$TMP_DIR/pad39.out")"
grep -q "with --pad 39 on the server" "$TMP_DIR/pad39.out" ||
	fail "--pad 39 was not used: $(cat "$TMP_DIR/pad39.out")"
grep -q "0 of 6 answers read" "$TMP_DIR/pad39.out" ||
	fail "--pad 39: answers still read: $(cat "$TMP_DIR/pad39.out")"
awk '/^== 2/ { s = 2 }
     s == 2 && $1 ~ /^Q[1-6]$/ { n++; size[$2] = 1 }
     END { for (k in size) m++; exit n != 6 || m != 1 }' "$TMP_DIR/pad39.out" ||
	fail "--pad 39: answers of different sizes: $(cat "$TMP_DIR/pad39.out")"
echo "--pad 39: every answer the same size, none read"
