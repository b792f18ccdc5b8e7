/* \summary: reading the kit's key log (KIT_CLIENT_RANDOM lines) into a
 * table of connections sorted by client random, and reading what the
 * endpoints append to it later. Every buffer that held a secret is wiped
 * before it is freed. */
#include <errno.h>
#include <fcntl.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "keyfile.h"

#define LABEL "KIT_CLIENT_RANDOM"

/* The labels of the SSLKEYLOGFILE lines of TLS (--tls), which tshark
 * reads: counted, so that the sniffer can say where they belong. */
static const char *const tls_labels[] = {
	"CLIENT_RANDOM", "CLIENT_EARLY_TRAFFIC_SECRET",
	"CLIENT_HANDSHAKE_TRAFFIC_SECRET", "SERVER_HANDSHAKE_TRAFFIC_SECRET",
	"CLIENT_TRAFFIC_SECRET_0", "SERVER_TRAFFIC_SECRET_0",
	"EXPORTER_SECRET",
};

/* A connection's secrets, and which line last added to them: a secret
 * logged twice takes its later value. */
struct entry {
	struct keyfile_secrets s;
	size_t line;
};

struct keyfile {
	struct entry *e;	/* sorted by random, one per connection */
	size_t n, cap, lines;
	size_t skipped, malformed;
	char *path;		/* NULL: parsed from memory */
	off_t used;		/* bytes of the file parsed: whole lines */
	struct stat st;		/* the file as it was then */
	unsigned forgotten;	/* times it was found cut or replaced */
	uint8_t tail[64];	/* its last bytes before used (the end of a
				 * secret): if they change, it was cut and
				 * written anew */
	size_t tail_len;
	char error[KIT_ERRLEN];	/* the last read again that failed */
};

static const struct {
	const char *name;
	unsigned bit;
	size_t offset;
} names[] = {
	{ "CLIENT_HANDSHAKE_TRAFFIC_SECRET", KEYFILE_HAVE_C_HS,
	  offsetof(struct keyfile_secrets, c_hs) },
	{ "SERVER_HANDSHAKE_TRAFFIC_SECRET", KEYFILE_HAVE_S_HS,
	  offsetof(struct keyfile_secrets, s_hs) },
	{ "CLIENT_TRAFFIC_SECRET_0", KEYFILE_HAVE_C_AP,
	  offsetof(struct keyfile_secrets, c_ap) },
	{ "SERVER_TRAFFIC_SECRET_0", KEYFILE_HAVE_S_AP,
	  offsetof(struct keyfile_secrets, s_ap) },
};
#define NNAMES (sizeof(names) / sizeof(names[0]))

/* realloc for secrets: the old block is wiped, not left in the heap. */
static void *
grow_wiped(void *old, size_t old_size, size_t new_size)
{
	void *p = malloc(new_size);

	if (p && old) {
		memcpy(p, old, old_size);
		OPENSSL_cleanse(old, old_size);
		free(old);
	}
	return p;
}

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

/* A last line cut short: the start of a KIT_CLIENT_RANDOM line. */
static bool
cut_kit_line(const char *line, size_t n)
{
	size_t m = n < strlen(LABEL) ? n : strlen(LABEL);

	return n > 0 && !memcmp(line, LABEL, m);
}

static bool
word_is(const char *w, size_t n, const char *s)
{
	return n == strlen(s) && !memcmp(w, s, n);
}

static struct entry *
new_entry(struct keyfile *k)
{
	size_t cap = k->cap ? 2 * k->cap : 16;
	struct entry *grown;

	if (k->n == k->cap) {
		if (!(grown = grow_wiped(k->e, k->cap * sizeof(*grown),
					 cap * sizeof(*grown))))
			return NULL;
		k->e = grown;
		k->cap = cap;
	}
	memset(&k->e[k->n], 0, sizeof(k->e[0]));
	return &k->e[k->n++];
}

static bool
tls_label(const char *w, size_t n)
{
	size_t i;

	for (i = 0; i < sizeof(tls_labels) / sizeof(tls_labels[0]); i++)
		if (word_is(w, n, tls_labels[i]))
			return true;
	return false;
}

/* One line: 0; 1, a TLS line; 2, blank or a comment; -1, malformed (a
 * secret name the kit does not write among them); -2, out of memory. */
static int
parse_line(struct keyfile *k, const char *line, size_t n)
{
	const char *w[4];
	size_t wl[4], i;
	struct entry *e;
	uint8_t random[32], secret[32];

	if (n == 0 || line[0] == '#' || split(line, n, w, wl, 4) == 0)
		return 2;
	if (!word_is(w[0], wl[0], LABEL))
		return tls_label(w[0], wl[0]) ? 1 : -1;
	if (split(line, n, w, wl, 4) != 4 || !parse_hex32(w[1], wl[1], random) ||
	    !parse_hex32(w[3], wl[3], secret))
		return -1;
	for (i = 0; i < NNAMES && !word_is(w[2], wl[2], names[i].name); i++)
		;
	if (i == NNAMES)
		return -1;
	if (!(e = new_entry(k)))
		return -2;
	memcpy(e->s.random, random, 32);
	memcpy((uint8_t *)&e->s + names[i].offset, secret, 32);
	e->s.have = names[i].bit;
	e->line = k->lines;
	OPENSSL_cleanse(secret, sizeof(secret));
	return 0;
}

