/* Unit tests: bounded output queue. */
#include <string.h>

#include "err.h"
#include "sendq.h"
#include "suites.h"
#include "transport.h"

/* A transport whose handshake ends at its flushes_due-th flush (as TLS
 * may end one there), then takes everything into got[]. */
struct fake {
	struct transport base;
	int flushes_due;
	char got[64];
	size_t len;
};

static ssize_t
fake_write(struct transport *t, const void *buf, size_t n)
{
	struct fake *f = (struct fake *)t;

	if (f->flushes_due > 0)
		return KIT_EINCOMPLETE;
	n = n < sizeof(f->got) - f->len ? n : sizeof(f->got) - f->len;
	memcpy(f->got + f->len, buf, n);
	f->len += n;
	return (ssize_t)n;
}

static int
fake_flush(struct transport *t)
{
	struct fake *f = (struct fake *)t;

	if (f->flushes_due > 0)
		f->flushes_due--;
	return 0;
}

static bool
fake_ready(const struct transport *t)
{
	return ((const struct fake *)t)->flushes_due == 0;
}

static const struct transport_ops fake_ops = {
	.name = "fake", .write = fake_write, .flush = fake_flush,
	.ready = fake_ready,
};

START_TEST(test_sendq_keeps_order_across_partial_writes)
{
	struct sendq q;

	sendq_init(&q, 1 << 20);
	ck_assert_int_eq(sendq_append(&q, "hello ", 6), 0);
	ck_assert_int_eq(sendq_append(&q, "world", 5), 0);
	ck_assert_uint_eq(q.len, 11);
	sendq_consume(&q, 4);
	ck_assert_int_eq(memcmp(sendq_data(&q), "o world", 7), 0);
	ck_assert_int_eq(sendq_append(&q, "!", 1), 0);
	ck_assert_int_eq(memcmp(sendq_data(&q), "o world!", 8), 0);
	sendq_free(&q);
}
END_TEST

START_TEST(test_sendq_refuses_past_limit_without_queueing)
{
	struct sendq q;
	char big[5000];

	memset(big, 'x', sizeof(big));
	sendq_init(&q, 8192);
	ck_assert_int_eq(sendq_append(&q, big, 5000), 0);
	ck_assert_int_eq(sendq_append(&q, big, 5000), KIT_ETOOBIG);
	ck_assert_uint_eq(q.len, 5000);
	ck_assert_int_eq(sendq_append(&q, big, 3192), 0);
	ck_assert_int_eq(sendq_append(&q, big, 1), KIT_ETOOBIG);
	sendq_free(&q);
}
END_TEST

START_TEST(test_sendq_grows_and_releases_when_drained)
{
	struct sendq q;
	char chunk[1000];
	int i;

	memset(chunk, 'y', sizeof(chunk));
	sendq_init(&q, 1 << 20);
	ck_assert_ptr_null(q.data);	/* idle peers cost nothing */
	for (i = 0; i < 100; i++)
		ck_assert_int_eq(sendq_append(&q, chunk, sizeof(chunk)), 0);
	ck_assert_uint_ge(q.cap, 100000);
	sendq_consume(&q, q.len);
	ck_assert_ptr_null(q.data);
	ck_assert_uint_eq(q.len, 0);
	sendq_free(&q);
}
END_TEST

START_TEST(test_sendq_compacts_instead_of_growing)
{
	struct sendq q;
	char chunk[1500];
	size_t cap;
	int i;

	memset(chunk, 'z', sizeof(chunk));
	sendq_init(&q, 1 << 20);
	ck_assert_int_eq(sendq_append(&q, chunk, 1500), 0);
	cap = q.cap;
	for (i = 0; i < 50; i++) {
		sendq_consume(&q, 1000);
		ck_assert_int_eq(sendq_append(&q, chunk, 1000), 0);
	}
	ck_assert_uint_eq(q.cap, cap);
	sendq_free(&q);
}
END_TEST

START_TEST(test_sendq_counts_what_every_queue_holds)
{
	struct sendq a, b;
	size_t base = sendq_bytes_held();
	char chunk[3000];

	memset(chunk, 'y', sizeof(chunk));
	sendq_init(&a, 1 << 20);
	sendq_init(&b, 1 << 20);
	ck_assert_int_eq(sendq_append(&a, chunk, 100), 0);
	ck_assert_uint_eq(sendq_bytes_held(), base + a.cap);
	ck_assert_int_eq(sendq_append(&a, chunk, sizeof(chunk)), 0);	/* grows */
	ck_assert_int_eq(sendq_append(&b, chunk, sizeof(chunk)), 0);
	ck_assert_uint_eq(sendq_bytes_held(), base + a.cap + b.cap);
	sendq_consume(&a, a.len);	/* drained: released */
	ck_assert_uint_eq(sendq_bytes_held(), base + b.cap);
	sendq_free(&b);
	ck_assert_uint_eq(sendq_bytes_held(), base);
	sendq_free(&a);		/* already empty: nothing more to count */
	ck_assert_uint_eq(sendq_bytes_held(), base);
}
END_TEST

START_TEST(test_sendq_send_follows_a_handshake_a_flush_ends)
{
	struct fake f = { .base = { .ops = &fake_ops }, .flushes_due = 1 };
	struct sendq q;
	ssize_t wrote;

	sendq_init(&q, 1 << 20);
	ck_assert_int_eq(sendq_append(&q, "NICK a\r\n", 8), 0);
	ck_assert_int_eq(sendq_send(&q, &f.base, &wrote), 0);
	ck_assert_int_eq(wrote, 0);
	ck_assert_uint_eq(q.len, 0);
	ck_assert_uint_eq(f.len, 8);
	ck_assert_int_eq(memcmp(f.got, "NICK a\r\n", 8), 0);
	sendq_free(&q);
}
END_TEST

/* Each call's flush moves the handshake on; the call whose flush ends it
 * sends the bytes, and none before. */
START_TEST(test_sendq_send_keeps_bytes_while_the_handshake_runs)
{
	struct fake f = { .base = { .ops = &fake_ops }, .flushes_due = 3 };
	struct sendq q;
	ssize_t wrote;
	int call;

	sendq_init(&q, 1 << 20);
	ck_assert_int_eq(sendq_append(&q, "NICK a\r\n", 8), 0);
	for (call = 1; call <= 2; call++) {
		ck_assert_int_eq(sendq_send(&q, &f.base, &wrote), 0);
		ck_assert_int_eq(wrote, KIT_EINCOMPLETE);
		ck_assert_uint_eq(q.len, 8);
		ck_assert_uint_eq(f.len, 0);
	}
	ck_assert_int_eq(sendq_send(&q, &f.base, &wrote), 0);
	ck_assert_int_eq(wrote, 0);
	ck_assert_uint_eq(q.len, 0);
	ck_assert_uint_eq(f.len, 8);
	sendq_free(&q);
}
END_TEST

Suite *
sendq_suite(void)
{
	Suite *s = suite_create("sendq");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_sendq_keeps_order_across_partial_writes);
	tcase_add_test(tc, test_sendq_refuses_past_limit_without_queueing);
	tcase_add_test(tc, test_sendq_grows_and_releases_when_drained);
	tcase_add_test(tc, test_sendq_compacts_instead_of_growing);
	tcase_add_test(tc, test_sendq_counts_what_every_queue_holds);
	tcase_add_test(tc, test_sendq_send_follows_a_handshake_a_flush_ends);
	tcase_add_test(tc, test_sendq_send_keeps_bytes_while_the_handshake_runs);
	suite_add_tcase(s, tc);
	return s;
}
