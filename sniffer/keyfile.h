/* --keylog: the secrets secure_chat's endpoints log with their own
 * --keylog (docs/PROTOCOL.md, "What an eavesdropper sees"), looked up by
 * a connection's client random. */
#ifndef KIT_SNIFFER_KEYFILE_H
#define KIT_SNIFFER_KEYFILE_H

#include <stddef.h>
#include <stdint.h>

/* One connection's traffic secrets; have says which were logged. */
enum {
	HAVE_C_HS = 1, HAVE_S_HS = 2, HAVE_C_AP = 4, HAVE_S_AP = 8,
	HAVE_ALL = 15,
};

struct kit_secrets {
	uint8_t random[32];	/* the client random of the ClientHello */
	uint8_t c_hs[32], s_hs[32], c_ap[32], s_ap[32];
	unsigned have;
};

struct keyfile;

/*
 * Parse a key log's text: KIT_CLIENT_RANDOM lines; blank lines, '#'
 * comments and other labels (the SSLKEYLOGFILE lines of --tls, for
 * tshark) are skipped and counted. NULL with a reason in err (the line
 * number of a malformed line, or out of memory).
 */
struct keyfile *keyfile_parse(const char *text, size_t len,
			      char err[static 256]);
/* The same for a file (at most KEYFILE_MAX_BYTES); err names the file. */
#define KEYFILE_MAX_BYTES (64u << 20)
struct keyfile *keyfile_read(const char *path, char err[static 256]);

/* The secrets of the connection whose ClientHello has this random. */
const struct kit_secrets *keyfile_find(const struct keyfile *k,
				       const uint8_t random[static 32]);
size_t keyfile_sessions(const struct keyfile *k);
size_t keyfile_skipped(const struct keyfile *k);	/* other labels */

void keyfile_free(struct keyfile *k);	/* wipes the secrets; NULL-safe */

#endif
