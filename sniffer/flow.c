/* \summary: the flow table. A hash table of connections (either direction
 * finds the same flow), an LRU list for timeouts and eviction, and a free
 * list so that the steady state allocates nothing.
 *
 * A flow leaves the table as soon as it ends (FIN both ways, or RST). The
 * packets that trail a close (the last ACK, a repeated FIN or RST) carry no
 * data, and a packet without data or SYN never starts a flow, so they pass
 * unnoticed; a new SYN on the 4-tuple starts the next connection. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>

#include "decode.h"
#include "flow.h"

#define SWEEP_EVERY_US (1000000ULL)

struct flow_table {
	struct flow_config cfg;
	struct flow **buckets;
	size_t nbuckets;	/* power of two */
	size_t count;		/* flows in the table */
	struct flow *lru_head, *lru_tail;
	struct flow *free_list;
	struct ooo_pool *pool;
	uint64_t last_sweep_us;
	struct flow_stats stats;
};

/* Which flow and direction a stream's output belongs to. */
struct dir_ctx {
	struct flow_table *t;
	struct flow *f;
	int dir;
};

/* Addresses are zero-padded to 16 bytes (see decode.h), so they hash and
 * compare as four words whatever the family. */
static uint32_t
hash_endpoint(const uint8_t *addr, uint16_t port)
{
	uint32_t w[4], h;

	memcpy(w, addr, 16);
	h = (w[0] * 0x9e3779b1u) ^ (w[1] * 0x85ebca77u) ^
	    (w[2] * 0xc2b2ae3du) ^ (w[3] * 0x27d4eb2fu) ^ port;
	h ^= h >> 15;
	h *= 0x2c1b3c6du;
	return h ^ (h >> 12);
}

/* Symmetric, so that both directions hash alike. */
static uint32_t
hash_segment(const struct tcp_segment *seg)
{
	return hash_endpoint(seg->src, seg->sport) +
	       hash_endpoint(seg->dst, seg->dport);
}

static bool
is_endpoint(const struct endpoint *e, int family, const uint8_t *addr,
	    uint16_t port)
{
	return e->port == port && e->family == family &&
	       !memcmp(e->addr, addr, 16);
}

static struct flow *
lookup(struct flow_table *t, const struct tcp_segment *seg, uint32_t h,
       int *dir)
{
	struct flow *f;

	for (f = t->buckets[h & (t->nbuckets - 1)]; f; f = f->hnext) {
		if (f->hash != h)
			continue;
		if (is_endpoint(&f->ep[0], seg->family, seg->src, seg->sport) &&
		    is_endpoint(&f->ep[1], seg->family, seg->dst, seg->dport)) {
			*dir = DIR_C2S;
			return f;
		}
		if (is_endpoint(&f->ep[1], seg->family, seg->src, seg->sport) &&
		    is_endpoint(&f->ep[0], seg->family, seg->dst, seg->dport)) {
			*dir = DIR_S2C;
			return f;
		}
	}
	return NULL;
}

struct flow_table *
flow_table_new(const struct flow_config *cfg)
{
	struct flow_table *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->cfg = *cfg;
	t->cfg.limits.cap_hits = &t->stats.ooo_cap_hits;
	t->nbuckets = 1024;
	t->buckets = calloc(t->nbuckets, sizeof(*t->buckets));
	t->pool = ooo_pool_new();
	if (!t->buckets || !t->pool) {
		flow_table_free(t);
		return NULL;
	}
	return t;
}

const struct flow_stats *
flow_table_stats(const struct flow_table *t)
{
	return &t->stats;
}

const char *
flow_end_name(enum flow_end why)
{
	switch (why) {
	case END_FIN: return "fin";
	case END_RST: return "rst";
	case END_TIMEOUT: return "timeout";
	case END_EVICTED: return "evicted";
	case END_CAPTURE: return "end_of_capture";
	case END_NONE: break;
	}
	return "open";
}

/* Decimal digits of v at p; returns the end. */
static char *
put_decimal(char *p, unsigned v)
{
	char digits[12];
	int n = 0;

	do
		digits[n++] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	while (n > 0)
		*p++ = digits[--n];
	return p;
}

/* Written by hand: --stats and --json print two per flow, and snprintf
 * with inet_ntop would cost more than reassembling a short connection. */
const char *
endpoint_str(const struct endpoint *e, char out[64])
{
	char *p = out;
	int i;

	if (e->family == AF_INET6) {
		*p++ = '[';
		inet_ntop(AF_INET6, e->addr, p, INET6_ADDRSTRLEN);
		p += strlen(p);
		*p++ = ']';
	} else {
		for (i = 0; i < 4; i++) {
			p = put_decimal(p, e->addr[i]);
			*p++ = i < 3 ? '.' : ':';
		}
		p--;
	}
	*p++ = ':';
	p = put_decimal(p, e->port);
	*p = '\0';
	return out;
}

