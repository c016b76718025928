/* test_budget.c — the hourly release budget: a refusal past the limit that
 * says when a release frees up, slots given back, a count that survives a
 * restart, an hour that rolls, no limit at all, and no guess on a bad file;
 * each slot taken is one synced journal line that also marks the number
 * unsettled. */
#include "budget.h"

#include "state.h"

#include <errno.h>
#include <ftw.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#define ACCOUNT "MA_TEST01"

struct fixture {
	char dir[64];
	char budget_path[128];
	struct state *state;
	struct budget *budget;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	const char *tmp = getenv("TMPDIR");
	char err[256];

	if (!f)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "%s/vobizfs-budget-XXXXXX", tmp && strlen(tmp) < 30 ? tmp : "/tmp");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->budget_path, sizeof(f->budget_path), "%s/" ACCOUNT ".journal", f->dir);
	if (state_open(f->dir, ACCOUNT, &f->state, err, sizeof(err)))
		return -1;
	*state = f;
	return 0;
}

/* For nftw(): the test's directory goes, whatever a failed test left in it. */
static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path) < 0 ? -1 : 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	budget_free(f->budget);
	state_close(f->state);
	nftw(f->dir, remove_one, 8, FTW_DEPTH | FTW_PHYS);
	free(f);
	return 0;
}

static void new_budget(struct fixture *f, unsigned max)
{
	budget_free(f->budget);
	f->budget = budget_new(f->state, max);
	assert_non_null(f->budget);
}

/* The journal, written by hand: one release at each of WHEN, its outcome
 * known (settled). */
static void write_budget(struct fixture *f, const int64_t *when, size_t n)
{
	FILE *fp = fopen(f->budget_path, "w");

	assert_non_null(fp);
	for (size_t i = 0; i < n; i++)
		fprintf(fp, "%" PRId64 " release 91900000%03zu\n%" PRId64 " settled 91900000%03zu\n", when[i], i,
			when[i], i);
	assert_int_equal(fclose(fp), 0);
}

static void assert_usage(struct fixture *f, unsigned want_used, unsigned want_limit)
{
	unsigned used = 99, limit = 99;

	assert_int_equal(budget_usage(f->budget, &used, &limit), 0);
	assert_int_equal(used, want_used);
	assert_int_equal(limit, want_limit);
}

static void limit_refuses_and_says_when(void **state)
{
	struct fixture *f = *state;
	int64_t ticket;
	time_t frees_at = 0, now;

	new_budget(f, 3);
	assert_usage(f, 0, 3);
	for (int i = 0; i < 3; i++) {
		ticket = 0;
		assert_int_equal(budget_take(f->budget, "919876543210", &ticket, &frees_at), 0);
		assert_true(ticket > 0);
		assert_usage(f, (unsigned)i + 1, 3);
	}
	now = time(NULL);
	ticket = 7;
	assert_int_equal(budget_take(f->budget, "919876543211", &ticket, &frees_at), -EDQUOT);
	assert_int_equal(ticket, 0);
	assert_in_range(frees_at, now + 3599, now + 3601);
	assert_usage(f, 3, 3); /* a refusal takes nothing */
}

static void given_back_slot_is_free_again(void **state)
{
	struct fixture *f = *state;
	int64_t tickets[3], spare;
	time_t frees_at;
	const char *const digits[] = { "919876543210", "919876543211", "919876543212" };

	new_budget(f, 3);
	for (int i = 0; i < 3; i++)
		assert_int_equal(budget_take(f->budget, digits[i], &tickets[i], &frees_at), 0);
	budget_give_back(f->budget, digits[1], tickets[1]);
	assert_usage(f, 2, 3);
	assert_int_equal(budget_take(f->budget, "919876543213", &spare, &frees_at), 0);
	assert_int_equal(budget_take(f->budget, "919876543214", &spare, &frees_at), -EDQUOT);

	/* A ticket given back twice, or for other digits, frees nothing more. */
	budget_give_back(f->budget, digits[1], tickets[1]);
	budget_give_back(f->budget, "919876543299", tickets[0]);
	budget_give_back(f->budget, digits[0], 0);
	assert_usage(f, 3, 3);
}

static void count_survives_a_restart(void **state)
{
	struct fixture *f = *state;
	char err[256];
	int64_t ticket;
	time_t frees_at;

	new_budget(f, 2);
	assert_int_equal(budget_take(f->budget, "919876543210", &ticket, &frees_at), 0);
	assert_int_equal(budget_take(f->budget, "919876543211", &ticket, &frees_at), 0);

	/* A new daemon over the same directory. */
	budget_free(f->budget);
	f->budget = NULL;
	state_close(f->state);
	f->state = NULL;
	assert_int_equal(state_open(f->dir, ACCOUNT, &f->state, err, sizeof(err)), 0);
	new_budget(f, 2);
	assert_usage(f, 2, 2);
	assert_int_equal(budget_take(f->budget, "919876543212", &ticket, &frees_at), -EDQUOT);

	/* A larger limit after the restart counts the same releases. */
	new_budget(f, 3);
	assert_usage(f, 2, 3);
	assert_int_equal(budget_take(f->budget, "919876543212", &ticket, &frees_at), 0);
	assert_int_equal(budget_take(f->budget, "919876543213", &ticket, &frees_at), -EDQUOT);
}

