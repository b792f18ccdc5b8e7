/* Unit tests: the chat core (state, routing, numeric replies), driven by
 * lines as a connection would deliver them, with no sockets. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chat_core.h"
#include "irc_msg.h"
#include "suites.h"

static struct chat_core *core;
static uint64_t now_ms;

static void
setup_with(const char *password, size_t sendq)
{
	struct chat_config cfg = {
		.server_name = "kit.test", .network = "TestNet",
		.password = password, .motd = NULL, .sendq_limit = sendq,
		.register_timeout_s = 5, .ping_interval_s = 10,
	};

	now_ms = 1000000;
	core = chat_core_new(&cfg);
	ck_assert_ptr_nonnull(core);
}

static void setup(void) { setup_with(NULL, 65536); }
static void teardown(void) { chat_core_free(core); }

/* Hand a line to the core as the server loop does, then reap. */
static void
say(struct chat_client *c, const char *line)
{
	char buf[1024];
	size_t n = strlen(line);

	ck_assert_uint_lt(n, sizeof(buf));
	memcpy(buf, line, n + 1);
	chat_core_handle_line(c, buf, n, false, now_ms);
	chat_core_reap(core);
}

/* Everything queued for c so far, as text; the queue is emptied. */
static const char *
drain(struct chat_client *c)
{
	static char out[1 << 17];
	size_t n = c->out.len < sizeof(out) - 1 ? c->out.len : sizeof(out) - 1;

	if (n > 0)
		memcpy(out, sendq_data(&c->out), n);
	out[n] = '\0';
	sendq_consume(&c->out, c->out.len);
	chat_core_take_pending(core);
	return out;
}

static struct chat_client *
connect_client(void)
{
	struct chat_client *c = chat_client_new(core, "192.0.2.1", now_ms);

	ck_assert_ptr_nonnull(c);
	return c;
}

static struct chat_client *
registered(const char *nick)
{
	struct chat_client *c = connect_client();
	char line[128];

	snprintf(line, sizeof(line), "NICK %s", nick);
	say(c, line);
	snprintf(line, sizeof(line), "USER %s 0 * :Real %s", nick, nick);
	say(c, line);
	ck_assert(c->flags & CLIENT_REGISTERED);
	drain(c);
	return c;
}

static struct chat_client *
joined(const char *nick, const char *channel)
{
	struct chat_client *c = registered(nick);
	char line[128];

	snprintf(line, sizeof(line), "JOIN %s", channel);
	say(c, line);
	drain(c);
	return c;
}

#define ck_has(hay, needle) ck_assert_msg(strstr((hay), (needle)) != NULL, \
	"expected \"%s\" in:\n%s", (needle), (hay))
#define ck_lacks(hay, needle) ck_assert_msg(strstr((hay), (needle)) == NULL, \
	"did not expect \"%s\" in:\n%s", (needle), (hay))

START_TEST(test_chat_registration_sends_welcome_burst)
{
	struct chat_client *c = connect_client();
	const char *out;

	say(c, "NICK alice");
	ck_assert_str_eq(drain(c), "");
	say(c, "USER al 0 * :Alice Liddell");
	out = drain(c);
	ck_has(out, ":kit.test 001 alice :Welcome to the TestNet IRC Network alice!al@192.0.2.1\r\n");
	ck_has(out, ":kit.test 002 alice ");
	ck_has(out, ":kit.test 003 alice ");
	ck_has(out, ":kit.test 004 alice kit.test ");
	ck_has(out, " CASEMAPPING=rfc1459 ");
	ck_has(out, ":kit.test 251 alice :There are 1 users");
	ck_has(out, ":kit.test 422 alice :MOTD File is missing\r\n");
}
END_TEST

START_TEST(test_chat_nick_errors)
{
	struct chat_client *a = registered("alice");
	struct chat_client *c = connect_client();

	(void)a;
	say(c, "NICK");
	ck_has(drain(c), " 431 * :No nickname given");
	say(c, "NICK 1abc");
	ck_has(drain(c), " 432 * 1abc :Erroneous nickname");
	say(c, "NICK ALICE");
	ck_has(drain(c), " 433 * ALICE :Nickname is already in use");
	say(c, "NICK waytoolongnicknamethatexceedsthirtychars");
	ck_has(drain(c), " 432 ");
}
END_TEST

