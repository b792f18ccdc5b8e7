/* \summary: TCP stream reassembly (RFC 9293 §3.4, §3.10.7.4).
 *
 * Policy, for the tests and the handout:
 * - In-order data is passed on straight from the packet, without a copy;
 *   only data that arrives ahead of a hole is copied into the queue.
 * - Overlaps: the bytes that arrived first win. A retransmission never
 *   changes bytes already delivered or queued (as Wireshark's default).
 * - A hole is given up on, reported as a gap, and the bytes after it are
 *   delivered, when: the queue passes its cap; the other side has already
 *   acknowledged past the hole (so the capture, not the network, lost the
 *   bytes) and a little data waits behind it; or the flow ends.
 * - Keep-alives (0 or 1 byte at next - 1) are not data.
 * Sequence numbers compare modulo 2^32, so wraparound needs no special case.
 */
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "reassembly.h"

/* Behind an acknowledged hole, this much queued data ends the wait: capture
 * reordering is shorter than that, capture loss never fills. */
#define ACKED_HOLE_QUEUE (64 * 1024)
/* Queued pieces per direction, whatever their size (tiny segments). */
#define OOO_SEGS_MAX 8192
#define POOL_CLASSES 9		/* 256 << 0 .. 256 << 8 = 64 KiB */
#define POOL_CACHE_MAX (32u << 20)

struct ooo_seg {
	struct ooo_seg *next;
	uint32_t seq, len;
	int cls;		/* pool size class, -1 when oversized */
	bool missing;		/* bytes known lost (cut by the snaplen) */
	uint8_t data[];
};

struct ooo_pool {
	struct ooo_seg *free[POOL_CLASSES];
	size_t cached;
};

static inline int32_t
seqdiff(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b);
}

struct ooo_pool *
ooo_pool_new(void)
{
	return calloc(1, sizeof(struct ooo_pool));
}

void
ooo_pool_free(struct ooo_pool *pool)
{
	struct ooo_seg *s;
	int c;

	if (!pool)
		return;
	for (c = 0; c < POOL_CLASSES; c++) {
		while ((s = pool->free[c]) != NULL) {
			pool->free[c] = s->next;
			free(s);
		}
	}
	free(pool);
}

static struct ooo_seg *
seg_alloc(struct ooo_pool *pool, size_t len)
{
	struct ooo_seg *s;
	int c = 0;

	while (c < POOL_CLASSES && (256u << c) < len)
		c++;
	if (c < POOL_CLASSES && (s = pool->free[c]) != NULL) {
		pool->free[c] = s->next;
		pool->cached -= 256u << c;
		return s;
	}
	s = malloc(sizeof(*s) + (c < POOL_CLASSES ? 256u << c : len));
	if (s)
		s->cls = c < POOL_CLASSES ? c : -1;
	return s;
}

static void
seg_release(struct ooo_pool *pool, struct ooo_seg *s)
{
	if (s->cls < 0 || pool->cached + (256u << s->cls) > POOL_CACHE_MAX) {
		free(s);
		return;
	}
	s->next = pool->free[s->cls];
	pool->free[s->cls] = s;
	pool->cached += 256u << s->cls;
}

/* Deliver n bytes (p is NULL for missing ones); stable as in stream_out. */
static void
emit(struct stream *s, const struct stream_out *out, const uint8_t *p,
     size_t n, bool stable)
{
	if (n == 0)
		return;
	if (!p) {
		s->n.missing += n;
		if (out->gap)
			out->gap(out->ctx, n);
	} else {
		s->n.bytes += n;
		if (out->data)
			out->data(out->ctx, p, n, stable);
	}
	s->next_seq += (uint32_t)n;
}

/* Queue [seq, seq + n) before *pp; returns the new link, NULL if no memory. */
static struct ooo_seg **
queue_piece(struct stream *s, struct ooo_pool *pool, struct ooo_seg **pp,
	    uint32_t seq, const uint8_t *p, size_t n, bool missing)
{
	struct ooo_seg *q = seg_alloc(pool, missing ? 0 : n);

	if (!q)
		return NULL;
	q->seq = seq;
	q->len = (uint32_t)n;
	q->missing = missing;
	if (!missing)
		memcpy(q->data, p, n);
	q->next = *pp;
	*pp = q;
	s->ooo_bytes += missing ? 0 : n;
	s->ooo_count++;
	return &q->next;
}

/*
 * Queue the parts of [seq, seq + n) not already queued: the queue is kept
 * sorted and free of overlaps, and what was there first stays.
 */
static void
queue_insert(struct stream *s, struct ooo_pool *pool, uint32_t seq,
	     const uint8_t *p, size_t n, bool missing, bool ahead)
{
	struct ooo_seg **pp = &s->ooo, *cur;
	size_t take;

	while (n > 0) {
		cur = *pp;
		if (!cur || seqdiff(cur->seq, seq) >= (int64_t)n) {
			if (queue_piece(s, pool, pp, seq, p, n, missing) &&
			    ahead && !missing)
				s->n.out_of_order += n;
			return;
		}
		if (seqdiff(cur->seq + cur->len, seq) <= 0) {
			pp = &cur->next;	/* cur lies before us */
			continue;
		}
		if (seqdiff(cur->seq, seq) <= 0) {
			/* cur holds our first bytes already: first wins */
			take = (size_t)seqdiff(cur->seq + cur->len, seq);
			take = take < n ? take : n;
			if (!missing)
				s->n.retransmitted += take;
		} else {
			take = (size_t)seqdiff(cur->seq, seq);
			if (!(pp = queue_piece(s, pool, pp, seq, p, take,
					       missing)))
				return;
			if (ahead && !missing)
				s->n.out_of_order += take;
		}
		seq += (uint32_t)take;
		p = missing ? p : p + take;
		n -= take;
	}
}

