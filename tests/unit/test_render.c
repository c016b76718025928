/* test_render.c — the renderer against cJSON_Print() itself, byte for byte:
 * the record shapes DESIGN §2 documents, strings that need escapes, numbers
 * that print_number() writes in each of its forms, empty and deep
 * containers, then thousands of random trees. */
#include "render.h"

#include <cjson/cJSON.h>
#include <float.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/* ITEM rendered as cJSON_Print() renders it, with render_measure() telling
 * the length render_write() writes, not one byte more. */
static void assert_same(const cJSON *item)
{
	char *want = cJSON_Print(item), *got = render_print(item);
	size_t len;

	if (!want) {
		assert_null(got);
		assert_int_not_equal(render_measure(item, &len), 0);
		return;
	}
	assert_non_null(got);
	assert_string_equal(got, want);
	assert_int_equal(render_measure(item, &len), 0);
	assert_int_equal(len, strlen(want));
	{
		char *dst = malloc(len + 2);

		assert_non_null(dst);
		dst[len] = '#';
		dst[len + 1] = '#';
		render_write(item, dst);
		assert_memory_equal(dst, want, len);
		assert_int_equal(dst[len], '#'); /* nothing past the end */
		free(dst);
	}
	cJSON_free(want);
	free(got);
}

static void assert_same_text(const char *text)
{
	cJSON *item = cJSON_Parse(text);

	if (!item)
		fail_msg("not JSON: %s", text);
	assert_same(item);
	cJSON_Delete(item);
}

static void documented_record_shapes(void **state)
{
	static const char *const records[] = {
		/* the full field set, integer fees, null routes */
		"{\"id\":\"85f80cd4-33de-4e6f-9aa7-0022b93fc604\",\"account_id\":\"MA_SANDBOX1\","
		"\"e164\":\"+14150054577\",\"country\":\"US\",\"region\":\"California\","
		"\"capabilities\":{\"voice\":true,\"sms\":true,\"mms\":true,\"fax\":false},\"status\":\"active\","
		"\"setup_fee\":1,\"monthly_fee\":700,\"currency\":\"USD\",\"trunk_group_id\":null,"
		"\"application_id\":null,\"provider\":\"vobiz\",\"voice_enabled\":true,\"tags\":[\"sandbox\"],"
		"\"is_blocked\":false,\"is_trial_number\":false,\"source\":\"purchased\","
		"\"minimum_commitment_months\":0,\"last_billing_date\":\"2025-06-02T04:23:58.721430Z\","
		"\"next_billing_date\":\"2025-07-02T04:23:58.721430Z\",\"aadhaar_verified\":false,"
		"\"aadhaar_verification_status\":\"not_required\",\"purchased_at\":\"2025-06-02T04:23:58Z\","
		"\"released_at\":null,\"created_at\":\"2025-06-02T04:23:58.721430533Z\","
		"\"updated_at\":\"2026-04-02T10:26:58.351027Z\"}",
		/* unset keys absent, float fees */
		"{\"e164\":\"+919876543210\",\"account_id\":\"MA_TEST01\",\"status\":\"pending_release\","
		"\"setup_fee\":1.0,\"monthly_fee\":1.15,\"release_fee\":700.0,\"cooldown_ends_at\":"
		"\"2026-07-21T09:18:26.785758533Z\",\"application_id\":\"20577609616603585\"}",
		/* inventory: tags an object, no region */
		"{\"e164\":\"+442071838750\",\"country\":\"GB\",\"setup_fee\":0.0,\"monthly_fee\":2.5,"
		"\"currency\":\"GBP\",\"tags\":{\"tier\":\"standard\"}}",
		/* a nested application object */
		"{\"e164\":\"+14155550100\",\"application\":{\"id\":\"20577609616603585\",\"name\":\"ivr\","
		"\"created\":\"2026-04-02 12:11:19.740666+00:00\",\"numbers\":[{\"e164\":\"+1\"},{}],\"meta\":{}}}",
		/* strings needing escapes, control characters, UTF-8, \u escapes, "\/" */
		"{\"e164\":\"+14155550100\",\"note\":\"a \\\"quoted\\\" \\\\ back\\/slash\\b\\f\\n\\r\\t end\","
		"\"ctl\":\"\\u0001\\u0002\\u001f\\u007f\",\"utf8\":\"Bengal\xc3\xbcru \xe0\xa4\xac\xe0\xa5\x87\","
		"\"escaped\":\"\\u00e9\\u20ac\\ud83d\\ude00\",\"k\\u0007ey\":\"v\",\"\":\"\"}",
		/* everything empty, at several depths */
		"{\"a\":[],\"b\":{},\"c\":[[],{},[[]],[{}]],\"d\":{\"e\":{},\"f\":{\"g\":[]}},\"h\":[{\"i\":{}}]}",
		"[]",
		"{}",
		"[{}, [], [[{}]]]",
		"\"just a string\"",
		"null",
		"true",
		"false",
		"-0",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(records) / sizeof(records[0]); i++)
		assert_same_text(records[i]);
}

