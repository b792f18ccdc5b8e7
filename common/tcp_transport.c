/* The transport interface over a plain TCP socket. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "err.h"
#include "transport.h"

static ssize_t
tcp_read(struct transport *t, void *buf, size_t len)
{
	ssize_t n;

	do
		n = recv(t->fd, buf, len, 0);
	while (n < 0 && errno == EINTR);
	if (n >= 0)
		return n;
	return (errno == EAGAIN || errno == EWOULDBLOCK) ? KIT_EAGAIN
							 : KIT_ESYS;
}

static ssize_t
tcp_write(struct transport *t, const void *buf, size_t len)
{
	ssize_t n;

	/* MSG_NOSIGNAL: a reset peer is an error return, not a SIGPIPE. */
	do
		n = send(t->fd, buf, len, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n >= 0)
		return n;
	return (errno == EAGAIN || errno == EWOULDBLOCK) ? KIT_EAGAIN
							 : KIT_ESYS;
}

static void
tcp_close(struct transport *t)
{
	close(t->fd);
	free(t);
}

static const struct transport_ops tcp_ops = {
	.name = "tcp",
	.read = tcp_read,
	.write = tcp_write,
	.close = tcp_close,
};

const char *
transport_strerror(const struct transport *t, int r)
{
	if (t->ops->error && t->ops->error(t))
		return t->ops->error(t);
	return r == KIT_ESYS ? strerror(errno) : kit_strerror(r);
}

struct transport *
tcp_transport_wrap(int fd, void *ctx)
{
	struct transport *t = malloc(sizeof(*t));

	(void)ctx;
	if (!t) {
		close(fd);
		return NULL;
	}
	t->ops = &tcp_ops;
	t->fd = fd;
	return t;
}
