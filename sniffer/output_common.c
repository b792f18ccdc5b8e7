/* Helpers shared by the outputs: time stamps, freeing sinks. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "output.h"

char *
put_digits(char *p, unsigned v, int n)
{
	int i;

	for (i = n - 1; i >= 0; i--, v /= 10)
		p[i] = (char)('0' + v % 10);
	return p + n;
}

/* By hand rather than strftime and snprintf: outputs print it per chunk. */
const char *
format_time(uint64_t ts_us, char out[TIME_TEXT_LEN], char date_sep)
{
	time_t secs = (time_t)(ts_us / 1000000);
	struct tm tm;
	char *p = out;

	/* UTC, so the same capture prints the same text everywhere. */
	if (!gmtime_r(&secs, &tm) || tm.tm_year + 1900 > 9999) {
		snprintf(out, TIME_TEXT_LEN, "(time out of range)");
		return out;
	}
	p = put_digits(p, (unsigned)tm.tm_year + 1900, 4);
	*p++ = '-';
	p = put_digits(p, (unsigned)tm.tm_mon + 1, 2);
	*p++ = '-';
	p = put_digits(p, (unsigned)tm.tm_mday, 2);
	*p++ = date_sep;
	p = put_digits(p, (unsigned)tm.tm_hour, 2);
	*p++ = ':';
	p = put_digits(p, (unsigned)tm.tm_min, 2);
	*p++ = ':';
	p = put_digits(p, (unsigned)tm.tm_sec, 2);
	*p++ = '.';
	p = put_digits(p, (unsigned)(ts_us % 1000000), 6);
	*p = '\0';
	return out;
}

void
sink_free(struct sink *k)
{
	if (!k)
		return;
	if (k->ops->destroy)
		k->ops->destroy(k->self);
	else
		free(k->self);
	free(k);
}
