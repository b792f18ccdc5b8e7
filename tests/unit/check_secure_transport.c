/* Unit tests: the secure transport end to end over socket pairs, with a
 * relay in the middle that can tamper, replay or cut. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "err.h"
#include "handshake.h"
#include "net.h"
#include "record.h"
#include "secure_transport.h"
#include "suites.h"
#include "test_ed25519.h"
#include "transport.h"

static const uint8_t both[] = { SUITE_CHACHA20_POLY1305, SUITE_AES_256_GCM };
static const uint8_t *pinned;
static bool refuse_logins;

static int
check_server(void *ud, const uint8_t pub[static 32])
{
	(void)ud;
	return memcmp(pub, pinned, 32) ? ALERT_UNKNOWN_IDENTITY : 0;
}

static int
authorize(void *ud, const char *peer, int method, const char *nick,
	  const uint8_t *key, const char *password)
{
	(void)ud;
	(void)peer;
	(void)key;
	(void)password;
	return method == HS_ANONYMOUS && nick[0] && !refuse_logins
	       ? 0 : ALERT_ACCESS_DENIED;
}

/* client <-> relay_c  |relay|  relay_s <-> server */
static struct transport *cli, *srv;
static int relay_c, relay_s;

static void
pair(int fds[2])
{
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
	net_set_nonblock(fds[0]);
	net_set_nonblock(fds[1]);
}

/* cli and srv, connected through the relay, offering these suites. */
static void
connect_pair(const uint8_t *client_suites, size_t nc,
	     const uint8_t *server_suites, size_t ns)
{
	struct secure_opts co = { .hs = {
		.suites = client_suites, .nsuites = nc, .verify = test_verify,
		.check_server = check_server, .method = HS_ANONYMOUS,
		.nick = "guest" } };
	struct secure_opts so = { .hs = {
		.server = true, .suites = server_suites, .nsuites = ns,
		.identity = server_key.pub, .sign = test_sign,
		.verify = test_verify, .authorize = authorize,
		.ud = &server_key } };
	int a[2], b[2];

	pair(a);
	pair(b);
	cli = secure_transport_new(a[0], &co);
	srv = secure_transport_new(b[0], &so);
	relay_c = a[1];
	relay_s = b[1];
}

static void
disconnect_pair(void)
{
	transport_close(cli);
	transport_close(srv);
	close(relay_c);
	close(relay_s);
}

static void
setup(void)
{
	make_key(&server_key);
	make_key(&other_key);
	pinned = server_key.pub;
	refuse_logins = false;
	connect_pair(both, 2, both, 2);
}

static void
teardown(void)
{
	disconnect_pair();
	free_key(&server_key);
	free_key(&other_key);
}

/* Move what waits in one relay socket to the other; tamper may change it.
 * Returns the bytes moved. */
typedef void (*tamper_fn)(uint8_t *buf, size_t n);

static size_t
relay(int from, int to, tamper_fn tamper)
{
	uint8_t buf[65536];
	ssize_t n = read(from, buf, sizeof(buf));

	if (n <= 0)
		return 0;
	if (tamper)
		tamper(buf, (size_t)n);
	ck_assert_int_eq(write(to, buf, (size_t)n), n);
	return (size_t)n;
}

/* Run both ends until the client can write or something fails. */
static void
pump(void)
{
	char buf[256];
	int i;

	for (i = 0; i < 50; i++) {
		transport_flush(cli);
		relay(relay_c, relay_s, NULL);
		transport_read(srv, buf, sizeof(buf));
		transport_flush(srv);
		relay(relay_s, relay_c, NULL);
		transport_read(cli, buf, sizeof(buf));
	}
}

/* A read on t fails with code, and its error says why. */
static void
assert_read_fails(struct transport *t, int code, const char *why)
{
	char buf[256];

	ck_assert_int_eq(transport_read(t, buf, sizeof(buf)), code);
	ck_assert_ptr_nonnull(strstr(transport_strerror(t, code), why));
}

static bool
readable(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, 0) == 1;
}

/* The frames of p[0..n) into h; what it answers is written to fd. */
static int
hs_feed(struct hs *h, const uint8_t *p, size_t n, int fd)
{
	uint8_t out[4096], type;
	size_t off = 0, flen, got;
	int r = HS_CONTINUE;

	while (off < n && r == HS_CONTINUE) {
		ck_assert_int_eq(frame_peek(p + off, n - off, &type, &flen), 0);
		r = hs_input(h, p + off, flen, out, sizeof(out), &got);
		ck_assert_int_eq(write(fd, out, got), (ssize_t)got);
		if (r == HS_CONTINUE) {
			hs_output(h, out, sizeof(out), &got);
			ck_assert_int_eq(write(fd, out, got), (ssize_t)got);
		}
		off += flen;
	}
	return r;
}

