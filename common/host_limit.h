/* How many connections each host has open, against a limit, so that one
 * host cannot take every slot of --max-clients. */
#ifndef KIT_COMMON_HOST_LIMIT_H
#define KIT_COMMON_HOST_LIMIT_H

#include <stddef.h>

struct host_limit;

/* max connections per host; 0 means no limit. NULL when out of memory. */
struct host_limit *host_limit_new(size_t max);
void host_limit_free(struct host_limit *hl);	/* NULL-safe */

/*
 * Count one more connection from host (a numeric address). 0, KIT_ETOOBIG
 * if host has its max already (nothing counted), or KIT_ENOMEM. 127.0.0.1
 * and ::1 (also as ::ffff:127.0.0.1) are never limited: a lab runs every
 * client on one machine. Other loopback addresses are, like any host.
 */
int host_limit_take(struct host_limit *hl, const char *host);

/* One connection from host has closed (one that host_limit_take
 * counted). */
void host_limit_give(struct host_limit *hl, const char *host);

#endif
