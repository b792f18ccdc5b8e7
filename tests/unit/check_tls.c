/* Unit tests: --tls mode's certificates (made for an identity key, read
 * back from a peer's) and the TLS transport end to end over socket pairs:
 * pinning in the handshake, client certificates, close_notify and cuts. */
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "err.h"
#include "handshake.h"
#include "keys.h"
#include "net.h"
#include "suites.h"
#include "tls_cert.h"
#include "tls_transport.h"
#include "transport.h"

static struct kit_identity *server_id, *alice_id, *other_id;
static char err[KIT_ERRLEN];

static struct kit_identity *
new_identity(void)
{
	struct kit_identity *id = NULL;

	ck_assert_int_eq(keys_generate(&id, err), 0);
	return id;
}

/* --- certificates ------------------------------------------------------------- */

START_TEST(test_tls_cert_holds_the_key_and_name_and_is_self_signed)
{
	struct kit_identity *id = new_identity();
	uint8_t want[KEYS_PUB_LEN], got[KEYS_PUB_LEN];
	char name[HS_NICK_MAX + 1];
	X509 *cert = NULL;

	ck_assert_int_eq(tls_cert_make(id, "alice", &cert, err), 0);
	keys_public(id, want);
	ck_assert_int_eq(tls_cert_key(cert, got), 0);
	ck_assert_mem_eq(got, want, KEYS_PUB_LEN);
	tls_cert_name(cert, name, sizeof(name));
	ck_assert_str_eq(name, "alice");
	ck_assert_int_eq(X509_get_version(cert), X509_VERSION_3);
	ck_assert_int_eq(X509_verify(cert, keys_evp_pkey(id)), 1);
	ck_assert_int_eq(X509_check_issued(cert, cert), X509_V_OK);
	X509_free(cert);
	keys_free(id);
}
END_TEST

/* DER of cert in a fresh buffer (OPENSSL_free it); *n its length. */
static unsigned char *
der_of(X509 *cert, int *n)
{
	unsigned char *der = NULL;

	*n = i2d_X509(cert, &der);
	ck_assert_int_gt(*n, 0);
	return der;
}

START_TEST(test_tls_cert_is_the_same_for_the_same_key_with_its_fingerprint)
{
	struct kit_identity *id = new_identity(), *other = new_identity();
	X509 *a = NULL, *b = NULL, *c = NULL;
	unsigned char *da, *db, *dc, md[32];
	char fp[TLS_CERT_FP_LEN], hex[4];
	unsigned int mdlen = 0, i;
	int na, nb, nc;

	ck_assert_int_eq(tls_cert_make(id, "server", &a, err), 0);
	ck_assert_int_eq(tls_cert_make(id, "server", &b, err), 0);
	ck_assert_int_eq(tls_cert_make(other, "server", &c, err), 0);
	da = der_of(a, &na);
	db = der_of(b, &nb);
	dc = der_of(c, &nc);
	ck_assert_int_eq(na, nb);
	ck_assert_mem_eq(da, db, (size_t)na);	/* a restart keeps the pin */
	ck_assert(na != nc || memcmp(da, dc, (size_t)na) != 0);
	ck_assert_int_ne(ASN1_INTEGER_cmp(X509_get0_serialNumber(a),
					  X509_get0_serialNumber(c)), 0);
	ck_assert_int_eq(tls_cert_fingerprint(a, fp), 0);
	ck_assert_int_eq(X509_digest(a, EVP_sha256(), md, &mdlen), 1);
	ck_assert_uint_eq(strlen(fp), 3 * mdlen - 1);
	for (i = 0; i < mdlen; i++) {
		snprintf(hex, sizeof(hex), "%02X", md[i]);
		ck_assert_mem_eq(fp + 3 * i, hex, 2);
		ck_assert(i + 1 == mdlen || fp[3 * i + 2] == ':');
	}
	OPENSSL_free(da);
	OPENSSL_free(db);
	OPENSSL_free(dc);
	X509_free(a);
	X509_free(b);
	X509_free(c);
	keys_free(id);
	keys_free(other);
}
END_TEST

