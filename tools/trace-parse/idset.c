#include <stdint.h>

#include "idset.h"

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
idset_add(struct idset *s, const char *id, long line)
{
	int added;
	void **v = strmap_put(&s->m, id, &added);
	long first;

	/* The line itself is the value: no allocation an id. */
	if (!added) {
		first = (long)(intptr_t)*v;
		return first > 0 ? first : 1;
	}
	*v = (void *)(intptr_t)line;
	return 0;
}
