/* test_api.c — the API calls against a scripted local server: exact URLs, headers
 * and bodies (both dialects, routing, renting), the outcome → errno table, and the
 * retry rules (a GET is retried; a write is re-sent only if it provably did nothing). */
#include "api.h"

#include "clock.h"
#include "number.h"
#include "responder.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#define AUTH_ID "MA_TEST01"
#define TOKEN "tok-api-unit-5150"
#define PAGE_BODY                                                                                                      \
	"{\"items\":[{\"e164\":\"+919876543210\",\"status\":\"active\"},{\"e164\":\"+918071387149\"}],"                \
	"\"page\":2,\"per_page\":100,\"total\":102}"
#define PENDING_BODY                                                                                                   \
	"{\"status\":\"pending_release\",\"release_fee\":700,\"cooldown_ends_at\":\"2024-03-06T10:22:31Z\","           \
	"\"cancel_url\":\"/x\",\"message\":\"scheduled\"}"

enum { MAX_SCRIPT = 8 };

static const struct listing_query all = { 0 };

struct fixture {
	struct responder *server;
	struct config cfg;
	struct api *api;
	struct responder_reply script[MAX_SCRIPT]; /* reply N; the last one repeats */
	size_t nscript;
};

static void scripted(void *user, size_t n, const struct responder_request *req, struct responder_reply *reply)
{
	struct fixture *f = user;

	(void)req;
	*reply = f->script[n < f->nscript ? n : f->nscript - 1];
	reply->owned_body = NULL;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	f->server = responder_start(scripted, f);
	if (!f->server)
		return -1;
	f->cfg = (struct config){
		.auth_id = AUTH_ID,
		.auth_token = TOKEN,
		.base_url = (char *)responder_url(f->server),
		.dialect = API_DIALECT_LEGACY,
		.timeout_s = 5,
		.parallel = 4,
	};
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	api_free(f->api);
	responder_stop(f->server);
	free(f);
	return 0;
}

/* Script the replies, then create the client (so cfg changes are seen). */
static void script(struct fixture *f, size_t n, const struct responder_reply *replies)
{
	char err[256];

	assert_true(n >= 1 && n <= MAX_SCRIPT);
	memcpy(f->script, replies, n * sizeof(*replies));
	f->nscript = n;
	f->api = api_new(&f->cfg, err, sizeof(err));
	assert_non_null(f->api);
}

static void assert_request(struct fixture *f, size_t i, const char *method, const char *target)
{
	struct responder_request req = responder_request(f->server, i);

	assert_string_equal(req.method, method);
	assert_string_equal(req.target, target);
	assert_string_equal(req.auth_id, AUTH_ID);
	assert_string_equal(req.auth_token, TOKEN);
	assert_false(req.has_authorization);
}

static void list_page_url_headers_and_body(void **state)
{
	struct fixture *f = *state;
	struct list_page page;

	script(f, 1, (struct responder_reply[]){ { .status = 200, .body = PAGE_BODY } });
	assert_int_equal(api_list_page(f->api, &all, 2, 100, clock_deadline_in(5), &page, NULL), 0);
	assert_int_equal(responder_count(f->server), 1);
	assert_request(f, 0, "GET", "/api/v1/Account/" AUTH_ID "/numbers?page=2&per_page=100");
	assert_int_equal(page.count, 2);
	assert_int_equal(page.total, 102);
	assert_string_equal(page.items[1]->digits, "918071387149");
	list_page_free(&page);
}

