/* Channel commands: JOIN, PART, TOPIC, NAMES, LIST, MODE, WHO
 * (RFC 2812 §3.2, §3.6.1). Channels have no operators here; all are +n. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "chat_internal.h"
#include "err.h"
#include "irc_map.h"
#include "irc_msg.h"

/* Next comma-separated item of a list parameter (modified in place). */
static char *
next_item(char **list)
{
	char *item = *list, *comma;

	if (!item || !*item)
		return NULL;
	if ((comma = strchr(item, ',')) != NULL) {
		*comma = '\0';
		*list = comma + 1;
	} else {
		*list = NULL;
	}
	return item;
}

/* Copy a parameter so next_item may cut it. */
static void
copy_param(char out[IRC_LINE_MAX + 1], const char *p)
{
	snprintf(out, IRC_LINE_MAX + 1, "%s", p);
}

/* Relay c's command to ch's members, c too. False when, with c's prefix,
 * it would pass 512 bytes: the caller then refuses the command (417)
 * rather than change what it would have announced. */
static bool
send_from_to_channel(struct chat_client *c, struct chat_channel *ch,
		     const char *command, int n, const char *params[])
{
	char line[IRC_LINE_MAX + 1];
	int len = chat_format_from(c, line, command, n, params);

	if (len <= 0)
		return false;
	chat_send_channel(ch, NULL, line, (size_t)len);
	return true;
}

static void
send_topic(struct chat_client *c, const struct chat_channel *ch, bool quiet)
{
	char when[24];

	if (ch->topic[0] == '\0') {
		if (!quiet)
			chat_reply(c, "331", ch->name, "No topic is set", NULL);
		return;
	}
	chat_reply(c, "332", ch->name, ch->topic, NULL);
	snprintf(when, sizeof(when), "%lld", (long long)ch->topic_time);
	chat_reply(c, "333", ch->name, ch->topic_by, when, NULL);
}

void
chat_send_names(struct chat_client *c, const struct chat_channel *ch)
{
	/* Leave room for ":server 353 nick = #channel :" around the list. */
	size_t budget = IRC_TEXT_MAX - 64 - strlen(c->core->cfg.server_name) -
			strlen(c->nick) - strlen(ch->name);
	char names[IRC_LINE_MAX];
	size_t i, len = 0;

	for (i = 0; i < ch->nmembers; i++) {
		const char *nick = ch->members[i]->nick;
		size_t n = strlen(nick);

		if (len > 0 && len + 1 + n > budget) {
			chat_reply(c, "353", "=", ch->name, names, NULL);
			len = 0;
		}
		len += (size_t)snprintf(names + len, sizeof(names) - len,
					"%s%s", len ? " " : "", nick);
	}
	if (len > 0)
		chat_reply(c, "353", "=", ch->name, names, NULL);
	chat_reply(c, "366", ch->name, "End of NAMES list", NULL);
}

static void
join_one(struct chat_client *c, const char *name)
{
	struct chat_channel *ch;
	const char *params[1];
	int r;

	if (!chat_valid_channel(name)) {
		chat_reply(c, "403", name, "No such channel", NULL);
		return;
	}
	if ((r = chat_join(c, name, &ch)) == KIT_ETOOBIG) {
		chat_reply(c, "405", name, "You have joined too many channels",
			   NULL);
		return;
	}
	if (r < 0)
		return;	/* already there (or out of memory): nothing to say */
	params[0] = ch->name;
	send_from_to_channel(c, ch, "JOIN", 1, params);
	send_topic(c, ch, true);
	chat_send_names(c, ch);
}

static void
part_all(struct chat_client *c)
{
	while (c->nchans > 0) {
		struct chat_channel *ch = c->chans[c->nchans - 1];
		const char *params[] = { ch->name };

		send_from_to_channel(c, ch, "PART", 1, params);
		chat_part(c, ch);
	}
}

void
chat_cmd_join(struct chat_client *c, const struct irc_msg *m)
{
	char list[IRC_LINE_MAX + 1], *rest = list, *name;

	if (strcmp(m->params[0], "0") == 0) {	/* RFC 2812 §3.2.1 */
		part_all(c);
		return;
	}
	copy_param(list, m->params[0]);
	while ((name = next_item(&rest)) != NULL)
		join_one(c, name);
}

