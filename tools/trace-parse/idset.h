/*
 * The request ids seen so far, to catch duplicates.  Only traces that
 * carry their own ids use it, so memory grows with those ids alone.
 */
#ifndef RT_IDSET_H
#define RT_IDSET_H

#include "strmap.h"

struct idset {
	struct strmap m;	/* id -> the file and line first seen at */
};

void idset_init(struct idset *s);
void idset_free(struct idset *s);
/*
 * Add id first seen at line of file (an index: the caller keeps the
 * names).  Returns 0 when new; otherwise the line where it was first
 * seen (> 0), with that file's index in *first_file, and the set is
 * unchanged.
 */
long idset_add(struct idset *s, const char *id, long file, long line,
    long *first_file);

#endif
