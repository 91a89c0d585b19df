/*
 * The request ids seen so far, to catch duplicates.  Only traces that
 * carry their own ids use it, so memory grows with those ids alone.
 */
#ifndef RT_TP_IDSET_H
#define RT_TP_IDSET_H

#include "strmap.h"

struct tp_idset {
	struct strmap m;	/* id -> the line it was first seen at */
};

void tp_idset_init(struct tp_idset *s);
void tp_idset_free(struct tp_idset *s);
/*
 * Add id first seen at line.  Returns 0 when new; otherwise the line
 * where it was first seen (> 0), and the set is unchanged.
 */
long tp_idset_add(struct tp_idset *s, const char *id, long line);

#endif
