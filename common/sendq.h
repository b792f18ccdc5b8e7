/* A per-connection output queue with a hard byte limit. */
#ifndef KIT_COMMON_SENDQ_H
#define KIT_COMMON_SENDQ_H

#include <stddef.h>
#include <sys/types.h>

struct transport;

/*
 * Bytes waiting to be written to one peer. The limit caps memory: a peer
 * that reads more slowly than others write to it fills its queue and is
 * dropped, instead of growing the server or stalling everyone else.
 * Storage is allocated on first use and released once drained, so idle
 * connections cost nothing here.
 */
struct sendq {
	char *data;
	size_t off;	/* start of unsent bytes */
	size_t len;	/* unsent bytes */
	size_t cap;
	size_t limit;
};

void sendq_init(struct sendq *q, size_t limit);
void sendq_free(struct sendq *q);	/* releases storage; q stays usable */

/* Queue n bytes (borrowed). KIT_ETOOBIG past the limit (nothing queued),
 * KIT_ENOMEM. */
int sendq_append(struct sendq *q, const void *p, size_t n);

/* The unsent bytes (valid until the next append or consume). */
static inline const char *
sendq_data(const struct sendq *q)
{
	return q->data + q->off;
}

/* Forget the first n unsent bytes (n <= q->len), after they were written. */
void sendq_consume(struct sendq *q, size_t n);

/*
 * Write what the transport takes now, then flush it: the flush's result
 * (0, KIT_EAGAIN) or the link's error. *wrote is how the writes ended: 0
 * when all went, KIT_EAGAIN, or KIT_EINCOMPLETE while a handshake runs.
 * When the flush is what ends the handshake (TLS reads the peer's last
 * flight there), the bytes held back follow at once: no event would come
 * to send them while the peer waits for them.
 */
ssize_t sendq_send(struct sendq *q, struct transport *t, ssize_t *wrote);

/* The bytes the buffers of every queue of the process hold (for
 * heap_trim: a burst that filled queues, then drained). */
size_t sendq_bytes_held(void);

#endif
