/* \summary: fatal errors of gen_captures (the err(3) family, renamed). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fatal.h"

static void report(const char *fmt, va_list ap, int errnum)
	__attribute__((format(printf, 1, 0)));

static void
report(const char *fmt, va_list ap, int errnum)
{
	fputs("gen_captures: ", stderr);
	vfprintf(stderr, fmt, ap);
	if (errnum)
		fprintf(stderr, ": %s", strerror(errnum));
	fputc('\n', stderr);
}

void
fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(fmt, ap, 0);
	va_end(ap);
	exit(1);
}

void
fatal_sys(const char *fmt, ...)
{
	int errnum = errno;
	va_list ap;

	va_start(ap, fmt);
	report(fmt, ap, errnum);
	va_end(ap);
	exit(1);
}
