/*
 * nids_count.c - a libnids reassembler that only counts bytes: the
 * reference point of the sniffer benchmark.
 *
 * Reads a capture file, has libnids reassemble every TCP connection it
 * sees open (libnids follows a stream from its handshake and delivers
 * bytes in order only: data after a hole in the capture is never
 * delivered), and counts the bytes of each direction. Checksums are not
 * verified and port-scan detection is off, so that libnids does no more
 * work than the sniffer. libnids has one global configuration
 * (nids_params) and calls back with no user pointer, hence the globals.
 *
 * Prints "streams N directions N bytes N warnings N" on stdout; with -v,
 * first one "NAME BYTES" line per direction, NAME as tcpflow names its
 * file, for comparison with the ground truth of gen_capture.
 */
#include <arpa/inet.h>
#include <err.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <nids.h>

static bool verbose;
static uint64_t streams, directions, bytes, warnings;

/* libnids' warning hook (nids_params.syslog): count, do not log. */
static void
on_warning(int type, int errnum, struct ip *iph, void *data)
{
	(void)type;
	(void)errnum;
	(void)iph;
	(void)data;
	warnings++;
}

/* "010.000.000.001.00080-010.001.000.002.20000"; addresses in network order. */
static void
print_dir(uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport,
    int count)
{
	const uint8_t *s = (const uint8_t *)&src, *d = (const uint8_t *)&dst;

	printf("%03u.%03u.%03u.%03u.%05u-%03u.%03u.%03u.%03u.%05u %d\n",
	    s[0], s[1], s[2], s[3], sport, d[0], d[1], d[2], d[3], dport,
	    count);
}

/* half_stream.count: bytes delivered to that side, discarded or not. */
static void
stream_done(const struct tcp_stream *ts)
{
	const struct tuple4 *a = &ts->addr;

	streams++;
	directions += (ts->server.count > 0) + (ts->client.count > 0);
	bytes += (uint64_t)ts->server.count + (uint64_t)ts->client.count;
	if (!verbose)
		return;
	print_dir(a->saddr, a->source, a->daddr, a->dest, ts->server.count);
	print_dir(a->daddr, a->dest, a->saddr, a->source, ts->client.count);
}

/*
 * Called at every event of every stream. Not calling nids_discard()
 * lets libnids drop each delivery once we return.
 */
static void
on_tcp(struct tcp_stream *ts, void **param)
{
	(void)param;
	switch (ts->nids_state) {
	case NIDS_JUST_EST:
		ts->client.collect++;
		ts->server.collect++;
		break;
	case NIDS_DATA:
		break;
	default:	/* CLOSE, RESET, TIMED_OUT, EXITING */
		stream_done(ts);
		break;
	}
}

int
main(int argc, char **argv)
{
	static struct nids_chksum_ctl no_checksums = {
		0, 0, NIDS_DONT_CHKSUM, 0	/* every address */
	};
	int ch;

	while ((ch = getopt(argc, argv, "v")) != -1) {
		if (ch != 'v')
			goto usage;
		verbose = true;
	}
	if (argc - optind != 1)
		goto usage;
	nids_params.filename = argv[optind];
	nids_params.device = NULL;
	nids_params.syslog = on_warning;
	nids_params.scan_num_hosts = 0;
	nids_params.promisc = 0;
	if (!nids_init())
		errx(1, "nids_init: %s", nids_errbuf);
	nids_register_chksum_ctl(&no_checksums, 1);
	nids_register_tcp(on_tcp);
	nids_run();	/* to the end of the file, then nids_exit() */
	printf("streams %" PRIu64 " directions %" PRIu64 " bytes %" PRIu64
	    " warnings %" PRIu64 "\n", streams, directions, bytes, warnings);
	return 0;
usage:
	fprintf(stderr, "usage: nids_count [-v] FILE.pcap\n");
	return 2;
}
