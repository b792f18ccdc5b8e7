/* Parse and format one IRC message (RFC 1459 §2.3, RFC 2812 §2.3). No I/O. */
#ifndef KIT_COMMON_IRC_MSG_H
#define KIT_COMMON_IRC_MSG_H

#include <stddef.h>

/* A message is at most 512 bytes including the CR-LF (RFC 2812 §2.3). */
#define IRC_LINE_MAX 512
#define IRC_TEXT_MAX (IRC_LINE_MAX - 2)
/* At most 15 parameters; the 15th takes the rest of the line. */
#define IRC_PARAMS_MAX 15

/*
 *   [ '@' tags SPACE ] [ ':' prefix SPACE ] command { SPACE param }
 *   [ SPACE ':' trailing ]
 *
 * All pointers point into the caller's line buffer.
 */
struct irc_msg {
	const char *prefix;	/* NULL when absent */
	const char *command;
	const char *params[IRC_PARAMS_MAX];
	int nparams;
};

/*
 * Parse line[0..len) (without its terminator) in place: separators are
 * overwritten with NULs, so line[len] must be writable. IRCv3 message tags,
 * which clients send only after negotiating them, are skipped.
 * Returns 0, or KIT_EINVAL for an empty command, a NUL/CR/LF byte inside the
 * line, or a command that is neither letters nor three digits; KIT_ETOOBIG
 * when len > IRC_TEXT_MAX plus any tags. msg is undefined on error.
 */
int irc_msg_parse(char *line, size_t len, struct irc_msg *msg);

/*
 * Format a message with CR-LF into out[0..cap). prefix may be NULL. The last
 * parameter is always written as trailing (with ':'). Params are borrowed.
 * Returns the length written (NUL-terminated, NUL not counted), KIT_ETOOBIG
 * when the line would exceed IRC_LINE_MAX or cap, KIT_EINVAL when a
 * parameter other than the last is empty, holds a space or starts with ':',
 * or any part holds NUL, CR or LF.
 */
int irc_msg_format(char *out, size_t cap, const char *prefix,
		   const char *command, int nparams,
		   const char *const params[]);

/* True when the command is a three-digit numeric reply. */
int irc_is_numeric(const char *command);

#endif
