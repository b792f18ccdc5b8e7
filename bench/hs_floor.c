/* \summary: hs_bench floor: what the kernel alone costs a handshake. A
 * child process plays the server, the parent the client, and they trade
 * messages of a kit handshake's sizes over loopback TCP (connect,
 * ClientHello, ServerHello, ServerAuth, ClientAuth, close_notify, close)
 * with no cryptography at all: the rate no handshake over TCP here can
 * beat. */
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "err.h"
#include "hs_bench.h"
#include "net.h"

/* Frame sizes of an anonymous login as hs_bench makes it (docs/PROTOCOL.md:
 * header 3, record overhead 3 + 1 + 16). */
#define CLIENT_HELLO 71		/* 3 + 1 + 32 + 32 + 1 + 2 suites */
#define SERVER_HELLO 69
#define SERVER_AUTH 149		/* the record; sent after the ServerHello */
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

	return write(fd, zeros, n) == (ssize_t)n ? 0 : -1;
}

/* The server's side of each connection, until idle for a timeout. */
static void
serve(int lfd, const struct hsb *b)
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

int
hsb_floor(const struct hsb *b)
{
	char err[KIT_ERRLEN], addr[NET_ADDRSTRLEN], *port;
	unsigned long long i;
	double t0, secs;
	pid_t child;
	int lfd, status = 1;

	if ((lfd = net_listen(b->host, "0", 64, err)) < 0 ||
	    net_local_addr(lfd, addr) < 0 || !(port = strrchr(addr, ':'))) {
		kit_warn("%s", lfd < 0 ? err : "no local address");
		return 1;
	}
	if ((child = fork()) < 0) {
		kit_warn("fork failed");
		close(lfd);
		return 1;
	}
	if (child == 0)
		serve(lfd, b);
	close(lfd);
	t0 = hsb_now();
	for (i = 0; i < b->count; i++)
		if (one(b, port + 1) < 0)
			goto out;
	secs = hsb_now() - t0;
	printf("connections=%llu seconds=%.3f per_s=%.0f us=%.1f\n", b->count,
	       secs, (double)b->count / secs, secs * 1e6 / (double)b->count);
	status = 0;
out:
	kill(child, SIGTERM);
	waitpid(child, NULL, 0);
	return status;
}
