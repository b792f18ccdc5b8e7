/* \summary: send TCP connections (RFC 9293) packet by packet into a test
 * capture and keep, next to it, what a sniffer must make of them.
 *
 * The expectation is a simple model, kept per stream byte:
 *   - the first captured copy of a byte wins; later copies are counted as
 *     retransmitted (the generator may give them other content to tell);
 *   - a segment that starts beyond the first byte not yet seen (a hole)
 *     is out of order: its new bytes are counted in out_of_order;
 *   - bytes announced by the IP length but cut by the snaplen are known
 *     to be missing, and so are holes never filled: they are left out of
 *     the stream and counted in missing;
 *   - keep-alives are not data: a segment of 0 or 1 byte at seq = next - 1
 *     (next: the first byte not yet seen) counts as a packet, nothing
 *     more. A zero-window probe sent again is such a segment too;
 *   - a flow ends with the second FIN (reason "fin") or a RST ("rst"):
 *     the packets that trail it, like the last ACK, belong to no flow.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expect.h"
#include "fatal.h"
#include "flowgen.h"
#include "frame.h"

#define LINE 40		/* payload text comes in lines of 40 bytes */

void
gen_begin(struct gen *g, const char *outdir, const char *name,
	  const char *note, enum cap_format fmt, uint32_t linktype,
	  uint32_t snaplen)
{
	int n;

	memset(g, 0, sizeof *g);
	g->name = name;
	g->note = note;
	g->outdir = outdir;
	n = snprintf(g->cap_path, sizeof g->cap_path, "%s/%s.%s", outdir, name,
		     fmt == CAP_PCAPNG ? "pcapng" : "pcap");
	if (n < 0 || (size_t)n >= sizeof g->cap_path)
		fatal("%s: path too long", name);
	g->cap = cap_open(g->cap_path, fmt, linktype, snaplen);
	/* 2024-01-02T03:04:05.123456Z, then 1.001 ms between packets */
	g->now_ns = 1704164645ULL * 1000000000 + 123456000;
	g->step_ns = 1001000;
	g->link.af_inet6 = 24;
}

void
gen_stop_reading(struct gen *g)
{
	g->stopped = true;
}

void
gen_tcpflow_differs(struct gen *g, const char *kind, const char *why)
{
	g->tcpflow_kind = kind;
	g->tcpflow_note = why;
}

struct flow *
flow_new(struct gen *g, const char *cli, uint16_t cport, const char *srv,
	 uint16_t sport)
{
	struct flow *f = calloc(1, sizeof *f);
	int i;

	if (!f)
		fatal_sys("calloc");
	if (g->nflows == g->flows_cap) {
		size_t n = g->flows_cap ? 2 * g->flows_cap : 16;
		struct flow **p = realloc(g->flows, n * sizeof *p);

		if (!p)
			fatal_sys("realloc");
		g->flows = p;
		g->flows_cap = n;
	}
	g->flows[g->nflows] = f;
	f->g = g;
	f->id = (unsigned)g->nflows++;
	f->family = expect_parse_addr(cli, f->addr[C2S]);
	if (expect_parse_addr(srv, f->addr[S2C]) != f->family)
		fatal("%s: %s and %s: not one family", g->name, cli, srv);
	f->port[C2S] = cport;
	f->port[S2C] = sport;
	f->link = g->link;
	/* TCP timestamps keep every IPv4 frame above the 60-byte Ethernet
	 * minimum: tcpflow takes padding for data, and only the case about
	 * padding should differ from it for that. */
	f->tsopt = true;
	for (i = 0; i < 2; i++) {
		f->d[i].window = 64240;
		f->d[i].ifindex = g->ifindex;
	}
	flow_isn(f, 0x01000000u * (f->id % 200 + 1) + f->id * 7919,
		 0x80000000u + f->id * 104729);
	f->first_dir = f->syn_dir = -1;
	return f;
}

void
flow_isn(struct flow *f, uint32_t client, uint32_t server)
{
	f->d[C2S].isn = client;
	f->d[S2C].isn = server;
}

/* --- the payload --------------------------------------------------------- */

/* Line number off / LINE of a stream, or of its "resent" variant. */
static void
line_text(const struct flow *f, int dir, size_t off, bool alt, char *line)
{
	int n;

	if (alt)
		n = snprintf(line, LINE + 1, "resent copy, must lose f%03u %s",
			     f->id, dir == C2S ? "c2s" : "s2c");
	else
		n = snprintf(line, LINE + 1, "%-16.16s f%03u %s @%08zu",
			     f->g->name, f->id, dir == C2S ? "c2s" : "s2c",
			     off);
	if (n < 0 || n >= LINE)
		fatal("%s: payload line too long", f->g->name);
	memset(line + n, alt ? '~' : '.', LINE - 1 - (size_t)n);
	line[LINE - 1] = '\n';
}

