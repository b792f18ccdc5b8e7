/* \summary: hs_bench records: what sealing and opening one record costs in
 * the kit's record layer (record.c over aead.c), per suite and size, with
 * no socket in the way. Chat lines are short, so the 64-byte row is the
 * one that decides the default suite. */
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "hs_bench.h"
#include "record.h"

#define NSUITES 2
#define ROUNDS 40		/* slices per suite, taken in turn */
#define ITER_MAX 10000000ULL	/* per slice, a bound if the clock stalls */

static const size_t sizes[] = { 64, 16384 };
static const int suites[NSUITES] = {
	SUITE_AES_256_GCM, SUITE_CHACHA20_POLY1305,
};

/* One direction each way under the same secret. */
struct pair {
	struct rec_dir tx, rx;
	double cpu;		/* seconds spent */
	unsigned long long n;	/* records sealed and opened */
};

/* Seal and open records of n bytes for `slice` CPU seconds. */
static int
slice(struct pair *p, size_t n, double slice_s)
{
	static uint8_t plain[REC_PLAINTEXT_MAX], frame[FRAME_MAX],
		       out[FRAME_BODY_MAX];
	double t0 = hsb_cpu_now();
	unsigned long long i;
	uint8_t inner;
	size_t len;
	int f;

	for (i = 0; i < ITER_MAX; i++) {
		if ((i & 63) == 0 && hsb_cpu_now() - t0 >= slice_s)
			break;
		if ((f = rec_seal(&p->tx, INNER_DATA, plain, n, 0, frame,
				  sizeof(frame))) < 0 ||
		    rec_open(&p->rx, frame, (size_t)f, out, sizeof(out), &inner,
			     &len) < 0 || len != n)
			return -1;
	}
	p->cpu += hsb_cpu_now() - t0;
	p->n += i;
	return 0;
}

/* Both suites at size n, in alternating slices so that both see the
 * same machine. Prints one line per suite. */
static int
measure(size_t n, double seconds)
{
	static const uint8_t secret[KS_HASH_LEN] = { 1 };
	struct pair p[NSUITES];
	char err[KIT_ERRLEN];
	int i, k, r = -1;

	memset(p, 0, sizeof(p));
	for (i = 0; i < NSUITES; i++)
		if (rec_dir_init(&p[i].tx, suites[i], secret, err) < 0 ||
		    rec_dir_init(&p[i].rx, suites[i], secret, err) < 0) {
			kit_warn("%s", err);
			goto out;
		}
	for (k = 0; k < ROUNDS; k++)
		for (i = 0; i < NSUITES; i++)
			if (slice(&p[i], n, seconds / ROUNDS) < 0) {
				kit_warn("a record did not go through");
				goto out;
			}
	for (i = 0; i < NSUITES; i++)
		printf("suite=%s size=%zu ns_per_record=%.0f MB_s=%.1f\n",
		       aead_suite_name(suites[i]), n,
		       p[i].cpu * 1e9 / (double)p[i].n,
		       (double)n * (double)p[i].n / p[i].cpu / 1e6);
	r = 0;
out:
	for (i = 0; i < NSUITES; i++) {
		rec_dir_wipe(&p[i].tx);
		rec_dir_wipe(&p[i].rx);
	}
	return r;
}

int
hsb_records(const struct hsb *b)
{
	size_t j;

	for (j = 0; j < sizeof(sizes) / sizeof(sizes[0]); j++)
		if (measure(sizes[j], b->seconds) < 0)
			return 1;
	return 0;
}
