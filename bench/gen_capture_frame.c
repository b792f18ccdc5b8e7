/*
 * gen_capture_frame.c - Ethernet/IPv4/TCP frames (RFC 791, RFC 9293) with
 * RFC 1071 checksums, written as pcap records, with captured duplicates
 * and reordering.
 */
#include <err.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "gen_capture.h"

#define ETH_MIN		60	/* shorter frames are padded on the wire */

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

void
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
size_t
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

void
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
void
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
