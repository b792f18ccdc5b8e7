/* \summary: secure_chat password hashes: scrypt (RFC 7914) through
 * OpenSSL's EVP_KDF, and the users file (passwords.h has its format). */
#include <errno.h>
#include <fcntl.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/rand.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "irc_map.h"
#include "keys.h"
#include "passwords.h"

#define SCHEME "scrypt"
#define SALT_MAX 64		/* longest salt accepted in a line */

static const struct passwords_params defaults = {
	PASSWORDS_DEFAULT_N, PASSWORDS_DEFAULT_R, PASSWORDS_DEFAULT_P,
};

/* One users line, parsed. */
struct entry {
	char nick[KEYS_NICK_MAX + 1];
	struct passwords_params pp;
	uint8_t salt[SALT_MAX];
	size_t saltlen;
	uint8_t hash[PASSWORDS_HASH_LEN];
};

/* Where a nick's line is in a users text. */
struct found {
	unsigned no;		/* its line number; 0: not listed */
	size_t at, span;	/* its bytes in the text, newline excluded */
	char line[PASSWORDS_LINE_MAX];
};

static void errf(char err[static KIT_ERRLEN], const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
errf(char err[static KIT_ERRLEN], const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, KIT_ERRLEN, fmt, ap);
	va_end(ap);
}

/* NULL, or why scrypt must not run with pp (hostile files included). */
static const char *
params_bad(const struct passwords_params *pp)
{
	if (pp->n < 2 || pp->n > PASSWORDS_MAX_N || (pp->n & (pp->n - 1)))
		return "N is not a power of two from 2 to 2^20";
	if (pp->r < 1 || pp->r > PASSWORDS_MAX_R)
		return "r is not from 1 to 32";
	if (pp->p < 1 || pp->p > PASSWORDS_MAX_P)
		return "p is not from 1 to 16";
	if (128 * pp->n * pp->r > PASSWORDS_MAX_MEM)
		return "N and r need more than 256 MiB";
	return NULL;
}

int
passwords_scrypt(const void *pw, size_t pwlen, const uint8_t *salt,
		 size_t saltlen, const struct passwords_params *pp,
		 uint8_t *out, size_t outlen, char err[static KIT_ERRLEN])
{
	/* V is 128 * r * (N + 2) bytes, B is 128 * r * p (RFC 7914 §6). */
	uint64_t n, maxmem = PASSWORDS_MAX_MEM + 1024 * 1024;
	uint32_t r, p;
	EVP_KDF *kdf = NULL;
	EVP_KDF_CTX *ctx = NULL;
	OSSL_PARAM params[7];
	const char *bad;
	int ok;

	if (!pp)
		pp = &defaults;
	if ((bad = params_bad(pp))) {
		errf(err, "scrypt: %s", bad);
		return KIT_EINVAL;
	}
	n = pp->n;
	r = pp->r;
	p = pp->p;
	params[0] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PASSWORD,
						      (void *)pw, pwlen);
	params[1] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT,
						      (void *)salt, saltlen);
	params[2] = OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_N, &n);
	params[3] = OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_R, &r);
	params[4] = OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_P, &p);
	params[5] = OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_MAXMEM,
						&maxmem);
	params[6] = OSSL_PARAM_construct_end();
	ERR_clear_error();
	ok = (kdf = EVP_KDF_fetch(NULL, "SCRYPT", NULL)) &&
	     (ctx = EVP_KDF_CTX_new(kdf)) &&
	     EVP_KDF_derive(ctx, out, outlen, params) > 0;
	if (!ok) {
		keys_openssl_error(err, "scrypt");
		OPENSSL_cleanse(out, outlen);
	}
	EVP_KDF_CTX_free(ctx);	/* wipes its copy of the password */
	EVP_KDF_free(kdf);
	return ok ? 0 : KIT_EINVAL;
}

/* A decimal number without sign or leading zeros, at most 2^30. */
static bool
number(const char *s, uint64_t *out)
{
	uint64_t v = 0;

	if (*s == '\0' || (s[0] == '0' && s[1] != '\0'))
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		v = v * 10 + (uint64_t)(*s - '0');
		if (v > 1u << 30)
			return false;
	}
	*out = v;
	return true;
}

/*
 *   NICK : scrypt : N : r : p : BASE64(salt) : BASE64(hash)
 *    f[0]   f[1]   f[2] f[3] f[4]   f[5]          f[6]
 * NULL, or why the line is not one of ours. e is filled as it goes.
 */
