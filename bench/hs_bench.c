/* \summary: hs_bench, the secure_chat benchmark client (bench/
 * secure_bench.sh runs it): options, identities and the hs_config
 * callbacks; the modes live in hs_handshakes.c, hs_bulk.c, hs_sink.c,
 * hs_records.c and hs_floor.c. Loopback only by default; every wait has a
 * timeout. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "hs_bench.h"
#include "secure_opts.h"

static const char usage_text[] =
"usage: hs_bench MODE [options]\n"
"  handshakes --port P --server-key PIN [--count K]\n"
"      K sequential handshakes (anonymous) with a secure-server\n"
"  bulk --port P --server-key PIN [--bytes B] [--record N]\n"
"      B bytes through one connection to a sink, N bytes per record\n"
"  sink --key FILE.key [--port P] [--count C]\n"
"      accept C connections one at a time and drop what they send\n"
"  records [--seconds S]\n"
"      seal+open cost per record, AES-256-GCM and ChaCha20-Poly1305\n"
"  floor [--count K]\n"
"      K exchanges of a handshake's message sizes over TCP, no crypto\n"
"  bulk-floor [--bytes B] [--record N]\n"
"      bulk's B bytes in bulk's writes through one TCP connection, no crypto\n"
"common: --host ADDR (127.0.0.1) --cipher LIST --timeout S (10)\n"
"PIN: the server's fingerprint (SHA256:...) or its .pub file, as secure-client\n"
"takes them\n";

static int
sign(void *ud, const uint8_t *msg, size_t n, uint8_t sig[static HS_SIG_LEN])
{
	const struct hsb *b = ud;
	char err[KIT_ERRLEN];

	return keys_sign(b->id, msg, n, sig, err);
}

/* The server is pinned as secure-client and loadgen pin it: by the
 * fingerprint of the key given with --server-key. */
static int
check_server(void *ud, const uint8_t pub[static HS_KEY_LEN])
{
	const struct hsb *b = ud;
	char fp[KEYS_FP_LEN], err[KIT_ERRLEN];

	return keys_fingerprint(pub, fp, err) == 0 && strcmp(fp, b->pin) == 0
	       ? 0 : ALERT_UNKNOWN_IDENTITY;
}

/* The sink lets anonymous clients in, nobody else. */
static int
authorize(void *ud, const char *peer, int method, const char *nick,
	  const uint8_t *key, const char *password)
{
	(void)ud, (void)peer, (void)nick, (void)key, (void)password;
	return method == HS_ANONYMOUS ? 0 : ALERT_ACCESS_DENIED;
}

static void
setup_keys(struct hsb *b, bool server, const char *key, const char *pub)
{
	char err[KIT_ERRLEN];

	if (server) {
		if (!key || keys_load_private(key, &b->id, err) < 0)
			kit_die("%s", key ? err : "sink needs --key FILE.key");
		keys_public(b->id, b->sink_pub);
		b->sec.hs.identity = b->sink_pub;
	} else if (!pub || !strcmp(b->port, "0")) {
		kit_usage_error("--port and --server-key are needed");
	} else if (keys_pin_fingerprint(pub, b->pin, err) < 0) {
		kit_die("--server-key: %s", err);
	}
	b->sec.hs.server = server;
	b->sec.hs.sign = sign;
	b->sec.hs.verify = keys_verify;
	b->sec.hs.check_server = check_server;
	b->sec.hs.authorize = authorize;
	b->sec.hs.method = HS_ANONYMOUS;
	b->sec.hs.nick = "hsbench";
	b->sec.hs.ud = b;
}

static void
parse(struct hsb *b, int argc, char **argv, const char **key,
      const char **pub)
{
	static const struct option longopts[] = {
		{ "host", required_argument, NULL, 'H' },
		{ "port", required_argument, NULL, 'p' },
		{ "server-key", required_argument, NULL, 's' },
		{ "key", required_argument, NULL, 'k' },
		{ "count", required_argument, NULL, 'c' },
		{ "bytes", required_argument, NULL, 'b' },
		{ "record", required_argument, NULL, 'r' },
		{ "cipher", required_argument, NULL, 'C' },
		{ "timeout", required_argument, NULL, 't' },
		{ "seconds", required_argument, NULL, 'S' },
		{ NULL, 0, NULL, 0 },
	};
	struct secure_cli cli = { 0 };
	FILE *keylog;
	int c;

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'H': b->host = optarg; break;
		case 'p': kit_number(optarg, "--port", 0, 65535); b->port = optarg; break;
		case 's': *pub = optarg; break;
		case 'k': *key = optarg; break;
		case 'c': b->count = kit_number(optarg, "--count", 1, 100000); break;
		case 'b': b->bytes = kit_number(optarg, "--bytes", 1, 1ULL << 40); break;
		case 'r': b->record = kit_number(optarg, "--record", 1, REC_PLAINTEXT_MAX); break;
		case 'C': cli.cipher = optarg; break;
		case 't': b->timeout = (double)kit_number(optarg, "--timeout", 1, 3600); break;
		case 'S': b->seconds = (double)kit_number(optarg, "--seconds", 1, 60); break;
		default: fputs(usage_text, stderr); exit(2);
		}
	}
	secure_cli_apply(&cli, &b->sec, b->suites, &keylog);
}

int
main(int argc, char **argv)
{
	static struct hsb b = {
		.host = "127.0.0.1", .port = "0", .count = 1000,
		.bytes = 256 << 20, .record = REC_PLAINTEXT_MAX,
		.timeout = 10, .seconds = 1,
	};
	const char *mode = argc > 1 ? argv[1] : "", *key = NULL, *pub = NULL;
	int status;

	kit_set_progname(argv[0]);
	parse(&b, argc - 1, argv + 1, &key, &pub);
	if (!strcmp(mode, "records"))
		return hsb_records(&b);
	if (!strcmp(mode, "floor"))
		return hsb_floor(&b);
	if (!strcmp(mode, "bulk-floor"))
		return hsb_bulk_floor(&b);
	if (strcmp(mode, "handshakes") && strcmp(mode, "bulk") &&
	    strcmp(mode, "sink")) {
		fputs(usage_text, stderr);
		return 2;
	}
	setup_keys(&b, !strcmp(mode, "sink"), key, pub);
	status = !strcmp(mode, "handshakes") ? hsb_handshakes(&b) :
		 !strcmp(mode, "bulk") ? hsb_bulk(&b) : hsb_sink(&b);
	keys_free(b.id);
	hs_wipe_thread_keys();
	return status;
}
