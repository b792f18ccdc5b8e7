/*
 * Password hashes for secure_chat's users file (secure-server --users):
 * scrypt (RFC 7914) through OpenSSL's EVP_KDF "SCRYPT", a fresh random
 * 16-byte salt per user, 32-byte hashes compared in constant time.
 *
 * The users file holds one line per user:
 *
 *     NICK:scrypt:N:r:p:BASE64(salt):BASE64(hash)
 *     alice:scrypt:32768:8:1:3q2+7wAAAAAAAAAAAAAAAA==:...(44 characters)
 *
 * N, r and p are the scrypt cost parameters that made this hash (N a power
 * of two), so the defaults can change without breaking old lines. BASE64 is
 * standard base64 with padding. "#" lines and blank lines are allowed.
 * Nicks compare with IRC casemapping (irc_casecmp) and appear once. The
 * file is rewritten atomically (temporary file + rename), mode 0600.
 *
 * Default cost: N = 2^15, r = 8, p = 1, i.e. 128 * N * r = 32 MiB of memory
 * and roughly 0.1 s of one core per hash or check. A hostile file cannot
 * ask for more than PASSWORDS_MAX_MEM of memory or p > PASSWORDS_MAX_P.
 *
 * Functions return 0 or a negative KIT_E* code and never print; err
 * (KIT_ERRLEN bytes, the caller's) receives the detail. Passwords and
 * derived hashes are wiped (OPENSSL_cleanse) on every path; the caller
 * wipes its own copy of the password.
 */
#ifndef KIT_SECURE_PASSWORDS_H
#define KIT_SECURE_PASSWORDS_H

#include <stddef.h>
#include <stdint.h>

#define PASSWORDS_MAX 255	/* bytes; as HS_PASSWORD_MAX (u8 on the wire) */
#define PASSWORDS_SALT_LEN 16
#define PASSWORDS_HASH_LEN 32
#define PASSWORDS_LINE_MAX 256	/* a users line, NUL included */

#define PASSWORDS_DEFAULT_N 32768u	/* 2^15 */
#define PASSWORDS_DEFAULT_R 8u
#define PASSWORDS_DEFAULT_P 1u
#define PASSWORDS_MAX_N (1u << 20)
#define PASSWORDS_MAX_R 32u
#define PASSWORDS_MAX_P 16u
#define PASSWORDS_MAX_MEM (256u * 1024 * 1024)	/* 128 * N * r, bytes */

/* scrypt's cost parameters (RFC 7914 §2). */
struct passwords_params {
	uint64_t n;	/* CPU/memory cost: a power of two, 2..PASSWORDS_MAX_N */
	uint32_t r;	/* block size, 1..PASSWORDS_MAX_R */
	uint32_t p;	/* parallelization, 1..PASSWORDS_MAX_P */
};

/*
 * scrypt(pw, salt, N, r, p) into out[0..outlen) through EVP_KDF "SCRYPT";
 * pp NULL means the defaults. Everything is borrowed. Returns 0,
 * KIT_EINVAL (parameters out of the limits above; OpenSSL failed).
 */
int passwords_scrypt(const void *pw, size_t pwlen, const uint8_t *salt,
		     size_t saltlen, const struct passwords_params *pp,
		     uint8_t *out, size_t outlen, char err[static 256]);

/*
 * The users-file line for nick and password (no newline), with a new
 * random salt; pp NULL means the defaults. Returns 0, KIT_EINVAL (nick not
 * valid, password empty or holding a newline, parameters out of limits,
 * OpenSSL failed) or KIT_ETOOBIG (password over PASSWORDS_MAX).
 */
int passwords_hash(const char *nick, const char *password,
		   const struct passwords_params *pp,
		   char line[static PASSWORDS_LINE_MAX], char err[static 256]);

/*
 * Does password match the stored line? The hashes are compared with
 * CRYPTO_memcmp. Returns 0 (it does), KIT_EAUTH (it does not), or
 * KIT_EINVAL (malformed line; OpenSSL failed).
 */
int passwords_verify(const char *line, const char *password,
		     char err[static 256]);

/*
 * nick's line in the users file at path. Every line is checked. Returns 0
 * (line set), KIT_EAUTH (nick not listed), KIT_EINVAL ("FILE:LINE: reason"
 * in err; the nick listed twice), KIT_ETOOBIG, KIT_ESYS (errno set).
 */
int passwords_lookup(const char *path, const char *nick,
		     char line[static PASSWORDS_LINE_MAX], char err[static 256]);

/* Every line of the users file at path well formed: 0, or lookup's
 * errors (a server checks so at start, rather than at each login). */
int passwords_check_file(const char *path, char err[static 256]);

/*
 * lookup, then verify: 0 when nick is listed with this password, else
 * KIT_EAUTH (or the file's errors). An unlisted nick costs one scrypt at
 * the default parameters too, so timing does not tell whether it exists.
 */
int passwords_check(const char *path, const char *nick, const char *password,
		    char err[static 256]);

/*
 * Put line (from passwords_hash) into the users file at path: it replaces
 * the line of the same nick, or is appended (the file is created when
 * missing). Other lines, comments included, are kept as they are. The new
 * file is written to a temporary file beside it, synced and renamed over
 * it, with mode 0600. A malformed file is left alone (KIT_EINVAL with its
 * line number). Returns 0 (added), 1 (replaced), or KIT_E*.
 */
int passwords_store(const char *path, const char *line, char err[static 256]);

#endif
