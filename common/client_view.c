/* How the client shows the chat: one line per event, time and sender
 * first, untrusted text escaped (safeprint). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "client_internal.h"
#include "safeprint.h"

/* Rendered lines are at most this long; escapes can quadruple a byte. */
#define VIEW_MAX (4 * IRC_LINE_MAX + 128)

/* One line on the screen; /expect looks only at what was not typed
 * here (a script waits for the others, not for its own echo). */
static void
emit(struct client *cl, const char *shown, bool typed)
{
	char stamp[16];
	time_t now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%H:%M:%S", &tm);
	printf("%s %s\n", stamp, shown);
	if (!typed)
		client_saw(cl, shown);
}

void
client_view_note(const struct client *cl, const char *fmt, ...)
{
	char shown[VIEW_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(shown, sizeof(shown), fmt, ap);
	va_end(ap);
	emit((struct client *)cl, shown, false);
}

/* Escape p into out (at most VIEW_MAX / 4). */
static const char *
esc(char *out, const char *p)
{
	safeprint_str(out, VIEW_MAX / 4, p, strlen(p));
	return out;
}

/* "nick" from "nick!user@host" */
static const char *
sender(char *out, const struct irc_msg *m)
{
	char nick[IRC_LINE_MAX];
	const char *p = m->prefix ? m->prefix : "server";

	snprintf(nick, sizeof(nick), "%.*s", (int)strcspn(p, "!"), p);
	return esc(out, nick);
}

/* A CTCP ACTION (/me) is "\001ACTION text\001" (CTCP spec). */
static bool
action_text(const char *text, char *out)
{
	size_t n = strlen(text);

	if (n < 9 || strncmp(text, "\001ACTION ", 8) != 0)
		return false;
	n -= 8;
	if (text[8 + n - 1] == '\001')
		n--;
	snprintf(out, IRC_LINE_MAX, "%.*s", (int)n, text + 8);
	return true;
}

static void
show_message(struct client *cl, const struct irc_msg *m, bool notice)
{
	char from[VIEW_MAX / 4], to[VIEW_MAX / 4], text[VIEW_MAX / 4];
	char act[IRC_LINE_MAX], shown[VIEW_MAX];
	const char *target = m->nparams > 0 ? m->params[0] : "";
	const char *body = m->nparams > 1 ? m->params[1] : "";
	bool channel = target[0] == '#';

	sender(from, m);
	esc(to, target);
	if (!notice && action_text(body, act))
		snprintf(shown, sizeof(shown), "%s%s* %s %s", channel ? to : "",
			 channel ? " " : "", from, esc(text, act));
	else if (notice)
		snprintf(shown, sizeof(shown), "%s%s-%s- %s", channel ? to : "",
			 channel ? " " : "", from, esc(text, body));
	else if (channel)
		snprintf(shown, sizeof(shown), "%s <%s> %s", to, from,
			 esc(text, body));
	else
		snprintf(shown, sizeof(shown), "*%s* %s", from, esc(text, body));
	emit(cl, shown, false);
}

void
client_view_own(const struct client *cl, const char *command,
		const char *target, const char *text, bool action)
{
	char to[VIEW_MAX / 4], body[VIEW_MAX / 4], act[IRC_LINE_MAX];
	char shown[VIEW_MAX];

	esc(to, target);
	if (strcmp(command, "NOTICE") == 0)
		snprintf(shown, sizeof(shown), "-> -%s- %s", to,
			 esc(body, text));
	else if (action && action_text(text, act))
		snprintf(shown, sizeof(shown), "%s * %s %s", to, cl->nick,
			 esc(body, act));
	else if (target[0] == '#')
		snprintf(shown, sizeof(shown), "%s <%s> %s", to, cl->nick,
			 esc(body, text));
	else
		snprintf(shown, sizeof(shown), "-> *%s* %s", to,
			 esc(body, text));
	emit((struct client *)cl, shown, true);
}

/* JOIN, PART, QUIT, NICK, TOPIC, KICK, ERROR: "-- alice joined #lab" */
static bool
show_event(struct client *cl, const struct irc_msg *m)
{
	char who[VIEW_MAX / 4], a[VIEW_MAX / 4], b[VIEW_MAX / 4];
	char shown[VIEW_MAX];
	const char *p0 = m->nparams > 0 ? m->params[0] : "";
	const char *p1 = m->nparams > 1 ? m->params[1] : "";
	const char *cmd = m->command;

	sender(who, m);
	esc(a, p0);
	esc(b, p1);
	if (strcmp(cmd, "JOIN") == 0)
		snprintf(shown, sizeof(shown), "-- %s joined %s", who, a);
	else if (strcmp(cmd, "PART") == 0)
		snprintf(shown, sizeof(shown), "-- %s left %s (%s)", who, a, b);
	else if (strcmp(cmd, "QUIT") == 0)
		snprintf(shown, sizeof(shown), "-- %s quit (%s)", who, a);
	else if (strcmp(cmd, "NICK") == 0)
		snprintf(shown, sizeof(shown), "-- %s is now known as %s", who, a);
	else if (strcmp(cmd, "TOPIC") == 0)
		snprintf(shown, sizeof(shown), "-- %s set the topic of %s: %s",
			 who, a, b);
	else if (strcmp(cmd, "ERROR") == 0)
		snprintf(shown, sizeof(shown), "%s server: %s",
			 cl->phase == PHASE_QUITTING ? "--" : "!!", a);
	else
		return false;
	emit(cl, shown, false);
	return true;
}

/* Numeric replies: errors (4xx, 5xx) get "!!", the rest "--"; the text
 * after our own nick is shown, which reads well for every reply. */
static void
show_numeric(struct client *cl, const struct irc_msg *m)
{
	char shown[VIEW_MAX], part[VIEW_MAX / 4];
	size_t len = 0;
	int i;

	/* 422 (no MOTD) is a numeric in the error range, but no error */
	bool error = m->command[0] >= '4' && strcmp(m->command, "422") != 0;

	len += (size_t)snprintf(shown, sizeof(shown), "%s", error ? "!!" : "--");
	for (i = 1; i < m->nparams && len < sizeof(shown); i++)
		len += (size_t)snprintf(shown + len, sizeof(shown) - len,
					" %s", esc(part, m->params[i]));
	emit(cl, shown, false);
}

/* Replies that only matter to programs (capabilities, timestamps, list
 * terminators) are not shown. */
static bool
quiet_numeric(const char *cmd)
{
	static const char *const quiet[] = { "004", "005", "329", "333", "366",
					     "315", "318", "321", "323" };
	size_t i;

	for (i = 0; i < sizeof(quiet) / sizeof(quiet[0]); i++)
		if (strcmp(cmd, quiet[i]) == 0)
			return true;
	return false;
}

static void
show_names(struct client *cl, const struct irc_msg *m)
{
	char chan[VIEW_MAX / 4], names[VIEW_MAX / 4], shown[VIEW_MAX];

	if (m->nparams < 4)
		return;
	snprintf(shown, sizeof(shown), "-- in %s: %s", esc(chan, m->params[2]),
		 esc(names, m->params[3]));
	emit(cl, shown, false);
}

void
client_view_line(struct client *cl, const struct irc_msg *m)
{
	if (irc_is_numeric(m->command) && quiet_numeric(m->command))
		return;
	if (strcmp(m->command, "353") == 0)
		show_names(cl, m);
	else if (strcmp(m->command, "PRIVMSG") == 0)
		show_message(cl, m, false);
	else if (strcmp(m->command, "NOTICE") == 0)
		show_message(cl, m, true);
	else if (irc_is_numeric(m->command))
		show_numeric(cl, m);
	else if (!show_event(cl, m) && strcmp(m->command, "PONG") != 0)
		show_numeric(cl, m);
}
