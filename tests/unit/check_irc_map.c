/* Unit tests: name map with RFC 1459 casemapping. */
#include <stdio.h>
#include <stdlib.h>

#include "err.h"
#include "irc_map.h"
#include "suites.h"

START_TEST(test_irc_casecmp_folds_rfc1459_specials)
{
	ck_assert_int_eq(irc_casecmp("Nick[1]", "nick{1}"), 0);
	ck_assert_int_eq(irc_casecmp("A\\B^", "a|b~"), 0);
	ck_assert_int_ne(irc_casecmp("nick", "nick_"), 0);
	ck_assert_int_ne(irc_casecmp("a", "b"), 0);
}
END_TEST

START_TEST(test_irc_map_finds_case_insensitively)
{
	struct irc_map *m = irc_map_new();
	int v = 1;

	ck_assert_int_eq(irc_map_put(m, "Alice", &v), 0);
	ck_assert_ptr_eq(irc_map_get(m, "ALICE"), &v);
	ck_assert_ptr_eq(irc_map_get(m, "alice"), &v);
	ck_assert_int_eq(irc_map_put(m, "aLiCe", &v), KIT_EINVAL);
	ck_assert_ptr_null(irc_map_get(m, "bob"));
	irc_map_free(m);
}
END_TEST

/* Many keys force growth and long probe chains; deleting every other key
 * checks that backward-shift deletion keeps the others reachable. */
START_TEST(test_irc_map_survives_growth_and_deletion)
{
	static char names[5000][16];
	struct irc_map *m = irc_map_new();
	size_t i, pos = 0, seen = 0;

	for (i = 0; i < 5000; i++) {
		snprintf(names[i], sizeof(names[i]), "user%zu", i);
		ck_assert_int_eq(irc_map_put(m, names[i], names[i]), 0);
	}
	ck_assert_uint_eq(irc_map_count(m), 5000);
	for (i = 0; i < 5000; i += 2)
		ck_assert_ptr_eq(irc_map_del(m, names[i]), names[i]);
	ck_assert_ptr_null(irc_map_del(m, "user0"));
	for (i = 0; i < 5000; i++) {
		if (i % 2)
			ck_assert_ptr_eq(irc_map_get(m, names[i]), names[i]);
		else
			ck_assert_ptr_null(irc_map_get(m, names[i]));
	}
	while (irc_map_next(m, &pos))
		seen++;
	ck_assert_uint_eq(seen, 2500);
	irc_map_free(m);
}
END_TEST

Suite *
irc_map_suite(void)
{
	Suite *s = suite_create("irc_map");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_irc_casecmp_folds_rfc1459_specials);
	tcase_add_test(tc, test_irc_map_finds_case_insensitively);
	tcase_add_test(tc, test_irc_map_survives_growth_and_deletion);
	suite_add_tcase(s, tc);
	return s;
}
