/* test_apijson.c — the API's bodies as the daemon reads them: listing pages
 * (validated, bad items skipped), every documented error shape (DESIGN §2),
 * the answers to a release, a cancel, a routing change and a purchase, each
 * in every shape DESIGN §2 documents ("Shapes that vary").  Bodies are
 * untrusted: nothing may crash. */
#include "apijson.h"
#include "catalog.h"

#include "arena.h"
#include "number.h"

#include <cjson/cJSON.h>

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define ITEM_A                                                                                                         \
	"{\"e164\":\"+919876543210\",\"account_id\":\"MA_TEST01\",\"country\":\"IN\",\"region\":\"Karnataka\","        \
	"\"status\":\"active\",\"capabilities\":{\"voice\":true,\"sms\":true,\"mms\":false,\"fax\":false},"            \
	"\"monthly_fee\":700,\"setup_fee\":0,\"currency\":\"INR\",\"trunk_group_id\":null,"                            \
	"\"purchased_at\":\"2024-03-05T10:22:31.123456Z\",\"created_at\":\"2024-03-05T10:22:31.123456Z\","             \
	"\"updated_at\":\"2024-06-01T08:00:00+05:30\",\"x_new_field\":{\"deep\":[1,2,{\"k\":\"v\"}]}}"
#define ITEM_B "{\"e164\":\"+918071387149\",\"account_id\":\"SA_SUB02\",\"status\":\"pending_release\"}"

static int parse_page(const char *body, struct list_page *page)
{
	return apijson_parse_list_page(body, strlen(body), page);
}

static void assert_page_empty(const struct list_page *page)
{
	assert_null(page->items);
	assert_int_equal(page->count, 0);
	assert_int_equal(page->skipped, 0);
}

static void page_is_parsed(void **state)
{
	struct list_page page;

	(void)state;
	assert_int_equal(
	    parse_page("{\"items\":[" ITEM_A "," ITEM_B "],\"page\":3,\"per_page\":100,\"total\":250}", &page), 0);
	assert_int_equal(page.count, 2);
	assert_int_equal(page.skipped, 0);
	assert_int_equal(page.page, 3);
	assert_int_equal(page.per_page, 100);
	assert_int_equal(page.total, 250);
	assert_string_equal(page.items[0]->digits, "919876543210");
	assert_string_equal(page.items[1]->digits, "918071387149");
	assert_int_equal(page.items[0]->status, NUMBER_ACTIVE);
	assert_int_equal(page.items[1]->status, NUMBER_PENDING_RELEASE);
	assert_int_equal(page.items[0]->purchased_at, 1709634151);
	list_page_free(&page);
	assert_page_empty(&page);
}

static void unknown_fields_are_kept(void **state)
{
	struct list_page page;
	const char *json;

	(void)state;
	assert_int_equal(parse_page("{\"items\":[" ITEM_A "],\"total\":1,\"next\":\"opaque\"}", &page), 0);
	assert_int_equal(page.count, 1);
	json = page.items[0]->json;
	assert_non_null(strstr(json, "\"x_new_field\""));
	assert_non_null(strstr(json, "\"deep\""));
	assert_non_null(strstr(json, "\"k\":"));
	assert_non_null(strstr(json, "\"trunk_group_id\":"));
	assert_non_null(strstr(json, "null"));
	assert_non_null(strstr(json, "\"+919876543210\""));
	/* page and per_page are optional. */
	assert_int_equal(page.page, 0);
	assert_int_equal(page.per_page, 0);
	list_page_free(&page);
}

static void empty_page(void **state)
{
	struct list_page page;

	(void)state;
	assert_int_equal(parse_page("{\"items\":[],\"page\":1,\"per_page\":25,\"total\":0}", &page), 0);
	assert_int_equal(page.count, 0);
	assert_int_equal(page.skipped, 0);
	assert_int_equal(page.total, 0);
	list_page_free(&page);
	/* A later page past the end: no items, but a total. */
	assert_int_equal(parse_page("{\"items\":[],\"page\":9,\"per_page\":100,\"total\":250}", &page), 0);
	assert_int_equal(page.count, 0);
	assert_int_equal(page.total, 250);
	list_page_free(&page);
}

static void invalid_items_skipped_and_counted(void **state)
{
	struct list_page page;

	(void)state;
	assert_int_equal(parse_page("{\"items\":[" ITEM_A ",{\"e164\":\"+12\"},{\"e164\":null},{},5,\"+919876543211\","
				    "null,[],{\"e164\":\"+91/../../x\"},{\"e164\":\"+%2B91987654321\"}," ITEM_B
				    "],\"total\":11}",
				    &page),
			 0);
	assert_int_equal(page.count, 2);
	assert_int_equal(page.skipped, 9);
	assert_string_equal(page.items[0]->digits, "919876543210");
	assert_string_equal(page.items[1]->digits, "918071387149");
	list_page_free(&page);
}

static void required_fields(void **state)
{
	static const char *const bad[] = {
		"{\"total\":1}",                /* no items */
		"{\"items\":null,\"total\":0}", /* items not an array */
		"{\"items\":{},\"total\":0}",
		"{\"items\":\"[]\",\"total\":0}",
		"{\"items\":[" ITEM_A "]}",                 /* no total */
		"{\"items\":[" ITEM_A "],\"total\":-1}",    /* negative */
		"{\"items\":[" ITEM_A "],\"total\":2.5}",   /* not an integer */
		"{\"items\":[" ITEM_A "],\"total\":\"1\"}", /* a string */
		"{\"items\":[" ITEM_A "],\"total\":null}",
		"{\"items\":[" ITEM_A "],\"total\":true}",
		"{\"items\":[" ITEM_A "],\"total\":1e300}", /* huge */
		"{\"items\":[" ITEM_A "],\"total\":-1e300}",
		"{\"items\":[" ITEM_A "],\"total\":18446744073709551617}",
		"{\"Items\":[" ITEM_A "],\"total\":1}", /* case matters */
	};
	struct list_page page;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&page, 0x5a, sizeof(page));
		assert_int_equal(parse_page(bad[i], &page), -EIO);
		assert_page_empty(&page);
	}
}

static void malformed_bodies(void **state)
{
	static const char *const bad[] = {
		"",
		"[]",
		"[" ITEM_A "]",
		"\"items\"",
		"42",
		"null",
		"true",
		"{",
		"{\"items\":[",
		"{\"items\":[],\"total\":0",
		"<html><body>502 Bad Gateway</body></html>",
		"items=1&total=0",
		"{\"items\":[],\"total\":0,}",
	};
	struct list_page page;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(parse_page(bad[i], &page), -EIO);
		assert_page_empty(&page);
	}
	assert_int_equal(apijson_parse_list_page(NULL, 0, &page), -EIO);
	assert_page_empty(&page);
}