static void list_page_search(void **state)
{
	struct fixture *f = *state;
	struct listing_query search = { .search = "9180" };
	struct listing_query bad_search[] = { { .search = "91&x=1" },
					      { .search = "+91" },
					      { .search = "1234567890123456" } };
	struct list_page page;

	script(f, 1, (struct responder_reply[]){ { .status = 200, .body = "{\"items\":[],\"total\":0}" } });
	assert_int_equal(api_list_page(f->api, &search, 1, 100, clock_deadline_in(5), &page, NULL), 0);
	assert_request(f, 0, "GET", "/api/v1/Account/" AUTH_ID "/numbers?page=1&per_page=100&search=9180");
	list_page_free(&page);
	/* A search that is not digits never reaches the server. */
	for (size_t i = 0; i < sizeof(bad_search) / sizeof(bad_search[0]); i++)
		assert_int_equal(api_list_page(f->api, &bad_search[i], 1, 100, clock_deadline_in(5), &page, NULL),
				 -EINVAL);
	assert_int_equal(responder_count(f->server), 1);
}

static void inventory_page(void **state)
{
	struct fixture *f = *state;
	struct listing_query india = { .country = "IN" };
	struct listing_query bad_country[] = {
		{ .country = "in" }, { .country = "IND" }, { .country = "I&" }, { .country = "" }
	};
	struct list_page page;

	script(f, 1,
	       (struct responder_reply[]){
		   { .status = 200,
		     .body = "{\"items\":[{\"e164\":\"+919000000001\",\"country\":\"IN\",\"monthly_fee\":300,"
			     "\"setup_fee\":0,\"currency\":\"INR\"}],\"page\":3,\"per_page\":100,\"total\":250}" } });
	assert_int_equal(api_list_page(f->api, &india, 3, 100, clock_deadline_in(5), &page, NULL), 0);
	assert_int_equal(responder_count(f->server), 1);
	assert_request(f, 0, "GET", "/api/v1/Account/" AUTH_ID "/inventory/numbers?country=IN&page=3&per_page=100");
	assert_int_equal(page.count, 1);
	assert_string_equal(page.items[0]->digits, "919000000001");
	list_page_free(&page);
	for (size_t i = 0; i < sizeof(bad_country) / sizeof(bad_country[0]); i++)
		assert_int_equal(api_list_page(f->api, &bad_country[i], 1, 100, clock_deadline_in(5), &page, NULL),
				 -EINVAL);
	assert_int_equal(responder_count(f->server), 1);
}

static void list_page_retried_after_server_errors(void **state)
{
	struct fixture *f = *state;
	struct list_page page;

	script(f, 4,
	       (struct responder_reply[]){ { .status = 503, .body = "<html>busy</html>" },
					   { .status = 0 }, /* connection dropped */
					   { .status = 429, .retry_after = "0" },
					   { .status = 200, .body = PAGE_BODY } });
	assert_int_equal(api_list_page(f->api, &all, 2, 100, clock_deadline_in(10), &page, NULL), 0);
	assert_int_equal(responder_count(f->server), 4);
	assert_int_equal(page.count, 2);
	list_page_free(&page);
}

static void list_page_client_errors_are_final(void **state)
{
	struct fixture *f = *state;
	struct list_page page;
	static const struct {
		int status;
		int want;
	} cases[] = { { 401, -EACCES }, { 403, -EACCES }, { 404, -ENOENT }, { 400, -EINVAL }, { 302, -EIO } };

	script(f, 1,
	       (struct responder_reply[]){
		   { .status = 401, .body = "{\"error\":{\"code\":401,\"message\":\"Invalid token\"}}" } });
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		f->script[0].status = cases[i].status;
		assert_int_equal(api_list_page(f->api, &all, 1, 100, clock_deadline_in(5), &page, NULL), cases[i].want);
		assert_null(page.items);
		assert_int_equal(responder_count(f->server), i + 1); /* no retry */
	}
}

static void list_page_malformed_body_is_eio(void **state)
{
	struct fixture *f = *state;
	struct list_page page;

	script(f, 1, (struct responder_reply[]){ { .status = 200, .body = "{\"items\":[" } });
	assert_int_equal(api_list_page(f->api, &all, 1, 100, clock_deadline_in(5), &page, NULL), -EIO);
	assert_int_equal(responder_count(f->server), 1);
}

