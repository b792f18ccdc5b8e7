/* Unit tests: the secure_chat handshake, client and server in memory. */
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "err.h"
#include "handshake.h"
#include "hs_credential.h"
#include "suites.h"
#include "test_ed25519.h"

/* What the client accepts as the server, and the server as clients. */
static const uint8_t *pinned;
static bool client_sent_auth;
static int server_checks;	/* keys check_server was shown */

static int
check_server(void *ud, const uint8_t pub[static 32])
{
	(void)ud;
	server_checks++;
	return memcmp(pub, pinned, 32) ? ALERT_UNKNOWN_IDENTITY : 0;
}

static int
authorize(void *ud, const char *peer, int method, const char *nick,
	  const uint8_t *key, const char *password)
{
	(void)ud;
	(void)peer;
	if (method == HS_ANONYMOUS)
		return 0;
	if (method == HS_KEY)
		return !strcmp(nick, "alice") && !memcmp(key, client_key.pub, 32)
		       ? 0 : ALERT_ACCESS_DENIED;
	return !strcmp(nick, "bob") && !strcmp(password, "s3cret")
	       ? 0 : ALERT_ACCESS_DENIED;
}

static const uint8_t both[] = { SUITE_CHACHA20_POLY1305, SUITE_AES_256_GCM };

static struct hs_config
client_config(int method, const char *nick, const char *password)
{
	return (struct hs_config){
		.server = false, .suites = both, .nsuites = 2,
		.identity = client_key.pub, .sign = test_sign, .verify = test_verify,
		.check_server = check_server, .method = method, .nick = nick,
		.password = password, .ud = &client_key,
	};
}

static struct hs_config
server_config(void)
{
	return (struct hs_config){
		.server = true, .suites = both, .nsuites = 2,
		.identity = server_key.pub, .sign = test_sign, .verify = test_verify,
		.authorize = authorize, .ud = &server_key,
	};
}

/* A man in the middle: may change message number k (0: ClientHello,
 * 1: ServerHello + ServerAuth, 2: ClientAuth). */
typedef void (*tamper_fn)(int k, uint8_t *buf, size_t len);

struct outcome {
	int client, server;	/* last hs_input results */
	struct hs *c, *s;
};

/* Feed every frame of buf[0..len) to h, each followed by what hs_output
 * has (as the transport does); stop at the first failure. */
static int
feed(struct hs *h, uint8_t *buf, size_t len, uint8_t *out, size_t *out_len)
{
	size_t off = 0, flen, produced;
	uint8_t type;
	int r = HS_CONTINUE;

	*out_len = 0;
	while (off < len && r == HS_CONTINUE) {
		if (frame_peek(buf + off, len - off, &type, &flen) < 0 ||
		    flen > len - off)
			return -ALERT_DECODE_ERROR;
		r = hs_input(h, buf + off, flen, out + *out_len,
			     4 * FRAME_MAX - *out_len, &produced);
		*out_len += produced;
		off += flen;
		if (r == HS_CONTINUE) {
			r = hs_output(h, out + *out_len,
				      4 * FRAME_MAX - *out_len, &produced);
			*out_len += produced;
		}
	}
	return r;
}

static struct outcome
run(struct hs_config cc, tamper_fn tamper)
{
	static uint8_t a[4 * FRAME_MAX], b[4 * FRAME_MAX];
	struct hs_config sc = server_config();
	struct outcome o = { 0, 0, hs_new(&cc), hs_new(&sc) };
	size_t alen, blen;
	int n;

	client_sent_auth = false;
	n = hs_client_hello(o.c, a, sizeof(a));
	ck_assert_int_gt(n, 0);
	alen = (size_t)n;
	if (tamper) tamper(0, a, alen);
	if ((o.server = feed(o.s, a, alen, b, &blen)) < 0) return o;
	if (tamper) tamper(1, b, blen);
	if ((o.client = feed(o.c, b, blen, a, &alen)) < 0) return o;
	client_sent_auth = alen > 0;
	if (tamper) tamper(2, a, alen);
	o.server = feed(o.s, a, alen, b, &blen);
	return o;
}

static void
done(struct outcome *o)
{
	hs_free(o->c);
	hs_free(o->s);
}

static void
setup(void)
{
	make_key(&server_key);
	make_key(&client_key);
	make_key(&other_key);
	pinned = server_key.pub;
}