START_TEST(test_chat_commands_need_registration_and_params)
{
	struct chat_client *c = connect_client(), *b;

	say(c, "JOIN #lab");
	ck_has(drain(c), " 451 * :You have not registered");
	say(c, "USER x");
	ck_has(drain(c), " 461 * USER :Not enough parameters");
	b = registered("bob");
	say(b, "JOIN");
	ck_has(drain(b), " 461 bob JOIN :Not enough parameters");
	say(b, "USER a b c d");
	ck_has(drain(b), " 462 bob :You may not reregister");
	say(b, "FROB x");
	ck_has(drain(b), " 421 bob FROB :Unknown command");
}
END_TEST

START_TEST(test_chat_malformed_and_overlong_lines_get_replies)
{
	struct chat_client *c = registered("bob");
	char line[] = "\001\002\003 garbage";

	chat_core_handle_line(c, line, sizeof(line) - 1, false, now_ms);
	ck_has(drain(c), " 421 bob * :Malformed message");
	chat_core_handle_line(c, line, sizeof(line) - 1, true, now_ms);
	ck_has(drain(c), " 417 bob :Input line was too long");
	ck_assert(c->flags & CLIENT_REGISTERED);
}
END_TEST

START_TEST(test_chat_password_is_checked_at_registration)
{
	struct chat_client *good, *bad, *none;

	teardown();
	setup_with("s3cret", 65536);
	good = connect_client();
	say(good, "PASS s3cret");
	say(good, "NICK good");
	say(good, "USER g 0 * :G");
	ck_has(drain(good), " 001 good ");
	bad = connect_client();
	say(bad, "PASS wrong");
	say(bad, "NICK bad");
	say(bad, "USER b 0 * :B");
	ck_has(drain(bad), " 464 bad :Password incorrect\r\nERROR :Closing Link");
	ck_assert(bad->flags & CLIENT_CLOSING);
	none = connect_client();
	say(none, "NICK none");
	say(none, "USER n 0 * :N");
	ck_has(drain(none),
	       " 464 none :Password required\r\nERROR :Closing Link");
	ck_assert(none->flags & CLIENT_CLOSING);
}
END_TEST

START_TEST(test_chat_pass_line_is_wiped_once_handled)
{
	struct chat_client *c = connect_client();
	char line[] = "PASS hunter2-secret", nick[] = "NICK keep";
	size_t i;

	chat_core_handle_line(c, line, strlen(line), false, now_ms);
	for (i = 0; i < sizeof(line); i++)
		ck_assert_int_eq(line[i], 0);
	/* other lines are left as they were parsed */
	chat_core_handle_line(c, nick, strlen(nick), false, now_ms);
	ck_assert_str_eq(nick, "NICK");
}
END_TEST

START_TEST(test_chat_cap_negotiation_holds_registration)
{
	struct chat_client *c = connect_client();

	say(c, "CAP LS 302");
	ck_has(drain(c), ":kit.test CAP * LS :\r\n");
	say(c, "NICK capper");
	say(c, "USER c 0 * :C");
	ck_lacks(drain(c), " 001 ");
	say(c, "CAP REQ :multi-prefix");
	ck_has(drain(c), "CAP capper NAK :multi-prefix");
	say(c, "CAP END");
	ck_has(drain(c), " 001 capper ");
}
END_TEST

START_TEST(test_chat_join_announces_and_lists_names)
{
	struct chat_client *a = joined("alice", "#lab");
	struct chat_client *b = registered("bob");
	const char *out;

	say(b, "JOIN #Lab");
	out = drain(b);
	ck_has(out, ":bob!bob@192.0.2.1 JOIN :#lab\r\n");
	ck_has(out, ":kit.test 353 bob = #lab :alice bob\r\n");
	ck_has(out, ":kit.test 366 bob #lab :End of NAMES list\r\n");
	ck_assert_str_eq(drain(a), ":bob!bob@192.0.2.1 JOIN :#lab\r\n");
	say(b, "JOIN #lab");	/* already there: nothing happens */
	ck_assert_str_eq(drain(b), "");
	say(b, "JOIN nohash");
	ck_has(drain(b), " 403 bob nohash :No such channel");
}
END_TEST

