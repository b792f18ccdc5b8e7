/* \summary: gen_captures cases for TCP reassembly (RFC 9293 §3.10.7.4)
 * and the life of a flow: reordering, duplicates, overlaps, sequence
 * wraparound, mid-stream start, SYN data, FIN and RST, keep-alives
 * (RFC 9293 §3.8.4), zero-window probes (§3.8.6.1), 4-tuple reuse, gaps,
 * many connections. */
#include <stdio.h>

#include "cases.h"
#include "flowgen.h"

/* --- TCP reassembly ------------------------------------------------------ */

static void
case_tcp_reorder(const char *dir, const char *name)
{
	struct gen g;
	struct flow *f;

	gen_begin(&g, dir, name, "segments out of order in both directions",
		  CAP_PCAP_US, LINKTYPE_ETHERNET, 65535);
	f = flow_new(&g, CLI, 40000, SRV, 80);
	tcp_handshake(f, 0);
	tcp_data(f, C2S, 200, 100);	/* 3rd */
	tcp_data(f, C2S, 0, 100);	/* 1st */
	tcp_data(f, C2S, 100, 100);	/* 2nd */
	tcp_ack(f, S2C);
	tcp_data(f, S2C, 1000, 1000);
	tcp_data(f, S2C, 0, 1000);
	tcp_data(f, S2C, 3000, 500);
	tcp_data(f, S2C, 2000, 1000);
	tcp_ack(f, C2S);
	tcp_close(f, C2S);
	gen_end(&g);
}

static void
case_tcp_duplicate(const char *dir, const char *name)
{
	struct gen g;
	struct flow *f;

	gen_begin(&g, dir, name, "duplicates with the same bytes: a second "
		  "SYN, a segment sent twice, a queued segment sent twice",
		  CAP_PCAP_US, LINKTYPE_ETHERNET, 65535);
	f = flow_new(&g, CLI, 40000, SRV, 80);
	tcp_syn(f, 0);
	tcp_syn(f, 0);
	tcp_synack(f);
	tcp_ack(f, C2S);
	tcp_data(f, C2S, 0, 300);
	tcp_data(f, C2S, 0, 300);
	tcp_ack(f, S2C);
	tcp_data(f, S2C, 1000, 1000);	/* queued behind a hole */
	tcp_data(f, S2C, 1000, 1000);	/* again, still queued */
	tcp_data(f, S2C, 0, 1000);
	tcp_data(f, S2C, 0, 1000);	/* spurious retransmission */
	tcp_ack(f, C2S);
	tcp_close(f, C2S);
	gen_end(&g);
}

static void
case_tcp_overlap(const char *dir, const char *name)
{
	struct gen g;
	struct flow *f;

	gen_begin(&g, dir, name, "overlapping retransmissions with other "
		  "content: the bytes that arrived first win", CAP_PCAP_US,
		  LINKTYPE_ETHERNET, 65535);
	gen_tcpflow_differs(&g, "bytes", "tcpflow 1.6 writes every segment "
			    "at its offset in the file, so the copy that "
			    "arrives last wins; we keep the first, as the "
			    "receiving stack did (its data was already "
			    "acknowledged or queued)");
	f = flow_new(&g, CLI, 40000, SRV, 80);
	f->alt_resend = true;
	tcp_handshake(f, 0);
	tcp_data(f, C2S, 0, 400);
	tcp_data(f, C2S, 200, 400);	/* half old, half new */
	tcp_data(f, C2S, 100, 100);	/* inside what was delivered */
	tcp_ack(f, S2C);
	tcp_data(f, S2C, 1000, 500);	/* queued */
	tcp_data(f, S2C, 1200, 600);	/* overlaps the queued bytes */
	tcp_data(f, S2C, 0, 1300);	/* fills the hole, overlaps them */
	tcp_data(f, S2C, 1800, 200);
	tcp_ack(f, C2S);
	tcp_close(f, C2S);
	gen_end(&g);
}