static void
teardown(void)
{
	free_key(&server_key);
	free_key(&client_key);
	free_key(&other_key);
}

/* After a handshake, each side's records open on the other side. */
static void
check_keys(struct outcome *o)
{
	struct rec_dir cs, cr, ss, sr, again_send, again_recv;
	uint8_t frame[FRAME_MAX], out[FRAME_MAX], inner;
	size_t n;
	int len;

	ck_assert_int_eq(hs_take_keys(o->c, &cs, &cr), 0);
	ck_assert_int_eq(hs_take_keys(o->s, &ss, &sr), 0);
	/* Moved out: a second take has no secret left to derive from. */
	ck_assert_int_lt(hs_take_keys(o->c, &again_send, &again_recv), 0);
	ck_assert_int_lt(hs_take_keys(o->s, &again_send, &again_recv), 0);
	len = rec_seal(&cs, INNER_DATA, (const uint8_t *)"NICK alice", 10, 0,
		       frame, sizeof(frame));
	ck_assert_int_gt(len, 0);
	ck_assert_int_eq(rec_open(&sr, frame, (size_t)len, out, sizeof(out),
				  &inner, &n), 0);
	ck_assert_mem_eq(out, "NICK alice", 10);
	len = rec_seal(&ss, INNER_DATA, (const uint8_t *)"001", 3, 0, frame,
		       sizeof(frame));
	ck_assert_int_eq(rec_open(&cr, frame, (size_t)len, out, sizeof(out),
				  &inner, &n), 0);
	rec_dir_wipe(&cs);
	rec_dir_wipe(&cr);
	rec_dir_wipe(&ss);
	rec_dir_wipe(&sr);
}

START_TEST(test_handshake_with_client_key)
{
	struct outcome o = run(client_config(HS_KEY, "alice", NULL), NULL);

	ck_assert_int_eq(o.server, HS_DONE);
	ck_assert_int_eq(o.client, HS_DONE);
	ck_assert_str_eq(hs_peer_nick(o.s), "alice");
	ck_assert_int_eq(hs_peer_method(o.s), HS_KEY);
	ck_assert_int_eq(hs_suite(o.c), SUITE_CHACHA20_POLY1305);
	check_keys(&o);
	done(&o);
}
END_TEST

START_TEST(test_handshake_with_password_and_anonymous)
{
	struct outcome o = run(client_config(HS_PASSWORD, "bob", "s3cret"), NULL);

	ck_assert_int_eq(o.client, HS_DONE);
	check_keys(&o);
	done(&o);
	o = run(client_config(HS_ANONYMOUS, "guest", NULL), NULL);
	ck_assert_int_eq(o.client, HS_DONE);
	done(&o);
}
END_TEST

START_TEST(test_handshake_refuses_wrong_password_and_unknown_key)
{
	struct outcome o = run(client_config(HS_PASSWORD, "bob", "guess"), NULL);

	ck_assert_int_eq(o.server, -ALERT_ACCESS_DENIED);
	done(&o);
	o = run(client_config(HS_KEY, "mallory", NULL), NULL);
	ck_assert_int_eq(o.server, -ALERT_ACCESS_DENIED);
	done(&o);
}
END_TEST

START_TEST(test_handshake_wrong_server_key_stops_before_any_client_byte)
{
	struct outcome o;

	pinned = other_key.pub;
	o = run(client_config(HS_PASSWORD, "bob", "s3cret"), NULL);
	ck_assert_int_eq(o.client, -ALERT_UNKNOWN_IDENTITY);
	ck_assert(!client_sent_auth);	/* the password never left */
	done(&o);
}
END_TEST

/* A server that signs with its key, then spoils the signature. */
static int
bad_sign(void *ud, const uint8_t *msg, size_t n, uint8_t sig[static 64])
{
	int r = test_sign(ud, msg, n, sig);

	sig[0] ^= 0x01;
	return r;
}

/* A ServerAuth that does not prove the key is refused before the key is
 * shown to check_server: a first-use prompt never offers it, and it is
 * never remembered. */
