/* The secure_chat handshake as a state machine without I/O
 * (docs/PROTOCOL.md, "Handshake"). */
#ifndef KIT_SECURE_HANDSHAKE_H
#define KIT_SECURE_HANDSHAKE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hs_msgs.h"
#include "record.h"

#define HS_KEY_LEN 32
#define HS_SIG_LEN 64
/* What a client says when the server closed after its login went out and
 * before any answer, in either mode (most often the login took longer
 * than the server waits: at the first-use prompt, say). */
#define HS_UNANSWERED_LOGIN "the server closed the connection before " \
	"answering the login (it drops logins that take longer than its " \
	"--register-timeout, 60 s by default): connect again"

/*
 * What the handshake needs from its owner. Long-term keys stay with the
 * owner: the handshake only asks for signatures and verifications.
 */
struct hs_config {
	bool server;
	const uint8_t *suites;	/* client: offered, in order; server: accepted */
	size_t nsuites;
	const uint8_t *identity;	/* own Ed25519 public key (server, or
					 * a client using HS_KEY) */
	/* Ed25519 signature of msg by the own identity. 0 or KIT_E*. */
	int (*sign)(void *ud, const uint8_t *msg, size_t n,
		    uint8_t sig[static HS_SIG_LEN]);
	/* Ed25519 verification with a raw public key. 0 or KIT_EAUTH. */
	int (*verify)(const uint8_t pub[static HS_KEY_LEN], const uint8_t *msg,
		      size_t n, const uint8_t sig[static HS_SIG_LEN]);
	/* client: is this the server we expect? 0, or an hs_alert code. */
	int (*check_server)(void *ud, const uint8_t pub[static HS_KEY_LEN]);
	/* server: may this client (from address peer) in? key is NULL
	 * unless HS_KEY, password NULL unless HS_PASSWORD. 0, or an hs_alert
	 * code. */
	int (*authorize)(void *ud, const char *peer, int method,
			 const char *nick, const uint8_t *key,
			 const char *password);
	const char *peer;	/* server: the client's address, or NULL */
	/* client credentials */
	int method;
	const char *nick;
	const char *password;
	void *ud;
	/* --keylog: called with each secret's name and value; may be NULL */
	void (*keylog)(void *ud, const uint8_t client_random[static 32],
		       const char *name, const uint8_t secret[static 32]);
};

struct hs;

/* Returns NULL when out of memory. cfg and its strings are borrowed. */
struct hs *hs_new(const struct hs_config *cfg);
void hs_free(struct hs *h);	/* wipes every secret; NULL-safe */

enum hs_status {
	HS_CONTINUE = 0,	/* send the output, wait for the next frame */
	HS_DONE = 1,		/* keys are ready (hs_take_keys) */
};

/*
 * Client: write the ClientHello into out[0..cap). Returns its length, or a
 * negative KIT_E* code.
 */
int hs_client_hello(struct hs *h, uint8_t *out, size_t cap);

/*
 * Feed one complete frame. Frames to send are appended to out[0..cap) and
 * *out_len says how many bytes. Returns HS_CONTINUE or HS_DONE, or minus
 * an hs_alert code (the caller sends that alert and closes); a reason for
 * the log is in hs_error(). The client is done once it has written its
 * ClientAuth: it may send records at once, as in TLS 1.3.
 */
int hs_input(struct hs *h, const uint8_t *frame, size_t len, uint8_t *out,
	     size_t cap, size_t *out_len);

/*
 * Output that waits for no frame: on the server, the ServerAuth that
 * follows the ServerHello hs_input wrote. The caller sends the ServerHello
 * first, so that the client computes its X25519 shares while the server
 * computes its own. Returns as hs_input; *out_len is 0 when nothing waits.
 */
int hs_output(struct hs *h, uint8_t *out, size_t cap, size_t *out_len);

/*
 * The next handshake's ephemeral key pair, made ahead so that key
 * generation is off that handshake's critical path. The transport calls
 * hs_idle each time the socket has taken all it had to send: a server then
 * makes the pair while it waits for ClientAuth, and a client while it
 * waits for the ServerHello, once its thread has connected before (a
 * client that connects once never needs one). The next hs_new takes it.
 * The pair is used once, never by a forked child, but waits in memory
 * until the next connection comes (docs/PROTOCOL.md).
 * hs_wipe_thread_keys wipes it and the thread's server credential
 * (hs_credential.h), at exit.
 */
void hs_idle(const struct hs *h);
void hs_make_spare_key(void);
void hs_wipe_thread_keys(void);
bool hs_spare_key_ready(void);	/* one waits for the next hs_new */

/* Why the handshake failed, for logs. */
const char *hs_error(const struct hs *h);

/* After HS_DONE: the application record keys, moved out of h. A client
 * derives them here, so it calls this once its ClientAuth is sent. 0, or
 * minus an hs_alert code when they cannot be derived. */
int hs_take_keys(struct hs *h, struct rec_dir *send, struct rec_dir *recv);

/* After a server's hs_input failed on a ClientAuth it could open and
 * check (a refused login): its application send keys, moved out of h, to
 * seal the alert with, as the client expects once it is done. False, and
 * nothing moved, otherwise: the alert then goes in the clear. */
bool hs_take_refusal_keys(struct hs *h, struct rec_dir *send);

/* After HS_DONE: the peer's identity (server side: the client's nick and
 * method; client side: the server's key). */
const char *hs_peer_nick(const struct hs *h);
int hs_peer_method(const struct hs *h);
int hs_suite(const struct hs *h);

#endif
