/* test_catalog.c — the catalog against a stand-in account: one listing read
 * per invalidation (however close the refresh follows it), the wall-clock
 * time of what it shows, the records' bytes, each number's link count
 * (the directories of its views that list it), and the changes its hook is
 * told of. */
#include "catalog.h"

#include "api.h"
#include "clock.h"
#include "config.h"
#include "fakeaccount.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#define COUNT 12

struct fixture {
	struct fake_account *account;
	struct config cfg;
	struct api *api;
	struct catalog *catalog;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char err[256];

	if (!f)
		return -1;
	f->account = fake_account_start(false, COUNT);
	if (!f->account)
		return -1;
	f->cfg = (struct config){ .auth_id = FAKE_AUTH_ID,
				  .auth_token = FAKE_TOKEN,
				  .dialect = API_DIALECT_LEGACY,
				  .timeout_s = 6,
				  .parallel = 4,
				  .ttl_s = 3600 };
	f->cfg.base_url = (char *)fake_account_url(f->account);
	f->api = api_new(&f->cfg, err, sizeof(err));
	f->catalog = f->api ? catalog_new(f->api, &(struct catalog_options){ .ttl_s = f->cfg.ttl_s,
									     .parallel = f->cfg.parallel,
									     .page_timeout_s = f->cfg.timeout_s,
									     .listing_timeout_s = 60 })
			    : NULL;
	*state = f;
	return f->catalog ? 0 : -1;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	catalog_free(f->catalog);
	api_free(f->api);
	fake_account_stop(f->account);
	free(f);
	return 0;
}

static size_t listings(struct fixture *f)
{
	return fake_account_requests(f->account, "GET", NULL);
}

/* SIGHUP then ls: the refresh right after an invalidation (often in the same
 * millisecond) is trusted; the next call sends nothing. */
static void one_listing_per_invalidation(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(catalog_refresh_if_stale(f->catalog, true), 0);
	assert_int_equal(listings(f), 1);
	for (size_t round = 1; round <= 50; round++) {
		catalog_invalidate(f->catalog);
		assert_int_equal(catalog_refresh_if_stale(f->catalog, false), -EAGAIN); /* must be read */
		assert_int_equal(catalog_refresh_if_stale(f->catalog, true), 0);
		assert_int_equal(catalog_refresh_if_stale(f->catalog, false), 0); /* fresh */
		assert_int_equal(catalog_refresh_if_stale(f->catalog, true), 0);
		assert_int_equal(listings(f), 1 + round);
	}
}

static void changed_at_is_the_listing_then_the_last_change(void **state)
{
	struct fixture *f = *state;
	struct number_info *list;
	cJSON *patch;
	size_t count;
	time_t before = time(NULL), read_at;

	assert_int_equal(catalog_changed_at(f->catalog), 0);
	assert_int_equal(catalog_refresh_if_stale(f->catalog, true), 0);
	read_at = catalog_changed_at(f->catalog);
	assert_true(read_at >= before && read_at <= time(NULL));
	/* A change through the mount dates what the catalog shows. */
	assert_int_equal(catalog_list(f->catalog, &(struct catalog_filter){ .status = NUMBER_ACTIVE }, &list, &count),
			 0);
	assert_int_equal(count, COUNT);
	patch = cJSON_Parse("{\"status\":\"released\"}");
	assert_int_equal(catalog_patch(f->catalog, list[0].digits, patch), 0);
	cJSON_Delete(patch);
	free(list);
	assert_true(catalog_changed_at(f->catalog) >= read_at);
	/* Dropped: nothing is shown, so nothing is dated. */
	catalog_drop(f->catalog);
	assert_int_equal(catalog_changed_at(f->catalog), 0);
}

