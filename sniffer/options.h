/* The sniffer's command line (tcpdump conventions). */
#ifndef KIT_SNIFFER_OPTIONS_H
#define KIT_SNIFFER_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capture.h"

/* Exit statuses, documented in README.md. */
enum sniffer_status {
	SNIFFER_OK = 0,
	SNIFFER_EOPEN = CAPTURE_EOPEN,	/* input or output cannot be opened */
	SNIFFER_EUSAGE = CAPTURE_EFILTER,	/* bad option or filter */
	SNIFFER_EREAD = CAPTURE_EREAD,	/* damaged file; output up to there */
};

enum color_mode { COLOR_AUTO, COLOR_ALWAYS, COLOR_NEVER };

struct options {
	struct capture_opts cap;
	char *filter;		/* joined trailing words, or NULL */
	const char *out_dir;	/* -o */
	const char *keylog;	/* --keylog: secure_chat's secrets */
	uint64_t count;		/* -c; 0: no limit */
	bool follow, hex, json, stats;
	enum color_mode color;
	size_t max_flows;
	size_t max_ooo;
	unsigned idle_timeout_s;
};

/* Parse argv; prints usage and exits with SNIFFER_EUSAGE on error. */
void options_parse(struct options *o, int argc, char **argv);
void options_free(struct options *o);

#endif
