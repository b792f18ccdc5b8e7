/* \summary: packet sources over libpcap: live (immediate mode, so a class
 * sees each message as it is typed) or offline (pcap and pcapng). */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "capture.h"

struct capture {
	pcap_t *p;
	pcap_dumper_t *dump;
	bool live;
	uint64_t file_size;
	capture_fn fn;
	void *ud;
	uint64_t left;		/* packets still wanted, when counting */
	bool counting;
};

static const char perm_help[] =
	"; capturing needs privileges: run as root, or give the program the "
	"capability (sudo setcap cap_net_raw,cap_net_admin=eip bin/sniffer), "
	"or capture in your own user and network namespace (unshare -rn)";

static int
open_live(struct capture *c, const struct capture_opts *o, char *err)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	int r;

	if (!(c->p = pcap_create(o->iface, ebuf))) {
		snprintf(err, CAPTURE_ERRLEN, "cannot capture on %.100s: %s", o->iface,
			 ebuf);
		return CAPTURE_EOPEN;
	}
	pcap_set_immediate_mode(c->p, 1);
	pcap_set_promisc(c->p, o->promisc);
	pcap_set_snaplen(c->p, o->snaplen ? o->snaplen : 262144);
	if (o->buffer_kib)
		pcap_set_buffer_size(c->p, o->buffer_kib * 1024);
	pcap_set_tstamp_precision(c->p, PCAP_TSTAMP_PRECISION_MICRO);
	if ((r = pcap_activate(c->p)) < 0) {
		snprintf(err, CAPTURE_ERRLEN, "cannot capture on %.100s: %s%s", o->iface,
			 r == PCAP_ERROR_NO_SUCH_DEVICE ?
			 "no such interface (see `ip link`)" : pcap_geterr(c->p),
			 r == PCAP_ERROR_PERM_DENIED ? perm_help : "");
		return CAPTURE_EOPEN;
	}
	c->live = true;
	return 0;
}

static int
open_file(struct capture *c, const struct capture_opts *o, char *err)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	struct stat st;

	c->p = pcap_open_offline_with_tstamp_precision(
		o->file, PCAP_TSTAMP_PRECISION_MICRO, ebuf);
	if (!c->p) {
		size_t n = strlen(o->file);
		const char *why = ebuf;

		/* libpcap repeats the path before strerror's text */
		if (!strncmp(ebuf, o->file, n) && !strncmp(ebuf + n, ": ", 2))
			why = ebuf + n + 2;
		snprintf(err, CAPTURE_ERRLEN, "cannot read %.500s: %s%s",
			 strcmp(o->file, "-") ? o->file : "standard input", why,
			 strstr(why, "unknown file format") ?
			 " (not a pcap or pcapng capture file)" : "");
		return CAPTURE_EOPEN;
	}
	if (strcmp(o->file, "-") && stat(o->file, &st) == 0)
		c->file_size = (uint64_t)st.st_size;
	return 0;
}

static int
set_filter(struct capture *c, const char *expr, char *err)
{
	struct bpf_program prog;
	int r;

	if (pcap_compile(c->p, &prog, expr, 1, PCAP_NETMASK_UNKNOWN) < 0) {
		snprintf(err, CAPTURE_ERRLEN, "bad filter expression '%.500s': %s",
			 expr, pcap_geterr(c->p));
		return CAPTURE_EFILTER;
	}
	r = pcap_setfilter(c->p, &prog);
	pcap_freecode(&prog);
	if (r < 0) {
		snprintf(err, CAPTURE_ERRLEN, "cannot apply the filter: %s",
			 pcap_geterr(c->p));
		return CAPTURE_EFILTER;
	}
	return 0;
}

int
capture_open(struct capture **out, const struct capture_opts *o,
	     char err[static CAPTURE_ERRLEN])
{
	struct capture *c = calloc(1, sizeof(*c));
	int r;

	if (!c) {
		snprintf(err, CAPTURE_ERRLEN, "out of memory");
		return CAPTURE_EOPEN;
	}
	r = o->file ? open_file(c, o, err) : open_live(c, o, err);
	if (r == 0 && o->filter)
		r = set_filter(c, o->filter, err);
	if (r == 0 && o->write_file &&
	    !(c->dump = pcap_dump_open(c->p, o->write_file))) {
		snprintf(err, CAPTURE_ERRLEN, "cannot write %.500s: %s", o->write_file,
			 pcap_geterr(c->p));
		r = CAPTURE_EOPEN;
	}
	if (r != 0) {
		capture_close(c);
		return r;
	}
	*out = c;
	return 0;
}

void
capture_close(struct capture *c)
{
	if (!c)
		return;
	if (c->dump)
		pcap_dump_close(c->dump);
	if (c->p)
		pcap_close(c->p);
	free(c);
}

int
capture_linktype(const struct capture *c)
{
	return pcap_datalink(c->p);
}

const char *
capture_linktype_name(const struct capture *c)
{
	const char *name = pcap_datalink_val_to_name(pcap_datalink(c->p));

	return name ? name : "unknown";
}

static void
on_packet(u_char *ud, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct capture *c = (struct capture *)ud;
	uint64_t ts = (uint64_t)h->ts.tv_sec * 1000000 + (uint64_t)h->ts.tv_usec;

	if (c->dump)
		pcap_dump((u_char *)c->dump, h, bytes);
	c->fn(c->ud, ts, bytes, h->caplen, h->len);
	if (c->counting && --c->left == 0)
		pcap_breakloop(c->p);
}

int
capture_run(struct capture *c, uint64_t count, capture_fn fn, void *ud,
	    char err[static CAPTURE_ERRLEN])
{
	int r;

	c->fn = fn;
	c->ud = ud;
	c->counting = count > 0;
	c->left = count;
	do
		r = pcap_dispatch(c->p, -1, on_packet, (u_char *)c);
	while (r >= 0 && !(r == 0 && !c->live));
	if (c->dump)
		pcap_dump_flush(c->dump);
	if (r == PCAP_ERROR) {
		snprintf(err, CAPTURE_ERRLEN, "%s", pcap_geterr(c->p));
		return CAPTURE_EREAD;
	}
	return 0;
}

void
capture_stop(struct capture *c)
{
	pcap_breakloop(c->p);
}

bool
capture_drops(struct capture *c, uint64_t *received, uint64_t *dropped)
{
	struct pcap_stat st;

	if (!c->live || pcap_stats(c->p, &st) < 0)
		return false;
	*received = st.ps_recv;
	*dropped = (uint64_t)st.ps_drop + st.ps_ifdrop;
	return true;
}

void
capture_progress(struct capture *c, uint64_t *done, uint64_t *total)
{
	FILE *f = c->live ? NULL : pcap_file(c->p);
	long pos = f ? ftell(f) : -1;

	*done = pos > 0 ? (uint64_t)pos : 0;
	*total = c->file_size;
}
