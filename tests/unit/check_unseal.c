/* Unit tests: the sniffer's --keylog, reading key logs and opening
 * secure_chat records from a session made in memory. */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "flow.h"
#include "handshake.h"
#include "keyfile.h"
#include "keylog.h"
#include "output.h"
#include "suites.h"
#include "test_ed25519.h"
#include "unseal.h"

#define STREAM_MAX 8192

/* --- a session, as the two directions' bytes on the wire -------------------- */

struct session {
	uint8_t wire[2][STREAM_MAX];	/* DIR_C2S, DIR_S2C */
	size_t len[2];
	size_t hs_len[2];	/* the handshake's part of each */
	char plain[2][STREAM_MAX];	/* the data records' contents */
	char *keylog;		/* what --keylog wrote */
	size_t keylog_len;
	uint8_t hello_random[32];	/* the ClientHello's random */
};

static FILE *keylog_out;

static void
log_secret(void *ud, const uint8_t random[static 32], const char *name,
	   const uint8_t secret[static 32])
{
	(void)ud;
	keylog_write(keylog_out, random, name, secret);
}

static int
authorize_all(void *ud, const char *peer, int method, const char *nick,
	      const uint8_t *key, const char *password)
{
	(void)ud; (void)peer; (void)method; (void)nick; (void)key; (void)password;
	return 0;
}

static int
trust_any(void *ud, const uint8_t pub[static 32])
{
	(void)ud; (void)pub;
	return 0;
}

/* Give h every frame of p[0..n), appending what it answers to *out. */
static int
feed(struct hs *h, const uint8_t *p, size_t n, struct session *ss, int to)
{
	size_t off = 0, flen, produced;
	uint8_t type;
	int r = HS_CONTINUE;

	while (off < n && r >= 0) {
		ck_assert_int_eq(frame_peek(p + off, n - off, &type, &flen), 0);
		r = hs_input(h, p + off, flen, ss->wire[to] + ss->len[to],
			     STREAM_MAX - ss->len[to], &produced);
		ss->len[to] += produced;
		if (r == HS_CONTINUE) {
			hs_output(h, ss->wire[to] + ss->len[to],
				  STREAM_MAX - ss->len[to], &produced);
			ss->len[to] += produced;
		}
		off += flen;
	}
	return r;
}

static void
seal(struct session *ss, struct rec_dir *keys, int dir, uint8_t inner,
     const char *text)
{
	size_t n = strlen(text);
	int len = rec_seal(keys, inner, (const uint8_t *)text, n, 0,
			   ss->wire[dir] + ss->len[dir],
			   STREAM_MAX - ss->len[dir]);

	ck_assert_int_gt(len, 0);
	ss->len[dir] += (size_t)len;
	if (inner == INNER_DATA)
		strcat(ss->plain[dir], text);
}

/* A password login by carol, a chat both ways, a key update on the
 * client's side, and the client's close_notify. */
static void
make_session(struct session *ss)
{
	static const uint8_t suites[] = { SUITE_AES_256_GCM };
	struct hs_config cc = {
		.suites = suites, .nsuites = 1, .verify = test_verify,
		.check_server = trust_any, .method = HS_PASSWORD,
		.nick = "carol", .password = "s3cret", .keylog = log_secret,
	};
	struct hs_config sc = {
		.server = true, .suites = suites, .nsuites = 1,
		.identity = server_key.pub, .sign = test_sign,
		.verify = test_verify, .authorize = authorize_all,
		.ud = &server_key, .keylog = log_secret,
	};
	struct hs *c = hs_new(&cc), *s = hs_new(&sc);
	struct rec_dir cs, cr, ss_, sr;
	char err[KIT_ERRLEN];
	uint8_t done_s2c[2] = { 1, ALERT_CLOSE_NOTIFY };
	int n;

	memset(ss, 0, sizeof(*ss));
	ck_assert_ptr_nonnull(keylog_out = open_memstream(&ss->keylog,
							  &ss->keylog_len));
	n = hs_client_hello(c, ss->wire[DIR_C2S], STREAM_MAX);
	ck_assert_int_gt(n, 0);
	ss->len[DIR_C2S] = (size_t)n;
	memcpy(ss->hello_random, ss->wire[DIR_C2S] + 4, 32);
	feed(s, ss->wire[DIR_C2S], ss->len[DIR_C2S], ss, DIR_S2C);
	ck_assert_int_eq(feed(c, ss->wire[DIR_S2C], ss->len[DIR_S2C], ss,
			      DIR_C2S), HS_DONE);
	ck_assert_int_eq(feed(s, ss->wire[DIR_C2S] + n,
			      ss->len[DIR_C2S] - (size_t)n, ss, DIR_S2C),
			 HS_DONE);
	ss->hs_len[DIR_C2S] = ss->len[DIR_C2S];
	ss->hs_len[DIR_S2C] = ss->len[DIR_S2C];
	ck_assert_int_eq(hs_take_keys(c, &cs, &cr), 0);
	ck_assert_int_eq(hs_take_keys(s, &ss_, &sr), 0);
	seal(ss, &cs, DIR_C2S, INNER_DATA, "NICK carol\r\nJOIN #lab\r\n");
	seal(ss, &ss_, DIR_S2C, INNER_DATA, ":kit 001 carol :Welcome\r\n");
	seal(ss, &cs, DIR_C2S, INNER_KEY_UPDATE, "");
	ck_assert_int_eq(rec_dir_update(&cs, err), 0);
	seal(ss, &cs, DIR_C2S, INNER_DATA, "PRIVMSG #lab :the code is 4417\r\n");
	seal(ss, &ss_, DIR_S2C, INNER_DATA, ":carol JOIN #lab\r\n");
	n = rec_seal(&cs, INNER_ALERT, done_s2c, 2, 0,
		     ss->wire[DIR_C2S] + ss->len[DIR_C2S],
		     STREAM_MAX - ss->len[DIR_C2S]);
	ck_assert_int_gt(n, 0);
	ss->len[DIR_C2S] += (size_t)n;
	fclose(keylog_out);
	rec_dir_wipe(&cs);
	rec_dir_wipe(&cr);
	rec_dir_wipe(&ss_);
	rec_dir_wipe(&sr);
	hs_free(c);
	hs_free(s);
}