/* Every proper prefix of a good page is malformed, and none leaks. */
static void truncated_pages(void **state)
{
	static const char good[] = "{\"items\":[" ITEM_A "," ITEM_B "],\"page\":1,\"per_page\":100,\"total\":2}";
	struct list_page page;

	(void)state;
	for (size_t n = 0; n < sizeof(good) - 1; n++) {
		/* An exact-size heap copy with no NUL: any overread is caught by ASan/valgrind. */
		char *body = malloc(n ? n : 1);

		memcpy(body, good, n);
		assert_int_equal(apijson_parse_list_page(body, n, &page), -EIO);
		assert_page_empty(&page);
		free(body);
	}
	assert_int_equal(parse_page(good, &page), 0);
	assert_int_equal(page.count, 2);
	list_page_free(&page);
}

static void length_bounds_the_body(void **state)
{
	static const char text[] = "{\"items\":[],\"total\":0}";
	size_t len = strlen(text);
	char *body = malloc(len);
	struct list_page page;

	(void)state;
	memcpy(body, text, len); /* not NUL-terminated */
	assert_int_equal(apijson_parse_list_page(body, len, &page), 0);
	assert_int_equal(page.total, 0);
	list_page_free(&page);
	free(body);
}

static void huge_numbers(void **state)
{
	struct list_page page;

	(void)state;
	assert_int_equal(parse_page("{\"items\":[],\"page\":1e300,\"per_page\":-7,\"total\":1000000000000}", &page), 0);
	assert_int_equal(page.total, 1000000000000L);
	assert_int_equal(page.page, 0);
	assert_int_equal(page.per_page, 0);
	list_page_free(&page);
	assert_int_equal(parse_page("{\"items\":[{\"e164\":\"+919876543210\",\"monthly_fee\":1e308,\"n\":-1e308,"
				    "\"big\":123456789012345678901234567890}],\"total\":1}",
				    &page),
			 0);
	assert_int_equal(page.count, 1);
	assert_non_null(strstr(page.items[0]->json, "\"big\""));
	list_page_free(&page);
}

static void many_items(void **state)
{
	enum { N = 1000 };
	size_t cap = 64 + N * 40;
	char *body = malloc(cap);
	size_t off = 0;
	struct list_page page;

	(void)state;
	off += (size_t)snprintf(body + off, cap - off, "{\"items\":[");
	for (size_t i = 0; i < N; i++)
		off += (size_t)snprintf(body + off, cap - off, "%s{\"e164\":\"+91%010zu\"}", i ? "," : "", i);
	off += (size_t)snprintf(body + off, cap - off, "],\"total\":%d}", N);
	assert_int_equal(apijson_parse_list_page(body, off, &page), 0);
	assert_int_equal(page.count, N);
	assert_string_equal(page.items[N - 1]->digits, "910000000999");
	list_page_free(&page);
	free(body);
}

static void parse_error(const char *body, struct api_error *err)
{
	memset(err, 0x5a, sizeof(*err));
	apijson_parse_error(body, body ? strlen(body) : 0, err);
}

static void assert_error_empty(const struct api_error *err)
{
	assert_string_equal(err->code, "");
	assert_string_equal(err->message, "");
	assert_string_equal(err->request_id, "");
	assert_int_equal(err->retry_after_ms, -1);
}

static void error_string_with_message(void **state)
{
	struct api_error err;

	(void)state;
	parse_error("{\"error\":\"forbidden\",\"message\":\"account does not own this number\"}", &err);
	assert_string_equal(err.code, "forbidden");
	assert_string_equal(err.message, "account does not own this number");
	assert_int_equal(err.retry_after_ms, -1);
	parse_error("{\"error\":\"not_found\",\"message\":\"number not found in inventory\"}", &err);
	assert_string_equal(err.code, "not_found");
	assert_string_equal(err.message, "number not found in inventory");
	parse_error("{\"error\":\"internal_server_error\",\"message\":\"failed to purchase number\"}", &err);
	assert_string_equal(err.code, "internal_server_error");
	assert_string_equal(err.message, "failed to purchase number");
}

static void error_string_alone_is_the_message(void **state)
{
	struct api_error err;

	(void)state;
	parse_error("{\"error\":\"number not found\"}", &err);
	assert_string_equal(err.code, "number not found");
	assert_string_equal(err.message, "number not found");
	assert_int_equal(err.retry_after_ms, -1);
}

static void error_object_with_numeric_code(void **state)
{
	struct api_error err;

	(void)state;
	parse_error("{\"error\":{\"code\":401,\"message\":\"Invalid token\"}}", &err);
	assert_string_equal(err.code, "401");
	assert_string_equal(err.message, "Invalid token");
	assert_int_equal(err.retry_after_ms, -1);
	parse_error("{\"error\":{\"code\":403}}", &err);
	assert_string_equal(err.code, "403");
	assert_string_equal(err.message, "");
}

static void rate_limit_shape(void **state)
{
	struct api_error err;

	(void)state;
	parse_error(
	    "{\"status\":\"error\",\"error\":{\"code\":\"RATE_LIMIT_EXCEEDED\",\"message\":\"Too many requests\","
	    "\"details\":{\"retryAfter\":1}}}",
	    &err);
	assert_string_equal(err.code, "RATE_LIMIT_EXCEEDED");
	assert_string_equal(err.message, "Too many requests");
	assert_int_equal(err.retry_after_ms, 1000);
	parse_error("{\"error\":{\"code\":\"RATE_LIMIT_EXCEEDED\",\"details\":{\"retryAfter\":2.5}}}", &err);
	assert_int_equal(err.retry_after_ms, 2500);
	parse_error("{\"error\":{\"code\":\"RATE_LIMIT_EXCEEDED\",\"details\":{\"retryAfter\":0}}}", &err);
	assert_int_equal(err.retry_after_ms, 0);
	/* Nonsense delays are ignored rather than obeyed. */
	parse_error("{\"error\":{\"code\":\"RATE_LIMIT_EXCEEDED\",\"details\":{\"retryAfter\":-1}}}", &err);
	assert_int_equal(err.retry_after_ms, -1);
	parse_error("{\"error\":{\"code\":\"RATE_LIMIT_EXCEEDED\",\"details\":{\"retryAfter\":\"1\"}}}", &err);
	assert_int_equal(err.retry_after_ms, -1);
	parse_error("{\"error\":{\"code\":\"RATE_LIMIT_EXCEEDED\",\"details\":{\"retryAfter\":1e300}}}", &err);
	assert_int_equal(err.retry_after_ms, -1);
	parse_error("{\"error\":{\"code\":\"RATE_LIMIT_EXCEEDED\",\"details\":[1]}}", &err);
	assert_int_equal(err.retry_after_ms, -1);
	assert_string_equal(err.code, "RATE_LIMIT_EXCEEDED");
}

