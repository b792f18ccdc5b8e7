/* Unit tests: secure_chat identity keys (Ed25519, RFC 8032), trust files
 * and password hashes (scrypt, RFC 7914). */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "keys.h"
#include "passwords.h"
#include "suites.h"

/* --- helpers --------------------------------------------------------------- */

static char dir[256];
static char err[KIT_ERRLEN];

static size_t
unhex(const char *hex, uint8_t *out)
{
	size_t n = 0;
	unsigned v;

	while (hex[0] && hex[1] && sscanf(hex, "%2x", &v) == 1) {
		out[n++] = (uint8_t)v;
		hex += 2;
	}
	return n;
}

/* dir/name, in one of four rotating buffers. */
static const char *
path(const char *name)
{
	static char bufs[4][512];
	static int i;
	char *p = bufs[i++ % 4];

	snprintf(p, sizeof(bufs[0]), "%s/%s", dir, name);
	return p;
}

static void
write_file(const char *name, const void *data, size_t n, mode_t mode)
{
	int fd = open(path(name), O_WRONLY | O_CREAT | O_TRUNC, mode);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, data, n), (ssize_t)n);
	ck_assert_int_eq(fchmod(fd, mode), 0);
	close(fd);
}

static void
write_text(const char *name, const char *text)
{
	write_file(name, text, strlen(text), 0644);
}

/* The whole file (or "" if missing), in a static buffer. */
static const char *
read_back(const char *name)
{
	static char buf[8192];
	int fd = open(path(name), O_RDONLY);
	ssize_t n = fd < 0 ? 0 : read(fd, buf, sizeof(buf) - 1);

	if (fd >= 0)
		close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

static mode_t
mode_of(const char *name)
{
	struct stat st;

	ck_assert_int_eq(stat(path(name), &st), 0);
	return st.st_mode & 07777;
}

static int
remove_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(p);
}

static void
setup(void)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(dir, sizeof(dir), "%s/kit-keys.XXXXXX", tmp ? tmp : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	err[0] = '\0';
}

static void
teardown(void)
{
	nftw(dir, remove_one, 8, FTW_DEPTH | FTW_PHYS);
}

/* An RFC 8032 TEST 1 public key, as a .pub line. */
#define PUB1 "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="
#define PUB1_HEX "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
/* Another valid key (TEST 2). */
#define PUB2 "PUAXw+hDiVqStwqnTRt+vJyYLM8uxJaMwM1V8Sr0Zgw="

/* --- Ed25519 ------------------------------------------------------------------- */

/* RFC 8032 §7.1, TEST 1 to TEST 3. */
static const struct {
	const char *secret, *public, *msg, *sig;
} rfc8032[] = {
	{ "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
	  PUB1_HEX, "",
	  "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
	  "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b" },
	{ "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
	  "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
	  "72",
	  "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
	  "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00" },
	{ "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
	  "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
	  "af82",
	  "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac"
	  "18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a" },
};

START_TEST(test_ed25519_rfc8032_vectors)
{
	uint8_t seed[32], want_pub[32], pub[32], msg[8], want_sig[64], sig[64];
	struct kit_identity *id = NULL;
	size_t n;

	unhex(rfc8032[_i].secret, seed);
	unhex(rfc8032[_i].public, want_pub);
	n = unhex(rfc8032[_i].msg, msg);
	unhex(rfc8032[_i].sig, want_sig);
	ck_assert_int_eq(keys_from_seed(seed, &id, err), 0);
	keys_public(id, pub);
	ck_assert_mem_eq(pub, want_pub, 32);
	ck_assert_int_eq(keys_sign(id, msg, n, sig, err), 0);
	ck_assert_mem_eq(sig, want_sig, 64);
	ck_assert_int_eq(keys_verify(want_pub, msg, n, want_sig), 0);
	keys_free(id);
}
END_TEST

/* Expected value from Python: "SHA256:" + base64(sha256(key)) without "=". */
START_TEST(test_fingerprint_of_rfc8032_test_1_key)
{
	uint8_t pub[32];
	char fp[KEYS_FP_LEN];

	unhex(PUB1_HEX, pub);
	ck_assert_int_eq(keys_fingerprint(pub, fp, err), 0);
	ck_assert_str_eq(fp, "SHA256:If4x36FUomFia/hUBG/SJxt77UtqvkWqWId+9H+XIbk");
	ck_assert_uint_eq(strlen(fp), KEYS_FP_LEN - 1);
}
END_TEST

