/* Unit tests: line framing with a hard cap. */
#include <stdio.h>
#include <string.h>

#include "linebuf.h"
#include "suites.h"

/* Collected lines, joined as "line|line|" with "!" marking too-long ones. */
static char got[4096];

static int
collect(void *ctx, char *line, size_t len, bool too_long)
{
	size_t n = strlen(got);

	(void)ctx;
	ck_assert_int_eq(line[len], '\0');
	snprintf(got + n, sizeof(got) - n, "%s%.*s|", too_long ? "!" : "",
		 (int)len, line);
	return 0;
}

static struct linebuf lb;
static char storage[9];

static void
setup(void)
{
	got[0] = '\0';
	linebuf_init(&lb, storage, 8);
}

static void
feed(const char *s)
{
	char copy[256];
	size_t n = strlen(s);

	memcpy(copy, s, n);
	ck_assert_int_eq(linebuf_feed(&lb, copy, n, collect, NULL, NULL), 0);
}

START_TEST(test_linebuf_splits_crlf_lf_and_cr)
{
	feed("a\r\nb\nc\rd\r\n");
	ck_assert_str_eq(got, "a|b|c|d|");
}
END_TEST

START_TEST(test_linebuf_ignores_empty_lines)
{
	feed("\r\n\n\r\nx\n\n");
	ck_assert_str_eq(got, "x|");
}
END_TEST

START_TEST(test_linebuf_joins_lines_split_across_feeds)
{
	feed("he");
	feed("ll");
	ck_assert_str_eq(got, "");
	feed("o\r");
	feed("\nnext");
	ck_assert_str_eq(got, "hello|");
	feed("\n");
	ck_assert_str_eq(got, "hello|next|");
}
END_TEST

START_TEST(test_linebuf_reports_long_line_once_and_recovers)
{
	feed("0123456789abcdef\nok\n");
	ck_assert_str_eq(got, "!01234567|ok|");
}
END_TEST

START_TEST(test_linebuf_long_line_across_feeds_is_reported_once)
{
	feed("01234");
	feed("56789");
	feed("abcdef");
	feed("ghi\nok\n");
	ck_assert_str_eq(got, "!01234567|ok|");
}
END_TEST

START_TEST(test_linebuf_exact_max_is_accepted)
{
	feed("0123");
	feed("4567\n");
	ck_assert_str_eq(got, "01234567|");
	feed("012345678\n");
	ck_assert_str_eq(got, "01234567|!01234567|");
}
END_TEST

START_TEST(test_linebuf_finish_delivers_unterminated_line)
{
	feed("bye");
	ck_assert_int_eq(linebuf_finish(&lb, collect, NULL), 0);
	ck_assert_str_eq(got, "bye|");
	ck_assert_int_eq(linebuf_finish(&lb, collect, NULL), 0);
	ck_assert_str_eq(got, "bye|");
}
END_TEST

static int
stop_after_first(void *ctx, char *line, size_t len, bool too_long)
{
	collect(ctx, line, len, too_long);
	return 7;
}

START_TEST(test_linebuf_stops_when_callback_says_so)
{
	char data[] = "a\nb\n";
	size_t used = 0;

	ck_assert_int_eq(linebuf_feed(&lb, data, 4, stop_after_first, NULL,
				      &used), 7);
	ck_assert_str_eq(got, "a|");
	ck_assert_uint_eq(used, 2);	/* "a\n": the rest is the caller's */
	ck_assert_int_eq(linebuf_feed(&lb, data + used, 4 - used, collect,
				      NULL, NULL), 0);
	ck_assert_str_eq(got, "a|b|");
}
END_TEST

/* A line that began in an earlier feed stops a feed just the same, and
 * a CR-LF cut between the two halves of a stop makes no empty line. */
START_TEST(test_linebuf_resumes_after_a_stop_inside_a_held_line)
{
	char first[] = "he", second[] = "llo\r\nnext\r\n";
	size_t used = 0;

	ck_assert_int_eq(linebuf_feed(&lb, first, 2, stop_after_first, NULL,
				      &used), 0);
	ck_assert_int_eq(linebuf_feed(&lb, second, 11, stop_after_first,
				      NULL, &used), 7);
	ck_assert_str_eq(got, "hello|");
	ck_assert_uint_eq(used, 4);	/* "llo\r" */
	ck_assert_int_eq(linebuf_feed(&lb, second + used, 11 - used, collect,
				      NULL, NULL), 0);
	ck_assert_str_eq(got, "hello|next|");
}
END_TEST

START_TEST(test_linebuf_handles_nul_bytes_as_data)
{
	char data[] = { 'a', '\0', 'b', '\n' };

	ck_assert_int_eq(linebuf_feed(&lb, data, 4, collect, NULL, NULL), 0);
	/* The line holds 3 bytes; collect prints up to the NUL. */
	ck_assert_str_eq(got, "a|");
}
END_TEST

Suite *
linebuf_suite(void)
{
	Suite *s = suite_create("linebuf");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_linebuf_splits_crlf_lf_and_cr);
	tcase_add_test(tc, test_linebuf_ignores_empty_lines);
	tcase_add_test(tc, test_linebuf_joins_lines_split_across_feeds);
	tcase_add_test(tc, test_linebuf_reports_long_line_once_and_recovers);
	tcase_add_test(tc, test_linebuf_long_line_across_feeds_is_reported_once);
	tcase_add_test(tc, test_linebuf_exact_max_is_accepted);
	tcase_add_test(tc, test_linebuf_finish_delivers_unterminated_line);
	tcase_add_test(tc, test_linebuf_stops_when_callback_says_so);
	tcase_add_test(tc, test_linebuf_resumes_after_a_stop_inside_a_held_line);
	tcase_add_test(tc, test_linebuf_handles_nul_bytes_as_data);
	suite_add_tcase(s, tc);
	return s;
}
