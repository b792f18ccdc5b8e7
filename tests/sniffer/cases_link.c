/* \summary: gen_captures cases for decoding: link layers, IPv4 options
 * and fragments, IPv6 extension headers and fragments, Ethernet padding,
 * snaplen, and the capture file formats. */
#include <string.h>

#include "cases.h"
#include "flowgen.h"

static const char tcpflow_padding[] =
	"tcpflow 1.6 takes the Ethernet padding of frames shorter than 60 "
	"bytes for stream data: the padding of a short segment lands after "
	"its data, where the next segment overwrites it, and that of the "
	"last ACK or FIN stays at the end of the file; we trim every "
	"datagram to its IP length (RFC 894: padding is not data)";

static const char tcpflow_ipv6_ext[] =
	"tcpflow 1.6 only decodes IPv6 packets whose first next header is "
	"TCP: it writes no file for this flow";

/* One IPv4 and one IPv6 connection: for link types that carry both. */
static void
both_families(struct gen *g)
{
	flow_simple(g, CLI, 40001, SRV, 80, 120, 2000);
	flow_simple(g, CLI6, 40002, SRV6, 6667, 300, 90);
}

/* --- link layers --------------------------------------------------------- */

static void
case_eth_ipv4(const char *dir, const char *name)
{
	struct gen g;

	gen_begin(&g, dir, name, "Ethernet, IPv4, one connection",
		  CAP_PCAP_US, LINKTYPE_ETHERNET, 65535);
	flow_simple(&g, CLI, 40000, SRV, 80, 100, 3000);
	gen_end(&g);
}

static void
case_eth_vlan(const char *dir, const char *name)
{
	struct gen g;

	gen_begin(&g, dir, name, "Ethernet with an 802.1Q tag (VLAN 100)",
		  CAP_PCAP_US, LINKTYPE_ETHERNET, 65535);
	gen_tcpflow_differs(&g, "names", "tcpflow 1.6 appends the VLAN id of "
			    "a single 802.1Q tag to the names (--100, "
			    "the %V%v of its template), not for QinQ; our "
			    "flows are keyed by the 4-tuple alone, and so are "
			    "our names");
	g.link.ntags = 1;
	g.link.tpid[0] = 0x8100;
	g.link.tci[0] = 100;
	both_families(&g);
	gen_end(&g);
}

static void
case_eth_qinq(const char *dir, const char *name)
{
	struct gen g;

	gen_begin(&g, dir, name,
		  "Ethernet with 802.1ad QinQ: S-tag 0x88a8 VLAN 10, C-tag "
		  "0x8100 VLAN 20", CAP_PCAP_US, LINKTYPE_ETHERNET, 65535);
	g.link.ntags = 2;
	g.link.tpid[0] = 0x88a8;
	g.link.tci[0] = 10;
	g.link.tpid[1] = 0x8100;
	g.link.tci[1] = 0x2000 | 20;	/* priority 1 */
	both_families(&g);
	gen_end(&g);
}

static void
case_sll(const char *dir, const char *name)
{
	struct gen g;

	gen_begin(&g, dir, name, "Linux cooked capture (SLL), IPv4 and IPv6",
		  CAP_PCAP_US, LINKTYPE_LINUX_SLL, 65535);
	both_families(&g);
	gen_end(&g);
}

static void
case_sll2(const char *dir, const char *name)
{
	struct gen g;

	gen_begin(&g, dir, name, "Linux cooked capture v2 (SLL2), IPv4 and "
		  "IPv6", CAP_PCAP_US, LINKTYPE_LINUX_SLL2, 65535);
	gen_tcpflow_differs(&g, "names", "tcpflow 1.6 does not support link "
			    "type LINUX_SLL2 (276): no files, exit status 1");
	both_families(&g);
	gen_end(&g);
}

