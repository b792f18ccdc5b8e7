/* One connection's byte stream: read, write, close. Plain TCP back end. */
#ifndef KIT_COMMON_TRANSPORT_H
#define KIT_COMMON_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/*
 * The chat core never touches sockets: it moves plaintext through this
 * interface, so an encrypting transport can replace plain TCP without any
 * change to the chat (the same idea as redis's ConnectionType).
 */
struct transport;

struct transport_ops {
	const char *name;
	/* >0 bytes read, 0 when the peer closed, KIT_EAGAIN, or another
	 * negative KIT_E* code (errno kept for KIT_ESYS). KIT_EAGAIN while
	 * buffered() is true: it stopped early (many records that carried
	 * nothing), so read again without waiting for the socket. */
	ssize_t (*read)(struct transport *t, void *buf, size_t len);
	/* Bytes accepted (possibly fewer than len), KIT_EAGAIN (the socket is
	 * full: wait for it to be writable), KIT_EINCOMPLETE (not ready yet,
	 * e.g. during a handshake: try again after the next read), or an
	 * error. */
	ssize_t (*write)(struct transport *t, const void *buf, size_t len);
	/* Closes the connection and frees t. */
	void (*close)(struct transport *t);
	/* Sends bytes the transport holds itself (a handshake reply, records
	 * the socket did not take), and may move a handshake on, even to its
	 * end: 0 when none are left, KIT_EAGAIN while some wait for the
	 * socket, or an error. NULL: it never holds any. */
	int (*flush)(struct transport *t);
	/* True once writes go through: the handshake, if the transport has
	 * one, is over. NULL: from the start. */
	bool (*ready)(const struct transport *t);
	/* Why the last call failed, for logs (NULL: errno tells). */
	const char *(*error)(const struct transport *t);
	/* True when a read would make progress without more bytes from the
	 * socket (it holds them already): epoll cannot tell, so a reader
	 * that stops early, or is told KIT_EAGAIN, must come back. A part
	 * of a record does not count: its rest comes through the socket.
	 * NULL: never. */
	bool (*buffered)(const struct transport *t);
	/* The name the peer proved it owns (a key or a password), once it
	 * has; NULL otherwise. The chat then lets it use only that nick. */
	const char *(*identity)(const struct transport *t);
};

struct transport {
	const struct transport_ops *ops;
	int fd;	/* for the event loop: readiness is watched on it */
};

/* Creates a transport for a connected socket; takes fd (closed on
 * failure or by close). Returns NULL when out of memory. */
typedef struct transport *(*transport_wrap_fn)(int fd, void *ctx);

static inline ssize_t
transport_read(struct transport *t, void *buf, size_t len)
{
	return t->ops->read(t, buf, len);
}

static inline ssize_t
transport_write(struct transport *t, const void *buf, size_t len)
{
	return t->ops->write(t, buf, len);
}

static inline int
transport_flush(struct transport *t)
{
	return t->ops->flush ? t->ops->flush(t) : 0;
}

static inline bool
transport_ready(const struct transport *t)
{
	return !t->ops->ready || t->ops->ready(t);
}

/* Text for a failed call's code r (KIT_ESYS: errno's text). */
const char *transport_strerror(const struct transport *t, int r);

static inline void
transport_close(struct transport *t)
{
	if (t)
		t->ops->close(t);
}

/* Plain TCP: the bytes go on the wire as they are. ctx is unused. */
struct transport *tcp_transport_wrap(int fd, void *ctx);

#endif
