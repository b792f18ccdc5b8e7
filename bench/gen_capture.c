/*
 * gen_capture.c - deterministic TCP captures with ground truth, for the
 * sniffer benchmark (bench/sniffer_bench.sh).
 *
 * Writes a classic pcap file (microsecond timestamps, LINKTYPE_ETHERNET)
 * of TCP connections over IPv4 (RFC 791, RFC 9293) and a ground-truth
 * file. Two modes:
 *
 *   bulk   a few hundred interleaved connections at MTU 1500 (MSS 1460),
 *          each 1-4 small requests answered by megabytes, ~1 GB in all;
 *   short  100,000 request/response connections, 100 open at a time.
 *
 * Every connection has a three-way handshake (SYN with an MSS option),
 * data both ways, one pure ACK per two full segments, and a FIN close
 * (or, for 1 in 50, a RST). One ISN in 8 sits just below 2^32, so
 * sequence numbers wrap. With -p 1, frames shorter than 60 bytes are
 * padded as on the wire (off by default: tcpflow 1.6.1 takes the padding
 * of pure ACKs for data, writes it into its files and opens new ones). The capture is imperfect, as decided by a seeded PRNG:
 *
 *   miss     a data segment is absent from the capture but did reach the
 *            peer (its ACKs cover it): its direction is "incomplete";
 *   dup      a data segment is captured twice (a spurious retransmission,
 *            seen again after the next packet of its connection);
 *   reorder  a data segment is captured just after its successor.
 *
 * Ground truth, one line per direction with data, named as tcpflow names
 * its file (SRC.PORT-DST.PORT, zero-padded):
 *
 *   NAME complete|incomplete FULL_LEN FULL_SHA CAP_LEN CAP_SHA ZF_LEN ZF_SHA
 *
 * FULL: every byte sent. CAP: the captured bytes, holes removed. ZF: the
 * captured bytes with holes zero-filled, up to the last captured byte
 * (what a writer that seeks to each segment's offset produces). For a
 * complete direction the three are equal. Same options, same files.
 */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#define MSS		1460
#define ETH_HLEN	14
#define IP_HLEN		20
#define TCP_HLEN	20
#define FRAME_MAX	(ETH_HLEN + IP_HLEN + TCP_HLEN + MSS)
#define ETH_MIN		60	/* shorter frames are padded on the wire */
#define PPM		1000000u
#define RST_PPM		20000u	/* 1 connection in 50 ends with a RST */
#define OUT_BUF		(4u << 20)

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

static const uint8_t zeros[65536];

/* --- numbers ------------------------------------------------------------ */

/* splitmix64's output function: payload bytes are mix64(key + block). */
static uint64_t
mix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/* xorshift64*: every decision of the generator. */
static uint64_t
rnd(struct gen *g)
{
	g->rng ^= g->rng >> 12;
	g->rng ^= g->rng << 25;
	g->rng ^= g->rng >> 27;
	return g->rng * 0x2545f4914f6cdd1dULL;
}

static uint64_t
rnd_below(struct gen *g, uint64_t n)
{
	return rnd(g) % n;
}

static bool
chance(struct gen *g, uint32_t ppm)
{
	return ppm != 0 && rnd_below(g, PPM) < ppm;
}

/* The n payload bytes at stream offset off of the direction with key. */
static void
fill(uint64_t key, uint64_t off, uint8_t *p, size_t n)
{
	while (n > 0) {
		uint64_t w = mix64(key + (off >> 3) * 0x9e3779b97f4a7c15ULL);
		unsigned j = off & 7;
		size_t k = 8 - j < n ? 8 - j : n;

		for (size_t i = 0; i < k; i++)
			p[i] = (uint8_t)(w >> 8 * (j + i));
		p += k;
		off += k;
		n -= k;
	}
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static void
put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

static void
put32le(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> 8 * i);
}