static void malformed_error_bodies(void **state)
{
	static const char *const bad[] = {
		"",
		"{\"error\":",
		"<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head></html>",
		"Internal Server Error",
		"[\"error\"]",
		"\"forbidden\"",
		"null",
		"{}",
		"{\"error\":null}",
		"{\"error\":[\"forbidden\"]}",
		"{\"error\":{\"code\":null,\"message\":[]}}",
	};
	struct api_error err;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		parse_error(bad[i], &err);
		assert_error_empty(&err);
	}
	parse_error(NULL, &err);
	assert_error_empty(&err);
}

static void long_error_fields_are_cut_and_terminated(void **state)
{
	char body[2048], msg[1001];
	struct api_error err;

	(void)state;
	memset(msg, 'm', 1000);
	msg[1000] = '\0';
	snprintf(body, sizeof(body), "{\"error\":\"%.300s\",\"message\":\"%s\"}", msg, msg);
	parse_error(body, &err);
	assert_int_equal(strlen(err.code), sizeof(err.code) - 1);
	assert_int_equal(strlen(err.message), sizeof(err.message) - 1);
}

static int parse_release(const char *body, struct release_answer *ans)
{
	memset(ans, 0x5a, sizeof(*ans));
	return apijson_parse_release(body, body ? strlen(body) : 0, ans);
}

static void release_empty_body_is_ok(void **state)
{
	struct release_answer ans;

	(void)state;
	assert_int_equal(parse_release(NULL, &ans), 0);
	assert_string_equal(ans.status, "");
	assert_string_equal(ans.cooldown_ends_at, "");
	assert_string_equal(ans.message, "");
	assert_false(ans.has_release_fee);
	assert_int_equal(parse_release("", &ans), 0);
	assert_false(ans.has_release_fee);
	assert_string_equal(ans.status, "");
}

static void release_pending_answer(void **state)
{
	struct release_answer ans;

	(void)state;
	assert_int_equal(
	    parse_release("{\"status\":\"pending_release\",\"release_fee\":700,"
			  "\"cooldown_ends_at\":\"2024-03-06T10:22:31.123456Z\","
			  "\"cancel_url\":\"/api/v1/account/MA_TEST01/numbers/%2B919876543210/cancel-release\","
			  "\"message\":\"Number scheduled for release\"}",
			  &ans),
	    0);
	assert_string_equal(ans.status, "pending_release");
	assert_true(ans.has_release_fee);
	assert_true(ans.release_fee == 700.0);
	assert_string_equal(ans.cooldown_ends_at, "2024-03-06T10:22:31.123456Z");
	assert_string_equal(ans.message, "Number scheduled for release");

	assert_int_equal(parse_release("{\"status\":\"released\"}", &ans), 0);
	assert_string_equal(ans.status, "released");
	assert_false(ans.has_release_fee);
	assert_string_equal(ans.cooldown_ends_at, "");

	assert_int_equal(parse_release("{\"release_fee\":\"700\",\"status\":5}", &ans), 0);
	assert_false(ans.has_release_fee);
}

static void release_non_object_is_eio(void **state)
{
	static const char *const bad[] = { "[]", "\"pending_release\"", "null", "204", "{", "<html></html>", " " };
	struct release_answer ans;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(parse_release(bad[i], &ans), -EIO);
}

/* DESIGN §2, "Shapes that vary": the examples below are written from it, one
 * per documented shape. */

/* trunk_group_id / application_id: a string, null, or absent (the current
 * docs omit unset keys); application ids are digit strings. */
static void route_keys_string_null_or_absent(void **state)
{
	struct list_page page;

	(void)state;
	assert_int_equal(parse_page("{\"items\":["
				    "{\"e164\":\"+919876543210\",\"status\":\"active\",\"trunk_group_id\":\"tg_1\"},"
				    "{\"e164\":\"+919876543211\",\"status\":\"active\",\"trunk_group_id\":null,"
				    "\"application_id\":null},"
				    "{\"e164\":\"+919876543212\",\"status\":\"active\"},"
				    "{\"e164\":\"+919876543213\",\"status\":\"active\","
				    "\"application_id\":\"20577609616603585\"}],"
				    "\"page\":1,\"per_page\":25,\"total\":4}",
				    &page),
			 0);
	assert_int_equal(page.count, 4);
	assert_true(page.items[0]->has_trunk);
	assert_false(page.items[0]->has_app);
	assert_string_equal(number_trunk(page.items[0]), "tg_1");
	for (int i = 1; i <= 2; i++) {
		assert_false(page.items[i]->has_trunk);
		assert_false(page.items[i]->has_app);
		assert_string_equal(number_trunk(page.items[i]), "");
		assert_string_equal(number_application(page.items[i]), "");
	}
	/* Absent keys stay absent: nothing is invented. */
	assert_null(strstr(page.items[2]->json, "trunk_group_id"));
	assert_null(strstr(page.items[2]->json, "application_id"));
	assert_true(page.items[3]->has_app);
	assert_string_equal(number_application(page.items[3]), "20577609616603585");
	list_page_free(&page);
}

/* An item with every field DESIGN lists: all kept, attributes read. */
#define RICH_ITEM                                                                                                      \
	"{\"id\":\"5f0c6a9e-8f7e-4b7b-9a57-1c1f3c0b8a11\",\"account_id\":\"MA_TEST01\",\"e164\":\"+919876543210\","    \
	"\"country\":\"IN\",\"region\":\"Karnataka\","                                                                 \
	"\"capabilities\":{\"voice\":true,\"sms\":false,\"mms\":false,\"fax\":false},\"status\":\"active\","           \
	"\"setup_fee\":0.0,\"monthly_fee\":1.0,\"currency\":\"INR\",\"provider\":\"vobiz\",\"voice_enabled\":true,"    \
	"\"tags\":[\"support\",\"ivr\"],\"is_blocked\":false,\"is_trial_number\":false,"                               \
	"\"last_billing_date\":\"2026-03-01T00:00:00Z\",\"next_billing_date\":\"2026-04-01T00:00:00Z\","               \
	"\"minimum_commitment_months\":3,\"aadhaar_verified\":false,\"aadhaar_verification_status\":\"not_required\"," \
	"\"source\":\"purchased\",\"released_at\":null,\"purchased_at\":\"2025-04-02T12:11:19Z\","                     \
	"\"created_at\":\"2025-04-02T12:11:19Z\",\"updated_at\":\"2026-07-20T09:18:26.785758533Z\"}"