void
chat_cmd_part(struct chat_client *c, const struct irc_msg *m)
{
	char list[IRC_LINE_MAX + 1], *rest = list, *name;
	int n = m->nparams > 1 ? 2 : 1;	/* the reason is optional */

	copy_param(list, m->params[0]);
	while ((name = next_item(&rest)) != NULL) {
		struct chat_channel *ch = chat_find_channel(c->core, name);
		const char *params[2];

		if (!ch) {
			chat_reply(c, "403", name, "No such channel", NULL);
			continue;
		}
		if (!chat_is_member(ch, c)) {
			chat_reply(c, "442", name, "You're not on that channel",
				   NULL);
			continue;
		}
		params[0] = ch->name;
		params[1] = n > 1 ? m->params[1] : NULL;
		if (send_from_to_channel(c, ch, "PART", n, params))
			chat_part(c, ch);
		else
			chat_refuse_too_long(c);	/* still on ch, as all see */
	}
}

void
chat_cmd_topic(struct chat_client *c, const struct irc_msg *m)
{
	struct chat_channel *ch = chat_find_channel(c->core, m->params[0]);
	char topic[sizeof(ch->topic)];
	const char *params[2];

	if (!ch) {
		chat_reply(c, "403", m->params[0], "No such channel", NULL);
		return;
	}
	if (m->nparams < 2) {
		send_topic(c, ch, false);
		return;
	}
	if (!chat_is_member(ch, c)) {
		chat_reply(c, "442", ch->name, "You're not on that channel",
			   NULL);
		return;
	}
	/* Longer topics are cut to TOPICLEN, as announced in 005. */
	snprintf(topic, sizeof(topic), "%s", m->params[1]);
	params[0] = ch->name;
	params[1] = topic;
	if (!send_from_to_channel(c, ch, "TOPIC", 2, params)) {
		chat_refuse_too_long(c);	/* the topic stays as all know it */
		return;
	}
	memcpy(ch->topic, topic, sizeof(topic));
	chat_mask(c, ch->topic_by);
	ch->topic_time = (int64_t)time(NULL);
}

void
chat_cmd_names(struct chat_client *c, const struct irc_msg *m)
{
	char list[IRC_LINE_MAX + 1], *rest = list, *name;

	if (m->nparams == 0) {	/* the channels the client is on */
		size_t i;

		for (i = 0; i < c->nchans; i++)
			chat_send_names(c, c->chans[i]);
		chat_reply(c, "366", "*", "End of NAMES list", NULL);
		return;
	}
	copy_param(list, m->params[0]);
	while ((name = next_item(&rest)) != NULL) {
		struct chat_channel *ch = chat_find_channel(c->core, name);

		if (ch)
			chat_send_names(c, ch);
		else
			chat_reply(c, "366", name, "End of NAMES list", NULL);
	}
}

static void
list_one(struct chat_client *c, const struct chat_channel *ch)
{
	char count[24];

	snprintf(count, sizeof(count), "%zu", ch->nmembers);
	chat_reply(c, "322", ch->name, count, ch->topic, NULL);
}

void
chat_cmd_list(struct chat_client *c, const struct irc_msg *m)
{
	char list[IRC_LINE_MAX + 1], *rest = list, *name;
	struct chat_channel *ch;
	size_t pos = 0;

	chat_reply(c, "321", "Channel", "Users  Name", NULL);
	if (m->nparams == 0) {
		while ((ch = irc_map_next(c->core->channels, &pos)) != NULL)
			list_one(c, ch);
	} else {
		copy_param(list, m->params[0]);
		while ((name = next_item(&rest)) != NULL)
			if ((ch = chat_find_channel(c->core, name)) != NULL)
				list_one(c, ch);
	}
	chat_reply(c, "323", "End of LIST", NULL);
}

static void
mode_channel(struct chat_client *c, const struct irc_msg *m)
{
	struct chat_channel *ch = chat_find_channel(c->core, m->params[0]);
	char created[24];

	if (!ch) {
		chat_reply(c, "403", m->params[0], "No such channel", NULL);
		return;
	}
	if (m->nparams < 2) {
		chat_reply(c, "324", ch->name, "+n", NULL);
		snprintf(created, sizeof(created), "%lld",
			 (long long)ch->created);
		chat_reply(c, "329", ch->name, created, NULL);
	} else if (m->nparams == 2 && (strcmp(m->params[1], "b") == 0 ||
					 strcmp(m->params[1], "+b") == 0)) {
		chat_reply(c, "368", ch->name, "End of channel ban list", NULL);
	} else {
		chat_reply(c, "482", ch->name, "You're not channel operator",
			   NULL);
	}
}

