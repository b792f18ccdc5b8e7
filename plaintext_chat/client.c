/* plain-client: the kit's chat client over plain TCP. */
#include <unistd.h>

#include "chat_client.h"
#include "client_opts.h"
#include "err.h"

int
main(int argc, char **argv)
{
	struct chat_client_opts opts;

	kit_set_progname(argv[0]);
	client_opts_parse(&opts, argc, argv, "6667", NULL, 0);
	opts.wrap = tcp_transport_wrap;
	opts.wrap_ctx = NULL;
	chat_client_exit(chat_client_run(&opts));
}
