/* test_numtab.c — the numbers table: order with holes, an index that finds
 * every live entry after any sequence of adds, puts and (backward-shift)
 * removals, and ownership of the records it holds. */
#include "numtab.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t next_random(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static struct number *make_number(const char *digits, const char *tag)
{
	size_t len = strlen(tag);
	struct number *n = calloc(1, sizeof(*n) + len + 1);

	assert_non_null(n);
	snprintf(n->digits, sizeof(n->digits), "%s", digits);
	memcpy(n->json, tag, len + 1);
	n->json_len = (uint32_t)len;
	atomic_init(&n->refs, 1); /* the table drops it with number_unref() */
	return n;
}

static void digits_of(size_t i, char out[E164_BUFSIZE])
{
	snprintf(out, E164_BUFSIZE, "91%010zu", i * 7919 + 1000);
}

static void shuffle(size_t *v, size_t n)
{
	for (size_t i = n; i > 1; i--) {
		size_t j = next_random() % i, tmp = v[i - 1];

		v[i - 1] = v[j];
		v[j] = tmp;
	}
}

static void empty_table(void **state)
{
	struct numtab t;

	(void)state;
	assert_int_equal(numtab_init(&t, 0), 0);
	assert_null(numtab_get(&t, "919876543210"));
	assert_int_equal(numtab_remove(&t, "919876543210"), -ENOENT);
	assert_int_equal(t.live, 0);
	assert_int_equal(t.count, 0);
	numtab_destroy(&t);
	/* Destroy leaves a zeroed table that can be destroyed again. */
	assert_null(t.order);
	assert_null(t.index);
	numtab_destroy(&t);
}

static void add_and_get_thousands(void **state)
{
	enum { N = 5000 };
	struct numtab t;
	char d[E164_BUFSIZE];

	(void)state;
	assert_int_equal(numtab_init(&t, 10), 0); /* too small on purpose: it must grow */
	for (size_t i = 0; i < N; i++) {
		digits_of(i, d);
		assert_int_equal(numtab_add(&t, make_number(d, "x")), 0);
	}
	assert_int_equal(t.live, N);
	assert_int_equal(t.count, N);
	assert_true(t.nindex >= 2 * t.live);
	assert_int_equal(t.nindex & (t.nindex - 1), 0);
	for (size_t i = 0; i < N; i++) {
		struct number *n;

		digits_of(i, d);
		n = numtab_get(&t, d);
		assert_non_null(n);
		assert_string_equal(n->digits, d);
		assert_ptr_equal(t.order[i], n); /* listing order kept */
	}
	assert_null(numtab_get(&t, "919999999999"));
	assert_null(numtab_get(&t, ""));
	numtab_destroy(&t);
}

static void duplicate_is_eexist_and_stays_the_callers(void **state)
{
	struct numtab t;
	struct number *first = make_number("919876543210", "first");
	struct number *dup = make_number("919876543210", "dup");

	(void)state;
	assert_int_equal(numtab_init(&t, 4), 0);
	assert_int_equal(numtab_add(&t, first), 0);
	assert_int_equal(numtab_add(&t, dup), -EEXIST);
	assert_ptr_equal(numtab_get(&t, "919876543210"), first);
	assert_int_equal(t.live, 1);
	assert_int_equal(t.count, 1);
	free(dup); /* still ours: a double free would show under valgrind/ASan */
	numtab_destroy(&t);
}

static void put_replaces_or_adds(void **state)
{
	struct numtab t;
	struct number *a = make_number("919876543210", "old");
	struct number *b = make_number("919876543210", "new");
	struct number *c = make_number("918071387149", "other");

	(void)state;
	assert_int_equal(numtab_init(&t, 4), 0);
	assert_int_equal(numtab_add(&t, a), 0);
	assert_int_equal(numtab_put(&t, b), 0); /* frees a */
	assert_ptr_equal(numtab_get(&t, "919876543210"), b);
	assert_string_equal(numtab_get(&t, "919876543210")->json, "new");
	assert_int_equal(t.live, 1);
	assert_int_equal(t.count, 1);
	assert_ptr_equal(t.order[0], b); /* same place in the listing */
	assert_int_equal(numtab_put(&t, c), 0);
	assert_ptr_equal(numtab_get(&t, "918071387149"), c);
	assert_int_equal(t.live, 2);
	assert_ptr_equal(t.order[1], c);
	numtab_destroy(&t);
}

static void removal_leaves_holes_in_order(void **state)
{
	struct numtab t;
	char d[E164_BUFSIZE];

	(void)state;
	assert_int_equal(numtab_init(&t, 0), 0);
	for (size_t i = 0; i < 10; i++) {
		digits_of(i, d);
		assert_int_equal(numtab_add(&t, make_number(d, "x")), 0);
	}
	digits_of(3, d);
	assert_int_equal(numtab_remove(&t, d), 0);
	assert_int_equal(numtab_remove(&t, d), -ENOENT);
	assert_null(numtab_get(&t, d));
	digits_of(0, d);
	assert_int_equal(numtab_remove(&t, d), 0);
	assert_int_equal(t.count, 10);
	assert_int_equal(t.live, 8);
	assert_null(t.order[0]);
	assert_null(t.order[3]);
	for (size_t i = 0; i < 10; i++) {
		if (i == 0 || i == 3)
			continue;
		digits_of(i, d);
		assert_non_null(t.order[i]);
		assert_string_equal(t.order[i]->digits, d);
		assert_ptr_equal(numtab_get(&t, d), t.order[i]);
	}
	/* A re-added number goes to the end of the listing, not into a hole. */
	digits_of(3, d);
	assert_int_equal(numtab_add(&t, make_number(d, "back")), 0);
	assert_int_equal(t.count, 11);
	assert_ptr_equal(t.order[10], numtab_get(&t, d));
	numtab_destroy(&t);
}

