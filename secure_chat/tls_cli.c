/* \summary: the secure programs' options under --tls (docs/PROTOCOL.md,
 * "TLS mode"). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "secure_transport.h"
#include "tls_cli.h"

/* The kit's two suites are TLS 1.3's (RFC 8446 §B.4) with the same AEAD. */
static const char *
suite_name(uint8_t suite)
{
	return suite == SUITE_AES_256_GCM ? "TLS_AES_256_GCM_SHA384"
					  : "TLS_CHACHA20_POLY1305_SHA256";
}

void
tls_cli_apply(const struct secure_cli *c,
	      char suites[static TLS_CLI_SUITES_LEN], FILE **keylog)
{
	struct secure_opts parsed = { 0 };
	uint8_t order[2];
	size_t i;

	if (c->pad || c->rekey) {
		kit_warn("--%s has no meaning with --tls (%s)",
			 c->pad ? "pad" : "rekey", c->pad
			 ? "TLS 1.3 records are not padded here"
			 : "OpenSSL updates the keys itself");
		exit(2);
	}
	/* The same --cipher parser and key log as the kit's protocol. */
	secure_cli_apply(c, &parsed, order, keylog);
	suites[0] = '\0';
	/* At most two names: they always fit (the sizes are fixed). */
	for (i = 0; c->cipher && i < parsed.hs.nsuites; i++)
		snprintf(suites + strlen(suites),
			 TLS_CLI_SUITES_LEN - strlen(suites), "%s%s",
			 i ? ":" : "", suite_name(order[i]));
}
