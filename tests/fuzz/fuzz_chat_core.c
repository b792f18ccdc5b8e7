/* libFuzzer harness: arbitrary bytes as the input of three connections to
 * the chat core, exercising every command handler, fan-out and removal.
 * Input: chunks of [header byte: sender % 3 in the low 2 bits, length in
 * the high 6][that many bytes]. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "chat_core.h"
#include "irc_msg.h"
#include "linebuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NCLIENTS 3

struct peer {
	struct chat_client *c;
	struct linebuf lb;
	char storage[IRC_TEXT_MAX + 1];
};

static uint64_t now_ms;

static int
on_line(void *ctx, char *line, size_t len, bool too_long)
{
	struct peer *p = ctx;

	chat_core_handle_line(p->c, line, len, too_long, now_ms);
	return 0;
}

/* What the server loop does after each read: reap, write, close. */
static void
settle(struct chat_core *core, struct peer *peers)
{
	struct chat_client *c, *next;
	int i;

	chat_core_reap(core);
	for (c = chat_core_take_pending(core); c; c = next) {
		next = c->next_pending;
		sendq_consume(&c->out, c->out.len);
		if (!(c->flags & CLIENT_CLOSING))
			continue;
		for (i = 0; i < NCLIENTS; i++)
			if (peers[i].c == c)
				peers[i].c = NULL;
		chat_client_free(c);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct chat_config cfg = {
		.server_name = "fuzz.test", .network = "Fuzz",
		.password = size > 0 && data[0] & 1 ? "pw" : NULL,
		.motd = "line one\nline two", .sendq_limit = 4096,
		.register_timeout_s = 1, .ping_interval_s = 1,
	};
	struct chat_core *core = chat_core_new(&cfg);
	struct peer peers[NCLIENTS];
	size_t off = 0;
	int i;

	if (!core)
		return 0;
	for (i = 0; i < NCLIENTS; i++) {
		peers[i].c = chat_client_new(core, "192.0.2.9", now_ms);
		linebuf_init(&peers[i].lb, peers[i].storage, IRC_TEXT_MAX);
	}
	while (off < size) {
		struct peer *p = &peers[(data[off] & 3) % NCLIENTS];
		size_t n = (size_t)(data[off] >> 2);
		char chunk[64];

		if (n > size - off - 1)
			n = size - off - 1;

		memcpy(chunk, data + off + 1, n);
		off += n + 1;
		if (p->c)
			linebuf_feed(&p->lb, chunk, n, on_line, p, NULL);
		now_ms += 700;
		chat_core_tick(core, now_ms);
		settle(core, peers);
	}
	chat_core_shutdown(core, "done");
	settle(core, peers);
	chat_core_free(core);
	return 0;
}
