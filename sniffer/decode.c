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
