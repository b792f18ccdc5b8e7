/* The chat server: an epoll loop moving lines between the core and any
 * transport. */
#ifndef KIT_COMMON_CHAT_SERVER_H
#define KIT_COMMON_CHAT_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "chat_core.h"
#include "transport.h"

struct chat_server_opts {
	const char *bind_addr;	/* "127.0.0.1", "::1", "0.0.0.0"... */
	const char *port;	/* "0" picks a free port (it is logged) */
	size_t max_clients;
	size_t max_per_host;	/* connections from one address; 0: any */
	struct chat_config chat;
	transport_wrap_fn wrap;	/* makes each accepted socket a transport */
	void *wrap_ctx;
	/* What turns away a peer just accepted (server full, out of memory
	 * or descriptors) in terms its client reads: at most cap bytes into
	 * out, their count returned (0: just close). NULL: IRC's "ERROR
	 * :Closing Link: why", for a transport that sends bytes as they are. */
	size_t (*refusal)(const char *why, uint8_t *out, size_t cap);
	bool verbose;		/* log connections and departures */
	const char *progname;	/* prefix of log lines */
};

/*
 * Serve until SIGINT or SIGTERM, then tell every client and return 0.
 * Returns -1 with a message in err when the server cannot start or its
 * event loop fails. Logs to stderr.
 */
int chat_server_run(const struct chat_server_opts *opts, char err[static 256]);

#endif
