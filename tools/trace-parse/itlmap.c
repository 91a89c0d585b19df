#include <stdlib.h>
#include <string.h>

#include "io/err.h"
#include "itlmap.h"

void
itlmap_init(struct itlmap *m)
{
	strmap_init(&m->m);
}

static void
free_ent(void *p)
{
	struct itlmap_ent *e = p;

	free(e->chunk);
	free(e);
}

void
itlmap_free(struct itlmap *m)
{
	strmap_free(&m->m, free_ent);
}

void
itlmap_add(struct itlmap *m, const char *id, int64_t index,
    int64_t ts_us, long line)
{
	int added;
	void **v = strmap_put(&m->m, id, &added);
	struct itlmap_ent *e;

	if (added) {
		*v = err_malloc(sizeof(struct itlmap_ent));
		memset(*v, 0, sizeof(struct itlmap_ent));
	}
	e = *v;
	if (e->n == e->cap) {
		e->cap = e->cap ? 2 * e->cap : 16;
		e->chunk = err_realloc(e->chunk, e->cap * sizeof(*e->chunk));
	}
	e->chunk[e->n].index = index;
	e->chunk[e->n].ts_us = ts_us;
	e->chunk[e->n].line = line;
	e->n++;
}

static int
by_index(const void *a, const void *b)
{
	const struct itlmap_chunk *x = a, *y = b;

	/* Ties in file order: a repeated chunk names its first line. */
	if (x->index != y->index)
		return (x->index > y->index) - (x->index < y->index);
	return (x->line > y->line) - (x->line < y->line);
}

struct itlmap_ent *
itlmap_get(struct itlmap *m, const char *id)
{
	struct itlmap_ent *e = strmap_get(&m->m, id);

	if (e != NULL)
		qsort(e->chunk, e->n, sizeof(*e->chunk), by_index);
	return e;
}

static void
count_unused(void *ctx, void *val)
{
	*(size_t *)ctx += !((struct itlmap_ent *)val)->used;
}

size_t
itlmap_unused(const struct itlmap *m)
{
	size_t n = 0;

	strmap_each(&m->m, count_unused, &n);
	return n;
}
