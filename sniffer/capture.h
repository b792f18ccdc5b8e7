/* Packet sources: live capture or a capture file, BPF filter, -w copy. */
#ifndef KIT_SNIFFER_CAPTURE_H
#define KIT_SNIFFER_CAPTURE_H

/* A live capture's kernel buffer unless -B says otherwise, in KiB. */
#define CAPTURE_BUFFER_KIB (64 * 1024)

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct capture_opts {
	const char *iface;	/* live capture on this interface, or */
	const char *file;	/* read this file ("-" for stdin) */
	const char *write_file;	/* also save every packet here (-w) */
	const char *filter;	/* BPF expression, or NULL */
	int snaplen;		/* 0: libpcap's default (262144) */
	int buffer_kib;		/* 0: default kernel buffer */
	bool promisc;
};

/* Error classes, which are also the sniffer's exit statuses. */
enum capture_err {
	CAPTURE_EOPEN = 1,	/* no such file/interface, permission... */
	CAPTURE_EFILTER = 2,	/* the BPF expression does not compile */
	CAPTURE_EREAD = 3,	/* the file is damaged or stops mid-way */
};

/* Room for libpcap's message, a path and advice on permissions. */
#define CAPTURE_ERRLEN 1024

struct capture;

/* Called for each packet: ts in microseconds, caplen bytes of wire_len.
 * stable: the frame's memory stays valid until capture_close (a mapped
 * file), so its bytes may be referred to later instead of copied. */
typedef void (*capture_fn)(void *ud, uint64_t ts_us, const uint8_t *frame,
			   size_t caplen, size_t wire_len, bool stable);

/* Open as opts say. Returns 0, or a capture_err with a message in err. */
int capture_open(struct capture **out, const struct capture_opts *opts,
		 char err[static CAPTURE_ERRLEN]);
void capture_close(struct capture *c);

/* The same over a capture file held in memory (data is borrowed and must
 * outlive the capture), for tests and fuzzing. */
int capture_open_memory(struct capture **out, const uint8_t *data,
			size_t size, char err[static CAPTURE_ERRLEN]);

int capture_linktype(const struct capture *c);
const char *capture_linktype_name(const struct capture *c);

/*
 * Read packets until the end of the file, count packets (0: no limit) or
 * capture_stop(). Returns 0, or CAPTURE_EREAD with a message in err.
 */
int capture_run(struct capture *c, uint64_t count, capture_fn fn, void *ud,
		char err[static CAPTURE_ERRLEN]);

/*
 * The caller will not refer to the packet bytes of a mapped file that lie
 * before p again (stable frames, see capture_fn): their memory may be let
 * go. A no-op for other captures.
 */
void capture_release_before(struct capture *c, const uint8_t *p);

/* Ask capture_run to return; safe in a signal handler. */
void capture_stop(struct capture *c);

/* Live captures: packets received and dropped (pcap_stats); false if n/a. */
bool capture_drops(struct capture *c, uint64_t *received, uint64_t *dropped);

/* Files: bytes read so far and the file size (0 if unknown). */
void capture_progress(struct capture *c, uint64_t *done, uint64_t *total);

#endif
