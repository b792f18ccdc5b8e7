/* \summary: hs_bench records: what sealing and opening one record costs in
 * the kit's record layer (record.c over aead.c), per suite and size, with
 * no socket in the way. Chat lines are short, so the 64-byte row is the
 * one that decides the default suite. */
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "hs_bench.h"
#include "record.h"

#define ITER_MAX 100000000ULL	/* a bound even if the clock stalls */

static const size_t sizes[] = { 64, 16384 };
static const int suites[] = { SUITE_AES_256_GCM, SUITE_CHACHA20_POLY1305 };

/* Seal and open records of n bytes for about `seconds`; ns per record. */
static int
measure(int suite, size_t n, double seconds, double *ns)
{
	static uint8_t plain[REC_PLAINTEXT_MAX], frame[FRAME_MAX],
		       out[FRAME_BODY_MAX];
	static const uint8_t secret[KS_HASH_LEN] = { 1 };
	struct rec_dir tx = { 0 }, rx = { 0 };
	char err[KIT_ERRLEN];
	unsigned long long i = 0;
	double t0;
	uint8_t inner;
	size_t len;
	int r = -1, f;

	if (rec_dir_init(&tx, suite, secret, err) < 0 ||
	    rec_dir_init(&rx, suite, secret, err) < 0) {
		kit_warn("%s", err);
		goto out;
	}
	t0 = hsb_now();
	for (; i < ITER_MAX; i++) {
		if ((i & 255) == 0 && hsb_now() - t0 >= seconds)
			break;
		if ((f = rec_seal(&tx, INNER_DATA, plain, n, 0, frame,
				  sizeof(frame))) < 0 ||
		    rec_open(&rx, frame, (size_t)f, out, sizeof(out), &inner,
			     &len) < 0 || len != n) {
			kit_warn("a record did not go through");
			goto out;
		}
	}
	*ns = (hsb_now() - t0) * 1e9 / (double)i;
	r = 0;
out:
	rec_dir_wipe(&tx);
	rec_dir_wipe(&rx);
	return r;
}

int
hsb_records(const struct hsb *b)
{
	double ns;
	size_t i, j;

	for (i = 0; i < sizeof(suites) / sizeof(suites[0]); i++)
		for (j = 0; j < sizeof(sizes) / sizeof(sizes[0]); j++) {
			if (measure(suites[i], sizes[j], b->seconds, &ns) < 0)
				return 1;
			printf("suite=%s size=%zu ns_per_record=%.0f "
			       "MB_s=%.1f\n", aead_suite_name(suites[i]),
			       sizes[j], ns, (double)sizes[j] / ns * 1e3);
		}
	return 0;
}
