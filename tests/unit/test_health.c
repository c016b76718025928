/* test_health.c — the health answers against a scripted server: the exact
 * request, the answer shown whole and pretty, kept for the TTL and no
 * longer, one request for concurrent readers of one number and parallel
 * requests for different numbers, the bounds of the cache, and every
 * failure (404, 429, bad bodies, an answer about another number, the
 * deadline) reported and not kept. */
#include "health.h"

#include "api.h"
#include "clock.h"
#include "responder.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#define AUTH_ID "MA_TEST01"
#define TOKEN "tok-health-unit-4242"
#define NUMBER "919876543210"

/* How the server answers every health request. */
enum mode {
	ANSWER_OK,        /* 200 with the number's own answer */
	ANSWER_NOT_FOUND, /* 404 {"error":"number not found"} */
	ANSWER_429_ONCE,  /* 429 Retry-After: 0 for the first request, then OK */
	ANSWER_MALFORMED, /* 200 {"e164": */
	ANSWER_NUL,       /* 200 with a \u0000 in a string */
	ANSWER_OTHER,     /* 200 about another number */
	ANSWER_NO_E164,   /* 200 without "e164" */
	ANSWER_EMPTY,     /* 204 */
};

struct fixture {
	struct responder *server;
	struct config cfg;
	struct api *api;
	struct health *health;
	enum mode mode;
	unsigned delay_ms;
};

/* The digits of the number in a health request's target. */
static void target_digits(const char *target, char digits[32])
{
	const char *p = strstr(target, "%2B");
	size_t n = p ? strspn(p + 3, "0123456789") : 0;

	snprintf(digits, 32, "%.*s", (int)(n < 31 ? n : 31), p ? p + 3 : "");
}

static void answer(void *user, size_t n, const struct responder_request *req, struct responder_reply *reply)
{
	struct fixture *f = user;
	char digits[32], body[512];

	target_digits(req->target, digits);
	*reply = (struct responder_reply){ .status = 200, .delay_ms = f->delay_ms };
	switch (f->mode) {
	case ANSWER_NOT_FOUND:
		reply->status = 404;
		reply->body = "{\"error\":\"number not found\"}";
		return;
	case ANSWER_429_ONCE:
		if (n == 0) {
			reply->status = 429;
			reply->retry_after = "0";
			reply->body = "{\"error\":\"rate limited\"}";
			return;
		}
		break;
	case ANSWER_MALFORMED:
		reply->body = "{\"e164\":";
		return;
	case ANSWER_NUL:
		snprintf(body, sizeof(body), "{\"e164\":\"+%s\",\"usage_status\":\"idle\\u0000active\"}", digits);
		reply->owned_body = strdup(body);
		return;
	case ANSWER_OTHER:
		reply->body = "{\"e164\":\"+14155550100\",\"usage_status\":\"idle\"}";
		return;
	case ANSWER_NO_E164:
		reply->body = "{\"usage_status\":\"idle\",\"summary\":{\"total_calls\":0}}";
		return;
	case ANSWER_EMPTY:
		reply->status = 204;
		return;
	default:
		break;
	}
	snprintf(body, sizeof(body),
		 "{\"e164\":\"+%s\",\"status\":\"active\",\"usage_status\":\"idle\",\"is_spam\":false,"
		 "\"granularity\":\"daily\",\"summary\":{\"period_days\":30,\"total_calls\":0,\"answer_rate\":1.0},"
		 "\"snapshots\":[{\"ts\":\"2026-01-01T00:00:00Z\",\"total_calls\":0}],\"vendor_note\":{\"kept\":true}}",
		 digits);
	reply->owned_body = strdup(body);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char err[256];

	if (!f || !(f->server = responder_start(answer, f)))
		return -1;
	f->cfg = (struct config){
		.auth_id = AUTH_ID,
		.auth_token = TOKEN,
		.base_url = (char *)responder_url(f->server),
		.timeout_s = 5,
		.parallel = 4,
	};
	f->api = api_new(&f->cfg, err, sizeof(err));
	if (!f->api)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	health_free(f->health);
	api_free(f->api);
	responder_stop(f->server);
	free(f);
	return 0;
}

