#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "tp_itlmap.h"

void
tp_itlmap_init(struct tp_itlmap *m)
{
	memset(m, 0, sizeof(*m));
}

void
tp_itlmap_free(struct tp_itlmap *m)
{
	size_t i;

	for (i = 0; i < m->cap; i++) {
		free(m->ent[i].id);
		free(m->ent[i].chunk);
	}
	free(m->ent);
	memset(m, 0, sizeof(*m));
}

static uint64_t
hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static struct tp_itlent *
slot(struct tp_itlent *ent, size_t cap, const char *id)
{
	size_t i = hash(id) & (cap - 1);

	while (ent[i].id != NULL && strcmp(ent[i].id, id) != 0)
		i = (i + 1) & (cap - 1);
	return &ent[i];
}

static void
grow(struct tp_itlmap *m)
{
	size_t cap = m->cap ? m->cap * 2 : 1024, i;
	struct tp_itlent *ent = xmalloc(cap * sizeof(*ent));

	memset(ent, 0, cap * sizeof(*ent));
	for (i = 0; i < m->cap; i++)
		if (m->ent[i].id != NULL)
			*slot(ent, cap, m->ent[i].id) = m->ent[i];
	free(m->ent);
	m->ent = ent;
	m->cap = cap;
}

void
tp_itlmap_add(struct tp_itlmap *m, const char *id, int64_t index,
    int64_t ts_us)
{
	struct tp_itlent *e;

	if (2 * (m->n + 1) > m->cap)
		grow(m);
	e = slot(m->ent, m->cap, id);
	if (e->id == NULL) {
		e->id = xstrdup(id);
		m->n++;
	}
	if (e->n == e->cap) {
		e->cap = e->cap ? 2 * e->cap : 16;
		e->chunk = xrealloc(e->chunk, e->cap * sizeof(*e->chunk));
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
	struct tp_itlent *e;

	if (m->cap == 0)
		return NULL;
	e = slot(m->ent, m->cap, id);
	if (e->id == NULL)
		return NULL;
	qsort(e->chunk, e->n, sizeof(*e->chunk), by_index);
	return e;
}

size_t
tp_itlmap_unused(const struct tp_itlmap *m)
{
	size_t i, n = 0;

	for (i = 0; i < m->cap; i++)
		n += m->ent[i].id != NULL && !m->ent[i].used;
	return n;
}
