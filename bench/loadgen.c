/*
 * loadgen.c - single-threaded epoll load generator for IRC chat servers.
 *
 * Opens N client connections, registers each one (RFC 2812 §3.1.2 NICK,
 * §3.1.3 USER), joins one channel (§3.2.1) and waits for the end of the
 * NAMES reply (366). Then every client sends M PRIVMSGs (§3.3.1) to the
 * channel, and every client reads everything, checking per-sender order
 * and recording the delivery latency of each message. One summary line of
 * key=value pairs goes to stdout; diagnostics go to stderr.
 *
 * It must drive servers that are not ours (ngircd) and must not share bugs
 * with the server it measures, so it has its own IRC parsing and checks
 * and takes only the kit's byte pipe, struct transport: plain TCP, or with
 * --secure the secure_chat protocol (docs/PROTOCOL.md), logging in
 * anonymously to the server pinned by --server-key. Server output is
 * untrusted: lines are framed with a hard cap of 512 bytes (RFC 2812
 * §2.3) and longer ones are discarded.
 *
 * This file holds the command line, setup and main(); the rest is in
 * loadgen_phase.c (the phases), loadgen_conn.c (sockets and framing),
 * loadgen_irc.c (server lines), loadgen_secure.c (--secure) and
 * loadgen_stats.c (latency, result line). The Makefile links it with
 * libkit and secure_chat.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <unistd.h>

#include "err.h"
#include "loadgen.h"
#include "transport.h"

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: loadgen --port P --clients N --messages M [--host ADDR]\n"
	    "               [--channel NAME] [--timeout SEC] [--max-time SEC]\n"
	    "               [--inflight K] [--window W]\n"
	    "               [--secure --server-key SHA256:...|FILE.pub"
	    " [--cipher LIST]]\n"
	    "       loadgen --port P --clients N --idle [--hold SEC] ...\n"
	    "  --secure      speak secure_chat (anonymous login), not plain IRC\n"
	    "  --server-key K  --secure: the server's key (fingerprint or .pub)\n"
	    "  --cipher LIST --secure: suites to offer, as secure-client's\n"
	    "  --channel C   channel to join and talk in (#bench)\n"
	    "  --idle        register and join only, then hold (no messages)\n"
	    "  --hold S      --idle: seconds to keep the clients (10)\n"
	    "  --inflight K  clients between connect and 001 at once (256)\n"
	    "  --window W    unacknowledged messages per sender, 0: none (0)\n"
	    "  --timeout S   stop after S seconds without progress (20)\n"
	    "  --max-time S  hard limit for each phase (600)\n");
}

/* strtoul with range and garbage checks; false on any problem. */
static bool
arg_u32(const char *s, uint32_t lo, uint32_t hi, uint32_t *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || s[0] == '-' ||
	    v < lo || v > hi)
		return false;
	*out = (uint32_t)v;
	return true;
}

static bool
parse_num_opt(int ch, const char *arg, struct opts *o)
{
	switch (ch) {
	case 'p': return arg_u32(arg, 1, 65535, &o->port);
	case 'n': return arg_u32(arg, 1, 1000000, &o->clients);
	case 'm': return arg_u32(arg, 0, 1000000000, &o->messages);
	case 't': return arg_u32(arg, 1, 86400, &o->timeout_s);
	case 'T': return arg_u32(arg, 1, 86400, &o->max_s);
	case 'H': return arg_u32(arg, 0, 86400, &o->hold_s);
	case 'k': return arg_u32(arg, 1, 1000000, &o->inflight);
	case 'w': return arg_u32(arg, 0, 1000000000, &o->window);
	default:  return false;
	}
}

