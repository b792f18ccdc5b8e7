#!/usr/bin/env bash
# sniffer_bench.sh: bin/sniffer reassembling TCP streams from two capture
# files, against the floors (reading the file, a pcap_next_ex loop,
# writing that many bytes to tmpfs), tcpflow and a libnids byte counter.
# Prints one table, the ratios and PASS/FAIL per target, then checks every
# direction written with -o against the ground truth. Run from anywhere
# after building the kit and the bench tools:
#
#   bash bench/sniffer_bench.sh
#
# The two captures (made by gen_capture, deterministic, cached):
#   bulk   300 interleaved connections, ~1 GB at MTU 1500, with capture
#          loss (about 2 in 9 directions incomplete), duplicates, reordering
#   short  100,000 short connections, duplicates and reordering, no loss
#
# Optional environment:
#   KIT_BIN=bin                 where the sniffer is ($KIT_BIN/sniffer)
#   BENCH_BIN=build/release/bench  gen_capture, pcap_loop, nids_count
#   BENCH_DIR=build/bench-data  cached captures and ground truth (on disk:
#                               the bulk one is 1 GB); regenerated when the
#                               generator or its options change
#   SHM=/dev/shm                tmpfs for the -o outputs and cat > tmpfs
#   RUNS=5                      rounds of runs (one run of every tool
#                               each); the best wall time is kept, the
#                               highest peak RSS
#   TIMEOUT=600                 seconds before one run is killed
#   PAD=0                       1: pad short frames to 60 bytes as on the
#                               wire (tcpflow 1.6.1 then writes the padding
#                               into its files: its figures mean little)
#   BULK_OPTS, SHORT_OPTS       more gen_capture options (-n, -b, -l ...)
#   TCPFLOW=tcpflow             the tcpflow program
#   KEEP=1                      keep logs (not outputs) in the temp dir

