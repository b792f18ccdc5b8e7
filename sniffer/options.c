/* Command line of the sniffer. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "options.h"

static const char usage_text[] =
"usage: sniffer [-i IFACE | -r FILE] [-w FILE] [-o DIR] [options] [BPF expression]\n"
"Input:\n"
"  -i IFACE          capture live on IFACE (default lo when there is no -r)\n"
"  -r FILE           read a pcap or pcapng file (- for standard input)\n"
"  -c COUNT          stop after COUNT packets\n"
"  -s SNAPLEN        bytes to capture per packet, live (default 262144)\n"
"  -B KIB            kernel capture buffer, in KiB (live; default 65536)\n"
"  -p                do not put the interface in promiscuous mode\n"
"  -n                accepted for tcpdump habits (names are never resolved)\n"
"  BPF expression    capture filter, as in tcpdump (e.g. tcp port 6667)\n"
"Output (any combination; the follow view is the default):\n"
"  --follow          each stream's bytes as they are reassembled\n"
"  --hex             the follow view as a hex + ASCII dump\n"
"  --color=WHEN      colour per direction: auto (default), always, never\n"
"  -o DIR            one file per direction per connection, named as tcpflow\n"
"  --json            JSON Lines: one event per connection start and end\n"
"  --stats           a table of every connection at the end\n"
"  -w FILE           also save the packets, unmodified, to FILE (pcap)\n"
"  --keylog FILE     open secure_chat's records with the secrets its\n"
"                    --keylog wrote (read again live, as it grows): the\n"
"                    follow view and -o files show their plaintext\n"
"Limits:\n"
"  --max-flows N     connections tracked at once (default 100000)\n"
"  --max-ooo BYTES   out-of-order bytes held per direction (default 1048576)\n"
"  --idle-timeout S  end connections idle S seconds of capture time (600)\n"
"Exit status: 0 ok, 1 cannot open the input, the output or the key log, 2\n"
"usage or filter error, 3 the capture file is damaged or unsupported\n"
"part-way (everything before that point was output).\n";

static void
usage(int status)
{
	fputs(usage_text, status ? stderr : stdout);
	exit(status);
}

/* Trailing words make the filter, as in tcpdump: "tcp port 6667". */
static char *
join_words(int argc, char **argv)
{
	size_t i, len = 0;
	char *s;

	if (argc == 0)
		return NULL;
	for (i = 0; i < (size_t)argc; i++)
		len += strlen(argv[i]) + 1;
	if (!(s = calloc(1, len)))
		kit_die("out of memory");
	for (i = 0; i < (size_t)argc; i++) {
		if (i)
			strncat(s, " ", len - strlen(s) - 1);
		strncat(s, argv[i], len - strlen(s) - 1);
	}
	return s;
}

static void
set_defaults(struct options *o)
{
	memset(o, 0, sizeof(*o));
	o->cap.promisc = true;
	o->max_flows = 100000;
	o->max_ooo = 1 << 20;
	o->idle_timeout_s = 600;
}

static void
set_color(struct options *o, const char *when)
{
	if (!strcmp(when, "auto"))
		o->color = COLOR_AUTO;
	else if (!strcmp(when, "always"))
		o->color = COLOR_ALWAYS;
	else if (!strcmp(when, "never"))
		o->color = COLOR_NEVER;
	else	/* exits with SNIFFER_EUSAGE */
		kit_usage_error("--color takes auto, always or never, not '%s'",
				when);
}

void
options_parse(struct options *o, int argc, char **argv)
{
	enum { O_FOLLOW = 256, O_HEX, O_JSON, O_STATS, O_COLOR, O_FLOWS,
	       O_OOO, O_IDLE, O_KEYLOG };
	static const struct option longopts[] = {
		{ "follow", no_argument, NULL, O_FOLLOW },
		{ "hex", no_argument, NULL, O_HEX },
		{ "json", no_argument, NULL, O_JSON },
		{ "stats", no_argument, NULL, O_STATS },
		{ "color", required_argument, NULL, O_COLOR },
		{ "max-flows", required_argument, NULL, O_FLOWS },
		{ "max-ooo", required_argument, NULL, O_OOO },
		{ "idle-timeout", required_argument, NULL, O_IDLE },
		{ "keylog", required_argument, NULL, O_KEYLOG },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	set_defaults(o);
	while ((ch = getopt_long(argc, argv, "+i:r:w:o:c:s:B:pnh", longopts,
				 NULL)) != -1) {
		switch (ch) {
		case 'i': o->cap.iface = optarg; break;
		case 'r': o->cap.file = optarg; break;
		case 'w': o->cap.write_file = optarg; break;
		case 'o': o->out_dir = optarg; break;
		case 'c': o->count = kit_number(optarg, "count", 1, UINT64_MAX); break;
		case 's': o->cap.snaplen = (int)kit_number(optarg, "snaplen", 64, 262144); break;
		case 'B': o->cap.buffer_kib = (int)kit_number(optarg, "buffer size", 1, 4 << 20); break;
		case 'p': o->cap.promisc = false; break;
		case 'n': break;
		case O_FOLLOW: o->follow = true; break;
		case O_HEX: o->hex = o->follow = true; break;
		case O_JSON: o->json = true; break;
		case O_STATS: o->stats = true; break;
		case O_COLOR: set_color(o, optarg); break;
		case O_FLOWS: o->max_flows = kit_number(optarg, "flow limit", 1, 100000000); break;
		case O_OOO: o->max_ooo = kit_number(optarg, "out-of-order limit", 1500, 1ULL << 30); break;
		case O_KEYLOG: o->keylog = optarg; break;
		case O_IDLE: o->idle_timeout_s = (unsigned)kit_number(optarg, "timeout", 1, 1U << 31); break;
		case 'h': usage(SNIFFER_OK); break;
		default: usage(SNIFFER_EUSAGE);
		}
	}
	if (o->cap.iface && o->cap.file) {
		kit_warn("-i and -r cannot be used together");
		usage(SNIFFER_EUSAGE);
	}
	if (!o->cap.file && !o->cap.iface)
		o->cap.iface = "lo";
	if (!o->out_dir && !o->json && !o->stats)
		o->follow = true;
	o->filter = join_words(argc - optind, argv + optind);
	o->cap.filter = o->filter;
}

void
options_free(struct options *o)
{
	free(o->filter);
	o->filter = NULL;
}