static void every_documented_field_is_kept(void **state)
{
	static const char *const fields[] = {
		"\"id\"",
		"\"provider\"",
		"\"voice_enabled\"",
		"\"tags\"",
		"\"is_blocked\"",
		"\"is_trial_number\"",
		"\"last_billing_date\"",
		"\"next_billing_date\"",
		"\"minimum_commitment_months\"",
		"\"aadhaar_verified\"",
		"\"aadhaar_verification_status\"",
		"\"source\"",
		"\"released_at\"",
	};
	struct list_page page;

	(void)state;
	assert_int_equal(parse_page("{\"items\":[" RICH_ITEM "],\"page\":1,\"per_page\":25,\"total\":1}", &page), 0);
	assert_int_equal(page.count, 1);
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		assert_non_null(strstr(page.items[0]->json, fields[i]));
	assert_non_null(strstr(page.items[0]->json, "\"ivr\""));
	assert_string_equal(page.items[0]->country, "IN");
	assert_int_equal(page.items[0]->purchased_at, 1743595879);
	assert_int_equal(page.items[0]->updated_at, 1784539106);
	list_page_free(&page);
}

/* Inventory items: tags is an object there, region may be absent. */
static void inventory_item_shapes(void **state)
{
	struct list_page page;

	(void)state;
	assert_int_equal(parse_page("{\"items\":[{\"e164\":\"+14155550100\",\"country\":\"US\",\"setup_fee\":1,"
				    "\"monthly_fee\":1.15,\"currency\":\"USD\",\"tags\":{\"tier\":\"standard\"}}],"
				    "\"page\":1,\"per_page\":100,\"total\":1}",
				    &page),
			 0);
	assert_int_equal(page.count, 1);
	assert_string_equal(page.items[0]->digits, "14155550100");
	assert_non_null(strstr(page.items[0]->json, "\"tier\""));
	assert_null(strstr(page.items[0]->json, "region"));
	list_page_free(&page);
}

/* The platform format: an error object inside {"status":"error",...} with
 * "timestamp" and "requestId". */
static void platform_error_format(void **state)
{
	struct api_error err;

	(void)state;
	parse_error("{\"status\":\"error\",\"error\":{\"code\":\"RATE_LIMIT_EXCEEDED\",\"message\":\"Too many "
		    "requests\",\"details\":{\"retryAfter\":1}},\"timestamp\":\"2026-07-20T09:18:26.785Z\","
		    "\"requestId\":\"req_01J3Z8Q5N7\"}",
		    &err);
	assert_string_equal(err.code, "RATE_LIMIT_EXCEEDED");
	assert_string_equal(err.message, "Too many requests");
	assert_string_equal(err.request_id, "req_01J3Z8Q5N7");
	assert_int_equal(err.retry_after_ms, 1000);
	parse_error("{\"status\":\"error\",\"error\":{\"code\":401,\"message\":\"Invalid token\"},"
		    "\"timestamp\":\"2026-07-20 09:18:26.785758+00:00\",\"requestId\":\"7d1c\"}",
		    &err);
	assert_string_equal(err.code, "401");
	assert_string_equal(err.message, "Invalid token");
	assert_string_equal(err.request_id, "7d1c");
	assert_int_equal(err.retry_after_ms, -1);
	/* A request id of another type is no request id. */
	parse_error("{\"error\":\"forbidden\",\"requestId\":{\"id\":1}}", &err);
	assert_string_equal(err.request_id, "");
}

/* The error strings the routing and cancel calls document. */
static void documented_error_strings(void **state)
{
	static const struct {
		const char *body, *code, *message;
	} cases[] = {
		{ "{\"error\":\"access denied\"}", "access denied", "access denied" },
		{ "{\"error\":\"number is not pending release\"}", "number is not pending release",
		  "number is not pending release" },
		{ "{\"error\":\"invalid request\",\"message\":\"This number is already assigned to a trunk.\"}",
		  "invalid request", "This number is already assigned to a trunk." },
		{ "{\"error\":\"Number not found\",\"message\":\"number not found\"}", "Number not found",
		  "number not found" },
		{ "{\"error\":\"did_cool_off_in_effect\",\"cool_off_until\":\"2026-07-21T09:18:26Z\","
		  "\"cool_off_remaining_seconds\":86000}",
		  "did_cool_off_in_effect", "did_cool_off_in_effect" },
	};
	struct api_error err;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		parse_error(cases[i].body, &err);
		assert_string_equal(err.code, cases[i].code);
		assert_string_equal(err.message, cases[i].message);
		assert_string_equal(err.request_id, "");
		assert_int_equal(err.retry_after_ms, -1);
	}
}

/* The current dialect's release answer: 9 fractional digits, and a
 * cancel_url with a raw '+' and lowercase account, which is never read. */
static void release_answer_with_nanoseconds_and_cancel_url(void **state)
{
	struct release_answer ans;

	(void)state;
	assert_int_equal(parse_release("{\"status\":\"pending_release\",\"release_fee\":700.0,"
				       "\"cooldown_ends_at\":\"2026-07-21T09:18:26.785758533Z\","
				       "\"cancel_url\":\"https://api.vobiz.ai/api/v1/account/MA_TEST01/numbers/"
				       "+919876543210/cancel-release\",\"message\":\"Number scheduled for release\"}",
				       &ans),
			 0);
	assert_string_equal(ans.status, "pending_release");
	assert_string_equal(ans.cooldown_ends_at, "2026-07-21T09:18:26.785758533Z");
	assert_true(ans.has_release_fee);
	assert_true(ans.release_fee == 700.0);
	assert_string_equal(ans.refund_status, "");
	assert_false(ans.has_refund_amount);
}

/* Cancel-release: refunded, or restored with the refund failed. */
static void cancel_answers_with_refund(void **state)
{
	struct release_answer ans;

	(void)state;
	assert_int_equal(parse_release("{\"status\":\"active\",\"message\":\"Release cancelled\",\"refund_amount\":700,"
				       "\"currency\":\"INR\"}",
				       &ans),
			 0);
	assert_string_equal(ans.status, "active");
	assert_string_equal(ans.message, "Release cancelled");
	assert_true(ans.has_refund_amount);
	assert_true(ans.refund_amount == 700.0);
	assert_string_equal(ans.currency, "INR");
	assert_string_equal(ans.refund_status, "");
	assert_string_equal(ans.refund_error, "");

	assert_int_equal(parse_release("{\"status\":\"active\",\"message\":\"Release cancelled\","
				       "\"refund_amount\":1.5,\"currency\":\"GBP\",\"refund_status\":\"failed\","
				       "\"refund_error\":\"could not process refund, please contact support\"}",
				       &ans),
			 0);
	assert_string_equal(ans.status, "active");
	assert_string_equal(ans.refund_status, "failed");
	assert_string_equal(ans.refund_error, "could not process refund, please contact support");
	assert_true(ans.refund_amount == 1.5);
	assert_string_equal(ans.currency, "GBP");

	/* null or mistyped refund fields are absent. */
	assert_int_equal(parse_release("{\"status\":\"active\",\"refund_amount\":null,\"currency\":null,"
				       "\"refund_status\":7,\"refund_error\":null}",
				       &ans),
			 0);
	assert_false(ans.has_refund_amount);
	assert_string_equal(ans.currency, "");
	assert_string_equal(ans.refund_status, "");
	assert_string_equal(ans.refund_error, "");
}

