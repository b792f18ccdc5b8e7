/* \summary: self-signed certificates for the kit's Ed25519 identity keys
 * (RFC 5280 profile, RFC 8410 key and signature identifiers: OpenSSL
 * writes both), and reading a peer's key back out of one. */
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "tls_cert.h"

/* RFC 5280 §4.1.2.5: the notAfter of a certificate with no well-defined
 * expiration date. */
#define NO_EXPIRY "99991231235959Z"

/*
 * The serial: the first 63 bits of SHA-256 of the public key. RFC 5280
 * §4.1.2.2 wants it unique per issuer, and here each key issues one
 * certificate, its own. With it, fixed dates and Ed25519's deterministic
 * signature, a key always gets the same certificate, so a client that
 * pins the certificate (weechat's tls_fingerprint) keeps its pin when
 * the server restarts.
 */
static int
set_serial(X509 *x, const struct kit_identity *id)
{
	uint8_t pub[KEYS_PUB_LEN], md[32];
	int64_t v;

	keys_public(id, pub);
	if (EVP_Digest(pub, sizeof(pub), md, NULL, EVP_sha256(), NULL) != 1)
		return 0;
	memcpy(&v, md, sizeof(v));
	v &= INT64_MAX;
	return ASN1_INTEGER_set_int64(X509_get_serialNumber(x), v ? v : 1);
}

/* From the epoch, for ever: nobody checks the dates, the key is what is
 * pinned. */
static int
set_validity(X509 *x)
{
	return ASN1_TIME_set(X509_getm_notBefore(x), 0) &&
	       ASN1_TIME_set_string_X509(X509_getm_notAfter(x), NO_EXPIRY);
}

/* Subject and issuer CN=cn (self-signed: the same name). */
static int
set_names(X509 *x, const char *cn)
{
	X509_NAME *name = X509_get_subject_name(x);

	return X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
					  (const unsigned char *)cn, -1, -1,
					  0) == 1 &&
	       X509_set_issuer_name(x, name) == 1;
}

int
tls_cert_make(const struct kit_identity *id, const char *cn, X509 **out,
	      char err[static KIT_ERRLEN])
{
	EVP_PKEY *pkey = keys_evp_pkey(id);
	X509 *x;

	ERR_clear_error();
	if (!(x = X509_new()) || X509_set_version(x, X509_VERSION_3) != 1 ||
	    !set_serial(x, id) || !set_names(x, cn) || !set_validity(x) ||
	    X509_set_pubkey(x, pkey) != 1 ||
	    /* Ed25519 signs the message itself: no digest (RFC 8410 §6). */
	    X509_sign(x, pkey, NULL) <= 0) {
		keys_openssl_error(err, "cannot make the TLS certificate");
		X509_free(x);
		return KIT_EINVAL;
	}
	*out = x;
	return 0;
}

int
tls_cert_fingerprint(X509 *cert, char out[static TLS_CERT_FP_LEN])
{
	uint8_t md[32];
	unsigned int n = 0, i;

	if (X509_digest(cert, EVP_sha256(), md, &n) != 1 || n != sizeof(md)) {
		ERR_clear_error();
		return KIT_EINVAL;
	}
	for (i = 0; i < n; i++)
		snprintf(out + 3 * i, 4, "%02X%s", md[i], i + 1 < n ? ":" : "");
	return 0;
}

int
tls_cert_key(X509 *cert, uint8_t pub[static KEYS_PUB_LEN])
{
	EVP_PKEY *pkey = X509_get0_pubkey(cert);
	size_t len = KEYS_PUB_LEN;

	if (!pkey || !EVP_PKEY_is_a(pkey, "ED25519") ||
	    EVP_PKEY_get_raw_public_key(pkey, pub, &len) != 1 ||
	    len != KEYS_PUB_LEN) {
		ERR_clear_error();
		return KIT_EINVAL;
	}
	return 0;
}

void
tls_cert_name(X509 *cert, char *name, size_t cap)
{
	X509_NAME *subject = X509_get_subject_name(cert);
	int i = subject ? X509_NAME_get_index_by_NID(subject, NID_commonName,
						     -1) : -1;
	X509_NAME_ENTRY *entry = i >= 0 ? X509_NAME_get_entry(subject, i)
					: NULL;
	ASN1_STRING *cn = entry ? X509_NAME_ENTRY_get_data(entry) : NULL;
	int n = cn ? ASN1_STRING_length(cn) : -1;

	name[0] = '\0';
	/* Too long, or with a NUL inside: refused whole, never cut. (The
	 * caller checks it is a nick: printable ASCII only.) */
	if (n > 0 && (size_t)n < cap &&
	    !memchr(ASN1_STRING_get0_data(cn), '\0', (size_t)n)) {
		memcpy(name, ASN1_STRING_get0_data(cn), (size_t)n);
		name[n] = '\0';
	}
	ERR_clear_error();
}
