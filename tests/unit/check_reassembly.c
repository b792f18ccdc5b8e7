/* Unit tests: TCP stream reassembly of one direction. */
#include <stdio.h>
#include <string.h>

#include "decode.h"
#include "reassembly.h"
#include "suites.h"

/* What the stream delivered: bytes, with "[gap N]" where bytes are missing. */
static char got[1 << 20];
static size_t got_len;
static struct stream s;
static struct ooo_pool *pool;
static struct reasm_limits lim;

static void
on_data(void *ctx, const uint8_t *p, size_t n, bool stable)
{
	(void)ctx;
	(void)stable;
	ck_assert_uint_lt(got_len + n, sizeof(got));
	memcpy(got + got_len, p, n);
	got_len += n;
	got[got_len] = '\0';
}

static void
on_gap(void *ctx, uint64_t len)
{
	(void)ctx;
	got_len += (size_t)snprintf(got + got_len, sizeof(got) - got_len,
				    "[gap %llu]", (unsigned long long)len);
}

static const struct stream_out out = { on_data, on_gap, NULL };

static void
setup(void)
{
	memset(&s, 0, sizeof(s));
	got_len = 0;
	got[0] = '\0';
	lim.max_ooo = 4096;
	pool = ooo_pool_new();
}

static void
teardown(void)
{
	stream_discard(&s, pool);
	ooo_pool_free(pool);
}

/* A segment whose payload is the text, all of it captured. */
static void
seg(uint32_t seq, uint8_t flags, const char *text)
{
	size_t n = strlen(text);

	stream_segment(&s, pool, &lim, &(struct seg_data){ seq, flags,
		       (const uint8_t *)text, n, n, false }, &out);
}

START_TEST(test_reasm_in_order_after_syn)
{
	seg(1000, TCP_SYN, "");
	seg(1001, TCP_ACK, "hello ");
	seg(1007, TCP_ACK, "world");
	ck_assert_str_eq(got, "hello world");
	ck_assert_uint_eq(s.n.bytes, 11);
	ck_assert_uint_eq(s.n.packets, 3);
}
END_TEST

START_TEST(test_reasm_syn_carrying_data)
{
	seg(5, TCP_SYN, "early");
	seg(11, TCP_ACK, "!");
	ck_assert_str_eq(got, "early!");
}
END_TEST

START_TEST(test_reasm_reorders_and_counts)
{
	seg(0, TCP_SYN, "");
	seg(7, TCP_ACK, "world");
	ck_assert_str_eq(got, "");
	seg(1, TCP_ACK, "hello ");
	ck_assert_str_eq(got, "hello world");
	ck_assert_uint_eq(s.n.out_of_order, 5);
	ck_assert_uint_eq(s.n.retransmitted, 0);
}
END_TEST

START_TEST(test_reasm_first_copy_wins_on_overlap)
{
	seg(0, TCP_SYN, "");
	seg(5, TCP_ACK, "EFGH");	/* queued first */
	seg(1, TCP_ACK, "abcdefghij");	/* overlaps it, arrives later */
	ck_assert_str_eq(got, "abcdEFGHij");
	ck_assert_uint_eq(s.n.retransmitted, 4);
	seg(3, TCP_ACK, "XYZ");		/* already delivered */
	ck_assert_str_eq(got, "abcdEFGHij");
	ck_assert_uint_eq(s.n.retransmitted, 7);
}
END_TEST

START_TEST(test_reasm_overlapping_queue_keeps_first)
{
	seg(0, TCP_SYN, "");
	seg(5, TCP_ACK, "56");
	seg(3, TCP_ACK, "3xxx7");	/* straddles the queued segment */
	seg(1, TCP_ACK, "12");
	ck_assert_str_eq(got, "123x567");
}
END_TEST

START_TEST(test_reasm_wraps_around_2_32)
{
	seg(0xfffffff0u, TCP_SYN, "");
	seg(0xfffffff1u, TCP_ACK, "0123456789abcde");	/* ends at 0 */
	seg(0x00000000u, TCP_ACK, "XY");
	ck_assert_str_eq(got, "0123456789abcdeXY");
	seg(0x00000004u, TCP_ACK, "late");
	seg(0x00000002u, TCP_ACK, "ab");
	ck_assert_str_eq(got, "0123456789abcdeXYablate");
}
END_TEST

