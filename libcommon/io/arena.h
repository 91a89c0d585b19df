/*
 * A bump allocator reset once a record: allocation is a pointer increment,
 * freeing everything is arena_reset.  Any size is served (a chunk grows to
 * fit); after a record that spilled into several chunks, reset merges them
 * into one as large, so a stream of records settles into one chunk sized
 * for the largest record seen.
 */
#ifndef RT_ARENA_H
#define RT_ARENA_H

#include <stddef.h>

struct arena_chunk;

struct arena {
	struct arena_chunk *head;	/* the chunk allocated from; older follow */
	size_t	 total;			/* capacity of every chunk together */
};

void arena_init(struct arena *a);
/* n bytes aligned for any type; never NULL (out of memory is fatal). */
void *arena_alloc(struct arena *a, size_t n);
/* Free everything allocated since the last reset, keeping the capacity. */
void arena_reset(struct arena *a);
void arena_free(struct arena *a);

#endif
