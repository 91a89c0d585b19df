/*
 * Chunk times by request id, for joining a BLIS ITL CSV to its trace.
 * The ITL file is not sorted like the trace, so it is held in memory:
 * 16 bytes a chunk.
 */
#ifndef RT_TP_ITLMAP_H
#define RT_TP_ITLMAP_H

#include <stddef.h>
#include <stdint.h>

#include "strmap.h"

struct tp_chunk {
	int64_t	 index, ts_us;
};

struct tp_itlent {
	struct tp_chunk *chunk;
	size_t	 n, cap;
	int	 used;		/* joined to a trace request */
};

struct tp_itlmap {
	struct strmap m;	/* id -> struct tp_itlent */
};

void tp_itlmap_init(struct tp_itlmap *m);
void tp_itlmap_free(struct tp_itlmap *m);
void tp_itlmap_add(struct tp_itlmap *m, const char *id, int64_t index,
    int64_t ts_us);
/* The entry of id with its chunks sorted by index, or NULL. */
struct tp_itlent *tp_itlmap_get(struct tp_itlmap *m, const char *id);
/* Entries never joined to a request. */
size_t tp_itlmap_unused(const struct tp_itlmap *m);

#endif