START_TEST(test_tls_cert_name_refuses_a_cn_longer_than_a_nick)
{
	struct kit_identity *id = new_identity();
	char name[HS_NICK_MAX + 1] = "x";
	X509 *cert = NULL;

	ck_assert_int_eq(tls_cert_make(id, "a23456789012345678901234567890b",
				       &cert, err), 0);
	tls_cert_name(cert, name, sizeof(name));
	ck_assert_str_eq(name, "");
	X509_free(cert);
	keys_free(id);
}
END_TEST

START_TEST(test_tls_cert_key_refuses_a_key_other_than_ed25519)
{
	EVP_PKEY *ec = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	uint8_t pub[KEYS_PUB_LEN];
	X509 *cert = X509_new();

	ck_assert_ptr_nonnull(ec);
	ck_assert_int_eq(X509_set_pubkey(cert, ec), 1);
	ck_assert_int_eq(tls_cert_key(cert, pub), KIT_EINVAL);
	X509_free(cert);
	EVP_PKEY_free(ec);
}
END_TEST

/* --- the transport -------------------------------------------------------------- */

static struct tls_opts copts, sopts;
static struct transport *cli, *srv;
static const struct kit_identity *pinned;
static int authorized_calls;

static int
check_server(void *ud, const uint8_t pub[static KEYS_PUB_LEN])
{
	uint8_t want[KEYS_PUB_LEN];

	(void)ud;
	keys_public(pinned, want);
	return memcmp(pub, want, KEYS_PUB_LEN) ? ALERT_UNKNOWN_IDENTITY : 0;
}

/* Lets in anonymous clients and alice's key as "alice". */
static int
authorize(void *ud, const char *peer, int method, const char *nick,
	  const uint8_t *key, const char *password)
{
	uint8_t want[KEYS_PUB_LEN];

	(void)ud;
	(void)peer;
	(void)password;
	authorized_calls++;
	if (method == HS_ANONYMOUS)
		return 0;
	keys_public(alice_id, want);
	return strcmp(nick, "alice") == 0 &&
	       memcmp(key, want, KEYS_PUB_LEN) == 0 ? 0 : ALERT_ACCESS_DENIED;
}

static void
setup(void)
{
	/* A close_notify to a closed peer: the programs ignore SIGPIPE. */
	signal(SIGPIPE, SIG_IGN);
	server_id = new_identity();
	alice_id = new_identity();
	other_id = new_identity();
	pinned = server_id;
	authorized_calls = 0;
	sopts = (struct tls_opts){ .server = true, .authorize = authorize };
	ck_assert_int_eq(tls_opts_init(&sopts, server_id, "server",
				       TLS_CERT_ASK, NULL, err), 0);
	copts = (struct tls_opts){ .check_server = check_server };
}

/* The client side, with a certificate for id (NULL: none). */
static void
connect_pair(const struct kit_identity *id, const char *nick)
{
	int fds[2];

	tls_opts_free(&copts);	/* a test may connect twice */
	ck_assert_int_eq(tls_opts_init(&copts, id, nick, TLS_CERT_NONE, NULL,
				       err), 0);
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
	net_set_nonblock(fds[0]);
	net_set_nonblock(fds[1]);
	ck_assert_ptr_nonnull(cli = tls_transport_wrap(fds[0], &copts));
	ck_assert_ptr_nonnull(srv = tls_transport_wrap(fds[1], &sopts));
}

static void
teardown(void)
{
	transport_close(cli);
	transport_close(srv);
	cli = srv = NULL;
	tls_opts_free(&copts);
	tls_opts_free(&sopts);
	keys_free(server_id);
	keys_free(alice_id);
	keys_free(other_id);
}