static const char *
parse_fields(char *s, struct entry *e)
{
	char *f[7];
	uint64_t n, r, p;
	int len;
	size_t i;

	for (i = 0; i < 7; i++) {
		f[i] = s;
		s = strchr(s, ':');
		if ((i < 6 && !s) || (i == 6 && s))
			return "not 7 fields separated by ':'";
		if (s)
			*s++ = '\0';
	}
	if (!keys_valid_nick(f[0]))
		return "not a valid nick";
	if (strcmp(f[1], SCHEME) != 0)
		return "unknown hash (expected " SCHEME ")";
	if (!number(f[2], &n) || !number(f[3], &r) || !number(f[4], &p))
		return "N, r or p is not a number up to 2^30";
	e->pp = (struct passwords_params){ n, (uint32_t)r, (uint32_t)p };
	len = keys_b64_decode(f[5], strlen(f[5]), e->salt, sizeof(e->salt));
	if (len < PASSWORDS_SALT_LEN)
		return "the salt is not the base64 of 16 to 64 bytes";
	e->saltlen = (size_t)len;
	if (keys_b64_decode(f[6], strlen(f[6]), e->hash, PASSWORDS_HASH_LEN) !=
	    PASSWORDS_HASH_LEN)
		return "the hash is not the base64 of 32 bytes";
	memcpy(e->nick, f[0], strlen(f[0]) + 1);
	return params_bad(&e->pp);
}

static const char *
parse_entry(const char *line, struct entry *e)
{
	char buf[PASSWORDS_LINE_MAX];
	size_t len = strlen(line);
	const char *bad;

	if (len >= sizeof(buf))
		return "line longer than 255 bytes";
	memcpy(buf, line, len + 1);
	bad = parse_fields(buf, e);
	OPENSSL_cleanse(buf, sizeof(buf));
	return bad;
}

int
passwords_hash(const char *nick, const char *password,
	       const struct passwords_params *pp,
	       char line[static PASSWORDS_LINE_MAX], char err[static KIT_ERRLEN])
{
	uint8_t salt[PASSWORDS_SALT_LEN], hash[PASSWORDS_HASH_LEN];
	char salt64[32], hash64[48];
	size_t pwlen = strlen(password);
	int n, r = KIT_EINVAL;

	if (!pp)
		pp = &defaults;
	if (!keys_valid_nick(nick)) {
		errf(err, "not a valid nick (1 to 30 letters, digits, "
		     "-[]\\`_^{|}, not starting with a digit or -)");
		return KIT_EINVAL;
	}
	if (pwlen == 0 || strpbrk(password, "\r\n")) {
		errf(err, "the password is empty or holds a line break");
		return KIT_EINVAL;
	}
	if (pwlen > PASSWORDS_MAX) {
		errf(err, "the password is longer than %d bytes", PASSWORDS_MAX);
		return KIT_ETOOBIG;
	}
	ERR_clear_error();
	if (RAND_bytes(salt, sizeof(salt)) != 1) {
		keys_openssl_error(err, "no random salt");
		return KIT_EINVAL;
	}
	if ((r = passwords_scrypt(password, pwlen, salt, sizeof(salt), pp, hash,
				  sizeof(hash), err)) < 0)
		goto out;
	keys_b64_encode(salt, sizeof(salt), salt64, sizeof(salt64));
	keys_b64_encode(hash, sizeof(hash), hash64, sizeof(hash64));
	n = snprintf(line, PASSWORDS_LINE_MAX, "%s:" SCHEME ":%llu:%lu:%lu:%s:%s",
		     nick, (unsigned long long)pp->n, (unsigned long)pp->r,
		     (unsigned long)pp->p, salt64, hash64);
	r = 0;
	if (n < 0 || n >= PASSWORDS_LINE_MAX) {	/* cannot happen: 30 + 100 */
		errf(err, "users line too long");
		r = KIT_ETOOBIG;
	}
out:
	OPENSSL_cleanse(hash, sizeof(hash));
	OPENSSL_cleanse(hash64, sizeof(hash64));
	return r;
}

int
passwords_verify(const char *line, const char *password,
		 char err[static KIT_ERRLEN])
{
	uint8_t got[PASSWORDS_HASH_LEN];
	struct entry e;
	const char *bad;
	int r;

	if ((bad = parse_entry(line, &e))) {
		errf(err, "malformed users line: %s", bad);
		r = KIT_EINVAL;
		goto out;
	}
	if ((r = passwords_scrypt(password, strlen(password), e.salt, e.saltlen,
				  &e.pp, got, sizeof(got), err)) < 0)
		goto out;
	r = CRYPTO_memcmp(got, e.hash, sizeof(got)) == 0 ? 0 : KIT_EAUTH;
	if (r < 0)
		errf(err, "wrong password");
out:
	OPENSSL_cleanse(got, sizeof(got));
	OPENSSL_cleanse(&e, sizeof(e));
	return r;
}

