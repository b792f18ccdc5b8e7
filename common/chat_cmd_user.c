/* User queries and state: WHOIS, WHOWAS, AWAY, USERHOST, ISON and user
 * MODE (RFC 2812 §3.1.5, §3.6.2-3.6.3, §4.1, §4.8-4.9). */
#include <stdio.h>
#include <string.h>

#include "chat_internal.h"
#include "irc_map.h"
#include "irc_msg.h"

/* A registered client by nick, or NULL. */
static struct chat_client *
find_user(struct chat_core *core, const char *nick)
{
	struct chat_client *u = chat_find_nick(core, nick);

	return u && (u->flags & CLIENT_REGISTERED) ? u : NULL;
}

/* Append " word" to list[0..IRC_LINE_MAX) if it fits under budget. */
static bool
append_word(char *list, size_t *len, size_t budget, const char *word)
{
	int n = snprintf(list + *len, IRC_LINE_MAX - *len, "%s%s",
			 *len ? " " : "", word);

	if (n < 0 || *len + (size_t)n > budget) {
		list[*len] = '\0';
		return false;
	}
	*len += (size_t)n;
	return true;
}

static void
whois_channels(struct chat_client *c, const struct chat_client *u)
{
	char list[IRC_LINE_MAX];
	size_t i, len = 0;

	list[0] = '\0';
	for (i = 0; i < u->nchans; i++)
		if (!append_word(list, &len, 400, u->chans[i]->name))
			break;
	if (len > 0)
		chat_reply(c, "319", u->nick, list, NULL);
}

void
chat_cmd_whois(struct chat_client *c, const struct irc_msg *m)
{
	/* WHOIS [server] nick: the nick is the last parameter. */
	const char *nick = m->params[m->nparams - 1];
	struct chat_client *u = find_user(c->core, nick);

	if (!u) {
		chat_reply(c, "401", nick, "No such nick/channel", NULL);
	} else {
		chat_reply(c, "311", u->nick, u->user, u->host, "*",
			   u->realname, NULL);
		whois_channels(c, u);
		chat_reply(c, "312", u->nick, c->core->cfg.server_name,
			   "kit chat server", NULL);
		if (u->away[0])
			chat_reply(c, "301", u->nick, u->away, NULL);
		nick = u->nick;
	}
	chat_reply(c, "318", nick, "End of WHOIS list", NULL);
}

/* No history is kept: every nick that is gone was "never there". */
void
chat_cmd_whowas(struct chat_client *c, const struct irc_msg *m)
{
	chat_reply(c, "406", m->params[0], "There was no such nickname", NULL);
	chat_reply(c, "369", m->params[0], "End of WHOWAS", NULL);
}

void
chat_cmd_away(struct chat_client *c, const struct irc_msg *m)
{
	if (m->nparams == 0 || m->params[0][0] == '\0') {
		c->away[0] = '\0';
		chat_reply(c, "305", "You are no longer marked as being away",
			   NULL);
		return;
	}
	snprintf(c->away, sizeof(c->away), "%s", m->params[0]);
	chat_reply(c, "306", "You have been marked as being away", NULL);
}

/* USERHOST nick{ nick} (at most 5): "nick=+user@host", '-' when away. */
void
chat_cmd_userhost(struct chat_client *c, const struct irc_msg *m)
{
	char list[IRC_LINE_MAX], one[CHAT_MASK_MAX + 4];
	size_t len = 0;
	int i;

	list[0] = '\0';
	for (i = 0; i < m->nparams && i < 5; i++) {
		struct chat_client *u = find_user(c->core, m->params[i]);

		if (!u)
			continue;
		snprintf(one, sizeof(one), "%s=%c%s@%s", u->nick,
			 u->away[0] ? '-' : '+', u->user, u->host);
		append_word(list, &len, 400, one);
	}
	chat_reply(c, "302", list, NULL);
}

/* ISON nick{ nick}: the nicks that are online, as the server spells them. */
void
chat_cmd_ison(struct chat_client *c, const struct irc_msg *m)
{
	char list[IRC_LINE_MAX], names[IRC_LINE_MAX], *rest, *nick;
	size_t len = 0;
	int i;

	list[0] = '\0';
	for (i = 0; i < m->nparams; i++) {
		/* Clients put the nicks in one trailing parameter too. */
		snprintf(names, sizeof(names), "%s", m->params[i]);
		for (nick = strtok_r(names, " ", &rest); nick;
		     nick = strtok_r(NULL, " ", &rest)) {
			struct chat_client *u = find_user(c->core, nick);

			if (u)
				append_word(list, &len, 400, u->nick);
		}
	}
	chat_reply(c, "303", list, NULL);
}

static void
set_user_modes(struct chat_client *c, const char *modes)
{
	char line[IRC_LINE_MAX + 1], change[8];
	bool add = true, was = c->flags & CLIENT_INVISIBLE;
	const char *params[] = { c->nick, change };
	int len;

	for (; *modes; modes++) {
		if (*modes == '+' || *modes == '-')
			add = *modes == '+';
		else if (*modes == 'i')
			c->flags = add ? c->flags | CLIENT_INVISIBLE
				       : c->flags & ~CLIENT_INVISIBLE;
		else
			chat_reply(c, "501", "Unknown MODE flag", NULL);
	}
	if (was == (bool)(c->flags & CLIENT_INVISIBLE))
		return;
	snprintf(change, sizeof(change), "%ci", was ? '-' : '+');
	if ((len = chat_format_from(c, line, "MODE", 2, params)) > 0)
		chat_send(c, line, (size_t)len);
}

void
chat_cmd_user_mode(struct chat_client *c, const struct irc_msg *m)
{
	if (irc_casecmp(m->params[0], c->nick) != 0) {
		chat_reply(c, "502", "Can't change mode for other users", NULL);
		return;
	}
	if (m->nparams > 1)
		set_user_modes(c, m->params[1]);
	else
		chat_reply(c, "221", c->flags & CLIENT_INVISIBLE ? "+i" : "+",
			   NULL);
}
