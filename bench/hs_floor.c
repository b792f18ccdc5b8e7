/* \summary: hs_bench floor and bulk-floor: what the kernel alone costs.
 * A child process plays the server, the parent the client. floor trades
 * messages of a kit handshake's sizes over loopback TCP (connect,
 * ClientHello, ServerHello, ServerAuth, ClientAuth, close_notify, close);
 * bulk-floor pushes bulk's bytes through one connection in bulk's writes.
 * Neither has any cryptography: they are the rates that no handshake and
 * no secure connection over TCP here can beat. */
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "err.h"
#include "hs_bench.h"
#include "net.h"
#include "transport.h"

/* Frame sizes of an anonymous login as hs_bench makes it (docs/PROTOCOL.md:
 * header 3, record overhead 3 + 1 + 16). */
#define CLIENT_HELLO 71		/* 3 + 1 + 32 + 32 + 1 + 2 suites */
#define SERVER_HELLO 69
#define SERVER_AUTH 181		/* the record; sent after the ServerHello */
#define CLIENT_AUTH 275		/* padded to 256 bytes (docs/PROTOCOL.md) */
#define CLOSE_NOTIFY 22

/* Read exactly n bytes by `until`; 0 or -1. */
static int
get(int fd, size_t n, double until)
{
	char buf[512];
	ssize_t r;

	while (n > 0) {
		if (hsb_wait(fd, POLLIN, until) <= 0)
			return -1;
		r = read(fd, buf, n < sizeof(buf) ? n : sizeof(buf));
		if (r <= 0)
			return -1;
		n -= (size_t)r;
	}
	return 0;
}

static int
put(int fd, size_t n)
{
	static const char zeros[512];

	return send(fd, zeros, n, MSG_NOSIGNAL) == (ssize_t)n ? 0 : -1;
}

/* The server's side of each connection, until idle for a timeout. */
static void
exchange_each(int lfd, const struct hsb *b)
{
	double until;
	int fd;

	for (;;) {	/* the parent kills us; the timeout if it died */
		if (hsb_wait(lfd, POLLIN, hsb_now() + b->timeout) <= 0)
			_exit(0);
		if ((fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC)) < 0)
			continue;
		net_set_nodelay(fd);
		until = hsb_now() + b->timeout;
		if (get(fd, CLIENT_HELLO, until) == 0 &&
		    put(fd, SERVER_HELLO) == 0 && put(fd, SERVER_AUTH) == 0)
			get(fd, CLIENT_AUTH + CLOSE_NOTIFY, until);
		close(fd);
	}
}

static int
one(const struct hsb *b, const char *port)
{
	char err[KIT_ERRLEN];
	double until = hsb_now() + b->timeout;
	int fd = net_connect(b->host, port, err), r;

	if (fd < 0) {
		kit_warn("%s", err);
		return -1;
	}
	net_set_nodelay(fd);
	r = put(fd, CLIENT_HELLO) < 0 ||
	    get(fd, SERVER_HELLO + SERVER_AUTH, until) < 0 ||
	    put(fd, CLIENT_AUTH) < 0 || put(fd, CLOSE_NOTIFY) < 0 ? -1 : 0;
	close(fd);
	if (r < 0)
		kit_warn("the floor's exchange failed");
	return r;
}

/* A listener on b's host and a child running serve on it; the child's pid
 * (the port in port), or -1. */
static pid_t
spawn(const struct hsb *b, void (*serve)(int lfd, const struct hsb *b),
      char port[static NET_ADDRSTRLEN])
{
	char err[KIT_ERRLEN], addr[NET_ADDRSTRLEN], *colon;
	pid_t child;
	int lfd;

	if ((lfd = net_listen(b->host, "0", 64, err)) < 0 ||
	    net_local_addr(lfd, addr) < 0 || !(colon = strrchr(addr, ':'))) {
		kit_warn("%s", lfd < 0 ? err : "no local address");
		if (lfd >= 0)
			close(lfd);
		return -1;
	}
	snprintf(port, NET_ADDRSTRLEN, "%s", colon + 1);
	if ((child = fork()) < 0)
		kit_warn("fork failed");
	if (child == 0) {
		serve(lfd, b);
		_exit(1);	/* never the parent's code */
	}
	close(lfd);
	return child;
}

