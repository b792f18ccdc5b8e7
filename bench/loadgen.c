/*
 * loadgen.c - single-threaded epoll load generator for IRC chat servers.
 *
 * Opens N client connections, registers each one (RFC 2812 §3.1.2 NICK,
 * §3.1.3 USER), joins one channel (§3.2.1) and waits for the end of the
 * NAMES reply (366). Then every client sends M PRIVMSGs (§3.3.1) to the
 * channel, and every client reads everything, checking per-sender order
 * and recording the delivery latency of each message. One summary line of
 * key=value pairs goes to stdout; diagnostics go to stderr.
 *
 * The program is standalone on purpose: it must drive servers that are not
 * ours (ngircd) and must not share bugs with the server it measures, so it
 * uses no kit header. Server output is untrusted: lines are framed with a
 * hard cap of 512 bytes (RFC 2812 §2.3) and longer ones are discarded.
 *
 * Build: cc -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror \
 *           bench/loadgen.c -o bin/loadgen
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define LG_LINE_MAX	512		/* RFC 2812 §2.3, CR LF included */
#define LG_WBUF		1024		/* registration burst or one message */
#define LG_RCHUNK	65536		/* shared receive buffer */
#define LG_READS_PER_EV	4		/* bounded reads per readiness event */
#define LG_MAXEV	1024
#define LG_MAXARG	15		/* RFC 2812 §2.3.1: at most 15 params */
#define LG_QUIET_MS	500		/* --idle: silence that means "at rest" */
#define LG_NICK_FMT	"b%" PRIu32

/* Lets the compiler check queue_line() formats like printf's. */
#if defined(__GNUC__)
#define LG_PRINTF(f, a)	__attribute__((format(printf, f, a)))
#else
#define LG_PRINTF(f, a)
#endif

/*
 * Latency histogram: 10 µs buckets up to 1 s (p50/p99 within 5 µs), then
 * 1 ms buckets up to 61 s, then one overflow count. 1.3 MB, whatever the
 * number of deliveries.
 */
#define HIST_FINE_NS	10000ULL
#define HIST_FINE_N	100000
#define HIST_COARSE_NS	1000000ULL
#define HIST_COARSE_N	60000

struct hist {
	uint64_t n;
	uint64_t max_ns;
	uint64_t over;
	uint64_t fine[HIST_FINE_N];
	uint64_t coarse[HIST_COARSE_N];
};

struct opts {
	const char *host;
	const char *channel;
	uint32_t port;
	uint32_t clients;
	uint32_t messages;
	uint32_t inflight;	/* connects not yet welcomed (001) */
	uint32_t window;	/* per-sender unacknowledged msgs, 0: off */
	uint32_t timeout_s;	/* give up after this long without progress */
	uint32_t max_s;		/* hard cap per phase */
	uint32_t hold_s;
	bool idle;
};

enum cstate {
	C_NEW, C_CONNECTING, C_REGISTERING, C_JOINING, C_JOINED, C_DEAD
};

struct client {
	int fd;
	enum cstate state;
	uint32_t events;	/* epoll interest currently registered */
	uint32_t sent;		/* messages sent so far */
	bool discarding;	/* inside an over-long line */
	uint16_t llen;		/* bytes of a partial line in line[] */
	uint16_t wlen, woff;	/* pending output is wbuf[woff..wlen) */
	char line[LG_LINE_MAX];
	char wbuf[LG_WBUF];
};

struct stats {
	uint64_t delivered;
	uint64_t order_errors;
	uint64_t bad_lines;	/* PRIVMSG text we did not send */
	uint64_t long_lines;	/* over 512 bytes, discarded */
	uint32_t disconnects;	/* any client lost, for any reason */
	uint32_t connect_errors;
	uint32_t reg_errors;	/* nick refused, etc. */
};

