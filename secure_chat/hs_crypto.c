/* \summary: X25519, SHA-256 transcripts and HMAC through EVP. */
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <string.h>

#include "err.h"
#include "hs_crypto.h"

int
transcript_init(struct transcript *t)
{
	t->ctx = EVP_MD_CTX_new();
	if (!t->ctx || !EVP_DigestInit_ex2(t->ctx, EVP_sha256(), NULL)) {
		EVP_MD_CTX_free(t->ctx);
		t->ctx = NULL;
		return KIT_EINVAL;
	}
	return 0;
}

void
transcript_free(struct transcript *t)
{
	EVP_MD_CTX_free(t->ctx);
	t->ctx = NULL;
}

int
transcript_add(struct transcript *t, const uint8_t *p, size_t n)
{
	return EVP_DigestUpdate(t->ctx, p, n) ? 0 : KIT_EINVAL;
}

int
transcript_hash(const struct transcript *t, uint8_t out[static 32])
{
	EVP_MD_CTX *copy = EVP_MD_CTX_new();
	int ok = copy && EVP_MD_CTX_copy_ex(copy, t->ctx) &&
		 EVP_DigestFinal_ex(copy, out, NULL);

	EVP_MD_CTX_free(copy);
	return ok ? 0 : KIT_EINVAL;
}

int
x25519_new(struct x25519 *x)
{
	size_t len = sizeof(x->pub);

	x->key = EVP_PKEY_Q_keygen(NULL, NULL, "X25519");
	if (!x->key || !EVP_PKEY_get_raw_public_key(x->key, x->pub, &len) ||
	    len != sizeof(x->pub)) {
		x25519_free(x);
		return KIT_EINVAL;
	}
	return 0;
}

void
x25519_free(struct x25519 *x)
{
	EVP_PKEY_free(x->key);	/* OpenSSL wipes the private key */
	x->key = NULL;
}

int
x25519_shared(const struct x25519 *x, const uint8_t peer[static 32],
	      uint8_t out[static 32])
{
	static const uint8_t zero[32];
	EVP_PKEY *pub = EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, NULL,
						    peer, 32);
	EVP_PKEY_CTX *ctx = pub ? EVP_PKEY_CTX_new(x->key, NULL) : NULL;
	size_t len = 32;
	int ok = ctx && EVP_PKEY_derive_init(ctx) > 0 &&
		 EVP_PKEY_derive_set_peer(ctx, pub) > 0 &&
		 EVP_PKEY_derive(ctx, out, &len) > 0 && len == 32;

	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(pub);
	if (!ok)
		return KIT_EAUTH;	/* OpenSSL refuses low-order points too */
	return CRYPTO_memcmp(out, zero, 32) ? 0 : KIT_EAUTH;
}

size_t
signed_message(uint8_t out[static 96], const char *context,
	       const uint8_t bytes[static 32])
{
	size_t n = strlen(context);

	memcpy(out, context, n);	/* the contexts are under 63 bytes */
	out[n] = 0;
	memcpy(out + n + 1, bytes, 32);
	return n + 33;
}

int
hmac_sha256(const uint8_t key[static 32], const uint8_t *a, size_t na,
	    const uint8_t *b, size_t nb, uint8_t out[static 32])
{
	EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	EVP_MAC_CTX *ctx = mac ? EVP_MAC_CTX_new(mac) : NULL;
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string("digest", (char *)"SHA256", 0),
		OSSL_PARAM_construct_end(),
	};
	size_t len = 0;
	int ok = ctx && EVP_MAC_init(ctx, key, 32, params) &&
		 EVP_MAC_update(ctx, a, na) &&
		 (!b || EVP_MAC_update(ctx, b, nb)) &&
		 EVP_MAC_final(ctx, out, &len, 32) && len == 32;

	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(mac);
	return ok ? 0 : KIT_EINVAL;
}
