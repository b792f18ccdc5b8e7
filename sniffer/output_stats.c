/* \summary: --stats: one row per flow, printed at the end, by flow number. */
#include <stdlib.h>
#include <string.h>

#include "flow.h"
#include "output.h"

struct row {
	uint64_t id, first_us, last_us;
	struct endpoint ep[2];
	struct stream_counts n[2];
	enum flow_end end;
};

struct stats {
	FILE *out;
	struct row *rows;
	size_t nrows, cap;
	bool out_of_memory;
};

static void
stats_end(void *self, struct flow *f)
{
	struct stats *st = self;
	struct row *r;

	if (st->nrows == st->cap) {
		size_t cap = st->cap ? st->cap * 2 : 256;
		void *p = realloc(st->rows, cap * sizeof(*st->rows));

		if (!p) {
			st->out_of_memory = true;
			return;
		}
		st->rows = p;
		st->cap = cap;
	}
	r = &st->rows[st->nrows++];
	r->id = f->id;
	r->first_us = f->first_us;
	r->last_us = f->last_us;
	memcpy(r->ep, f->ep, sizeof(r->ep));
	r->n[0] = f->dir[0].n;
	r->n[1] = f->dir[1].n;
	r->end = f->end;
}

static int
by_id(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

static void
stats_finish(void *self)
{
	struct stats *st = self;
	char c[64], s[64], when[TIME_TEXT_LEN];
	size_t i;

	if (st->nrows > 1)
		qsort(st->rows, st->nrows, sizeof(*st->rows), by_id);
	fprintf(st->out, "%6s %-26s %-26s %-26s %9s %8s %11s %8s %11s %9s %9s %9s  %s\n",
		"flow", "client", "server", "start (UTC)", "seconds",
		"c2s pkts", "c2s bytes", "s2c pkts", "s2c bytes", "missing",
		"retrans", "ooo", "end");
	for (i = 0; i < st->nrows; i++) {
		const struct row *r = &st->rows[i];

		fprintf(st->out, "%6llu %-26s %-26s %-26s %9.3f %8llu %11llu %8llu %11llu %9llu %9llu %9llu  %s\n",
			(unsigned long long)r->id, endpoint_str(&r->ep[0], c),
			endpoint_str(&r->ep[1], s),
			format_time(r->first_us, when, ' '),
			(double)(r->last_us - r->first_us) / 1e6,
			(unsigned long long)r->n[0].packets,
			(unsigned long long)r->n[0].bytes,
			(unsigned long long)r->n[1].packets,
			(unsigned long long)r->n[1].bytes,
			(unsigned long long)(r->n[0].missing + r->n[1].missing),
			(unsigned long long)(r->n[0].retransmitted +
					     r->n[1].retransmitted),
			(unsigned long long)(r->n[0].out_of_order +
					     r->n[1].out_of_order),
			flow_end_name(r->end));
	}
	if (st->out_of_memory)
		fprintf(st->out, "(out of memory: some flows are not listed)\n");
}

static void
stats_destroy(void *self)
{
	struct stats *st = self;

	free(st->rows);
	free(st);
}

static const struct sink_ops stats_ops = {
	.name = "stats",
	.flow_end = stats_end,
	.finish = stats_finish,
	.destroy = stats_destroy,
};

struct sink *
stats_sink_new(FILE *out)
{
	struct sink *k = calloc(1, sizeof(*k));
	struct stats *st = calloc(1, sizeof(*st));

	if (!k || !st) {
		free(k);
		free(st);
		return NULL;
	}
	st->out = out;
	*k = (struct sink){ &stats_ops, st };
	return k;
}