static void
case_seq_wrap(const char *dir, const char *name)
{
	struct gen g;
	struct flow *f;

	gen_begin(&g, dir, name, "sequence numbers wrap past 2^32 in both "
		  "directions, with reordering across the wrap", CAP_PCAP_US,
		  LINKTYPE_ETHERNET, 65535);
	f = flow_new(&g, CLI, 40000, SRV, 80);
	flow_isn(f, 0xffffff00, 0xfffff000);
	tcp_handshake(f, 0);
	tcp_send(f, C2S, 600, 200);	/* crosses the wrap at byte 255 */
	tcp_ack(f, S2C);
	tcp_data(f, S2C, 0, 1460);
	tcp_data(f, S2C, 2920, 1460);	/* beyond the wrap, early */
	tcp_data(f, S2C, 1460, 1460);	/* crosses it (byte 4095) */
	tcp_send(f, S2C, 3000, MSS);
	tcp_ack(f, C2S);
	tcp_close(f, S2C);
	/* The first data byte at seq 0; the SYN at 2^32 - 1. */
	f = flow_new(&g, CLI, 40001, SRV, 80);
	flow_isn(f, 0xffffffff, 0xfffffffe);
	tcp_handshake(f, 0);
	tcp_exchange(f, 100, 100);
	tcp_close(f, C2S);
	gen_end(&g);
}

static void
case_midstream(const char *dir, const char *name)
{
	struct gen g;
	struct flow *f;

	gen_begin(&g, dir, name, "capture starts mid-connection (no SYN): "
		  "streams start at the first data seen; the client is the "
		  "sender of the first packet", CAP_PCAP_US,
		  LINKTYPE_ETHERNET, 65535);
	f = flow_new(&g, CLI, 40000, SRV, 80);
	flow_isn(f, 0x12345677, 0x9abcdef0);
	tcp_exchange(f, 150, 2000);
	tcp_exchange(f, 80, 700);
	gen_end(&g);
}

static void
case_midstream_server(const char *dir, const char *name)
{
	struct gen g;
	struct flow *f;

	gen_begin(&g, dir, name, "mid-connection, and the first packet comes "
		  "from port 80: with no SYN, that side is the client",
		  CAP_PCAP_US, LINKTYPE_ETHERNET, 65535);
	f = flow_new(&g, CLI, 40000, SRV, 80);
	flow_isn(f, 0x0badcafe, 0x0000ffff);
	tcp_send(f, S2C, 1000, MSS);
	tcp_ack(f, C2S);
	tcp_exchange(f, 50, 300);
	tcp_close(f, S2C);
	gen_end(&g);
}

static void
case_syn_data(const char *dir, const char *name)
{
	struct gen g;
	struct flow *f;

	gen_begin(&g, dir, name, "a SYN carrying 200 bytes (TCP Fast Open "
		  "style): they are the first bytes of the stream",
		  CAP_PCAP_US, LINKTYPE_ETHERNET, 65535);
	f = flow_new(&g, CLI, 40000, SRV, 80);
	tcp_handshake(f, 200);
	tcp_exchange(f, 100, 1500);
	tcp_close(f, C2S);
	gen_end(&g);
}

static void
case_fin_client(const char *dir, const char *name)
{
	struct gen g;
	struct flow *f;

	gen_begin(&g, dir, name, "the client sends its request and FIN; the "
		  "server answers after that, then FIN (half-close)",
		  CAP_PCAP_US, LINKTYPE_ETHERNET, 65535);
	f = flow_new(&g, CLI, 40000, SRV, 80);
	tcp_handshake(f, 0);
	tcp_send(f, C2S, 300, MSS);
	tcp_fin(f, C2S);
	tcp_ack(f, S2C);
	tcp_send(f, S2C, 4000, MSS);
	tcp_fin(f, S2C);
	tcp_ack(f, C2S);
	gen_end(&g);
}

static void
case_fin_server(const char *dir, const char *name)
{
	struct gen g;
	struct flow *f;

	gen_begin(&g, dir, name, "the server closes first; the client still "
		  "sends, then closes", CAP_PCAP_US, LINKTYPE_ETHERNET, 65535);
	f = flow_new(&g, CLI, 40000, SRV, 25);
	tcp_handshake(f, 0);
	tcp_send(f, S2C, 100, MSS);
	tcp_ack(f, C2S);
	tcp_fin(f, S2C);
	tcp_ack(f, C2S);
	tcp_send(f, C2S, 2000, MSS);
	tcp_fin(f, C2S);
	tcp_ack(f, S2C);
	gen_end(&g);
}