/* Time bounds leave room for valgrind, yet stay below the server's delay. */
static void list_page_gives_up_at_the_deadline(void **state)
{
	struct fixture *f = *state;
	struct list_page page;
	int64_t start = clock_now_ms(), took;

	script(f, 1, (struct responder_reply[]){ { .status = 503 } });
	assert_int_equal(api_list_page(f->api, &all, 1, 100, start + 1500, &page, NULL), -EIO);
	took = clock_now_ms() - start;
	assert_true(took <= 2200);
	assert_true(responder_count(f->server) >= 2);
}

static void list_page_slow_server_times_out(void **state)
{
	struct fixture *f = *state;
	struct list_page page;
	int64_t start = clock_now_ms();

	script(f, 1, (struct responder_reply[]){ { .status = 200, .body = PAGE_BODY, .delay_ms = 2500 } });
	assert_int_equal(api_list_page(f->api, &all, 1, 100, start + 800, &page, NULL), -ETIMEDOUT);
	assert_true(clock_now_ms() - start <= 1800);
}

static void release_legacy(void **state)
{
	struct fixture *f = *state;
	struct api_outcome out;

	script(f, 1, (struct responder_reply[]){ { .status = 204 } });
	assert_int_equal(api_release(f->api, "919876543210", true, clock_deadline_in(5), &out), 0);
	assert_int_equal(responder_count(f->server), 1);
	/* Legacy: bare digits, and no immediate flag (it has no cooldown). */
	assert_request(f, 0, "DELETE", "/api/v1/Account/" AUTH_ID "/numbers/919876543210");
	assert_int_equal(out.http_status, 204);
	assert_false(out.unknown);
	assert_false(out.timed_out);
	assert_string_equal(out.answer.status, "");
}

static void release_current_dialect(void **state)
{
	struct fixture *f = *state;
	struct api_outcome out;

	f->cfg.dialect = API_DIALECT_CURRENT;
	script(f, 1, (struct responder_reply[]){ { .status = 200, .body = PENDING_BODY } });
	assert_int_equal(api_release(f->api, "919876543210", false, clock_deadline_in(5), &out), 0);
	assert_request(f, 0, "DELETE", "/api/v1/Account/" AUTH_ID "/numbers/%2B919876543210");
	assert_int_equal(out.http_status, 200);
	assert_string_equal(out.answer.status, "pending_release");
	assert_true(out.answer.has_release_fee);
	assert_true(out.answer.release_fee == 700);
	assert_string_equal(out.answer.cooldown_ends_at, "2024-03-06T10:22:31Z");

	assert_int_equal(api_release(f->api, "919876543210", true, clock_deadline_in(5), &out), 0);
	assert_request(f, 1, "DELETE", "/api/v1/Account/" AUTH_ID "/numbers/%2B919876543210?immediate=true");
}

static void release_refusals(void **state)
{
	struct fixture *f = *state;
	struct api_outcome out;

	script(
	    f, 5,
	    (struct responder_reply[]){
		{ .status = 403, .body = "{\"error\":\"forbidden\",\"message\":\"account does not own this number\"}" },
		{ .status = 404, .body = "{\"error\":\"number not found\"}" },
		{ .status = 409, .body = "{\"error\":\"conflict\"}" },
		{ .status = 422, .body = "{}" },
		{ .status = 401, .body = "{\"error\":{\"code\":401,\"message\":\"Invalid token\"}}" } });
	assert_int_equal(api_release(f->api, "919876543210", false, clock_deadline_in(5), &out), -EACCES);
	assert_int_equal(out.http_status, 403);
	assert_false(out.unknown);
	assert_string_equal(out.message, "account does not own this number");
	assert_int_equal(api_release(f->api, "919876543210", false, clock_deadline_in(5), &out), -ENOENT);
	assert_string_equal(out.message, "number not found");
	assert_int_equal(api_release(f->api, "919876543210", false, clock_deadline_in(5), &out), -EBUSY);
	assert_int_equal(api_release(f->api, "919876543210", false, clock_deadline_in(5), &out), -EINVAL);
	assert_int_equal(api_release(f->api, "919876543210", false, clock_deadline_in(5), &out), -EACCES);
	assert_string_equal(out.message, "Invalid token");
	assert_int_equal(responder_count(f->server), 5); /* one request each */
}

