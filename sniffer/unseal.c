/* \summary: --keylog, the stage in front of the outputs: which
 * connections are secure_chat's and in the key log (their records are
 * opened, unseal_records.c), what passes as it is, and the report. */
#include <openssl/crypto.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "output.h"
#include "unseal.h"
#include "unseal_internal.h"

/* What a connection that passes as it is keeps in its slot: no state,
 * only whether it is secure_chat's, and why it is not opened (for the
 * report). */
static char passing, passing_sealed, passing_unlogged, passing_gap,
	passing_foreign, passing_refused;

static const char *
sealed_why(const void *marker)
{
	if (marker == &passing_foreign)
		return "its ClientHello was secure_chat's but the server's "
		       "answer was not: shown as it came";
	if (marker == &passing_refused)
		return "the server refused it before the key exchange (a "
		       "plaintext alert): shown as it came";
	if (marker == &passing_unlogged)
		return "the capture ended before the key log held its "
		       "secrets: shown sealed";
	if (marker == &passing_gap)
		return "bytes were missing from the capture before the key log "
		       "held its secrets: shown sealed";
	return "not in the key log: shown sealed";
}

static const char *const side_name[2] = { "client", "server" };

static bool
passes(const struct flow *f, int slot)
{
	return f->sink_state[slot] == &passing ||
	       f->sink_state[slot] == &passing_sealed ||
	       f->sink_state[slot] == &passing_unlogged ||
	       f->sink_state[slot] == &passing_gap ||
	       f->sink_state[slot] == &passing_foreign ||
	       f->sink_state[slot] == &passing_refused;
}

static const char *
plural(uint64_t n)
{
	return n == 1 ? "" : "s";
}

/* --- the outputs' side ------------------------------------------------------ */

