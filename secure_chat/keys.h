/*
 * Identity keys of secure_chat: Ed25519 key pairs (RFC 8032) in files,
 * fingerprints, signatures, and the two trust files: authorized keys (the
 * server's list of client keys) and known hosts (the client's memory of
 * server keys, for trust on first use).
 *
 * Files
 *   NAME.key   the private key: PEM, PKCS#8 ("-----BEGIN PRIVATE KEY-----"),
 *              mode 0600. Loading refuses a key file that the group or
 *              others may access (any of the mode bits 077), as ssh does.
 *   NAME.pub   one line, ssh-like, so that trust files are easy to edit:
 *                  kit-ed25519 BASE64 COMMENT
 *              BASE64 is standard base64 with padding (RFC 4648 §4, 44
 *              characters) of the 32-byte raw public key (RFC 8032 §5.1.5).
 *              Unlike ssh, there is no wire blob inside: the key type is
 *              the first word. COMMENT (optional) is the rest of the line.
 *   authorized keys (server)     NICK kit-ed25519 BASE64 [COMMENT]
 *   known hosts (client)         HOST:PORT kit-ed25519 BASE64 [COMMENT]
 *              ([V6ADDR]:PORT for IPv6 literals.) Fields are separated
 *              by spaces or tabs; "#" starts a comment line; blank lines
 *              are fine; a CR before the newline is ignored. So
 *                  echo "alice $(cat alice.pub)" >> authorized_keys
 *              authorizes alice. A bad line makes the whole file fail to
 *              load, with "FILE:LINE: reason" in err: a trust file that
 *              means something else than its author thought is refused.
 *
 * Fingerprints look like ssh's: "SHA256:" and the unpadded base64 of a
 * SHA-256 hash (43 characters). ssh hashes its wire blob (string
 * "ssh-ed25519", string key); we hash the 32 raw key bytes, so the same
 * key has a different fingerprint in ssh-keygen.
 *
 * Every function returns 0 or a negative KIT_E* code (common/err.h), never
 * prints and never exits; where it says so, err (KIT_ERRLEN bytes, owned by
 * the caller) receives the detail, including OpenSSL's reason. All input
 * files are read with hard limits (KEYS_*_MAX) and parsed as hostile.
 */
#ifndef KIT_SECURE_KEYS_H
#define KIT_SECURE_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KEYS_PUB_LEN 32		/* raw Ed25519 public key (RFC 8032 §5.1.5) */
#define KEYS_SEED_LEN 32	/* raw Ed25519 private key (RFC 8032 §5.1.5) */
#define KEYS_SIG_LEN 64
#define KEYS_FP_LEN 51		/* "SHA256:" + 43 characters + NUL */
#define KEYS_TYPE "kit-ed25519"
#define KEYS_NICK_MAX 30	/* as CHAT_NICK_MAX and HS_NICK_MAX */
#define KEYS_HOST_MAX 262	/* "[" 253 "]:" 5 digits, NUL included */
#define KEYS_LINE_MAX 1024	/* longest line of a key or trust file */
#define KEYS_KEYFILE_MAX (16 * 1024)	/* largest .key or .pub file */
#define KEYS_TEXT_MAX (1024 * 1024)	/* largest trust or users file */

/* A private key (opaque: it holds OpenSSL's EVP_PKEY). */
struct kit_identity;

/* --- identities ------------------------------------------------------------ */

/*
 * A fresh random key pair. *out is set only on success; free it with
 * keys_free(). Returns 0, KIT_ENOMEM, or KIT_EINVAL (OpenSSL failed).
 */
int keys_generate(struct kit_identity **out, char err[static 256]);

/*
 * The key pair of a 32-byte raw private key (RFC 8032 §5.1.5), for test
 * vectors. seed is borrowed (the caller wipes it). Returns as keys_generate.
 */
int keys_from_seed(const uint8_t seed[static KEYS_SEED_LEN],
		   struct kit_identity **out, char err[static 256]);

/*
 * Load a private key file (PEM PKCS#8, unencrypted, Ed25519). path is
 * borrowed. Returns 0 (*out set), KIT_ESYS (cannot open or read; errno
 * set), KIT_ETOOBIG (over KEYS_KEYFILE_MAX), or KIT_EINVAL: not a regular
 * file, permissions too open (err says to chmod 600), not PEM, encrypted,
 * or not an Ed25519 key.
 */
int keys_load_private(const char *path, struct kit_identity **out,
		      char err[static 256]);

