/* loadgen's shared context, limits and cross-file functions. */
#ifndef KIT_BENCH_LOADGEN_H
#define KIT_BENCH_LOADGEN_H

#include <inttypes.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LG_LINE_MAX	512		/* RFC 2812 §2.3, CR LF included */
#define LG_WBUF		1024		/* registration burst or one message */
#define LG_RCHUNK	65536		/* shared receive buffer */
#define LG_READ_BUDGET	(4 * LG_RCHUNK)	/* bytes read per readiness event */
#define LG_MAXEV	1024
#define LG_QUIET_MS	500		/* --idle: silence that means "at rest" */
#define LG_NICK_FMT	"b%" PRIu32
#define LG_NONE		UINT32_MAX	/* end of the list of clients to reread */

struct transport;
struct lg_secure;

/* Lets the compiler check queue_line() formats like printf's. */
#if defined(__GNUC__)
#define LG_PRINTF(f, a)	__attribute__((format(printf, f, a)))
#else
#define LG_PRINTF(f, a)
#endif

/*
 * Latency histogram: 10 µs buckets up to 1 s (p50/p99 within 5 µs), then
 * 1 ms buckets up to 61 s, then one overflow count. 1.3 MB, whatever the
 * number of deliveries.
 */
#define HIST_FINE_NS	10000ULL
#define HIST_FINE_N	100000
#define HIST_COARSE_NS	1000000ULL
#define HIST_COARSE_N	60000

struct hist {
	uint64_t n;
	uint64_t max_ns;
	uint64_t over;
	uint64_t fine[HIST_FINE_N];
	uint64_t coarse[HIST_COARSE_N];
};

struct opts {
	const char *host;
	const char *channel;
	uint32_t port;
	uint32_t clients;
	uint32_t messages;
	uint32_t inflight;	/* connects not yet welcomed (001) */
	uint32_t window;	/* per-sender unacknowledged msgs, 0: off */
	uint32_t timeout_s;	/* give up after this long without progress */
	uint32_t max_s;		/* hard cap per phase */
	uint32_t hold_s;
	bool idle;
	bool secure;		/* --secure: the secure_chat transport */
	const char *server_key;	/* --server-key: SHA256:... or a .pub file */
	const char *cipher;	/* --cipher: suites to offer, NULL: default */
};

enum cstate {
	C_NEW, C_CONNECTING, C_REGISTERING, C_JOINING, C_JOINED, C_DEAD
};

struct client {
	int fd;			/* the socket; owned by t once connected */
	struct transport *t;	/* NULL until the TCP connect completed */
	enum cstate state;
	uint32_t events;	/* epoll interest currently registered */
	uint32_t sent;		/* messages sent so far */
	uint32_t next_again;	/* next in lg->again, or LG_NONE */
	bool again;		/* in lg->again: the transport holds input */
	bool discarding;	/* inside an over-long line */
	uint16_t llen;		/* bytes of a partial line in line[] */
	uint16_t wlen, woff;	/* pending output is wbuf[woff..wlen) */
	char line[LG_LINE_MAX];
	char wbuf[LG_WBUF];
};

struct stats {
	uint64_t delivered;
	uint64_t order_errors;
	uint64_t bad_lines;	/* PRIVMSG text we did not send */
	uint64_t long_lines;	/* over 512 bytes, discarded */
	uint32_t disconnects;	/* any client lost, for any reason */
	uint32_t connect_errors;
	uint32_t reg_errors;	/* nick refused, etc. */
};

/* The one context passed everywhere: no globals. */
struct lg {
	struct opts o;
	int ep;
	struct sockaddr_in addr;
	struct client *c;
	uint32_t *last;		/* last[r * N + s]: last seq + 1 r saw from s */
	struct hist *h;
	struct stats st;
	/* Wraps each connected socket: tcp_transport_wrap, or the secure
	 * transport with sec (made by secure_setup) as its context. */
	struct transport *(*wrap)(int fd, void *ctx);
	void *wrap_ctx;
	struct lg_secure *sec;	/* --secure; NULL: plain TCP */
	uint32_t again;		/* clients to read again without an event */
	uint32_t next_connect;	/* next client index to connect */
	uint32_t inflight;
	uint32_t joined;
	uint32_t dead;
	uint32_t senders_left;	/* joined clients with messages to send */
	uint32_t rr;		/* round-robin cursor for sending */
	bool sending;		/* senders_left is being kept */
	uint64_t expected;
	uint64_t t_start, t_joined, t_first_send, t_last_deliv, t_progress;
	uint64_t t_quiet;	/* --idle: when the server went quiet */
	uint64_t now;		/* time of the last receive, ns */
	char rbuf[LG_RCHUNK];
};

/*
 * In every call below, lg is borrowed and i is a client index below
 * lg->o.clients.
 */

/* loadgen_stats.c: the clock, the latency histogram, the result line. */

/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t now_ns(void);
/* Count one delivery latency of ns nanoseconds in h. */
void hist_add(struct hist *h, uint64_t ns);
/* Print the one summary line of key=value pairs to stdout. */
void report(const struct lg *lg);

/* loadgen_conn.c: connections, epoll, output buffers, line framing. */

/* Close c's connection (transport or bare socket), if any. */
void close_io(struct client *c);
/* Close client i (if not already dead) and count why on stderr. */
void kill_client(struct lg *lg, uint32_t i, const char *why);
/* Send what client i has queued; kills it on a send error. */
void flush_client(struct lg *lg, uint32_t i);
/* Append one formatted line to client i's output; false if no room. */
bool queue_line(struct lg *lg, uint32_t i, const char *fmt, ...)
    LG_PRINTF(3, 4);
/* Start connects while fewer than o.inflight clients await 001. */
void start_connects(struct lg *lg);
/* One epoll_wait of at most timeout_ms, and its events. */
void poll_once(struct lg *lg, int timeout_ms);

/* loadgen_secure.c: --secure, the secure_chat transport. */

/* Set up lg->sec for anonymous logins to the server pinned with
 * o.server_key; 0, or -1 after a message on stderr. */
int secure_setup(struct lg *lg);
/* Release what secure_setup made. */
void secure_teardown(struct lg *lg);

/* loadgen_irc.c: parsing server lines and reacting to them. */

/* Handle one line from client i's server, without LF; s is borrowed. */
void on_line(struct lg *lg, uint32_t i, const char *s, size_t n);

/* loadgen_phase.c: the phases of a run. */

/* (a) connect, register and join every client. */
void phase_join(struct lg *lg);
/* (b), (c) send every message and receive every copy, or stall. */
void phase_messages(struct lg *lg);
/* --idle: read until the server has been quiet for LG_QUIET_MS. */
void phase_quiesce(struct lg *lg);
/* --idle: keep the clients registered for o.hold_s seconds. */
void phase_hold(struct lg *lg);

#endif
