/*
 * gen_capture_hash.c - the SHA-256 ground truth of each direction: every
 * byte sent, and once a segment is missed, the two captured views.
 */
#include <err.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <openssl/evp.h>

#include "gen_capture.h"

static const uint8_t zeros[65536];

EVP_MD_CTX *
md_new(const EVP_MD_CTX *from)
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();

	if (c == NULL)
		errx(1, "EVP_MD_CTX_new failed");
	if (from != NULL ? EVP_MD_CTX_copy_ex(c, from) != 1 :
	    EVP_DigestInit_ex(c, EVP_sha256(), NULL) != 1)
		errx(1, "SHA-256 init failed");
	return c;
}

static void
md_add(EVP_MD_CTX *c, const uint8_t *p, size_t n)
{
	if (EVP_DigestUpdate(c, p, n) != 1)
		errx(1, "SHA-256 update failed");
}

static void
md_zeros(EVP_MD_CTX *c, uint64_t n)
{
	for (; n > sizeof zeros; n -= sizeof zeros)
		md_add(c, zeros, sizeof zeros);
	md_add(c, zeros, n);
}

/* Finish c into hex[65] and free it. */
void
md_hex(EVP_MD_CTX *c, char hex[static 65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	if (EVP_DigestFinal_ex(c, md, &n) != 1 || n != 32)
		errx(1, "SHA-256 final failed");
	for (unsigned i = 0; i < n; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	EVP_MD_CTX_free(c);
}

/*
 * Account n payload bytes just sent by s; seen: present in the capture.
 * The first hole forks the hashes of the two captured views off the
 * full one.
 */
void
dir_account(struct dir *s, const uint8_t *p, size_t n, bool seen)
{
	if (!seen && s->cap == NULL) {
		s->cap = md_new(s->full);
		s->zf = md_new(s->full);
		s->cap_len = s->zf_len = s->off;
	}
	md_add(s->full, p, n);
	if (s->cap == NULL)
		return;
	if (!seen) {
		s->zf_gap += n;
		return;
	}
	md_add(s->cap, p, n);
	s->cap_len += n;
	md_zeros(s->zf, s->zf_gap);
	md_add(s->zf, p, n);
	s->zf_len += s->zf_gap + n;
	s->zf_gap = 0;
}
