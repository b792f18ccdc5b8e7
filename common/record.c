/* \summary: secure_chat frames and records (docs/PROTOCOL.md, "Framing"):
 * TLS 1.3's record design (RFC 8446 §5.2-5.3) with our own header. */
#include <openssl/crypto.h>
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "record.h"

int
rec_dir_init(struct rec_dir *d, int suite,
	     const uint8_t secret[static KS_HASH_LEN], char err[static 256])
{
	uint8_t key[AEAD_KEY_LEN];
	int r;

	rec_dir_wipe(d);
	memcpy(d->secret, secret, KS_HASH_LEN);
	d->suite = suite;
	if ((r = ks_expand(d->secret, KS_KEY, NULL, 0, key, sizeof(key))) < 0 ||
	    (r = ks_expand(d->secret, KS_IV, NULL, 0, d->iv, sizeof(d->iv))) < 0) {
		snprintf(err, KIT_ERRLEN, "key derivation failed");
		OPENSSL_cleanse(key, sizeof(key));
		return r;
	}
	d->aead = aead_new(suite, key, err);
	OPENSSL_cleanse(key, sizeof(key));
	return d->aead ? 0 : KIT_EINVAL;
}

int
rec_dir_update(struct rec_dir *d, char err[static 256])
{
	uint8_t next[KS_HASH_LEN];
	int r;

	if ((r = ks_expand(d->secret, KS_UPDATE, NULL, 0, next, sizeof(next))) < 0) {
		snprintf(err, KIT_ERRLEN, "key derivation failed");
		return r;
	}
	r = rec_dir_init(d, d->suite, next, err);
	OPENSSL_cleanse(next, sizeof(next));
	return r;
}

void
rec_dir_wipe(struct rec_dir *d)
{
	if (!d)
		return;
	aead_free(d->aead);
	d->aead = NULL;
	OPENSSL_cleanse(d->secret, sizeof(d->secret));
	OPENSSL_cleanse(d->iv, sizeof(d->iv));
	d->seq = 0;
}

int
frame_peek(const uint8_t *buf, size_t len, uint8_t *type, size_t *frame_len)
{
	size_t body;

	if (len < FRAME_HEADER_LEN)
		return KIT_EINCOMPLETE;
	body = (size_t)buf[1] << 8 | buf[2];
	if (body > FRAME_BODY_MAX)
		return KIT_ETOOBIG;
	*type = buf[0];
	*frame_len = FRAME_HEADER_LEN + body;
	return 0;
}

static void
put_header(uint8_t *out, uint8_t type, size_t body)
{
	out[0] = type;
	out[1] = (uint8_t)(body >> 8);
	out[2] = (uint8_t)body;
}

int
frame_write(uint8_t type, const uint8_t *body, size_t n, uint8_t *out,
	    size_t cap)
{
	if (n > FRAME_BODY_MAX || cap < FRAME_HEADER_LEN ||
	    n > cap - FRAME_HEADER_LEN)
		return KIT_ETOOBIG;
	put_header(out, type, n);
	if (n)
		memcpy(out + FRAME_HEADER_LEN, body, n);
	return (int)(FRAME_HEADER_LEN + n);
}

/* nonce = iv XOR (0^4 || seq as u64 BE) */
static void
make_nonce(const struct rec_dir *d, uint8_t nonce[static AEAD_NONCE_LEN])
{
	int i;

	memcpy(nonce, d->iv, AEAD_NONCE_LEN);
	for (i = 0; i < 8; i++)
		nonce[AEAD_NONCE_LEN - 1 - i] ^= (uint8_t)(d->seq >> (8 * i));
}

int
rec_seal(struct rec_dir *d, uint8_t inner, const uint8_t *p, size_t n,
	 size_t pad, uint8_t *out, size_t cap)
{
	uint8_t nonce[AEAD_NONCE_LEN], tail[256] = { inner };
	size_t len = n + 1, body;
	int r;

	if (n > REC_PLAINTEXT_MAX)
		return KIT_ETOOBIG;
	if (pad > 1 && len % pad)
		len += pad - len % pad;
	if (len - n - 1 > 255)	/* never more padding than the format allows */
		len = n + 1 + 255;
	body = len + AEAD_TAG_LEN;
	if (d->seq == UINT64_MAX || cap < FRAME_HEADER_LEN + body)
		return d->seq == UINT64_MAX ? KIT_EINVAL : KIT_ETOOBIG;
	put_header(out, FRAME_RECORD, body);
	/* Plaintext: the content as it is, then the type and zeros (tail);
	 * sealed straight from both into the frame. */
	make_nonce(d, nonce);
	if ((r = aead_seal2(d->aead, nonce, out, FRAME_HEADER_LEN, p, n, tail,
			    len - n, out + FRAME_HEADER_LEN)) < 0)
		return r;
	d->seq++;
	return (int)(FRAME_HEADER_LEN + body);
}

int
rec_open(struct rec_dir *d, const uint8_t *frame, size_t frame_len,
	 uint8_t *out, size_t cap, uint8_t *inner, size_t *n)
{
	uint8_t nonce[AEAD_NONCE_LEN];
	size_t len;
	int r;

	if (frame_len < FRAME_HEADER_LEN + AEAD_TAG_LEN + 1 ||
	    frame[0] != FRAME_RECORD)
		return KIT_EINVAL;
	len = frame_len - FRAME_HEADER_LEN - AEAD_TAG_LEN;
	if (len > cap)
		return KIT_ETOOBIG;
	make_nonce(d, nonce);
	if ((r = aead_open(d->aead, nonce, frame, FRAME_HEADER_LEN,
			   frame + FRAME_HEADER_LEN, len, out)) < 0) {
		OPENSSL_cleanse(out, len);	/* never use unauthenticated bytes */
		return r == KIT_EAUTH ? KIT_EAUTH : r;
	}
	d->seq++;
	while (len > 0 && out[len - 1] == 0)	/* strip the padding */
		len--;
	if (len == 0)
		return KIT_EINVAL;
	*inner = out[len - 1];
	*n = len - 1;
	return 0;
}

const char *
hs_alert_name(int alert)
{
	switch (alert) {
	case ALERT_CLOSE_NOTIFY: return "close_notify";
	case ALERT_UNEXPECTED_MESSAGE: return "unexpected_message";
	case ALERT_BAD_RECORD_MAC: return "bad_record_mac";
	case ALERT_RECORD_OVERFLOW: return "record_overflow";
	case ALERT_HANDSHAKE_FAILURE: return "handshake_failure";
	case ALERT_BAD_IDENTITY: return "bad_identity";
	case ALERT_UNKNOWN_IDENTITY: return "unknown_identity";
	case ALERT_ACCESS_DENIED: return "access_denied";
	case ALERT_DECODE_ERROR: return "decode_error";
	case ALERT_UNAVAILABLE: return "unavailable";
	case ALERT_PROTOCOL_VERSION: return "protocol_version";
	}
	return "unknown_alert";
}
