#!/usr/bin/env bash
# secure_bench.sh: secure_chat against its primitives and TLS 1.3, in one
# run, over 127.0.0.1 only. Prints one table and the verdict on each
# target. Run from the repository root after `make bench-tools`:
#
#   KIT_BIN=bin BENCH_BIN=build/release/bench bash bench/secure_bench.sh
#
# What it measures:
#   openssl speed      X25519, Ed25519, AES-256-GCM, ChaCha20-Poly1305 (one
#                      stream, the ceiling; and one record at a time, -aead)
#   handshakes/s       hs_bench handshakes: K sequential anonymous logins
#                      to bin/secure-server (server key pinned); hs_bench
#                      floor: the same bytes over TCP with no crypto; and
#                      openssl s_time -new against openssl s_server (TLS
#                      1.3, Ed25519 certificate) and secure-server --tls
#                      (its certificate made from the same Ed25519 key)
#   records            hs_bench records: seal + open of one record in the
#                      kit's record layer, per suite, at 64 B and 16 KiB
#   bulk               hs_bench bulk: bytes through one secure connection
#                      to hs_bench sink, 16 KiB and 64 B records; hs_bench
#                      bulk-floor: the same writes over TCP with no crypto
#
# Optional environment:
#   RUNS=5            rounds, each of which measures every figure once
#                     (every openssl speed row too); the best is shown
#   HS_COUNT=2000     handshakes per hs_bench run
#   S_TIME=2          seconds per openssl s_time run
#   BULK_MB=512       MiB per bulk run at 16 KiB records (64 B: 1/128th)
#   BULK_TRIES=3      bulk runs at 16 KiB records per suite in each round
#   KEEP=1            keep the logs in the temporary directory

set -u -o pipefail

BENCH_NAME=secure_bench
# shellcheck source=bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
KIT_BIN=${KIT_BIN:-$ROOT/bin}
BENCH_BIN=${BENCH_BIN:-$ROOT/build/release/bench}
KIT_BIN=$(cd "$KIT_BIN" 2>/dev/null && pwd) || die "no directory $KIT_BIN"
BENCH_BIN=$(cd "$BENCH_BIN" 2>/dev/null && pwd) || die "no directory $BENCH_BIN"
HSB=$BENCH_BIN/hs_bench
RUNS=${RUNS:-5}
HS_COUNT=${HS_COUNT:-2000}
S_TIME=${S_TIME:-2}
BULK_MB=${BULK_MB:-512}
BULK_TRIES=${BULK_TRIES:-3}

for f in "$KIT_BIN/secure-server" "$KIT_BIN/secure-keys" "$HSB"; do
	[[ -x $f ]] || die "no $f (make bench-tools first)"
done
command -v openssl >/dev/null || die "no openssl program"
command -v ss >/dev/null || die "no ss (iproute2)"

bench_at_exit() { exec 3>&-; }

# listen_port PID: the TCP port PID listens on, within 10 s ("" if none).
listen_port() {
	local i port
	for ((i = 0; i < 100; i++)); do
		alive "$1" || return 1
		port=$(ss -Hltnp 2>/dev/null |
			sed -n "/pid=$1,/s/^.*127\.0\.0\.1:\([0-9]*\) .*$/\1/p" |
			head -n 1)
		[[ -n $port ]] && { echo "$port"; return 0; }
		sleep 0.1
	done
	return 1
}

# start NAME COMMAND...: run it in the background with its output in
# $TMP/NAME.log; sets PID and PORT (once it listens on 127.0.0.1).
start() {
	local name=$1
	shift
	"$@" >"$TMP/$name.log" 2>&1 <&3 &
	PID=$!
	track "$PID"
	PORT=$(listen_port "$PID") || die "$name did not start: $(tail -n 3 "$TMP/$name.log")"
}


# keep_best NAME KEY LINE: keep LINE as BEST_LINE[NAME] when its KEY (a
# number) is higher than the kept one's; false when LINE has no KEY.
declare -A BEST_LINE=()
keep_best() {
	local v bv
	v=$(field "$3" "$2")
	[[ -n $v ]] || return 1
	bv=$(field "${BEST_LINE[$1]:-}" "$2")
	if [[ -z $bv ]] || fcmp "$v" ">" "$bv"; then
		BEST_LINE[$1]=$3
	fi
}

