/* Case-insensitive name map: linear probing with backward-shift deletion. */
#include <stdint.h>
#include <stdlib.h>

#include "err.h"
#include "irc_map.h"

struct slot {
	const char *key;	/* NULL: empty */
	void *value;
	uint32_t hash;
};

struct irc_map {
	struct slot *slots;
	size_t cap;	/* power of two */
	size_t count;
};

static unsigned char
fold(unsigned char c)
{
	if (c >= 'A' && c <= '^')	/* A-Z and [\]^ (RFC 2812 §2.2) */
		return (unsigned char)(c + 32);
	return c;
}

int
irc_casecmp(const char *a, const char *b)
{
	unsigned char ca, cb;

	do {
		ca = fold((unsigned char)*a++);
		cb = fold((unsigned char)*b++);
	} while (ca && ca == cb);
	return ca - cb;
}

static uint32_t
hash_name(const char *s)
{
	uint32_t h = 2166136261u;	/* FNV-1a */

	for (; *s; s++)
		h = (h ^ fold((unsigned char)*s)) * 16777619u;
	return h;
}

struct irc_map *
irc_map_new(void)
{
	struct irc_map *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->cap = 16;
	if (!(m->slots = calloc(m->cap, sizeof(*m->slots)))) {
		free(m);
		return NULL;
	}
	return m;
}

void
irc_map_free(struct irc_map *m)
{
	if (!m)
		return;
	free(m->slots);
	free(m);
}

static size_t
find(const struct irc_map *m, const char *key, uint32_t h)
{
	size_t mask = m->cap - 1, i = h & mask;

	while (m->slots[i].key &&
	       (m->slots[i].hash != h || irc_casecmp(m->slots[i].key, key)))
		i = (i + 1) & mask;
	return i;
}

void *
irc_map_get(const struct irc_map *m, const char *key)
{
	size_t i = find(m, key, hash_name(key));

	return m->slots[i].key ? m->slots[i].value : NULL;
}

static int
grow(struct irc_map *m)
{
	struct slot *old = m->slots;
	size_t i, oldcap = m->cap;

	if (!(m->slots = calloc(oldcap * 2, sizeof(*m->slots)))) {
		m->slots = old;
		return KIT_ENOMEM;
	}
	m->cap = oldcap * 2;
	for (i = 0; i < oldcap; i++)
		if (old[i].key)
			m->slots[find(m, old[i].key, old[i].hash)] = old[i];
	free(old);
	return 0;
}

int
irc_map_put(struct irc_map *m, const char *key, void *value)
{
	uint32_t h = hash_name(key);
	size_t i;
	int r;

	if ((m->count + 1) * 4 > m->cap * 3 && (r = grow(m)) < 0)
		return r;
	i = find(m, key, h);
	if (m->slots[i].key)
		return KIT_EINVAL;
	m->slots[i] = (struct slot){ key, value, h };
	m->count++;
	return 0;
}

/* Slot j's entry may move into the hole at i if its home is not in (i, j]. */
static int
may_move(size_t home, size_t i, size_t j, size_t mask)
{
	return ((j - home) & mask) >= ((j - i) & mask);
}

void *
irc_map_del(struct irc_map *m, const char *key)
{
	size_t mask = m->cap - 1, i = find(m, key, hash_name(key)), j;
	void *value = m->slots[i].value;

	if (!m->slots[i].key)
		return NULL;
	for (j = (i + 1) & mask; m->slots[j].key; j = (j + 1) & mask) {
		if (may_move(m->slots[j].hash & mask, i, j, mask)) {
			m->slots[i] = m->slots[j];
			i = j;
		}
	}
	m->slots[i] = (struct slot){ 0 };
	m->count--;
	return value;
}

size_t
irc_map_count(const struct irc_map *m)
{
	return m->count;
}

void *
irc_map_next(const struct irc_map *m, size_t *pos)
{
	while (*pos < m->cap) {
		const struct slot *s = &m->slots[(*pos)++];

		if (s->key)
			return s->value;
	}
	return NULL;
}
