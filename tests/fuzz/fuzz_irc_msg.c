/* libFuzzer harness: arbitrary bytes through line framing and the IRC
 * parser; every parsed message must format back and parse to the same,
 * and framing that stops now and then (as the chat server's turns do) and
 * goes on from where it stopped must give the lines of framing at once. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "irc_msg.h"
#include "linebuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_round_trip(const struct irc_msg *m)
{
	char out[IRC_LINE_MAX + 1];
	struct irc_msg again;
	int i, n;

	n = irc_msg_format(out, sizeof(out), m->prefix, m->command, m->nparams,
			   m->params);
	if (n < 0)
		return;	/* e.g. a middle parameter only the parser accepts */
	if (irc_msg_parse(out, (size_t)n - 2, &again) != 0)
		abort();
	if (again.nparams != m->nparams)
		abort();
	for (i = 0; i < m->nparams; i++) {
		/* Lone trailing may be re-split only if it has no spaces. */
		if (strcmp(again.params[i], m->params[i]) != 0)
			abort();
	}
}

/* The lines framing gave, as (too_long, length, bytes) records; a feed
 * stops after every `every` lines (0: never). */
struct lines {
	char *out;
	size_t len;
	unsigned every, seen;
};

static int
on_line(void *ctx, char *line, size_t len, bool too_long)
{
	struct lines *l = ctx;
	struct irc_msg m;

	l->out[l->len++] = (char)too_long;
	l->out[l->len++] = (char)(len >> 8);
	l->out[l->len++] = (char)len;
	memcpy(l->out + l->len, line, len);
	l->len += len;
	if (!too_long && irc_msg_parse(line, len, &m) == 0)
		check_round_trip(&m);
	return l->every && ++l->seen % l->every == 0;
}

/* Feed p[0..n), going on after each stop from where it stopped. */
static void
feed(struct linebuf *lb, char *p, size_t n, struct lines *l)
{
	size_t used = n;

	while (n > 0 && linebuf_feed(lb, p, n, on_line, l, &used)) {
		p += used;
		n -= used;
	}
}

/* Frame data[0..size) in two feeds, stopping as l says. */
static void
frame(const uint8_t *data, size_t size, char *buf, struct lines *l)
{
	char storage[IRC_TEXT_MAX + 1];
	struct linebuf lb;

	memcpy(buf, data, size);
	linebuf_init(&lb, storage, IRC_TEXT_MAX);
	feed(&lb, buf, size / 2, l);
	feed(&lb, buf + size / 2, size - size / 2, l);
	linebuf_finish(&lb, on_line, l);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Each line takes a byte of input at least, and 3 more here. */
	size_t cap = 4 * size + 16;
	struct lines whole = { .out = malloc(cap) };
	struct lines stopping = { .out = malloc(cap),
				  .every = size ? data[0] % 4 + 1 : 1 };
	char *buf = malloc(size + 1);

	if (whole.out && stopping.out && buf) {
		frame(data, size, buf, &whole);
		frame(data, size, buf, &stopping);
		if (whole.len != stopping.len ||
		    memcmp(whole.out, stopping.out, whole.len) != 0)
			abort();
	}
	free(whole.out);
	free(stopping.out);
	free(buf);
	return 0;
}
