/* \summary: write what a sniffer must produce for a case: CASE.expected/
 * with one file per flow direction, named as tcpflow 1.6 names them
 * (default template "%A.%a-%B.%b%V%v%C%c"), and CASE.json with the
 * per-flow summary fields the sniffer's --json output must show. */
#define _POSIX_C_SOURCE 200809L	/* gmtime_r, inet_ntop for cc -std=c11 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "expect.h"
#include "fatal.h"
#include "flowgen.h"

int
expect_parse_addr(const char *s, uint8_t out[16])
{
	memset(out, 0, 16);
	if (inet_pton(AF_INET, s, out) == 1)
		return 4;
	if (inet_pton(AF_INET6, s, out) == 1)
		return 6;
	fatal("bad address %s", s);
}

/*
 * tcpflow's name for one end: IPv4 as four zero-padded decimal numbers
 * ("010.000.000.001"), IPv6 as inet_ntop gives it; then "." and the port
 * on five digits.
 */
static void
tcpflow_end(char *out, size_t size, const struct flow *f, int dir)
{
	const uint8_t *a = f->addr[dir];
	char txt[INET6_ADDRSTRLEN];
	int n;

	if (f->family == 4) {
		n = snprintf(out, size, "%03u.%03u.%03u.%03u.%05u", a[0], a[1],
			     a[2], a[3], f->port[dir]);
	} else {
		if (!inet_ntop(AF_INET6, a, txt, sizeof txt))
			fatal_sys("inet_ntop");
		n = snprintf(out, size, "%s.%05u", txt, f->port[dir]);
	}
	if (n < 0 || (size_t)n >= size)
		fatal("name too long");
}

/* File name of direction dir; conn > 0 is tcpflow's connection count
 * for a 4-tuple seen before ("c1", "c2"...). */
static void
tcpflow_name(char *out, size_t size, const struct flow *f, int dir,
	     unsigned conn)
{
	char a[64], b[64];
	int n;

	tcpflow_end(a, sizeof a, f, dir);
	tcpflow_end(b, sizeof b, f, !dir);
	if (conn > 0)
		n = snprintf(out, size, "%s-%sc%u", a, b, conn);
	else
		n = snprintf(out, size, "%s-%s", a, b);
	if (n < 0 || (size_t)n >= size)
		fatal("name too long");
}

/* "client" and "server" strings: 10.0.0.1:1234, [2001:db8::1]:1234 */
static void
endpoint(char *out, size_t size, const struct flow *f, int dir)
{
	char txt[INET6_ADDRSTRLEN];
	int n;

	if (!inet_ntop(f->family == 4 ? AF_INET : AF_INET6, f->addr[dir], txt,
		       sizeof txt))
		fatal_sys("inet_ntop");
	n = snprintf(out, size, f->family == 4 ? "%s:%u" : "[%s]:%u", txt,
		     f->port[dir]);
	if (n < 0 || (size_t)n >= size)
		fatal("endpoint too long");
}

/* 2024-01-02T03:04:05.123456Z: UTC, microseconds truncated */
static void
timestamp(char *out, size_t size, uint64_t ns)
{
	time_t t = (time_t)(ns / 1000000000);
	struct tm tm;
	char day[32];
	int n;

	if (!gmtime_r(&t, &tm) ||
	    strftime(day, sizeof day, "%Y-%m-%dT%H:%M:%S", &tm) == 0)
		fatal("bad timestamp");
	n = snprintf(out, size, "%s.%06uZ", day,
		     (unsigned)(ns % 1000000000 / 1000));
	if (n < 0 || (size_t)n >= size)
		fatal("timestamp too long");
}

static size_t
delivered(const struct dirstate *d)
{
	size_t i, n = 0;

	for (i = 0; i < d->known_end; i++)
		n += (d->st[i] & B_CAP) != 0;
	return n;
}

/* Write the captured bytes of direction dir, in stream order. */
static void
write_stream(const char *dir_path, const char *name, const struct flow *f,
	     int dir)
{
	const struct dirstate *d = &f->d[dir];
	uint8_t buf[4096];
	char path[1024];
	size_t i, run;
	FILE *fp;
	int n;

	n = snprintf(path, sizeof path, "%s/%s", dir_path, name);
	if (n < 0 || (size_t)n >= sizeof path)
		fatal("path too long");
	fp = fopen(path, "wb");
	if (!fp)
		fatal_sys("create %s", path);
	for (i = 0; i < d->known_end; i += run) {
		run = 0;
		while (i + run < d->known_end && run < sizeof buf &&
		       (d->st[i + run] & B_CAP))
			run++;
		if (run == 0) {
			run = 1;	/* a missing byte: left out */
			continue;
		}
		flow_payload(f, dir, i, buf, run);
		if (fwrite(buf, 1, run, fp) != run)
			fatal_sys("write %s", path);
	}
	if (fclose(fp) != 0)
		fatal_sys("close %s", path);
}

/* A JSON string of our own text: no quotes, backslashes or controls. */
static void
json_str(FILE *fp, const char *s)
{
	const char *p;

	for (p = s; *p; p++)
		if (*p == '"' || *p == '\\' || (unsigned char)*p < 0x20)
			fatal("text not fit for JSON: %s", s);
	fprintf(fp, "\"%s\"", s);
}

static void
json_dir(FILE *fp, const struct dirstate *d)
{
	size_t bytes = delivered(d);

	fprintf(fp, "{\"packets\":%llu,\"bytes\":%zu,\"missing\":%zu,"
		"\"retransmitted\":%llu,\"out_of_order\":%llu}",
		(unsigned long long)d->packets, bytes, d->known_end - bytes,
		(unsigned long long)d->retransmitted,
		(unsigned long long)d->out_of_order);
}