/* --- the users file ------------------------------------------------------------ */

static int
line_error(char err[static KIT_ERRLEN], const char *path, unsigned no,
	   const char *why)
{
	errf(err, "%s:%u: %s", path, no, why);
	return KIT_EINVAL;
}

/* A nick of the file, with its line, while the whole file is checked. */
struct seen {
	char nick[KEYS_NICK_MAX + 1];
	unsigned no;
};

/* Note e's nick in seen: KIT_EINVAL if an earlier line has it. */
static int
note_nick(struct irc_map *seen, const struct entry *e, const char *path,
	  unsigned no, char err[static KIT_ERRLEN])
{
	const struct seen *old = irc_map_get(seen, e->nick);
	struct seen *s;
	char why[64];

	if (old) {
		snprintf(why, sizeof(why), "nick listed twice (lines %u and "
			 "%u)", old->no, no);
		return line_error(err, path, no, why);
	}
	if (!(s = calloc(1, sizeof(*s))))
		return KIT_ENOMEM;
	memcpy(s->nick, e->nick, sizeof(s->nick));
	s->no = no;
	if (irc_map_put(seen, s->nick, s) < 0) {
		free(s);
		return KIT_ENOMEM;
	}
	return 0;
}

/* Check every line of a users text and find nick's; with seen, also
 * that no two lines have the same nick. */
static int
scan(const char *path, const char *text, size_t len, const char *nick,
     struct found *f, struct irc_map *seen, char err[static KIT_ERRLEN])
{
	char buf[KEYS_LINE_MAX + 1], why[64];
	struct keys_lines it;
	struct entry e;
	const char *bad;
	int r;

	f->no = 0;
	keys_lines_init(&it, text, len);
	while ((r = keys_next_line(&it, buf)) > 0) {
		if (keys_line_is_comment(buf))
			continue;
		if ((bad = parse_entry(buf, &e))) {
			r = line_error(err, path, it.no, bad);
			goto out;
		}
		if (seen && (r = note_nick(seen, &e, path, it.no, err)) < 0)
			goto out;
		if (irc_casecmp(e.nick, nick) != 0)
			continue;
		if (f->no) {
			snprintf(why, sizeof(why), "nick listed twice (lines %u "
				 "and %u)", f->no, it.no);
			r = line_error(err, path, it.no, why);
			goto out;
		}
		f->no = it.no;
		f->at = (size_t)(it.line - text);
		f->span = it.span;
		memcpy(f->line, buf, strlen(buf) + 1);	/* parse_entry: < 256 */
	}
	if (r < 0)
		line_error(err, path, it.no, r == KIT_ETOOBIG
			   ? "line longer than 1024 bytes"
			   : "NUL byte or control character");
out:
	OPENSSL_cleanse(&e, sizeof(e));
	OPENSSL_cleanse(buf, sizeof(buf));
	return r;
}

/* Read the users file; a missing one is empty when missing_ok. */
static int
read_users(const char *path, bool missing_ok, char **text, size_t *len,
	   char err[static KIT_ERRLEN])
{
	int r = keys_read_text(path, KEYS_TEXT_MAX, text, len, err);

	if (r == KIT_ESYS && errno == ENOENT && missing_ok) {
		if (!(*text = calloc(1, 1)))
			return KIT_ENOMEM;
		*len = 0;
		return 0;
	}
	return r;
}

/* Read the users file at path and scan it for nick (seen: as scan). */
static int
scan_file(const char *path, const char *nick, struct found *f,
	  struct irc_map *seen, char err[static KIT_ERRLEN])
{
	char *text;
	size_t len;
	int r;

	if ((r = read_users(path, false, &text, &len, err)) < 0)
		return r;
	r = scan(path, text, len, nick, f, seen, err);
	OPENSSL_clear_free(text, len + 1);
	return r;
}

int
passwords_lookup(const char *path, const char *nick,
		 char line[static PASSWORDS_LINE_MAX], char err[static KIT_ERRLEN])
{
	struct found f;
	int r = scan_file(path, nick, &f, NULL, err);

	if (r == 0 && f.no) {
		memcpy(line, f.line, sizeof(f.line));
	} else if (r == 0) {
		errf(err, "not listed in %s", path);
		r = KIT_EAUTH;
	}
	OPENSSL_cleanse(&f, sizeof(f));
	return r;
}

