/* mitm_proxy: a man-in-the-middle test relay for the secure_chat framing
 * (docs/PROTOCOL.md "Framing"). It accepts one client on 127.0.0.1,
 * connects to the server and relays both ways with poll(2), tampering with
 * one frame as --mode says (see tests/mitm/README.md). */
#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdnoreturn.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "err.h"
#include "mitm.h"
#include "net.h"

#define TIMEOUT_DEFAULT 30	/* seconds without traffic before giving up */
#define TIMEOUT_MAX 86400

struct proxy_opts {
	struct mitm_cfg cfg;
	const char *listen_port;
	char host[256];
	char port[8];
	unsigned long timeout_s;
};

static noreturn void
usage(int status)
{
	fprintf(status ? stderr : stdout,
"usage: mitm_proxy --listen PORT --to HOST:PORT [options]\n"
"  --listen PORT     listen on 127.0.0.1:PORT (0 picks a free port)\n"
"  --to HOST:PORT    the server to relay to ([v6addr]:PORT for IPv6)\n"
"  --mode MODE       honest (default), flip, replay, drop, reorder,\n"
"                    inject, alert, truncate or downgrade\n"
"  --dir c2s|s2c     direction of the frame acted on (default c2s)\n"
"  --index N         0-based number of that frame (default 0)\n"
"  --offset K        flip: byte of the frame, header included (default:\n"
"                    the last one)\n"
"  --timeout S       give up after S s without traffic (default %d)\n"
"  --raw             relay bytes without framing (honest mode only)\n"
"  -v, --verbose     log every frame\n"
"  -h, --help        show this help\n"
"Exit status: 0 the session ended, 1 error or timeout, 2 usage.\n",
		TIMEOUT_DEFAULT);
	exit(status);
}

static noreturn void usage_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

static noreturn void
usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("mitm_proxy: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	usage(2);
}

/* A decimal number in [min, max], nothing else. */
static bool
parse_ulong(const char *s, unsigned long min, unsigned long max,
	    unsigned long *out)
{
	unsigned long v;
	char *end;

	if (s[0] < '0' || s[0] > '9')
		return false;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return false;
	*out = v;
	return true;
}

/* HOST:PORT or [V6ADDR]:PORT into o->host and o->port. */
static bool
parse_to(const char *s, struct proxy_opts *o)
{
	const char *colon = strrchr(s, ':');
	unsigned long port;
	size_t hlen;

	if (!colon || !parse_ulong(colon + 1, 1, 65535, &port))
		return false;
	hlen = (size_t)(colon - s);
	if (hlen > 0 && s[0] == '[') {
		if (hlen < 3 || s[hlen - 1] != ']')
			return false;
		s++;
		hlen -= 2;
	}
	if (hlen == 0 || hlen >= sizeof(o->host))
		return false;
	memcpy(o->host, s, hlen);
	o->host[hlen] = '\0';
	snprintf(o->port, sizeof(o->port), "%lu", port);
	return true;
}

/* Cross-option rules, once everything is read. */
static void
check_opts(struct proxy_opts *o, bool dir_set, bool index_set)
{
	if (!o->listen_port || !o->host[0])
		usage_error("--listen and --to are required");
	if (o->cfg.raw && o->cfg.mode != MITM_HONEST)
		usage_error("--raw relays bytes: it goes with --mode honest");
	if (o->cfg.has_offset && o->cfg.mode != MITM_FLIP)
		usage_error("--offset is for --mode flip");
	if (o->cfg.mode == MITM_DOWNGRADE &&
	    ((dir_set && o->cfg.dir != MITM_C2S) ||
	     (index_set && o->cfg.index != 0)))
		usage_error("downgrade acts on the ClientHello: c2s frame 0");
}

