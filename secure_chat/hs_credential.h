/* The server's credential (docs/PROTOCOL.md, "ServerAuth"): a semi-static
 * X25519 key that the server's Ed25519 identity key signs once, so that a
 * handshake proves the identity with one X25519 computation on each side
 * instead of a signature and its verification. */
#ifndef KIT_SECURE_HS_CREDENTIAL_H
#define KIT_SECURE_HS_CREDENTIAL_H

#include <stdbool.h>
#include <stdint.h>

#include "handshake.h"
#include "hs_crypto.h"

/* identity (32) || static X25519 public key (32) || signature (64) */
#define HS_CREDENTIAL_LEN (HS_KEY_LEN + 32 + HS_SIG_LEN)

/*
 * Server: the credential of cfg's identity, made the first time this
 * thread of this process asks for it with that identity and signer, and
 * kept until hs_wipe_thread_keys; *key is its X25519 key pair. 0, or a
 * KIT_E* code when the key or the signature cannot be made.
 */
int hs_credential_get(const struct hs_config *cfg,
		      const uint8_t **credential, const struct x25519 **key);

/*
 * Client: whether the credential's signature is good. The last credential
 * this thread found good is remembered, so that a client that connects
 * again to the same server checks it once, not at every handshake.
 */
bool hs_credential_good(const struct hs_config *cfg,
			const uint8_t credential[static HS_CREDENTIAL_LEN]);

/* Client: the static key of the credential last found good, or NULL. */
const uint8_t *hs_credential_last_static(void);

/* Wipes this thread's server credential and forgets the good one. */
void hs_credential_wipe(void);

#endif
