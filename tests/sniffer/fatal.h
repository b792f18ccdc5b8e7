/* Fatal errors of gen_captures, a one-shot test tool: print and exit 1.
 * (Not <err.h>: the kit's build puts common/err.h first on the path.) */
#ifndef KIT_TESTS_FATAL_H
#define KIT_TESTS_FATAL_H

/* "gen_captures: MESSAGE", exit 1. */
void fatal(const char *fmt, ...)
	__attribute__((noreturn, format(printf, 1, 2)));

/* "gen_captures: MESSAGE: strerror(errno)", exit 1. */
void fatal_sys(const char *fmt, ...)
	__attribute__((noreturn, format(printf, 1, 2)));

#endif
