/* \summary: --keylog, one direction of a secure_chat connection: frames
 * gathered, records opened as the endpoints open them (docs/PROTOCOL.md:
 * the first under the handshake secret, the rest under the application
 * secret, key updates followed), a ClientAuth described. */
#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "safeprint.h"
#include "unseal_internal.h"

#define GAP_WHY "bytes are missing from the capture, and no record after " \
	"them can be opened"

void
records_stop(struct side *s, const char *why)
{
	if (!s->stopped)
		snprintf(s->why, sizeof(s->why), "%s", why);
	s->stopped = true;
}

void
records_spill(struct unseal *u, struct flow *f, struct conn *c, int dir)
{
	struct side *s = &c->side[dir];

	unseal_forward(u, f, dir, s->frame, s->len, false);
	unseal_forward(u, f, dir, s->held, s->held_len, false);
	s->len = 0;
	s->waiting = false;
	free(s->held);
	s->held = NULL;
	s->held_len = 0;
}

void
records_gap(struct unseal *u, struct flow *f, struct conn *c, int dir)
{
	struct side *s = &c->side[dir];

	if (s->waiting) {
		s->cut = true;	/* what waits opens yet, then it stops */
	} else {
		records_stop(s, GAP_WHY);
		records_spill(u, f, c, dir);	/* a frame the gap cut */
	}
}

bool
records_keep_raw(struct conn *c, int dir, const uint8_t *p, size_t n)
{
	struct side *s = &c->side[dir];
	uint8_t *grown;

	if (n == 0)
		return true;
	if (!(grown = realloc(s->raw, s->raw_len + n)))
		return false;
	s->raw = grown;
	memcpy(s->raw + s->raw_len, p, n);
	s->raw_len += n;
	if (s->raw_len > HOLD_MAX)
		c->give_up = true;	/* too long unnamed: shown as it is */
	return true;
}

void
records_drop_raw(struct conn *c)
{
	int d;

	for (d = 0; d < 2; d++) {
		free(c->side[d].raw);
		c->side[d].raw = NULL;
		c->side[d].raw_len = 0;
	}
}

/* The connection's copy of its secrets, with what the table holds now
 * added (the table may have been read again since, or cut). */
static void
add_secrets(struct unseal *u, struct conn *c)
{
	struct keyfile_secrets now;

	memcpy(now.random, c->random, 32);
	if (keyfile_find(u->keys, c->random, &now))
		keyfile_merge(&c->sec, &now);
	OPENSSL_cleanse(&now, sizeof(now));
}

/* The secret of dir's next record into s->keys, from the copy, the table
 * or (live) the file read again. STEP_WAIT: a live capture whose key log
 * lacks it yet; otherwise a missing one stops the side. */
static int
ensure_keys(struct unseal *u, struct conn *c, int dir)
{
	struct side *s = &c->side[dir];
	const struct keyfile_secrets *k = &c->sec;
	unsigned bit = dir == DIR_C2S
		       ? (s->app ? KEYFILE_HAVE_C_AP : KEYFILE_HAVE_C_HS)
		       : (s->app ? KEYFILE_HAVE_S_AP : KEYFILE_HAVE_S_HS);
	const uint8_t *secret = dir == DIR_C2S ? (s->app ? k->c_ap : k->c_hs)
					       : (s->app ? k->s_ap : k->s_hs);
	char err[KIT_ERRLEN];

	if (s->keyed)
		return STEP_DONE;
	if (!(k->have & bit)) {
		add_secrets(u, c);
		if (!(k->have & bit) && u->live && keyfile_refresh(u->keys))
			add_secrets(u, c);
	}
	if ((!(k->have & bit) || !c->suite) && u->live)
		return STEP_WAIT;
	if (!c->suite)
		records_stop(s, "a record came before the ServerHello");
	else if (!(k->have & bit))
		records_stop(s, s->app ? "the key log lacks its application "
			     "secret" : "the key log lacks its handshake secret");
	else if (rec_dir_init(&s->keys, c->suite, secret, err) < 0)
		records_stop(s, "the record keys cannot be made");
	else
		s->keyed = true;
	return STEP_DONE;
}

