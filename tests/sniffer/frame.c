/* \summary: build frames for the test captures: TCP (RFC 9293 §3.1),
 * IPv4 (RFC 791 §3.1, fragments §2.3), IPv6 (RFC 8200 §3, extension
 * headers §4, fragments §4.5), and the link layers of
 * www.tcpdump.org/linktypes.html: Ethernet with 802.1Q/802.1ad tags, Linux
 * cooked SLL and SLL2, BSD NULL and LOOP, raw IP. Checksums are valid. */
#include <stdbool.h>
#include <string.h>

#include "fatal.h"
#include "flowgen.h"
#include "frame.h"

#define MAX_FRAME 70000
#define ETH_MIN 60	/* minimum Ethernet frame without the FCS */

static const uint8_t mac[2][6] = {
	{ 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 },	/* client */
	{ 0x02, 0x00, 0x00, 0x00, 0x00, 0x02 },	/* server */
};

static void
be16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static void
be32(uint8_t *p, uint32_t v)
{
	be16(p, (uint16_t)(v >> 16));
	be16(p + 2, (uint16_t)v);
}

static void
le32(uint8_t *p, uint32_t v)
{
	p[0] = v & 0xff;
	p[1] = (v >> 8) & 0xff;
	p[2] = (v >> 16) & 0xff;
	p[3] = v >> 24;
}

/* Internet checksum (RFC 1071): one's complement sum of 16-bit words. */
static uint32_t
sum16(uint32_t sum, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (n % 2)
		sum += (uint32_t)p[n - 1] << 8;
	return sum;
}

static uint16_t
fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static size_t
addr_len(const struct flow *f)
{
	return f->family == 4 ? 4 : 16;
}

/* TCP checksum over the pseudo-header (RFC 9293 §3.1; RFC 8200 §8.1). */
static void
tcp_checksum(const struct flow *f, int dir, uint8_t *seg, size_t len)
{
	uint32_t sum = 0;
	uint8_t tail[4];

	sum = sum16(sum, f->addr[dir], addr_len(f));
	sum = sum16(sum, f->addr[!dir], addr_len(f));
	if (f->family == 4) {
		sum += 6 + (uint32_t)len;
	} else {
		be32(tail, (uint32_t)len);
		sum = sum16(sum, tail, 4);
		sum += 6;
	}
	be16(seg + 16, 0);
	be16(seg + 16, fold(sum16(sum, seg, len)));
}

/*
 * TCP header, RFC 9293 §3.1:
 *  | source port | destination port | sequence | acknowledgment |
 *  | offset, flags | window | checksum | urgent | options | data
 */
size_t
frame_tcp(uint8_t *p, const struct flow *f, int dir, uint8_t flags,
	  uint32_t seq, uint32_t ack, const uint8_t *pay, size_t n)
{
	/* MSS 1460, SACK permitted, timestamps, NOP, window scale 7 */
	static const uint8_t synopt[20] = { 2, 4, 0x05, 0xb4, 4, 2, 8, 10,
		0, 0, 0, 0, 0, 0, 0, 0, 1, 3, 3, 7 };
	uint8_t opt[20];
	size_t optlen = 0, hlen;
	uint32_t tsval = (uint32_t)(f->g->now_ns / 1000000);

	if (flags & TH_SYN) {
		memcpy(opt, synopt, sizeof synopt);
		be32(opt + 8, tsval);
		optlen = sizeof synopt;
	} else if (f->tsopt) {
		opt[0] = opt[1] = 1;	/* NOP NOP timestamps */
		opt[2] = 8;
		opt[3] = 10;
		be32(opt + 4, tsval);
		be32(opt + 8, tsval - 1);
		optlen = 12;
	}
	hlen = 20 + optlen;
	if (n > FRAME_MAX_SEG - hlen)
		fatal("%s: segment too large", f->g->name);
	be16(p, f->port[dir]);
	be16(p + 2, f->port[!dir]);
	be32(p + 4, seq);
	be32(p + 8, (flags & TH_ACK) ? ack : 0);
	p[12] = (uint8_t)(hlen / 4 << 4);
	p[13] = flags;
	be16(p + 14, f->d[dir].window);
	be16(p + 18, 0);
	memcpy(p + 20, opt, optlen);
	if (n > 0)
		memcpy(p + hlen, pay, n);
	tcp_checksum(f, dir, p, hlen + n);
	return hlen + n;
}

