/* One direction of a TCP connection: sequence numbers to an ordered byte
 * stream (RFC 9293 §3.4), with a bounded out-of-order queue. */
#ifndef KIT_SNIFFER_REASSEMBLY_H
#define KIT_SNIFFER_REASSEMBLY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ooo_seg;
struct ooo_pool;

/* What a direction did, for --json and --stats. */
struct stream_counts {
	uint64_t packets;
	uint64_t bytes;		/* delivered */
	uint64_t missing;	/* never captured: gaps and snaplen cuts */
	uint64_t retransmitted;	/* received again after delivery or queueing */
	uint64_t out_of_order;	/* arrived ahead of a hole and were queued */
};

struct stream {
	bool started;		/* next_seq is known */
	bool fin;		/* FIN seen; fin_seq is its sequence number */
	bool done;		/* every byte up to the FIN is delivered */
	uint32_t next_seq;	/* sequence number of the next byte due */
	uint32_t fin_seq;
	bool peer_acked;	/* the other side acknowledged up to peer_ack */
	uint32_t peer_ack;
	struct ooo_seg *ooo;	/* queued segments, by sequence number */
	size_t ooo_bytes, ooo_count;
	struct stream_counts n;
};

/* Where a direction's bytes go: the flow layer fans them out to sinks. */
struct stream_out {
	/* stable: p stays valid until the capture closes (see capture.h) */
	void (*data)(void *ctx, const uint8_t *p, size_t n, bool stable);
	void (*gap)(void *ctx, uint64_t len);
	void *ctx;
};

/* Limits, shared by every stream. */
struct reasm_limits {
	size_t max_ooo;		/* queued bytes per direction */
	uint64_t *cap_hits;	/* counts holes given up at max_ooo; may be NULL */
};

/* One segment's part in a direction: the captured payload p[0..n) of
 * wire_len announced bytes (n < wire_len when the snaplen cut it). */
struct seg_data {
	uint32_t seq;
	uint8_t flags;
	const uint8_t *p;
	size_t n, wire_len;
	bool stable;		/* p outlives the call (see capture.h) */
};

/* Feed one segment of this direction. Overlaps keep the bytes that
 * arrived first. */
void stream_segment(struct stream *s, struct ooo_pool *pool,
		    const struct reasm_limits *lim, const struct seg_data *sd,
		    const struct stream_out *out);

/* The peer acknowledged up to ack: bytes before it reached the peer.
 * Returns true when the peer has acknowledged this direction's FIN while
 * bytes are still missing: the caller should stream_flush it. */
bool stream_peer_ack(struct stream *s, uint32_t ack);

/* Deliver everything queued, skipping holes as gaps (the flow ends). */
void stream_flush(struct stream *s, struct ooo_pool *pool,
		  const struct stream_out *out);

/* Free queued segments without delivering them. */
void stream_discard(struct stream *s, struct ooo_pool *pool);

/* A cache of freed queue buffers, so steady state allocates nothing. */
struct ooo_pool *ooo_pool_new(void);
void ooo_pool_free(struct ooo_pool *pool);

#endif
