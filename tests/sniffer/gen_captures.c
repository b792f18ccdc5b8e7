/* \summary: write one small capture per decoding or reassembly case, with
 * what bin/sniffer must make of it (tests/integration/20-sniffer-cases.sh).
 *
 *	gen_captures OUTDIR [CASE...]	write the cases (all by default)
 *	gen_captures -l			list the cases
 *
 * For each CASE, OUTDIR gets CASE.pcap (or CASE.pcapng), CASE.expected/
 * with one file per flow direction holding exactly the bytes `sniffer -o`
 * must write, named as tcpflow names them, and CASE.json with the fields
 * its --json flow events must show. Payloads are text lines that name the
 * case, the flow, the direction and the stream offset, so that a diff
 * reads well; bytes sent again with other content ("resent copy, must
 * lose") must never reach the output: the first copy captured wins.
 *
 * Where tcpflow 1.6 writes something else, the case says what and why in
 * its JSON ("tcpflow": {"differs": ..., "why": ...}).
 *
 * The cases are in cases_link.c and cases_tcp.c; flowgen.c builds the
 * connections and keeps the expectation, frame.c the frames, capfile.c
 * the file formats, expect.c writes the results.
 */
#define _POSIX_C_SOURCE 200809L	/* mkdir under cc -std=c11 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cases.h"
#include "fatal.h"

static const struct gencase *const tables[] = { link_cases, tcp_cases };

#define NTABLES (sizeof tables / sizeof tables[0])

static int
usage(void)
{
	fprintf(stderr, "usage: gen_captures OUTDIR [CASE...]\n"
		"       gen_captures -l\n");
	return 2;
}

/* The case called name, or NULL. */
static const struct gencase *
find_case(const char *name)
{
	const struct gencase *c;
	size_t t;

	for (t = 0; t < NTABLES; t++)
		for (c = tables[t]; c->name; c++)
			if (strcmp(c->name, name) == 0)
				return c;
	return NULL;
}

int
main(int argc, char **argv)
{
	const struct gencase *c;
	size_t t;
	int i;

	if (argc == 2 && strcmp(argv[1], "-l") == 0) {
		for (t = 0; t < NTABLES; t++)
			for (c = tables[t]; c->name; c++)
				printf("%s\n", c->name);
		return 0;
	}
	if (argc < 2 || argv[1][0] == '-')
		return usage();
	for (i = 2; i < argc; i++) {
		if (!find_case(argv[i])) {
			fprintf(stderr, "gen_captures: no case %s (see "
				"gen_captures -l)\n", argv[i]);
			return 2;
		}
	}
	if (mkdir(argv[1], 0777) != 0 && errno != EEXIST)
		fatal_sys("mkdir %s", argv[1]);
	if (argc == 2) {
		for (t = 0; t < NTABLES; t++)
			for (c = tables[t]; c->name; c++)
				c->fn(argv[1], c->name);
	}
	for (i = 2; i < argc; i++)
		find_case(argv[i])->fn(argv[1], argv[i]);
	return 0;
}
