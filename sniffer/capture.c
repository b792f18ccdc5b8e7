/* \summary: packet sources over libpcap: live (immediate mode, so a class
 * sees each message as it is typed) or offline (pcap and pcapng). Classic
 * pcap files are mapped and read in place (pcapfile.c), with libpcap still
 * compiling and applying the filter and writing -w; everything else is
 * read by libpcap. */
#include <errno.h>
#include <fcntl.h>
#include <pcap/pcap.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "capture.h"
#include "decode.h"
#include "pcapfile.h"

#define LINKTYPE_RAW 101
/* Mapped pages no longer needed are let go in steps of this size, so a
 * large file does not count against the sniffer's memory. */
#define UNMAP_STEP (16u << 20)

struct capture {
	pcap_t *p;		/* live, file, or a "dead" handle for mapped */
	pcap_dumper_t *dump;
	bool live;
	uint64_t file_size;
	/* mapped classic pcap */
	bool mapped, unmap;
	void *map;
	size_t map_size;
	struct pcapfile pf;
	size_t released;	/* mapped bytes before this were let go */
	struct bpf_program prog;
	bool filtering;
	volatile sig_atomic_t stop;
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
	/* In immediate mode libpcap gives every packet a ring slot as large
	 * as the snaplen or the interface's MTU, whichever is smaller: on lo
	 * (64 KiB) a slot takes 128 KiB, so its default 2 MiB holds 16
	 * packets and a burst of small ones loses most; 64 MiB hold 512. */
	pcap_set_buffer_size(c->p, (o->buffer_kib ? o->buffer_kib :
				    CAPTURE_BUFFER_KIB) * 1024);
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

/* Read a classic pcap in place when its link type is one we decode. */
static bool
use_mapped(struct capture *c, void *data, size_t size)
{
	int dlt;

	if (pcapfile_open(&c->pf, data, size) < 0)
		return false;
	dlt = c->pf.linktype == LINKTYPE_RAW ? DLT_RAW : (int)c->pf.linktype;
	if (!decode_link_supported(dlt))
		return false;
	c->p = pcap_open_dead_with_tstamp_precision(dlt,
		c->pf.snaplen ? (int)c->pf.snaplen : 262144,
		PCAP_TSTAMP_PRECISION_MICRO);
	if (!c->p)
		return false;
	c->mapped = true;
	c->map = data;
	c->map_size = size;
	c->file_size = size;
	return true;
}

static bool
try_map(struct capture *c, const char *path)
{
	struct stat st;
	void *data;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    st.st_size < 24 || (uint64_t)st.st_size > SIZE_MAX) {
		if (fd >= 0)
			close(fd);
		return false;
	}
	data = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (data == MAP_FAILED)
		return false;
	madvise(data, (size_t)st.st_size, MADV_SEQUENTIAL);
	if (use_mapped(c, data, (size_t)st.st_size)) {
		c->unmap = true;
		return true;
	}
	munmap(data, (size_t)st.st_size);
	return false;
}

static int
open_file(struct capture *c, const struct capture_opts *o, char *err)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	struct stat st;

	if (strcmp(o->file, "-") && try_map(c, o->file))
		return 0;
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

int
capture_open_memory(struct capture **out, const uint8_t *data, size_t size,
		    char err[static CAPTURE_ERRLEN])
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	struct capture *c = calloc(1, sizeof(*c));
	FILE *f;

	if (!c) {
		snprintf(err, CAPTURE_ERRLEN, "out of memory");
		return CAPTURE_EOPEN;
	}
	if (!use_mapped(c, (void *)data, size)) {
		if (!(f = fmemopen((void *)data, size, "rb")) ||
		    !(c->p = pcap_fopen_offline(f, ebuf))) {
			snprintf(err, CAPTURE_ERRLEN, "not a capture: %s", ebuf);
			if (f)
				fclose(f);
			free(c);
			return CAPTURE_EOPEN;
		}
	}
	*out = c;
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
	if (c->mapped) {	/* applied per packet by capture_run */
		c->prog = prog;
		c->filtering = true;
		return 0;
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
	if (c->filtering)
		pcap_freecode(&c->prog);
	if (c->p)
		pcap_close(c->p);
	if (c->unmap)
		munmap(c->map, c->map_size);
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
	c->fn(c->ud, ts, bytes, h->caplen, h->len, false);
	if (c->counting && --c->left == 0)
		pcap_breakloop(c->p);
}

void
capture_release_before(struct capture *c, const uint8_t *p)
{
	const uint8_t *base = c->map;
	size_t upto;

	if (!c->unmap || p < base || p > base + c->map_size)
		return;
	upto = (size_t)(p - base) & ~((size_t)UNMAP_STEP - 1);
	if (upto <= c->released)
		return;
	/* The file is mapped read-only and private: a page let go here is
	 * read again from the page cache if it is ever touched. */
	madvise((char *)c->map + c->released, upto - c->released,
		MADV_DONTNEED);
	c->released = upto;
}

/* The mapped file's records, filtered and copied to -w as libpcap would. */
static int
run_mapped(struct capture *c, char *err)
{
	struct pcapfile_rec rec;
	const char *why = NULL;
	int r = 0;

	while (!c->stop && (r = pcapfile_next(&c->pf, &rec, &why)) > 0) {
		struct pcap_pkthdr h = {
			.ts = { .tv_sec = (time_t)(rec.ts_us / 1000000),
				.tv_usec = (suseconds_t)(rec.ts_us % 1000000) },
			.caplen = rec.caplen, .len = rec.len,
		};

		if (c->filtering && !pcap_offline_filter(&c->prog, &h, rec.bytes))
			continue;
		if (c->dump)
			pcap_dump((u_char *)c->dump, &h, rec.bytes);
		c->fn(c->ud, rec.ts_us, rec.bytes, rec.caplen, rec.len, true);
		if (c->counting && --c->left == 0)
			break;
	}
	if (c->dump)
		pcap_dump_flush(c->dump);
	if (!c->stop && r < 0) {
		snprintf(err, CAPTURE_ERRLEN, "%s", why);
		return CAPTURE_EREAD;
	}
	return 0;
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
	if (c->mapped)
		return run_mapped(c, err);
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
	c->stop = 1;
	if (!c->mapped)
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
	FILE *f = c->live || c->mapped ? NULL : pcap_file(c->p);
	long pos = f ? ftell(f) : -1;

	*done = c->mapped ? c->pf.off : pos > 0 ? (uint64_t)pos : 0;
	*total = c->file_size;
}
