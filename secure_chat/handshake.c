/* \summary: the secure_chat handshake (docs/PROTOCOL.md): ephemeral X25519
 * (RFC 7748) both ways, the server proven by its signed semi-static X25519
 * key (hs_credential.h), the client by an Ed25519 signature (RFC 8032) or a
 * password, and the HKDF key schedule of keysched.h. Each step checks the
 * state it expects, works on locals and commits to h only when every check
 * has passed, as WireGuard's noise.c does. */
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "handshake.h"
#include "hs_credential.h"
#include "hs_crypto.h"

#define CLIENT_CONTEXT "kit-chat v1 client signature"

enum hs_state {
	C_START, C_WAIT_SERVER_HELLO, C_WAIT_SERVER_AUTH,
	S_WAIT_CLIENT_HELLO, S_SEND_SERVER_AUTH, S_WAIT_CLIENT_AUTH,
	HS_STATE_DONE, HS_KEYS_TAKEN, HS_FAILED,
};

struct hs {
	struct hs_config cfg;
	enum hs_state state;
	struct transcript th;
	struct x25519 eph;
	uint8_t peer_eph[32];	/* the server's, until ServerAuth is out */
	uint8_t client_random[32];
	int suite;
	uint8_t hs_secret[KS_HASH_LEN], c_hs[KS_HASH_LEN], s_hs[KS_HASH_LEN];
	uint8_t auth_secret[KS_HASH_LEN];	/* with the server's static key */
	/* client: X25519(eph, static) with the last good credential's key,
	 * computed while the server works on its ServerAuth */
	uint8_t early_static[32], early_dh[32];
	bool have_early_dh;
	struct rec_dir hs_send, hs_recv, ap_send, ap_recv;
	char peer_nick[HS_NICK_MAX + 1];
	int peer_method;
	bool reconnects;	/* a client whose thread connected before */
	char error[160];
};

/*
 * What a thread keeps between its handshakes: the spare key, and how many
 * client handshakes it has begun (one that connects a second time is
 * likely to connect again, and keeps a spare from then on). Both belong
 * to the process too: a child forked meanwhile starts afresh and drops its
 * copy of the key at its first handshake rather than share the parent's.
 */
static _Thread_local struct {
	pid_t pid;
	struct x25519 spare;
	unsigned long client_handshakes;
} mine;

static void
claim_state(void)
{
	if (mine.pid == getpid())
		return;
	x25519_free(&mine.spare);
	mine.client_handshakes = 0;
	mine.pid = getpid();
}

void
hs_make_spare_key(void)
{
	claim_state();
	if (!mine.spare.key)
		(void)x25519_new(&mine.spare);	/* failed: hs_new makes one */
}

void
hs_wipe_thread_keys(void)
{
	x25519_free(&mine.spare);
	hs_credential_wipe();
}

bool
hs_spare_key_ready(void)
{
	claim_state();
	return mine.spare.key != NULL;
}

void
hs_idle(const struct hs *h)
{
	if (h->state == S_WAIT_CLIENT_AUTH ||
	    (h->state == C_WAIT_SERVER_HELLO && h->reconnects))
		hs_make_spare_key();
}

struct hs *
hs_new(const struct hs_config *cfg)
{
	struct hs *h = calloc(1, sizeof(*h));

	if (!h)
		return NULL;
	h->cfg = *cfg;
	h->state = cfg->server ? S_WAIT_CLIENT_HELLO : C_START;
	claim_state();
	h->reconnects = !cfg->server && mine.client_handshakes++ > 0;
	if (mine.spare.key) {
		h->eph = mine.spare;	/* the key moves: used once */
		mine.spare = (struct x25519){ 0 };
	}
	/* Without a spare, a server makes its key at once, while the client
	 * is still busy with its own. */
	if (transcript_init(&h->th) < 0 ||
	    (cfg->server && !h->eph.key && x25519_new(&h->eph) < 0)) {
		transcript_free(&h->th);
		x25519_free(&h->eph);
		free(h);
		return NULL;
	}
	return h;
}

