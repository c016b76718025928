/* test_pace.c — the listing's pace: slow start while pages come back fast,
 * a hold when they slow down, one halving per round on a 429 or a 5xx, a
 * pause for Retry-After, and never past the ceiling or below one. */
#include "pace.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

static void starts_at_parallel_and_grows_by_one_per_fast_page(void **state)
{
	struct pace p;

	(void)state;
	pace_init(&p, 8, 32);
	assert_int_equal(pace_window(&p), 8);
	for (int i = 0; i < 8; i++)
		pace_answered(&p, 100 + i, 20, false, -1);
	assert_int_equal(pace_window(&p), 16); /* one round of fast pages doubles it */
	for (int i = 0; i < 100; i++)
		pace_answered(&p, 200 + i, 20, false, -1);
	assert_int_equal(pace_window(&p), 32); /* the ceiling */
}

static void slow_pages_stop_the_growth(void **state)
{
	struct pace p;

	(void)state;
	pace_init(&p, 8, 32);
	pace_answered(&p, 100, 20, false, -1);
	assert_int_equal(pace_window(&p), 9);
	pace_answered(&p, 200, 60, false, -1); /* three times the fastest */
	assert_int_equal(pace_window(&p), 9);
	/* Fast again: additive now, about one per round of nine. */
	for (int i = 0; i < 8; i++)
		pace_answered(&p, 300 + i, 20, false, -1);
	assert_int_equal(pace_window(&p), 9);
	for (int i = 0; i < 3; i++)
		pace_answered(&p, 400 + i, 20, false, -1);
	assert_int_equal(pace_window(&p), 10);
}

static void pushback_halves_once_per_round(void **state)
{
	struct pace p;

	(void)state;
	pace_init(&p, 16, 32);
	pace_answered(&p, 1000, 20, false, -1);
	assert_int_equal(pace_window(&p), 17);
	pace_answered(&p, 1100, 30, true, -1);
	assert_int_equal(pace_window(&p), 8);
	/* The other pages of that round met the same pushback: no more halving. */
	pace_answered(&p, 1110, 30, true, -1);
	pace_answered(&p, 1120, 30, true, -1);
	assert_int_equal(pace_window(&p), 8);
	/* A round later, another pushback halves again; never below one. */
	for (int64_t t = 1200; t < 2000; t += 100)
		pace_answered(&p, t, 30, true, -1);
	assert_int_equal(pace_window(&p), 1);
	assert_true(p.halvings >= 4);
}

static void retry_after_pauses_new_requests(void **state)
{
	struct pace p;

	(void)state;
	pace_init(&p, 8, 32);
	pace_answered(&p, 5000, 20, true, 2000);
	assert_int_equal(p.resume_at, 7000);
	pace_answered(&p, 5100, 20, true, 500); /* a shorter one does not shorten it */
	assert_int_equal(p.resume_at, 7000);
}

static void bounds_are_clamped(void **state)
{
	struct pace p;

	(void)state;
	pace_init(&p, 0, 0);
	assert_int_equal(pace_window(&p), 1);
	assert_int_equal(p.ceiling, 1);
	pace_init(&p, 40, 8); /* a ceiling below the start is the start */
	assert_int_equal(p.ceiling, 40);
	pace_init(&p, 8, 1000);
	assert_int_equal(p.ceiling, PACE_MAX_WINDOW);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(starts_at_parallel_and_grows_by_one_per_fast_page),
		cmocka_unit_test(slow_pages_stop_the_growth),
		cmocka_unit_test(pushback_halves_once_per_round),
		cmocka_unit_test(retry_after_pauses_new_requests),
		cmocka_unit_test(bounds_are_clamped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
