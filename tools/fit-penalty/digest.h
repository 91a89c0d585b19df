/* SHA-256 of the input, for the provenance of a fit. */
#ifndef RT_FIT_DIGEST_H
#define RT_FIT_DIGEST_H

#include <stddef.h>
#include <stdint.h>

struct digest {
	uint32_t h[8];
	uint64_t len;		/* bytes so far */
	uint8_t	 buf[64];
	size_t	 nbuf;
};

void digest_init(struct digest *s);
void digest_update(struct digest *s, const void *p, size_t n);
/* Finish and write 64 lowercase hex digits and a NUL to hex. */
void digest_hex(struct digest *s, char hex[65]);

#endif