static void release_server_error_is_unknown_and_not_resent(void **state)
{
	struct fixture *f = *state;
	struct api_outcome out;

	script(
	    f, 2,
	    (struct responder_reply[]){ { .status = 503, .body = "{\"error\":\"unavailable\"}" }, { .status = 204 } });
	assert_int_equal(api_release(f->api, "919876543210", false, clock_deadline_in(5), &out), -EIO);
	assert_true(out.unknown);
	assert_int_equal(out.http_status, 503);
	assert_int_equal(responder_count(f->server), 1);
}

static void release_lost_answer_is_unknown_and_not_resent(void **state)
{
	struct fixture *f = *state;
	struct api_outcome out;

	script(f, 2, (struct responder_reply[]){ { .status = 0 }, { .status = 204 } });
	assert_int_equal(api_release(f->api, "919876543210", false, clock_deadline_in(5), &out), -EIO);
	assert_true(out.unknown);
	assert_int_equal(out.http_status, 0);
	assert_true(out.message[0] != '\0');
	assert_int_equal(responder_count(f->server), 1);
}

static void release_timeout_is_unknown(void **state)
{
	struct fixture *f = *state;
	struct api_outcome out;
	int64_t start = clock_now_ms();

	script(f, 2, (struct responder_reply[]){ { .status = 204, .delay_ms = 2000 }, { .status = 204 } });
	assert_int_equal(api_release(f->api, "919876543210", false, start + 700, &out), -ETIMEDOUT);
	assert_true(out.unknown);
	assert_true(out.timed_out);
	assert_true(clock_now_ms() - start <= 1600);
	assert_int_equal(responder_count(f->server), 1);
}

static void release_rate_limited_is_resent(void **state)
{
	struct fixture *f = *state;
	struct api_outcome out;

	script(
	    f, 3,
	    (struct responder_reply[]){
		{ .status = 429, .retry_after = "0" },
		{ .status = 429,
		  .body = "{\"status\":\"error\",\"error\":{\"code\":\"RATE_LIMIT_EXCEEDED\",\"message\":\"slow down\","
			  "\"details\":{\"retryAfter\":0.1}}}" },
		{ .status = 204 } });
	assert_int_equal(api_release(f->api, "919876543210", false, clock_deadline_in(5), &out), 0);
	assert_false(out.unknown);
	assert_int_equal(responder_count(f->server), 3);
}

static void release_rate_limited_until_deadline_is_eagain(void **state)
{
	struct fixture *f = *state;
	struct api_outcome out;
	int64_t start = clock_now_ms();

	script(f, 1, (struct responder_reply[]){ { .status = 429, .retry_after = "1" } });
	assert_int_equal(api_release(f->api, "919876543210", false, start + 1500, &out), -EAGAIN);
	assert_false(out.unknown);
	assert_int_equal(out.http_status, 429);
	assert_true(clock_now_ms() - start <= 2200);
	assert_int_equal(responder_count(f->server), 2);
}

/* The server's "now" never shortens the backoff: each retry waits at least
 * half of its growing cap (50, 100, 200, ... ms), and a longer ask is kept. */
