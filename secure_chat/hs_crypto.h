/* The handshake's primitives through EVP: a running SHA-256 transcript,
 * ephemeral X25519 (RFC 7748) and HMAC-SHA256 for Finished MACs. */
#ifndef KIT_SECURE_HS_CRYPTO_H
#define KIT_SECURE_HS_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

struct evp_md_ctx_st;
struct evp_pkey_st;

struct transcript {
	struct evp_md_ctx_st *ctx;
};

/* All return 0, or KIT_EINVAL when OpenSSL fails. */
int transcript_init(struct transcript *t);
void transcript_free(struct transcript *t);
int transcript_add(struct transcript *t, const uint8_t *p, size_t n);
/* The hash of everything added so far (the transcript goes on). */
int transcript_hash(const struct transcript *t, uint8_t out[static 32]);

struct x25519 {
	struct evp_pkey_st *key;
	uint8_t pub[32];
};

int x25519_new(struct x25519 *x);
void x25519_free(struct x25519 *x);
/* The shared secret with the peer's public key; KIT_EAUTH when it is all
 * zeros (a low-order point, RFC 7748 §6.1). */
int x25519_shared(const struct x25519 *x, const uint8_t peer[static 32],
		  uint8_t out[static 32]);

/* context || 0x00 || 32 bytes (a transcript hash, a key): what the
 * identity keys sign. Returns its length. */
size_t signed_message(uint8_t out[static 96], const char *context,
		      const uint8_t bytes[static 32]);

/* HMAC-SHA256(key, a || b). b may be NULL. */
int hmac_sha256(const uint8_t key[static 32], const uint8_t *a, size_t na,
		const uint8_t *b, size_t nb, uint8_t out[static 32]);

#endif
