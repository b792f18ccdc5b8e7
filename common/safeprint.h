/* Print untrusted bytes to a terminal without letting them control it. */
#ifndef KIT_COMMON_SAFEPRINT_H
#define KIT_COMMON_SAFEPRINT_H

#include <stddef.h>
#include <stdio.h>

/*
 * Write p[0..n) to f: printable ASCII and well-formed UTF-8 pass through;
 * control bytes (ESC, BEL, IRC colour codes...), C1 controls, invalid UTF-8
 * and bidirectional overrides are written as \xHH or \u{HHHH} escapes, and
 * backslash as "\\", so the output is unambiguous and a message can never
 * move the cursor or reorder text on the reader's screen.
 */
void safeprint(FILE *f, const char *p, size_t n);

/* The same for multi-line text (a reassembled stream): newline and tab
 * pass through, and CR-LF is shown as a newline. */
void safeprint_text(FILE *f, const char *p, size_t n);

/* How many of p[0..n)'s bytes safeprint_text would write as escapes:
 * about none for text, most for ciphertext or other binary data. */
size_t safeprint_escaped(const char *p, size_t n);

/* Same as safeprint, into out[0..cap) (always NUL-terminated when cap > 0); returns the
 * length written. Output that does not fit is cut at an escape boundary. */
size_t safeprint_str(char *out, size_t cap, const char *p, size_t n);

#endif