static void bytes_are_the_sum_of_the_record_sizes(void **state)
{
	struct fixture *f = *state;
	struct number_info *list;
	uint64_t sum = 0;
	size_t count;

	assert_int_equal(catalog_bytes(f->catalog), 0);
	assert_int_equal(catalog_refresh_if_stale(f->catalog, true), 0);
	assert_int_equal(catalog_list(f->catalog, &(struct catalog_filter){ .status = NUMBER_ACTIVE }, &list, &count),
			 0);
	for (size_t i = 0; i < count; i++)
		sum += list[i].size;
	free(list);
	assert_true(sum > 0);
	assert_int_equal(catalog_bytes(f->catalog), sum);
}

static unsigned links_of(struct fixture *f, const char *digits)
{
	const struct catalog_filter any = { .status = NUMBER_ACTIVE };
	struct number_info info;

	assert_int_equal(catalog_find(f->catalog, digits, &any, &info), 0);
	return info.links;
}

/* numbers/, plus unassigned/ or by-trunk/T/, plus by-country/CC/. */
static void links_count_the_views_that_list_a_number(void **state)
{
	struct fixture *f = *state;
	char digits[16];
	cJSON *patch;

	assert_int_equal(catalog_refresh_if_stale(f->catalog, true), 0);
	fake_account_digits(0, digits);
	assert_int_equal(links_of(f, digits), 2); /* no country in the record: numbers/, unassigned/ */
	patch = cJSON_Parse("{\"country\":\"IN\"}");
	assert_int_equal(catalog_patch(f->catalog, digits, patch), 0);
	cJSON_Delete(patch);
	assert_int_equal(links_of(f, digits), 3);
	patch = cJSON_Parse("{\"trunk_group_id\":\"tg_1\"}");
	assert_int_equal(catalog_patch(f->catalog, digits, patch), 0);
	cJSON_Delete(patch);
	assert_int_equal(links_of(f, digits), 3); /* by-trunk/tg_1/ instead of unassigned/ */
	patch = cJSON_Parse("{\"trunk_group_id\":\"not a valid id!\"}");
	assert_int_equal(catalog_patch(f->catalog, digits, patch), 0);
	cJSON_Delete(patch);
	assert_int_equal(links_of(f, digits), 2); /* routed, but under no by-trunk/ name */
}

struct seen {
	struct catalog *catalog;
	size_t count;
	char digits[8][E164_BUFSIZE];
	struct catalog_place before[8], after[8];
};

static void note(void *arg, const char *digits, const struct catalog_place *before, const struct catalog_place *after)
{
	struct seen *s = arg;

	/* Outside the lock: the catalog can be asked again from the hook. */
	(void)catalog_refresh_if_stale(s->catalog, false);
	if (s->count == 8)
		return;
	snprintf(s->digits[s->count], E164_BUFSIZE, "%s", digits);
	s->before[s->count] = *before;
	s->after[s->count++] = *after;
}

static const struct catalog_place *seen_after(const struct seen *s, const char *digits, bool after)
{
	for (size_t i = 0; i < s->count; i++)
		if (!strcmp(s->digits[i], digits))
			return after ? &s->after[i] : &s->before[i];
	return NULL;
}

/* A change made through the catalog, or found by a refresh, is told to the
 * hook with where the number was and is; a first listing tells nothing. */
