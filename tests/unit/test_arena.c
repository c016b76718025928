/* test_arena.c — the bump allocator: alignment, chunks and oversized
 * allocations, ownership, reset keeping the first chunk, free releasing all
 * (valgrind and ASan see to the last). */
#include "arena.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static void allocations_are_aligned_and_distinct(void **state)
{
	struct arena *a = arena_new(4096);
	unsigned char *prev = NULL;

	(void)state;
	assert_non_null(a);
	for (size_t size = 0; size < 300; size++) {
		unsigned char *p = arena_alloc(a, size);

		assert_non_null(p);
		assert_int_equal((uintptr_t)p % ARENA_ALIGN, 0);
		assert_true(arena_owns(a, p));
		assert_true(p != prev);
		memset(p, (int)size, size); /* all of it is ours: ASan would tell */
		prev = p;
	}
	assert_true(arena_used(a) >= 299 * 300 / 2);
	arena_free(a);
}

static void large_allocations_get_their_own_chunk(void **state)
{
	struct arena *a = arena_new(1024);
	unsigned char *small = arena_alloc(a, 100), *big, *after;

	(void)state;
	assert_non_null(small);
	big = arena_alloc(a, 1 << 20);
	assert_non_null(big);
	memset(big, 1, 1 << 20);
	assert_true(arena_owns(a, big) && arena_owns(a, big + (1 << 20) - 1));
	/* The chunk in use before the big one still serves small requests. */
	after = arena_alloc(a, 100);
	assert_ptr_equal(after, small + 112);
	assert_null(arena_alloc(a, SIZE_MAX));
	assert_null(arena_alloc(a, SIZE_MAX - 8));
	arena_free(a);
}

static void many_chunks_and_reset(void **state)
{
	struct arena *a = arena_new(256);
	void *first = arena_alloc(a, 16), *p = NULL;

	(void)state;
	for (int i = 0; i < 1000; i++) {
		p = arena_alloc(a, 48);
		assert_non_null(p);
		memset(p, 0xab, 48);
	}
	assert_true(arena_owns(a, first) && arena_owns(a, p));
	arena_reset(a);
	assert_int_equal(arena_used(a), 0);
	/* The first chunk is kept and reused from its start; the others went. */
	assert_ptr_equal(arena_alloc(a, 16), first);
	assert_true(arena_owns(a, first));
	/* A big chunk right behind the first is released by a reset too. */
	assert_non_null(arena_alloc(a, 4096));
	arena_reset(a);
	assert_ptr_equal(arena_alloc(a, 1), first);
	arena_free(a);
	arena_free(NULL);
}

static void foreign_pointers_are_not_owned(void **state)
{
	struct arena *a = arena_new(1024), *b = arena_new(1024);
	char *heap = malloc(16), local = 0;

	(void)state;
	assert_non_null(heap);
	assert_false(arena_owns(a, heap));
	assert_false(arena_owns(a, &local));
	assert_false(arena_owns(a, NULL));
	assert_false(arena_owns(a, arena_alloc(b, 8)));
	free(heap);
	arena_free(a);
	arena_free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(allocations_are_aligned_and_distinct),
		cmocka_unit_test(large_allocations_get_their_own_chunk),
		cmocka_unit_test(many_chunks_and_reset),
		cmocka_unit_test(foreign_pointers_are_not_owned),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