/* One expected flow: the fields of its flow_start and flow_end events. */
static void
json_flow(FILE *fp, const struct flow *f, const char *files[2])
{
	int c = f->syn_dir >= 0 ? f->syn_dir : f->first_dir;
	char cli[64], srv[64], start[40], end[40];

	endpoint(cli, sizeof cli, f, c);
	endpoint(srv, sizeof srv, f, !c);
	timestamp(start, sizeof start, f->start_ns);
	timestamp(end, sizeof end, f->end_ns);
	fprintf(fp, "  {\"ts\":\"%s\",\"client\":\"%s\",\"server\":\"%s\","
		"\"start\":\"%s\",\"end\":\"%s\",\"reason\":\"%s\",\n"
		"   \"c2s\":", start, cli, srv, start, end,
		f->reason ? f->reason : "end_of_capture");
	json_dir(fp, &f->d[c]);
	fprintf(fp, ",\n   \"s2c\":");
	json_dir(fp, &f->d[!c]);
	fprintf(fp, ",\n   \"files\":[");
	json_str(fp, files[c] ? files[c] : "");
	fprintf(fp, ",");
	json_str(fp, files[!c] ? files[!c] : "");
	fprintf(fp, "]}");
}

static int
by_start(const void *a, const void *b)
{
	const struct flow *x = *(const struct flow *const *)a;
	const struct flow *y = *(const struct flow *const *)b;

	if (x->start_ns != y->start_ns)
		return x->start_ns < y->start_ns ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

static bool
same_tuple(const struct flow *x, const struct flow *y)
{
	return x->family == y->family &&
	       memcmp(x->addr, y->addr, sizeof x->addr) == 0 &&
	       memcmp(x->port, y->port, sizeof x->port) == 0;
}

/*
 * tcpflow's connection count for direction dir of flow i: tcpflow opens a
 * direction's file at its first data byte, with the first suffix ("",
 * "c1", "c2"...) whose file does not exist yet. So it is the number of
 * earlier connections on the 4-tuple with data in that direction.
 */
static unsigned
conn_count(struct flow **flows, size_t i, int dir)
{
	unsigned n = 0;
	size_t j;

	for (j = 0; j < i; j++)
		n += same_tuple(flows[j], flows[i]) &&
		     delivered(&flows[j]->d[dir]) > 0;
	return n;
}

static void
json_head(FILE *fp, const struct gen *g)
{
	const char *base = strrchr(g->cap_path, '/');

	fprintf(fp, "{\"case\":");
	json_str(fp, g->name);
	fprintf(fp, ",\"capture\":");
	json_str(fp, base ? base + 1 : g->cap_path);
	fprintf(fp, ",\n \"note\":");
	json_str(fp, g->note);
	fprintf(fp, ",\n \"exit_status\":%d,\n \"tcpflow\":", g->exit_status);
	if (g->tcpflow_note) {
		fprintf(fp, "{\"differs\":");
		json_str(fp, g->tcpflow_kind);
		fprintf(fp, ",\"why\":");
		json_str(fp, g->tcpflow_note);
		fprintf(fp, "}");
	} else {
		fprintf(fp, "null");
	}
	fprintf(fp, ",\n \"flows\":[\n");
}

static FILE *
open_out(const struct gen *g, const char *suffix, char *path, size_t size)
{
	FILE *fp;
	int n;

	n = snprintf(path, size, "%s/%s%s", g->outdir, g->name, suffix);
	if (n < 0 || (size_t)n >= size)
		fatal("path too long");
	if (!suffix[0] || suffix[strlen(suffix) - 1] == '/') {
		path[n - 1] = '\0';
		if (mkdir(path, 0777) != 0 && errno != EEXIST)
			fatal_sys("mkdir %s", path);
		return NULL;
	}
	fp = fopen(path, "w");
	if (!fp)
		fatal_sys("create %s", path);
	return fp;
}

void
gen_end(struct gen *g)
{
	char dir_path[1024], json_path[1024], names[2][256];
	const char *files[2];
	struct flow **fl = g->flows;
	size_t i, nout = 0;
	FILE *fp;
	int d;

	cap_close(g->cap);
	qsort(fl, g->nflows, sizeof *fl, by_start);
	open_out(g, ".expected/", dir_path, sizeof dir_path);
	fp = open_out(g, ".json", json_path, sizeof json_path);
	json_head(fp, g);
	for (i = 0; i < g->nflows; i++) {
		if (fl[i]->first_dir < 0)
			continue;	/* not one packet before the reader stops */
		for (d = 0; d < 2; d++) {
			files[d] = NULL;
			if (delivered(&fl[i]->d[d]) == 0)
				continue;
			tcpflow_name(names[d], sizeof names[d], fl[i], d,
				     conn_count(fl, i, d));
			write_stream(dir_path, names[d], fl[i], d);
			files[d] = names[d];
		}
		fprintf(fp, "%s", nout++ ? ",\n" : "");
		json_flow(fp, fl[i], files);
	}
	fprintf(fp, "\n]}\n");
	if (fclose(fp) != 0)
		fatal_sys("write %s", json_path);
	for (i = 0; i < g->nflows; i++) {
		free(fl[i]->d[0].st);
		free(fl[i]->d[1].st);
		free(fl[i]);
	}
	free(fl);
}