/*
 * Write PREFIX.key (mode 0600) and PREFIX.pub (mode 0644, whatever the
 * umask; COMMENT may be NULL). Neither file may exist: both are created
 * with O_EXCL, so an existing key is never overwritten (KIT_EINVAL, err
 * names the file). On any failure, files made by this call are removed.
 * Returns 0, KIT_EINVAL, KIT_ETOOBIG (path or comment too long), KIT_ESYS.
 */
int keys_save(const struct kit_identity *id, const char *prefix,
	      const char *comment, char err[static 256]);

void keys_free(struct kit_identity *id);	/* NULL-safe */

/* The raw public key of an identity. */
void keys_public(const struct kit_identity *id,
		 uint8_t pub[static KEYS_PUB_LEN]);

/* OpenSSL's handle of the key (EVP_PKEY), borrowed for id's life: for
 * the TLS mode's certificates, which OpenSSL signs itself. */
struct evp_pkey_st *keys_evp_pkey(const struct kit_identity *id);

/*
 * Ed25519 signature of msg[0..n) (EVP_DigestSign, no separate digest:
 * RFC 8032 signs the message itself). Returns 0 or KIT_EINVAL.
 */
int keys_sign(const struct kit_identity *id, const uint8_t *msg, size_t n,
	      uint8_t sig[static KEYS_SIG_LEN], char err[static 256]);

/*
 * Check an Ed25519 signature with a raw public key. Returns 0, or
 * KIT_EAUTH for a wrong signature and for any failure (fail closed; no
 * detail, OpenSSL's error queue is cleared). Its type is hs_config.verify.
 */
int keys_verify(const uint8_t pub[static KEYS_PUB_LEN], const uint8_t *msg,
		size_t n, const uint8_t sig[static KEYS_SIG_LEN]);

/* --- public keys and fingerprints ------------------------------------------ */

/* A public key is its 32 raw bytes: no handle to load or free. */

/* "SHA256:" + 43 characters, NUL-terminated. Returns 0 or KIT_EINVAL. */
int keys_fingerprint(const uint8_t pub[static KEYS_PUB_LEN],
		     char fp[static KEYS_FP_LEN], char err[static 256]);

/*
 * Write "kit-ed25519 BASE64[ COMMENT]" (no newline) to out[0..cap).
 * comment may be NULL or empty; it must not hold control characters.
 * Returns the length, KIT_EINVAL (bad comment) or KIT_ETOOBIG (over cap
 * or KEYS_LINE_MAX).
 */
int keys_pub_format(const uint8_t pub[static KEYS_PUB_LEN],
		    const char *comment, char *out, size_t cap);

/* Parse one .pub line (a trailing newline is allowed). Returns 0 or
 * KIT_EINVAL / KIT_ETOOBIG with the reason in err. */
int keys_pub_parse(const char *line, uint8_t pub[static KEYS_PUB_LEN],
		   char err[static 256]);

/*
 * The public key in FILE: a .pub file (one key line; blank and # lines
 * allowed), or a private key file (PEM), whose public half is derived
 * after the same checks as keys_load_private. Returns as
 * keys_load_private.
 */
/* A --server-key value as a fingerprint: "SHA256:..." as it is, else the
 * public key of the .pub or .key file it names. 0, or <0 with err. */
int keys_pin_fingerprint(const char *pin, char fp[static KEYS_FP_LEN],
			 char err[static 256]);
int keys_load_public(const char *path, uint8_t pub[static KEYS_PUB_LEN],
		     char err[static 256]);

/* --- authorized keys (server) --------------------------------------------- */

struct keys_authorized;

/*
 * Load an authorized-keys file (format above). A nick may appear once;
 * nicks compare with IRC casemapping (irc_casecmp), as the chat core does.
 * Returns 0 (*out set; free with keys_authorized_free), KIT_ESYS,
 * KIT_ETOOBIG (file over KEYS_TEXT_MAX, line over KEYS_LINE_MAX),
 * KIT_ENOMEM, or KIT_EINVAL with "FILE:LINE: reason" in err.
 */
int keys_authorized_load(const char *path, struct keys_authorized **out,
			 char err[static 256]);
void keys_authorized_free(struct keys_authorized *a);	/* NULL-safe */
size_t keys_authorized_count(const struct keys_authorized *a);

/* nick's key into pub. Returns 0, or KIT_EAUTH when nick is not listed. */
int keys_authorized_lookup(const struct keys_authorized *a, const char *nick,
			   uint8_t pub[static KEYS_PUB_LEN]);

/* --- known hosts (client, trust on first use) ----------------------------- */

