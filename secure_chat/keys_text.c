/* \summary: secure_chat keys, the text side: error messages (errno and
 * OpenSSL), bounded file reading, line iteration, fields, base64
 * (RFC 4648 §4) and write_all, shared by the key and trust files. */
#include <errno.h>
#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "keys.h"
#include "keys_internal.h"

#define B64_MAX_BYTES 64	/* what keys_b64_* handle */
#define B64_MAX_TEXT 88		/* 4 * ceil(64 / 3) */

/* --- small helpers ----------------------------------------------------------- */

void
keys_errf(char err[static KIT_ERRLEN], const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, KIT_ERRLEN, fmt, ap);
	va_end(ap);
}

void
keys_openssl_error(char err[static KIT_ERRLEN], const char *what)
{
	unsigned long e = ERR_get_error();
	const char *text = e ? ERR_reason_error_string(e) : NULL;
	char reason[160];

	/* The reason's words ("no shared cipher"); the whole code and
	 * library only when OpenSSL has no words for it. */
	if (text)
		snprintf(reason, sizeof(reason), "%s", text);
	else if (e)
		ERR_error_string_n(e, reason, sizeof(reason));
	else
		snprintf(reason, sizeof(reason), "OpenSSL gave no reason");
	ERR_clear_error();
	keys_errf(err, "%s: %s", what, reason);
}

void
keys_warn_if_open(const char *label, const char *path, unsigned mode)
{
	if (mode & 0077)
		kit_warn("%s%s can be read or written by others: chmod 600 %s",
			 label, path, path);
}

/* err = "path: strerror(errno)"; errno is kept for the caller. */
int
keys_sys_error(char err[static KIT_ERRLEN], const char *path)
{
	int saved = errno;

	keys_errf(err, "%s: %s", path, strerror(saved));
	errno = saved;
	return KIT_ESYS;
}

/* err = "path:line: why"; returns KIT_EINVAL. */
int
keys_line_error(char err[static KIT_ERRLEN], const char *path, unsigned no,
	   const char *why)
{
	keys_errf(err, "%s:%u: %s", path, no, why);
	return KIT_EINVAL;
}

/* keys_next_line's failures as keys_line_error messages. */
int
keys_bad_line(char err[static KIT_ERRLEN], const char *path, unsigned no,
	      int r)
{
	keys_line_error(err, path, no, r == KIT_ETOOBIG
			? "line longer than 1024 bytes"
			: "NUL byte or control character");
	return r;
}

