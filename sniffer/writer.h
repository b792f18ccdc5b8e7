/* Writer threads for -o: every system call on the output files. */
#ifndef KIT_SNIFFER_WRITER_H
#define KIT_SNIFFER_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct iovec;

/*
 * Bytes for one file, as pieces: iov entries point into a mapped capture
 * or into buf, which holds copies. The arrays travel with their
 * capacities: writers_queue swaps them, so nothing is copied or allocated
 * per batch.
 */
struct wbatch {
	struct iovec *iov;
	int niov, iov_cap;
	size_t bytes;		/* in iov */
	char *buf;
	size_t len, cap;	/* bytes used and allocated in buf */
};

struct writer_file;		/* one output file: its name, whether it exists */
struct writers;

/* Open the folder and start the threads. NULL on failure (errno). */
struct writers *writers_new(const char *dir);

/*
 * A file to be created under name (NUL-terminated, under 144 bytes), or
 * under name + "c1", "c2"... when that is taken, as tcpflow does. It
 * belongs to the writers from its first batch on. NULL: out of memory.
 */
struct writer_file *writer_file_new(const char *name);

/*
 * Hand b's pieces to the file's writer, in order after the file's earlier
 * batches; waits while that writer has a full queue. b comes back empty,
 * with other arrays. oldest: the first mapped byte b refers to (NULL if
 * none); last: the file gets no more batches (and is freed once written).
 */
void writers_queue(struct writers *w, struct writer_file *f, struct wbatch *b,
		   const uint8_t *oldest, bool last);

/* The oldest mapped byte that queued batches still refer to, or NULL. */
const uint8_t *writers_oldest(struct writers *w);

/* Count an error (errno says which); only the first is printed. */
void writers_report(struct writers *w, const char *what, const char *name);

/* Write everything queued, then end the threads. */
void writers_stop(struct writers *w);

/* Errors so far (0 when all went well). */
uint64_t writers_errors(struct writers *w);

/* Stop if needed, close the folder, free everything. NULL is fine. */
void writers_free(struct writers *w);

#endif
