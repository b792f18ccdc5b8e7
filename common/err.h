/* Kit error codes and the program-level error printers. */
#ifndef KIT_COMMON_ERR_H
#define KIT_COMMON_ERR_H

#include <stdnoreturn.h>

/* Library functions return 0 (or a count) on success, a negative KIT_E* code
 * on failure. kit_strerror() turns a code into text. */
enum kit_err {
	KIT_OK = 0,
	KIT_EAGAIN = -1,      /* would block; try again when the fd is ready */
	KIT_EINCOMPLETE = -2, /* need more bytes */
	KIT_EINVAL = -3,      /* malformed input */
	KIT_ETOOBIG = -4,     /* input exceeds a protocol or configured limit */
	KIT_ENOMEM = -5,      /* allocation failed */
	KIT_ESYS = -6,        /* system call failed; errno has the detail */
	KIT_ECLOSED = -7,     /* peer closed the connection */
	KIT_EAUTH = -8,       /* authentication failed */
};

/* Size of caller-owned error buffers that carry detail (like libpcap's). */
#define KIT_ERRLEN 256

const char *kit_strerror(int code);

/* For programs only: print "prog: message" to stderr (die() then exits 1). */
void kit_set_progname(const char *argv0);
void kit_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
noreturn void kit_die(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
/* A command line the program cannot run with: the message, a pointer to
 * --help, and exit status 2. */
noreturn void kit_usage_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/* For command lines: the decimal number s, which must lie in [min, max];
 * otherwise "invalid WHAT" is printed and the program exits with status 2
 * (a usage error). */
unsigned long long kit_number(const char *s, const char *what,
			      unsigned long long min, unsigned long long max);

#endif