void
hs_free(struct hs *h)
{
	if (!h)
		return;
	transcript_free(&h->th);
	x25519_free(&h->eph);
	rec_dir_wipe(&h->hs_send);
	rec_dir_wipe(&h->hs_recv);
	rec_dir_wipe(&h->ap_send);
	rec_dir_wipe(&h->ap_recv);
	OPENSSL_cleanse(h, sizeof(*h));
	free(h);
}

/* Fail with an alert; the reason is kept for the log. */
static int
fail(struct hs *h, int alert, const char *why)
{
	snprintf(h->error, sizeof(h->error), "%s (%s)", why,
		 hs_alert_name(alert));
	h->state = HS_FAILED;
	return -alert;
}

const char *
hs_error(const struct hs *h)
{
	return h->error[0] ? h->error : "no error";
}

const char *
hs_peer_nick(const struct hs *h)
{
	return h->peer_nick;
}

int
hs_peer_method(const struct hs *h)
{
	return h->peer_method;
}

int
hs_suite(const struct hs *h)
{
	return h->suite;
}

bool
hs_take_refusal_keys(struct hs *h, struct rec_dir *send)
{
	if (!h->cfg.server || h->state != HS_FAILED || !h->ap_send.aead)
		return false;
	*send = h->ap_send;
	memset(&h->ap_send, 0, sizeof(h->ap_send));
	return true;
}

/* --- key schedule (docs/PROTOCOL.md, "Key schedule") ------------------------ */

static void
keylog(struct hs *h, const char *name, const uint8_t secret[static 32])
{
	if (h->cfg.keylog)
		h->cfg.keylog(h->cfg.ud, h->client_random, name, secret);
}

/* Own and peer traffic secrets: the client sends with c_*, the server s_*. */
static int
init_dirs(struct hs *h, const uint8_t c[static 32], const uint8_t s[static 32],
	  struct rec_dir *send, struct rec_dir *recv)
{
	char err[KIT_ERRLEN];

	if (rec_dir_init(send, h->suite, h->cfg.server ? s : c, err) < 0 ||
	    rec_dir_init(recv, h->suite, h->cfg.server ? c : s, err) < 0)
		return KIT_EINVAL;
	return 0;
}

/* After the hellos: hs_secret, c_hs, s_hs and the handshake record keys. */
static int
derive_handshake(struct hs *h, const uint8_t peer_eph[static 32])
{
	uint8_t shared[32], th1[32];
	int r;

	if ((r = x25519_shared(&h->eph, peer_eph, shared)) < 0)
		goto out;
	if ((r = transcript_hash(&h->th, th1)) < 0 ||
	    (r = ks_extract((const uint8_t *)KS_SALT, strlen(KS_SALT), shared,
			    32, h->hs_secret)) < 0 ||
	    (r = ks_expand(h->hs_secret, KS_C_HS, th1, 32, h->c_hs, 32)) < 0 ||
	    (r = ks_expand(h->hs_secret, KS_S_HS, th1, 32, h->s_hs, 32)) < 0 ||
	    (r = init_dirs(h, h->c_hs, h->s_hs, &h->hs_send, &h->hs_recv)) < 0)
		goto out;
	keylog(h, "CLIENT_HANDSHAKE_TRAFFIC_SECRET", h->c_hs);
	keylog(h, "SERVER_HANDSHAKE_TRAFFIC_SECRET", h->s_hs);
out:
	OPENSSL_cleanse(shared, sizeof(shared));
	return r;
}

/* With X25519 of the server's static key and the client's ephemeral one:
 * auth_secret, which the server's Finished MAC and the application keys
 * come from; hs_secret is done with. */
static int
derive_auth(struct hs *h, const uint8_t static_dh[static 32])
{
	uint8_t salt[32];
	int r = ks_expand(h->hs_secret, KS_DERIVED, NULL, 0, salt, 32);

	if (r == 0)
		r = ks_extract(salt, 32, static_dh, 32, h->auth_secret);
	OPENSSL_cleanse(salt, sizeof(salt));
	OPENSSL_cleanse(h->hs_secret, sizeof(h->hs_secret));
	return r;
}

