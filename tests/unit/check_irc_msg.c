/* Unit tests: IRC message parsing and formatting (RFC 2812 §2.3). */
#include <string.h>

#include "err.h"
#include "irc_msg.h"
#include "suites.h"

/* Parse a copy of s; the copy keeps the pointers valid for the test. */
static char line[2 * IRC_LINE_MAX];

static int
parse(const char *s, struct irc_msg *m)
{
	size_t n = strlen(s);

	memcpy(line, s, n + 1);
	return irc_msg_parse(line, n, m);
}

START_TEST(test_irc_msg_parses_prefix_command_and_trailing)
{
	struct irc_msg m;

	ck_assert_int_eq(parse(":alice!a@host PRIVMSG #lab :hello there", &m), 0);
	ck_assert_str_eq(m.prefix, "alice!a@host");
	ck_assert_str_eq(m.command, "PRIVMSG");
	ck_assert_int_eq(m.nparams, 2);
	ck_assert_str_eq(m.params[0], "#lab");
	ck_assert_str_eq(m.params[1], "hello there");
}
END_TEST

START_TEST(test_irc_msg_parses_without_prefix_or_trailing)
{
	struct irc_msg m;

	ck_assert_int_eq(parse("USER guest 0 * :Real Name", &m), 0);
	ck_assert_ptr_null(m.prefix);
	ck_assert_int_eq(m.nparams, 4);
	ck_assert_str_eq(m.params[2], "*");
	ck_assert_str_eq(m.params[3], "Real Name");
	ck_assert_int_eq(parse("JOIN #a,#b", &m), 0);
	ck_assert_int_eq(m.nparams, 1);
	ck_assert_str_eq(m.params[0], "#a,#b");
}
END_TEST

START_TEST(test_irc_msg_keeps_empty_and_colon_trailing)
{
	struct irc_msg m;

	ck_assert_int_eq(parse("TOPIC #lab :", &m), 0);
	ck_assert_int_eq(m.nparams, 2);
	ck_assert_str_eq(m.params[1], "");
	ck_assert_int_eq(parse("PRIVMSG bob ::-) ok", &m), 0);
	ck_assert_str_eq(m.params[1], ":-) ok");
}
END_TEST

START_TEST(test_irc_msg_tolerates_repeated_spaces)
{
	struct irc_msg m;

	ck_assert_int_eq(parse("PRIVMSG   bob   :hi  there", &m), 0);
	ck_assert_int_eq(m.nparams, 2);
	ck_assert_str_eq(m.params[0], "bob");
	ck_assert_str_eq(m.params[1], "hi  there");
	ck_assert_int_eq(parse("PING x   ", &m), 0);
	ck_assert_int_eq(m.nparams, 1);
}
END_TEST

START_TEST(test_irc_msg_fifteenth_param_takes_the_rest)
{
	struct irc_msg m;

	ck_assert_int_eq(parse("CMD 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16", &m), 0);
	ck_assert_int_eq(m.nparams, IRC_PARAMS_MAX);
	ck_assert_str_eq(m.params[14], "15 16");
}
END_TEST

START_TEST(test_irc_msg_skips_message_tags)
{
	struct irc_msg m;

	ck_assert_int_eq(parse("@time=2024-01-01T00:00:00Z :srv NOTICE x :y", &m), 0);
	ck_assert_str_eq(m.prefix, "srv");
	ck_assert_str_eq(m.command, "NOTICE");
}
END_TEST

START_TEST(test_irc_msg_parses_numerics)
{
	struct irc_msg m;

	ck_assert_int_eq(parse(":srv 001 alice :Welcome", &m), 0);
	ck_assert(irc_is_numeric(m.command));
	ck_assert(!irc_is_numeric("PRIVMSG"));
	ck_assert(!irc_is_numeric("0011"));
}
END_TEST

/* Inputs a server must refuse rather than misread. */
static const char *const malformed[] = {
	"", " ", ":", ":prefix", ":prefix ", ": PRIVMSG x", "12 x", "1234 x",
	"PRIV-MSG x", "PRIVMSG\001 x", "@tags-only", "@t :p", "\xff\xfe",
};

START_TEST(test_irc_msg_rejects_malformed)
{
	struct irc_msg m;

	ck_assert_int_eq(parse(malformed[_i], &m), KIT_EINVAL);
}
END_TEST

START_TEST(test_irc_msg_rejects_nul_cr_lf_inside)
{
	struct irc_msg m;
	char buf[32];

	memcpy(buf, "PRIVMSG a :b\0c", 14);
	ck_assert_int_eq(irc_msg_parse(buf, 14, &m), KIT_EINVAL);
	memcpy(buf, "PRIVMSG a :b\rc", 14);
	ck_assert_int_eq(irc_msg_parse(buf, 14, &m), KIT_EINVAL);
	memcpy(buf, "PRIVMSG a :b\nc", 14);
	ck_assert_int_eq(irc_msg_parse(buf, 14, &m), KIT_EINVAL);
}
END_TEST

START_TEST(test_irc_msg_rejects_511_byte_line)
{
	struct irc_msg m;
	char buf[IRC_LINE_MAX + 8];

	memset(buf, 'a', sizeof(buf));
	memcpy(buf, "PRIVMSG x :", 11);
	ck_assert_int_eq(irc_msg_parse(buf, IRC_TEXT_MAX, &m), 0);
	memset(buf, 'a', sizeof(buf));
	memcpy(buf, "PRIVMSG x :", 11);
	ck_assert_int_eq(irc_msg_parse(buf, IRC_TEXT_MAX + 1, &m), KIT_ETOOBIG);
}
END_TEST

