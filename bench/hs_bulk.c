/* \summary: hs_bench bulk: B bytes through one secure connection to the
 * sink (hs_sink.c), in records of N bytes, timed until the sink says it
 * has opened every one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "hs_bench.h"
#include "transport.h"

/* Full-size records go 16 to a write, as a streaming sender's do: the
 * transport cuts them at REC_PLAINTEXT_MAX and sends what it sealed in
 * one system call. A smaller record size is one write per record. */
#define BATCH 16

/* The sink's "<count>\n" once it has every byte; 0 or -1 with err. */
static int
read_ack(struct transport *t, unsigned long long want, double timeout,
	 char err[static 256])
{
	char ack[32];
	size_t len = 0;
	long n;

	while (len < sizeof(ack) - 1 && !memchr(ack, '\n', len)) {
		n = hsb_read_some(t, (uint8_t *)ack + len,
				  sizeof(ack) - 1 - len, timeout, err);
		if (n <= 0) {
			if (n == 0)
				snprintf(err, KIT_ERRLEN, "the sink closed");
			return -1;
		}
		len += (size_t)n;
	}
	ack[len] = '\0';
	if (strtoull(ack, NULL, 10) != want) {
		snprintf(err, KIT_ERRLEN, "the sink counted %.20s bytes", ack);
		return -1;
	}
	return 0;
}

size_t
hsb_write_size(const struct hsb *b)
{
	return b->record < REC_PLAINTEXT_MAX ? b->record : BATCH * b->record;
}

static int
push(struct transport *t, const struct hsb *b, const uint8_t *buf,
     char err[static 256])
{
	unsigned long long left = b->bytes;
	size_t n, w = hsb_write_size(b);

	while (left > 0) {
		n = left < w ? (size_t)left : w;
		if (hsb_write_all(t, buf, n, b->timeout, err) < 0)
			return -1;
		left -= n;
	}
	return read_ack(t, b->bytes, b->timeout, err);
}

int
hsb_bulk(const struct hsb *b)
{
	char head[32], err[KIT_ERRLEN];
	uint8_t *buf = malloc(hsb_write_size(b));
	struct transport *t = NULL;
	double t0, secs;
	int status = 1, n;

	n = snprintf(head, sizeof(head), "%llu\n", b->bytes);
	if (!buf) {
		kit_warn("out of memory");
		return 1;
	}
	memset(buf, 'x', hsb_write_size(b));
	if (!(t = hsb_connect(b, head, (size_t)n, err))) {
		kit_warn("%s", err);	/* says what failed */
		goto out;
	}
	t0 = hsb_now();
	if (push(t, b, buf, err) < 0) {
		kit_warn("bulk transfer failed: %s", err);
		goto out;
	}
	secs = hsb_now() - t0;
	printf("bytes=%llu record=%zu suite=%s seconds=%.3f MB_s=%.1f\n",
	       b->bytes, b->record, aead_suite_name(b->suites[0]), secs,
	       (double)b->bytes / secs / 1e6);
	status = 0;
out:
	transport_close(t);
	free(buf);
	return status;
}