START_TEST(test_handshake_unproven_server_key_is_never_checked)
{
	struct hs_config cc = client_config(HS_ANONYMOUS, "guest", NULL);
	struct hs_config sc = server_config();
	uint8_t a[4 * FRAME_MAX], b[4 * FRAME_MAX];
	struct hs *c = hs_new(&cc), *s;
	size_t hello, auth, out;
	int n, r;

	sc.sign = bad_sign;
	s = hs_new(&sc);
	pinned = server_key.pub;
	server_checks = 0;
	n = hs_client_hello(c, a, sizeof(a));
	ck_assert_int_gt(n, 0);
	ck_assert_int_eq(hs_input(s, a, (size_t)n, b, sizeof(b), &hello),
			 HS_CONTINUE);
	ck_assert_int_eq(hs_output(s, b + hello, sizeof(b) - hello, &auth),
			 HS_CONTINUE);
	ck_assert_int_eq(hs_input(c, b, hello, a, sizeof(a), &out),
			 HS_CONTINUE);
	r = hs_input(c, b + hello, auth, a, sizeof(a), &out);
	ck_assert_int_eq(r, -ALERT_BAD_IDENTITY);
	ck_assert_int_eq(server_checks, 0);
	hs_free(c);
	hs_free(s);
}
END_TEST

/* Every single-byte flip of every handshake message fails the handshake. */
static int flip_msg;
static size_t flip_at;
static bool flipped;

static void
flip(int k, uint8_t *buf, size_t len)
{
	if (k == flip_msg && flip_at < len) {
		buf[flip_at] ^= 0x01;
		flipped = true;
	}
}

START_TEST(test_handshake_every_flipped_byte_fails)
{
	size_t tried = 0;

	flip_msg = _i;
	for (flip_at = 0;; flip_at++) {
		struct outcome o;

		flipped = false;
		o = run(client_config(HS_KEY, "alice", NULL), flip);
		if (!flipped) {
			done(&o);
			break;
		}
		ck_assert_msg(!(o.client == HS_DONE && o.server == HS_DONE),
			      "message %d byte %zu flipped, yet the handshake "
			      "completed", flip_msg, flip_at);
		tried++;
		done(&o);
	}
	ck_assert_uint_gt(tried, 3);
}
END_TEST

/* --- the server's credential ------------------------------------------------ */

static int verifications;

static int
counting_verify(const uint8_t pub[static 32], const uint8_t *msg, size_t n,
		const uint8_t sig[static 64])
{
	verifications++;
	return test_verify(pub, msg, n, sig);
}

static void
expect_done(struct hs_config cc, int verified)
{
	struct outcome o = run(cc, NULL);

	ck_assert_int_eq(o.client, HS_DONE);
	ck_assert_int_eq(o.server, HS_DONE);
	check_keys(&o);
	done(&o);
	ck_assert_int_eq(verifications, verified);
}

/* A client that reconnects checks the server's credential once; a server
 * that starts again has a new one, checked again. */
START_TEST(test_handshake_credential_is_checked_once_per_server)
{
	struct hs_config cc = client_config(HS_ANONYMOUS, "guest", NULL);
	struct test_key restarted = server_key;	/* same key, new signer */
	struct hs_config sc = server_config();
	uint8_t before[HS_CREDENTIAL_LEN];
	const uint8_t *cred;
	const struct x25519 *key;

	cc.verify = counting_verify;
	verifications = 0;
	expect_done(cc, 1);
	expect_done(cc, 1);
	expect_done(cc, 1);
	ck_assert_int_eq(hs_credential_get(&sc, &cred, &key), 0);
	memcpy(before, cred, sizeof(before));
	sc.ud = &restarted;
	ck_assert_int_eq(hs_credential_get(&sc, &cred, &key), 0);
	ck_assert_mem_eq(cred, before, 32);	/* the same identity */
	ck_assert(memcmp(cred + 32, before + 32, 32));	/* a new key */
	/* run's server, with server_key as ud again, makes yet another */
	expect_done(cc, 2);
	expect_done(cc, 2);
}
END_TEST

/* The server's static key is the process's own: a forked child makes
 * its own credential rather than use the parent's key. */
