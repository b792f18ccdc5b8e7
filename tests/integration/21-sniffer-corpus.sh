#!/usr/bin/env bash
# Robustness: the sniffer reads every capture of the tcpdump and libpcap
# test suites (../shared/corpus, real and often malformed files) to the end
# or rejects it with an error, with every output on, without a crash, a
# hang (10 s per file), a leak or a sanitizer report.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"

corpus=$TOP_DIR/../shared/corpus
[ -d "$corpus/tcpdump" ] ||
	skip "no capture corpus at $corpus (it lives beside the repository, in ../shared; clone-only checkouts skip this test)"
[ -x "$KIT_BIN/sniffer" ] || fail "no $KIT_BIN/sniffer"

# Sanitizer reports exit with 86, apart from the sniffer's own statuses.
export ASAN_OPTIONS="detect_leaks=1:exitcode=86"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:exitcode=86"

# One file: status 0 (read), 1 (not a capture, unsupported link type) or
# 3 (damaged part-way) is fine; anything else, or a report, is not.
check_one() {
	local file=$1 out st
	out=$(mktemp -d "$TMP_DIR/o.XXXXXX")
	timeout 10 "$KIT_BIN/sniffer" -r "$file" -o "$out" --json --stats \
		--follow --hex >/dev/null 2>"$out/stderr"
	st=$?
	if [ $st -ne 0 ] && [ $st -ne 1 ] && [ $st -ne 3 ] ||
		grep -qE 'AddressSanitizer|LeakSanitizer|runtime error' "$out/stderr"; then
		echo "BAD status $st: $file"
		head -n 20 "$out/stderr"
	fi
	rm -rf "$out"
}
export -f check_one
export TMP_DIR KIT_BIN

files=$(find "$corpus" -type f \( -name '*.pcap' -o -name '*.pcapng' -o -name '*.cap' \) | sort)
count=$(printf '%s\n' "$files" | wc -l)
printf '%s\n' "$files" |
	xargs -P "$(nproc)" -I{} bash -c 'check_one "$1"' _ {} >"$TMP_DIR/bad.out"
if grep -q '^BAD' "$TMP_DIR/bad.out"; then
	cat "$TMP_DIR/bad.out"
	fail "$(grep -c '^BAD' "$TMP_DIR/bad.out") of $count capture files broke the sniffer"
fi
echo "$count capture files read without a crash, hang or sanitizer report"