/* RFC 1071 one's-complement sum, folded and complemented by csum_end. */
static uint32_t
csum_add(uint32_t acc, const uint8_t *p, size_t n)
{
	for (; n > 1; p += 2, n -= 2)
		acc += (uint32_t)p[0] << 8 | p[1];
	if (n)
		acc += (uint32_t)p[0] << 8;
	return acc;
}

static uint16_t
csum_end(uint32_t acc)
{
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	return (uint16_t)~acc;
}

/* --- hashes ------------------------------------------------------------- */

static EVP_MD_CTX *
md_new(const EVP_MD_CTX *from)
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();

	if (c == NULL)
		errx(1, "EVP_MD_CTX_new failed");
	if (from != NULL ? EVP_MD_CTX_copy_ex(c, from) != 1 :
	    EVP_DigestInit_ex(c, EVP_sha256(), NULL) != 1)
		errx(1, "SHA-256 init failed");
	return c;
}

static void
md_add(EVP_MD_CTX *c, const uint8_t *p, size_t n)
{
	if (EVP_DigestUpdate(c, p, n) != 1)
		errx(1, "SHA-256 update failed");
}

static void
md_zeros(EVP_MD_CTX *c, uint64_t n)
{
	for (; n > sizeof zeros; n -= sizeof zeros)
		md_add(c, zeros, sizeof zeros);
	md_add(c, zeros, n);
}