/* What ClientAuth says (its password too: the lesson of a leaked log). */
static void
describe_login(struct conn *c, const uint8_t *m, size_t n)
{
	static const char *const methods[] = { "anonymous", "key",
					       "password" };
	char nick[4 * HS_NICK_MAX + 1], pw[4 * HS_PASSWORD_MAX + 1];
	struct hs_client_auth ca;
	size_t pl;

	if (hs_client_auth_parse(m, n, &ca) < 0) {
		snprintf(c->login, sizeof(c->login), "a malformed ClientAuth");
		return;
	}
	safeprint_str(nick, sizeof(nick), ca.nick, strlen(ca.nick));
	if (ca.method != HS_PASSWORD) {
		snprintf(c->login, sizeof(c->login), "%s login as \"%s\"",
			 methods[ca.method], nick);
		return;
	}
	pl = ca.proof_len - 1;
	safeprint_str(pw, sizeof(pw), (const char *)ca.proof + 1, pl);
	snprintf(c->login, sizeof(c->login), "password login as \"%s\", "
		 "password \"%s\" (%zu byte%s)", nick, pw, pl, pl == 1 ? "" : "s");
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
		unseal_forward(u, f, dir, u->plain, n, false);
	else if (inner == INNER_HANDSHAKE && dir == DIR_C2S && !s->app)
		describe_login(c, u->plain, n);
	else if (inner == INNER_ALERT && n == 2)
		snprintf(s->why, sizeof(s->why), "ended with the alert %s",
			 hs_alert_name(u->plain[1]));
	else if (inner == INNER_KEY_UPDATE && rec_dir_update(&s->keys, err) < 0)
		records_stop(s, "a key update cannot be followed");
	if (!s->app) {	/* the handshake record is behind */
		s->app = true;
		s->keyed = false;
	}
}

static int
record(struct unseal *u, struct flow *f, struct conn *c, int dir,
       const uint8_t *frame, size_t len)
{
	struct side *s = &c->side[dir];
	char why[sizeof(s->why)];
	uint8_t inner;
	size_t n;

	if (ensure_keys(u, c, dir) == STEP_WAIT)
		return STEP_WAIT;
	if (s->stopped)
		return STEP_DONE;
	if (rec_open(&s->keys, frame, len, u->plain, sizeof(u->plain), &inner,
		     &n) < 0) {
		snprintf(why, sizeof(why), "record %llu does not open with "
			 "the key log's secrets (damaged, or not this "
			 "connection's)", (unsigned long long)s->records + 1);
		records_stop(s, why);
		return STEP_DONE;
	}
	s->records++;
	opened(u, f, c, dir, inner, n);
	OPENSSL_cleanse(u->plain, n + 1);
	return STEP_DONE;
}

int
records_suite(const uint8_t *frame, size_t len)
{
	struct hs_hello hl;

	if (frame[0] != FRAME_SERVER_HELLO ||
	    hs_hello_parse(frame, len, false, &hl) < 0 ||
	    hl.version != HS_VERSION || !aead_suite_name(hl.suites[0]))
		return 0;
	return hl.suites[0];
}

/* The server's first frame, a ServerHello: the suite both directions'
 * keys need. */
static void
server_hello(struct conn *c, const uint8_t *frame, size_t len)
{
	if (!(c->suite = records_suite(frame, len))) {
		records_stop(&c->side[DIR_S2C], "the first frame is not a "
			     "ServerHello");
		records_stop(&c->side[DIR_C2S], "the server sent no ServerHello");
	}
}

static int
frame_done(struct unseal *u, struct flow *f, struct conn *c, int dir,
	   const uint8_t *frame, size_t len)
{
	struct side *s = &c->side[dir];

	if (dir == DIR_S2C && !c->suite && frame[0] != FRAME_ALERT) {
		server_hello(c, frame, len);
	} else if (frame[0] == FRAME_RECORD) {
		return record(u, f, c, dir, frame, len);
	} else if (frame[0] == FRAME_ALERT && len == FRAME_HEADER_LEN + 2) {
		snprintf(s->why, sizeof(s->why), "ended with the plaintext "
			 "alert %s", hs_alert_name(frame[4]));
	} else {
		records_stop(s, "a frame that is not secure_chat's");
	}
	return STEP_DONE;
}

/* frame (len bytes) waits in s->frame for its secret. */
static void
wait_on(struct unseal *u, struct flow *f, struct conn *c, int dir,
	const uint8_t *frame, size_t len)
{
	struct side *s = &c->side[dir];

	if (!s->frame && !(s->frame = malloc(FRAME_MAX))) {
		records_stop(s, "out of memory");
		unseal_forward(u, f, dir, frame, len, false);
		return;
	}
	if (frame != s->frame)
		memcpy(s->frame, frame, len);
	s->len = len;
	s->waiting = true;
}

/* Bytes of one direction, cut into frames; a frame split across calls is
 * gathered in s->frame. Returns how many of p[0..n) it took; a frame at
 * which the direction stops goes to the outputs as it came. */
