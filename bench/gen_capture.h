/* gen_capture's run context, connection state and cross-file functions. */
#ifndef KIT_BENCH_GEN_CAPTURE_H
#define KIT_BENCH_GEN_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <openssl/evp.h>

#define MSS		1460
#define ETH_HLEN	14
#define IP_HLEN		20
#define TCP_HLEN	20
#define FRAME_MAX	(ETH_HLEN + IP_HLEN + TCP_HLEN + MSS)
#define PPM		1000000u

#define F_FIN	0x01
#define F_SYN	0x02
#define F_RST	0x04
#define F_PSH	0x08
#define F_ACK	0x10

enum { C2S, S2C };	/* index of a direction: client to server, back */

enum cstate {
	ST_SYN, ST_SYNACK, ST_ACK, ST_DATA, ST_FIN1, ST_FIN2, ST_LASTACK,
	ST_RST, ST_DONE
};

enum hold { HOLD_NONE, HOLD_DUP, HOLD_REORDER };

struct opts {
	bool bulk;
	uint64_t seed, conns, bytes;	/* bytes: bulk response payload */
	uint32_t conc;			/* connections open at a time */
	uint32_t loss_ppm, dup_ppm, reorder_ppm;
	bool pad;			/* pad frames to 60 bytes */
	const char *pcap_path, *truth_path;
};

/* One direction: the sender's address, sequence space and hashes. */
struct dir {
	uint32_t ip, isn, nxt;		/* nxt: next sequence number */
	uint16_t port, ip_id;
	uint64_t key, off;		/* payload key; bytes sent so far */
	uint64_t cap_len, zf_len, zf_gap;	/* zf_gap: zeros owed */
	EVP_MD_CTX *full, *cap, *zf;	/* cap, zf: NULL until a hole */
};

struct conn {
	struct dir d[2];
	enum cstate st;
	int turn, closer;	/* sender of this message; first FIN */
	bool need_ack;
	unsigned unacked;	/* full segments since the last ACK */
	uint32_t msgs_left;	/* request/response pairs, this one included */
	uint64_t msg_left, resp_len;
	enum hold hold;
	int hold_from;
	size_t hold_len;
	uint8_t held[FRAME_MAX];
};

/* The one context of a run. */
struct gen {
	struct opts o;
	FILE *pcap, *truth;
	uint64_t rng, now_us;
	uint64_t pkts, file_bytes, dirs, incomplete;
	uint8_t frame[FRAME_MAX];
};

/*
 * g, c and s are borrowed in every call below. On an output or OpenSSL
 * error these functions end the program with err(3), as main() would.
 */

/* gen_capture_rng.c: seeded numbers and payload bytes. */

/* splitmix64's output function; also seeds the PRNG from -s. */
uint64_t mix64(uint64_t x);
/* The next number of the run's xorshift64* PRNG (g->rng). */
uint64_t rnd(struct gen *g);
/* A number in [0, n); n must not be 0. */
uint64_t rnd_below(struct gen *g, uint64_t n);
/* True with probability ppm per million; never for 0. */
bool chance(struct gen *g, uint32_t ppm);
/* The n payload bytes at stream offset off of the direction with key. */
void fill(uint64_t key, uint64_t off, uint8_t *p, size_t n);

/* gen_capture_hash.c: SHA-256 ground truth. */

/* A new SHA-256 context, fresh or a copy of from (borrowed, may be NULL). */
EVP_MD_CTX *md_new(const EVP_MD_CTX *from);
/* Finish c into hex[65] and free it (c is taken). */
void md_hex(EVP_MD_CTX *c, char hex[static 65]);
/* Account n payload bytes p just sent by s; seen: present in the capture. */
void dir_account(struct dir *s, const uint8_t *p, size_t n, bool seen);

/* gen_capture_frame.c: frames and pcap records. */

/* Store v at p as 4 little-endian bytes (pcap headers). */
void put32le(uint8_t *p, uint32_t v);
/* Build in g->frame a packet of c from `from` with n payload bytes of its
 * stream; returns the frame length. */
size_t build_frame(struct gen *g, struct conn *c, int from, uint8_t flags,
    size_t n);
/* Capture c's held frame, if any. */
void release(struct gen *g, struct conn *c);
/* Capture g->frame (len bytes, sent by `from`), with dup and reorder. */
void conn_out(struct gen *g, struct conn *c, int from, size_t len,
    bool data);

/* gen_capture_conn.c: connections. */

/* Open, step and close g->o.conns connections, g->o.conc at a time. */
void run(struct gen *g);

#endif
