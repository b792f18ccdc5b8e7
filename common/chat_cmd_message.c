/* Messages: PRIVMSG and NOTICE (RFC 2812 §3.3). */
#include <stdio.h>
#include <string.h>

#include "chat_internal.h"
#include "err.h"
#include "irc_msg.h"

/* Targets per message, announced as the usual TARGMAX would be. */
#define CHAT_TARGETS_MAX 4

/* The targets one message has reached: a channel or a client gets it
 * once, however many times the list names it ("#lab,#LAB"). */
struct reached {
	const void *dest[CHAT_TARGETS_MAX];
	int n;
};

static bool
reached_before(struct reached *r, const void *dest)
{
	int i;

	for (i = 0; i < r->n; i++)
		if (r->dest[i] == dest)
			return true;
	if (r->n < CHAT_TARGETS_MAX)
		r->dest[r->n++] = dest;
	return false;
}

/*
 * Deliver one message to one target. Errors are replied for PRIVMSG only:
 * NOTICE must never trigger automatic replies (RFC 2812 §3.3.2).
 */
static void
deliver(struct chat_client *c, const char *command, const char *target,
	const char *text, bool replies, struct reached *reached)
{
	char line[IRC_LINE_MAX + 1];
	const char *params[] = { target, text };
	struct chat_channel *ch = NULL;
	struct chat_client *to = NULL;
	int len;

	if (target[0] == '#' && !(ch = chat_find_channel(c->core, target))) {
		if (replies)
			chat_reply(c, "403", target, "No such channel", NULL);
		return;
	}
	if (target[0] != '#' && (!(to = chat_find_nick(c->core, target)) ||
				 !(to->flags & CLIENT_REGISTERED))) {
		if (replies)
			chat_reply(c, "401", target, "No such nick/channel",
				   NULL);
		return;
	}
	if (ch && !chat_is_member(ch, c)) {
		if (replies)
			chat_reply(c, "404", ch->name,
				   "Cannot send to channel", NULL);
		return;
	}
	if (reached_before(reached, ch ? (const void *)ch : to))
		return;
	params[0] = ch ? ch->name : to->nick;
	if ((len = chat_format_from(c, line, command, 2, params)) < 0) {
		/* Relayed with our prefix it would pass 512 bytes: say so
		 * rather than cut the text short. */
		if (replies)
			chat_refuse_too_long(c);
		return;
	}
	if (ch) {
		chat_send_channel(ch, c, line, (size_t)len);
		return;
	}
	chat_send(to, line, (size_t)len);
	if (replies && to->away[0])
		chat_reply(c, "301", to->nick, to->away, NULL);
}

static void
message(struct chat_client *c, const struct irc_msg *m, bool replies)
{
	char list[IRC_LINE_MAX + 1], *rest = list, *target, *comma;
	struct reached reached = { .n = 0 };
	int n = 0;

	if (m->nparams == 0 || m->params[0][0] == '\0') {
		if (replies)
			chat_reply(c, "411", m->command[0] == 'N' ?
				   "No recipient given (NOTICE)" :
				   "No recipient given (PRIVMSG)", NULL);
		return;
	}
	if (m->nparams < 2 || m->params[1][0] == '\0') {
		if (replies)
			chat_reply(c, "412", "No text to send", NULL);
		return;
	}
	snprintf(list, sizeof(list), "%s", m->params[0]);
	while (rest && *rest && n++ < CHAT_TARGETS_MAX) {
		target = rest;
		if ((comma = strchr(rest, ',')) != NULL) {
			*comma = '\0';
			rest = comma + 1;
		} else {
			rest = NULL;
		}
		if (*target)
			deliver(c, replies ? "PRIVMSG" : "NOTICE", target,
				m->params[1], replies, &reached);
	}
}

void
chat_cmd_privmsg(struct chat_client *c, const struct irc_msg *m)
{
	message(c, m, true);
}

void
chat_cmd_notice(struct chat_client *c, const struct irc_msg *m)
{
	message(c, m, false);
}