START_TEST(test_sign_verify_round_trip)
{
	static const uint8_t msg[] = "kit-chat v1 server signature";
	struct kit_identity *a = NULL, *b = NULL;
	uint8_t pa[32], pb[32], sig[64];

	ck_assert_int_eq(keys_generate(&a, err), 0);
	ck_assert_int_eq(keys_generate(&b, err), 0);
	keys_public(a, pa);
	keys_public(b, pb);
	ck_assert_mem_ne(pa, pb, 32);
	ck_assert_int_eq(keys_sign(a, msg, sizeof(msg), sig, err), 0);
	ck_assert_int_eq(keys_verify(pa, msg, sizeof(msg), sig), 0);
	ck_assert_int_eq(keys_verify(pb, msg, sizeof(msg), sig), KIT_EAUTH);
	ck_assert_int_eq(keys_verify(pa, msg, sizeof(msg) - 1, sig), KIT_EAUTH);
	keys_free(a);
	keys_free(b);
}
END_TEST

/* Every bit of the signature, the message and the public key. */
START_TEST(test_verify_fails_on_every_flipped_bit)
{
	uint8_t seed[32], pub[32], msg[2], sig[64];
	size_t bit;

	unhex(rfc8032[2].secret, seed);
	unhex(rfc8032[2].public, pub);
	unhex(rfc8032[2].msg, msg);
	unhex(rfc8032[2].sig, sig);
	for (bit = 0; bit < 8 * (64 + 2 + 32); bit++) {
		uint8_t *p = bit < 512 ? sig : bit < 528 ? msg : pub;
		size_t b = bit < 512 ? bit : bit < 528 ? bit - 512 : bit - 528;

		p[b / 8] ^= (uint8_t)(1u << (b % 8));
		ck_assert_msg(keys_verify(pub, msg, 2, sig) == KIT_EAUTH,
			      "flipped bit %zu accepted", bit);
		p[b / 8] ^= (uint8_t)(1u << (b % 8));
	}
	ck_assert_int_eq(keys_verify(pub, msg, 2, sig), 0);
}
END_TEST

/* --- key files --------------------------------------------------------------------- */

START_TEST(test_save_writes_pkcs8_and_pub_line_then_loads)
{
	struct kit_identity *id = NULL, *back = NULL;
	uint8_t pub[32], pub2[32], pub3[32];
	char line[200], b64[64];

	ck_assert_int_eq(keys_generate(&id, err), 0);
	ck_assert_int_eq(keys_save(id, path("alice"), "alice", err), 0);
	ck_assert_uint_eq(mode_of("alice.key"), 0600);
	ck_assert_uint_eq(mode_of("alice.pub"), 0644);
	ck_assert_ptr_nonnull(strstr(read_back("alice.key"),
				     "-----BEGIN PRIVATE KEY-----\n"));
	keys_public(id, pub);
	keys_b64_encode(pub, 32, b64, sizeof(b64));
	snprintf(line, sizeof(line), "kit-ed25519 %s alice\n", b64);
	ck_assert_str_eq(read_back("alice.pub"), line);
	ck_assert_int_eq(keys_load_private(path("alice.key"), &back, err), 0);
	keys_public(back, pub2);
	ck_assert_mem_eq(pub, pub2, 32);
	ck_assert_int_eq(keys_load_public(path("alice.key"), pub3, err), 0);
	ck_assert_mem_eq(pub, pub3, 32);
	memset(pub3, 0, 32);
	ck_assert_int_eq(keys_load_public(path("alice.pub"), pub3, err), 0);
	ck_assert_mem_eq(pub, pub3, 32);
	keys_free(back);
	keys_free(id);
}
END_TEST

START_TEST(test_save_never_overwrites)
{
	struct kit_identity *a = NULL, *b = NULL;
	char before[8192];

	ck_assert_int_eq(keys_generate(&a, err), 0);
	ck_assert_int_eq(keys_generate(&b, err), 0);
	ck_assert_int_eq(keys_save(a, path("k"), NULL, err), 0);
	snprintf(before, sizeof(before), "%s", read_back("k.key"));
	ck_assert_int_eq(keys_save(b, path("k"), NULL, err), KIT_EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "k.key already exists"));
	ck_assert_str_eq(read_back("k.key"), before);
	/* A stray .pub alone also stops it, and no .key is left behind. */
	write_text("stray.pub", "kit-ed25519 " PUB1 "\n");
	ck_assert_int_eq(keys_save(b, path("stray"), NULL, err), KIT_EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "stray.pub already exists"));
	ck_assert_int_eq(access(path("stray.key"), F_OK), -1);
	keys_free(a);
	keys_free(b);
}
END_TEST

static const mode_t open_modes[] = { 0644, 0640, 0604, 0660, 0610, 0601, 0666 };

START_TEST(test_private_key_readable_by_others_is_refused)
{
	struct kit_identity *id = NULL;
	uint8_t pub[32];

	ck_assert_int_eq(keys_generate(&id, err), 0);
	ck_assert_int_eq(keys_save(id, path("k"), NULL, err), 0);
	keys_free(id);
	id = NULL;
	ck_assert_int_eq(chmod(path("k.key"), open_modes[_i]), 0);
	ck_assert_int_eq(keys_load_private(path("k.key"), &id, err), KIT_EINVAL);
	ck_assert_ptr_null(id);
	ck_assert_ptr_nonnull(strstr(err, "too open"));
	ck_assert_ptr_nonnull(strstr(err, "chmod 600"));
	ck_assert_int_eq(keys_load_public(path("k.key"), pub, err), KIT_EINVAL);
	ck_assert_int_eq(chmod(path("k.key"), 0400), 0);
	ck_assert_int_eq(keys_load_private(path("k.key"), &id, err), 0);
	keys_free(id);
}
END_TEST