static void retry_delay_has_a_growing_floor(void **state)
{
	(void)state;
	for (unsigned attempt = 0; attempt < 12; attempt++) {
		long floor = (100L << (attempt < 6 ? attempt : 6)) / 2;

		if (floor > 2000)
			floor = 2000;
		for (int i = 0; i < 50; i++) {
			long asked[] = { -1, 0, -5000 };

			for (size_t k = 0; k < 3; k++) {
				long d = api_retry_delay_ms(attempt, asked[k]);

				assert_true(d >= floor);
				assert_true(d <= 4000);
			}
		}
		assert_int_equal(api_retry_delay_ms(attempt, 60000), 60000);
	}
}

/* Permanent 429 with Retry-After: 0 and a long deadline: at most
 * API_MAX_ATTEMPTS requests, waits between them, then -EAGAIN. */
static void release_rate_limited_now_is_capped(void **state)
{
	struct fixture *f = *state;
	struct api_outcome out;
	int64_t start = clock_now_ms();

	script(f, 1, (struct responder_reply[]){ { .status = 429, .retry_after = "0" } });
	assert_int_equal(api_release(f->api, "919876543210", false, start + 60000, &out), -EAGAIN);
	assert_false(out.unknown);
	assert_int_equal(responder_count(f->server), API_MAX_ATTEMPTS);
	assert_int_equal(out.attempts, API_MAX_ATTEMPTS);
	assert_true(clock_now_ms() - start >= 50 + 100 + 200 + 400 + 800 + 1600 + 3 * 2000);
}

/* A listing page under a permanent 5xx: the same cap. */
static void list_page_server_errors_are_capped(void **state)
{
	struct fixture *f = *state;
	struct list_page page;

	script(f, 1, (struct responder_reply[]){ { .status = 503, .retry_after = "0" } });
	assert_int_equal(api_list_page(f->api, &all, 1, 100, clock_now_ms() + 60000, &page, NULL), -EIO);
	assert_int_equal(responder_count(f->server), API_MAX_ATTEMPTS);
}

/* Answers that do not read as a release: unknown, sent once. */
static void release_unconfirmed_answers_are_unknown(void **state)
{
	struct fixture *f = *state;
	struct api_outcome out;
	static const struct responder_reply replies[] = {
		{ .status = 200, .body = "{\"status\":\"active\"}" },
		{ .status = 200, .body = "{\"status\":\"released\",\"e164\":\"+918071387149\"}" },
		{ .status = 200, .body = "{\"status\":" },
		{ .status = 302 },
		{ .status = 200, .body = "{\"message\":\"number returned to inventory\"}" },
		{ .status = 200, .body = "{\"status\":\"released\",\"e164\":\"+919876543210\"}" },
	};

	script(f, 6, replies);
	for (size_t i = 0; i < 4; i++) {
		assert_int_equal(api_release(f->api, "919876543210", false, clock_deadline_in(5), &out), -EIO);
		assert_true(out.unknown);
		assert_int_equal(responder_count(f->server), i + 1);
	}
	assert_int_equal(api_release(f->api, "919876543210", false, clock_deadline_in(5), &out), 0);
	assert_false(out.unknown);
	assert_int_equal(api_release(f->api, "919876543210", false, clock_deadline_in(5), &out), 0);
	assert_int_equal(responder_count(f->server), 6);
}

static void release_of_a_bad_name_sends_nothing(void **state)
{
	struct fixture *f = *state;
	struct api_outcome out;
	static const char *const bad[] = { "+919876543210", "91987/6543210", "..", "", "1234567", "%2B919876543210" };

	script(f, 1, (struct responder_reply[]){ { .status = 204 } });
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(api_release(f->api, bad[i], false, clock_deadline_in(5), &out), -EINVAL);
	assert_int_equal(api_cancel_release(f->api, "91/..", clock_deadline_in(5), &out), -EINVAL);
	assert_int_equal(responder_count(f->server), 0);
}