/* After ClientAuth: the application keys from TH3. */
static int
derive_application(struct hs *h)
{
	static const uint8_t zero[32];
	uint8_t salt[32], master[32], th3[32], c_ap[32], s_ap[32];
	int r;

	if ((r = transcript_hash(&h->th, th3)) < 0 ||
	    (r = ks_expand(h->auth_secret, KS_DERIVED, NULL, 0, salt, 32)) < 0 ||
	    (r = ks_extract(salt, 32, zero, 32, master)) < 0 ||
	    (r = ks_expand(master, KS_C_AP, th3, 32, c_ap, 32)) < 0 ||
	    (r = ks_expand(master, KS_S_AP, th3, 32, s_ap, 32)) < 0 ||
	    (r = init_dirs(h, c_ap, s_ap, &h->ap_send, &h->ap_recv)) < 0)
		goto out;
	keylog(h, "CLIENT_TRAFFIC_SECRET_0", c_ap);
	keylog(h, "SERVER_TRAFFIC_SECRET_0", s_ap);
out:
	OPENSSL_cleanse(salt, sizeof(salt));
	OPENSSL_cleanse(master, sizeof(master));
	OPENSSL_cleanse(c_ap, sizeof(c_ap));
	OPENSSL_cleanse(s_ap, sizeof(s_ap));
	OPENSSL_cleanse(h->auth_secret, sizeof(h->auth_secret));
	return r;
}

int
hs_take_keys(struct hs *h, struct rec_dir *send, struct rec_dir *recv)
{
	/* A client derives them only now, once its ClientAuth is on the
	 * wire: the server's work on it need not wait for ours. */
	if (h->state != HS_STATE_DONE)
		return fail(h, ALERT_UNEXPECTED_MESSAGE, "handshake not done");
	if (!h->ap_send.aead && derive_application(h) < 0)
		return fail(h, ALERT_HANDSHAKE_FAILURE, "cannot derive keys");
	*send = h->ap_send;
	*recv = h->ap_recv;
	memset(&h->ap_send, 0, sizeof(h->ap_send));
	memset(&h->ap_recv, 0, sizeof(h->ap_recv));
	h->state = HS_KEYS_TAKEN;
	return 0;
}

/* Finished MAC: HMAC(Expand(traffic, "finished"), transcript || body). */
static int
finished_mac(const uint8_t traffic[static 32], const uint8_t th[static 32],
	     const uint8_t *body, size_t n, uint8_t out[static 32])
{
	uint8_t key[32];
	int r = ks_expand(traffic, KS_FINISHED, NULL, 0, key, 32);

	if (r == 0)
		r = hmac_sha256(key, th, 32, body, n, out);
	OPENSSL_cleanse(key, sizeof(key));
	return r;
}

/* Seal a handshake message under the handshake keys, padded to a multiple
 * of pad bytes, and append the frame to out. */
static int
send_sealed(struct rec_dir *d, const uint8_t *msg, size_t n, size_t pad,
	    uint8_t *out, size_t cap, size_t *out_len)
{
	int r = rec_seal(d, INNER_HANDSHAKE, msg, n, pad, out + *out_len,
			 cap - *out_len);

	if (r < 0)
		return r;
	*out_len += (size_t)r;
	return 0;
}

/* Open a handshake record into msg; returns its length or -alert. */
static int
open_sealed(struct hs *h, struct rec_dir *d, const uint8_t *frame,
	    size_t len, uint8_t *msg, size_t cap)
{
	uint8_t inner;
	size_t n;

	if (len < 1 || frame[0] != FRAME_RECORD)
		return fail(h, ALERT_UNEXPECTED_MESSAGE, "expected a record");
	if (rec_open(d, frame, len, msg, cap, &inner, &n) < 0)
		return fail(h, ALERT_BAD_RECORD_MAC, "a handshake record does "
			    "not authenticate");
	if (inner != INNER_HANDSHAKE)
		return fail(h, ALERT_UNEXPECTED_MESSAGE, "expected a handshake "
			    "message");
	return (int)n;
}

/* --- hellos ------------------------------------------------------------------ */

/* version | random(32) | ephemeral(32) | n | suites  (ClientHello)
 * version | random(32) | ephemeral(32) | suite      (ServerHello) */