# Servers read nothing from stdin, but openssl s_server stops at its end:
# they all get a FIFO that nobody writes and that stays open.
mkfifo -m 600 "$TMP/stdin" || die "mkfifo failed"
exec 3<>"$TMP/stdin"

# --- primitives: openssl speed ------------------------------------------------

# speed_aead CIPHER BYTES [-aead]: "MB_s=N" (openssl prints 1000s of
# bytes/s). Plain -evp encrypts one endless stream (the ceiling); with
# -aead each block is a record of its own (its IV set, AAD, the tag
# computed).
speed_aead() {
	openssl speed ${3:-} -evp "$1" -bytes "$2" -seconds 1 2>/dev/null |
		awk -v c="$1" 'tolower($1) == c { v = $2 } END { sub("k", "", v)
			if (v > 0) printf "MB_s=%.1f\n", v / 1000 }'
}

# primitives: every openssl speed row once, best kept over the rounds.
primitives() {
	local c ed
	keep_best x25519 op_s "$(openssl speed -seconds 1 ecdhx25519 2>/dev/null |
		awk '/X25519/ { v = $NF } END { if (v > 0) printf "op_s=%.0f\n", v }')"
	ed=$(openssl speed -seconds 1 ed25519 2>/dev/null | awk '/Ed25519/ {
		s = $(NF - 1); v = $NF } END {
		if (v > 0) printf "sign_s=%.0f verify_s=%.0f\n", s, v }')
	keep_best ed25519-sign sign_s "$ed"
	keep_best ed25519-verify verify_s "$ed"
	for c in aes-256-gcm chacha20-poly1305; do
		keep_best "speed,$c,64" MB_s "$(speed_aead "$c" 64)"
		keep_best "speed,$c,16384" MB_s "$(speed_aead "$c" 16384)"
		keep_best "aead,$c,64" MB_s "$(speed_aead "$c" 64 -aead)"
		keep_best "aead,$c,16384" MB_s "$(speed_aead "$c" 16384 -aead)"
	done
}

# --- the servers: all listening before the first round ------------------------

(cd "$TMP" && "$KIT_BIN/secure-keys" gen server >/dev/null) ||
	die "secure-keys gen failed"
openssl req -x509 -newkey ed25519 -keyout "$TMP/tls.key" -out "$TMP/tls.crt" \
	-days 2 -nodes -subj /CN=localhost >/dev/null 2>&1 ||
	die "openssl req failed"
start secure-server "$KIT_BIN/secure-server" --bind 127.0.0.1 --port 0 \
	--key "$TMP/server.key"
KIT_PID=$PID KIT_PORT=$PORT
start s_server openssl s_server -accept 127.0.0.1:0 -quiet -tls1_3 \
	-cert "$TMP/tls.crt" -key "$TMP/tls.key" -naccept 1000000
S_SERVER_PORT=$PORT
KIT_TLS_PORT=
if "$KIT_BIN/secure-server" --help 2>&1 | grep -q -- '--tls\>'; then
	start secure-server-tls "$KIT_BIN/secure-server" --bind 127.0.0.1 \
		--port 0 --tls --key "$TMP/server.key"
	KIT_TLS_PORT=$PORT
fi
start sink "$HSB" sink --key "$TMP/server.key" --count 1000 --timeout 60
SINK_PORT=$PORT

# --- one round of every measurement -----------------------------------------------

# kit_handshakes: one hs_bench run against the kit's secure-server, its
# result line with the server's CPU per handshake added (srv_cpu_us, over
# the run's warm-up handshakes too, which the line counts: 20 of 2,020).
kit_handshakes() {
	local a b line n
	a=$(proc_cpu "$KIT_PID") || return 1
	line=$("$HSB" handshakes --port "$KIT_PORT" --server-key \
		"$TMP/server.pub" --count "$HS_COUNT" | tail -n 1) || return 1
	b=$(proc_cpu "$KIT_PID") || return 1
	n=$(( $(field "$line" handshakes) + $(field "$line" warmup) )) || return 1
	echo "$line srv_cpu_us=$(awk -v a="$a" -v b="$b" -v t="$(getconf CLK_TCK)" \
		-v n="$n" 'BEGIN { printf "%.0f", (b - a) / t * 1e6 / n }')"
}

