/* Options a program adds to the shared server and client command lines
 * (secure_chat adds --key, --pad... to plaintext_chat's). */
#ifndef KIT_COMMON_EXTRA_OPTS_H
#define KIT_COMMON_EXTRA_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct option;

struct extra_opt {
	const char *name;	/* long option, without "--" */
	bool has_arg;
	const char **value;	/* receives the argument, or "1" for a flag */
	const char *help;	/* its usage line(s), ending in '\n' */
};

/* The first value getopt_long returns for extras (extra i: base + i). */
#define EXTRA_OPT_BASE 1000
#define EXTRA_OPT_MAX 16

/*
 * Copy the nbase options of base (without their terminator) and the
 * extras into out (room for nbase + nextra + 1), terminated. Returns
 * false when there are more than EXTRA_OPT_MAX extras.
 */
bool extra_opts_merge(const struct option *base, size_t nbase,
		      const struct extra_opt *extra, size_t nextra,
		      struct option *out);

/* Print the extras' help lines after a program's own usage text. */
void extra_opts_usage(FILE *f, const struct extra_opt *extra, size_t nextra);

/* If ch is an extra's getopt value, store optarg and return true. */
bool extra_opts_take(int ch, const struct extra_opt *extra, size_t nextra,
		     const char *arg);

#endif
