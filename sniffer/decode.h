/* Decode captured frames down to TCP: link layer, IPv4/IPv6, TCP header. */
#ifndef KIT_SNIFFER_DECODE_H
#define KIT_SNIFFER_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ipfrag_table;

/* One TCP segment as captured. Pointers borrow the frame (or the fragment
 * table's reassembly buffer): valid until the next decode call. */
struct tcp_segment {
	int family;		/* AF_INET or AF_INET6 */
	uint8_t src[16], dst[16];	/* IPv4: the first 4 bytes, then zeros */
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint16_t window;
	uint8_t flags;		/* TCP_FIN, TCP_SYN... */
	const uint8_t *payload;
	bool stable;		/* payload valid until the capture closes */
	size_t paylen;		/* payload bytes captured */
	size_t wire_paylen;	/* payload bytes the IP header announces */
};

#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_PSH 0x08
#define TCP_ACK 0x10

enum decode_result {
	DECODE_TCP,		/* seg filled */
	DECODE_OTHER,		/* fine, but not TCP over IP */
	DECODE_FRAGMENT,	/* an IPv4 fragment, held for reassembly */
	DECODE_TRUNCATED,	/* the capture ended inside a header */
	DECODE_INVALID,		/* impossible header values */
	DECODE_UNSUPPORTED_LINK,
};

/* Counters kept by the decoder, reported in the summary. */
struct decode_stats {
	uint64_t frames, tcp, other, truncated, invalid, short_payload;
	uint64_t fragments, reassembled, frag_dropped;
};

struct decoder {
	int linktype;		/* DLT_* of the capture */
	struct ipfrag_table *frags;	/* NULL: fragments are not reassembled */
	struct decode_stats stats;
	const char *why;	/* reason of the last DECODE_INVALID */
};

/* True when the decoder understands this DLT_* link type. */
bool decode_link_supported(int linktype);

/*
 * Decode one frame of caplen captured bytes taken at ts_us (for fragment
 * timeouts); stable as for capture_fn. Returns a decode_result; seg is
 * filled for DECODE_TCP.
 */
int decode_frame(struct decoder *d, const uint8_t *frame, size_t caplen,
		 uint64_t ts_us, bool stable, struct tcp_segment *seg);

#endif
