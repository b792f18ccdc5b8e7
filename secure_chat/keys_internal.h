/*
 * Internal to the keys module (keys.c, keys_text.c, keys_trust.c): the
 * helpers its files share. Not for other modules: keys.h is the API.
 * err is KIT_ERRLEN (256) bytes, owned by the caller, as in keys.h.
 */
#ifndef KIT_SECURE_KEYS_INTERNAL_H
#define KIT_SECURE_KEYS_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "keys.h"

/* err = the formatted message; longer messages are cut. */
void keys_errf(char err[static 256], const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* err = "path: strerror(errno)"; errno is kept. Returns KIT_ESYS. */
int keys_sys_error(char err[static 256], const char *path);

/* err = "path:line: why". Returns KIT_EINVAL. */
int keys_line_error(char err[static 256], const char *path, unsigned no,
		    const char *why);

/* keys_next_line's failure r as a keys_line_error message. Returns r. */
int keys_bad_line(char err[static 256], const char *path, unsigned no,
		  int r);

/* The next field of *s (spaces or tabs between), NUL-terminated in
 * place; NULL when none is left. */
char *keys_field(char **s);

/* keys_read_text, also giving the file's mode (mode may be NULL). On
 * failure the partial buffer is wiped: it may hold a private key. */
int keys_read_file(const char *path, size_t max, char **text, size_t *len,
		   mode_t *mode, char err[static 256]);

/* "kit-ed25519 BASE64 [comment]" at s (modified): NULL, or why not. pub
 * is written only on success. */
const char *keys_parse_key(char *s, uint8_t pub[static KEYS_PUB_LEN]);

#endif