# s_time_rate PORT: "per_s=N", TLS 1.3 full handshakes per second over
# the wall time of the whole s_time run.
s_time_rate() {
	local n t0 t1
	t0=$(date +%s.%N)
	n=$(openssl s_time -connect "127.0.0.1:$1" -new -time "$S_TIME" \
		2>/dev/null | awk '/connections in .* real/ { print $1 }')
	t1=$(date +%s.%N)
	[[ -n $n ]] && awk -v n="$n" -v a="$t0" -v b="$t1" \
		'BEGIN { printf "per_s=%.0f\n", n / (b - a) }'
}

bulk() { # CIPHER RECORD BYTES: one hs_bench bulk run's result line
	"$HSB" bulk --port "$SINK_PORT" --server-key "$TMP/server.pub" \
		--cipher "$1" --record "$2" --bytes "$3" | tail -n 1
}

bulk_floor() { # RECORD BYTES: the same writes over TCP, no crypto
	"$HSB" bulk-floor --record "$1" --bytes "$2" | tail -n 1
}

# A shared machine's speed drifts over minutes: each round measures every
# figure once, so that both sides of each ratio (the kit against TLS 1.3,
# bulk against its ceiling) see the same drift; the best of the rounds
# makes the table, as in sniffer_bench.sh. A --tls round that fails is
# counted; the row says "failed" only if none succeeded.
KIT_TLS_FAILS=0
for ((round = 1; round <= RUNS; round++)); do
	say "secure_bench: round $round of $RUNS (openssl speed, handshakes, s_time, bulk)"
	primitives
	keep_best kit-hs per_s "$(kit_handshakes)" ||
		die "hs_bench handshakes failed"
	keep_best s_server per_s "$(s_time_rate "$S_SERVER_PORT")" ||
		die "s_time against s_server failed"
	if [[ -n $KIT_TLS_PORT ]]; then
		keep_best kit-tls per_s "$(s_time_rate "$KIT_TLS_PORT")" ||
			KIT_TLS_FAILS=$((KIT_TLS_FAILS + 1))
	fi
	# A bulk run needs both cores at once, and lasts a fifth of a
	# second: on a shared host the same run makes 1.4 to 3.2 GB/s, while
	# openssl speed, one core for a second, moves far less.
	for c in aes-256-gcm chacha20-poly1305; do
		for ((try = 0; try < BULK_TRIES; try++)); do
			keep_best "bulk,$c,16384" MB_s "$(bulk "$c" 16384 \
				$((BULK_MB << 20)))" || die "hs_bench bulk failed"
		done
		keep_best "bulk,$c,64" MB_s "$(bulk "$c" 64 \
			$((BULK_MB << 13)))" || die "hs_bench bulk failed"
	done
	keep_best bulk-floor,16384 MB_s \
		"$(bulk_floor 16384 $((BULK_MB << 20)))" ||
		die "hs_bench bulk-floor failed"
	keep_best bulk-floor,64 MB_s "$(bulk_floor 64 $((BULK_MB << 13)))" ||
		die "hs_bench bulk-floor failed"
done
for pid in "${!LIVE[@]}"; do
	stop_pid "$pid"
done

say "secure_bench: TCP floor and record layer"
for ((round = 1; round <= RUNS; round++)); do
	keep_best floor per_s "$("$HSB" floor --count "$HS_COUNT" | tail -n 1)" ||
		die "hs_bench floor failed"
done
RECORDS=$("$HSB" records --seconds 1) || die "hs_bench records failed"
rec() { # SUITE SIZE: ns per record
	awk -v s="$1" -v n="$2" '$1 == "suite=" s && $2 == "size=" n { sub("ns_per_record=", "", $3); print $3 }' <<<"$RECORDS"
}

# --- the table ----------------------------------------------------------------

# ratio A B: A / B unrounded, which the targets judge, or "n/a".
ratio() {
	fcmp "$1" ">=" 0 && fcmp "$2" ">" 0 &&
		awk -v a="$1" -v b="$2" 'BEGIN { printf "%.6f", a / b }' ||
		echo n/a
}
two_places() { # VALUE: a number to 0.01, n/a as it is
	if [[ $1 == n/a ]]; then echo n/a; else awk -v v="$1" 'BEGIN { printf "%.2f", v }'; fi
}
verdict() { # NAME OK VALUE
	printf '  %-46s %-5s %s\n' "$1" "$2" "$3"
}

