/* hs_bench: secure_chat handshakes per second, bulk throughput through one
 * secure connection, and the record layer's cost per record. */
#ifndef KIT_BENCH_HS_BENCH_H
#define KIT_BENCH_HS_BENCH_H

#include <stddef.h>
#include <stdint.h>

#include "keys.h"
#include "secure_transport.h"

struct transport;

/* What every mode shares: where to connect, whom to trust, the options
 * of each connection, and how long any wait may last. */
struct hsb {
	const char *host, *port;
	char pin[KEYS_FP_LEN];		/* the server's fingerprint */
	uint8_t sink_pub[KEYS_PUB_LEN];	/* sink: its own public key */
	struct kit_identity *id;		/* sink: its identity */
	struct secure_opts sec;
	uint8_t suites[2];
	unsigned long long count;	/* handshakes; sink: connections */
	unsigned long long bytes;	/* bulk: bytes to push */
	size_t record;			/* bulk: bytes per write (record) */
	double timeout;			/* seconds any one wait may take */
	double seconds;			/* records: time per measurement */
};

/* Monotonic seconds. */
double hsb_now(void);

/* CPU seconds (user and system) of this process: a neighbour's load does
 * not count. */
double hsb_cpu_now(void);

/* Wait up to `until` (hsb_now() clock) for fd to allow events; 1 when it
 * does, 0 on timeout, -1 on error. */
int hsb_wait(int fd, short events, double until);

/*
 * Connect to b's server and finish the handshake, then send the n bytes
 * of first (the first record: the handshake is known to be done once the
 * transport accepts it). Returns the transport, or NULL with a reason in
 * err.
 */
struct transport *hsb_connect(const struct hsb *b, const void *first,
			      size_t n, char err[static 256]);

/* Write all n bytes of p (one record per REC_PLAINTEXT_MAX bytes at most)
 * and flush, each wait for room at most timeout seconds. 0, or -1 with
 * err. */
int hsb_write_all(struct transport *t, const uint8_t *p, size_t n,
		  double timeout, char err[static 256]);

/* Read up to cap bytes, waiting at most timeout seconds for the first;
 * returns the count, 0 when the peer closed, or -1 with err. */
long hsb_read_some(struct transport *t, uint8_t *buf, size_t cap,
		   double timeout, char err[static 256]);

/* Bytes bulk hands the transport per write: one record below
 * REC_PLAINTEXT_MAX, else a batch of full records. */
size_t hsb_write_size(const struct hsb *b);

/* The modes; each prints one "key=value ..." line. Exit statuses. */
int hsb_handshakes(const struct hsb *b);
int hsb_bulk(const struct hsb *b);
int hsb_sink(const struct hsb *b);
int hsb_records(const struct hsb *b);
int hsb_floor(const struct hsb *b);
int hsb_bulk_floor(const struct hsb *b);

#endif
