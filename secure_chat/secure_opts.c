/* Options shared by secure-server and secure-client. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "err.h"
#include "keylog.h"
#include "secure_opts.h"
#include "secure_transport.h"

/* "aes-256-gcm,chacha20-poly1305" into suite numbers, in that order. */
static size_t
parse_ciphers(const char *list, uint8_t suites[2])
{
	char copy[64], *name, *rest;
	size_t n = 0;

	snprintf(copy, sizeof(copy), "%s", list);
	for (name = strtok_r(copy, ",", &rest); name;
	     name = strtok_r(NULL, ",", &rest)) {
		int s = !strcasecmp(name, "aes-256-gcm") ? SUITE_AES_256_GCM :
			!strcasecmp(name, "chacha20-poly1305")
			? SUITE_CHACHA20_POLY1305 : 0;

		if (!s) {
			kit_warn("invalid --cipher '%s' (aes-256-gcm, "
				 "chacha20-poly1305, comma-separated)", list);
			exit(2);
		}
		/* Two suites: a third name is a repeat. */
		if (n == 2 || memchr(suites, s, n)) {
			kit_warn("--cipher '%s' names %s twice", list, name);
			exit(2);
		}
		suites[n++] = (uint8_t)s;
	}
	return n;
}

void
secure_cli_apply(const struct secure_cli *c, struct secure_opts *o,
		 uint8_t suites[2], FILE **keylog)
{
	/* AES-256-GCM first: on CPUs with AES instructions it seals and
	 * opens a short chat record in about 0.6 of ChaCha20-Poly1305's time
	 * (bench/secure_bench.sh, docs/PROTOCOL.md "Cipher suites"). */
	suites[0] = SUITE_AES_256_GCM;
	suites[1] = SUITE_CHACHA20_POLY1305;
	o->hs.suites = suites;
	o->hs.nsuites = c->cipher ? parse_ciphers(c->cipher, suites) : 2;
	if (o->hs.nsuites == 0) {
		kit_warn("--cipher names no suite");
		exit(2);
	}
	o->pad = c->pad ? (size_t)kit_number(c->pad, "--pad", 1, 256) : 0;
	o->rekey_after = c->rekey ? kit_number(c->rekey, "--rekey", 1,
					   UINT64_MAX - 1) : 0;
	*keylog = NULL;
	if (c->keylog && !(*keylog = keylog_open(c->keylog)))
		exit(1);
}