void
chat_cmd_mode(struct chat_client *c, const struct irc_msg *m)
{
	if (m->params[0][0] == '#')
		mode_channel(c, m);
	else
		chat_cmd_user_mode(c, m);
}

static void
who_reply(struct chat_client *c, const char *chan, const struct chat_client *u)
{
	char real[CHAT_REALNAME_MAX + 4];

	snprintf(real, sizeof(real), "0 %s", u->realname);
	chat_reply(c, "352", chan, u->user, u->host, c->core->cfg.server_name,
		   u->nick, u->away[0] ? "G" : "H", real, NULL);
}

/* WHO with no mask, "0" or "*": the client and everyone sharing a
 * channel with it (RFC 2812 §3.6.1 "visible" users). */
static void
who_neighbours(struct chat_client *c)
{
	unsigned long mark = ++c->core->mark_gen;
	size_t i, j;

	c->mark = mark;
	who_reply(c, "*", c);
	for (i = 0; i < c->nchans; i++) {
		struct chat_channel *ch = c->chans[i];

		for (j = 0; j < ch->nmembers; j++) {
			if (ch->members[j]->mark != mark) {
				ch->members[j]->mark = mark;
				who_reply(c, ch->name, ch->members[j]);
			}
		}
	}
}

void
chat_cmd_who(struct chat_client *c, const struct irc_msg *m)
{
	const char *mask = m->nparams > 0 ? m->params[0] : "*";
	/* "o" asks for operators only: there are none here. */
	bool opers = m->nparams > 1 && strchr(m->params[1], 'o');
	struct chat_channel *ch;
	struct chat_client *u;
	size_t i;

	if (opers) {
		/* nothing to list */
	} else if (strcmp(mask, "*") == 0 || strcmp(mask, "0") == 0) {
		who_neighbours(c);
	} else if ((ch = chat_find_channel(c->core, mask)) != NULL) {
		for (i = 0; i < ch->nmembers; i++)
			who_reply(c, ch->name, ch->members[i]);
	} else if ((u = chat_find_nick(c->core, mask)) != NULL &&
		   (u->flags & CLIENT_REGISTERED)) {
		who_reply(c, "*", u);
	}
	chat_reply(c, "315", mask, "End of WHO list", NULL);
}

/* No channel operators here, so nobody may kick (RFC 2812 §3.2.8). */
void
chat_cmd_kick(struct chat_client *c, const struct irc_msg *m)
{
	struct chat_channel *ch = chat_find_channel(c->core, m->params[0]);

	if (!ch)
		chat_reply(c, "403", m->params[0], "No such channel", NULL);
	else if (!chat_is_member(ch, c))
		chat_reply(c, "442", ch->name, "You're not on that channel",
			   NULL);
	else
		chat_reply(c, "482", ch->name, "You're not channel operator",
			   NULL);
}

/* Channels are not invite-only, so any member may invite (§3.2.7). */
void
chat_cmd_invite(struct chat_client *c, const struct irc_msg *m)
{
	struct chat_client *u = chat_find_nick(c->core, m->params[0]);
	struct chat_channel *ch = chat_find_channel(c->core, m->params[1]);
	char line[IRC_LINE_MAX + 1];
	const char *params[2];
	int len;

	if (!u || !(u->flags & CLIENT_REGISTERED)) {
		chat_reply(c, "401", m->params[0], "No such nick/channel", NULL);
		return;
	}
	if (ch && !chat_is_member(ch, c)) {
		chat_reply(c, "442", ch->name, "You're not on that channel",
			   NULL);
		return;
	}
	if (ch && chat_is_member(ch, u)) {
		chat_reply(c, "443", u->nick, ch->name, "is already on channel",
			   NULL);
		return;
	}
	params[0] = u->nick;
	params[1] = ch ? ch->name : m->params[1];
	if ((len = chat_format_from(c, line, "INVITE", 2, params)) < 0) {
		chat_refuse_too_long(c);	/* (a channel name of 490 bytes) */
		return;
	}
	chat_reply(c, "341", u->nick, params[1], NULL);
	chat_send(u, line, (size_t)len);
}
