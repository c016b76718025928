/* A vector of number records kept in ascending E.164 order, so that a page of
 * a listing is a slice and a lookup is a binary search. Not thread-safe. */
#ifndef SANDBOX_NUMVEC_H
#define SANDBOX_NUMVEC_H

#include <stddef.h>

#include "number.h"

/* Zero-initialise ({0}) to get an empty vector. It owns its records. */
struct numvec {
	struct number **items;
	size_t len, cap;
};

/* The index of `digits`, or of where it would be inserted. */
size_t numvec_lower_bound(const struct numvec *v, const char *digits);

/* The record with these digits, or NULL. The vector keeps ownership. */
struct number *numvec_find(const struct numvec *v, const char *digits);

/* Inserts `n` in order; the vector takes ownership on success. Returns 0,
 * -EEXIST if those digits are already present, or -ENOMEM. */
int numvec_insert(struct numvec *v, struct number *n);

/* Appends without keeping order, for bulk loading; call numvec_sort() after.
 * The vector takes ownership on success. Returns 0 or -ENOMEM. */
int numvec_append(struct numvec *v, struct number *n);

/* Sorts after bulk loading. Returns 0, or -EEXIST if two records share
 * digits (the vector is sorted either way). */
int numvec_sort(struct numvec *v);

/* Makes room for `extra` more records, so the next inserts cannot fail for
 * memory. Returns 0 or -ENOMEM. */
int numvec_reserve(struct numvec *v, size_t extra);

/* Removes the record at `index` and hands it to the caller. */
struct number *numvec_take_at(struct numvec *v, size_t index);

/* Removes the record with these digits and hands it to the caller; NULL if absent. */
struct number *numvec_take(struct numvec *v, const char *digits);

/* Frees every record and the vector's storage; leaves it empty. */
void numvec_clear(struct numvec *v);

#endif
