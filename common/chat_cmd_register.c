/* Connection registration and keep-alive: PASS, NICK, USER, CAP, PING,
 * PONG, QUIT (RFC 2812 §3.1, §3.7.2-3.7.3; IRCv3 capability negotiation,
 * answered with an empty capability list). */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "chat_internal.h"
#include "err.h"
#include "irc_map.h"
#include "irc_msg.h"

static void
send_welcome(struct chat_client *c)
{
	const struct chat_config *cfg = &c->core->cfg;
	char text[IRC_LINE_MAX], created[64];
	time_t t = (time_t)c->core->started;
	struct tm tm;

	snprintf(text, sizeof(text), "Welcome to the %s IRC Network %s!%s@%s",
		 cfg->network, c->nick, c->user, c->host);
	chat_reply(c, "001", text, NULL);
	snprintf(text, sizeof(text), "Your host is %s, running version %s",
		 cfg->server_name, CHAT_VERSION);
	chat_reply(c, "002", text, NULL);
	gmtime_r(&t, &tm);
	strftime(created, sizeof(created), "%Y-%m-%d %H:%M:%S UTC", &tm);
	snprintf(text, sizeof(text), "This server was created %s", created);
	chat_reply(c, "003", text, NULL);
	chat_reply(c, "004", cfg->server_name, CHAT_VERSION, "i", "n", NULL);
	snprintf(text, sizeof(text), "NETWORK=%s", cfg->network);
	chat_reply(c, "005", "CASEMAPPING=rfc1459", "CHANTYPES=#",
		   "CHANMODES=,,,n", "PREFIX=()", "NICKLEN=30",
		   "CHANNELLEN=50", "TOPICLEN=390", "AWAYLEN=160",
		   "CHANLIMIT=#:20", text,
		   "are supported by this server", NULL);
	chat_cmd_lusers(c, NULL);
	chat_cmd_motd(c, NULL);
}

/* cfg.check_login, for a client its transport did not prove: the PASS
 * must be the one of the nick it registers; it then keeps that nick. */
static bool
login_ok(struct chat_client *c)
{
	const struct chat_config *cfg = &c->core->cfg;
	bool ok;

	if (!cfg->check_login || c->proven[0])
		return true;
	ok = cfg->check_login(cfg->check_login_ud, c->host, c->nick,
			      c->flags & CLIENT_PASS_GIVEN ? c->pass : NULL);
	explicit_bzero(c->pass, sizeof(c->pass));
	if (ok)
		snprintf(c->proven, sizeof(c->proven), "%s", c->nick);
	return ok;
}

/* RFC 2812 §3.1: registration completes when both NICK and USER arrived
 * (and PASS matched, and capability negotiation, if begun, ended). */
static void
try_register(struct chat_client *c)
{
	unsigned need = CLIENT_HAS_NICK | CLIENT_HAS_USER;

	if ((c->flags & need) != need || (c->flags & CLIENT_CAP_PENDING) ||
	    (c->flags & CLIENT_REGISTERED))
		return;
	if (!(c->flags & CLIENT_PASS_OK) || !login_ok(c)) {
		chat_reply(c, "464", c->flags & CLIENT_PASS_GIVEN ?
			   "Password incorrect" : "Password required", NULL);
		chat_client_kill(c, "Bad password");
		return;
	}
	c->flags |= CLIENT_REGISTERED;
	c->core->nregistered++;
	send_welcome(c);
}

void
chat_cmd_pass(struct chat_client *c, const struct irc_msg *m)
{
	const char *want = c->core->cfg.password;

	if (c->flags & CLIENT_REGISTERED) {
		chat_reply(c, "462", "You may not reregister", NULL);
		return;
	}
	c->flags |= CLIENT_PASS_GIVEN;
	if (want && strcmp(m->params[0], want) == 0)
		c->flags |= CLIENT_PASS_OK;
	else if (want)
		c->flags &= ~CLIENT_PASS_OK;
	if (c->core->cfg.check_login && strlen(m->params[0]) <= CHAT_PASS_MAX)
		snprintf(c->pass, sizeof(c->pass), "%s", m->params[0]);
	else
		explicit_bzero(c->pass, sizeof(c->pass));
}

static void
change_nick(struct chat_client *c, const char *nick)
{
	char line[IRC_LINE_MAX + 1];
	const char *params[] = { nick };
	int len = chat_format_from(c, line, "NICK", 1, params);

	if (chat_set_nick(c, nick) < 0) {
		chat_reply(c, "433", nick, "Nickname is already in use", NULL);
		return;
	}
	if (len > 0)
		chat_send_peers(c, line, (size_t)len, true);
}

