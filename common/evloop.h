/* A small epoll event loop: fd callbacks, one-shot timers, a before-sleep hook. */
#ifndef KIT_COMMON_EVLOOP_H
#define KIT_COMMON_EVLOOP_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

struct evloop;
struct evhandler;

typedef void (*evloop_io_fn)(struct evhandler *h, uint32_t events);
typedef void (*evloop_fn)(void *ud);

/*
 * Embedded by the owner of an fd (no allocation per registration). The
 * loop reads fn and ud when an event fires; an owner that closes its fd in
 * a callback must keep the handler's memory alive until the loop's
 * before-sleep hook runs, because later events of the same batch may still
 * point at it (set fn to NULL to make them no-ops).
 */
struct evhandler {
	int fd;
	evloop_io_fn fn;
	void *ud;
};

/* An armed one-shot timer, caller-owned. */
struct evtimer {
	uint64_t due_ms;
	evloop_fn fn;
	void *ud;
	struct evtimer *next;
	bool armed;
};

/* Returns NULL with errno set on failure. */
struct evloop *evloop_new(void);
void evloop_free(struct evloop *loop);

/* events: EPOLLIN/EPOLLOUT flags. Return 0 or -1 with errno set. */
int evloop_add(struct evloop *loop, struct evhandler *h, uint32_t events);
int evloop_mod(struct evloop *loop, struct evhandler *h, uint32_t events);
void evloop_del(struct evloop *loop, struct evhandler *h);

/* Monotonic clock in milliseconds. */
uint64_t evloop_now_ms(void);

/* Milliseconds since t0 (CLOCK_MONOTONIC), with sub-millisecond
 * precision: for timing one step, such as a handshake. */
double evloop_ms_since(const struct timespec *t0);

/* Arm t to fire once after ms milliseconds (re-arming moves it). */
void evloop_timer_arm(struct evloop *loop, struct evtimer *t, uint64_t ms,
		      evloop_fn fn, void *ud);
void evloop_timer_cancel(struct evloop *loop, struct evtimer *t);

/*
 * SIGINT and SIGTERM as a descriptor to add to a loop: they are blocked for
 * the process, so that they are handled in their turn rather than in the
 * middle of one (a program says goodbye, or shuts down, from there).
 * Returns the fd, or -1 with errno set. evloop_signal_read takes one from
 * it: its number, or 0 if none was there.
 */
int evloop_signal_fd(void);
int evloop_signal_read(int fd);

/* Let the two signals act as by default again (blocked false), around a
 * wait outside the loop, such as a question on the terminal, that they
 * should interrupt. */
void evloop_signals_blocked(bool blocked);

/* fn runs before every wait (after each batch of events and timers), and
 * once more when the loop stops. */
void evloop_set_before_sleep(struct evloop *loop, evloop_fn fn, void *ud);

/* Runs until evloop_stop(); returns 0, or -1 with errno if epoll fails. */
int evloop_run(struct evloop *loop);
void evloop_stop(struct evloop *loop);

#endif