static void
case_null_le(const char *dir, const char *name)
{
	struct gen g;

	gen_begin(&g, dir, name, "BSD NULL, family little-endian (a "
		  "little-endian capturing host): AF_INET 2, AF_INET6 30 "
		  "(macOS)", CAP_PCAP_US, LINKTYPE_NULL, 65535);
	gen_tcpflow_differs(&g, "names", "tcpflow 1.6 takes only AF_INET (2) "
			    "in the NULL header: it writes no file for the "
			    "IPv6 flow (AF_INET6 is 10, 24, 28 or 30 "
			    "depending on the capturing OS)");
	g.link.af_inet6 = 30;
	both_families(&g);
	gen_end(&g);
}

static void
case_null_be(const char *dir, const char *name)
{
	struct gen g;

	gen_begin(&g, dir, name, "BSD NULL, family big-endian (a big-endian "
		  "capturing host): AF_INET 2, AF_INET6 28 (FreeBSD)",
		  CAP_PCAP_US, LINKTYPE_NULL, 65535);
	gen_tcpflow_differs(&g, "names", "tcpflow 1.6 reads the NULL header "
			    "in its own byte order only, so it recognizes "
			    "neither flow of a big-endian capture: no files");
	g.link.null_be = true;
	g.link.af_inet6 = 28;
	both_families(&g);
	gen_end(&g);
}

static void
case_loop(const char *dir, const char *name)
{
	struct gen g;

	gen_begin(&g, dir, name, "OpenBSD LOOP: family in network order, "
		  "AF_INET6 24", CAP_PCAP_US, LINKTYPE_LOOP, 65535);
	gen_tcpflow_differs(&g, "names", "tcpflow 1.6 does not support link "
			    "type LOOP (108): no files, exit status 1");
	g.link.af_inet6 = 24;
	both_families(&g);
	gen_end(&g);
}

static void
case_raw(const char *dir, const char *name)
{
	struct gen g;

	gen_begin(&g, dir, name, "raw IP (LINKTYPE_RAW 101), IPv4 and IPv6",
		  CAP_PCAP_US, LINKTYPE_RAW, 65535);
	both_families(&g);
	gen_end(&g);
}

/* --- IP ------------------------------------------------------------------ */

static void
case_ipv6(const char *dir, const char *name)
{
	struct gen g;

	gen_begin(&g, dir, name, "Ethernet, IPv6, one connection",
		  CAP_PCAP_US, LINKTYPE_ETHERNET, 65535);
	flow_simple(&g, CLI6, 40000, SRV6, 443, 700, 5000);
	gen_end(&g);
}

static void
case_ipv6_ext(const char *dir, const char *name)
{
	struct gen g;
	struct flow *f;

	gen_begin(&g, dir, name, "IPv6 with hop-by-hop (router alert), "
		  "destination options (16 bytes) and routing (type 0, "
		  "segments left 0) headers before TCP", CAP_PCAP_US,
		  LINKTYPE_ETHERNET, 65535);
	gen_tcpflow_differs(&g, "names", tcpflow_ipv6_ext);
	f = flow_new(&g, CLI6, 40000, SRV6, 80);
	f->ext[f->next_ext++] = EXT_HOP;
	f->ext[f->next_ext++] = EXT_DEST;
	f->ext[f->next_ext++] = EXT_ROUTING;
	tcp_handshake(f, 0);
	tcp_exchange(f, 500, 3000);
	tcp_close(f, C2S);
	gen_end(&g);
}

static void
case_ipv4_options(const char *dir, const char *name)
{
	/* NOP, Record Route with room for two addresses, one filled in
	 * (RFC 791 §3.1: type 7, length 11, pointer 8), End of List, and
	 * zeros to the 4-byte boundary: 16 bytes, IHL 9. */
	static const uint8_t opt[16] = { 1, 7, 11, 8, 10, 0, 254, 1, 0, 0, 0,
		0, 0 };
	struct gen g;
	struct flow *f;

	gen_begin(&g, dir, name, "IPv4 header with 16 bytes of options (IHL "
		  "9): NOP, record route, end of list", CAP_PCAP_US,
		  LINKTYPE_ETHERNET, 65535);
	f = flow_new(&g, CLI, 40000, SRV, 80);
	memcpy(f->ipv4_opt, opt, sizeof opt);
	f->ipv4_optlen = sizeof opt;
	tcp_handshake(f, 0);
	tcp_exchange(f, 200, 2500);
	tcp_close(f, C2S);
	gen_end(&g);
}