static int
write_hello(struct hs *h, uint8_t type, uint8_t *out, size_t cap)
{
	uint8_t body[HS_HELLO_BODY_MAX], *p = body;
	int n;

	if (!h->eph.key && x25519_new(&h->eph) < 0)
		return KIT_EINVAL;
	*p++ = HS_VERSION;
	if (RAND_bytes(p, 32) != 1)
		return KIT_EINVAL;
	if (type == FRAME_CLIENT_HELLO)
		memcpy(h->client_random, p, 32);
	p += 32;
	memcpy(p, h->eph.pub, 32);
	p += 32;
	if (type == FRAME_CLIENT_HELLO) {
		*p++ = (uint8_t)h->cfg.nsuites;
		memcpy(p, h->cfg.suites, h->cfg.nsuites);
		p += h->cfg.nsuites;
	} else {
		*p++ = (uint8_t)h->suite;
	}
	n = frame_write(type, body, (size_t)(p - body), out, cap);
	if (n > 0 && transcript_add(&h->th, out, (size_t)n) < 0)
		return KIT_EINVAL;
	return n;
}

int
hs_client_hello(struct hs *h, uint8_t *out, size_t cap)
{
	int n;

	if (h->state != C_START || h->cfg.nsuites < 1 || h->cfg.nsuites > 8)
		return KIT_EINVAL;
	if ((n = write_hello(h, FRAME_CLIENT_HELLO, out, cap)) > 0)
		h->state = C_WAIT_SERVER_HELLO;
	return n;
}

static bool
accepts(const struct hs_config *cfg, uint8_t suite)
{
	return memchr(cfg->suites, suite, cfg->nsuites) != NULL;
}

/* Parse either hello; the server picks the client's first suite it takes. */
static int
read_hello(struct hs *h, const uint8_t *frame, size_t len,
	   uint8_t peer_eph[static 32])
{
	struct hs_hello hl;
	uint8_t suite = 0;
	size_t i;

	if (hs_hello_parse(frame, len, h->cfg.server, &hl) < 0)
		return fail(h, ALERT_DECODE_ERROR, h->cfg.server ?
			    "bad ClientHello" : "bad ServerHello");
	for (i = 0; i < hl.nsuites && !suite; i++)
		if (accepts(&h->cfg, hl.suites[i]))
			suite = hl.suites[i];
	if (hl.version != HS_VERSION)
		return fail(h, ALERT_PROTOCOL_VERSION, "unsupported version");
	if (!suite)
		return fail(h, ALERT_HANDSHAKE_FAILURE, h->cfg.server ?
			    "no cipher suite in common" :
			    "the server chose a suite that was not offered");
	if (h->cfg.server)
		memcpy(h->client_random, hl.random, 32);
	memcpy(peer_eph, hl.eph, 32);
	h->suite = suite;
	return transcript_add(&h->th, frame, len) < 0 ?
	       fail(h, ALERT_HANDSHAKE_FAILURE, "hash failed") : 0;
}

/* --- ServerAuth: 1 | credential(128) | finished(32) ------------------------ */

#define SERVER_AUTH_LEN (1 + HS_CREDENTIAL_LEN + 32)
#define SERVER_AUTH_MACED (1 + HS_CREDENTIAL_LEN)

static int
send_server_auth(struct hs *h, uint8_t *out, size_t cap, size_t *out_len)
{
	uint8_t msg[SERVER_AUTH_LEN], th1[32], static_dh[32];
	const uint8_t *credential;
	const struct x25519 *key;
	int r;

	msg[0] = HS_MSG_SERVER_AUTH;
	if ((r = hs_credential_get(&h->cfg, &credential, &key)) < 0)
		return fail(h, ALERT_HANDSHAKE_FAILURE, "cannot sign the "
			    "credential");
	memcpy(msg + 1, credential, HS_CREDENTIAL_LEN);
	r = x25519_shared(key, h->peer_eph, static_dh);
	if (r == 0)
		r = derive_auth(h, static_dh);
	OPENSSL_cleanse(static_dh, sizeof(static_dh));
	if (r < 0)
		return fail(h, ALERT_HANDSHAKE_FAILURE, "key exchange failed");
	if ((r = transcript_hash(&h->th, th1)) < 0 ||
	    (r = finished_mac(h->auth_secret, th1, msg, SERVER_AUTH_MACED,
			      msg + SERVER_AUTH_MACED)) < 0 ||
	    (r = send_sealed(&h->hs_send, msg, sizeof(msg), 0, out, cap,
			     out_len)) < 0 ||
	    (r = transcript_add(&h->th, msg, sizeof(msg))) < 0)
		return fail(h, ALERT_HANDSHAKE_FAILURE, "cannot send "
			    "ServerAuth");
	return 0;
}

