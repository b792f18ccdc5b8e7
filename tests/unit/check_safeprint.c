/* Unit tests: escaping untrusted text for terminals. */
#include <string.h>

#include "safeprint.h"
#include "suites.h"

static const char *
render(const char *in, size_t n)
{
	static char out[256];

	safeprint_str(out, sizeof(out), in, n);
	return out;
}

START_TEST(test_safeprint_passes_plain_text_and_utf8)
{
	ck_assert_str_eq(render("hello, world", 12), "hello, world");
	ck_assert_str_eq(render("caf\xc3\xa9 \xe2\x82\xac", 9), "caf\xc3\xa9 \xe2\x82\xac");
}
END_TEST

START_TEST(test_safeprint_escapes_terminal_controls)
{
	ck_assert_str_eq(render("\x1b[2J", 4), "\\x1b[2J");
	ck_assert_str_eq(render("a\rb\nc\td\x07", 8), "a\\x0db\\x0ac\\x09d\\x07");
	ck_assert_str_eq(render("\x03" "4red", 5), "\\x034red");
	ck_assert_str_eq(render("a\0b", 3), "a\\x00b");
	ck_assert_str_eq(render("back\\slash", 10), "back\\\\slash");
}
END_TEST

START_TEST(test_safeprint_escapes_bad_utf8_c1_and_bidi)
{
	ck_assert_str_eq(render("\xff\xc3", 2), "\\xff\\xc3");
	ck_assert_str_eq(render("\xc0\xaf", 2), "\\xc0\\xaf");	/* overlong */
	ck_assert_str_eq(render("\xed\xa0\x80", 3), "\\xed\\xa0\\x80");	/* surrogate */
	ck_assert_str_eq(render("\xc2\x9b", 2), "\\u{009B}");	/* C1 CSI */
	ck_assert_str_eq(render("\xe2\x80\xae", 3), "\\u{202E}");	/* RLO */
}
END_TEST

START_TEST(test_safeprint_str_cuts_at_escape_boundary)
{
	char out[6];

	ck_assert_uint_eq(safeprint_str(out, sizeof(out), "ab\x1b", 3), 2);
	ck_assert_str_eq(out, "ab");
	ck_assert_uint_eq(safeprint_str(out, 0, "x", 1), 0);
}
END_TEST

/* The follow view's test for "not text": line ends, tabs, UTF-8 and a
 * backslash count as text; controls and bytes that are no UTF-8 do not. */
START_TEST(test_safeprint_escaped_counts_what_text_escapes)
{
	ck_assert_uint_eq(safeprint_escaped("PRIVMSG #lab :caf\xc3\xa9\r\n\t\\", 23), 0);
	ck_assert_uint_eq(safeprint_escaped("a\x1b[2J\x07", 6), 2);
	ck_assert_uint_eq(safeprint_escaped("\xff\xfe\xc3", 3), 3);
	ck_assert_uint_eq(safeprint_escaped("\xe2\x80\xae", 3), 3);	/* bidi */
	ck_assert_uint_eq(safeprint_escaped("a\rb", 3), 1);	/* a lone CR */
	ck_assert_uint_eq(safeprint_escaped("", 0), 0);
}
END_TEST

Suite *
safeprint_suite(void)
{
	Suite *s = suite_create("safeprint");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_safeprint_passes_plain_text_and_utf8);
	tcase_add_test(tc, test_safeprint_escapes_terminal_controls);
	tcase_add_test(tc, test_safeprint_escapes_bad_utf8_c1_and_bidi);
	tcase_add_test(tc, test_safeprint_str_cuts_at_escape_boundary);
	tcase_add_test(tc, test_safeprint_escaped_counts_what_text_escapes);
	suite_add_tcase(s, tc);
	return s;
}
