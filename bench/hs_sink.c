/* \summary: hs_bench sink: a secure_chat server with no chat behind it.
 * Each connection sends "<count>\n" then count bytes, which the sink opens
 * and drops; it answers "<count>\n" once it has them all. So bulk measures
 * the transport (records, AEAD, sockets), not the chat core's line parsing,
 * which caps lines at 512 bytes and could not take 16 KiB records. */
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "err.h"
#include "hs_bench.h"
#include "net.h"
#include "transport.h"

#define HEAD_MAX 21	/* 20 digits and '\n' */
#define BYTES_MAX (1ULL << 40)

/* Parse the "<count>\n" header from its first len bytes; the digits seen
 * so far stay in *want. Returns bytes used, 0 when more are needed, -1 if
 * malformed. */
static long
parse_head(const uint8_t *p, size_t len, size_t *seen,
	   unsigned long long *want)
{
	size_t i;

	for (i = 0; i < len; i++, (*seen)++) {
		if (p[i] == '\n' && *seen > 0)
			return (long)i + 1;
		if (p[i] < '0' || p[i] > '9' || *seen >= HEAD_MAX - 1 ||
		    *want > BYTES_MAX / 10)
			return -1;
		*want = *want * 10 + (p[i] - '0');
	}
	return 0;
}

/* Take one connection's bytes and acknowledge them. 0 or -1 with err. */
static int
sink_one(struct transport *t, double timeout, char err[static 256])
{
	static uint8_t buf[1 << 16];
	unsigned long long want = 0, got = 0;
	bool have_head = false;
	size_t seen = 0;
	long n, off;
	char ack[32];
	int len;

	while (!have_head || got < want) {
		if ((n = hsb_read_some(t, buf, sizeof(buf), timeout, err)) <= 0) {
			if (n == 0)
				snprintf(err, KIT_ERRLEN, "the peer closed");
			return -1;
		}
		off = 0;
		if (!have_head &&
		    (off = parse_head(buf, (size_t)n, &seen, &want)) < 0) {
			snprintf(err, KIT_ERRLEN, "malformed count");
			return -1;
		}
		if (!have_head && off == 0)
			continue;
		have_head = true;
		got += (unsigned long long)(n - off);
		if (got > want) {
			snprintf(err, KIT_ERRLEN, "more bytes than announced");
			return -1;
		}
	}
	len = snprintf(ack, sizeof(ack), "%llu\n", want);
	return hsb_write_all(t, (const uint8_t *)ack, (size_t)len, timeout, err);
}

int
hsb_sink(const struct hsb *b)
{
	char err[KIT_ERRLEN], addr[NET_ADDRSTRLEN];
	struct transport *t;
	unsigned long long i;
	int lfd, fd;

	if ((lfd = net_listen(b->host, b->port, 16, err)) < 0 ||
	    net_local_addr(lfd, addr) < 0) {
		kit_warn("%s", lfd < 0 ? err : "no local address");
		return 1;
	}
	printf("hs_bench: listening on %s\n", addr);
	fflush(stdout);
	/* One connection at a time; idle for a whole timeout: done. */
	for (i = 0; i < b->count; i++) {
		if (hsb_wait(lfd, POLLIN, hsb_now() + b->timeout) <= 0)
			break;
		fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd >= 0)
			net_set_nodelay(fd);	/* the ack goes at once */
		if (fd < 0 || !(t = secure_transport_new(fd, &b->sec))) {
			kit_warn("cannot accept a connection");
			continue;
		}
		if (sink_one(t, b->timeout, err) < 0)
			kit_warn("connection %llu: %s", i + 1, err);
		transport_close(t);
	}
	close(lfd);
	return 0;
}
