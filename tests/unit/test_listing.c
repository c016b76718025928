/* test_listing.c — the whole listing as one consistent snapshot: pages fetched
 * in parallel, a server that pages smaller than asked, an account that changes
 * mid-read (start over, then give up), search, and errors; and a lying server
 * (a scripted responder): claims past the bounds, pages that stop short,
 * repeat themselves or overlap, and a deadline that holds however fast the
 * answers come. */
#include "listing.h"

#include "api.h"
#include "clock.h"
#include "fakeaccount.h"
#include "responder.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static const struct listing_query all = { 0 };

/* listing_fetch() at a fixed pace of PARALLEL, each page and the whole read
 * within DEADLINE. */
static int fetch(struct api *api, const struct listing_query *q, unsigned parallel, int64_t deadline,
		 listing_settle_fn *settle, void *arg, struct numtab *out)
{
	struct listing_params p = {
		.parallel = parallel,
		.parallel_max = parallel,
		.page_ms = clock_left_ms(deadline),
		.deadline = deadline,
		.settle = settle,
		.settle_arg = arg,
	};

	return listing_fetch(api, q, &p, out);
}

/* fetch() without a settle, with a report. */
static int fetch_reported(struct api *api, const struct listing_query *q, unsigned parallel, int64_t deadline,
			  struct listing_report *report, struct numtab *out)
{
	struct listing_params p = {
		.parallel = parallel,
		.parallel_max = parallel,
		.page_ms = clock_left_ms(deadline),
		.deadline = deadline,
		.report = report,
	};

	return listing_fetch(api, q, &p, out);
}

struct fixture {
	struct fake_account *account;
	struct responder *liar; /* instead of the account, for the lying server's tests */
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
		responder_stop(f->liar);
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

	assert_int_equal(fetch(f->api, &all, 8, clock_deadline_in(10), NULL, NULL, &f->table), 0);
	assert_whole(&f->table, 40);
	assert_int_equal(fake_account_requests(f->account, "GET", NULL), 1);
	assert_int_equal(fake_account_requests(f->account, "GET", "page=1&per_page=100"), 1);
}

static void empty_account(void **state)
{
	struct fixture *f = start(state, 0);

	assert_int_equal(fetch(f->api, &all, 8, clock_deadline_in(10), NULL, NULL, &f->table), 0);
	assert_int_equal(f->table.live, 0);
	assert_null(numtab_get(&f->table, "91900000000"));
}

static void many_pages_in_parallel(void **state)
{
	struct fixture *f = start(state, 1234);

	assert_int_equal(fetch(f->api, &all, 8, clock_deadline_in(20), NULL, NULL, &f->table), 0);
	assert_whole(&f->table, 1234);
	assert_int_equal(fake_account_requests(f->account, "GET", NULL), 13);
	assert_int_equal(fake_account_requests(f->account, "GET", "page=13&"), 1);
}

static void exactly_full_pages(void **state)
{
	struct fixture *f = start(state, 300);

	assert_int_equal(fetch(f->api, &all, 1, clock_deadline_in(20), NULL, NULL, &f->table), 0);
	assert_whole(&f->table, 300);
	assert_int_equal(fake_account_requests(f->account, "GET", NULL), 3);
}

static void server_pages_smaller_than_asked(void **state)
{
	struct fixture *f = start(state, 130);

	fake_account_set_page_cap(f->account, 25);
	assert_int_equal(fetch(f->api, &all, 4, clock_deadline_in(20), NULL, NULL, &f->table), 0);
	assert_whole(&f->table, 130);
	assert_int_equal(fake_account_requests(f->account, "GET", NULL), 6);
}

static void account_changing_once_is_read_again(void **state)
{
	struct fixture *f = start(state, 250);

	fake_account_set_churn(f->account, 1);
	assert_int_equal(fetch(f->api, &all, 4, clock_deadline_in(20), NULL, NULL, &f->table), 0);
	assert_whole(&f->table, 251); /* the newcomer too, and no duplicate */
	assert_true(fake_account_requests(f->account, "GET", "page=1&") >= 2);
}

static void account_changing_always_is_eio(void **state)
{
	struct fixture *f = start(state, 250);

	fake_account_set_churn(f->account, 100);
	assert_int_equal(fetch(f->api, &all, 4, clock_deadline_in(20), NULL, NULL, &f->table), -EIO);
	assert_int_equal(f->table.live, 0);
	assert_int_equal(fake_account_requests(f->account, "GET", "page=1&"), 3);
}

