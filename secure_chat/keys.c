/* \summary: secure_chat identity keys: Ed25519 (RFC 8032) key files,
 * fingerprints, signatures, authorized keys and known hosts (keys.h has
 * the file formats), all through OpenSSL's EVP and PEM interfaces. */
#include <errno.h>
#include <fcntl.h>
#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "irc_map.h"
#include "keys.h"

#define B64_MAX_BYTES 64	/* what keys_b64_* handle */
#define B64_MAX_TEXT 88		/* 4 * ceil(64 / 3) */

struct kit_identity {
	EVP_PKEY *pkey;
	uint8_t pub[KEYS_PUB_LEN];
};

/* --- small helpers ----------------------------------------------------------- */

/* Messages longer than KIT_ERRLEN are cut: fine for a message. */
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

void
keys_openssl_error(char err[static KIT_ERRLEN], const char *what)
{
	unsigned long e = ERR_get_error();
	char reason[160];

	if (e)
		ERR_error_string_n(e, reason, sizeof(reason));
	else
		snprintf(reason, sizeof(reason), "OpenSSL gave no reason");
	ERR_clear_error();
	errf(err, "%s: %s", what, reason);
}

/* err = "path: strerror(errno)"; errno is kept for the caller. */
static int
sys_error(char err[static KIT_ERRLEN], const char *path)
{
	int saved = errno;

	errf(err, "%s: %s", path, strerror(saved));
	errno = saved;
	return KIT_ESYS;
}

/* err = "path:line: why"; returns KIT_EINVAL. */
static int
line_error(char err[static KIT_ERRLEN], const char *path, unsigned no,
	   const char *why)
{
	errf(err, "%s:%u: %s", path, no, why);
	return KIT_EINVAL;
}

/* keys_next_line's failures as line_error messages. */
static int
bad_line(char err[static KIT_ERRLEN], const char *path, unsigned no, int r)
{
	line_error(err, path, no, r == KIT_ETOOBIG
		   ? "line longer than 1024 bytes"
		   : "NUL byte or control character");
	return r;
}

bool
keys_valid_nick(const char *nick)
{
	static const char special[] = "[]\\`_^{|}";
	size_t i, n = strlen(nick);

	if (n == 0 || n > KEYS_NICK_MAX)
		return false;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)nick[i];
		bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
			  strchr(special, c) ||
			  (i > 0 && ((c >= '0' && c <= '9') || c == '-'));

		if (!ok)
			return false;
	}
	return true;
}