START_TEST(test_handshake_credential_stays_with_its_process)
{
	struct hs_config sc = server_config();
	const uint8_t *cred;
	const struct x25519 *key;
	uint8_t parent[HS_CREDENTIAL_LEN];
	pid_t pid;
	int status;

	ck_assert_int_eq(hs_credential_get(&sc, &cred, &key), 0);
	memcpy(parent, cred, sizeof(parent));
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		_exit(hs_credential_get(&sc, &cred, &key) == 0 &&
		      !memcmp(cred, parent, 32) &&
		      memcmp(cred + 32, parent + 32, 32) ? 0 : 1);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	ck_assert_int_eq(hs_credential_get(&sc, &cred, &key), 0);
	ck_assert_mem_eq(cred, parent, sizeof(parent));
	hs_wipe_thread_keys();
}
END_TEST

/* Secrets the client logs, to reseal a ServerAuth with. */
static uint8_t logged_s_hs[32];

static void
log_s_hs(void *ud, const uint8_t random[static 32], const char *name,
	 const uint8_t secret[static 32])
{
	(void)ud;
	(void)random;
	if (!strcmp(name, "SERVER_HANDSHAKE_TRAFFIC_SECRET"))
		memcpy(logged_s_hs, secret, 32);
}

/* Up to the client's reading of ServerAuth: the ServerAuth plaintext
 * into auth (161 bytes), or, when replay is given, that plaintext sealed
 * under this handshake's keys in its place. The client's result. */
static int
server_auth_step(const uint8_t *replay, uint8_t auth[static 161])
{
	struct hs_config cc = client_config(HS_ANONYMOUS, "guest", NULL);
	struct hs_config sc = server_config();
	uint8_t a[4 * FRAME_MAX], b[4 * FRAME_MAX], inner;
	struct hs *c, *s;
	struct rec_dir d = { 0 };	/* rec_dir_init wipes it first */
	char err[KIT_ERRLEN];
	size_t hello, len, out, n;
	int r;

	cc.keylog = log_s_hs;
	c = hs_new(&cc);
	s = hs_new(&sc);
	r = hs_client_hello(c, a, sizeof(a));
	ck_assert_int_gt(r, 0);
	ck_assert_int_eq(hs_input(s, a, (size_t)r, b, sizeof(b), &hello), 0);
	ck_assert_int_eq(hs_output(s, b + hello, sizeof(b) - hello, &len), 0);
	ck_assert_int_eq(hs_input(c, b, hello, a, sizeof(a), &out), 0);
	ck_assert_int_eq(rec_dir_init(&d, hs_suite(c), logged_s_hs, err), 0);
	if (replay) {
		r = rec_seal(&d, INNER_HANDSHAKE, replay, 161, 0, b + hello,
			     sizeof(b) - hello);
		ck_assert_int_eq(r, (int)len);
	} else {
		ck_assert_int_eq(rec_open(&d, b + hello, len, auth, 161 + 64,
					  &inner, &n), 0);
		ck_assert_uint_eq(n, 161);
	}
	r = hs_input(c, b + hello, len, a, sizeof(a), &out);
	rec_dir_wipe(&d);
	hs_free(c);
	hs_free(s);
	return r;
}

/* A ServerAuth from another handshake holds a good credential, and the
 * client has found it good before: its MAC still fails, as it would for
 * anyone who has the credential but not its private key. */
START_TEST(test_handshake_replayed_server_auth_fails)
{
	uint8_t auth[161 + 64], again[161 + 64];

	ck_assert_int_eq(server_auth_step(NULL, auth), HS_DONE);
	ck_assert_int_eq(server_auth_step(NULL, again), HS_DONE);
	ck_assert_mem_eq(auth + 1, again + 1, HS_CREDENTIAL_LEN);
	ck_assert_int_eq(server_auth_step(auth, again), -ALERT_BAD_IDENTITY);
}
END_TEST

/* The server's ephemeral key in its ServerHello for a fresh ClientHello;
 * *first_len: what hs_input wrote, before hs_output. */
static void
server_hello(uint8_t eph[static 32], size_t *first_len)
{
	static uint8_t ch[FRAME_MAX], out[4 * FRAME_MAX];
	struct hs_config cc = client_config(HS_ANONYMOUS, "guest", NULL);
	struct hs_config sc = server_config();
	struct hs *s = hs_new(&sc), *c = hs_new(&cc);	/* s takes a spare */
	int n = hs_client_hello(c, ch, sizeof(ch));
	size_t len, more;

	ck_assert_int_gt(n, 0);
	ck_assert_int_eq(hs_input(s, ch, (size_t)n, out, sizeof(out), &len),
			 HS_CONTINUE);
	ck_assert_int_eq(hs_output(s, out + len, sizeof(out) - len, &more),
			 HS_CONTINUE);
	ck_assert_uint_gt(more, 0);	/* ServerAuth */
	memcpy(eph, out + 3 + 1 + 32, 32);	/* header, version, random */
	*first_len = len;
	hs_free(c);
	hs_free(s);
}

