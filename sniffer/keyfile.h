/* --keylog: the secrets secure_chat's endpoints log with their own
 * --keylog (docs/PROTOCOL.md, "What an eavesdropper sees"), looked up by
 * a connection's client random. A live capture reads the file again as
 * the endpoints append to it. */
#ifndef KIT_SNIFFER_KEYFILE_H
#define KIT_SNIFFER_KEYFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One connection's traffic secrets; have says which were logged. */
enum {
	KEYFILE_HAVE_C_HS = 1, KEYFILE_HAVE_S_HS = 2,
	KEYFILE_HAVE_C_AP = 4, KEYFILE_HAVE_S_AP = 8,
	KEYFILE_HAVE_ALL = 15,
};

struct keyfile_secrets {
	uint8_t random[32];	/* the client random of the ClientHello */
	uint8_t c_hs[32], s_hs[32], c_ap[32], s_ap[32];
	unsigned have;
};

struct keyfile;

/*
 * Parse a key log's text: KIT_CLIENT_RANDOM lines; blank lines and '#'
 * comments are skipped, and so are the SSLKEYLOGFILE lines of --tls (for
 * tshark), which are counted. NULL with a reason in err (the line number
 * of any other line, or out of memory).
 */
struct keyfile *keyfile_parse(const char *text, size_t len,
			      char err[static 256]);
/* The same for a file (at most KEYFILE_MAX_BYTES); err names the file.
 * When may_not_exist (a live capture), a file that does not exist yet,
 * and a last line without its newline, wait for keyfile_refresh;
 * otherwise that last line is read, and skipped and counted if it is cut
 * short (keyfile_malformed). */
#define KEYFILE_MAX_BYTES (64u << 20)
struct keyfile *keyfile_read(const char *path, bool may_not_exist,
			     char err[static 256]);
/* Read what the endpoints have appended since (the whole file again if it
 * was cut or replaced). Malformed new lines are skipped and counted, not
 * fatal: the capture goes on. Returns true when it found new secrets. */
bool keyfile_refresh(struct keyfile *k);

/* The secrets of the connection whose ClientHello has this random, into
 * *out (out->have == 0 when there are none). */
bool keyfile_find(const struct keyfile *k, const uint8_t random[static 32],
		  struct keyfile_secrets *out);
/* Add to *to the secrets that from has (the same connection's). */
void keyfile_merge(struct keyfile_secrets *to,
		   const struct keyfile_secrets *from);
size_t keyfile_sessions(const struct keyfile *k);
size_t keyfile_skipped(const struct keyfile *k);	/* TLS lines */
/* Lines skipped as malformed: written after the start, or cut short. */
size_t keyfile_malformed(const struct keyfile *k);
/* Why the file could not be read again, or NULL. */
const char *keyfile_error(const struct keyfile *k);

void keyfile_free(struct keyfile *k);	/* wipes the secrets; NULL-safe */

#endif
