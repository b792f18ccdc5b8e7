/* Helpers shared by the outputs: time stamps, freeing sinks. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "output.h"

const char *
format_time(uint64_t ts_us, char out[TIME_TEXT_LEN], char date_sep)
{
	time_t secs = (time_t)(ts_us / 1000000);
	struct tm tm;

	/* UTC, so the same capture prints the same text everywhere. */
	if (!gmtime_r(&secs, &tm)) {
		snprintf(out, TIME_TEXT_LEN, "(time out of range)");
		return out;
	}
	snprintf(out, TIME_TEXT_LEN, "%04d-%02d-%02d%c%02d:%02d:%02d.%06u",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, date_sep,
		 tm.tm_hour, tm.tm_min, tm.tm_sec,
		 (unsigned)(ts_us % 1000000));
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
