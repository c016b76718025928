/* Sorted vector of number records: binary search, ordered insert, bulk load. */
#include "numvec.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

size_t numvec_lower_bound(const struct numvec *v, const char *digits)
{
	size_t lo = 0, hi = v->len;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(v->items[mid]->digits, digits) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

struct number *numvec_find(const struct numvec *v, const char *digits)
{
	size_t i = numvec_lower_bound(v, digits);

	if (i < v->len && strcmp(v->items[i]->digits, digits) == 0)
		return v->items[i];
	return NULL;
}

int numvec_reserve(struct numvec *v, size_t extra)
{
	if (extra <= v->cap - v->len)
		return 0;
	size_t cap = v->cap ? v->cap : 64;

	while (cap - v->len < extra)
		cap *= 2;
	struct number **items = realloc(v->items, cap * sizeof(*items));
	if (!items)
		return -ENOMEM;
	v->items = items;
	v->cap = cap;
	return 0;
}

static int grow(struct numvec *v)
{
	return numvec_reserve(v, 1);
}

int numvec_insert(struct numvec *v, struct number *n)
{
	size_t i = numvec_lower_bound(v, n->digits);

	if (i < v->len && strcmp(v->items[i]->digits, n->digits) == 0)
		return -EEXIST;
	if (grow(v))
		return -ENOMEM;
	memmove(&v->items[i + 1], &v->items[i], (v->len - i) * sizeof(*v->items));
	v->items[i] = n;
	v->len++;
	return 0;
}

int numvec_append(struct numvec *v, struct number *n)
{
	if (grow(v))
		return -ENOMEM;
	v->items[v->len++] = n;
	return 0;
}

static int compare_digits(const void *a, const void *b)
{
	const struct number *const *x = a, *const *y = b;

	return strcmp((*x)->digits, (*y)->digits);
}

int numvec_sort(struct numvec *v)
{
	if (v->len == 0)
		return 0;
	qsort(v->items, v->len, sizeof(*v->items), compare_digits);
	for (size_t i = 1; i < v->len; i++)
		if (strcmp(v->items[i - 1]->digits, v->items[i]->digits) == 0)
			return -EEXIST;
	return 0;
}

struct number *numvec_take_at(struct numvec *v, size_t index)
{
	struct number *n = v->items[index];

	memmove(&v->items[index], &v->items[index + 1], (v->len - index - 1) * sizeof(*v->items));
	v->len--;
	return n;
}

struct number *numvec_take(struct numvec *v, const char *digits)
{
	size_t i = numvec_lower_bound(v, digits);

	if (i < v->len && strcmp(v->items[i]->digits, digits) == 0)
		return numvec_take_at(v, i);
	return NULL;
}

void numvec_clear(struct numvec *v)
{
	for (size_t i = 0; i < v->len; i++)
		number_free(v->items[i]);
	free(v->items);
	v->items = NULL;
	v->len = v->cap = 0;
}