static bool
parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{ "host", required_argument, NULL, 'h' },
		{ "port", required_argument, NULL, 'p' },
		{ "clients", required_argument, NULL, 'n' },
		{ "messages", required_argument, NULL, 'm' },
		{ "channel", required_argument, NULL, 'c' },
		{ "timeout", required_argument, NULL, 't' },
		{ "max-time", required_argument, NULL, 'T' },
		{ "inflight", required_argument, NULL, 'k' },
		{ "window", required_argument, NULL, 'w' },
		{ "idle", no_argument, NULL, 'i' },
		{ "hold", required_argument, NULL, 'H' },
		{ "secure", no_argument, NULL, 's' },
		{ "server-key", required_argument, NULL, 'K' },
		{ "cipher", required_argument, NULL, 'C' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	*o = (struct opts){ .host = "127.0.0.1", .channel = "#bench",
	    .inflight = 256, .timeout_s = 20, .max_s = 600, .hold_s = 10 };
	while ((ch = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		if (ch == 'h')
			o->host = optarg;
		else if (ch == 'c')
			o->channel = optarg;
		else if (ch == 'i')
			o->idle = true;
		else if (ch == 's')
			o->secure = true;
		else if (ch == 'K')
			o->server_key = optarg;
		else if (ch == 'C')
			o->cipher = optarg;
		else if (!parse_num_opt(ch, optarg, o))
			return false;
	}
	/* The channel goes into JOIN and PRIVMSG lines verbatim. */
	if (o->secure != (o->server_key != NULL) ||
	    (o->cipher && !o->secure)) {
		fprintf(stderr, "loadgen: --secure and --server-key go "
		    "together (the server's key is always checked);"
		    " --cipher needs them\n");
		return false;
	}
	return optind == argc && o->port != 0 && o->clients != 0 &&
	    o->channel[0] != '\0' && strlen(o->channel) <= 50 &&
	    strpbrk(o->channel, " ,\r\n\a") == NULL;
}

/* Each client needs one descriptor; ask for the hard limit up front. */
static bool
raise_nofile(uint32_t need)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return false;
	rl.rlim_cur = rl.rlim_max;
	(void)setrlimit(RLIMIT_NOFILE, &rl);
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return false;
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < (rlim_t)need + 16) {
		fprintf(stderr, "loadgen: RLIMIT_NOFILE %llu is too low for"
		    " %" PRIu32 " clients\n", (unsigned long long)rl.rlim_cur,
		    need);
		return false;
	}
	return true;
}

static int
lg_init(struct lg *lg)
{
	uint32_t i, n = lg->o.clients;

	lg->addr.sin_family = AF_INET;
	lg->addr.sin_port = htons((uint16_t)lg->o.port);
	if (inet_pton(AF_INET, lg->o.host, &lg->addr.sin_addr) != 1) {
		fprintf(stderr, "loadgen: bad IPv4 address: %s\n", lg->o.host);
		return -1;
	}
	lg->c = calloc(n, sizeof(*lg->c));
	lg->h = calloc(1, sizeof(*lg->h));
	if (!lg->o.idle && lg->o.messages > 0)
		lg->last = calloc((size_t)n * n, sizeof(*lg->last));
	lg->ep = epoll_create1(EPOLL_CLOEXEC);
	if (lg->c == NULL || lg->h == NULL || lg->ep < 0 ||
	    (!lg->o.idle && lg->o.messages > 0 && lg->last == NULL)) {
		fprintf(stderr, "loadgen: out of memory or descriptors\n");
		return -1;
	}
	for (i = 0; i < n; i++)
		lg->c[i].fd = -1;
	lg->again = LG_NONE;
	lg->wrap = tcp_transport_wrap;
	if (lg->o.secure && secure_setup(lg) != 0)
		return -1;
	if (!lg->o.idle)
		lg->expected = (uint64_t)n * lg->o.messages * (n - 1);
	return 0;
}

static void
lg_free(struct lg *lg)
{
	uint32_t i;

	for (i = 0; lg->c != NULL && i < lg->o.clients; i++)
		close_io(&lg->c[i]);
	secure_teardown(lg);
	if (lg->ep >= 0)
		close(lg->ep);
	free(lg->c);
	free(lg->last);
	free(lg->h);
	free(lg);
}

int
main(int argc, char **argv)
{
	struct lg *lg;
	struct opts o;
	int rc;

	kit_set_progname(argv[0]);
	if (!parse_opts(argc, argv, &o)) {
		usage(stderr);
		return 2;
	}
	if (!raise_nofile(o.clients))
		return 2;
	if ((lg = calloc(1, sizeof(*lg))) == NULL)
		return 2;
	lg->o = o;
	lg->ep = -1;
	if (lg_init(lg) != 0) {
		lg_free(lg);
		return 2;
	}
	phase_join(lg);
	if (o.idle) {
		phase_quiesce(lg);
		report(lg);
		phase_hold(lg);
	} else {
		phase_messages(lg);
		report(lg);
	}
	rc = lg->joined == o.clients && lg->st.delivered == lg->expected &&
	    lg->st.order_errors == 0 && lg->st.disconnects == 0 ? 0 : 1;
	lg_free(lg);
	return rc;
}
