/* \summary: capture file writer: classic pcap (www.tcpdump.org/manpages/
 * pcap-savefile.5.html) and pcapng (draft-ietf-opsawg-pcapng, §4.1 SHB,
 * §4.2 IDB, §4.3 EPB). Every field is written with an explicit byte order,
 * so the files are the same on any host. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capfile.h"
#include "fatal.h"

#define MAX_IFACES 8

struct capfile {
	FILE *f;
	const char *path;
	enum cap_format fmt;
	bool be;		/* fields in big-endian order */
	int nifaces;
	uint32_t linktype[MAX_IFACES];
	uint32_t snaplen[MAX_IFACES];
	int tsresol[MAX_IFACES];	/* 6 or 9 */
};

static void
put(struct capfile *cf, const void *p, size_t n)
{
	if (n > 0 && fwrite(p, 1, n, cf->f) != n)
		fatal_sys("write %s", cf->path);
}

static void
put_u16(struct capfile *cf, uint16_t v)
{
	uint8_t b[2];

	if (cf->be) {
		b[0] = v >> 8;
		b[1] = v & 0xff;
	} else {
		b[0] = v & 0xff;
		b[1] = v >> 8;
	}
	put(cf, b, 2);
}

static void
put_u32(struct capfile *cf, uint32_t v)
{
	uint8_t b[4];
	int i;

	for (i = 0; i < 4; i++)
		b[cf->be ? 3 - i : i] = (uint8_t)(v >> (8 * i));
	put(cf, b, 4);
}

static void
put_zeros(struct capfile *cf, size_t n)
{
	static const uint8_t zero[4];

	put(cf, zero, n);
}

/*
 * Classic pcap file header (24 bytes):
 *   magic u32 | version_major u16 (2) | version_minor u16 (4)
 *   thiszone i32 (0) | sigfigs u32 (0) | snaplen u32 | linktype u32
 */
static void
pcap_header(struct capfile *cf)
{
	put_u32(cf, cf->fmt == CAP_PCAP_NS ? 0xa1b23c4d : 0xa1b2c3d4);
	put_u16(cf, 2);
	put_u16(cf, 4);
	put_u32(cf, 0);
	put_u32(cf, 0);
	put_u32(cf, cf->snaplen[0]);
	put_u32(cf, cf->linktype[0]);
}

/*
 * pcapng Section Header Block:
 *   type 0x0a0d0d0a | total length | byte-order magic 0x1a2b3c4d
 *   major 1 | minor 0 | section length -1 (u64: not given)
 *   options | total length
 */
static void
pcapng_shb(struct capfile *cf)
{
	put_u32(cf, 0x0a0d0d0a);
	put_u32(cf, 28);
	put_u32(cf, 0x1a2b3c4d);
	put_u16(cf, 1);
	put_u16(cf, 0);
	put_u32(cf, 0xffffffff);
	put_u32(cf, 0xffffffff);
	put_u32(cf, 28);
}

/*
 * pcapng Interface Description Block:
 *   type 1 | total length | linktype u16 | reserved u16 | snaplen u32
 *   options: if_name (2) "genN", if_tsresol (9) when not 6, end (0)
 *   total length
 */
static void
pcapng_idb(struct capfile *cf, int i)
{
	char name[8];
	uint32_t len = 20 + 8 + 4;	/* fixed part, if_name, opt_endofopt */
	int n;

	n = snprintf(name, sizeof name, "gen%d", i);
	if (n != 4)
		fatal("interface name");
	if (cf->tsresol[i] != 6)
		len += 8;
	put_u32(cf, 1);
	put_u32(cf, len);
	put_u16(cf, (uint16_t)cf->linktype[i]);
	put_u16(cf, 0);
	put_u32(cf, cf->snaplen[i]);
	put_u16(cf, 2);		/* if_name, 4 bytes, no padding */
	put_u16(cf, 4);
	put(cf, name, 4);
	if (cf->tsresol[i] != 6) {
		uint8_t r = (uint8_t)cf->tsresol[i];

		put_u16(cf, 9);	/* if_tsresol: 10^-r seconds */
		put_u16(cf, 1);
		put(cf, &r, 1);
		put_zeros(cf, 3);
	}
	put_u32(cf, 0);		/* opt_endofopt */
	put_u32(cf, len);
}