START_TEST(test_irc_msg_formats_last_param_as_trailing)
{
	char out[IRC_LINE_MAX + 1];
	const char *p1[] = { "#lab", "hello world" };
	const char *p2[] = { "#lab" };
	const char *p3[] = { "bob", "" };
	const char *p4[] = { "bob", ":)" };
	const char *p5[] = { "bob", "word" };
	const char *p6[] = { ":)" };

	ck_assert_int_eq(irc_msg_format(out, sizeof(out), "a!b@c", "PRIVMSG", 2, p1), 34);
	ck_assert_str_eq(out, ":a!b@c PRIVMSG #lab :hello world\r\n");
	irc_msg_format(out, sizeof(out), NULL, "JOIN", 1, p2);
	ck_assert_str_eq(out, "JOIN :#lab\r\n");
	irc_msg_format(out, sizeof(out), NULL, "PRIVMSG", 2, p3);
	ck_assert_str_eq(out, "PRIVMSG bob :\r\n");
	irc_msg_format(out, sizeof(out), NULL, "PRIVMSG", 2, p4);
	ck_assert_str_eq(out, "PRIVMSG bob ::)\r\n");
	irc_msg_format(out, sizeof(out), NULL, "PRIVMSG", 2, p5);
	ck_assert_str_eq(out, "PRIVMSG bob :word\r\n");
	irc_msg_format(out, sizeof(out), NULL, "NICK", 1, p6);
	ck_assert_str_eq(out, "NICK ::)\r\n");
}
END_TEST

START_TEST(test_irc_msg_format_refuses_bad_parts)
{
	char out[IRC_LINE_MAX + 1];
	const char *space_middle[] = { "a b", "x" };
	const char *empty_middle[] = { "", "x" };
	const char *crlf[] = { "x\r\nQUIT" };

	ck_assert_int_eq(irc_msg_format(out, sizeof(out), NULL, "X", 2, space_middle), KIT_EINVAL);
	ck_assert_int_eq(irc_msg_format(out, sizeof(out), NULL, "X", 2, empty_middle), KIT_EINVAL);
	ck_assert_int_eq(irc_msg_format(out, sizeof(out), NULL, "X", 1, crlf), KIT_EINVAL);
	ck_assert_int_eq(irc_msg_format(out, sizeof(out), "a b", "X", 0, NULL), KIT_EINVAL);
	ck_assert_int_eq(irc_msg_format(out, sizeof(out), NULL, "X-Y", 0, NULL), KIT_EINVAL);
}
END_TEST

START_TEST(test_irc_msg_format_stops_at_512_bytes)
{
	char out[2 * IRC_LINE_MAX], text[IRC_LINE_MAX];
	const char *params[] = { "#c", text };

	/* "PRIVMSG #c :" is 12 bytes: 498 bytes of text make 510 + CRLF. */
	memset(text, 'x', 498);
	text[498] = '\0';
	ck_assert_int_eq(irc_msg_format(out, sizeof(out), NULL, "PRIVMSG", 2, params), 512);
	text[498] = 'x';
	text[499] = '\0';
	ck_assert_int_eq(irc_msg_format(out, sizeof(out), NULL, "PRIVMSG", 2, params), KIT_ETOOBIG);
	ck_assert_int_eq(irc_msg_format(out, 20, NULL, "PRIVMSG", 2, params), KIT_ETOOBIG);
}
END_TEST

START_TEST(test_irc_msg_format_then_parse_round_trips)
{
	char out[IRC_LINE_MAX + 1];
	const char *params[] = { "#lab", "a :tricky: text" };
	struct irc_msg m;
	int n = irc_msg_format(out, sizeof(out), "srv", "PRIVMSG", 2, params);

	ck_assert_int_gt(n, 2);
	ck_assert_int_eq(irc_msg_parse(out, (size_t)n - 2, &m), 0);
	ck_assert_str_eq(m.params[1], "a :tricky: text");
}
END_TEST

Suite *
irc_msg_suite(void)
{
	Suite *s = suite_create("irc_msg");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_irc_msg_parses_prefix_command_and_trailing);
	tcase_add_test(tc, test_irc_msg_parses_without_prefix_or_trailing);
	tcase_add_test(tc, test_irc_msg_keeps_empty_and_colon_trailing);
	tcase_add_test(tc, test_irc_msg_tolerates_repeated_spaces);
	tcase_add_test(tc, test_irc_msg_fifteenth_param_takes_the_rest);
	tcase_add_test(tc, test_irc_msg_skips_message_tags);
	tcase_add_test(tc, test_irc_msg_parses_numerics);
	tcase_add_loop_test(tc, test_irc_msg_rejects_malformed, 0,
			    sizeof(malformed) / sizeof(malformed[0]));
	tcase_add_test(tc, test_irc_msg_rejects_nul_cr_lf_inside);
	tcase_add_test(tc, test_irc_msg_rejects_511_byte_line);
	tcase_add_test(tc, test_irc_msg_formats_last_param_as_trailing);
	tcase_add_test(tc, test_irc_msg_format_refuses_bad_parts);
	tcase_add_test(tc, test_irc_msg_format_stops_at_512_bytes);
	tcase_add_test(tc, test_irc_msg_format_then_parse_round_trips);
	suite_add_tcase(s, tc);
	return s;
}
