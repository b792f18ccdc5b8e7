/* Command-line options shared by the kit's chat clients. */
#ifndef KIT_COMMON_CLIENT_OPTS_H
#define KIT_COMMON_CLIENT_OPTS_H

#include <stddef.h>

struct chat_client_opts;
struct extra_opt;

/* Fill opts from argv, with default_port when --port is absent and the
 * program's extra options (may be NULL, 0); exits with usage (status 2)
 * on error or --help. Leaves wrap/wrap_ctx to the caller. */
void client_opts_parse(struct chat_client_opts *opts, int argc, char **argv,
		       const char *default_port, const struct extra_opt *extra,
		       size_t nextra);

#endif