/* Routing answers: assign 204 (empty) or 200 with a body; the application
 * attach answer with its nested object and space-separated timestamps. */
static void routing_answers(void **state)
{
	struct release_answer ans;

	(void)state;
	assert_int_equal(parse_release("", &ans), 0);
	assert_int_equal(parse_release("{\"message\":\"Trunk assigned successfully\",\"e164\":\"+919876543210\","
				       "\"trunk_group_id\":\"tg_1\"}",
				       &ans),
			 0);
	assert_string_equal(ans.message, "Trunk assigned successfully");
	assert_int_equal(
	    parse_release("{\"message\":\"Application attached\",\"number\":\"+919876543210\",\"application\":{"
			  "\"app_id\":\"20577609616603585\",\"app_name\":\"IVR\","
			  "\"created_at\":\"2026-04-02 12:11:19.740666+00:00\","
			  "\"updated_at\":\"2026-04-02 12:11:19.740666+00:00\"}}",
			  &ans),
	    0);
	assert_string_equal(ans.message, "Application attached");
	assert_string_equal(ans.status, "");
}

static int parse_purchase(const char *body, const char *digits, struct number **n, char *message, size_t len)
{
	*n = (struct number *)n;
	memset(message, 0x5a, len);
	return apijson_parse_purchase(body, body ? strlen(body) : 0, digits, n, message, len);
}

static void purchase_answer_shapes(void **state)
{
	char message[64];
	struct number *n;

	(void)state;
	/* {"message","number"} */
	assert_int_equal(parse_purchase("{\"message\":\"Number purchased successfully\",\"number\":{\"e164\":"
					"\"+919876543210\",\"account_id\":\"MA_TEST01\",\"status\":\"active\"}}",
					"919876543210", &n, message, sizeof(message)),
			 0);
	assert_non_null(n);
	assert_string_equal(n->digits, "919876543210");
	assert_string_equal(message, "Number purchased successfully");
	assert_non_null(strstr(n->json, "\"account_id\":\t\"MA_TEST01\""));
	free(n);

	/* "items" beside "number": "number" wins. */
	assert_int_equal(parse_purchase("{\"message\":\"ok\",\"number\":{\"e164\":\"+919876543210\",\"region\":\"A\"},"
					"\"items\":[{\"e164\":\"+919876543210\",\"region\":\"B\"}]}",
					"919876543210", &n, message, sizeof(message)),
			 0);
	assert_non_null(n);
	assert_non_null(strstr(n->json, "\"A\""));
	free(n);

	/* Only "items": the one that is this number. */
	assert_int_equal(parse_purchase("{\"items\":[{\"e164\":\"+14155550100\"},{\"e164\":\"+919876543210\","
					"\"region\":\"B\"}]}",
					"919876543210", &n, message, sizeof(message)),
			 0);
	assert_non_null(n);
	assert_non_null(strstr(n->json, "\"B\""));
	assert_string_equal(message, "");
	free(n);

	/* "auth_id" instead of "account_id": both, same value. */
	assert_int_equal(parse_purchase("{\"message\":\"ok\",\"number\":{\"e164\":\"+919876543210\","
					"\"auth_id\":\"MA_TEST01\"}}",
					"919876543210", &n, message, sizeof(message)),
			 0);
	assert_non_null(n);
	assert_non_null(strstr(n->json, "\"auth_id\":\t\"MA_TEST01\""));
	assert_non_null(strstr(n->json, "\"account_id\":\t\"MA_TEST01\""));
	free(n);

	/* An account_id already there is not overwritten. */
	assert_int_equal(parse_purchase("{\"number\":{\"e164\":\"+919876543210\",\"auth_id\":\"X\","
					"\"account_id\":\"MA_TEST01\"}}",
					"919876543210", &n, message, sizeof(message)),
			 0);
	assert_non_null(strstr(n->json, "\"account_id\":\t\"MA_TEST01\""));
	free(n);

	/* No number for these digits: NULL, still a success. */
	assert_int_equal(parse_purchase("{\"message\":\"ok\",\"number\":{\"e164\":\"+14155550100\"}}", "919876543210",
					&n, message, sizeof(message)),
			 0);
	assert_null(n);
	assert_int_equal(parse_purchase("{\"message\":\"ok\",\"number\":\"+919876543210\",\"items\":7}", "919876543210",
					&n, message, sizeof(message)),
			 0);
	assert_null(n);
	assert_int_equal(parse_purchase("", "919876543210", &n, message, sizeof(message)), 0);
	assert_null(n);
	assert_string_equal(message, "");
	assert_int_equal(parse_purchase("[1]", "919876543210", &n, message, sizeof(message)), -EIO);
	assert_null(n);
	assert_int_equal(parse_purchase("{\"number\":", "919876543210", &n, message, sizeof(message)), -EIO);
	assert_null(n);
}

/* Issue 11: cJSON decodes "\u0000" into a NUL inside its C strings, which
 * cuts the text short: "+91800000\u00000003" would be the valid number
 * 91800000, and rm would release a number the API never listed. */

/* Every field vobizfs uses, clean and with a NUL in its value. */
static const struct {
	const char *key, *clean, *spoiled;
} item_fields[] = {
	{ "e164", "\"+919800000003\"", "\"+91800000\\u00000003\"" }, /* the reproduction */
	{ "account_id", "\"MA_TEST01\"", "\"MA_TEST01\\u0000SA_OTHER\"" },
	{ "country", "\"IN\"", "\"IN\\u0000XX\"" },
	{ "region", "\"Goa\"", "\"Goa\\u0000\"" },
	{ "status", "\"active\"", "\"pending_release\\u0000x\"" },
	{ "capabilities", "{\"voice\":true,\"sms\":false}", "{\"voice\":true,\"sms\\u0000x\":false}" },
	{ "monthly_fee", "700", "\"700\\u0000\"" },
	{ "currency", "\"INR\"", "\"INR\\u0000USD\"" },
	{ "trunk_group_id", "\"trunk-1\"", "\"trunk-1\\u0000evil\"" },
	{ "application_id", "\"20577609616603585\"", "\"20577609616603585\\u00001\"" },
	{ "purchased_at", "\"2024-03-05T10:22:31Z\"", "\"2024-03-05T10:22:31Z\\u0000junk\"" },
	{ "updated_at", "\"2024-06-01T08:00:00Z\"", "\"\\u00002024-06-01T08:00:00Z\"" },
	{ "tags", "[\"a\"]", "[\"a\\u0000b\"]" },
	{ "x_unknown", "{\"deep\":[1,{\"k\":\"v\"}]}", "{\"deep\":[1,{\"k\":\"v\\u0000\"}]}" },
};

