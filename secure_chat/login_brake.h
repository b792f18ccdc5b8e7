/* The brake on password guessing: failed password logins counted per
 * client address and in all, over a window of time. Keys cannot be
 * guessed, so key (and anonymous) logins are neither counted nor
 * braked. */
#ifndef KIT_SECURE_LOGIN_BRAKE_H
#define KIT_SECURE_LOGIN_BRAKE_H

#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include "net.h"

#define BRAKE_WINDOW_S 10	/* counts start again after this */
#define BRAKE_HOST_MAX 10	/* failures of one address per window */
/* Failures of all addresses per window: each costs an scrypt check on
 * the server's one thread (a tenth of a second), so guesses from many
 * addresses must stop too. */
#define BRAKE_ALL_MAX 30

struct login_brake {
	time_t window_start;
	unsigned all;		/* failures this window */
	unsigned nhosts;
	struct {
		char host[NET_ADDRSTRLEN];
		unsigned fails;
	} hosts[BRAKE_ALL_MAX];	/* the addresses that failed this window:
				 * no more than the failures in all */
	FILE *log;		/* where a brake that engages is said */
	const char *progname;
};

void brake_init(struct login_brake *b, FILE *log, const char *progname);

/* Why a password login from host is refused now (the brake is on for
 * host, or for all), or NULL. */
const char *brake_refusal(struct login_brake *b, const char *host,
			  time_t now);

/* A failed password login from host; says so in the log when that
 * engages a brake. */
void brake_count(struct login_brake *b, const char *host, time_t now);

#endif
