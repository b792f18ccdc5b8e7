/* --tls on the command line of secure-server and secure-client: what the
 * kit's protocol options become over TLS. */
#ifndef KIT_SECURE_TLS_CLI_H
#define KIT_SECURE_TLS_CLI_H

#include <stdio.h>

#include "secure_opts.h"

#define TLS_CLI_SUITES_LEN 80
#define TLS_CLI_PORT "6697"	/* the default port: IRC over TLS (RFC 7194) */

/* The --tls option's help line, for SECURE_CLI_OPTS' neighbours. */
#define TLS_CLI_HELP \
	"  --tls                  TLS 1.3 (OpenSSL) instead of the kit's protocol\n" \
	"                         (default port 6697; see docs/PROTOCOL.md)\n"

/*
 * Refuse --pad and --rekey (TLS 1.3 has no such knobs: its records are
 * not padded, OpenSSL updates keys itself), turn --cipher into TLS 1.3
 * suite names in its order ("" without --cipher: OpenSSL's defaults) and
 * open the --keylog file (NULL when none) with its warning. Exits with
 * a message on misuse (status 2) or when the key log cannot be opened.
 */
void tls_cli_apply(const struct secure_cli *c,
		   char suites[static TLS_CLI_SUITES_LEN], FILE **keylog);

#endif