/* An item of ITEM_FIELDS into BUF, field SPOIL (or none, when it is past
 * the end) spoiled: its value, or with KEY its key ("e164\u0000x" reads
 * "e164"). */
static const char *item_with(size_t spoil, bool key, char *buf, size_t len)
{
	size_t off = 0;

	for (size_t i = 0; i < sizeof(item_fields) / sizeof(item_fields[0]); i++)
		off += (size_t)snprintf(buf + off, len - off, "%s\"%s%s\":%s", i ? "," : "{", item_fields[i].key,
					i == spoil && key ? "\\u0000x" : "",
					i == spoil && !key ? item_fields[i].spoiled : item_fields[i].clean);
	snprintf(buf + off, len - off, "}");
	return buf;
}

static void assert_nul_item_skipped(const char *item)
{
	char body[2048];
	struct list_page page;

	snprintf(body, sizeof(body), "{\"items\":[" ITEM_A ",%s," ITEM_B "],\"page\":1,\"per_page\":3,\"total\":3}",
		 item);
	assert_int_equal(parse_page(body, &page), 0);
	/* The page keeps its size: the listing's page checks still add up. */
	assert_int_equal(page.count + page.skipped, 3);
	assert_int_equal(page.skipped, 1);
	assert_int_equal(page.nul_items, 1);
	assert_string_equal(page.items[0]->digits, "919876543210");
	assert_string_equal(page.items[1]->digits, "918071387149");
	list_page_free(&page);
}

/* ITEM between ITEM_A and ITEM_B is skipped for WHY, and only it. */
static void assert_skipped_for(const char *item, enum list_skip why)
{
	char body[2048];
	struct list_page page;

	snprintf(body, sizeof(body), "{\"items\":[" ITEM_A ",%s," ITEM_B "],\"page\":1,\"per_page\":3,\"total\":3}",
		 item);
	assert_int_equal(parse_page(body, &page), 0);
	assert_int_equal(page.count, 2);
	assert_int_equal(page.skipped, 1);
	for (int i = 0; i < LIST_SKIPS; i++)
		assert_int_equal(page.skipped_by[i], i == (int)why ? 1 : 0);
	assert_string_equal(page.items[0]->digits, "919876543210");
	assert_string_equal(page.items[1]->digits, "918071387149");
	list_page_free(&page);
}

/* One reading for everyone: what cJSON would read one way and jq or Python
 * another (the first or the last of two keys), or what is no text, or an
 * e164 that is not '+' and ASCII digits, is never shown. */
