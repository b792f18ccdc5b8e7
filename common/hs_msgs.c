/* \summary: parsing secure_chat's hellos and ClientAuth through a bounds-
 * checked cursor; what the fields mean is for the caller to judge. */
#include <string.h>

#include "cur.h"
#include "hs_msgs.h"
#include "record.h"

int
hs_hello_parse(const uint8_t *frame, size_t len, bool client,
	       struct hs_hello *out)
{
	struct cur c;

	if (len < FRAME_HEADER_LEN)
		return -1;
	c = cur_make(frame + FRAME_HEADER_LEN, len - FRAME_HEADER_LEN);
	memset(out, 0, sizeof(*out));
	out->version = cur_u8(&c);
	cur_bytes(&c, out->random, 32);
	cur_bytes(&c, out->eph, 32);
	out->nsuites = client ? cur_u8(&c) : 1;
	if (out->nsuites < 1 || out->nsuites > HS_SUITES_MAX ||
	    !cur_bytes(&c, out->suites, out->nsuites))
		return -1;
	return c.err || c.left ? -1 : 0;
}

int
hs_client_auth_parse(const uint8_t *msg, size_t n, struct hs_client_auth *out)
{
	struct cur c = cur_make(msg, n < 32 ? 0 : n - 32);
	uint8_t type = cur_u8(&c), len;

	out->method = cur_u8(&c);
	len = cur_u8(&c);
	if (n < 32 || type != HS_MSG_CLIENT_AUTH || len < 1 ||
	    len > HS_NICK_MAX || !cur_bytes(&c, out->nick, len) ||
	    memchr(out->nick, 0, len))
		return -1;
	out->nick[len] = '\0';
	out->proof = c.p;
	out->proof_len = c.left;
	if ((out->method == HS_ANONYMOUS && c.left != 0) ||
	    (out->method == HS_KEY && c.left != 96) ||
	    (out->method == HS_PASSWORD &&
	     (c.left < 2 || c.p[0] != c.left - 1)) ||
	    out->method > HS_PASSWORD)
		return -2;
	return 0;
}