/* Client, at the ServerHello: X25519 with the static key the server had
 * last time, so that ServerAuth finds it done if the key is the same. */
static void
early_static_dh(struct hs *h)
{
	const uint8_t *last = hs_credential_last_static();

	if (last && x25519_shared(&h->eph, last, h->early_dh) == 0) {
		memcpy(h->early_static, last, 32);
		h->have_early_dh = true;
	}
}

/* Client: auth_secret with the static key of the credential in msg. */
static int
client_auth_secret(struct hs *h, const uint8_t *msg)
{
	const uint8_t *static_pub = msg + 1 + HS_KEY_LEN;
	uint8_t static_dh[32];
	int r = 0;

	if (h->have_early_dh && !memcmp(h->early_static, static_pub, 32))
		memcpy(static_dh, h->early_dh, 32);
	else
		r = x25519_shared(&h->eph, static_pub, static_dh);
	if (r == 0)
		r = derive_auth(h, static_dh);
	OPENSSL_cleanse(static_dh, sizeof(static_dh));
	OPENSSL_cleanse(h->early_dh, sizeof(h->early_dh));
	return r;
}

static int
check_server_auth(struct hs *h, const uint8_t *msg, size_t n)
{
	uint8_t th1[32], mac[32];
	int r;

	if (n != SERVER_AUTH_LEN || msg[0] != HS_MSG_SERVER_AUTH)
		return fail(h, ALERT_DECODE_ERROR, "bad ServerAuth");
	if (transcript_hash(&h->th, th1) < 0)
		return fail(h, ALERT_HANDSHAKE_FAILURE, "hash failed");
	/* The proof first: only a key that signed a credential whose key
	 * took part in this handshake is shown at the first-use prompt or
	 * remembered. */
	if (!hs_credential_good(&h->cfg, msg + 1) ||
	    client_auth_secret(h, msg) < 0 ||
	    finished_mac(h->auth_secret, th1, msg, SERVER_AUTH_MACED,
			 mac) < 0 ||
	    CRYPTO_memcmp(mac, msg + SERVER_AUTH_MACED, 32))
		return fail(h, ALERT_BAD_IDENTITY, "the server's credential "
			    "signature or MAC is wrong");
	/* check_server has said why it refused (a pin, a changed key, a
	 * "no"). */
	if ((r = h->cfg.check_server(h->cfg.ud, msg + 1)) != 0)
		return fail(h, r, "the server's key was refused: nothing was "
			    "sent");
	return transcript_add(&h->th, msg, n) < 0 ?
	       fail(h, ALERT_HANDSHAKE_FAILURE, "hash failed") : 0;
}

/* --- ClientAuth: 2 | method | nick_len | nick | proof | finished(32) --------- */

#define CLIENT_AUTH_MAX (3 + HS_NICK_MAX + 1 + HS_PASSWORD_MAX + 32)
/* ClientAuth is padded to 256 bytes, so that its length tells neither
 * the method nor the nick's length nor a password's of up to 189 bytes
 * (3 + 30 + 1 + 189 + 32 + the inner type = 256). */
#define CLIENT_AUTH_PAD 256