/* The one context passed everywhere: no globals. */
struct lg {
	struct opts o;
	int ep;
	struct sockaddr_in addr;
	struct client *c;
	uint32_t *last;		/* last[r * N + s]: last seq + 1 r saw from s */
	struct hist *h;
	struct stats st;
	uint32_t next_connect;	/* next client index to connect */
	uint32_t inflight;
	uint32_t joined;
	uint32_t dead;
	uint32_t senders_left;	/* joined clients with messages to send */
	uint32_t rr;		/* round-robin cursor for sending */
	bool sending;		/* senders_left is being kept */
	uint64_t expected;
	uint64_t t_start, t_joined, t_first_send, t_last_deliv, t_progress;
	uint64_t t_quiet;	/* --idle: when the server went quiet */
	uint64_t now;		/* time of the last receive, ns */
	char rbuf[LG_RCHUNK];
};

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

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void
hist_add(struct hist *h, uint64_t ns)
{
	h->n++;
	if (ns > h->max_ns)
		h->max_ns = ns;
	if (ns < HIST_FINE_NS * HIST_FINE_N)
		h->fine[ns / HIST_FINE_NS]++;
	else if (ns - HIST_FINE_NS * HIST_FINE_N < HIST_COARSE_NS * HIST_COARSE_N)
		h->coarse[(ns - HIST_FINE_NS * HIST_FINE_N) / HIST_COARSE_NS]++;
	else
		h->over++;
}

/* Quantile q in [0,1], in ms, as the midpoint of the bucket holding it. */
static double
hist_quantile_ms(const struct hist *h, double q)
{
	uint64_t rank, seen = 0;
	size_t i;

	if (h->n == 0)
		return 0.0;
	/* Nearest rank: the smallest value with at least q * n at or below. */
	rank = (uint64_t)(q * (double)h->n);
	if ((double)rank < q * (double)h->n || rank < 1)
		rank++;
	for (i = 0; i < HIST_FINE_N; i++) {
		seen += h->fine[i];
		if (seen >= rank)
			return ((double)i + 0.5) * HIST_FINE_NS / 1e6;
	}
	for (i = 0; i < HIST_COARSE_N; i++) {
		seen += h->coarse[i];
		if (seen >= rank)
			return (HIST_FINE_NS * HIST_FINE_N +
			    ((double)i + 0.5) * HIST_COARSE_NS) / 1e6;
	}
	return (double)h->max_ns / 1e6;
}

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
set_events(struct lg *lg, uint32_t i, uint32_t events)
{
	struct client *c = &lg->c[i];
	struct epoll_event ev = { .events = events, .data.u32 = i };

	if (c->events == events)
		return;
	if (epoll_ctl(lg->ep, EPOLL_CTL_MOD, c->fd, &ev) == 0)
		c->events = events;
}

static void
kill_client(struct lg *lg, uint32_t i, const char *why)
{
	struct client *c = &lg->c[i];

	if (c->state == C_DEAD)
		return;
	if (c->state == C_CONNECTING || c->state == C_REGISTERING)
		lg->inflight--;
	if (lg->sending && c->state == C_JOINED &&
	    c->sent < lg->o.messages)
		lg->senders_left--;
	if (lg->st.disconnects < 5)
		fprintf(stderr, "loadgen: client %" PRIu32 ": %s\n", i, why);
	lg->st.disconnects++;
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->state = C_DEAD;
	lg->dead++;
	lg->t_progress = now_ns();
}

/* Write pending output; watch for writability only while some is left. */
static void
flush_client(struct lg *lg, uint32_t i)
{
	struct client *c = &lg->c[i];
	ssize_t r;

	while (c->woff < c->wlen) {
		r = send(c->fd, c->wbuf + c->woff, c->wlen - c->woff,
		    MSG_NOSIGNAL);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (r <= 0) {
			kill_client(lg, i, r < 0 ? strerror(errno) :
			    "send returned 0");
			return;
		}
		c->woff += (uint16_t)r;
	}
	if (c->woff == c->wlen)
		c->woff = c->wlen = 0;
	set_events(lg, i, EPOLLIN | (c->wlen ? EPOLLOUT : 0));
}

static bool queue_line(struct lg *, uint32_t, const char *, ...)
    LG_PRINTF(3, 4);

/* Append one formatted line to the client's output; false if no room. */
static bool
queue_line(struct lg *lg, uint32_t i, const char *fmt, ...)
{
	struct client *c = &lg->c[i];
	size_t room = sizeof(c->wbuf) - c->wlen;
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vsnprintf(c->wbuf + c->wlen, room, fmt, ap);
	va_end(ap);
	if (r < 0 || (size_t)r >= room)
		return false;
	c->wlen += (uint16_t)r;
	return true;
}