/* hs_input answers the ClientHello with the ServerHello alone, so that
 * it can go out before the server signs; ServerAuth comes from
 * hs_output. */
START_TEST(test_handshake_server_hello_goes_before_server_auth)
{
	uint8_t eph[32], type;
	size_t len, flen;

	server_hello(eph, &len);
	ck_assert_int_eq(frame_peek((uint8_t[]){ FRAME_SERVER_HELLO, 0,
						 1 + 32 + 32 + 1 }, 3,
				    &type, &flen), 0);
	ck_assert_uint_eq(len, flen);
}
END_TEST

/* A spare key serves one handshake only: the next one makes its own. */
START_TEST(test_handshake_spare_key_is_used_once)
{
	uint8_t a[32], b[32], c[32];
	size_t len;

	hs_make_spare_key();
	ck_assert(hs_spare_key_ready());
	server_hello(a, &len);
	ck_assert(!hs_spare_key_ready());	/* hs_new took it */
	server_hello(b, &len);
	hs_make_spare_key();
	hs_make_spare_key();		/* one spare, not two */
	server_hello(c, &len);
	ck_assert(!hs_spare_key_ready());
	ck_assert_mem_ne(a, b, 32);
	ck_assert_mem_ne(b, c, 32);
	ck_assert_mem_ne(a, c, 32);
	hs_wipe_thread_keys();
}
END_TEST

/* A client that connects once makes no spare: a fresh process's first
 * client handshake makes none, its second does. */
START_TEST(test_handshake_one_shot_client_makes_no_spare)
{
	int status = -1;
	pid_t pid;

	if ((pid = fork()) == 0) {
		static uint8_t ch[FRAME_MAX];
		struct hs_config cc = client_config(HS_ANONYMOUS, "guest", NULL);
		struct hs *a = hs_new(&cc), *b = hs_new(&cc);
		bool first, second;

		hs_client_hello(a, ch, sizeof(ch));
		hs_idle(a);
		first = hs_spare_key_ready();
		hs_client_hello(b, ch, sizeof(ch));
		hs_idle(b);
		second = hs_spare_key_ready();
		_exit(!first && second ? 0 : 1);
	}
	ck_assert_int_gt(pid, 0);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}
END_TEST

/* The server makes its spare only once ServerAuth is written, not while
 * the ServerHello waits alone (it signs then, on the critical path). */
START_TEST(test_handshake_server_makes_its_spare_after_server_auth)
{
	static uint8_t ch[FRAME_MAX], out[4 * FRAME_MAX];
	struct hs_config cc = client_config(HS_ANONYMOUS, "guest", NULL);
	struct hs_config sc = server_config();
	struct hs *c = hs_new(&cc), *s;
	int n = hs_client_hello(c, ch, sizeof(ch));
	size_t len;

	hs_wipe_thread_keys();
	s = hs_new(&sc);
	hs_idle(s);			/* waits for the ClientHello */
	ck_assert(!hs_spare_key_ready());
	ck_assert_int_eq(hs_input(s, ch, (size_t)n, out, sizeof(out), &len),
			 HS_CONTINUE);
	hs_idle(s);			/* ServerHello only */
	ck_assert(!hs_spare_key_ready());
	ck_assert_int_eq(hs_output(s, out, sizeof(out), &len), HS_CONTINUE);
	hs_idle(s);			/* ServerAuth written */
	ck_assert(hs_spare_key_ready());
	hs_wipe_thread_keys();
	hs_free(c);
	hs_free(s);
}
END_TEST

/* A child forked after the spare was made does not use its parent's
 * key: the two would share an ephemeral key. The parent keeps it. */
START_TEST(test_handshake_spare_key_stays_with_its_process)
{
	int status = -1;
	pid_t pid;

	hs_make_spare_key();
	ck_assert(hs_spare_key_ready());
	if ((pid = fork()) == 0)
		_exit(hs_spare_key_ready() ? 1 : 0);
	ck_assert_int_gt(pid, 0);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	ck_assert(hs_spare_key_ready());
	hs_wipe_thread_keys();
}
END_TEST

