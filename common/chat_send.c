/* Chat output: queueing lines, numeric replies and fan-out. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "chat_internal.h"
#include "err.h"
#include "irc_msg.h"

static void
mark_pending(struct chat_client *c)
{
	if (c->pending)
		return;
	c->pending = true;
	c->next_pending = c->core->pending;
	c->core->pending = c;
}

void
chat_send(struct chat_client *c, const char *line, size_t len)
{
	if (c->flags & (CLIENT_DOOMED | CLIENT_CLOSING))
		return;
	if (sendq_append(&c->out, line, len) < 0) {
		if (c->core->write_now)
			c->core->write_now(c);
		if ((c->flags & CLIENT_DOOMED) ||
		    sendq_append(&c->out, line, len) < 0) {
			/* Too slow a reader would stall the room or eat
			 * memory: it goes, the others carry on. */
			chat_client_kill(c, "SendQ exceeded");
			return;
		}
	}
	c->core->bytes_queued += len;
	mark_pending(c);
}

void
chat_core_wake(struct chat_client *c)
{
	mark_pending(c);
}

void
chat_client_kill(struct chat_client *c, const char *reason)
{
	if (c->flags & (CLIENT_DOOMED | CLIENT_CLOSING))
		return;
	c->flags |= CLIENT_DOOMED;
	snprintf(c->reason, sizeof(c->reason), "%s", reason);
	mark_pending(c);
}

/* A middle parameter echoed from the client may not be one on the wire. */
static const char *
safe_middle(const char *p)
{
	if (p[0] == '\0' || p[0] == ':' || strchr(p, ' ') ||
	    strlen(p) >= NET_ADDRSTRLEN)
		return "*";
	return p;
}

void
chat_reply(struct chat_client *c, const char *numeric, ...)
{
	const char *params[IRC_PARAMS_MAX];
	char line[IRC_LINE_MAX + 1];
	int i, n = 0, len;
	va_list ap;

	params[n++] = c->nick;
	va_start(ap, numeric);
	while (n < IRC_PARAMS_MAX && (params[n] = va_arg(ap, const char *)))
		n++;
	va_end(ap);
	for (i = 1; i < n - 1; i++)
		params[i] = safe_middle(params[i]);
	len = irc_msg_format(line, sizeof(line), c->core->cfg.server_name,
			     numeric, n, params);
	/* (A parameter echoed from the client can make it too long: an
	 * INVITE's channel, say. The 417 itself always fits.) */
	chat_send_made(c, line, len);
}

void
chat_refuse_too_long(struct chat_client *c)
{
	chat_reply(c, "417", "Input line was too long", NULL);
}

bool
chat_send_made(struct chat_client *c, const char *line, int len)
{
	if (len < 0) {
		chat_refuse_too_long(c);
		return false;
	}
	chat_send(c, line, (size_t)len);
	return true;
}

const char *
chat_mask(const struct chat_client *c, char *out)
{
	snprintf(out, CHAT_MASK_MAX + 1, "%s!%s@%s", c->nick,
		 c->user[0] ? c->user : "*", c->host);
	return out;
}

int
chat_format_from(const struct chat_client *c, char *out, const char *command,
		 int nparams, const char *params[])
{
	char prefix[CHAT_MASK_MAX + 1];

	return irc_msg_format(out, IRC_LINE_MAX + 1, chat_mask(c, prefix),
			      command, nparams, params);
}

void
chat_send_channel(struct chat_channel *ch, struct chat_client *except,
		  const char *line, size_t len)
{
	size_t i;

	for (i = 0; i < ch->nmembers; i++)
		if (ch->members[i] != except)
			chat_send(ch->members[i], line, len);
}

void
chat_send_peers(struct chat_client *c, const char *line, size_t len,
		bool include_self)
{
	unsigned long mark = ++c->core->mark_gen;
	size_t i, j;

	c->mark = mark;
	if (include_self)
		chat_send(c, line, len);
	for (i = 0; i < c->nchans; i++) {
		struct chat_channel *ch = c->chans[i];

		for (j = 0; j < ch->nmembers; j++) {
			struct chat_client *peer = ch->members[j];

			if (peer->mark != mark) {
				peer->mark = mark;
				chat_send(peer, line, len);
			}
		}
	}
}