START_TEST(test_load_private_rejects_bad_files)
{
	struct kit_identity *id = NULL;
	EVP_PKEY *x = EVP_PKEY_Q_keygen(NULL, NULL, "X25519");
	static char big[KEYS_KEYFILE_MAX + 1];
	FILE *f;

	ck_assert_int_eq(keys_load_private(path("missing"), &id, err), KIT_ESYS);
	ck_assert_int_eq(errno, ENOENT);
	write_file("empty", "", 0, 0600);
	ck_assert_int_eq(keys_load_private(path("empty"), &id, err), KIT_EINVAL);
	write_file("junk", "hello\n", 6, 0600);
	ck_assert_int_eq(keys_load_private(path("junk"), &id, err), KIT_EINVAL);
	write_file("enc", "-----BEGIN ENCRYPTED PRIVATE KEY-----\n", 38, 0600);
	ck_assert_int_eq(keys_load_private(path("enc"), &id, err), KIT_EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "encrypted"));
	memset(big, 'A', sizeof(big));
	write_file("big", big, sizeof(big), 0600);
	ck_assert_int_eq(keys_load_private(path("big"), &id, err), KIT_ETOOBIG);
	ck_assert_int_eq(keys_load_private(dir, &id, err), KIT_EINVAL);
	/* An X25519 key is a valid PKCS#8 key, but not an identity. */
	ck_assert_ptr_nonnull(x);
	ck_assert_ptr_nonnull(f = fopen(path("x.key"), "w"));
	ck_assert(PEM_write_PrivateKey(f, x, NULL, NULL, 0, NULL, NULL));
	fclose(f);
	chmod(path("x.key"), 0600);
	ck_assert_int_eq(keys_load_private(path("x.key"), &id, err), KIT_EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "not an Ed25519 key"));
	ck_assert_ptr_null(id);
	EVP_PKEY_free(x);
}
END_TEST

/* --- .pub lines and base64 ---------------------------------------------------- */

static const struct {
	const char *line;
	int want;
} pub_lines[] = {
	{ "kit-ed25519 " PUB1, 0 },
	{ "kit-ed25519 " PUB1 " alice@lab 2024\n", 0 },
	{ "\tkit-ed25519\t" PUB1 "\r\n", 0 },
	{ "# a comment\n\nkit-ed25519 " PUB1 "\n", 0 },
	{ "", KIT_EINVAL },
	{ "kit-ed25519", KIT_EINVAL },
	{ "ssh-ed25519 " PUB1, KIT_EINVAL },
	{ "KIT-ED25519 " PUB1, KIT_EINVAL },
	{ "kit-ed25519 11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo", KIT_EINVAL },
	{ "kit-ed25519 11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURp=", KIT_EINVAL },
	{ "kit-ed25519 11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHUR==", KIT_EINVAL },
	{ "kit-ed25519 11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcH", KIT_EINVAL },
	{ "kit-ed25519 11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURoA", KIT_EINVAL },
	{ "kit-ed25519 11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURoAAA==", KIT_EINVAL },
	{ "kit-ed25519 11qYAYKxCrfVS/7TyWQHOg7h*vPapiMlrwIaaPcHURo=", KIT_EINVAL },
	{ "kit-ed25519 11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo= x\033[2J", KIT_EINVAL },
	{ "kit-ed25519 " PUB1 "\nkit-ed25519 " PUB2 "\n", KIT_EINVAL },
};

START_TEST(test_pub_line_parsing)
{
	uint8_t pub[32], want[32];
	int r = keys_pub_parse(pub_lines[_i].line, pub, err);

	ck_assert_msg(r == pub_lines[_i].want, "line %d: got %d (%s)", _i, r,
		      r < 0 ? err : "");
	if (r == 0) {
		unhex(PUB1_HEX, want);
		ck_assert_mem_eq(pub, want, 32);
	}
}
END_TEST

START_TEST(test_pub_parse_rejects_long_line)
{
	char line[3000];
	uint8_t pub[32];

	snprintf(line, sizeof(line), "kit-ed25519 %s ", PUB1);
	memset(line + strlen(line), 'x', sizeof(line) - strlen(line) - 1);
	line[sizeof(line) - 1] = '\0';
	ck_assert_int_eq(keys_pub_parse(line, pub, err), KIT_ETOOBIG);
}
END_TEST

