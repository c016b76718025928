/* test_listing.c — the whole listing as one consistent snapshot: pages fetched
 * in parallel, a server that pages smaller than asked, an account that changes
 * mid-read (start over, then give up), search, and errors. */
#include "listing.h"

#include "api.h"
#include "clock.h"
#include "fakeaccount.h"

#include <curl/curl.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static const struct listing_query all = { 0 };

struct fixture {
	struct fake_account *account;
	struct config cfg;
	struct api *api;
	struct numtab table;
};

/* An account of COUNT numbers and a client for it. */
static struct fixture *start(void **state, size_t count)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char err[256];

	assert_non_null(f);
	*state = f;
	f->account = fake_account_start(false, count);
	assert_non_null(f->account);
	f->cfg = (struct config){ .auth_id = FAKE_AUTH_ID,
				  .auth_token = FAKE_TOKEN,
				  .base_url = (char *)fake_account_url(f->account),
				  .timeout_s = 10,
				  .parallel = 8 };
	f->api = api_new(&f->cfg, err, sizeof(err));
	assert_non_null(f->api);
	return f;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	if (f) {
		numtab_destroy(&f->table);
		api_free(f->api);
		fake_account_stop(f->account);
		free(f);
	}
	return 0;
}

/* The table holds numbers 0..COUNT-1 of the account, in order, and nothing else. */
static void assert_whole(const struct numtab *t, size_t count)
{
	char d[16];

	assert_int_equal(t->live, count);
	for (size_t i = 0; i < count; i++) {
		fake_account_digits(i, d);
		assert_non_null(numtab_get(t, d));
		assert_non_null(t->order[i]);
		assert_string_equal(t->order[i]->digits, d);
	}
}

static void one_page(void **state)
{
	struct fixture *f = start(state, 40);

	assert_int_equal(listing_fetch(f->api, &all, 8, clock_deadline_in(10), NULL, NULL, &f->table), 0);
	assert_whole(&f->table, 40);
	assert_int_equal(fake_account_requests(f->account, "GET", NULL), 1);
	assert_int_equal(fake_account_requests(f->account, "GET", "page=1&per_page=100"), 1);
}

static void empty_account(void **state)
{
	struct fixture *f = start(state, 0);

	assert_int_equal(listing_fetch(f->api, &all, 8, clock_deadline_in(10), NULL, NULL, &f->table), 0);
	assert_int_equal(f->table.live, 0);
	assert_null(numtab_get(&f->table, "91900000000"));
}

static void many_pages_in_parallel(void **state)
{
	struct fixture *f = start(state, 1234);

	assert_int_equal(listing_fetch(f->api, &all, 8, clock_deadline_in(20), NULL, NULL, &f->table), 0);
	assert_whole(&f->table, 1234);
	assert_int_equal(fake_account_requests(f->account, "GET", NULL), 13);
	assert_int_equal(fake_account_requests(f->account, "GET", "page=13&"), 1);
}

static void exactly_full_pages(void **state)
{
	struct fixture *f = start(state, 300);

	assert_int_equal(listing_fetch(f->api, &all, 1, clock_deadline_in(20), NULL, NULL, &f->table), 0);
	assert_whole(&f->table, 300);
	assert_int_equal(fake_account_requests(f->account, "GET", NULL), 3);
}

static void server_pages_smaller_than_asked(void **state)
{
	struct fixture *f = start(state, 130);

	fake_account_set_page_cap(f->account, 25);
	assert_int_equal(listing_fetch(f->api, &all, 4, clock_deadline_in(20), NULL, NULL, &f->table), 0);
	assert_whole(&f->table, 130);
	assert_int_equal(fake_account_requests(f->account, "GET", NULL), 6);
}

static void account_changing_once_is_read_again(void **state)
{
	struct fixture *f = start(state, 250);

	fake_account_set_churn(f->account, 1);
	assert_int_equal(listing_fetch(f->api, &all, 4, clock_deadline_in(20), NULL, NULL, &f->table), 0);
	assert_whole(&f->table, 251); /* the newcomer too, and no duplicate */
	assert_true(fake_account_requests(f->account, "GET", "page=1&") >= 2);
}

static void account_changing_always_is_eio(void **state)
{
	struct fixture *f = start(state, 250);

	fake_account_set_churn(f->account, 100);
	assert_int_equal(listing_fetch(f->api, &all, 4, clock_deadline_in(20), NULL, NULL, &f->table), -EIO);
	assert_int_equal(f->table.live, 0);
	assert_int_equal(fake_account_requests(f->account, "GET", "page=1&"), 3);
}

static void search_narrows(void **state)
{
	struct fixture *f = start(state, 500);

	/* 91900000012 and 91900000120..129: eleven numbers contain "0012". */
	assert_int_equal(
	    listing_fetch(f->api, &(struct listing_query){ .search = "0012" }, 4, clock_deadline_in(20), NULL, NULL, &f->table), 0);
	assert_int_equal(f->table.live, 11);
	assert_non_null(numtab_get(&f->table, "91900000012"));
	assert_non_null(numtab_get(&f->table, "91900000129"));
	assert_null(numtab_get(&f->table, "91900000013"));
	assert_int_equal(fake_account_requests(f->account, "GET", "&search=0012"), 1);
}

static void refused_credentials(void **state)
{
	struct fixture *f = start(state, 10);

	fake_account_set_list_failure(f->account, 401);
	assert_int_equal(listing_fetch(f->api, &all, 4, clock_deadline_in(5), NULL, NULL, &f->table), -EACCES);
	assert_int_equal(f->table.live, 0);
}

/* Time bounds leave room for valgrind, yet stay below the server's delay. */
/* A settle callback that accepts whatever was seen, counting its calls. */
static int accept_seen(struct numtab *seen, void *arg)
{
	int *calls = arg;

	(*calls)++;
	return seen->live > 0 ? 0 : -ESTALE;
}

static void a_change_the_caller_settles_is_not_read_again(void **state)
{
	struct fixture *f = start(state, 250);
	int calls = 0;

	fake_account_set_churn(f->account, 100);
	assert_int_equal(listing_fetch(f->api, &all, 4, clock_deadline_in(20), accept_seen, &calls, &f->table), 0);
	assert_int_equal(calls, 1);
	assert_true(f->table.live >= 250);
	assert_int_equal(fake_account_requests(f->account, "GET", "page=1&"), 1);
}

static void failing_server_within_the_deadline(void **state)
{
	struct fixture *f = start(state, 10);
	int64_t start_ms = clock_now_ms();

	fake_account_set_list_failure(f->account, 500);
	assert_int_equal(listing_fetch(f->api, &all, 4, start_ms + 1200, NULL, NULL, &f->table), -EIO);
	assert_true(clock_now_ms() - start_ms <= 2000);
	assert_int_equal(f->table.live, 0);
}

int main(void)
{
#define T(name) cmocka_unit_test_teardown(name, teardown)
	const struct CMUnitTest tests[] = {
		T(one_page),
		T(empty_account),
		T(many_pages_in_parallel),
		T(exactly_full_pages),
		T(server_pages_smaller_than_asked),
		T(account_changing_once_is_read_again),
		T(account_changing_always_is_eio),
		T(a_change_the_caller_settles_is_not_read_again),
		T(search_narrows),
		T(refused_credentials),
		T(failing_server_within_the_deadline),
	};
#undef T
	int failed;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	failed = cmocka_run_group_tests(tests, NULL, NULL);
	curl_global_cleanup();
	return failed;
}
