/* Parse and format one IRC message: RFC 1459 §2.3.1, RFC 2812 §2.3.1. */
#include <ctype.h>
#include <string.h>

#include "err.h"
#include "irc_msg.h"

/* Skip runs of spaces; RFC 2812 allows one, real clients send several. */
static char *
skip_spaces(char *p, char *end)
{
	while (p < end && *p == ' ')
		p++;
	return p;
}

/* NUL-terminate the word starting at p; return the byte after it. */
static char *
cut_word(char *p, char *end)
{
	while (p < end && *p != ' ')
		p++;
	if (p < end)
		*p++ = '\0';
	return p;
}

static int
valid_command(const char *cmd)
{
	size_t i, n = strlen(cmd);

	if (n == 0)
		return 0;
	if (irc_is_numeric(cmd))
		return 1;
	for (i = 0; i < n; i++)
		if (!isalpha((unsigned char)cmd[i]))
			return 0;
	return 1;
}

static void
parse_params(char *p, char *end, struct irc_msg *msg)
{
	msg->nparams = 0;
	for (;;) {
		p = skip_spaces(p, end);
		if (p >= end)
			return;
		if (*p == ':' || msg->nparams == IRC_PARAMS_MAX - 1) {
			/* Trailing: the rest of the line, spaces included. */
			if (*p == ':')
				p++;
			msg->params[msg->nparams++] = p;
			return;
		}
		msg->params[msg->nparams++] = p;
		p = cut_word(p, end);
	}
}

int
irc_msg_parse(char *line, size_t len, struct irc_msg *msg)
{
	char *p = line, *end = line + len;

	if (memchr(line, '\0', len) || memchr(line, '\r', len) ||
	    memchr(line, '\n', len))
		return KIT_EINVAL;
	*end = '\0';
	if (p < end && *p == '@')
		p = skip_spaces(cut_word(p, end), end);
	if ((size_t)(end - p) > IRC_TEXT_MAX)
		return KIT_ETOOBIG;
	msg->prefix = NULL;
	if (p < end && *p == ':') {
		msg->prefix = p + 1;
		p = skip_spaces(cut_word(p, end), end);
		if (msg->prefix[0] == '\0')
			return KIT_EINVAL;
	}
	msg->command = p;
	p = cut_word(p, end);
	if (!valid_command(msg->command))
		return KIT_EINVAL;
	parse_params(p, end, msg);
	return 0;
}

int
irc_is_numeric(const char *command)
{
	return isdigit((unsigned char)command[0]) &&
	       isdigit((unsigned char)command[1]) &&
	       isdigit((unsigned char)command[2]) && command[3] == '\0';
}

static int
has_line_breakers(const char *s)
{
	return strpbrk(s, "\r\n") != NULL;
}

static int
needs_trailing(const char *param)
{
	return param[0] == '\0' || param[0] == ':' || strchr(param, ' ');
}

/* Append a string; returns the new length or KIT_ETOOBIG. */
static int
put(char *out, size_t cap, size_t len, const char *s)
{
	size_t n = strlen(s);

	if (n >= cap - len)
		return KIT_ETOOBIG;
	memcpy(out + len, s, n + 1);
	return (int)(len + n);
}

static int
check_parts(const char *prefix, const char *command, int nparams,
	    const char *const params[])
{
	int i;

	if (nparams < 0 || nparams > IRC_PARAMS_MAX || !valid_command(command))
		return KIT_EINVAL;
	if (prefix && (prefix[0] == '\0' || strchr(prefix, ' ') ||
		       has_line_breakers(prefix)))
		return KIT_EINVAL;
	for (i = 0; i < nparams; i++) {
		if (has_line_breakers(params[i]))
			return KIT_EINVAL;
		if (i < nparams - 1 && needs_trailing(params[i]))
			return KIT_EINVAL;
	}
	return 0;
}

int
irc_msg_format(char *out, size_t cap, const char *prefix, const char *command,
	       int nparams, const char *const params[])
{
	int i, r, len = 0;

	if ((r = check_parts(prefix, command, nparams, params)) < 0)
		return r;
	if (cap > IRC_LINE_MAX + 1)
		cap = IRC_LINE_MAX + 1;
	if (cap == 0)
		return KIT_ETOOBIG;
	out[0] = '\0';
	if (prefix && ((len = put(out, cap, len, ":")) < 0 ||
		       (len = put(out, cap, len, prefix)) < 0 ||
		       (len = put(out, cap, len, " ")) < 0))
		return KIT_ETOOBIG;
	if ((len = put(out, cap, len, command)) < 0)
		return KIT_ETOOBIG;
	for (i = 0; i < nparams; i++) {
		/* The last parameter is always written as trailing, as most
		 * servers do: some clients (ii) expect it, e.g. in NICK. */
		const char *sep = i == nparams - 1 ? " :" : " ";
		if ((len = put(out, cap, len, sep)) < 0 ||
		    (len = put(out, cap, len, params[i])) < 0)
			return KIT_ETOOBIG;
	}
	return put(out, cap, len, "\r\n");
}
