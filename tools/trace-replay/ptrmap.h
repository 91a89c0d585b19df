/*
 * A hash map from pointers to pointers: the scheduler names requests in a
 * step by its own id strings, whose addresses are stable while a request
 * lives, so the address is the key.
 */
#ifndef RT_PTRMAP_H
#define RT_PTRMAP_H

#include <stddef.h>

struct ptrmap {
	const void **key;
	void	**val;
	size_t	 cap, n, tombs;
};

void ptrmap_init(struct ptrmap *m);
void ptrmap_free(struct ptrmap *m);
void ptrmap_put(struct ptrmap *m, const void *key, void *val);
void *ptrmap_get(const struct ptrmap *m, const void *key);
void ptrmap_del(struct ptrmap *m, const void *key);

#endif