static void search_narrows(void **state)
{
	struct fixture *f = start(state, 500);

	/* 91900000012 and 91900000120..129: eleven numbers contain "0012". */
	assert_int_equal(
	    fetch(f->api, &(struct listing_query){ .search = "0012" }, 4, clock_deadline_in(20), NULL, NULL, &f->table),
	    0);
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
	assert_int_equal(fetch(f->api, &all, 4, clock_deadline_in(5), NULL, NULL, &f->table), -EACCES);
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
	assert_int_equal(fetch(f->api, &all, 4, clock_deadline_in(20), accept_seen, &calls, &f->table), 0);
	assert_int_equal(calls, 1);
	assert_true(f->table.live >= 250);
	assert_int_equal(fake_account_requests(f->account, "GET", "page=1&"), 1);
}

static void failing_server_within_the_deadline(void **state)
{
	struct fixture *f = start(state, 10);
	int64_t start_ms = clock_now_ms();

	fake_account_set_list_failure(f->account, 500);
	assert_int_equal(fetch(f->api, &all, 4, start_ms + 1200, NULL, NULL, &f->table), -EIO);
	assert_true(clock_now_ms() - start_ms <= 2000);
	assert_int_equal(f->table.live, 0);
}

/* A server that says what the test makes it say.  Numbers 0..REAL-1 exist
 * (fake_account_digits); page P serves those of its slice. */
struct liar {
	long total;          /* the "total" every page claims */
	long per_page;       /* the page size served and claimed (0: as asked) */
	long real;           /* numbers that exist */
	atomic_int overlaps; /* page 2 starts with page 1's last number: this many times (-1: always) */
	bool repeat;         /* every page serves page 1's numbers */
	unsigned delay_ms;
	atomic_long requests, first_pages;
};

static void liar_answer(void *user, size_t n, const struct responder_request *req, struct responder_reply *reply)
{
	struct liar *l = user;
	long page = responder_query_long(req, "page", 1), per_page = responder_query_long(req, "per_page", 25);
	long first, last, shown = 0;
	size_t cap, used = 0;
	char *body, d[16];

	(void)n;
	atomic_fetch_add(&l->requests, 1);
	if (page == 1)
		atomic_fetch_add(&l->first_pages, 1);
	if (l->per_page)
		per_page = l->per_page;
	first = l->repeat ? 0 : (page - 1) * per_page;
	last = first + per_page < l->real ? first + per_page : l->real;
	if (page == 2 && atomic_load(&l->overlaps) != 0) {
		int left = atomic_load(&l->overlaps);

		if (left > 0)
			atomic_store(&l->overlaps, left - 1);
		first--, last--; /* shifted by one, as a number bought before it would */
	}
	cap = 128 + (size_t)(last > first ? last - first : 0) * 64;
	if (!(body = malloc(cap)))
		return;
	used += (size_t)snprintf(body, cap, "{\"items\":[");
	for (long i = first; i < last; i++) {
		fake_account_digits((size_t)i, d);
		used += (size_t)snprintf(body + used, cap - used, "%s{\"e164\":\"+%s\",\"status\":\"active\"}",
					 shown++ ? "," : "", d);
	}
	snprintf(body + used, cap - used, "],\"page\":%ld,\"per_page\":%ld,\"total\":%ld}", page, per_page, l->total);
	reply->status = 200;
	reply->owned_body = body;
	reply->delay_ms = l->delay_ms;
}

/* A client of the lying server L. */
static struct fixture *start_liar(void **state, struct liar *l)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char err[256];

	assert_non_null(f);
	*state = f;
	f->liar = responder_start(liar_answer, l);
	assert_non_null(f->liar);
	f->cfg = (struct config){ .auth_id = FAKE_AUTH_ID,
				  .auth_token = FAKE_TOKEN,
				  .base_url = (char *)responder_url(f->liar),
				  .timeout_s = 10,
				  .parallel = 4 };
	f->api = api_new(&f->cfg, err, sizeof(err));
	assert_non_null(f->api);
	return f;
}

/* The reproduction of issue 11: 3 numbers, "total" 1e8, "per_page" 1; and
 * 1e9 by 100.  Refused on page 1's answer, nothing sized from it. */