static int
by_random(const void *a, const void *b)
{
	return memcmp(((const struct entry *)a)->s.random,
		      ((const struct entry *)b)->s.random, 32);
}

static int
by_random_then_line(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	int c = by_random(a, b);

	return c ? c : (x->line > y->line) - (x->line < y->line);
}

void
keyfile_merge(struct keyfile_secrets *to, const struct keyfile_secrets *from)
{
	size_t m;

	for (m = 0; m < NNAMES; m++)
		if (from->have & names[m].bit)
			memcpy((uint8_t *)to + names[m].offset,
			       (const uint8_t *)from + names[m].offset, 32);
	to->have |= from->have;
}

/* Sort, and merge each connection's entries into one, later lines over
 * earlier ones. */
static void
merge(struct keyfile *k)
{
	size_t i, j, out = 0;

	if (k->n == 0)
		return;
	qsort(k->e, k->n, sizeof(k->e[0]), by_random_then_line);
	for (i = 0; i < k->n; i = j) {
		struct entry *to = &k->e[out++];

		if (to != &k->e[i])
			*to = k->e[i];
		for (j = i + 1; j < k->n && !by_random(&k->e[j], to); j++) {
			keyfile_merge(&to->s, &k->e[j].s);
			to->line = k->e[j].line;
		}
	}
	OPENSSL_cleanse(k->e + out, (k->n - out) * sizeof(k->e[0]));
	k->n = out;
}

/*
 * The lines of text[0..len). A last line without its newline is parsed
 * only when final; *used says how far parsing got. Strict: a malformed
 * line is an error (-1, err says which); otherwise, and for a last line
 * cut short, it is counted. -2: out of memory (what was parsed stays).
 */
static int
parse_text(struct keyfile *k, const char *text, size_t len, bool final,
	   bool strict, size_t *used, char err[static 256])
{
	size_t off = 0, n;
	const char *nl;
	int r;

	while (off < len) {
		nl = memchr(text + off, '\n', len - off);
		if (!nl && !final)
			break;
		n = nl ? (size_t)(nl - text - off) : len - off;
		k->lines++;
		r = parse_line(k, text + off, n > 0 && text[off + n - 1] == '\r'
			       ? n - 1 : n);
		if (r == -2 || (r == -1 && strict &&
				 (nl || !cut_kit_line(text + off, n)))) {
			snprintf(err, KIT_ERRLEN, r == -2 ? "out of memory" :
				 "line %zu is not a key log line (expected "
				 LABEL " <64 hex digits> <secret name> <64 "
				 "hex digits>, as secure_chat's --keylog "
				 "writes)", k->lines);
			merge(k);
			return r;
		}
		k->skipped += r == 1;
		k->malformed += r == -1;
		off += n + (nl != NULL);
	}
	*used = off;
	merge(k);
	return 0;
}

struct keyfile *
keyfile_parse(const char *text, size_t len, char err[static 256])
{
	struct keyfile *k = calloc(1, sizeof(*k));
	size_t used;

	if (!k) {
		snprintf(err, KIT_ERRLEN, "out of memory");
		return NULL;
	}
	if (parse_text(k, text, len, true, true, &used, err) < 0) {
		keyfile_free(k);
		return NULL;
	}
	return k;
}

/* Bytes [from, st_size) of an open file, into a buffer wiped by the
 * caller; NULL with err set. */
static char *
read_from(int fd, const struct stat *st, off_t from, size_t *len,
	  char err[static 256])
{
	size_t want = (size_t)(st->st_size - from), n = 0;
	char *buf = malloc(want ? want : 1);
	ssize_t r;

	if (!buf) {
		snprintf(err, KIT_ERRLEN, "out of memory");
		return NULL;
	}
	while (n < want) {
		r = pread(fd, buf + n, want - n, from + (off_t)n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			snprintf(err, KIT_ERRLEN, "cannot read it: %s",
				 strerror(errno));
			OPENSSL_cleanse(buf, n);
			free(buf);
			return NULL;
		}
		if (r == 0)
			break;	/* cut meanwhile: what there was */
		n += (size_t)r;
	}
	*len = n;
	return buf;
}

/* The bytes of the file just before k->used, into tail[]: what tells a
 * file that grew from one cut and written again. */
static size_t
read_tail(int fd, const struct keyfile *k, uint8_t tail[static 64])
{
	size_t n = k->used < 64 ? (size_t)k->used : 64;
	ssize_t r = n ? pread(fd, tail, n, k->used - (off_t)n) : 0;

	return r == (ssize_t)n ? n : 0;
}

/* Whether fd is still the file read up to k->used: the same inode, as
 * long, and the same bytes just before that point. */
