/* --keylog: this connection's secrets, appended to a file, so the sniffer
 * (sniffer --keylog) can open a capture in a lab (docs/PROTOCOL.md, "What
 * an eavesdropper sees"). */
#ifndef KIT_SECURE_KEYLOG_H
#define KIT_SECURE_KEYLOG_H

#include <stdint.h>
#include <stdio.h>

/* Open (append, mode 0600) and warn on stderr that secrets are being
 * written. Returns NULL with a message printed when it cannot. */
FILE *keylog_open(const char *path);

/* hs_config.keylog with ud pointing to the FILE *:
 * "KIT_CLIENT_RANDOM <random hex> <name> <secret hex>" */
void keylog_write(FILE *f, const uint8_t client_random[static 32],
		  const char *name, const uint8_t secret[static 32]);

#endif