/* Deliver queued segments that are now due. */
static void
drain(struct stream *s, struct ooo_pool *pool, const struct stream_out *out)
{
	struct ooo_seg *q;
	int32_t over;

	while ((q = s->ooo) != NULL && seqdiff(q->seq, s->next_seq) <= 0) {
		s->ooo = q->next;
		s->ooo_count--;
		if (!q->missing)
			s->ooo_bytes -= q->len;
		over = seqdiff(s->next_seq, q->seq);
		if ((uint32_t)over < q->len)
			emit(s, out, q->missing ? NULL : q->data + over,
			     q->len - (uint32_t)over, false);
		seg_release(pool, q);
	}
}

/* Give up on the hole before the first queued segment. */
static void
skip_hole(struct stream *s, struct ooo_pool *pool, const struct stream_out *out)
{
	size_t hole = (size_t)seqdiff(s->ooo->seq, s->next_seq);

	emit(s, out, NULL, hole, false);
	drain(s, pool, out);
}

static bool
waited_enough(const struct stream *s, const struct reasm_limits *lim)
{
	if (!s->ooo)
		return false;
	if (s->ooo_bytes > lim->max_ooo || s->ooo_count > OOO_SEGS_MAX) {
		if (lim->cap_hits)
			(*lim->cap_hits)++;
		return true;
	}
	return s->peer_acked && seqdiff(s->peer_ack, s->next_seq) > 0 &&
	       s->ooo_bytes >= ACKED_HOLE_QUEUE;
}

/* Payload of a segment, from seq (after the SYN's sequence number). */
static void
add_data(struct stream *s, struct ooo_pool *pool, const struct reasm_limits *lim,
	 uint32_t seq, const struct seg_data *sd, const struct stream_out *out)
{
	const uint8_t *p = sd->p;
	size_t n = sd->n, wire_len = sd->wire_len;
	int32_t d = seqdiff(seq, s->next_seq);

	if (d < 0) {	/* starts with bytes we already have */
		size_t old = (size_t)-(int64_t)d;

		if (old >= wire_len) {
			s->n.retransmitted += wire_len;
			return;
		}
		s->n.retransmitted += old;
		seq += (uint32_t)old;
		wire_len -= old;
		p += old < n ? old : n;
		n = old < n ? n - old : 0;
		d = 0;
	}
	if (d == 0 && !s->ooo) {	/* the common case: in order */
		emit(s, out, p, n, sd->stable);
		emit(s, out, NULL, wire_len - n, false);
		return;
	}
	/* Only bytes that arrive ahead of a hole count as out of order. */
	queue_insert(s, pool, seq, p, n, false, d > 0);
	if (n < wire_len)
		queue_insert(s, pool, seq + (uint32_t)n, NULL, wire_len - n,
			     true, false);
	drain(s, pool, out);
	while (waited_enough(s, lim))
		skip_hole(s, pool, out);
}

static void
check_done(struct stream *s)
{
	if (s->fin && !s->ooo && seqdiff(s->next_seq, s->fin_seq) >= 0)
		s->done = true;
}

void
stream_segment(struct stream *s, struct ooo_pool *pool,
	       const struct reasm_limits *lim, const struct seg_data *sd,
	       const struct stream_out *out)
{
	uint32_t seq = sd->seq;
	uint8_t flags = sd->flags;
	size_t wire_len = sd->wire_len;

	s->n.packets++;
	if (flags & TCP_SYN) {
		if (!s->started)
			s->next_seq = seq + 1;
		s->started = true;
		seq++;	/* the SYN takes one sequence number; data follows */
	}
	if (!s->started) {	/* capture began mid-stream */
		s->started = true;
		s->next_seq = seq;
	}
	if (wire_len <= 1 && seq == s->next_seq - 1 &&
	    !(flags & (TCP_SYN | TCP_FIN)))
		return;	/* keep-alive */
	if (wire_len > 0)
		add_data(s, pool, lim, seq, sd, out);
	if ((flags & TCP_FIN) && !s->fin) {
		s->fin = true;
		s->fin_seq = seq + (uint32_t)wire_len;
	}
	check_done(s);
}

bool
stream_peer_ack(struct stream *s, uint32_t ack)
{
	if (s->started && seqdiff(ack, s->next_seq) > 0 &&
	    seqdiff(ack, s->next_seq) < (1 << 30)) {
		s->peer_acked = true;
		s->peer_ack = ack;
	}
	/* The peer has everything up to and with the FIN: whatever this
	 * direction still lacks, the capture lost; wait no more. */
	return s->fin && !s->done && s->peer_acked &&
	       seqdiff(s->peer_ack, s->fin_seq) > 0;
}

void
stream_flush(struct stream *s, struct ooo_pool *pool,
	     const struct stream_out *out)
{
	while (s->ooo)
		skip_hole(s, pool, out);
	/* Bytes announced by a FIN but never captured are missing too. */
	if (s->fin && seqdiff(s->fin_seq, s->next_seq) > 0)
		emit(s, out, NULL, (size_t)seqdiff(s->fin_seq, s->next_seq),
		     false);
	check_done(s);
}

void
stream_discard(struct stream *s, struct ooo_pool *pool)
{
	struct ooo_seg *q;

	while ((q = s->ooo) != NULL) {
		s->ooo = q->next;
		seg_release(pool, q);
	}
	s->ooo_bytes = s->ooo_count = 0;
}
