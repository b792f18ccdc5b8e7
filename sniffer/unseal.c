/* \summary: --keylog: opening secure_chat's records with the secrets of
 * the key log, as the endpoints themselves do (docs/PROTOCOL.md): the
 * first record of each direction under its handshake secret, the rest
 * under its application secret, key updates followed. */
#include <openssl/crypto.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "flow.h"
#include "record.h"
#include "safeprint.h"
#include "unseal.h"

/* ClientHello: type, length, version, random, ephemeral, n, 1..8 suites. */
#define HELLO_BODY_MIN (1 + 32 + 32 + 1 + 1)
#define HELLO_BODY_MAX (1 + 32 + 32 + 1 + 8)
#define HELLO_FRAME_MAX (FRAME_HEADER_LEN + HELLO_BODY_MAX)
#define LOGIN_TEXT 200

/* What a connection that passes as it is keeps in its slot: no state,
 * only whether it is secure_chat's (for the report). */
static char passing, passing_sealed;

static bool
passes(const struct flow *f, int slot)
{
	return f->sink_state[slot] == &passing ||
	       f->sink_state[slot] == &passing_sealed;
}

struct side {
	struct rec_dir keys;
	bool keyed, app;	/* keys set; past the handshake record */
	bool stopped;		/* nothing more is opened in this direction */
	uint8_t *frame;		/* a frame not yet whole (FRAME_MAX bytes) */
	size_t len;
	uint64_t records;
	char why[120];		/* why it stopped, or how it closed */
};

/* A connection until it is known to pass, then one whose records open. */
struct conn {
	bool kit;		/* a ClientHello the key log knows: opening */
	uint8_t hello[HELLO_FRAME_MAX];
	size_t hello_len;
	const struct kit_secrets *sec;
	int suite;
	struct side side[2];
	char login[LOGIN_TEXT];
};

struct unseal {
	const struct keyfile *keys;
	const struct sink *down;
	int ndown, slot;
	FILE *report;
	uint8_t plain[FRAME_MAX];	/* one opened record */
	uint64_t opened, without_keys;
};

static const char *const side_name[2] = { "client", "server" };

/* --- the outputs' side ------------------------------------------------------ */

static void
forward(struct unseal *u, struct flow *f, int dir, const uint8_t *p,
	size_t n, bool stable)
{
	int i;

	for (i = 0; i < u->ndown && n > 0; i++)
		if (u->down[i].ops->data)
			u->down[i].ops->data(u->down[i].self, f, dir, p, n,
					     stable);
}

static void
forward_gap(struct unseal *u, struct flow *f, int dir, uint64_t len)
{
	int i;

	for (i = 0; i < u->ndown; i++)
		if (u->down[i].ops->gap)
			u->down[i].ops->gap(u->down[i].self, f, dir, len);
}

static void free_conn(struct conn *c);

/* From here on the connection passes as it is, the client's first bytes
 * (held while they could still be a ClientHello) first; c is freed. */
static void
go_raw(struct unseal *u, struct flow *f, struct conn *c, bool sealed)
{
	forward(u, f, DIR_C2S, c->hello, c->hello_len, false);
	f->sink_state[u->slot] = sealed ? &passing_sealed : &passing;
	free_conn(c);
}

/* --- a direction's records ------------------------------------------------------ */

static void
stop(struct side *s, const char *why)
{
	if (!s->stopped)
		snprintf(s->why, sizeof(s->why), "%s", why);
	s->stopped = true;
}

static bool
set_keys(struct conn *c, int dir, bool app)
{
	const struct kit_secrets *k = c->sec;
	const uint8_t *secret = dir == DIR_C2S ? (app ? k->c_ap : k->c_hs)
					       : (app ? k->s_ap : k->s_hs);
	unsigned need = dir == DIR_C2S ? (app ? HAVE_C_AP : HAVE_C_HS)
				       : (app ? HAVE_S_AP : HAVE_S_HS);
	struct side *s = &c->side[dir];
	char err[KIT_ERRLEN];

	if (!(k->have & need)) {
		stop(s, app ? "the key log lacks its application secret"
			    : "the key log lacks its handshake secret");
		return false;
	}
	if (rec_dir_init(&s->keys, c->suite, secret, err) < 0) {
		stop(s, "the record keys cannot be made");
		return false;
	}
	s->keyed = true;
	s->app = app;
	return true;
}

