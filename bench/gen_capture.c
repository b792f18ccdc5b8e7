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
 * of pure ACKs for data, writes it into its files and opens new ones).
 * The capture is imperfect, as decided by a seeded PRNG:
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
 *
 * This file holds the options, the output files and main(); the rest is
 * in gen_capture_conn.c (connections), gen_capture_frame.c (frames and
 * pcap records), gen_capture_hash.c (ground truth) and gen_capture_rng.c
 * (seeded numbers).
 */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen_capture.h"

#define OUT_BUF		(4u << 20)

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
