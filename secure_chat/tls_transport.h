/* The transport interface over OpenSSL's TLS 1.3 (--tls mode;
 * docs/PROTOCOL.md, "TLS mode"): the same chat, the same identity keys
 * in self-signed certificates, the same checks of them. */
#ifndef KIT_SECURE_TLS_TRANSPORT_H
#define KIT_SECURE_TLS_TRANSPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <openssl/ssl.h>

#include "keys.h"

struct transport;

/* What a server asks of its clients' certificates. */
enum tls_client_cert {
	TLS_CERT_NONE,		/* asks for none */
	TLS_CERT_ASK,		/* asks; a client may send none */
	TLS_CERT_REQUIRE,	/* a client without one fails the handshake */
};

/* One side's TLS settings, shared by all its connections. Callbacks get
 * ud; they run inside the handshake, before any chat byte moves. */
struct tls_opts {
	bool server;
	/* client: the server's Ed25519 key (hs_config.check_server): 0 to
	 * go on, nonzero to end the handshake. */
	int (*check_server)(void *ud, const uint8_t pub[static KEYS_PUB_LEN]);
	/* server: a client with a certificate (HS_KEY, nick = its CN) or
	 * without (HS_ANONYMOUS, nick ""), as hs_config.authorize: 0 to
	 * let it in, nonzero to refuse. */
	int (*authorize)(void *ud, const char *peer, int method,
			 const char *nick, const uint8_t *key,
			 const char *password);
	/* After each handshake (may be NULL): its length in milliseconds
	 * and "TLSv1.3 SUITE". */
	void (*on_handshake)(void *ud, double ms, const char *what);
	void *ud;
	FILE *keylog;	/* SSLKEYLOGFILE lines go there (NULL: none) */
	SSL_CTX *ctx;	/* set by tls_opts_init */
};

/*
 * Make o->ctx: TLS 1.3 only, a self-signed certificate for id (NULL: a
 * client without one) with subject CN=cn, the peer checks above, the key
 * log; a server asks clients for certificates as cert says (a client
 * passes TLS_CERT_NONE). suites: TLS 1.3 cipher suites ("A:B", OpenSSL
 * names) or NULL for OpenSSL's. o's other fields must be set first; id
 * and cn are borrowed. Returns 0, or KIT_EINVAL with OpenSSL's reason in
 * err.
 */
int tls_opts_init(struct tls_opts *o, const struct kit_identity *id,
		  const char *cn, enum tls_client_cert cert,
		  const char *suites, char err[static 256]);

/* Frees o->ctx (NULL-safe). */
void tls_opts_free(struct tls_opts *o);

/* transport_wrap_fn: ctx is a struct tls_opts. A client starts its
 * handshake on the first flush. Returns NULL (fd closed) on failure.
 * OpenSSL writes with write(2): the program must ignore SIGPIPE, as the
 * chat server and client do. */
struct transport *tls_transport_wrap(int fd, void *ctx);

/* chat_server_opts.refusal: none. TLS has no alert for a full server,
 * so the connection just closes, and the client sees it closed in the
 * handshake. */
size_t tls_transport_refusal(const char *why, uint8_t *out, size_t cap);

#endif
