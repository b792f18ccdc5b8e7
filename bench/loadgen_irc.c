/*
 * loadgen_irc.c - parse server lines (RFC 2812 §2.3.1) and react to them:
 * registration replies, PING, and the PRIVMSGs whose order and latency
 * are the measurement.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "loadgen.h"

#define LG_MAXARG	15		/* RFC 2812 §2.3.1: at most 15 params */

struct span {
	const char *p;
	size_t n;
};

/* One parsed server line (RFC 2812 §2.3.1); the prefix is skipped. */
struct ircmsg {
	struct span cmd;
	struct span arg[LG_MAXARG];
	unsigned nargs;
};

typedef void handler_fn(struct lg *, uint32_t, const struct ircmsg *);

struct handler {
	const char *cmd;
	handler_fn *fn;
};

/* Decimal digits only, no sign, no overflow; false otherwise. */
static bool
span_u64(struct span s, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (s.n == 0 || s.n > 20)
		return false;
	for (i = 0; i < s.n; i++) {
		unsigned d = (unsigned char)s.p[i] - '0';

		if (d > 9 || v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

static bool
span_eq(struct span s, const char *lit)
{
	size_t n = strlen(lit);

	return s.n == n && memcmp(s.p, lit, n) == 0;
}

/* Next space-separated word of [*p, end); empty spans are skipped. */
static struct span
next_word(const char **p, const char *end)
{
	struct span w;
	const char *sp;

	while (*p < end && **p == ' ')
		(*p)++;
	sp = memchr(*p, ' ', (size_t)(end - *p));
	w.p = *p;
	w.n = (size_t)((sp ? sp : end) - *p);
	*p = sp ? sp : end;
	return w;
}

/*
 * Parse one line without CR LF:
 *   [ ":" prefix SPACE ] command *( SPACE middle ) [ SPACE ":" trailing ]
 * Borrows s; the spans point into it. Returns false if there is no command.
 */
static bool
irc_parse(const char *s, size_t n, struct ircmsg *m)
{
	const char *p = s, *end = s + n;

	m->nargs = 0;
	if (p < end && *p == ':')
		(void)next_word(&p, end);
	m->cmd = next_word(&p, end);
	if (m->cmd.n == 0)
		return false;
	while (m->nargs < LG_MAXARG) {
		while (p < end && *p == ' ')
			p++;
		if (p == end)
			break;
		if (*p == ':') {
			m->arg[m->nargs].p = p + 1;
			m->arg[m->nargs++].n = (size_t)(end - p - 1);
			break;
		}
		m->arg[m->nargs++] = next_word(&p, end);
	}
	return true;
}

static void
h_welcome(struct lg *lg, uint32_t i, const struct ircmsg *m)
{
	struct client *c = &lg->c[i];

	(void)m;
	if (c->state != C_REGISTERING)
		return;
	c->state = C_JOINING;
	lg->inflight--;
	lg->t_progress = now_ns();
	if (!queue_line(lg, i, "JOIN %s\r\n", lg->o.channel)) {
		kill_client(lg, i, "JOIN does not fit");
		return;
	}
	flush_client(lg, i);
}

/* 366 RPL_ENDOFNAMES "<nick> <channel> :End of NAMES list" */
static void
h_endnames(struct lg *lg, uint32_t i, const struct ircmsg *m)
{
	struct client *c = &lg->c[i];
	const char *ch = lg->o.channel;

	if (c->state != C_JOINING || m->nargs < 2 ||
	    m->arg[1].n != strlen(ch) ||
	    strncasecmp(m->arg[1].p, ch, m->arg[1].n) != 0)
		return;
	c->state = C_JOINED;
	lg->joined++;
	lg->t_progress = now_ns();
}

static void
h_ping(struct lg *lg, uint32_t i, const struct ircmsg *m)
{
	struct span tok = { "x", 1 };

	if (m->nargs > 0 && m->arg[0].n > 0 && m->arg[0].n < 400)
		tok = m->arg[0];
	if (!queue_line(lg, i, "PONG :%.*s\r\n", (int)tok.n, tok.p))
		return;		/* output full: the next PING will do */
	flush_client(lg, i);
}

static void
h_error(struct lg *lg, uint32_t i, const struct ircmsg *m)
{
	(void)m;
	kill_client(lg, i, "ERROR from server");
}

/* 432/433: the nick was refused, so this client can never register. */
static void
h_badnick(struct lg *lg, uint32_t i, const struct ircmsg *m)
{
	(void)m;
	lg->st.reg_errors++;
	kill_client(lg, i, "nick refused");
}

/* The receiver's view of sender s: strictly increasing seq (no loss of
 * order, no duplicate), latency from the embedded send time. */
static void
record_delivery(struct lg *lg, uint32_t r, uint32_t s, uint64_t seq,
    uint64_t ts)
{
	uint32_t *last = &lg->last[(size_t)r * lg->o.clients + s];

	if (seq + 1 <= *last)
		lg->st.order_errors++;
	else
		*last = (uint32_t)(seq + 1);
	lg->st.delivered++;
	hist_add(lg->h, lg->now - ts);
	lg->t_last_deliv = lg->now;
	lg->t_progress = lg->now;
}

/* PRIVMSG <channel> :<sender-index> <seq> <send-time-ns> */
static void
h_privmsg(struct lg *lg, uint32_t i, const struct ircmsg *m)
{
	const char *p, *end;
	struct span w[3];
	uint64_t v[3];
	int k;

	if (lg->last == NULL || m->nargs < 2) {
		lg->st.bad_lines++;
		return;
	}
	p = m->arg[1].p;
	end = p + m->arg[1].n;
	for (k = 0; k < 3; k++) {
		w[k] = next_word(&p, end);
		if (!span_u64(w[k], &v[k])) {
			lg->st.bad_lines++;
			return;
		}
	}
	if (v[0] >= lg->o.clients || v[0] == i ||
	    v[1] >= lg->o.messages || v[2] > lg->now) {
		lg->st.bad_lines++;
		return;
	}
	record_delivery(lg, i, (uint32_t)v[0], v[1], v[2]);
}

/* PRIVMSG first: it is nearly every line of the message phase. */
static const struct handler handlers[] = {
	{ "PRIVMSG",	h_privmsg },
	{ "PING",	h_ping },
	{ "001",	h_welcome },
	{ "366",	h_endnames },
	{ "ERROR",	h_error },
	{ "432",	h_badnick },
	{ "433",	h_badnick },
};

void
on_line(struct lg *lg, uint32_t i, const char *s, size_t n)
{
	struct ircmsg m;
	size_t k;

	if (n > 0 && s[n - 1] == '\r')
		n--;
	if (!irc_parse(s, n, &m))
		return;
	for (k = 0; k < sizeof(handlers) / sizeof(handlers[0]); k++) {
		if (span_eq(m.cmd, handlers[k].cmd)) {
			handlers[k].fn(lg, i, &m);
			return;
		}
	}
}
