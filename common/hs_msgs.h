/* The layouts of secure_chat's handshake messages (docs/PROTOCOL.md,
 * "ClientHello", "ServerHello", "ClientAuth"), parsed alike by the
 * endpoints, which then judge what they hold, and by the sniffer's
 * --keylog, which only reports it. */
#ifndef KIT_COMMON_HS_MSGS_H
#define KIT_COMMON_HS_MSGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HS_VERSION 1
#define HS_NICK_MAX 30
#define HS_PASSWORD_MAX 255
#define HS_SUITES_MAX 8
/* version, random, ephemeral, then n and the suites (ClientHello) or the
 * one suite (ServerHello) */
#define HS_HELLO_BODY_MAX (1 + 32 + 32 + 1 + HS_SUITES_MAX)

enum hs_method { HS_ANONYMOUS = 0, HS_KEY = 1, HS_PASSWORD = 2 };
enum hs_msg { HS_MSG_SERVER_AUTH = 1, HS_MSG_CLIENT_AUTH = 2 };

struct hs_hello {
	uint8_t version;
	uint8_t random[32];
	uint8_t eph[32];	/* X25519 public key */
	uint8_t suites[HS_SUITES_MAX];	/* offered; a ServerHello's one */
	size_t nsuites;
};

/* A hello frame, header included (a ClientHello when client): 0, or -1
 * when its layout is wrong. */
int hs_hello_parse(const uint8_t *frame, size_t len, bool client,
		struct hs_hello *out);

struct hs_client_auth {
	int method;
	char nick[HS_NICK_MAX + 1];
	const uint8_t *proof;	/* within the message: identity and
				 * signature, or length and password */
	size_t proof_len;
};

/* ClientAuth's plaintext msg[0..n), its Finished MAC being the last 32
 * bytes: 0; -1, a bad layout; -2, a proof that does not fit the method. */
int hs_client_auth_parse(const uint8_t *msg, size_t n,
			 struct hs_client_auth *out);

#endif