/* --- an output that keeps what it is given ------------------------------------ */

struct kept {
	char data[2][STREAM_MAX];
	size_t len[2];		/* kept, up to STREAM_MAX */
	uint64_t total[2];	/* given */
	uint64_t gaps[2];
	int starts, ends;
};

static void
kept_data(void *self, struct flow *f, int dir, const uint8_t *p, size_t n,
	  bool stable)
{
	struct kept *k = self;

	(void)f; (void)stable;
	k->total[dir] += n;
	if (n > STREAM_MAX - k->len[dir])
		return;
	memcpy(k->data[dir] + k->len[dir], p, n);
	k->len[dir] += n;
}

static void
kept_gap(void *self, struct flow *f, int dir, uint64_t len)
{
	(void)f;
	((struct kept *)self)->gaps[dir] += len;
}

static void
kept_start(void *self, struct flow *f)
{
	(void)f;
	((struct kept *)self)->starts++;
}

static void
kept_end(void *self, struct flow *f)
{
	(void)f;
	((struct kept *)self)->ends++;
}

static const struct sink_ops kept_ops = {
	.name = "kept", .flow_start = kept_start, .data = kept_data,
	.gap = kept_gap, .flow_end = kept_end,
};

/* --- one run of the unseal stage ---------------------------------------------- */

struct run {
	struct kept kept;
	struct sink down, *stage;
	struct flow flow;
	char *report;
	size_t report_len;
	FILE *report_f;
};

static void
run_start(struct run *r, struct keyfile *keys, bool live)
{
	memset(r, 0, sizeof(*r));
	r->down = (struct sink){ &kept_ops, &r->kept };
	r->report_f = open_memstream(&r->report, &r->report_len);
	ck_assert_ptr_nonnull(r->report_f);
	r->stage = unseal_sink_new(keys, live, &r->down, 1, 1, r->report_f);
	ck_assert_ptr_nonnull(r->stage);
	r->flow.id = 1;
	r->flow.syn_seen = true;
	r->flow.ep[0] = (struct endpoint){ .family = AF_INET,
					   .addr = { 127, 0, 0, 1 }, .port = 40000 };
	r->flow.ep[1] = (struct endpoint){ .family = AF_INET,
					   .addr = { 127, 0, 0, 1 }, .port = 6698 };
	r->stage->ops->flow_start(r->stage->self, &r->flow);
}

/* Bytes of one direction, in pieces of at most step bytes. */
static void
run_data(struct run *r, int dir, const uint8_t *p, size_t n, size_t step)
{
	size_t off, k;

	for (off = 0; off < n; off += k) {
		k = n - off < step ? n - off : step;
		r->stage->ops->data(r->stage->self, &r->flow, dir, p + off, k,
				    false);
	}
}

static void
run_end(struct run *r)
{
	r->stage->ops->flow_end(r->stage->self, &r->flow);
	r->stage->ops->finish(r->stage->self);
	fclose(r->report_f);
	sink_free(r->stage);
}

/* The length of the session's ClientHello frame. */
static size_t
hello_len(const struct session *ss)
{
	return 3 + ((size_t)ss->wire[DIR_C2S][1] << 8 | ss->wire[DIR_C2S][2]);
}

/* The length of the session's ServerHello frame. */
static size_t
hello_len_s2c(const struct session *ss)
{
	return 3 + ((size_t)ss->wire[DIR_S2C][1] << 8 | ss->wire[DIR_S2C][2]);
}

/* The ClientHello, then the server's whole handshake, each in one piece;
 * returns the ClientHello's length. */
static size_t
run_hellos(struct run *r, const struct session *ss)
{
	size_t ch = hello_len(ss);

	run_data(r, DIR_C2S, ss->wire[DIR_C2S], ch, STREAM_MAX);
	run_data(r, DIR_S2C, ss->wire[DIR_S2C], ss->hs_len[DIR_S2C], STREAM_MAX);
	return ch;
}

/* The session in the order the wire saw it: ClientHello, the server's
 * flight, ClientAuth and the rest of the client's, the rest of the
 * server's. */
static void
run_session(struct run *r, const struct session *ss, size_t step)
{
	size_t ch = hello_len(ss);

	run_data(r, DIR_C2S, ss->wire[DIR_C2S], ch, step);
	run_data(r, DIR_S2C, ss->wire[DIR_S2C], ss->hs_len[DIR_S2C], step);
	run_data(r, DIR_C2S, ss->wire[DIR_C2S] + ch, ss->len[DIR_C2S] - ch,
		 step);
	run_data(r, DIR_S2C, ss->wire[DIR_S2C] + ss->hs_len[DIR_S2C],
		 ss->len[DIR_S2C] - ss->hs_len[DIR_S2C], step);
}

static struct keyfile *
keys_of(const struct session *ss)
{
	char err[KIT_ERRLEN];
	struct keyfile *k = keyfile_parse(ss->keylog, ss->keylog_len, err);

	ck_assert_msg(k != NULL, "%s", err);
	return k;
}

/* Every byte of the session reached the outputs as it came, and the
 * report says the key log does not hold it. */
static void
assert_shown_sealed(const struct run *r, const struct session *ss)
{
	int d;

	for (d = 0; d < 2; d++) {
		ck_assert_uint_eq(r->kept.len[d], ss->len[d]);
		ck_assert_mem_eq(r->kept.data[d], ss->wire[d], ss->len[d]);
	}
	ck_assert_msg(strstr(r->report, "not in the key log: shown sealed"),
		      "%s", r->report);
}