int
keys_write_all(int fd, const void *p, size_t n)
{
	const char *c = p;
	ssize_t w;

	while (n > 0) {
		if ((w = write(fd, c, n)) < 0) {
			if (errno == EINTR)
				continue;
			return KIT_ESYS;
		}
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

/* --- bounded file reading and lines ----------------------------------------- */

int
keys_read_file(const char *path, size_t max, char **text, size_t *len,
	  mode_t *mode, char err[static KIT_ERRLEN])
{
	struct stat st;
	char *buf = NULL;
	size_t size = 0, got = 0;
	ssize_t n;
	int fd, r = 0, saved;

	/* O_NONBLOCK: a FIFO must not hang us before the S_ISREG check. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return keys_sys_error(err, path);
	if (fstat(fd, &st) < 0) {
		r = keys_sys_error(err, path);
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		keys_errf(err, "%s: not a regular file", path);
		r = KIT_EINVAL;
		goto out;
	}
	if (st.st_size < 0 || (unsigned long long)st.st_size > max) {
		keys_errf(err, "%s: larger than %zu bytes", path, max);
		r = KIT_ETOOBIG;
		goto out;
	}
	size = (size_t)st.st_size;
	if (!(buf = malloc(size + 1))) {
		keys_errf(err, "%s: out of memory", path);
		r = KIT_ENOMEM;
		goto out;
	}
	while (got < size) {	/* a file that grows meanwhile is cut here */
		if ((n = read(fd, buf + got, size - got)) < 0) {
			if (errno == EINTR)
				continue;
			r = keys_sys_error(err, path);
			goto out;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	buf[got] = '\0';
	*text = buf;
	*len = got;
	if (mode)
		*mode = st.st_mode;
	buf = NULL;
out:
	saved = errno;
	if (buf)
		OPENSSL_clear_free(buf, size + 1);	/* may hold a key */
	close(fd);
	errno = saved;
	return r;
}

int
keys_read_text(const char *path, size_t max, char **text, size_t *len,
	       char err[static KIT_ERRLEN])
{
	return keys_read_file(path, max, text, len, NULL, err);
}

void
keys_lines_init(struct keys_lines *it, const char *text, size_t len)
{
	*it = (struct keys_lines){ text, text + len, 0, text, 0 };
}

int
keys_next_line(struct keys_lines *it, char buf[static KEYS_LINE_MAX + 1])
{
	const char *nl;
	size_t n, i;

	if (it->p >= it->end)
		return 0;
	nl = memchr(it->p, '\n', (size_t)(it->end - it->p));
	n = nl ? (size_t)(nl - it->p) : (size_t)(it->end - it->p);
	it->no++;
	it->line = it->p;
	it->span = n;
	it->p += n + (nl != NULL);
	if (n > 0 && it->line[n - 1] == '\r')
		n--;
	if (n > KEYS_LINE_MAX)
		return KIT_ETOOBIG;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)it->line[i];

		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return KIT_EINVAL;
	}
	memcpy(buf, it->line, n);
	buf[n] = '\0';
	return 1;
}

bool
keys_line_is_comment(const char *line)
{
	line += strspn(line, " \t");
	return *line == '\0' || *line == '#';
}

/* The next field of *s (spaces or tabs between), NUL-terminated in
 * place; NULL when none is left. */
char *
keys_field(char **s)
{
	char *p = *s + strspn(*s, " \t"), *start = p;

	if (*p == '\0')
		return NULL;
	p += strcspn(p, " \t");
	if (*p)
		*p++ = '\0';
	*s = p;
	return start;
}

/* --- base64 (RFC 4648 §4) through EVP_EncodeBlock / EVP_DecodeBlock -------- */

int
keys_b64_encode(const uint8_t *p, size_t n, char *out, size_t cap)
{
	if (n > B64_MAX_BYTES || 4 * ((n + 2) / 3) + 1 > cap)
		return KIT_ETOOBIG;
	return EVP_EncodeBlock((unsigned char *)out, p, (int)n);
}

static bool
b64_char(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '+' || c == '/';
}

int
keys_b64_decode(const char *s, size_t len, uint8_t *out, size_t cap)
{
	uint8_t tmp[B64_MAX_TEXT / 4 * 3];
	char back[B64_MAX_TEXT + 1];
	size_t i, pad = 0;
	int n, r = KIT_EINVAL;

	if (len > B64_MAX_TEXT)
		return KIT_ETOOBIG;
	if (len == 0 || len % 4 != 0)
		return KIT_EINVAL;
	while (pad < 2 && s[len - 1 - pad] == '=')
		pad++;
	for (i = 0; i < len - pad; i++)
		if (!b64_char((unsigned char)s[i]))
			return KIT_EINVAL;
	/* EVP_DecodeBlock counts the padding as zero bytes: take them off. */
	n = EVP_DecodeBlock(tmp, (const unsigned char *)s, (int)len);
	if (n < (int)pad)
		goto out;
	n -= (int)pad;
	if ((size_t)n > cap || n > B64_MAX_BYTES) {
		r = KIT_ETOOBIG;
		goto out;
	}
	/* Canonical text only: stray bits in the last character would let
	 * two spellings name one key. */
	if (keys_b64_encode(tmp, (size_t)n, back, sizeof(back)) != (int)len ||
	    memcmp(back, s, len) != 0)
		goto out;
	memcpy(out, tmp, (size_t)n);
	r = n;
out:
	OPENSSL_cleanse(tmp, sizeof(tmp));
	return r;
}
