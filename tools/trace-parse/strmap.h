/*
 * A hash map from strings (copied) to pointers, for the ids of a trace.
 * Open addressing, kept at most half full.
 */
#ifndef RT_STRMAP_H
#define RT_STRMAP_H

#include <stddef.h>

struct strmap {
	char	**key;
	void	**val;
	size_t	 cap, n;
};

void strmap_init(struct strmap *m);
/* Free the keys, and each value with free_val unless it is NULL. */
void strmap_free(struct strmap *m, void (*free_val)(void *));
/* The value slot of key, added (value NULL) when absent; *added says. */
void **strmap_put(struct strmap *m, const char *key, int *added);
/* The value of key, or NULL when absent. */
void *strmap_get(const struct strmap *m, const char *key);
/* Every value (in no order), for fn(ctx, value). */
void strmap_each(const struct strmap *m, void (*fn)(void *ctx, void *val),
    void *ctx);

#endif