int
keys_write_all(int fd, const void *p, size_t n)
{
	const char *c = p;
	ssize_t w;

	while (n > 0) {
		if ((w = write(fd, c, n)) < 0) {
			if (errno == EINTR)
				continue;
			return KIT_ESYS;
		}
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

/* --- bounded file reading and lines ----------------------------------------- */

static int
read_file(const char *path, size_t max, char **text, size_t *len,
	  mode_t *mode, char err[static KIT_ERRLEN])
{
	struct stat st;
	char *buf = NULL;
	size_t size = 0, got = 0;
	ssize_t n;
	int fd, r = 0, saved;

	/* O_NONBLOCK: a FIFO must not hang us before the S_ISREG check. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return sys_error(err, path);
	if (fstat(fd, &st) < 0) {
		r = sys_error(err, path);
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		errf(err, "%s: not a regular file", path);
		r = KIT_EINVAL;
		goto out;
	}
	if (st.st_size < 0 || (unsigned long long)st.st_size > max) {
		errf(err, "%s: larger than %zu bytes", path, max);
		r = KIT_ETOOBIG;
		goto out;
	}
	size = (size_t)st.st_size;
	if (!(buf = malloc(size + 1))) {
		errf(err, "%s: out of memory", path);
		r = KIT_ENOMEM;
		goto out;
	}
	while (got < size) {	/* a file that grows meanwhile is cut here */
		if ((n = read(fd, buf + got, size - got)) < 0) {
			if (errno == EINTR)
				continue;
			r = sys_error(err, path);
			goto out;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	buf[got] = '\0';
	*text = buf;
	*len = got;
	if (mode)
		*mode = st.st_mode;
	buf = NULL;
out:
	saved = errno;
	if (buf)
		OPENSSL_clear_free(buf, size + 1);	/* may hold a key */
	close(fd);
	errno = saved;
	return r;
}

int
keys_read_text(const char *path, size_t max, char **text, size_t *len,
	       char err[static KIT_ERRLEN])
{
	return read_file(path, max, text, len, NULL, err);
}

void
keys_lines_init(struct keys_lines *it, const char *text, size_t len)
{
	*it = (struct keys_lines){ text, text + len, 0, text, 0 };
}

int
keys_next_line(struct keys_lines *it, char buf[static KEYS_LINE_MAX + 1])
{
	const char *nl;
	size_t n, i;

	if (it->p >= it->end)
		return 0;
	nl = memchr(it->p, '\n', (size_t)(it->end - it->p));
	n = nl ? (size_t)(nl - it->p) : (size_t)(it->end - it->p);
	it->no++;
	it->line = it->p;
	it->span = n;
	it->p += n + (nl != NULL);
	if (n > 0 && it->line[n - 1] == '\r')
		n--;
	if (n > KEYS_LINE_MAX)
		return KIT_ETOOBIG;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)it->line[i];

		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return KIT_EINVAL;
	}
	memcpy(buf, it->line, n);
	buf[n] = '\0';
	return 1;
}

bool
keys_line_is_comment(const char *line)
{
	line += strspn(line, " \t");
	return *line == '\0' || *line == '#';
}

/* The next field of *s (spaces or tabs between), NUL-terminated in
 * place; NULL when none is left. */
static char *
field(char **s)
{
	char *p = *s + strspn(*s, " \t"), *start = p;

	if (*p == '\0')
		return NULL;
	p += strcspn(p, " \t");
	if (*p)
		*p++ = '\0';
	*s = p;
	return start;
}

/* --- base64 (RFC 4648 §4) through EVP_EncodeBlock / EVP_DecodeBlock -------- */

int
keys_b64_encode(const uint8_t *p, size_t n, char *out, size_t cap)
{
	if (n > B64_MAX_BYTES || 4 * ((n + 2) / 3) + 1 > cap)
		return KIT_ETOOBIG;
	return EVP_EncodeBlock((unsigned char *)out, p, (int)n);
}

static bool
b64_char(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '+' || c == '/';
}

int
keys_b64_decode(const char *s, size_t len, uint8_t *out, size_t cap)
{
	uint8_t tmp[B64_MAX_TEXT / 4 * 3];
	char back[B64_MAX_TEXT + 1];
	size_t i, pad = 0;
	int n, r = KIT_EINVAL;

	if (len > B64_MAX_TEXT)
		return KIT_ETOOBIG;
	if (len == 0 || len % 4 != 0)
		return KIT_EINVAL;
	while (pad < 2 && s[len - 1 - pad] == '=')
		pad++;
	for (i = 0; i < len - pad; i++)
		if (!b64_char((unsigned char)s[i]))
			return KIT_EINVAL;
	/* EVP_DecodeBlock counts the padding as zero bytes: take them off. */
	n = EVP_DecodeBlock(tmp, (const unsigned char *)s, (int)len);
	if (n < (int)pad)
		goto out;
	n -= (int)pad;
	if ((size_t)n > cap || n > B64_MAX_BYTES) {
		r = KIT_ETOOBIG;
		goto out;
	}
	/* Canonical text only: stray bits in the last character would let
	 * two spellings name one key. */
	if (keys_b64_encode(tmp, (size_t)n, back, sizeof(back)) != (int)len ||
	    memcmp(back, s, len) != 0)
		goto out;
	memcpy(out, tmp, (size_t)n);
	r = n;
out:
	OPENSSL_cleanse(tmp, sizeof(tmp));
	return r;
}

/* --- identities ----------------------------------------------------------------- */

/* Make an identity of pkey (taken: freed on failure). */
static int
wrap_pkey(EVP_PKEY *pkey, struct kit_identity **out,
	  char err[static KIT_ERRLEN])
{
	struct kit_identity *id = NULL;
	size_t len = KEYS_PUB_LEN;
	const char *type;

	if (!EVP_PKEY_is_a(pkey, "ED25519")) {
		type = EVP_PKEY_get0_type_name(pkey);
		errf(err, "not an Ed25519 key (%s)",
		     type ? type : "unknown type");
		EVP_PKEY_free(pkey);
		return KIT_EINVAL;
	}
	if (!(id = calloc(1, sizeof(*id)))) {
		errf(err, "out of memory");
		EVP_PKEY_free(pkey);
		return KIT_ENOMEM;
	}
	if (!EVP_PKEY_get_raw_public_key(pkey, id->pub, &len) ||
	    len != KEYS_PUB_LEN) {
		keys_openssl_error(err, "cannot get the public key");
		EVP_PKEY_free(pkey);
		free(id);
		return KIT_EINVAL;
	}
	id->pkey = pkey;
	*out = id;
	return 0;
}

int
keys_generate(struct kit_identity **out, char err[static KIT_ERRLEN])
{
	EVP_PKEY *pkey;

	ERR_clear_error();
	if (!(pkey = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519"))) {
		keys_openssl_error(err, "cannot make an Ed25519 key");
		return KIT_EINVAL;
	}
	return wrap_pkey(pkey, out, err);
}

int
keys_from_seed(const uint8_t seed[static KEYS_SEED_LEN],
	       struct kit_identity **out, char err[static KIT_ERRLEN])
{
	EVP_PKEY *pkey;

	ERR_clear_error();
	pkey = EVP_PKEY_new_raw_private_key_ex(NULL, "ED25519", NULL, seed,
					       KEYS_SEED_LEN);
	if (!pkey) {
		keys_openssl_error(err, "cannot use the Ed25519 private key");
		return KIT_EINVAL;
	}
	return wrap_pkey(pkey, out, err);
}

void
keys_free(struct kit_identity *id)
{
	if (!id)
		return;
	EVP_PKEY_free(id->pkey);	/* OpenSSL wipes the private key */
	free(id);
}

void
keys_public(const struct kit_identity *id, uint8_t pub[static KEYS_PUB_LEN])
{
	memcpy(pub, id->pub, KEYS_PUB_LEN);
}

/* PEM passphrase callback: we never prompt (keys are not encrypted). */
static int
no_passphrase(char *buf, int size, int rwflag, void *u)
{
	(void)buf, (void)size, (void)rwflag, (void)u;
	return -1;
}

static bool
looks_private(const char *text)
{
	return strncmp(text + strspn(text, " \t\r\n"), "-----BEGIN ", 11) == 0;
}

/* The identity in a private key file's text (read with its mode). */
static int
parse_private(const char *path, const char *text, size_t len, mode_t mode,
	      struct kit_identity **out, char err[static KIT_ERRLEN])
{
	char what[KIT_ERRLEN];
	EVP_PKEY *pkey;
	BIO *bio;
	int r;

	if (mode & 077) {
		errf(err, "%s: permissions %04o are too open: "
		     "other users could read this private key; fix with: "
		     "chmod 600 %s", path, (unsigned)(mode & 07777), path);
		return KIT_EINVAL;
	}
	if (strstr(text, "ENCRYPTED")) {
		errf(err, "%s: encrypted private keys are not "
		     "supported", path);
		return KIT_EINVAL;
	}
	ERR_clear_error();
	if (len > KEYS_KEYFILE_MAX || !(bio = BIO_new_mem_buf(text, (int)len))) {
		keys_openssl_error(err, path);
		return KIT_ENOMEM;
	}
	pkey = PEM_read_bio_PrivateKey_ex(bio, NULL, no_passphrase, NULL, NULL,
					  NULL);
	BIO_free(bio);
	if (!pkey) {
		snprintf(what, sizeof(what), "%s: not a PEM private key", path);
		keys_openssl_error(err, what);
		return KIT_EINVAL;
	}
	if ((r = wrap_pkey(pkey, out, what)) < 0)
		errf(err, "%s: %s", path, what);
	return r;
}

int
keys_load_private(const char *path, struct kit_identity **out,
		  char err[static KIT_ERRLEN])
{
	char *text;
	size_t len;
	mode_t mode;
	int r;

	if ((r = read_file(path, KEYS_KEYFILE_MAX, &text, &len, &mode, err)) < 0)
		return r;
	r = parse_private(path, text, len, mode, out, err);
	OPENSSL_clear_free(text, len + 1);
	return r;
}

/* Create path with O_EXCL; a clear message when it exists. */
static int
create_new(const char *path, mode_t mode, char err[static KIT_ERRLEN])
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY,
		      mode);

	if (fd < 0 && errno == EEXIST) {
		errf(err, "%s already exists: not overwriting it "
		     "(move it away first to make a new key)", path);
		return KIT_EINVAL;
	}
	if (fd < 0)
		return sys_error(err, path);
	/* Exactly this mode, whatever the umask. */
	if (fchmod(fd, mode) < 0) {
		sys_error(err, path);
		close(fd);
		unlink(path);
		return KIT_ESYS;
	}
	return fd;
}