/* The n bytes of direction dir at stream offset off. */
static void
stream_fill(const struct flow *f, int dir, size_t off, uint8_t *out,
	    size_t n, bool alt)
{
	char line[LINE + 1];
	size_t i = 0, pos, take;

	while (i < n) {
		pos = off + i;
		line_text(f, dir, pos - pos % LINE, alt, line);
		take = LINE - pos % LINE;
		if (take > n - i)
			take = n - i;
		memcpy(out + i, line + pos % LINE, take);
		i += take;
	}
}

void
flow_payload(const struct flow *f, int dir, size_t off, uint8_t *out,
	     size_t n)
{
	stream_fill(f, dir, off, out, n, false);
}

/* --- the model ----------------------------------------------------------- */

static uint8_t *
state(struct flow *f, int dir, size_t end)
{
	struct dirstate *d = &f->d[dir];
	size_t n = d->st_cap ? d->st_cap : 4096;
	uint8_t *p;

	if (end <= d->st_cap)
		return d->st;
	while (n < end)
		n *= 2;
	p = realloc(d->st, n);
	if (!p)
		fatal_sys("realloc");
	memset(p + d->st_cap, 0, n - d->st_cap);
	d->st = p;
	d->st_cap = n;
	return p;
}

/* First byte the sniffer has neither captured nor known as cut. */
static size_t
frontier(struct flow *f, int dir)
{
	struct dirstate *d = &f->d[dir];
	size_t i = d->cap_prefix;	/* B_CAP and B_CUT are never cleared */

	while (i < d->st_cap && (d->st[i] & (B_CAP | B_CUT)))
		i++;
	return d->cap_prefix = i;
}

/* A packet of the flow was written (timestamp: the previous one). */
static void
note_packet(struct flow *f, int dir, uint8_t flags)
{
	struct gen *g = f->g;
	uint64_t ts = g->now_ns - g->step_ns;

	if (g->stopped || f->ended)
		return;
	f->d[dir].packets++;
	if (f->first_dir < 0) {
		f->first_dir = dir;
		f->start_ns = ts;
	}
	if ((flags & TH_SYN) && !(flags & TH_ACK) && f->syn_dir < 0)
		f->syn_dir = dir;
	f->end_ns = ts;
}

/* Bytes [off, off + n) of a captured segment, of which cap were kept. */
static void
note_data(struct flow *f, int dir, size_t off, size_t n, size_t cap)
{
	struct dirstate *d = &f->d[dir];
	uint8_t *st = state(f, dir, off + n);
	bool ahead = off > frontier(f, dir);
	size_t i;

	/* A receiver with a closed window drops what it gets (RFC 9293
	 * §3.8.6.1: zero-window probes are not accepted). */
	for (i = off; i < off + n && f->d[!dir].window > 0; i++)
		st[i] |= B_RCV;
	if (f->g->stopped)
		return;
	for (i = off; i < off + n; i++) {
		if (i >= off + cap) {
			if (!(st[i] & B_CAP))
				st[i] |= B_CUT;
		} else if (st[i] & B_CAP) {
			d->retransmitted++;
		} else if (st[i] & B_CUT) {
			fatal("%s: the model cannot refill a cut byte",
			     f->g->name);
		} else {
			st[i] |= B_CAP;
			if (ahead)
				d->out_of_order++;
		}
	}
	if (off + n > d->known_end)
		d->known_end = off + n;
}

/* The acknowledgment number dir sends: all the peer's bytes received in
 * order (and its FIN). */
static uint32_t
ack_of(struct flow *f, int dir)
{
	struct dirstate *p = &f->d[!dir];
	uint8_t *st = state(f, !dir, p->wire_end + 1);
	size_t n = p->rcv_prefix;	/* B_RCV is never cleared */

	while (n < p->wire_end && (st[n] & B_RCV))
		n++;
	p->rcv_prefix = n;
	return p->isn + 1 + (uint32_t)n + (p->fin && n == p->wire_end);
}

/* --- sending ------------------------------------------------------------- */

/* A segment of n bytes at off would be a keep-alive (not data). */
static bool
keepalive_like(struct flow *f, int dir, size_t off, size_t n)
{
	return n <= 1 && off + 1 == frontier(f, dir);
}

/* One segment of dir; data bytes [off, off + n) of the stream. */
static void
segment(struct flow *f, int dir, uint8_t flags, uint32_t seq, size_t off,
	size_t n, const struct frag *plan, size_t nplan)
{
	static uint8_t pay[FRAME_MAX_SEG], seg[FRAME_MAX_SEG];
	uint8_t *st = state(f, dir, off + n);
	size_t i, len, hlen, got;

	stream_fill(f, dir, off, pay, n, false);
	for (i = 0; i < n && f->alt_resend; i++)
		if (st[off + i] & B_SENT)
			stream_fill(f, dir, off + i, pay + i, 1, true);
	for (i = off; i < off + n; i++)
		st[i] |= B_SENT;
	len = frame_tcp(seg, f, dir, flags, seq, ack_of(f, dir), pay, n);
	hlen = len - n;
	got = frame_send(f, dir, seg, len, plan, nplan);
	if (got < hlen)
		fatal("%s: the snaplen cuts a TCP header", f->g->name);
	if (n > 0 && f->ended)
		fatal("%s: flow %u sends data after its end", f->g->name,
		      f->id);
	note_packet(f, dir, flags);
	if (n > 0 && !keepalive_like(f, dir, off, n))
		note_data(f, dir, off, n, got - hlen);
	if (off + n > f->d[dir].wire_end)
		f->d[dir].wire_end = off + n;
}

