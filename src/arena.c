/* arena.c — the bump allocator: chunks in a list, newest first; the first
 * chunk shares one malloc with the arena and outlives resets. */
#include "arena.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>

struct chunk {
	struct chunk *next; /* older chunk */
	size_t size;        /* bytes in data */
	alignas(ARENA_ALIGN) unsigned char data[];
};

struct arena {
	unsigned char *ptr, *end; /* the free part of the newest chunk */
	struct chunk *chunks;     /* newest first */
	struct chunk *first;      /* right after the arena, in its malloc */
	size_t chunk_size;
	size_t used;
};

static size_t round_up(size_t n)
{
	return (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
}

struct arena *arena_new(size_t chunk_size)
{
	struct arena *a;

	if (chunk_size > SIZE_MAX / 2)
		return NULL;
	chunk_size = round_up(chunk_size ? chunk_size : ARENA_ALIGN);
	a = malloc(round_up(sizeof(*a)) + sizeof(struct chunk) + chunk_size);
	if (!a)
		return NULL;
	a->first = (struct chunk *)((unsigned char *)a + round_up(sizeof(*a)));
	a->first->next = NULL;
	a->first->size = chunk_size;
	a->chunks = a->first;
	a->chunk_size = chunk_size;
	arena_reset(a);
	return a;
}

/* A fresh chunk for an allocation of SIZE (already rounded) that did not fit. */
static void *alloc_slow(struct arena *a, size_t size)
{
	/* An allocation bigger than half a chunk gets a chunk of its own behind
	 * the newest, whose free space stays in use; anything else opens a new
	 * chunk. */
	bool own = size > a->chunk_size / 2;
	size_t data = own ? size : a->chunk_size;
	struct chunk *c;

	if (data > SIZE_MAX - sizeof(*c))
		return NULL;
	c = malloc(sizeof(*c) + data);
	if (!c)
		return NULL;
	c->size = data;
	if (own) {
		c->next = a->chunks->next;
		a->chunks->next = c;
	} else {
		c->next = a->chunks;
		a->chunks = c;
		a->ptr = c->data + size;
		a->end = c->data + data;
	}
	a->used += size;
	return c->data;
}

void *arena_alloc(struct arena *a, size_t size)
{
	void *p;

	if (size > SIZE_MAX - ARENA_ALIGN)
		return NULL;
	size = round_up(size ? size : 1);
	if ((size_t)(a->end - a->ptr) < size)
		return alloc_slow(a, size);
	p = a->ptr;
	a->ptr += size;
	a->used += size;
	return p;
}

bool arena_owns(const struct arena *a, const void *p)
{
	uintptr_t u = (uintptr_t)p;

	for (const struct chunk *c = a->chunks; c; c = c->next)
		if (u >= (uintptr_t)c->data && u < (uintptr_t)c->data + c->size)
			return true;
	return false;
}

size_t arena_used(const struct arena *a)
{
	return a->used;
}

void arena_reset(struct arena *a)
{
	struct chunk *c = a->chunks;

	/* A chunk of its own may sit behind the first (alloc_slow()). */
	while (c) {
		struct chunk *next = c->next;

		if (c != a->first)
			free(c);
		c = next;
	}
	a->first->next = NULL;
	a->chunks = a->first;
	a->ptr = a->first->data;
	a->end = a->first->data + a->first->size;
	a->used = 0;
}

void arena_free(struct arena *a)
{
	if (!a)
		return;
	arena_reset(a);
	free(a);
}
