/*
 * gen_capture_conn.c - TCP connections from SYN to FIN or RST: request and
 * response sizes, segments and ACKs, interleaving, and one ground-truth
 * line per direction.
 */
#include <err.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen_capture.h"

#define RST_PPM		20000u	/* 1 connection in 50 ends with a RST */

static uint64_t
request_len(struct gen *g)
{
	return 40 + rnd_below(g, 600);
}

static uint64_t
response_len(struct gen *g, const struct conn *c)
{
	if (g->o.bulk)
		return c->resp_len;
	if (rnd_below(g, 8) == 0)
		return 2000 + rnd_below(g, 14000);
	return 64 + rnd_below(g, 2000);
}

static void
dir_init(struct gen *g, struct dir *d, uint32_t ip, uint16_t port)
{
	d->ip = ip;
	d->port = port;
	d->isn = (uint32_t)rnd(g);
	if (rnd_below(g, 8) == 0)	/* wraps within the connection */
		d->isn = UINT32_MAX - (uint32_t)rnd_below(g, 100000);
	d->nxt = d->isn;
	d->ip_id = (uint16_t)rnd(g);
	d->key = rnd(g);
	d->full = md_new(NULL);
}

/* Connection number i: client 10.1.x.y:2000z, server 10.0.0.1-4. */
static void
conn_start(struct gen *g, struct conn *c, uint64_t i)
{
	uint32_t host = (uint32_t)(i % 16000);
	uint32_t cip = 0x0a010000 | (host / 250) << 8 | (host % 250 + 1);
	uint64_t per = g->o.bytes / g->o.conns + 2;

	memset(c, 0, offsetof(struct conn, held));
	dir_init(g, &c->d[C2S], cip, (uint16_t)(20000 + i / 16000));
	dir_init(g, &c->d[S2C], 0x0a000001 + (uint32_t)(i % 4),
	    g->o.bulk ? 8080 : 80);
	c->closer = (int)rnd_below(g, 2);
	c->msgs_left = g->o.bulk ? 1 + (uint32_t)rnd_below(g, 4) :
	    1 + (rnd_below(g, 10) == 0);
	if (g->o.bulk)	/* per connection: 0.5 to 1.5 times the mean */
		c->resp_len = (per / 2 + rnd_below(g, per)) / c->msgs_left + 1;
	c->turn = C2S;
	c->msg_left = request_len(g);
}

static void
send_ctl(struct gen *g, struct conn *c, int from, uint8_t flags)
{
	conn_out(g, c, from, build_frame(g, c, from, flags, 0), false);
	if (flags & (F_SYN | F_FIN))
		c->d[from].nxt++;
}

static void
next_message(struct gen *g, struct conn *c)
{
	c->unacked = 0;
	if (c->turn == C2S) {
		c->turn = S2C;
		c->msg_left = response_len(g, c);
	} else if (--c->msgs_left > 0) {
		c->turn = C2S;
		c->msg_left = request_len(g);
	} else {
		c->st = chance(g, RST_PPM) ? ST_RST : ST_FIN1;
	}
}

/* One segment of the current message, or the receiver's ACK. */
static void
data_step(struct gen *g, struct conn *c)
{
	struct dir *s = &c->d[c->turn];
	size_t n = c->msg_left < MSS ? (size_t)c->msg_left : MSS;
	uint8_t flags = F_ACK | (n == c->msg_left ? F_PSH : 0);
	size_t len;
	bool seen;

	if (c->need_ack) {
		c->need_ack = false;
		send_ctl(g, c, !c->turn, F_ACK);
		return;
	}
	len = build_frame(g, c, c->turn, flags, n);
	seen = !chance(g, g->o.loss_ppm);
	dir_account(s, g->frame + ETH_HLEN + IP_HLEN + TCP_HLEN, n, seen);
	if (seen)
		conn_out(g, c, c->turn, len, true);
	s->off += n;
	s->nxt += (uint32_t)n;
	c->msg_left -= n;
	if (c->msg_left == 0)
		next_message(g, c);
	else if (++c->unacked == 2) {
		c->unacked = 0;
		c->need_ack = true;
	}
}