static void
on_connected(struct lg *lg, uint32_t i)
{
	struct client *c = &lg->c[i];
	int err = 0;
	socklen_t len = sizeof(err);

	if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0 ||
	    err != 0) {
		lg->st.connect_errors++;
		kill_client(lg, i, err ? strerror(err) : "connect failed");
		return;
	}
	c->state = C_REGISTERING;
	lg->t_progress = now_ns();
	if (!queue_line(lg, i, "NICK " LG_NICK_FMT "\r\n"
	    "USER " LG_NICK_FMT " 0 * :bench\r\n", i, i)) {
		kill_client(lg, i, "registration does not fit");
		return;
	}
	flush_client(lg, i);
}

/* Start one non-blocking connect; the result arrives as EPOLLOUT. */
static void
start_connect(struct lg *lg, uint32_t i)
{
	struct client *c = &lg->c[i];
	struct epoll_event ev = { .events = EPOLLOUT, .data.u32 = i };
	int one = 1;
	bool ok = false;

	c->state = C_CONNECTING;
	lg->inflight++;
	c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd >= 0) {
		(void)setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one,
		    sizeof(one));
		ok = (connect(c->fd, (struct sockaddr *)&lg->addr,
		    sizeof(lg->addr)) == 0 || errno == EINPROGRESS) &&
		    epoll_ctl(lg->ep, EPOLL_CTL_ADD, c->fd, &ev) == 0;
	}
	if (!ok) {
		lg->st.connect_errors++;
		kill_client(lg, i, strerror(errno));
		return;
	}
	c->events = EPOLLOUT;
}

/* Keep at most o.inflight clients between connect() and 001, so that a
 * short listen backlog is not overrun (dropped SYNs cost 1 s each). */