/* method, nick and proof into msg; returns the length so far or -alert. */
static int
client_proof(struct hs *h, const uint8_t th2[static 32], uint8_t *msg)
{
	size_t nick = strlen(h->cfg.nick), pw, n = 0;
	uint8_t signed_part[96];

	if (nick < 1 || nick > HS_NICK_MAX)
		return fail(h, ALERT_HANDSHAKE_FAILURE, "bad nick");
	msg[n++] = HS_MSG_CLIENT_AUTH;
	msg[n++] = (uint8_t)h->cfg.method;
	msg[n++] = (uint8_t)nick;
	memcpy(msg + n, h->cfg.nick, nick);
	n += nick;
	if (h->cfg.method == HS_KEY) {
		memcpy(msg + n, h->cfg.identity, 32);
		if (h->cfg.sign(h->cfg.ud, signed_part,
				signed_message(signed_part, CLIENT_CONTEXT, th2),
				msg + n + 32) < 0)
			return fail(h, ALERT_HANDSHAKE_FAILURE, "cannot sign");
		n += 96;
	} else if (h->cfg.method == HS_PASSWORD) {
		pw = strlen(h->cfg.password);
		if (pw < 1 || pw > HS_PASSWORD_MAX)
			return fail(h, ALERT_HANDSHAKE_FAILURE, "bad password");
		msg[n++] = (uint8_t)pw;
		memcpy(msg + n, h->cfg.password, pw);
		n += pw;
	}
	return (int)n;
}

static int
send_client_auth(struct hs *h, uint8_t *out, size_t cap, size_t *out_len)
{
	uint8_t msg[CLIENT_AUTH_MAX], th2[32];
	int n, r = -ALERT_HANDSHAKE_FAILURE;

	if (transcript_hash(&h->th, th2) < 0 ||
	    (n = client_proof(h, th2, msg)) < 0)
		goto out;
	if (finished_mac(h->c_hs, th2, msg, (size_t)n, msg + n) < 0 ||
	    send_sealed(&h->hs_send, msg, (size_t)n + 32, CLIENT_AUTH_PAD,
			out, cap, out_len) < 0 ||
	    transcript_add(&h->th, msg, (size_t)n + 32) < 0) {
		r = fail(h, ALERT_HANDSHAKE_FAILURE, "cannot send ClientAuth");
		goto out;
	}
	r = 0;
out:
	OPENSSL_cleanse(msg, sizeof(msg));	/* it may hold the password */
	return r;
}

static int
check_client_auth(struct hs *h, const uint8_t *msg, size_t n)
{
	char password[HS_PASSWORD_MAX + 1] = "";
	uint8_t th2[32], mac[32], signed_part[96];
	struct hs_client_auth ca;
	int r;

	if ((r = hs_client_auth_parse(msg, n, &ca)) < 0)
		return fail(h, ALERT_DECODE_ERROR, r == -1 ? "bad ClientAuth" :
			    "bad ClientAuth proof");
	if (transcript_hash(&h->th, th2) < 0 ||
	    finished_mac(h->c_hs, th2, msg, n - 32, mac) < 0 ||
	    CRYPTO_memcmp(mac, msg + n - 32, 32))
		return fail(h, ALERT_ACCESS_DENIED, "ClientAuth MAC is wrong");
	/* The application keys first: the client is done by now, so a
	 * refusal from here on goes sealed under them (hs_take_refusal_keys). */
	if (transcript_add(&h->th, msg, n) < 0 || derive_application(h) < 0)
		return fail(h, ALERT_HANDSHAKE_FAILURE, "cannot derive keys");
	if (ca.method == HS_KEY &&
	    h->cfg.verify(ca.proof, signed_part,
			  signed_message(signed_part, CLIENT_CONTEXT, th2),
			  ca.proof + 32) < 0)
		return fail(h, ALERT_ACCESS_DENIED, "client signature is wrong");
	if (ca.method == HS_PASSWORD)
		memcpy(password, ca.proof + 1, ca.proof_len - 1);
	r = h->cfg.authorize(h->cfg.ud, h->cfg.peer ? h->cfg.peer : "?",
			     ca.method, ca.nick,
			     ca.method == HS_KEY ? ca.proof : NULL,
			     ca.method == HS_PASSWORD ? password : NULL);
	OPENSSL_cleanse(password, sizeof(password));
	if (r != 0)
		return fail(h, r, "login refused");
	snprintf(h->peer_nick, sizeof(h->peer_nick), "%s", ca.nick);
	h->peer_method = ca.method;
	return 0;
}

/* --- the state machine --------------------------------------------------------- */