/* A session, its key log, and a run of the stage over it. */
static struct keyfile *
begin(struct run *r, struct session *ss)
{
	struct keyfile *k;

	make_session(ss);
	k = keys_of(ss);
	run_start(r, k, false);
	return k;
}

static void
done(struct run *r, struct keyfile *k, struct session *ss)
{
	free(r->report);
	keyfile_free(k);
	free(ss->keylog);
}

static void
setup(void)
{
	make_key(&server_key);
}

static void
teardown(void)
{
	free_key(&server_key);
}

/* --- key logs ----------------------------------------------------------------- */

START_TEST(test_keyfile_merges_a_connections_lines)
{
	static const char text[] =
		"# a comment\r\n"
		"\n"
		"KIT_CLIENT_RANDOM 0101010101010101010101010101010101010101010101010101010101010101 CLIENT_HANDSHAKE_TRAFFIC_SECRET 1111111111111111111111111111111111111111111111111111111111111111\r\n"
		"CLIENT_RANDOM 00 11\n"
		"KIT_CLIENT_RANDOM 0202020202020202020202020202020202020202020202020202020202020202 SERVER_TRAFFIC_SECRET_0 2222222222222222222222222222222222222222222222222222222222222222\n"
		"KIT_CLIENT_RANDOM 0101010101010101010101010101010101010101010101010101010101010101 SERVER_TRAFFIC_SECRET_0 0000000000000000000000000000000000000000000000000000000000000000\n"
		"KIT_CLIENT_RANDOM 0101010101010101010101010101010101010101010101010101010101010101 SERVER_TRAFFIC_SECRET_0 3333333333333333333333333333333333333333333333333333333333333333";
	char err[KIT_ERRLEN];
	uint8_t r1[32], r3[32];
	struct keyfile *k = keyfile_parse(text, strlen(text), err);
	struct keyfile_secrets s;

	ck_assert_msg(k != NULL, "%s", err);
	ck_assert_uint_eq(keyfile_sessions(k), 2);
	ck_assert_uint_eq(keyfile_skipped(k), 1);	/* the TLS line */
	memset(r1, 1, 32);
	memset(r3, 3, 32);
	ck_assert(keyfile_find(k, r1, &s));
	ck_assert_uint_eq(s.have, KEYFILE_HAVE_C_HS | KEYFILE_HAVE_S_AP);
	ck_assert_uint_eq(s.c_hs[0], 0x11);
	ck_assert_uint_eq(s.s_ap[31], 0x33);
	ck_assert(!keyfile_find(k, r3, &s));
	ck_assert_uint_eq(s.have, 0);
	keyfile_free(k);
}
END_TEST

START_TEST(test_keyfile_names_a_malformed_line)
{
	static const char *const bad[] = {
		"KIT_CLIENT_RANDOM 01 CLIENT_TRAFFIC_SECRET_0 02\n",
		"\nKIT_CLIENT_RANDOM 0101010101010101010101010101010101010101010101010101010101010101 CLIENT_TRAFFIC_SECRET_0\n",
		"\n\nKIT_CLIENT_RANDOM 0101010101010101010101010101010101010101010101010101010101010101 CLIENT_TRAFFIC_SECRET_0 zz22222222222222222222222222222222222222222222222222222222222222\n",
		"# a comment\n\n\nKIT_CLIENT_RANDOM 0101010101010101010101010101010101010101010101010101010101010101 CLIENT_TRAFIC_SECRET_0 2222222222222222222222222222222222222222222222222222222222222222\n",
		"\n\n\n\n\x89PNG\r\n",
	};
	char err[KIT_ERRLEN], want[32];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_ptr_null(keyfile_parse(bad[i], strlen(bad[i]), err));
		snprintf(want, sizeof(want), "line %zu ", i + 1);
		ck_assert_msg(strstr(err, want), "%s", err);
	}
}
END_TEST

/* --- opening ------------------------------------------------------------------------ */

START_TEST(test_unseal_opens_every_record)
{
	static const size_t steps[] = { STREAM_MAX, 1, 7 };
	struct session ss;
	struct keyfile *k;
	struct run r;

	make_session(&ss);
	k = keys_of(&ss);
	ck_assert_uint_eq(keyfile_sessions(k), 1);
	run_start(&r, k, false);
	run_session(&r, &ss, steps[_i]);
	run_end(&r);
	ck_assert_uint_eq(r.kept.len[DIR_C2S], strlen(ss.plain[DIR_C2S]));
	ck_assert_mem_eq(r.kept.data[DIR_C2S], ss.plain[DIR_C2S],
			 r.kept.len[DIR_C2S]);
	ck_assert_uint_eq(r.kept.len[DIR_S2C], strlen(ss.plain[DIR_S2C]));
	ck_assert_mem_eq(r.kept.data[DIR_S2C], ss.plain[DIR_S2C],
			 r.kept.len[DIR_S2C]);
	ck_assert_int_eq(r.kept.starts, 1);
	ck_assert_int_eq(r.kept.ends, 1);
	ck_assert_msg(strstr(r.report, "ClientAuth: password login as "
			     "\"carol\", password \"s3cret\""), "%s", r.report);
	ck_assert_msg(strstr(r.report, "in the key log: 5 records opened from "
			     "the client, 3 from the server"), "%s", r.report);
	ck_assert_msg(strstr(r.report, "from the client: ended with the "
			     "alert close_notify"), "%s", r.report);
	ck_assert_msg(strstr(r.report, "1 secure_chat connection opened with "
			     "it, 0 not in it"), "%s", r.report);
	done(&r, k, &ss);
}
END_TEST

/* The length of the last of the whole frames in p[0..n). */
static size_t
last_frame_len(const uint8_t *p, size_t n)
{
	size_t off = 0, flen = 0;

	while (n - off >= 3 && 3 + ((size_t)p[off + 1] << 8 | p[off + 2]) <=
	       n - off) {
		flen = 3 + ((size_t)p[off + 1] << 8 | p[off + 2]);
		off += flen;
	}
	return flen;
}