/* Fragment plans, in IP payload bytes (the TCP header is 32 bytes). */
static const struct frag in_order[] = {
	{ 0, 1008 }, { 1008, 2008 }, { 2008, FRAG_END } };
static const struct frag reversed[] = {
	{ 2008, FRAG_END }, { 1008, 2008 }, { 0, 1008 } };
static const struct frag shuffled[] = {
	{ 1000, 1600 }, { 0, 1000 }, { 1600, FRAG_END } };
/* Overlaps: 800-1008 twice, then 2000-2008 twice. */
static const struct frag overlap_tail[] = {
	{ 0, 1008 }, { 800, 2008 }, { 2000, FRAG_END } };
/* The later part first, then an earlier one that runs into it. */
static const struct frag overlap_head[] = {
	{ 1008, FRAG_END }, { 0, 1200 } };

#define NPLAN(p) (sizeof(p) / sizeof(p[0]))

static const char tcpflow_frags[] =
	"tcpflow 1.6 does not reassemble IP fragments: it drops every "
	"fragment with a non-zero offset and writes the first alone, so the "
	"stream has zero-filled holes";

static void
case_ipv4_frag(const char *dir, const char *name)
{
	struct gen g;
	struct flow *f;

	gen_begin(&g, dir, name, "IPv4 fragments in order: one segment in "
		  "three fragments, one in two", CAP_PCAP_US,
		  LINKTYPE_ETHERNET, 65535);
	gen_tcpflow_differs(&g, "bytes", tcpflow_frags);
	f = flow_new(&g, CLI, 40000, SRV, 80);
	tcp_handshake(f, 0);
	tcp_send(f, C2S, 100, MSS);
	tcp_data_frags(f, S2C, 0, 2600, in_order, NPLAN(in_order));
	tcp_data_frags(f, S2C, 2600, 1500, in_order, 2);
	tcp_ack(f, C2S);
	tcp_close(f, C2S);
	gen_end(&g);
}

static void
case_ipv4_frag_reorder(const char *dir, const char *name)
{
	struct gen g;
	struct flow *f;

	gen_begin(&g, dir, name, "IPv4 fragments out of order: last first, "
		  "then shuffled", CAP_PCAP_US, LINKTYPE_ETHERNET, 65535);
	gen_tcpflow_differs(&g, "bytes", tcpflow_frags);
	f = flow_new(&g, CLI, 40000, SRV, 80);
	tcp_handshake(f, 0);
	tcp_send(f, C2S, 100, MSS);
	tcp_data_frags(f, S2C, 0, 2600, reversed, NPLAN(reversed));
	tcp_data_frags(f, S2C, 2600, 2000, shuffled, NPLAN(shuffled));
	tcp_ack(f, C2S);
	tcp_close(f, C2S);
	gen_end(&g);
}

static void
case_ipv4_frag_overlap(const char *dir, const char *name)
{
	struct gen g;
	struct flow *f;

	gen_begin(&g, dir, name, "overlapping IPv4 fragments: the bytes "
		  "that arrived first win (the later copies are 'X')",
		  CAP_PCAP_US, LINKTYPE_ETHERNET, 65535);
	gen_tcpflow_differs(&g, "bytes", tcpflow_frags);
	f = flow_new(&g, CLI, 40000, SRV, 80);
	f->alt_resend = true;
	tcp_handshake(f, 0);
	tcp_send(f, C2S, 100, MSS);
	tcp_data_frags(f, S2C, 0, 2600, overlap_tail, NPLAN(overlap_tail));
	tcp_data_frags(f, S2C, 2600, 2000, overlap_head,
		       NPLAN(overlap_head));
	tcp_ack(f, C2S);
	tcp_close(f, C2S);
	gen_end(&g);
}

