/* Unit tests: secure_chat's HKDF key schedule, AEAD and records. */
#include <stdio.h>
#include <string.h>

#include "aead.h"
#include "err.h"
#include "keysched.h"
#include "record.h"
#include "suites.h"

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

/* RFC 5869 Appendix A.1 */
static void
check_rfc5869_case_1(void)
{
	uint8_t ikm[22], salt[13], info[10], prk[32], okm[42], want[64];

	memset(ikm, 0x0b, sizeof(ikm));
	unhex("000102030405060708090a0b0c", salt);
	unhex("f0f1f2f3f4f5f6f7f8f9", info);
	ck_assert_int_eq(ks_extract(salt, sizeof(salt), ikm, sizeof(ikm), prk), 0);
	unhex("077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5", want);
	ck_assert_mem_eq(prk, want, 32);
	ck_assert_int_eq(ks_expand_raw(prk, 32, info, sizeof(info), okm, 42), 0);
	unhex("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf"
	      "34007208d5b887185865", want);
	ck_assert_mem_eq(okm, want, 42);
}

START_TEST(test_hkdf_rfc5869_case_1)
{
	check_rfc5869_case_1();
}
END_TEST

/* RFC 5869 Appendix A.3 (no salt, no info), run right after case 1:
 * the thread's one HKDF context must forget case 1's salt and info. */
START_TEST(test_hkdf_rfc5869_case_3_after_case_1)
{
	uint8_t ikm[22], prk[32], okm[42], want[64];

	check_rfc5869_case_1();
	memset(ikm, 0x0b, sizeof(ikm));
	ck_assert_int_eq(ks_extract(NULL, 0, ikm, sizeof(ikm), prk), 0);
	unhex("19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04", want);
	ck_assert_mem_eq(prk, want, 32);
	ck_assert_int_eq(ks_expand_raw(prk, 32, NULL, 0, okm, 42), 0);
	unhex("8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d"
	      "9d201395faa4b61a96c8", want);
	ck_assert_mem_eq(okm, want, 42);
}
END_TEST

START_TEST(test_labels_separate_keys)
{
	uint8_t secret[32] = { 1 }, a[32], b[32], c[32];

	ck_assert_int_eq(ks_expand(secret, KS_C_AP, NULL, 0, a, 32), 0);
	ck_assert_int_eq(ks_expand(secret, KS_S_AP, NULL, 0, b, 32), 0);
	ck_assert_int_eq(ks_expand(secret, KS_C_AP, (const uint8_t *)"x", 1, c, 32), 0);
	ck_assert_mem_ne(a, b, 32);
	ck_assert_mem_ne(a, c, 32);
}
END_TEST

/* RFC 8439 §2.8.2 */
START_TEST(test_chacha20_poly1305_rfc8439)
{
	static const char text[] = "Ladies and Gentlemen of the class of '99: "
		"If I could offer you only one tip for the future, sunscreen "
		"would be it.";
	uint8_t key[32], nonce[12], aad[12], out[sizeof(text) + 16], want[16];
	uint8_t back[sizeof(text)];
	char err[KIT_ERRLEN];
	size_t n = sizeof(text) - 1;
	struct aead *a;

	unhex("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f", key);
	unhex("070000004041424344454647", nonce);
	unhex("50515253c0c1c2c3c4c5c6c7", aad);
	ck_assert_ptr_nonnull(a = aead_new(SUITE_CHACHA20_POLY1305, key, err));
	ck_assert_int_eq(aead_seal(a, nonce, aad, 12, (const uint8_t *)text, n, out), 0);
	unhex("d31a8d34648e60db7b86afbc53ef7ec2", want);
	ck_assert_mem_eq(out, want, 16);
	unhex("1ae10b594f09e26a7e902ecbd0600691", want);
	ck_assert_mem_eq(out + n, want, 16);
	ck_assert_int_eq(aead_open(a, nonce, aad, 12, out, n, back), 0);
	ck_assert_mem_eq(back, text, n);
	aead_free(a);
}
END_TEST