static void
parse_opts(struct proxy_opts *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "listen", required_argument, NULL, 'l' },
		{ "to", required_argument, NULL, 't' },
		{ "mode", required_argument, NULL, 'm' },
		{ "dir", required_argument, NULL, 'd' },
		{ "index", required_argument, NULL, 'i' },
		{ "offset", required_argument, NULL, 'o' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "raw", no_argument, NULL, 'r' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long v;
	bool dir_set = false, index_set = false;
	int ch;

	memset(o, 0, sizeof(*o));
	o->timeout_s = TIMEOUT_DEFAULT;
	while ((ch = getopt_long(argc, argv, "vh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'l':
			if (!parse_ulong(optarg, 0, 65535, &v))
				usage_error("bad --listen port: %s", optarg);
			o->listen_port = optarg;
			break;
		case 't':
			if (!parse_to(optarg, o))
				usage_error("bad --to (HOST:PORT): %s", optarg);
			break;
		case 'm':
			if (!mitm_mode_parse(optarg, &o->cfg.mode))
				usage_error("unknown mode: %s", optarg);
			break;
		case 'd':
			if (strcmp(optarg, "c2s") == 0)
				o->cfg.dir = MITM_C2S;
			else if (strcmp(optarg, "s2c") == 0)
				o->cfg.dir = MITM_S2C;
			else
				usage_error("--dir is c2s or s2c: %s", optarg);
			dir_set = true;
			break;
		case 'i':
			if (!parse_ulong(optarg, 0, 1000000000, &o->cfg.index))
				usage_error("bad --index: %s", optarg);
			index_set = true;
			break;
		case 'o':
			if (!parse_ulong(optarg, 0, MITM_FRAME_MAX - 1, &v))
				usage_error("bad --offset: %s", optarg);
			o->cfg.offset = (size_t)v;
			o->cfg.has_offset = true;
			break;
		case 'T':
			if (!parse_ulong(optarg, 1, TIMEOUT_MAX, &o->timeout_s))
				usage_error("bad --timeout: %s", optarg);
			break;
		case 'r':
			o->cfg.raw = true;
			break;
		case 'v':
			o->cfg.verbose = true;
			break;
		case 'h':
			usage(0);
		default:
			usage(2);
		}
	}
	if (optind != argc)
		usage_error("unexpected argument: %s", argv[optind]);
	check_opts(o, dir_set, index_set);
}

/* poll() one fd for events, at most timeout_ms; EINTR retries. Returns
 * poll's result (0: timed out). */
static int
poll_one(int fd, short events, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = events };
	int r;

	do
		r = poll(&p, 1, timeout_ms);
	while (r < 0 && errno == EINTR);
	return r;
}

/* Wait (timeout_ms at most) for one client on lfd; its fd, non-blocking,
 * or -1 with a message in err. */
static int
accept_one(int lfd, int timeout_ms, char err[static KIT_ERRLEN])
{
	int fd, r;

	for (;;) {
		if ((r = poll_one(lfd, POLLIN, timeout_ms)) <= 0) {
			if (r == 0)
				snprintf(err, KIT_ERRLEN, "no client came "
					 "within the timeout");
			else
				snprintf(err, KIT_ERRLEN, "poll: %s",
					 strerror(errno));
			return -1;
		}
		fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd >= 0)
			return fd;
		if (errno != EAGAIN && errno != EWOULDBLOCK &&
		    errno != EINTR && errno != ECONNABORTED) {
			snprintf(err, KIT_ERRLEN, "accept: %s",
				 strerror(errno));
			return -1;
		}
	}
}

/* Non-blocking connect to one address, bounded by timeout_ms. The fd, or
 * -1 with errno set. (net_connect would block for as long as the kernel
 * retries SYNs.) */
static int
connect_one(const struct addrinfo *ai, int timeout_ms)
{
	int fd, r, soerr = 0, saved;
	socklen_t len = sizeof(soerr);

	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
		    SOCK_CLOEXEC, ai->ai_protocol);
	if (fd < 0)
		return -1;
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
		return fd;
	if (errno != EINPROGRESS)
		goto fail;
	if ((r = poll_one(fd, POLLOUT, timeout_ms)) <= 0) {
		if (r == 0)
			errno = ETIMEDOUT;
		goto fail;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) < 0)
		goto fail;
	if (soerr == 0)
		return fd;
	errno = soerr;
fail:
	saved = errno;
	close(fd);
	errno = saved;
	return -1;
}

