/* Command-line options shared by the kit's chat clients. */
#ifndef KIT_COMMON_CLIENT_OPTS_H
#define KIT_COMMON_CLIENT_OPTS_H

struct chat_client_opts;

/* Fill opts from argv, with default_port when --port is absent; exits with
 * usage (status 2) on error or --help. Leaves wrap/wrap_ctx to the caller. */
void client_opts_parse(struct chat_client_opts *opts, int argc, char **argv,
		       const char *default_port);

#endif
