/* test_claims.c — one change per number at a time: a second claim of the
 * same number waits for the first to end, other numbers do not wait, and a
 * wait past its deadline is -ETIMEDOUT. */
#include "claims.h"

#include "clock.h"

#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#include <cmocka.h>

static void other_numbers_do_not_wait(void **state)
{
	struct claims c;
	int a, b;

	(void)state;
	claims_init(&c);
	assert_int_equal(claims_take(&c, "919876543210", clock_now_ms() + 1000, &a), 0);
	assert_int_equal(claims_take(&c, "919876543211", clock_now_ms() + 1000, &b), 0);
	assert_int_not_equal(a, b);
	claims_release(&c, a);
	claims_release(&c, b);
	claims_destroy(&c);
}

static void a_held_number_times_out(void **state)
{
	struct claims c;
	int64_t start;
	int a, b;

	(void)state;
	claims_init(&c);
	assert_int_equal(claims_take(&c, "919876543210", clock_now_ms() + 1000, &a), 0);
	start = clock_now_ms();
	assert_int_equal(claims_take(&c, "919876543210", start + 100, &b), -ETIMEDOUT);
	assert_in_range(clock_now_ms() - start, 90, 2000);
	claims_release(&c, a);
	assert_int_equal(claims_take(&c, "919876543210", clock_now_ms() + 100, &b), 0);
	claims_release(&c, b);
	claims_destroy(&c);
}

struct waiter {
	struct claims *c;
	int ret;
	int64_t got_at;
};

static void *take_and_release(void *arg)
{
	struct waiter *w = arg;
	int slot;

	w->ret = claims_take(w->c, "919876543210", clock_now_ms() + 5000, &slot);
	w->got_at = clock_now_ms();
	if (w->ret == 0)
		claims_release(w->c, slot);
	return NULL;
}

static void a_second_claim_waits_for_the_first(void **state)
{
	struct claims c;
	struct waiter w = { .c = &c };
	pthread_t t;
	int64_t released_at;
	int a;

	(void)state;
	claims_init(&c);
	assert_int_equal(claims_take(&c, "919876543210", clock_now_ms() + 1000, &a), 0);
	assert_int_equal(pthread_create(&t, NULL, take_and_release, &w), 0);
	usleep(100 * 1000); /* the waiter is blocked meanwhile */
	released_at = clock_now_ms();
	claims_release(&c, a);
	pthread_join(t, NULL);
	assert_int_equal(w.ret, 0);
	assert_true(w.got_at >= released_at);
	claims_destroy(&c);
}

static void every_slot_taken_waits(void **state)
{
	static char numbers[CLAIMS_MAX + 1][16];
	int slots[CLAIMS_MAX], extra;
	struct claims c;

	(void)state;
	claims_init(&c);
	for (int i = 0; i <= CLAIMS_MAX; i++)
		snprintf(numbers[i], sizeof(numbers[i]), "9198765%05d", i);
	for (int i = 0; i < CLAIMS_MAX; i++)
		assert_int_equal(claims_take(&c, numbers[i], clock_now_ms() + 1000, &slots[i]), 0);
	assert_int_equal(claims_take(&c, numbers[CLAIMS_MAX], clock_now_ms() + 50, &extra), -ETIMEDOUT);
	claims_release(&c, slots[0]);
	assert_int_equal(claims_take(&c, numbers[CLAIMS_MAX], clock_now_ms() + 50, &extra), 0);
	assert_int_equal(extra, slots[0]);
	claims_release(&c, extra);
	for (int i = 1; i < CLAIMS_MAX; i++)
		claims_release(&c, slots[i]);
	claims_destroy(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(other_numbers_do_not_wait),
		cmocka_unit_test(a_held_number_times_out),
		cmocka_unit_test(a_second_claim_waits_for_the_first),
		cmocka_unit_test(every_slot_taken_waits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