static int
connect_server(const struct proxy_opts *o, int timeout_ms,
	       char err[static KIT_ERRLEN])
{
	struct addrinfo hints, *res = NULL, *ai;
	int fd = -1, r;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if ((r = getaddrinfo(o->host, o->port, &hints, &res)) != 0) {
		snprintf(err, KIT_ERRLEN, "cannot resolve %.100s: %s", o->host,
			 gai_strerror(r));
		return -1;
	}
	for (ai = res; ai && fd < 0; ai = ai->ai_next)
		fd = connect_one(ai, timeout_ms);
	if (fd < 0)
		snprintf(err, KIT_ERRLEN, "cannot connect to %.100s port "
			 "%s: %s", o->host, o->port, strerror(errno));
	freeaddrinfo(res);
	return fd;
}

/* --- the relay ------------------------------------------------------------ */

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool
wants_read(const struct mitm_dir *d)
{
	return !d->done && !d->in_eof && !d->cut &&
	       d->in_len - d->in_off < MITM_IN_CAP;
}

static bool
has_output(const struct mitm_dir *d)
{
	return d->out_len > d->out_off;
}

/* Read what d->in has room for. True if something happened (bytes or end
 * of stream). A read error counts as the end of the stream. */
static bool
dir_read(struct mitm_dir *d, bool verbose)
{
	ssize_t n;

	if (d->in_off > 0) {
		memmove(d->in, d->in + d->in_off, d->in_len - d->in_off);
		d->in_len -= d->in_off;
		d->in_off = 0;
	}
	n = recv(d->in_fd, d->in + d->in_len, MITM_IN_CAP - d->in_len, 0);
	if (n > 0) {
		d->in_len += (size_t)n;
		d->bytes_in += (unsigned long long)n;
		return true;
	}
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK ||
		      errno == EINTR))
		return false;
	if (n < 0)
		kit_warn("%s: read: %s (taken as the end of the stream)",
			 d->name, strerror(errno));
	else if (verbose)
		kit_warn("%s: end of stream", d->name);
	d->in_eof = true;
	return true;
}

/* Send pending output. On a write error the receiver is gone: the rest
 * of this direction is discarded. True if something happened. */
static bool
dir_write(struct mitm_dir *d)
{
	ssize_t n;

	n = send(d->out_fd, d->out + d->out_off, d->out_len - d->out_off,
		 MSG_NOSIGNAL);
	if (n > 0) {
		d->out_off += (size_t)n;
		d->bytes_out += (unsigned long long)n;
		if (d->out_off == d->out_len)
			d->out_off = d->out_len = 0;
		return true;
	}
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK ||
		      errno == EINTR))
		return false;
	kit_warn("%s: write: %s (the rest of %s is discarded)", d->name,
		 n < 0 ? strerror(errno) : "nothing written", d->name);
	d->out_off = d->out_len = 0;
	d->in_off = d->in_len = 0;
	d->in_eof = true;
	d->holding = false;
	d->done = true;
	return true;
}

/* Once d has nothing more to send, shut our write half to its receiver
 * (both halves if truncate cut it). */
static void
dir_finish(struct mitm_dir *d)
{
	int how = d->cut ? SHUT_RDWR : SHUT_WR;

	if (d->done || !mitm_input_over(d) || has_output(d))
		return;
	if (shutdown(d->out_fd, how) < 0 && errno != ENOTCONN)
		kit_warn("%s: shutdown: %s", d->name, strerror(errno));
	if (d->cut)
		kit_warn("%s: stream cut: the receiver's connection is shut "
			 "down both ways", d->name);
	d->done = true;
}

/* p[0] is the client's fd, p[1] the server's: c2s reads p[0] and writes
 * p[1], s2c the other way round. An fd with nothing to wait for is left
 * out (fd -1), so that a hung-up socket cannot make poll spin. */
static void
set_events(struct pollfd p[static 2], const struct mitm_dir d[static 2])
{
	int i;

	for (i = 0; i < 2; i++) {
		p[i].fd = d[i].in_fd;
		p[i].events = (short)((wants_read(&d[i]) ? POLLIN : 0) |
				      (has_output(&d[1 - i]) ? POLLOUT : 0));
		p[i].revents = 0;
		if (p[i].events == 0)
			p[i].fd = -1;
	}
}

