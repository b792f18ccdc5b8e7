/* Escape untrusted text for terminals (cf. tcpdump util-print.c nd_printjnp). */
#include <stdint.h>
#include <string.h>

#include "safeprint.h"

/* Length of the well-formed UTF-8 sequence at p (RFC 3629 §4), 0 if none. */
static size_t
utf8_len(const unsigned char *p, size_t n, uint32_t *cp)
{
	size_t len, i;
	uint32_t c = p[0];

	if (c >= 0xc2 && c <= 0xdf)
		len = 2, c &= 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3, c &= 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4, c &= 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (p[i] & 0x3f);
	}
	/* Reject overlong forms, surrogates and values past U+10FFFF. */
	if ((len == 3 && c < 0x800) || (len == 4 && c < 0x10000) ||
	    (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
		return 0;
	*cp = c;
	return len;
}

/* C1 controls and the Unicode bidi controls that can reorder a line. */
static int
dangerous_codepoint(uint32_t c)
{
	return (c >= 0x80 && c <= 0x9f) || c == 0x061c ||
	       (c >= 0x200e && c <= 0x200f) || (c >= 0x202a && c <= 0x202e) ||
	       (c >= 0x2066 && c <= 0x2069);
}

/* Put the rendering of the unit at p in piece; returns bytes of input used. */
static size_t
render_unit(const unsigned char *p, size_t n, char piece[16], size_t *plen)
{
	uint32_t cp;
	size_t u;

	if (p[0] >= 0x20 && p[0] < 0x7f) {
		if (p[0] == '\\') {
			memcpy(piece, "\\\\", 2);
			*plen = 2;
		} else {
			piece[0] = (char)p[0];
			*plen = 1;
		}
		return 1;
	}
	if ((u = utf8_len(p, n, &cp)) > 0) {
		if (dangerous_codepoint(cp))
			*plen = (size_t)snprintf(piece, 16, "\\u{%04X}",
						 (unsigned)cp);
		else
			memcpy(piece, p, *plen = u);
		return u;
	}
	*plen = (size_t)snprintf(piece, 16, "\\x%02x", p[0]);
	return 1;
}

size_t
safeprint_str(char *out, size_t cap, const char *p, size_t n)
{
	const unsigned char *s = (const unsigned char *)p;
	size_t i = 0, len = 0, plen;
	char piece[16];

	if (cap == 0)
		return 0;
	while (i < n) {
		size_t used = render_unit(s + i, n - i, piece, &plen);

		if (plen >= cap - len)
			break;
		memcpy(out + len, piece, plen);
		len += plen;
		i += used;
	}
	out[len] = '\0';
	return len;
}

/* As render_unit, for multi-line text: newline and tab pass through, and
 * the CR of a CR-LF renders as nothing (*plen 0). */
static size_t
render_text_unit(const unsigned char *p, size_t n, char piece[16],
		 size_t *plen)
{
	if (p[0] == '\n' || p[0] == '\t') {
		piece[0] = (char)p[0];
		*plen = 1;
		return 1;
	}
	if (p[0] == '\r' && n > 1 && p[1] == '\n') {
		*plen = 0;
		return 1;
	}
	return render_unit(p, n, piece, plen);
}

void
safeprint_text(FILE *f, const char *p, size_t n)
{
	const unsigned char *s = (const unsigned char *)p;
	size_t i = 0, plen;
	char piece[16];

	while (i < n) {
		i += render_text_unit(s + i, n - i, piece, &plen);
		fwrite(piece, 1, plen, f);
	}
}

void
safeprint(FILE *f, const char *p, size_t n)
{
	const unsigned char *s = (const unsigned char *)p;
	size_t i = 0, plen;
	char piece[16];

	while (i < n) {
		i += render_unit(s + i, n - i, piece, &plen);
		fwrite(piece, 1, plen, f);
	}
}

size_t
safeprint_escaped(const char *p, size_t n)
{
	const unsigned char *s = (const unsigned char *)p;
	size_t i = 0, count = 0, used, plen;
	char piece[16];

	while (i < n) {
		used = render_text_unit(s + i, n - i, piece, &plen);
		if (plen > 0 && piece[0] == '\\' && s[i] != '\\')
			count += used;
		i += used;
	}
	return count;
}