static void
case_ipv6_frag(const char *dir, const char *name)
{
	struct gen g;
	struct flow *f;

	gen_begin(&g, dir, name, "IPv6 Fragment headers (after a hop-by-hop "
		  "header): in order, then reversed", CAP_PCAP_US,
		  LINKTYPE_ETHERNET, 65535);
	gen_tcpflow_differs(&g, "names", tcpflow_ipv6_ext);
	f = flow_new(&g, CLI6, 40000, SRV6, 80);
	f->ext[f->next_ext++] = EXT_HOP;
	tcp_handshake(f, 0);
	tcp_send(f, C2S, 100, MSS);
	tcp_data_frags(f, S2C, 0, 2600, in_order, NPLAN(in_order));
	tcp_data_frags(f, S2C, 2600, 2600, reversed, NPLAN(reversed));
	tcp_ack(f, C2S);
	tcp_close(f, C2S);
	gen_end(&g);
}

static void
case_eth_padding(const char *dir, const char *name)
{
	struct gen g;
	struct flow *f;
	size_t i;

	gen_begin(&g, dir, name, "short frames padded to 60 bytes with 'P': "
		  "the padding is not data (no TCP options, tiny segments)",
		  CAP_PCAP_US, LINKTYPE_ETHERNET, 65535);
	gen_tcpflow_differs(&g, "bytes", tcpflow_padding);
	f = flow_new(&g, CLI, 40000, SRV, 80);
	f->tsopt = false;
	tcp_handshake(f, 0);
	for (i = 1; i <= 6; i++) {
		tcp_send(f, C2S, i, MSS);
		tcp_send(f, S2C, 7 - i, MSS);
	}
	tcp_ack(f, C2S);
	tcp_close(f, S2C);
	gen_end(&g);
}

static void
case_snaplen(const char *dir, const char *name)
{
	struct gen g;
	struct flow *f;

	gen_begin(&g, dir, name, "snaplen 80: frames cut after 14 payload "
		  "bytes; the captured prefixes are delivered, the rest is "
		  "missing", CAP_PCAP_US, LINKTYPE_ETHERNET, 80);
	gen_tcpflow_differs(&g, "bytes", "tcpflow 1.6 writes the captured "
			    "bytes at their offsets, so the bytes cut by the "
			    "snaplen become zero-filled holes; we leave them "
			    "out and count them in missing, as for any gap");
	f = flow_new(&g, CLI, 40000, SRV, 80);
	tcp_handshake(f, 0);
	tcp_send(f, C2S, 10, MSS);	/* whole */
	tcp_send(f, C2S, 100, MSS);	/* 14 of 100 */
	tcp_send(f, C2S, 40, MSS);	/* 14 of 40 */
	tcp_ack(f, S2C);
	tcp_send(f, S2C, 1000, MSS);	/* 14 of 1000 */
	tcp_send(f, S2C, 14, MSS);	/* whole, just */
	tcp_ack(f, C2S);
	tcp_close(f, C2S);
	gen_end(&g);
}

/* --- file formats -------------------------------------------------------- */

static void
case_pcap_ns(const char *dir, const char *name)
{
	struct gen g;

	gen_begin(&g, dir, name, "nanosecond pcap (magic a1b23c4d): times "
		  "are truncated to microseconds", CAP_PCAP_NS,
		  LINKTYPE_ETHERNET, 65535);
	g.now_ns += 789;	/* .123456789 */
	g.step_ns = 1000999;
	flow_simple(&g, CLI, 40000, SRV, 80, 100, 1000);
	gen_end(&g);
}

