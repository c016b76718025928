/* jsonmem.h — where cJSON's memory comes from.  Hooks installed once for the
 * whole process let one thread have cJSON allocate from an arena (a listing
 * page's nodes die together, so freeing them one by one is wasted work);
 * every other thread, and this one when no arena is set, gets plain
 * malloc/free, so the daemon's other cJSON users are untouched. */
#ifndef VOBIZFS_JSONMEM_H
#define VOBIZFS_JSONMEM_H

#include <stddef.h>

struct arena;

/* Install the hooks (cJSON_InitHooks) once; later calls do nothing.
 * Thread-safe (pthread_once).  Best called early in main, before other
 * threads use cJSON; apijson_parse_list_page() calls it itself, which is
 * also safe: with no arena set the hooks are malloc and free.  cJSON then
 * no longer uses realloc (cJSON_Print copies its buffer once more). */
void jsonmem_init(void);

/* Make A (or NULL: none) the calling thread's current arena and return the
 * previous one.  While A is current, every cJSON allocation made by this
 * thread comes from A, and cJSON freeing memory inside A does nothing (it
 * goes with arena_reset() or arena_free()); memory outside A is still
 * freed with free().  Needs jsonmem_init(). */
struct arena *jsonmem_use(struct arena *a);

/* The calling thread's scratch arena for short-lived JSON (created on first
 * use, kept for the thread's life, released when the thread exits), or NULL
 * when out of memory.  Whoever uses it resets it before passing control
 * back: it holds nothing between calls. */
struct arena *jsonmem_scratch(void);

/* cJSON_ParseWithLength(TEXT, LEN) under one process-wide lock: cJSON 1.7
 * writes every parse's error position into one global (cJSON_GetErrorPtr()),
 * at the start of each parse and on each failure, whatever options are
 * given, so parses in several threads race on it.  The lock is held only for
 * the parse (memory work, never I/O).  Returns what cJSON returns (NULL for
 * text that is not JSON, or out of memory).  Thread-safe. */
struct cJSON *jsonmem_parse(const char *text, size_t len);

#endif
