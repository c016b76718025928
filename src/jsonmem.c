/* jsonmem.c — cJSON's allocation hooks: the thread's current arena, or
 * malloc/free. */
#include "jsonmem.h"

#include "arena.h"

#include <cjson/cJSON.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

/* Big enough for a page of 100 numbers' parsed nodes, so that resetting it
 * for every page leaves no chunk to malloc and free again. */
#define SCRATCH_CHUNK (512 * 1024)

static _Thread_local struct arena *current;
static pthread_once_t hooks_once = PTHREAD_ONCE_INIT;
static pthread_once_t scratch_once = PTHREAD_ONCE_INIT;
static pthread_key_t scratch_key;
static bool scratch_key_made;
static _Thread_local struct arena *scratch;

static void *json_malloc(size_t size)
{
	return current ? arena_alloc(current, size) : malloc(size);
}

static void json_free(void *p)
{
	if (current && arena_owns(current, p))
		return;
	free(p);
}

static void install_hooks(void)
{
	cJSON_Hooks hooks = { .malloc_fn = json_malloc, .free_fn = json_free };

	cJSON_InitHooks(&hooks);
}

void jsonmem_init(void)
{
	pthread_once(&hooks_once, install_hooks);
}

struct arena *jsonmem_use(struct arena *a)
{
	struct arena *previous = current;

	current = a;
	return previous;
}

static void scratch_release(void *a)
{
	arena_free(a);
}

static void create_key(void)
{
	/* Should it fail, scratch arenas are still made; only a thread's exit
	 * no longer releases its own. */
	scratch_key_made = pthread_key_create(&scratch_key, scratch_release) == 0;
}

struct arena *jsonmem_scratch(void)
{
	if (scratch)
		return scratch;
	pthread_once(&scratch_once, create_key);
	scratch = arena_new(SCRATCH_CHUNK);
	if (scratch && scratch_key_made)
		(void)pthread_setspecific(scratch_key, scratch);
	return scratch;
}
