/* Socket helpers: listen, connect, options. Errors go to a caller buffer. */
#ifndef KIT_COMMON_NET_H
#define KIT_COMMON_NET_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>

/* Longest "host" or "[v6addr]:port" text produced here, NUL included. */
#define NET_ADDRSTRLEN 64

/*
 * Listen on addr:port (IPv4 or IPv6 literal or name; port "0" picks a free
 * one). The socket is non-blocking, close-on-exec, SO_REUSEADDR. Returns the
 * fd, or -1 with a message in err.
 */
int net_listen(const char *addr, const char *port, int backlog,
	       char err[static 256]);

/* Connect (blocking) to host:port, trying every address. Returns the fd, or
 * -1 with a message in err. */
int net_connect(const char *host, const char *port, char err[static 256]);

/* Read and drop what has arrived on fd (a bounded amount) before a close
 * after a failure: unread input makes close() reset the connection, and
 * the reset throws away, and stops the retransmission of, the alert just
 * sent. */
void net_drain(int fd);

/* Whether errno value err says the peer reset the connection (a close
 * that crossed bytes in flight). */
static inline bool
net_is_reset(int err)
{
	return err == EPIPE || err == ECONNRESET;
}

/* Both return 0, or -1 with errno set. */
int net_set_nonblock(int fd);
int net_set_nodelay(int fd);

/* Numeric host of the peer / the local address ("host:port" or
 * "[v6]:port" for net_local_addr). Return 0 or -1 with errno set. */
int net_peer_host(int fd, char out[static NET_ADDRSTRLEN]);
int net_local_addr(int fd, char out[static NET_ADDRSTRLEN]);

#endif
