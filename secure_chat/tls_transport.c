/* \summary: a connection under TLS 1.3 (RFC 8446) through OpenSSL's SSL
 * API on a non-blocking socket: the handshake, then records both ways,
 * then close_notify. OpenSSL parses every byte from the peer; this file
 * maps its answers to the transport interface's codes, as
 * secure_transport.c does for the kit's own protocol. */
#include <errno.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "err.h"
#include "evloop.h"
#include "handshake.h"
#include "net.h"
#include "peer_guess.h"
#include "tls_cert.h"
#include "tls_transport.h"
#include "transport.h"

struct tls {
	struct transport base;	/* first: the transport is the tls */
	const struct tls_opts *opts;
	SSL *ssl;
	bool established, peer_closed;
	bool peer_spoke;	/* a client has read the server's first bytes */
	bool peeked;		/* a server has seen the client's first bytes */
	bool text_first;	/* ... and they were text (peer_guess.h) */
	int failed;		/* why it failed (a KIT_E* code), or 0 */
	struct timespec started;
	char peer[HS_NICK_MAX + 1];	/* nick a certificate proved */
	char host[NET_ADDRSTRLEN];	/* server: the client's address */
	char error[KIT_ERRLEN];
};

static const struct transport_ops tls_ops;

/* Before each SSL call: its failure must be judged on its own errors. */
static void
clear_errors(void)
{
	ERR_clear_error();
	errno = 0;
}

/* Remember why the connection failed, with OpenSSL's reason when it
 * queued one (transport_strerror shows it). */
static int
failed(struct tls *s, int code, const char *what)
{
	if (ERR_peek_error())
		keys_openssl_error(s->error, what);
	else
		snprintf(s->error, sizeof(s->error), "%s", what);
	s->failed = code;
	return code;
}

/* A client's reading of the server's alert that refused its login (TLS
 * 1.3 refuses a client certificate after the client is done, so the
 * alert comes with the first read): NULL for other errors. OpenSSL
 * answers a certificate its verify callback refused with
 * handshake_failure, which otherwise means no suite in common. */
static const char *
login_refusal(const struct tls *s, unsigned long err)
{
	switch (ERR_GET_REASON(err)) {
	case SSL_R_TLSV13_ALERT_CERTIFICATE_REQUIRED:
		return "the server refused this login (certificate_required): "
		       "over --tls it takes key logins only: log in with --key";
	case SSL_R_SSLV3_ALERT_HANDSHAKE_FAILURE:
		/* Before the server's certificate: at the ClientHello. */
		if (!SSL_get0_peer_certificate(s->ssl))
			return "the server refused the handshake "
			       "(handshake_failure: most often no cipher suite "
			       "in common, see --cipher)";
		/* fall through */
	case SSL_R_SSLV3_ALERT_BAD_CERTIFICATE:
	case SSL_R_SSLV3_ALERT_CERTIFICATE_UNKNOWN:
	case SSL_R_TLSV1_ALERT_ACCESS_DENIED:
		return "the server refused this login (a TLS alert: the key "
		       "is not the one it lists for this nick, or too many "
		       "failed logins lately)";
	}
	return NULL;
}

/* Why the peer's end of the stream came, or a reset, without
 * close_notify. */
static const char *
closed_why(const struct tls *s)
{
	if (!s->established)
		return s->opts->server ? "connection closed during the TLS "
		       "handshake (the client refused the server's key, or "
		       "does not speak TLS)" : "connection closed during the "
		       "TLS handshake (a secure-server without --tls closes "
		       "so when a TLS hello comes, and any full server when "
		       "any hello does)";
	if (!s->opts->server && !s->peer_spoke)
		return HS_UNANSWERED_LOGIN;
	return "connection cut without close_notify (truncated)";
}

/* A server's look at the client's first bytes, before OpenSSL reads any:
 * whether they are text, for tell_plain_client. */
static void
peek_first(struct tls *s)
{
	uint8_t first[4];
	ssize_t n;

	if (!s->opts->server || s->peeked)
		return;
	n = recv(s->base.fd, first, sizeof(first), MSG_PEEK | MSG_DONTWAIT);
	if (n <= 0)
		return;	/* nothing yet: OpenSSL will read nothing either */
	s->peeked = true;
	s->text_first = peer_speaks_text(first, (size_t)n);
}

/* OpenSSL answers a first record that is not TLS with nothing at all: an
 * IRC client without TLS would only see the connection close. It gets a
 * line it shows when its first bytes were text (secure-client without
 * --tls, whose hello is binary, is told by its own transport). What is
 * left of its bytes is read and dropped first: a close with unread bytes
 * would be a reset, which may destroy the line before the client reads
 * it. */
