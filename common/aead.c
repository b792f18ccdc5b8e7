/* \summary: AEAD records' cipher: AES-256-GCM (NIST SP 800-38D) and
 * ChaCha20-Poly1305 (RFC 8439) through EVP; the kit never touches the
 * primitives itself. */
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aead.h"
#include "err.h"

struct aead {
	EVP_CIPHER *cipher;
	EVP_CIPHER_CTX *ctx;
	int keyed;		/* -1: not yet; else the direction it is keyed for */
	uint8_t key[AEAD_KEY_LEN];
};

const char *
aead_suite_name(int suite)
{
	switch (suite) {
	case SUITE_AES_256_GCM: return "AES-256-GCM";
	case SUITE_CHACHA20_POLY1305: return "ChaCha20-Poly1305";
	}
	return NULL;
}

struct aead *
aead_new(int suite, const uint8_t key[static AEAD_KEY_LEN],
	 char err[static 256])
{
	const char *name = aead_suite_name(suite);
	struct aead *a;

	if (!name) {
		snprintf(err, KIT_ERRLEN, "unknown cipher suite %d", suite);
		return NULL;
	}
	if (!(a = calloc(1, sizeof(*a)))) {
		snprintf(err, KIT_ERRLEN, "out of memory");
		return NULL;
	}
	a->cipher = EVP_CIPHER_fetch(NULL, name, NULL);
	a->ctx = EVP_CIPHER_CTX_new();
	if (!a->cipher || !a->ctx) {
		snprintf(err, KIT_ERRLEN, "%s: %s", name,
			 ERR_error_string(ERR_get_error(), NULL));
		aead_free(a);
		return NULL;
	}
	memcpy(a->key, key, AEAD_KEY_LEN);
	a->keyed = -1;
	return a;
}

void
aead_free(struct aead *a)
{
	if (!a)
		return;
	OPENSSL_cleanse(a->key, sizeof(a->key));
	EVP_CIPHER_CTX_free(a->ctx);
	EVP_CIPHER_free(a->cipher);
	free(a);
}

/* int lengths for EVP: records are far below INT_MAX (checked by callers,
 * and again here). */
static int
crypt(struct aead *a, int enc, const uint8_t *nonce, const uint8_t *aad,
      size_t aadlen, const uint8_t *in, size_t n, uint8_t *out)
{
	int len;

	if (n > 1u << 30 || aadlen > 1u << 30)
		return KIT_ETOOBIG;
	/* Key schedule once per direction; then only the nonce changes. */
	if (a->keyed != enc) {
		if (!EVP_CipherInit_ex2(a->ctx, a->cipher, a->key, NULL, enc,
					NULL))
			return KIT_EINVAL;
		a->keyed = enc;
	}
	if (!EVP_CipherInit_ex2(a->ctx, NULL, NULL, nonce, enc, NULL) ||
	    (aadlen && !EVP_CipherUpdate(a->ctx, NULL, &len, aad, (int)aadlen)) ||
	    (n && !EVP_CipherUpdate(a->ctx, out, &len, in, (int)n)))
		return KIT_EINVAL;
	return 0;
}

int
aead_seal2(struct aead *a, const uint8_t nonce[static AEAD_NONCE_LEN],
	   const uint8_t *aad, size_t aadlen, const uint8_t *p, size_t n,
	   const uint8_t *q, size_t m, uint8_t *out)
{
	OSSL_PARAM params[2];
	int len, r;

	if (m > 1u << 30)
		return KIT_ETOOBIG;
	if ((r = crypt(a, 1, nonce, aad, aadlen, p, n, out)) < 0)
		return r;
	if ((m && !EVP_CipherUpdate(a->ctx, out + n, &len, q, (int)m)) ||
	    !EVP_CipherFinal_ex(a->ctx, out + n + m, &len))
		return KIT_EINVAL;
	params[0] = OSSL_PARAM_construct_octet_string(
		OSSL_CIPHER_PARAM_AEAD_TAG, out + n + m, AEAD_TAG_LEN);
	params[1] = OSSL_PARAM_construct_end();
	return EVP_CIPHER_CTX_get_params(a->ctx, params) ? 0 : KIT_EINVAL;
}

int
aead_seal(struct aead *a, const uint8_t nonce[static AEAD_NONCE_LEN],
	  const uint8_t *aad, size_t aadlen, const uint8_t *p, size_t n,
	  uint8_t *out)
{
	return aead_seal2(a, nonce, aad, aadlen, p, n, NULL, 0, out);
}

int
aead_open(struct aead *a, const uint8_t nonce[static AEAD_NONCE_LEN],
	  const uint8_t *aad, size_t aadlen, const uint8_t *in, size_t n,
	  uint8_t *out)
{
	uint8_t tag[AEAD_TAG_LEN];
	OSSL_PARAM params[2];
	int len, r;

	memcpy(tag, in + n, AEAD_TAG_LEN);
	if ((r = crypt(a, 0, nonce, aad, aadlen, in, n, out)) < 0)
		return r;
	params[0] = OSSL_PARAM_construct_octet_string(
		OSSL_CIPHER_PARAM_AEAD_TAG, tag, AEAD_TAG_LEN);
	params[1] = OSSL_PARAM_construct_end();
	if (!EVP_CIPHER_CTX_set_params(a->ctx, params))
		return KIT_EINVAL;
	/* The tag is compared inside OpenSSL, in constant time. */
	return EVP_CipherFinal_ex(a->ctx, out + n, &len) > 0 ? 0 : KIT_EAUTH;
}