static bool
same_file(int fd, const struct stat *st, const struct keyfile *k)
{
	uint8_t tail[64];
	size_t n;
	bool same;

	if (k->used == 0)
		return true;
	if (st->st_ino != k->st.st_ino || st->st_size < k->used)
		return false;
	n = read_tail(fd, k, tail);
	same = n == k->tail_len && !memcmp(tail, k->tail, n);
	OPENSSL_cleanse(tail, sizeof(tail));	/* the end of a secret */
	return same;
}

/* The table and what was read of the file: forgotten, for a file that
 * was cut or replaced (and maybe written again). */
static void
forget(struct keyfile *k)
{
	OPENSSL_cleanse(k->e, k->cap * sizeof(k->e[0]));
	k->n = k->lines = k->skipped = k->malformed = 0;
	k->used = 0;
	k->forgotten++;
}

/* Parse the file from k->used on; strict for the first read, which takes
 * a last line without its newline too when final. */
static int
load(struct keyfile *k, bool strict, bool final, char err[static 256])
{
	int fd = open(k->path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	size_t len = 0, used = 0;
	char *text;
	int r;

	if (fd < 0 || fstat(fd, &st) < 0) {
		snprintf(err, KIT_ERRLEN, "cannot open it: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode) || st.st_size > (off_t)KEYFILE_MAX_BYTES) {
		snprintf(err, KIT_ERRLEN, S_ISREG(st.st_mode) ? "larger than "
			 "%u MiB" : "not a regular file", KEYFILE_MAX_BYTES >> 20);
		close(fd);
		return -1;
	}
	if (!same_file(fd, &st, k))
		forget(k);
	if (!(text = read_from(fd, &st, k->used, &len, err))) {
		close(fd);
		return -1;
	}
	/* A last line without its newline may still be being written (live);
	 * a finished file (a capture's) counts it. */
	r = parse_text(k, text, len, final, strict, &used, err);
	OPENSSL_cleanse(text, len);
	free(text);
	if (r == 0) {	/* else the same bytes are read again next time */
		k->used += (off_t)used;
		k->st = st;
		k->tail_len = read_tail(fd, k, k->tail);
	}
	close(fd);
	return r;
}

struct keyfile *
keyfile_read(const char *path, bool may_not_exist, char err[static 256])
{
	char why[KIT_ERRLEN];
	struct keyfile *k = calloc(1, sizeof(*k));

	if (!k || !(k->path = strdup(path))) {
		snprintf(err, KIT_ERRLEN, "out of memory");
		free(k);
		return NULL;
	}
	if (may_not_exist && access(path, F_OK) < 0 && errno == ENOENT)
		return k;	/* read once it appears (keyfile_refresh) */
	if (load(k, true, !may_not_exist, why) < 0) {
		snprintf(err, KIT_ERRLEN, "key log %.60s: %.180s", path, why);
		keyfile_free(k);
		return NULL;
	}
	return k;
}

/* How many secrets the table holds: what a refresh may add to. */
static size_t
secrets(const struct keyfile *k)
{
	size_t i, m, count = 0;

	for (i = 0; i < k->n; i++)
		for (m = 0; m < NNAMES; m++)
			count += (k->e[i].s.have & names[m].bit) != 0;
	return count;
}

bool
keyfile_refresh(struct keyfile *k)
{
	unsigned forgotten = k->forgotten;
	struct stat st;
	size_t before;

	if (!k->path || stat(k->path, &st) < 0)
		return false;
	if (st.st_size == k->st.st_size && st.st_ino == k->st.st_ino &&
	    st.st_mtim.tv_sec == k->st.st_mtim.tv_sec &&
	    st.st_mtim.tv_nsec == k->st.st_mtim.tv_nsec)
		return false;
	before = secrets(k);
	if (load(k, false, false, k->error) < 0)
		return false;
	k->error[0] = '\0';
	return k->forgotten != forgotten || secrets(k) != before;
}

bool
keyfile_find(const struct keyfile *k, const uint8_t random[static 32],
	     struct keyfile_secrets *out)
{
	struct entry key;
	const struct entry *e;

	memcpy(key.s.random, random, 32);
	key.line = 0;
	e = k->n ? bsearch(&key, k->e, k->n, sizeof(k->e[0]), by_random)
		 : NULL;
	if (e)
		*out = e->s;
	else
		memset(out, 0, sizeof(*out));
	return e != NULL;
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

size_t
keyfile_malformed(const struct keyfile *k)
{
	return k->malformed;
}

const char *
keyfile_error(const struct keyfile *k)
{
	return k->error[0] ? k->error : NULL;
}

void
keyfile_free(struct keyfile *k)
{
	if (!k)
		return;
	if (k->e)
		OPENSSL_cleanse(k->e, k->cap * sizeof(k->e[0]));
	free(k->e);
	free(k->path);
	OPENSSL_cleanse(k, sizeof(*k));	/* tail[] ends with a secret */
	free(k);
}