static void cancel_release(void **state)
{
	struct fixture *f = *state;
	struct api_outcome out;
	struct responder_request req;

	f->cfg.dialect = API_DIALECT_CURRENT;
	script(f, 1, (struct responder_reply[]){ { .status = 200, .body = "{\"status\":\"active\"}" } });
	assert_int_equal(api_cancel_release(f->api, "919876543210", clock_deadline_in(5), &out), 0);
	/* Lowercase "account", and an empty body that says so. */
	assert_request(f, 0, "POST", "/api/v1/account/" AUTH_ID "/numbers/%2B919876543210/cancel-release");
	req = responder_request(f->server, 0);
	assert_int_equal(req.content_length, 0);
	assert_int_equal(req.body_len, 0);
	assert_string_equal(out.answer.status, "active");
}

static void trunk_assign_and_unassign(void **state)
{
	struct fixture *f = *state;
	struct api_outcome out;
	struct responder_request req;

	script(f, 3,
	       (struct responder_reply[]){
		   { .status = 204 },
		   { .status = 400, .body = "{\"error\":\"bad_request\",\"message\":\"already assigned\"}" },
		   { .status = 204 } });
	assert_int_equal(api_set_trunk(f->api, "919876543210", "tg_01HZX", clock_deadline_in(5), &out), 0);
	assert_request(f, 0, "POST", "/api/v1/Account/" AUTH_ID "/numbers/%2B919876543210/assign");
	req = responder_request(f->server, 0);
	assert_string_equal(req.body, "{\"trunk_group_id\":\"tg_01HZX\"}");
	assert_string_equal(req.content_type, "application/json");
	assert_int_equal(api_set_trunk(f->api, "919876543210", "tg_2", clock_deadline_in(5), &out), -EINVAL);
	assert_string_equal(out.message, "already assigned");
	assert_int_equal(api_set_trunk(f->api, "919876543210", NULL, clock_deadline_in(5), &out), 0);
	assert_request(f, 2, "DELETE", "/api/v1/Account/" AUTH_ID "/numbers/%2B919876543210/assign");
	/* Ids that could break the JSON body or the URL are refused unsent. */
	assert_int_equal(api_set_trunk(f->api, "919876543210", "tg\",\"x\":\"1", clock_deadline_in(5), &out), -EINVAL);
	assert_int_equal(api_set_trunk(f->api, "919876543210", "", clock_deadline_in(5), &out), -EINVAL);
	assert_int_equal(api_set_trunk(f->api, "+919876543210", "tg_1", clock_deadline_in(5), &out), -EINVAL);
	assert_int_equal(responder_count(f->server), 3);
}

static void application_attach_and_detach(void **state)
{
	struct fixture *f = *state;
	struct api_outcome out;

	script(f, 1, (struct responder_reply[]){ { .status = 200, .body = "{\"message\":\"ok\"}" } });
	assert_int_equal(api_set_application(f->api, "919876543210", "app_42", clock_deadline_in(5), &out), 0);
	/* Capital "Account" on this path, as the current docs write it. */
	assert_request(f, 0, "POST", "/api/v1/Account/" AUTH_ID "/numbers/%2B919876543210/application");
	assert_string_equal(responder_request(f->server, 0).body, "{\"application_id\":\"app_42\"}");
	assert_int_equal(api_set_application(f->api, "919876543210", NULL, clock_deadline_in(5), &out), 0);
	assert_request(f, 1, "DELETE", "/api/v1/Account/" AUTH_ID "/numbers/%2B919876543210/application");
	assert_int_equal(api_set_application(f->api, "919876543210", "a/b", clock_deadline_in(5), &out), -EINVAL);
	assert_int_equal(responder_count(f->server), 2);
}

