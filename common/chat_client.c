/* The chat client's connection, registration and input pacing. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "client_internal.h"
#include "err.h"
#include "net.h"

/* Input lines held ahead of their turn; reading pauses beyond this. */
#define SCRIPT_QUEUE_MAX (256 * 1024)
/* How long to wait for the server to close after our QUIT. */
#define QUIT_WAIT_MS 5000

void
client_send(struct client *cl, const char *command, int nparams,
	    const char *params[])
{
	char line[IRC_LINE_MAX + 1];
	int len = irc_msg_format(line, sizeof(line), NULL, command, nparams,
				 params);

	if (len < 0) {
		client_view_note(cl, "!! not sent: %s", kit_strerror(len));
		return;
	}
	if (sendq_append(&cl->out, line, (size_t)len) < 0) {
		client_view_note(cl, "!! not sent: output queue full");
		return;
	}
}

static void
stop(struct client *cl, int status)
{
	cl->status = status;
	evloop_stop(cl->loop);
}

static void
on_quit_wait(void *ud)
{
	stop(ud, ((struct client *)ud)->status);
}

void
client_quit(struct client *cl, const char *reason)
{
	const char *params[] = { reason ? reason : "leaving" };

	if (cl->phase == PHASE_QUITTING || cl->phase == PHASE_GONE)
		return;
	client_send(cl, "QUIT", 1, params);
	cl->phase = PHASE_QUITTING;
	evloop_timer_arm(cl->loop, &cl->pause_timer, QUIT_WAIT_MS,
			 on_quit_wait, cl);
}

static void
on_pause_end(void *ud)
{
	struct client *cl = ud;

	if (cl->expect[0]) {
		client_view_note(cl, "!! /expect timed out waiting for: %s",
				 cl->expect);
		cl->expect[0] = '\0';
		cl->status = CLIENT_EXIT_EXPECT;
		client_quit(cl, "expectation not met");
		return;
	}
	cl->paused = false;
}

void
client_pause(struct client *cl, unsigned ms)
{
	cl->paused = true;
	evloop_timer_arm(cl->loop, &cl->pause_timer, ms, on_pause_end, cl);
}

/* Find cl->expect in the lines seen since the last match; on success the
 * search resumes after the matching line next time. */
static bool
match_seen(struct client *cl)
{
	char *hit, *eol;

	cl->seen[cl->seen_len] = '\0';
	if (!(hit = strstr(cl->seen + cl->seen_from, cl->expect)))
		return false;
	eol = strchr(hit, '\n');
	cl->seen_from = eol ? (size_t)(eol + 1 - cl->seen) : cl->seen_len;
	cl->expect[0] = '\0';
	return true;
}

void
client_saw(struct client *cl, const char *shown)
{
	size_t n = strlen(shown), drop;

	if (n + 2 > sizeof(cl->seen) / 2)
		n = sizeof(cl->seen) / 2 - 2;
	if (cl->seen_len + n + 2 > sizeof(cl->seen)) {
		/* Forget the older half; an old line cannot be awaited. */
		drop = cl->seen_len - sizeof(cl->seen) / 4;
		memmove(cl->seen, cl->seen + drop, cl->seen_len - drop);
		cl->seen_len -= drop;
		cl->seen_from = cl->seen_from > drop ? cl->seen_from - drop : 0;
	}
	memcpy(cl->seen + cl->seen_len, shown, n);
	cl->seen_len += n;
	cl->seen[cl->seen_len++] = '\n';
	if (cl->expect[0] && match_seen(cl)) {
		cl->paused = false;
		evloop_timer_cancel(cl->loop, &cl->pause_timer);
	}
}

void
client_expect(struct client *cl, const char *text)
{
	snprintf(cl->expect, sizeof(cl->expect), "%s", text);
	if (!match_seen(cl))
		client_pause(cl, cl->opts->expect_timeout_s * 1000);
}

/* Run queued input lines while nothing makes us wait. */
static void
run_input(struct client *cl)
{
	struct sendq *q = &cl->script;
	char line[CLIENT_INPUT_MAX + 1];
	const char *nl;
	size_t n;

	while (cl->phase == PHASE_READY && !cl->paused && q->len > 0) {
		nl = memchr(sendq_data(q), '\n', q->len);
		n = (size_t)(nl - sendq_data(q));
		memcpy(line, sendq_data(q), n);
		line[n] = '\0';
		sendq_consume(q, n + 1);
		client_input_line(cl, line, n);
	}
	if (cl->phase == PHASE_READY && !cl->paused && q->len == 0 &&
	    cl->input_eof)
		client_quit(cl, NULL);
}