/*
 * IPv4 header, RFC 791 §3.1:
 *  | ver, IHL | TOS | total length | id | flags, fragment offset |
 *  | TTL | protocol | header checksum | source | destination | options
 */
static size_t
ipv4_header(uint8_t *p, const struct flow *f, int dir, size_t paylen,
	    uint16_t id, uint16_t frag)
{
	size_t hlen = 20 + f->ipv4_optlen;

	p[0] = (uint8_t)(0x40 | hlen / 4);
	p[1] = 0;
	be16(p + 2, (uint16_t)(hlen + paylen));
	be16(p + 4, id);
	be16(p + 6, frag);
	p[8] = 64;
	p[9] = 6;
	be16(p + 10, 0);
	memcpy(p + 12, f->addr[dir], 4);
	memcpy(p + 16, f->addr[!dir], 4);
	memcpy(p + 20, f->ipv4_opt, f->ipv4_optlen);
	be16(p + 10, fold(sum16(0, p, hlen)));
	return hlen;
}

/* One IPv6 extension header (RFC 8200 §4.3-4.4); returns its size. */
static size_t
ipv6_ext(uint8_t *p, const uint8_t *dst, int type)
{
	memset(p, 0, 24);	/* p[0], the next header, is set by the caller */
	switch (type) {
	case EXT_HOP:	/* Router Alert (RFC 2711), PadN: 8 bytes */
		p[2] = 5;
		p[3] = 2;
		p[6] = 1;
		return 8;
	case EXT_DEST:	/* PadN of 12: 16 bytes, length 1 */
		p[1] = 1;
		p[2] = 1;
		p[3] = 12;
		return 16;
	default:	/* Routing type 0, segments left 0, one address: the
			 * destination, so that the final destination is the
			 * same whether read from the list or the header (the
			 * TCP checksum uses it, RFC 8200 §8.1) */
		p[1] = 2;
		memcpy(p + 8, dst, 16);
		return 24;
	}
}

/*
 * IPv6 header, RFC 8200 §3:
 *  | ver, class, flow label | payload length | next header | hop limit |
 *  | source (16) | destination (16) | extension headers...
 * frag: add a Fragment header (§4.5) with offset/M field offm and id.
 */
static size_t
ipv6_header(uint8_t *p, const struct flow *f, int dir, size_t paylen,
	    bool frag, uint16_t offm, uint32_t id)
{
	size_t hlen = 40;
	uint8_t *next = p + 6;
	int i;

	be32(p, 0x60000000);
	p[7] = 64;
	memcpy(p + 8, f->addr[dir], 16);
	memcpy(p + 24, f->addr[!dir], 16);
	for (i = 0; i < f->next_ext; i++) {
		*next = f->ext[i];
		next = p + hlen;
		hlen += ipv6_ext(p + hlen, f->addr[!dir], f->ext[i]);
	}
	if (frag) {
		*next = 44;
		next = p + hlen;
		p[hlen + 1] = 0;
		be16(p + hlen + 2, offm);
		be32(p + hlen + 4, id);
		hlen += 8;
	}
	*next = 6;
	be16(p + 4, (uint16_t)(hlen - 40 + paylen));
	return hlen;
}

static uint16_t
ethertype(const struct flow *f)
{
	return f->family == 4 ? 0x0800 : 0x86dd;
}

/* Link-layer header for the capture's link type; returns its size. */
static size_t
link_header(uint8_t *p, const struct flow *f, int dir, uint32_t linktype)
{
	uint32_t af = f->family == 4 ? 2 : f->link.af_inet6;
	size_t n = 12;
	int i;

	switch (linktype) {
	case LINKTYPE_ETHERNET:	/* dst, src, [TPID, TCI]..., type */
		memcpy(p, mac[!dir], 6);
		memcpy(p + 6, mac[dir], 6);
		for (i = 0; i < f->link.ntags; i++, n += 4) {
			be16(p + n, f->link.tpid[i]);
			be16(p + n + 2, f->link.tci[i]);
		}
		be16(p + n, ethertype(f));
		return n + 2;
	case LINKTYPE_LINUX_SLL:	/* pkttype, hatype, halen, addr[8], proto */
		memset(p, 0, 16);
		be16(p, dir == C2S ? 4 : 0);	/* outgoing : to us */
		be16(p + 2, 1);		/* ARPHRD_ETHER */
		be16(p + 4, 6);
		memcpy(p + 6, mac[dir], 6);
		be16(p + 14, ethertype(f));
		return 16;
	case LINKTYPE_LINUX_SLL2:	/* proto, 0, ifindex, hatype, pkttype,
					 * halen, addr[8] */
		memset(p, 0, 20);
		be16(p, ethertype(f));
		be32(p + 4, 2);
		be16(p + 8, 1);
		p[10] = dir == C2S ? 4 : 0;
		p[11] = 6;
		memcpy(p + 12, mac[dir], 6);
		return 20;
	case LINKTYPE_NULL:	/* family in the capturing host's order */
		if (f->link.null_be)
			be32(p, af);
		else
			le32(p, af);
		return 4;
	case LINKTYPE_LOOP:	/* family in network order */
		be32(p, af);
		return 4;
	case LINKTYPE_RAW:
		return 0;
	}
	fatal("%s: link type %u not supported", f->g->name, linktype);
}