/* A record changed on the way: what came before it is shown opened, it
 * and what follows as they came, nothing forged. */
START_TEST(test_unseal_stops_at_a_tampered_record)
{
	struct session ss;
	struct keyfile *k;
	struct run r;
	const char *first = ":kit 001 carol :Welcome\r\n";
	size_t last, n;

	k = begin(&r, &ss);
	n = ss.len[DIR_S2C];
	last = last_frame_len(ss.wire[DIR_S2C], n);
	ss.wire[DIR_S2C][n - 5] ^= 1;	/* the last record */
	run_session(&r, &ss, STREAM_MAX);
	run_end(&r);
	ck_assert_uint_eq(r.kept.len[DIR_S2C], strlen(first) + last);
	ck_assert_mem_eq(r.kept.data[DIR_S2C], first, strlen(first));
	ck_assert_mem_eq(r.kept.data[DIR_S2C] + strlen(first),
			 ss.wire[DIR_S2C] + n - last, last);
	ck_assert_msg(strstr(r.report, "from the server: record 3 does not "
			     "open"), "%s", r.report);
	done(&r, k, &ss);
}
END_TEST

/* Bytes missing from the capture: the direction stops, the outputs are
 * told of the gap and get what follows as it came, and the other
 * direction goes on. */
START_TEST(test_unseal_stops_after_a_gap)
{
	struct session ss;
	struct keyfile *k;
	struct run r;
	size_t ch;

	k = begin(&r, &ss);
	ch = hello_len(&ss);
	run_data(&r, DIR_C2S, ss.wire[DIR_C2S], ch, STREAM_MAX);
	run_data(&r, DIR_S2C, ss.wire[DIR_S2C], ss.len[DIR_S2C], STREAM_MAX);
	r.stage->ops->gap(r.stage->self, &r.flow, DIR_C2S, 40);
	run_data(&r, DIR_C2S, ss.wire[DIR_C2S] + ch, ss.len[DIR_C2S] - ch,
		 STREAM_MAX);
	run_end(&r);
	ck_assert_uint_eq(r.kept.len[DIR_C2S], ss.len[DIR_C2S] - ch);
	ck_assert_mem_eq(r.kept.data[DIR_C2S], ss.wire[DIR_C2S] + ch,
			 ss.len[DIR_C2S] - ch);
	ck_assert_uint_eq(r.kept.gaps[DIR_C2S], 40);
	ck_assert_uint_eq(r.kept.len[DIR_S2C], strlen(ss.plain[DIR_S2C]));
	ck_assert_msg(strstr(r.report, "bytes are missing"), "%s", r.report);
	done(&r, k, &ss);
}
END_TEST

/* The session's key log without the lines whose name holds drop. */
static struct keyfile *
keys_without(const struct session *ss, const char *drop)
{
	char *text = malloc(ss->keylog_len + 1), err[KIT_ERRLEN];
	const char *line = ss->keylog, *end = ss->keylog + ss->keylog_len, *nl;
	size_t n = 0;
	struct keyfile *k;

	ck_assert_ptr_nonnull(text);
	for (; line < end; line = nl + 1) {
		nl = memchr(line, '\n', (size_t)(end - line));
		ck_assert_ptr_nonnull(nl);
		if (!memmem(line, (size_t)(nl - line), drop, strlen(drop))) {
			memcpy(text + n, line, (size_t)(nl - line) + 1);
			n += (size_t)(nl - line) + 1;
		}
	}
	ck_assert_uint_lt(n, ss->keylog_len);	/* some line went */
	k = keyfile_parse(text, n, err);
	ck_assert_msg(k != NULL, "%s", err);
	free(text);
	return k;
}

/* A key log that names the connection but lacks its handshake secrets
 * (lines deleted by hand): nothing opens, and every record of both
 * directions is shown as it came, as if the connection were not in it;
 * the summary says it was opened only in part. */
START_TEST(test_unseal_shows_sealed_what_its_secrets_miss)
{
	struct session ss;
	struct keyfile *k;
	struct run r;
	size_t ch;

	make_session(&ss);
	k = keys_without(&ss, "_HANDSHAKE_TRAFFIC_SECRET ");
	run_start(&r, k, false);
	run_session(&r, &ss, 7);
	run_end(&r);
	ch = hello_len(&ss);
	ck_assert_uint_eq(r.kept.len[DIR_C2S], ss.len[DIR_C2S] - ch);
	ck_assert_mem_eq(r.kept.data[DIR_C2S], ss.wire[DIR_C2S] + ch,
			 ss.len[DIR_C2S] - ch);
	ck_assert_uint_eq(r.kept.len[DIR_S2C],
			  ss.len[DIR_S2C] - hello_len_s2c(&ss));
	ck_assert_mem_eq(r.kept.data[DIR_S2C],
			 ss.wire[DIR_S2C] + hello_len_s2c(&ss),
			 r.kept.len[DIR_S2C]);
	ck_assert_msg(strstr(r.report, "0 records opened from the client, 0 "
			     "from the server; from the client: the key log "
			     "lacks its handshake secret"), "%s", r.report);
	ck_assert_msg(strstr(r.report, "1 secure_chat connection opened with "
			     "it, 0 not in it; 1 of those opened only in part"),
		      "%s", r.report);
	done(&r, k, &ss);
}
END_TEST

/* A connection the key log does not hold whose client sends its records
 * before the server has said anything (the capture's order, or a client
 * that does not wait): kept, then shown as they came. */
START_TEST(test_unseal_shows_an_unnamed_client_that_speaks_first)
{
	struct session ss;
	struct keyfile *k;
	struct run r;

	k = begin(&r, &ss);
	ss.wire[DIR_C2S][4] ^= 1;	/* another random: not in the log */
	run_data(&r, DIR_C2S, ss.wire[DIR_C2S], ss.len[DIR_C2S], 5);
	run_data(&r, DIR_S2C, ss.wire[DIR_S2C], ss.len[DIR_S2C], 5);
	run_end(&r);
	assert_shown_sealed(&r, &ss);
	done(&r, k, &ss);
}
END_TEST

