/* libFuzzer harness: the sniffer's --keylog stage (sniffer/unseal.c) on a
 * connection whose bytes the input writes. The input is a list of steps:
 * raw bytes for either direction, a gap, a ClientHello or ServerHello
 * that matches the harness's key log, or a record of any inner type and
 * content sealed under the secrets that key log gives (following key
 * updates as a sender does), so that opened records, ClientAuth's
 * parsing and the follow view's printing are reached too, not only the
 * framing in front of them. */
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "flow.h"
#include "hs_msgs.h"
#include "keyfile.h"
#include "output.h"
#include "record.h"
#include "unseal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char keylog_text[] =
	"KIT_CLIENT_RANDOM 0101010101010101010101010101010101010101010101010101010101010101 CLIENT_HANDSHAKE_TRAFFIC_SECRET 1111111111111111111111111111111111111111111111111111111111111111\n"
	"KIT_CLIENT_RANDOM 0101010101010101010101010101010101010101010101010101010101010101 SERVER_HANDSHAKE_TRAFFIC_SECRET 2222222222222222222222222222222222222222222222222222222222222222\n"
	"KIT_CLIENT_RANDOM 0101010101010101010101010101010101010101010101010101010101010101 CLIENT_TRAFFIC_SECRET_0 3333333333333333333333333333333333333333333333333333333333333333\n"
	"KIT_CLIENT_RANDOM 0101010101010101010101010101010101010101010101010101010101010101 SERVER_TRAFFIC_SECRET_0 4444444444444444444444444444444444444444444444444444444444444444\n";

static struct keyfile *keys;
static FILE *devnull;

/* The sending side of one direction, as an endpoint would keep it. */
struct sender {
	struct rec_dir d;
	bool app;
	uint8_t hs, ap;	/* the secrets' byte */
};

static void
sender_init(struct sender *s, uint8_t hs, uint8_t ap)
{
	uint8_t secret[32];
	char err[KIT_ERRLEN];

	memset(s, 0, sizeof(*s));
	s->hs = hs;
	s->ap = ap;
	memset(secret, hs, 32);
	rec_dir_init(&s->d, SUITE_AES_256_GCM, secret, err);
}

static size_t
sender_seal(struct sender *s, uint8_t inner, const uint8_t *p, size_t n,
	    uint8_t *out, size_t cap)
{
	uint8_t secret[32];
	char err[KIT_ERRLEN];
	int len = rec_seal(&s->d, inner, p, n, 0, out, cap);

	if (len < 0)
		return 0;
	if (!s->app) {
		s->app = true;
		memset(secret, s->ap, 32);
		rec_dir_init(&s->d, SUITE_AES_256_GCM, secret, err);
	} else if (inner == INNER_KEY_UPDATE) {
		rec_dir_update(&s->d, err);
	}
	return (size_t)len;
}

static size_t
hello(uint8_t type, uint8_t *out)
{
	uint8_t body[HS_HELLO_BODY_MAX] = { HS_VERSION };
	size_t n = 1 + 32 + 32;

	memset(body + 1, 1, 32);	/* the key log's client random */
	body[n++] = type == FRAME_CLIENT_HELLO ? 1 : SUITE_AES_256_GCM;
	if (type == FRAME_CLIENT_HELLO)
		body[n++] = SUITE_AES_256_GCM;
	return (size_t)frame_write(type, body, n, out, FRAME_MAX);
}

static void
give(const struct sink *k, struct flow *f, int dir, const uint8_t *p,
     size_t n)
{
	if (n)
		k->ops->data(k->self, f, dir, p, n, false);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t out[FRAME_MAX];
	struct sink *follow, *stage;
	struct sender snd[2];
	struct flow f = { .id = 1 };
	size_t off = 0, n;

	if (!keys) {
		char err[KIT_ERRLEN];

		keys = keyfile_parse(keylog_text, strlen(keylog_text), err);
		devnull = fopen("/dev/null", "w");
		if (!keys || !devnull)
			abort();
	}
	f.ep[0].family = f.ep[1].family = AF_INET;
	follow = follow_sink_new(devnull, false, true);
	stage = unseal_sink_new(keys, size > 0 && data[0] & 1, follow, 1, 1,
				devnull);
	if (!follow || !stage)
		abort();
	sender_init(&snd[DIR_C2S], 0x11, 0x33);
	sender_init(&snd[DIR_S2C], 0x22, 0x44);
	stage->ops->flow_start(stage->self, &f);
	while (off + 2 <= size) {
		uint8_t op = data[off] % 6, dir = data[off] >> 7;

		n = data[off + 1];
		off += 2;
		n = n < size - off ? n : size - off;
		if (op == 0)
			give(stage, &f, dir, data + off, n);
		else if (op == 1)
			stage->ops->gap(stage->self, &f, dir, n);
		else if (op == 2)
			give(stage, &f, DIR_C2S, out, hello(FRAME_CLIENT_HELLO, out));
		else if (op == 3)
			give(stage, &f, DIR_S2C, out, hello(FRAME_SERVER_HELLO, out));
		else if (n > 0)	/* a record: its inner type, then content */
			give(stage, &f, dir, out, sender_seal(&snd[dir],
				data[off], data + off + 1, n - 1, out,
				sizeof(out)));
		off += op == 0 || op >= 4 ? n : 0;
	}
	stage->ops->flow_end(stage->self, &f);
	stage->ops->finish(stage->self);
	sink_free(stage);
	sink_free(follow);
	rec_dir_wipe(&snd[0].d);
	rec_dir_wipe(&snd[1].d);
	return 0;
}
