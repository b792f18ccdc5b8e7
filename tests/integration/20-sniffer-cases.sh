#!/usr/bin/env bash
# Sniffer decoding and reassembly, case by case: tests/sniffer/gen_captures
# writes one small capture per case (link types, IP options, extension
# headers and fragments, padding, snaplen, reordering, overlaps, sequence
# wraparound, keep-alives, 4-tuple reuse, file formats...) with the exact
# bytes each flow direction must give and the fields of each flow's JSON
# summary. For every case,
#	sniffer -r CASE.pcap -o OUT --json > CASE.jsonl
# must exit as expected, write exactly the expected files (names and
# bytes) and report the expected flows. Every case runs; all mismatches
# are reported, then the scenario fails. When tcpflow is installed, it
# must write the same files, except in the cases whose JSON documents how
# and why it differs (set TCPFLOW= to skip that part). GEN_CAPTURES names
# a prebuilt generator.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"

SNIFFER=$KIT_BIN/sniffer
SRC=$TESTS_DIR/sniffer
TCPFLOW=${TCPFLOW-tcpflow}

[ -x "$SNIFFER" ] || skip "no $SNIFFER yet (build it with make)"
command -v python3 >/dev/null || skip "python3 is needed to check the JSON"

# The generator: the one the Makefile builds next to KIT_BIN
# ($(BUILD)/tests/gen_captures) if it is newer than its sources, else
# compiled here.
find_generator()
{
	local g src stale

	for g in "${GEN_CAPTURES:-}" "$KIT_BIN/../tests/gen_captures" \
		"$TOP_DIR/build/release/tests/gen_captures"; do
		{ [ -n "$g" ] && [ -x "$g" ]; } || continue
		stale=
		for src in "$SRC"/*.c "$SRC"/*.h; do
			[ "$src" -nt "$g" ] && stale=1
		done
		[ -z "$stale" ] && { echo "$g"; return 0; }
	done
	g=$TMP_DIR/gen_captures
	cc -std=c11 -O1 -o "$g" "$SRC"/*.c >"$TMP_DIR/cc.log" 2>&1 ||
		fail "cannot compile tests/sniffer/*.c: $(cat "$TMP_DIR/cc.log")"
	echo "$g"
}

GEN=$(find_generator) || exit 1
CASES_DIR=$TMP_DIR/cases
bounded 60 "$GEN" "$CASES_DIR" >"$TMP_DIR/gen.log" 2>&1 ||
	fail "gen_captures failed: $(cat "$TMP_DIR/gen.log")"

FAILED=()	# "case: what", one per problem
TF_AGREE=0
TF_DOCUMENTED=0
TF_NOTES=()

# problem CASE TEXT...: record and print one mismatch.
problem()
{
	local c=$1

	shift
	FAILED+=("$c: $*")
	echo "MISMATCH $c: $*"
}

# What each case expects, from CASE.json: CAPTURE[c], STATUS[c], and
# TF_KIND[c], TF_WHY[c] when tcpflow is documented to differ.
declare -A CAPTURE=() STATUS=() TF_KIND=() TF_WHY=()
load_cases()
{
	local c cap status kind why

	while IFS=$'\t' read -r c cap status kind why; do
		CAPTURE[$c]=$cap
		STATUS[$c]=$status
		TF_KIND[$c]=$kind
		TF_WHY[$c]=$why
	done < <(python3 -c '
import glob, json, os, sys
for path in sorted(glob.glob(os.path.join(sys.argv[1], "*.json"))):
    d = json.load(open(path))
    tf = d["tcpflow"] or {}
    print("\t".join([d["case"], d["capture"], str(d["exit_status"]),
                     tf.get("differs", ""), tf.get("why", "")]))
' "$CASES_DIR")
}

# ls_files DIR: the file names in DIR, one a line, sorted, without
# tcpflow's report.xml.
ls_files()
{
	[ -d "$1" ] || return 0
	(cd "$1" && find . -mindepth 1 -maxdepth 1 -printf '%P\n') |
		grep -vx 'report.xml' | LC_ALL=C sort
}

# excerpt FILE BYTE: 24 bytes of FILE from BYTE (counted from 1), visible.
excerpt()
{
	tail -c +"$2" "$1" | head -c 24 | cat -v
}

# compare_dirs EXPECTED GOT: print one line per difference (file names
# missing or extra, first differing byte with some context); silent if
# they hold the same files.
compare_dirs()
{
	local exp=$1 got=$2 f out byte

	LC_ALL=C comm -23 <(ls_files "$exp") <(ls_files "$got") |
		sed 's/^/missing file: /'
	LC_ALL=C comm -13 <(ls_files "$exp") <(ls_files "$got") |
		sed 's/^/unexpected file: /'
	while IFS= read -r f; do
		[ -f "$got/$f" ] || continue
		out=$(cmp -- "$exp/$f" "$got/$f" 2>&1) && continue
		case $out in
		*"EOF on"*)
			echo "$f: $(wc -c <"$exp/$f") bytes expected," \
				"$(wc -c <"$got/$f") written (${out##*: })"
			;;
		*)
			byte=$(echo "$out" |
				sed -n 's/.* differ: byte \([0-9]*\),.*/\1/p')
			echo "$f: first difference at byte $byte: expected" \
				"'$(excerpt "$exp/$f" "$byte")'," \
				"got '$(excerpt "$got/$f" "$byte")'"
			;;
		esac
	done < <(ls_files "$exp")
}