static void hour_old_releases_are_forgotten(void **state)
{
	struct fixture *f = *state;
	int64_t now = state_now_ms(), ticket;
	const int64_t old[] = { now - 3601000, now - 3601000, now - 7200000 };
	char text[256];
	time_t frees_at;
	FILE *fp;

	write_budget(f, old, 3);
	new_budget(f, 1);
	assert_usage(f, 0, 1);
	assert_int_equal(budget_take(f->budget, "919876543210", &ticket, &frees_at), 0);
	assert_usage(f, 1, 1);
	/* No room in a journal written by hand: it was compacted, without
	 * them. */
	fp = fopen(f->budget_path, "r");
	assert_non_null(fp);
	assert_non_null(fgets(text, sizeof(text), fp));
	assert_null(strstr(text, "91900000"));
	assert_non_null(strstr(text, " release 919876543210\n"));
	assert_true(fgets(text, sizeof(text), fp) == NULL || text[0] == '\0');
	fclose(fp);
}

static void frees_at_follows_the_oldest_kept(void **state)
{
	struct fixture *f = *state;
	int64_t now = state_now_ms(), ticket;
	/* One gone, one freeing in ~10 s, one in ~20 min. */
	const int64_t when[] = { now - 3700000, now - 1200000, now - 3590000 };
	time_t frees_at = 0;

	write_budget(f, when, 3);
	new_budget(f, 2);
	assert_int_equal(budget_take(f->budget, "919876543210", &ticket, &frees_at), -EDQUOT);
	assert_in_range(frees_at, now / 1000 + 9, now / 1000 + 11);
	/* The refusal still forgot the hour-old record. */
	assert_usage(f, 2, 2);
}

/* More records than a lowered limit: a release frees up only once enough of
 * them expire, not when the oldest does. */
static void frees_at_counts_past_a_lowered_limit(void **state)
{
	struct fixture *f = *state;
	int64_t now = state_now_ms(), ticket;
	const int64_t when[] = { now - 3000000, now - 1000000, now - 2000000 };
	time_t frees_at = 0;

	write_budget(f, when, 3);
	new_budget(f, 1);
	assert_int_equal(budget_take(f->budget, "919876543210", &ticket, &frees_at), -EDQUOT);
	assert_in_range(frees_at, now / 1000 + 2599, now / 1000 + 2601);
}

static void record_from_the_future_is_dropped(void **state)
{
	struct fixture *f = *state;
	int64_t now = state_now_ms(), ticket;
	/* A clock set back by two hours would hold this one for three. */
	const int64_t when[] = { now + 7200000 };
	time_t frees_at;

	write_budget(f, when, 1);
	new_budget(f, 1);
	assert_int_equal(budget_take(f->budget, "919876543210", &ticket, &frees_at), 0);
}

static int count_view(const struct state_view *view, void *arg)
{
	size_t *counts = arg;

	counts[0] = view->slots.count;
	counts[1] = view->unsettled.count;
	return 0;
}

/* Without a limit nothing is counted, not even for a later mount with one;
 * the number is still marked unsettled. */
static void no_limit_counts_nothing(void **state)
{
	struct fixture *f = *state;
	size_t counts[2];
	int64_t ticket;
	time_t frees_at;

	new_budget(f, 0);
	for (int i = 0; i < 50; i++) {
		ticket = 7;
		assert_int_equal(budget_take(f->budget, "919876543210", &ticket, &frees_at), 0);
		assert_int_equal(ticket, 0);
	}
	budget_give_back(f->budget, "919876543210", 0);
	assert_usage(f, 0, 0);
	assert_int_equal(state_read(f->state, count_view, counts), 0);
	assert_int_equal(counts[0], 0);
	assert_int_equal(counts[1], 1);
	new_budget(f, 1);
	assert_usage(f, 0, 1);
}

/* The slot and the unsettled mark are one line, on disk when budget_take()
 * returns; a refusal writes nothing. */
static void slot_and_mark_are_one_line(void **state)
{
	struct fixture *f = *state;
	char text[256] = "";
	size_t counts[2];
	int64_t ticket;
	time_t frees_at;
	FILE *fp;

	new_budget(f, 1);
	assert_int_equal(budget_take(f->budget, "919876543210", &ticket, &frees_at), 0);
	assert_int_equal(budget_take(f->budget, "919876543211", &ticket, &frees_at), -EDQUOT);
	fp = fopen(f->budget_path, "r");
	assert_non_null(fp);
	assert_true(fread(text, 1, sizeof(text) - 1, fp) > 0);
	fclose(fp);
	assert_int_equal((long)strlen(text), (long)strlen("1700000000000 release 919876543210\n"));
	assert_non_null(strstr(text, " release 919876543210\n"));
	assert_int_equal(state_read(f->state, count_view, counts), 0);
	assert_int_equal(counts[0], 1);
	assert_int_equal(counts[1], 1);
}

static void unreadable_budget_sends_nothing(void **state)
{
	struct fixture *f = *state;
	unsigned used, limit;
	int64_t ticket = 7;
	time_t frees_at;
	FILE *fp = fopen(f->budget_path, "w");

	assert_non_null(fp);
	fputs("abc release 919876543210\n", fp);
	fclose(fp);
	new_budget(f, 5);
	assert_int_equal(budget_take(f->budget, "919876543210", &ticket, &frees_at), -EIO);
	assert_int_equal(ticket, 0);
	assert_int_equal(budget_usage(f->budget, &used, &limit), -EIO);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(limit_refuses_and_says_when),      T(given_back_slot_is_free_again),
		T(count_survives_a_restart),         T(hour_old_releases_are_forgotten),
		T(frees_at_follows_the_oldest_kept), T(record_from_the_future_is_dropped),
		T(no_limit_counts_nothing),          T(slot_and_mark_are_one_line),
		T(unreadable_budget_sends_nothing),  T(frees_at_counts_past_a_lowered_limit),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
