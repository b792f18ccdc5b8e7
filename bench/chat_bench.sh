#!/usr/bin/env bash
# chat_bench.sh: the kit's bin/plain-server against ngircd, and
# bin/secure-server against plain-server, driven by bin/loadgen over
# 127.0.0.1 only. Prints the tables and the verdict on each target. Run
# from the repository root after `make`:
#
#   bash bench/chat_bench.sh
#
# Optional environment:
#   SIZES="50x200 500x20 2000x2"  clients x messages, one table row each
#   IDLE_CLIENTS=10000 HOLD=10    idle-memory row: clients, hold time (s)
#   TIMEOUT=20                    loadgen --timeout: give up without progress
#   MAX_TIME=120                  loadgen --max-time: hard cap per phase
#   NG_IDLE_MAX=90                ngircd's cap for registering the idle row
#   WARMUP=1                      one unreported run of the first size per
#                                 server first (0: measure cold servers)
#   WINDOW=0                      loadgen --window of the throughput run
#                                 (0: every client sends as fast as its
#                                 socket accepts)
#   LAT_WINDOW=2                  loadgen --window of the latency run (0: no
#                                 separate run, latency from the first)
#   KIT_INFLIGHT=256 NG_INFLIGHT=10  loadgen --inflight per server
#   SECURE_SIZES="50x200 500x20"  secure-server rows ("": none)
#   PAIRS=5                       secure rows: plain and secure runs back
#                                 to back, this many times; median of each
#   SECURE_IDLE=1                 secure-server in the idle row too (0: no)
#   KIT, LOADGEN, NGIRCD          the programs (bin/..., /usr/sbin/ngircd)
#   SECURE, SECURE_KEYS           bin/secure-server, bin/secure-keys
#   KEEP=1                        keep the logs in the temporary directory

set -u -o pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
KIT=${KIT:-$ROOT/bin/plain-server}
LOADGEN=${LOADGEN:-$ROOT/bin/loadgen}
NGIRCD=${NGIRCD:-/usr/sbin/ngircd}
SECURE=${SECURE:-$ROOT/bin/secure-server}
SECURE_KEYS=${SECURE_KEYS:-$ROOT/bin/secure-keys}
SECURE_SIZES=${SECURE_SIZES-"50x200 500x20"}
PAIRS=${PAIRS:-5}
SECURE_IDLE=${SECURE_IDLE:-1}
SIZES=${SIZES:-"50x200 500x20 2000x2"}
IDLE_CLIENTS=${IDLE_CLIENTS:-10000}
HOLD=${HOLD:-10}
TIMEOUT=${TIMEOUT:-20}
MAX_TIME=${MAX_TIME:-120}
NG_IDLE_MAX=${NG_IDLE_MAX:-90}
WINDOW=${WINDOW:-0}
# Why two runs: with no window, sending outpaces delivery whenever the
# server hiccups, queues build up and never drain, and p50/p99 measure
# queue depth (the same server gives p50 0.7 ms or 45 ms, run to run).
# Two unacknowledged messages per sender bound the queue, so latency is
# the server's own; msgs/s is still taken from the unbounded run.
LAT_WINDOW=${LAT_WINDOW:-2}
WARMUP=${WARMUP:-1}
KIT_INFLIGHT=${KIT_INFLIGHT:-256}
# ngircd listens with a backlog of 10 (listen(sock, 10) in its conn.c):
# more connects in flight overflow it, and every dropped SYN costs 1 s,
# then 2, 4, 8 ... So ngircd gets at most 10 at a time, the kit 256.
NG_INFLIGHT=${NG_INFLIGHT:-10}
# loadgen --idle reports once the server has been silent for 0.5 s; the
# RSS is read a little later still, within the hold.
SETTLE=$(( HOLD > 2 ? 1 : 0 ))

TMP=$(mktemp -d "${TMPDIR:-/tmp}/chat_bench.XXXXXX") || exit 1

