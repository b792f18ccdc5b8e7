/* \summary: the server's credential, made once per process and thread on
 * the server, and checked once per server on a client that reconnects
 * (docs/PROTOCOL.md, "ServerAuth"). */
#include <openssl/crypto.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "hs_credential.h"

#define CREDENTIAL_CONTEXT "kit-chat v1 server credential"

/* The server's side: what was signed, by whom, and the key pair. A child
 * forked meanwhile makes its own rather than share the parent's key. */
static _Thread_local struct {
	pid_t pid;
	int (*sign)(void *, const uint8_t *, size_t, uint8_t *);
	void *ud;
	struct x25519 key;
	uint8_t bytes[HS_CREDENTIAL_LEN];
} made;

/* The client's side: the last credential found good, and by which check. */
static _Thread_local struct {
	int (*verify)(const uint8_t *, const uint8_t *, size_t, const uint8_t *);
	uint8_t bytes[HS_CREDENTIAL_LEN];
} good;

static void
wipe_made(void)
{
	x25519_free(&made.key);
	OPENSSL_cleanse(&made, sizeof(made));
}

static bool
made_for(const struct hs_config *cfg)
{
	return made.key.key && made.pid == getpid() && made.sign == cfg->sign &&
	       made.ud == cfg->ud && !memcmp(made.bytes, cfg->identity, 32);
}

int
hs_credential_get(const struct hs_config *cfg, const uint8_t **credential,
		  const struct x25519 **key)
{
	uint8_t msg[96];

	if (!made_for(cfg)) {
		wipe_made();
		if (x25519_new(&made.key) < 0)
			return KIT_EINVAL;
		memcpy(made.bytes, cfg->identity, 32);
		memcpy(made.bytes + 32, made.key.pub, 32);
		if (cfg->sign(cfg->ud, msg, signed_message(msg,
			      CREDENTIAL_CONTEXT, made.key.pub),
			      made.bytes + 64) < 0) {
			wipe_made();
			return KIT_EINVAL;
		}
		made.pid = getpid();
		made.sign = cfg->sign;
		made.ud = cfg->ud;
	}
	*credential = made.bytes;
	*key = &made.key;
	return 0;
}

bool
hs_credential_good(const struct hs_config *cfg,
		   const uint8_t credential[static HS_CREDENTIAL_LEN])
{
	uint8_t msg[96];

	if (good.verify == cfg->verify &&
	    !memcmp(good.bytes, credential, HS_CREDENTIAL_LEN))
		return true;
	if (cfg->verify(credential, msg, signed_message(msg, CREDENTIAL_CONTEXT,
			credential + 32), credential + 64) < 0)
		return false;
	memcpy(good.bytes, credential, HS_CREDENTIAL_LEN);
	good.verify = cfg->verify;
	return true;
}

const uint8_t *
hs_credential_last_static(void)
{
	return good.verify ? good.bytes + 32 : NULL;
}

void
hs_credential_wipe(void)
{
	wipe_made();
	memset(&good, 0, sizeof(good));
}
