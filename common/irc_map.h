/* Map from IRC names (nicks, channels) to pointers, RFC 1459 casemapping. */
#ifndef KIT_COMMON_IRC_MAP_H
#define KIT_COMMON_IRC_MAP_H

#include <stddef.h>

/*
 * RFC 2812 §2.2: "{}|^" are the lower-case forms of "[]\~", so "Nick[1]"
 * and "nick{1}" are the same nick. Servers announce CASEMAPPING=rfc1459.
 */
int irc_casecmp(const char *a, const char *b);

/*
 * Open-addressing hash table. Keys are borrowed: each key must stay valid
 * and unchanged while its entry is in the map (callers use a name stored
 * in the value itself).
 */
struct irc_map;

struct irc_map *irc_map_new(void);
void irc_map_free(struct irc_map *m);	/* NULL-safe; values are not freed */

/* Returns the value for key, or NULL. */
void *irc_map_get(const struct irc_map *m, const char *key);

/* Inserts key; KIT_EINVAL if an equal key is present, KIT_ENOMEM. */
int irc_map_put(struct irc_map *m, const char *key, void *value);

/* Removes key if present; returns its value or NULL. */
void *irc_map_del(struct irc_map *m, const char *key);

size_t irc_map_count(const struct irc_map *m);

/* Iterate: start with *pos = 0; returns the next value or NULL at the end.
 * The map must not change during an iteration. */
void *irc_map_next(const struct irc_map *m, size_t *pos);

#endif