/* Frame the IP datagram ip and write it; returns the captured length
 * beyond the link header. */
static size_t
emit(struct flow *f, int dir, const uint8_t *ip, size_t iplen)
{
	static uint8_t frame[MAX_FRAME];
	struct gen *g = f->g;
	int ifx = f->d[dir].ifindex;
	uint32_t lt = cap_linktype(g->cap, ifx), snap = cap_snaplen(g->cap, ifx);
	size_t hlen = link_header(frame, f, dir, lt), len = hlen + iplen;

	memcpy(frame + hlen, ip, iplen);
	if (lt == LINKTYPE_ETHERNET && len < ETH_MIN) {
		/* Padding the receiver must ignore: make it visible. */
		memset(frame + len, 'P', ETH_MIN - len);
		len = ETH_MIN;
	}
	cap_write(g->cap, ifx, g->now_ns, frame, len);
	g->now_ns += g->step_ns;
	if (snap >= hlen + iplen)
		return iplen;
	return snap > hlen ? snap - hlen : 0;
}

static size_t
ip_header(uint8_t *p, struct flow *f, int dir, size_t paylen, bool frag,
	  size_t off, bool more, uint32_t id)
{
	uint16_t ff;

	if (f->family == 4) {
		ff = frag ? (uint16_t)(off / 8 | (more ? 0x2000 : 0)) : 0x4000;
		return ipv4_header(p, f, dir, paylen, (uint16_t)id, ff);
	}
	return ipv6_header(p, f, dir, paylen, frag,
			   (uint16_t)(off | (more ? 1 : 0)), id);
}

/* The fragments of plan, in plan order; overlapping bytes are garbled
 * when f->alt_resend, to show which copy a reassembler kept. */
static void
send_frags(struct flow *f, int dir, const uint8_t *seg, size_t len,
	   const struct frag *plan, size_t nplan, uint32_t id)
{
	static uint8_t ip[MAX_FRAME];
	static bool sent[MAX_FRAME];
	size_t i, j, s, e, hlen;

	memset(sent, 0, len);
	for (i = 0; i < nplan; i++) {
		s = plan[i].start;
		e = plan[i].end > len ? len : plan[i].end;
		if (s >= e || (s % 8 && s != 0) || (e % 8 && e != len))
			fatal("%s: bad fragment plan", f->g->name);
		hlen = ip_header(ip, f, dir, e - s, true, s, e < len, id);
		for (j = s; j < e; j++) {
			ip[hlen + j - s] = sent[j] && f->alt_resend ? 'X' :
					   seg[j];
			sent[j] = true;
		}
		if (emit(f, dir, ip, hlen + e - s) != hlen + e - s)
			fatal("%s: fragments must not be cut", f->g->name);
	}
}

size_t
frame_send(struct flow *f, int dir, const uint8_t *seg, size_t len,
	   const struct frag *plan, size_t nplan)
{
	static uint8_t ip[MAX_FRAME];
	uint32_t id = ++f->g->ip_id;
	size_t hlen, got;

	if (nplan > 0) {
		send_frags(f, dir, seg, len, plan, nplan, id);
		return len;
	}
	hlen = ip_header(ip, f, dir, len, false, 0, false, id);
	memcpy(ip + hlen, seg, len);
	got = emit(f, dir, ip, hlen + len);
	return got > hlen ? got - hlen : 0;
}
