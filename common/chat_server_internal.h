/* What the chat server's two halves share: chat_server.c (accept, write,
 * close, the loop) and chat_server_input.c (each connection's turn at
 * reading). */
#ifndef KIT_COMMON_CHAT_SERVER_INTERNAL_H
#define KIT_COMMON_CHAT_SERVER_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "chat_core.h"
#include "chat_server.h"
#include "evloop.h"
#include "irc_msg.h"
#include "linebuf.h"
#include "transport.h"

#define READ_CHUNK (16 * 1024)

struct server;

struct conn {
	struct evhandler h;	/* first: the loop hands us &conn->h */
	struct server *srv;
	struct transport *t;
	struct chat_client *c;
	uint32_t events;
	struct conn *next_again;	/* on the server's again list */
	bool again;
	struct linebuf lb;
	char line[IRC_TEXT_MAX + 1];
	bool heard;	/* some input came: it was not a hello */
	uint64_t turn_start;	/* the core's bytes_queued as the turn began */
	char *held;	/* read, not yet handled: from held_off to held_len */
	size_t held_off, held_len;
};

struct server {
	const struct chat_server_opts *opts;
	struct evloop *loop;
	struct chat_core *core;
	struct evhandler listener, signals;
	struct evtimer tick, again_timer;
	struct conn *again;	/* turn over, input held or still buffered */
	struct host_limit *per_host;	/* --max-per-host */
	int spare_fd;	/* released to accept-and-refuse when out of fds */
	size_t nconns;
	char readbuf[READ_CHUNK];
};


/* k's turn at reading: lines into the core until its budget is spent or
 * nothing waits (chat_server_input.c). */
void conn_read(struct conn *k);

/* Free the input k holds for its next turn (wiped: it may hold a PASS). */
void conn_drop_held(struct conn *k);

#endif
