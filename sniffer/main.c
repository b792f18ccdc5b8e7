/* sniffer: what an eavesdropper on the network reads. Captures live or
 * reads a capture file, reassembles every TCP connection and shows it. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "capture.h"
#include "decode.h"
#include "err.h"
#include "flow.h"
#include "ipfrag.h"
#include "keyfile.h"
#include "options.h"
#include "output.h"
#include "unseal.h"

struct run {
	struct decoder dec;
	struct keyfile *keys;	/* --keylog */
	struct sink *unseal;	/* in front of the outputs, with --keylog */
	const struct sink *files;	/* the -o sink, or NULL */
	struct flow_table *flows;
	struct capture *cap;
	bool progress;
	uint64_t next_progress_ms, started_ms;
};

/* The capture a signal should stop (only main's loop reads it). */
static struct capture *volatile stop_target;

static void
on_signal(int sig)
{
	(void)sig;
	if (stop_target)
		capture_stop(stop_target);
}

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void
show_progress(struct run *r)
{
	uint64_t done, total, now = now_ms();
	double secs = (double)(now - r->started_ms) / 1000.0;

	r->next_progress_ms = now + 250;
	capture_progress(r->cap, &done, &total);
	fprintf(stderr, "\r%5.1f%%  %7.1f MB/s  %llu flows ",
		total ? 100.0 * (double)done / (double)total : 0.0,
		secs > 0 ? (double)done / 1e6 / secs : 0.0,
		(unsigned long long)flow_table_stats(r->flows)->flows);
}

/* Let the mapped file's pages go once nothing refers to them. */
static void
release_pages(struct run *r, const uint8_t *frame)
{
	const uint8_t *oldest = r->files ? files_sink_oldest(r->files) : NULL;

	capture_release_before(r->cap, oldest && oldest < frame ? oldest
								: frame);
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
	if (stable && (r->dec.stats.frames & 255) == 0)
		release_pages(r, frame);
	if (r->progress && (r->dec.stats.frames & 4095) == 0 &&
	    now_ms() >= r->next_progress_ms)
		show_progress(r);
}

static void
summary(const struct run *r, const struct options *o)
{
	const struct decode_stats *d = &r->dec.stats;
	const struct flow_stats *f = flow_table_stats(r->flows);
	uint64_t received, dropped;

	fprintf(stderr, "sniffer: %llu packets (%llu TCP, %llu other, %llu "
		"truncated, %llu invalid), %llu TCP connection%s\n",
		(unsigned long long)d->frames, (unsigned long long)d->tcp,
		(unsigned long long)d->other, (unsigned long long)d->truncated,
		(unsigned long long)d->invalid, (unsigned long long)f->flows,
		f->flows == 1 ? "" : "s");
	if (d->fragments)
		fprintf(stderr, "sniffer: %llu IP fragments, %llu datagrams "
			"reassembled, %llu fragments dropped\n",
			(unsigned long long)d->fragments,
			(unsigned long long)d->reassembled,
			(unsigned long long)d->frag_dropped);
	if (f->ooo_cap_hits)
		fprintf(stderr, "sniffer: %llu holes given up when --max-ooo %zu "
			"bytes waited behind them (reported as missing; the "
			"bytes after them were delivered)\n",
			(unsigned long long)f->ooo_cap_hits, o->max_ooo);
	if (f->evicted)
		fprintf(stderr, "sniffer: %llu connections ended early: more "
			"than --max-flows %zu were open at once\n",
			(unsigned long long)f->evicted, o->max_flows);
	/* Only drops: on lo the kernel counts each packet twice as received
	 * (once leaving, once arriving), which would only confuse. */
	if (capture_drops(r->cap, &received, &dropped))
		fprintf(stderr, "sniffer: %llu packets dropped by the kernel\n",
			(unsigned long long)dropped);
}

/* The outputs the options ask for, in a fixed order. */
static int
build_sinks(const struct options *o, struct sink *sinks[SINK_MAX])
{
	bool color = o->color == COLOR_ALWAYS ||
		     (o->color == COLOR_AUTO && isatty(STDOUT_FILENO));
	int n = 0;

	if (o->out_dir && !(sinks[n] = files_sink_new(o->out_dir, n))) {
		kit_warn("cannot open the output folder %s: %s", o->out_dir,
			 strerror(errno));
		exit(SNIFFER_EOPEN);
	}
	n += o->out_dir != NULL;
	if (o->follow && !(sinks[n++] = follow_sink_new(stdout, o->hex, color)))
		kit_die("out of memory");
	if (o->json && !(sinks[n++] = json_sink_new(stdout)))
		kit_die("out of memory");
	if (o->stats && !(sinks[n++] = stats_sink_new(stdout)))
		kit_die("out of memory");
	return n;
}

/* -o DIR: made if it does not exist (its parent must), as tcpflow does. */
static void
check_out_dir(const char *dir)
{
	if (dir && mkdir(dir, 0755) < 0 && errno != EEXIST) {
		kit_warn("cannot make the output folder %s: %s", dir,
			 strerror(errno));
		exit(SNIFFER_EOPEN);
	}
	if (dir && access(dir, W_OK | X_OK) != 0) {
		kit_warn("cannot write to the output folder %s: %s", dir,
			 strerror(errno));
		exit(SNIFFER_EOPEN);
	}
}