int
passwords_check_file(const char *path, char err[static KIT_ERRLEN])
{
	struct irc_map *seen = irc_map_new();
	struct seen *s;
	struct found f;
	size_t pos = 0;
	/* No nick is "": the scan finds none, and checks every line. */
	int r = seen ? scan_file(path, "", &f, seen, err) : KIT_ENOMEM;

	if (r == KIT_ENOMEM)
		errf(err, "%s: out of memory", path);
	while (seen && (s = irc_map_next(seen, &pos)))
		free(s);
	irc_map_free(seen);
	OPENSSL_cleanse(&f, sizeof(f));
	return r;
}

int
passwords_check(const char *path, const char *nick, const char *password,
		char err[static KIT_ERRLEN])
{
	static const uint8_t salt[PASSWORDS_SALT_LEN];
	char line[PASSWORDS_LINE_MAX], ignored[KIT_ERRLEN];
	uint8_t dummy[PASSWORDS_HASH_LEN];
	int r = passwords_lookup(path, nick, line, err);

	if (r == 0) {
		r = passwords_verify(line, password, err);
	} else if (r == KIT_EAUTH) {
		/* As much work as a listed nick with the default cost. */
		passwords_scrypt(password, strlen(password), salt, sizeof(salt),
				 NULL, dummy, sizeof(dummy), ignored);
		OPENSSL_cleanse(dummy, sizeof(dummy));
	}
	OPENSSL_cleanse(line, sizeof(line));
	return r;
}

/* Write data to a temporary file beside path, then rename it over path. */
static int
write_atomic(const char *path, const char *data, size_t n,
	     char err[static KIT_ERRLEN])
{
	char tmp[4096];
	int fd, r = 0;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >= sizeof(tmp)) {
		errf(err, "%s: name too long", path);
		return KIT_ETOOBIG;
	}
	if ((fd = mkostemp(tmp, O_CLOEXEC)) < 0) {
		errf(err, "cannot make a temporary file beside %s: %s", path,
		     strerror(errno));
		return KIT_ESYS;
	}
	if (fchmod(fd, 0600) < 0 || keys_write_all(fd, data, n) < 0 ||
	    fsync(fd) < 0) {
		errf(err, "%s: %s", tmp, strerror(errno));
		r = KIT_ESYS;
	}
	if (close(fd) < 0 && r == 0) {
		errf(err, "%s: %s", tmp, strerror(errno));
		r = KIT_ESYS;
	}
	if (r == 0 && rename(tmp, path) < 0) {
		errf(err, "cannot rename %s to %s: %s", tmp, path,
		     strerror(errno));
		r = KIT_ESYS;
	}
	if (r < 0)
		unlink(tmp);
	return r;
}

int
passwords_store(const char *path, const char *line, char err[static KIT_ERRLEN])
{
	size_t len = 0, n = strlen(line), o = 0;
	char *text = NULL, *out = NULL;
	struct found f;
	struct entry e;
	const char *bad;
	int r;

	if ((bad = parse_entry(line, &e))) {
		errf(err, "not a users line: %s", bad);
		r = KIT_EINVAL;
		goto out;
	}
	if ((r = read_users(path, true, &text, &len, err)) < 0 ||
	    (r = scan(path, text, len, e.nick, &f, NULL, err)) < 0)
		goto out;
	if (len + n + 2 > KEYS_TEXT_MAX) {
		errf(err, "%s: would grow over %d bytes", path, KEYS_TEXT_MAX);
		r = KIT_ETOOBIG;
		goto out;
	}
	if (!(out = malloc(len + n + 2))) {
		errf(err, "out of memory");
		r = KIT_ENOMEM;
		goto out;
	}
	if (f.no) {	/* the old line's bytes give way to the new line */
		memcpy(out, text, f.at);
		memcpy(out + f.at, line, n);
		o = f.at + n;
		memcpy(out + o, text + f.at + f.span, len - f.at - f.span);
		o += len - f.at - f.span;
	} else {
		memcpy(out, text, len);
		o = len;
		if (len > 0 && text[len - 1] != '\n')
			out[o++] = '\n';
		memcpy(out + o, line, n);
		o += n;
		out[o++] = '\n';
	}
	if ((r = write_atomic(path, out, o, err)) == 0)
		r = f.no ? 1 : 0;
out:
	OPENSSL_cleanse(&e, sizeof(e));
	if (text)
		OPENSSL_clear_free(text, len + 1);
	if (out)
		OPENSSL_clear_free(out, len + n + 2);
	return r;
}