/* --- delivery to the sinks ------------------------------------------------ */

static void
out_data(void *ctx, const uint8_t *p, size_t n, bool stable)
{
	struct dir_ctx *c = ctx;
	int i;

	for (i = 0; i < c->t->cfg.nsinks; i++) {
		const struct sink *k = &c->t->cfg.sinks[i];

		if (k->ops->data)
			k->ops->data(k->self, c->f, c->dir, p, n, stable);
	}
}

static void
out_gap(void *ctx, uint64_t len)
{
	struct dir_ctx *c = ctx;
	int i;

	for (i = 0; i < c->t->cfg.nsinks; i++) {
		const struct sink *k = &c->t->cfg.sinks[i];

		if (k->ops->gap)
			k->ops->gap(k->self, c->f, c->dir, len);
	}
}

static void
notify(struct flow_table *t, struct flow *f, bool start)
{
	int i;

	for (i = 0; i < t->cfg.nsinks; i++) {
		const struct sink *k = &t->cfg.sinks[i];
		void (*fn)(void *, struct flow *) =
			start ? k->ops->flow_start : k->ops->flow_end;

		if (fn)
			fn(k->self, f);
	}
}

/* --- life cycle ------------------------------------------------------------ */

static void
lru_unlink(struct flow_table *t, struct flow *f)
{
	if (f->lprev)
		f->lprev->lnext = f->lnext;
	else
		t->lru_head = f->lnext;
	if (f->lnext)
		f->lnext->lprev = f->lprev;
	else
		t->lru_tail = f->lprev;
	f->lprev = f->lnext = NULL;
}

static void
lru_append(struct flow_table *t, struct flow *f)
{
	f->lprev = t->lru_tail;
	f->lnext = NULL;
	if (t->lru_tail)
		t->lru_tail->lnext = f;
	else
		t->lru_head = f;
	t->lru_tail = f;
}

/* Deliver what is left, then tell the sinks the flow is over. */
static void
end_flow(struct flow_table *t, struct flow *f, enum flow_end why)
{
	int d;

	if (f->end != END_NONE)
		return;
	for (d = 0; d < 2; d++) {
		struct dir_ctx ctx = { t, f, d };
		struct stream_out out = { out_data, out_gap, &ctx };

		stream_flush(&f->dir[d], t->pool, &out);
	}
	f->end = why;
	notify(t, f, false);
}

/* Take an ended flow out of the table and keep its memory for reuse. */
static void
remove_flow(struct flow_table *t, struct flow *f)
{
	struct flow **pp = &t->buckets[f->hash & (t->nbuckets - 1)];

	while (*pp != f)
		pp = &(*pp)->hnext;
	*pp = f->hnext;
	lru_unlink(t, f);
	stream_discard(&f->dir[0], t->pool);
	stream_discard(&f->dir[1], t->pool);
	t->count--;
	f->hnext = t->free_list;
	t->free_list = f;
}

static void
grow_buckets(struct flow_table *t)
{
	size_t i, n = t->nbuckets * 2;
	struct flow **b = calloc(n, sizeof(*b)), *f, *next;

	if (!b)
		return;	/* longer chains, still correct */
	for (i = 0; i < t->nbuckets; i++) {
		for (f = t->buckets[i]; f; f = next) {
			next = f->hnext;
			f->hnext = b[f->hash & (n - 1)];
			b[f->hash & (n - 1)] = f;
		}
	}
	free(t->buckets);
	t->buckets = b;
	t->nbuckets = n;
}

/* Make room under --max-flows: the least recently active flow is ended
 * and counted as evicted. */
static void
make_room(struct flow_table *t)
{
	struct flow *f;

	while (t->count >= t->cfg.max_flows && (f = t->lru_head) != NULL) {
		t->stats.evicted++;
		end_flow(t, f, END_EVICTED);
		remove_flow(t, f);
	}
}

static void
set_endpoint(struct endpoint *e, int family, const uint8_t *addr,
	     uint16_t port)
{
	e->family = family;
	memcpy(e->addr, addr, 16);
	e->port = port;
}

/* A new flow for seg. The client is the sender of a SYN, the receiver of a
 * SYN-ACK, or else the sender of the first packet seen. */