START_TEST(test_base64_is_strict)
{
	uint8_t in[64], out[64];
	char text[100];
	int n, len;

	for (len = 1; len <= 64; len++) {
		for (n = 0; n < len; n++)
			in[n] = (uint8_t)(n * 37 + len);
		n = keys_b64_encode(in, (size_t)len, text, sizeof(text));
		ck_assert_int_eq(n, 4 * ((len + 2) / 3));
		ck_assert_int_eq(keys_b64_decode(text, (size_t)n, out, 64), len);
		ck_assert_mem_eq(in, out, (size_t)len);
		ck_assert_int_eq(keys_b64_decode(text, (size_t)n, out,
						 (size_t)len - 1), KIT_ETOOBIG);
	}
	ck_assert_int_eq(keys_b64_decode("", 0, out, 64), KIT_EINVAL);
	ck_assert_int_eq(keys_b64_decode("QQ==", 4, out, 64), 1);
	ck_assert_int_eq(keys_b64_decode("QR==", 4, out, 64), KIT_EINVAL);
	ck_assert_int_eq(keys_b64_decode("Q===", 4, out, 64), KIT_EINVAL);
	ck_assert_int_eq(keys_b64_decode("Q=Q=", 4, out, 64), KIT_EINVAL);
	ck_assert_int_eq(keys_b64_decode("QUJD QUJD", 9, out, 64), KIT_EINVAL);
	ck_assert_int_eq(keys_b64_decode("QUJ\nQUJD", 8, out, 64), KIT_EINVAL);
	ck_assert_int_eq(keys_b64_encode(in, 65, text, sizeof(text)),
			 KIT_ETOOBIG);
}
END_TEST

/* --- authorized keys ----------------------------------------------------------- */

START_TEST(test_authorized_keys_lookup)
{
	struct keys_authorized *a = NULL;
	uint8_t pub[32], want1[32], want2[32];

	write_text("auth",
		   "# class of 2024\n"
		   "\n"
		   "alice kit-ed25519 " PUB1 " alice@laptop\n"
		   "   \t\n"
		   "nick{1}\tkit-ed25519\t" PUB2 "\r\n"
		   "  # indented comment\n"
		   "bob kit-ed25519 " PUB2);	/* no final newline */
	ck_assert_int_eq(keys_authorized_load(path("auth"), &a, err), 0);
	ck_assert_uint_eq(keys_authorized_count(a), 3);
	unhex(PUB1_HEX, want1);
	ck_assert_int_eq(keys_b64_decode(PUB2, 44, want2, 32), 32);
	ck_assert_int_eq(keys_authorized_lookup(a, "alice", pub), 0);
	ck_assert_mem_eq(pub, want1, 32);
	ck_assert_int_eq(keys_authorized_lookup(a, "ALICE", pub), 0);
	ck_assert_mem_eq(pub, want1, 32);
	ck_assert_int_eq(keys_authorized_lookup(a, "NICK[1]", pub), 0);
	ck_assert_mem_eq(pub, want2, 32);
	ck_assert_int_eq(keys_authorized_lookup(a, "bob", pub), 0);
	ck_assert_int_eq(keys_authorized_lookup(a, "carol", pub), KIT_EAUTH);
	ck_assert_int_eq(keys_authorized_lookup(a, "", pub), KIT_EAUTH);
	keys_authorized_free(a);
	keys_authorized_free(NULL);
}
END_TEST

/* Each file is bad on line 3 (after a comment and a good line). */
#define BAD(line, want, why) { line, sizeof(line) - 1, want, why }
static const struct {
	const char *bad;
	size_t len;	/* sizeof: NUL bytes included; 0: a 2000-byte line */
	int want;
	const char *why;
} bad_auth[] = {
	BAD("9lives kit-ed25519 " PUB1, KIT_EINVAL, "not a valid nick"),
	BAD("ALICE kit-ed25519 " PUB2, KIT_EINVAL, "already listed on line 2"),
	BAD("bob", KIT_EINVAL, "no key"),
	BAD("bob kit-ed25519", KIT_EINVAL, "no key after"),
	BAD("bob ssh-ed25519 " PUB2, KIT_EINVAL, "unknown key type"),
	BAD("bob kit-ed25519 not-base64!", KIT_EINVAL, "not the base64"),
	BAD("bob kit-ed25519 AAAA", KIT_EINVAL, "not the base64 of 32"),
	BAD("bob kit-ed25519 " PUB2 "AAAA", KIT_EINVAL, "not the base64 of 32"),
	BAD("kit-ed25519 " PUB2 " bob", KIT_EINVAL, "put the nick first"),
	BAD("bob kit-ed25519 " PUB2 " \001", KIT_EINVAL, "control character"),
	BAD("bob kit-ed25519 " PUB2 " a\0b", KIT_EINVAL, "NUL byte"),
	BAD("bob:kit-ed25519:" PUB2, KIT_EINVAL, "not a valid nick"),
	BAD("waytoolongnickname0123456789abc kit-ed25519 " PUB2, KIT_EINVAL,
	    "not a valid nick"),
	BAD("", KIT_ETOOBIG, "longer than 1024"),
};

