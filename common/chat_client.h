/* The chat client over any transport: interactive and scripted use. */
#ifndef KIT_COMMON_CHAT_CLIENT_H
#define KIT_COMMON_CHAT_CLIENT_H

#include <stdbool.h>

#include "transport.h"

/* Exit statuses of the client programs (documented in README.md). */
enum client_status {
	CLIENT_EXIT_OK = 0,
	CLIENT_EXIT_ERROR = 1,	/* cannot connect, refused, server closed */
	CLIENT_EXIT_USAGE = 2,
	CLIENT_EXIT_EXPECT = 3,	/* a script's /expect timed out */
};

struct chat_client_opts {
	const char *host, *port;
	const char *nick, *user, *realname;
	const char *channel;	/* joined after registration; may be NULL */
	const char *password;	/* sent as PASS; may be NULL */
	const char *script;	/* file of input lines; NULL: stdin */
	unsigned expect_timeout_s;	/* default wait of /expect */
	unsigned welcome_timeout_s;	/* handshake + registration, at most */
	bool verbose;		/* -v: log the connection (and a transport
				 * its handshake) on stderr */
	transport_wrap_fn wrap;	/* makes the connected socket a transport */
	void *wrap_ctx;
};

/*
 * Connect, register, join, then relay input lines and print what arrives
 * until /quit, end of input (scripted) or the server closes. Returns a
 * client_status; errors are printed to stderr.
 */
int chat_client_run(const struct chat_client_opts *opts);

/* Ends the program with chat_client_run's status: 128 + N by signal N
 * again, so that a shell loop around the client stops at its Ctrl-C too
 * (a shell goes on after a child that merely exits 130). */
_Noreturn void chat_client_exit(int status);

#endif
