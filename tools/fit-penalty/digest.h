/* SHA-256 of the input, for the provenance of a fit. */
#ifndef RT_FIT_DIGEST_H
#define RT_FIT_DIGEST_H

#include <stddef.h>
#include <stdint.h>

struct fit_sha256 {
	uint32_t h[8];
	uint64_t len;		/* bytes so far */
	uint8_t	 buf[64];
	size_t	 nbuf;
};

void fit_sha256_init(struct fit_sha256 *s);
void fit_sha256_update(struct fit_sha256 *s, const void *p, size_t n);
/* Finish and write 64 lowercase hex digits and a NUL to hex. */
void fit_sha256_hex(struct fit_sha256 *s, char hex[65]);

#endif
