/* Build TCP connections packet by packet into a capture file, and keep
 * what a sniffer should make of them: the bytes of each direction and the
 * per-flow summary. Test helper for gen_captures. */
#ifndef KIT_TESTS_FLOWGEN_H
#define KIT_TESTS_FLOWGEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capfile.h"

enum { C2S, S2C };	/* direction, from the client's point of view */

/* How frames are framed below IP. */
struct linkcfg {
	int ntags;		/* Ethernet: VLAN tags, outermost first */
	uint16_t tpid[2];	/* 0x8100 (802.1Q) or 0x88a8 (802.1ad) */
	uint16_t tci[2];	/* priority and VLAN id */
	bool null_be;		/* NULL: family in big-endian (LOOP: always) */
	uint32_t af_inet6;	/* NULL/LOOP: value of AF_INET6 (24, 28, 30) */
};

/* IPv6 extension headers put before TCP (and before a Fragment header). */
enum { EXT_HOP = 0, EXT_ROUTING = 43, EXT_DEST = 60 };

/* One piece of an IP datagram's payload, [start, end) in bytes; end
 * FRAG_END means "to the end". Starts other than 0 are multiples of 8. */
struct frag {
	size_t start, end;
};
#define FRAG_END ((size_t)-1)

/* What is known of one stream byte (dirstate.st). */
#define B_SENT 0x01	/* the sender has sent it (content is now "resent") */
#define B_RCV 0x02	/* the receiver got it (it may not be captured) */
#define B_CAP 0x04	/* captured: the sniffer delivers it */
#define B_CUT 0x08	/* on the wire in a captured packet, cut by snaplen */

/* Expected state of one direction of a flow. */
struct dirstate {
	uint32_t isn;		/* the SYN's sequence number */
	uint8_t *st;		/* per stream byte: B_* flags */
	size_t st_cap;
	size_t wire_end;	/* bytes the sender has sent so far */
	size_t rcv_prefix;	/* bytes from 0 all received (B_RCV) */
	size_t cap_prefix;	/* bytes from 0 all captured or cut */
	size_t known_end;	/* end of the stream as the sniffer can know it */
	bool fin;		/* FIN sent */
	uint16_t window;	/* advertised in this direction's segments */
	int ifindex;		/* capture interface of this direction */
	uint64_t packets, retransmitted, out_of_order;
};

struct gen;

struct flow {
	struct gen *g;
	unsigned id;		/* index in the case, shown in the payload */
	int family;		/* 4 or 6 */
	uint8_t addr[2][16];	/* [C2S] client, [S2C] server */
	uint16_t port[2];
	struct linkcfg link;
	struct dirstate d[2];
	bool tsopt;		/* TCP timestamps on every segment */
	bool alt_resend;	/* resent bytes carry different content */
	uint8_t ipv4_opt[40];	/* IPv4 options (already padded to 4) */
	size_t ipv4_optlen;
	uint8_t ext[4];		/* IPv6 extension headers (EXT_*) */
	int next_ext;
	/* expected summary */
	int first_dir, syn_dir;	/* -1: none yet */
	uint64_t start_ns, end_ns;
	const char *reason;
	bool ended;		/* FIN both ways, or RST: later packets do
				 * not belong to it (the last ACK...) */
};

struct gen {
	const char *name;	/* case name */
	const char *outdir;
	char cap_path[512];
	struct capfile *cap;
	uint64_t now_ns;	/* timestamp of the next packet */
	uint64_t step_ns;	/* between packets */
	struct linkcfg link;	/* for new flows */
	int ifindex;		/* for new flows */
	struct flow **flows;
	size_t nflows, flows_cap;
	uint32_t ip_id;
	bool stopped;		/* readers stop here; later packets unread */
	int exit_status;	/* expected from the sniffer */
	const char *tcpflow_note;	/* NULL: tcpflow writes the same files */
	const char *tcpflow_kind;	/* "bytes", "names" or "none" */
	const char *note;	/* what the case is about */
};

/*
 * Start case name: create outdir/name.pcap (or .pcapng) in format fmt with
 * one interface of this link type and snaplen. note says what it tests.
 */
void gen_begin(struct gen *g, const char *outdir, const char *name,
	       const char *note, enum cap_format fmt, uint32_t linktype,
	       uint32_t snaplen);

/* Close the capture; write name.expected/ and name.json (expect.c).
 * Frees the flows. */
void gen_end(struct gen *g);

/* Everything written from now on is beyond the point where a reader
 * gives up (a damaged file): it counts for nothing. */
void gen_stop_reading(struct gen *g);

/* Document that tcpflow 1.6 writes other files for this case: kind is
 * "bytes" (same names, other contents), "names" (other names) or "none"
 * (no files at all); why says what it does and why we differ. */
void gen_tcpflow_differs(struct gen *g, const char *kind, const char *why);

/*
 * A new flow from client cli:cport to server srv:sport (numeric IPv4 or
 * IPv6 addresses), with the case's link settings and default sequence
 * numbers. Owned by g.
 */
struct flow *flow_new(struct gen *g, const char *cli, uint16_t cport,
		      const char *srv, uint16_t sport);

/* The n original bytes of direction dir from stream offset off. */
void flow_payload(const struct flow *f, int dir, size_t off, uint8_t *out,
		  size_t n);

/* Set both initial sequence numbers (before any packet). */
void flow_isn(struct flow *f, uint32_t client, uint32_t server);

/* Three-way handshake; the SYN carries syn_data bytes of data. */
void tcp_handshake(struct flow *f, size_t syn_data);
void tcp_syn(struct flow *f, size_t syn_data);
void tcp_synack(struct flow *f);

/* Data bytes [off, off + len) of direction dir, in one segment. */
void tcp_data(struct flow *f, int dir, size_t off, size_t len);

/* The next len bytes of direction dir, in segments of at most mss. */
void tcp_send(struct flow *f, int dir, size_t len, size_t mss);

/* As tcp_data, but sent as IP fragments in the order of plan. */
void tcp_data_frags(struct flow *f, int dir, size_t off, size_t len,
		    const struct frag *plan, size_t nplan);

/* Bytes [off, off + len) were sent and received but not captured. */
void tcp_lost(struct flow *f, int dir, size_t off, size_t len);

/* A pure ACK from dir for everything the peer sent. */
void tcp_ack(struct flow *f, int dir);

/* FIN (with ACK) from dir after everything it sent. */
void tcp_fin(struct flow *f, int dir);

/* RST (with ACK) from dir. */
void tcp_rst(struct flow *f, int dir);

/* Keep-alive from dir: seq = next - 1, with one garbage byte or none. */
void tcp_keepalive(struct flow *f, int dir, bool one_byte);

/* Full close: FIN from first, ACK, FIN from the other side, ACK. */
void tcp_close(struct flow *f, int first);

/* Request of req bytes, ACK, response of resp bytes, ACK (segments of
 * 1460 bytes at most). */
void tcp_exchange(struct flow *f, size_t req, size_t resp);

/* A whole connection: handshake, exchange, close by the client. */
struct flow *flow_simple(struct gen *g, const char *cli, uint16_t cport,
			 const char *srv, uint16_t sport, size_t req,
			 size_t resp);

#endif
