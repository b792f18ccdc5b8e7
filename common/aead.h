/* AEAD through OpenSSL's EVP interface: AES-256-GCM, ChaCha20-Poly1305. */
#ifndef KIT_SECURE_AEAD_H
#define KIT_SECURE_AEAD_H

#include <stddef.h>
#include <stdint.h>

#define AEAD_KEY_LEN 32
#define AEAD_NONCE_LEN 12
#define AEAD_TAG_LEN 16

/* Cipher suites, as numbered on the wire (docs/PROTOCOL.md). */
enum aead_suite {
	SUITE_AES_256_GCM = 0x01,
	SUITE_CHACHA20_POLY1305 = 0x02,
};

struct aead;

/* "AES-256-GCM" or "ChaCha20-Poly1305"; NULL for an unknown suite. */
const char *aead_suite_name(int suite);

/* A cipher context for one key, reused for every record. Returns NULL
 * (with OpenSSL's reason in err) when the suite is unknown or OpenSSL
 * fails. The key is copied; the caller wipes its own copy. */
struct aead *aead_new(int suite, const uint8_t key[static AEAD_KEY_LEN],
		      char err[static 256]);
void aead_free(struct aead *a);	/* wipes the key; NULL-safe */

/* out receives n bytes of ciphertext then the tag (n + AEAD_TAG_LEN).
 * Returns 0 or KIT_EINVAL (OpenSSL failed). */
int aead_seal(struct aead *a, const uint8_t nonce[static AEAD_NONCE_LEN],
	      const uint8_t *aad, size_t aadlen, const uint8_t *p, size_t n,
	      uint8_t *out);

/* As aead_seal, for a plaintext in two pieces, p then q (m bytes), so
 * that neither is copied first: out receives n + m bytes of ciphertext
 * then the tag. */
int aead_seal2(struct aead *a, const uint8_t nonce[static AEAD_NONCE_LEN],
	       const uint8_t *aad, size_t aadlen, const uint8_t *p, size_t n,
	       const uint8_t *q, size_t m, uint8_t *out);

/* in holds n bytes of ciphertext then the tag; out receives n bytes.
 * Returns 0, or KIT_EAUTH when the tag does not match (out must then be
 * ignored: it may hold unauthenticated bytes). */
int aead_open(struct aead *a, const uint8_t nonce[static AEAD_NONCE_LEN],
	      const uint8_t *aad, size_t aadlen, const uint8_t *in, size_t n,
	      uint8_t *out);

#endif