static int
on_input_line(void *ctx, char *line, size_t len, bool too_long)
{
	struct client *cl = ctx;

	if (too_long) {
		client_view_note(cl, "!! input line longer than %d bytes "
				 "ignored", CLIENT_INPUT_MAX);
		return 0;
	}
	line[len] = '\n';
	sendq_append(&cl->script, line, len + 1);	/* room was checked */
	return 0;
}

static bool
input_has_room(const struct client *cl)
{
	return cl->script.len + 2 * CLIENT_INPUT_MAX <= SCRIPT_QUEUE_MAX;
}

/* Read one chunk of input if the queue has room for it; returns whether
 * anything happened (bytes read or end of input reached). */
static bool
read_input(struct client *cl)
{
	char buf[CLIENT_INPUT_MAX];
	ssize_t n;

	if (cl->input_eof || !input_has_room(cl))
		return false;
	do
		n = read(cl->in.fd, buf, sizeof(buf));
	while (n < 0 && errno == EINTR);
	if (n < 0 && errno == EAGAIN)
		return false;
	if (n <= 0) {
		linebuf_finish(&cl->in_lb, on_input_line, cl);
		if (cl->in_pollable)
			evloop_del(cl->loop, &cl->in);
		cl->input_eof = true;
		return true;
	}
	linebuf_feed(&cl->in_lb, buf, (size_t)n, on_input_line, cl, NULL);
	return true;
}

static void
on_input_event(struct evhandler *h, uint32_t events)
{
	(void)events;
	read_input(h->ud);
}

/* 433 while registering: try the nick with '_' appended (or its last
 * character replaced), as IRC clients do. */
static void
retry_nick(struct client *cl)
{
	size_t n = strlen(cl->nick);
	const char *params[] = { cl->nick };

	if (++cl->nick_retries > 5) {
		client_view_note(cl, "!! nickname %s and its variants are taken",
				 cl->opts->nick);
		stop(cl, CLIENT_EXIT_ERROR);
		return;
	}
	if (n < CHAT_NICK_MAX)
		cl->nick[n++] = '_';
	else
		cl->nick[n - 1] = (char)('0' + cl->nick_retries);
	cl->nick[n] = '\0';
	client_send(cl, "NICK", 1, params);
}

/* Registration and join progress, from the server's numeric replies. */
static void
track_phase(struct client *cl, const struct irc_msg *m)
{
	const char *cmd = m->command;

	if (cl->phase == PHASE_REGISTERING && strcmp(cmd, "433") == 0) {
		retry_nick(cl);
	} else if (cl->phase == PHASE_REGISTERING &&
		   (strcmp(cmd, "432") == 0 || strcmp(cmd, "431") == 0)) {
		/* No other nick would do better (a login binds one). */
		client_view_note(cl, "!! the server refused the nick %s: not "
				 "registered", cl->nick);
		stop(cl, CLIENT_EXIT_ERROR);
	} else if (cl->phase == PHASE_REGISTERING && strcmp(cmd, "001") == 0) {
		evloop_timer_cancel(cl->loop, &cl->welcome_timer);
		if (m->nparams > 0)
			snprintf(cl->nick, sizeof(cl->nick), "%s", m->params[0]);
		cl->phase = PHASE_JOINING;
		if (cl->opts->channel) {
			const char *params[] = { cl->opts->channel };

			client_send(cl, "JOIN", 1, params);
		}
	} else if (cl->phase == PHASE_JOINING) {
		/* With a channel: ready at its end of NAMES (or a refusal);
		 * without: at the end of the MOTD. */
		bool joined = strcmp(cmd, "366") == 0 || strcmp(cmd, "403") == 0 ||
			      strcmp(cmd, "405") == 0;
		bool motd_end = strcmp(cmd, "376") == 0 ||
				strcmp(cmd, "422") == 0;

		if (cl->opts->channel ? joined : motd_end)
			cl->phase = PHASE_READY;
	}
}

static int
on_net_line(void *ctx, char *line, size_t len, bool too_long)
{
	struct client *cl = ctx;
	struct irc_msg m;

	if (too_long || irc_msg_parse(line, len, &m) < 0) {
		client_view_note(cl, "!! malformed line from the server ignored");
		return 0;
	}
	if (strcmp(m.command, "PING") == 0) {
		const char *params[] = { m.nparams ? m.params[0] : "" };

		client_send(cl, "PONG", 1, params);
		return 0;
	}
	client_view_line(cl, &m);	/* first, so that a note follows it */
	track_phase(cl, &m);
	return 0;
}

/* The end of the server's stream: an orderly close (the transport's
 * read said 0: for secure_chat an authenticated close_notify) or not
 * (why). A line it cut short is shown only after an orderly close: after a
 * cut or a record that did not authenticate, its start could read as a
 * whole line that says something else. */