START_TEST(test_chat_privmsg_routes_to_channel_and_nick)
{
	struct chat_client *a = joined("alice", "#lab");
	struct chat_client *b = joined("bob", "#lab");
	struct chat_client *c = registered("carol");

	drain(a);
	say(a, "PRIVMSG #lab :hello all");
	ck_assert_str_eq(drain(b), ":alice!alice@192.0.2.1 PRIVMSG #lab :hello all\r\n");
	ck_assert_str_eq(drain(a), "");	/* no echo to the sender */
	ck_assert_str_eq(drain(c), "");	/* not a member */
	say(c, "PRIVMSG Alice :psst");
	ck_assert_str_eq(drain(a), ":carol!carol@192.0.2.1 PRIVMSG alice :psst\r\n");
	say(a, "PRIVMSG bob,carol :both");
	ck_has(drain(b), "PRIVMSG bob :both");
	ck_has(drain(c), "PRIVMSG carol :both");
}
END_TEST

/* A target named twice, in any case, gets the message once; the count
 * of queued bytes, which the server's turns are measured in, grows by
 * what was queued. */
START_TEST(test_chat_privmsg_reaches_each_target_once)
{
	struct chat_client *a = joined("alice", "#lab");
	struct chat_client *b = joined("bob", "#lab");
	const char *want = ":alice!alice@192.0.2.1 PRIVMSG #lab :once\r\n";
	uint64_t before;

	drain(a);
	before = core->bytes_queued;
	say(a, "PRIVMSG #lab,#LAB,#lab,#Lab :once");
	ck_assert_uint_eq(core->bytes_queued - before, strlen(want));
	ck_assert_str_eq(drain(b), want);
	say(a, "PRIVMSG bob,BOB,#lab :twice");	/* the nick, then the room */
	ck_assert_str_eq(drain(b), ":alice!alice@192.0.2.1 PRIVMSG bob :twice\r\n"
			 ":alice!alice@192.0.2.1 PRIVMSG #lab :twice\r\n");
}
END_TEST

START_TEST(test_chat_privmsg_errors)
{
	struct chat_client *a = joined("alice", "#lab");
	struct chat_client *c = registered("carol");

	(void)a;
	say(c, "PRIVMSG #lab :let me in");
	ck_has(drain(c), " 404 carol #lab :Cannot send to channel");
	say(c, "PRIVMSG #nowhere :x");
	ck_has(drain(c), " 403 carol #nowhere :No such channel");
	say(c, "PRIVMSG nobody :x");
	ck_has(drain(c), " 401 carol nobody :No such nick/channel");
	say(c, "PRIVMSG");
	ck_has(drain(c), " 411 carol :No recipient given (PRIVMSG)");
	say(c, "PRIVMSG alice");
	ck_has(drain(c), " 412 carol :No text to send");
	say(c, "NOTICE nobody :x");
	say(c, "NOTICE #lab :x");
	say(c, "NOTICE");
	ck_assert_str_eq(drain(c), "");	/* NOTICE never gets errors */
}
END_TEST

START_TEST(test_chat_relay_longer_than_512_is_refused_not_cut)
{
	struct chat_client *a = joined("alice", "#lab");
	struct chat_client *b = joined("bob", "#lab");
	char line[IRC_LINE_MAX];

	drain(a);
	memset(line, 'x', sizeof(line));
	memcpy(line, "PRIVMSG #lab :", 14);
	line[IRC_TEXT_MAX] = '\0';	/* fits as sent, not with a prefix */
	say(a, line);
	ck_has(drain(a), " 417 alice :Input line was too long");
	ck_assert_str_eq(drain(b), "");
}
END_TEST

