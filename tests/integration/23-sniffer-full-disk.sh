#!/usr/bin/env bash
# -o on a full file system: the sniffer reads the demo capture into a
# tmpfs with room for one page and two files, in a mount namespace of its
# own. The first failure is reported once (the writer threads count the
# rest), the exit status is 1, nothing hangs, and every file it could
# write holds the start of its stream, nothing else. Before that, -o makes
# its folder when missing, and says so clearly when it cannot.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"

SNIFFER=$KIT_BIN/sniffer
CAP=$TOP_DIR/captures/irc-plaintext.pcap

[ -x "$SNIFFER" ] || fail "no $SNIFFER"

# A folder that does not exist yet is made; one whose parent is missing
# is an error (status 1) naming it.
bounded 30 "$SNIFFER" -r "$CAP" -o "$TMP_DIR/all" 2>"$TMP_DIR/all.log" ||
	fail "sniffer -o into a new folder failed: $(cat "$TMP_DIR/all.log")"
[ "$(find "$TMP_DIR/all" -type f | wc -l)" -eq 4 ] ||
	fail "expected 4 stream files from $CAP"
status=0
bounded 30 "$SNIFFER" -r "$CAP" -o "$TMP_DIR/no/such" 2>"$TMP_DIR/no.log" ||
	status=$?
[ "$status" -eq 1 ] || fail "-o under a missing folder: status $status"
grep -q "cannot make the output folder $TMP_DIR/no/such: No such file" \
	"$TMP_DIR/no.log" || fail "unclear error: $(cat "$TMP_DIR/no.log")"

[ "$(id -u)" -eq 0 ] || skip "mounting a small tmpfs needs root"
unshare -m true 2>/dev/null || skip "no mount namespaces (unshare -m)"
mkdir "$TMP_DIR/small"

# Inside the namespace: mount (nr_inodes=3: the root and two files;
# size=4k: one page), run, then compare what was kept before the mount
# goes away with the namespace. Prints the exit status, then one line per
# kept file: its name and whether it is a prefix of the full one.
cat > "$TMP_DIR/inner.sh" <<'INNER'
small=$1 all=$2
shift 2
mount -t tmpfs -o size=4k,nr_inodes=3 kit "$small" || exit 99
"$@" -o "$small"
echo "status $?"
for f in "$small"/*; do
	[ -e "$f" ] || continue
	n=$(stat -c %s "$f")
	if cmp -s -n "$n" "$f" "$all/${f##*/}"; then
		echo "kept ${f##*/} $n prefix"
	else
		echo "kept ${f##*/} $n WRONG"
	fi
done
INNER
bounded 30 unshare -m sh "$TMP_DIR/inner.sh" "$TMP_DIR/small" \
	"$TMP_DIR/all" "$SNIFFER" -r "$CAP" >"$TMP_DIR/small.out" \
	2>"$TMP_DIR/small.log" || fail "could not run in a mount namespace" \
	"(status $?): $(cat "$TMP_DIR/small.log")"
check_sanitizer_log "$TMP_DIR/small.log" sniffer
cat "$TMP_DIR/small.out"
grep -qx 'status 1' "$TMP_DIR/small.out" ||
	fail "expected exit status 1 on a full disk: $(cat "$TMP_DIR/small.log")"
[ "$(grep -c '^sniffer: cannot ' "$TMP_DIR/small.log")" -eq 1 ] ||
	fail "expected one 'cannot' line: $(cat "$TMP_DIR/small.log")"
grep -q 'further errors are only counted' "$TMP_DIR/small.log" ||
	fail "the error line does not say that more are counted"
grep -q '^kept .* prefix$' "$TMP_DIR/small.out" ||
	fail "no file was kept, though one page was free"
! grep -q WRONG "$TMP_DIR/small.out" ||
	fail "a kept file holds bytes that are not the start of its stream"
echo "reported: $(grep '^sniffer: cannot ' "$TMP_DIR/small.log")"