static void
case_pcap_swapped(const char *dir, const char *name)
{
	struct gen g;

	gen_begin(&g, dir, name, "pcap written by a big-endian host (all "
		  "header fields byte-swapped)", CAP_PCAP_US_SWAPPED,
		  LINKTYPE_ETHERNET, 65535);
	both_families(&g);
	gen_end(&g);
}

static void
case_pcapng(const char *dir, const char *name)
{
	struct gen g;

	gen_begin(&g, dir, name, "pcapng: SHB, one IDB, EPBs", CAP_PCAPNG,
		  LINKTYPE_ETHERNET, 262144);
	both_families(&g);
	gen_end(&g);
}

static void
case_pcapng_2if(const char *dir, const char *name)
{
	struct gen g;
	struct flow *f;
	int if1;

	gen_begin(&g, dir, name, "pcapng, two Ethernet interfaces, the "
		  "second with nanosecond timestamps (if_tsresol 9): one "
		  "flow has a direction on each, the other is on the second",
		  CAP_PCAPNG, LINKTYPE_ETHERNET, 262144);
	if1 = cap_add_interface(g.cap, LINKTYPE_ETHERNET, 262144, 9);
	g.step_ns = 1000333;
	f = flow_new(&g, CLI, 40000, SRV, 80);
	f->d[S2C].ifindex = if1;
	tcp_handshake(f, 0);
	tcp_exchange(f, 300, 3000);
	g.ifindex = if1;
	flow_simple(&g, "10.0.0.3", 40001, SRV, 443, 400, 500);
	tcp_close(f, S2C);
	gen_end(&g);
}

static void
case_pcapng_linktypes(const char *dir, const char *name)
{
	struct gen g;
	struct flow *b;
	int if1;

	gen_begin(&g, dir, name, "pcapng whose second interface is raw IP: "
		  "libpcap 1.10 stops there; the flows read so far are still "
		  "written, then exit status 3", CAP_PCAPNG,
		  LINKTYPE_ETHERNET, 262144);
	g.exit_status = 3;
	flow_simple(&g, CLI, 40000, SRV, 80, 100, 1000);
	b = flow_new(&g, CLI, 40001, SRV, 80);
	tcp_handshake(b, 0);
	tcp_exchange(b, 200, 300);
	gen_stop_reading(&g);
	if1 = cap_add_interface(g.cap, LINKTYPE_RAW, 262144, 6);
	g.ifindex = if1;
	flow_simple(&g, "10.0.0.3", 40002, SRV, 80, 100, 200);
	tcp_exchange(b, 20, 30);
	tcp_close(b, C2S);
	gen_end(&g);
}

const struct gencase link_cases[] = {
	{ "eth-ipv4", case_eth_ipv4 },
	{ "eth-vlan", case_eth_vlan },
	{ "eth-qinq", case_eth_qinq },
	{ "sll", case_sll },
	{ "sll2", case_sll2 },
	{ "null-le", case_null_le },
	{ "null-be", case_null_be },
	{ "loop", case_loop },
	{ "raw", case_raw },
	{ "ipv6", case_ipv6 },
	{ "ipv6-ext", case_ipv6_ext },
	{ "ipv4-options", case_ipv4_options },
	{ "ipv4-frag", case_ipv4_frag },
	{ "ipv4-frag-reorder", case_ipv4_frag_reorder },
	{ "ipv4-frag-overlap", case_ipv4_frag_overlap },
	{ "ipv6-frag", case_ipv6_frag },
	{ "eth-padding", case_eth_padding },
	{ "snaplen", case_snaplen },
	{ "pcap-ns", case_pcap_ns },
	{ "pcap-swapped", case_pcap_swapped },
	{ "pcapng", case_pcapng },
	{ "pcapng-2if", case_pcapng_2if },
	{ "pcapng-linktypes", case_pcapng_linktypes },
	{ NULL, NULL }
};
