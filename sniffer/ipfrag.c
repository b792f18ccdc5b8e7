/* IP fragment reassembly: a fixed table of slots, a bitmap of received
 * 8-byte blocks per slot (fragment offsets count in 8-byte units). */
#include <stdlib.h>
#include <string.h>

#include "ipfrag.h"

#define BLOCKS ((IPFRAG_MAX + 7) / 8)

struct slot {
	bool used;
	struct ipfrag_key key;
	uint64_t first_us;
	size_t total;		/* payload length, known once the last arrives */
	uint8_t *data;		/* IPFRAG_MAX bytes, allocated on first use */
	uint8_t have[(BLOCKS + 7) / 8];	/* one bit per 8-byte block */
};

struct ipfrag_table {
	struct slot slots[IPFRAG_SLOTS];
};

struct ipfrag_table *
ipfrag_new(void)
{
	return calloc(1, sizeof(struct ipfrag_table));
}

void
ipfrag_free(struct ipfrag_table *t)
{
	size_t i;

	if (!t)
		return;
	for (i = 0; i < IPFRAG_SLOTS; i++)
		free(t->slots[i].data);
	free(t);
}

static bool
same_key(const struct ipfrag_key *a, const struct ipfrag_key *b)
{
	return a->family == b->family && a->id == b->id &&
	       a->proto == b->proto && !memcmp(a->src, b->src, 16) &&
	       !memcmp(a->dst, b->dst, 16);
}

/* The slot for k: its own, else a free or expired one, else the oldest. */
static struct slot *
find_slot(struct ipfrag_table *t, const struct ipfrag_key *k, uint64_t ts_us,
	  uint64_t *dropped)
{
	struct slot *free_slot = NULL, *oldest = NULL, *s;
	size_t i;

	for (i = 0; i < IPFRAG_SLOTS; i++) {
		s = &t->slots[i];
		if (s->used && ts_us > s->first_us &&
		    ts_us - s->first_us > IPFRAG_TIMEOUT_US) {
			s->used = false;	/* timed out */
			(*dropped)++;
		}
		if (s->used && same_key(&s->key, k))
			return s;
		if (!s->used && !free_slot)
			free_slot = s;
		if (s->used && (!oldest || s->first_us < oldest->first_us))
			oldest = s;
	}
	if (!free_slot) {
		free_slot = oldest;
		(*dropped)++;
	}
	return free_slot;
}

static bool
complete(const struct slot *s)
{
	size_t b, blocks = (s->total + 7) / 8;

	if (s->total == 0)
		return false;
	for (b = 0; b < blocks; b++)
		if (!(s->have[b / 8] & (1u << (b % 8))))
			return false;
	return true;
}

/* Copy the blocks of [off, off + n) not already held (first copy wins). */
static void
store(struct slot *s, size_t off, const uint8_t *data, size_t n)
{
	size_t b, first = off / 8, last = (off + n + 7) / 8;

	for (b = first; b < last; b++) {
		size_t from = b * 8, to = from + 8;

		if (s->have[b / 8] & (1u << (b % 8)))
			continue;
		if (to > off + n)
			to = off + n;
		memcpy(s->data + from, data + (from - off), to - from);
		/* A partial last block is only complete at the datagram end. */
		if (to - from == 8 || to == s->total)
			s->have[b / 8] |= (uint8_t)(1u << (b % 8));
	}
}

const uint8_t *
ipfrag_add(struct ipfrag_table *t, const struct ipfrag_key *k, size_t off,
	   const uint8_t *data, size_t n, bool more, uint64_t ts_us,
	   size_t *len, uint64_t *dropped)
{
	struct slot *s;

	if (off % 8 || n > IPFRAG_MAX || off > IPFRAG_MAX - n ||
	    (more && n % 8)) {
		(*dropped)++;
		return NULL;
	}
	s = find_slot(t, k, ts_us, dropped);
	if (!s->data && !(s->data = malloc(IPFRAG_MAX)))
		return NULL;
	if (!s->used || !same_key(&s->key, k)) {
		memset(s->have, 0, sizeof(s->have));
		s->key = *k;
		s->first_us = ts_us;
		s->total = 0;
		s->used = true;
	}
	if (!more)
		s->total = off + n;
	if (n > 0)
		store(s, off, data, n);
	if (!complete(s))
		return NULL;
	s->used = false;
	*len = s->total;
	return s->data;
}
