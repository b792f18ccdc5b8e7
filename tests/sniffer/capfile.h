/* Write capture files: classic pcap (microsecond, nanosecond, byte-swapped)
 * and pcapng (SHB, IDB, EPB). Test helper for gen_captures. */
#ifndef KIT_TESTS_CAPFILE_H
#define KIT_TESTS_CAPFILE_H

#include <stddef.h>
#include <stdint.h>

enum cap_format {
	CAP_PCAP_US,		/* magic a1b2c3d4, little-endian */
	CAP_PCAP_NS,		/* magic a1b23c4d, little-endian */
	CAP_PCAP_US_SWAPPED,	/* magic a1b2c3d4, big-endian fields */
	CAP_PCAPNG,		/* little-endian section */
};

/* Link-layer header types (www.tcpdump.org/linktypes.html) */
#define LINKTYPE_NULL 0
#define LINKTYPE_ETHERNET 1
#define LINKTYPE_RAW 101
#define LINKTYPE_LOOP 108
#define LINKTYPE_LINUX_SLL 113
#define LINKTYPE_LINUX_SLL2 276

struct capfile;

/*
 * Create path and write the file header; for pcapng also the first
 * interface (index 0) with this link type and snaplen, microsecond
 * timestamps. Exits the program on any I/O error (a test generator).
 */
struct capfile *cap_open(const char *path, enum cap_format fmt,
			 uint32_t linktype, uint32_t snaplen);

/*
 * pcapng only: write an Interface Description Block now (blocks keep file
 * order) and return its index. tsresol is the number of decimal digits of
 * the timestamp unit: 6 (microseconds) or 9 (nanoseconds).
 */
int cap_add_interface(struct capfile *cf, uint32_t linktype,
		      uint32_t snaplen, int tsresol);

/* The snaplen of interface ifindex (0 for classic pcap). */
uint32_t cap_snaplen(const struct capfile *cf, int ifindex);

/* The link type of interface ifindex. */
uint32_t cap_linktype(const struct capfile *cf, int ifindex);

/*
 * Write one frame of len bytes seen at ts_ns (nanoseconds since the epoch)
 * on interface ifindex; only the first snaplen bytes are stored, the record
 * keeps the original length. Formats with microsecond timestamps truncate.
 */
void cap_write(struct capfile *cf, int ifindex, uint64_t ts_ns,
	       const uint8_t *frame, size_t len);

/* Flush and close; frees cf. */
void cap_close(struct capfile *cf);

#endif