static void
rst_case(const char *dir, const char *name, int from)
{
	struct gen g;
	struct flow *f;

	gen_begin(&g, dir, name, from == C2S ? "the client resets the "
		  "connection" : "the server resets the connection",
		  CAP_PCAP_US, LINKTYPE_ETHERNET, 65535);
	f = flow_new(&g, CLI, 40000, SRV, 80);
	tcp_handshake(f, 0);
	tcp_exchange(f, 100, 900);
	tcp_send(f, C2S, 50, MSS);
	tcp_rst(f, from);
	gen_end(&g);
}

static void
case_rst_client(const char *dir, const char *name)
{
	rst_case(dir, name, C2S);
}

static void
case_rst_server(const char *dir, const char *name)
{
	rst_case(dir, name, S2C);
}

static void
case_keepalive(const char *dir, const char *name)
{
	struct gen g;
	struct flow *f;

	gen_begin(&g, dir, name, "keep-alives at seq = next - 1, empty and "
		  "with one garbage byte (0x00), from both sides: not data",
		  CAP_PCAP_US, LINKTYPE_ETHERNET, 65535);
	f = flow_new(&g, CLI, 40000, SRV, 80);
	tcp_handshake(f, 0);
	tcp_exchange(f, 100, 200);
	tcp_keepalive(f, C2S, false);
	tcp_ack(f, S2C);
	tcp_keepalive(f, C2S, true);
	tcp_ack(f, S2C);
	tcp_keepalive(f, S2C, true);
	tcp_ack(f, C2S);
	tcp_keepalive(f, S2C, false);
	tcp_ack(f, C2S);
	tcp_exchange(f, 100, 200);
	tcp_close(f, C2S);
	gen_end(&g);
}

static void
case_zero_window(const char *dir, const char *name)
{
	struct gen g;
	struct flow *f;
	int i;

	gen_begin(&g, dir, name, "the server's window closes; the client "
		  "probes three times with the next byte, which is then sent "
		  "again with the rest: it appears once (the repeated probes "
		  "are 1-byte segments at next - 1: keep-alives, not data; "
		  "the byte in the last segment counts as retransmitted)",
		  CAP_PCAP_US, LINKTYPE_ETHERNET, 65535);
	f = flow_new(&g, CLI, 40000, SRV, 80);
	tcp_handshake(f, 0);
	tcp_send(f, C2S, 2000, MSS);
	f->d[S2C].window = 0;
	tcp_ack(f, S2C);
	for (i = 0; i < 3; i++) {
		tcp_data(f, C2S, 2000, 1);	/* probe, dropped */
		tcp_ack(f, S2C);
	}
	f->d[S2C].window = 64240;
	tcp_ack(f, S2C);		/* window update */
	tcp_data(f, C2S, 2000, 1000);
	tcp_exchange(f, 0, 300);
	tcp_close(f, C2S);
	gen_end(&g);
}

static void
case_reuse(const char *dir, const char *name)
{
	struct gen g;
	struct flow *f;

	gen_begin(&g, dir, name, "one 4-tuple, three connections: closed by "
		  "FIN, closed by RST (no client data), then left open; each "
		  "new SYN starts a new flow", CAP_PCAP_US, LINKTYPE_ETHERNET,
		  65535);
	flow_simple(&g, CLI, 40000, SRV, 80, 100, 300);
	f = flow_new(&g, CLI, 40000, SRV, 80);
	tcp_handshake(f, 0);
	tcp_send(f, S2C, 200, MSS);
	tcp_ack(f, C2S);
	tcp_rst(f, S2C);
	f = flow_new(&g, CLI, 40000, SRV, 80);
	tcp_handshake(f, 0);
	tcp_exchange(f, 60, 400);
	gen_end(&g);
}

