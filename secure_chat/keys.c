/* \summary: secure_chat identity keys: Ed25519 (RFC 8032) key pairs,
 * key files, signatures, fingerprints and the .pub line format (keys.h
 * has the file formats), all through OpenSSL's EVP and PEM interfaces. */
#include <errno.h>
#include <fcntl.h>
#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "keys.h"
#include "keys_internal.h"

struct kit_identity {
	EVP_PKEY *pkey;
	uint8_t pub[KEYS_PUB_LEN];
};

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
		keys_errf(err, "not an Ed25519 key (%s)",
			  type ? type : "unknown type");
		EVP_PKEY_free(pkey);
		return KIT_EINVAL;
	}
	if (!(id = calloc(1, sizeof(*id)))) {
		keys_errf(err, "out of memory");
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

EVP_PKEY *
keys_evp_pkey(const struct kit_identity *id)
{
	return id->pkey;
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

	/* A public key line (NAME.pub) given for the private key: no
	 * permission advice, which would not help. */
	if (strncmp(text, KEYS_TYPE " ", strlen(KEYS_TYPE) + 1) == 0) {
		keys_errf(err, "%s is a public key: give the private key "
			  "(NAME.key, made with NAME.pub by secure-keys gen)",
			  path);
		return KIT_EINVAL;
	}
	if (mode & 077) {
		keys_errf(err, "%s: permissions %04o are too open: "
			  "other users could read this private key; fix "
			  "with: chmod 600 %s", path,
			  (unsigned)(mode & 07777), path);
		return KIT_EINVAL;
	}
	if (strstr(text, "ENCRYPTED")) {
		keys_errf(err, "%s: encrypted private keys are not "
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
		keys_errf(err, "%s: %s", path, what);
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

	r = keys_read_file(path, KEYS_KEYFILE_MAX, &text, &len, &mode, err);
	if (r < 0)
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
		keys_errf(err, "%s already exists: not overwriting it "
			  "(move it away first to make a new key)", path);
		return KIT_EINVAL;
	}
	if (fd < 0)
		return keys_sys_error(err, path);
	/* Exactly this mode, whatever the umask. */
	if (fchmod(fd, mode) < 0) {
		keys_sys_error(err, path);
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
		r = keys_sys_error(err, path);
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
		keys_errf(err, "bad comment for the public key");
		return n;
	}
	line[n++] = '\n';
	if ((size_t)snprintf(kpath, sizeof(kpath), "%s.key", prefix) >=
		    sizeof(kpath) ||
	    (size_t)snprintf(ppath, sizeof(ppath), "%s.pub", prefix) >=
		    sizeof(ppath)) {
		keys_errf(err, "key file name too long");
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
		r = keys_sys_error(err, ppath);
		goto out;
	}
	r = close(kfd) < 0 ? keys_sys_error(err, kpath) : 0;
	kfd = -1;
	if (close(pfd) < 0 && r == 0)
		r = keys_sys_error(err, ppath);
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
keys_pin_fingerprint(const char *pin, char fp[static KEYS_FP_LEN],
		     char err[static KIT_ERRLEN])
{
	uint8_t pub[KEYS_PUB_LEN];

	if (strncmp(pin, "SHA256:", 7) != 0)
		return keys_load_public(pin, pub, err) < 0 ? KIT_EINVAL
			: keys_fingerprint(pub, fp, err);
	if (strlen(pin) != KEYS_FP_LEN - 1 ||
	    strspn(pin + 7, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			    "0123456789+/") != KEYS_FP_LEN - 8) {
		snprintf(err, KIT_ERRLEN, "not a fingerprint (SHA256: and 43 "
			 "base64 characters, as secure-keys fingerprint "
			 "prints): %.60s", pin);
		return KIT_EINVAL;
	}
	snprintf(fp, KEYS_FP_LEN, "%s", pin);
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
const char *
keys_parse_key(char *s, uint8_t pub[static KEYS_PUB_LEN])
{
	char *type = keys_field(&s), *b64 = type ? keys_field(&s) : NULL;
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
			return keys_line_error(err, path, it.no,
					       "more than one key "
					       "(a .pub file holds one line)");
		if ((why = keys_parse_key(buf, key)))
			return keys_line_error(err, path, it.no, why);
		found = it.no;
	}
	if (r < 0)
		return keys_bad_line(err, path, it.no, r);
	if (!found) {
		keys_errf(err, "%s: no public key in it", path);
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
		keys_errf(err, "public key line too long");
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

	r = keys_read_file(path, KEYS_KEYFILE_MAX, &text, &len, &mode, err);
	if (r < 0)
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
