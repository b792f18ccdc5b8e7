/* \summary: secure_chat trust files: authorized keys (the server's
 * nick -> key list) and known hosts (the client's trust on first use);
 * keys.h has the formats. */
#include <errno.h>
#include <fcntl.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "err.h"
#include "irc_map.h"
#include "keys.h"
#include "keys_internal.h"

/* --- nicks ---------------------------------------------------------------------- */

bool
keys_valid_nick(const char *nick)
{
	static const char special[] = "[]\\`_^{|}";
	size_t i, n = strlen(nick);

	if (n == 0 || n > KEYS_NICK_MAX)
		return false;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)nick[i];
		bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
			  strchr(special, c) ||
			  (i > 0 && ((c >= '0' && c <= '9') || c == '-'));

		if (!ok)
			return false;
	}
	return true;
}

/* --- authorized keys ---------------------------------------------------------- */

struct auth_entry {
	char nick[KEYS_NICK_MAX + 1];	/* the map's key points here */
	uint8_t pub[KEYS_PUB_LEN];
	unsigned line;
};

struct keys_authorized {
	struct irc_map *map;	/* nick -> struct auth_entry */
};

void
keys_authorized_free(struct keys_authorized *a)
{
	size_t pos = 0;
	void *e;

	if (!a)
		return;
	if (a->map)
		while ((e = irc_map_next(a->map, &pos)))
			free(e);
	irc_map_free(a->map);
	free(a);
}

/* One "NICK kit-ed25519 BASE64 [comment]" line into a. */
static int
auth_line(struct keys_authorized *a, char *s, const char *path, unsigned no,
	  char err[static KIT_ERRLEN])
{
	char *nick = keys_field(&s), why[96];
	const struct auth_entry *old;
	struct auth_entry *e;
	const char *bad;

	if (nick && strcmp(nick, KEYS_TYPE) == 0)	/* a .pub line pasted */
		return keys_line_error(err, path, no, "the line starts with "
				       "the key: put the nick first (NICK "
				       KEYS_TYPE " BASE64)");
	if (!keys_valid_nick(nick))
		return keys_line_error(err, path, no, "not a valid nick "
				       "(1 to 30 letters, digits, "
				       "-[]\\`_^{|})");
	if ((old = irc_map_get(a->map, nick))) {
		snprintf(why, sizeof(why), "%s is already listed on line %u",
			 nick, old->line);
		return keys_line_error(err, path, no, why);
	}
	if (!(e = calloc(1, sizeof(*e)))) {
		keys_errf(err, "%s: out of memory", path);
		return KIT_ENOMEM;
	}
	if ((bad = keys_parse_key(s, e->pub))) {
		free(e);
		return keys_line_error(err, path, no, bad);
	}
	memcpy(e->nick, nick, strlen(nick) + 1);
	e->line = no;
	if (irc_map_put(a->map, e->nick, e) < 0) {
		free(e);
		keys_errf(err, "%s: out of memory", path);
		return KIT_ENOMEM;
	}
	return 0;
}

int
keys_authorized_load(const char *path, struct keys_authorized **out,
		     char err[static KIT_ERRLEN])
{
	struct keys_authorized *a = NULL;
	char *text = NULL, buf[KEYS_LINE_MAX + 1];
	struct keys_lines it;
	size_t len;
	int r;

	if ((r = keys_read_text(path, KEYS_TEXT_MAX, &text, &len, err)) < 0)
		return r;
	if (!(a = calloc(1, sizeof(*a))) || !(a->map = irc_map_new())) {
		keys_errf(err, "%s: out of memory", path);
		r = KIT_ENOMEM;
		goto out;
	}
	keys_lines_init(&it, text, len);
	while ((r = keys_next_line(&it, buf)) > 0)
		if (!keys_line_is_comment(buf) &&
		    (r = auth_line(a, buf, path, it.no, err)) < 0)
			goto out;
	if (r < 0) {
		keys_bad_line(err, path, it.no, r);
		goto out;
	}
	*out = a;
	a = NULL;
out:
	keys_authorized_free(a);
	free(text);
	return r;
}

size_t
keys_authorized_count(const struct keys_authorized *a)
{
	return irc_map_count(a->map);
}

int
keys_authorized_lookup(const struct keys_authorized *a, const char *nick,
		       uint8_t pub[static KEYS_PUB_LEN])
{
	const struct auth_entry *e = irc_map_get(a->map, nick);

	if (!e)
		return KIT_EAUTH;
	memcpy(pub, e->pub, KEYS_PUB_LEN);
	return 0;
}

/* --- known hosts ---------------------------------------------------------------- */

const char *
keys_known_name(const char *host, const char *port,
		char out[static KEYS_HOST_MAX])
{
	size_t hl = strlen(host), pl = strlen(port), i;
	unsigned long v = 0;
	bool v6 = strchr(host, ':') != NULL;

	if (hl == 0 || hl > 253)
		return "host name empty or longer than 253 bytes";
	for (i = 0; i < hl; i++) {
		unsigned char c = (unsigned char)host[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || strchr(".-_:%", c)))
			return "host name holds characters other than letters, "
			       "digits and .-_:%";
	}
	for (i = 0; i < pl; i++) {
		if (port[i] < '0' || port[i] > '9')
			break;
		v = v * 10 + (unsigned long)(port[i] - '0');
	}
	if (pl == 0 || pl > 5 || i < pl || port[0] == '0' || v > 65535)
		return "port is not a number from 1 to 65535";
	snprintf(out, KEYS_HOST_MAX, "%s%s%s:%s", v6 ? "[" : "", host,
		 v6 ? "]" : "", port);
	return NULL;
}

