/* host_limit: connections counted per address against a limit, and the
 * addresses of this machine left out. */
#include "err.h"
#include "host_limit.h"
#include "suites.h"

START_TEST(test_host_limit_counts_each_address_on_its_own)
{
	struct host_limit *hl = host_limit_new(2);

	ck_assert_ptr_nonnull(hl);
	ck_assert_int_eq(host_limit_take(hl, "192.0.2.1"), 0);
	ck_assert_int_eq(host_limit_take(hl, "192.0.2.1"), 0);
	ck_assert_int_eq(host_limit_take(hl, "192.0.2.1"), KIT_ETOOBIG);
	ck_assert_int_eq(host_limit_take(hl, "192.0.2.2"), 0);
	ck_assert_int_eq(host_limit_take(hl, "2001:db8::1"), 0);
	host_limit_give(hl, "192.0.2.1");	/* room for one again */
	ck_assert_int_eq(host_limit_take(hl, "192.0.2.1"), 0);
	ck_assert_int_eq(host_limit_take(hl, "192.0.2.1"), KIT_ETOOBIG);
	host_limit_give(hl, "192.0.2.1");
	host_limit_give(hl, "192.0.2.1");	/* the entry goes */
	host_limit_give(hl, "192.0.2.1");	/* one it never counted */
	ck_assert_int_eq(host_limit_take(hl, "192.0.2.1"), 0);
	ck_assert_int_eq(host_limit_take(hl, "192.0.2.1"), 0);
	ck_assert_int_eq(host_limit_take(hl, "192.0.2.1"), KIT_ETOOBIG);
	host_limit_free(hl);	/* with entries left: no leak */
}
END_TEST

START_TEST(test_host_limit_leaves_this_machine_and_zero_unlimited)
{
	struct host_limit *hl = host_limit_new(1), *none = host_limit_new(0);
	const char *own[] = { "127.0.0.1", "::1", "::ffff:127.0.0.1" };
	int i, j;

	for (i = 0; i < 3; i++)
		for (j = 0; j < 100; j++)
			ck_assert_int_eq(host_limit_take(hl, own[i]), 0);
	ck_assert_int_eq(host_limit_take(hl, "127.0.0.2"), 0);	/* limited */
	ck_assert_int_eq(host_limit_take(hl, "127.0.0.2"), KIT_ETOOBIG);
	for (j = 0; j < 100; j++)
		ck_assert_int_eq(host_limit_take(none, "192.0.2.1"), 0);
	host_limit_free(hl);
	host_limit_free(none);
	host_limit_free(NULL);
}
END_TEST

Suite *
host_limit_suite(void)
{
	Suite *s = suite_create("host_limit");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_host_limit_counts_each_address_on_its_own);
	tcase_add_test(tc, test_host_limit_leaves_this_machine_and_zero_unlimited);
	suite_add_tcase(s, tc);
	return s;
}
