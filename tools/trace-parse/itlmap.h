/*
 * Chunk times by request id, for joining a BLIS ITL CSV to its trace.
 * The ITL file is not sorted like the trace, so it is held in memory:
 * 24 bytes a chunk (its line kept for messages).
 */
#ifndef RT_ITLMAP_H
#define RT_ITLMAP_H

#include <stddef.h>
#include <stdint.h>

#include "strmap.h"

struct itlmap_chunk {
	int64_t	 index, ts_us;
	long	 line;		/* in the ITL file */
};

struct itlmap_ent {
	struct itlmap_chunk *chunk;
	size_t	 n, cap;
	int	 used;		/* joined to a trace request */
};

struct itlmap {
	struct strmap m;	/* id -> struct itlmap_ent */
};

void itlmap_init(struct itlmap *m);
void itlmap_free(struct itlmap *m);
void itlmap_add(struct itlmap *m, const char *id, int64_t index,
    int64_t ts_us, long line);
/* The entry of id with its chunks sorted by index, or NULL. */
struct itlmap_ent *itlmap_get(struct itlmap *m, const char *id);
/* Entries never joined to a request. */
size_t itlmap_unused(const struct itlmap *m);

#endif
