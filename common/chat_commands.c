/* Command dispatch and the client life cycle: input, removal, timeouts. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "chat_internal.h"
#include "err.h"
#include "irc_map.h"
#include "irc_msg.h"

struct command {
	const char *name;
	chat_cmd_fn fn;
	int min_params;		/* fewer: 461 ERR_NEEDMOREPARAMS */
	bool before_registration;	/* allowed before 001 */
};

static const struct command commands[] = {
	{ "PRIVMSG", chat_cmd_privmsg, 0, false },
	{ "NOTICE", chat_cmd_notice, 0, false },
	{ "PING", chat_cmd_ping, 1, true },
	{ "PONG", chat_cmd_pong, 0, true },
	{ "JOIN", chat_cmd_join, 1, false },
	{ "PART", chat_cmd_part, 1, false },
	{ "NICK", chat_cmd_nick, 0, true },
	{ "USER", chat_cmd_user, 4, true },
	{ "PASS", chat_cmd_pass, 1, true },
	{ "CAP", chat_cmd_cap, 1, true },
	{ "QUIT", chat_cmd_quit, 0, true },
	{ "TOPIC", chat_cmd_topic, 1, false },
	{ "NAMES", chat_cmd_names, 0, false },
	{ "LIST", chat_cmd_list, 0, false },
	{ "MODE", chat_cmd_mode, 1, false },
	{ "WHO", chat_cmd_who, 0, false },
	{ "WHOIS", chat_cmd_whois, 1, false },
	{ "WHOWAS", chat_cmd_whowas, 1, false },
	{ "AWAY", chat_cmd_away, 0, false },
	{ "USERHOST", chat_cmd_userhost, 1, false },
	{ "ISON", chat_cmd_ison, 1, false },
	{ "KICK", chat_cmd_kick, 2, false },
	{ "INVITE", chat_cmd_invite, 2, false },
	{ "MOTD", chat_cmd_motd, 0, false },
	{ "LUSERS", chat_cmd_lusers, 0, false },
	{ "VERSION", chat_cmd_version, 0, false },
	{ "TIME", chat_cmd_time, 0, false },
	{ "ADMIN", chat_cmd_admin, 0, false },
	{ "INFO", chat_cmd_info, 0, false },
	{ "LINKS", chat_cmd_links, 0, false },
	{ "OPER", chat_cmd_oper, 2, false },
	{ "KILL", chat_cmd_kill, 2, false },
};

static const struct command *
find_command(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcasecmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

static void
dispatch(struct chat_client *c, const struct irc_msg *m)
{
	const struct command *cmd = find_command(m->command);

	if (!cmd) {
		if (!irc_is_numeric(m->command))	/* replies are ignored */
			chat_reply(c, "421", m->command, "Unknown command",
				   NULL);
		return;
	}
	if (!cmd->before_registration && !(c->flags & CLIENT_REGISTERED)) {
		chat_reply(c, "451", "You have not registered", NULL);
		return;
	}
	if (m->nparams < cmd->min_params) {
		chat_reply(c, "461", cmd->name, "Not enough parameters", NULL);
		return;
	}
	cmd->fn(c, m);
}

void
chat_core_handle_line(struct chat_client *c, char *line, size_t len,
		      bool too_long, uint64_t now_ms)
{
	struct irc_msg m;
	int r;

	if (c->flags & (CLIENT_DOOMED | CLIENT_CLOSING))
		return;
	c->last_seen_ms = now_ms;
	c->flags &= ~CLIENT_PING_PENDING;
	if (too_long) {
		chat_refuse_too_long(c);
		return;
	}
	if ((r = irc_msg_parse(line, len, &m)) < 0) {
		chat_reply(c, "421", "*", r == KIT_ETOOBIG ?
			   "Input line was too long" : "Malformed message",
			   NULL);
		return;
	}
	dispatch(c, &m);
	/* A password stays no longer than its check: the line lies in the
	 * server's read buffer or the connection's line buffer. */
	if (strcasecmp(m.command, "PASS") == 0)
		explicit_bzero(line, len);
}

void
chat_client_lost(struct chat_client *c, const char *reason)
{
	chat_client_kill(c, reason);
}

/* Take a doomed client out of the chat: peers see it QUIT. */
static void
remove_client(struct chat_client *c)
{
	struct chat_core *core = c->core;
	char line[IRC_LINE_MAX + 1], error[IRC_LINE_MAX + 1];
	const char *params[] = { c->reason };
	int len = chat_format_from(c, line, "QUIT", 1, params);

	c->flags = (c->flags & ~CLIENT_DOOMED) | CLIENT_CLOSING;
	if (len > 0 && (c->flags & CLIENT_REGISTERED))
		chat_send_peers(c, line, (size_t)len, false);
	while (c->nchans > 0)
		chat_part(c, c->chans[c->nchans - 1]);
	if (c->flags & CLIENT_HAS_NICK) {
		irc_map_del(core->nicks, c->nick);
		c->flags &= ~CLIENT_HAS_NICK;
	}
	len = snprintf(error, sizeof(error), "ERROR :Closing Link: %s (%s)\r\n",
		       c->host, c->reason);
	if (len > 0 && (size_t)len < sizeof(error))
		sendq_append(&c->out, error, (size_t)len);
}

void
chat_core_reap(struct chat_core *core)
{
	struct chat_client *c;
	bool again = true;

	/* Removing one client can overflow another's queue and doom it too:
	 * repeat until a pass finds nobody left to remove. */
	while (again) {
		again = false;
		for (c = core->pending; c; c = c->next_pending) {
			if (c->flags & CLIENT_DOOMED) {
				remove_client(c);
				again = true;
			}
		}
	}
}

struct chat_client *
chat_core_take_pending(struct chat_core *core)
{
	struct chat_client *list = core->pending, *c;

	for (c = list; c; c = c->next_pending)
		c->pending = false;
	core->pending = NULL;
	return list;
}

static void
tick_client(struct chat_client *c, uint64_t now_ms)
{
	const struct chat_config *cfg = &c->core->cfg;
	uint64_t idle = now_ms - c->last_seen_ms;
	uint64_t ping_ms = (uint64_t)cfg->ping_interval_s * 1000;
	char line[IRC_LINE_MAX + 1];
	int len;

	if (!(c->flags & CLIENT_REGISTERED)) {
		if (now_ms - c->connected_ms >=
		    (uint64_t)cfg->register_timeout_s * 1000)
			chat_client_kill(c, "Registration timed out");
	} else if (c->flags & CLIENT_PING_PENDING) {
		if (idle >= 2 * ping_ms)
			chat_client_kill(c, "Ping timeout");
	} else if (idle >= ping_ms) {
		len = snprintf(line, sizeof(line), "PING :%s\r\n",
			       cfg->server_name);
		c->flags |= CLIENT_PING_PENDING;
		chat_send(c, line, (size_t)len);
	}
}

void
chat_core_tick(struct chat_core *core, uint64_t now_ms)
{
	struct chat_client *c;

	for (c = core->clients; c; c = c->next)
		if (!(c->flags & (CLIENT_DOOMED | CLIENT_CLOSING)))
			tick_client(c, now_ms);
}

void
chat_core_shutdown(struct chat_core *core, const char *reason)
{
	struct chat_client *c;

	for (c = core->clients; c; c = c->next)
		chat_client_kill(c, reason);
	chat_core_reap(core);
}
