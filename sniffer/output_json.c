/* \summary: --json: JSON Lines, one object per flow start and end. */
#include <stdlib.h>

#include "flow.h"
#include "output.h"

struct json {
	FILE *out;
};

static void
json_start(void *self, struct flow *f)
{
	struct json *j = self;
	char when[TIME_TEXT_LEN], c[64], s[64];

	fprintf(j->out, "{\"event\":\"flow_start\",\"flow\":%llu,\"ts\":\"%sZ\","
		"\"client\":\"%s\",\"server\":\"%s\"}\n",
		(unsigned long long)f->id, format_time(f->first_us, when, 'T'),
		endpoint_str(&f->ep[0], c), endpoint_str(&f->ep[1], s));
}

static void
print_counts(FILE *out, const char *name, const struct stream_counts *n)
{
	fprintf(out, ",\"%s\":{\"packets\":%llu,\"bytes\":%llu,\"missing\":%llu,"
		"\"retransmitted\":%llu,\"out_of_order\":%llu}", name,
		(unsigned long long)n->packets, (unsigned long long)n->bytes,
		(unsigned long long)n->missing,
		(unsigned long long)n->retransmitted,
		(unsigned long long)n->out_of_order);
}

static void
json_end(void *self, struct flow *f)
{
	struct json *j = self;
	char t0[TIME_TEXT_LEN], t1[TIME_TEXT_LEN], c[64], s[64];

	fprintf(j->out, "{\"event\":\"flow_end\",\"flow\":%llu,\"start\":\"%sZ\","
		"\"end\":\"%sZ\",\"client\":\"%s\",\"server\":\"%s\","
		"\"reason\":\"%s\"", (unsigned long long)f->id,
		format_time(f->first_us, t0, 'T'),
		format_time(f->last_us, t1, 'T'), endpoint_str(&f->ep[0], c),
		endpoint_str(&f->ep[1], s), flow_end_name(f->end));
	print_counts(j->out, "c2s", &f->dir[DIR_C2S].n);
	print_counts(j->out, "s2c", &f->dir[DIR_S2C].n);
	fputs("}\n", j->out);
}

static const struct sink_ops json_ops = {
	.name = "json",
	.flow_start = json_start,
	.flow_end = json_end,
};

struct sink *
json_sink_new(FILE *out)
{
	struct sink *k = calloc(1, sizeof(*k));
	struct json *j = calloc(1, sizeof(*j));

	if (!k || !j) {
		free(k);
		free(j);
		return NULL;
	}
	j->out = out;
	*k = (struct sink){ &json_ops, j };
	return k;
}