static struct flow *
create_flow(struct flow_table *t, const struct tcp_segment *seg, uint32_t h,
	    uint64_t ts_us, int *dir)
{
	bool synack = (seg->flags & (TCP_SYN | TCP_ACK)) == (TCP_SYN | TCP_ACK);
	struct flow *f;

	make_room(t);
	if ((f = t->free_list) != NULL)
		t->free_list = f->hnext;
	else if (!(f = malloc(sizeof(*f))))
		return NULL;
	memset(f, 0, sizeof(*f));
	*dir = synack ? DIR_S2C : DIR_C2S;
	set_endpoint(&f->ep[*dir], seg->family, seg->src, seg->sport);
	set_endpoint(&f->ep[!*dir], seg->family, seg->dst, seg->dport);
	f->id = ++t->stats.flows;
	f->first_us = f->last_us = ts_us;
	f->hash = h;
	f->hnext = t->buckets[h & (t->nbuckets - 1)];
	t->buckets[h & (t->nbuckets - 1)] = f;
	lru_append(t, f);
	if (++t->count > t->nbuckets)
		grow_buckets(t);
	if (t->count > t->stats.max_open)
		t->stats.max_open = t->count;
	notify(t, f, true);
	return f;
}

static void
sweep(struct flow_table *t, uint64_t ts_us)
{
	struct flow *f;

	t->last_sweep_us = ts_us;
	while ((f = t->lru_head) != NULL &&
	       f->last_us + t->cfg.idle_timeout_us < ts_us) {
		t->stats.timed_out++;
		end_flow(t, f, END_TIMEOUT);
		remove_flow(t, f);
	}
}

/*
 * The flow a segment belongs to, created if needed; NULL for a packet that
 * is no part of a known connection and cannot start one (no data, no SYN).
 * A SYN (without ACK) that does not repeat the client's first SYN starts a
 * new connection: the old one on this 4-tuple was abandoned unseen.
 */
static struct flow *
flow_for(struct flow_table *t, const struct tcp_segment *seg, uint64_t ts_us,
	 int *dir)
{
	uint32_t h = hash_segment(seg);
	bool syn = (seg->flags & (TCP_SYN | TCP_ACK)) == TCP_SYN;
	struct flow *f = lookup(t, seg, h, dir);

	if (f && syn && (!f->syn_seen || f->isn != seg->seq ||
			 *dir != DIR_C2S)) {
		end_flow(t, f, END_TIMEOUT);
		remove_flow(t, f);
		f = NULL;
	}
	if (!f && !(seg->flags & TCP_SYN) && seg->wire_paylen == 0)
		return NULL;
	if (!f)
		f = create_flow(t, seg, h, ts_us, dir);
	if (f && syn && !f->syn_seen) {
		f->syn_seen = true;
		f->isn = seg->seq;
	}
	return f;
}

void
flow_table_segment(struct flow_table *t, const struct tcp_segment *seg,
		   uint64_t ts_us)
{
	struct dir_ctx ctx = { t, NULL, 0 };
	struct stream_out out = { out_data, out_gap, &ctx };
	struct flow *f;

	if (ts_us > t->last_sweep_us + SWEEP_EVERY_US)
		sweep(t, ts_us);
	if (!(f = flow_for(t, seg, ts_us, &ctx.dir)))
		return;
	ctx.f = f;
	if (ts_us > f->last_us)
		f->last_us = ts_us;
	lru_unlink(t, f);
	lru_append(t, f);
	stream_segment(&f->dir[ctx.dir], t->pool, &t->cfg.limits,
		       &(struct seg_data){ seg->seq, seg->flags, seg->payload,
					   seg->paylen, seg->wire_paylen,
					   seg->stable }, &out);
	if ((seg->flags & TCP_ACK) &&
	    stream_peer_ack(&f->dir[!ctx.dir], seg->ack)) {
		struct dir_ctx peer = { t, f, !ctx.dir };
		struct stream_out pout = { out_data, out_gap, &peer };

		stream_flush(&f->dir[!ctx.dir], t->pool, &pout);
	}
	if (seg->flags & TCP_RST)
		end_flow(t, f, END_RST);
	else if (f->dir[0].done && f->dir[1].done)
		end_flow(t, f, END_FIN);
	if (f->end != END_NONE)
		remove_flow(t, f);
}

void
flow_table_finish(struct flow_table *t)
{
	struct flow *f;

	while ((f = t->lru_head) != NULL) {
		end_flow(t, f, END_CAPTURE);
		remove_flow(t, f);
	}
}

void
flow_table_free(struct flow_table *t)
{
	struct flow *f;

	if (!t)
		return;
	while ((f = t->lru_head) != NULL)
		remove_flow(t, f);
	while ((f = t->free_list) != NULL) {
		t->free_list = f->hnext;
		free(f);
	}
	ooo_pool_free(t->pool);
	free(t->buckets);
	free(t);
}
