/* The chat core: users, channels, routing and IRC commands. No I/O. */
#ifndef KIT_COMMON_CHAT_CORE_H
#define KIT_COMMON_CHAT_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net.h"
#include "sendq.h"

/* Limits announced in RPL_ISUPPORT (005). */
#define CHAT_NICK_MAX 30
#define CHAT_USER_MAX 16
#define CHAT_REALNAME_MAX 64
#define CHAT_CHANNEL_MAX 50
#define CHAT_TOPIC_MAX 390
#define CHAT_CHANNELS_PER_CLIENT 20
#define CHAT_REASON_MAX 160
#define CHAT_AWAY_MAX 160
#define CHAT_PASS_MAX 255	/* a longer PASS is kept as an empty one */
/* nick!user@host */
#define CHAT_MASK_MAX (CHAT_NICK_MAX + CHAT_USER_MAX + NET_ADDRSTRLEN + 2)

struct irc_map;
struct chat_channel;

struct chat_config {
	const char *server_name;	/* prefix of server replies */
	const char *network;		/* NETWORK= in 005 */
	const char *password;		/* NULL: no PASS needed */
	/* Per-user passwords (NULL: none): may nick, from address host,
	 * register with PASS pass (NULL without one)? Asked for clients
	 * whose transport proved no nick; one let in keeps that nick as if
	 * proven. */
	bool (*check_login)(void *ud, const char *host, const char *nick,
			    const char *pass);
	void *check_login_ud;
	const char *motd;		/* lines separated by '\n'; NULL: 422 */
	size_t sendq_limit;		/* bytes queued per client before drop */
	unsigned register_timeout_s;	/* unregistered clients dropped after */
	unsigned ping_interval_s;	/* idle clients are PINGed, then dropped */
};

enum chat_client_flag {
	CLIENT_HAS_NICK = 1 << 0,
	CLIENT_HAS_USER = 1 << 1,
	CLIENT_PASS_OK = 1 << 2,
	CLIENT_CAP_PENDING = 1 << 3,	/* CAP LS seen, CAP END not yet */
	CLIENT_REGISTERED = 1 << 4,
	CLIENT_PING_PENDING = 1 << 5,
	CLIENT_DOOMED = 1 << 6,		/* to be removed by chat_core_reap */
	CLIENT_CLOSING = 1 << 7,	/* gone from the chat; flush and close */
	CLIENT_INVISIBLE = 1 << 8,	/* user mode +i (only reported) */
	CLIENT_PASS_GIVEN = 1 << 9,	/* a PASS arrived, right or wrong */
};

struct chat_client {
	struct chat_core *core;
	void *io;		/* owned by the I/O layer */
	unsigned flags;
	char nick[CHAT_NICK_MAX + 1];	/* "*" until NICK */
	char user[CHAT_USER_MAX + 1];
	char realname[CHAT_REALNAME_MAX + 1];
	char host[NET_ADDRSTRLEN];
	char reason[CHAT_REASON_MAX + 1];	/* why it is leaving */
	char away[CHAT_AWAY_MAX + 1];	/* away message, "" when present */
	char proven[CHAT_NICK_MAX + 1];	/* nick the transport proved, or "" */
	char pass[CHAT_PASS_MAX + 1];	/* for check_login; wiped after */
	struct chat_channel **chans;
	size_t nchans;
	struct sendq out;
	uint64_t connected_ms, last_seen_ms;
	unsigned long mark;	/* de-duplicates fan-out to shared peers */
	struct chat_client *prev, *next;	/* all clients */
	struct chat_client *next_pending;	/* output or removal pending */
	bool pending;
};

struct chat_channel {
	char name[CHAT_CHANNEL_MAX + 1];
	char topic[CHAT_TOPIC_MAX + 1];
	char topic_by[CHAT_MASK_MAX + 1];
	int64_t topic_time, created;
	struct chat_client **members;	/* in join order */
	size_t nmembers, cap;
};

/* Writes what the connection will take now (see chat_core_set_writer). */
typedef void (*chat_write_fn)(struct chat_client *c);

struct chat_core {
	struct chat_config cfg;
	chat_write_fn write_now;	/* NULL: output waits for the I/O layer */
	struct irc_map *nicks, *channels;
	struct chat_client *clients;	/* list of all */
	size_t nclients, nregistered;
	struct chat_client *pending;	/* clients with output or removal */
	uint64_t bytes_queued;	/* output queued to anyone, ever: what a
				 * line costs is how far it moves this */
	unsigned long mark_gen;
	int64_t started;
};

/* Returns NULL when out of memory. cfg strings are borrowed for the core's
 * life. */
struct chat_core *chat_core_new(const struct chat_config *cfg);
/* Frees every client and channel; NULL-safe. */
void chat_core_free(struct chat_core *core);

/*
 * Let the core write a client's queue at once when it is about to overflow,
 * so that a reader that keeps up is not dropped because one read of input
 * fanned out more than its queue holds. fn may kill the client on error.
 */
void chat_core_set_writer(struct chat_core *core, chat_write_fn fn);

/* A new connection from host (borrowed). Returns NULL when out of memory. */
struct chat_client *chat_client_new(struct chat_core *core, const char *host,
				    uint64_t now_ms);

/*
 * Handle one received line (as given by linebuf: NUL-terminated, writable,
 * too_long when it was cut at the line limit).
 */
void chat_core_handle_line(struct chat_client *c, char *line, size_t len,
			   bool too_long, uint64_t now_ms);

/* The connection ended or failed: the client leaves with this reason. */
void chat_client_lost(struct chat_client *c, const char *reason);

/* The I/O layer has output of its own for c: put c on the pending list. */
void chat_core_wake(struct chat_client *c);

/* Queue a client's removal (QUIT to its peers) for the next reap. */
void chat_client_kill(struct chat_client *c, const char *reason);

/* Carry out pending removals. Run after handling input, before flushing. */
void chat_core_reap(struct chat_core *core);

/*
 * Take the list of clients with pending output or removal (linked through
 * next_pending). Clients with CLIENT_CLOSING set are out of the chat: the
 * I/O layer flushes what it can, closes and calls chat_client_free.
 */
struct chat_client *chat_core_take_pending(struct chat_core *core);

/* Free a closing client (after chat_core_reap made it CLOSING). */
void chat_client_free(struct chat_client *c);

/* Registration and ping timeouts; call about once a second. */
void chat_core_tick(struct chat_core *core, uint64_t now_ms);

/* Server shutdown: every client gets ERROR and becomes CLOSING. */
void chat_core_shutdown(struct chat_core *core, const char *reason);

#endif
