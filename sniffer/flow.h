/* The flow table: TCP connections keyed by their 4-tuple, with both
 * directions, timeouts, eviction and 4-tuple reuse. */
#ifndef KIT_SNIFFER_FLOW_H
#define KIT_SNIFFER_FLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "reassembly.h"
#include "sink.h"

struct tcp_segment;

/* An endpoint: address family, address (IPv4 in the first 4 bytes), port. */
struct endpoint {
	int family;
	uint8_t addr[16];
	uint16_t port;
};

enum flow_end {
	END_NONE,
	END_FIN,		/* both sides sent FIN and all was delivered */
	END_RST,
	END_TIMEOUT,		/* idle longer than the timeout */
	END_EVICTED,		/* pushed out by --max-flows */
	END_CAPTURE,		/* still open when the capture ended */
};

struct flow {
	uint64_t id;		/* 1, 2, ... in order of first packet */
	struct endpoint ep[2];	/* ep[0] client, ep[1] server */
	uint64_t first_us, last_us;
	bool syn_seen;		/* the client's SYN, with sequence number isn */
	uint32_t isn;
	enum flow_end end;	/* END_NONE while in the table */
	struct stream dir[2];	/* DIR_C2S, DIR_S2C */
	void *sink_state[SINK_MAX];
	/* table internals */
	struct flow *hnext;	/* hash chain */
	struct flow *lprev, *lnext;	/* least recently used first */
	uint32_t hash;
};

struct flow_config {
	size_t max_flows;	/* open flows at once; the oldest is evicted */
	uint64_t idle_timeout_us;	/* capture time */
	struct reasm_limits limits;
	const struct sink *sinks;	/* the pipeline; borrowed */
	int nsinks;
};

struct flow_stats {
	uint64_t flows, evicted, timed_out, max_open;
	uint64_t ooo_cap_hits;	/* holes given up at --max-ooo */
};

struct flow_table;

/* Returns NULL when out of memory. */
struct flow_table *flow_table_new(const struct flow_config *cfg);
/* Frees the table; call flow_table_finish first to end open flows. */
void flow_table_free(struct flow_table *t);

/* One decoded TCP segment captured at ts_us. */
void flow_table_segment(struct flow_table *t, const struct tcp_segment *seg,
			uint64_t ts_us);

/* End every open flow (reason END_CAPTURE), e.g. at the end of a file. */
void flow_table_finish(struct flow_table *t);

const struct flow_stats *flow_table_stats(const struct flow_table *t);

/* "fin", "rst", "timeout", "evicted", "end_of_capture" (or "open"). */
const char *flow_end_name(enum flow_end why);

/* "SRC:PORT" or "[v6]:PORT" text of an endpoint, into out[64]. */
const char *endpoint_str(const struct endpoint *e, char out[64]);

#endif