say() { printf '%s\n' "$*" >&2; }
die() { say "chat_bench: $*"; exit 1; }

# Every process we start is in LIVE (pid -> 1) until stop_pid reaps it, so
# that cleanup never signals a pid that may since have been reused.
declare -A LIVE=()

alive() { # PID: exists and is not a zombie
	local st
	st=$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null) && [[ $st != Z ]]
}

# Kill only what we started, by pid, then reap it (bounded).
stop_pid() {
	local pid=$1 i
	[[ -n ${LIVE[$pid]:-} ]] || return 0
	kill -TERM "$pid" 2>/dev/null
	for ((i = 0; i < 50; i++)); do
		alive "$pid" || break
		sleep 0.1
	done
	alive "$pid" && kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	unset "LIVE[$pid]"
	return 0
}

cleanup() {
	local pid
	for pid in "${!LIVE[@]}"; do
		stop_pid "$pid"
	done
	if [[ ${KEEP:-0} == 1 ]]; then
		say "chat_bench: logs kept in $TMP"
	else
		rm -rf "$TMP"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A free TCP port below the ephemeral range, so that our own clients'
# source ports can never collide with it.
pick_port() {
	local lo p i
	read -r lo _ < /proc/sys/net/ipv4/ip_local_port_range
	(( lo > 20000 )) || lo=32768
	for ((i = 0; i < 100; i++)); do
		p=$(( 20000 + RANDOM % (lo - 20000) ))
		if ! port_listening "$p"; then
			echo "$p"
			return 0
		fi
	done
	return 1
}

port_listening() {
	if command -v ss >/dev/null 2>&1; then
		[[ -n $(ss -Htln "sport = :$1" 2>/dev/null) ]]
	else
		(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
	fi
}

# wait_listen PID PORT: until PORT listens (true) or PID dies or 10 s pass.
wait_listen() {
	local i
	for ((i = 0; i < 100; i++)); do
		alive "$1" || return 1
		port_listening "$2" && return 0
		sleep 0.1
	done
	return 1
}

write_ngircd_conf() { # DIR PORT
	mkdir -p "$1/conf.d"
	cat > "$1/ngircd.conf" <<-EOF
	# Generated by bench/chat_bench.sh; see ngircd.conf(5), ngircd 26.
	[Global]
		Name = bench.ngircd.test
		Info = ngircd reference for the kit benchmark
		AdminInfo1 = chat_bench
		AdminInfo2 = localhost
		AdminEMail = bench@localhost
		Listen = 127.0.0.1
		Ports = $2
		MotdPhrase = bench
	[Limits]
		MaxConnections = 0
		MaxConnectionsIP = 0
		MaxJoins = 0
		MaxNickLength = 16
		MaxPenaltyTime = 0
		PingTimeout = 3600
		PongTimeout = 3600
	[Options]
		PAM = no
		DNS = no
		Ident = no
		IncludeDir = $1/conf.d
	EOF
}

# secure_key: one identity for every secure-server of the run; sets
# SEC_ARGS, loadgen's options to log in to it (its key pinned).
secure_key() {
	[[ -n ${SEC_ARGS:-} ]] && return 0
	"$SECURE_KEYS" gen "$TMP/secure" >/dev/null ||
	    die "$SECURE_KEYS gen failed"
	SEC_ARGS="--secure --server-key $("$SECURE_KEYS" fingerprint \
	    "$TMP/secure.pub")" || die "$SECURE_KEYS fingerprint failed"
}

# start_server kit|secure|ngircd: sets SRV_PID and SRV_PORT. Retries on a
# port race.
start_server() {
	local kind=$1 try port dir
	for ((try = 0; try < 3; try++)); do
		port=$(pick_port) || die "no free port"
		dir=$TMP/$kind-$port
		mkdir -p "$dir"
		if [[ $kind == kit ]]; then
			"$KIT" --bind 127.0.0.1 --port "$port" \
			    --max-clients 12000 >"$dir/log" 2>&1 &
		elif [[ $kind == secure ]]; then
			"$SECURE" --bind 127.0.0.1 --port "$port" \
			    --max-clients 12000 --key "$TMP/secure.key" \
			    >"$dir/log" 2>&1 &
		else
			write_ngircd_conf "$dir" "$port"
			"$NGIRCD" -n -f "$dir/ngircd.conf" >"$dir/log" 2>&1 &
		fi
		SRV_PID=$!
		LIVE[$SRV_PID]=1
		SRV_PORT=$port
		wait_listen "$SRV_PID" "$port" && return 0
		stop_pid "$SRV_PID"
	done
	die "$kind did not start; see $dir/log (KEEP=1 keeps it)"
}

# run_loadgen PORT INFLIGHT ARGS...: prints loadgen's summary line or "",
# once the server (SRV_PID) has settled.
run_loadgen() {
	local port=$1 inflight=$2
	shift 2
	timeout $(( 3 * MAX_TIME + 30 )) "$LOADGEN" --host 127.0.0.1 \
	    --port "$port" --inflight "$inflight" --timeout "$TIMEOUT" \
	    --max-time "$MAX_TIME" "$@" 2>>"$TMP/loadgen.err" |
	    grep '^clients=' | tail -n 1
	wait_quiet "$SRV_PID"
	return 0
}

cpu_ticks() { # PID: user + system clock ticks used so far
	awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null
}

# wait_quiet PID: a run ends with every client leaving at once, and the
# server may still be sending QUITs when loadgen exits; do not start the
# next run until PID has used no CPU for 0.3 s (at most 15 s).
wait_quiet() {
	local i prev cur still=0
	prev=$(cpu_ticks "$1") || return 0
	for ((i = 0; i < 150 && still < 3; i++)); do
		sleep 0.1
		cur=$(cpu_ticks "$1") || return 0
		if [[ $cur == "$prev" ]]; then
			still=$(( still + 1 ))
		else
			still=0
		fi
		prev=$cur
	done
}

field() { # LINE KEY: value of KEY=value in LINE, or "-"
	local kv
	for kv in $1; do
		if [[ $kv == "$2="* ]]; then
			printf '%s' "${kv#*=}"
			return 0
		fi
	done
	printf -- '-'
}

# Float comparison without bc: fcmp A OP B, OP one of < <= >= >.
fcmp() {
	[[ $1 != - && $3 != - ]] || return 1
	awk -v a="$1" -v b="$3" -v op="$2" 'BEGIN {
		if (op == "<") r = a + 0 < b + 0; else if (op == "<=") r = a + 0 <= b + 0
		else if (op == ">=") r = a + 0 >= b + 0; else r = a + 0 > b + 0
		exit !r }'
}

# run_sizes kit|ngircd: one fresh server for all message rows.
run_sizes() {
	local kind=$1 inflight size n m line
	[[ $kind == kit ]] && inflight=$KIT_INFLIGHT || inflight=$NG_INFLIGHT
	start_server "$kind"
	if (( WARMUP )); then
		# A fresh server pays for first-time heap growth and page
		# faults in its first run; do not let that land in a row.
		size=${SIZES%% *} n=${size%x*} m=${size#*x}
		line=$(run_loadgen "$SRV_PORT" "$inflight" --clients "$n" \
		    --messages "$m" --window "$WINDOW")
		say "chat_bench: $kind warm-up ${size}: ${line:-no result}"
	fi
	for size in $SIZES; do
		n=${size%x*} m=${size#*x}
		say "chat_bench: $kind ${n} clients x ${m} messages ..."
		line=$(run_loadgen "$SRV_PORT" "$inflight" --clients "$n" \
		    --messages "$m" --window "$WINDOW")
		say "  ${line:-loadgen produced no result}"
		RES["$kind,$size"]=$line
		# With m <= LAT_WINDOW the window never closes: same run.
		if (( LAT_WINDOW > 0 && m > LAT_WINDOW )); then
			line=$(run_loadgen "$SRV_PORT" "$inflight" \
			    --clients "$n" --messages "$m" \
			    --window "$LAT_WINDOW")
			say "  latency run: ${line:-loadgen produced no result}"
		fi
		LAT["$kind,$size"]=$line
	done
	stop_pid "$SRV_PID"
}

# keep_run KEY LINE: one more result line for KEY in SRUNS[KEY]; SBAD[KEY]
# is set once any run was not clean.
keep_run() {
	clean "$2" || SBAD[$1]=1
	SRUNS[$1]+="$2"$'\n'
}

# median_run KEY: the line of SRUNS[KEY] with the median rate (the lower
# middle one of an even count).
median_run() {
	local line
	printf '%s' "${SRUNS[$1]:-}" | while IFS= read -r line; do
		[[ -n $line ]] && printf '%s\t%s\n' "$(rate_of "$line")" "$line"
	done | sort -n | awk -F '\t' '{ l[NR] = $2 }
	    END { if (NR) print l[int((NR + 1) / 2)] }'
}

# pair_run KIND PID PORT N M [ARGS...]: one throughput run into keep_run.
pair_run() {
	local kind=$1 pid=$2 port=$3 n=$4 m=$5 line
	shift 5
	SRV_PID=$pid
	line=$(run_loadgen "$port" "$KIT_INFLIGHT" --clients "$n" \
	    --messages "$m" --window "$WINDOW" "$@")
	say "  $kind: ${line:-loadgen produced no result}"
	keep_run "$kind,${n}x$m" "$line"
}

# run_pairs: secure-server against plain-server. The load of a shared
# machine drifts over the minutes between table rows, so both servers run
# at once and each size is measured PAIRS times as a plain run and a
# secure run back to back; the median of each makes the row. (Not the
# best: on a shared virtual machine the same plain run takes 60 to 130 ms
# of CPU, and the best of several is an outlier of either server.)
run_pairs() {
	local size n m i ppid pport spid sport sec
	[[ -n $SECURE_SIZES ]] || return 0
	read -ra sec <<<"$SEC_ARGS"
	start_server kit
	ppid=$SRV_PID pport=$SRV_PORT
	start_server secure
	spid=$SRV_PID sport=$SRV_PORT
	for size in $SECURE_SIZES; do
		n=${size%x*} m=${size#*x}
		say "chat_bench: secure vs plain, ${n} clients x ${m} messages ..."
		if (( WARMUP )); then
			SRV_PID=$ppid run_loadgen "$pport" "$KIT_INFLIGHT" \
			    --clients "$n" --messages "$m" >/dev/null
			SRV_PID=$spid run_loadgen "$sport" "$KIT_INFLIGHT" \
			    --clients "$n" --messages "$m" "${sec[@]}" >/dev/null
		fi
		for ((i = 0; i < PAIRS; i++)); do
			pair_run plain "$ppid" "$pport" "$n" "$m"
			pair_run secure "$spid" "$sport" "$n" "$m" "${sec[@]}"
		done
		SRES["plain,$size"]=$(median_run "plain,$size")
		SRES["secure,$size"]=$(median_run "secure,$size")
		if (( LAT_WINDOW > 0 && m > LAT_WINDOW )); then
			SRV_PID=$spid
			SLAT[$size]=$(run_loadgen "$sport" "$KIT_INFLIGHT" \
			    --clients "$n" --messages "$m" \
			    --window "$LAT_WINDOW" "${sec[@]}")
			say "  secure latency run: ${SLAT[$size]:-no result}"
			clean "${SLAT[$size]}" || SBAD["secure,$size"]=1
		else
			SLAT[$size]=${SRES["secure,$size"]:-}
		fi
	done
	stop_pid "$spid"
	stop_pid "$ppid"
}

rss_mib() { # PID FIELD: VmRSS/VmHWM of PID in MiB, or "-"
	awk -v f="$2:" '$1 == f { printf "%.1f", $2 / 1024; found = 1 }
	    END { if (!found) printf "-" }' "/proc/$1/status" 2>/dev/null ||
	    printf -- '-'
}

# measure_idle kit|ngircd: a fresh server, IDLE_CLIENTS registered and
# joined, RSS read while loadgen holds them.
measure_idle() {
	local kind=$1 inflight=$KIT_INFLIGHT max=$MAX_TIME out lg i extra=()
	[[ $kind == ngircd ]] && inflight=$NG_INFLIGHT max=$NG_IDLE_MAX
	[[ $kind == secure ]] && read -ra extra <<<"$SEC_ARGS"
	start_server "$kind"
	out=$TMP/idle-$kind.out
	say "chat_bench: $kind ${IDLE_CLIENTS} idle clients (cap ${max} s) ..."
	timeout $(( max + TIMEOUT + HOLD + 60 )) "$LOADGEN" --host 127.0.0.1 \
	    --port "$SRV_PORT" --clients "$IDLE_CLIENTS" --idle \
	    --hold "$HOLD" --inflight "$inflight" --timeout "$TIMEOUT" \
	    --max-time "$max" "${extra[@]}" >"$out" 2>>"$TMP/loadgen.err" &
	lg=$!
	LIVE[$lg]=1
	for ((i = 0; i < (max + TIMEOUT + 30) * 10; i++)); do
		grep -q '^clients=' "$out" 2>/dev/null && break
		alive "$lg" || break
		sleep 0.1
	done
	sleep "$SETTLE"
	IDLE["$kind,line"]=$(grep '^clients=' "$out" 2>/dev/null | tail -n 1)
	IDLE["$kind,rss"]=$(rss_mib "$SRV_PID" VmRSS)
	IDLE["$kind,hwm"]=$(rss_mib "$SRV_PID" VmHWM)
	say "  ${IDLE["$kind,line"]:-loadgen produced no result}"
	say "  $kind VmRSS ${IDLE["$kind,rss"]} MiB, VmHWM ${IDLE["$kind,hwm"]} MiB"
	stop_pid "$lg"
	stop_pid "$SRV_PID"
}

# Cells for one result line.
rate_of() { field "$1" msgs_per_s; }
lat_of() { printf '%s/%s' "$(field "$1" p50_ms)" "$(field "$1" p99_ms)"; }
# clean LINE: true if LINE delivered all it expected, in order, no losses.
clean() {
	[[ -n $1 && $(field "$1" delivered) == "$(field "$1" expected)" &&
	    $(field "$1" order_errors) == 0 && $(field "$1" disconnects) == 0 ]]
}
deliv_of() { # THROUGHPUT-LINE LATENCY-LINE
	[[ -n $1 ]] || { printf -- '-'; return; }
	printf '%s/%s' "$(field "$1" delivered)" "$(field "$1" expected)"
	clean "$1" && clean "$2" || printf '!'
}
ratio_of() {
	local k n
	k=$(rate_of "$1") n=$(rate_of "$2")
	fcmp "$n" ">" 0 || { printf -- '-'; return; }
	awk -v k="$k" -v n="$n" 'BEGIN { printf "%.2f", k / n }'
}

row() {
	printf '%-12s %11s %11s %6s %17s %17s %17s %17s %7s %7s\n' "$@"
}

print_table() {
	local size k n kl nl
	row size "kit msg/s" "ngircd" ratio "kit p50/p99ms" \
	    "ngircd p50/p99ms" "kit deliv/exp" "ngircd deliv/exp" \
	    "kit reg" "ng reg"
	for size in $SIZES; do
		k=${RES["kit,$size"]:-} n=${RES["ngircd,$size"]:-}
		kl=${LAT["kit,$size"]:-} nl=${LAT["ngircd,$size"]:-}
		row "$size" "$(rate_of "$k")" "$(rate_of "$n")" \
		    "$(ratio_of "$k" "$n")" "$(lat_of "$kl")" "$(lat_of "$nl")" \
		    "$(deliv_of "$k" "$kl")" "$(deliv_of "$n" "$nl")" \
		    "$(field "$k" reg_s)" "$(field "$n" reg_s)"
	done
	k=${IDLE["kit,line"]:-} n=${IDLE["ngircd,line"]:-}
	printf '%-12s kit RSS %s MiB (HWM %s), joined %s in %s s | ' \
	    "idle $IDLE_CLIENTS" "${IDLE["kit,rss"]:--}" \
	    "${IDLE["kit,hwm"]:--}" "$(field "$k" joined)" "$(field "$k" reg_s)"
	if (( HAVE_NG )); then
		printf 'ngircd RSS %s MiB (HWM %s), joined %s in %s s\n' \
		    "${IDLE["ngircd,rss"]:--}" "${IDLE["ngircd,hwm"]:--}" \
		    "$(field "$n" joined)" "$(field "$n" reg_s)"
	else
		printf 'ngircd skipped (not installed)\n'
	fi
	if [[ -n ${IDLE["secure,line"]:-} ]]; then
		k=${IDLE["secure,line"]}
		printf '%-12s secure RSS %s MiB (HWM %s), joined %s in %s s\n' \
		    "" "${IDLE["secure,rss"]:--}" "${IDLE["secure,hwm"]:--}" \
		    "$(field "$k" joined)" "$(field "$k" reg_s)"
	fi
	printf '(msg/s: run with window=%s; p50/p99: run with window=%s;' \
	    "$WINDOW" "$LAT_WINDOW"
	printf ' "!": loss, order errors or disconnects in either run;\n'
	printf ' reg: connect+register+join, s; warm-up=%s)\n' "$WARMUP"
}

srow() {
	printf '%-12s %13s %13s %6s %17s %17s %7s\n' "$@"
}

# The secure rows: median of PAIRS back-to-back runs of each server.
print_secure_table() {
	local size s p
	[[ -n $SECURE_SIZES ]] || return 0
	srow "secure" "secure msg/s" "plain msg/s" ratio "sec p50/p99ms" \
	    "sec deliv/exp" "sec reg"
	for size in $SECURE_SIZES; do
		s=${SRES["secure,$size"]:-} p=${SRES["plain,$size"]:-}
		srow "$size" "$(rate_of "$s")" "$(rate_of "$p")" \
		    "$(ratio_of "$s" "$p")" "$(lat_of "${SLAT[$size]:-}")" \
		    "$(field "$s" delivered)/$(field "$s" expected)${SBAD["secure,$size"]:+!}" \
		    "$(field "$s" reg_s)"
	done
	printf '(median of %s plain and secure runs back to back per size, both\n' \
	    "$PAIRS"
	printf ' servers fresh; "!": loss, order errors or disconnects in any secure run)\n'
}

verdict() { # NAME STATUS DETAIL
	printf '  %-44s %-8s %s\n' "$1" "$2" "$3"
}

target_rate() {
	local size ok=MET name="kit msgs/s >= ngircd at every size"
	if (( ! HAVE_NG )); then
		verdict "$name" SKIPPED "(ngircd not installed)"
		return
	fi
	for size in $SIZES; do
		fcmp "$(rate_of "${RES["kit,$size"]:-}")" ">=" \
		    "$(rate_of "${RES["ngircd,$size"]:-}")" || ok="NOT MET"
	done
	verdict "$name" "$ok" ""
}

# target_below NAME LINE KEY LIMIT UNIT: LINE's KEY < LIMIT.
target_below() {
	local v
	if [[ -z $2 ]]; then
		verdict "$1" SKIPPED "(size not run)"
		return
	fi
	v=$(field "$2" "$3")
	if fcmp "$v" "<" "$4" && [[ $(field "$2" joined) == "$(field "$2" clients)" ]]
	then
		verdict "$1" MET "$v $5"
	else
		verdict "$1" "NOT MET" "$v $5, joined $(field "$2" joined)"
	fi
}

target_rss() {
	local line=${IDLE["kit,line"]:-} rss=${IDLE["kit,rss"]:--}
	local name="$IDLE_CLIENTS idle clients < 100 MiB RSS"
	if fcmp "$rss" "<" 100 &&
	    [[ $(field "$line" joined) == "$IDLE_CLIENTS" ]]; then
		verdict "$name" MET "$rss MiB"
	else
		verdict "$name" "NOT MET" "$rss MiB, joined $(field "$line" joined)"
	fi
}

target_loss() {
	local size ok=MET detail=""
	for size in $SIZES; do
		if ! clean "${RES["kit,$size"]:-}" ||
		    ! clean "${LAT["kit,$size"]:-}"; then
			ok="NOT MET"
			detail+="$size "
		fi
	done
	verdict "zero loss (kit: all delivered, in order)" "$ok" \
	    "${detail:+failed at: $detail}"
}

# The secure targets: fan-out at least 0.80 of plain's, and no loss.
target_secure() {
	local size r ok detail=""
	for size in $SECURE_SIZES; do
		r=$(ratio_of "${SRES["secure,$size"]:-}" "${SRES["plain,$size"]:-}")
		fcmp "$r" ">=" 0.80 && ok=MET || ok="NOT MET"
		verdict "secure msgs/s >= 0.80 x plain at $size" "$ok" "$r"
		if [[ -n ${SBAD["secure,$size"]:-} ]] ||
		    ! clean "${SRES["secure,$size"]:-}"; then
			detail+="$size "
		fi
	done
	[[ -n $SECURE_SIZES ]] || return 0
	[[ -z $detail ]] && ok=MET || ok="NOT MET"
	verdict "zero loss (secure: all delivered, in order)" "$ok" \
	    "${detail:+failed at: $detail}"
}

print_targets() {
	echo "targets:"
	target_rate
	target_below "kit p99 < 5 ms at 50x200" "${LAT["kit,50x200"]:-}" \
	    p99_ms 5 ms
	target_below "2000 clients registered+joined < 1 s" \
	    "${RES["kit,2000x2"]:-}" reg_s 1 s
	target_rss
	target_loss
	target_secure
}

main() {
	declare -gA RES=() LAT=() IDLE=() SRES=() SRUNS=() SLAT=() SBAD=()
	local hard
	[[ -x $KIT ]] || die "$KIT missing: run make first"
	[[ -x $LOADGEN ]] || die "$LOADGEN missing: run make bin/loadgen"
	hard=$(ulimit -Hn)
	[[ $hard == unlimited ]] && hard=1048576
	ulimit -n "$hard" 2>/dev/null || die "cannot raise ulimit -n to $hard"
	(( hard >= IDLE_CLIENTS + 200 )) ||
	    say "chat_bench: warning: ulimit -n $hard < $IDLE_CLIENTS clients"
	HAVE_NG=0
	if [[ -x $NGIRCD ]]; then
		HAVE_NG=1
	else
		say "chat_bench: $NGIRCD not installed (apt-get install ngircd):"
		say "chat_bench: skipping every ngircd column"
	fi
	if [[ -n $SECURE_SIZES ]] || (( SECURE_IDLE )); then
		[[ -x $SECURE && -x $SECURE_KEYS ]] ||
		    die "$SECURE or $SECURE_KEYS missing: run make first"
		secure_key
	fi
	run_sizes kit
	(( HAVE_NG )) && run_sizes ngircd
	run_pairs
	measure_idle kit
	(( HAVE_NG )) && measure_idle ngircd
	(( SECURE_IDLE )) && measure_idle secure
	echo
	print_table
	echo
	print_secure_table
	echo
	print_targets
}

main "$@"
