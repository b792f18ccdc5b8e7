/* Unit tests: the brake on password guessing, per address and in all. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "login_brake.h"
#include "suites.h"

static struct login_brake brake;
static char *logged;
static size_t logged_len;
static FILE *log_f;

static void
setup(void)
{
	log_f = open_memstream(&logged, &logged_len);
	ck_assert_ptr_nonnull(log_f);
	brake_init(&brake, log_f, "secure-server");
}

static void
teardown(void)
{
	fclose(log_f);
	free(logged);
}

/* n failures from host at time t. */
static void
fail_n(const char *host, int n, time_t t)
{
	while (n-- > 0)
		brake_count(&brake, host, t);
}

/* One address that guesses is braked, for the rest of the window only;
 * another address is not; the log says when the brake engaged. */
START_TEST(test_brake_stops_one_address)
{
	fail_n("10.0.0.1", BRAKE_HOST_MAX - 1, 100);
	ck_assert_ptr_null(brake_refusal(&brake, "10.0.0.1", 100));
	fail_n("10.0.0.1", 1, 101);
	ck_assert_ptr_nonnull(strstr(brake_refusal(&brake, "10.0.0.1", 101),
				     "from its address"));
	ck_assert_ptr_null(brake_refusal(&brake, "10.0.0.2", 101));
	ck_assert_ptr_nonnull(brake_refusal(&brake, "10.0.0.1",
					    100 + BRAKE_WINDOW_S - 1));
	ck_assert_ptr_null(brake_refusal(&brake, "10.0.0.1",
					 100 + BRAKE_WINDOW_S));
	fflush(log_f);
	ck_assert_ptr_nonnull(strstr(logged, "secure-server: 10 failed "
				     "password logins from 10.0.0.1 in 10 s: "
				     "refusing its password logins"));
}
END_TEST

/* Guesses spread over many addresses stop all password logins, a new
 * address's too, once BRAKE_ALL_MAX have failed in one window. */
START_TEST(test_brake_stops_all_addresses)
{
	char host[32];
	int i;

	for (i = 0; i < BRAKE_ALL_MAX; i++) {
		ck_assert_ptr_null(brake_refusal(&brake, "10.9.9.9", 200));
		snprintf(host, sizeof(host), "10.1.%d.%d", i / 200, i % 200);
		brake_count(&brake, host, 200);
	}
	ck_assert_ptr_nonnull(strstr(brake_refusal(&brake, "10.9.9.9", 200),
				     "from all addresses"));
	fflush(log_f);
	ck_assert_ptr_nonnull(strstr(logged, "refusing all password logins "
				     "for the rest of that time (key logins "
				     "still come in)"));
}
END_TEST

/* A class logging in (many addresses asked, none failing) takes no room:
 * the one that guesses is braked, and only it. */
START_TEST(test_brake_remembers_only_failures)
{
	char host[32];
	int i;

	for (i = 0; i < 500; i++) {
		snprintf(host, sizeof(host), "10.2.%d.%d", i / 200, i % 200);
		ck_assert_ptr_null(brake_refusal(&brake, host, 300));
	}
	fail_n("10.3.0.1", BRAKE_HOST_MAX, 300);
	ck_assert_ptr_nonnull(brake_refusal(&brake, "10.3.0.1", 300));
	ck_assert_ptr_null(brake_refusal(&brake, "10.2.0.1", 300));
	ck_assert_uint_eq(brake.nhosts, 1);
}
END_TEST

Suite *
login_brake_suite(void)
{
	Suite *s = suite_create("login_brake");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_brake_stops_one_address);
	tcase_add_test(tc, test_brake_stops_all_addresses);
	tcase_add_test(tc, test_brake_remembers_only_failures);
	suite_add_tcase(s, tc);
	return s;
}