static void
start_connects(struct lg *lg)
{
	while (lg->next_connect < lg->o.clients &&
	    lg->inflight < lg->o.inflight)
		start_connect(lg, lg->next_connect++);
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

static void
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

/*
 * Split received bytes into lines. A line that ends inside this chunk
 * and has no saved start is handled in place; otherwise it is assembled
 * in c->line. Lines over LG_LINE_MAX are counted and dropped up to the
 * next LF. Stops early if a handler closed the client.
 */
static void
feed(struct lg *lg, uint32_t i, const char *p, size_t n)
{
	struct client *c = &lg->c[i];
	const char *nl;
	size_t seg;

	while (n > 0 && c->state != C_DEAD) {
		nl = memchr(p, '\n', n);
		seg = nl ? (size_t)(nl - p) : n;
		if (c->discarding) {
			c->discarding = (nl == NULL);
		} else if (seg > sizeof(c->line) - 1 - c->llen) {
			lg->st.long_lines++;
			c->llen = 0;
			c->discarding = (nl == NULL);
		} else if (nl && c->llen == 0) {
			on_line(lg, i, p, seg);
		} else {
			memcpy(c->line + c->llen, p, seg);
			c->llen += (uint16_t)seg;
			if (nl) {
				on_line(lg, i, c->line, c->llen);
				c->llen = 0;
			}
		}
		seg += nl ? 1 : 0;
		p += seg;
		n -= seg;
	}
}

static void
read_client(struct lg *lg, uint32_t i)
{
	ssize_t r;
	int k;

	for (k = 0; k < LG_READS_PER_EV && lg->c[i].state != C_DEAD; k++) {
		r = recv(lg->c[i].fd, lg->rbuf, sizeof(lg->rbuf), 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (r <= 0) {
			kill_client(lg, i, r == 0 ? "server closed" :
			    strerror(errno));
			return;
		}
		lg->now = now_ns();
		feed(lg, i, lg->rbuf, (size_t)r);
		if ((size_t)r < sizeof(lg->rbuf))
			return;
	}
}

static void
on_event(struct lg *lg, const struct epoll_event *ev)
{
	uint32_t i = ev->data.u32;
	struct client *c;

	if (i >= lg->o.clients)
		return;
	c = &lg->c[i];
	if (c->state == C_DEAD)
		return;
	if (c->state == C_CONNECTING) {
		on_connected(lg, i);
		return;
	}
	if (ev->events & (EPOLLIN | EPOLLHUP | EPOLLERR))
		read_client(lg, i);
	if (c->state != C_DEAD && (ev->events & EPOLLOUT))
		flush_client(lg, i);
}

/* One epoll_wait and its events. */
static void
poll_once(struct lg *lg, int timeout_ms)
{
	struct epoll_event ev[LG_MAXEV];
	int n, k;

	n = epoll_wait(lg->ep, ev, LG_MAXEV, timeout_ms);
	for (k = 0; k < n; k++)
		on_event(lg, &ev[k]);
}

/* True while the phase that started at t0 may go on. */
static bool
phase_alive(const struct lg *lg, uint64_t t0)
{
	uint64_t t = now_ns();

	return t - lg->t_progress < (uint64_t)lg->o.timeout_s * 1000000000ULL &&
	    t - t0 < (uint64_t)lg->o.max_s * 1000000000ULL;
}

/* Phase (a): connect, register and join every client. */
static void
phase_join(struct lg *lg)
{
	lg->t_start = lg->t_progress = now_ns();
	while (lg->joined + lg->dead < lg->o.clients &&
	    phase_alive(lg, lg->t_start)) {
		start_connects(lg);
		poll_once(lg, 100);
	}
	lg->t_joined = now_ns();
	if (lg->joined < lg->o.clients)
		fprintf(stderr, "loadgen: only %" PRIu32 " of %" PRIu32
		    " clients joined\n", lg->joined, lg->o.clients);
}

/* The window, if any, counts a message as acknowledged once the next
 * client (its "witness") has received it: the server has then read it. */
static bool
may_send(const struct lg *lg, uint32_t i)
{
	uint32_t w = (i + 1) % lg->o.clients;
	uint32_t acked = lg->last[(size_t)w * lg->o.clients + i];

	return lg->o.window == 0 || lg->c[w].state == C_DEAD ||
	    lg->c[i].sent - acked < lg->o.window;
}

static void
send_one(struct lg *lg, uint32_t i)
{
	struct client *c = &lg->c[i];
	uint64_t t = now_ns();

	if (lg->t_first_send == 0)
		lg->t_first_send = t;
	if (!queue_line(lg, i, "PRIVMSG %s :%" PRIu32 " %" PRIu32 " %" PRIu64
	    "\r\n", lg->o.channel, i, c->sent, t))
		return;
	if (++c->sent == lg->o.messages)
		lg->senders_left--;
	lg->t_progress = t;
	flush_client(lg, i);
}

/* One round: at most one new message per client, and only from clients
 * whose previous message has left the socket, so send times are honest. */
static bool
send_round(struct lg *lg)
{
	uint32_t k, i, n = lg->o.clients;
	bool any = false;

	for (k = 0; k < n && lg->senders_left > 0; k++) {
		i = (lg->rr + k) % n;
		if (lg->c[i].state != C_JOINED || lg->c[i].wlen != 0 ||
		    lg->c[i].sent >= lg->o.messages || !may_send(lg, i))
			continue;
		send_one(lg, i);
		any = true;
	}
	lg->rr = (lg->rr + 1) % n;
	return any;
}

/* Phases (b) and (c): send, receive, check, until done or stalled. */
static void
phase_messages(struct lg *lg)
{
	uint64_t t0 = now_ns();
	uint32_t i;
	bool sent;

	for (i = 0; i < lg->o.clients; i++)
		if (lg->c[i].state == C_JOINED && lg->o.messages > 0)
			lg->senders_left++;
	lg->sending = true;
	lg->t_progress = t0;
	while (lg->st.delivered < lg->expected && lg->dead < lg->o.clients &&
	    phase_alive(lg, t0)) {
		sent = lg->senders_left > 0 && send_round(lg);
		poll_once(lg, sent ? 0 : 50);
	}
}

/*
 * --idle: the last 366 does not mean the server is idle; the JOIN echoes
 * of a big channel may still sit in its output queues. Read until nothing
 * has arrived for LG_QUIET_MS, so that memory is measured at rest; but
 * give up after --timeout, as a server that never rests is news too.
 */
static void
phase_quiesce(struct lg *lg)
{
	uint64_t t0 = now_ns(), t = t0;
	uint64_t cap = (uint64_t)lg->o.timeout_s * 1000000000ULL;

	lg->now = t0;
	while (t - t0 < cap && t - lg->now < LG_QUIET_MS * 1000000ULL) {
		poll_once(lg, 50);
		t = now_ns();
	}
	lg->t_quiet = t;
}

/* --idle: keep the clients registered (answering PINGs) for hold_s. */
static void
phase_hold(struct lg *lg)
{
	uint64_t end = now_ns() + (uint64_t)lg->o.hold_s * 1000000000ULL;

	while (now_ns() < end && lg->dead < lg->o.clients)
		poll_once(lg, 200);
}

static void
report(const struct lg *lg)
{
	const struct stats *st = &lg->st;
	double reg_s = (double)(lg->t_joined - lg->t_start) / 1e9;
	double span_s = 0.0, rate = 0.0;

	if (lg->t_last_deliv > lg->t_first_send && lg->t_first_send != 0)
		span_s = (double)(lg->t_last_deliv - lg->t_first_send) / 1e9;
	if (span_s > 0)
		rate = (double)st->delivered / span_s;
	printf("clients=%" PRIu32 " messages=%" PRIu32 " reg_s=%.3f"
	    " delivered=%" PRIu64 " expected=%" PRIu64 " msgs_per_s=%.0f"
	    " p50_ms=%.3f p99_ms=%.3f order_errors=%" PRIu64
	    " disconnects=%" PRIu32 " joined=%" PRIu32 " max_ms=%.3f"
	    " connect_errors=%" PRIu32 " reg_errors=%" PRIu32
	    " bad_lines=%" PRIu64 " long_lines=%" PRIu64,
	    lg->o.clients, lg->o.idle ? 0 : lg->o.messages, reg_s,
	    st->delivered, lg->expected, rate,
	    hist_quantile_ms(lg->h, 0.50), hist_quantile_ms(lg->h, 0.99),
	    st->order_errors, st->disconnects, lg->joined,
	    (double)lg->h->max_ns / 1e6, st->connect_errors, st->reg_errors,
	    st->bad_lines, st->long_lines);
	if (lg->o.idle)
		printf(" quiet_s=%.3f",
		    (double)(lg->t_quiet - lg->t_joined) / 1e9);
	printf("\n");
	fflush(stdout);
}

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: loadgen --port P --clients N --messages M [--host ADDR]\n"
	    "               [--channel NAME] [--timeout SEC] [--max-time SEC]\n"
	    "               [--inflight K] [--window W]\n"
	    "       loadgen --port P --clients N --idle [--hold SEC] ...\n"
	    "  --channel C   channel to join and talk in (#bench)\n"
	    "  --idle        register and join only, then hold (no messages)\n"
	    "  --hold S      --idle: seconds to keep the clients (10)\n"
	    "  --inflight K  clients between connect and 001 at once (256)\n"
	    "  --window W    unacknowledged messages per sender, 0: none (0)\n"
	    "  --timeout S   stop after S seconds without progress (20)\n"
	    "  --max-time S  hard limit for each phase (600)\n");
}

