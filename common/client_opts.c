/* Chat client command line. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chat_client.h"
#include "client_opts.h"
#include "err.h"
#include "extra_opts.h"

static const char usage_text[] =
"usage: %s --nick NICK [options]\n"
"  --host HOST            server to connect to (default 127.0.0.1)\n"
"  --port PORT            server port (default %s)\n"
"  --nick NICK            nickname (required)\n"
"  --channel #CHAN        join this channel once registered\n"
"  --user NAME            user name (default: the nick)\n"
"  --realname TEXT        real name shown by WHO/WHOIS (default: the nick)\n"
"  --password PASS        server password (sent as PASS)\n"
"  --script FILE          read input lines from FILE instead of stdin\n"
"  --expect-timeout S     how long /expect waits (default 10)\n"
"  --welcome-timeout S    give up when the server, silent for S s, has not\n"
"                         welcomed the client (default 30)\n"
"  -v, --verbose          log the connection (and its handshake) on stderr\n"
"  -h, --help             show this help\n";

/* After the program's own options too. */
static const char usage_notes[] =
"Input lines are chat text for the current channel, or commands: type\n"
"/help once connected. Input from a file or pipe is a script: it is sent\n"
"once registered (and joined), /sleep and /expect pace it, and the client\n"
"quits at its end. Ctrl-C (or SIGTERM) quits as /quit does. Exit status:\n"
"0 ok, 1 connection error, 2 usage, 3 an /expect timed out, 128+N after\n"
"signal N.\n";

static const struct extra_opt *extras;
static size_t nextras;

static void
usage(const char *prog, const char *port, int status)
{
	FILE *f = status ? stderr : stdout;

	fprintf(f, usage_text, prog, port);
	extra_opts_usage(f, extras, nextras);
	fputs(usage_notes, f);
	exit(status);
}

static void
check(const struct chat_client_opts *o, const char *prog, const char *port)
{
	if (!o->nick) {
		kit_warn("--nick is required");
		usage(prog, port, CLIENT_EXIT_USAGE);
	}
	if (strpbrk(o->nick, " ,:!@*?#\r\n") || !o->nick[0])
		kit_usage_error("invalid nick '%s'", o->nick);
	if (o->channel && (o->channel[0] != '#' || strpbrk(o->channel, " ,\r\n")))
		kit_usage_error("invalid channel '%s' (channels start with #)",
				o->channel);
	if (strpbrk(o->user, " \r\n@") || !o->user[0])
		kit_usage_error("invalid user name '%s'", o->user);
	if (strpbrk(o->realname, "\r\n") ||
	    (o->password && strpbrk(o->password, " \r\n")))
		kit_usage_error("real name and password must be one line "
				"(password without spaces)");
}

/* A port as the known-hosts file writes it: digits, no leading zero. */
static const char *
port_arg(const char *arg)
{
	if (arg[0] == '0' || strspn(arg, "0123456789") != strlen(arg))
		kit_usage_error("invalid port '%s' (expected 1 to 65535)", arg);
	kit_number(arg, "port", 1, 65535);
	return arg;
}

/* --host takes a name or an address, as the server prints it too: an IPv6
 * address may come in brackets ("[::1]"). HOST:PORT is refused with the
 * options it means. */
static const char *
host_arg(const char *arg)
{
	static char host[256];
	const char *colon = strrchr(arg, ':');
	size_t n = strlen(arg);

	if (arg[0] == '[' && n >= 2 && arg[n - 1] == ']' && n - 2 < sizeof(host)) {
		memcpy(host, arg + 1, n - 2);
		host[n - 2] = '\0';
		return host;
	}
	if (colon && colon[1] && strspn(colon + 1, "0123456789") ==
	    strlen(colon + 1) && (arg[0] == '[' || strchr(arg, ':') == colon))
		kit_usage_error("--host takes the host alone: use --host %.*s "
				"--port %s", colon > arg ? (int)(colon - arg) : 4,
				colon > arg ? arg : "HOST", colon + 1);
	return arg;
}

void
client_opts_parse(struct chat_client_opts *o, int argc, char **argv,
		  const char *default_port, const struct extra_opt *extra,
		  size_t nextra)
{
	static const struct option longopts[] = {
		{ "host", required_argument, NULL, 'H' },
		{ "port", required_argument, NULL, 'p' },
		{ "nick", required_argument, NULL, 'n' },
		{ "channel", required_argument, NULL, 'c' },
		{ "user", required_argument, NULL, 'u' },
		{ "realname", required_argument, NULL, 'r' },
		{ "password", required_argument, NULL, 'P' },
		{ "script", required_argument, NULL, 's' },
		{ "expect-timeout", required_argument, NULL, 'e' },
		{ "welcome-timeout", required_argument, NULL, 'w' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
	};
	struct option all[sizeof(longopts) / sizeof(longopts[0]) +
			  EXTRA_OPT_MAX + 1];
	int ch;

	extras = extra;
	nextras = nextra;
	if (!extra_opts_merge(longopts, sizeof(longopts) / sizeof(longopts[0]),
			      extra, nextra, all))
		kit_die("too many options");

	memset(o, 0, sizeof(*o));
	o->host = "127.0.0.1";
	o->port = default_port;
	o->expect_timeout_s = 10;
	o->welcome_timeout_s = 30;
	while ((ch = getopt_long(argc, argv, "hv", all, NULL)) != -1) {
		if (extra_opts_take(ch, extra, nextra, optarg))
			continue;
		switch (ch) {
		case 'H': o->host = host_arg(optarg); break;
		case 'p': o->port = port_arg(optarg); break;
		case 'n': o->nick = optarg; break;
		case 'c': o->channel = optarg; break;
		case 'u': o->user = optarg; break;
		case 'r': o->realname = optarg; break;
		case 'P': o->password = optarg; break;
		case 's': o->script = optarg; break;
		case 'e': o->expect_timeout_s = (unsigned)kit_number(optarg, "seconds", 1, 86400); break;
		case 'w': o->welcome_timeout_s = (unsigned)kit_number(optarg, "seconds", 1, 86400); break;
		case 'v': o->verbose = true; break;
		case 'h': usage(argv[0], default_port, CLIENT_EXIT_OK); break;
		default: usage(argv[0], default_port, CLIENT_EXIT_USAGE);
		}
	}
	if (optind < argc)
		usage(argv[0], default_port, CLIENT_EXIT_USAGE);
	if (!o->user)
		o->user = o->nick ? o->nick : "";
	if (!o->realname)
		o->realname = o->nick ? o->nick : "";
	check(o, argv[0], default_port);
}