/* Not secure_chat, or secure_chat without secrets: the bytes as they
 * are, each once. */
START_TEST(test_unseal_passes_other_connections_as_they_are)
{
	static const char irc[] = "NICK bob\r\nUSER bob 0 * :bob\r\n";
	static const char reply[] = ":kit 001 bob :hi\r\n";
	struct session ss;
	struct keyfile *k;
	struct run r;

	make_session(&ss);
	k = keyfile_parse("", 0, (char[KIT_ERRLEN]){ 0 });
	ck_assert_ptr_nonnull(k);
	run_start(&r, k, false);
	run_session(&r, &ss, 5);
	run_end(&r);
	ck_assert_uint_eq(r.kept.len[DIR_C2S], ss.len[DIR_C2S]);
	ck_assert_mem_eq(r.kept.data[DIR_C2S], ss.wire[DIR_C2S],
			 ss.len[DIR_C2S]);
	ck_assert_uint_eq(r.kept.len[DIR_S2C], ss.len[DIR_S2C]);
	ck_assert_msg(strstr(r.report, "not in the key log: shown sealed"),
		      "%s", r.report);
	free(r.report);

	run_start(&r, k, false);	/* IRC, the client first, then a server first */
	r.flow.syn_seen = false;	/* and it began before the capture */
	run_data(&r, DIR_C2S, (const uint8_t *)irc, 2, 2);
	run_data(&r, DIR_C2S, (const uint8_t *)irc + 2, strlen(irc) - 2, 3);
	run_data(&r, DIR_S2C, (const uint8_t *)reply, strlen(reply), 64);
	run_end(&r);
	ck_assert_uint_eq(r.kept.len[DIR_C2S], strlen(irc));
	ck_assert_mem_eq(r.kept.data[DIR_C2S], irc, strlen(irc));
	ck_assert_uint_eq(r.kept.len[DIR_S2C], strlen(reply));
	ck_assert_ptr_null(strstr(r.report, "connection 1"));
	ck_assert_msg(strstr(r.report, "1 connection began before the capture"),
		      "%s", r.report);
	free(r.report);

	run_start(&r, k, false);	/* two bytes that could have been a hello */
	run_data(&r, DIR_C2S, ss.wire[DIR_C2S], 2, 1);
	run_end(&r);
	ck_assert_uint_eq(r.kept.len[DIR_C2S], 2);
	done(&r, k, &ss);
}
END_TEST

/* A frame whose length is more than the protocol allows, after a real
 * ClientHello: the direction stops at once, nothing is held for it, and
 * its bytes are shown as they came. */
START_TEST(test_unseal_refuses_an_oversized_frame)
{
	static const uint8_t huge[] = { FRAME_RECORD, 0xff, 0xff, 1, 2, 3 };
	struct session ss;
	struct keyfile *k;
	struct run r;

	k = begin(&r, &ss);
	run_hellos(&r, &ss);
	run_data(&r, DIR_C2S, huge, sizeof(huge), 1);
	run_end(&r);
	ck_assert_uint_eq(r.kept.len[DIR_C2S], sizeof(huge));
	ck_assert_mem_eq(r.kept.data[DIR_C2S], huge, sizeof(huge));
	ck_assert_msg(strstr(r.report, "a frame longer than secure_chat "
			     "allows"), "%s", r.report);
	done(&r, k, &ss);
}
END_TEST

/* --- a live capture: the endpoints are still writing the key log -------------- */

/* The key log's first lines into a new file; returns its path. */
static char *
keylog_file(const struct session *ss, int lines)
{
	static char path[] = "/tmp/check_unseal.XXXXXX";
	int fd;
	size_t n = 0;

	strcpy(path, "/tmp/check_unseal.XXXXXX");
	ck_assert_int_ge(fd = mkstemp(path), 0);
	while (lines-- > 0 && n < ss->keylog_len)
		n += (size_t)(strchr(ss->keylog + n, '\n') - (ss->keylog + n)) + 1;
	ck_assert_int_eq(write(fd, ss->keylog, n), (ssize_t)n);
	close(fd);
	return path;
}

/* The whole key log over the file, as the endpoints would have it by now. */
static void
keylog_complete(const char *path, const struct session *ss)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(ss->keylog, 1, ss->keylog_len, f),
			  ss->keylog_len);
	fclose(f);
}

/* A session, a key log file of its first lines, and a live run. */
static struct keyfile *
begin_live(struct run *r, struct session *ss, int lines, char **path)
{
	char err[KIT_ERRLEN];
	struct keyfile *k;

	make_session(ss);
	*path = keylog_file(ss, lines);
	ck_assert_ptr_nonnull(k = keyfile_read(*path, false, err));
	run_start(r, k, true);
	return k;
}

/* Records whose secrets are not logged yet wait; once the file has them,
 * the next bytes of the connection bring everything out, in order. */
START_TEST(test_unseal_live_waits_for_secrets_being_written)
{
	struct session ss;
	struct keyfile *k;
	struct run r;
	char *path;
	size_t last;

	k = begin_live(&r, &ss, 2, &path);	/* the handshake secrets only */
	last = ss.len[DIR_S2C];
	ss.len[DIR_S2C] -= 22;	/* the server's last record, held back */
	run_session(&r, &ss, STREAM_MAX);
	ck_assert_uint_eq(r.kept.len[DIR_C2S], 0);	/* all waits */
	keylog_complete(path, &ss);
	run_data(&r, DIR_S2C, ss.wire[DIR_S2C] + ss.len[DIR_S2C],
		 last - ss.len[DIR_S2C], STREAM_MAX);
	ck_assert_uint_eq(r.kept.len[DIR_C2S], strlen(ss.plain[DIR_C2S]));
	ck_assert_mem_eq(r.kept.data[DIR_C2S], ss.plain[DIR_C2S],
			 r.kept.len[DIR_C2S]);
	ck_assert_uint_eq(r.kept.len[DIR_S2C], strlen(ss.plain[DIR_S2C]));
	run_end(&r);
	ck_assert_msg(strstr(r.report, "password login as \"carol\""), "%s",
		      r.report);
	unlink(path);
	done(&r, k, &ss);
}
END_TEST