/* What ClientAuth says: 2 | method | nick_len | nick | proof | finished. */
static void
describe_login(struct conn *c, const uint8_t *m, size_t n)
{
	static const char *const methods[] = { "anonymous", "key",
					       "password" };
	char nick[64], pw[LOGIN_TEXT / 2];
	size_t nl = n >= 3 ? m[2] : 0, pl;

	if (n < 3 + nl + 32 || m[0] != 2 || m[1] > 2 || nl == 0) {
		snprintf(c->login, sizeof(c->login), "a malformed ClientAuth");
		return;
	}
	safeprint_str(nick, sizeof(nick), (const char *)m + 3, nl);
	pl = m[1] == 2 && n > 4 + nl + 32 ? m[3 + nl] : 0;
	if (pl && 4 + nl + pl + 32 <= n) {
		safeprint_str(pw, sizeof(pw), (const char *)m + 4 + nl, pl);
		snprintf(c->login, sizeof(c->login), "%s login as \"%s\", "
			 "password \"%s\"", methods[m[1]], nick, pw);
	} else {
		snprintf(c->login, sizeof(c->login), "%s login as \"%s\"",
			 methods[m[1]], nick);
	}
	OPENSSL_cleanse(pw, sizeof(pw));
}

/* One opened record: data to the outputs, the rest noted or obeyed. */
static void
opened(struct unseal *u, struct flow *f, struct conn *c, int dir,
       uint8_t inner, size_t n)
{
	struct side *s = &c->side[dir];
	char err[KIT_ERRLEN];

	if (inner == INNER_DATA)
		forward(u, f, dir, u->plain, n, false);
	else if (inner == INNER_HANDSHAKE && dir == DIR_C2S && !s->app)
		describe_login(c, u->plain, n);
	else if (inner == INNER_ALERT && n == 2)
		snprintf(s->why, sizeof(s->why), "ended with the alert %s",
			 hs_alert_name(u->plain[1]));
	else if (inner == INNER_KEY_UPDATE && rec_dir_update(&s->keys, err) < 0)
		stop(s, "a key update cannot be followed");
	if (!s->app && !s->stopped)
		set_keys(c, dir, true);	/* the handshake record is behind */
}

static void
record(struct unseal *u, struct flow *f, struct conn *c, int dir,
       const uint8_t *frame, size_t len)
{
	struct side *s = &c->side[dir];
	uint8_t inner;
	size_t n;

	if (!s->keyed) {
		stop(s, "a record came before the ServerHello");
		return;
	}
	if (rec_open(&s->keys, frame, len, u->plain, sizeof(u->plain), &inner,
		     &n) < 0) {
		snprintf(s->why, sizeof(s->why), "record %llu does not open "
			 "with the key log's secrets (damaged, or not this "
			 "connection's)", (unsigned long long)s->records + 1);
		s->stopped = true;
		return;
	}
	s->records++;
	opened(u, f, c, dir, inner, n);
	OPENSSL_cleanse(u->plain, n + 1);
}

/* The server's first frame: ServerHello (version random ephemeral suite),
 * which names the suite both directions' keys need. */
static void
server_hello(struct conn *c, const uint8_t *frame, size_t len)
{
	int suite = len == FRAME_HEADER_LEN + 66 ? frame[len - 1] : 0;

	if (frame[0] != FRAME_SERVER_HELLO || !aead_suite_name(suite)) {
		stop(&c->side[DIR_S2C], "the first frame is not a ServerHello");
		stop(&c->side[DIR_C2S], "the server sent no ServerHello");
		return;
	}
	c->suite = suite;
	set_keys(c, DIR_C2S, false);
	set_keys(c, DIR_S2C, false);
}

static void
frame_done(struct unseal *u, struct flow *f, struct conn *c, int dir,
	   const uint8_t *frame, size_t len)
{
	struct side *s = &c->side[dir];

	if (dir == DIR_S2C && !c->suite && frame[0] != FRAME_ALERT)
		server_hello(c, frame, len);
	else if (frame[0] == FRAME_RECORD)
		record(u, f, c, dir, frame, len);
	else if (frame[0] == FRAME_ALERT && len == FRAME_HEADER_LEN + 2)
		snprintf(s->why, sizeof(s->why), "ended with the plaintext "
			 "alert %s", hs_alert_name(frame[4]));
	else
		stop(s, "a frame that is not secure_chat's");
}