static void tricky_numbers(void **state)
{
	static const char *const texts[] = {
		"0",
		"-0",
		"-0.0",
		"0.1",
		"1.15",
		"700.0",
		"1e21",
		"1e-7",
		"123456789012345678",
		"2147483647",
		"2147483648",
		"-2147483648",
		"-2147483649",
		"0.30000000000000004",
		"5e-324",
		"1.7976931348623157e308",
		"-1.7976931348623157e308",
		"2.2250738585072014e-308",
		"0.0001",
		"0.00009999",
		"0.00012345",
		"99999999999999.9",
		"999999999999999",
		"1000000000000000",
		"9007199254740993",
		"1e15",
		"1e14",
		"123.456",
		"-1.5e-5",
		"3.141592653589793",
		"1.0000000000000002",
		"0.9999999999999999",
		"100.10",
		"1e400",
		"-1e400",
	};
	const double values[] = { NAN,
				  -NAN,
				  INFINITY,
				  -INFINITY,
				  DBL_MIN,
				  DBL_MAX,
				  DBL_TRUE_MIN,
				  -DBL_MIN,
				  0.1 + 0.2,
				  1.0 / 3,
				  2.0 / 3,
				  1e-4,
				  1e-5,
				  nextafter(1e15, 0),
				  nextafter(1e-4, 1),
				  4503599627370497.5 };

	(void)state;
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		char wrapped[64];

		snprintf(wrapped, sizeof(wrapped), "[%s, {\"fee\":%s}]", texts[i], texts[i]);
		assert_same_text(texts[i]);
		assert_same_text(wrapped);
	}
	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		cJSON *n = cJSON_CreateNumber(values[i]);

		assert_non_null(n);
		assert_same(n);
		cJSON_Delete(n);
	}
}

/* The decimals a fee or a rate can be: cents up to 10000, thousandths up
 * to 1000, and their negatives (a stride prime to 10). */
static void every_short_decimal(void **state)
{
	(void)state;
	for (double scale = 100; scale <= 1000; scale *= 10)
		for (int i = -1000000; i <= 1000000; i += 37) {
			cJSON *n = cJSON_CreateNumber(i / scale);

			assert_non_null(n);
			assert_same(n);
			cJSON_Delete(n);
		}
}

static void deep_nesting(void **state)
{
	cJSON *root = cJSON_CreateObject(), *at = root;

	(void)state;
	assert_non_null(root);
	for (int depth = 0; depth < 200; depth++) {
		cJSON *next = depth % 3 == 2 ? cJSON_CreateArray() : cJSON_CreateObject();

		assert_non_null(next);
		if (cJSON_IsArray(at))
			assert_true(cJSON_AddItemToArray(at, next));
		else
			assert_true(cJSON_AddItemToObject(at, "k", next));
		if (depth % 5 == 0)
			assert_non_null(cJSON_AddNumberToObject(root, "n", depth / 7.0));
		at = next;
	}
	assert_same(root);
	cJSON_Delete(root);
}

/* Nodes cJSON builds but never parses: a key or a string left NULL, raw
 * text, and nodes of no valid type, on which cJSON_Print() fails. */
