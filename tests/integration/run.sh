#!/usr/bin/env bash
# Run the integration scenarios tests/integration/NN-*.sh, or those named.
#	KIT_BIN=bin bash tests/integration/run.sh [NAME...]
# A NAME is a file name with or without .sh, or its number ("07").
# Each scenario gets TEST_TIMEOUT seconds (120). Prints PASS/FAIL/SKIP per
# scenario, the output of those that failed, and a summary; exits 1 if any
# failed.
set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
KIT_BIN=${KIT_BIN:-$top/bin}
if ! KIT_BIN=$(cd "$KIT_BIN" 2>/dev/null && pwd); then
	echo "run.sh: KIT_BIN ${KIT_BIN} is not a directory (build first)" >&2
	exit 2
fi
export KIT_BIN
timeout_s=${TEST_TIMEOUT:-120}

# Scenario files, in order.
tests=()
if [ $# -eq 0 ]; then
	for t in "$here"/[0-9][0-9]-*.sh; do
		[ -e "$t" ] && tests+=("$t")
	done
else
	for name in "$@"; do
		name=${name##*/}
		name=${name%.sh}
		found=
		for t in "$here/$name.sh" "$here/$name"-*.sh; do
			if [ -e "$t" ]; then
				tests+=("$t")
				found=1
				break
			fi
		done
		if [ -z "$found" ]; then
			echo "run.sh: no scenario named $name" >&2
			exit 2
		fi
	done
fi

now_ms()
{
	date +%s%3N
}

passed=0 failed=0 skipped=0
failures=()
out=$(mktemp "${TMPDIR:-/tmp}/kit-it-run.XXXXXX") || exit 2
trap 'rm -f "$out"' EXIT
start_all=$(now_ms)
for t in "${tests[@]}"; do
	name=$(basename "$t" .sh)
	start=$(now_ms)
	timeout -k 10 "$timeout_s" bash "$t" >"$out" 2>&1 </dev/null
	status=$?
	ms=$(($(now_ms) - start))
	secs=$(printf '%d.%d' $((ms / 1000)) $((ms % 1000 / 100)))
	case $status in
	0)
		echo "PASS $name (${secs}s)"
		passed=$((passed + 1))
		;;
	77)
		reason=$(sed -n 's/^SKIP: //p' "$out" | tail -n 1)
		echo "SKIP $name: ${reason:-no reason given}"
		skipped=$((skipped + 1))
		;;
	*)
		if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
			echo "FAIL $name (timed out after ${timeout_s}s)"
		else
			echo "FAIL $name (${secs}s, status $status)"
		fi
		sed 's/^/    | /' "$out" | cat -v
		failed=$((failed + 1))
		failures+=("$name")
		;;
	esac
done
ms=$(($(now_ms) - start_all))
echo "$passed passed, $failed failed, $skipped skipped ($((ms / 1000))s)"
if [ "$failed" -gt 0 ]; then
	echo "failed: ${failures[*]}"
	exit 1
fi
exit 0