static bool
step(const struct pollfd p[static 2], struct mitm_dir d[static 2],
     bool verbose)
{
	const short ready = POLLHUP | POLLERR;
	bool progress = false;
	int i;

	for (i = 0; i < 2; i++) {
		if (wants_read(&d[i]) && (p[i].revents & (POLLIN | ready)))
			progress |= dir_read(&d[i], verbose);
		if (has_output(&d[i]) &&
		    (p[1 - i].revents & (POLLOUT | ready)))
			progress |= dir_write(&d[i]);
	}
	return progress;
}

/* Relay until both directions are done. 0, or -1 (message printed) on an
 * error or after timeout_s without any progress. */
static int
relay(const struct proxy_opts *o, struct mitm_dir d[static 2])
{
	long long idle_ms = (long long)o->timeout_s * 1000, last = now_ms();
	long long left;
	struct pollfd p[2];
	int i;

	for (;;) {
		for (i = 0; i < 2; i++) {
			if (d[i].done)
				continue;
			if (mitm_pump(&o->cfg, &d[i]) < 0)
				return -1;
			dir_finish(&d[i]);
		}
		if (d[0].done && d[1].done)
			return 0;
		if ((left = idle_ms - (now_ms() - last)) <= 0) {
			kit_warn("no traffic for %lu s: giving up",
				 o->timeout_s);
			return -1;
		}
		set_events(p, d);
		if (poll(p, 2, (int)left) < 0) {
			if (errno == EINTR)
				continue;
			kit_warn("poll: %s", strerror(errno));
			return -1;
		}
		if (step(p, d, o->cfg.verbose))
			last = now_ms();
	}
}

static void
report(const struct proxy_opts *o, const struct mitm_dir d[static 2])
{
	const struct mitm_dir *t = &d[o->cfg.dir];
	int i;

	for (i = 0; i < 2; i++)
		kit_warn("%s: %lu frames, %llu bytes in, %llu bytes out",
			 d[i].name, d[i].frames, d[i].bytes_in, d[i].bytes_out);
	if (o->cfg.mode != MITM_HONEST && !t->acted)
		kit_warn("%s: %s frame %lu never came: nothing done",
			 mitm_mode_name(o->cfg.mode), t->name, o->cfg.index);
}

int
main(int argc, char **argv)
{
	struct proxy_opts o;
	struct mitm_dir *d = NULL;
	char err[KIT_ERRLEN], addr[NET_ADDRSTRLEN];
	int lfd = -1, cfd = -1, sfd = -1, status = 1, tmo;

	/* A fixed name: scripts wait for "mitm_proxy: listening on". */
	kit_set_progname("mitm_proxy");
	parse_opts(&o, argc, argv);
	tmo = (int)o.timeout_s * 1000;
	if ((lfd = net_listen("127.0.0.1", o.listen_port, 1, err)) < 0) {
		kit_warn("%s", err);
		goto out;
	}
	if (net_local_addr(lfd, addr) < 0) {
		kit_warn("getsockname: %s", strerror(errno));
		goto out;
	}
	kit_warn("listening on %s", addr);
	fflush(stderr);
	if ((cfd = accept_one(lfd, tmo, err)) < 0 ||
	    (sfd = connect_server(&o, tmo, err)) < 0) {
		kit_warn("%s", err);
		goto out;
	}
	close(lfd);
	lfd = -1;
	(void)net_set_nodelay(cfd);
	(void)net_set_nodelay(sfd);
	if (!(d = calloc(2, sizeof(*d)))) {
		kit_warn("out of memory");
		goto out;
	}
	mitm_dir_init(&d[MITM_C2S], MITM_C2S, cfd, sfd, o.cfg.raw);
	mitm_dir_init(&d[MITM_S2C], MITM_S2C, sfd, cfd, o.cfg.raw);
	kit_warn("relaying to %s port %s: mode %s%s", o.host, o.port,
		 mitm_mode_name(o.cfg.mode), o.cfg.raw ? " (raw)" : "");
	status = relay(&o, d) < 0 ? 1 : 0;
	report(&o, d);
out:
	free(d);
	if (sfd >= 0)
		close(sfd);
	if (cfd >= 0)
		close(cfd);
	if (lfd >= 0)
		close(lfd);
	return status;
}