void
chat_cmd_nick(struct chat_client *c, const struct irc_msg *m)
{
	const char *nick = m->nparams > 0 ? m->params[0] : "";
	char why[CHAT_NICK_MAX + 64];

	if (nick[0] == '\0') {
		chat_reply(c, "431", "No nickname given", NULL);
		return;
	}
	if (!chat_valid_nick(nick)) {
		chat_reply(c, "432", nick, "Erroneous nickname", NULL);
		return;
	}
	if (strcmp(nick, c->nick) == 0)
		return;
	if (c->proven[0] && irc_casecmp(nick, c->proven) != 0) {
		snprintf(why, sizeof(why), "Erroneous nickname: you logged in "
			 "as %s, and keep that nick", c->proven);
		chat_reply(c, "432", nick, why, NULL);
		return;
	}
	if (c->flags & CLIENT_REGISTERED) {
		change_nick(c, nick);
		return;
	}
	if (chat_set_nick(c, nick) < 0) {
		chat_reply(c, "433", nick, "Nickname is already in use", NULL);
		return;
	}
	try_register(c);
}

/* USER <user> <mode> <unused> <realname> (RFC 2812 §3.1.3) */
void
chat_cmd_user(struct chat_client *c, const struct irc_msg *m)
{
	const char *user = m->params[0];
	size_t i, n;

	if (c->flags & (CLIENT_REGISTERED | CLIENT_HAS_USER)) {
		chat_reply(c, "462", "You may not reregister", NULL);
		return;
	}
	/* The user name shows in every prefix: keep it to safe characters. */
	n = strcspn(user, "@!");
	n = n > CHAT_USER_MAX ? CHAT_USER_MAX : n;
	for (i = 0; i < n; i++)
		c->user[i] = user[i] > ' ' && user[i] < 0x7f ? user[i] : '_';
	c->user[n] = '\0';
	if (n == 0)
		snprintf(c->user, sizeof(c->user), "user");
	snprintf(c->realname, sizeof(c->realname), "%s", m->params[3]);
	c->flags |= CLIENT_HAS_USER;
	try_register(c);
}

void
chat_cmd_cap(struct chat_client *c, const struct irc_msg *m)
{
	const char *sub = m->params[0];
	const char *nick = c->nick;

	if (strcasecmp(sub, "LS") == 0 || strcasecmp(sub, "LIST") == 0) {
		char line[IRC_LINE_MAX + 1];
		const char *params[] = { nick, sub, "" };
		int len = irc_msg_format(line, sizeof(line),
					 c->core->cfg.server_name, "CAP", 3,
					 params);

		if (!(c->flags & CLIENT_REGISTERED))
			c->flags |= CLIENT_CAP_PENDING;
		chat_send_made(c, line, len);
	} else if (strcasecmp(sub, "REQ") == 0) {
		char line[IRC_LINE_MAX + 1];
		const char *params[] = { nick, "NAK",
					 m->nparams > 1 ? m->params[1] : "" };
		int len = irc_msg_format(line, sizeof(line),
					 c->core->cfg.server_name, "CAP", 3,
					 params);

		chat_send_made(c, line, len);
	} else if (strcasecmp(sub, "END") == 0) {
		c->flags &= ~CLIENT_CAP_PENDING;
		try_register(c);
	} else {
		chat_reply(c, "410", sub, "Invalid CAP command", NULL);
	}
}

void
chat_cmd_ping(struct chat_client *c, const struct irc_msg *m)
{
	char line[IRC_LINE_MAX + 1];
	const char *server = c->core->cfg.server_name;
	const char *params[] = { server, m->params[0] };
	int len = irc_msg_format(line, sizeof(line), server, "PONG", 2, params);

	chat_send_made(c, line, len);
}

void
chat_cmd_pong(struct chat_client *c, const struct irc_msg *m)
{
	(void)m;
	c->flags &= ~CLIENT_PING_PENDING;
}

void
chat_cmd_quit(struct chat_client *c, const struct irc_msg *m)
{
	char reason[CHAT_REASON_MAX + 1];

	if (m->nparams > 0 && m->params[0][0])
		snprintf(reason, sizeof(reason), "Quit: %s", m->params[0]);
	else
		snprintf(reason, sizeof(reason), "Client Quit");
	chat_client_kill(c, reason);
}
