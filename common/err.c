/* Kit error codes to text; warn/die for programs (in the spirit of err(3)). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"

static const char *progname = "kit";

const char *
kit_strerror(int code)
{
	switch (code) {
	case KIT_OK: return "success";
	case KIT_EAGAIN: return "operation would block";
	case KIT_EINCOMPLETE: return "incomplete input";
	case KIT_EINVAL: return "malformed input";
	case KIT_ETOOBIG: return "input too large";
	case KIT_ENOMEM: return "out of memory";
	case KIT_ESYS: return "system error";
	case KIT_ECLOSED: return "connection closed";
	case KIT_EAUTH: return "authentication failed";
	}
	return "unknown error";
}

void
kit_set_progname(const char *argv0)
{
	const char *slash = strrchr(argv0, '/');

	progname = slash ? slash + 1 : argv0;
}

static void vwarn_line(const char *fmt, va_list ap)
	__attribute__((format(printf, 1, 0)));

/* One line in one write: stderr is unbuffered, and two programs writing
 * to one terminal would otherwise interleave their lines' pieces. */
static void
vwarn_line(const char *fmt, va_list ap)
{
	char line[1024];
	int n = snprintf(line, sizeof(line), "%s: ", progname);

	if (n >= 0 && (size_t)n < sizeof(line))
		vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	fprintf(stderr, "%s\n", line);
}

void
kit_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn_line(fmt, ap);
	va_end(ap);
}

void
kit_die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn_line(fmt, ap);
	va_end(ap);
	exit(1);
}

void
kit_usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn_line(fmt, ap);
	va_end(ap);
	fprintf(stderr, "Try '%s --help'.\n", progname);
	exit(2);
}

unsigned long long
kit_number(const char *s, const char *what, unsigned long long min,
	   unsigned long long max)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-' || v < min || v > max) {
		kit_warn("invalid %s '%s' (expected %llu to %llu)", what, s,
			 min, max);
		exit(2);
	}
	return v;
}
