/* The key schedule's HKDF-SHA256 steps (RFC 5869), labels as in
 * docs/PROTOCOL.md. */
#ifndef KIT_SECURE_KEYSCHED_H
#define KIT_SECURE_KEYSCHED_H

#include <stddef.h>
#include <stdint.h>

#define KS_HASH_LEN 32

/* The protocol's labels, spelled out once (docs/PROTOCOL.md). */
#define KS_SALT "kit-chat v1"
#define KS_C_HS "c hs traffic"
#define KS_S_HS "s hs traffic"
#define KS_C_AP "c ap traffic"
#define KS_S_AP "s ap traffic"
#define KS_FINISHED "finished"
#define KS_DERIVED "derived"
#define KS_KEY "key"
#define KS_IV "iv"
#define KS_UPDATE "traffic upd"

/* HKDF-Extract: out = HMAC-SHA256(salt, ikm). Returns 0 or KIT_EINVAL. */
int ks_extract(const uint8_t *salt, size_t saltlen, const uint8_t *ikm,
	       size_t ikmlen, uint8_t out[static KS_HASH_LEN]);

/* HKDF-Expand with raw info (for the RFC 5869 test vectors). */
int ks_expand_raw(const uint8_t *prk, size_t prklen, const uint8_t *info,
		  size_t infolen, uint8_t *out, size_t n);

/* Expand(secret, label, context, n) with info = u16 n || u8 len || "kit1 "
 * label || u8 len || context. Returns 0, KIT_EINVAL or KIT_ETOOBIG. */
int ks_expand(const uint8_t secret[static KS_HASH_LEN], const char *label,
	      const uint8_t *context, size_t ctxlen, uint8_t *out, size_t n);

#endif
