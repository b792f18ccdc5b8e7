/* The sniffer's outputs, each a sink of the pipeline (see sink.h). */
#ifndef KIT_SNIFFER_OUTPUT_H
#define KIT_SNIFFER_OUTPUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "sink.h"

/* Follow view: each delivered chunk with a header line, text as is and
 * other bytes escaped (hex: a hex + ASCII dump), coloured per direction. */
struct sink *follow_sink_new(FILE *out, bool hex, bool color);

/* -o DIR: one file per direction per connection, named as tcpflow names
 * them; slot is this sink's flow->sink_state index. NULL if DIR cannot be
 * opened (errno says why). Write errors (a full disk) are reported once
 * on stderr and counted. */
struct sink *files_sink_new(const char *dir, int slot);
/* The oldest mapped byte the files sink still refers to, or NULL. */
const uint8_t *files_sink_oldest(const struct sink *k);
/* Write errors seen by the files sink (0 when all went well). */
uint64_t files_sink_errors(const struct sink *k);

/* --json: JSON Lines, one object per flow start and end. */
struct sink *json_sink_new(FILE *out);

/* --stats: a table of every flow at the end. */
struct sink *stats_sink_new(FILE *out);

void sink_free(struct sink *k);

/* The n last decimal digits of v at p, zero-padded; returns the end. */
char *put_digits(char *p, unsigned v, int n);

/* "2024-01-02 03:04:05.123456" (UTC) into out[TIME_TEXT_LEN]. */
#define TIME_TEXT_LEN 48
const char *format_time(uint64_t ts_us, char out[TIME_TEXT_LEN], char date_sep);

#endif
