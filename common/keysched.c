/* \summary: HKDF-SHA256 (RFC 5869) through OpenSSL's EVP_KDF, and the
 * labelled expansion of docs/PROTOCOL.md (shaped like TLS 1.3's
 * HKDF-Expand-Label, RFC 8446 §7.1). */
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <stdbool.h>
#include <string.h>

#include "err.h"
#include "keysched.h"

#define LABEL_PREFIX "kit1 "

/* An HKDF-SHA256 context, or NULL. */
static EVP_KDF_CTX *
new_hkdf_ctx(void)
{
	EVP_KDF *kdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
	EVP_KDF_CTX *ctx = kdf ? EVP_KDF_CTX_new(kdf) : NULL;
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST,
						 (char *)"SHA256", 0),
		OSSL_PARAM_construct_end(),
	};

	EVP_KDF_free(kdf);	/* the context holds its own reference */
	if (ctx && !EVP_KDF_CTX_set_params(ctx, params)) {
		EVP_KDF_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

/*
 * One HKDF context per thread, its digest set once: OpenSSL 3.0 looks the
 * digest up by name every time it is set, a fifth of the instructions of
 * the 17 derivations a handshake makes on each side. Each call sets the
 * mode, key and salt or info it uses, then replaces key and salt with
 * zeros, so that no secret stays in the context (OpenSSL wipes a key it
 * replaces; a salt it frees unwiped, as when a context is freed). OpenSSL
 * 3.0 crashes on an empty info that replaces a longer one, so those
 * expansions get a context of their own. Threads never end while a
 * program runs: the context lives until exit.
 */
static _Thread_local EVP_KDF_CTX *thread_ctx;

static EVP_KDF_CTX *
hkdf_context(bool own)
{
	if (own)
		return new_hkdf_ctx();
	if (!thread_ctx)
		thread_ctx = new_hkdf_ctx();
	return thread_ctx;
}

/* Done with ctx: freed if it was its own, else cleared of secrets (and
 * dropped if OpenSSL will not clear it). */
static void
hkdf_done(EVP_KDF_CTX *ctx, bool own)
{
	static const uint8_t blank[KS_HASH_LEN];
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY,
						  (void *)blank, sizeof(blank)),
		OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT,
						  (void *)blank, sizeof(blank)),
		OSSL_PARAM_construct_end(),
	};

	if (own || !EVP_KDF_CTX_set_params(ctx, params)) {
		EVP_KDF_CTX_free(ctx);	/* wipes the key */
		if (!own)
			thread_ctx = NULL;
	}
}

static int
hkdf(int mode, const uint8_t *key, size_t keylen, const uint8_t *salt,
     size_t saltlen, const uint8_t *info, size_t infolen, uint8_t *out,
     size_t n)
{
	bool own = mode == EVP_KDF_HKDF_MODE_EXPAND_ONLY && infolen == 0;
	EVP_KDF_CTX *ctx = hkdf_context(own);
	OSSL_PARAM params[4], *p = params;
	int ok;

	if (!ctx)
		return KIT_EINVAL;
	*p++ = OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode);
	*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY,
						 (void *)key, keylen);
	if (mode == EVP_KDF_HKDF_MODE_EXTRACT_ONLY)
		*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT,
							 (void *)salt, saltlen);
	else if (!own)
		*p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO,
							 (void *)info, infolen);
	*p = OSSL_PARAM_construct_end();
	ok = EVP_KDF_derive(ctx, out, n, params) > 0;
	hkdf_done(ctx, own);
	return ok ? 0 : KIT_EINVAL;
}

int
ks_extract(const uint8_t *salt, size_t saltlen, const uint8_t *ikm,
	   size_t ikmlen, uint8_t out[static KS_HASH_LEN])
{
	static const uint8_t zero[KS_HASH_LEN];

	/* RFC 5869 §2.2: no salt means a string of HashLen zeros. */
	if (!salt || saltlen == 0) {
		salt = zero;
		saltlen = sizeof(zero);
	}
	return hkdf(EVP_KDF_HKDF_MODE_EXTRACT_ONLY, ikm, ikmlen, salt, saltlen,
		    NULL, 0, out, KS_HASH_LEN);
}

int
ks_expand_raw(const uint8_t *prk, size_t prklen, const uint8_t *info,
	      size_t infolen, uint8_t *out, size_t n)
{
	return hkdf(EVP_KDF_HKDF_MODE_EXPAND_ONLY, prk, prklen, NULL, 0, info,
		    infolen, out, n);
}

int
ks_expand(const uint8_t secret[static KS_HASH_LEN], const char *label,
	  const uint8_t *context, size_t ctxlen, uint8_t *out, size_t n)
{
	uint8_t info[2 + 1 + 255 + 1 + 255];
	size_t lablen = strlen(LABEL_PREFIX) + strlen(label), len = 0;
	int r;

	if (lablen > 255 || ctxlen > 255 || n > 255 * KS_HASH_LEN)
		return KIT_ETOOBIG;
	info[len++] = (uint8_t)(n >> 8);
	info[len++] = (uint8_t)n;
	info[len++] = (uint8_t)lablen;
	memcpy(info + len, LABEL_PREFIX, strlen(LABEL_PREFIX));
	len += strlen(LABEL_PREFIX);
	memcpy(info + len, label, strlen(label));
	len += strlen(label);
	info[len++] = (uint8_t)ctxlen;
	if (ctxlen)
		memcpy(info + len, context, ctxlen);
	len += ctxlen;
	r = ks_expand_raw(secret, KS_HASH_LEN, info, len, out, n);
	OPENSSL_cleanse(info, sizeof(info));
	return r;
}