/* The GCM specification's test case 16 (AES-256, 60 bytes, AAD). */
START_TEST(test_aes_256_gcm_vector)
{
	uint8_t key[32], nonce[12], aad[20], pt[60], ct[60], tag[16], out[76];
	char err[KIT_ERRLEN];
	struct aead *a;

	unhex("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308", key);
	unhex("cafebabefacedbaddecaf888", nonce);
	unhex("d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
	      "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39", pt);
	unhex("feedfacedeadbeeffeedfacedeadbeefabaddad2", aad);
	unhex("522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
	      "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662", ct);
	unhex("76fc6ece0f4e1768cddf8853bb2d551b", tag);
	ck_assert_ptr_nonnull(a = aead_new(SUITE_AES_256_GCM, key, err));
	ck_assert_int_eq(aead_seal(a, nonce, aad, 20, pt, 60, out), 0);
	ck_assert_mem_eq(out, ct, 60);
	ck_assert_mem_eq(out + 60, tag, 16);
	aead_free(a);
}
END_TEST

static struct rec_dir tx, rx;

static void
pair(int suite)
{
	uint8_t secret[32];
	char err[KIT_ERRLEN];

	memset(secret, 0x42, sizeof(secret));
	memset(&tx, 0, sizeof(tx));
	memset(&rx, 0, sizeof(rx));
	ck_assert_int_eq(rec_dir_init(&tx, suite, secret, err), 0);
	ck_assert_int_eq(rec_dir_init(&rx, suite, secret, err), 0);
}

static void
unpair(void)
{
	rec_dir_wipe(&tx);
	rec_dir_wipe(&rx);
}

static int
seal(const char *text, size_t pad, uint8_t *frame)
{
	int n = rec_seal(&tx, INNER_DATA, (const uint8_t *)text, strlen(text),
			 pad, frame, FRAME_MAX);

	ck_assert_int_gt(n, 0);
	return n;
}

static int
open_frame(const uint8_t *frame, size_t len, char *text)
{
	uint8_t out[FRAME_MAX], inner;
	size_t n;
	int r = rec_open(&rx, frame, len, out, sizeof(out), &inner, &n);

	if (r == 0) {
		ck_assert_int_eq(inner, INNER_DATA);
		memcpy(text, out, n);
		text[n] = '\0';
	}
	return r;
}

static const int suites[] = { SUITE_AES_256_GCM, SUITE_CHACHA20_POLY1305 };

START_TEST(test_record_round_trip_and_padding)
{
	uint8_t frame[FRAME_MAX];
	char text[64];
	int n;

	pair(suites[_i]);
	n = seal("PRIVMSG #lab :hi", 0, frame);
	ck_assert_int_eq(n, FRAME_HEADER_LEN + 16 + 1 + AEAD_TAG_LEN);
	ck_assert_int_eq(open_frame(frame, (size_t)n, text), 0);
	ck_assert_str_eq(text, "PRIVMSG #lab :hi");
	n = seal("x", 64, frame);	/* lengths hidden up to 64 bytes */
	ck_assert_int_eq(n, FRAME_HEADER_LEN + 64 + AEAD_TAG_LEN);
	ck_assert_int_eq(open_frame(frame, (size_t)n, text), 0);
	ck_assert_str_eq(text, "x");
	unpair();
}
END_TEST

START_TEST(test_record_every_flipped_byte_is_rejected)
{
	uint8_t frame[FRAME_MAX];
	char text[64];
	int n, i;

	pair(suites[_i]);
	n = seal("QUIT :bye", 0, frame);
	for (i = 0; i < n; i++) {
		frame[i] ^= 0x01;
		rx.seq = 0;
		ck_assert_int_ne(open_frame(frame, (size_t)n, text), 0);
		frame[i] ^= 0x01;
	}
	rx.seq = 0;
	ck_assert_int_eq(open_frame(frame, (size_t)n, text), 0);
	unpair();
}
END_TEST

