/* SHA-256 by libcrypto's EVP interface (SHA-NI or AVX2 where present). */
#include <stdio.h>

#include <openssl/evp.h>

#include "io/err.h"
#include "digest.h"

void
digest_init(struct digest *s)
{
	if ((s->ctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(s->ctx, EVP_sha256(), NULL) != 1)
		err_die(EXIT_DATA, "SHA-256: libcrypto failed to start");
}

void
digest_update(struct digest *s, const void *p, size_t n)
{
	if (EVP_DigestUpdate(s->ctx, p, n) != 1)
		err_die(EXIT_DATA, "SHA-256: libcrypto failed");
}

void
digest_hex(struct digest *s, char hex[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0, i;

	if (EVP_DigestFinal_ex(s->ctx, md, &n) != 1 || n != 32)
		err_die(EXIT_DATA, "SHA-256: libcrypto failed to finish");
	EVP_MD_CTX_free(s->ctx);
	s->ctx = NULL;
	for (i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
}