/* The private key as PEM PKCS#8 into fd. */
static int
write_pem(int fd, const struct kit_identity *id, const char *path,
	  char err[static KIT_ERRLEN])
{
	BIO *bio;
	char *data;
	long n;
	int r = 0;

	ERR_clear_error();
	/* A secure memory BIO: its buffer is wiped when freed (and lies in
	 * OpenSSL's secure heap when the program set one up). */
	if (!(bio = BIO_new(BIO_s_secmem())) ||
	    !PEM_write_bio_PrivateKey(bio, id->pkey, NULL, NULL, 0, NULL, NULL) ||
	    (n = BIO_get_mem_data(bio, &data)) <= 0) {
		keys_openssl_error(err, path);
		r = KIT_EINVAL;
	} else if (keys_write_all(fd, data, (size_t)n) < 0 || fsync(fd) < 0) {
		r = sys_error(err, path);
	}
	BIO_free(bio);
	return r;
}

int
keys_save(const struct kit_identity *id, const char *prefix,
	  const char *comment, char err[static KIT_ERRLEN])
{
	char kpath[4096], ppath[4096], line[KEYS_LINE_MAX + 2];
	int kfd = -1, pfd = -1, n, r;
	bool made_pub = false;

	if ((n = keys_pub_format(id->pub, comment, line, sizeof(line) - 1)) < 0) {
		errf(err, "bad comment for the public key");
		return n;
	}
	line[n++] = '\n';
	if ((size_t)snprintf(kpath, sizeof(kpath), "%s.key", prefix) >=
		    sizeof(kpath) ||
	    (size_t)snprintf(ppath, sizeof(ppath), "%s.pub", prefix) >=
		    sizeof(ppath)) {
		errf(err, "key file name too long");
		return KIT_ETOOBIG;
	}
	if ((kfd = create_new(kpath, 0600, err)) < 0)
		return kfd;
	if ((r = pfd = create_new(ppath, 0644, err)) < 0)
		goto out;
	made_pub = true;
	if ((r = write_pem(kfd, id, kpath, err)) < 0)
		goto out;
	if (keys_write_all(pfd, line, (size_t)n) < 0 || fsync(pfd) < 0) {
		r = sys_error(err, ppath);
		goto out;
	}
	r = close(kfd) < 0 ? sys_error(err, kpath) : 0;
	kfd = -1;
	if (close(pfd) < 0 && r == 0)
		r = sys_error(err, ppath);
	pfd = -1;
out:
	if (kfd >= 0)
		close(kfd);
	if (pfd >= 0)
		close(pfd);
	if (r < 0) {	/* remove what this call created, nothing else */
		unlink(kpath);
		if (made_pub)
			unlink(ppath);
	}
	return r;
}

