/* --tls mode: self-signed X.509 certificates for identity keys, and the
 * Ed25519 key and name inside a peer's certificate. */
#ifndef KIT_SECURE_TLS_CERT_H
#define KIT_SECURE_TLS_CERT_H

#include <stddef.h>
#include <stdint.h>
#include <openssl/x509.h>

#include "keys.h"

/*
 * A self-signed certificate (X.509 v3, RFC 5280) for id's Ed25519 key,
 * with subject and issuer CN=cn, valid from an hour ago for 30 days
 * (nobody checks dates: the key is what is pinned). id and cn are
 * borrowed. Returns 0 (*out set; X509_free it), or KIT_EINVAL with
 * OpenSSL's reason in err.
 */
int tls_cert_make(const struct kit_identity *id, const char *cn, X509 **out,
		  char err[static 256]);

/*
 * The raw Ed25519 public key of cert (borrowed). Returns 0, or
 * KIT_EINVAL when it holds another kind of key.
 */
int tls_cert_key(X509 *cert, uint8_t pub[static KEYS_PUB_LEN]);

/* The subject's CN (a client's nick) into name[0..cap), "" when there is
 * none or it does not fit. */
void tls_cert_name(X509 *cert, char *name, size_t cap);

#endif
