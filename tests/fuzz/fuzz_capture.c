/* libFuzzer harness: arbitrary bytes as a capture file, through the
 * sniffer's readers (its own for classic pcap, libpcap's for the rest),
 * decoding, fragment and stream reassembly and every output (the text
 * ones to memory, -o files to a scratch folder emptied each run). */
#include <dirent.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture.h"
#include "decode.h"
#include "flow.h"
#include "ipfrag.h"
#include "output.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char scratch[] = "/tmp/fuzz_capture.XXXXXX";
static bool scratch_made;

struct run {
	struct decoder dec;
	struct flow_table *flows;
};

static void
empty_scratch(void)
{
	DIR *d = opendir(scratch);
	struct dirent *e;

	while (d && (e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			unlinkat(dirfd(d), e->d_name, 0);
	if (d)
		closedir(d);
}

static void
on_packet(void *ud, uint64_t ts_us, const uint8_t *frame, size_t caplen,
	  size_t wire_len, bool stable)
{
	struct run *r = ud;
	struct tcp_segment seg;

	(void)wire_len;
	if (decode_frame(&r->dec, frame, caplen, ts_us, stable, &seg) ==
	    DECODE_TCP)
		flow_table_segment(r->flows, &seg, ts_us);
}

static void
run(struct capture *cap, FILE *text)
{
	struct sink *s[4] = {
		files_sink_new(scratch, 0), follow_sink_new(text, false, true),
		json_sink_new(text), stats_sink_new(text),
	};
	struct sink pipeline[4];
	struct run r = { .dec = { .linktype = capture_linktype(cap) } };
	char err[CAPTURE_ERRLEN];
	int i;

	for (i = 0; i < 4; i++)
		pipeline[i] = *s[i];
	r.dec.frags = ipfrag_new();
	r.flows = flow_table_new(&(struct flow_config){ .max_flows = 64,
		.idle_timeout_us = 5000000, .limits = { .max_ooo = 8192 },
		.sinks = pipeline, .nsinks = 4 });
	capture_run(cap, 0, on_packet, &r, err);
	flow_table_finish(r.flows);
	for (i = 0; i < 4; i++) {
		if (s[i]->ops->finish)
			s[i]->ops->finish(s[i]->self);
		sink_free(s[i]);
	}
	flow_table_free(r.flows);
	ipfrag_free(r.dec.frags);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[CAPTURE_ERRLEN], *text = NULL;
	size_t text_len = 0;
	struct capture *cap;
	FILE *out;

	/* Once: the name mkdtemp makes may end in 'X' as well. */
	if (!scratch_made && !(scratch_made = mkdtemp(scratch) != NULL))
		abort();
	if (capture_open_memory(&cap, data, size, err) != 0)
		return 0;
	out = open_memstream(&text, &text_len);
	run(cap, out);
	fclose(out);
	free(text);
	capture_close(cap);
	empty_scratch();
	return 0;
}