/* --- signatures (RFC 8032 §5.1.6, §5.1.7) ------------------------------------ */

int
keys_sign(const struct kit_identity *id, const uint8_t *msg, size_t n,
	  uint8_t sig[static KEYS_SIG_LEN], char err[static KIT_ERRLEN])
{
	EVP_MD_CTX *ctx;
	size_t len = KEYS_SIG_LEN;
	int ok;

	ERR_clear_error();
	/* Ed25519 hashes the message itself: no digest (NULL) is given. */
	ctx = EVP_MD_CTX_new();
	ok = ctx && EVP_DigestSignInit_ex(ctx, NULL, NULL, NULL, NULL, id->pkey,
					  NULL) == 1 &&
	     EVP_DigestSign(ctx, sig, &len, msg, n) == 1 && len == KEYS_SIG_LEN;
	if (!ok)
		keys_openssl_error(err, "Ed25519 signature failed");
	EVP_MD_CTX_free(ctx);
	return ok ? 0 : KIT_EINVAL;
}

int
keys_verify(const uint8_t pub[static KEYS_PUB_LEN], const uint8_t *msg,
	    size_t n, const uint8_t sig[static KEYS_SIG_LEN])
{
	EVP_PKEY *pkey;
	EVP_MD_CTX *ctx = NULL;
	int ok;

	pkey = EVP_PKEY_new_raw_public_key_ex(NULL, "ED25519", NULL, pub,
					      KEYS_PUB_LEN);
	ok = pkey && (ctx = EVP_MD_CTX_new()) &&
	     EVP_DigestVerifyInit_ex(ctx, NULL, NULL, NULL, NULL, pkey,
				     NULL) == 1 &&
	     EVP_DigestVerify(ctx, sig, KEYS_SIG_LEN, msg, n) == 1;
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(pkey);
	ERR_clear_error();	/* a bad signature is not worth a report */
	return ok ? 0 : KIT_EAUTH;
}