START_TEST(test_record_replay_reorder_drop_truncation)
{
	uint8_t a[FRAME_MAX], b[FRAME_MAX], c[FRAME_MAX];
	char text[64];
	int na, nb, nc;

	pair(suites[_i]);
	na = seal("one", 0, a);
	nb = seal("two", 0, b);
	nc = seal("three", 0, c);
	ck_assert_int_eq(open_frame(b, (size_t)nb, text), KIT_EAUTH);	/* reorder */
	ck_assert_int_eq(open_frame(a, (size_t)na, text), 0);
	ck_assert_int_eq(open_frame(a, (size_t)na, text), KIT_EAUTH);	/* replay */
	ck_assert_int_eq(open_frame(c, (size_t)nc, text), KIT_EAUTH);	/* drop b */
	ck_assert_int_ne(open_frame(b, (size_t)nb - 1, text), 0);	/* cut */
	ck_assert_int_eq(open_frame(b, (size_t)nb, text), 0);
	ck_assert_str_eq(text, "two");
	unpair();
}
END_TEST

START_TEST(test_record_key_update_and_counter_wrap)
{
	uint8_t frame[FRAME_MAX];
	char text[64], err[KIT_ERRLEN];
	int n;

	pair(suites[_i]);
	ck_assert_int_eq(rec_dir_update(&tx, err), 0);
	n = seal("after update", 0, frame);
	ck_assert_int_eq(open_frame(frame, (size_t)n, text), KIT_EAUTH);
	rx.seq = 0;
	ck_assert_int_eq(rec_dir_update(&rx, err), 0);
	ck_assert_int_eq(open_frame(frame, (size_t)n, text), 0);
	tx.seq = UINT64_MAX;
	ck_assert_int_eq(rec_seal(&tx, INNER_DATA, (const uint8_t *)"x", 1, 0,
				  frame, sizeof(frame)), KIT_EINVAL);
	unpair();
}
END_TEST

START_TEST(test_frame_peek_limits)
{
	uint8_t buf[4] = { FRAME_RECORD, 0xff, 0xff, 0 }, type;
	size_t len;

	ck_assert_int_eq(frame_peek(buf, 2, &type, &len), KIT_EINCOMPLETE);
	ck_assert_int_eq(frame_peek(buf, 3, &type, &len), KIT_ETOOBIG);
	buf[1] = 0;
	buf[2] = 5;
	ck_assert_int_eq(frame_peek(buf, 3, &type, &len), 0);
	ck_assert_uint_eq(len, 8);
	ck_assert_int_eq(type, FRAME_RECORD);
}
END_TEST

Suite *
record_suite(void)
{
	Suite *s = suite_create("record");
	TCase *tc = tcase_create("core");
	int n = (int)(sizeof(suites) / sizeof(suites[0]));

	tcase_add_test(tc, test_hkdf_rfc5869_case_1);
	tcase_add_test(tc, test_hkdf_rfc5869_case_3_after_case_1);
	tcase_add_test(tc, test_labels_separate_keys);
	tcase_add_test(tc, test_chacha20_poly1305_rfc8439);
	tcase_add_test(tc, test_aes_256_gcm_vector);
	tcase_add_loop_test(tc, test_record_round_trip_and_padding, 0, n);
	tcase_add_loop_test(tc, test_record_every_flipped_byte_is_rejected, 0, n);
	tcase_add_loop_test(tc, test_record_replay_reorder_drop_truncation, 0, n);
	tcase_add_loop_test(tc, test_record_key_update_and_counter_wrap, 0, n);
	tcase_add_test(tc, test_frame_peek_limits);
	suite_add_tcase(s, tc);
	return s;
}
