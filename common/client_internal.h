/* Shared by the chat client's files only. */
#ifndef KIT_COMMON_CLIENT_INTERNAL_H
#define KIT_COMMON_CLIENT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "chat_client.h"
#include "chat_core.h"
#include "evloop.h"
#include "irc_msg.h"
#include "linebuf.h"

/* Longest line read from the user or a script; longer text is split into
 * several messages when sent. */
#define CLIENT_INPUT_MAX 4096
#define CLIENT_SEEN_MAX (64 * 1024)

enum client_phase {
	PHASE_REGISTERING,	/* NICK/USER sent, waiting for 001 */
	PHASE_JOINING,		/* waiting for the end of MOTD or NAMES */
	PHASE_READY,		/* user input is sent */
	PHASE_QUITTING,		/* QUIT sent, waiting for the server to close */
	PHASE_GONE,		/* the connection ended; the loop is stopping */
};

struct client {
	const struct chat_client_opts *opts;
	struct evloop *loop;
	struct transport *t;
	struct evhandler net, in, signals;
	uint32_t net_events, in_events;	/* what epoll watches now */
	bool in_pollable;	/* false for regular files: always readable */
	struct sendq out;
	enum client_phase phase;
	int status;		/* exit status once the loop stops */
	char nick[CHAT_NICK_MAX + 1];
	char channel[CHAT_CHANNEL_MAX + 1];	/* current channel, or "" */
	struct linebuf net_lb, in_lb;
	char net_line[IRC_TEXT_MAX + 1], in_line[CLIENT_INPUT_MAX + 1];
	/* Input lines waiting for their turn (scripts pause on /sleep and
	 * /expect); reading input stops while this is full. */
	struct sendq script;
	bool input_eof;
	struct evtimer pause_timer;
	struct evtimer welcome_timer;	/* the wait for 001 */
	bool paused;
	char expect[CLIENT_INPUT_MAX + 1];	/* /expect text, or "" */
	/* Lines shown so far (the most recent CLIENT_SEEN_MAX bytes), so that
	 * /expect also finds a line that arrived before it was run; lines
	 * before seen_from were already matched by an earlier /expect. */
	char seen[CLIENT_SEEN_MAX];
	size_t seen_len, seen_from;
	unsigned nick_retries;
};

/* client_input.c: run one line typed by the user or read from a script. */
void client_input_line(struct client *cl, char *line, size_t len);

/* client_view.c: show one line received from the server. */
void client_view_line(struct client *cl, const struct irc_msg *m);
/* Print "HH:MM:SS text" for the kit's own messages (text is trusted). */
void client_view_note(const struct client *cl, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Show a message this client sent, as the others will see it. */
void client_view_own(const struct client *cl, const char *command,
		     const char *target, const char *text, bool action);

/* chat_client.c: send one IRC message built from parts. */
void client_send(struct client *cl, const char *command, int nparams,
		 const char *params[]);
/* Record a shown line; it ends a script's /expect wait if it matches. */
void client_saw(struct client *cl, const char *shown);
/* Wait for a line containing text (or find it among those already seen). */
void client_expect(struct client *cl, const char *text);
/* Input after registration, joins, /sleep and /expect. */
void client_pause(struct client *cl, unsigned ms);
void client_quit(struct client *cl, const char *reason);

#endif