/* --- public keys ------------------------------------------------------------------ */

int
keys_fingerprint(const uint8_t pub[static KEYS_PUB_LEN],
		 char fp[static KEYS_FP_LEN], char err[static KIT_ERRLEN])
{
	uint8_t md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	char b64[45];

	ERR_clear_error();
	if (!EVP_Digest(pub, KEYS_PUB_LEN, md, &mdlen, EVP_sha256(), NULL) ||
	    mdlen != 32) {
		keys_openssl_error(err, "SHA-256 failed");
		return KIT_EINVAL;
	}
	/* 32 bytes are 44 base64 characters, the last one '=': drop it. */
	keys_b64_encode(md, 32, b64, sizeof(b64));
	memcpy(fp, "SHA256:", 7);
	memcpy(fp + 7, b64, 43);
	fp[7 + 43] = '\0';
	return 0;
}

int
keys_pub_format(const uint8_t pub[static KEYS_PUB_LEN], const char *comment,
		char *out, size_t cap)
{
	char b64[45];
	const char *c;
	int n;

	for (c = comment; c && *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			return KIT_EINVAL;
	keys_b64_encode(pub, KEYS_PUB_LEN, b64, sizeof(b64));
	if (!comment)
		comment = "";
	n = snprintf(out, cap, "%s %s%s%s", KEYS_TYPE, b64, *comment ? " " : "",
		     comment);
	if (n < 0 || (size_t)n >= cap || n > KEYS_LINE_MAX)
		return KIT_ETOOBIG;
	return n;
}

/* "kit-ed25519 BASE64 [comment]" at s (modified): NULL, or why not. pub
 * is written only on success. */
static const char *
parse_key(char *s, uint8_t pub[static KEYS_PUB_LEN])
{
	char *type = field(&s), *b64 = type ? field(&s) : NULL;
	uint8_t raw[KEYS_PUB_LEN];

	if (!type)
		return "no key";
	if (strcmp(type, KEYS_TYPE) != 0)
		return "unknown key type (expected " KEYS_TYPE ")";
	if (!b64)
		return "no key after " KEYS_TYPE;
	if (keys_b64_decode(b64, strlen(b64), raw, sizeof(raw)) != KEYS_PUB_LEN)
		return "the key is not the base64 of 32 bytes";
	memcpy(pub, raw, KEYS_PUB_LEN);
	return NULL;
}

/* The one key line of a .pub text. */
static int
parse_pub_text(const char *path, const char *text, size_t len,
	       uint8_t pub[static KEYS_PUB_LEN], char err[static KIT_ERRLEN])
{
	char buf[KEYS_LINE_MAX + 1];
	uint8_t key[KEYS_PUB_LEN];
	struct keys_lines it;
	const char *why;
	unsigned found = 0;
	int r;

	keys_lines_init(&it, text, len);
	while ((r = keys_next_line(&it, buf)) > 0) {
		if (keys_line_is_comment(buf))
			continue;
		if (found)
			return line_error(err, path, it.no, "more than one key "
					  "(a .pub file holds one line)");
		if ((why = parse_key(buf, key)))
			return line_error(err, path, it.no, why);
		found = it.no;
	}
	if (r < 0)
		return bad_line(err, path, it.no, r);
	if (!found) {
		errf(err, "%s: no public key in it", path);
		return KIT_EINVAL;
	}
	memcpy(pub, key, KEYS_PUB_LEN);
	return 0;
}

int
keys_pub_parse(const char *line, uint8_t pub[static KEYS_PUB_LEN],
	       char err[static KIT_ERRLEN])
{
	size_t len = strlen(line);

	if (len > KEYS_LINE_MAX + 2) {
		errf(err, "public key line too long");
		return KIT_ETOOBIG;
	}
	return parse_pub_text("public key", line, len, pub, err);
}

int
keys_load_public(const char *path, uint8_t pub[static KEYS_PUB_LEN],
		 char err[static KIT_ERRLEN])
{
	struct kit_identity *id;
	char *text;
	size_t len;
	mode_t mode;
	int r;

	if ((r = read_file(path, KEYS_KEYFILE_MAX, &text, &len, &mode, err)) < 0)
		return r;
	if (looks_private(text)) {
		if ((r = parse_private(path, text, len, mode, &id, err)) == 0) {
			keys_public(id, pub);
			keys_free(id);
		}
	} else {
		r = parse_pub_text(path, text, len, pub, err);
	}
	OPENSSL_clear_free(text, len + 1);
	return r;
}

/* --- authorized keys ---------------------------------------------------------- */

struct auth_entry {
	char nick[KEYS_NICK_MAX + 1];	/* the map's key points here */
	uint8_t pub[KEYS_PUB_LEN];
	unsigned line;
};

struct keys_authorized {
	struct irc_map *map;	/* nick -> struct auth_entry */
};

void
keys_authorized_free(struct keys_authorized *a)
{
	size_t pos = 0;
	void *e;

	if (!a)
		return;
	if (a->map)
		while ((e = irc_map_next(a->map, &pos)))
			free(e);
	irc_map_free(a->map);
	free(a);
}

/* One "NICK kit-ed25519 BASE64 [comment]" line into a. */
static int
auth_line(struct keys_authorized *a, char *s, const char *path, unsigned no,
	  char err[static KIT_ERRLEN])
{
	char *nick = field(&s), why[96];
	const struct auth_entry *old;
	struct auth_entry *e;
	const char *bad;

	if (!keys_valid_nick(nick))
		return line_error(err, path, no, "not a valid nick (1 to 30 "
				  "letters, digits, -[]\\`_^{|})");
	if ((old = irc_map_get(a->map, nick))) {
		snprintf(why, sizeof(why), "%s is already listed on line %u",
			 nick, old->line);
		return line_error(err, path, no, why);
	}
	if (!(e = calloc(1, sizeof(*e)))) {
		errf(err, "%s: out of memory", path);
		return KIT_ENOMEM;
	}
	if ((bad = parse_key(s, e->pub))) {
		free(e);
		return line_error(err, path, no, bad);
	}
	memcpy(e->nick, nick, strlen(nick) + 1);
	e->line = no;
	if (irc_map_put(a->map, e->nick, e) < 0) {
		free(e);
		errf(err, "%s: out of memory", path);
		return KIT_ENOMEM;
	}
	return 0;
}

int
keys_authorized_load(const char *path, struct keys_authorized **out,
		     char err[static KIT_ERRLEN])
{
	struct keys_authorized *a = NULL;
	char *text = NULL, buf[KEYS_LINE_MAX + 1];
	struct keys_lines it;
	size_t len;
	int r;

	if ((r = keys_read_text(path, KEYS_TEXT_MAX, &text, &len, err)) < 0)
		return r;
	if (!(a = calloc(1, sizeof(*a))) || !(a->map = irc_map_new())) {
		errf(err, "%s: out of memory", path);
		r = KIT_ENOMEM;
		goto out;
	}
	keys_lines_init(&it, text, len);
	while ((r = keys_next_line(&it, buf)) > 0)
		if (!keys_line_is_comment(buf) &&
		    (r = auth_line(a, buf, path, it.no, err)) < 0)
			goto out;
	if (r < 0) {
		bad_line(err, path, it.no, r);
		goto out;
	}
	*out = a;
	a = NULL;
out:
	keys_authorized_free(a);
	free(text);
	return r;
}

size_t
keys_authorized_count(const struct keys_authorized *a)
{
	return irc_map_count(a->map);
}

int
keys_authorized_lookup(const struct keys_authorized *a, const char *nick,
		       uint8_t pub[static KEYS_PUB_LEN])
{
	const struct auth_entry *e = irc_map_get(a->map, nick);

	if (!e)
		return KIT_EAUTH;
	memcpy(pub, e->pub, KEYS_PUB_LEN);
	return 0;
}

/* --- known hosts ---------------------------------------------------------------- */

/* "host:port", or "[host]:port" for an IPv6 literal: NULL, or why not. */
static const char *
host_name(const char *host, const char *port, char out[static KEYS_HOST_MAX])
{
	size_t hl = strlen(host), pl = strlen(port), i;
	unsigned long v = 0;
	bool v6 = strchr(host, ':') != NULL;

	if (hl == 0 || hl > 253)
		return "host name empty or longer than 253 bytes";
	for (i = 0; i < hl; i++) {
		unsigned char c = (unsigned char)host[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || strchr(".-_:%", c)))
			return "host name holds characters other than letters, "
			       "digits and .-_:%";
	}
	for (i = 0; i < pl; i++) {
		if (port[i] < '0' || port[i] > '9')
			break;
		v = v * 10 + (unsigned long)(port[i] - '0');
	}
	if (pl == 0 || pl > 5 || i < pl || port[0] == '0' || v > 65535)
		return "port is not a number from 1 to 65535";
	snprintf(out, KEYS_HOST_MAX, "%s%s%s:%s", v6 ? "[" : "", host,
		 v6 ? "]" : "", port);
	return NULL;
}

