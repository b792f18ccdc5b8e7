/*
 * loadgen_conn.c - the client connections: non-blocking connects, the
 * transport over each (plain TCP or secure_chat), epoll interest, queued
 * output, and framing received bytes into lines with a hard cap of
 * LG_LINE_MAX (RFC 2812 §2.3).
 */
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "err.h"
#include "loadgen.h"
#include "transport.h"

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

/* Close the connection: through the transport once there is one (the
 * secure one then says close_notify). */
void
close_io(struct client *c)
{
	if (c->t)
		transport_close(c->t);
	else if (c->fd >= 0)
		close(c->fd);
	c->t = NULL;
	c->fd = -1;
}

void
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
	close_io(c);
	c->state = C_DEAD;
	lg->dead++;
	lg->t_progress = now_ns();
}

/*
 * Hand pending output to the transport, then let it send what it holds
 * (the secure one: sealed records, handshake messages). Watch for
 * writability only while the socket is what holds bytes back; before the
 * secure handshake is done, writes wait for the next read instead.
 */
void
flush_client(struct lg *lg, uint32_t i)
{
	struct client *c = &lg->c[i];
	ssize_t r = 0;
	int f;

	while (c->woff < c->wlen) {
		r = transport_write(c->t, c->wbuf + c->woff, c->wlen - c->woff);
		if (r == KIT_EAGAIN || r == KIT_EINCOMPLETE)
			break;
		if (r <= 0) {
			kill_client(lg, i, r < 0 ? transport_strerror(c->t,
			    (int)r) : "write returned 0");
			return;
		}
		c->woff += (uint16_t)r;
	}
	if (c->woff == c->wlen)
		c->woff = c->wlen = 0;
	f = transport_flush(c->t);
	if (f < 0 && f != KIT_EAGAIN) {
		kill_client(lg, i, transport_strerror(c->t, f));
		return;
	}
	set_events(lg, i, EPOLLIN |
	    (r == KIT_EAGAIN || f == KIT_EAGAIN ? EPOLLOUT : 0));
}

/* Append one formatted line to the client's output; false if no room. */
bool
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
	/* The secure transport starts its handshake here (ClientHello);
	 * NICK and USER wait in wbuf until it is done. */
	if (!(c->t = lg->wrap(c->fd, lg->wrap_ctx))) {
		c->fd = -1;	/* closed by the wrap */
		kill_client(lg, i, "out of memory");
		return;
	}
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
void
start_connects(struct lg *lg)
{
	while (lg->next_connect < lg->o.clients &&
	    lg->inflight < lg->o.inflight)
		start_connect(lg, lg->next_connect++);
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

/* Come back to client i without waiting for epoll: its transport holds
 * input that the socket no longer signals. */
static void
read_later(struct lg *lg, uint32_t i)
{
	struct client *c = &lg->c[i];

	if (c->again)
		return;
	c->again = true;
	c->next_again = lg->again;
	lg->again = i;
}

/*
 * Read up to LG_READ_BUDGET bytes. A short read means the socket is empty
 * unless the transport still holds bytes (whole records not yet returned).
 */
static void
read_client(struct lg *lg, uint32_t i)
{
	struct client *c = &lg->c[i];
	size_t total = 0;
	ssize_t r;

	while (c->state != C_DEAD) {
		if (total >= LG_READ_BUDGET) {
			if (c->t->ops->buffered && c->t->ops->buffered(c->t))
				read_later(lg, i);
			break;
		}
		r = transport_read(c->t, lg->rbuf, sizeof(lg->rbuf));
		if (r == KIT_EAGAIN) {
			if (c->t->ops->buffered && c->t->ops->buffered(c->t))
				read_later(lg, i);	/* it stopped early */
			break;
		}
		if (r <= 0) {
			kill_client(lg, i, r == 0 ? "server closed" :
			    transport_strerror(c->t, (int)r));
			return;
		}
		total += (size_t)r;
		lg->now = now_ns();
		feed(lg, i, lg->rbuf, (size_t)r);
		if ((size_t)r < sizeof(lg->rbuf) && !(c->t->ops->buffered &&
		    c->t->ops->buffered(c->t)))
			break;
	}
	/* A handshake step may have left output, or completed and so let
	 * the queued registration go. */
	if (c->state != C_DEAD && c->t->ops->flush)
		flush_client(lg, i);
}

/* The clients read_client left with input held, in one pass. */
static void
read_again(struct lg *lg)
{
	uint32_t i = lg->again, next;

	lg->again = LG_NONE;
	for (; i != LG_NONE; i = next) {
		next = lg->c[i].next_again;
		lg->c[i].again = false;
		if (lg->c[i].state != C_DEAD)
			read_client(lg, i);
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
void
poll_once(struct lg *lg, int timeout_ms)
{
	struct epoll_event ev[LG_MAXEV];
	int n, k;

	n = epoll_wait(lg->ep, ev, LG_MAXEV,
	    lg->again != LG_NONE ? 0 : timeout_ms);
	for (k = 0; k < n; k++)
		on_event(lg, &ev[k]);
	read_again(lg);
}