static void
tell_plain_client(const struct tls *s)
{
	static const char line[] = "ERROR :Closing Link: this server speaks "
				   "TLS: connect with TLS (secure-client --tls, "
				   "or your IRC client's TLS option)\r\n";

	if (!s->text_first)
		return;
	net_drain(s->base.fd);
	if (send(s->base.fd, line, sizeof(line) - 1,
		 MSG_NOSIGNAL | MSG_DONTWAIT) < 0) {
		/* nothing more to do for a peer we are giving up on */
	}
}

/*
 * What the failed SSL call whose result was r means: KIT_EINCOMPLETE (it
 * waits for the peer's bytes), KIT_EAGAIN (for the socket to take ours),
 * KIT_ECLOSED (close_notify came, or the stream was cut), or an error.
 */
static int
ssl_failure(struct tls *s, int r, const char *what)
{
	int e = SSL_get_error(s->ssl, r);
	const char *refusal;

	if (e == SSL_ERROR_WANT_READ)
		return KIT_EINCOMPLETE;
	if (e == SSL_ERROR_WANT_WRITE)
		return KIT_EAGAIN;
	if (e == SSL_ERROR_ZERO_RETURN) {
		s->peer_closed = true;
		return KIT_ECLOSED;
	}
	/* A reset is a close that crossed bytes in flight: said as one. */
	if (e == SSL_ERROR_SYSCALL && errno != 0 && !ERR_peek_error() &&
	    !net_is_reset(errno)) {
		snprintf(s->error, sizeof(s->error), "%s: %s", what,
			 strerror(errno));
		return s->failed = KIT_ESYS;
	}
	/* OpenSSL 3 reports an end of stream without close_notify as
	 * "unexpected eof": someone may have cut it to drop the rest. */
	if (e == SSL_ERROR_SYSCALL || ERR_GET_REASON(ERR_peek_error()) ==
				      SSL_R_UNEXPECTED_EOF_WHILE_READING) {
		ERR_clear_error();
		return failed(s, KIT_ECLOSED, closed_why(s));
	}
	if (!s->opts->server &&
	    (refusal = login_refusal(s, ERR_peek_error()))) {
		ERR_clear_error();
		return failed(s, KIT_EAUTH, refusal);
	}
	/* What OpenSSL makes of a first answer that is no TLS record at all
	 * (later, of a record tampered with). */
	if (!s->established &&
	    ERR_GET_REASON(ERR_peek_error()) == SSL_R_WRONG_VERSION_NUMBER) {
		ERR_clear_error();
		if (s->opts->server)
			tell_plain_client(s);
		return failed(s, KIT_EAUTH, s->opts->server ?
			      "the client does not speak TLS (an IRC client "
			      "without TLS, or secure-client without --tls?)" :
			      "the server does not speak TLS (plain-server, or "
			      "a secure-server without --tls?)");
	}
	return failed(s, KIT_EAUTH, what);
}

/* The handshake has just ended. A server lets a client without a
 * certificate in only if authorize says so (a refused certificate ended
 * the handshake already, in verify_peer). */
static int
handshake_done(struct tls *s)
{
	const struct tls_opts *o = s->opts;
	char what[128];

	if (o->server && !s->peer[0] && o->authorize &&
	    o->authorize(o->ud, s->host, HS_ANONYMOUS, "*", NULL, NULL) != 0) {
		SSL_shutdown(s->ssl);
		return failed(s, KIT_EAUTH, "refused: no accepted client "
			      "certificate");
	}
	s->established = true;
	if (o->on_handshake) {
		snprintf(what, sizeof(what), "%s %s", SSL_get_version(s->ssl),
			 SSL_get_cipher_name(s->ssl));
		o->on_handshake(o->ud, evloop_ms_since(&s->started), what);
	}
	return 0;
}

/* Move the handshake on: 0 once it is done, else as ssl_failure. */
static int
handshake(struct tls *s)
{
	int r;

	if (s->failed)
		return s->failed;
	if (s->established)
		return 0;
	peek_first(s);
	clear_errors();
	if ((r = SSL_do_handshake(s->ssl)) == 1)
		return handshake_done(s);
	/* TLS_CERT_REQUIRE refused a client without a certificate: an
	 * anonymous login, to be logged like any refusal. */
	if (s->opts->server && ERR_GET_REASON(ERR_peek_error()) ==
			       SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE)
		s->opts->authorize(s->opts->ud, s->host, HS_ANONYMOUS, "*",
				   NULL, NULL);
	r = ssl_failure(s, r, "TLS handshake failed");
	/* verify_peer said no: say so rather than OpenSSL's generic text */
	if (r == KIT_EAUTH && SSL_get_verify_result(s->ssl) ==
			      X509_V_ERR_APPLICATION_VERIFICATION)
		snprintf(s->error, sizeof(s->error), "%s", s->opts->server ?
			 "TLS handshake failed: client certificate refused" :
			 "TLS handshake failed: the server's key was refused: "
			 "nothing was sent");
	return r;
}