static void a_total_past_the_ceiling_is_eio_at_once(void **state)
{
	struct liar l = { .total = 100000000, .per_page = 1, .real = 3 };
	struct fixture *f = start_liar(state, &l);
	int64_t started = clock_now_ms();

	assert_int_equal(fetch(f->api, &all, 4, clock_deadline_in(5), NULL, NULL, &f->table), -EIO);
	assert_int_equal(f->table.live, 0);
	assert_int_equal(atomic_load(&l.requests), 1);

	l.total = 1000000000;
	l.per_page = 100;
	assert_int_equal(fetch(f->api, &all, 4, clock_deadline_in(5), NULL, NULL, &f->table), -EIO);
	assert_int_equal(atomic_load(&l.requests), 2);

	l.total = LISTING_MAX_TOTAL + 1;
	assert_int_equal(fetch(f->api, &all, 4, clock_deadline_in(5), NULL, NULL, &f->table), -EIO);
	assert_int_equal(atomic_load(&l.requests), 3);
	assert_true(clock_now_ms() - started < 2000);
}

/* A page size the server shrinks below LISTING_MIN_PER_PAGE is refused for
 * a listing of several pages, honoured for one that fits in one page; and no
 * page size may need more than LISTING_MAX_PAGES requests. */
static void tiny_pages_are_refused_unless_one_holds_all(void **state)
{
	struct liar l = { .total = 1000, .per_page = 5, .real = 1000 };
	struct fixture *f = start_liar(state, &l);

	assert_int_equal(fetch(f->api, &all, 4, clock_deadline_in(5), NULL, NULL, &f->table), -EIO);
	assert_int_equal(atomic_load(&l.requests), 1);

	l.total = l.real = 4;
	assert_int_equal(fetch(f->api, &all, 4, clock_deadline_in(5), NULL, NULL, &f->table), 0);
	assert_whole(&f->table, 4);
	numtab_destroy(&f->table);

	l.per_page = LISTING_MIN_PER_PAGE;
	l.total = LISTING_MIN_PER_PAGE * LISTING_MAX_PAGES + 1;
	l.real = 30;
	atomic_store(&l.requests, 0);
	assert_int_equal(fetch(f->api, &all, 4, clock_deadline_in(5), NULL, NULL, &f->table), -EIO);
	assert_int_equal(atomic_load(&l.requests), 1);

	/* The smallest page allowed, for a listing that has it. */
	l.total = l.real = 95;
	assert_int_equal(fetch(f->api, &all, 4, clock_deadline_in(5), NULL, NULL, &f->table), 0);
	assert_whole(&f->table, 95);
}

/* A total within the bounds that the pages never deliver: pages decide, the
 * read ends at the first short page, once, in a few requests, and reports
 * the disagreement. */
static void pages_that_stop_short_of_the_total_end_the_read(void **state)
{
	struct liar l = { .total = 9000000, .real = 250 };
	struct fixture *f = start_liar(state, &l);
	int64_t started = clock_now_ms();
	struct listing_report report;

	assert_int_equal(fetch_reported(f->api, &all, 4, clock_deadline_in(10), &report, &f->table), 0);
	assert_whole(&f->table, 250);
	assert_int_equal(atomic_load(&l.first_pages), 1);
	/* Pages 1..3 (3 short), and at most a lookahead past them. */
	assert_true(atomic_load(&l.requests) <= 3 + 4 * LISTING_LOOKAHEAD);
	assert_true(clock_now_ms() - started < 2000);
	assert_true(report.short_of_total);
	assert_int_equal(report.total, 9000000);
	assert_int_equal(report.items, 250);
}

/* The vendor's own example: total 24, one page of 2 (per_page 25).  Read
 * once, one request, and flagged; a total lower than the pages is followed
 * past it, page by page. */
static void the_vendors_example_total_is_advice(void **state)
{
	struct liar l = { .total = 24, .per_page = 25, .real = 2 };
	struct fixture *f = start_liar(state, &l);
	struct listing_report report;

	assert_int_equal(fetch_reported(f->api, &all, 4, clock_deadline_in(10), &report, &f->table), 0);
	assert_whole(&f->table, 2);
	assert_int_equal(atomic_load(&l.requests), 1);
	assert_true(report.short_of_total);
	assert_int_equal(report.total, 24);
	assert_int_equal(report.items, 2);
	numtab_destroy(&f->table);

	l.total = 2;
	l.per_page = 0;
	l.real = 250;
	atomic_store(&l.requests, 0);
	assert_int_equal(fetch_reported(f->api, &all, 4, clock_deadline_in(10), &report, &f->table), 0);
	assert_whole(&f->table, 250);
	assert_int_equal(atomic_load(&l.requests), 3);
	assert_true(report.short_of_total);
	assert_int_equal(report.items, 250);
	numtab_destroy(&f->table);

	/* Pages that agree with their total are no finding. */
	l.total = 250;
	atomic_store(&l.requests, 0);
	assert_int_equal(fetch_reported(f->api, &all, 4, clock_deadline_in(10), &report, &f->table), 0);
	assert_whole(&f->table, 250);
	assert_false(report.short_of_total);
}

