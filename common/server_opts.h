/* Command-line options shared by the kit's chat servers. */
#ifndef KIT_COMMON_SERVER_OPTS_H
#define KIT_COMMON_SERVER_OPTS_H

#include <stddef.h>

struct chat_server_opts;
struct extra_opt;

/*
 * Fill opts from argv (exits with usage on error or --help), with
 * default_port when --port is absent, and the program's own nextra extra
 * options (may be NULL, 0). Reads the MOTD file and raises the descriptor
 * limit to fit --max-clients. Leaves wrap/wrap_ctx to the caller.
 */
void server_opts_parse(struct chat_server_opts *opts, int argc, char **argv,
		       const char *default_port, const struct extra_opt *extra,
		       size_t nextra);

/* Frees what server_opts_parse allocated (the MOTD text). */
void server_opts_free(struct chat_server_opts *opts);

#endif