/* Secrets that never come: at the end, the connection's bytes are shown
 * as they were, every one once and in order. */
START_TEST(test_unseal_live_shows_sealed_what_never_opens)
{
	struct session ss;
	struct keyfile *k;
	struct run r;
	char *path;

	k = begin_live(&r, &ss, 0, &path);
	run_session(&r, &ss, 9);
	run_end(&r);
	assert_shown_sealed(&r, &ss);
	unlink(path);
	done(&r, k, &ss);
}
END_TEST

/* A record frame of the largest size, in shape but of no known secret. */
static const uint8_t *
big_record(void)
{
	static uint8_t big[FRAME_MAX];

	big[0] = FRAME_RECORD;
	big[1] = (FRAME_MAX - 3) >> 8;
	big[2] = (FRAME_MAX - 3) & 0xff;
	return big;
}

/* A live capture that ends before the connection's ClientAuth: the key
 * log might still have got its secrets, and the report says so. */
START_TEST(test_unseal_live_capture_ending_early_says_so)
{
	struct session ss;
	struct keyfile *k;
	struct run r;
	char *path;

	k = begin_live(&r, &ss, 0, &path);
	run_data(&r, DIR_C2S, ss.wire[DIR_C2S], hello_len(&ss), 5);
	run_data(&r, DIR_S2C, ss.wire[DIR_S2C], ss.hs_len[DIR_S2C], 50);
	run_end(&r);
	ck_assert_uint_eq(r.kept.len[DIR_C2S], hello_len(&ss));
	ck_assert_mem_eq(r.kept.data[DIR_S2C], ss.wire[DIR_S2C],
			 ss.hs_len[DIR_S2C]);
	ck_assert_msg(strstr(r.report, "the capture ended before the key log "
			     "held its secrets: shown sealed"), "%s", r.report);
	unlink(path);
	done(&r, k, &ss);
}
END_TEST

/* Live, a connection the key log never names, in pieces of every size:
 * by its ClientAuth it is shown as it came, before the connection ends,
 * every byte once and in order. */
START_TEST(test_unseal_live_shows_unnamed_connection_at_its_client_auth)
{
	struct session ss;
	struct keyfile *k;
	struct run r;
	char err[KIT_ERRLEN], *path;
	size_t step;

	make_session(&ss);
	path = keylog_file(&ss, 0);
	ck_assert_ptr_nonnull(k = keyfile_read(path, false, err));
	for (step = 1; step <= 300; step++) {
		run_start(&r, k, true);
		run_session(&r, &ss, step);
		ck_assert_msg(r.kept.len[DIR_C2S] == ss.len[DIR_C2S] &&
			      !memcmp(r.kept.data[DIR_C2S], ss.wire[DIR_C2S],
				      ss.len[DIR_C2S]), "step %zu", step);
		ck_assert_msg(r.kept.len[DIR_S2C] == ss.len[DIR_S2C] &&
			      !memcmp(r.kept.data[DIR_S2C], ss.wire[DIR_S2C],
				      ss.len[DIR_S2C]), "step %zu", step);
		run_end(&r);
		ck_assert_uint_eq(r.kept.total[DIR_C2S], ss.len[DIR_C2S]);
		ck_assert_uint_eq(r.kept.total[DIR_S2C], ss.len[DIR_S2C]);
		free(r.report);
	}
	unlink(path);
	r.report = NULL;
	done(&r, k, &ss);
}
END_TEST

/* Live, a connection the key log does not name, whose client sends its
 * records or whose server talks on past its ServerAuth: the key log would
 * have named it by now, so it is shown sealed at once, and what follows
 * as it comes, every byte once. */
START_TEST(test_unseal_live_shows_sealed_a_connection_past_its_handshake)
{
	int dir = _i;	/* who talks on */
	uint64_t want[2];
	struct session ss;
	struct keyfile *k;
	struct run r;
	char *path;

	k = begin_live(&r, &ss, 0, &path);
	want[DIR_C2S] = hello_len(&ss);
	want[DIR_S2C] = ss.hs_len[DIR_S2C];
	run_data(&r, DIR_C2S, ss.wire[DIR_C2S], want[DIR_C2S], STREAM_MAX);
	run_data(&r, DIR_S2C, ss.wire[DIR_S2C], want[DIR_S2C], 13);
	ck_assert_uint_eq(r.kept.total[DIR_S2C], 0);	/* kept, not shown */
	run_data(&r, dir, big_record(), FRAME_MAX, 1000);
	want[dir] += FRAME_MAX;
	ck_assert_uint_eq(r.kept.total[DIR_C2S], want[DIR_C2S]);
	ck_assert_uint_eq(r.kept.total[DIR_S2C], want[DIR_S2C]);
	run_data(&r, dir, big_record(), FRAME_MAX, FRAME_MAX);
	ck_assert_uint_eq(r.kept.total[dir], want[dir] + FRAME_MAX);
	run_end(&r);
	ck_assert_msg(strstr(r.report, "not in the key log: shown sealed"),
		      "%s", r.report);
	unlink(path);
	done(&r, k, &ss);
}
END_TEST

/* Live, the key log names a connection as a piece longer than a copy may
 * hold arrives: the connection is opened (its records here are of no
 * known secret, so the server's side stops at the first) and counted
 * once. */