run_case()
{
	local c=$1 json=$CASES_DIR/$1.json want=${STATUS[$1]} status diffs
	local cap=$CASES_DIR/${CAPTURE[$1]} out=$TMP_DIR/out/$1

	mkdir -p "$out"
	bounded 60 "$SNIFFER" -r "$cap" -o "$out" --json \
		>"$TMP_DIR/$c.jsonl" 2>"$TMP_DIR/$c.stderr"
	status=$?
	if grep -qE 'ERROR: AddressSanitizer|runtime error:|LeakSanitizer' \
		"$TMP_DIR/$c.stderr"; then
		problem "$c" "sanitizer report: $(grep -m1 -E \
			'ERROR|runtime error' "$TMP_DIR/$c.stderr")"
	fi
	if [ "$status" -eq 124 ]; then
		problem "$c" "sniffer timed out"
		return
	fi
	[ "$status" -eq "$want" ] ||
		problem "$c" "exit status $status, expected $want" \
			"($(head -c 200 "$TMP_DIR/$c.stderr"))"
	if [ "$want" -ne 0 ] && [ ! -s "$TMP_DIR/$c.stderr" ]; then
		problem "$c" "exit status $want must come with a message on" \
			"stderr; it is empty"
	fi
	while IFS= read -r diffs; do
		problem "$c" "$diffs"
	done < <(compare_dirs "$CASES_DIR/$c.expected" "$out")
	while IFS= read -r diffs; do
		problem "$c" "json: $diffs"
	done < <(python3 "$SRC/check_json.py" "$json" "$TMP_DIR/$c.jsonl" 2>&1)
}

# tf_note TEXT...: a line for the tcpflow summary.
tf_note()
{
	TF_NOTES+=("$*")
}

# tcpflow on the same capture must write the expected files, unless the
# case documents a difference, which must then still be there.
tcpflow_case()
{
	local c=$1 kind=${TF_KIND[$1]} diffs line tf=$TMP_DIR/tcpflow/$1

	mkdir -p "$TMP_DIR/tcpflow"
	bounded 60 "$TCPFLOW" -r "$CASES_DIR/${CAPTURE[$c]}" -o "$tf" \
		>"$TMP_DIR/tcpflow/$c.txt" 2>&1
	diffs=$(compare_dirs "$CASES_DIR/$c.expected" "$tf")
	if [ -z "$kind" ] && [ -z "$diffs" ]; then
		TF_AGREE=$((TF_AGREE + 1))
	elif [ -z "$kind" ]; then
		while IFS= read -r line; do
			problem "$c" "tcpflow disagrees with the expected" \
				"files: $line"
		done <<<"$diffs"
	elif [ -z "$diffs" ]; then
		tf_note "$c: tcpflow now writes the expected files;" \
			"the documented difference is gone"
	else
		TF_DOCUMENTED=$((TF_DOCUMENTED + 1))
		tf_note "$c: tcpflow differs as documented ($kind):" \
			"${TF_WHY[$c]}"
	fi
}

load_cases
mapfile -t CASES < <(printf '%s\n' "${!CAPTURE[@]}" | LC_ALL=C sort)
[ "${#CASES[@]}" -gt 0 ] || fail "gen_captures wrote no case"
for c in "${CASES[@]}"; do
	run_case "$c"
done

if [ -n "$TCPFLOW" ] && command -v "$TCPFLOW" >/dev/null; then
	for c in "${CASES[@]}"; do
		tcpflow_case "$c"
	done
	echo "tcpflow: the same files in $TF_AGREE cases," \
		"documented differences in $TF_DOCUMENTED"
	[ "${#TF_NOTES[@]}" -eq 0 ] || printf '  %s\n' "${TF_NOTES[@]}"
else
	echo "no tcpflow (${TCPFLOW:-TCPFLOW is empty}): expected files not" \
		"cross-checked"
fi

if [ "${#FAILED[@]}" -gt 0 ]; then
	fail "$(printf '%s\n' "${FAILED[@]}" | cut -d: -f1 | sort -u |
		wc -l) of ${#CASES[@]} cases failed (${#FAILED[@]} mismatches," \
		"listed above; KEEP_TMP=1 keeps the outputs)"
fi
echo "${#CASES[@]} cases passed"
