/* SHA-256 of the input, for the provenance of a fit (OpenSSL's libcrypto). */
#ifndef RT_FIT_DIGEST_H
#define RT_FIT_DIGEST_H

#include <stddef.h>

struct digest {
	void	*ctx;		/* EVP_MD_CTX */
};

void digest_init(struct digest *s);
void digest_update(struct digest *s, const void *p, size_t n);
/* Finish (freeing the context) and write 64 lowercase hex digits and a NUL. */
void digest_hex(struct digest *s, char hex[65]);

#endif