START_TEST(test_authorized_keys_rejects_malformed_lines)
{
	struct keys_authorized *a = NULL;
	char file[4096];
	size_t n;

	n = (size_t)snprintf(file, sizeof(file), "# keys\nalice kit-ed25519 "
			     PUB1 "\n");
	if (bad_auth[_i].len) {
		memcpy(file + n, bad_auth[_i].bad, bad_auth[_i].len);
		n += bad_auth[_i].len;
	} else {
		memset(file + n, 'x', 2000);
		n += 2000;
	}
	file[n++] = '\n';
	write_file("auth", file, n, 0644);
	ck_assert_int_eq(keys_authorized_load(path("auth"), &a, err),
			 bad_auth[_i].want);
	ck_assert_ptr_null(a);
	ck_assert_msg(strstr(err, "auth:3: "), "no line number: %s", err);
	ck_assert_msg(strstr(err, bad_auth[_i].why), "unexpected: %s", err);
}
END_TEST

START_TEST(test_authorized_keys_file_limits)
{
	struct keys_authorized *a = NULL;
	static char big[KEYS_TEXT_MAX + 1];

	ck_assert_int_eq(keys_authorized_load(path("none"), &a, err), KIT_ESYS);
	memset(big, '#', sizeof(big));
	write_file("big", big, sizeof(big), 0644);
	ck_assert_int_eq(keys_authorized_load(path("big"), &a, err),
			 KIT_ETOOBIG);
	write_text("empty", "");
	ck_assert_int_eq(keys_authorized_load(path("empty"), &a, err), 0);
	ck_assert_uint_eq(keys_authorized_count(a), 0);
	keys_authorized_free(a);
}
END_TEST

/* --- known hosts ------------------------------------------------------------------- */

START_TEST(test_known_hosts_trust_on_first_use)
{
	char fp[KEYS_FP_LEN], err2[KIT_ERRLEN];
	uint8_t k1[32], k2[32], pub[32];
	const char *kh = path("known_hosts");

	unhex(PUB1_HEX, k1);
	ck_assert_int_eq(keys_b64_decode(PUB2, 44, k2, 32), 32);
	ck_assert_int_eq(keys_known_check(kh, "chat.lab", "6698", k1, err),
			 KEYS_KNOWN_NONE);
	ck_assert_int_eq(keys_known_add(kh, "chat.lab", "6698", k1, err), 0);
	ck_assert_int_eq(keys_known_add(kh, "::1", "6698", k2, err), 0);
	ck_assert_str_eq(read_back("known_hosts"),
			 "chat.lab:6698 kit-ed25519 " PUB1 "\n"
			 "[::1]:6698 kit-ed25519 " PUB2 "\n");
	ck_assert_int_eq(keys_known_check(kh, "chat.lab", "6698", k1, err),
			 KEYS_KNOWN_MATCH);
	ck_assert_int_eq(keys_known_check(kh, "CHAT.Lab", "6698", k1, err),
			 KEYS_KNOWN_MATCH);
	ck_assert_int_eq(keys_known_lookup(kh, "::1", "6698", pub, err),
			 KEYS_KNOWN_MATCH);
	ck_assert_mem_eq(pub, k2, 32);
	/* Another port is another server. */
	ck_assert_int_eq(keys_known_check(kh, "chat.lab", "6699", k1, err),
			 KEYS_KNOWN_NONE);
	/* A changed key is refused, loudly, and never replaced. */
	ck_assert_int_eq(keys_known_check(kh, "chat.lab", "6698", k2, err),
			 KIT_EAUTH);
	ck_assert_int_eq(keys_fingerprint(k1, fp, err2), 0);
	ck_assert_ptr_nonnull(strstr(err, fp));	/* the key it knew */
	ck_assert_ptr_nonnull(strstr(err, "line 1 of"));
	ck_assert_ptr_nonnull(strstr(err, "known_hosts)."));	/* whole */
	ck_assert_int_eq(keys_known_add(kh, "chat.lab", "6698", k2, err),
			 KIT_EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "already in"));
}
END_TEST

START_TEST(test_known_hosts_appends_after_a_last_line_without_newline)
{
	uint8_t k1[32];

	unhex(PUB1_HEX, k1);
	write_text("kh", "# mine\nold.lab:1 kit-ed25519 " PUB2);
	ck_assert_int_eq(keys_known_add(path("kh"), "new.lab", "2", k1, err), 0);
	ck_assert_str_eq(read_back("kh"), "# mine\nold.lab:1 kit-ed25519 " PUB2
			 "\nnew.lab:2 kit-ed25519 " PUB1 "\n");
	ck_assert_int_eq(keys_known_check(path("kh"), "old.lab", "1",
					  (uint8_t[32]){ 0 }, err), KIT_EAUTH);
}
END_TEST

