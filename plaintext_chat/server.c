/* plain-server: the kit's IRC chat server over plain TCP (every byte is
 * readable on the wire, by design). */
#include <stdio.h>

#include "chat_server.h"
#include "err.h"
#include "server_opts.h"

int
main(int argc, char **argv)
{
	struct chat_server_opts opts;
	char err[KIT_ERRLEN];

	kit_set_progname(argv[0]);
	server_opts_parse(&opts, argc, argv, "6667", NULL, 0);
	opts.wrap = tcp_transport_wrap;
	opts.wrap_ctx = NULL;
	if (chat_server_run(&opts, err) < 0)
		kit_die("%s", err);
	server_opts_free(&opts);
	return 0;
}
