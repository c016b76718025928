/* arena.h — a bump allocator: many small allocations from a few large chunks,
 * all released at once.  Used for what lives exactly as long as one listing
 * page (its parsed JSON, its numbers), where per-object malloc/free is the
 * whole cost. */
#ifndef VOBIZFS_ARENA_H
#define VOBIZFS_ARENA_H

#include <stdbool.h>
#include <stddef.h>

/* Every allocation is aligned to this. */
#define ARENA_ALIGN 16

struct arena;

/* A new arena whose chunks hold CHUNK_SIZE bytes each (a larger allocation
 * gets a chunk of its own).  The first chunk is allocated now, with the arena
 * itself, in one malloc.  Returns NULL when out of memory.  An arena is used
 * by one thread at a time: no function here locks. */
struct arena *arena_new(size_t chunk_size);

/* SIZE bytes aligned to ARENA_ALIGN, valid until arena_reset() or
 * arena_free(); never freed on their own.  SIZE 0 gives a valid unique
 * pointer.  Returns NULL when out of memory (the arena stays usable). */
void *arena_alloc(struct arena *a, size_t size);

/* True when P points into memory A handed out (or may still hand out). */
bool arena_owns(const struct arena *a, const void *p);

/* Bytes handed out since arena_new() or the last reset, alignment included. */
size_t arena_used(const struct arena *a);

/* Forget every allocation: all chunks but the first are released, the first
 * is reused from its start. */
void arena_reset(struct arena *a);

/* Release A and everything allocated from it.  NULL-safe. */
void arena_free(struct arena *a);

#endif
