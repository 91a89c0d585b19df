#include <stdlib.h>
#include <string.h>

#include "io/err.h"
#include "itlmap.h"

void
tp_itlmap_init(struct tp_itlmap *m)
{
	strmap_init(&m->m);
}

static void
free_ent(void *p)
{
	struct tp_itlent *e = p;

	free(e->chunk);
	free(e);
}

void
tp_itlmap_free(struct tp_itlmap *m)
{
	strmap_free(&m->m, free_ent);
}

void
tp_itlmap_add(struct tp_itlmap *m, const char *id, int64_t index,
    int64_t ts_us)
{
	int added;
	void **v = strmap_put(&m->m, id, &added);
	struct tp_itlent *e;

	if (added) {
		*v = err_malloc(sizeof(struct tp_itlent));
		memset(*v, 0, sizeof(struct tp_itlent));
	}
	e = *v;
	if (e->n == e->cap) {
		e->cap = e->cap ? 2 * e->cap : 16;
		e->chunk = err_realloc(e->chunk, e->cap * sizeof(*e->chunk));
	}
	e->chunk[e->n].index = index;
	e->chunk[e->n].ts_us = ts_us;
	e->n++;
}

static int
by_index(const void *a, const void *b)
{
	const struct tp_chunk *x = a, *y = b;

	return (x->index > y->index) - (x->index < y->index);
}

struct tp_itlent *
tp_itlmap_get(struct tp_itlmap *m, const char *id)
{
	struct tp_itlent *e = strmap_get(&m->m, id);

	if (e != NULL)
		qsort(e->chunk, e->n, sizeof(*e->chunk), by_index);
	return e;
}

static void
count_unused(void *ctx, void *val)
{
	*(size_t *)ctx += !((struct tp_itlent *)val)->used;
}

size_t
tp_itlmap_unused(const struct tp_itlmap *m)
{
	size_t n = 0;

	strmap_each(&m->m, count_unused, &n);
	return n;
}
