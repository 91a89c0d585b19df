#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "tp_idset.h"

void
tp_idset_init(struct tp_idset *s)
{
	memset(s, 0, sizeof(*s));
}

void
tp_idset_free(struct tp_idset *s)
{
	size_t i;

	for (i = 0; i < s->cap; i++)
		free(s->slot[i].id);
	free(s->slot);
	memset(s, 0, sizeof(*s));
}

/* FNV-1a: short ids, no adversary worth a keyed hash. */
static uint64_t
hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static struct tp_idslot *
find(struct tp_idslot *slot, size_t cap, const char *id)
{
	size_t i = hash(id) & (cap - 1);

	while (slot[i].id != NULL && strcmp(slot[i].id, id) != 0)
		i = (i + 1) & (cap - 1);
	return &slot[i];
}

/* Keep the table at most half full so probes stay short. */
static void
grow(struct tp_idset *s)
{
	size_t cap = s->cap ? s->cap * 2 : 1024, i;
	struct tp_idslot *slot = xmalloc(cap * sizeof(*slot));

	memset(slot, 0, cap * sizeof(*slot));
	for (i = 0; i < s->cap; i++)
		if (s->slot[i].id != NULL)
			*find(slot, cap, s->slot[i].id) = s->slot[i];
	free(s->slot);
	s->slot = slot;
	s->cap = cap;
}

long
tp_idset_add(struct tp_idset *s, const char *id, long line)
{
	struct tp_idslot *p;

	if (2 * (s->n + 1) > s->cap)
		grow(s);
	p = find(s->slot, s->cap, id);
	if (p->id != NULL)
		return p->line > 0 ? p->line : 1;
	p->id = xstrdup(id);
	p->line = line;
	s->n++;
	return 0;
}
