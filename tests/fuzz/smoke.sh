#!/usr/bin/env bash
# Run every fuzz harness in DIR briefly (FUZZ_SECONDS, default 5 each),
# starting from its seed corpus in tests/fuzz/corpus/NAME.
set -euo pipefail

dir=${1:-build/fuzz}
seconds=${FUZZ_SECONDS:-5}
here=$(cd "$(dirname "$0")" && pwd)
status=0

for harness in "$dir"/fuzz_*; do
	[[ -x $harness ]] || continue
	name=$(basename "$harness")
	work=$(mktemp -d)
	seeds=()
	[[ -d $here/corpus/$name ]] && seeds=("$here/corpus/$name")
	if "$harness" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
		"$work" "${seeds[@]}" >"$work.log" 2>&1; then
		runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$work.log" |
		       grep -o '[0-9]*$' || true)
		[[ -n $runs ]] || runs=$(grep -oE '#[0-9]+' "$work.log" | tail -1 | tr -d '#')
		echo "PASS $name (${seconds}s, ${runs:-?} inputs)"
	else
		echo "FAIL $name: a crash or sanitizer report; log follows"
		tail -n 60 "$work.log"
		status=1
	fi
	rm -rf "$work" "$work.log"
done
exit $status