/* Find name in a known-hosts text; every line is checked. Returns
 * KEYS_KNOWN_MATCH (pub and *line set), KEYS_KNOWN_NONE or KIT_E*. */
static int
known_find(const char *path, const char *text, size_t len, const char *name,
	   uint8_t pub[static KEYS_PUB_LEN], unsigned *line,
	   char err[static KIT_ERRLEN])
{
	char buf[KEYS_LINE_MAX + 1], why[96], *s, *host;
	uint8_t key[KEYS_PUB_LEN];
	struct keys_lines it;
	const char *bad;
	unsigned found = 0;
	int r;

	keys_lines_init(&it, text, len);
	while ((r = keys_next_line(&it, buf)) > 0) {
		if (keys_line_is_comment(buf))
			continue;
		s = buf;
		host = keys_field(&s);
		if (host && strcmp(host, KEYS_TYPE) == 0)
			return keys_line_error(err, path, it.no, "the line "
					       "starts with the key: put "
					       "HOST:PORT first");
		if ((bad = keys_parse_key(s, key)))
			return keys_line_error(err, path, it.no, bad);
		if (strcasecmp(host, name) != 0)
			continue;
		if (found) {
			snprintf(why, sizeof(why), "host listed twice (lines "
				 "%u and %u)", found, it.no);
			return keys_line_error(err, path, it.no, why);
		}
		found = it.no;
		memcpy(pub, key, KEYS_PUB_LEN);
	}
	if (r < 0)
		return keys_bad_line(err, path, it.no, r);
	*line = found;
	return found ? KEYS_KNOWN_MATCH : KEYS_KNOWN_NONE;
}

/* Read and search the file; a missing file is an empty one. */
static int
known_search(const char *path, const char *host, const char *port,
	     char name[static KEYS_HOST_MAX], uint8_t pub[static KEYS_PUB_LEN],
	     unsigned *line, char **text, size_t *len,
	     char err[static KIT_ERRLEN])
{
	const char *bad;
	int r;

	if ((bad = keys_known_name(host, port, name))) {
		keys_errf(err, "%s", bad);
		return KIT_EINVAL;
	}
	if ((r = keys_read_text(path, KEYS_TEXT_MAX, text, len, err)) < 0) {
		if (r != KIT_ESYS || errno != ENOENT)
			return r;
		if (!(*text = calloc(1, 1)))
			return KIT_ENOMEM;
		*len = 0;
	}
	if ((r = known_find(path, *text, *len, name, pub, line, err)) < 0) {
		free(*text);
		*text = NULL;
	}
	return r;
}

int
keys_known_lookup(const char *path, const char *host, const char *port,
		  uint8_t pub[static KEYS_PUB_LEN], char err[static KIT_ERRLEN])
{
	char name[KEYS_HOST_MAX], *text = NULL;
	unsigned line;
	size_t len;
	int r;

	r = known_search(path, host, port, name, pub, &line, &text, &len, err);
	free(text);
	return r;
}

int
keys_known_check(const char *path, const char *host, const char *port,
		 const uint8_t pub[static KEYS_PUB_LEN],
		 char err[static KIT_ERRLEN])
{
	char name[KEYS_HOST_MAX], *text = NULL, was[KEYS_FP_LEN];
	uint8_t listed[KEYS_PUB_LEN];
	unsigned line;
	size_t len;
	int r;

	r = known_search(path, host, port, name, listed, &line, &text, &len,
			 err);
	free(text);
	if (r != KEYS_KNOWN_MATCH ||
	    CRYPTO_memcmp(listed, pub, KEYS_PUB_LEN) == 0)
		return r;
	if ((r = keys_fingerprint(listed, was, err)) < 0)
		return r;
	/* Short: the caller's warning gives the new key and the advice. */
	keys_errf(err, "The key known for %s is %s (line %u of %s).", name,
		  was, line, path);
	return KIT_EAUTH;
}

int
keys_known_add(const char *path, const char *host, const char *port,
	       const uint8_t pub[static KEYS_PUB_LEN], char err[static KIT_ERRLEN])
{
	char name[KEYS_HOST_MAX], *text = NULL, entry[KEYS_LINE_MAX + 2];
	uint8_t listed[KEYS_PUB_LEN];
	size_t len, n, skip;
	unsigned line;
	int fd, r;

	r = known_search(path, host, port, name, listed, &line, &text, &len,
			 err);
	if (r == KEYS_KNOWN_MATCH) {
		keys_errf(err, "%s is already in %s (line %u): "
			  "remove that line to replace its key", name, path,
			  line);
		r = KIT_EINVAL;
	}
	if (r < 0)
		goto out;
	/* A newline first if the last line lacks one. */
	skip = len == 0 || text[len - 1] == '\n';
	n = (size_t)snprintf(entry, sizeof(entry), "\n%s ", name);
	if ((r = keys_pub_format(pub, NULL, entry + n, sizeof(entry) - n - 1)) < 0)
		goto out;
	n += (size_t)r;
	entry[n++] = '\n';
	if ((fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY,
		       0644)) < 0) {
		r = keys_sys_error(err, path);
		goto out;
	}
	r = keys_write_all(fd, entry + skip, n - skip) < 0
	    ? keys_sys_error(err, path) : 0;
	if (close(fd) < 0 && r == 0)
		r = keys_sys_error(err, path);
out:
	free(text);
	return r;
}
