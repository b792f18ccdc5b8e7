/* \summary: the brake on password guessing (login_brake.h). */
#include <string.h>

#include "login_brake.h"

void
brake_init(struct login_brake *b, FILE *log, const char *progname)
{
	memset(b, 0, sizeof(*b));
	b->log = log;
	b->progname = progname;
}

/* A new window once the last one is over. */
static void
roll(struct login_brake *b, time_t now)
{
	if (now - b->window_start < BRAKE_WINDOW_S && now >= b->window_start)
		return;
	b->window_start = now;
	b->all = 0;
	b->nhosts = 0;
}

/* host's failures this window, or NULL when it has none. */
static unsigned *
fails_of(struct login_brake *b, const char *host)
{
	unsigned i;

	for (i = 0; i < b->nhosts; i++)
		if (strcmp(b->hosts[i].host, host) == 0)
			return &b->hosts[i].fails;
	return NULL;
}

const char *
brake_refusal(struct login_brake *b, const char *host, time_t now)
{
	unsigned *fails;

	roll(b, now);
	if (b->all >= BRAKE_ALL_MAX)
		return "too many failed password logins lately, from all "
		       "addresses";
	if ((fails = fails_of(b, host)) && *fails >= BRAKE_HOST_MAX)
		return "too many failed password logins lately from its "
		       "address";
	return NULL;
}

void
brake_count(struct login_brake *b, const char *host, time_t now)
{
	unsigned *fails;

	roll(b, now);
	if (b->all >= BRAKE_ALL_MAX)
		return;	/* braked already: no check ran */
	if (!(fails = fails_of(b, host))) {
		fails = &b->hosts[b->nhosts].fails;	/* nhosts <= all */
		snprintf(b->hosts[b->nhosts].host,
			 sizeof(b->hosts[b->nhosts].host), "%s", host);
		*fails = 0;
		b->nhosts++;
	}
	if (++*fails == BRAKE_HOST_MAX)
		fprintf(b->log, "%s: %d failed password logins from %s in "
			"%d s: refusing its password logins for the rest of "
			"that time\n", b->progname, BRAKE_HOST_MAX, host,
			BRAKE_WINDOW_S);
	if (++b->all == BRAKE_ALL_MAX)
		fprintf(b->log, "%s: %d failed password logins in %d s: "
			"refusing all password logins for the rest of that "
			"time (key logins still come in)\n", b->progname,
			BRAKE_ALL_MAX, BRAKE_WINDOW_S);
}
