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
 * with subject and issuer CN=cn, valid from 1970 with no expiry date
 * (nobody checks dates: the key is what is pinned). The same key and cn
 * always give the same certificate, byte for byte. id and cn are
 * borrowed. Returns 0 (*out set; X509_free it), or KIT_EINVAL with
 * OpenSSL's reason in err.
 */
int tls_cert_make(const struct kit_identity *id, const char *cn, X509 **out,
		  char err[static 256]);

/* "AB:CD:...": SHA-256 of cert's DER, as `openssl x509 -fingerprint
 * -sha256` prints it. Returns 0, or KIT_EINVAL. */
#define TLS_CERT_FP_LEN (32 * 3)
int tls_cert_fingerprint(X509 *cert, char out[static TLS_CERT_FP_LEN]);

/*
 * The raw Ed25519 public key of cert (borrowed). Returns 0, or
 * KIT_EINVAL when it holds another kind of key.
 */
int tls_cert_key(X509 *cert, uint8_t pub[static KEYS_PUB_LEN]);

/* The subject's CN (a client's nick) into name[0..cap), "" when there is
 * none or it does not fit. */
void tls_cert_name(X509 *cert, char *name, size_t cap);

#endif
