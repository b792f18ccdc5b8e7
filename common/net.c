/* Socket helpers in the style of redis anet.c: fill an error buffer. */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "err.h"
#include "net.h"

static struct addrinfo *
resolve(const char *host, const char *port, int passive, char *err)
{
	struct addrinfo hints, *res = NULL;
	int r;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = passive ? AI_PASSIVE : 0;
	if ((r = getaddrinfo(host, port, &hints, &res)) != 0) {
		snprintf(err, KIT_ERRLEN, "cannot resolve %s port %s: %s",
			 host ? host : "*", port, gai_strerror(r));
		return NULL;
	}
	return res;
}

static int
listen_on(const struct addrinfo *ai, int backlog)
{
	int fd, one = 1;

	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    ai->ai_protocol);
	if (fd < 0)
		return -1;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 ||
	    listen(fd, backlog) < 0) {
		int saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

int
net_listen(const char *addr, const char *port, int backlog, char err[static 256])
{
	struct addrinfo *res, *ai;
	int fd = -1;

	if (!(res = resolve(addr, port, 1, err)))
		return -1;
	for (ai = res; ai && fd < 0; ai = ai->ai_next)
		fd = listen_on(ai, backlog);
	if (fd < 0)
		snprintf(err, KIT_ERRLEN, "cannot listen on %s port %s: %s%s",
			 addr ? addr : "*", port, strerror(errno),
			 errno == EADDRINUSE ? " (another server runs there: "
			 "stop it, or pick another --port)" : "");
	freeaddrinfo(res);
	return fd;
}

int
net_connect(const char *host, const char *port, char err[static 256])
{
	struct addrinfo *res, *ai;
	int fd = -1;

	if (!(res = resolve(host, port, 0, err)))
		return -1;
	for (ai = res; ai && fd < 0; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
			    ai->ai_protocol);
		if (fd >= 0 && connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
			int saved = errno;
			close(fd);
			fd = -1;
			errno = saved;
		}
	}
	if (fd < 0)
		snprintf(err, KIT_ERRLEN, "cannot connect to %s port %s: %s",
			 host, port, strerror(errno));
	freeaddrinfo(res);
	return fd;
}

void
net_drain(int fd)
{
	char buf[4096];
	int i;

	for (i = 0; i < 16 && recv(fd, buf, sizeof(buf), MSG_DONTWAIT) > 0; i++)
		;
}

int
net_set_nonblock(int fd)
{
	int flags = fcntl(fd, F_GETFL);

	if (flags < 0)
		return -1;
	return fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

int
net_set_nodelay(int fd)
{
	int one = 1;

	return setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

static int
format_addr(const struct sockaddr_storage *ss, socklen_t len, char *out,
	    int with_port)
{
	char host[NI_MAXHOST], serv[NI_MAXSERV];
	int n;

	if (getnameinfo((const struct sockaddr *)ss, len, host, sizeof(host),
			serv, sizeof(serv), NI_NUMERICHOST | NI_NUMERICSERV)) {
		errno = EINVAL;
		return -1;
	}
	if (!with_port)
		n = snprintf(out, NET_ADDRSTRLEN, "%s", host);
	else if (ss->ss_family == AF_INET6)
		n = snprintf(out, NET_ADDRSTRLEN, "[%s]:%s", host, serv);
	else
		n = snprintf(out, NET_ADDRSTRLEN, "%s:%s", host, serv);
	if (n < 0 || n >= NET_ADDRSTRLEN) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

int
net_peer_host(int fd, char out[static NET_ADDRSTRLEN])
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getpeername(fd, (struct sockaddr *)&ss, &len) < 0)
		return -1;
	return format_addr(&ss, len, out, 0);
}

int
net_local_addr(int fd, char out[static NET_ADDRSTRLEN])
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
		return -1;
	return format_addr(&ss, len, out, 1);
}