static const struct {
	const char *file, *host, *port, *why;
} bad_known[] = {
	{ "", "a b", "1", "host name" },
	{ "", "", "1", "host name" },
	{ "", "h", "0", "port" },
	{ "", "h", "65536", "port" },
	{ "", "h", "08", "port" },
	{ "", "h", "6x", "port" },
	{ "", "h", "", "port" },
	{ "", "[::1]", "1", "host name" },
	{ "h:1 kit-ed25519 AAAA\n", "h", "1", "kh:1: the key is not" },
	{ "# c\nh:1 kit-ed25519\n", "x", "1", "kh:2: no key after" },
	{ "h:1 kit-ed25519 " PUB1 "\nH:1 kit-ed25519 " PUB1 "\n", "h", "1",
	  "kh:2: host listed twice" },
	{ "h:1 rsa " PUB1 "\n", "x", "1", "kh:1: unknown key type" },
	{ "kit-ed25519 " PUB1 " server\n", "h", "1", "put HOST:PORT first" },
};

START_TEST(test_known_hosts_rejects_bad_input)
{
	uint8_t pub[32] = { 0 };

	write_text("kh", bad_known[_i].file);
	ck_assert_int_eq(keys_known_lookup(path("kh"), bad_known[_i].host,
					   bad_known[_i].port, pub, err),
			 KIT_EINVAL);
	ck_assert_msg(strstr(err, bad_known[_i].why), "unexpected: %s", err);
	ck_assert_int_eq(keys_known_add(path("kh"), bad_known[_i].host,
					bad_known[_i].port, pub, err),
			 KIT_EINVAL);
	ck_assert_str_eq(read_back("kh"), bad_known[_i].file);
}
END_TEST

/* --- scrypt and the users file ------------------------------------------------- */

/* RFC 7914 §12, the first two vectors. */
START_TEST(test_scrypt_rfc7914_vectors)
{
	struct passwords_params p1 = { 16, 1, 1 }, p2 = { 1024, 8, 16 };
	uint8_t out[64], want[64];

	unhex("77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede214"
	      "42fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906",
	      want);
	ck_assert_int_eq(passwords_scrypt("", 0, (const uint8_t *)"", 0, &p1,
					  out, 64, err), 0);
	ck_assert_mem_eq(out, want, 64);
	unhex("fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b373162"
	      "2eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640",
	      want);
	ck_assert_int_eq(passwords_scrypt("password", 8, (const uint8_t *)"NaCl",
					  4, &p2, out, 64, err), 0);
	ck_assert_mem_eq(out, want, 64);
}
END_TEST

START_TEST(test_scrypt_refuses_costly_or_bad_parameters)
{
	static const struct passwords_params bad[] = {
		{ 0, 8, 1 }, { 1, 8, 1 }, { 1000, 8, 1 }, { 1u << 21, 1, 1 },
		{ 1024, 0, 1 }, { 1024, 33, 1 }, { 1024, 8, 0 }, { 1024, 8, 17 },
		{ 1u << 20, 8, 1 },	/* 1 GiB */
	};
	uint8_t out[32];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_int_eq(passwords_scrypt("pw", 2, (const uint8_t *)"s",
						  1, &bad[i], out, 32, err),
				 KIT_EINVAL);
}
END_TEST

START_TEST(test_password_hash_verify_round_trip)
{
	char line[PASSWORDS_LINE_MAX], again[PASSWORDS_LINE_MAX];
	char nick[32], scheme[16], salt[64], hash[64];
	unsigned long n, r, p;

	ck_assert_int_eq(passwords_hash("alice", "correct horse", NULL, line,
					err), 0);
	ck_assert_int_eq(sscanf(line, "%31[^:]:%15[^:]:%lu:%lu:%lu:%63[^:]:%63s",
				nick, scheme, &n, &r, &p, salt, hash), 7);
	ck_assert_str_eq(nick, "alice");
	ck_assert_str_eq(scheme, "scrypt");
	ck_assert_uint_eq(n, 32768);
	ck_assert_uint_eq(r, 8);
	ck_assert_uint_eq(p, 1);
	ck_assert_uint_eq(strlen(salt), 24);	/* 16 bytes */
	ck_assert_uint_eq(strlen(hash), 44);	/* 32 bytes */
	ck_assert_int_eq(passwords_verify(line, "correct horse", err), 0);
	ck_assert_int_eq(passwords_verify(line, "correct horsE", err), KIT_EAUTH);
	ck_assert_int_eq(passwords_verify(line, "", err), KIT_EAUTH);
	/* A fresh salt every time. */
	ck_assert_int_eq(passwords_hash("alice", "correct horse", NULL, again,
					err), 0);
	ck_assert_str_ne(line, again);
}
END_TEST