START_TEST(test_reasm_mid_stream_start)
{
	seg(424242, TCP_ACK, "middle ");
	seg(424249, TCP_ACK | TCP_PSH, "of it");
	ck_assert_str_eq(got, "middle of it");
}
END_TEST

START_TEST(test_reasm_keepalive_is_not_data)
{
	seg(99, TCP_SYN, "");
	seg(100, TCP_ACK, "abc");
	seg(102, TCP_ACK, "c");		/* keep-alive: one old byte */
	seg(102, TCP_ACK, "");
	seg(103, TCP_ACK, "d");
	ck_assert_str_eq(got, "abcd");
	ck_assert_uint_eq(s.n.retransmitted, 0);
}
END_TEST

START_TEST(test_reasm_gap_is_skipped_at_the_cap_and_reported)
{
	char big[1001];
	int i;

	memset(big, 'z', 1000);
	big[1000] = '\0';
	seg(0, TCP_SYN, "");
	seg(1, TCP_ACK, "a");
	/* byte 2..11 never captured; 5 x 1000 bytes after it pass the cap */
	for (i = 0; i < 5; i++)
		seg(12 + 1000 * (uint32_t)i, TCP_ACK, big);
	ck_assert_int_eq(strncmp(got, "a[gap 10]zzz", 12), 0);
	ck_assert_uint_eq(s.n.missing, 10);
	ck_assert_uint_eq(s.n.bytes, 5001);
}
END_TEST

START_TEST(test_reasm_acked_hole_is_skipped_early)
{
	char chunk[16 * 1024 + 1];
	int i;

	memset(chunk, 'q', sizeof(chunk) - 1);
	chunk[sizeof(chunk) - 1] = '\0';
	lim.max_ooo = 1 << 20;	/* only the acknowledgement may end the wait */
	seg(0, TCP_SYN, "");
	seg(1, TCP_ACK, "x");
	stream_peer_ack(&s, 1 + 100 + 16384);	/* the peer got the hole */
	for (i = 0; i < 3; i++)
		seg(102 + 16384 * (uint32_t)i, TCP_ACK, chunk);
	ck_assert_uint_eq(s.n.missing, 0);	/* 48 KiB wait: reordering? */
	seg(102 + 16384 * 3, TCP_ACK, chunk);
	ck_assert_uint_eq(s.n.missing, 100);
	ck_assert_uint_eq(s.n.bytes, 1 + 4 * 16384);
}
END_TEST

START_TEST(test_reasm_snaplen_cut_is_missing)
{
	seg(0, TCP_SYN, "");
	stream_segment(&s, pool, &lim, &(struct seg_data){ 1, TCP_ACK,
		       (const uint8_t *)"abcdef", 3, 6, false }, &out);
	seg(7, TCP_ACK, "gh");
	ck_assert_str_eq(got, "abc[gap 3]gh");
	ck_assert_uint_eq(s.n.missing, 3);
}
END_TEST

START_TEST(test_reasm_fin_and_flush)
{
	seg(0, TCP_SYN, "");
	seg(1, TCP_ACK, "ab");
	seg(6, TCP_ACK | TCP_FIN, "fg");	/* 3..5 lost, FIN at 8 */
	ck_assert(!s.done);
	stream_flush(&s, pool, &out);
	ck_assert_str_eq(got, "ab[gap 3]fg");
	ck_assert(s.done);
}
END_TEST

Suite *
reassembly_suite(void)
{
	Suite *su = suite_create("reassembly");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_reasm_in_order_after_syn);
	tcase_add_test(tc, test_reasm_syn_carrying_data);
	tcase_add_test(tc, test_reasm_reorders_and_counts);
	tcase_add_test(tc, test_reasm_first_copy_wins_on_overlap);
	tcase_add_test(tc, test_reasm_overlapping_queue_keeps_first);
	tcase_add_test(tc, test_reasm_wraps_around_2_32);
	tcase_add_test(tc, test_reasm_mid_stream_start);
	tcase_add_test(tc, test_reasm_keepalive_is_not_data);
	tcase_add_test(tc, test_reasm_gap_is_skipped_at_the_cap_and_reported);
	tcase_add_test(tc, test_reasm_acked_hole_is_skipped_early);
	tcase_add_test(tc, test_reasm_snaplen_cut_is_missing);
	tcase_add_test(tc, test_reasm_fin_and_flush);
	suite_add_tcase(su, tc);
	return su;
}