/* Check that exactly the entries marked PRESENT are found. */
static void assert_membership(const struct numtab *t, const bool *present, size_t n)
{
	char d[E164_BUFSIZE];
	size_t live = 0;

	for (size_t i = 0; i < n; i++) {
		struct number *got;

		digits_of(i, d);
		got = numtab_get(t, d);
		if (present[i]) {
			assert_non_null(got);
			assert_string_equal(got->digits, d);
			live++;
		} else {
			assert_null(got);
		}
	}
	assert_int_equal(t->live, live);
}

static void random_removals_keep_the_rest_findable(void **state)
{
	enum { N = 6000 };
	struct numtab t;
	char d[E164_BUFSIZE];
	bool *present = calloc(N, sizeof(*present));
	size_t *perm = calloc(N, sizeof(*perm));

	(void)state;
	assert_non_null(present);
	assert_non_null(perm);
	assert_int_equal(numtab_init(&t, N), 0);
	for (size_t i = 0; i < N; i++) {
		digits_of(i, d);
		assert_int_equal(numtab_add(&t, make_number(d, "x")), 0);
		present[i] = true;
		perm[i] = i;
	}
	shuffle(perm, N);
	for (size_t k = 0; k < N; k++) {
		digits_of(perm[k], d);
		assert_int_equal(numtab_remove(&t, d), 0);
		present[perm[k]] = false;
		/* A full check is O(N); do it often early, then periodically. */
		if (k < 64 || k % 257 == 0 || k > N - 64)
			assert_membership(&t, present, N);
	}
	assert_membership(&t, present, N);
	assert_int_equal(t.live, 0);
	numtab_destroy(&t);
	free(present);
	free(perm);
}

static void interleaved_adds_puts_removes(void **state)
{
	enum { N = 3000, OPS = 60000 };
	struct numtab t;
	char d[E164_BUFSIZE];
	bool *present = calloc(N, sizeof(*present));

	(void)state;
	assert_non_null(present);
	assert_int_equal(numtab_init(&t, 0), 0);
	for (size_t op = 0; op < OPS; op++) {
		size_t i = next_random() % N;

		digits_of(i, d);
		switch (next_random() % 4) {
		case 0:
		case 1:
			if (present[i]) {
				struct number *dup = make_number(d, "dup");

				assert_int_equal(numtab_add(&t, dup), -EEXIST);
				free(dup);
			} else {
				assert_int_equal(numtab_add(&t, make_number(d, "x")), 0);
			}
			present[i] = true;
			break;
		case 2:
			assert_int_equal(numtab_remove(&t, d), present[i] ? 0 : -ENOENT);
			present[i] = false;
			break;
		default:
			assert_int_equal(numtab_put(&t, make_number(d, "put")), 0);
			present[i] = true;
			break;
		}
		if (op % 4999 == 0)
			assert_membership(&t, present, N);
	}
	assert_membership(&t, present, N);
	numtab_destroy(&t);
	free(present);
}

/* FNV-1a, as numtab.c hashes; used only to build colliding keys.  Should the
 * hash change, this test still checks correctness, just with less clustering. */
static uint64_t fnv1a(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return h;
}

/* Keys whose home slots sit at the end of a 16-slot index, so probe runs wrap
 * around to slot 0: the cyclic case of backward-shift deletion. */
static void wrapping_probe_runs(void **state)
{
	enum { K = 7, ROUNDS = 2000 };
	char keys[K][E164_BUFSIZE];
	size_t found = 0;

	(void)state;
	for (unsigned long v = 10000000; found < K; v++) {
		char d[E164_BUFSIZE];

		snprintf(d, sizeof(d), "%lu", v);
		if ((fnv1a(d) & 15) >= 14 || (found >= 4 && (fnv1a(d) & 15) == 0))
			memcpy(keys[found++], d, sizeof(d));
	}
	for (size_t round = 0; round < ROUNDS; round++) {
		struct numtab t;
		size_t order[K];
		bool present[K];

		assert_int_equal(numtab_init(&t, 0), 0);
		assert_int_equal(t.nindex, 16); /* 7 entries fit without growing */
		for (size_t i = 0; i < K; i++) {
			order[i] = i;
			present[i] = true;
		}
		shuffle(order, K);
		for (size_t i = 0; i < K; i++)
			assert_int_equal(numtab_add(&t, make_number(keys[order[i]], "x")), 0);
		assert_int_equal(t.nindex, 16);
		shuffle(order, K);
		for (size_t i = 0; i < K; i++) {
			assert_int_equal(numtab_remove(&t, keys[order[i]]), 0);
			present[order[i]] = false;
			for (size_t j = 0; j < K; j++) {
				struct number *n = numtab_get(&t, keys[j]);

				if (present[j])
					assert_true(n && !strcmp(n->digits, keys[j]));
				else
					assert_null(n);
			}
		}
		/* With every entry gone, the index must be all empty again. */
		for (size_t s = 0; s < t.nindex; s++)
			assert_int_equal(t.index[s].pos, 0);
		numtab_destroy(&t);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(empty_table),
		cmocka_unit_test(add_and_get_thousands),
		cmocka_unit_test(duplicate_is_eexist_and_stays_the_callers),
		cmocka_unit_test(put_replaces_or_adds),
		cmocka_unit_test(removal_leaves_holes_in_order),
		cmocka_unit_test(random_removals_keep_the_rest_findable),
		cmocka_unit_test(interleaved_adds_puts_removes),
		cmocka_unit_test(wrapping_probe_runs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