START_TEST(test_password_hash_refuses_bad_input)
{
	struct passwords_params cheap = { 1024, 8, 1 };
	char line[PASSWORDS_LINE_MAX], pw[PASSWORDS_MAX + 2];

	memset(pw, 'x', sizeof(pw) - 1);
	pw[sizeof(pw) - 1] = '\0';
	ck_assert_int_eq(passwords_hash("alice", pw, &cheap, line, err),
			 KIT_ETOOBIG);
	pw[PASSWORDS_MAX] = '\0';
	ck_assert_int_eq(passwords_hash("alice", pw, &cheap, line, err), 0);
	ck_assert_int_eq(passwords_verify(line, pw, err), 0);
	ck_assert_int_eq(passwords_hash("alice", "", &cheap, line, err),
			 KIT_EINVAL);
	ck_assert_int_eq(passwords_hash("alice", "a\nb", &cheap, line, err),
			 KIT_EINVAL);
	ck_assert_int_eq(passwords_hash("al:ice", "pw", &cheap, line, err),
			 KIT_EINVAL);
	ck_assert_int_eq(passwords_hash("-alice", "pw", &cheap, line, err),
			 KIT_EINVAL);
}
END_TEST

#define SALT "AAECAwQFBgcICQoLDA0ODw=="	/* 16 bytes */
#define HASH "gGdJxZA4JP7uyIxQLYAoe7CtyOccC26dQ0r2eh4Avf0="	/* 32 bytes */

static const char *const bad_users_lines[] = {
	"",
	"alice",
	"alice:scrypt:1024:8:1:" SALT,
	"alice:scrypt:1024:8:1:" SALT ":" HASH ":extra",
	"alice:bcrypt:1024:8:1:" SALT ":" HASH,
	"9alice:scrypt:1024:8:1:" SALT ":" HASH,
	"alice:scrypt:1000:8:1:" SALT ":" HASH,		/* N not 2^k */
	"alice:scrypt:01024:8:1:" SALT ":" HASH,	/* leading zero */
	"alice:scrypt:-1024:8:1:" SALT ":" HASH,
	"alice:scrypt:2097152:8:1:" SALT ":" HASH,	/* N = 2^21 */
	"alice:scrypt:1048576:8:1:" SALT ":" HASH,	/* 1 GiB */
	"alice:scrypt:99999999999999999999999:8:1:" SALT ":" HASH,
	"alice:scrypt:1024:0:1:" SALT ":" HASH,
	"alice:scrypt:1024:8:17:" SALT ":" HASH,
	"alice:scrypt:1024:8:1:AAECAwQFBgc=:" HASH,	/* 8-byte salt */
	"alice:scrypt:1024:8:1:" SALT ":" SALT,		/* 16-byte hash */
	"alice:scrypt:1024:8:1:" SALT ":gGdJxZA4JP7uyIxQLYAoe7CtyOccC26dQ0r2eh4Avf0",
	"alice:scrypt:1024:8:1: " SALT ":" HASH,
};

START_TEST(test_password_verify_rejects_malformed_lines)
{
	ck_assert_int_eq(passwords_verify(bad_users_lines[_i], "pw", err),
			 KIT_EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "malformed"));
}
END_TEST

START_TEST(test_users_file_store_replace_lookup_check)
{
	struct passwords_params cheap = { 1024, 8, 1 };
	char a1[PASSWORDS_LINE_MAX], a2[PASSWORDS_LINE_MAX], b[PASSWORDS_LINE_MAX];
	char got[PASSWORDS_LINE_MAX], want[1024];
	const char *users = path("users");

	ck_assert_int_eq(passwords_hash("alice", "one", &cheap, a1, err), 0);
	ck_assert_int_eq(passwords_hash("bob", "two", &cheap, b, err), 0);
	ck_assert_int_eq(passwords_hash("Alice", "three", &cheap, a2, err), 0);
	write_text("users", "# the lab's users\n");
	ck_assert_int_eq(passwords_store(users, a1, err), 0);
	ck_assert_int_eq(passwords_store(users, b, err), 0);
	ck_assert_uint_eq(mode_of("users"), 0600);	/* was 0644 */
	ck_assert_int_eq(passwords_store(users, a2, err), 1);	/* replaced */
	snprintf(want, sizeof(want), "# the lab's users\n%s\n%s\n", a2, b);
	ck_assert_str_eq(read_back("users"), want);
	ck_assert_int_eq(passwords_lookup(users, "ALICE", got, err), 0);
	ck_assert_str_eq(got, a2);
	ck_assert_int_eq(passwords_lookup(users, "carol", got, err), KIT_EAUTH);
	ck_assert_int_eq(passwords_check(users, "alice", "three", err), 0);
	ck_assert_int_eq(passwords_check(users, "alice", "one", err), KIT_EAUTH);
	ck_assert_int_eq(passwords_check(users, "bob", "two", err), 0);
	ck_assert_int_eq(passwords_check(users, "carol", "two", err), KIT_EAUTH);
	ck_assert_int_eq(passwords_check_file(users, err), 0);
	ck_assert_int_eq(passwords_check(path("none"), "bob", "two", err),
			 KIT_ESYS);
	/* A new file, and one whose last line lacks its newline. */
	ck_assert_int_eq(passwords_store(path("new"), b, err), 0);
	ck_assert_uint_eq(mode_of("new"), 0600);
	write_text("nonl", "# no newline");
	ck_assert_int_eq(passwords_store(path("nonl"), b, err), 0);
	snprintf(want, sizeof(want), "# no newline\n%s\n", b);
	ck_assert_str_eq(read_back("nonl"), want);
}
END_TEST

