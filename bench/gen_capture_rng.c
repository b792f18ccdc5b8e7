/*
 * gen_capture_rng.c - the seeded numbers of gen_capture: the PRNG behind
 * every decision, and the payload bytes of each direction.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gen_capture.h"

/* splitmix64's output function: payload bytes are mix64(key + block). */
uint64_t
mix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/* xorshift64*: every decision of the generator. */
uint64_t
rnd(struct gen *g)
{
	g->rng ^= g->rng >> 12;
	g->rng ^= g->rng << 25;
	g->rng ^= g->rng >> 27;
	return g->rng * 0x2545f4914f6cdd1dULL;
}

uint64_t
rnd_below(struct gen *g, uint64_t n)
{
	return rnd(g) % n;
}

bool
chance(struct gen *g, uint32_t ppm)
{
	return ppm != 0 && rnd_below(g, PPM) < ppm;
}

/* The n payload bytes at stream offset off of the direction with key. */
void
fill(uint64_t key, uint64_t off, uint8_t *p, size_t n)
{
	while (n > 0) {
		uint64_t w = mix64(key + (off >> 3) * 0x9e3779b97f4a7c15ULL);
		unsigned j = off & 7;
		size_t k = 8 - j < n ? 8 - j : n;

		for (size_t i = 0; i < k; i++)
			p[i] = (uint8_t)(w >> 8 * (j + i));
		p += k;
		off += k;
		n -= k;
	}
}
