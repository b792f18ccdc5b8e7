/* \summary: link layer, IPv4 (RFC 791), IPv6 (RFC 8200) and TCP (RFC 9293)
 * header decoding. Every field is read through a bounds-checked cursor. */
#include <pcap/dlt.h>
#include <string.h>
#include <sys/socket.h>

#include "cur.h"
#include "decode.h"
#include "ipfrag.h"

#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_IPV6 0x86dd
#define ETHERTYPE_VLAN 0x8100	/* 802.1Q */
#define ETHERTYPE_QINQ 0x88a8	/* 802.1ad */
#define ETHERTYPE_QINQ_OLD 0x9100
#define DLT_LINUX_SLL2_ 276	/* older pcap/dlt.h lack it */

enum { NET_NONE, NET_IPV4, NET_IPV6 };

bool
decode_link_supported(int linktype)
{
	switch (linktype) {
	case DLT_EN10MB: case DLT_LINUX_SLL: case DLT_LINUX_SLL2_:
	case DLT_NULL: case DLT_LOOP: case DLT_RAW: case DLT_IPV4:
	case DLT_IPV6: case 101:	/* LINKTYPE_RAW, if not mapped */
		return true;
	}
	return false;
}

static int
from_ethertype(uint16_t type)
{
	return type == ETHERTYPE_IPV4 ? NET_IPV4 :
	       type == ETHERTYPE_IPV6 ? NET_IPV6 : NET_NONE;
}

/* BSD loopback: the address family, in the capturing host's byte order
 * for DLT_NULL (either order is accepted), network order for DLT_LOOP. */
static int
from_family(uint32_t be, bool any_order)
{
	uint32_t le = __builtin_bswap32(be);

	if (be == 2 || (any_order && le == 2))
		return NET_IPV4;
	/* AF_INET6 is 10 on Linux, 24, 28 or 30 on the BSDs and macOS */
	if (be == 10 || be == 24 || be == 28 || be == 30)
		return NET_IPV6;
	if (any_order && (le == 10 || le == 24 || le == 28 || le == 30))
		return NET_IPV6;
	return NET_NONE;
}

static int
from_version(const struct cur *c)
{
	if (c->left == 0)
		return NET_NONE;
	return (c->p[0] >> 4) == 4 ? NET_IPV4 :
	       (c->p[0] >> 4) == 6 ? NET_IPV6 : NET_NONE;
}

/* Consume the link header; returns NET_* (check c->err for truncation). */
static int
decode_link(int linktype, struct cur *c)
{
	uint16_t type;

	switch (linktype) {
	case DLT_EN10MB:
		cur_bytes(c, NULL, 12);
		type = cur_u16be(c);
		while (!c->err && (type == ETHERTYPE_VLAN ||
				   type == ETHERTYPE_QINQ ||
				   type == ETHERTYPE_QINQ_OLD)) {
			cur_u16be(c);	/* tag control information */
			type = cur_u16be(c);
		}
		return from_ethertype(type);
	case DLT_LINUX_SLL:
		cur_bytes(c, NULL, 14);
		return from_ethertype(cur_u16be(c));
	case DLT_LINUX_SLL2_:
		type = cur_u16be(c);
		cur_bytes(c, NULL, 18);
		return from_ethertype(type);
	case DLT_NULL:
		return from_family(cur_u32be(c), true);
	case DLT_LOOP:
		return from_family(cur_u32be(c), false);
	default:	/* raw IP */
		return from_version(c);
	}
}

/*
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * |  Source Port                  |  Destination Port             |
 * |  Sequence Number                                              |
 * |  Acknowledgment Number                                        |
 * | Offset| Rsrvd |   Flags       |  Window                       |
 * |  Checksum                     |  Urgent Pointer               |
 * |  Options (Offset * 4 - 20 bytes)                   ...  data  |
 */
static int
decode_tcp(struct decoder *d, struct cur *c, size_t wire_len,
	   struct tcp_segment *seg)
{
	uint16_t off_flags;
	size_t hlen;