static void purchase_from_inventory(void **state)
{
	struct fixture *f = *state;
	struct api_outcome out;
	struct number *n = (struct number *)&n;

	script(f, 3,
	       (struct responder_reply[]){
		   { .status = 200,
		     .body = "{\"message\":\"Number purchased\",\"number\":{\"e164\":\"+919000000001\","
			     "\"country\":\"IN\",\"status\":\"active\",\"monthly_fee\":300}}" },
		   { .status = 404, .body = "{\"error\":\"not_found\",\"message\":\"number not found in inventory\"}" },
		   { .status = 500,
		     .body = "{\"error\":\"internal_server_error\",\"message\":\"failed to purchase number\"}" } });
	assert_int_equal(api_purchase(f->api, "919000000001", clock_deadline_in(5), &out, &n), 0);
	assert_request(f, 0, "POST", "/api/v1/Account/" AUTH_ID "/numbers/purchase-from-inventory");
	/* A literal '+' in the body. */
	assert_string_equal(responder_request(f->server, 0).body, "{\"e164\":\"+919000000001\"}");
	assert_non_null(n);
	assert_string_equal(n->digits, "919000000001");
	free(n);

	n = (struct number *)&n;
	assert_int_equal(api_purchase(f->api, "919000000001", clock_deadline_in(5), &out, &n), -ENOENT);
	assert_null(n);
	assert_string_equal(out.message, "number not found in inventory");
	/* A failed debit is a 500: unknown, and never re-sent. */
	assert_int_equal(api_purchase(f->api, "919000000001", clock_deadline_in(5), &out, &n), -EIO);
	assert_true(out.unknown);
	assert_null(n);
	assert_int_equal(responder_count(f->server), 3);
	assert_int_equal(api_purchase(f->api, "91900/0001", clock_deadline_in(5), &out, &n), -EINVAL);
	assert_int_equal(responder_count(f->server), 3);
}

static void counters_count(void **state)
{
	struct fixture *f = *state;
	struct api_outcome out;
	struct api_counters c;

	script(f, 3, (struct responder_reply[]){ { .status = 204 }, { .status = 403 }, { .status = 204 } });
	api_counters(f->api, &c);
	assert_int_equal(c.requests, 0);
	assert_int_equal(c.failures, 0);
	assert_int_equal(api_release(f->api, "919876543210", false, clock_deadline_in(5), &out), 0);
	assert_int_equal(api_release(f->api, "919876543210", false, clock_deadline_in(5), &out), -EACCES);
	api_counters(f->api, &c);
	assert_int_equal(c.requests, 2);
	assert_int_equal(c.failures, 1);
}

/* DESIGN §2's answers in their other shapes, through the calls: the
 * platform error format (its requestId reaches the message), the cancel's
 * 400 and 403 strings, a refund that failed, assign answered 200 with a
 * body, and a purchase answer naming the owner auth_id. */
