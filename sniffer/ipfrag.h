/* IP fragment reassembly (RFC 791 §3.2, RFC 8200 §4.5) with hard limits. */
#ifndef KIT_SNIFFER_IPFRAG_H
#define KIT_SNIFFER_IPFRAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Datagrams under reassembly at once; older ones are dropped for new. */
#define IPFRAG_SLOTS 64
/* Capture-time seconds a datagram may take to complete. */
#define IPFRAG_TIMEOUT_US (30ULL * 1000000)
/* Largest reassembled payload: the 16-bit total length allows no more. */
#define IPFRAG_MAX 65535

struct ipfrag_key {
	int family;
	uint8_t src[16], dst[16];
	uint32_t id;
	uint8_t proto;
};

struct ipfrag_table;

/* Returns NULL when out of memory. Slot buffers are allocated once, on
 * first use, and reused: no allocation per packet. */
struct ipfrag_table *ipfrag_new(void);
void ipfrag_free(struct ipfrag_table *t);

/*
 * Add the fragment at byte offset off (of the payload) with n bytes; more
 * is the More Fragments flag. When this completes a datagram, returns its
 * payload (valid until the next call) and sets *len; otherwise NULL.
 * Overlapping fragments keep the bytes that arrived first. Fragments that
 * would pass IPFRAG_MAX, and datagrams that time out or are pushed out of
 * a full table, are counted in *dropped.
 */
const uint8_t *ipfrag_add(struct ipfrag_table *t, const struct ipfrag_key *k,
			  size_t off, const uint8_t *data, size_t n, bool more,
			  uint64_t ts_us, size_t *len, uint64_t *dropped);

#endif