best() { field "${BEST_LINE[$1]:-}" "${2:-per_s}"; }	# NAME [KEY]
KIT_HS=${BEST_LINE[kit-hs]}
KIT_RATE=$(best kit-hs)
TLS_HS=$(best s_server)
KIT_TLS_HS=${KIT_TLS_PORT:+$(best kit-tls)}
[[ -n $KIT_TLS_PORT && -z $KIT_TLS_HS ]] && KIT_TLS_HS=failed
KIT_TLS_HS=${KIT_TLS_HS:-"n/a (no --tls)"}
(( KIT_TLS_FAILS > 0 )) && [[ $KIT_TLS_HS != failed ]] &&
	KIT_TLS_HS+=" ($KIT_TLS_FAILS of $RUNS rounds failed)"
CEIL=$(best speed,aes-256-gcm,16384 MB_s)
BULK_AES=$(best bulk,aes-256-gcm,16384 MB_s)

echo "secure_chat, loopback (best of $RUNS rounds; MB = 10^6 bytes)"
echo
printf '%-36s %12s %12s\n' "openssl speed" "64 B" "16 KiB"
for c in aes-256-gcm chacha20-poly1305; do
	printf '%-36s %7s MB/s %7s MB/s\n' "$c" "$(best "speed,$c,64" MB_s)" \
		"$(best "speed,$c,16384" MB_s)"
	printf '%-36s %7s MB/s %7s MB/s\n' "  one record at a time (-aead)" \
		"$(best "aead,$c,64" MB_s)" "$(best "aead,$c,16384" MB_s)"
done
printf '%-36s %12s\n' "X25519 derive, op/s" "$(best x25519 op_s)"
printf '%-36s %12s %12s\n' "Ed25519 sign/s, verify/s" \
	"$(best ed25519-sign sign_s)" "$(best ed25519-verify verify_s)"
echo
printf '%-36s %12s %12s %12s %12s\n' "handshakes, sequential" "per s" \
	"p50 ms" "p99 ms" "CPU us c+s"
printf '%-36s %12s %12s %12s %12s\n' "kit secure_chat (hs_bench)" "$KIT_RATE" \
	"$(field "$KIT_HS" p50_ms)" "$(field "$KIT_HS" p99_ms)" \
	"$(field "$KIT_HS" cpu_us)+$(field "$KIT_HS" srv_cpu_us)"
printf '%-36s %12s\n' "floor: same bytes over TCP, no crypto" \
	"$(best floor)"
printf '%-36s %12s\n' "TLS 1.3 s_server + s_time -new" "$TLS_HS"
printf '%-36s %12s\n' "kit secure-server --tls + s_time" "$KIT_TLS_HS"
echo
printf '%-36s %12s %12s\n' "record layer, seal+open ns/record" "64 B" "16 KiB"
echo "  (one hs_bench records run, after the rounds)"
for s in AES-256-GCM ChaCha20-Poly1305; do
	printf '%-36s %12s %12s\n' "$s" "$(rec "$s" 64)" "$(rec "$s" 16384)"
done
echo
printf '%-36s %12s %12s\n' "one connection, MB/s" "64 B rec" "16 KiB rec"
for c in aes-256-gcm chacha20-poly1305; do
	printf '%-36s %12s %12s\n' "$c" "$(best "bulk,$c,64" MB_s)" \
		"$(best "bulk,$c,16384" MB_s)"
done
printf '%-36s %12s %12s\n' "floor: same writes, TCP, no crypto" \
	"$(best bulk-floor,64 MB_s)" "$(best bulk-floor,16384 MB_s)"
echo
echo "targets:"
fcmp "$KIT_RATE" ">=" 2000 && ok=MET || ok=FAIL
verdict "kit handshakes >= 2000/s sequential" "$ok" "${KIT_RATE:-n/a}/s"
r=$(ratio "$KIT_RATE" "$TLS_HS")
fcmp "$r" ">=" 4 && ok=MET || ok=FAIL
verdict "kit handshakes >= 4x TLS 1.3 (s_server)" "$ok" "$(two_places "$r")x"
r=$(ratio "$BULK_AES" "$CEIL")
fcmp "$r" ">=" 0.5 && ok=MET || ok=FAIL
verdict "bulk >= 0.5x aes-256-gcm ceiling (16 KiB)" "$ok" \
	"$(two_places "$r")x ($BULK_AES of $CEIL MB/s)"
