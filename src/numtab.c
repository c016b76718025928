/* numtab.c — open addressing with linear probing and backward-shift deletion
 * (no tombstones), keyed by a hash of the digits.  24 to 40 bytes per number
 * on top of the records themselves: a pointer in order, and two to four
 * 8-byte index slots. */
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

/* The index slot holding DIGITS (whose hash is H), or the empty slot where
 * it would go.  The low bits of H place it, the high half tells most other
 * entries apart without reading their digits. */
static size_t find_slot(const struct numtab *t, const char *digits, uint64_t h)
{
	size_t mask = t->nindex - 1, i = h & mask;
	uint32_t tag = (uint32_t)(h >> 32);

	while (t->index[i].pos && (t->index[i].hash != tag || strcmp(t->order[t->index[i].pos - 1]->digits, digits)))
		i = (i + 1) & mask;
	return i;
}

static void put_slot(struct numtab *t, size_t slot, size_t pos, uint64_t h)
{
	t->index[slot] = (struct numtab_slot){ .pos = (uint32_t)pos + 1, .hash = (uint32_t)(h >> 32) };
}

static int rebuild_index(struct numtab *t, size_t nindex)
{
	struct numtab_slot *index = calloc(nindex, sizeof(*index));

	if (!index)
		return -ENOMEM;
	free(t->index);
	t->index = index;
	t->nindex = nindex;
	for (size_t pos = 0; pos < t->count; pos++) {
		if (t->order[pos]) {
			uint64_t h = hash_digits(t->order[pos]->digits);

			put_slot(t, find_slot(t, t->order[pos]->digits, h), pos, h);
		}
	}
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
	uint64_t h = hash_digits(n->digits);
	size_t slot;

	if ((t->live + 1) * 2 > t->nindex && rebuild_index(t, t->nindex * 2) < 0)
		return -ENOMEM;
	slot = find_slot(t, n->digits, h);
	if (t->index[slot].pos)
		return -EEXIST;
	if (t->count == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 64;
		struct number **grown = realloc(t->order, cap * sizeof(*grown));

		if (!grown)
			return -ENOMEM;
		t->order = grown;
		t->cap = cap;
	}
	t->order[t->count] = n;
	put_slot(t, slot, t->count, h);
	t->count++;
	t->live++;
	return 0;
}

int numtab_put(struct numtab *t, struct number *n)
{
	size_t slot = find_slot(t, n->digits, hash_digits(n->digits));

	if (!t->index[slot].pos)
		return numtab_add(t, n);
	number_unref(t->order[t->index[slot].pos - 1]);
	t->order[t->index[slot].pos - 1] = n;
	return 0;
}

struct number *numtab_get(const struct numtab *t, const char *digits)
{
	size_t slot;

	if (!t->nindex)
		return NULL;
	slot = find_slot(t, digits, hash_digits(digits));
	return t->index[slot].pos ? t->order[t->index[slot].pos - 1] : NULL;
}

int numtab_remove(struct numtab *t, const char *digits)
{
	size_t mask = t->nindex - 1, hole, i;

	if (!t->nindex)
		return -ENOENT;
	hole = find_slot(t, digits, hash_digits(digits));
	if (!t->index[hole].pos)
		return -ENOENT;
	number_unref(t->order[t->index[hole].pos - 1]);
	t->order[t->index[hole].pos - 1] = NULL;
	t->index[hole] = (struct numtab_slot){ 0 };
	t->live--;
	/* Backward shift: pull later entries of the probe run into the hole when
	 * their home slot does not lie cyclically in (hole, i]. */
	for (i = (hole + 1) & mask; t->index[i].pos; i = (i + 1) & mask) {
		size_t home = hash_digits(t->order[t->index[i].pos - 1]->digits) & mask;
		bool stays = hole <= i ? (hole < home && home <= i) : (hole < home || home <= i);

		if (!stays) {
			t->index[hole] = t->index[i];
			t->index[i] = (struct numtab_slot){ 0 };
			hole = i;
		}
	}
	return 0;
}
