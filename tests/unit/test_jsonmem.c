/* test_jsonmem.c — cJSON's allocation hooks: nodes from the thread's current
 * arena and their frees ignored, malloc/free without one, a free of memory
 * from elsewhere still done while an arena is current, and threads each with
 * their own arena (valgrind and ASan check that nothing leaks or is freed
 * twice). */
#include "jsonmem.h"

#include "arena.h"

#include <cjson/cJSON.h>
#include <locale.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static const char text[] = "{\"e164\":\"+919876543210\",\"tags\":[\"a\",\"b\"],\"fee\":1.15,\"caps\":{\"sms\":true}}";

/* True when every node and string of ITEM lies in A. */
static bool all_in(const cJSON *item, const struct arena *a)
{
	for (; item; item = item->next)
		if (!arena_owns(a, item) || (item->string && !arena_owns(a, item->string)) ||
		    (item->valuestring && !arena_owns(a, item->valuestring)) || !all_in(item->child, a))
			return false;
	return true;
}

static void nodes_come_from_the_current_arena(void **state)
{
	struct arena *a = arena_new(4096);
	cJSON *root;
	size_t used;

	(void)state;
	jsonmem_init();
	jsonmem_init(); /* once is enough; twice is harmless */
	assert_null(jsonmem_use(a));
	root = cJSON_Parse(text);
	assert_non_null(root);
	assert_true(all_in(root, a));
	used = arena_used(a);
	cJSON_Delete(root); /* nothing to do: the arena holds it */
	assert_int_equal(arena_used(a), used);
	assert_ptr_equal(jsonmem_use(NULL), a);
	arena_free(a);
}

static void without_an_arena_it_is_malloc(void **state)
{
	struct arena *a = arena_new(4096);
	cJSON *root;
	char *printed;

	(void)state;
	jsonmem_init();
	root = cJSON_Parse(text);
	assert_non_null(root);
	assert_false(arena_owns(a, root));
	printed = cJSON_Print(root); /* no realloc under custom hooks: still whole */
	assert_non_null(printed);
	assert_non_null(strstr(printed, "\"fee\":\t1.15"));
	free(printed); /* the daemon frees cJSON_Print() output with free() */
	cJSON_Delete(root);
	assert_int_equal(arena_used(a), 0);
	arena_free(a);
}

static void foreign_memory_is_freed_while_an_arena_is_current(void **state)
{
	struct arena *a = arena_new(4096);
	cJSON *outside, *inside;

	(void)state;
	jsonmem_init();
	outside = cJSON_Parse(text); /* malloc'd */
	assert_non_null(outside);
	jsonmem_use(a);
	inside = cJSON_Parse(text);
	assert_non_null(inside);
	assert_true(all_in(inside, a));
	/* A malloc'd tree deleted, and a malloc'd node added to an arena tree
	 * and deleted with it: free() for each, or valgrind sees a leak. */
	cJSON_Delete(outside);
	jsonmem_use(NULL);
	outside = cJSON_CreateString("made with malloc");
	jsonmem_use(a);
	assert_true(cJSON_AddItemToObject(inside, "extra", outside));
	cJSON_Delete(inside);
	cJSON_free(malloc(32));
	jsonmem_use(NULL);
	arena_free(a);
}

struct worker {
	struct arena *arena;
	bool ok;
};

static void *parse_many(void *arg)
{
	struct worker *w = arg;

	jsonmem_use(w->arena);
	w->ok = true;
	for (int i = 0; i < 2000 && w->ok; i++) {
		cJSON *root = cJSON_Parse(text);

		w->ok = root && all_in(root, w->arena);
		if (i % 100 == 99)
			arena_reset(w->arena);
	}
	jsonmem_use(NULL);
	return NULL;
}

/* Each thread's current arena is its own, and a thread with none (this
 * one) goes on with malloc meanwhile. */
static void threads_have_their_own_arenas(void **state)
{
	struct worker w[2] = { { arena_new(1 << 16), false }, { arena_new(1 << 16), false } };
	pthread_t t[2];

	(void)state;
	jsonmem_init();
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&t[i], NULL, parse_many, &w[i]), 0);
	for (int i = 0; i < 2000; i++) {
		cJSON *root = cJSON_Parse(text);

		/* Not asked of the workers' arenas, which are theirs alone;
		 * a node from one would be a bad free() here for valgrind and
		 * ASan. */
		assert_non_null(root);
		cJSON_Delete(root);
	}
	for (int i = 0; i < 2; i++) {
		assert_int_equal(pthread_join(t[i], NULL), 0);
		assert_true(w[i].ok);
		arena_free(w[i].arena);
	}
}

static void *use_scratch(void *arg)
{
	struct arena **out = arg;

	*out = jsonmem_scratch();
	return NULL;
}

/* One scratch arena per thread, kept across calls, released at the
 * thread's exit (valgrind would see the leak). */
static void scratch_is_per_thread(void **state)
{
	struct arena *mine = jsonmem_scratch(), *theirs = NULL;
	pthread_t t;

	(void)state;
	assert_non_null(mine);
	assert_ptr_equal(jsonmem_scratch(), mine);
	assert_int_equal(pthread_create(&t, NULL, use_scratch, &theirs), 0);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_non_null(theirs);
	assert_ptr_not_equal(theirs, mine);
}

/* The parse under the lock reads as cJSON's own; numbers go through the C
 * locale's conventions, which localeconv() gives without touching shared
 * state (the same struct, unchanged, at every call). */
static void parses_under_one_lock_in_the_c_locale(void **state)
{
	const char text[] = "{\"fee\":1.15,\"n\":700}trailing";
	struct lconv *first = localeconv();
	cJSON *root;
	char *printed;

	(void)state;
	jsonmem_init();
	assert_string_equal(first->decimal_point, ".");
	assert_ptr_equal(localeconv(), first);
	root = jsonmem_parse(text, strlen("{\"fee\":1.15,\"n\":700}"));
	assert_non_null(root);
	assert_true(cJSON_GetObjectItem(root, "fee")->valuedouble == 1.15);
	printed = cJSON_PrintUnformatted(root);
	assert_string_equal(printed, "{\"fee\":1.15,\"n\":700}");
	cJSON_free(printed);
	cJSON_Delete(root);
	assert_null(jsonmem_parse("{\"a\":", 5));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(nodes_come_from_the_current_arena),
		cmocka_unit_test(without_an_arena_it_is_malloc),
		cmocka_unit_test(foreign_memory_is_freed_while_an_arena_is_current),
		cmocka_unit_test(threads_have_their_own_arenas),
		cmocka_unit_test(scratch_is_per_thread),
		cmocka_unit_test(parses_under_one_lock_in_the_c_locale),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
