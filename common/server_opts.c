/* Chat server command line: options, MOTD file, descriptor limit. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "chat_server.h"
#include "err.h"
#include "extra_opts.h"
#include "server_opts.h"

#define MOTD_MAX (64 * 1024)

static const char usage_text[] =
"usage: %s [options]\n"
"  --bind ADDR            address to listen on (default 127.0.0.1; ::1 for IPv6)\n"
"  --port PORT            TCP port (default %s; 0 picks a free one)\n"
"  --max-clients N        connections served at once (default 1024)\n"
"  --max-per-host N       connections from one address at once, but\n"
"                         127.0.0.1 and ::1 are not limited (default 32;\n"
"                         0: no limit)\n"
"  --motd FILE            message of the day, sent after registration\n"
"  --password PASS        require PASS before registration\n"
"  --name NAME            server name shown in replies (default kit.chat)\n"
"  --sendq BYTES          output queued per client before it is dropped\n"
"                         as too slow a reader (default 1048576)\n"
"  --register-timeout S   drop connections not registered after S s (60)\n"
"  --ping-interval S      PING clients idle for S s, drop after 2*S (120)\n"
"  -v, --verbose          log connections and departures\n"
"  -h, --help             show this help\n";

static const struct extra_opt *extras;
static size_t nextras;

static void
usage(const char *prog, const char *port, int status)
{
	FILE *f = status ? stderr : stdout;

	fprintf(f, usage_text, prog, port);
	extra_opts_usage(f, extras, nextras);
	fputs("Exit status: 0 after SIGINT or SIGTERM, 1 error, 2 usage.\n", f);
	exit(status);
}

static char *
read_motd(const char *path)
{
	FILE *f = fopen(path, "r");
	char *text;
	size_t n;

	if (!f)
		kit_die("cannot open MOTD file %s: %s", path, strerror(errno));
	if (!(text = malloc(MOTD_MAX + 1)))
		kit_die("out of memory");
	n = fread(text, 1, MOTD_MAX, f);
	if (ferror(f))
		kit_die("cannot read MOTD file %s: %s", path, strerror(errno));
	fclose(f);
	text[n] = '\0';
	if (memchr(text, '\0', n) || strchr(text, '\r'))
		kit_die("MOTD file %s holds NUL or CR bytes", path);
	while (n > 0 && text[n - 1] == '\n')
		text[--n] = '\0';
	return text;
}

/* Each client needs a descriptor; ask for enough, within the hard limit. */
static void
raise_fd_limit(size_t max_clients)
{
	struct rlimit rl;
	rlim_t want = (rlim_t)max_clients + 64;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur >= want)
		return;
	rl.rlim_cur = want < rl.rlim_max ? want : rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur < want)
		kit_warn("descriptor limit %llu is below --max-clients %zu; "
			 "extra clients will be refused",
			 (unsigned long long)rl.rlim_cur, max_clients);
}

static void
set_defaults(struct chat_server_opts *o, const char *port)
{
	memset(o, 0, sizeof(*o));
	o->bind_addr = "127.0.0.1";
	o->port = port;
	o->max_clients = 1024;
	o->max_per_host = 32;
	o->chat.server_name = "kit.chat";
	o->chat.network = "KitChat";
	o->chat.sendq_limit = 1024 * 1024;
	o->chat.register_timeout_s = 60;
	o->chat.ping_interval_s = 120;
}

void
server_opts_parse(struct chat_server_opts *o, int argc, char **argv,
		  const char *default_port, const struct extra_opt *extra,
		  size_t nextra)
{
	static const struct option longopts[] = {
		{ "bind", required_argument, NULL, 'b' },
		{ "port", required_argument, NULL, 'p' },
		{ "max-clients", required_argument, NULL, 'm' },
		{ "max-per-host", required_argument, NULL, 'H' },
		{ "motd", required_argument, NULL, 'M' },
		{ "password", required_argument, NULL, 'P' },
		{ "name", required_argument, NULL, 'n' },
		{ "sendq", required_argument, NULL, 'q' },
		{ "register-timeout", required_argument, NULL, 'R' },
		{ "ping-interval", required_argument, NULL, 'I' },
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
	set_defaults(o, default_port);
	o->progname = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	while ((ch = getopt_long(argc, argv, "vh", all, NULL)) != -1) {
		if (extra_opts_take(ch, extra, nextra, optarg))
			continue;
		switch (ch) {
		case 'b': o->bind_addr = optarg; break;
		case 'p': kit_number(optarg, "port", 0, 65535); o->port = optarg; break;
		case 'm': o->max_clients = kit_number(optarg, "client limit", 1, 1000000); break;
		case 'H': o->max_per_host = kit_number(optarg, "per-host limit", 0, 1000000); break;
		case 'M': o->chat.motd = read_motd(optarg); break;
		case 'P': o->chat.password = optarg; break;
		case 'n': o->chat.server_name = optarg; break;
		case 'q': o->chat.sendq_limit = kit_number(optarg, "sendq", 4096, 1UL << 30); break;
		case 'R': o->chat.register_timeout_s = (unsigned)kit_number(optarg, "timeout", 1, 86400); break;
		case 'I': o->chat.ping_interval_s = (unsigned)kit_number(optarg, "interval", 1, 86400); break;
		case 'v': o->verbose = true; break;
		case 'h': usage(argv[0], default_port, 0); break;
		default: usage(argv[0], default_port, 2);
		}
	}
	if (optind < argc)
		usage(argv[0], default_port, 2);
	if (o->chat.password && o->chat.password[0] == '\0')
		kit_usage_error("--password must not be empty");
	if (strpbrk(o->chat.server_name, " :!@\r\n") || !o->chat.server_name[0])
		kit_usage_error("invalid --name '%s'", o->chat.server_name);
	raise_fd_limit(o->max_clients);
}

void
server_opts_free(struct chat_server_opts *o)
{
	free((char *)o->chat.motd);
	o->chat.motd = NULL;
}