static void items_read_two_ways_are_skipped(void **state)
{
	static const struct {
		const char *item;
		enum list_skip why;
	} cases[] = {
		{ "{\"e164\":\"+918111111111\",\"e164\":\"+918222222222\"}", LIST_SKIP_DUPLICATE },
		{ "{\"e164\":\"+918111111111\",\"trunk_group_id\":null,\"trunk_group_id\":\"tg-1\"}",
		  LIST_SKIP_DUPLICATE },
		{ "{\"e164\":\"+918111111111\",\"status\":\"active\",\"status\":\"released\"}", LIST_SKIP_DUPLICATE },
		{ "{\"e164\":\"+918111111111\",\"capabilities\":{\"voice\":true,\"voice\":false}}",
		  LIST_SKIP_DUPLICATE },
		{ "{\"e164\":\"+918111111111\",\"tags\":[{\"k\":1,\"k\":2}]}", LIST_SKIP_DUPLICATE },
		{ "{\"e164\":\"+918111111111\",\"region\":\"Goa\xff\"}", LIST_SKIP_UTF8 },
		{ "{\"e164\":\"+918111111111\",\"region\":\"\xc0\xaf\"}", LIST_SKIP_UTF8 },     /* overlong '/' */
		{ "{\"e164\":\"+918111111111\",\"region\":\"\xed\xa0\x80\"}", LIST_SKIP_UTF8 }, /* a surrogate */
		{ "{\"e164\":\"+918111111111\",\"reg\xe9ion\":\"Goa\"}", LIST_SKIP_UTF8 },      /* in a key */
		{ "{\"e164\":\"+918111111111\",\"tags\":[\"a\",\"\xf5\x80\x80\x80\"]}", LIST_SKIP_UTF8 },
		{ "{\"e164\":918111111111}", LIST_SKIP_E164 },
		{ "{\"e164\":\"918111111111\"}", LIST_SKIP_E164 },
		{ "{\"e164\":\"+91 8111111111\"}", LIST_SKIP_E164 },
		{ "{\"e164\":\"+\xd9\xa9\xd9\xa1\xd9\xa8\xd9\xa1\xd9\xa1\xd9\xa1\xd9\xa1\xd9\xa1\"}", LIST_SKIP_E164 },
		{ "{\"e164\":\"+918111111111 \"}", LIST_SKIP_E164 },
		{ "{\"status\":\"active\"}", LIST_SKIP_E164 },
		{ "\"+918111111111\"", LIST_SKIP_E164 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_skipped_for(cases[i].item, cases[i].why);
}

/* Well-formed text of any script is no reason to skip an item. */
static void utf8_of_any_script_is_taken(void **state)
{
	const char *body = "{\"items\":[{\"e164\":\"+918111111111\",\"region\":\"\xe0\xa4\x97\xe0\xa5\x8b\xe0\xa4\x86 "
			   "\xf0\x9f\x93\x9e \\u00e9\"}],\"total\":1}";
	struct list_page page;

	(void)state;
	assert_int_equal(parse_page(body, &page), 0);
	assert_int_equal(page.count, 1);
	assert_int_equal(page.skipped, 0);
	list_page_free(&page);
}

/* An older revision's owner key: "auth_id" becomes "account_id" too, kept
 * itself; an item naming both keeps its account_id. */
static void auth_id_names_the_owner(void **state)
{
	const char *body = "{\"items\":[{\"e164\":\"+918111111111\",\"auth_id\":\"SA_SUB02\"},"
			   "{\"e164\":\"+918222222222\",\"auth_id\":\"SA_SUB02\",\"account_id\":\"MA_TEST01\"}],"
			   "\"total\":2}";
	struct list_page page;
	char owner[ROUTE_ID_MAX + 1];

	(void)state;
	assert_int_equal(parse_page(body, &page), 0);
	assert_int_equal(page.count, 2);
	catalog_record_account(page.items[0]->json, page.items[0]->json_len, owner);
	assert_string_equal(owner, "SA_SUB02");
	assert_non_null(strstr(page.items[0]->json, "\"auth_id\":\t\"SA_SUB02\""));
	catalog_record_account(page.items[1]->json, page.items[1]->json_len, owner);
	assert_string_equal(owner, "MA_TEST01");
	list_page_free(&page);
}

static void nul_in_any_field_skips_the_item(void **state)
{
	static const char *const odd[] = {
		"{\"e164\":\"+919800000003\\u0000\"}", /* at the end: nothing visible cut, still a NUL */
		"{\"e164\\u0000x\":\"+91800000\"}",
		"[\"+91800000\\u00000003\"]",
		"\"+91800000\\u00000003\"",
	};
	size_t nfields = sizeof(item_fields) / sizeof(item_fields[0]);
	struct list_page page;
	char item[1024], body[2048];

	(void)state;
	/* Clean, the item is kept, with every field read. */
	snprintf(body, sizeof(body), "{\"items\":[%s],\"total\":1}", item_with(nfields, false, item, sizeof(item)));
	assert_int_equal(parse_page(body, &page), 0);
	assert_int_equal(page.count, 1);
	assert_string_equal(page.items[0]->digits, "919800000003");
	assert_string_equal(page.items[0]->country, "IN");
	assert_string_equal(number_trunk(page.items[0]), "trunk-1");
	assert_string_equal(number_application(page.items[0]), "20577609616603585");
	assert_int_equal(page.items[0]->purchased_at, 1709634151);
	list_page_free(&page);

	for (size_t i = 0; i < nfields; i++) {
		assert_nul_item_skipped(item_with(i, false, item, sizeof(item)));
		assert_nul_item_skipped(item_with(i, true, item, sizeof(item)));
	}
	for (size_t i = 0; i < sizeof(odd) / sizeof(odd[0]); i++)
		assert_nul_item_skipped(odd[i]);
}

/* A clean item with one more field, "note": VALUE. */
#define ITEM_NOTE(value) "{\"e164\":\"+919800000003\",\"trunk_group_id\":\"trunk-1\",\"note\":" value "}"

/* Text that only looks like a NUL is kept. */
static void escapes_that_are_not_nul_are_kept(void **state)
{
	static const char *const fine[] = {
		ITEM_NOTE("1"), ITEM_NOTE("\"C:\\\\u0000\""), /* an escaped backslash, then text */
		ITEM_NOTE("\"\\\\\\\\u0000\""),               /* two of them */
		ITEM_NOTE("\"\\u0001\\u0020\""),              /* other escapes */
	};
	struct list_page page;
	char body[2048], value[32];

	(void)state;
	for (size_t i = 0; i < sizeof(fine) / sizeof(fine[0]); i++) {
		snprintf(body, sizeof(body), "{\"items\":[%s],\"total\":1}", fine[i]);
		assert_int_equal(parse_page(body, &page), 0);
		assert_int_equal(page.count, 1);
		assert_int_equal(page.nul_items, 0);
		assert_string_equal(page.items[0]->digits, "919800000003");
		assert_string_equal(number_trunk(page.items[0]), "trunk-1");
		list_page_free(&page);
	}
	/* The note reads back whole, backslash and all. */
	snprintf(body, sizeof(body), "{\"items\":[%s],\"total\":1}", fine[1]);
	assert_int_equal(parse_page(body, &page), 0);
	assert_int_equal(number_xattr_get(page.items[0]->json, "user.vobiz.note", value, sizeof(value)), 8);
	assert_memory_equal(value, "C:\\u0000", 8);
	list_page_free(&page);
	/* But a backslash escaped, then one that starts "\u0000", is a NUL. */
	snprintf(body, sizeof(body), "{\"items\":[%s],\"total\":1}", ITEM_NOTE("\"\\\\\\u0000\""));
	assert_int_equal(parse_page(body, &page), 0);
	assert_int_equal(page.count, 0);
	assert_int_equal(page.nul_items, 1);
	list_page_free(&page);
}

/* A raw NUL byte inside a string is a NUL too; one between tokens cuts no
 * string and is whitespace to the parser. */
static void raw_nul_bytes(void **state)
{
	static const char in_string[] = "{\"items\":[{\"e164\":\"+91800000\0"
					"0003\"}," ITEM_A "],\"total\":2}";
	static const char between[] = "{\"items\":[" ITEM_A "],\0\"total\":1}";
	static const char in_key[] = "{\"items\":[],\"total\0x\":0,\"total\":7}";
	struct list_page page;

	(void)state;
	assert_int_equal(apijson_parse_list_page(in_string, sizeof(in_string) - 1, &page), 0);
	assert_int_equal(page.count, 1);
	assert_int_equal(page.skipped, 1);
	assert_int_equal(page.nul_items, 1);
	assert_string_equal(page.items[0]->digits, "919876543210");
	list_page_free(&page);

	assert_int_equal(apijson_parse_list_page(between, sizeof(between) - 1, &page), 0);
	assert_int_equal(page.count, 1);
	assert_int_equal(page.nul_items, 0);
	list_page_free(&page);

	assert_int_equal(apijson_parse_list_page(in_key, sizeof(in_key) - 1, &page), -EIO);
	assert_page_empty(&page);
}

/* A NUL on the page outside its items: a key that would read as "total" or
 * "items", or any other string — the page is refused. */
static void nul_outside_the_items_refuses_the_page(void **state)
{
	static const char *const bad[] = {
		"{\"items\":[" ITEM_A "],\"total\\u0000\":1}",
		"{\"items\":[" ITEM_A "],\"total\\u0000x\":5,\"total\":1}",
		"{\"items\\u0000\":[" ITEM_B "],\"items\":[" ITEM_A "],\"total\":1}",
		"{\"items\":[" ITEM_A "],\"total\":1,\"next\":\"opaque\\u0000\"}",
		"{\"items\":[" ITEM_A "],\"total\":1,\"meta\":{\"cursor\":[\"\\u0000\"]}}",
		"{\"\\u0000\":1,\"items\":[" ITEM_A "],\"total\":1}",
	};
	struct list_page page;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&page, 0x5a, sizeof(page));
		assert_int_equal(parse_page(bad[i], &page), -EIO);
		assert_page_empty(&page);
		assert_int_equal(page.nul_items, 0);
	}
}

static void nul_in_error_bodies_leaves_them_empty(void **state)
{
	static const char *const bad[] = {
		"{\"error\":\"forbidden\\u0000x\",\"message\":\"account does not own this number\"}",
		"{\"error\":\"forbidden\",\"message\":\"account does not own\\u0000 this number\"}",
		"{\"error\":\"number not found\\u0000\"}",
		"{\"error\":{\"code\":401,\"message\":\"Invalid\\u0000 token\"}}",
		"{\"status\":\"error\",\"error\":{\"code\":\"RATE_LIMIT_EXCEEDED\",\"message\":\"Too many\","
		"\"details\":{\"retryAfter\":1}},\"requestId\":\"req-1\\u0000\"}",
		"{\"error\\u0000x\":\"forbidden\"}",
	};
	struct api_error err;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		parse_error(bad[i], &err);
		assert_error_empty(&err);
	}
	/* An escaped backslash is no NUL. */
	parse_error("{\"error\":\"forbidden\",\"message\":\"a\\\\u0000\"}", &err);
	assert_string_equal(err.code, "forbidden");
	assert_string_equal(err.message, "a\\u0000");
}

