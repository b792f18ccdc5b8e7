/* The chat server's I/O: accept, give each connection its turn at reading
 * (chat_server_input.c), flush the core's output. Single-threaded and
 * non-blocking; all output is written once per loop iteration, batched per
 * connection (one write for many lines). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "chat_server.h"
#include "chat_server_internal.h"
#include "err.h"
#include "evloop.h"
#include "heap_trim.h"
#include "host_limit.h"
#include "irc_msg.h"
#include "safeprint.h"

static void
logf_(const struct server *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
logf_(const struct server *s, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", s->opts->progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* Departure reasons may hold client text: escape it. */
static void
log_departure(const struct server *s, const struct chat_client *c)
{
	char reason[CHAT_REASON_MAX * 4 + 1];

	if (!s->opts->verbose)
		return;
	safeprint_str(reason, sizeof(reason), c->reason, strlen(c->reason));
	logf_(s, "%s (%s) left: %s", c->nick, c->host, reason);
}

static void
set_events(struct conn *k, uint32_t events)
{
	if (k->events == events)
		return;
	if (evloop_mod(k->srv->loop, &k->h, events) == 0)
		k->events = events;
}

/* Write what the peer will take now; returns false if the link failed.
 * *blocked: output waits for the socket to become writable. */
static bool
flush_conn(struct conn *k, bool *blocked)
{
	ssize_t n, f = sendq_send(&k->c->out, k->t, &n);

	*blocked = n == KIT_EAGAIN || f == KIT_EAGAIN;
	if (f < 0 && f != KIT_EAGAIN) {
		chat_client_lost(k->c, transport_strerror(k->t, (int)f));
		return false;
	}
	return true;
}

static void
on_conn_event(struct evhandler *h, uint32_t events)
{
	struct conn *k = (struct conn *)h;

	bool blocked;

	/* One on the again list has had its turn: it reads in read_again,
	 * after everyone else. */
	if ((events & (EPOLLIN | EPOLLHUP | EPOLLERR)) && !k->again) {
		conn_read(k);
		/* a handshake step may have produced bytes to send */
		if (k->t->ops->flush)
			chat_core_wake(k->c);
	}
	if ((events & EPOLLOUT) && flush_conn(k, &blocked) && !blocked)
		set_events(k, EPOLLIN);
}

/* The core's writer: a queue about to overflow is written out first. */
static void
write_now(struct chat_client *c)
{
	bool blocked;

	flush_conn(c->io, &blocked);
}

static void
close_conn(struct conn *k)
{
	struct server *s = k->srv;
	struct conn **pp;

	for (pp = &s->again; k->again && *pp; pp = &(*pp)->next_again) {
		if (*pp == k) {
			*pp = k->next_again;
			break;
		}
	}

	log_departure(s, k->c);
	host_limit_give(s->per_host, k->c->host);
	evloop_del(s->loop, &k->h);
	transport_close(k->t);
	chat_client_free(k->c);
	conn_drop_held(k);
	free(k);
	s->nconns--;
}

static void
wake(void *ud)
{
	(void)ud;	/* only makes the loop turn without waiting */
}

/* Connections whose turn ended with input held or buffered. */
static void
read_again(struct server *s)
{
	struct conn *k = s->again, *next;

	s->again = NULL;
	for (; k; k = next) {
		next = k->next_again;
		k->again = false;
		conn_read(k);
	}
	if (s->again)
		evloop_timer_arm(s->loop, &s->again_timer, 0, wake, s);
}

/* Runs after every batch of events: carry out removals, write output. */
static void
before_sleep(void *ud)
{
	struct server *s = ud;
	struct chat_client *c, *next;

	read_again(s);
	while (s->core->pending) {
		chat_core_reap(s->core);
		for (c = chat_core_take_pending(s->core); c; c = next) {
			struct conn *k = c->io;

			bool ok, blocked;

			next = c->next_pending;
			ok = flush_conn(k, &blocked);
			if (c->flags & CLIENT_CLOSING)
				close_conn(k);	/* ERROR sent if it fit */
			else if (ok)
				set_events(k, EPOLLIN | (blocked ? EPOLLOUT : 0));
			/* else doomed: removed in the next round */
		}
	}
}