static ssize_t
tls_read(struct transport *t, void *buf, size_t len)
{
	struct tls *s = (struct tls *)t;
	size_t n;
	int r;

	if (s->peer_closed)
		return 0;
	if ((r = handshake(s)) == 0) {
		clear_errors();
		if (SSL_read_ex(s->ssl, buf, len, &n) == 1) {
			s->peer_spoke = true;
			return (ssize_t)n;
		}
		r = ssl_failure(s, 0, "TLS read failed");
	}
	if (r == KIT_ECLOSED && s->peer_closed)
		return 0;
	return r == KIT_EINCOMPLETE ? KIT_EAGAIN : r;
}

/* Nothing of the chat leaves before the handshake (and with it the check
 * of the server's key) is over: until then, KIT_EINCOMPLETE. */
static ssize_t
tls_write(struct transport *t, const void *buf, size_t len)
{
	struct tls *s = (struct tls *)t;
	size_t n;

	if (s->failed)
		return s->failed;
	if (!s->established)
		return KIT_EINCOMPLETE;
	clear_errors();
	if (SSL_write_ex(s->ssl, buf, len, &n) == 1)
		return (ssize_t)n;
	return ssl_failure(s, 0, "TLS write failed");
}

/* Handshake messages are the only bytes OpenSSL sends on its own: a
 * record SSL_write could not finish is retried by the next write. */
static int
tls_flush(struct transport *t)
{
	int r = handshake((struct tls *)t);

	return r == KIT_EINCOMPLETE ? 0 : r;
}

static const char *
tls_error(const struct transport *t)
{
	const struct tls *s = (const struct tls *)t;

	return s->error[0] ? s->error : NULL;
}

/* close_notify, so the peer can tell the end from a cut (one try: a
 * closing server does not wait for the socket). */
static void
tls_close(struct transport *t)
{
	struct tls *s = (struct tls *)t;

	ERR_clear_error();
	if (s->established && !s->failed && !s->peer_closed)
		SSL_shutdown(s->ssl);	/* not after the peer's: as secure */
	SSL_free(s->ssl);	/* wipes the session's keys */
	ERR_clear_error();
	if (s->failed)
		net_drain(t->fd);	/* a FIN, so OpenSSL's alert arrives */
	close(t->fd);
	OPENSSL_cleanse(s, sizeof(*s));
	free(s);
}

/* Plaintext of a record already opened. Without read-ahead (the default)
 * OpenSSL never reads past the record it parses, so whatever else it
 * holds (SSL_has_pending) is part of a record whose rest is still to come
 * through the socket. */
static bool
tls_buffered(const struct transport *t)
{
	const struct tls *s = (const struct tls *)t;

	return SSL_pending(s->ssl) > 0;
}

static const char *
tls_identity(const struct transport *t)
{
	const struct tls *s = (const struct tls *)t;

	return s->established && s->peer[0] ? s->peer : NULL;
}

static bool
tls_ready(const struct transport *t)
{
	return ((const struct tls *)t)->established;
}

static const struct transport_ops tls_ops = {
	.name = "tls",
	.read = tls_read,
	.write = tls_write,
	.close = tls_close,
	.flush = tls_flush,
	.ready = tls_ready,
	.error = tls_error,
	.identity = tls_identity,
	.buffered = tls_buffered,
};

size_t
tls_transport_refusal(const char *why, uint8_t *out, size_t cap)
{
	(void)why;
	(void)out;
	(void)cap;
	return 0;
}

struct transport *
tls_transport_wrap(int fd, void *ctx)
{
	const struct tls_opts *o = ctx;
	struct tls *s = calloc(1, sizeof(*s));

	if (!s || !(s->ssl = SSL_new(o->ctx)) || SSL_set_fd(s->ssl, fd) != 1) {
		if (s)
			SSL_free(s->ssl);
		ERR_clear_error();
		free(s);
		close(fd);
		return NULL;
	}
	s->base = (struct transport){ &tls_ops, fd };
	s->opts = o;
	if (o->server && net_peer_host(fd, s->host) < 0)
		snprintf(s->host, sizeof(s->host), "?");
	SSL_set_app_data(s->ssl, s);
	if (o->server)
		SSL_set_accept_state(s->ssl);
	else
		SSL_set_connect_state(s->ssl);
	clock_gettime(CLOCK_MONOTONIC, &s->started);
	return &s->base;
}

/* --- the shared context ---------------------------------------------- */