static void changes_are_told_to_the_hook(void **state)
{
	struct fixture *f = *state;
	struct seen seen = { .catalog = f->catalog };
	struct number_info *list;
	const struct catalog_place *p;
	cJSON *patch;
	size_t count;

	catalog_set_change_hook(f->catalog, note, &seen);
	assert_int_equal(catalog_refresh_if_stale(f->catalog, true), 0);
	assert_int_equal(seen.count, 0);
	assert_int_equal(catalog_list(f->catalog, &(struct catalog_filter){ .status = NUMBER_ACTIVE }, &list, &count),
			 0);
	assert_true(count >= 2);

	/* Released through the mount: it leaves every directory. */
	patch = cJSON_Parse("{\"status\":\"released\"}");
	assert_int_equal(catalog_patch(f->catalog, list[0].digits, patch), 0);
	cJSON_Delete(patch);
	assert_int_equal(seen.count, 1);
	assert_string_equal(seen.digits[0], list[0].digits);
	assert_true(seen.before[0].held);
	assert_int_equal(seen.before[0].status, NUMBER_ACTIVE);
	assert_false(seen.after[0].held);

	/* Released behind the mount's back, and back in the listing: a refresh
	 * tells both. */
	assert_int_equal(fake_account_release(f->account, list[1].digits), 0);
	seen.count = 0;
	catalog_invalidate(f->catalog);
	assert_int_equal(catalog_refresh_if_stale(f->catalog, true), 0);
	assert_int_equal(seen.count, 2);
	assert_non_null(p = seen_after(&seen, list[1].digits, false));
	assert_true(p->held);
	assert_false(seen_after(&seen, list[1].digits, true)->held);
	assert_non_null(p = seen_after(&seen, list[0].digits, true));
	assert_true(p->held);
	assert_false(seen_after(&seen, list[0].digits, false)->held);
	free(list);

	/* Nothing changed: nothing told. */
	seen.count = 0;
	catalog_invalidate(f->catalog);
	assert_int_equal(catalog_refresh_if_stale(f->catalog, true), 0);
	assert_int_equal(seen.count, 0);
	catalog_set_change_hook(f->catalog, NULL, NULL);
}

/* A number whose release waits out the grace shows only as releasing, in no
 * view, also after a refresh (the listing still holds it); the hook is told
 * both ways; taken off, it is back where it was. */
static void releasing_numbers_leave_every_view_until_taken_off(void **state)
{
	struct fixture *f = *state;
	struct seen seen = { .catalog = f->catalog };
	const struct catalog_filter active = { .status = NUMBER_ACTIVE }, releasing = { .status = NUMBER_RELEASING };
	struct number_info *list, info;
	size_t count, before;
	char digits[E164_BUFSIZE];

	assert_int_equal(catalog_refresh_if_stale(f->catalog, true), 0);
	assert_int_equal(catalog_list(f->catalog, &active, &list, &count), 0);
	before = count;
	memcpy(digits, list[0].digits, sizeof(digits));
	free(list);
	catalog_set_change_hook(f->catalog, note, &seen);
	assert_int_equal(catalog_set_releasing(f->catalog, digits, true), 0);
	assert_int_equal(seen.count, 1);
	assert_int_equal(seen.before[0].status, NUMBER_ACTIVE);
	assert_int_equal(seen.after[0].status, NUMBER_RELEASING);
	assert_int_equal(catalog_find(f->catalog, digits, &active, &info), -ENOENT);
	assert_int_equal(catalog_find(f->catalog, digits, &releasing, &info), 0);
	assert_int_equal(info.links, 1);
	catalog_invalidate(f->catalog);
	assert_int_equal(catalog_refresh_if_stale(f->catalog, true), 0);
	assert_int_equal(catalog_find(f->catalog, digits, &releasing, &info), 0);
	assert_int_equal(catalog_list(f->catalog, &active, &list, &count), 0);
	assert_int_equal(count, before - 1);
	free(list);
	assert_int_equal(catalog_set_releasing(f->catalog, digits, false), 0);
	assert_int_equal(catalog_find(f->catalog, digits, &active, &info), 0);
	assert_int_equal(catalog_find(f->catalog, digits, &releasing, &info), -ENOENT);
	catalog_set_change_hook(f->catalog, NULL, NULL);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(one_listing_per_invalidation),          T(changed_at_is_the_listing_then_the_last_change),
		T(bytes_are_the_sum_of_the_record_sizes), T(links_count_the_views_that_list_a_number),
		T(changes_are_told_to_the_hook),          T(releasing_numbers_leave_every_view_until_taken_off),
	};
#undef T
	int failed;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	failed = cmocka_run_group_tests(tests, NULL, NULL);
	curl_global_cleanup();
	return failed;
}