/* strtoul with range and garbage checks; false on any problem. */
static bool
arg_u32(const char *s, uint32_t lo, uint32_t hi, uint32_t *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || s[0] == '-' ||
	    v < lo || v > hi)
		return false;
	*out = (uint32_t)v;
	return true;
}

static bool
parse_num_opt(int ch, const char *arg, struct opts *o)
{
	switch (ch) {
	case 'p': return arg_u32(arg, 1, 65535, &o->port);
	case 'n': return arg_u32(arg, 1, 1000000, &o->clients);
	case 'm': return arg_u32(arg, 0, 1000000000, &o->messages);
	case 't': return arg_u32(arg, 1, 86400, &o->timeout_s);
	case 'T': return arg_u32(arg, 1, 86400, &o->max_s);
	case 'H': return arg_u32(arg, 0, 86400, &o->hold_s);
	case 'k': return arg_u32(arg, 1, 1000000, &o->inflight);
	case 'w': return arg_u32(arg, 0, 1000000000, &o->window);
	default:  return false;
	}
}

static bool
parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{ "host", required_argument, NULL, 'h' },
		{ "port", required_argument, NULL, 'p' },
		{ "clients", required_argument, NULL, 'n' },
		{ "messages", required_argument, NULL, 'm' },
		{ "channel", required_argument, NULL, 'c' },
		{ "timeout", required_argument, NULL, 't' },
		{ "max-time", required_argument, NULL, 'T' },
		{ "inflight", required_argument, NULL, 'k' },
		{ "window", required_argument, NULL, 'w' },
		{ "idle", no_argument, NULL, 'i' },
		{ "hold", required_argument, NULL, 'H' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	*o = (struct opts){ .host = "127.0.0.1", .channel = "#bench",
	    .inflight = 256, .timeout_s = 20, .max_s = 600, .hold_s = 10 };
	while ((ch = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		if (ch == 'h')
			o->host = optarg;
		else if (ch == 'c')
			o->channel = optarg;
		else if (ch == 'i')
			o->idle = true;
		else if (!parse_num_opt(ch, optarg, o))
			return false;
	}
	/* The channel goes into JOIN and PRIVMSG lines verbatim. */
	return optind == argc && o->port != 0 && o->clients != 0 &&
	    o->channel[0] != '\0' && strlen(o->channel) <= 50 &&
	    strpbrk(o->channel, " ,\r\n\a") == NULL;
}

/* Each client needs one descriptor; ask for the hard limit up front. */
static bool
raise_nofile(uint32_t need)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return false;
	rl.rlim_cur = rl.rlim_max;
	(void)setrlimit(RLIMIT_NOFILE, &rl);
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return false;
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < (rlim_t)need + 16) {
		fprintf(stderr, "loadgen: RLIMIT_NOFILE %llu is too low for"
		    " %" PRIu32 " clients\n", (unsigned long long)rl.rlim_cur,
		    need);
		return false;
	}
	return true;
}