/* Turn both ends until the handshake is over (or failed). */
static void
pump(void)
{
	char buf[64];
	int i;

	for (i = 0; i < 20; i++) {
		transport_flush(cli);
		transport_read(srv, buf, sizeof(buf));
		transport_flush(srv);
		transport_read(cli, buf, sizeof(buf));
	}
}

/* Read from t until something other than KIT_EAGAIN comes (bounded). */
static ssize_t
read_some(struct transport *t, char *buf, size_t len)
{
	ssize_t n = KIT_EAGAIN;
	int i;

	for (i = 0; i < 20 && n == KIT_EAGAIN; i++) {
		if (cli)
			transport_flush(cli);
		if (srv)
			transport_flush(srv);
		n = transport_read(t, buf, len);
	}
	return n;
}

/* A TLS 1.3 client of OpenSSL's own, not the kit's transport, so that it
 * can send what the transport never does: a flood of KeyUpdates. Its
 * handshake with srv is done on return; *fd is its socket. */
static SSL *
raw_tls_client(int *fd)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
	SSL *ssl;
	char buf[64];
	int fds[2], i;

	ck_assert_ptr_nonnull(ctx);
	SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
	net_set_nonblock(fds[0]);
	net_set_nonblock(fds[1]);
	ck_assert_ptr_nonnull(srv = tls_transport_wrap(fds[1], &sopts));
	ck_assert_ptr_nonnull(ssl = SSL_new(ctx));
	SSL_CTX_free(ctx);	/* the SSL holds its own reference */
	SSL_set_fd(ssl, fds[0]);
	SSL_set_connect_state(ssl);
	for (i = 0; i < 50 && SSL_do_handshake(ssl) != 1; i++) {
		transport_read(srv, buf, sizeof(buf));
		transport_flush(srv);
	}
	ck_assert(SSL_is_init_finished(ssl));
	*fd = fds[0];
	return ssl;
}

/* A flood of KeyUpdates (records that give the reader nothing), then a
 * line: each read handles one and returns, so that a server's one thread
 * serves others meanwhile; reading on brings the line. */
START_TEST(test_tls_transport_bounds_a_flood_of_key_updates)
{
	enum { UPDATES = 150 };	/* a socket pair holds that many writes */
	const char *line = "PRIVMSG #lab :after the flood\r\n";
	char buf[64];
	ssize_t n = KIT_EAGAIN;
	int fd, i, reads = 0;
	SSL *ssl = raw_tls_client(&fd);

	for (i = 0; i < UPDATES; i++) {
		ck_assert_int_eq(SSL_key_update(ssl,
						SSL_KEY_UPDATE_NOT_REQUESTED), 1);
		ck_assert_int_eq(SSL_do_handshake(ssl), 1);
	}
	ck_assert_int_eq(SSL_write(ssl, line, (int)strlen(line)),
			 (int)strlen(line));
	ck_assert_int_eq(transport_read(srv, buf, sizeof(buf)), KIT_EAGAIN);
	while (n == KIT_EAGAIN && reads++ < 2 * UPDATES)
		n = transport_read(srv, buf, sizeof(buf));
	ck_assert_int_gt(reads, UPDATES / 2);	/* bounded, every read */
	ck_assert_int_eq(n, (ssize_t)strlen(line));
	ck_assert_mem_eq(buf, line, strlen(line));
	SSL_free(ssl);
	close(fd);
}
END_TEST

START_TEST(test_tls_transport_carries_lines_after_the_handshake)
{
	char buf[64];
	ssize_t n;

	connect_pair(NULL, "guest");
	ck_assert_int_eq(transport_write(cli, "NICK x\r\n", 8),
			 KIT_EINCOMPLETE);
	pump();
	ck_assert_int_eq(transport_write(cli, "NICK x\r\n", 8), 8);
	n = read_some(srv, buf, sizeof(buf));
	ck_assert_int_eq(n, 8);
	ck_assert_mem_eq(buf, "NICK x\r\n", 8);
	ck_assert_int_eq(transport_write(srv, "hi\r\n", 4), 4);
	ck_assert_int_eq(read_some(cli, buf, sizeof(buf)), 4);
	ck_assert_ptr_null(srv->ops->identity(srv));
	ck_assert_int_eq(authorized_calls, 1);	/* anonymous, let in */
}
END_TEST