/* Bytes of one direction, cut into frames; a frame split across calls is
 * gathered in s->frame. Returns how many of p[0..n) it took. */
static size_t
take_frame(struct unseal *u, struct flow *f, struct conn *c, int dir,
	   const uint8_t *p, size_t n)
{
	struct side *s = &c->side[dir];
	size_t flen, want;
	uint8_t type;
	int r;

	if (s->len == 0 && (r = frame_peek(p, n, &type, &flen)) == 0 &&
	    flen <= n) {
		frame_done(u, f, c, dir, p, flen);	/* whole: no copy */
		return flen;
	}
	if (!s->frame && !(s->frame = malloc(FRAME_MAX))) {
		stop(s, "out of memory");
		return n;
	}
	want = s->len < FRAME_HEADER_LEN ? FRAME_HEADER_LEN - s->len : 0;
	if (!want && frame_peek(s->frame, s->len, &type, &flen) == 0)
		want = flen - s->len;
	want = want < n ? want : n;
	memcpy(s->frame + s->len, p, want);
	s->len += want;
	if ((r = frame_peek(s->frame, s->len, &type, &flen)) == KIT_ETOOBIG)
		stop(s, "a frame longer than secure_chat allows");
	else if (r == 0 && s->len == flen) {
		frame_done(u, f, c, dir, s->frame, flen);
		s->len = 0;
	}
	return want;
}

static void
kit_data(struct unseal *u, struct flow *f, struct conn *c, int dir,
	 const uint8_t *p, size_t n)
{
	size_t used;

	while (n > 0 && !c->side[dir].stopped) {
		used = take_frame(u, f, c, dir, p, n);
		p += used;
		n -= used;
	}
}

/* --- telling secure_chat from the rest -------------------------------------------- */

/* The client's first bytes, until they are a whole ClientHello or cannot
 * be one (then c is freed, and the connection passes). Returns how many
 * of p[0..n) it took. */
static size_t
client_hello(struct unseal *u, struct flow *f, struct conn *c,
	     const uint8_t *p, size_t n)
{
	size_t body, need, take;
	const struct kit_secrets *sec;

	take = n < sizeof(c->hello) - c->hello_len ? n
						   : sizeof(c->hello) - c->hello_len;
	memcpy(c->hello + c->hello_len, p, take);
	c->hello_len += take;
	if (c->hello_len < FRAME_HEADER_LEN)
		return take;
	body = (size_t)c->hello[1] << 8 | c->hello[2];
	if (c->hello[0] != FRAME_CLIENT_HELLO || body < HELLO_BODY_MIN ||
	    body > HELLO_BODY_MAX ||
	    (c->hello_len > FRAME_HEADER_LEN && c->hello[3] != 1)) {
		go_raw(u, f, c, false);	/* not version 1's ClientHello */
		return take;
	}
	need = FRAME_HEADER_LEN + body;
	if (c->hello_len < need)
		return take;
	/* A whole ClientHello: bytes past it belong to what follows. */
	take -= c->hello_len - need;
	c->hello_len = need;
	if (!(sec = keyfile_find(u->keys, c->hello + 4))) {
		u->without_keys++;
		go_raw(u, f, c, true);
		return take;
	}
	c->sec = sec;
	c->kit = true;
	c->hello_len = 0;
	u->opened++;
	return take;
}

static struct conn *
conn_of(struct unseal *u, struct flow *f)
{
	struct conn *c = f->sink_state[u->slot];

	if (!c && (c = calloc(1, sizeof(*c))))
		f->sink_state[u->slot] = c;
	return c;
}

static void
unseal_data(void *self, struct flow *f, int dir, const uint8_t *p, size_t n,
	    bool stable)
{
	struct unseal *u = self;
	struct conn *c = passes(f, u->slot) ? NULL : conn_of(u, f);
	size_t used;

	if (c && !c->kit && dir == DIR_S2C) {
		go_raw(u, f, c, false);	/* secure_chat servers never speak first */
		c = NULL;
	} else if (c && !c->kit) {
		used = client_hello(u, f, c, p, n);
		p += used;
		n -= used;
		if (passes(f, u->slot))
			c = NULL;	/* freed */
	}
	if (!c)		/* it passes (or there was no memory for it) */
		forward(u, f, dir, p, n, stable);
	else if (c->kit)
		kit_data(u, f, c, dir, p, n);
}

