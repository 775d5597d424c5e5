// SPDX-License-Identifier: GPL-2.0
/*
 * sha256 digests of blobs (OpenSSL EVP), and the form a digest must have
 * before it may name a blob.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "internal.h"

/**
 * img_digest_check() - is @digest "sha256:" and 64 lowercase hex digits?
 *
 * Anything else is refused: other algorithms, and any digest that could
 * name a path outside blobs/sha256/.
 */
int img_digest_check(const char *digest, char *err, size_t errlen)
{
	const char *hex;
	size_t i;

	if (!digest || strncmp(digest, "sha256:", 7)) {
		cohort_seterr(err, errlen, "unsupported digest '%.80s': only sha256 is supported",
			digest ? digest : "");
		return -1;
	}
	hex = digest + 7;
	for (i = 0; hex[i]; i++)
		if (!((hex[i] >= '0' && hex[i] <= '9') ||
		      (hex[i] >= 'a' && hex[i] <= 'f')))
			break;
	if (i != 64 || hex[i]) {
		cohort_seterr(err, errlen, "invalid digest '%.80s': want sha256: and 64 lowercase hex digits",
			digest);
		return -1;
	}
	return 0;
}

int img_hash_init(struct img_hash *h, char *err, size_t errlen)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	h->bytes = 0;
	h->ctx = ctx;
	if (!ctx || !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL)) {
		img_hash_free(h);
		cohort_seterr(err, errlen, "cannot start a sha256 digest (OpenSSL)");
		return -1;
	}
	return 0;
}

void img_hash_update(struct img_hash *h, const void *p, size_t n)
{
	EVP_DigestUpdate(h->ctx, p, n);
	h->bytes += n;
}

/* The digest of what went through @h, as 64 hex digits.  Ends @h. */
void img_hash_hex(struct img_hash *h, char hex[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0, i;

	EVP_DigestFinal_ex(h->ctx, md, &len);
	for (i = 0; i < len && i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	hex[2 * i] = '\0';
	img_hash_free(h);
}

void img_hash_free(struct img_hash *h)
{
	EVP_MD_CTX_free(h->ctx);
	h->ctx = NULL;
}
