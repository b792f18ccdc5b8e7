/* Chat state: clients, nicks, channels and membership (RFC 2812 §1.2-1.3). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "chat_internal.h"
#include "err.h"
#include "irc_map.h"

struct chat_core *
chat_core_new(const struct chat_config *cfg)
{
	struct chat_core *core = calloc(1, sizeof(*core));

	if (!core)
		return NULL;
	core->cfg = *cfg;
	core->started = (int64_t)time(NULL);
	core->nicks = irc_map_new();
	core->channels = irc_map_new();
	if (!core->nicks || !core->channels) {
		chat_core_free(core);
		return NULL;
	}
	return core;
}

void
chat_core_set_writer(struct chat_core *core, chat_write_fn fn)
{
	core->write_now = fn;
}

struct chat_client *
chat_client_new(struct chat_core *core, const char *host, uint64_t now_ms)
{
	struct chat_client *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->core = core;
	snprintf(c->nick, sizeof(c->nick), "*");
	snprintf(c->host, sizeof(c->host), "%s", host);
	sendq_init(&c->out, core->cfg.sendq_limit);
	c->connected_ms = c->last_seen_ms = now_ms;
	if (!core->cfg.password)
		c->flags |= CLIENT_PASS_OK;
	c->next = core->clients;
	if (core->clients)
		core->clients->prev = c;
	core->clients = c;
	core->nclients++;
	return c;
}

void
chat_client_free(struct chat_client *c)
{
	struct chat_core *core;

	if (!c)
		return;
	core = c->core;
	while (c->nchans > 0)
		chat_part(c, c->chans[c->nchans - 1]);
	if (c->flags & CLIENT_HAS_NICK)
		irc_map_del(core->nicks, c->nick);
	if (c->prev)
		c->prev->next = c->next;
	else
		core->clients = c->next;
	if (c->next)
		c->next->prev = c->prev;
	core->nclients--;
	if (c->flags & CLIENT_REGISTERED)
		core->nregistered--;
	sendq_free(&c->out);
	free(c->chans);
	explicit_bzero(c->pass, sizeof(c->pass));	/* left before USER */
	free(c);
}

void
chat_core_free(struct chat_core *core)
{
	if (!core)
		return;
	while (core->clients)
		chat_client_free(core->clients);
	irc_map_free(core->nicks);
	irc_map_free(core->channels);
	free(core);
}

/* RFC 2812 §2.3.1: nickname = ( letter / special ) *( letter / digit /
 * special / "-" ), special = "[]\`_^{|}". */
bool
chat_valid_nick(const char *nick)
{
	static const char special[] = "[]\\`_^{|}";
	size_t i, n = strlen(nick);

	if (n == 0 || n > CHAT_NICK_MAX)
		return false;
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)nick[i];
		bool ok = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
			  strchr(special, ch) ||
			  (i > 0 && ((ch >= '0' && ch <= '9') || ch == '-'));
		if (!ok)
			return false;
	}
	return true;
}

/* RFC 2812 §1.3: no space, comma, BEL; CHANTYPES=# here. */
bool
chat_valid_channel(const char *name)
{
	size_t n = strlen(name);

	return n >= 2 && n <= CHAT_CHANNEL_MAX && name[0] == '#' &&
	       strpbrk(name, " ,\a:") == NULL;
}

struct chat_client *
chat_find_nick(struct chat_core *core, const char *nick)
{
	return irc_map_get(core->nicks, nick);
}

struct chat_channel *
chat_find_channel(struct chat_core *core, const char *name)
{
	return irc_map_get(core->channels, name);
}

int
chat_set_nick(struct chat_client *c, const char *nick)
{
	struct chat_core *core = c->core;
	struct chat_client *owner = chat_find_nick(core, nick);
	int r;

	if (owner && owner != c)
		return KIT_EINVAL;
	if (c->flags & CLIENT_HAS_NICK)
		irc_map_del(core->nicks, c->nick);
	snprintf(c->nick, sizeof(c->nick), "%s", nick);
	if ((r = irc_map_put(core->nicks, c->nick, c)) < 0) {
		c->flags &= ~CLIENT_HAS_NICK;
		snprintf(c->nick, sizeof(c->nick), "*");
		return r;
	}
	c->flags |= CLIENT_HAS_NICK;
	return 0;
}

bool
chat_is_member(const struct chat_channel *ch, const struct chat_client *c)
{
	size_t i;

	for (i = 0; i < c->nchans; i++)
		if (c->chans[i] == ch)
			return true;
	return false;
}

static struct chat_channel *
channel_create(struct chat_core *core, const char *name)
{
	struct chat_channel *ch = calloc(1, sizeof(*ch));

	if (!ch)
		return NULL;
	snprintf(ch->name, sizeof(ch->name), "%s", name);
	ch->created = (int64_t)time(NULL);
	if (irc_map_put(core->channels, ch->name, ch) < 0) {
		free(ch);
		return NULL;
	}
	return ch;
}

static int
add_member(struct chat_channel *ch, struct chat_client *c)
{
	if (ch->nmembers == ch->cap) {
		size_t cap = ch->cap ? ch->cap * 2 : 8;
		void *p = realloc(ch->members, cap * sizeof(*ch->members));

		if (!p)
			return KIT_ENOMEM;
		ch->members = p;
		ch->cap = cap;
	}
	ch->members[ch->nmembers++] = c;
	return 0;
}

int
chat_join(struct chat_client *c, const char *name, struct chat_channel **out)
{
	struct chat_channel *ch = chat_find_channel(c->core, name);

	if (ch && chat_is_member(ch, c))
		return KIT_EINVAL;
	if (c->nchans >= CHAT_CHANNELS_PER_CLIENT)
		return KIT_ETOOBIG;
	if (!c->chans &&
	    !(c->chans = calloc(CHAT_CHANNELS_PER_CLIENT, sizeof(*c->chans))))
		return KIT_ENOMEM;
	if (!ch && !(ch = channel_create(c->core, name)))
		return KIT_ENOMEM;
	if (add_member(ch, c) < 0) {
		if (ch->nmembers == 0) {
			irc_map_del(c->core->channels, ch->name);
			free(ch);
		}
		return KIT_ENOMEM;
	}
	c->chans[c->nchans++] = ch;
	*out = ch;
	return 0;
}

static void
remove_member(struct chat_channel *ch, const struct chat_client *c)
{
	size_t i;

	/* Keep join order: NAMES and WHO list members as they came. */
	for (i = 0; i < ch->nmembers; i++) {
		if (ch->members[i] == c) {
			memmove(&ch->members[i], &ch->members[i + 1],
				(ch->nmembers - i - 1) * sizeof(*ch->members));
			ch->nmembers--;
			return;
		}
	}
}

void
chat_part(struct chat_client *c, struct chat_channel *ch)
{
	size_t i;

	for (i = 0; i < c->nchans; i++) {
		if (c->chans[i] == ch) {
			c->chans[i] = c->chans[--c->nchans];
			break;
		}
	}
	remove_member(ch, c);
	if (ch->nmembers == 0) {
		irc_map_del(c->core->channels, ch->name);
		free(ch->members);
		free(ch);
	}
}