static void
server_closed(struct client *cl, bool orderly, const char *why)
{
	enum client_phase was = cl->phase;
	bool cut_line = !orderly && cl->net_lb.len > 0;

	if (was == PHASE_GONE)
		return;
	cl->phase = PHASE_GONE;
	if (orderly)
		linebuf_finish(&cl->net_lb, on_net_line, cl);
	if (was == PHASE_QUITTING) {
		stop(cl, cl->status);
		return;
	}
	client_view_note(cl, "!! connection to the server lost: %s%s", why,
			 cut_line ? " (the line it cut short is not shown)" : "");
	stop(cl, CLIENT_EXIT_ERROR);
}

static void
on_welcome_timeout(void *ud)
{
	struct client *cl = ud;

	char why[128];

	if (cl->phase != PHASE_REGISTERING)
		return;
	snprintf(why, sizeof(why), "no welcome from the server within %u s "
		 "(is it a chat server speaking this transport?)",
		 cl->opts->welcome_timeout_s);
	server_closed(cl, false, why);
}

/* A server that never answers, or answers in another protocol, must not
 * leave the client waiting for ever. */
static void
arm_welcome_timer(struct client *cl)
{
	evloop_timer_arm(cl->loop, &cl->welcome_timer,
			 (uint64_t)cl->opts->welcome_timeout_s * 1000,
			 on_welcome_timeout, cl);
}

static void
read_net(struct client *cl)
{
	char buf[16384];
	ssize_t n;

	/* Until the socket is empty: a transport that decrypts may hold
	 * several records from one read, and epoll would not say so. */
	while (cl->phase != PHASE_GONE) {
		n = transport_read(cl->t, buf, sizeof(buf));
		if (n == KIT_EAGAIN && cl->t->ops->buffered &&
		    cl->t->ops->buffered(cl->t))
			continue;	/* it stopped early: more waits in it */
		if (n == KIT_EAGAIN)
			return;
		if (n == 0)
			server_closed(cl, true, "closed by the server");
		else if (n < 0)
			server_closed(cl, false,
				      transport_strerror(cl->t, (int)n));
		else
			linebuf_feed(&cl->net_lb, buf, (size_t)n, on_net_line,
				     cl, NULL);
	}
}

static void
set_events(struct client *cl, struct evhandler *h, uint32_t *now,
	   uint32_t want)
{
	if (*now != want && evloop_mod(cl->loop, h, want) == 0)
		*now = want;
}

static void
flush_net(struct client *cl)
{
	ssize_t n, f = sendq_send(&cl->out, cl->t, &n);

	if (f < 0 && f != KIT_EAGAIN) {
		server_closed(cl, false, transport_strerror(cl->t, (int)f));
		return;
	}
	/* Not ready (a handshake) needs no EPOLLOUT: the peer's answer, read
	 * or flushed in, moves it on. */
	set_events(cl, &cl->net, &cl->net_events, EPOLLIN |
		   (n == KIT_EAGAIN || f == KIT_EAGAIN ? EPOLLOUT : 0));
}

static void
on_net_event(struct evhandler *h, uint32_t events)
{
	struct client *cl = h->ud;

	if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
		read_net(cl);
		/* The server is talking (a handshake, perhaps one that waited
		 * for the user at a first-use prompt): the wait for the
		 * welcome starts again from now. */
		if (cl->phase == PHASE_REGISTERING)
			arm_welcome_timer(cl);
	}
	/* EPOLLOUT: before_sleep writes what is waiting */
}

static void
before_sleep(void *ud)
{
	struct client *cl = ud;

	/* A regular file never signals readiness: read it here, as long as
	 * its lines are being used up. */
	run_input(cl);
	while (!cl->in_pollable && read_input(cl))
		run_input(cl);
	if (cl->in_pollable && !cl->input_eof)
		set_events(cl, &cl->in, &cl->in_events,
			   input_has_room(cl) ? EPOLLIN : 0);
	flush_net(cl);
}

static void
send_registration(struct client *cl)
{
	const struct chat_client_opts *o = cl->opts;
	const char *pass[] = { o->password };
	const char *nick[] = { cl->nick };
	const char *user[] = { o->user, "0", "*", o->realname };

	if (o->password)
		client_send(cl, "PASS", 1, pass);
	client_send(cl, "NICK", 1, nick);
	client_send(cl, "USER", 4, user);
}

static int
open_input(struct client *cl)
{
	int fd = STDIN_FILENO;

	if (cl->opts->script &&
	    (fd = open(cl->opts->script, O_RDONLY | O_CLOEXEC)) < 0) {
		kit_warn("cannot open script %s: %s", cl->opts->script,
			 strerror(errno));
		return -1;
	}
	cl->in = (struct evhandler){ .fd = fd, .fn = on_input_event, .ud = cl };
	/* epoll refuses regular files (EPERM): those are read as needed. */
	cl->in_pollable = evloop_add(cl->loop, &cl->in, EPOLLIN) == 0;
	cl->in_events = cl->in_pollable ? EPOLLIN : 0;
	return 0;
}