/* Find name in a known-hosts text; every line is checked. Returns
 * KEYS_KNOWN_MATCH (pub and *line set), KEYS_KNOWN_NONE or KIT_E*. */
static int
known_find(const char *path, const char *text, size_t len, const char *name,
	   uint8_t pub[static KEYS_PUB_LEN], unsigned *line,
	   char err[static KIT_ERRLEN])
{
	char buf[KEYS_LINE_MAX + 1], why[96], *s, *host;
	uint8_t key[KEYS_PUB_LEN];
	struct keys_lines it;
	const char *bad;
	unsigned found = 0;
	int r;

	keys_lines_init(&it, text, len);
	while ((r = keys_next_line(&it, buf)) > 0) {
		if (keys_line_is_comment(buf))
			continue;
		s = buf;
		host = field(&s);
		if ((bad = parse_key(s, key)))
			return line_error(err, path, it.no, bad);
		if (strcasecmp(host, name) != 0)
			continue;
		if (found) {
			snprintf(why, sizeof(why), "host listed twice (lines "
				 "%u and %u)", found, it.no);
			return line_error(err, path, it.no, why);
		}
		found = it.no;
		memcpy(pub, key, KEYS_PUB_LEN);
	}
	if (r < 0)
		return bad_line(err, path, it.no, r);
	*line = found;
	return found ? KEYS_KNOWN_MATCH : KEYS_KNOWN_NONE;
}