static int
server_step(struct hs *h, const uint8_t *frame, size_t len, uint8_t *out,
	    size_t cap, size_t *out_len)
{
	uint8_t msg[FRAME_BODY_MAX];
	int r, n;

	if (h->state == S_WAIT_CLIENT_HELLO) {
		if (frame[0] != FRAME_CLIENT_HELLO)
			return fail(h, ALERT_UNEXPECTED_MESSAGE,
				    "expected ClientHello");
		if ((r = read_hello(h, frame, len, h->peer_eph)) < 0)
			return r;
		if ((n = write_hello(h, FRAME_SERVER_HELLO, out, cap)) < 0)
			return fail(h, ALERT_HANDSHAKE_FAILURE, "key exchange "
				    "failed");
		*out_len = (size_t)n;
		h->state = S_SEND_SERVER_AUTH;	/* hs_output goes on */
		return HS_CONTINUE;
	}
	if (h->state != S_WAIT_CLIENT_AUTH)
		return fail(h, ALERT_UNEXPECTED_MESSAGE, "ServerAuth is not "
			    "out yet");
	n = open_sealed(h, &h->hs_recv, frame, len, msg, sizeof(msg));
	r = n < 0 ? n : check_client_auth(h, msg, (size_t)n);
	/* A password, maybe: opened or not (a record that failed its tag,
	 * or another type, may have been decrypted into msg all the same). */
	OPENSSL_cleanse(msg, len < sizeof(msg) ? len : sizeof(msg));
	if (r < 0)
		return r;
	h->state = HS_STATE_DONE;
	return HS_DONE;
}

int
hs_output(struct hs *h, uint8_t *out, size_t cap, size_t *out_len)
{
	int r;

	*out_len = 0;
	if (h->state != S_SEND_SERVER_AUTH)
		return HS_CONTINUE;
	if (derive_handshake(h, h->peer_eph) < 0)
		r = fail(h, ALERT_HANDSHAKE_FAILURE, "key exchange failed");
	else
		r = send_server_auth(h, out, cap, out_len);
	OPENSSL_cleanse(h->peer_eph, sizeof(h->peer_eph));
	if (r < 0)
		return r;
	h->state = S_WAIT_CLIENT_AUTH;
	return HS_CONTINUE;
}

static int
client_step(struct hs *h, const uint8_t *frame, size_t len, uint8_t *out,
	    size_t cap, size_t *out_len)
{
	uint8_t peer[32], msg[FRAME_BODY_MAX];
	int r, n;

	if (h->state == C_WAIT_SERVER_HELLO) {
		if (frame[0] != FRAME_SERVER_HELLO)
			return fail(h, ALERT_UNEXPECTED_MESSAGE,
				    "expected ServerHello");
		if ((r = read_hello(h, frame, len, peer)) < 0)
			return r;
		if (derive_handshake(h, peer) < 0)
			return fail(h, ALERT_HANDSHAKE_FAILURE, "key exchange "
				    "failed");
		early_static_dh(h);
		h->state = C_WAIT_SERVER_AUTH;
		return HS_CONTINUE;
	}
	/* C_WAIT_SERVER_AUTH: after it, the client is done (1-RTT). */
	if ((n = open_sealed(h, &h->hs_recv, frame, len, msg, sizeof(msg))) < 0)
		return n;
	if ((r = check_server_auth(h, msg, (size_t)n)) < 0 ||
	    (r = send_client_auth(h, out, cap, out_len)) < 0)
		return r;
	h->state = HS_STATE_DONE;
	return HS_DONE;
}

int
hs_input(struct hs *h, const uint8_t *frame, size_t len, uint8_t *out,
	 size_t cap, size_t *out_len)
{
	*out_len = 0;
	if (len < FRAME_HEADER_LEN)
		return fail(h, ALERT_DECODE_ERROR, "short frame");
	switch (h->state) {
	case S_WAIT_CLIENT_HELLO:
	case S_SEND_SERVER_AUTH:
	case S_WAIT_CLIENT_AUTH:
		return server_step(h, frame, len, out, cap, out_len);
	case C_WAIT_SERVER_HELLO:
	case C_WAIT_SERVER_AUTH:
		return client_step(h, frame, len, out, cap, out_len);
	default:
		return fail(h, ALERT_UNEXPECTED_MESSAGE, "no handshake under way");
	}
}