static void start(struct fixture *f, unsigned days, unsigned ttl_s, size_t max_entries, size_t max_bytes)
{
	f->health = health_new(f->api, days, ttl_s, max_entries, max_bytes);
	assert_non_null(f->health);
}

/* Read NUMBER's health and return the errno; the JSON is checked and freed. */
static int read_one(struct fixture *f, const char *digits, int64_t deadline_ms)
{
	char *json = NULL;
	size_t len = 0;
	int ret = health_read(f->health, digits, clock_now_ms() + deadline_ms, &json, &len);

	if (ret == 0) {
		assert_non_null(json);
		assert_int_equal(strlen(json), len);
		assert_int_equal(json[len - 1], '\n');
	} else {
		assert_null(json);
	}
	free(json);
	return ret;
}

static void reads_the_documented_path_and_shows_every_field(void **state)
{
	struct fixture *f = *state;
	struct responder_request req;
	const cJSON *summary;
	cJSON *shown;
	char *json;
	size_t len;

	start(f, 45, 300, HEALTH_MAX_ENTRIES, HEALTH_MAX_BYTES);
	assert_int_equal(health_read(f->health, NUMBER, clock_now_ms() + 3000, &json, &len), 0);
	assert_int_equal(responder_count(f->server), 1);
	req = responder_request(f->server, 0);
	assert_string_equal(req.method, "GET");
	assert_string_equal(req.target,
			    "/api/v1/account/" AUTH_ID "/numbers/%2B" NUMBER "/health?granularity=daily&days=45");
	assert_string_equal(req.auth_id, AUTH_ID);
	assert_string_equal(req.auth_token, TOKEN);
	/* Pretty (cJSON's tabs), a final newline, unknown fields kept. */
	assert_non_null(strstr(json, "\n\t\"usage_status\":\t\"idle\""));
	assert_int_equal(json[len - 1], '\n');
	shown = cJSON_Parse(json);
	assert_true(cJSON_IsObject(shown));
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(cJSON_GetObjectItem(shown, "vendor_note"), "kept")));
	summary = cJSON_GetObjectItem(shown, "summary");
	assert_int_equal(cJSON_GetObjectItem(summary, "total_calls")->valueint, 0);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(shown, "snapshots")), 1);
	cJSON_Delete(shown);
	free(json);
}

static void answers_are_kept_for_the_ttl(void **state)
{
	struct fixture *f = *state;
	struct health_counters c;
	time_t fetched;
	size_t len;
	char *json;

	start(f, 30, 1, HEALTH_MAX_ENTRIES, HEALTH_MAX_BYTES);
	assert_false(health_peek(f->health, NUMBER, &len, &fetched));
	assert_int_equal(health_cached(f->health, NUMBER, &json, &len), -ENOENT);
	assert_int_equal(read_one(f, NUMBER, 3000), 0);
	assert_true(health_peek(f->health, NUMBER, &len, &fetched));
	assert_true(len > 0);
	assert_true(fetched > 0);
	assert_int_equal(health_cached(f->health, NUMBER, &json, &len), 0);
	free(json);
	assert_int_equal(read_one(f, NUMBER, 3000), 0);
	assert_int_equal(responder_count(f->server), 1);
	health_counters(f->health, &c);
	assert_int_equal(c.requests, 1);
	assert_int_equal(c.hits, 2);
	assert_int_equal(c.entries, 1);
	usleep(1100 * 1000);
	/* Expired: neither shown nor peeked, and read again. */
	assert_false(health_peek(f->health, NUMBER, &len, &fetched));
	assert_int_equal(read_one(f, NUMBER, 3000), 0);
	assert_int_equal(responder_count(f->server), 2);
}

static void ttl_zero_keeps_nothing(void **state)
{
	struct fixture *f = *state;
	struct health_counters c;

	start(f, 30, 0, HEALTH_MAX_ENTRIES, HEALTH_MAX_BYTES);
	assert_int_equal(read_one(f, NUMBER, 3000), 0);
	assert_int_equal(read_one(f, NUMBER, 3000), 0);
	assert_int_equal(responder_count(f->server), 2);
	health_counters(f->health, &c);
	assert_int_equal(c.entries, 0);
}

