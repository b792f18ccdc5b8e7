/*
 * loadgen_secure.c - --secure: every client runs the secure_chat protocol
 * (docs/PROTOCOL.md) through the kit's secure transport, logs in
 * anonymously and accepts only the server key given with --server-key, as
 * secure-client does: a "SHA256:..." fingerprint or a .pub/.key file. It
 * offers the suites secure-client offers, in its order (--cipher as
 * secure-client's).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "keys.h"
#include "loadgen.h"
#include "secure_opts.h"
#include "secure_transport.h"

struct lg_secure {
	struct secure_opts so;	/* every connection's copy comes from it */
	uint8_t suites[2];
	FILE *keylog;		/* secure_cli_apply's; never opened here */
	char pin[KEYS_FP_LEN];	/* the fingerprint the server must have */
	bool warned;
};

/* hs_config.check_server: the pinned key, or no handshake. */
static int
check_server(void *ud, const uint8_t pub[static KEYS_PUB_LEN])
{
	struct lg_secure *ls = ud;
	char fp[KEYS_FP_LEN], err[KIT_ERRLEN];

	if (keys_fingerprint(pub, fp, err) == 0 && strcmp(fp, ls->pin) == 0)
		return 0;
	if (!ls->warned)
		fprintf(stderr, "loadgen: the server's key %s is not the one "
		    "pinned with --server-key\n", fp);
	ls->warned = true;
	return ALERT_UNKNOWN_IDENTITY;
}

/* The pin as a fingerprint, whichever form it was given in. */
static int
load_pin(struct lg_secure *ls, const char *key)
{
	char err[KIT_ERRLEN];

	if (keys_pin_fingerprint(key, ls->pin, err) < 0) {
		fprintf(stderr, "loadgen: --server-key: %s\n", err);
		return -1;
	}
	return 0;
}

int
secure_setup(struct lg *lg)
{
	struct lg_secure *ls = calloc(1, sizeof(*ls));
	struct secure_cli cli = { .cipher = lg->o.cipher };

	if (!ls) {
		fprintf(stderr, "loadgen: out of memory\n");
		return -1;
	}
	lg->sec = ls;
	if (load_pin(ls, lg->o.server_key) < 0)
		return -1;
	/* secure-client's suites, padding and rekeying defaults. */
	secure_cli_apply(&cli, &ls->so, ls->suites, &ls->keylog);
	ls->so.hs.verify = keys_verify;
	ls->so.hs.check_server = check_server;
	ls->so.hs.method = HS_ANONYMOUS;
	/* Anonymous: the handshake's nick proves nothing; NICK decides. */
	ls->so.hs.nick = "loadgen";
	ls->so.hs.ud = ls;
	lg->wrap = secure_transport_wrap;
	lg->wrap_ctx = &ls->so;
	return 0;
}

void
secure_teardown(struct lg *lg)
{
	hs_wipe_thread_keys();
	free(lg->sec);
	lg->sec = NULL;
}