static void nodes_only_built(void **state)
{
	cJSON *obj = cJSON_CreateObject(), *s = cJSON_CreateString("x"), *raw = cJSON_CreateRaw("[1,  2]");
	cJSON *bad = cJSON_CreateObject();
	char *key;
	size_t len;

	(void)state;
	assert_non_null(obj);
	free(s->valuestring);
	s->valuestring = NULL; /* prints as "" */
	assert_true(cJSON_AddItemToObject(obj, "s", s));
	assert_true(cJSON_AddItemToObject(obj, "raw", raw));
	assert_same(obj);
	key = obj->child->string;
	obj->child->string = NULL; /* a member without a key: printed as "" */
	assert_same(obj);
	obj->child->string = key;
	free(obj->child->next->valuestring);
	obj->child->next->valuestring = NULL; /* raw without text: a failure */
	assert_same(obj);
	bad->type = cJSON_Invalid;
	assert_same(bad);
	bad->type = cJSON_True | cJSON_False;
	assert_same(bad);
	bad->type = cJSON_Object | cJSON_IsReference;
	assert_same(bad);
	assert_int_not_equal(render_measure(NULL, &len), 0);
	assert_null(render_print(NULL));
	cJSON_Delete(obj);
	cJSON_Delete(bad);
}

/* A small deterministic generator, so that a failure can be replayed. */
static uint64_t rng_state = 0x9e3779b97f4a7c15u;

static uint32_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 11);
}

/* A string of bytes 1..255 with a bias to the ones that need escapes. */
static void random_text(char *buf, size_t size)
{
	static const char special[] = "\"\\/\b\f\n\r\t\x01\x1f\x7f\xc3\xa9 u0";
	size_t len = rng() % (size - 1);

	for (size_t i = 0; i < len; i++) {
		uint32_t r = rng();

		buf[i] = r % 3   ? (char)('a' + r % 26)
			 : r % 2 ? special[r % (sizeof(special) - 1)]
				 : (char)(1 + r % 255);
	}
	buf[len] = '\0';
}

static double random_number(void)
{
	uint64_t bits = ((uint64_t)rng() << 32) ^ rng();
	double d;

	switch (rng() % 7) {
	case 0:
		memcpy(&d, &bits, sizeof(d)); /* any double, NaN included */
		return d;
	case 1:
		return (double)(int32_t)rng();
	case 2:
		return (double)(int64_t)bits / pow(10, rng() % 20);
	case 3:
		return (rng() % 100000) / 100.0;
	case 4:
		return ((int32_t)rng()) * pow(10, (int)(rng() % 60) - 30);
	case 5:
		return 0.1 * (rng() % 1000);
	default:
		return (rng() % 2 ? -1 : 1) * (rng() % 1000) / pow(10, rng() % 8);
	}
}

static cJSON *random_tree(int depth)
{
	uint32_t kind = depth > 0 ? rng() % 8 : rng() % 6;
	char text[24];
	cJSON *item;

	switch (kind) {
	case 0:
		return cJSON_CreateNull();
	case 1:
		return cJSON_CreateBool(rng() % 2);
	case 2:
	case 3:
		return cJSON_CreateNumber(random_number());
	case 4:
	case 5:
		random_text(text, sizeof(text));
		return cJSON_CreateString(text);
	case 6:
		item = cJSON_CreateArray();
		for (uint32_t n = rng() % 5; item && n > 0; n--)
			cJSON_AddItemToArray(item, random_tree(depth - 1));
		return item;
	default:
		item = cJSON_CreateObject();
		for (uint32_t n = rng() % 6; item && n > 0; n--) {
			cJSON *child = random_tree(depth - 1);

			random_text(text, 8);
			if (child && !cJSON_AddItemToObject(item, text, child))
				cJSON_Delete(child);
		}
		return item;
	}
}

static void random_trees(void **state)
{
	(void)state;
	for (int i = 0; i < 4000; i++) {
		cJSON *tree = random_tree(1 + i % 6);

		assert_non_null(tree);
		assert_same(tree);
		/* Through the parser too: the trees a listing makes. */
		{
			char *text = cJSON_PrintUnformatted(tree);
			cJSON *back = text ? cJSON_Parse(text) : NULL;

			if (back)
				assert_same(back);
			cJSON_Delete(back);
			cJSON_free(text);
		}
		cJSON_Delete(tree);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(documented_record_shapes), cmocka_unit_test(tricky_numbers),
		cmocka_unit_test(every_short_decimal),      cmocka_unit_test(deep_nesting),
		cmocka_unit_test(nodes_only_built),         cmocka_unit_test(random_trees),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