enum keys_known {
	KEYS_KNOWN_MATCH = 0,	/* listed, with this key */
	KEYS_KNOWN_NONE = 1,	/* not listed (or no file yet) */
};

/* How host and port are written in a known-hosts file: "host:port", or
 * "[host]:port" for an IPv6 literal. NULL, or why they cannot be. */
const char *keys_known_name(const char *host, const char *port,
			    char out[static KEYS_HOST_MAX]);

/*
 * The key listed for host and port (port: decimal 1..65535; host: a name
 * or an IPv4/IPv6 literal, compared without regard to case). A missing
 * file lists nothing. Returns KEYS_KNOWN_MATCH (pub set), KEYS_KNOWN_NONE,
 * or KIT_EINVAL (bad host or port; malformed file: "FILE:LINE: reason";
 * the host listed twice), KIT_ETOOBIG, KIT_ESYS.
 */
int keys_known_lookup(const char *path, const char *host, const char *port,
		      uint8_t pub[static KEYS_PUB_LEN], char err[static 256]);

/*
 * Compare the key a server presented with the file (CRYPTO_memcmp).
 * Returns KEYS_KNOWN_MATCH, KEYS_KNOWN_NONE (the caller decides whether
 * to trust on first use), KIT_EAUTH when the host is listed with another
 * key (err names the line and the known fingerprint), or lookup's errors.
 */
int keys_known_check(const char *path, const char *host, const char *port,
		     const uint8_t pub[static KEYS_PUB_LEN],
		     char err[static 256]);

/*
 * Append "HOST:PORT kit-ed25519 BASE64" to the file (created with mode
 * 0644 less the umask). Refuses (KIT_EINVAL) when the host is already
 * listed: a changed key is never replaced silently. Returns 0 or
 * lookup's errors.
 */
int keys_known_add(const char *path, const char *host, const char *port,
		   const uint8_t pub[static KEYS_PUB_LEN], char err[static 256]);

/* --- helpers shared with passwords.c and secure-keys ----------------------- */

/* RFC 2812 §2.3.1 nickname, 1..KEYS_NICK_MAX bytes (as the chat core). */
bool keys_valid_nick(const char *nick);

/*
 * Read a whole regular file of at most max bytes into *text (malloc'd,
 * NUL-terminated; *len excludes the NUL). Returns 0, KIT_ESYS (errno
 * kept, so ENOENT can be told apart), KIT_EINVAL (not a regular file),
 * KIT_ETOOBIG, KIT_ENOMEM.
 */
int keys_read_text(const char *path, size_t max, char **text, size_t *len,
		   char err[static 256]);

/* Lines of a text in memory: keys_lines_init, then keys_next_line. */
struct keys_lines {
	const char *p, *end;
	unsigned no;		/* number of the line last returned, from 1 */
	const char *line;	/* where it starts in the text */
	size_t span;		/* its length in the text, newline excluded */
};

void keys_lines_init(struct keys_lines *it, const char *text, size_t len);

/*
 * Copy the next line into buf without its newline (and a CR before it).
 * Returns 1 (a line), 0 (end of text), KIT_ETOOBIG (longer than
 * KEYS_LINE_MAX) or KIT_EINVAL (holds a NUL or another control character
 * than tab).
 */
int keys_next_line(struct keys_lines *it, char buf[static KEYS_LINE_MAX + 1]);

/* Is the line blank or a "#" comment? */
bool keys_line_is_comment(const char *line);

/* Standard base64 with padding of p[0..n), n <= 64, NUL-terminated.
 * Returns the length or KIT_ETOOBIG (n, or the text over cap). */
int keys_b64_encode(const uint8_t *p, size_t n, char *out, size_t cap);

/* Strict inverse of keys_b64_encode (canonical text only, no spaces).
 * Returns the number of bytes, KIT_EINVAL, or KIT_ETOOBIG (over cap). */
int keys_b64_decode(const char *s, size_t len, uint8_t *out, size_t cap);

/* Warn ("LABELpath can be read or written by others") when mode lets
 * group or others at a file of secrets that is only warned of, not
 * refused (a password file, the users file). */
void keys_warn_if_open(const char *label, const char *path, unsigned mode);

/* write() all of p[0..n), retrying on EINTR. 0 or KIT_ESYS (errno set). */
int keys_write_all(int fd, const void *p, size_t n);

/* err = "what: " + OpenSSL's first queued reason; the queue is emptied. */
void keys_openssl_error(char err[static 256], const char *what);

#endif
