/* Server queries and operator commands: MOTD, LUSERS, VERSION, TIME,
 * ADMIN, INFO, LINKS, OPER, KILL (RFC 2812 §3.4, §3.7.1). This server has
 * no operators, so OPER and KILL are refused with their usual numerics. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "chat_internal.h"
#include "irc_map.h"
#include "irc_msg.h"

void
chat_cmd_lusers(struct chat_client *c, const struct irc_msg *m)
{
	struct chat_core *core = c->core;
	char text[128], n[24];

	(void)m;
	snprintf(text, sizeof(text),
		 "There are %zu users and 0 services on 1 server",
		 core->nregistered);
	chat_reply(c, "251", text, NULL);
	snprintf(n, sizeof(n), "%zu", core->nclients - core->nregistered);
	chat_reply(c, "253", n, "unknown connection(s)", NULL);
	snprintf(n, sizeof(n), "%zu", irc_map_count(core->channels));
	chat_reply(c, "254", n, "channels formed", NULL);
	snprintf(text, sizeof(text), "I have %zu clients and 0 servers",
		 core->nregistered);
	chat_reply(c, "255", text, NULL);
}

void
chat_cmd_motd(struct chat_client *c, const struct irc_msg *m)
{
	const char *p = c->core->cfg.motd, *nl;
	char text[IRC_LINE_MAX], head[96];

	(void)m;
	if (!p) {
		chat_reply(c, "422", "MOTD File is missing", NULL);
		return;
	}
	snprintf(head, sizeof(head), "- %s Message of the day - ",
		 c->core->cfg.server_name);
	chat_reply(c, "375", head, NULL);
	for (; *p; p = *nl ? nl + 1 : nl) {
		nl = p + strcspn(p, "\n");
		/* 80 columns per line, as RFC 2812 §3.4.1 suggests */
		snprintf(text, sizeof(text), "- %.*s",
			 (int)((nl - p) > 80 ? 80 : (nl - p)), p);
		chat_reply(c, "372", text, NULL);
	}
	chat_reply(c, "376", "End of MOTD command", NULL);
}

void
chat_cmd_version(struct chat_client *c, const struct irc_msg *m)
{
	(void)m;
	chat_reply(c, "351", CHAT_VERSION, c->core->cfg.server_name,
		   "the eavesdropping kit's chat server", NULL);
}

void
chat_cmd_time(struct chat_client *c, const struct irc_msg *m)
{
	char text[64];
	time_t now = time(NULL);
	struct tm tm;

	(void)m;
	gmtime_r(&now, &tm);
	strftime(text, sizeof(text), "%A %B %d %Y -- %H:%M:%S UTC", &tm);
	chat_reply(c, "391", c->core->cfg.server_name, text, NULL);
}

void
chat_cmd_admin(struct chat_client *c, const struct irc_msg *m)
{
	(void)m;
	chat_reply(c, "423", c->core->cfg.server_name,
		   "No administrative info available", NULL);
}

void
chat_cmd_info(struct chat_client *c, const struct irc_msg *m)
{
	(void)m;
	chat_reply(c, "371", "A chat server for classes on eavesdropping: "
		   "everything said here is readable on the wire.", NULL);
	chat_reply(c, "374", "End of INFO list", NULL);
}

void
chat_cmd_links(struct chat_client *c, const struct irc_msg *m)
{
	const char *name = c->core->cfg.server_name;

	(void)m;
	chat_reply(c, "364", name, name, "0 kit chat server", NULL);
	chat_reply(c, "365", "*", "End of LINKS list", NULL);
}

void
chat_cmd_oper(struct chat_client *c, const struct irc_msg *m)
{
	(void)m;
	chat_reply(c, "491", "No O-lines for your host", NULL);
}

void
chat_cmd_kill(struct chat_client *c, const struct irc_msg *m)
{
	(void)m;
	chat_reply(c, "481", "Permission Denied- You're not an IRC operator",
		   NULL);
}
