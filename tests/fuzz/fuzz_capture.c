/* libFuzzer harness: arbitrary bytes as a capture file, through libpcap's
 * reader, decoding, fragment and stream reassembly and every output (the
 * text ones to memory, -o files to a scratch folder emptied each run). */
#include <dirent.h>
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "decode.h"
#include "flow.h"
#include "ipfrag.h"
#include "output.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char scratch[] = "/tmp/fuzz_capture.XXXXXX";

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
run(pcap_t *p, FILE *text)
{
	struct sink *s[4] = {
		files_sink_new(scratch, 0), follow_sink_new(text, false, true),
		json_sink_new(text), stats_sink_new(text),
	};
	struct sink pipeline[4];
	struct decoder dec = { .linktype = pcap_datalink(p) };
	struct flow_table *t;
	struct pcap_pkthdr *h;
	const u_char *bytes;
	struct tcp_segment seg;
	int i;

	for (i = 0; i < 4; i++)
		pipeline[i] = *s[i];
	dec.frags = ipfrag_new();
	t = flow_table_new(&(struct flow_config){ .max_flows = 64,
		.idle_timeout_us = 5000000, .limits = { .max_ooo = 8192 },
		.sinks = pipeline, .nsinks = 4 });
	while (pcap_next_ex(p, &h, &bytes) == 1) {
		uint64_t ts = (uint64_t)h->ts.tv_sec * 1000000 +
			      (uint64_t)h->ts.tv_usec;

		if (decode_frame(&dec, bytes, h->caplen, ts, false, &seg) ==
		    DECODE_TCP)
			flow_table_segment(t, &seg, ts);
	}
	flow_table_finish(t);
	for (i = 0; i < 4; i++) {
		if (s[i]->ops->finish)
			s[i]->ops->finish(s[i]->self);
		sink_free(s[i]);
	}
	flow_table_free(t);
	ipfrag_free(dec.frags);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[PCAP_ERRBUF_SIZE];
	char *text = NULL;
	size_t text_len = 0;
	FILE *in, *out;
	pcap_t *p;

	if (scratch[sizeof(scratch) - 2] == 'X' && !mkdtemp(scratch))
		abort();
	if (size == 0 || !(in = fmemopen((void *)data, size, "rb")))
		return 0;
	if (!(p = pcap_fopen_offline(in, err))) {
		fclose(in);
		return 0;
	}
	out = open_memstream(&text, &text_len);
	run(p, out);
	fclose(out);
	free(text);
	pcap_close(p);	/* closes in */
	empty_scratch();
	return 0;
}