START_TEST(test_unseal_live_names_a_connection_at_its_limit)
{
	static uint8_t many[70 * FRAME_MAX];	/* past 1 MiB */
	struct session ss;
	struct keyfile *k;
	struct run r;
	char *path;
	size_t i;

	for (i = 0; i < 70; i++)
		memcpy(many + i * FRAME_MAX, big_record(), FRAME_MAX);
	k = begin_live(&r, &ss, 0, &path);
	run_hellos(&r, &ss);
	keylog_complete(path, &ss);
	run_data(&r, DIR_S2C, many, sizeof(many), sizeof(many));
	run_end(&r);
	ck_assert_msg(strstr(r.report, "from the server: record 2 does not "
			     "open") &&
		      strstr(r.report, "1 secure_chat connection opened with "
			     "it, 0 not in it"), "%s", r.report);
	unlink(path);
	done(&r, k, &ss);
}
END_TEST

/* Live, records wait for a secret when bytes go missing behind them:
 * once the secret comes, what came before the gap is shown, nothing
 * after it. */
START_TEST(test_unseal_live_opens_what_waited_before_a_gap)
{
	static const uint8_t after[] = { FRAME_RECORD, 0, 1, 0 };
	struct session ss;
	struct keyfile *k;
	struct run r;
	char *path;
	size_t ch;

	k = begin_live(&r, &ss, 2, &path);	/* the handshake secrets only */
	ch = run_hellos(&r, &ss);
	run_data(&r, DIR_C2S, ss.wire[DIR_C2S] + ch, ss.len[DIR_C2S] - ch, 11);
	ck_assert_uint_eq(r.kept.len[DIR_C2S], 0);	/* it waits */
	r.stage->ops->gap(r.stage->self, &r.flow, DIR_C2S, 40);
	run_data(&r, DIR_C2S, after, sizeof(after), sizeof(after));
	keylog_complete(path, &ss);
	run_data(&r, DIR_S2C, ss.wire[DIR_S2C] + ss.hs_len[DIR_S2C],
		 ss.len[DIR_S2C] - ss.hs_len[DIR_S2C], STREAM_MAX);
	run_end(&r);
	ck_assert_uint_eq(r.kept.len[DIR_C2S], strlen(ss.plain[DIR_C2S]));
	ck_assert_mem_eq(r.kept.data[DIR_C2S], ss.plain[DIR_C2S],
			 r.kept.len[DIR_C2S]);
	ck_assert_uint_eq(r.kept.gaps[DIR_C2S], 40);
	ck_assert_uint_eq(r.kept.len[DIR_S2C], strlen(ss.plain[DIR_S2C]));
	ck_assert_msg(strstr(r.report, "from the client: bytes are missing"),
		      "%s", r.report);
	unlink(path);
	done(&r, k, &ss);
}
END_TEST

/* A ClientHello like secure_chat's that the server answers in IRC: not
 * secure_chat's after all, shown as it came, and said so; live and from
 * a file alike. */
START_TEST(test_unseal_passes_a_server_that_is_not_secure_chat)
{
	static const char answer[] = "ERROR :Closing link\r\n";
	struct session ss;
	struct keyfile *k;
	struct run r;
	char *path;

	k = begin_live(&r, &ss, 0, &path);
	if (_i) {	/* the same from a file */
		sink_free(r.stage);
		fclose(r.report_f);
		free(r.report);
		run_start(&r, k, false);
	}
	run_data(&r, DIR_C2S, ss.wire[DIR_C2S], hello_len(&ss), 4);
	run_data(&r, DIR_S2C, (const uint8_t *)answer, strlen(answer), 2);
	run_data(&r, DIR_S2C, (const uint8_t *)answer, strlen(answer), 64);
	ck_assert_uint_eq(r.kept.len[DIR_C2S], hello_len(&ss));
	ck_assert_mem_eq(r.kept.data[DIR_C2S], ss.wire[DIR_C2S],
			 hello_len(&ss));
	ck_assert_uint_eq(r.kept.len[DIR_S2C], 2 * strlen(answer));
	run_end(&r);
	ck_assert_msg(strstr(r.report, "the server's answer was not: shown "
			     "as it came") && strstr(r.report, "0 not in it"),
		      "%s", r.report);
	unlink(path);
	done(&r, k, &ss);
}
END_TEST

/* A server that refuses the client with a plaintext alert (it is full,
 * say): no secret was ever made, and the report says so. */
START_TEST(test_unseal_says_the_server_refused_it)
{
	static const uint8_t refusal[] = { FRAME_ALERT, 0, 2, 2,
					   ALERT_HANDSHAKE_FAILURE };
	struct session ss;
	struct keyfile *k;
	struct run r;

	make_session(&ss);
	k = keyfile_parse("", 0, (char[KIT_ERRLEN]){ 0 });
	ck_assert_ptr_nonnull(k);
	run_start(&r, k, false);
	run_data(&r, DIR_C2S, ss.wire[DIR_C2S], hello_len(&ss), STREAM_MAX);
	run_data(&r, DIR_S2C, refusal, sizeof(refusal), 1);
	run_end(&r);
	ck_assert_uint_eq(r.kept.len[DIR_C2S], hello_len(&ss));
	ck_assert_mem_eq(r.kept.data[DIR_S2C], refusal, sizeof(refusal));
	ck_assert_msg(strstr(r.report, "the server refused it before the key "
			     "exchange") && strstr(r.report, "0 not in it"),
		      "%s", r.report);
	done(&r, k, &ss);
}
END_TEST

/* Bytes missing from the server's first frame: no suite, so neither
 * direction opens, the client's side says why, and its records are
 * shown as they came. */
START_TEST(test_unseal_stops_without_the_server_hello)
{
	struct session ss;
	struct keyfile *k;
	struct run r;
	size_t ch;

	k = begin(&r, &ss);
	ch = hello_len(&ss);
	run_data(&r, DIR_C2S, ss.wire[DIR_C2S], ch, STREAM_MAX);
	run_data(&r, DIR_S2C, ss.wire[DIR_S2C], 10, STREAM_MAX);
	r.stage->ops->gap(r.stage->self, &r.flow, DIR_S2C, 20);
	run_data(&r, DIR_C2S, ss.wire[DIR_C2S] + ch, ss.len[DIR_C2S] - ch,
		 STREAM_MAX);
	run_end(&r);
	ck_assert_uint_eq(r.kept.len[DIR_C2S], ss.len[DIR_C2S] - ch);
	ck_assert_mem_eq(r.kept.data[DIR_C2S], ss.wire[DIR_C2S] + ch,
			 ss.len[DIR_C2S] - ch);
	ck_assert_msg(strstr(r.report, "from the client: the server's "
			     "ServerHello is missing"), "%s", r.report);
	done(&r, k, &ss);
}
END_TEST