/* A command whose relay or reply would pass 512 bytes is refused with 417
 * and changes nothing: a PART leaves its sender on the channel, a TOPIC
 * leaves the topic, and a PING, an INVITE get no line cut short. */
START_TEST(test_chat_commands_too_long_to_relay_are_refused_not_dropped)
{
	struct chat_client *a = joined("alice", "#lab");
	struct chat_client *b = joined("bob", "#lab");
	struct chat_client *v6 = chat_client_new(core,
		"2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", now_ms);
	char line[IRC_LINE_MAX + 1], name[CHAT_NICK_MAX + 1], chan[64];

	drain(a);
	memset(line, 'r', sizeof(line));
	memcpy(line, "PART #lab :", 11);
	line[505] = '\0';	/* fits as sent, not with bob's prefix */
	say(b, line);
	ck_has(drain(b), " 417 bob :Input line was too long");
	ck_assert_str_eq(drain(a), "");
	say(b, "PRIVMSG #lab :still here");
	ck_has(drain(a), ":bob!bob@192.0.2.1 PRIVMSG #lab :still here");

	memset(name, 'n', CHAT_NICK_MAX);
	name[CHAT_NICK_MAX] = '\0';
	memset(chan, 'c', CHAT_CHANNEL_MAX);
	chan[0] = '#';
	chan[CHAT_CHANNEL_MAX] = '\0';
	ck_assert_ptr_nonnull(v6);
	snprintf(line, sizeof(line), "NICK %s", name);
	say(v6, line);
	say(v6, "USER u 0 * :u");
	snprintf(line, sizeof(line), "JOIN %s", chan);
	say(v6, line);
	drain(v6);
	memset(line, 't', sizeof(line));
	snprintf(line, 64, "TOPIC %s :", chan);
	line[strlen(line)] = 't';
	line[IRC_TEXT_MAX - 10] = '\0';	/* cut to 390, still too long */
	say(v6, line);
	ck_has(drain(v6), " 417 n");
	snprintf(line, sizeof(line), "TOPIC %s", chan);
	say(v6, line);
	ck_has(drain(v6), " :No topic is set");

	memset(line, 'p', sizeof(line));
	memcpy(line, "PING :", 6);
	line[505] = '\0';
	say(a, line);
	ck_has(drain(a), " 417 alice :Input line was too long");
	memset(line, 'i', sizeof(line));
	memcpy(line, "INVITE bob #", 12);
	line[505] = '\0';
	say(a, line);
	ck_has(drain(a), " 417 alice :Input line was too long");
	ck_assert_str_eq(drain(b), "");
}
END_TEST

START_TEST(test_chat_part_and_topic)
{
	struct chat_client *a = joined("alice", "#lab");
	struct chat_client *b = joined("bob", "#lab");
	const char *out;

	drain(a);
	say(b, "TOPIC #lab");
	ck_has(drain(b), " 331 bob #lab :No topic is set");
	say(b, "TOPIC #lab :Lab 1: sniffing");
	ck_assert_str_eq(drain(a), ":bob!bob@192.0.2.1 TOPIC #lab :Lab 1: sniffing\r\n");
	drain(b);
	say(a, "TOPIC #lab");
	out = drain(a);
	ck_has(out, " 332 alice #lab :Lab 1: sniffing");
	ck_has(out, " 333 alice #lab bob!bob@192.0.2.1 :");
	say(b, "PART #lab :bye");
	ck_assert_str_eq(drain(a), ":bob!bob@192.0.2.1 PART #lab :bye\r\n");
	say(b, "PART #lab");
	ck_has(drain(b), " 442 bob #lab :You're not on that channel");
	say(b, "TOPIC #lab :sneaky");
	ck_has(drain(b), " 442 bob #lab ");
}
END_TEST

