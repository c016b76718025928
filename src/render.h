/* render.h — a cJSON tree as cJSON_Print() writes it (cJSON 1.7.15, byte for
 * byte: tabs, ":\t", ", " between array elements, its string escapes and its
 * number forms), measured first and then written straight into the caller's
 * memory, without cJSON's growing buffer and, for the numbers a record holds
 * (integers, decimals of up to 15 significant digits), without its
 * sprintf/sscanf round trip. */
#ifndef VOBIZFS_RENDER_H
#define VOBIZFS_RENDER_H

#include <stddef.h>

struct cJSON;

/* The length of cJSON_Print(ITEM), without its NUL, in *LEN.  Returns 0, or
 * -EINVAL where cJSON_Print() would return NULL for want of anything but
 * memory: ITEM NULL, a node of no valid type, a raw node without text,
 * output of INT_MAX bytes or more.  Pure; thread-safe. */
int render_measure(const struct cJSON *item, size_t *len);

/* Write the *LEN bytes render_measure() gave for ITEM to DST: no NUL, not
 * one byte more.  ITEM must not have changed since.  Thread-safe. */
void render_write(const struct cJSON *item, char *dst);

/* cJSON_Print(ITEM) in memory from malloc (free with free()), or NULL when
 * cJSON_Print() would fail or memory is short. */
char *render_print(const struct cJSON *item);

#endif
