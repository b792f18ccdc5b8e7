/* Ed25519 test keys and callbacks (see test_ed25519.h). */
#include <check.h>
#include <openssl/evp.h>

#include "err.h"
#include "test_ed25519.h"

struct test_key server_key, client_key, other_key;

void
make_key(struct test_key *k)
{
	size_t len = 32;

	k->pkey = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	ck_assert_ptr_nonnull(k->pkey);
	ck_assert(EVP_PKEY_get_raw_public_key(k->pkey, k->pub, &len));
}

void
free_key(struct test_key *k)
{
	EVP_PKEY_free(k->pkey);
	k->pkey = NULL;
}

int
test_sign(void *ud, const uint8_t *msg, size_t n, uint8_t sig[static 64])
{
	struct test_key *k = ud;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	size_t len = 64;
	int ok = EVP_DigestSignInit_ex(ctx, NULL, NULL, NULL, NULL, k->pkey,
				       NULL) &&
		 EVP_DigestSign(ctx, sig, &len, msg, n);

	EVP_MD_CTX_free(ctx);
	return ok ? 0 : KIT_EINVAL;
}

int
test_verify(const uint8_t pub[static 32], const uint8_t *msg, size_t n,
	    const uint8_t sig[static 64])
{
	EVP_PKEY *k = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pub, 32);
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int ok = k && EVP_DigestVerifyInit_ex(ctx, NULL, NULL, NULL, NULL, k,
					      NULL) &&
		 EVP_DigestVerify(ctx, sig, 64, msg, n) == 1;

	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(k);
	return ok ? 0 : KIT_EAUTH;
}