/* A client made of the handshake and record layers, not of a transport,
 * so that it can send what a transport never would: it logs in to srv
 * through relay_s, and *send is its key for records to srv. */
static void
raw_client_login(struct rec_dir *send)
{
	struct hs_config cc = {
		.suites = both, .nsuites = 2, .verify = test_verify,
		.check_server = check_server, .method = HS_ANONYMOUS,
		.nick = "guest" };
	struct hs *h = hs_new(&cc);
	struct rec_dir recv;
	uint8_t buf[8192];
	char scratch[64];
	int n, r = HS_CONTINUE, i;
	ssize_t m;

	ck_assert_ptr_nonnull(h);
	n = hs_client_hello(h, buf, sizeof(buf));
	ck_assert_int_gt(n, 0);
	ck_assert_int_eq(write(relay_s, buf, (size_t)n), n);
	for (i = 0; i < 50 && r == HS_CONTINUE; i++) {
		transport_read(srv, scratch, sizeof(scratch));
		transport_flush(srv);
		if ((m = read(relay_s, buf, sizeof(buf))) > 0)
			r = hs_feed(h, buf, (size_t)m, relay_s);
	}
	ck_assert_int_eq(r, HS_DONE);
	ck_assert_int_eq(hs_take_keys(h, send, &recv), 0);
	rec_dir_wipe(&recv);
	hs_free(h);
}

/* A flood of key updates (records that give the reader nothing), then a
 * line: each read handles a bounded number of them and says KIT_EAGAIN
 * with the rest buffered, so that a server's one thread serves others
 * meanwhile; reading on brings the line, whole. */
START_TEST(test_secure_transport_bounds_a_flood_of_key_updates)
{
	enum { UPDATES = 2000 };
	static uint8_t wire[UPDATES * 32 + 64];
	const char *line = "PRIVMSG #lab :after the flood\r\n";
	char buf[256], err[KIT_ERRLEN];
	struct rec_dir send;
	size_t len = 0;
	ssize_t n = KIT_EAGAIN;
	int i, r, reads = 0;

	raw_client_login(&send);
	for (i = 0; i < UPDATES; i++) {
		r = rec_seal(&send, INNER_KEY_UPDATE, NULL, 0, 0, wire + len,
			     sizeof(wire) - len);
		ck_assert_int_gt(r, 0);
		len += (size_t)r;
		ck_assert_int_eq(rec_dir_update(&send, err), 0);
	}
	r = rec_seal(&send, INNER_DATA, (const uint8_t *)line, strlen(line),
		     0, wire + len, sizeof(wire) - len);
	ck_assert_int_gt(r, 0);
	len += (size_t)r;
	rec_dir_wipe(&send);
	ck_assert_int_eq(write(relay_s, wire, len), (ssize_t)len);

	ck_assert_int_eq(transport_read(srv, buf, sizeof(buf)), KIT_EAGAIN);
	ck_assert(srv->ops->buffered(srv));
	while (n == KIT_EAGAIN && reads++ < UPDATES) {
		n = transport_read(srv, buf, sizeof(buf));
		/* What is left waits in it or in the socket, never nowhere. */
		ck_assert(n != KIT_EAGAIN || srv->ops->buffered(srv) ||
			  readable(srv->fd));
	}
	ck_assert_int_gt(reads, UPDATES / 100);	/* bounded, every read */
	ck_assert_int_eq(n, (ssize_t)strlen(line));
	ck_assert_mem_eq(buf, line, strlen(line));
	ck_assert(!srv->ops->buffered(srv));
}
END_TEST

/* A record that authenticates but holds no content type (its plaintext
 * all zeros): the peer sealed it so, and it is a decode_error, not a
 * forgery. */
START_TEST(test_secure_transport_record_without_a_type_is_a_decode_error)
{
	uint8_t wire[64];
	struct rec_dir send;
	int n;

	raw_client_login(&send);
	n = rec_seal(&send, 0, NULL, 0, 0, wire, sizeof(wire));
	ck_assert_int_gt(n, 0);
	rec_dir_wipe(&send);
	ck_assert_int_eq(write(relay_s, wire, (size_t)n), n);
	assert_read_fails(srv, KIT_EAUTH,
			  "holds no content type (decode_error)");
}
END_TEST