/* A client whose thread has connected before makes the next
 * connection's key while it waits for the ServerHello, and only then: the
 * next client takes it. */
START_TEST(test_handshake_reconnecting_client_keeps_a_spare)
{
	static uint8_t ch[FRAME_MAX];
	struct hs_config cc = client_config(HS_ANONYMOUS, "guest", NULL);
	struct outcome first = run(cc, NULL);	/* this thread connected */
	struct hs *c, *next;

	hs_wipe_thread_keys();
	hs_idle(first.c);		/* done: waits for nothing */
	ck_assert(!hs_spare_key_ready());
	done(&first);
	c = hs_new(&cc);
	hs_idle(c);			/* has not sent its hello */
	ck_assert(!hs_spare_key_ready());
	ck_assert_int_gt(hs_client_hello(c, ch, sizeof(ch)), 0);
	hs_idle(c);			/* waits for the ServerHello */
	ck_assert(hs_spare_key_ready());
	next = hs_new(&cc);
	ck_assert(!hs_spare_key_ready());	/* taken */
	hs_free(next);
	hs_free(c);
}
END_TEST

/* hs_output has work only on a server between ServerHello and
 * ServerAuth, once; a frame that comes before it is out of order. */
START_TEST(test_handshake_output_only_for_server_auth)
{
	static uint8_t ch[FRAME_MAX], out[4 * FRAME_MAX];
	struct hs_config cc = client_config(HS_ANONYMOUS, "guest", NULL);
	struct hs_config sc = server_config();
	struct hs *c = hs_new(&cc), *s = hs_new(&sc), *s2 = hs_new(&sc);
	int n = hs_client_hello(c, ch, sizeof(ch));
	size_t len;

	ck_assert_int_eq(hs_output(c, out, sizeof(out), &len), HS_CONTINUE);
	ck_assert_uint_eq(len, 0);
	ck_assert_int_eq(hs_input(s, ch, (size_t)n, out, sizeof(out), &len),
			 HS_CONTINUE);
	ck_assert_int_eq(hs_output(s, out, sizeof(out), &len), HS_CONTINUE);
	ck_assert_uint_gt(len, 0);
	ck_assert_int_eq(hs_output(s, out, sizeof(out), &len), HS_CONTINUE);
	ck_assert_uint_eq(len, 0);
	ck_assert_int_eq(hs_input(s2, ch, (size_t)n, out, sizeof(out), &len),
			 HS_CONTINUE);
	ck_assert_int_eq(hs_input(s2, ch, (size_t)n, out, sizeof(out), &len),
			 -ALERT_UNEXPECTED_MESSAGE);
	hs_free(c);
	hs_free(s);
	hs_free(s2);
}
END_TEST

/* A refused login leaves the server its application send keys, and the
 * alert sealed under them opens with the done client's; a ClientAuth the
 * server could not open leaves none. */
START_TEST(test_handshake_refusal_is_sealed_for_the_client)
{
	uint8_t body[2] = { 2, ALERT_ACCESS_DENIED }, frame[64], got[64], inner;
	struct outcome o = run(client_config(HS_PASSWORD, "bob", "guess"), NULL);
	struct rec_dir ss = { 0 }, cs, cr;
	size_t n;
	int len;

	ck_assert_int_eq(o.client, HS_DONE);
	ck_assert_int_eq(o.server, -ALERT_ACCESS_DENIED);
	ck_assert(hs_take_refusal_keys(o.s, &ss));
	ck_assert(!hs_take_refusal_keys(o.s, &ss));	/* moved */
	ck_assert_int_eq(hs_take_keys(o.c, &cs, &cr), 0);
	len = rec_seal(&ss, INNER_ALERT, body, 2, 0, frame, sizeof(frame));
	ck_assert_int_gt(len, 0);
	ck_assert_int_eq(rec_open(&cr, frame, (size_t)len, got, sizeof(got),
				  &inner, &n), 0);
	ck_assert_uint_eq(inner, INNER_ALERT);
	ck_assert_mem_eq(got, body, 2);
	rec_dir_wipe(&ss);
	rec_dir_wipe(&cs);
	rec_dir_wipe(&cr);
	done(&o);

	flip_msg = 2;
	flip_at = 10;	/* inside the ClientAuth record */
	o = run(client_config(HS_ANONYMOUS, "guest", NULL), flip);
	ck_assert_int_eq(o.server, -ALERT_BAD_RECORD_MAC);
	ck_assert(!hs_take_refusal_keys(o.s, &ss));
	done(&o);
}
END_TEST