static void nul_in_release_answers_is_eio(void **state)
{
	static const char *const bad[] = {
		"{\"status\":\"pending_release\\u0000x\",\"release_fee\":700}",
		"{\"status\":\"released\\u0000\"}",
		"{\"status\":\"pending_release\",\"cooldown_ends_at\":\"2024-03-06T10:22:31Z\\u0000x\"}",
		"{\"status\":\"active\",\"refund_status\":\"failed\\u0000\",\"refund_amount\":700}",
		"{\"status\":\"active\",\"currency\":\"INR\\u0000\"}",
		"{\"status\":\"pending_release\",\"message\":\"Number scheduled\\u0000\"}",
		"{\"status\\u0000\":\"pending_release\"}",
		"{\"status\":\"pending_release\",\"cancel_url\":\"/api/v1/account/X/numbers/+1\\u0000/"
		"cancel-release\"}",
	};
	struct release_answer ans;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&ans, 0x5a, sizeof(ans));
		assert_int_equal(parse_release(bad[i], &ans), -EIO);
		assert_string_equal(ans.status, "");
		assert_string_equal(ans.refund_status, "");
		assert_string_equal(ans.message, "");
		assert_false(ans.has_release_fee);
	}
}

static void nul_in_purchase_answers_is_eio(void **state)
{
	static const char *const bad[] = {
		"{\"message\":\"ok\",\"number\":{\"e164\":\"+91800000\\u00000003\"}}",
		"{\"message\":\"ok\",\"number\":{\"e164\":\"+91800000\",\"region\":\"\\u0000\"}}",
		"{\"message\":\"ok\\u0000\",\"number\":{\"e164\":\"+91800000\"}}",
		"{\"items\":[{\"e164\":\"+91800000\\u00000003\"}]}",
		"{\"number\":{\"e164\":\"+91800000\",\"auth_id\":\"MA_TEST01\\u0000x\"}}",
	};
	char message[64];
	struct number *n;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(parse_purchase(bad[i], "91800000", &n, message, sizeof(message)), -EIO);
		assert_null(n);
		assert_string_equal(message, "");
	}
	assert_int_equal(parse_purchase("{\"message\":\"ok\",\"number\":{\"e164\":\"+91800000\"}}", "91800000", &n,
					message, sizeof(message)),
			 0);
	assert_non_null(n);
	free(n);
}

/* A page's numbers are drafts in its arena: whole until list_page_free(),
 * however the thread's scratch arena is reused by later pages and whatever
 * else is parsed meanwhile. */
static void items_survive_until_list_page_free(void **state)
{
	static const char *const items[] = { ITEM_A, ITEM_B };
	struct list_page page, later;
	char *want[2];

	(void)state;
	for (int i = 0; i < 2; i++) {
		cJSON *item = cJSON_Parse(items[i]);

		assert_non_null(item);
		want[i] = cJSON_Print(item);
		assert_non_null(want[i]);
		cJSON_Delete(item);
	}
	assert_int_equal(parse_page("{\"items\":[" ITEM_A "," ITEM_B "],\"total\":2}", &page), 0);
	assert_int_equal(page.count, 2);
	for (int round = 0; round < 20; round++) {
		cJSON *other = cJSON_Parse("{\"unrelated\":[\"x\",\"y\",{\"z\":1}]}");

		assert_int_equal(parse_page("{\"items\":[" ITEM_B "," ITEM_A "," ITEM_B "],\"total\":3}", &later), 0);
		assert_int_equal(later.count, 3);
		list_page_free(&later);
		assert_int_equal(parse_page("{\"items\":[{\"e164\":\"+1\\u0000\"}],\"total\":1}", &later), 0);
		assert_int_equal(later.nul_items, 1);
		list_page_free(&later);
		cJSON_Delete(other);
	}
	for (size_t i = 0; i < page.count; i++) {
		assert_true(arena_owns(page.arena, page.items[i]));
		assert_int_equal(page.items[i]->json_len, strlen(want[i]) + 1);
		assert_memory_equal(page.items[i]->json, want[i], strlen(want[i]));
	}
	list_page_free(&page);
	assert_null(page.arena);
	list_page_free(&page); /* an empty page: nothing to do */
	free(want[0]);
	free(want[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(page_is_parsed),
		cmocka_unit_test(items_survive_until_list_page_free),
		cmocka_unit_test(unknown_fields_are_kept),
		cmocka_unit_test(empty_page),
		cmocka_unit_test(invalid_items_skipped_and_counted),
		cmocka_unit_test(required_fields),
		cmocka_unit_test(malformed_bodies),
		cmocka_unit_test(truncated_pages),
		cmocka_unit_test(length_bounds_the_body),
		cmocka_unit_test(huge_numbers),
		cmocka_unit_test(many_items),
		cmocka_unit_test(error_string_with_message),
		cmocka_unit_test(error_string_alone_is_the_message),
		cmocka_unit_test(error_object_with_numeric_code),
		cmocka_unit_test(rate_limit_shape),
		cmocka_unit_test(malformed_error_bodies),
		cmocka_unit_test(long_error_fields_are_cut_and_terminated),
		cmocka_unit_test(release_empty_body_is_ok),
		cmocka_unit_test(release_pending_answer),
		cmocka_unit_test(release_non_object_is_eio),
		cmocka_unit_test(route_keys_string_null_or_absent),
		cmocka_unit_test(every_documented_field_is_kept),
		cmocka_unit_test(inventory_item_shapes),
		cmocka_unit_test(platform_error_format),
		cmocka_unit_test(documented_error_strings),
		cmocka_unit_test(release_answer_with_nanoseconds_and_cancel_url),
		cmocka_unit_test(cancel_answers_with_refund),
		cmocka_unit_test(routing_answers),
		cmocka_unit_test(purchase_answer_shapes),
		cmocka_unit_test(nul_in_any_field_skips_the_item),
		cmocka_unit_test(escapes_that_are_not_nul_are_kept),
		cmocka_unit_test(raw_nul_bytes),
		cmocka_unit_test(items_read_two_ways_are_skipped),
		cmocka_unit_test(utf8_of_any_script_is_taken),
		cmocka_unit_test(auth_id_names_the_owner),
		cmocka_unit_test(nul_outside_the_items_refuses_the_page),
		cmocka_unit_test(nul_in_error_bodies_leaves_them_empty),
		cmocka_unit_test(nul_in_release_answers_is_eio),
		cmocka_unit_test(nul_in_purchase_answers_is_eio),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