	seg->sport = cur_u16be(c);
	seg->dport = cur_u16be(c);
	seg->seq = cur_u32be(c);
	seg->ack = cur_u32be(c);
	off_flags = cur_u16be(c);
	seg->window = cur_u16be(c);
	cur_u32be(c);	/* checksum (offloaded on loopback) and urgent */
	if (c->err)
		return DECODE_TRUNCATED;
	hlen = (size_t)(off_flags >> 12) * 4;
	if (hlen < 20 || hlen > wire_len) {
		d->why = "bad TCP data offset";
		return DECODE_INVALID;
	}
	if (!cur_bytes(c, NULL, hlen - 20))
		return DECODE_TRUNCATED;
	seg->flags = (uint8_t)off_flags;
	seg->payload = c->p;
	seg->wire_paylen = wire_len - hlen;
	seg->paylen = c->left < seg->wire_paylen ? c->left : seg->wire_paylen;
	if (seg->paylen < seg->wire_paylen)
		d->stats.short_payload++;
	return DECODE_TCP;
}

/* A completed fragmented datagram: decode its payload as TCP. */
static int
decode_reassembled(struct decoder *d, const uint8_t *p, size_t len,
		   struct tcp_segment *seg)
{
	struct cur c = cur_make(p, len);

	d->stats.reassembled++;
	seg->stable = false;	/* the fragment table reuses its buffers */
	return decode_tcp(d, &c, len, seg);
}

static int
add_fragment(struct decoder *d, struct ipfrag_key *k, size_t off, bool more,
	     struct cur *c, size_t wire_len, uint64_t ts_us,
	     struct tcp_segment *seg)
{
	const uint8_t *whole;
	size_t len;

	d->stats.fragments++;
	if (!d->frags || c->left < wire_len) {
		/* A fragment cut by the snaplen cannot be reassembled. */
		d->stats.frag_dropped++;
		return DECODE_FRAGMENT;
	}
	whole = ipfrag_add(d->frags, k, off, c->p, wire_len, more, ts_us, &len,
			   &d->stats.frag_dropped);
	if (!whole || k->proto != 6)
		return whole ? DECODE_OTHER : DECODE_FRAGMENT;
	return decode_reassembled(d, whole, len, seg);
}

/* IPv4 header, RFC 791 §3.1: version/IHL, TOS, total length, id,
 * flags/fragment offset, TTL, protocol, checksum, source, destination. */
static int
decode_ipv4(struct decoder *d, struct cur *c, uint64_t ts_us,
	    struct tcp_segment *seg)
{
	struct ipfrag_key k = { .family = AF_INET };
	uint8_t vhl = cur_u8(c);
	size_t ihl = (size_t)(vhl & 0x0f) * 4, total;
	uint16_t frag;

	cur_u8(c);
	total = cur_u16be(c);
	k.id = cur_u16be(c);
	frag = cur_u16be(c);
	cur_u8(c);
	k.proto = cur_u8(c);
	cur_u16be(c);
	cur_bytes(c, k.src, 4);
	cur_bytes(c, k.dst, 4);
	if (c->err)
		return DECODE_TRUNCATED;
	if (vhl >> 4 != 4 || ihl < 20 || total < ihl) {
		d->why = vhl >> 4 != 4 ? "IP version is not 4" :
			 "bad IPv4 header or total length";
		return DECODE_INVALID;
	}
	if (!cur_bytes(c, NULL, ihl - 20))	/* options */
		return DECODE_TRUNCATED;
	/* Trim link-layer padding (60-byte Ethernet minimum) to the datagram. */
	cur_limit(c, total - ihl);
	seg->family = AF_INET;
	memcpy(seg->src, k.src, 16);	/* zero-padded: flows compare 16 bytes */
	memcpy(seg->dst, k.dst, 16);
	if (frag & 0x3fff)	/* More Fragments, or an offset */
		return add_fragment(d, &k, (size_t)(frag & 0x1fff) * 8,
				    frag & 0x2000, c, total - ihl, ts_us, seg);
	if (k.proto != 6)
		return DECODE_OTHER;
	return decode_tcp(d, c, total - ihl, seg);
}