static void drop_forgets_every_answer(void **state)
{
	struct fixture *f = *state;

	start(f, 30, 300, HEALTH_MAX_ENTRIES, HEALTH_MAX_BYTES);
	assert_int_equal(read_one(f, NUMBER, 3000), 0);
	assert_int_equal(read_one(f, "919876543211", 3000), 0);
	health_drop(f->health);
	assert_int_equal(read_one(f, NUMBER, 3000), 0);
	assert_int_equal(responder_count(f->server), 3);
}

static void not_found_is_enoent_and_not_kept(void **state)
{
	struct fixture *f = *state;
	struct health_counters c;

	f->mode = ANSWER_NOT_FOUND;
	start(f, 30, 300, HEALTH_MAX_ENTRIES, HEALTH_MAX_BYTES);
	assert_int_equal(read_one(f, NUMBER, 3000), -ENOENT);
	assert_int_equal(read_one(f, NUMBER, 3000), -ENOENT);
	assert_int_equal(responder_count(f->server), 2);
	health_counters(f->health, &c);
	assert_int_equal(c.errors, 2);
	assert_int_equal(c.entries, 0);
}

static void rate_limit_is_waited_out_and_counted(void **state)
{
	struct fixture *f = *state;
	struct health_counters c;

	f->mode = ANSWER_429_ONCE;
	start(f, 30, 300, HEALTH_MAX_ENTRIES, HEALTH_MAX_BYTES);
	assert_int_equal(read_one(f, NUMBER, 3000), 0);
	assert_int_equal(responder_count(f->server), 2);
	health_counters(f->health, &c);
	assert_int_equal(c.requests, 2); /* the 429'd request and its retry */
}

static void unusable_answers_are_eio_and_not_kept(void **state)
{
	static const enum mode bad[] = { ANSWER_MALFORMED, ANSWER_NUL, ANSWER_OTHER, ANSWER_EMPTY };
	struct fixture *f = *state;
	struct health_counters c;

	start(f, 30, 300, HEALTH_MAX_ENTRIES, HEALTH_MAX_BYTES);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		f->mode = bad[i];
		assert_int_equal(read_one(f, NUMBER, 3000), -EIO);
	}
	health_counters(f->health, &c);
	assert_int_equal(c.entries, 0);
	/* An answer that does not name its number is taken as it is. */
	f->mode = ANSWER_NO_E164;
	assert_int_equal(read_one(f, NUMBER, 3000), 0);
}

static void a_slow_answer_ends_at_the_deadline(void **state)
{
	struct fixture *f = *state;
	int64_t started = clock_now_ms();

	f->delay_ms = 2000;
	start(f, 30, 300, HEALTH_MAX_ENTRIES, HEALTH_MAX_BYTES);
	assert_int_equal(read_one(f, NUMBER, 400), -ETIMEDOUT);
	assert_true(clock_now_ms() - started < 1500);
}

struct reader {
	struct fixture *f;
	char digits[16];
	int ret;
};

static void *read_thread(void *arg)
{
	struct reader *r = arg;
	char *json = NULL;
	size_t len;

	r->ret = health_read(r->f->health, r->digits, clock_now_ms() + 4000, &json, &len);
	free(json);
	return NULL;
}

/* Run N readers at once, of one number (SAME) or of N numbers. */
static void run_readers(struct fixture *f, size_t n, bool same)
{
	pthread_t threads[16];
	struct reader readers[16];

	assert_true(n <= 16);
	for (size_t i = 0; i < n; i++) {
		readers[i] = (struct reader){ .f = f };
		snprintf(readers[i].digits, sizeof(readers[i].digits), "9198765432%02zu", same ? 0 : i);
		assert_int_equal(pthread_create(&threads[i], NULL, read_thread, &readers[i]), 0);
	}
	for (size_t i = 0; i < n; i++) {
		pthread_join(threads[i], NULL);
		assert_int_equal(readers[i].ret, 0);
	}
}