/* Say why and close, after reading what the peer sent already: a close
 * with unread bytes would be a reset, which may destroy the answer
 * before the peer reads it. */
static void
refuse(const struct server *s, int fd, const char *why)
{
	uint8_t answer[128];
	size_t n;

	if (s->opts->refusal)
		n = s->opts->refusal(why, answer, sizeof(answer));
	else
		n = (size_t)snprintf((char *)answer, sizeof(answer),
				     "ERROR :Closing Link: %s\r\n", why);
	if (n > 0 && send(fd, answer, n, MSG_NOSIGNAL | MSG_DONTWAIT) < 0) {
		/* nothing more to do for a peer we are refusing */
	}
	shutdown(fd, SHUT_WR);
	net_drain(fd);
	close(fd);
}

/* Out of descriptors: free the spare one to accept and refuse the peer,
 * rather than leave it in the backlog, where it would wake us forever. */
static void
refuse_for_fds(struct server *s)
{
	int fd;

	close(s->spare_fd);
	fd = accept4(s->listener.fd, NULL, NULL, SOCK_CLOEXEC);
	if (fd >= 0)
		refuse(s, fd, "server out of file descriptors");
	s->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	logf_(s, "out of file descriptors: refused a connection");
}

/* Make fd a connection of the core; false (fd closed) if it could not. */
static bool
open_conn(struct server *s, int fd, const char *host)
{
	struct conn *k;

	if (!(k = calloc(1, sizeof(*k)))) {
		refuse(s, fd, "server out of memory");
		return false;
	}
	k->srv = s;
	k->h = (struct evhandler){ .fd = fd, .fn = on_conn_event, .ud = k };
	linebuf_init(&k->lb, k->line, IRC_TEXT_MAX);
	if (!(k->c = chat_client_new(s->core, host, evloop_now_ms()))) {
		free(k);
		refuse(s, fd, "server out of memory");
		return false;
	}
	if (!(k->t = s->opts->wrap(fd, s->opts->wrap_ctx))) {
		chat_client_free(k->c);	/* wrap closed fd */
		free(k);
		return false;
	}
	k->c->io = k;
	k->events = EPOLLIN;
	if (evloop_add(s->loop, &k->h, EPOLLIN) < 0) {
		transport_close(k->t);
		chat_client_free(k->c);
		free(k);
		return false;
	}
	return true;
}

static void
add_conn(struct server *s, int fd)
{
	char host[NET_ADDRSTRLEN];
	int r;

	if (net_peer_host(fd, host) < 0)
		snprintf(host, sizeof(host), "unknown");
	net_set_nodelay(fd);	/* chat lines are small: no Nagle delay */
	if ((r = host_limit_take(s->per_host, host)) < 0) {
		if (r == KIT_ETOOBIG && s->opts->verbose)
			logf_(s, "refused a connection from %s: it has %zu "
			      "(--max-per-host)", host, s->opts->max_per_host);
		refuse(s, fd, r == KIT_ETOOBIG ? "too many connections from "
		       "your host" : "server out of memory");
		return;
	}
	if (!open_conn(s, fd, host)) {
		host_limit_give(s->per_host, host);
		return;
	}
	s->nconns++;
	if (s->opts->verbose)
		logf_(s, "connection from %s (%zu open)", host, s->nconns);
}

static void
refuse_full(struct server *s, int fd)
{
	char host[NET_ADDRSTRLEN];

	if (s->opts->verbose && net_peer_host(fd, host) == 0)
		logf_(s, "refused a connection from %s: server full "
		      "(--max-clients %zu)", host, s->opts->max_clients);
	refuse(s, fd, "server full");
}

