/* Command-line options both secure programs take: --pad, --cipher,
 * --rekey and --keylog. */
#ifndef KIT_SECURE_SECURE_OPTS_H
#define KIT_SECURE_SECURE_OPTS_H

#include <stdint.h>
#include <stdio.h>

struct secure_opts;

/* The option values as given (NULL when absent). */
struct secure_cli {
	const char *pad, *cipher, *rekey, *keylog;
};

/* The four extra_opt entries for them, over c's fields. */
#define SECURE_CLI_OPTS(c) \
	{ "pad", true, &(c).pad, \
	  "  --pad N                pad each record after the handshake to a multiple\n" \
	  "                         of N bytes (1-256) before it is sealed: its frame\n" \
	  "                         is then a multiple of N plus 19\n" }, \
	{ "cipher", true, &(c).cipher, \
	  "  --cipher LIST          suites in order: aes-256-gcm,chacha20-poly1305\n" }, \
	{ "rekey", true, &(c).rekey, \
	  "  --rekey N              new keys after N records (default 1048576)\n" }, \
	{ "keylog", true, &(c).keylog, \
	  "  --keylog FILE          append the session secrets to FILE (labs only)\n" }

/*
 * Check the values and fill o's pad, rekey and suites (suites[] must hold
 * 2 entries and outlive o); open the key log into *keylog (NULL when
 * none). Exits with a message (status 2) on a bad value.
 */
void secure_cli_apply(const struct secure_cli *c, struct secure_opts *o,
		      uint8_t suites[2], FILE **keylog);

#endif