/* What a passive eavesdropper sees of ClientAuth: its frame's length. */
static size_t client_auth_len;

static void
measure(int k, uint8_t *buf, size_t len)
{
	(void)buf;
	if (k == 2)
		client_auth_len = len;
}

/* ClientAuth is padded: its length is the same for every method, nick
 * and password (of up to 189 bytes). */
START_TEST(test_handshake_client_auth_length_tells_nothing)
{
	static const char long_pw[] = "a password of some length, longer "
				      "than most";
	struct hs_config cfg[] = {
		client_config(HS_ANONYMOUS, "g", NULL),
		client_config(HS_ANONYMOUS, "a-nick-of-thirty-bytes-exactly",
			      NULL),
		client_config(HS_KEY, "alice", NULL),
		client_config(HS_PASSWORD, "bob", "s3cret"),
		client_config(HS_PASSWORD, "bob", long_pw),
	};
	size_t first = 0, i;

	for (i = 0; i < sizeof(cfg) / sizeof(cfg[0]); i++) {
		struct outcome o;

		client_auth_len = 0;
		o = run(cfg[i], measure);
		ck_assert_uint_gt(client_auth_len, 0);
		if (i == 0)
			first = client_auth_len;
		ck_assert_uint_eq(client_auth_len, first);
		done(&o);
	}
	ck_assert_uint_eq(first, 3 + 256 + 16);	/* header, padded, tag */
}
END_TEST

/* A man in the middle offers only AES-GCM to the server. */
static void
downgrade(int k, uint8_t *buf, size_t len)
{
	(void)len;
	if (k == 0)	/* ClientHello body: version, random, key, n, suites */
		buf[3 + 1 + 32 + 32 + 1] = SUITE_AES_256_GCM;
}

START_TEST(test_handshake_detects_cipher_downgrade)
{
	struct outcome o = run(client_config(HS_KEY, "alice", NULL), downgrade);

	ck_assert_int_eq(o.server, HS_CONTINUE);	/* it believed the list */
	/* The hellos are hashed into the handshake keys, so the client
	 * cannot even open ServerAuth (whose signature covers them too). */
	ck_assert_int_eq(o.client, -ALERT_BAD_RECORD_MAC);
	done(&o);
}
END_TEST

Suite *
handshake_suite(void)
{
	Suite *s = suite_create("handshake");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_handshake_with_client_key);
	tcase_add_test(tc, test_handshake_with_password_and_anonymous);
	tcase_add_test(tc, test_handshake_refuses_wrong_password_and_unknown_key);
	tcase_add_test(tc, test_handshake_wrong_server_key_stops_before_any_client_byte);
	tcase_add_test(tc, test_handshake_unproven_server_key_is_never_checked);
	tcase_add_loop_test(tc, test_handshake_every_flipped_byte_fails, 0, 3);
	tcase_add_test(tc, test_handshake_credential_is_checked_once_per_server);
	tcase_add_test(tc, test_handshake_credential_stays_with_its_process);
	tcase_add_test(tc, test_handshake_replayed_server_auth_fails);
	tcase_add_test(tc, test_handshake_server_hello_goes_before_server_auth);
	tcase_add_test(tc, test_handshake_spare_key_is_used_once);
	tcase_add_test(tc, test_handshake_reconnecting_client_keeps_a_spare);
	tcase_add_test(tc, test_handshake_spare_key_stays_with_its_process);
	tcase_add_test(tc, test_handshake_one_shot_client_makes_no_spare);
	tcase_add_test(tc, test_handshake_server_makes_its_spare_after_server_auth);
	tcase_add_test(tc, test_handshake_client_auth_length_tells_nothing);
	tcase_add_test(tc, test_handshake_output_only_for_server_auth);
	tcase_add_test(tc, test_handshake_refusal_is_sealed_for_the_client);
	tcase_add_test(tc, test_handshake_detects_cipher_downgrade);
	suite_add_tcase(s, tc);
	return s;
}
