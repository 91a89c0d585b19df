#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "io/arena.h"
#include "io/err.h"

enum { ARENA_FIRST = 64 * 1024, ARENA_ALIGN = alignof(max_align_t) };

struct arena_chunk {
	struct arena_chunk *next;
	size_t	 size, used;
	alignas(max_align_t) unsigned char data[];
};

static struct arena_chunk *
chunk_new(size_t size, struct arena_chunk *next)
{
	struct arena_chunk *c;

	if (size > SIZE_MAX - sizeof(*c))
		err_die(EXIT_DATA, "out of memory");
	c = err_malloc(sizeof(*c) + size);
	c->next = next;
	c->size = size;
	c->used = 0;
	return c;
}

void
arena_init(struct arena *a)
{
	a->head = NULL;
	a->total = 0;
}

void *
arena_alloc(struct arena *a, size_t n)
{
	struct arena_chunk *c = a->head;
	size_t want, size;
	void *p;

	if (n > SIZE_MAX - ARENA_ALIGN)
		err_die(EXIT_DATA, "out of memory");
	want = (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	if (c == NULL || c->size - c->used < want) {
		size = c == NULL ? ARENA_FIRST : c->size;
		while (size < want)
			size = size > SIZE_MAX / 2 ? want : size * 2;
		if (c != NULL && size <= SIZE_MAX / 2)
			size *= 2;
		a->head = c = chunk_new(size, c);
		a->total += size;
	}
	p = c->data + c->used;
	c->used += want;
	return p;
}

void
arena_reset(struct arena *a)
{
	struct arena_chunk *c, *next;

	if (a->head == NULL)
		return;
	if (a->head->next != NULL) {
		for (c = a->head; c != NULL; c = next) {
			next = c->next;
			free(c);
		}
		a->head = chunk_new(a->total, NULL);
	}
	a->head->used = 0;
}

void
arena_free(struct arena *a)
{
	struct arena_chunk *c, *next;

	for (c = a->head; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	arena_init(a);
}
