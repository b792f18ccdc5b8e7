/* --keylog: a stage in front of the outputs that opens secure_chat's
 * records (docs/PROTOCOL.md) for the connections whose secrets the key
 * log holds, and hands the outputs their plaintext in place of the sealed
 * bytes. Every other connection passes through unchanged. */
#ifndef KIT_SNIFFER_UNSEAL_H
#define KIT_SNIFFER_UNSEAL_H

#include <stdbool.h>
#include <stdio.h>

struct keyfile;
struct sink;

/*
 * keys and down[0..ndown) are borrowed and must outlive the stage; slot
 * is its own flow->sink_state index (the outputs keep theirs). live: the
 * endpoints may still be appending to the key log (a live capture), so a
 * secret it lacks is waited for (the file read again) rather than given
 * up on. A line per secure_chat connection goes to report when it ends
 * (what was opened, the login ClientAuth carried, why anything could not
 * be), and a summary at finish. NULL when out of memory.
 */
struct sink *unseal_sink_new(struct keyfile *keys, bool live,
			     const struct sink *down, int ndown, int slot,
			     FILE *report);

#endif