/* An IPv6 extension header: next header, length; returns its size. */
static size_t
skip_extension(struct cur *c, uint8_t *next, bool ah)
{
	uint8_t len;
	size_t size;

	*next = cur_u8(c);
	len = cur_u8(c);
	/* AH counts 4-byte units minus 2 (RFC 4302), others 8-byte units
	 * minus 1 (RFC 8200 §4.3). */
	size = ah ? ((size_t)len + 2) * 4 : ((size_t)len + 1) * 8;
	cur_bytes(c, NULL, size - 2);
	return size;
}

/* The IPv6 fragment header (RFC 8200 §4.5): next, reserved, offset/M, id. */
static int
ipv6_fragment(struct decoder *d, struct cur *c, size_t wire_len,
	      uint64_t ts_us, struct tcp_segment *seg)
{
	struct ipfrag_key k = { .family = AF_INET6 };
	uint16_t offm;

	k.proto = cur_u8(c);
	cur_u8(c);
	offm = cur_u16be(c);
	k.id = cur_u32be(c);
	if (c->err)
		return DECODE_TRUNCATED;
	if (wire_len < 8) {
		d->why = "IPv6 fragment header beyond the payload length";
		return DECODE_INVALID;
	}
	memcpy(k.src, seg->src, 16);
	memcpy(k.dst, seg->dst, 16);
	return add_fragment(d, &k, (size_t)(offm & 0xfff8), offm & 1, c,
			    wire_len - 8, ts_us, seg);
}

static int
decode_ipv6(struct decoder *d, struct cur *c, uint64_t ts_us,
	    struct tcp_segment *seg)
{
	uint32_t vtf = cur_u32be(c);
	size_t wire_len = cur_u16be(c), size;
	uint8_t next = cur_u8(c);
	int hops;

	cur_u8(c);
	cur_bytes(c, seg->src, 16);
	cur_bytes(c, seg->dst, 16);
	if (c->err)
		return DECODE_TRUNCATED;
	if (vtf >> 28 != 6) {
		d->why = "IP version is not 6";
		return DECODE_INVALID;
	}
	seg->family = AF_INET6;
	if (wire_len == 0)	/* jumbogram (RFC 2675): take what is there */
		wire_len = c->left;
	cur_limit(c, wire_len);
	for (hops = 0; hops < 16; hops++) {
		switch (next) {
		case 6:
			return decode_tcp(d, c, wire_len, seg);
		case 44:
			return ipv6_fragment(d, c, wire_len, ts_us, seg);
		case 0: case 43: case 60: case 51:
			size = skip_extension(c, &next, next == 51);
			if (c->err)
				return DECODE_TRUNCATED;
			if (size > wire_len) {
				d->why = "IPv6 extension header too long";
				return DECODE_INVALID;
			}
			wire_len -= size;
			break;
		default:	/* ESP, no next header, other protocols */
			return DECODE_OTHER;
		}
	}
	d->why = "too many IPv6 extension headers";
	return DECODE_INVALID;
}

static int
count(struct decoder *d, int r)
{
	switch (r) {
	case DECODE_TCP: d->stats.tcp++; break;
	case DECODE_TRUNCATED: d->stats.truncated++; break;
	case DECODE_INVALID: d->stats.invalid++; break;
	case DECODE_FRAGMENT: break;
	default: d->stats.other++; break;
	}
	return r;
}

int
decode_frame(struct decoder *d, const uint8_t *frame, size_t caplen,
	     uint64_t ts_us, bool stable, struct tcp_segment *seg)
{
	struct cur c = cur_make(frame, caplen);
	int net;

	seg->stable = stable;

	d->stats.frames++;
	if (!decode_link_supported(d->linktype))
		return count(d, DECODE_UNSUPPORTED_LINK);
	net = decode_link(d->linktype, &c);
	if (c.err)
		return count(d, DECODE_TRUNCATED);
	if (net == NET_IPV4)
		return count(d, decode_ipv4(d, &c, ts_us, seg));
	if (net == NET_IPV6)
		return count(d, decode_ipv6(d, &c, ts_us, seg));
	return count(d, DECODE_OTHER);
}