START_TEST(test_secure_transport_carries_lines_both_ways)
{
	char buf[256];
	ssize_t n;

	ck_assert_int_eq(transport_write(cli, "x", 1), KIT_EINCOMPLETE);
	pump();
	ck_assert_int_eq(transport_write(cli, "NICK guest\r\n", 12), 12);
	relay(relay_c, relay_s, NULL);
	n = transport_read(srv, buf, sizeof(buf));
	ck_assert_int_eq(n, 12);
	ck_assert_mem_eq(buf, "NICK guest\r\n", 12);
	ck_assert_str_eq(secure_transport_peer(srv), "guest");
	ck_assert_int_eq(transport_write(srv, ":srv 001 guest\r\n", 16), 16);
	relay(relay_s, relay_c, NULL);
	ck_assert_int_eq(transport_read(cli, buf, sizeof(buf)), 16);
}
END_TEST

/* Once the peer has all it sent, each end makes the key for its next
 * handshake: the server while it waits for ClientAuth, and a client that
 * has connected before while it waits for the ServerHello. */
START_TEST(test_secure_transport_makes_keys_while_it_waits)
{
	struct secure_opts co = { .hs = {
		.suites = both, .nsuites = 2, .verify = test_verify,
		.check_server = check_server, .method = HS_ANONYMOUS,
		.nick = "guest" } };
	struct transport *again;
	char buf[256];
	int a[2];

	hs_wipe_thread_keys();
	transport_flush(srv);			/* nothing to send yet */
	ck_assert(!hs_spare_key_ready());
	transport_flush(cli);
	hs_wipe_thread_keys();	/* a spare of the client's, if it reconnects */
	relay(relay_c, relay_s, NULL);
	ck_assert_int_eq(transport_read(srv, buf, sizeof(buf)), KIT_EAGAIN);
	ck_assert(hs_spare_key_ready());	/* ServerAuth is out */
	pump();
	ck_assert_int_eq(transport_write(cli, "x", 1), 1);
	hs_wipe_thread_keys();
	pair(a);
	again = secure_transport_new(a[0], &co);
	ck_assert(!hs_spare_key_ready());	/* took none, made none yet */
	transport_flush(again);			/* the ClientHello is out */
	ck_assert(hs_spare_key_ready());
	transport_close(again);
	close(a[1]);
	hs_wipe_thread_keys();
}
END_TEST

static void
flip_last(uint8_t *buf, size_t n)
{
	buf[n - 1] ^= 0x80;
}

START_TEST(test_secure_transport_rejects_a_tampered_record)
{
	pump();
	ck_assert_int_eq(transport_write(cli, "PRIVMSG #a :pay bob\r\n", 21), 21);
	relay(relay_c, relay_s, flip_last);
	assert_read_fails(srv, KIT_EAUTH, "does not authenticate");
}
END_TEST

static uint8_t saved[4096];
static size_t saved_len;

static void
save(uint8_t *buf, size_t n)
{
	memcpy(saved, buf, n);
	saved_len = n;
}

START_TEST(test_secure_transport_rejects_a_replayed_record)
{
	char buf[256];

	pump();
	transport_write(cli, "PRIVMSG #a :once\r\n", 18);
	relay(relay_c, relay_s, save);
	ck_assert_int_eq(transport_read(srv, buf, sizeof(buf)), 18);
	ck_assert_int_eq(write(relay_s, saved, saved_len), (ssize_t)saved_len);
	ck_assert_int_eq(transport_read(srv, buf, sizeof(buf)), KIT_EAUTH);
}
END_TEST

START_TEST(test_secure_transport_detects_truncation)
{
	pump();
	shutdown(relay_s, SHUT_WR);	/* cut without close_notify */
	assert_read_fails(srv, KIT_ECLOSED, "truncated");
}
END_TEST

/* The server closing before its first record (a login that took longer
 * than its registration timeout) is not reported as an attack. */
START_TEST(test_secure_transport_close_before_the_first_record_says_why)
{
	pump();
	ck_assert_int_eq(transport_write(cli, "x", 1), 1);	/* done */
	relay(relay_c, relay_s, NULL);	/* nothing unread: a FIN, no RST */
	close(relay_c);
	relay_c = -1;
	assert_read_fails(cli, KIT_ECLOSED, "before answering the login");
}
END_TEST