static int
connect_server(struct client *cl)
{
	char err[KIT_ERRLEN];
	int fd = net_connect(cl->opts->host, cl->opts->port, err);

	if (fd < 0) {
		kit_warn("%s", err);
		return -1;
	}
	if (net_set_nonblock(fd) < 0 || net_set_nodelay(fd) < 0) {
		kit_warn("socket options: %s", strerror(errno));
		close(fd);
		return -1;
	}
	if (!(cl->t = cl->opts->wrap(fd, cl->opts->wrap_ctx))) {
		kit_warn("cannot set up the connection to %s", cl->opts->host);
		return -1;
	}
	if (cl->opts->verbose)
		kit_warn("connected to %s port %s (%s)", cl->opts->host,
			 cl->opts->port, cl->t->ops->name);
	cl->net = (struct evhandler){ .fd = fd, .fn = on_net_event, .ud = cl };
	cl->net_events = EPOLLIN;
	return evloop_add(cl->loop, &cl->net, EPOLLIN);
}

/* Ctrl-C or SIGTERM: say goodbye as /quit does, so that the others see a
 * QUIT and a secure stream ends with close_notify, not a cut; before the
 * welcome, or at a second signal, just close. The exit status says which
 * signal (128 + its number), as a shell's would. */
static void
on_signal(struct evhandler *h, uint32_t events)
{
	struct client *cl = h->ud;
	int sig = evloop_signal_read(h->fd);

	(void)events;
	if (!sig || cl->phase == PHASE_GONE)
		return;
	cl->status = 128 + sig;
	if (cl->phase == PHASE_JOINING || cl->phase == PHASE_READY)
		client_quit(cl, NULL);
	else
		stop(cl, cl->status);
}

static int
open_signals(struct client *cl)
{
	int fd = evloop_signal_fd();

	if (fd < 0) {
		kit_warn("signalfd: %s", strerror(errno));
		return -1;
	}
	cl->signals = (struct evhandler){ .fd = fd, .fn = on_signal, .ud = cl };
	return evloop_add(cl->loop, &cl->signals, EPOLLIN);
}

static int
setup(struct client *cl, const struct chat_client_opts *opts)
{
	cl->opts = opts;
	cl->status = CLIENT_EXIT_OK;
	snprintf(cl->nick, sizeof(cl->nick), "%s", opts->nick);
	if (opts->channel)
		snprintf(cl->channel, sizeof(cl->channel), "%s", opts->channel);
	sendq_init(&cl->out, 1024 * 1024);
	sendq_init(&cl->script, SCRIPT_QUEUE_MAX);
	linebuf_init(&cl->net_lb, cl->net_line, IRC_TEXT_MAX);
	linebuf_init(&cl->in_lb, cl->in_line, CLIENT_INPUT_MAX);
	if (!(cl->loop = evloop_new())) {
		kit_warn("epoll: %s", strerror(errno));
		return -1;
	}
	/* Until the loop runs, a signal ends the client as by default: the
	 * steps before it may block (a name lookup, connect, a FIFO), and
	 * nothing was said yet. */
	cl->signals.fd = -1;
	if (open_input(cl) < 0 || connect_server(cl) < 0 ||
	    open_signals(cl) < 0)
		return -1;
	evloop_set_before_sleep(cl->loop, before_sleep, cl);
	send_registration(cl);
	arm_welcome_timer(cl);
	return 0;
}

int
chat_client_run(const struct chat_client_opts *opts)
{
	struct client *cl = calloc(1, sizeof(*cl));
	int status = CLIENT_EXIT_ERROR;

	if (!cl) {
		kit_warn("out of memory");
		return CLIENT_EXIT_ERROR;
	}
	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);	/* lines show as they come */
	if (setup(cl, opts) == 0) {
		if (evloop_run(cl->loop) == 0)
			status = cl->status;
		else
			kit_warn("epoll_wait: %s", strerror(errno));
		flush_net(cl);
	}
	if (cl->opts && cl->in.fd > STDIN_FILENO)
		close(cl->in.fd);
	if (cl->signals.fd >= 0)
		close(cl->signals.fd);
	transport_close(cl->t);
	evloop_free(cl->loop);
	sendq_free(&cl->out);
	sendq_free(&cl->script);
	free(cl);
	return status;
}

void
chat_client_exit(int status)
{
	int sig = status - 128;

	if (sig == SIGINT || sig == SIGTERM) {
		fflush(NULL);
		signal(sig, SIG_DFL);
		evloop_signals_blocked(false);
		raise(sig);
	}
	exit(status);
}
