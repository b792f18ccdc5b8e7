/* \summary: hs_bench handshakes: K sequential secure_chat handshakes
 * against a running secure-server, each timed from connect() until the
 * transport accepts a write, which it does once the client has checked
 * ServerAuth and sent its ClientAuth (done, as in TLS 1.3); nothing is
 * written but the close_notify after the clock stops. */
#include <stdio.h>
#include <stdlib.h>

#include "err.h"
#include "hs_bench.h"
#include "transport.h"

/* Unreported handshakes first: OpenSSL fetches and caches its algorithm
 * implementations on first use. The result line says how many, for a
 * caller that counts the server's CPU over all of them. */
#define WARMUP 20

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* One handshake, then close_notify and close (s_time -new sends nothing
 * at all after its handshakes); its duration in *ms. */
static int
one(const struct hsb *b, double *ms)
{
	char err[KIT_ERRLEN];
	double start = hsb_now();
	struct transport *t = hsb_connect(b, "", 0, err);

	if (!t) {
		kit_warn("%s", err);	/* says what failed */
		return -1;
	}
	*ms = (hsb_now() - start) * 1000;
	transport_close(t);	/* close_notify */
	return 0;
}

/* The value at rank ceil(q * n) of n sorted values (nearest rank). */
static double
nearest_rank(const double *sorted, unsigned long long n, unsigned q_percent)
{
	unsigned long long r = (n * q_percent + 99) / 100;

	return sorted[r > 0 ? r - 1 : 0];
}

int
hsb_handshakes(const struct hsb *b)
{
	double *ms = calloc(b->count, sizeof(*ms)), warm, t0, cpu_start,
	       cpu_used, secs;
	unsigned long long i;
	int status = 1;

	if (!ms) {
		kit_warn("out of memory");
		return 1;
	}
	for (i = 0; i < WARMUP; i++)
		if (one(b, &warm) < 0)
			goto out;
	t0 = hsb_now();
	cpu_start = hsb_cpu_now();
	for (i = 0; i < b->count; i++)
		if (one(b, &ms[i]) < 0)
			goto out;
	secs = hsb_now() - t0;
	cpu_used = hsb_cpu_now() - cpu_start;
	qsort(ms, b->count, sizeof(*ms), cmp_double);
	printf("handshakes=%llu warmup=%d seconds=%.3f per_s=%.0f p50_ms=%.3f "
	       "p99_ms=%.3f max_ms=%.3f cpu_us=%.0f\n", b->count, WARMUP,
	       secs, (double)b->count / secs, nearest_rank(ms, b->count, 50),
	       nearest_rank(ms, b->count, 99), ms[b->count - 1],
	       cpu_used * 1e6 / (double)b->count);
	status = 0;
out:
	free(ms);
	return status;
}