/* Read and search the file; a missing file is an empty one. */
static int
known_search(const char *path, const char *host, const char *port,
	     char name[static KEYS_HOST_MAX], uint8_t pub[static KEYS_PUB_LEN],
	     unsigned *line, char **text, size_t *len,
	     char err[static KIT_ERRLEN])
{
	const char *bad;
	int r;

	if ((bad = host_name(host, port, name))) {
		errf(err, "%s", bad);
		return KIT_EINVAL;
	}
	if ((r = keys_read_text(path, KEYS_TEXT_MAX, text, len, err)) < 0) {
		if (r != KIT_ESYS || errno != ENOENT)
			return r;
		if (!(*text = calloc(1, 1)))
			return KIT_ENOMEM;
		*len = 0;
	}
	if ((r = known_find(path, *text, *len, name, pub, line, err)) < 0) {
		free(*text);
		*text = NULL;
	}
	return r;
}

int
keys_known_lookup(const char *path, const char *host, const char *port,
		  uint8_t pub[static KEYS_PUB_LEN], char err[static KIT_ERRLEN])
{
	char name[KEYS_HOST_MAX], *text = NULL;
	unsigned line;
	size_t len;
	int r;

	r = known_search(path, host, port, name, pub, &line, &text, &len, err);
	free(text);
	return r;
}