/* Finish c into hex[65] and free it. */
static void
md_hex(EVP_MD_CTX *c, char hex[static 65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	if (EVP_DigestFinal_ex(c, md, &n) != 1 || n != 32)
		errx(1, "SHA-256 final failed");
	for (unsigned i = 0; i < n; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	EVP_MD_CTX_free(c);
}

/*
 * Account n payload bytes just sent by s; seen: present in the capture.
 * The first hole forks the hashes of the two captured views off the
 * full one.
 */
static void
dir_account(struct dir *s, const uint8_t *p, size_t n, bool seen)
{
	if (!seen && s->cap == NULL) {
		s->cap = md_new(s->full);
		s->zf = md_new(s->full);
		s->cap_len = s->zf_len = s->off;
	}
	md_add(s->full, p, n);
	if (s->cap == NULL)
		return;
	if (!seen) {
		s->zf_gap += n;
		return;
	}
	md_add(s->cap, p, n);
	s->cap_len += n;
	md_zeros(s->zf, s->zf_gap);
	md_add(s->zf, p, n);
	s->zf_len += s->zf_gap + n;
	s->zf_gap = 0;
}

/* --- frames ------------------------------------------------------------- */

static void
put_mac(uint8_t *p, uint32_t ip)
{
	p[0] = 0x02;	/* locally administered */
	p[1] = 0x00;
	put32(p + 2, ip);
}

/*
 *  Ethernet II | IPv4 (20 bytes, DF) | TCP (20, or 24 with the SYN's MSS
 *  option) | payload: n bytes of the sender's stream at its offset.
 */
static size_t
build_frame(struct gen *g, struct conn *c, int from, uint8_t flags, size_t n)
{
	struct dir *s = &c->d[from], *r = &c->d[!from];
	uint8_t *f = g->frame, *ip = f + ETH_HLEN, *tcp = ip + IP_HLEN;
	size_t thl = TCP_HLEN + (flags & F_SYN ? 4 : 0);
	size_t iplen = IP_HLEN + thl + n, len = ETH_HLEN + iplen;
	uint32_t acc;

	put_mac(f, r->ip);
	put_mac(f + 6, s->ip);
	put16(f + 12, 0x0800);
	memset(ip, 0, IP_HLEN + thl);
	ip[0] = 0x45;
	put16(ip + 2, (uint16_t)iplen);
	put16(ip + 4, s->ip_id++);
	put16(ip + 6, 0x4000);	/* DF */
	ip[8] = 64;
	ip[9] = 6;
	put32(ip + 12, s->ip);
	put32(ip + 16, r->ip);
	put16(ip + 10, csum_end(csum_add(0, ip, IP_HLEN)));
	put16(tcp, s->port);
	put16(tcp + 2, r->port);
	put32(tcp + 4, s->nxt);
	put32(tcp + 8, flags & F_ACK ? r->nxt : 0);
	tcp[12] = (uint8_t)(thl / 4 << 4);
	tcp[13] = flags;
	put16(tcp + 14, 65535);
	if (flags & F_SYN) {
		tcp[20] = 2;	/* MSS option, RFC 9293 §3.2 */
		tcp[21] = 4;
		put16(tcp + 22, MSS);
	}
	fill(s->key, s->off, tcp + thl, n);
	acc = csum_add(0, ip + 12, 8) + 6 + (uint32_t)(thl + n);
	put16(tcp + 16, csum_end(csum_add(acc, tcp, thl + n)));
	if (g->o.pad && len < ETH_MIN) {
		memset(f + len, 0, ETH_MIN - len);
		len = ETH_MIN;
	}
	return len;
}

static void
write_frame(struct gen *g, const uint8_t *f, size_t len)
{
	uint8_t h[16];

	put32le(h, (uint32_t)(g->now_us / 1000000));
	put32le(h + 4, (uint32_t)(g->now_us % 1000000));
	put32le(h + 8, (uint32_t)len);
	put32le(h + 12, (uint32_t)len);
	if (fwrite(h, sizeof h, 1, g->pcap) != 1 ||
	    fwrite(f, len, 1, g->pcap) != 1)
		err(1, "%s", g->o.pcap_path);
	g->pkts++;
	g->file_bytes += sizeof h + len;
	g->now_us += 1 + len / 125;	/* about 1 Gbit/s */
}

static void
hold_frame(struct conn *c, const uint8_t *f, size_t len, int from,
    enum hold kind)
{
	memcpy(c->held, f, len);
	c->hold_len = len;
	c->hold_from = from;
	c->hold = kind;
}

static void
release(struct gen *g, struct conn *c)
{
	if (c->hold == HOLD_NONE)
		return;
	write_frame(g, c->held, c->hold_len);
	c->hold = HOLD_NONE;
}

/*
 * Capture g->frame, a packet of c from `from`, applying duplication and
 * reordering. A held duplicate is captured after the next packet of its
 * connection; a held reordered segment after the next data segment of
 * its sender, but before anything else (so never after an ACK of it).
 */
static void
conn_out(struct gen *g, struct conn *c, int from, size_t len, bool data)
{
	bool swap = c->hold == HOLD_DUP ||
	    (c->hold == HOLD_REORDER && data && from == c->hold_from);

	if (!swap)
		release(g, c);
	if (!swap && data && chance(g, g->o.reorder_ppm)) {
		hold_frame(c, g->frame, len, from, HOLD_REORDER);
		return;
	}
	write_frame(g, g->frame, len);
	if (swap)
		release(g, c);
	else if (data && chance(g, g->o.dup_ppm))
		hold_frame(c, g->frame, len, from, HOLD_DUP);
}

/* --- connections -------------------------------------------------------- */

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
static void
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

/* --- files and options -------------------------------------------------- */

static FILE *
open_out(const char *path)
{
	FILE *f = fopen(path, "wb");

	if (f == NULL)
		err(1, "%s", path);
	if (setvbuf(f, NULL, _IOFBF, OUT_BUF) != 0)
		errx(1, "%s: setvbuf failed", path);
	return f;
}

static void
close_out(FILE *f, const char *path)
{
	if (ferror(f) || fclose(f) != 0)
		err(1, "%s", path);
}

/* pcap file header: magic, v2.4, zone 0, sigfigs 0, snaplen, Ethernet. */
static void
write_headers(struct gen *g)
{
	uint8_t h[24] = { 0 };

	put32le(h, 0xa1b2c3d4);
	h[4] = 2;
	h[6] = 4;
	put32le(h + 16, 65535);
	put32le(h + 20, 1);
	if (fwrite(h, sizeof h, 1, g->pcap) != 1)
		err(1, "%s", g->o.pcap_path);
	g->file_bytes = sizeof h;
	fprintf(g->truth, "# gen_capture %s seed=%" PRIu64 " conns=%" PRIu64
	    " bytes=%" PRIu64 " conc=%" PRIu32 " loss=%" PRIu32 " dup=%"
	    PRIu32 " reorder=%" PRIu32 " (ppm) pad=%d\n# name status full_len "
	    "full_sha256 cap_len cap_sha256 zf_len zf_sha256\n",
	    g->o.bulk ? "bulk" : "short", g->o.seed, g->o.conns, g->o.bytes,
	    g->o.conc, g->o.loss_ppm, g->o.dup_ppm, g->o.reorder_ppm, g->o.pad);
}

static void
usage(void)
{
	fprintf(stderr,
	    "usage: gen_capture bulk|short [-s seed] [-n conns] [-b bytes]\n"
	    "           [-c open] [-l loss] [-d dup] [-r reorder] [-p 0|1]\n"
	    "           OUT.pcap TRUTH.txt\n"
	    "  bulk:  -n 300 -b 1000000000 -c 300 -l 250 -d 1000 -r 1000\n"
	    "  short: -n 100000 -c 100 -l 0 -d 500 -r 500\n"
	    "  -l -d -r: per million data segments; -b: bulk response bytes\n"
	    "  -p 1: pad frames to 60 bytes, as on the wire (default 0)\n");
	exit(2);
}

static uint64_t
num(const char *s, uint64_t max)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || *s == '-' || v > max)
		errx(2, "bad number: %s", s);
	return v;
}

