/* libFuzzer harness: arbitrary bytes as frames sent to a secure_chat
 * server and a client at every stage: the handshake state machines,
 * frame parsing and record opening must reject without crashing. The
 * first byte picks the target: server handshake, client handshake (after
 * its ClientHello), or an established record direction. */
#include <openssl/evp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "handshake.h"
#include "record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static EVP_PKEY *key;
static uint8_t pub[32];

static int
sign(void *ud, const uint8_t *msg, size_t n, uint8_t sig[static 64])
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	size_t len = 64;
	int ok = EVP_DigestSignInit_ex(ctx, NULL, NULL, NULL, NULL, key, NULL) &&
		 EVP_DigestSign(ctx, sig, &len, msg, n);

	(void)ud;
	EVP_MD_CTX_free(ctx);
	return ok ? 0 : KIT_EINVAL;
}

static int
verify(const uint8_t p[static 32], const uint8_t *msg, size_t n,
       const uint8_t sig[static 64])
{
	(void)p; (void)msg; (void)n; (void)sig;
	return KIT_EAUTH;	/* nothing forged may pass */
}

static int
accept_any(void *ud, const uint8_t p[static 32])
{
	(void)ud; (void)p;
	return 0;
}

static int
authorize(void *ud, const char *peer, int method, const char *nick,
	  const uint8_t *k, const char *password)
{
	(void)ud; (void)peer; (void)nick; (void)k; (void)password;
	return method == HS_ANONYMOUS ? 0 : ALERT_ACCESS_DENIED;
}

/* Feed every frame found in the data, each followed by hs_output as the
 * transport does (unless skip_output: then frames also meet the state
 * between ServerHello and ServerAuth); stop at the first failure. */
static void
feed_frames(struct hs *h, const uint8_t *data, size_t size, bool skip_output)
{
	static uint8_t out[4 * FRAME_MAX];
	size_t off = 0, flen, produced;
	uint8_t type;

	while (off < size &&
	       frame_peek(data + off, size - off, &type, &flen) == 0 &&
	       flen <= size - off) {
		if (hs_input(h, data + off, flen, out, sizeof(out),
			     &produced) < 0 ||
		    (!skip_output &&
		     hs_output(h, out, sizeof(out), &produced) < 0))
			return;
		off += flen;
	}
}

static void
feed_records(const uint8_t *data, size_t size)
{
	static uint8_t out[FRAME_MAX];
	uint8_t secret[32] = { 7 }, type, inner;
	char err[KIT_ERRLEN];
	struct rec_dir d = { 0 };
	size_t off = 0, flen, n;

	if (rec_dir_init(&d, data[0] & 1 ? SUITE_AES_256_GCM
					 : SUITE_CHACHA20_POLY1305, secret, err))
		return;
	while (off < size &&
	       frame_peek(data + off, size - off, &type, &flen) == 0 &&
	       flen <= size - off) {
		if (rec_open(&d, data + off, flen, out, sizeof(out), &inner,
			     &n) == 0)
			abort();	/* a forged record authenticated */
		off += flen;
	}
	rec_dir_wipe(&d);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t suites[] = { SUITE_CHACHA20_POLY1305,
					  SUITE_AES_256_GCM };
	static uint8_t hello[FRAME_MAX];
	struct hs_config cfg = {
		.suites = suites, .nsuites = 2, .identity = pub, .sign = sign,
		.verify = verify, .check_server = accept_any,
		.authorize = authorize, .nick = "fuzz", .method = HS_ANONYMOUS,
	};
	struct hs *h;
	size_t len = 32;

	if (!key) {
		key = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
		EVP_PKEY_get_raw_public_key(key, pub, &len);
	}
	if (size < 1)
		return 0;
	if (data[0] % 3 == 2) {
		if (size > 1)
			feed_records(data + 1, size - 1);
		return 0;
	}
	cfg.server = data[0] % 3 == 0;
	if (!(h = hs_new(&cfg)))
		return 0;
	if (cfg.server || hs_client_hello(h, hello, sizeof(hello)) > 0)
		feed_frames(h, data + 1, size - 1, data[0] / 3 % 2);
	hs_free(h);
	return 0;
}
