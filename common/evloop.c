/* Event loop over epoll(7), in the spirit of redis ae.c. */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "evloop.h"

#define EVLOOP_BATCH 256

struct evloop {
	int epfd;
	bool stop;
	struct evtimer *timers;	/* sorted by due_ms */
	evloop_fn before_sleep;
	void *before_sleep_ud;
};

struct evloop *
evloop_new(void)
{
	struct evloop *loop = calloc(1, sizeof(*loop));

	if (!loop)
		return NULL;
	if ((loop->epfd = epoll_create1(EPOLL_CLOEXEC)) < 0) {
		free(loop);
		return NULL;
	}
	return loop;
}

void
evloop_free(struct evloop *loop)
{
	if (!loop)
		return;
	close(loop->epfd);
	free(loop);
}

static int
ctl(struct evloop *loop, int op, struct evhandler *h, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = h };

	return epoll_ctl(loop->epfd, op, h->fd, &ev);
}

int
evloop_add(struct evloop *loop, struct evhandler *h, uint32_t events)
{
	return ctl(loop, EPOLL_CTL_ADD, h, events);
}

int
evloop_mod(struct evloop *loop, struct evhandler *h, uint32_t events)
{
	return ctl(loop, EPOLL_CTL_MOD, h, events);
}

void
evloop_del(struct evloop *loop, struct evhandler *h)
{
	epoll_ctl(loop->epfd, EPOLL_CTL_DEL, h->fd, NULL);
}

uint64_t
evloop_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

double
evloop_ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) * 1e3 +
	       (double)(t.tv_nsec - t0->tv_nsec) / 1e6;
}

void
evloop_timer_cancel(struct evloop *loop, struct evtimer *t)
{
	struct evtimer **pp;

	if (!t->armed)
		return;
	for (pp = &loop->timers; *pp; pp = &(*pp)->next) {
		if (*pp == t) {
			*pp = t->next;
			break;
		}
	}
	t->armed = false;
}

void
evloop_timer_arm(struct evloop *loop, struct evtimer *t, uint64_t ms,
		 evloop_fn fn, void *ud)
{
	struct evtimer **pp;

	evloop_timer_cancel(loop, t);
	t->due_ms = evloop_now_ms() + ms;
	t->fn = fn;
	t->ud = ud;
	for (pp = &loop->timers; *pp && (*pp)->due_ms <= t->due_ms;
	     pp = &(*pp)->next)
		;
	t->next = *pp;
	*pp = t;
	t->armed = true;
}

void
evloop_set_before_sleep(struct evloop *loop, evloop_fn fn, void *ud)
{
	loop->before_sleep = fn;
	loop->before_sleep_ud = ud;
}

void
evloop_stop(struct evloop *loop)
{
	loop->stop = true;
}

static void
run_due_timers(struct evloop *loop)
{
	uint64_t now = evloop_now_ms();
	struct evtimer *t;

	while ((t = loop->timers) && t->due_ms <= now) {
		loop->timers = t->next;
		t->armed = false;
		t->fn(t->ud);
	}
}

static int
wait_timeout(const struct evloop *loop)
{
	uint64_t now;

	if (!loop->timers)
		return -1;
	now = evloop_now_ms();
	if (loop->timers->due_ms <= now)
		return 0;
	if (loop->timers->due_ms - now > INT_MAX)
		return INT_MAX;
	return (int)(loop->timers->due_ms - now);
}

int
evloop_run(struct evloop *loop)
{
	struct epoll_event evs[EVLOOP_BATCH];
	int i, n;

	loop->stop = false;
	for (;;) {
		/* Before every wait, and once more after a stop, so that what
		 * the last events produced is still written out. */
		if (loop->before_sleep)
			loop->before_sleep(loop->before_sleep_ud);
		if (loop->stop)
			break;
		n = epoll_wait(loop->epfd, evs, EVLOOP_BATCH, wait_timeout(loop));
		if (n < 0 && errno != EINTR)
			return -1;
		for (i = 0; i < n && !loop->stop; i++) {
			struct evhandler *h = evs[i].data.ptr;

			if (h->fn)
				h->fn(h, evs[i].events);
		}
		run_due_timers(loop);
	}
	return 0;
}

static void
stop_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
}

int
evloop_signal_fd(void)
{
	sigset_t set;

	stop_signals(&set);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -1;
	return signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
}

int
evloop_signal_read(int fd)
{
	struct signalfd_siginfo si;

	if (read(fd, &si, sizeof(si)) != (ssize_t)sizeof(si))
		return 0;
	return (int)si.ssi_signo;
}

void
evloop_signals_blocked(bool blocked)
{
	sigset_t set;

	stop_signals(&set);
	sigprocmask(blocked ? SIG_BLOCK : SIG_UNBLOCK, &set, NULL);
}
