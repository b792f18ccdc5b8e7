/* Output queue: one contiguous buffer, compacted or doubled as needed. */
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "sendq.h"
#include "transport.h"

/* First allocation: enough for a burst of replies without regrowing. */
#define SENDQ_MIN 2048

/* What every queue of the process holds (the programs are one thread). */
static size_t held;

size_t
sendq_bytes_held(void)
{
	return held;
}

void
sendq_init(struct sendq *q, size_t limit)
{
	memset(q, 0, sizeof(*q));
	q->limit = limit;
}

void
sendq_free(struct sendq *q)
{
	held -= q->cap;
	free(q->data);
	q->data = NULL;
	q->off = q->len = q->cap = 0;
}

static int
make_room(struct sendq *q, size_t n)
{
	size_t need = q->len + n, cap = q->cap ? q->cap : SENDQ_MIN;
	char *p;

	if (q->off > 0 && need <= q->cap) {
		memmove(q->data, q->data + q->off, q->len);
		q->off = 0;
		return 0;
	}
	while (cap < need)
		cap *= 2;
	if (!(p = malloc(cap)))
		return KIT_ENOMEM;
	if (q->len)
		memcpy(p, q->data + q->off, q->len);
	free(q->data);
	held += cap - q->cap;
	q->data = p;
	q->off = 0;
	q->cap = cap;
	return 0;
}

int
sendq_append(struct sendq *q, const void *p, size_t n)
{
	int r;

	if (n > q->limit - q->len)
		return KIT_ETOOBIG;
	if (n > q->cap - q->off - q->len && (r = make_room(q, n)) < 0)
		return r;
	memcpy(q->data + q->off + q->len, p, n);
	q->len += n;
	return 0;
}

void
sendq_consume(struct sendq *q, size_t n)
{
	q->off += n;
	q->len -= n;
	if (q->len > 0)
		return;
	/* Drained: release the buffer, so idle peers hold no memory (a
	 * busy one gets a new small buffer from malloc's cache). */
	sendq_free(q);
}

/* The writes, then the flush, once. */
static ssize_t
send_once(struct sendq *q, struct transport *t, ssize_t *wrote)
{
	ssize_t n;

	while (q->len > 0) {
		if ((n = transport_write(t, sendq_data(q), q->len)) < 0) {
			*wrote = n;
			return n == KIT_EAGAIN || n == KIT_EINCOMPLETE
			       ? transport_flush(t) : n;
		}
		sendq_consume(q, (size_t)n);
	}
	*wrote = 0;
	return transport_flush(t);
}

ssize_t
sendq_send(struct sendq *q, struct transport *t, ssize_t *wrote)
{
	ssize_t f = send_once(q, t, wrote);

	/* Held back, and the flush ended the handshake: they go now. */
	if (*wrote == KIT_EINCOMPLETE && f == 0 && transport_ready(t))
		f = send_once(q, t, wrote);
	return f;
}
