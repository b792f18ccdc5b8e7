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

/* Rows sit at their flow number: the table comes out in order, unsorted. */
static void
stats_end(void *self, struct flow *f)
{
	struct stats *st = self;
	struct row *r;

	if (f->id > st->cap) {
		size_t cap = st->cap ? st->cap : 256;
		void *p;

		while (cap < f->id)
			cap *= 2;
		if (!(p = realloc(st->rows, cap * sizeof(*st->rows)))) {
			st->out_of_memory = true;
			return;
		}
		memset((struct row *)p + st->cap, 0,
		       (cap - st->cap) * sizeof(*st->rows));
		st->rows = p;
		st->cap = cap;
	}
	if (f->id > st->nrows)
		st->nrows = f->id;
	r = &st->rows[f->id - 1];
	r->id = f->id;
	r->first_us = f->first_us;
	r->last_us = f->last_us;
	memcpy(r->ep, f->ep, sizeof(r->ep));
	r->n[0] = f->dir[0].n;
	r->n[1] = f->dir[1].n;
	r->end = f->end;
}

/* printf would spend more time on a 100,000-row table than the whole
 * reassembly: the rows are put together by hand. */
static char *
put_u64(char *p, uint64_t v, int width)
{
	char digits[24];
	int n = 0;

	do
		digits[n++] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	for (; width > n; width--)
		*p++ = ' ';
	while (n > 0)
		*p++ = digits[--n];
	*p++ = ' ';
	return p;
}

/* ms as seconds with three decimals, right-aligned in width. */
static char *
put_seconds(char *p, uint64_t ms, int width)
{
	p = put_u64(p, ms / 1000, width - 4);
	p[-1] = '.';
	*p++ = (char)('0' + ms % 1000 / 100);
	*p++ = (char)('0' + ms % 100 / 10);
	*p++ = (char)('0' + ms % 10);
	*p++ = ' ';
	return p;
}

static char *
put_str(char *p, const char *s, int width)
{
	size_t n = strlen(s);

	memcpy(p, s, n);
	p += n;
	for (; width > (int)n; width--)
		*p++ = ' ';
	*p++ = ' ';
	return p;
}

static void
print_row(FILE *out, const struct row *r)
{
	char line[512], *p = line, a[64], b[64], when[TIME_TEXT_LEN];
	uint64_t ms = (r->last_us - r->first_us) / 1000;

	p = put_u64(p, r->id, 6);
	p = put_str(p, endpoint_str(&r->ep[0], a), 26);
	p = put_str(p, endpoint_str(&r->ep[1], b), 26);
	p = put_str(p, format_time(r->first_us, when, ' '), 26);
	p = put_seconds(p, ms, 9);
	p = put_u64(p, r->n[0].packets, 8);
	p = put_u64(p, r->n[0].bytes, 11);
	p = put_u64(p, r->n[1].packets, 8);
	p = put_u64(p, r->n[1].bytes, 11);
	p = put_u64(p, r->n[0].missing + r->n[1].missing, 9);
	p = put_u64(p, r->n[0].retransmitted + r->n[1].retransmitted, 9);
	p = put_u64(p, r->n[0].out_of_order + r->n[1].out_of_order, 9);
	p = put_str(p, flow_end_name(r->end), 0);
	p[-1] = '\n';
	fwrite(line, 1, (size_t)(p - line), out);
}

static void
stats_finish(void *self)
{
	struct stats *st = self;
	size_t i;

	fprintf(st->out, "%6s %-26s %-26s %-26s %9s %8s %11s %8s %11s %9s %9s %9s %s\n",
		"flow", "client", "server", "start (UTC)", "seconds",
		"c2s pkts", "c2s bytes", "s2c pkts", "s2c bytes", "missing",
		"retrans", "ooo", "end");
	for (i = 0; i < st->nrows; i++)
		if (st->rows[i].id)
			print_row(st->out, &st->rows[i]);
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