/*
 * The control packets, in order: who sends each (the client, the server,
 * the side that closes first or the other one), its flags, what follows.
 */
enum { BY_CLIENT, BY_SERVER, BY_CLOSER, BY_OTHER };

static const struct {
	int by;
	uint8_t flags;
	enum cstate next;
} ctl[] = {
	[ST_SYN] = { BY_CLIENT, F_SYN, ST_SYNACK },
	[ST_SYNACK] = { BY_SERVER, F_SYN | F_ACK, ST_ACK },
	[ST_ACK] = { BY_CLIENT, F_ACK, ST_DATA },
	[ST_FIN1] = { BY_CLOSER, F_FIN | F_ACK, ST_FIN2 },
	[ST_FIN2] = { BY_OTHER, F_FIN | F_ACK, ST_LASTACK },
	[ST_LASTACK] = { BY_CLOSER, F_ACK, ST_DONE },
	[ST_RST] = { BY_CLIENT, F_RST | F_ACK, ST_DONE },
};

/* Emit the next packet of c (or account a missed one). */
static void
conn_step(struct gen *g, struct conn *c)
{
	int from;

	if (c->st == ST_DATA) {
		data_step(g, c);
		return;
	}
	if (c->st == ST_DONE)
		return;
	switch (ctl[c->st].by) {
	case BY_CLIENT: from = C2S; break;
	case BY_SERVER: from = S2C; break;
	case BY_CLOSER: from = c->closer; break;
	default: from = !c->closer; break;
	}
	send_ctl(g, c, from, ctl[c->st].flags);
	c->st = ctl[c->st].next;
}

/* tcpflow's name for a direction: 010.000.000.001.08080-... */
static void
dir_name(const struct dir *s, const struct dir *r, char *buf, size_t size)
{
	int n = snprintf(buf, size,
	    "%03u.%03u.%03u.%03u.%05u-%03u.%03u.%03u.%03u.%05u",
	    s->ip >> 24, s->ip >> 16 & 255, s->ip >> 8 & 255, s->ip & 255,
	    s->port, r->ip >> 24, r->ip >> 16 & 255, r->ip >> 8 & 255,
	    r->ip & 255, r->port);

	if (n < 0 || (size_t)n >= size)
		errx(1, "direction name too long");
}

static void
dir_finish(struct gen *g, struct dir *s, const struct dir *r)
{
	char name[64], full[65], cap[65], zf[65];
	bool complete = s->cap == NULL;

	md_hex(s->full, full);
	if (complete) {
		memcpy(cap, full, sizeof cap);
		memcpy(zf, full, sizeof zf);
		s->cap_len = s->zf_len = s->off;
	} else {
		md_hex(s->cap, cap);
		md_hex(s->zf, zf);
		g->incomplete++;
	}
	dir_name(s, r, name, sizeof name);
	fprintf(g->truth, "%s %s %" PRIu64 " %s %" PRIu64 " %s %" PRIu64
	    " %s\n", name, complete ? "complete" : "incomplete", s->off,
	    full, s->cap_len, cap, s->zf_len, zf);
	g->dirs++;
}

static void
conn_finish(struct gen *g, struct conn *c)
{
	release(g, c);
	dir_finish(g, &c->d[C2S], &c->d[S2C]);
	dir_finish(g, &c->d[S2C], &c->d[C2S]);
}

/* Step a random open connection until all have been opened and closed. */
void
run(struct gen *g)
{
	uint32_t open = 0;
	uint64_t started = 0;
	struct conn *c = calloc(g->o.conc, sizeof *c);

	if (c == NULL)
		err(1, "calloc");
	while (open < g->o.conc && started < g->o.conns)
		conn_start(g, &c[open++], started++);
	while (open > 0) {
		uint32_t i = (uint32_t)rnd_below(g, open);

		conn_step(g, &c[i]);
		if (c[i].st != ST_DONE)
			continue;
		conn_finish(g, &c[i]);
		if (started < g->o.conns)
			conn_start(g, &c[i], started++);
		else if (i != --open)
			memcpy(&c[i], &c[open], sizeof *c);
	}
	free(c);
}