START_TEST(test_chat_quit_reaches_each_peer_once)
{
	struct chat_client *a = joined("alice", "#one");
	struct chat_client *b = joined("bob", "#one");
	struct chat_client *n;

	say(a, "JOIN #two");
	say(b, "JOIN #two");
	drain(a);
	say(b, "QUIT :gone fishing");
	ck_assert_str_eq(drain(a), ":bob!bob@192.0.2.1 QUIT :Quit: gone fishing\r\n");
	ck_has(drain(b), "ERROR :Closing Link: 192.0.2.1 (Quit: gone fishing)\r\n");
	ck_assert(b->flags & CLIENT_CLOSING);
	chat_client_free(b);
	n = registered("bob");	/* the nick is free again */
	ck_assert_ptr_nonnull(n);
}
END_TEST

START_TEST(test_chat_nick_change_is_seen_by_peers)
{
	struct chat_client *a = joined("alice", "#lab");
	struct chat_client *b = joined("bob", "#lab");
	struct chat_client *c;

	drain(a);
	say(b, "NICK robert");
	ck_assert_str_eq(drain(a), ":bob!bob@192.0.2.1 NICK :robert\r\n");
	ck_assert_str_eq(drain(b), ":bob!bob@192.0.2.1 NICK :robert\r\n");
	c = registered("bob");
	ck_assert_ptr_nonnull(c);
	say(a, "NICK Robert");
	ck_has(drain(a), " 433 alice Robert ");
}
END_TEST

START_TEST(test_chat_slow_reader_is_dropped_and_room_goes_on)
{
	struct chat_client *a, *b, *slow;
	char line[400];
	int i;

	teardown();
	setup_with(NULL, 8192);
	a = joined("alice", "#lab");
	b = joined("bob", "#lab");
	slow = joined("slow", "#lab");
	drain(a);
	drain(b);
	memset(line, 'm', sizeof(line));
	memcpy(line, "PRIVMSG #lab :", 14);
	line[sizeof(line) - 1] = '\0';
	for (i = 0; i < 40; i++) {
		say(a, line);
		drain(b);	/* bob reads, slow never does */
	}
	ck_assert(slow->flags & CLIENT_CLOSING);
	ck_has(drain(a), ":slow!slow@192.0.2.1 QUIT :SendQ exceeded");
	say(a, "PRIVMSG #lab :still here");
	ck_has(drain(b), "PRIVMSG #lab :still here");
}
END_TEST

START_TEST(test_chat_tick_times_out_and_pings)
{
	struct chat_client *idle = connect_client();
	struct chat_client *r = registered("ruth");

	now_ms += 5000;
	chat_core_tick(core, now_ms);
	chat_core_reap(core);
	ck_has(drain(idle), "ERROR :Closing Link: 192.0.2.1 (Registration timed out)");
	ck_assert(idle->flags & CLIENT_CLOSING);
	now_ms += 5000;
	chat_core_tick(core, now_ms);
	ck_assert_str_eq(drain(r), "PING :kit.test\r\n");
	now_ms += 10000;
	chat_core_tick(core, now_ms);
	chat_core_reap(core);
	ck_has(drain(r), "(Ping timeout)");
}
END_TEST

START_TEST(test_chat_pong_keeps_client_alive)
{
	struct chat_client *r = registered("ruth");

	now_ms += 10000;
	chat_core_tick(core, now_ms);
	ck_has(drain(r), "PING :kit.test");
	say(r, "PONG :kit.test");
	now_ms += 10000;
	chat_core_tick(core, now_ms);
	chat_core_reap(core);
	ck_assert(!(r->flags & CLIENT_CLOSING));
	say(r, "PING token");
	ck_assert_str_eq(drain(r), "PING :kit.test\r\n:kit.test PONG kit.test :token\r\n");
}
END_TEST

