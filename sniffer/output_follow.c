/* \summary: the follow view: every stream's bytes as they are delivered,
 * in the spirit of Wireshark's "Follow TCP Stream", for all flows at once. */
#include <stdbool.h>
#include <stdlib.h>

#include "flow.h"
#include "output.h"
#include "safeprint.h"

struct follow {
	FILE *out;
	bool hex, color;
};

static const char *const dir_color[2] = { "\033[31m", "\033[34m" };

static void
header(struct follow *fw, struct flow *f, int dir, const char *what)
{
	char when[TIME_TEXT_LEN], from[64], to[64];

	if (fw->color)
		fputs(dir_color[dir], fw->out);
	fprintf(fw->out, "== %s %s -> %s flow %llu: %s\n",
		format_time(f->last_us, when, ' '),
		endpoint_str(&f->ep[dir], from), endpoint_str(&f->ep[!dir], to),
		(unsigned long long)f->id, what);
}

static void
hex_dump(FILE *out, const uint8_t *p, size_t n)
{
	size_t off, i;

	for (off = 0; off < n; off += 16) {
		fprintf(out, "  %04zx ", off);
		for (i = 0; i < 16; i++) {
			if (off + i < n)
				fprintf(out, " %02x", p[off + i]);
			else
				fputs("   ", out);
		}
		fputs("  |", out);
		for (i = 0; i < 16 && off + i < n; i++)
			fputc(p[off + i] >= 0x20 && p[off + i] < 0x7f ?
			      p[off + i] : '.', out);
		fputs("|\n", out);
	}
}

/* A chunk mostly of bytes text would escape (a sealed record, say) is
 * shown as --hex shows it: escaped, its line ends and the bytes that
 * happen to be valid UTF-8 would pass through, and break it into ragged
 * lines of noise. A short chunk stays text: four bytes say little. */
static bool
not_text(const uint8_t *p, size_t n)
{
	return n >= 16 && 4 * safeprint_escaped((const char *)p, n) > n;
}

static void
follow_data(void *self, struct flow *f, int dir, const uint8_t *p, size_t n,
	    bool stable)
{
	struct follow *fw = self;
	char what[48];

	(void)stable;
	snprintf(what, sizeof(what), "%zu bytes", n);
	header(fw, f, dir, what);
	if (fw->hex || not_text(p, n)) {
		hex_dump(fw->out, p, n);
	} else {
		safeprint_text(fw->out, (const char *)p, n);
		if (p[n - 1] != '\n')
			fputc('\n', fw->out);
	}
	if (fw->color)
		fputs("\033[0m", fw->out);
}

static void
follow_gap(void *self, struct flow *f, int dir, uint64_t len)
{
	struct follow *fw = self;
	char what[64];

	snprintf(what, sizeof(what), "[%llu bytes missing from the capture]",
		 (unsigned long long)len);
	header(fw, f, dir, what);
	if (fw->color)
		fputs("\033[0m", fw->out);
}

static const struct sink_ops follow_ops = {
	.name = "follow",
	.data = follow_data,
	.gap = follow_gap,
};

struct sink *
follow_sink_new(FILE *out, bool hex, bool color)
{
	struct sink *k = calloc(1, sizeof(*k));
	struct follow *fw = calloc(1, sizeof(*fw));

	if (!k || !fw) {
		free(k);
		free(fw);
		return NULL;
	}
	*fw = (struct follow){ out, hex, color };
	*k = (struct sink){ &follow_ops, fw };
	return k;
}