/* --keylog: the stage that opens secure_chat's records goes in front of
 * the outputs (its own state in the slot after theirs); the pipeline the
 * flow table calls. */
static const struct sink *
add_unseal(struct run *r, const struct options *o, const struct sink *outputs,
	   int n)
{
	char err[KIT_ERRLEN];

	if (!o->keylog)
		return outputs;
	if (!(r->keys = keyfile_read(o->keylog, o->cap.iface != NULL, err))) {
		kit_warn("%s", err);
		exit(SNIFFER_EOPEN);
	}
	if (o->cap.iface && access(o->keylog, F_OK) < 0)
		kit_warn("key log %s does not exist yet: it is read as soon as "
			 "an endpoint's --keylog writes it", o->keylog);
	/* Live, the endpoints may not have written to it yet. */
	if (keyfile_sessions(r->keys) == 0 &&
	    (!o->cap.iface || keyfile_skipped(r->keys)))
		kit_warn("key log %s holds no KIT_CLIENT_RANDOM line: no "
			 "secure_chat record can be opened with it%s", o->keylog,
			 keyfile_skipped(r->keys) ? " (the key log of a --tls "
			 "chat is for tshark: docs/PROTOCOL.md)" : "");
	r->unseal = unseal_sink_new(r->keys, o->cap.iface != NULL, outputs, n,
				    n, stderr);
	if (!r->unseal)
		kit_die("out of memory");
	return r->unseal;
}

static void
open_capture(struct run *r, const struct options *o)
{
	char err[CAPTURE_ERRLEN];
	int st = capture_open(&r->cap, &o->cap, err);

	if (st != 0) {
		kit_warn("%s", err);
		exit(st);
	}
	r->dec.linktype = capture_linktype(r->cap);
	if (!decode_link_supported(r->dec.linktype)) {
		kit_warn("link type %s (%d) is not supported: the sniffer reads "
			 "Ethernet, Linux cooked (SLL, SLL2), BSD loopback and "
			 "raw IP", capture_linktype_name(r->cap),
			 r->dec.linktype);
		exit(SNIFFER_EOPEN);
	}
	if (o->cap.iface)	/* lines show as they are captured */
		setvbuf(stdout, NULL, _IOLBF, 0);
	if (o->cap.iface)	/* as tcpdump does; scripts wait for it too */
		fprintf(stderr, "sniffer: listening on %s, link-type %s\n",
			o->cap.iface, capture_linktype_name(r->cap));
}

static int
run_capture(struct run *r, const struct options *o)
{
	char err[CAPTURE_ERRLEN];
	int st;

	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	stop_target = r->cap;
	r->progress = o->cap.file && isatty(STDERR_FILENO);
	r->started_ms = now_ms();
	st = capture_run(r->cap, o->count, on_packet, r, err);
	stop_target = NULL;
	if (r->progress)
		fputs("\r\033[K", stderr);
	if (st != 0)
		kit_warn("%s: capture file damaged or unsupported from here on: "
			 "%s", o->cap.file ? o->cap.file : o->cap.iface, err);
	return st;
}

int
main(int argc, char **argv)
{
	struct options o;
	struct sink *sinks[SINK_MAX], pipeline[SINK_MAX];
	const struct sink *first;	/* what the flow table calls */
	struct run r;
	int i, n, st;

	kit_set_progname("sniffer");
	options_parse(&o, argc, argv);
	check_out_dir(o.out_dir);
	memset(&r, 0, sizeof(r));
	open_capture(&r, &o);
	n = build_sinks(&o, sinks);
	r.files = o.out_dir ? sinks[0] : NULL;
	for (i = 0; i < n; i++)
		pipeline[i] = *sinks[i];
	first = add_unseal(&r, &o, pipeline, n);
	r.dec.frags = ipfrag_new();
	r.flows = flow_table_new(&(struct flow_config){
		.max_flows = o.max_flows,
		.idle_timeout_us = (uint64_t)o.idle_timeout_s * 1000000,
		.limits = { .max_ooo = o.max_ooo },
		.sinks = first, .nsinks = r.unseal ? 1 : n });
	if (!r.flows || !r.dec.frags)
		kit_die("out of memory");
	st = run_capture(&r, &o);
	flow_table_finish(r.flows);
	if (r.unseal)
		r.unseal->ops->finish(r.unseal->self);
	for (i = 0; i < n; i++)
		if (sinks[i]->ops->finish)
			sinks[i]->ops->finish(sinks[i]->self);
	fflush(stdout);
	summary(&r, &o);
	if (o.out_dir && files_sink_errors(sinks[0]) && st == 0)
		st = SNIFFER_EOPEN;
	sink_free(r.unseal);
	keyfile_free(r.keys);
	for (i = 0; i < n; i++)
		sink_free(sinks[i]);
	flow_table_free(r.flows);
	ipfrag_free(r.dec.frags);
	capture_close(r.cap);
	options_free(&o);
	return st;
}
