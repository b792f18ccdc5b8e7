/* \summary: reading the kit's key log (KIT_CLIENT_RANDOM lines) into a
 * table of connections sorted by client random. */
#include <errno.h>
#include <fcntl.h>
#include <openssl/crypto.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "keyfile.h"

#define LABEL "KIT_CLIENT_RANDOM"

struct keyfile {
	struct kit_secrets *s;	/* sorted by random, one per connection */
	size_t n, cap, skipped;
};

static const struct {
	const char *name;
	unsigned bit;
	size_t offset;
} names[] = {
	{ "CLIENT_HANDSHAKE_TRAFFIC_SECRET", HAVE_C_HS,
	  offsetof(struct kit_secrets, c_hs) },
	{ "SERVER_HANDSHAKE_TRAFFIC_SECRET", HAVE_S_HS,
	  offsetof(struct kit_secrets, s_hs) },
	{ "CLIENT_TRAFFIC_SECRET_0", HAVE_C_AP,
	  offsetof(struct kit_secrets, c_ap) },
	{ "SERVER_TRAFFIC_SECRET_0", HAVE_S_AP,
	  offsetof(struct kit_secrets, s_ap) },
};

static int
hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* 64 hex digits at p[0..n) into out[32]. */
static bool
parse_hex32(const char *p, size_t n, uint8_t out[static 32])
{
	size_t i;
	int hi, lo;

	if (n != 64)
		return false;
	for (i = 0; i < 32; i++) {
		if ((hi = hex_digit(p[2 * i])) < 0 ||
		    (lo = hex_digit(p[2 * i + 1])) < 0)
			return false;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return true;
}

/* Split line[0..n) at spaces into at most max words; returns the count,
 * or max + 1 when there are more. */
static size_t
split(const char *line, size_t n, const char *w[], size_t wl[], size_t max)
{
	size_t i = 0, k = 0;

	while (i < n) {
		while (i < n && line[i] == ' ')
			i++;
		if (i == n)
			break;
		if (k == max)
			return max + 1;
		w[k] = line + i;
		while (i < n && line[i] != ' ')
			i++;
		wl[k] = (size_t)(line + i - w[k]);
		k++;
	}
	return k;
}

static bool
word_is(const char *w, size_t n, const char *s)
{
	return n == strlen(s) && !memcmp(w, s, n);
}

static struct kit_secrets *
new_entry(struct keyfile *k)
{
	struct kit_secrets *grown;
	size_t cap;

	if (k->n == k->cap) {
		cap = k->cap ? 2 * k->cap : 16;
		if (!(grown = realloc(k->s, cap * sizeof(*grown))))
			return NULL;
		k->s = grown;
		k->cap = cap;
	}
	memset(&k->s[k->n], 0, sizeof(k->s[0]));
	return &k->s[k->n++];
}

/* One line: 0; 1, another label's; 2, blank, a comment or a secret of
 * no use here; -1, malformed; -2, out of memory. */
static int
parse_line(struct keyfile *k, const char *line, size_t n)
{
	const char *w[4];
	size_t wl[4], i;
	struct kit_secrets *e;
	uint8_t random[32], secret[32];

	if (n == 0 || line[0] == '#' || split(line, n, w, wl, 4) == 0)
		return 2;
	if (!word_is(w[0], wl[0], LABEL))
		return 1;	/* another format's line (TLS: for tshark) */
	if (split(line, n, w, wl, 4) != 4 || !parse_hex32(w[1], wl[1], random) ||
	    !parse_hex32(w[3], wl[3], secret))
		return -1;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (word_is(w[2], wl[2], names[i].name))
			break;
	if (i == sizeof(names) / sizeof(names[0]))
		return 2;	/* a secret this sniffer has no use for */
	if (!(e = new_entry(k)))
		return -2;
	memcpy(e->random, random, 32);
	memcpy((uint8_t *)e + names[i].offset, secret, 32);
	e->have = names[i].bit;
	OPENSSL_cleanse(secret, sizeof(secret));
	return 0;
}

static int
by_random(const void *a, const void *b)
{
	return memcmp(((const struct kit_secrets *)a)->random,
		      ((const struct kit_secrets *)b)->random, 32);
}

/* Sort the one-secret entries and merge each connection's into one. */
static void
merge(struct keyfile *k)
{
	size_t i, j, out = 0;

	if (k->n == 0)
		return;
	qsort(k->s, k->n, sizeof(k->s[0]), by_random);
	for (i = 0; i < k->n; i = j) {
		struct kit_secrets *to = &k->s[out++];

		if (to != &k->s[i])
			*to = k->s[i];
		for (j = i + 1; j < k->n && !by_random(&k->s[j], to); j++) {
			size_t m;

			for (m = 0; m < sizeof(names) / sizeof(names[0]); m++)
				if (k->s[j].have & names[m].bit)
					memcpy((uint8_t *)to + names[m].offset,
					       (uint8_t *)&k->s[j] + names[m].offset,
					       32);
			to->have |= k->s[j].have;
		}
	}
	OPENSSL_cleanse(k->s + out, (k->n - out) * sizeof(k->s[0]));
	k->n = out;
}

struct keyfile *
keyfile_parse(const char *text, size_t len, char err[static 256])
{
	struct keyfile *k = calloc(1, sizeof(*k));
	size_t off = 0, lineno = 0, n;
	const char *nl;
	int r;

	if (!k) {
		snprintf(err, KIT_ERRLEN, "out of memory");
		return NULL;
	}
	while (off < len) {
		nl = memchr(text + off, '\n', len - off);
		n = nl ? (size_t)(nl - text - off) : len - off;
		lineno++;
		r = parse_line(k, text + off, n > 0 && text[off + n - 1] == '\r'
			       ? n - 1 : n);
		if (r < 0) {
			snprintf(err, KIT_ERRLEN, r == -2 ? "out of memory" :
				 "line %zu is not a key log line (expected "
				 LABEL " <64 hex digits> <name> <64 hex "
				 "digits>)", lineno);
			keyfile_free(k);
			return NULL;
		}
		k->skipped += r == 1;
		off += n + 1;
	}
	merge(k);
	return k;
}

/* The whole file into memory (it holds secrets: wiped after parsing). */
static char *
slurp(const char *path, size_t *len, char err[static 256])
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t cap = 4096, n = 0;
	char *buf = NULL, *grown;
	ssize_t r;

	if (fd < 0) {
		snprintf(err, KIT_ERRLEN, "cannot open key log %s: %s", path,
			 strerror(errno));
		return NULL;
	}
	for (;;) {
		if (n == cap || !buf) {
			if (buf)
				cap *= 2;
			if (cap > KEYFILE_MAX_BYTES) {
				snprintf(err, KIT_ERRLEN, "key log %s is larger "
					 "than %u MiB", path,
					 KEYFILE_MAX_BYTES >> 20);
				break;
			}
			if (!(grown = realloc(buf, cap))) {
				snprintf(err, KIT_ERRLEN, "out of memory");
				break;
			}
			buf = grown;
		}
		if ((r = read(fd, buf + n, cap - n)) == 0) {
			close(fd);
			*len = n;
			return buf;
		}
		if (r < 0 && errno != EINTR) {
			snprintf(err, KIT_ERRLEN, "cannot read key log %s: %s",
				 path, strerror(errno));
			break;
		}
		n += r > 0 ? (size_t)r : 0;
	}
	close(fd);
	if (buf)
		OPENSSL_cleanse(buf, n);
	free(buf);
	return NULL;
}

struct keyfile *
keyfile_read(const char *path, char err[static 256])
{
	char why[KIT_ERRLEN];
	size_t len = 0;
	char *text = slurp(path, &len, err);
	struct keyfile *k;

	if (!text)
		return NULL;
	if (!(k = keyfile_parse(text, len, why)))
		snprintf(err, KIT_ERRLEN, "key log %.60s: %.180s", path, why);
	OPENSSL_cleanse(text, len);
	free(text);
	return k;
}

const struct kit_secrets *
keyfile_find(const struct keyfile *k, const uint8_t random[static 32])
{
	struct kit_secrets key;

	memcpy(key.random, random, 32);
	return k->n ? bsearch(&key, k->s, k->n, sizeof(k->s[0]), by_random)
		    : NULL;
}

size_t
keyfile_sessions(const struct keyfile *k)
{
	return k->n;
}

size_t
keyfile_skipped(const struct keyfile *k)
{
	return k->skipped;
}

void
keyfile_free(struct keyfile *k)
{
	if (!k)
		return;
	if (k->s)
		OPENSSL_cleanse(k->s, k->cap * sizeof(k->s[0]));
	free(k->s);
	free(k);
}