static void answers_in_every_documented_shape(void **state)
{
	struct fixture *f = *state;
	struct api_outcome out;
	struct number *n = NULL;

	script(f, 6,
	       (struct responder_reply[]){
		   { .status = 403, .body = "{\"error\":\"access denied\"}" },
		   { .status = 400, .body = "{\"error\":\"number is not pending release\"}" },
		   { .status = 200,
		     .body = "{\"status\":\"active\",\"message\":\"Release cancelled\",\"refund_amount\":700.0,"
			     "\"currency\":\"INR\",\"refund_status\":\"failed\","
			     "\"refund_error\":\"could not process refund, please contact support\"}" },
		   { .status = 401,
		     .body = "{\"status\":\"error\",\"error\":{\"code\":401,\"message\":\"Invalid token\"},"
			     "\"timestamp\":\"2026-07-20T09:18:26.785Z\",\"requestId\":\"req_7d1c\"}" },
		   { .status = 200, .body = "{\"message\":\"Trunk assigned\",\"trunk_group_id\":\"tg_1\"}" },
		   { .status = 200,
		     .body = "{\"message\":\"ok\",\"number\":{\"e164\":\"+919000000001\",\"auth_id\":\"" AUTH_ID
			     "\"},\"items\":[{\"e164\":\"+919000000001\"}]}" } });
	assert_int_equal(api_cancel_release(f->api, "919876543210", clock_deadline_in(5), &out), -EACCES);
	assert_string_equal(out.message, "access denied");
	assert_int_equal(api_cancel_release(f->api, "919876543210", clock_deadline_in(5), &out), -EINVAL);
	assert_string_equal(out.message, "number is not pending release");
	assert_int_equal(api_cancel_release(f->api, "919876543210", clock_deadline_in(5), &out), 0);
	assert_string_equal(out.answer.refund_status, "failed");
	assert_string_equal(out.answer.refund_error, "could not process refund, please contact support");
	assert_true(out.answer.refund_amount == 700.0);
	assert_string_equal(out.answer.currency, "INR");
	assert_int_equal(api_set_trunk(f->api, "919876543210", "tg_1", clock_deadline_in(5), &out), -EACCES);
	assert_string_equal(out.message, "Invalid token (requestId req_7d1c)");
	assert_int_equal(api_set_trunk(f->api, "919876543210", "tg_1", clock_deadline_in(5), &out), 0);
	assert_string_equal(out.message, "Trunk assigned");
	assert_int_equal(api_purchase(f->api, "919000000001", clock_deadline_in(5), &out, &n), 0);
	assert_non_null(n);
	assert_non_null(strstr(n->json, "\"account_id\":\t\"" AUTH_ID "\""));
	assert_string_equal(out.message, "ok");
	free(n);
	/* Each call sent once. */
	assert_int_equal(responder_count(f->server), 6);
}

/* A loopback port that refuses connections: bound, never listening, so no
 * other process can take it while the test runs.  Returns the socket. */
static int refusing_port(unsigned *port)
{
	struct sockaddr_in addr = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(addr);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&addr, sizeof(addr)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&addr, &len), 0);
	*port = ntohs(addr.sin_port);
	return fd;
}

static void unreachable_server_is_not_sent(void **state)
{
	struct fixture *f = *state;
	struct api_outcome out;
	struct list_page page;
	char url[64];
	unsigned port;
	int fd = refusing_port(&port);

	/* Nobody listens: the DELETE provably never left. */
	snprintf(url, sizeof(url), "http://127.0.0.1:%u", port);
	f->cfg.base_url = url;
	script(f, 1, (struct responder_reply[]){ { .status = 204 } });
	assert_int_equal(api_release(f->api, "919876543210", false, clock_now_ms() + 800, &out), -EIO);
	assert_false(out.unknown);
	assert_int_equal(api_list_page(f->api, &all, 1, 100, clock_now_ms() + 500, &page, NULL), -EIO);
	close(fd);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(list_page_url_headers_and_body),
		T(list_page_search),
		T(inventory_page),
		T(list_page_retried_after_server_errors),
		T(list_page_client_errors_are_final),
		T(list_page_malformed_body_is_eio),
		T(list_page_gives_up_at_the_deadline),
		T(list_page_slow_server_times_out),
		T(release_legacy),
		T(release_current_dialect),
		T(release_refusals),
		T(release_server_error_is_unknown_and_not_resent),
		T(release_lost_answer_is_unknown_and_not_resent),
		T(release_timeout_is_unknown),
		T(release_rate_limited_is_resent),
		T(release_rate_limited_until_deadline_is_eagain),
		T(release_of_a_bad_name_sends_nothing),
		cmocka_unit_test(retry_delay_has_a_growing_floor),
		T(release_rate_limited_now_is_capped),
		T(list_page_server_errors_are_capped),
		T(release_unconfirmed_answers_are_unknown),
		T(cancel_release),
		T(trunk_assign_and_unassign),
		T(application_attach_and_detach),
		T(purchase_from_inventory),
		T(answers_in_every_documented_shape),
		T(counters_count),
		T(unreachable_server_is_not_sent),
	};
#undef T
	int failed;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	failed = cmocka_run_group_tests(tests, NULL, NULL);
	curl_global_cleanup();
	return failed;
}