set -u -o pipefail
export LC_ALL=C	# a decimal point in $EPOCHREALTIME and printf

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
abspath() { [[ $1 == /* ]] && printf '%s' "$1" || printf '%s/%s' "$ROOT" "$1"; }
KIT_BIN=$(abspath "${KIT_BIN:-bin}")
BENCH_BIN=$(abspath "${BENCH_BIN:-build/release/bench}")
BENCH_DIR=$(abspath "${BENCH_DIR:-build/bench-data}")
SNIFFER=$KIT_BIN/sniffer
GEN=$BENCH_BIN/gen_capture
PCAP_LOOP=$BENCH_BIN/pcap_loop
NIDS_COUNT=$BENCH_BIN/nids_count
TCPFLOW=${TCPFLOW:-tcpflow}
SHM=${SHM:-/dev/shm}
RUNS=${RUNS:-5}
TIMEOUT=${TIMEOUT:-600}
PAD=${PAD:-0}
BULK_OPTS=${BULK_OPTS:-}
SHORT_OPTS=${SHORT_OPTS:-}
GNU_TIME=/usr/bin/time

NAMES=(bulk short)
KEYS=(cat_null pcap cat_shm sniffer_o tcpflow_o sniffer_stats nids)
declare -A LABEL=(
	[cat_null]="cat > /dev/null" [pcap]="pcap_next_ex loop"
	[cat_shm]="cat > tmpfs" [sniffer_o]="sniffer -o tmpfs"
	[tcpflow_o]="tcpflow -o tmpfs" [sniffer_stats]="sniffer --stats"
	[nids]="libnids count"
)
declare -A TITLE=([bulk]=bulk [short]=100k)
# Per "KEY,NAME": best wall s, its user and system s, highest peak RSS
# (KiB), status (ok, missing, failed: ...), output check.
declare -A WALL=() USR=() SYS=() RSS=() STATUS=() CHECK=()
# Per NAME: capture path, ground truth, size, packets.
declare -A CAP=() TRUTH=() SIZE=() PKTS=()

BENCH_NAME=sniffer_bench
# shellcheck source=bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
OUT=
bench_at_exit() { [[ -z $OUT ]] || rm -rf "$OUT"; }

# Float arithmetic without bc.
calc() { awk "BEGIN { printf \"$1\", $2 }"; }

avail_kib() { df -Pk "$1" | awk 'NR == 2 { print $4 }'; }

check_tools() {
	local t
	for t in "$GEN" "$PCAP_LOOP" "$NIDS_COUNT"; do
		[[ -x $t ]] || die "$t missing: build the bench tools first"
	done
	[[ -x $GNU_TIME ]] || die "$GNU_TIME missing (apt-get install time)"
	command -v timeout >/dev/null || die "timeout (coreutils) missing"
	{ [[ -d $SHM ]] && [[ $(stat -f -c %T "$SHM") == tmpfs ]]; } ||
	    die "$SHM is not a tmpfs"
	[[ -x $SNIFFER ]] || say "sniffer_bench: $SNIFFER missing: its rows" \
	    "are marked missing"
	command -v "$TCPFLOW" >/dev/null || say "sniffer_bench: $TCPFLOW" \
	    "missing (apt-get install tcpflow): its rows are marked missing"
}

# gen_one NAME MODE OPTS: (re)make the capture unless the cached one was
# made by the same generator binary with the same options.
gen_one() {
	local name=$1 mode=$2 opts=$3 stamp pcap=$BENCH_DIR/$1.pcap
	stamp="$(sha256sum < "$GEN" | cut -c1-64) $mode -p $PAD $opts"
	CAP[$name]=$pcap
	TRUTH[$name]=$BENCH_DIR/$name.truth
	if [[ -f $pcap && -f ${TRUTH[$name]} &&
	    $(cat "$BENCH_DIR/$name.stamp" 2>/dev/null) == "$stamp" ]]; then
		say "sniffer_bench: $name capture cached in $BENCH_DIR"
		return
	fi
	say "sniffer_bench: generating the $name capture in $BENCH_DIR ..."
	rm -f "$BENCH_DIR/$name.stamp"
	# shellcheck disable=SC2086 # opts are words on purpose
	"$GEN" "$mode" -p "$PAD" $opts "$pcap" "${TRUTH[$name]}" ||
	    die "gen_capture $mode failed"
	sync "$pcap"	# no write-back of it during the measurements
	printf '%s\n' "$stamp" > "$BENCH_DIR/$name.stamp"
}

make_captures() {
	local name need=$(( 1500 * 1024 ))	# KiB, for both files
	mkdir -p "$BENCH_DIR" || die "cannot create $BENCH_DIR"
	(( $(avail_kib "$BENCH_DIR") > need )) || [[ -f $BENCH_DIR/bulk.pcap ]] ||
	    die "$BENCH_DIR: less than 1.5 GiB free"
	gen_one bulk bulk "$BULK_OPTS"
	gen_one short short "$SHORT_OPTS"
	for name in "${NAMES[@]}"; do
		SIZE[$name]=$(stat -c %s "${CAP[$name]}")
	done
	# -o outputs and the copy of cat > tmpfs: about 2x the largest file.
	(( $(avail_kib "$SHM") > 2 * SIZE[bulk] / 1024 + 65536 )) ||
	    die "$SHM: less than twice the size of the bulk capture free"
	cat "${CAP[@]}" > /dev/null	# into the page cache
}

# timed OUTFILE CMD...: one run; sets T_WALL (less LAUNCH_S, what
# starting timeout and time costs), T_USR, T_SYS, T_RSS, T_RC.
LAUNCH_S=0
timed() {
	local out=$1 t0 t1
	shift
	t0=$EPOCHREALTIME
	timeout -k 10 "$TIMEOUT" "$GNU_TIME" -f '%U %S %M' -o "$TMP/time" \
	    "$@" > "$out" 2> "$TMP/run.err"
	T_RC=$?
	t1=$EPOCHREALTIME
	cat "$TMP/run.err" >> "$TMP/stderr.log"
	T_WALL=$(calc '%.3f' "$t1 - $t0 - $LAUNCH_S")
	T_USR=- T_SYS=- T_RSS=0
	read -r T_USR T_SYS T_RSS < <(tail -n 1 "$TMP/time" 2>/dev/null)
}

# measure_launch: LAUNCH_S, the fastest of ten timed runs of `true` (a
# few ms: a tenth of the fastest floor on the short capture).
measure_launch() {
	local i best=
	for ((i = 0; i < 10; i++)); do
		timed /dev/null true
		[[ -z $best ]] || fcmp "$T_WALL" "<" "$best" && best=$T_WALL
	done
	LAUNCH_S=$best
}

# command_for KEY NAME: sets CMD (array) and STDOUT, or returns 1.
command_for() {
	local f=${CAP[$2]}
	STDOUT=/dev/null
	case $1 in
	cat_null) CMD=(cat "$f") ;;
	pcap) CMD=("$PCAP_LOOP" "$f"); STDOUT=$TMP/pcap.$2 ;;
	cat_shm) CMD=(cat "$f"); STDOUT=$OUT/copy ;;
	sniffer_o) CMD=("$SNIFFER" -r "$f" -o "$OUT/flows") ;;
	tcpflow_o) CMD=("$TCPFLOW" -r "$f" -o "$OUT/flows") ;;
	sniffer_stats) CMD=("$SNIFFER" -r "$f" --stats) ;;
	nids) CMD=("$NIDS_COUNT" "$f"); STDOUT=$TMP/nids.$2 ;;
	esac
	case $1 in
	sniffer_*) [[ -x $SNIFFER ]] ;;
	tcpflow_o) command -v "$TCPFLOW" >/dev/null ;;
	esac
}

# run_once KEY NAME ROUND: one run with an empty tmpfs folder; the best
# wall time and the highest peak RSS are kept, and the -o output of the
# last round is checked against the ground truth.
run_once() {
	local key=$1 name=$2 round=$3 k="$1,$2"
	command_for "$key" "$name" || { STATUS[$k]=missing; return; }
	(( round > 0 )) || STATUS[$k]=ok
	[[ ${STATUS[$k]} == ok ]] || return
	{ rm -rf "$OUT" && mkdir -p "$OUT/flows"; } || die "cannot use $OUT"
	echo "== ${LABEL[$key]} $name run $round" >> "$TMP/stderr.log"
	timed "$STDOUT" "${CMD[@]}"
	if (( T_RC != 0 )); then
		STATUS[$k]="failed: exit $T_RC (see stderr, KEEP=1)"
		tail -n 5 "$TMP/run.err" >&2
		return
	fi
	if [[ -z ${WALL[$k]:-} ]] || fcmp "$T_WALL" "<" "${WALL[$k]}"; then
		WALL[$k]=$T_WALL USR[$k]=$T_USR SYS[$k]=$T_SYS
	fi
	(( T_RSS > ${RSS[$k]:-0} )) && RSS[$k]=$T_RSS
	if (( round == RUNS - 1 )); then
		case $key in
		sniffer_o | tcpflow_o) CHECK[$k]=$(check_outputs \
		    "$OUT/flows" "${TRUTH[$name]}") ;;
		esac
	fi
	rm -rf "$OUT"
}

# measure NAME: RUNS rounds, each running every tool once, so that every
# ratio compares runs made under the same load of the machine (its speed
# drifts over minutes on a shared host).
measure() {
	local name=$1 key r
	for ((r = 0; r < RUNS; r++)); do
		say "sniffer_bench: $name, round $((r + 1)) of $RUNS ..."
		for key in "${KEYS[@]}"; do
			run_once "$key" "$name" "$r"
		done
	done
}

# check_outputs DIR TRUTH: compare every file under DIR with the ground
# truth by name and SHA-256. Prints the counts: complete exact,
# complete wrong, complete missing, incomplete with holes removed,
# incomplete zero-filled, incomplete wrong, incomplete missing, extra
# files. A direction whose bytes were all lost may have no file.
check_outputs() {
	(cd "$1" && find . -type f -printf '%P\0' | xargs -0 -r sha256sum) |
	awk 'NR == FNR {
		if ($1 ~ /^#/) next
		st[$1] = $2; full[$1] = $4; caplen[$1] = $5; cap[$1] = $6
		zf[$1] = $8
		next
	}
	{
		n = substr($0, 67); sub(/.*\//, "", n)
		if (!(n in st)) { extra++; next }
		seen[n] = 1
		if (st[n] == "complete") {
			if ($1 == full[n]) cx++; else cw++
		} else if ($1 == cap[n]) ih++
		else if ($1 == zf[n]) iz++
		else iw++
	}
	END {
		for (n in st) {
			if (n in seen) continue
			if (st[n] == "complete") cm++
			else if (caplen[n] == 0) ih++
			else im++
		}
		printf "%d %d %d %d %d %d %d %d\n", cx, cw, cm, ih, iz, iw, im,
		    extra
	}' "$2" -
}

# Ground-truth counts: complete and incomplete directions of NAME.
truth_counts() {
	awk '!/^#/ { n[$2]++ } END { printf "%d %d\n", n["complete"],
	    n["incomplete"] }' "${TRUTH[$1]}"
}

# libnids only counts: compare each direction's count with the lengths.
check_nids() {
	local name=$1
	"$NIDS_COUNT" -v "${CAP[$name]}" 2>> "$TMP/stderr.log" |
	awk 'NR == FNR {
		if ($1 !~ /^#/) { st[$1] = $2; full[$1] = $3; caplen[$1] = $5 }
		next
	}
	NF == 2 && ($1 in st) {
		if (st[$1] == "complete") { c++; if ($2 == full[$1]) cok++ }
		else { i++; if ($2 == caplen[$1]) iok++ }
	}
	END { printf "%d/%d complete and %d/%d incomplete directions of the " \
	    "right length (holes removed)\n", cok, c, iok, i }' \
	    "${TRUTH[$name]}" -
}

cells() { # KEY NAME: s MB/s Mpkt/s MiB u+s
	local k="$1,$2" w
	case ${STATUS[$k]:-} in
	ok) ;;
	missing) printf '%7s %7s %7s %7s %11s' missing - - - -; return ;;
	*) printf '%7s %7s %7s %7s %11s' failed - - - -; return ;;
	esac
	w=${WALL[$k]}
	printf '%7.3f %7.0f %7.2f %7.1f %11s' "$w" \
	    "$(calc '%.1f' "${SIZE[$2]} / 1e6 / $w")" \
	    "$(calc '%.3f' "${PKTS[$2]:-0} / 1e6 / $w")" \
	    "$(calc '%.1f' "${RSS[$k]} / 1024")" "${USR[$k]}+${SYS[$k]}"
}

print_table() {
	local key name
	printf '%-18s' ""
	for name in "${NAMES[@]}"; do
		printf ' | %-43s' "${TITLE[$name]}: $(calc '%.2f' \
		    "${SIZE[$name]} / 1e9") GB, $(calc '%.2f' \
		    "${PKTS[$name]:-0} / 1e6") M packets"
	done
	printf '\n%-18s' measurement
	for name in "${NAMES[@]}"; do
		printf ' | %7s %7s %7s %7s %11s' s MB/s Mpkt/s MiB usr+sys
	done
	printf '\n'
	for key in "${KEYS[@]}"; do
		printf '%-18s' "${LABEL[$key]}"
		for name in "${NAMES[@]}"; do
			printf ' | %s' "$(cells "$key" "$name")"
		done
		printf '\n'
	done
	printf '(best of %s rounds; MiB: highest peak RSS of any run; usr+sys: ' \
	    "$RUNS"
	printf 'CPU seconds of the best run; MB = 10^6 bytes;\n'
	printf ' s: wall time less %.1f ms, what starting timeout and time costs)\n' \
	    "$(calc '%f' "$LAUNCH_S * 1000")"
}

# ratio KEY1 KEY2 NAME: wall(KEY1) / wall(KEY2) unrounded (targets judge
# this; verdict rounds it for the table), or empty if either run failed.
ratio() {
	local a=${WALL["$1,$3"]:-} b=${WALL["$2,$3"]:-}
	[[ ${STATUS["$1,$3"]:-} == ok && ${STATUS["$2,$3"]:-} == ok ]] &&
	    calc '%.6f' "$a / $b"
}

judge() { # VALUE OP LIMIT: PASS, or FAIL (also for a failed run's none)
	if [[ -z $1 ]]; then
		echo "FAIL (a run failed)"
	elif fcmp "$1" "$2" "$3"; then
		echo PASS
	else
		echo FAIL
	fi
}

verdict() { # TEXT VALUE TARGET RESULT: a fractional VALUE shown to 0.01
	local v=${2:--}
	[[ $v == *.?????* ]] && v=$(calc '%.2f' "$v")
	printf '  %-50s %13s %10s  %s\n' "$1" "$v" "$3" "$4"
}

# target TEXT VALUE OP LIMIT: one line, the target shown as "OP LIMIT".
target() {
	verdict "$1" "$2" "$3 $4" "$(judge "$2" "$3" "$4")"
}

print_targets() {
	local name t rss k c exact res
	printf '%-52s %13s %10s\n' targets value target
	target "sniffer -o / cat > tmpfs (bulk)" \
	    "$(ratio sniffer_o cat_shm bulk)" "<=" 1.25
	target "tcpflow -o / sniffer -o (100k)" \
	    "$(ratio tcpflow_o sniffer_o short)" ">=" 3
	for name in "${NAMES[@]}"; do
		t=${TITLE[$name]}
		target "sniffer --stats / libnids ($t)" \
		    "$(ratio sniffer_stats nids "$name")" "<" 1
		target "sniffer --stats / pcap loop ($t)" \
		    "$(ratio sniffer_stats pcap "$name")" "<=" 1.5
	done
	for name in "${NAMES[@]}"; do
		rss=0
		for k in sniffer_o sniffer_stats; do	# both, or no figure
			[[ ${STATUS["$k,$name"]:-} == ok ]] || { rss=; break; }
			fcmp "${RSS["$k,$name"]}" ">" "$rss" &&
			    rss=${RSS["$k,$name"]}
		done
		[[ -n $rss ]] && rss=$(calc '%.1f' "$rss / 1024")
		target "sniffer peak RSS MiB, -o and --stats (${TITLE[$name]})" \
		    "$rss" "<" 200
	done
	for name in "${NAMES[@]}"; do
		c=${CHECK["sniffer_o,$name"]:-}
		read -r exact _ <<< "$(truth_counts "$name")"
		res="FAIL (a run failed)"
		[[ -n $c ]] && { [[ ${c%% *} == "$exact" ]] && res=PASS || res=FAIL; }
		verdict "complete directions byte-exact, -o (${TITLE[$name]})" \
		    "${c:+${c%% *}/$exact}" all "$res"
	done
	printf '(ratios of best wall times)\n\nother ratios\n'
	for name in "${NAMES[@]}"; do
		t=${TITLE[$name]}
		verdict "tcpflow -o / cat > tmpfs ($t)" \
		    "$(ratio tcpflow_o cat_shm "$name")" "" ""
		verdict "sniffer -o / sniffer --stats ($t)" \
		    "$(ratio sniffer_o sniffer_stats "$name")" "" ""
		verdict "libnids / pcap loop ($t)" "$(ratio nids pcap "$name")" \
		    "" ""
	done
}

print_checks() {
	local key name c tc v
	local fmt='  %-16s %-5s | %7s %6s %6s | %9s %9s %6s %6s | %s\n'
	echo "-o outputs against the ground truth (last run)"
	printf '  %-22s | %-21s | %-33s |\n' "" "complete directions" \
	    "incomplete directions"
	# shellcheck disable=SC2059 # the format is ours
	printf "$fmt" output file exact wrong miss holes-rm zero-fill wrong \
	    miss extra
	for key in sniffer_o tcpflow_o; do
		for name in "${NAMES[@]}"; do
			c=${CHECK["$key,$name"]:-}
			if [[ -z $c ]]; then
				printf '  %-16s %-5s | %s\n' "${LABEL[$key]}" \
				    "${TITLE[$name]}" "${STATUS["$key,$name"]:-}"
				continue
			fi
			read -r -a v <<< "$c"
			# shellcheck disable=SC2059
			printf "$fmt" "${LABEL[$key]}" "${TITLE[$name]}" "${v[@]}"
		done
	done
	echo "  (tcpflow's extra file is its report.xml)"
	for name in "${NAMES[@]}"; do
		tc=$(truth_counts "$name")
		printf '  ground truth %-6s %s complete, %s incomplete directions\n' \
		    "${TITLE[$name]}" "${tc% *}" "${tc#* }"
	done
	echo "libnids byte counts against the ground-truth lengths"
	for name in "${NAMES[@]}"; do
		printf '  %-6s %s\n' "${TITLE[$name]}" "$(check_nids "$name")"
	done
}

main() {
	local name
	[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive integer"
	check_tools
	make_captures
	OUT=$(mktemp -d "$SHM/sniffer_bench.XXXXXX") || die "mktemp in $SHM"
	measure_launch
	for name in "${NAMES[@]}"; do
		measure "$name"
		PKTS[$name]=$(awk '{ print $2 }' "$TMP/pcap.$name" 2>/dev/null)
	done
	echo
	printf 'sniffer benchmark: %s, %s CPUs, %s\n' "$(uname -r)" "$(nproc)" \
	    "$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
	print_table
	echo
	print_targets
	echo
	print_checks
}

main "$@"