static void
parse_opts(int argc, char **argv, struct opts *o)
{
	int ch;
	bool bulk = argc >= 2 && strcmp(argv[1], "bulk") == 0;

	if (!bulk && (argc < 2 || strcmp(argv[1], "short") != 0))
		usage();
	*o = bulk ?
	    (struct opts){ true, 1, 300, 1000000000, 300, 250, 1000, 1000,
		false, NULL, NULL } :
	    (struct opts){ false, 1, 100000, 0, 100, 0, 500, 500, false, NULL,
		NULL };
	optind = 2;
	while ((ch = getopt(argc, argv, "s:n:b:c:l:d:r:p:")) != -1) {
		switch (ch) {
		case 's': o->seed = num(optarg, UINT64_MAX); break;
		case 'n': o->conns = num(optarg, 1000000000); break;
		case 'b': o->bytes = num(optarg, UINT64_C(1) << 40); break;
		case 'c': o->conc = (uint32_t)num(optarg, 1000000); break;
		case 'l': o->loss_ppm = (uint32_t)num(optarg, PPM); break;
		case 'd': o->dup_ppm = (uint32_t)num(optarg, PPM); break;
		case 'r': o->reorder_ppm = (uint32_t)num(optarg, PPM); break;
		case 'p': o->pad = num(optarg, 1) == 1; break;
		default: usage();
		}
	}
	if (argc - optind != 2 || o->conns == 0 || o->conc == 0)
		usage();
	o->pcap_path = argv[optind];
	o->truth_path = argv[optind + 1];
}

int
main(int argc, char **argv)
{
	struct gen *g = calloc(1, sizeof *g);

	if (g == NULL)
		err(1, "calloc");
	parse_opts(argc, argv, &g->o);
	g->rng = mix64(g->o.seed) | 1;
	g->now_us = UINT64_C(1700000000) * 1000000;
	g->pcap = open_out(g->o.pcap_path);
	g->truth = open_out(g->o.truth_path);
	write_headers(g);
	run(g);
	close_out(g->pcap, g->o.pcap_path);
	close_out(g->truth, g->o.truth_path);
	fprintf(stderr, "gen_capture: %" PRIu64 " connections, %" PRIu64
	    " directions (%" PRIu64 " incomplete), %" PRIu64 " packets, %"
	    PRIu64 " bytes\n", g->o.conns, g->dirs, g->incomplete, g->pkts,
	    g->file_bytes);
	free(g);
	return 0;
}