static int
lg_init(struct lg *lg)
{
	uint32_t i, n = lg->o.clients;

	lg->addr.sin_family = AF_INET;
	lg->addr.sin_port = htons((uint16_t)lg->o.port);
	if (inet_pton(AF_INET, lg->o.host, &lg->addr.sin_addr) != 1) {
		fprintf(stderr, "loadgen: bad IPv4 address: %s\n", lg->o.host);
		return -1;
	}
	lg->c = calloc(n, sizeof(*lg->c));
	lg->h = calloc(1, sizeof(*lg->h));
	if (!lg->o.idle && lg->o.messages > 0)
		lg->last = calloc((size_t)n * n, sizeof(*lg->last));
	lg->ep = epoll_create1(EPOLL_CLOEXEC);
	if (lg->c == NULL || lg->h == NULL || lg->ep < 0 ||
	    (!lg->o.idle && lg->o.messages > 0 && lg->last == NULL)) {
		fprintf(stderr, "loadgen: out of memory or descriptors\n");
		return -1;
	}
	for (i = 0; i < n; i++)
		lg->c[i].fd = -1;
	if (!lg->o.idle)
		lg->expected = (uint64_t)n * lg->o.messages * (n - 1);
	return 0;
}

static void
lg_free(struct lg *lg)
{
	uint32_t i;

	for (i = 0; lg->c != NULL && i < lg->o.clients; i++)
		if (lg->c[i].fd >= 0)
			close(lg->c[i].fd);
	if (lg->ep >= 0)
		close(lg->ep);
	free(lg->c);
	free(lg->last);
	free(lg->h);
	free(lg);
}

int
main(int argc, char **argv)
{
	struct lg *lg;
	struct opts o;
	int rc;

	if (!parse_opts(argc, argv, &o)) {
		usage(stderr);
		return 2;
	}
	if (!raise_nofile(o.clients))
		return 2;
	if ((lg = calloc(1, sizeof(*lg))) == NULL)
		return 2;
	lg->o = o;
	lg->ep = -1;
	if (lg_init(lg) != 0) {
		lg_free(lg);
		return 2;
	}
	phase_join(lg);
	if (o.idle) {
		phase_quiesce(lg);
		report(lg);
		phase_hold(lg);
	} else {
		phase_messages(lg);
		report(lg);
	}
	rc = lg->joined == o.clients && lg->st.delivered == lg->expected &&
	    lg->st.order_errors == 0 && lg->st.disconnects == 0 ? 0 : 1;
	lg_free(lg);
	return rc;
}
