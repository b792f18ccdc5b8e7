/*
 * loadgen_phase.c - the phases of a run: join every client; send and
 * receive every message (with an optional per-sender window); for --idle,
 * wait until the server is quiet and then hold the clients.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/epoll.h>

#include "loadgen.h"

/* True while the phase that started at t0 may go on. */
static bool
phase_alive(const struct lg *lg, uint64_t t0)
{
	uint64_t t = now_ns();

	return t - lg->t_progress < (uint64_t)lg->o.timeout_s * 1000000000ULL &&
	    t - t0 < (uint64_t)lg->o.max_s * 1000000000ULL;
}

/* Phase (a): connect, register and join every client. */
void
phase_join(struct lg *lg)
{
	lg->t_start = lg->t_progress = now_ns();
	while (lg->joined + lg->dead < lg->o.clients &&
	    phase_alive(lg, lg->t_start)) {
		start_connects(lg);
		poll_once(lg, 100);
	}
	lg->t_joined = now_ns();
	if (lg->joined < lg->o.clients)
		fprintf(stderr, "loadgen: only %" PRIu32 " of %" PRIu32
		    " clients joined\n", lg->joined, lg->o.clients);
}

/* The window, if any, counts a message as acknowledged once the next
 * client (its "witness") has received it: the server has then read it. */
static bool
may_send(const struct lg *lg, uint32_t i)
{
	uint32_t w = (i + 1) % lg->o.clients;
	uint32_t acked = lg->last[(size_t)w * lg->o.clients + i];

	return lg->o.window == 0 || lg->c[w].state == C_DEAD ||
	    lg->c[i].sent - acked < lg->o.window;
}

static void
send_one(struct lg *lg, uint32_t i)
{
	struct client *c = &lg->c[i];
	uint64_t t = now_ns();

	if (lg->t_first_send == 0)
		lg->t_first_send = t;
	if (!queue_line(lg, i, "PRIVMSG %s :%" PRIu32 " %" PRIu32 " %" PRIu64
	    "\r\n", lg->o.channel, i, c->sent, t))
		return;
	if (++c->sent == lg->o.messages)
		lg->senders_left--;
	lg->t_progress = t;
	flush_client(lg, i);
}

/* One round: at most one new message per client, and only from clients
 * whose previous message has left for the socket (nothing queued, nothing
 * waiting for EPOLLOUT in the transport), so send times are honest. */
static bool
send_round(struct lg *lg)
{
	uint32_t k, i, n = lg->o.clients;
	bool any = false;

	for (k = 0; k < n && lg->senders_left > 0; k++) {
		i = (lg->rr + k) % n;
		if (lg->c[i].state != C_JOINED || lg->c[i].wlen != 0 ||
		    (lg->c[i].events & EPOLLOUT) ||
		    lg->c[i].sent >= lg->o.messages || !may_send(lg, i))
			continue;
		send_one(lg, i);
		any = true;
	}
	lg->rr = (lg->rr + 1) % n;
	return any;
}

/* Phases (b) and (c): send, receive, check, until done or stalled. */
void
phase_messages(struct lg *lg)
{
	uint64_t t0 = now_ns();
	uint32_t i;
	bool sent;

	for (i = 0; i < lg->o.clients; i++)
		if (lg->c[i].state == C_JOINED && lg->o.messages > 0)
			lg->senders_left++;
	lg->sending = true;
	lg->t_progress = t0;
	while (lg->st.delivered < lg->expected && lg->dead < lg->o.clients &&
	    phase_alive(lg, t0)) {
		sent = lg->senders_left > 0 && send_round(lg);
		poll_once(lg, sent ? 0 : 50);
	}
}

/*
 * --idle: the last 366 does not mean the server is idle; the JOIN echoes
 * of a big channel may still sit in its output queues. Read until nothing
 * has arrived for LG_QUIET_MS, so that memory is measured at rest; but
 * give up after --timeout, as a server that never rests is news too.
 */
void
phase_quiesce(struct lg *lg)
{
	uint64_t t0 = now_ns(), t = t0;
	uint64_t cap = (uint64_t)lg->o.timeout_s * 1000000000ULL;

	lg->now = t0;
	while (t - t0 < cap && t - lg->now < LG_QUIET_MS * 1000000ULL) {
		poll_once(lg, 50);
		t = now_ns();
	}
	lg->t_quiet = t;
}

/* --idle: keep the clients registered (answering PINGs) for hold_s. */
void
phase_hold(struct lg *lg)
{
	uint64_t end = now_ns() + (uint64_t)lg->o.hold_s * 1000000000ULL;

	while (now_ns() < end && lg->dead < lg->o.clients)
		poll_once(lg, 200);
}
