#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "io/err.h"
#include "strmap.h"

void
strmap_init(struct strmap *m)
{
	memset(m, 0, sizeof(*m));
}

void
strmap_free(struct strmap *m, void (*free_val)(void *))
{
	size_t i;

	for (i = 0; i < m->cap; i++) {
		if (m->key[i] != NULL && free_val != NULL)
			free_val(m->val[i]);
		free(m->key[i]);
	}
	free(m->key);
	free(m->val);
	memset(m, 0, sizeof(*m));
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

static size_t
find(char *const *key, size_t cap, const char *k)
{
	size_t i = hash(k) & (cap - 1);

	while (key[i] != NULL && strcmp(key[i], k) != 0)
		i = (i + 1) & (cap - 1);
	return i;
}

static void
grow(struct strmap *m)
{
	size_t cap = m->cap ? m->cap * 2 : 1024, i, j;
	char **key = err_malloc(cap * sizeof(*key));
	void **val = err_malloc(cap * sizeof(*val));

	memset(key, 0, cap * sizeof(*key));
	for (i = 0; i < m->cap; i++)
		if (m->key[i] != NULL) {
			j = find(key, cap, m->key[i]);
			key[j] = m->key[i];
			val[j] = m->val[i];
		}
	free(m->key);
	free(m->val);
	m->key = key;
	m->val = val;
	m->cap = cap;
}

void **
strmap_put(struct strmap *m, const char *k, int *added)
{
	size_t i;

	if (2 * (m->n + 1) > m->cap)
		grow(m);
	i = find(m->key, m->cap, k);
	*added = m->key[i] == NULL;
	if (*added) {
		m->key[i] = err_strdup(k);
		m->val[i] = NULL;
		m->n++;
	}
	return &m->val[i];
}

void *
strmap_get(const struct strmap *m, const char *k)
{
	size_t i;

	if (m->cap == 0)
		return NULL;
	i = find(m->key, m->cap, k);
	return m->key[i] != NULL ? m->val[i] : NULL;
}

void
strmap_each(const struct strmap *m, void (*fn)(void *ctx, void *val),
    void *ctx)
{
	size_t i;

	for (i = 0; i < m->cap; i++)
		if (m->key[i] != NULL)
			fn(ctx, m->val[i]);
}