START_TEST(test_users_file_malformed_is_left_alone)
{
	struct passwords_params cheap = { 1024, 8, 1 };
	char line[PASSWORDS_LINE_MAX], file[600];

	ck_assert_int_eq(passwords_hash("bob", "pw", &cheap, line, err), 0);
	snprintf(file, sizeof(file), "%s\n# ok\n%s\n", line,
		 bad_users_lines[_i][0] ? bad_users_lines[_i] : "x");
	write_text("users", file);
	ck_assert_int_eq(passwords_store(path("users"), line, err), KIT_EINVAL);
	ck_assert_msg(strstr(err, "users:3: "), "no line number: %s", err);
	ck_assert_str_eq(read_back("users"), file);
	ck_assert_int_eq(passwords_lookup(path("users"), "bob", line, err),
			 KIT_EINVAL);
	ck_assert_int_eq(passwords_check(path("users"), "bob", "pw", err),
			 KIT_EINVAL);
	ck_assert_int_eq(passwords_check_file(path("users"), err), KIT_EINVAL);
	ck_assert_msg(strstr(err, "users:3: "), "no line number: %s", err);
}
END_TEST

START_TEST(test_users_file_nick_twice_is_refused)
{
	struct passwords_params cheap = { 1024, 8, 1 };
	char a[PASSWORDS_LINE_MAX], b[PASSWORDS_LINE_MAX], file[600];

	ck_assert_int_eq(passwords_hash("alice", "pw", &cheap, a, err), 0);
	ck_assert_int_eq(passwords_hash("ALICE", "pw", &cheap, b, err), 0);
	snprintf(file, sizeof(file), "%s\n%s\n", a, b);
	write_text("users", file);
	ck_assert_int_eq(passwords_check(path("users"), "alice", "pw", err),
			 KIT_EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "listed twice"));
	/* The check of the whole file finds it without being asked for it. */
	ck_assert_int_eq(passwords_check_file(path("users"), err), KIT_EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "users:2: nick listed twice (lines "
				     "1 and 2)"));
}
END_TEST

Suite *
keys_suite(void)
{
	Suite *s = suite_create("keys");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_ed25519_rfc8032_vectors, 0, 3);
	tcase_add_test(tc, test_fingerprint_of_rfc8032_test_1_key);
	tcase_add_test(tc, test_sign_verify_round_trip);
	tcase_add_test(tc, test_verify_fails_on_every_flipped_bit);
	tcase_add_test(tc, test_save_writes_pkcs8_and_pub_line_then_loads);
	tcase_add_test(tc, test_save_never_overwrites);
	tcase_add_loop_test(tc, test_private_key_readable_by_others_is_refused,
			    0, (int)(sizeof(open_modes) / sizeof(open_modes[0])));
	tcase_add_test(tc, test_load_private_rejects_bad_files);
	tcase_add_loop_test(tc, test_pub_line_parsing, 0,
			    (int)(sizeof(pub_lines) / sizeof(pub_lines[0])));
	tcase_add_test(tc, test_pub_parse_rejects_long_line);
	tcase_add_test(tc, test_base64_is_strict);
	tcase_add_test(tc, test_authorized_keys_lookup);
	tcase_add_loop_test(tc, test_authorized_keys_rejects_malformed_lines, 0,
			    (int)(sizeof(bad_auth) / sizeof(bad_auth[0])));
	tcase_add_test(tc, test_authorized_keys_file_limits);
	tcase_add_test(tc, test_known_hosts_trust_on_first_use);
	tcase_add_test(tc, test_known_hosts_appends_after_a_last_line_without_newline);
	tcase_add_loop_test(tc, test_known_hosts_rejects_bad_input, 0,
			    (int)(sizeof(bad_known) / sizeof(bad_known[0])));
	tcase_add_test(tc, test_scrypt_rfc7914_vectors);
	tcase_add_test(tc, test_scrypt_refuses_costly_or_bad_parameters);
	tcase_add_test(tc, test_password_hash_verify_round_trip);
	tcase_add_test(tc, test_password_hash_refuses_bad_input);
	tcase_add_loop_test(tc, test_password_verify_rejects_malformed_lines, 0,
			    (int)(sizeof(bad_users_lines) /
				  sizeof(bad_users_lines[0])));
	tcase_add_test(tc, test_users_file_store_replace_lookup_check);
	tcase_add_loop_test(tc, test_users_file_malformed_is_left_alone, 0,
			    (int)(sizeof(bad_users_lines) /
				  sizeof(bad_users_lines[0])));
	tcase_add_test(tc, test_users_file_nick_twice_is_refused);
	suite_add_tcase(s, tc);
	return s;
}
