#include <stdlib.h>
#include <string.h>

#include "io/err.h"

#include "reorder.h"

void
reorder_put(struct reorder *ro, uint64_t seq, char *line)
{
	size_t need = (size_t)(seq - ro->base) + 1;

	if (ro->head + need > ro->cap) {
		if (ro->head > 0) {
			memmove(ro->line, ro->line + ro->head,
			    (ro->cap - ro->head) * sizeof(*ro->line));
			memset(ro->line + ro->cap - ro->head, 0,
			    ro->head * sizeof(*ro->line));
			ro->head = 0;
		}
		while (need > ro->cap) {
			size_t cap = ro->cap ? 2 * ro->cap : 64;

			ro->line = err_realloc(ro->line, cap *
			    sizeof(*ro->line));
			memset(ro->line + ro->cap, 0, (cap - ro->cap) *
			    sizeof(*ro->line));
			ro->cap = cap;
		}
	}
	ro->line[ro->head + need - 1] = line;
}

void
reorder_flush(struct reorder *ro, FILE *fp)
{
	while (ro->head < ro->cap && ro->line[ro->head] != NULL) {
		fputs(ro->line[ro->head], fp);
		free(ro->line[ro->head]);
		ro->line[ro->head++] = NULL;
		ro->base++;
	}
}

void
reorder_free(struct reorder *ro)
{
	size_t i;

	for (i = 0; i < ro->cap; i++)
		free(ro->line[i]);
	free(ro->line);
	memset(ro, 0, sizeof(*ro));
}
