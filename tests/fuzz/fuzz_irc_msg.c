/* libFuzzer harness: arbitrary bytes through line framing and the IRC
 * parser; every parsed message must format back and parse to the same. */
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

static int
on_line(void *ctx, char *line, size_t len, bool too_long)
{
	struct irc_msg m;

	(void)ctx;
	if (too_long)
		return 0;
	if (irc_msg_parse(line, len, &m) == 0) {
		check_round_trip(&m);
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char storage[IRC_TEXT_MAX + 1];
	struct linebuf lb;
	char *buf = malloc(size + 1);

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	linebuf_init(&lb, storage, IRC_TEXT_MAX);
	/* Two feeds, so lines that straddle reads are exercised too. */
	linebuf_feed(&lb, buf, size / 2, on_line, NULL, NULL);
	linebuf_feed(&lb, buf + size / 2, size - size / 2, on_line, NULL,
		     NULL);
	linebuf_finish(&lb, on_line, NULL);
	free(buf);
	return 0;
}