static void
reap(pid_t child)
{
	kill(child, SIGTERM);
	waitpid(child, NULL, 0);
}

int
hsb_floor(const struct hsb *b)
{
	char port[NET_ADDRSTRLEN];
	unsigned long long i;
	double t0, secs;
	pid_t child = spawn(b, exchange_each, port);
	int status = 1;

	if (child < 0)
		return 1;
	t0 = hsb_now();
	for (i = 0; i < b->count; i++)
		if (one(b, port) < 0)
			goto out;
	secs = hsb_now() - t0;
	printf("connections=%llu seconds=%.3f per_s=%.0f us=%.1f\n", b->count,
	       secs, (double)b->count / secs, secs * 1e6 / (double)b->count);
	status = 0;
out:
	reap(child);
	return status;
}

/* bulk-floor's receiver: one connection read to its end and dropped, then
 * one byte back, so the sender's clock stops when every byte is read. It
 * reads as the sink does: through a transport, plain TCP here. */
static void
drain_one(int lfd, const struct hsb *b)
{
	static uint8_t buf[1 << 16];
	char err[KIT_ERRLEN];
	struct transport *t;
	long n;
	int fd;

	if (hsb_wait(lfd, POLLIN, hsb_now() + b->timeout) <= 0 ||
	    (fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK)) < 0 ||
	    !(t = tcp_transport_wrap(fd, NULL)))
		_exit(1);
	do
		n = hsb_read_some(t, buf, sizeof(buf), b->timeout, err);
	while (n > 0);
	_exit(n == 0 && put(fd, 1) == 0 ? 0 : 1);
}

/* bulk's writes through the kit's plain TCP transport, as hs_bulk.c makes
 * them through the secure one; then the receiver's byte. 0 or -1. */
static int
push_plain(const struct hsb *b, const char *port, const uint8_t *buf)
{
	char err[KIT_ERRLEN];
	unsigned long long left = b->bytes;
	size_t n, w = hsb_write_size(b);
	int fd = net_connect(b->host, port, err), r = 0;
	struct transport *t;

	if (fd < 0) {
		kit_warn("%s", err);
		return -1;
	}
	net_set_nodelay(fd);	/* as the kit's transports are */
	net_set_nonblock(fd);
	if (!(t = tcp_transport_wrap(fd, NULL))) {
		kit_warn("out of memory");
		return -1;
	}
	for (; left > 0 && r == 0; left -= n) {
		n = left < w ? (size_t)left : w;
		if ((r = hsb_write_all(t, buf, n, b->timeout, err)) < 0)
			kit_warn("%s", err);
	}
	if (r == 0 && (shutdown(fd, SHUT_WR) < 0 ||
		       get(fd, 1, hsb_now() + b->timeout) < 0))
		r = -1;
	transport_close(t);
	return r;
}

int
hsb_bulk_floor(const struct hsb *b)
{
	char port[NET_ADDRSTRLEN];
	uint8_t *buf = malloc(hsb_write_size(b));
	double t0, secs;
	pid_t child;
	int status = 1;

	if (!buf) {
		kit_warn("out of memory");
		return 1;
	}
	if ((child = spawn(b, drain_one, port)) < 0) {
		free(buf);
		return 1;
	}
	/* Written, as bulk's is: untouched pages would all be the kernel's
	 * one zero page, always in the cache. */
	memset(buf, 'x', hsb_write_size(b));
	t0 = hsb_now();
	if (push_plain(b, port, buf) < 0) {
		kit_warn("the bulk floor's transfer failed");
	} else {
		secs = hsb_now() - t0;
		printf("bytes=%llu record=%zu seconds=%.3f MB_s=%.1f\n",
		       b->bytes, b->record, secs,
		       (double)b->bytes / secs / 1e6);
		status = 0;
	}
	reap(child);
	free(buf);
	return status;
}