struct capfile *
cap_open(const char *path, enum cap_format fmt, uint32_t linktype,
	 uint32_t snaplen)
{
	struct capfile *cf = calloc(1, sizeof *cf);

	if (!cf)
		fatal_sys("calloc");
	cf->path = path;
	cf->fmt = fmt;
	cf->be = fmt == CAP_PCAP_US_SWAPPED;
	cf->f = fopen(path, "wb");
	if (!cf->f)
		fatal_sys("create %s", path);
	cf->nifaces = 1;
	cf->linktype[0] = linktype;
	cf->snaplen[0] = snaplen;
	cf->tsresol[0] = fmt == CAP_PCAP_NS ? 9 : 6;
	if (fmt == CAP_PCAPNG) {
		pcapng_shb(cf);
		pcapng_idb(cf, 0);
	} else {
		pcap_header(cf);
	}
	return cf;
}

int
cap_add_interface(struct capfile *cf, uint32_t linktype, uint32_t snaplen,
		  int tsresol)
{
	int i = cf->nifaces;

	if (cf->fmt != CAP_PCAPNG || i == MAX_IFACES ||
	    (tsresol != 6 && tsresol != 9))
		fatal("%s: cannot add interface", cf->path);
	cf->linktype[i] = linktype;
	cf->snaplen[i] = snaplen;
	cf->tsresol[i] = tsresol;
	cf->nifaces++;
	pcapng_idb(cf, i);
	return i;
}

uint32_t
cap_snaplen(const struct capfile *cf, int ifindex)
{
	return cf->snaplen[ifindex];
}

uint32_t
cap_linktype(const struct capfile *cf, int ifindex)
{
	return cf->linktype[ifindex];
}

/*
 * pcapng Enhanced Packet Block:
 *   type 6 | total length | interface id | timestamp high | timestamp low
 *   captured length | original length | data, padded to 4 | total length
 */
static void
pcapng_epb(struct capfile *cf, int ifindex, uint64_t ts, const uint8_t *p,
	   size_t caplen, size_t len)
{
	uint32_t total = 32 + (uint32_t)((caplen + 3) & ~(size_t)3);

	put_u32(cf, 6);
	put_u32(cf, total);
	put_u32(cf, (uint32_t)ifindex);
	put_u32(cf, (uint32_t)(ts >> 32));
	put_u32(cf, (uint32_t)ts);
	put_u32(cf, (uint32_t)caplen);
	put_u32(cf, (uint32_t)len);
	put(cf, p, caplen);
	put_zeros(cf, (4 - caplen % 4) % 4);
	put_u32(cf, total);
}

void
cap_write(struct capfile *cf, int ifindex, uint64_t ts_ns,
	  const uint8_t *frame, size_t len)
{
	size_t caplen = len;
	uint64_t units;

	if (ifindex < 0 || ifindex >= cf->nifaces)
		fatal("%s: no interface %d", cf->path, ifindex);
	if (caplen > cf->snaplen[ifindex])
		caplen = cf->snaplen[ifindex];
	units = cf->tsresol[ifindex] == 9 ? ts_ns : ts_ns / 1000;
	if (cf->fmt == CAP_PCAPNG) {
		pcapng_epb(cf, ifindex, units, frame, caplen, len);
		return;
	}
	/* Record header: ts_sec | ts_usec or ts_nsec | incl_len | orig_len */
	put_u32(cf, (uint32_t)(ts_ns / 1000000000));
	put_u32(cf, (uint32_t)(units % (cf->tsresol[0] == 9 ? 1000000000 :
					 1000000)));
	put_u32(cf, (uint32_t)caplen);
	put_u32(cf, (uint32_t)len);
	put(cf, frame, caplen);
}

void
cap_close(struct capfile *cf)
{
	if (fclose(cf->f) != 0)
		fatal_sys("close %s", cf->path);
	free(cf);
}
