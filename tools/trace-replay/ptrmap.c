#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "io/err.h"
#include "ptrmap.h"

/* Deleted slots keep probing chains intact. */
static const char tomb;
#define TOMB ((const void *)&tomb)

static size_t
slot_of(const struct ptrmap *m, const void *key)
{
	uint64_t h = (uint64_t)(uintptr_t)key;

	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return (size_t)h & (m->cap - 1);
}

void
ptrmap_init(struct ptrmap *m)
{
	m->cap = 64;
	m->n = m->tombs = 0;
	m->key = err_malloc(m->cap * sizeof(*m->key));
	m->val = err_malloc(m->cap * sizeof(*m->val));
	memset(m->key, 0, m->cap * sizeof(*m->key));
}

void
ptrmap_free(struct ptrmap *m)
{
	free(m->key);
	free(m->val);
	m->key = NULL;
	m->val = NULL;
}

static void
grow(struct ptrmap *m)
{
	struct ptrmap old = *m;
	size_t i;

	if (2 * m->n >= m->cap)
		m->cap *= 2;
	m->n = m->tombs = 0;
	m->key = err_malloc(m->cap * sizeof(*m->key));
	m->val = err_malloc(m->cap * sizeof(*m->val));
	memset(m->key, 0, m->cap * sizeof(*m->key));
	for (i = 0; i < old.cap; i++)
		if (old.key[i] != NULL && old.key[i] != TOMB)
			ptrmap_put(m, old.key[i], old.val[i]);
	ptrmap_free(&old);
}

void
ptrmap_put(struct ptrmap *m, const void *key, void *val)
{
	size_t i;

	if (4 * (m->n + m->tombs + 1) > 3 * m->cap)
		grow(m);
	for (i = slot_of(m, key); m->key[i] != NULL; i = (i + 1) & (m->cap - 1))
		if (m->key[i] == key) {
			m->val[i] = val;
			return;
		}
	m->key[i] = key;
	m->val[i] = val;
	m->n++;
}

void *
ptrmap_get(const struct ptrmap *m, const void *key)
{
	size_t i;

	for (i = slot_of(m, key); m->key[i] != NULL; i = (i + 1) & (m->cap - 1))
		if (m->key[i] == key)
			return m->val[i];
	return NULL;
}

void
ptrmap_del(struct ptrmap *m, const void *key)
{
	size_t i;

	for (i = slot_of(m, key); m->key[i] != NULL; i = (i + 1) & (m->cap - 1))
		if (m->key[i] == key) {
			m->key[i] = TOMB;
			m->n--;
			m->tombs++;
			return;
		}
}