static void
write_file(const char *path, const char *text, size_t n, const char *mode)
{
	FILE *f = fopen(path, mode);

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(text, 1, n, f), n);
	fclose(f);
}

/* A finished key log whose last line is cut short: the lines before it
 * count, the cut one is skipped and counted, and the start goes on. */
START_TEST(test_keyfile_skips_a_cut_last_line)
{
	struct session ss;
	struct keyfile_secrets s;
	struct keyfile *k;
	char err[KIT_ERRLEN], path[] = "/tmp/check_keyfile.XXXXXX";

	make_session(&ss);
	close(mkstemp(path));
	write_file(path, ss.keylog, ss.keylog_len - 30, "w");
	k = keyfile_read(path, false, err);
	ck_assert_msg(k != NULL, "%s", err);
	ck_assert(keyfile_find(k, ss.hello_random, &s));
	/* both endpoints logged every secret: the cut one is there too */
	ck_assert_uint_eq(s.have, KEYFILE_HAVE_ALL);
	ck_assert_uint_eq(keyfile_malformed(k), 1);
	unlink(path);
	keyfile_free(k);
	free(ss.keylog);
	/* cut short is the start of a kit line; anything else is refused */
	ck_assert_ptr_nonnull(k = keyfile_parse("KIT_CLIENT_RAN", 14, err));
	keyfile_free(k);
	ck_assert_ptr_null(keyfile_parse("not a key log at all", 20, err));
	ck_assert_msg(strstr(err, "line 1 "), "%s", err);
}
END_TEST

/* A key log read again: a line completed later, a file cut and written
 * anew to the same length (same inode), a file that appears late. */
START_TEST(test_keyfile_refresh_follows_the_file)
{
	struct session a, b;
	struct keyfile_secrets s;
	struct keyfile *k;
	char err[KIT_ERRLEN], path[] = "/tmp/check_keyfile.XXXXXX";
	size_t half;

	make_session(&a);
	make_session(&b);
	ck_assert_uint_eq(a.keylog_len, b.keylog_len);
	close(mkstemp(path));
	unlink(path);
	ck_assert_ptr_nonnull(k = keyfile_read(path, true, err));	/* none yet */
	ck_assert(!keyfile_refresh(k));
	half = (size_t)(strchr(a.keylog, '\n') - a.keylog) + 20;
	write_file(path, a.keylog, half, "w");	/* a line and a piece */
	ck_assert(keyfile_refresh(k));
	ck_assert(keyfile_find(k, a.hello_random, &s));
	ck_assert_uint_eq(__builtin_popcount(s.have), 1);
	write_file(path, a.keylog + half, a.keylog_len - half, "a");
	ck_assert(keyfile_refresh(k));
	ck_assert(keyfile_find(k, a.hello_random, &s));
	ck_assert_uint_eq(s.have, KEYFILE_HAVE_ALL);
	write_file(path, b.keylog, b.keylog_len, "w");	/* cut, the same size */
	ck_assert(keyfile_refresh(k));
	ck_assert(!keyfile_find(k, a.hello_random, &s));
	ck_assert(keyfile_find(k, b.hello_random, &s));
	ck_assert_uint_eq(keyfile_sessions(k), 1);
	ck_assert_uint_eq(keyfile_malformed(k), 0);
	unlink(path);
	keyfile_free(k);
	free(a.keylog);
	free(b.keylog);
}
END_TEST

Suite *
unseal_suite(void)
{
	Suite *s = suite_create("unseal");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_keyfile_merges_a_connections_lines);
	tcase_add_test(tc, test_keyfile_names_a_malformed_line);
	tcase_add_loop_test(tc, test_unseal_opens_every_record, 0, 3);
	tcase_add_test(tc, test_unseal_stops_at_a_tampered_record);
	tcase_add_test(tc, test_unseal_stops_after_a_gap);
	tcase_add_test(tc, test_unseal_shows_sealed_what_its_secrets_miss);
	tcase_add_test(tc, test_unseal_shows_an_unnamed_client_that_speaks_first);
	tcase_add_test(tc, test_unseal_passes_other_connections_as_they_are);
	tcase_add_test(tc, test_unseal_refuses_an_oversized_frame);
	tcase_add_test(tc, test_unseal_live_waits_for_secrets_being_written);
	tcase_add_test(tc, test_unseal_live_shows_sealed_what_never_opens);
	tcase_add_test(tc, test_unseal_live_capture_ending_early_says_so);
	tcase_add_test(tc, test_unseal_live_shows_unnamed_connection_at_its_client_auth);
	tcase_add_loop_test(tc,
			    test_unseal_live_shows_sealed_a_connection_past_its_handshake,
			    DIR_C2S, DIR_S2C + 1);
	tcase_add_test(tc, test_unseal_live_names_a_connection_at_its_limit);
	tcase_add_test(tc, test_unseal_live_opens_what_waited_before_a_gap);
	tcase_add_loop_test(tc, test_unseal_passes_a_server_that_is_not_secure_chat,
			    0, 2);
	tcase_add_test(tc, test_unseal_says_the_server_refused_it);
	tcase_add_test(tc, test_unseal_stops_without_the_server_hello);
	tcase_add_test(tc, test_keyfile_skips_a_cut_last_line);
	tcase_add_test(tc, test_keyfile_refresh_follows_the_file);
	suite_add_tcase(s, tc);
	return s;
}
