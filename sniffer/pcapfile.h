/* A zero-copy reader of classic pcap files held in memory (mmap). */
#ifndef KIT_SNIFFER_PCAPFILE_H
#define KIT_SNIFFER_PCAPFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * libpcap reads files with fread, one copy of every byte; over a mapped
 * file the packets are used where they lie. Only the classic format is
 * read here (both byte orders, micro- and nanosecond time stamps); pcapng
 * and anything unusual go through libpcap.
 */
struct pcapfile {
	const uint8_t *data;
	size_t size, off;
	size_t ahead;	/* offset prefetched up to */
	bool swapped, nano;
	uint32_t snaplen, linktype;	/* LINKTYPE_* of the file */
};

struct pcapfile_rec {
	uint64_t ts_us;
	uint32_t caplen, len;
	const uint8_t *bytes;	/* caplen bytes inside the file's memory */
};

/* True when data starts with a classic pcap header. */
bool pcapfile_is_classic(const uint8_t *data, size_t size);

/* Parse the 24-byte file header. Returns 0, or -1 (not classic pcap). */
int pcapfile_open(struct pcapfile *pf, const uint8_t *data, size_t size);

/*
 * The next record: 1 and *rec filled, 0 at the end of the file, -1 for a
 * record cut short or with an impossible length (why says which).
 */
int pcapfile_next(struct pcapfile *pf, struct pcapfile_rec *rec,
		  const char **why);

#endif
