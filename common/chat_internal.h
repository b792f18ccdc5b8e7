/* Shared by the chat core's files only: state, output and command helpers. */
#ifndef KIT_COMMON_CHAT_INTERNAL_H
#define KIT_COMMON_CHAT_INTERNAL_H

#define CHAT_VERSION "kit-chat-1.0"

#include <stdbool.h>
#include <stddef.h>

#include "chat_core.h"

struct irc_msg;

/* chat_state.c: names, membership */
bool chat_valid_nick(const char *nick);
bool chat_valid_channel(const char *name);
struct chat_client *chat_find_nick(struct chat_core *core, const char *nick);
struct chat_channel *chat_find_channel(struct chat_core *core,
				       const char *name);
/* Take a free nick; returns 0 or KIT_EINVAL (in use) / KIT_ENOMEM. */
int chat_set_nick(struct chat_client *c, const char *nick);
bool chat_is_member(const struct chat_channel *ch,
		    const struct chat_client *c);
/* Join name (created if new); *out is the channel. KIT_ETOOBIG when the
 * client is on too many channels, KIT_EINVAL if already there. */
int chat_join(struct chat_client *c, const char *name,
	      struct chat_channel **out);
/* Leave a channel; the channel is freed when it becomes empty. */
void chat_part(struct chat_client *c, struct chat_channel *ch);

/* chat_send.c: output */
void chat_send(struct chat_client *c, const char *line, size_t len);
/* The line irc_msg_format or chat_format_from made (len bytes), or, when
 * it would not fit in 512 (len < 0), a 417 to c: refused, never cut
 * short, never dropped unsaid. Returns whether the line went. */
bool chat_send_made(struct chat_client *c, const char *line, int len);
/* 417 ERR_INPUTTOOLONG to c. */
void chat_refuse_too_long(struct chat_client *c);
/* "nick!user@host" of c into out[CHAT_MASK_MAX + 1]. */
const char *chat_mask(const struct chat_client *c, char *out);
/* ":server NUMERIC target params..." with params NULL-terminated. */
void chat_reply(struct chat_client *c, const char *numeric, ...);
/* Format a message from c ("nick!user@host" prefix) into out[IRC_LINE_MAX
 * + 1]. Returns its length, or a negative KIT_E* code. */
int chat_format_from(const struct chat_client *c, char *out,
		     const char *command, int nparams, const char *params[]);
/* To every member of ch except `except` (may be NULL). */
void chat_send_channel(struct chat_channel *ch, struct chat_client *except,
		       const char *line, size_t len);
/* Once to everyone sharing a channel with c, and to c if include_self. */
void chat_send_peers(struct chat_client *c, const char *line, size_t len,
		     bool include_self);

/* chat_cmd_*.c: command handlers; params are validated for count. */
typedef void (*chat_cmd_fn)(struct chat_client *c, const struct irc_msg *m);

void chat_cmd_pass(struct chat_client *c, const struct irc_msg *m);
void chat_cmd_nick(struct chat_client *c, const struct irc_msg *m);
void chat_cmd_user(struct chat_client *c, const struct irc_msg *m);
void chat_cmd_cap(struct chat_client *c, const struct irc_msg *m);
void chat_cmd_ping(struct chat_client *c, const struct irc_msg *m);
void chat_cmd_pong(struct chat_client *c, const struct irc_msg *m);
void chat_cmd_quit(struct chat_client *c, const struct irc_msg *m);
void chat_cmd_motd(struct chat_client *c, const struct irc_msg *m);
void chat_cmd_lusers(struct chat_client *c, const struct irc_msg *m);
void chat_cmd_join(struct chat_client *c, const struct irc_msg *m);
void chat_cmd_part(struct chat_client *c, const struct irc_msg *m);
void chat_cmd_topic(struct chat_client *c, const struct irc_msg *m);
void chat_cmd_names(struct chat_client *c, const struct irc_msg *m);
void chat_cmd_list(struct chat_client *c, const struct irc_msg *m);
void chat_cmd_mode(struct chat_client *c, const struct irc_msg *m);
void chat_cmd_who(struct chat_client *c, const struct irc_msg *m);
void chat_cmd_whois(struct chat_client *c, const struct irc_msg *m);
void chat_cmd_whowas(struct chat_client *c, const struct irc_msg *m);
void chat_cmd_away(struct chat_client *c, const struct irc_msg *m);
void chat_cmd_userhost(struct chat_client *c, const struct irc_msg *m);
void chat_cmd_ison(struct chat_client *c, const struct irc_msg *m);
void chat_cmd_user_mode(struct chat_client *c, const struct irc_msg *m);
void chat_cmd_kick(struct chat_client *c, const struct irc_msg *m);
void chat_cmd_invite(struct chat_client *c, const struct irc_msg *m);
void chat_cmd_version(struct chat_client *c, const struct irc_msg *m);
void chat_cmd_time(struct chat_client *c, const struct irc_msg *m);
void chat_cmd_admin(struct chat_client *c, const struct irc_msg *m);
void chat_cmd_info(struct chat_client *c, const struct irc_msg *m);
void chat_cmd_links(struct chat_client *c, const struct irc_msg *m);
void chat_cmd_oper(struct chat_client *c, const struct irc_msg *m);
void chat_cmd_kill(struct chat_client *c, const struct irc_msg *m);
void chat_cmd_privmsg(struct chat_client *c, const struct irc_msg *m);
void chat_cmd_notice(struct chat_client *c, const struct irc_msg *m);

/* The NAMES reply for one channel (353 lines, then 366). */
void chat_send_names(struct chat_client *c, const struct chat_channel *ch);

#endif