int
keys_known_check(const char *path, const char *host, const char *port,
		 const uint8_t pub[static KEYS_PUB_LEN],
		 char err[static KIT_ERRLEN])
{
	char name[KEYS_HOST_MAX], *text = NULL, was[KEYS_FP_LEN], now[KEYS_FP_LEN];
	uint8_t listed[KEYS_PUB_LEN];
	unsigned line;
	size_t len;
	int r;

	r = known_search(path, host, port, name, listed, &line, &text, &len,
			 err);
	free(text);
	if (r != KEYS_KNOWN_MATCH ||
	    CRYPTO_memcmp(listed, pub, KEYS_PUB_LEN) == 0)
		return r;
	if ((r = keys_fingerprint(listed, was, err)) < 0 ||
	    (r = keys_fingerprint(pub, now, err)) < 0)
		return r;
	errf(err, "the key of %s has CHANGED: %s:%u has %s, "
	     "the server sent %s (someone may be in the middle; remove "
	     "that line only if you know why it changed)", name, path, line,
	     was, now);
	return KIT_EAUTH;
}

int
keys_known_add(const char *path, const char *host, const char *port,
	       const uint8_t pub[static KEYS_PUB_LEN], char err[static KIT_ERRLEN])
{
	char name[KEYS_HOST_MAX], *text = NULL, entry[KEYS_LINE_MAX + 2];
	uint8_t listed[KEYS_PUB_LEN];
	size_t len, n, skip;
	unsigned line;
	int fd, r;

	r = known_search(path, host, port, name, listed, &line, &text, &len,
			 err);
	if (r == KEYS_KNOWN_MATCH) {
		errf(err, "%s is already in %s (line %u): "
		     "remove that line to replace its key", name, path, line);
		r = KIT_EINVAL;
	}
	if (r < 0)
		goto out;
	/* A newline first if the last line lacks one. */
	skip = len == 0 || text[len - 1] == '\n';
	n = (size_t)snprintf(entry, sizeof(entry), "\n%s ", name);
	if ((r = keys_pub_format(pub, NULL, entry + n, sizeof(entry) - n - 1)) < 0)
		goto out;
	n += (size_t)r;
	entry[n++] = '\n';
	if ((fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY,
		       0644)) < 0) {
		r = sys_error(err, path);
		goto out;
	}
	r = keys_write_all(fd, entry + skip, n - skip) < 0 ? sys_error(err, path)
							    : 0;
	if (close(fd) < 0 && r == 0)
		r = sys_error(err, path);
out:
	free(text);
	return r;
}