/* TLS where this protocol is expected, on either side: said so at once,
 * not waited on as a long frame. */
START_TEST(test_secure_transport_recognises_a_tls_peer)
{
	static const uint8_t tls_hello[] = { 0x16, 0x03, 0x01, 0x01, 0x00, 1 };
	static const uint8_t tls_alert[] = { 0x15, 0x03, 0x03, 0x00, 0x02,
					     0x02, 0x46 };

	ck_assert_int_eq(write(relay_s, tls_hello, sizeof(tls_hello)),
			 (ssize_t)sizeof(tls_hello));
	assert_read_fails(srv, KIT_EAUTH, "the client speaks TLS");
	ck_assert_int_eq(write(relay_c, tls_alert, sizeof(tls_alert)),
			 (ssize_t)sizeof(tls_alert));
	assert_read_fails(cli, KIT_EAUTH, "connect with --tls");
}
END_TEST

START_TEST(test_secure_transport_orderly_close_is_end_of_stream)
{
	char buf[256];

	pump();
	transport_close(srv);	/* sends close_notify */
	srv = NULL;
	relay(relay_s, relay_c, NULL);
	ck_assert_int_eq(transport_read(cli, buf, sizeof(buf)), 0);
}
END_TEST

START_TEST(test_secure_transport_refuses_an_unknown_server)
{
	char buf[256];
	int i;

	pinned = other_key.pub;
	for (i = 0; i < 10; i++) {
		transport_flush(cli);
		relay(relay_c, relay_s, NULL);
		transport_read(srv, buf, sizeof(buf));
		transport_flush(srv);
		relay(relay_s, relay_c, NULL);
		if (transport_read(cli, buf, sizeof(buf)) == KIT_EAUTH)
			break;
	}
	ck_assert_ptr_nonnull(strstr(transport_strerror(cli, KIT_EAUTH),
				     "unknown_identity"));
	ck_assert_int_eq(transport_write(cli, "x", 1), KIT_EAUTH);
}
END_TEST

/* A server that takes none of the client's suites answers its hello with
 * handshake_failure alone: the client says what that most often means. */
START_TEST(test_secure_transport_no_suite_in_common_is_said)
{
	static const uint8_t aes[] = { SUITE_AES_256_GCM };
	static const uint8_t chacha[] = { SUITE_CHACHA20_POLY1305 };

	disconnect_pair();
	connect_pair(aes, 1, chacha, 1);
	pump();
	assert_read_fails(cli, KIT_EAUTH, "the server refused the handshake "
			  "(handshake_failure: most often no cipher suite in "
			  "common, see --cipher)");
}
END_TEST

/* The client is done after its ClientAuth; a refused login reaches it as
 * an alert sealed under the server's application key, so it is told
 * which, authenticated. */
START_TEST(test_secure_transport_refused_login_is_sealed)
{
	const char *why;

	refuse_logins = true;
	pump();
	ck_assert_int_eq(transport_write(cli, "x", 1), KIT_EAUTH);
	why = transport_strerror(cli, KIT_EAUTH);
	ck_assert_ptr_nonnull(strstr(why, "the server refused this login "
					  "(access_denied"));
	ck_assert_ptr_null(strstr(why, "not authenticated"));
}
END_TEST

/* Write a plaintext alert frame of this code into relay socket fd. */
static void
inject_alert(int fd, uint8_t code)
{
	uint8_t frame[8], body[2] = { 2, code };
	int n = frame_write(FRAME_ALERT, body, 2, frame, sizeof(frame));

	ck_assert_int_gt(n, 0);
	ck_assert_int_eq(write(fd, frame, (size_t)n), n);
}

/* A plaintext alert to a done client: taken as a refusal, but said to be
 * unauthenticated, until a record of the server's has opened; after
 * that, and on a done server always, it is a protocol error. */
START_TEST(test_secure_transport_plaintext_alert_after_the_handshake)
{
	pump();
	inject_alert(relay_c, ALERT_ACCESS_DENIED);
	assert_read_fails(cli, KIT_EAUTH, "lately) (in the clear: not "
			  "authenticated)");
	inject_alert(relay_s, ALERT_ACCESS_DENIED);
	assert_read_fails(srv, KIT_EAUTH, "plaintext frame after the handshake");
}
END_TEST

/* unavailable comes from a server only instead of its hello: to a done
 * client it is a forgery like any plaintext alert, and said to be one. */