void
unseal_forward(struct unseal *u, struct flow *f, int dir, const uint8_t *p,
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

/* From here on the connection passes as it is, the client's first bytes
 * (held while they could still be a ClientHello) first unless the caller
 * passes them on itself; c is freed. */
static void
go_raw(struct unseal *u, struct flow *f, struct conn *c, bool sealed,
       bool held_too)
{
	if (held_too)
		unseal_forward(u, f, DIR_C2S, c->hello, c->hello_len, false);
	f->sink_state[u->slot] = sealed ? &passing_sealed : &passing;
	records_free(c);
}

/* A connection that the key log never named: its bytes, kept until now,
 * as they were, and the rest as it comes; marker says why. All but a
 * refused or foreign one count as missing from the key log. */
static void
show_kept(struct unseal *u, struct flow *f, struct conn *c, char *marker)
{
	int d;

	for (d = 0; d < 2; d++)
		unseal_forward(u, f, d, c->side[d].raw, c->side[d].raw_len,
			       false);
	u->without_keys += marker != &passing_foreign &&
			   marker != &passing_refused;
	f->sink_state[u->slot] = marker;
	records_free(c);
}

/* Is c in the key log (live: read again if need be)? If so, what was kept
 * of it goes through the records: the server's side first (its
 * ServerHello has the suite), the client's after its ClientHello. */
static bool
name(struct unseal *u, struct flow *f, struct conn *c)
{
	struct side *cli = &c->side[DIR_C2S], *srv = &c->side[DIR_S2C];
	size_t hello = 0;
	uint8_t type;

	if (!keyfile_find(u->keys, c->random, &c->sec) &&
	    !(u->live && keyfile_refresh(u->keys) &&
	      keyfile_find(u->keys, c->random, &c->sec)))
		return false;
	c->found = true;
	u->opened++;
	if (srv->raw_len)
		records_data(u, f, c, DIR_S2C, srv->raw, srv->raw_len);
	if (cli->raw_len && frame_peek(cli->raw, cli->raw_len, &type,
				       &hello) == 0)
		records_data(u, f, c, DIR_C2S, cli->raw + hello,
			     cli->raw_len - hello);
	records_drop_raw(c);
	return true;
}

/* The length of the first n frames of p[0..len), or 0 unless all n are
 * whole. */
static size_t
frames_len(const uint8_t *p, size_t len, int n)
{
	size_t off = 0, flen;
	uint8_t type;

	while (n-- > 0) {
		if (len - off < FRAME_HEADER_LEN ||	/* (p may be NULL) */
		    frame_peek(p + off, len - off, &type, &flen) < 0 ||
		    flen > len - off)
			return 0;
		off += flen;
	}
	return off;
}

/* A connection the key log has not named: NULL while it still may be,
 * else how it is shown. A server that answers with neither a ServerHello
 * nor an alert is not secure_chat's after all; one that answers with a
 * plaintext alert refused it before any secret was made. Once the
 * client's first record (ClientAuth) is whole, or the server sends more
 * than its ServerHello and ServerAuth, both endpoints have logged the
 * handshake secrets if they log at all. (So a copy holds a handshake, a
 * few frames, and HOLD_MAX only bounds a single piece longer than that.) */
static char *
unnamed_verdict(const struct conn *c)
{
	const struct side *cli = &c->side[DIR_C2S], *srv = &c->side[DIR_S2C];
	size_t hello, flen;
	uint8_t type;
	int r;

	if (c->give_up)
		return &passing_sealed;
	r = frame_peek(srv->raw, srv->raw_len, &type, &flen);
	if (r == KIT_ETOOBIG ||
	    (r == 0 && type != FRAME_SERVER_HELLO && type != FRAME_ALERT) ||
	    (r == 0 && type == FRAME_SERVER_HELLO && flen <= srv->raw_len &&
	     !records_suite(srv->raw, flen)))
		return &passing_foreign;
	if (r == 0 && type == FRAME_ALERT && flen <= srv->raw_len)
		return &passing_refused;
	if ((flen = frames_len(srv->raw, srv->raw_len, 2)) &&
	    srv->raw_len > flen)
		return &passing_sealed;
	if (frame_peek(cli->raw, cli->raw_len, &type, &hello) < 0)
		return NULL;	/* cannot be: the ClientHello is kept first */
	r = frame_peek(cli->raw + hello, cli->raw_len - hello, &type, &flen);
	if (r == KIT_ETOOBIG ||
	    (r == 0 && type != FRAME_RECORD && type != FRAME_ALERT))
		return &passing_foreign;
	if (r == 0 && type == FRAME_RECORD && flen <= cli->raw_len - hello)
		return &passing_sealed;
	return NULL;
}

/* --- telling secure_chat from the rest -------------------------------------------- */

/* The client's first bytes, until they are a whole ClientHello or cannot
 * be one (then c is freed, and the connection passes). Returns how many
 * of p[0..n) it took. */
static size_t
client_hello(struct unseal *u, struct flow *f, struct conn *c,
	     const uint8_t *p, size_t n)
{
	size_t room = sizeof(c->hello) - c->hello_len, need, take;
	bool earlier = c->hello_len > 0;	/* held from earlier calls */
	struct hs_hello hl;

	take = n < room ? n : room;
	memcpy(c->hello + c->hello_len, p, take);
	c->hello_len += take;
	if (c->hello_len < FRAME_HEADER_LEN)
		return take;
	need = FRAME_HEADER_LEN + ((size_t)c->hello[1] << 8 | c->hello[2]);
	if (c->hello[0] != FRAME_CLIENT_HELLO || need > sizeof(c->hello) ||
	    (c->hello_len > FRAME_HEADER_LEN && c->hello[3] != HS_VERSION)) {
		/* This call's bytes go on in one piece, as they came. */
		go_raw(u, f, c, false, earlier);
		return earlier ? take : 0;
	}
	if (c->hello_len < need)
		return take;
	take -= c->hello_len - need;	/* the rest is what follows it */
	c->hello_len = need;
	if (hs_hello_parse(c->hello, need, true, &hl) < 0) {
		go_raw(u, f, c, false, true);
		return take;
	}
	memcpy(c->random, hl.random, 32);
	c->kit = true;
	/* Kept as it came until the key log names it, or clearly never
	 * will (unnamed_verdict). */
	if (!records_keep_raw(c, DIR_C2S, c->hello, need)) {
		u->without_keys++;	/* no memory to keep it */
		go_raw(u, f, c, true, true);
		return take;
	}
	c->hello_len = 0;
	(void)name(u, f, c);
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
		go_raw(u, f, c, false, true);	/* a secure_chat server never
						 * speaks first */
		c = NULL;
	} else if (c && !c->kit) {
		used = client_hello(u, f, c, p, n);
		p += used;
		n -= used;
		if (passes(f, u->slot))
			c = NULL;	/* freed */
		else if (!c->kit)
			return;		/* took it all: the hello goes on */
	}
	if (!c) {	/* it passes (or there was no memory for it) */
		unseal_forward(u, f, dir, p, n, stable);
		return;
	}
	if (!c->found) {	/* kept until the key log names it */
		char *shown;

		if (!records_keep_raw(c, dir, p, n)) {	/* no memory for it */
			show_kept(u, f, c, &passing_sealed);
			unseal_forward(u, f, dir, p, n, stable);
		} else if (!name(u, f, c) && (shown = unnamed_verdict(c))) {
			show_kept(u, f, c, shown);
		}
		return;
	}
	records_retry(u, f, c);
	records_data(u, f, c, dir, p, n);
}

