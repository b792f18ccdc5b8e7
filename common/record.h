/* Frames and AEAD records of the secure_chat protocol (docs/PROTOCOL.md). */
#ifndef KIT_SECURE_RECORD_H
#define KIT_SECURE_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "aead.h"
#include "keysched.h"

/*
 *  type (u8) | length (u16 BE) | body (length bytes)
 */
#define FRAME_HEADER_LEN 3
#define REC_PLAINTEXT_MAX 16384
/* A record body: plaintext, inner type, up to 255 bytes of padding, tag. */
#define FRAME_BODY_MAX (REC_PLAINTEXT_MAX + 256 + AEAD_TAG_LEN)
#define FRAME_MAX (FRAME_HEADER_LEN + FRAME_BODY_MAX)

enum frame_type {
	FRAME_CLIENT_HELLO = 0x01,
	FRAME_SERVER_HELLO = 0x02,
	FRAME_ALERT = 0x15,	/* plaintext alert, before keys exist */
	FRAME_RECORD = 0x17,
};

/* What a record carries (its last non-zero plaintext byte). */
enum inner_type {
	INNER_ALERT = 0x15,
	INNER_HANDSHAKE = 0x16,
	INNER_DATA = 0x17,
	INNER_KEY_UPDATE = 0x18,
};

/* Alert codes (docs/PROTOCOL.md, "Alerts and close"). */
enum hs_alert {
	ALERT_CLOSE_NOTIFY = 0,
	ALERT_UNEXPECTED_MESSAGE = 10,
	ALERT_BAD_RECORD_MAC = 20,
	ALERT_RECORD_OVERFLOW = 22,
	ALERT_HANDSHAKE_FAILURE = 40,
	ALERT_BAD_IDENTITY = 42,
	ALERT_UNKNOWN_IDENTITY = 43,
	ALERT_ACCESS_DENIED = 49,
	ALERT_DECODE_ERROR = 50,
	ALERT_UNAVAILABLE = 60,
	ALERT_PROTOCOL_VERSION = 70,
};

/* "bad_record_mac"... for messages. */
const char *hs_alert_name(int alert);

/* One direction's protection: a traffic secret, the key and IV derived
 * from it, and the count of records sent or received under it. */
struct rec_dir {
	struct aead *aead;
	int suite;
	uint8_t secret[KS_HASH_LEN];
	uint8_t iv[AEAD_NONCE_LEN];
	uint64_t seq;
};

/* Derive key and IV from secret (copied). Returns 0 or KIT_EINVAL with a
 * reason in err. */
int rec_dir_init(struct rec_dir *d, int suite,
		 const uint8_t secret[static KS_HASH_LEN], char err[static 256]);
/* Move to the next secret (key update). Returns as rec_dir_init. */
int rec_dir_update(struct rec_dir *d, char err[static 256]);
/* Wipe every secret; d can be initialised again. NULL-safe. */
void rec_dir_wipe(struct rec_dir *d);

/*
 * The length of the frame at buf (header included) and its type, once the
 * header is there. Returns 0, KIT_EINCOMPLETE (fewer than 3 bytes), or
 * KIT_ETOOBIG (a body longer than FRAME_BODY_MAX).
 */
int frame_peek(const uint8_t *buf, size_t len, uint8_t *type,
	       size_t *frame_len);

/* Write a plaintext frame (hello, plaintext alert) into out[0..cap).
 * Returns its length or KIT_ETOOBIG. */
int frame_write(uint8_t type, const uint8_t *body, size_t n, uint8_t *out,
		size_t cap);

/*
 * Seal n bytes of content (at most REC_PLAINTEXT_MAX) of the given inner
 * type as one record frame into out[0..cap), padded so that content and
 * type fill a multiple of pad bytes (0 or 1: no padding); p must not
 * overlap out. Returns the frame
 * length, KIT_ETOOBIG, or KIT_EINVAL (OpenSSL failed, or the record
 * counter would wrap).
 */
int rec_seal(struct rec_dir *d, uint8_t inner, const uint8_t *p, size_t n,
	     size_t pad, uint8_t *out, size_t cap);

/*
 * Open a record frame (as frame_peek delimited it) into out[0..cap), which
 * needs room for the body. Sets *inner and *n. Returns 0; KIT_EAUTH when it
 * does not authenticate (tampered, replayed, reordered, or after a dropped
 * record: the expected counter is not the sender's); KIT_EINVAL when the
 * frame is not a record or its plaintext holds no type.
 */
int rec_open(struct rec_dir *d, const uint8_t *frame, size_t frame_len,
	     uint8_t *out, size_t cap, uint8_t *inner, size_t *n);

#endif