START_TEST(test_secure_transport_late_unavailable_is_unauthenticated)
{
	pump();
	inject_alert(relay_c, ALERT_UNAVAILABLE);
	assert_read_fails(cli, KIT_EAUTH, "the peer refused the handshake: "
			  "unavailable (in the clear: not authenticated)");
}
END_TEST

START_TEST(test_secure_transport_plaintext_alert_after_a_record)
{
	char buf[256];

	pump();
	ck_assert_int_eq(transport_write(srv, ":srv 001 guest\r\n", 16), 16);
	relay(relay_s, relay_c, NULL);
	ck_assert_int_eq(transport_read(cli, buf, sizeof(buf)), 16);
	inject_alert(relay_c, ALERT_ACCESS_DENIED);
	assert_read_fails(cli, KIT_EAUTH, "plaintext frame after the handshake");
}
END_TEST

/* Read on each end until it has nothing; both must then hold no buffer. */
static void
assert_idle(void)
{
	char buf[256];
	int i;

	for (i = 0; i < 10 && transport_read(srv, buf, sizeof(buf)) > 0; i++)
		;
	for (i = 0; i < 10 && transport_read(cli, buf, sizeof(buf)) > 0; i++)
		;
	ck_assert_uint_eq(secure_transport_buffer_bytes(srv), 0);
	ck_assert_uint_eq(secure_transport_buffer_bytes(cli), 0);
}

START_TEST(test_secure_transport_idle_connection_holds_no_buffers)
{
	char buf[256];

	pump();
	assert_idle();
	ck_assert_int_eq(transport_write(cli, "PING :x\r\n", 9), 9);
	ck_assert_uint_eq(secure_transport_buffer_bytes(cli), 0);	/* sent */
	relay(relay_c, relay_s, NULL);
	ck_assert_int_eq(transport_read(srv, buf, sizeof(buf)), 9);
	ck_assert_int_eq(transport_read(srv, buf, sizeof(buf)), KIT_EAGAIN);
	assert_idle();
}
END_TEST

START_TEST(test_secure_transport_one_read_returns_several_records)
{
	char buf[256];

	pump();
	ck_assert_int_eq(transport_write(cli, "PING :a\r\n", 9), 9);
	ck_assert_int_eq(transport_write(cli, "PING :b\r\n", 9), 9);
	ck_assert_int_eq(transport_write(cli, "PING :c\r\n", 9), 9);
	relay(relay_c, relay_s, NULL);
	/* As one recv of plain TCP would: the three lines at once... */
	ck_assert_int_eq(transport_read(srv, buf, sizeof(buf)), 27);
	ck_assert_mem_eq(buf, "PING :a\r\nPING :b\r\nPING :c\r\n", 27);
	/* ...but never more than the reader's buffer takes. */
	ck_assert_int_eq(transport_write(cli, "PING :d\r\n", 9), 9);
	ck_assert_int_eq(transport_write(cli, "PING :e\r\n", 9), 9);
	relay(relay_c, relay_s, NULL);
	ck_assert_int_eq(transport_read(srv, buf, 12), 9);
	ck_assert_int_eq(transport_read(srv, buf, 12), 9);
	ck_assert_mem_eq(buf, "PING :e\r\n", 9);
	assert_idle();
}
END_TEST

#define BURST (1024 * 1024)
#define STREAM_WRITE (16 * REC_PLAINTEXT_MAX)	/* 256 KiB, as bulk writes */

static uint8_t burst_data[BURST];

static void
fill_burst(void)
{
	size_t k;

	for (k = 0; k < BURST; k++)
		burst_data[k] = (uint8_t)(k * 7);
}

/* What the client read of the burst so far, each read compared with
 * burst_data. Reads alternate between a buffer smaller than a record (the
 * rest waits in the transport) and one that takes whole records. */
static size_t
read_burst(size_t got)
{
	static uint8_t buf[20000];
	size_t want = (got / 1000) % 2 ? 1000 : sizeof(buf);
	ssize_t n;

	while ((n = transport_read(cli, buf, want)) > 0) {
		ck_assert_uint_le(got + (size_t)n, BURST);
		ck_assert(memcmp(buf, burst_data + got, (size_t)n) == 0);
		got += (size_t)n;
		want = want == 1000 ? sizeof(buf) : 1000;
	}
	ck_assert_int_eq(n, KIT_EAGAIN);
	return got;
}

