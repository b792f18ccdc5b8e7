/* \summary: hs_bench's client side of one secure connection: connect,
 * handshake, write and read through the kit's secure transport, every
 * wait bounded by a deadline. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "err.h"
#include "hs_bench.h"
#include "net.h"
#include "transport.h"

static double
seconds_of(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double
hsb_now(void)
{
	return seconds_of(CLOCK_MONOTONIC);
}

double
hsb_cpu_now(void)
{
	return seconds_of(CLOCK_PROCESS_CPUTIME_ID);
}

int
hsb_wait(int fd, short events, double until)
{
	struct pollfd p = { .fd = fd, .events = events };
	double left = until - hsb_now();
	int r;

	if (left <= 0)
		return 0;
	r = poll(&p, 1, (int)(left * 1000) + 1);
	if (r < 0 && errno == EINTR)
		return 1;	/* the caller looks again */
	return r < 0 ? -1 : r;
}

/* Flush what the transport holds; POLLOUT when the socket is full. */
static short
flush_events(struct transport *t, int *r)
{
	*r = transport_flush(t);
	return *r == KIT_EAGAIN ? POLLIN | POLLOUT : POLLIN;
}

/* Let the handshake move: frames in, replies out. 0 or -1 with err. */
static int
drive(struct transport *t, double until, char err[static 256])
{
	uint8_t scratch[64];
	short ev;
	int r, w;
	ssize_t n;

	ev = flush_events(t, &r);
	if (r < 0 && r != KIT_EAGAIN)
		goto broken;
	if ((w = hsb_wait(t->fd, ev, until)) <= 0) {
		snprintf(err, KIT_ERRLEN, "handshake %s", w == 0 ?
			 "timed out" : "poll failed");
		return -1;
	}
	n = transport_read(t, scratch, sizeof(scratch));
	if (n >= 0 || n == KIT_EAGAIN)
		return 0;	/* the chat server says nothing first */
	r = (int)n;
broken:
	snprintf(err, KIT_ERRLEN, "%s", transport_strerror(t, r));
	return -1;
}

struct transport *
hsb_connect(const struct hsb *b, const void *first, size_t n,
	    char err[static 256])
{
	double until = hsb_now() + b->timeout;
	struct transport *t;
	ssize_t w;
	int fd, i;

	if ((fd = net_connect(b->host, b->port, err)) < 0)
		return NULL;
	if (net_set_nonblock(fd) < 0 || net_set_nodelay(fd) < 0) {
		snprintf(err, KIT_ERRLEN, "socket options failed");
		close(fd);
		return NULL;
	}
	if (!(t = secure_transport_new(fd, &b->sec))) {
		snprintf(err, KIT_ERRLEN, "out of memory");
		return NULL;
	}
	/* (transport_strerror of a failed handshake says "handshake failed".)
	 * A handshake takes a few reads: the deadline bounds the waiting,
	 * the count a socket that stays readable with nothing to show. */
	for (i = 0; i < 1000; i++) {
		w = transport_write(t, first, n);
		if (w == (ssize_t)n)
			return t;
		/* (KIT_EAGAIN: done, but the socket has not taken it all.) */
		if (w != KIT_EINCOMPLETE && w != KIT_EAGAIN) {
			snprintf(err, KIT_ERRLEN, "%s", w >= 0 ? "handshake: "
				 "short write" : transport_strerror(t, (int)w));
			break;
		}
		if (drive(t, until, err) < 0)
			break;
	}
	if (i == 1000)
		snprintf(err, KIT_ERRLEN, "handshake does not progress");
	transport_close(t);
	return NULL;
}

/* Wait up to timeout seconds for room in the socket, or say why not. */
static int
wait_out(struct transport *t, double timeout, char err[static 256])
{
	if (hsb_wait(t->fd, POLLOUT, hsb_now() + timeout) > 0)
		return 0;
	snprintf(err, KIT_ERRLEN, "timed out writing");
	return -1;
}

int
hsb_write_all(struct transport *t, const uint8_t *p, size_t n, double timeout,
	      char err[static 256])
{
	size_t off = 0;
	ssize_t w;
	int r;

	while (off < n) {
		if ((w = transport_write(t, p + off, n - off)) > 0)
			off += (size_t)w;
		else if (w != KIT_EAGAIN)
			goto broken;
		else if (wait_out(t, timeout, err) < 0)
			return -1;
	}
	while ((w = transport_flush(t)) == KIT_EAGAIN)
		if (wait_out(t, timeout, err) < 0)
			return -1;
	if (w == 0)
		return 0;
broken:
	r = (int)w;
	snprintf(err, KIT_ERRLEN, "%s", transport_strerror(t, r));
	return -1;
}

long
hsb_read_some(struct transport *t, uint8_t *buf, size_t cap, double timeout,
	      char err[static 256])
{
	ssize_t n;
	int w;

	for (;;) {	/* until data, an error or a wait too long */
		n = transport_read(t, buf, cap);
		if (n >= 0)
			return (long)n;
		if (n != KIT_EAGAIN) {
			snprintf(err, KIT_ERRLEN, "%s",
				 transport_strerror(t, (int)n));
			return -1;
		}
		if (t->ops->buffered && t->ops->buffered(t))
			continue;	/* it stopped early: more waits in it */
		if ((w = hsb_wait(t->fd, POLLIN, hsb_now() + timeout)) <= 0) {
			snprintf(err, KIT_ERRLEN, "%s", w == 0 ? "timed out "
				 "reading" : "poll failed");
			return -1;
		}
	}
}
