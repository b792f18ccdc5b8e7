/*
 * pcap_loop.c - the floor of the sniffer benchmark: read a capture file
 * with pcap_next_ex(3PCAP) and do nothing but count packets and bytes.
 * Prints "packets N caplen_bytes N wire_bytes N".
 */
#include <err.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>

#include <pcap/pcap.h>

int
main(int argc, char **argv)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	uint64_t pkts = 0, caplen = 0, wirelen = 0;
	pcap_t *p;
	int r;

	if (argc != 2) {
		fprintf(stderr, "usage: pcap_loop FILE.pcap\n");
		return 2;
	}
	if ((p = pcap_open_offline(argv[1], errbuf)) == NULL)
		errx(1, "%s", errbuf);
	while ((r = pcap_next_ex(p, &h, &data)) == 1) {
		pkts++;
		caplen += h->caplen;
		wirelen += h->len;
	}
	if (r != PCAP_ERROR_BREAK)
		errx(1, "%s: %s", argv[1], pcap_geterr(p));
	pcap_close(p);
	printf("packets %" PRIu64 " caplen_bytes %" PRIu64 " wire_bytes %"
	    PRIu64 "\n", pkts, caplen, wirelen);
	return 0;
}