/* Relay and read until the server has sent everything; the bytes read. */
static size_t
drain_burst(size_t got)
{
	bool flushed;
	int i;

	for (i = 0; i < 1000; i++) {
		flushed = transport_flush(srv) == 0;
		if (!relay(relay_s, relay_c, NULL) && flushed)
			return read_burst(got);
		got = read_burst(got);
	}
	ck_abort_msg("the server's records did not drain");
	return got;
}

START_TEST(test_secure_transport_burst_after_idle_arrives_whole)
{
	size_t sent = 0, got = 0;
	ssize_t n;
	int i, waits = 0;

	fill_burst();
	pump();
	assert_idle();
	/* More than out[] and the socket hold: writes must wait (KIT_EAGAIN)
	 * and the rest follow once the client has read. */
	for (i = 0; i < 10000 && got < BURST; i++) {
		if (sent < BURST) {
			n = transport_write(srv, burst_data + sent,
					    BURST - sent);
			ck_assert(n > 0 || n == KIT_EAGAIN);
			waits += n == KIT_EAGAIN;
			sent += n > 0 ? (size_t)n : 0;
		}
		transport_flush(srv);
		relay(relay_s, relay_c, NULL);
		got = read_burst(got);
	}
	ck_assert_uint_eq(got, BURST);
	ck_assert_int_gt(waits, 0);
	ck_assert_int_eq(transport_flush(srv), 0);
	assert_idle();
}
END_TEST

START_TEST(test_secure_transport_streams_unless_behind)
{
	size_t sent = 0, got;
	ssize_t n;

	fill_burst();
	pump();
	/* A connection keeping up: 16 full records in one call (and one
	 * system call), more than the socket takes at once... */
	ck_assert_int_eq(transport_write(srv, burst_data, STREAM_WRITE),
			 STREAM_WRITE);
	sent += STREAM_WRITE;
	ck_assert_int_eq(transport_write(srv, burst_data + sent, STREAM_WRITE),
			 KIT_EAGAIN);
	got = drain_burst(0);
	/* ...so the next write, its reader having fallen behind, seals a
	 * quarter of that... */
	n = transport_write(srv, burst_data + sent, STREAM_WRITE);
	ck_assert_int_eq(n, 4 * REC_PLAINTEXT_MAX);
	sent += (size_t)n;
	got = drain_burst(got);
	/* ...and once the socket took a write whole, 16 again. */
	ck_assert_int_eq(transport_write(srv, burst_data + sent, STREAM_WRITE),
			 STREAM_WRITE);
	sent += STREAM_WRITE;
	ck_assert_uint_eq(drain_burst(got), sent);
	assert_idle();
}
END_TEST

Suite *
secure_transport_suite(void)
{
	Suite *s = suite_create("secure_transport");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_secure_transport_carries_lines_both_ways);
	tcase_add_test(tc, test_secure_transport_no_suite_in_common_is_said);
	tcase_add_test(tc, test_secure_transport_makes_keys_while_it_waits);
	tcase_add_test(tc, test_secure_transport_recognises_a_tls_peer);
	tcase_add_test(tc, test_secure_transport_close_before_the_first_record_says_why);
	tcase_add_test(tc, test_secure_transport_rejects_a_tampered_record);
	tcase_add_test(tc, test_secure_transport_rejects_a_replayed_record);
	tcase_add_test(tc, test_secure_transport_detects_truncation);
	tcase_add_test(tc, test_secure_transport_orderly_close_is_end_of_stream);
	tcase_add_test(tc, test_secure_transport_refuses_an_unknown_server);
	tcase_add_test(tc, test_secure_transport_refused_login_is_sealed);
	tcase_add_test(tc, test_secure_transport_plaintext_alert_after_the_handshake);
	tcase_add_test(tc, test_secure_transport_late_unavailable_is_unauthenticated);
	tcase_add_test(tc, test_secure_transport_plaintext_alert_after_a_record);
	tcase_add_test(tc, test_secure_transport_idle_connection_holds_no_buffers);
	tcase_add_test(tc, test_secure_transport_burst_after_idle_arrives_whole);
	tcase_add_test(tc, test_secure_transport_streams_unless_behind);
	tcase_add_test(tc, test_secure_transport_one_read_returns_several_records);
	tcase_add_test(tc, test_secure_transport_bounds_a_flood_of_key_updates);
	tcase_add_test(tc, test_secure_transport_record_without_a_type_is_a_decode_error);
	suite_add_tcase(s, tc);
	return s;
}
