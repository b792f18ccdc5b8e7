/* Ed25519 keys made on the fly for the handshake and transport tests, with
 * the hs_config sign and verify callbacks over them. */
#ifndef KIT_TESTS_UNIT_TEST_ED25519_H
#define KIT_TESTS_UNIT_TEST_ED25519_H

#include <stddef.h>
#include <stdint.h>

struct evp_pkey_st;

struct test_key {
	struct evp_pkey_st *pkey;
	uint8_t pub[32];
};

extern struct test_key server_key, client_key, other_key;

void make_key(struct test_key *k);
void free_key(struct test_key *k);
/* hs_config.sign with ud = struct test_key *; hs_config.verify. */
int test_sign(void *ud, const uint8_t *msg, size_t n, uint8_t sig[static 64]);
int test_verify(const uint8_t pub[static 32], const uint8_t *msg, size_t n,
		const uint8_t sig[static 64]);

#endif