START_TEST(test_chat_queries_who_whois_list_mode_names)
{
	struct chat_client *a = joined("alice", "#lab");
	const char *out;

	say(a, "WHO #lab");
	out = drain(a);
	ck_has(out, " 352 alice #lab alice 192.0.2.1 kit.test alice H :0 Real alice");
	ck_has(out, " 315 alice #lab :End of WHO list");
	say(a, "WHOIS alice");
	out = drain(a);
	ck_has(out, " 311 alice alice alice 192.0.2.1 * :Real alice");
	ck_has(out, " 319 alice alice :#lab");
	ck_has(out, " 318 alice alice :End of WHOIS list");
	say(a, "WHOIS ghost");
	ck_has(drain(a), " 401 alice ghost ");
	say(a, "LIST");
	out = drain(a);
	ck_has(out, " 322 alice #lab 1 :");
	ck_has(out, " 323 alice :End of LIST");
	say(a, "MODE #lab");
	ck_has(drain(a), " 324 alice #lab :+n");
	say(a, "MODE #lab +o alice");
	ck_has(drain(a), " 482 alice #lab ");
	say(a, "MODE alice");
	ck_has(drain(a), " 221 alice :+\r\n");
	say(a, "MODE alice +i");
	ck_assert_str_eq(drain(a), ":alice!alice@192.0.2.1 MODE alice :+i\r\n");
	say(a, "MODE alice");
	ck_has(drain(a), " 221 alice :+i\r\n");
	say(a, "MODE alice +x");
	ck_has(drain(a), " 501 alice :Unknown MODE flag");
	say(a, "MODE bob +i");
	ck_has(drain(a), " 502 alice ");
	say(a, "NAMES #lab,#none");
	out = drain(a);
	ck_has(out, " 353 alice = #lab :alice");
	ck_has(out, " 366 alice #none :End of NAMES list");
}
END_TEST

START_TEST(test_chat_away_userhost_ison)
{
	struct chat_client *a = joined("alice", "#lab");
	struct chat_client *b = joined("bob", "#lab");
	const char *out;

	say(b, "AWAY :at lunch");
	ck_has(drain(b), " 306 bob :You have been marked as being away");
	drain(a);
	say(a, "PRIVMSG bob :hi");
	ck_has(drain(a), " 301 alice bob :at lunch");
	say(a, "WHO #lab");
	ck_has(drain(a), " 352 alice #lab bob 192.0.2.1 kit.test bob G :0 Real bob");
	say(a, "USERHOST bob alice ghost");
	ck_has(drain(a), " 302 alice :bob=-bob@192.0.2.1 alice=+alice@192.0.2.1\r\n");
	say(a, "ISON :Bob ghost alice");
	ck_has(drain(a), " 303 alice :bob alice\r\n");
	say(b, "AWAY");
	ck_has(drain(b), " 305 bob ");
	say(a, "PRIVMSG bob :back?");
	out = drain(a);
	ck_lacks(out, " 301 ");
}
END_TEST

START_TEST(test_chat_server_queries_and_operator_refusals)
{
	struct chat_client *a = joined("alice", "#lab");
	struct chat_client *b = registered("bob");

	say(a, "VERSION");
	ck_has(drain(a), " 351 alice kit-chat-1.0 kit.test :");
	say(a, "TIME");
	ck_has(drain(a), " 391 alice kit.test :");
	say(a, "WHOWAS ghost");
	ck_has(drain(a), " 406 alice ghost :There was no such nickname\r\n:kit.test 369 alice ghost :");
	say(a, "KICK #lab bob");
	ck_has(drain(a), " 482 alice #lab :You're not channel operator");
	say(a, "OPER root secret");
	ck_has(drain(a), " 491 alice ");
	say(a, "KILL bob :bye");
	ck_has(drain(a), " 481 alice ");
	say(a, "INVITE bob #lab");
	ck_has(drain(a), " 341 alice bob :#lab");
	ck_assert_str_eq(drain(b), ":alice!alice@192.0.2.1 INVITE bob :#lab\r\n");
	say(b, "KICK #lab alice");
	ck_has(drain(b), " 442 bob #lab ");
}
END_TEST

START_TEST(test_chat_part_and_quit_reasons_are_optional)
{
	struct chat_client *a = joined("alice", "#lab");
	struct chat_client *b = joined("bob", "#lab");

	drain(a);
	say(b, "PART #lab");
	ck_assert_str_eq(drain(a), ":bob!bob@192.0.2.1 PART :#lab\r\n");
	say(b, "JOIN #lab");
	drain(a);
	say(b, "QUIT");
	ck_assert_str_eq(drain(a), ":bob!bob@192.0.2.1 QUIT :Client Quit\r\n");
}
END_TEST