static void concurrent_readers_of_one_number_share_one_request(void **state)
{
	struct fixture *f = *state;
	struct health_counters c;

	f->delay_ms = 300;
	start(f, 30, 300, HEALTH_MAX_ENTRIES, HEALTH_MAX_BYTES);
	run_readers(f, 8, true);
	assert_int_equal(responder_count(f->server), 1);
	health_counters(f->health, &c);
	assert_int_equal(c.requests, 1);
	assert_int_equal(c.shared + c.hits, 7);
}

static void concurrent_readers_share_even_without_a_ttl(void **state)
{
	struct fixture *f = *state;

	f->delay_ms = 300;
	start(f, 30, 0, HEALTH_MAX_ENTRIES, HEALTH_MAX_BYTES);
	run_readers(f, 6, true);
	assert_int_equal(responder_count(f->server), 1);
}

static void different_numbers_are_read_in_parallel(void **state)
{
	struct fixture *f = *state;
	int64_t started;

	f->delay_ms = 300;
	start(f, 30, 300, HEALTH_MAX_ENTRIES, HEALTH_MAX_BYTES);
	started = clock_now_ms();
	run_readers(f, 8, false);
	assert_int_equal(responder_count(f->server), 8);
	/* One after another would take 2.4 s. */
	assert_true(clock_now_ms() - started < 1500);
}

static void the_cache_is_bounded_by_entries_and_bytes(void **state)
{
	struct fixture *f = *state;
	struct health_counters c;
	char digits[16];
	time_t fetched;
	size_t len;

	start(f, 30, 300, 3, HEALTH_MAX_BYTES);
	for (int i = 0; i < 5; i++) {
		snprintf(digits, sizeof(digits), "9198765432%02d", i);
		assert_int_equal(read_one(f, digits, 3000), 0);
	}
	health_counters(f->health, &c);
	assert_int_equal(c.entries, 3);
	/* The oldest went first. */
	assert_false(health_peek(f->health, "919876543200", &len, &fetched));
	assert_false(health_peek(f->health, "919876543201", &len, &fetched));
	assert_true(health_peek(f->health, "919876543204", &len, &fetched));

	health_free(f->health);
	/* Room for two answers' bytes, whatever the entry count allows. */
	start(f, 30, 300, 100, 2 * len + len / 2);
	for (int i = 0; i < 5; i++) {
		snprintf(digits, sizeof(digits), "9198765432%02d", i);
		assert_int_equal(read_one(f, digits, 3000), 0);
	}
	health_counters(f->health, &c);
	assert_int_equal(c.entries, 2);
	assert_true(c.bytes <= 2 * len + len / 2);

	health_free(f->health);
	/* An answer larger than the whole budget is served, not kept. */
	start(f, 30, 300, 100, 10);
	assert_int_equal(read_one(f, NUMBER, 3000), 0);
	health_counters(f->health, &c);
	assert_int_equal(c.entries, 0);
}

static void invalid_digits_never_reach_a_url(void **state)
{
	struct fixture *f = *state;

	start(f, 30, 300, HEALTH_MAX_ENTRIES, HEALTH_MAX_BYTES);
	assert_int_equal(read_one(f, "91987/../x", 3000), -EINVAL);
	assert_int_equal(responder_count(f->server), 0);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(reads_the_documented_path_and_shows_every_field),
		T(answers_are_kept_for_the_ttl),
		T(ttl_zero_keeps_nothing),
		T(drop_forgets_every_answer),
		T(not_found_is_enoent_and_not_kept),
		T(rate_limit_is_waited_out_and_counted),
		T(unusable_answers_are_eio_and_not_kept),
		T(a_slow_answer_ends_at_the_deadline),
		T(concurrent_readers_of_one_number_share_one_request),
		T(concurrent_readers_share_even_without_a_ttl),
		T(different_numbers_are_read_in_parallel),
		T(the_cache_is_bounded_by_entries_and_bytes),
		T(invalid_digits_never_reach_a_url),
	};
#undef T
	int failed;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	failed = cmocka_run_group_tests(tests, NULL, NULL);
	curl_global_cleanup();
	return failed;
}
