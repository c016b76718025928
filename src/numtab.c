/* numtab.c — open addressing with linear probing and backward-shift deletion
 * (no tombstones), keyed by a hash of the digits.  About 16 bytes per number
 * on top of the records themselves. */
#include "numtab.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static uint64_t hash_digits(const char *s)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return h;
}

/* The index slot holding DIGITS, or the empty slot where it would go. */
static size_t find_slot(const struct numtab *t, const char *digits)
{
	size_t mask = t->nindex - 1, i = hash_digits(digits) & mask;

	while (t->index[i] && strcmp(t->order[t->index[i] - 1]->digits, digits))
		i = (i + 1) & mask;
	return i;
}

static int rebuild_index(struct numtab *t, size_t nindex)
{
	uint32_t *index = calloc(nindex, sizeof(*index));

	if (!index)
		return -ENOMEM;
	free(t->index);
	t->index = index;
	t->nindex = nindex;
	for (size_t pos = 0; pos < t->count; pos++)
		if (t->order[pos])
			t->index[find_slot(t, t->order[pos]->digits)] = (uint32_t)pos + 1;
	return 0;
}

int numtab_init(struct numtab *t, size_t expected)
{
	size_t nindex = 16;

	*t = (struct numtab){ 0 };
	while (nindex < expected * 2)
		nindex *= 2;
	t->index = calloc(nindex, sizeof(*t->index));
	if (!t->index)
		return -ENOMEM;
	t->nindex = nindex;
	return 0;
}

void numtab_destroy(struct numtab *t)
{
	for (size_t i = 0; i < t->count; i++)
		number_unref(t->order[i]);
	free(t->order);
	free(t->index);
	*t = (struct numtab){ 0 };
}

int numtab_add(struct numtab *t, struct number *n)
{
	size_t slot;

	if (numtab_get(t, n->digits))
		return -EEXIST;
	if ((t->live + 1) * 2 > t->nindex && rebuild_index(t, t->nindex * 2) < 0)
		return -ENOMEM;
	if (t->count == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 64;
		struct number **grown = realloc(t->order, cap * sizeof(*grown));

		if (!grown)
			return -ENOMEM;
		t->order = grown;
		t->cap = cap;
	}
	slot = find_slot(t, n->digits);
	t->order[t->count++] = n;
	t->index[slot] = (uint32_t)t->count;
	t->live++;
	return 0;
}

int numtab_put(struct numtab *t, struct number *n)
{
	size_t slot = find_slot(t, n->digits);

	if (!t->index[slot])
		return numtab_add(t, n);
	number_unref(t->order[t->index[slot] - 1]);
	t->order[t->index[slot] - 1] = n;
	return 0;
}

struct number *numtab_get(const struct numtab *t, const char *digits)
{
	size_t slot;

	if (!t->nindex)
		return NULL;
	slot = find_slot(t, digits);
	return t->index[slot] ? t->order[t->index[slot] - 1] : NULL;
}

int numtab_remove(struct numtab *t, const char *digits)
{
	size_t mask = t->nindex - 1, hole, i;

	if (!t->nindex)
		return -ENOENT;
	hole = find_slot(t, digits);
	if (!t->index[hole])
		return -ENOENT;
	number_unref(t->order[t->index[hole] - 1]);
	t->order[t->index[hole] - 1] = NULL;
	t->index[hole] = 0;
	t->live--;
	/* Backward shift: pull later entries of the probe run into the hole when
	 * their home slot does not lie cyclically in (hole, i]. */
	for (i = (hole + 1) & mask; t->index[i]; i = (i + 1) & mask) {
		size_t home = hash_digits(t->order[t->index[i] - 1]->digits) & mask;
		bool stays = hole <= i ? (hole < home && home <= i) : (hole < home || home <= i);

		if (!stays) {
			t->index[hole] = t->index[i];
			t->index[i] = 0;
			hole = i;
		}
	}
	return 0;
}