static size_t
take_frame(struct unseal *u, struct flow *f, struct conn *c, int dir,
	   const uint8_t *p, size_t n)
{
	struct side *s = &c->side[dir];
	size_t flen, want;
	uint8_t type;
	int r;

	if (s->len == 0 && frame_peek(p, n, &type, &flen) == 0 && flen <= n) {
		if (frame_done(u, f, c, dir, p, flen) == STEP_WAIT)
			wait_on(u, f, c, dir, p, flen);	/* whole: else no copy */
		else if (s->stopped)
			unseal_forward(u, f, dir, p, flen, false);
		return flen;
	}
	if (!s->frame && !(s->frame = malloc(FRAME_MAX))) {
		records_stop(s, "out of memory");
		return 0;	/* feed shows the rest as it came */
	}
	want = s->len < FRAME_HEADER_LEN ? FRAME_HEADER_LEN - s->len : 0;
	if (!want && frame_peek(s->frame, s->len, &type, &flen) == 0)
		want = flen - s->len;
	want = want < n ? want : n;
	memcpy(s->frame + s->len, p, want);
	s->len += want;
	if ((r = frame_peek(s->frame, s->len, &type, &flen)) == KIT_ETOOBIG) {
		records_stop(s, "a frame longer than secure_chat allows");
		records_spill(u, f, c, dir);
	} else if (r == 0 && s->len == flen) {
		if (frame_done(u, f, c, dir, s->frame, flen) == STEP_WAIT)
			wait_on(u, f, c, dir, s->frame, flen);
		else if (s->stopped)
			records_spill(u, f, c, dir);
		else
			s->len = 0;
	}
	return want;
}

/* Bytes behind a waiting frame, kept in order, up to HOLD_MAX; past it,
 * the direction stops and all of it is shown as it came. */
static void
hold(struct unseal *u, struct flow *f, struct conn *c, int dir,
     const uint8_t *p, size_t n)
{
	struct side *s = &c->side[dir];
	uint8_t *grown = NULL;

	if (n > HOLD_MAX - s->held_len)
		records_stop(s, "its secret was not logged while 1 MiB waited "
			     "for it");
	else if (!(grown = realloc(s->held, s->held_len + n)))
		records_stop(s, "out of memory");
	if (!grown) {
		records_spill(u, f, c, dir);
		unseal_forward(u, f, dir, p, n, false);
		return;
	}
	s->held = grown;
	memcpy(s->held + s->held_len, p, n);
	s->held_len += n;
}

/* p[0..n) of dir, frame by frame, held behind a frame that waits. Once
 * the direction has stopped, its bytes go to the outputs as they came,
 * as a connection's do that the key log does not hold: the report says
 * why they are not opened, and nothing captured is lost from view. */
static void
feed(struct unseal *u, struct flow *f, struct conn *c, int dir,
     const uint8_t *p, size_t n)
{
	struct side *s = &c->side[dir];
	size_t used;

	while (n > 0 && !s->stopped) {
		if (s->waiting) {
			hold(u, f, c, dir, p, n);
			return;
		}
		used = take_frame(u, f, c, dir, p, n);
		p += used;
		n -= used;
	}
	if (s->stopped) {
		records_spill(u, f, c, dir);	/* a frame stopped elsewhere */
		unseal_forward(u, f, dir, p, n, false);
	}
}

void
records_data(struct unseal *u, struct flow *f, struct conn *c, int dir,
	     const uint8_t *p, size_t n)
{
	if (!c->side[dir].cut)	/* bytes after a gap cannot be framed */
		feed(u, f, c, dir, p, n);
}

/* The waiting frame of dir, then what was held behind it; after a gap,
 * nothing more. */
static void
resume(struct unseal *u, struct flow *f, struct conn *c, int dir)
{
	struct side *s = &c->side[dir];
	uint8_t *held = s->held;
	size_t n = s->held_len;

	if (!s->waiting || s->stopped ||
	    frame_done(u, f, c, dir, s->frame, s->len) == STEP_WAIT)
		return;
	if (s->stopped) {
		records_spill(u, f, c, dir);
		return;
	}
	s->waiting = false;
	s->len = 0;
	s->held = NULL;
	s->held_len = 0;
	feed(u, f, c, dir, held, n);
	free(held);
	if (s->cut && !s->waiting)
		records_stop(s, GAP_WHY);
}

void
records_retry(struct unseal *u, struct flow *f, struct conn *c)
{
	resume(u, f, c, DIR_S2C);	/* a ServerHello first: the suite */
	resume(u, f, c, DIR_C2S);
}

void
records_free(struct conn *c)
{
	int d;

	for (d = 0; d < 2; d++) {
		rec_dir_wipe(&c->side[d].keys);
		free(c->side[d].frame);
		free(c->side[d].held);
		free(c->side[d].raw);
	}
	OPENSSL_cleanse(c, sizeof(*c));
	free(c);
}