static void
unseal_gap(void *self, struct flow *f, int dir, uint64_t len)
{
	struct unseal *u = self;
	struct conn *c = passes(f, u->slot) ? NULL : f->sink_state[u->slot];

	if (c && !c->kit)
		go_raw(u, f, c, false);
	else if (c)
		stop(&c->side[dir], "bytes are missing from the capture, and "
		     "no record after them can be opened");
	forward_gap(u, f, dir, len);
}

/* --- the report --------------------------------------------------------------- */

/* c is NULL for a secure_chat connection the key log does not hold. */
static void
report(struct unseal *u, const struct flow *f, const struct conn *c)
{
	char a[64], b[64];
	int d;

	fprintf(u->report, "sniffer: connection %llu, %s > %s: secure_chat",
		(unsigned long long)f->id, endpoint_str(&f->ep[0], a),
		endpoint_str(&f->ep[1], b));
	if (!c) {
		fprintf(u->report, ", not in the key log: shown sealed\n");
		return;
	}
	fprintf(u->report, " (%s), opened with the key log: %llu records "
		"from the client, %llu from the server",
		c->suite ? aead_suite_name(c->suite) : "no suite",
		(unsigned long long)c->side[0].records,
		(unsigned long long)c->side[1].records);
	if (c->login[0])
		fprintf(u->report, "; ClientAuth: %s", c->login);
	for (d = 0; d < 2; d++)
		if (c->side[d].why[0])
			fprintf(u->report, "; from the %s: %s", side_name[d],
				c->side[d].why);
	fputc('\n', u->report);
}

static void
free_conn(struct conn *c)
{
	int d;

	for (d = 0; d < 2; d++) {
		rec_dir_wipe(&c->side[d].keys);
		free(c->side[d].frame);
	}
	OPENSSL_cleanse(c, sizeof(*c));
	free(c);
}

static void
unseal_start(void *self, struct flow *f)
{
	struct unseal *u = self;
	int i;

	for (i = 0; i < u->ndown; i++)
		if (u->down[i].ops->flow_start)
			u->down[i].ops->flow_start(u->down[i].self, f);
}

static void
unseal_end(void *self, struct flow *f)
{
	struct unseal *u = self;
	struct conn *c = passes(f, u->slot) ? NULL : f->sink_state[u->slot];
	int i;

	if (c && !c->kit) {
		go_raw(u, f, c, false);	/* a few bytes, and nothing more */
		c = NULL;
	}
	if (c || f->sink_state[u->slot] == &passing_sealed)
		report(u, f, c);
	for (i = 0; i < u->ndown; i++)
		if (u->down[i].ops->flow_end)
			u->down[i].ops->flow_end(u->down[i].self, f);
	if (c)
		free_conn(c);
	f->sink_state[u->slot] = NULL;
}

static const char *
plural(uint64_t n)
{
	return n == 1 ? "" : "s";
}

static void
unseal_finish(void *self)
{
	struct unseal *u = self;
	size_t in = keyfile_sessions(u->keys), other = keyfile_skipped(u->keys);

	fprintf(u->report, "sniffer: key log: %zu connection%s in it; %llu "
		"secure_chat connection%s opened with it, %llu not in it", in,
		plural(in), (unsigned long long)u->opened, plural(u->opened),
		(unsigned long long)u->without_keys);
	if (other)
		fprintf(u->report, "; %zu line%s of other formats skipped (TLS "
			"key logs are for tshark)", other, plural(other));
	fputc('\n', u->report);
}

static const struct sink_ops unseal_ops = {
	.name = "unseal",
	.flow_start = unseal_start,
	.data = unseal_data,
	.gap = unseal_gap,
	.flow_end = unseal_end,
	.finish = unseal_finish,
};

struct sink *
unseal_sink_new(const struct keyfile *keys, const struct sink *down,
		int ndown, int slot, FILE *report)
{
	struct sink *k = calloc(1, sizeof(*k));
	struct unseal *u = calloc(1, sizeof(*u));

	if (!k || !u) {
		free(k);
		free(u);
		return NULL;
	}
	*u = (struct unseal){ .keys = keys, .down = down, .ndown = ndown,
			      .slot = slot, .report = report };
	*k = (struct sink){ &unseal_ops, u };
	return k;
}