START_TEST(test_tls_transport_refuses_an_unpinned_server_before_any_byte)
{
	char buf[64];

	pinned = other_id;
	connect_pair(NULL, "guest");
	pump();
	ck_assert_int_eq(transport_write(cli, "NICK x\r\n", 8), KIT_EAUTH);
	ck_assert_int_eq(transport_read(cli, buf, sizeof(buf)), KIT_EAUTH);
	ck_assert_ptr_nonnull(strstr(transport_strerror(cli, KIT_EAUTH),
				     "the server's key was refused"));
	ck_assert_int_lt(transport_read(srv, buf, sizeof(buf)), 0);
	ck_assert_int_eq(authorized_calls, 0);	/* it never got that far */
}
END_TEST

START_TEST(test_tls_transport_proves_a_client_key_as_its_nick)
{
	char buf[64];

	connect_pair(alice_id, "alice");
	pump();
	ck_assert_int_eq(transport_write(cli, "x\n", 2), 2);
	ck_assert_int_eq(read_some(srv, buf, sizeof(buf)), 2);
	ck_assert_str_eq(srv->ops->identity(srv), "alice");
}
END_TEST

START_TEST(test_tls_transport_refuses_a_key_under_another_nick)
{
	char buf[64];

	connect_pair(alice_id, "bob");
	pump();
	ck_assert_int_eq(read_some(srv, buf, sizeof(buf)), KIT_EAUTH);
	ck_assert_ptr_nonnull(strstr(transport_strerror(srv, KIT_EAUTH),
				     "client certificate refused"));
	ck_assert_int_lt(read_some(cli, buf, sizeof(buf)), 0);
}
END_TEST

START_TEST(test_tls_transport_tells_close_notify_from_a_cut)
{
	char buf[64];
	int fd;

	connect_pair(NULL, "guest");
	pump();
	transport_close(cli);	/* close_notify */
	cli = NULL;
	ck_assert_int_eq(read_some(srv, buf, sizeof(buf)), 0);
	transport_close(srv);
	srv = NULL;

	connect_pair(NULL, "guest");
	pump();
	fd = cli->fd;
	shutdown(fd, SHUT_WR);	/* a cut: no close_notify */
	ck_assert_int_eq(read_some(srv, buf, sizeof(buf)), KIT_ECLOSED);
	ck_assert_ptr_nonnull(strstr(transport_strerror(srv, KIT_ECLOSED),
				     "truncated"));
}
END_TEST

Suite *
tls_suite(void)
{
	Suite *s = suite_create("tls");
	TCase *c = tcase_create("cert");
	TCase *t = tcase_create("transport");

	tcase_add_test(c, test_tls_cert_holds_the_key_and_name_and_is_self_signed);
	tcase_add_test(c, test_tls_cert_is_the_same_for_the_same_key_with_its_fingerprint);
	tcase_add_test(c, test_tls_cert_name_refuses_a_cn_longer_than_a_nick);
	tcase_add_test(c, test_tls_cert_key_refuses_a_key_other_than_ed25519);
	suite_add_tcase(s, c);
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, test_tls_transport_carries_lines_after_the_handshake);
	tcase_add_test(t, test_tls_transport_refuses_an_unpinned_server_before_any_byte);
	tcase_add_test(t, test_tls_transport_proves_a_client_key_as_its_nick);
	tcase_add_test(t, test_tls_transport_refuses_a_key_under_another_nick);
	tcase_add_test(t, test_tls_transport_tells_close_notify_from_a_cut);
	tcase_add_test(t, test_tls_transport_bounds_a_flood_of_key_updates);
	suite_add_tcase(s, t);
	return s;
}