START_TEST(test_chat_proven_nick_is_the_only_one_allowed)
{
	struct chat_client *c = connect_client();

	snprintf(c->proven, sizeof(c->proven), "alice");
	say(c, "NICK mallory");
	ck_has(drain(c), " 432 * mallory :Erroneous nickname: you logged in as "
	       "alice, and keep that nick\r\n");
	say(c, "NICK Alice");
	say(c, "USER a 0 * :A");
	ck_has(drain(c), " 001 Alice ");
}
END_TEST

START_TEST(test_chat_names_split_into_512_byte_lines)
{
	struct chat_client *c;
	char nick[32], *p;
	const char *out;
	size_t lines = 0;
	int i;

	for (i = 0; i < 120; i++) {
		snprintf(nick, sizeof(nick), "member%03d", i);
		joined(nick, "#big");
	}
	c = registered("viewer");
	say(c, "NAMES #big");
	out = drain(c);
	for (p = strstr(out, " 353 "); p; p = strstr(p + 1, " 353 "))
		lines++;
	ck_assert_uint_ge(lines, 3);
	for (p = (char *)out; *p; p = strstr(p, "\r\n") + 2)
		ck_assert_int_le(strstr(p, "\r\n") + 2 - p, 512);
	ck_has(out, "member119");
}
END_TEST

START_TEST(test_chat_shutdown_closes_everyone)
{
	struct chat_client *a = joined("alice", "#lab");
	struct chat_client *u = connect_client();

	chat_core_shutdown(core, "Server shutting down");
	ck_has(drain(a), "ERROR :Closing Link: 192.0.2.1 (Server shutting down)");
	ck_assert(a->flags & CLIENT_CLOSING);
	ck_assert(u->flags & CLIENT_CLOSING);
}
END_TEST

Suite *
chat_core_suite(void)
{
	Suite *s = suite_create("chat_core");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_chat_registration_sends_welcome_burst);
	tcase_add_test(tc, test_chat_nick_errors);
	tcase_add_test(tc, test_chat_commands_need_registration_and_params);
	tcase_add_test(tc, test_chat_malformed_and_overlong_lines_get_replies);
	tcase_add_test(tc, test_chat_password_is_checked_at_registration);
	tcase_add_test(tc, test_chat_pass_line_is_wiped_once_handled);
	tcase_add_test(tc, test_chat_cap_negotiation_holds_registration);
	tcase_add_test(tc, test_chat_join_announces_and_lists_names);
	tcase_add_test(tc, test_chat_privmsg_routes_to_channel_and_nick);
	tcase_add_test(tc, test_chat_privmsg_reaches_each_target_once);
	tcase_add_test(tc, test_chat_privmsg_errors);
	tcase_add_test(tc, test_chat_relay_longer_than_512_is_refused_not_cut);
	tcase_add_test(tc, test_chat_part_and_topic);
	tcase_add_test(tc, test_chat_commands_too_long_to_relay_are_refused_not_dropped);
	tcase_add_test(tc, test_chat_quit_reaches_each_peer_once);
	tcase_add_test(tc, test_chat_nick_change_is_seen_by_peers);
	tcase_add_test(tc, test_chat_slow_reader_is_dropped_and_room_goes_on);
	tcase_add_test(tc, test_chat_tick_times_out_and_pings);
	tcase_add_test(tc, test_chat_pong_keeps_client_alive);
	tcase_add_test(tc, test_chat_queries_who_whois_list_mode_names);
	tcase_add_test(tc, test_chat_away_userhost_ison);
	tcase_add_test(tc, test_chat_server_queries_and_operator_refusals);
	tcase_add_test(tc, test_chat_part_and_quit_reasons_are_optional);
	tcase_add_test(tc, test_chat_proven_nick_is_the_only_one_allowed);
	tcase_add_test(tc, test_chat_names_split_into_512_byte_lines);
	tcase_add_test(tc, test_chat_shutdown_closes_everyone);
	suite_add_tcase(s, tc);
	return s;
}