/* A server serving page 1 for every page, under a large total: a page that
 * brings no new number ends the read; the requests stay within a window. */
static void a_server_repeating_itself_ends_the_read(void **state)
{
	struct liar l = { .total = 5000000, .real = 100, .repeat = true };
	struct fixture *f = start_liar(state, &l);

	assert_int_equal(fetch(f->api, &all, 4, clock_deadline_in(10), NULL, NULL, &f->table), -EIO);
	assert_int_equal(f->table.live, 0);
	assert_int_equal(atomic_load(&l.first_pages), LISTING_ATTEMPTS);
	assert_true(atomic_load(&l.requests) <= LISTING_ATTEMPTS * (2 + 4 * LISTING_LOOKAHEAD));
}

/* An honest listing too large for the deadline, answered quickly page after
 * page: the read stops at the deadline (ETIMEDOUT), whatever is left. */
static void the_deadline_holds_however_quick_the_answers(void **state)
{
	struct liar l = { .total = 1000000, .real = 1000000, .delay_ms = 5 };
	struct fixture *f = start_liar(state, &l);
	int64_t started = clock_now_ms();

	assert_int_equal(fetch(f->api, &all, 4, started + 1000, NULL, NULL, &f->table), -ETIMEDOUT);
	assert_int_equal(f->table.live, 0);
	/* Valgrind's slowness included; the deadline is 1 s. */
	assert_true(clock_now_ms() - started < 2500);
	assert_true(atomic_load(&l.requests) < 10000);
}

/* The reproduction: page 2 starts with page 1's last number, with
 * the right total and size.  The pages overlap: read again, and whole. */
static void overlapping_pages_are_read_again(void **state)
{
	struct liar l = { .total = 250, .real = 250, .overlaps = 1 };
	struct fixture *f = start_liar(state, &l);

	assert_int_equal(fetch(f->api, &all, 4, clock_deadline_in(10), NULL, NULL, &f->table), 0);
	assert_whole(&f->table, 250);
	assert_int_equal(atomic_load(&l.first_pages), 2);
}

static void pages_that_always_overlap_are_eio(void **state)
{
	struct liar l = { .total = 250, .real = 250, .overlaps = -1 };
	struct fixture *f = start_liar(state, &l);

	assert_int_equal(fetch(f->api, &all, 4, clock_deadline_in(10), NULL, NULL, &f->table), -EIO);
	assert_int_equal(f->table.live, 0);
	assert_int_equal(atomic_load(&l.first_pages), LISTING_ATTEMPTS);
}

/* The caller may settle an overlap as any other change (its own purchase
 * shifts the pages so): it is asked once, with every distinct number seen. */
static void an_overlap_the_caller_settles_is_not_read_again(void **state)
{
	struct liar l = { .total = 250, .real = 250, .overlaps = -1 };
	struct fixture *f = start_liar(state, &l);
	int calls = 0;

	assert_int_equal(fetch(f->api, &all, 4, clock_deadline_in(10), accept_seen, &calls, &f->table), 0);
	assert_int_equal(calls, 1);
	assert_int_equal(f->table.live, 249); /* the one pushed off page 2 was not seen */
	assert_int_equal(atomic_load(&l.first_pages), 1);
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
		T(a_total_past_the_ceiling_is_eio_at_once),
		T(tiny_pages_are_refused_unless_one_holds_all),
		T(pages_that_stop_short_of_the_total_end_the_read),
		T(the_vendors_example_total_is_advice),
		T(a_server_repeating_itself_ends_the_read),
		T(the_deadline_holds_however_quick_the_answers),
		T(overlapping_pages_are_read_again),
		T(pages_that_always_overlap_are_eio),
		T(an_overlap_the_caller_settles_is_not_read_again),
	};
#undef T
	int failed;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	failed = cmocka_run_group_tests(tests, NULL, NULL);
	curl_global_cleanup();
	return failed;
}
