/* Connections per host: a map from address to count, entries made on a
 * host's first connection and removed with its last. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "host_limit.h"
#include "irc_map.h"
#include "net.h"

struct host_count {
	char host[NET_ADDRSTRLEN];	/* the map's key */
	size_t n;
};

struct host_limit {
	struct irc_map *hosts;
	size_t max;
};

struct host_limit *
host_limit_new(size_t max)
{
	struct host_limit *hl = calloc(1, sizeof(*hl));

	if (!hl || !(hl->hosts = irc_map_new())) {
		free(hl);
		return NULL;
	}
	hl->max = max;
	return hl;
}

void
host_limit_free(struct host_limit *hl)
{
	size_t pos = 0;
	struct host_count *hc;

	if (!hl)
		return;
	while ((hc = irc_map_next(hl->hosts, &pos)) != NULL)
		free(hc);
	irc_map_free(hl->hosts);
	free(hl);
}

static bool
limited(const struct host_limit *hl, const char *host)
{
	return hl->max > 0 && strcmp(host, "127.0.0.1") != 0 &&
	       strcmp(host, "::1") != 0 && strcmp(host, "::ffff:127.0.0.1") != 0;
}

int
host_limit_take(struct host_limit *hl, const char *host)
{
	struct host_count *hc;

	if (!limited(hl, host))
		return 0;
	if ((hc = irc_map_get(hl->hosts, host)) != NULL) {
		if (hc->n >= hl->max)
			return KIT_ETOOBIG;
		hc->n++;
		return 0;
	}
	if (!(hc = calloc(1, sizeof(*hc))))
		return KIT_ENOMEM;
	snprintf(hc->host, sizeof(hc->host), "%s", host);
	hc->n = 1;
	if (irc_map_put(hl->hosts, hc->host, hc) < 0) {
		free(hc);
		return KIT_ENOMEM;
	}
	return 0;
}

void
host_limit_give(struct host_limit *hl, const char *host)
{
	struct host_count *hc;

	if (!limited(hl, host) || !(hc = irc_map_get(hl->hosts, host)))
		return;
	if (--hc->n == 0)
		free(irc_map_del(hl->hosts, host));
}
