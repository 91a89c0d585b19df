#include <stdint.h>

#include "idset.h"

/* A place packed in the value: the file in the top bits, the line below. */
#define LINE_BITS	40
#define LINE_MAX_	((INT64_C(1) << LINE_BITS) - 1)
#define FILE_MAX_	((INT64_C(1) << (62 - LINE_BITS)) - 1)

void
idset_init(struct idset *s)
{
	strmap_init(&s->m);
}

void
idset_free(struct idset *s)
{
	strmap_free(&s->m, NULL);
}

long
idset_add(struct idset *s, const char *id, long file, long line,
    long *first_file)
{
	int added;
	void **v = strmap_put(&s->m, id, &added);
	int64_t place;
	long first;

	/* The place itself is the value: no allocation an id. */
	if (!added) {
		place = (int64_t)(intptr_t)*v;
		*first_file = (long)(place >> LINE_BITS);
		first = (long)(place & LINE_MAX_);
		return first > 0 ? first : 1;
	}
	if (line < 0 || line > LINE_MAX_)
		line = line < 0 ? 0 : LINE_MAX_;
	if (file < 0 || file > FILE_MAX_)
		file = file < 0 ? 0 : FILE_MAX_;
	*v = (void *)(intptr_t)((int64_t)file << LINE_BITS | line);
	return 0;
}