static void
case_gap(const char *dir, const char *name)
{
	struct gen g;
	struct flow *f;

	gen_begin(&g, dir, name, "500 client bytes never captured (the "
		  "server got them): the file goes on after the gap; missing "
		  "500", CAP_PCAP_US, LINKTYPE_ETHERNET, 65535);
	gen_tcpflow_differs(&g, "bytes", "tcpflow 1.6 writes at file offsets, "
			    "so the gap becomes 500 zero bytes (a hole in a "
			    "sparse file); we leave missing bytes out rather "
			    "than invent them, and count them in missing");
	f = flow_new(&g, CLI, 40000, SRV, 80);
	tcp_handshake(f, 0);
	tcp_send(f, C2S, 1000, 500);
	tcp_lost(f, C2S, 1000, 500);
	tcp_data(f, C2S, 1500, 1000);
	tcp_data(f, C2S, 2500, 500);
	tcp_ack(f, S2C);
	tcp_send(f, S2C, 200, MSS);
	tcp_ack(f, C2S);
	tcp_close(f, C2S);
	gen_end(&g);
}

/* Two connections of a megabyte or so, a segment of each in turn: every
 * direction goes to its -o file in several writes, and with pcapng (read
 * by libpcap, so every byte is copied) through several buffers. */
static void
large(const char *dir, const char *name, enum cap_format format)
{
	struct flow *f[2];
	struct gen g;
	int i, k;

	gen_begin(&g, dir, name, "two connections of 0.5 and 1.1 MB each way, "
		  "interleaved segment by segment", format, LINKTYPE_ETHERNET,
		  65535);
	for (k = 0; k < 2; k++) {
		f[k] = flow_new(&g, CLI, (uint16_t)(40000 + k), SRV, 80);
		tcp_handshake(f[k], 0);
	}
	for (i = 0; i < 760; i++) {
		for (k = 0; k < 2; k++) {
			tcp_send(f[k], C2S, MSS, MSS);
			if (i % 2 == k)
				tcp_send(f[k], S2C, MSS, MSS);
		}
	}
	for (k = 0; k < 2; k++) {
		tcp_ack(f[k], S2C);
		tcp_close(f[k], C2S);
	}
	gen_end(&g);
}

static void
case_large(const char *dir, const char *name)
{
	large(dir, name, CAP_PCAP_US);
}

static void
case_large_pcapng(const char *dir, const char *name)
{
	large(dir, name, CAP_PCAPNG);
}

static void
case_many(const char *dir, const char *name)
{
	enum { N = 300 };
	struct flow *f[N];
	struct gen g;
	char cli[32];
	int i, step;

	gen_begin(&g, dir, name, "300 connections interleaved packet by "
		  "packet", CAP_PCAP_US, LINKTYPE_ETHERNET, 65535);
	for (i = 0; i < N; i++) {
		snprintf(cli, sizeof cli, "10.1.%d.%d", i / 200, i % 200 + 1);
		f[i] = flow_new(&g, cli, (uint16_t)(20000 + i), SRV,
				i % 3 ? 80 : 6667);
	}
	/* One step of every connection at a time. */
	for (step = 0; step < 9; step++) {
		for (i = 0; i < N; i++) {
			switch (step) {
			case 0: tcp_syn(f[i], 0); break;
			case 1: tcp_synack(f[i]); break;
			case 2: tcp_ack(f[i], C2S); break;
			case 3: tcp_send(f[i], C2S, 50 + i, MSS); break;
			case 4: tcp_send(f[i], S2C, 100 + 7 * i, MSS); break;
			case 5: tcp_fin(f[i], C2S); break;
			case 6: tcp_ack(f[i], S2C); break;
			case 7: tcp_fin(f[i], S2C); break;
			case 8: tcp_ack(f[i], C2S); break;
			}
		}
	}
	gen_end(&g);
}

const struct gencase tcp_cases[] = {
	{ "tcp-reorder", case_tcp_reorder },
	{ "tcp-duplicate", case_tcp_duplicate },
	{ "tcp-overlap", case_tcp_overlap },
	{ "seq-wrap", case_seq_wrap },
	{ "midstream", case_midstream },
	{ "midstream-server", case_midstream_server },
	{ "syn-data", case_syn_data },
	{ "fin-client", case_fin_client },
	{ "fin-server", case_fin_server },
	{ "rst-client", case_rst_client },
	{ "rst-server", case_rst_server },
	{ "keepalive", case_keepalive },
	{ "zero-window", case_zero_window },
	{ "reuse", case_reuse },
	{ "gap", case_gap },
	{ "many", case_many },
	{ "large", case_large },
	{ "large-pcapng", case_large_pcapng },
	{ NULL, NULL }
};
