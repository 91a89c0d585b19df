/*
 * Records leave in arrival order although requests finish out of it: a
 * finished record waits here until every earlier one is out.  Memory is
 * bounded by the requests in flight.
 */
#ifndef RT_TRACE_REPLAY_REORDER_H
#define RT_TRACE_REPLAY_REORDER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct reorder {
	char	**line;		/* line[head + i] is seq base + i, or NULL */
	size_t	 cap, head;
	uint64_t base;
};

/* Hold line (owned from now on) as record seq. */
void reorder_put(struct reorder *ro, uint64_t seq, char *line);
/* Write and free every record whose predecessors are all out. */
void reorder_flush(struct reorder *ro, FILE *fp);
void reorder_free(struct reorder *ro);

#endif