static uint32_t
seq_at(const struct flow *f, int dir, size_t off)
{
	return f->d[dir].isn + 1 + (uint32_t)off;
}

void
tcp_syn(struct flow *f, size_t syn_data)
{
	/* Data on a SYN starts at isn + 1: stream offset 0. */
	segment(f, C2S, TH_SYN, f->d[C2S].isn, 0, syn_data, NULL, 0);
}

void
tcp_synack(struct flow *f)
{
	segment(f, S2C, TH_SYN | TH_ACK, f->d[S2C].isn, 0, 0, NULL, 0);
}

void
tcp_handshake(struct flow *f, size_t syn_data)
{
	tcp_syn(f, syn_data);
	tcp_synack(f);
	tcp_ack(f, C2S);
}

void
tcp_data(struct flow *f, int dir, size_t off, size_t len)
{
	segment(f, dir, TH_ACK | TH_PSH, seq_at(f, dir, off), off, len,
		NULL, 0);
}

void
tcp_send(struct flow *f, int dir, size_t len, size_t mss)
{
	size_t off = f->d[dir].wire_end, end = off + len, n;

	while (off < end) {
		n = end - off < mss ? end - off : mss;
		tcp_data(f, dir, off, n);
		off += n;
	}
}

void
tcp_data_frags(struct flow *f, int dir, size_t off, size_t len,
	       const struct frag *plan, size_t nplan)
{
	segment(f, dir, TH_ACK | TH_PSH, seq_at(f, dir, off), off, len,
		plan, nplan);
}

void
tcp_lost(struct flow *f, int dir, size_t off, size_t len)
{
	uint8_t *st = state(f, dir, off + len);
	size_t i;

	for (i = off; i < off + len; i++)
		st[i] |= B_SENT | B_RCV;
	if (off + len > f->d[dir].wire_end)
		f->d[dir].wire_end = off + len;
}

void
tcp_ack(struct flow *f, int dir)
{
	segment(f, dir, TH_ACK, seq_at(f, dir, f->d[dir].wire_end), 0, 0,
		NULL, 0);
}

void
tcp_fin(struct flow *f, int dir)
{
	struct dirstate *d = &f->d[dir];

	segment(f, dir, TH_FIN | TH_ACK, seq_at(f, dir, d->wire_end), 0, 0,
		NULL, 0);
	d->fin = true;
	/* The FIN's sequence number tells where the stream ends. */
	if (!f->g->stopped && d->wire_end > d->known_end)
		d->known_end = d->wire_end;
	if (f->d[!dir].fin && !f->g->stopped) {
		f->reason = "fin";
		f->ended = true;
	}
}

void
tcp_rst(struct flow *f, int dir)
{
	segment(f, dir, TH_RST | TH_ACK, seq_at(f, dir, f->d[dir].wire_end),
		0, 0, NULL, 0);
	if (!f->g->stopped)
		f->reason = "rst";
	f->ended = true;
}

void
tcp_keepalive(struct flow *f, int dir, bool one_byte)
{
	static const uint8_t garbage[1] = { 0 };
	static uint8_t seg[FRAME_MAX_SEG];
	struct dirstate *d = &f->d[dir];
	size_t len, n = one_byte ? 1 : 0;

	if (d->wire_end == 0)
		fatal("%s: keep-alive before any data", f->g->name);
	len = frame_tcp(seg, f, dir, TH_ACK, seq_at(f, dir, d->wire_end - 1),
			ack_of(f, dir), garbage, n);
	frame_send(f, dir, seg, len, NULL, 0);
	note_packet(f, dir, TH_ACK);
}

void
tcp_close(struct flow *f, int first)
{
	tcp_fin(f, first);
	tcp_ack(f, !first);
	tcp_fin(f, !first);
	tcp_ack(f, first);
}

void
tcp_exchange(struct flow *f, size_t req, size_t resp)
{
	tcp_send(f, C2S, req, 1460);
	tcp_ack(f, S2C);
	tcp_send(f, S2C, resp, 1460);
	tcp_ack(f, C2S);
}

struct flow *
flow_simple(struct gen *g, const char *cli, uint16_t cport, const char *srv,
	    uint16_t sport, size_t req, size_t resp)
{
	struct flow *f = flow_new(g, cli, cport, srv, sport);

	tcp_handshake(f, 0);
	tcp_exchange(f, req, resp);
	tcp_close(f, C2S);
	return f;
}