/*
 * SSL_CTX_set_cert_verify_callback: no chain to a CA, no dates, no names;
 * the key in the peer's self-signed certificate goes through the same
 * checks as in the kit's protocol. (Its owner proves it holds the private
 * key in CertificateVerify, which OpenSSL checks next, RFC 8446 §4.4.3;
 * the certificate's own signature proves nothing and is not checked.)
 */
static int
verify_peer(X509_STORE_CTX *x, void *arg)
{
	const struct tls_opts *o = arg;
	int idx = SSL_get_ex_data_X509_STORE_CTX_idx();
	SSL *ssl = X509_STORE_CTX_get_ex_data(x, idx);
	struct tls *s = ssl ? SSL_get_app_data(ssl) : NULL;
	X509 *cert = X509_STORE_CTX_get0_cert(x);
	uint8_t pub[KEYS_PUB_LEN];
	char nick[HS_NICK_MAX + 1];
	int r = -1;

	if (s && cert && tls_cert_key(cert, pub) == 0) {
		if (!o->server) {
			r = o->check_server(o->ud, pub);
		} else {
			tls_cert_name(cert, nick, sizeof(nick));
			r = o->authorize(o->ud, s->host, HS_KEY, nick, pub,
					 NULL);
			if (r == 0)
				snprintf(s->peer, sizeof(s->peer), "%s", nick);
		}
	}
	if (r == 0)
		return 1;
	X509_STORE_CTX_set_error(x, X509_V_ERR_APPLICATION_VERIFICATION);
	return 0;
}

/* SSL_CTX_set_keylog_callback: NSS key log lines, as SSLKEYLOGFILE. */
static void
keylog_line(const SSL *ssl, const char *line)
{
	const struct tls_opts *o = SSL_CTX_get_app_data(SSL_get_SSL_CTX(ssl));

	if (o && o->keylog) {
		fprintf(o->keylog, "%s\n", line);
		fflush(o->keylog);
	}
}

/* This side's certificate for id, and id's key to sign with. */
static int
use_identity(SSL_CTX *ctx, const struct kit_identity *id, const char *cn,
	     char err[static KIT_ERRLEN])
{
	X509 *cert = NULL;
	int r;

	if ((r = tls_cert_make(id, cn, &cert, err)) < 0)
		return r;
	if (SSL_CTX_use_certificate(ctx, cert) != 1 ||
	    SSL_CTX_use_PrivateKey(ctx, keys_evp_pkey(id)) != 1 ||
	    SSL_CTX_check_private_key(ctx) != 1) {
		keys_openssl_error(err, "cannot use the TLS certificate");
		r = KIT_EINVAL;
	}
	X509_free(cert);	/* the context holds its own reference */
	return r;
}

int
tls_opts_init(struct tls_opts *o, const struct kit_identity *id,
	      const char *cn, enum tls_client_cert cert, const char *suites,
	      char err[static KIT_ERRLEN])
{
	SSL_CTX *ctx;
	int r;

	ERR_clear_error();
	if (!(ctx = SSL_CTX_new(o->server ? TLS_server_method()
					  : TLS_client_method())) ||
	    SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION) != 1 ||
	    SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION) != 1 ||
	    (suites && SSL_CTX_set_ciphersuites(ctx, suites) != 1)) {
		keys_openssl_error(err, "cannot set up TLS");
		SSL_CTX_free(ctx);
		return KIT_EINVAL;
	}
	if (id && (r = use_identity(ctx, id, cn, err)) < 0) {
		SSL_CTX_free(ctx);
		return r;
	}
	/* Writes behave like send(): part of the buffer may be taken, and
	 * a retry comes from the (moved) front of the same queue. */
	SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE |
			 SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	/* A read that handled a record with no data (a KeyUpdate) returns
	 * rather than reads on: a peer that sends only those must not keep
	 * a server's one thread to itself. The rest waits in the socket
	 * (no read-ahead), which epoll watches. */
	SSL_CTX_clear_mode(ctx, SSL_MODE_AUTO_RETRY);
	/* No resumption: every connection proves its key again. */
	SSL_CTX_set_num_tickets(ctx, 0);
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	if (!o->server || cert != TLS_CERT_NONE) {
		/* TLS 1.3's certificate_required alert tells such a client
		 * why (RFC 8446 §4.4.2.4). */
		SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER |
				   (cert == TLS_CERT_REQUIRE ?
				    SSL_VERIFY_FAIL_IF_NO_PEER_CERT : 0), NULL);
		SSL_CTX_set_cert_verify_callback(ctx, verify_peer, o);
	}
	if (o->keylog)
		SSL_CTX_set_keylog_callback(ctx, keylog_line);
	SSL_CTX_set_app_data(ctx, o);
	o->ctx = ctx;
	return 0;
}

void
tls_opts_free(struct tls_opts *o)
{
	SSL_CTX_free(o->ctx);
	o->ctx = NULL;
}