static void
on_accept(struct evhandler *h, uint32_t events)
{
	struct server *s = h->ud;
	int i, fd;

	(void)events;
	for (i = 0; i < 256; i++) {	/* bounded: others get a turn */
		fd = accept4(h->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EMFILE || errno == ENFILE)
				refuse_for_fds(s);
			else if (errno != EAGAIN && errno != EINTR &&
				 errno != ECONNABORTED)
				logf_(s, "accept: %s", strerror(errno));
			return;
		}
		if (s->nconns >= s->opts->max_clients)
			refuse_full(s, fd);
		else
			add_conn(s, fd);
	}
}

static void
on_signal(struct evhandler *h, uint32_t events)
{
	struct server *s = h->ud;
	int sig = evloop_signal_read(h->fd);

	(void)events;
	if (!sig)
		return;
	logf_(s, "%s: shutting down", strsignal(sig));
	chat_core_shutdown(s->core, "Server shutting down");
	evloop_stop(s->loop);
}

static void
on_tick(void *ud)
{
	struct server *s = ud;

	chat_core_tick(s->core, evloop_now_ms());
	heap_trim_give_back(sendq_bytes_held());
	evloop_timer_arm(s->loop, &s->tick, 1000, on_tick, s);
}

static int
open_signals(char *err)
{
	int fd;

	signal(SIGPIPE, SIG_IGN);
	if ((fd = evloop_signal_fd()) < 0)
		snprintf(err, KIT_ERRLEN, "signalfd: %s", strerror(errno));
	return fd;
}

static int
setup(struct server *s, const struct chat_server_opts *opts, char *err)
{
	char where[NET_ADDRSTRLEN];
	int fd;

	s->opts = opts;
	s->listener.fd = s->signals.fd = s->spare_fd = -1;
	if (!(s->loop = evloop_new()) || !(s->core = chat_core_new(&opts->chat)) ||
	    !(s->per_host = host_limit_new(opts->max_per_host))) {
		snprintf(err, KIT_ERRLEN, "out of memory");
		return -1;
	}
	if ((fd = net_listen(opts->bind_addr, opts->port, 4096, err)) < 0)
		return -1;
	s->listener = (struct evhandler){ .fd = fd, .fn = on_accept, .ud = s };
	if ((fd = open_signals(err)) < 0)
		return -1;
	s->signals = (struct evhandler){ .fd = fd, .fn = on_signal, .ud = s };
	s->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (evloop_add(s->loop, &s->listener, EPOLLIN) < 0 ||
	    evloop_add(s->loop, &s->signals, EPOLLIN) < 0) {
		snprintf(err, KIT_ERRLEN, "epoll: %s", strerror(errno));
		return -1;
	}
	chat_core_set_writer(s->core, write_now);
	evloop_set_before_sleep(s->loop, before_sleep, s);
	evloop_timer_arm(s->loop, &s->tick, 1000, on_tick, s);
	if (net_local_addr(s->listener.fd, where) == 0)
		logf_(s, "listening on %s", where);
	return 0;
}

static void
teardown(struct server *s)
{
	struct chat_client *c;

	if (s->core) {
		while ((c = s->core->clients) != NULL) {
			struct conn *k = c->io;

			if (k)
				close_conn(k);
			else
				chat_client_free(c);
		}
	}
	chat_core_free(s->core);
	host_limit_free(s->per_host);
	evloop_free(s->loop);
	if (s->listener.fd >= 0)
		close(s->listener.fd);
	if (s->signals.fd >= 0)
		close(s->signals.fd);
	if (s->spare_fd >= 0)
		close(s->spare_fd);
}

int
chat_server_run(const struct chat_server_opts *opts, char err[static 256])
{
	struct server *s = calloc(1, sizeof(*s));
	int r = -1;

	if (!s) {
		snprintf(err, KIT_ERRLEN, "out of memory");
		return -1;
	}
	if (setup(s, opts, err) == 0) {
		if ((r = evloop_run(s->loop)) < 0)
			snprintf(err, KIT_ERRLEN, "epoll_wait: %s",
				 strerror(errno));
	}
	teardown(s);
	free(s);
	return r;
}
