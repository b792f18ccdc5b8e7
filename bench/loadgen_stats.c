/* loadgen_stats.c - the clock, the latency histogram and the result line. */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "loadgen.h"

uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

void
hist_add(struct hist *h, uint64_t ns)
{
	h->n++;
	if (ns > h->max_ns)
		h->max_ns = ns;
	if (ns < HIST_FINE_NS * HIST_FINE_N)
		h->fine[ns / HIST_FINE_NS]++;
	else if (ns - HIST_FINE_NS * HIST_FINE_N < HIST_COARSE_NS * HIST_COARSE_N)
		h->coarse[(ns - HIST_FINE_NS * HIST_FINE_N) / HIST_COARSE_NS]++;
	else
		h->over++;
}

/* Quantile q in [0,1], in ms, as the midpoint of the bucket holding it. */
static double
hist_quantile_ms(const struct hist *h, double q)
{
	uint64_t rank, seen = 0;
	size_t i;

	if (h->n == 0)
		return 0.0;
	/* Nearest rank: the smallest value with at least q * n at or below. */
	rank = (uint64_t)(q * (double)h->n);
	if ((double)rank < q * (double)h->n || rank < 1)
		rank++;
	for (i = 0; i < HIST_FINE_N; i++) {
		seen += h->fine[i];
		if (seen >= rank)
			return ((double)i + 0.5) * HIST_FINE_NS / 1e6;
	}
	for (i = 0; i < HIST_COARSE_N; i++) {
		seen += h->coarse[i];
		if (seen >= rank)
			return (HIST_FINE_NS * HIST_FINE_N +
			    ((double)i + 0.5) * HIST_COARSE_NS) / 1e6;
	}
	return (double)h->max_ns / 1e6;
}

void
report(const struct lg *lg)
{
	const struct stats *st = &lg->st;
	double reg_s = (double)(lg->t_joined - lg->t_start) / 1e9;
	double span_s = 0.0, rate = 0.0;

	if (lg->t_last_deliv > lg->t_first_send && lg->t_first_send != 0)
		span_s = (double)(lg->t_last_deliv - lg->t_first_send) / 1e9;
	if (span_s > 0)
		rate = (double)st->delivered / span_s;
	printf("clients=%" PRIu32 " messages=%" PRIu32 " reg_s=%.3f"
	    " delivered=%" PRIu64 " expected=%" PRIu64 " msgs_per_s=%.0f"
	    " p50_ms=%.3f p99_ms=%.3f order_errors=%" PRIu64
	    " disconnects=%" PRIu32 " joined=%" PRIu32 " max_ms=%.3f"
	    " connect_errors=%" PRIu32 " reg_errors=%" PRIu32
	    " bad_lines=%" PRIu64 " long_lines=%" PRIu64,
	    lg->o.clients, lg->o.idle ? 0 : lg->o.messages, reg_s,
	    st->delivered, lg->expected, rate,
	    hist_quantile_ms(lg->h, 0.50), hist_quantile_ms(lg->h, 0.99),
	    st->order_errors, st->disconnects, lg->joined,
	    (double)lg->h->max_ns / 1e6, st->connect_errors, st->reg_errors,
	    st->bad_lines, st->long_lines);
	if (lg->o.idle)
		printf(" quiet_s=%.3f",
		    (double)(lg->t_quiet - lg->t_joined) / 1e9);
	printf("\n");
	fflush(stdout);
}