static void
unseal_gap(void *self, struct flow *f, int dir, uint64_t len)
{
	struct unseal *u = self;
	struct conn *c = passes(f, u->slot) ? NULL : f->sink_state[u->slot];

	if (c && !c->kit) {
		go_raw(u, f, c, false, true);
	} else if (c && !c->found && !name(u, f, c)) {
		show_kept(u, f, c, &passing_gap);
	} else if (c) {
		records_retry(u, f, c);
		records_gap(u, f, c, dir);
		if (dir == DIR_S2C && !c->suite)	/* nothing opens */
			records_stop(&c->side[DIR_C2S], "the server's "
				     "ServerHello is missing from the capture");
	}
	forward_gap(u, f, dir, len);
}

/* --- the report --------------------------------------------------------------- */

/* The end of a connection whose key log entry was found: what still
 * waits, or a frame the capture cut, is said, and shown as it came. */
static void
last_words(struct unseal *u, struct flow *f, struct conn *c)
{
	int d;

	for (d = 0; d < 2; d++) {
		struct side *s = &c->side[d];

		if (s->waiting)
			records_stop(s, "the key log never held the secret of "
				     "its last records");
		else if (s->len > 0 && !s->stopped)
			records_stop(s, "the capture ends inside a record");
		records_spill(u, f, c, d);
	}
}

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
		fprintf(u->report, ", %s\n", sealed_why(f->sink_state[u->slot]));
		return;
	}
	fprintf(u->report, " (%s), in the key log: %llu record%s opened from "
		"the client, %llu from the server",
		c->suite ? aead_suite_name(c->suite) : "no suite",
		(unsigned long long)c->side[0].records,
		plural(c->side[0].records),
		(unsigned long long)c->side[1].records);
	u->not_in_full += c->side[0].stopped || c->side[1].stopped;
	if (c->login[0])
		fprintf(u->report, "; ClientAuth: %s", c->login);
	for (d = 0; d < 2; d++)
		if (c->side[d].why[0])
			fprintf(u->report, "; from the %s: %s", side_name[d],
				c->side[d].why);
	fputc('\n', u->report);
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
		go_raw(u, f, c, false, true);	/* a few bytes, and no more */
		c = NULL;
	} else if (c && !c->found && !name(u, f, c)) {
		char *shown = unnamed_verdict(c);	/* the last chance */

		if (!shown)	/* live, its secrets may have come later */
			shown = u->live ? &passing_unlogged : &passing_sealed;
		show_kept(u, f, c, shown);
		c = NULL;
	} else if (c) {
		records_retry(u, f, c);	/* the last chance for a secret */
	}
	if (c)
		last_words(u, f, c);
	if (!c && !f->syn_seen && f->sink_state[u->slot] == &passing)
		u->midstream++;	/* its ClientHello, if any, came before */
	if (c || (passes(f, u->slot) && f->sink_state[u->slot] != &passing))
		report(u, f, c);
	for (i = 0; i < u->ndown; i++)
		if (u->down[i].ops->flow_end)
			u->down[i].ops->flow_end(u->down[i].self, f);
	if (c)
		records_free(c);
	f->sink_state[u->slot] = NULL;
}

static void
unseal_finish(void *self)
{
	struct unseal *u = self;
	size_t in, other, bad;

	if (u->live)
		keyfile_refresh(u->keys);	/* for the counts */
	in = keyfile_sessions(u->keys);
	other = keyfile_skipped(u->keys);
	bad = keyfile_malformed(u->keys);
	fprintf(u->report, "sniffer: key log: %zu connection%s in it; %llu "
		"secure_chat connection%s opened with it, %llu not in it", in,
		plural(in), (unsigned long long)u->opened, plural(u->opened),
		(unsigned long long)u->without_keys);
	if (u->not_in_full)
		fprintf(u->report, "; %llu of those opened only in part (its "
			"line says why; the rest of its bytes are shown sealed)",
			(unsigned long long)u->not_in_full);
	if (other)
		fprintf(u->report, "; %zu TLS line%s skipped (a --tls chat's "
			"key log is for tshark)", other, plural(other));
	if (keyfile_error(u->keys))
		fprintf(u->report, "; it could not be read again: %s",
			keyfile_error(u->keys));
	if (u->midstream)
		fprintf(u->report, "; %llu connection%s began before the "
			"capture: a key log opens only those whose ClientHello "
			"it saw", (unsigned long long)u->midstream,
			plural(u->midstream));
	if (bad)
		fprintf(u->report, "; %zu malformed line%s skipped (cut short, "
			"or written during the capture)", bad, plural(bad));
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
unseal_sink_new(struct keyfile *keys, bool live, const struct sink *down,
		int ndown, int slot, FILE *report)
{
	struct sink *k = calloc(1, sizeof(*k));
	struct unseal *u = calloc(1, sizeof(*u));

	if (!k || !u) {
		free(k);
		free(u);
		return NULL;
	}
	*u = (struct unseal){ .keys = keys, .live = live, .down = down,
			      .ndown = ndown, .slot = slot, .report = report };
	*k = (struct sink){ &unseal_ops, u };
	return k;
}
