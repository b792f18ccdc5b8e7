/* Command-line options shared by the kit's chat servers. */
#ifndef KIT_COMMON_SERVER_OPTS_H
#define KIT_COMMON_SERVER_OPTS_H

struct chat_server_opts;

/*
 * Fill opts from argv (exits with usage on error or --help), with
 * default_port when --port is absent. Reads the MOTD file and raises the
 * descriptor limit to fit --max-clients. Leaves wrap/wrap_ctx to the caller.
 */
void server_opts_parse(struct chat_server_opts *opts, int argc, char **argv,
		       const char *default_port);

/* Frees what server_opts_parse allocated (the MOTD text). */
void server_opts_free(struct chat_server_opts *opts);

#endif
