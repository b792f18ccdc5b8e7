/* The transport interface over the secure_chat protocol: handshake, then
 * AEAD records (docs/PROTOCOL.md). */
#ifndef KIT_SECURE_SECURE_TRANSPORT_H
#define KIT_SECURE_SECURE_TRANSPORT_H

#include <stddef.h>
#include <stdint.h>

#include "handshake.h"

struct transport;

struct secure_opts {
	struct hs_config hs;	/* copied for each connection */
	size_t pad;		/* --pad: records padded to multiples */
	uint64_t rekey_after;	/* records per key; 0: the default 2^20 */
	/* After each handshake (may be NULL): called with hs.ud, its length
	 * in milliseconds and "kit-chat v1 SUITE" (for -v). */
	void (*on_handshake)(void *ud, double ms, const char *what);
	/* When the peer refuses the handshake (may be NULL): hs.ud and its
	 * alert code, -1 for a malformed alert. */
	void (*on_refused)(void *ud, int alert);
};

/*
 * Wrap a connected socket (takes fd). A client starts its handshake at
 * once (the ClientHello waits in the transport: flush sends it). Returns
 * NULL when out of memory (fd closed).
 */
struct transport *secure_transport_new(int fd, const struct secure_opts *o);

/* transport_wrap_fn for chat_server: ctx is a struct secure_opts. */
struct transport *secure_transport_wrap(int fd, void *ctx);

/* chat_server_opts.refusal: a plaintext `unavailable` alert, which the
 * client reads during its handshake (why is for the server's log). */
size_t secure_transport_refusal(const char *why, uint8_t *out, size_t cap);

/* After the handshake: the peer's nick (server side), "" before. */
const char *secure_transport_peer(const struct transport *t);

/* Bytes of buffers t holds now (frames in, opened plaintext, frames out):
 * allocated when bytes wait, released once they are gone, so 0 for an
 * idle connection. For tests and memory figures. */
size_t secure_transport_buffer_bytes(const struct transport *t);

#endif
