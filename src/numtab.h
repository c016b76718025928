/* numtab.h — a table of numbers: listing order plus an O(1) index by digits.
 * Not thread-safe: its owner (the catalog, a listing in progress) locks. */
#ifndef VOBIZFS_NUMTAB_H
#define VOBIZFS_NUMTAB_H

#include "number.h"

#include <stddef.h>
#include <stdint.h>

/* One slot of the index: where the entry is, and its hash, so a probe
 * compares digits only when the hashes agree. */
struct numtab_slot {
	uint32_t pos;  /* position in order + 1; 0 = empty */
	uint32_t hash; /* the high half of the digits' hash */
};

struct numtab {
	struct number **order; /* listing order; a removed entry leaves NULL */
	size_t count;          /* used slots of order, holes included */
	size_t cap;
	size_t live;               /* entries that are not holes */
	struct numtab_slot *index; /* open addressing over hashes of the digits */
	size_t nindex;             /* a power of two, at least twice live */
};

/* An empty table.  Returns 0 or -ENOMEM. */
int numtab_init(struct numtab *t, size_t expected);

/* Free the table, dropping its reference to every number in it. */
void numtab_destroy(struct numtab *t);

/* Add N, taking over the caller's reference.  Returns 0, -EEXIST when its digits are already
 * present (N is then still the caller's), or -ENOMEM. */
int numtab_add(struct numtab *t, struct number *n);

/* Put N in place of the entry with the same digits (dropping the table's
 * reference to it), or add it.  Takes over the caller's reference to N on
 * success.  Returns 0 or -ENOMEM. */
int numtab_put(struct numtab *t, struct number *n);

/* The number named DIGITS, or NULL.  The table keeps ownership. */
struct number *numtab_get(const struct numtab *t, const char *digits);

/* Remove the number named DIGITS, dropping the table's reference to it.  Returns 0 or -ENOENT. */
int numtab_remove(struct numtab *t, const char *digits);

#endif
