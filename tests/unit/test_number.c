/* test_number.c — one number's record: built from a listing item (pretty JSON,
 * one final newline, times, country and routes parsed), patched after a change
 * made through the mount, and read back as extended attributes. */
#include "number.h"

#include "arena.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static const char record[] = "{\"e164\":\"+919876543210\",\"account_id\":\"MA_TEST01\",\"country\":\"IN\","
			     "\"region\":\"Karnataka\",\"status\":\"active\","
			     "\"capabilities\":{\"voice\":true,\"sms\":true,\"mms\":false,\"fax\":false},"
			     "\"monthly_fee\":700,\"setup_fee\":0.5,\"currency\":\"INR\",\"trunk_group_id\":null,"
			     "\"is_toll_free\":false,\"tags\":[\"a\",\"b\"],\"vendor\":{\"id\":7},"
			     "\"purchased_at\":\"2024-03-05T10:22:31.123456Z\",\"created_at\":\"2024-03-05T10:22:31Z\","
			     "\"updated_at\":\"2024-03-05T10:22:31+05:30\",\"future_field\":\"kept\"}";

static struct number *from_text(const char *text)
{
	cJSON *item = cJSON_Parse(text);
	struct number *n;

	assert_non_null(item);
	n = number_from_item(item);
	cJSON_Delete(item);
	return n;
}

/* The checks every rendered number must pass. */
static void assert_well_rendered(const struct number *n)
{
	size_t len = strlen(n->json);

	assert_int_equal(n->json_len, len);
	assert_true(len >= 3);
	assert_int_equal(n->json[0], '{');
	assert_int_equal(n->json[len - 1], '\n');
	assert_int_not_equal(n->json[len - 2], '\n');
	assert_true(e164_is_digits(n->digits));
}

static void item_is_rendered_pretty_with_one_newline(void **state)
{
	struct number *n = from_text(record);
	cJSON *orig = cJSON_Parse(record), *back;

	(void)state;
	assert_non_null(n);
	assert_well_rendered(n);
	assert_string_equal(n->digits, "919876543210");
	assert_non_null(strchr(n->json, '\t') ? strchr(n->json, '\t') : strstr(n->json, "  "));
	assert_true(strchr(n->json, '\n') < n->json + n->json_len - 1); /* multi-line */
	/* The record is kept whole, unknown fields and nulls included. */
	back = cJSON_Parse(n->json);
	assert_non_null(back);
	assert_true(cJSON_Compare(orig, back, true));
	assert_non_null(strstr(n->json, "\"future_field\""));
	assert_non_null(strstr(n->json, "\"+919876543210\""));
	cJSON_Delete(back);
	cJSON_Delete(orig);
	free(n);
}

static void e164_with_or_without_plus(void **state)
{
	struct number *n = from_text("{\"e164\":\"918071387149\"}");

	(void)state;
	assert_non_null(n);
	assert_string_equal(n->digits, "918071387149");
	assert_well_rendered(n);
	assert_int_equal(n->status, NUMBER_ACTIVE);
	assert_int_equal(n->purchased_at, 0);
	assert_int_equal(n->updated_at, 0);
	free(n);
}

static void invalid_items_give_null(void **state)
{
	static const char *const bad[] = {
		"{}",
		"{\"e164\":null}",
		"{\"e164\":919876543210}",
		"{\"e164\":\"\"}",
		"{\"e164\":\"+\"}",
		"{\"e164\":\"1234567\"}",
		"{\"e164\":\"+1234567890123456\"}",
		"{\"e164\":\"++919876543210\"}",
		"{\"e164\":\"91987/6543210\"}",
		"{\"e164\":\"%2B919876543210\"}",
		"{\"e164\":[\"+919876543210\"]}",
		"{\"E164\":\"+919876543210\"}",
		"[\"+919876543210\"]",
		"\"+919876543210\"",
		"null",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_null(from_text(bad[i]));
	assert_null(number_from_item(NULL));
}

static void status_parsing(void **state)
{
	struct number *n;

	(void)state;
	assert_int_equal(number_status_parse("active"), NUMBER_ACTIVE);
	assert_int_equal(number_status_parse("pending_release"), NUMBER_PENDING_RELEASE);
	assert_int_equal(number_status_parse("released"), NUMBER_RELEASED);
	assert_int_equal(number_status_parse(NULL), NUMBER_ACTIVE);
	assert_int_equal(number_status_parse(""), NUMBER_ACTIVE);
	assert_int_equal(number_status_parse("PENDING_RELEASE"), NUMBER_ACTIVE);

	n = from_text("{\"e164\":\"+919876543210\",\"status\":\"pending_release\"}");
	assert_int_equal(n->status, NUMBER_PENDING_RELEASE);
	free(n);
	n = from_text("{\"e164\":\"+919876543210\",\"status\":\"released\"}");
	assert_int_equal(n->status, NUMBER_RELEASED);
	free(n);
	n = from_text("{\"e164\":\"+919876543210\",\"status\":7}");
	assert_int_equal(n->status, NUMBER_ACTIVE);
	free(n);
}

static void times_become_epoch_seconds(void **state)
{
	struct number *n = from_text(record);

	(void)state;
	assert_int_equal(n->purchased_at, 1709634151); /* .123456Z */
	assert_int_equal(n->updated_at, 1709614351);   /* +05:30 */
	free(n);
	n = from_text("{\"e164\":\"+919876543210\",\"purchased_at\":\"2000-02-29T12:00:00-08:00\","
		      "\"updated_at\":\"1970-01-01T00:00:00.000001Z\"}");
	assert_int_equal(n->purchased_at, 951825600 + 8 * 3600);
	assert_int_equal(n->updated_at, 0);
	free(n);
	/* Unparseable or non-string times read as 0, the record still loads. */
	n = from_text("{\"e164\":\"+919876543210\",\"purchased_at\":\"yesterday\",\"updated_at\":1709634151}");
	assert_non_null(n);
	assert_int_equal(n->purchased_at, 0);
	assert_int_equal(n->updated_at, 0);
	free(n);
}

static void patched_merges_fields_and_status(void **state)
{
	struct number *n = from_text(record), *p;
	cJSON *patch = cJSON_Parse("{\"status\":\"pending_release\",\"release_fee\":700,"
				   "\"cooldown_ends_at\":\"2024-03-06T10:22:31Z\",\"region\":\"Goa\"}");
	cJSON *orig = cJSON_Parse(record), *rec;

	(void)state;
	assert_non_null(patch);
	assert_non_null(orig);
	p = number_patched(n, patch);
	assert_non_null(p);
	assert_well_rendered(p);
	assert_string_equal(p->digits, "919876543210");
	assert_int_equal(p->status, NUMBER_PENDING_RELEASE);
	assert_int_equal(p->purchased_at, n->purchased_at);
	assert_string_equal(p->country, "IN");
	rec = cJSON_Parse(p->json);
	assert_string_equal(cJSON_GetObjectItem(rec, "status")->valuestring, "pending_release");
	assert_int_equal(cJSON_GetObjectItem(rec, "release_fee")->valuedouble, 700);
	assert_string_equal(cJSON_GetObjectItem(rec, "cooldown_ends_at")->valuestring, "2024-03-06T10:22:31Z");
	assert_string_equal(cJSON_GetObjectItem(rec, "region")->valuestring, "Goa");
	assert_string_equal(cJSON_GetObjectItem(rec, "future_field")->valuestring, "kept");
	/* status and region replaced, not duplicated; two fields added. */
	assert_int_equal(cJSON_GetArraySize(rec), cJSON_GetArraySize(orig) + 2);
	cJSON_Delete(rec);
	cJSON_Delete(orig);
	/* The original is untouched. */
	assert_int_equal(n->status, NUMBER_ACTIVE);
	assert_non_null(strstr(n->json, "Karnataka"));
	assert_null(strstr(n->json, "release_fee"));
	free(p);
	cJSON_Delete(patch);

	/* An empty patch is a faithful copy. */
	patch = cJSON_CreateObject();
	p = number_patched(n, patch);
	assert_non_null(p);
	assert_int_equal(p->json_len, n->json_len);
	assert_string_equal(p->json, n->json);
	assert_well_rendered(p);
	free(p);
	cJSON_Delete(patch);
	free(n);
}

static void routes_are_read_and_checked(void **state)
{
	struct number *n = from_text(record), *p;
	cJSON *patch;

	(void)state;
	/* trunk_group_id null, application_id absent. */
	assert_false(n->has_trunk);
	assert_false(n->has_app);
	assert_string_equal(number_trunk(n), "");
	assert_string_equal(number_application(n), "");

	patch = cJSON_Parse("{\"trunk_group_id\":\"tg_01HZX-a\",\"application_id\":\"app_42\"}");
	p = number_patched(n, patch);
	cJSON_Delete(patch);
	assert_non_null(p);
	assert_true(p->has_trunk);
	assert_true(p->has_app);
	assert_string_equal(number_trunk(p), "tg_01HZX-a");
	assert_string_equal(number_application(p), "app_42");
	free(n);

	/* Back off the trunk. */
	patch = cJSON_Parse("{\"trunk_group_id\":null}");
	n = number_patched(p, patch);
	cJSON_Delete(patch);
	assert_non_null(n);
	assert_false(n->has_trunk);
	assert_string_equal(number_trunk(n), "");
	assert_string_equal(number_application(n), "app_42");
	free(p);
	free(n);

	/* A routing id that could not name a directory is held but not named. */
	n = from_text("{\"e164\":\"+919876543210\",\"trunk_group_id\":\"../etc\",\"application_id\":7}");
	assert_non_null(n);
	assert_true(n->has_trunk);
	assert_true(n->has_app);
	assert_string_equal(number_trunk(n), "");
	assert_string_equal(number_application(n), "");
	free(n);
}

static void size_covers_the_whole_number(void **state)
{
	struct number *n =
	    from_text("{\"e164\":\"+919876543210\",\"trunk_group_id\":\"tg_1\",\"application_id\":\"a_2\"}");
	struct number *copy;

	(void)state;
	assert_non_null(n);
	assert_true(number_size(n) >= sizeof(*n) + n->json_len + 1 + strlen("tg_1") + 1 + strlen("a_2") + 1);
	copy = malloc(number_size(n));
	assert_non_null(copy);
	memcpy(copy, n, number_size(n));
	free(n);
	assert_string_equal(number_trunk(copy), "tg_1");
	assert_string_equal(number_application(copy), "a_2");
	assert_well_rendered(copy);
	free(copy);
}

/* The record is cJSON_Print()'s rendering of the item, one newline added,
 * for the record above and for a draft built in an arena alike. */
static void record_is_cjson_print_of_the_item(void **state)
{
	cJSON *item = cJSON_Parse(record);
	struct arena *arena = arena_new(1024);
	struct number *n, *draft;
	char *want;

	(void)state;
	assert_non_null(item);
	want = cJSON_Print(item);
	assert_non_null(want);
	n = number_from_item(item);
	draft = number_from_item_in(item, arena);
	assert_non_null(n);
	assert_non_null(draft);
	assert_int_equal(n->json_len, strlen(want) + 1);
	assert_memory_equal(n->json, want, strlen(want));
	assert_string_equal(n->json + strlen(want), "\n");
	assert_int_equal(number_size(draft), number_size(n));
	assert_memory_equal(draft->json, n->json, number_size(n) - offsetof(struct number, json));
	assert_string_equal(draft->digits, n->digits);
	assert_string_equal(draft->country, n->country);
	assert_int_equal(draft->status, n->status);
	assert_int_equal(draft->purchased_at, n->purchased_at);
	assert_int_equal(draft->updated_at, n->updated_at);
	assert_int_equal(draft->has_trunk, n->has_trunk);
	assert_int_equal(draft->has_app, n->has_app);
	assert_int_equal(atomic_load(&draft->refs), 0);
	assert_int_equal(atomic_load(&n->refs), 1);
	free(want);
	free(n);
	arena_free(arena);
	cJSON_Delete(item);
}

static void numbers_are_reference_counted(void **state)
{
	struct number *n = from_text(record), *copy;

	(void)state;
	assert_non_null(n);
	assert_int_equal(atomic_load(&n->refs), 1);
	assert_ptr_equal(number_ref(n), n);
	assert_ptr_equal(number_ref(n), n);
	assert_int_equal(atomic_load(&n->refs), 3);
	copy = number_dup(n); /* a copy of its own, whoever else holds N */
	assert_non_null(copy);
	assert_int_equal(atomic_load(&copy->refs), 1);
	number_unref(n);
	number_unref(n);
	assert_int_equal(atomic_load(&n->refs), 1);
	number_unref(n); /* the last: freed (valgrind and ASan would tell) */
	assert_well_rendered(copy);
	/* free() of a number held once is still right, for callers not yet
	 * converted. */
	free(copy);
	assert_null(number_ref(NULL));
	number_unref(NULL);
}

/* Drafts live in their arena, uncounted; number_dup() makes a counted copy
 * that outlives it. */
static void drafts_live_in_their_arena(void **state)
{
	struct arena *arena = arena_new(256);
	cJSON *item = cJSON_Parse(record);
	struct number *drafts[20], *kept;

	(void)state;
	assert_non_null(item);
	for (int i = 0; i < 20; i++) {
		drafts[i] = number_from_item_in(item, arena);
		assert_non_null(drafts[i]);
		assert_true(arena_owns(arena, drafts[i]));
		assert_int_equal(atomic_load(&drafts[i]->refs), 0);
		assert_well_rendered(drafts[i]);
	}
	kept = number_dup(drafts[19]);
	assert_non_null(kept);
	assert_false(arena_owns(arena, kept));
	assert_int_equal(atomic_load(&kept->refs), 1);
	assert_null(number_from_item_in(NULL, arena));
	arena_free(arena);
	cJSON_Delete(item);
	assert_well_rendered(kept);
	assert_string_equal(kept->digits, "919876543210");
	number_unref(kept);
}

/* Every documented status has its place; an unknown one is held, and said. */
static void statuses_and_holds(void **state)
{
	static const struct {
		const char *item;
		enum number_status status;
		enum number_hold hold;
		bool unknown;
	} cases[] = {
		{ "{\"e164\":\"+919876543210\",\"status\":\"active\"}", NUMBER_ACTIVE, NUMBER_FREE, false },
		{ "{\"e164\":\"+919876543210\"}", NUMBER_ACTIVE, NUMBER_FREE, false },
		{ "{\"e164\":\"+919876543210\",\"status\":\"pending_release\"}", NUMBER_PENDING_RELEASE, NUMBER_FREE,
		  false },
		{ "{\"e164\":\"+919876543210\",\"status\":\"released\"}", NUMBER_RELEASED, NUMBER_FREE, false },
		{ "{\"e164\":\"+919876543210\",\"status\":\"blocked\"}", NUMBER_ACTIVE, NUMBER_BLOCKED, false },
		{ "{\"e164\":\"+919876543210\",\"status\":\"active\",\"is_blocked\":true}", NUMBER_ACTIVE,
		  NUMBER_BLOCKED, false },
		{ "{\"e164\":\"+919876543210\",\"status\":\"pending_purchase\"}", NUMBER_ACTIVE,
		  NUMBER_PENDING_PURCHASE, false },
		{ "{\"e164\":\"+919876543210\",\"status\":\"suspended\"}", NUMBER_ACTIVE, NUMBER_FREE, true },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct number *n = from_text(cases[i].item);

		assert_non_null(n);
		assert_int_equal(n->status, cases[i].status);
		assert_int_equal(n->hold, cases[i].hold);
		assert_int_equal(n->status_unknown, cases[i].unknown);
		number_unref(n);
	}
	assert_int_equal(number_hold_errno(NUMBER_BLOCKED), -EPERM);
	assert_int_equal(number_hold_errno(NUMBER_PENDING_PURCHASE), -EBUSY);
	assert_int_equal(number_hold_errno(NUMBER_FREE), 0);
}

/* The count sits in what was padding: a number is no bigger than before. */
static void number_header_stays_small(void **state)
{
	(void)state;
	assert_true(sizeof(struct number) <= 48);
	assert_int_equal(offsetof(struct number, json), sizeof(struct number));
}

static void route_ids(void **state)
{
	char id[ROUTE_ID_MAX + 2];

	(void)state;
	assert_true(route_id_valid("tg_01HZX"));
	assert_true(route_id_valid("a-b_C9"));
	assert_false(route_id_valid(""));
	assert_false(route_id_valid(NULL));
	assert_false(route_id_valid("a/b"));
	assert_false(route_id_valid(".."));
	assert_false(route_id_valid("a b"));
	assert_false(route_id_valid("caf\xc3\xa9"));
	memset(id, 'x', sizeof(id));
	id[ROUTE_ID_MAX] = '\0';
	assert_true(route_id_valid(id));
	id[ROUTE_ID_MAX] = 'x';
	id[ROUTE_ID_MAX + 1] = '\0';
	assert_false(route_id_valid(id));
}

static void country_is_two_letters_or_empty(void **state)
{
	static const char *const bad[] = { "..", "/x", "I/", "1\\n", "\\u00e9", "IND", "I", "" };
	char text[128];
	struct number *n;
	int wrong = 0;

	(void)state;
	n = from_text(record);
	assert_string_equal(n->country, "IN");
	free(n);
	n = from_text("{\"e164\":\"+14155551234\",\"country\":null}");
	assert_string_equal(n->country, "");
	free(n);
	/* The country names a directory: nothing but two letters may pass. */
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), "{\"e164\":\"+14155551234\",\"country\":\"%s\"}", bad[i]);
		n = from_text(text);
		assert_non_null(n);
		if (n->country[0]) {
			print_error("country \"%s\" accepted from %s\n", n->country, text);
			wrong++;
		}
		free(n);
	}
	assert_int_equal(wrong, 0);
}

static bool list_has(const char *buf, size_t len, const char *name)
{
	for (size_t off = 0; off < len; off += strlen(buf + off) + 1)
		if (!strcmp(buf + off, name))
			return true;
	return false;
}

static void xattr_list_names_scalar_fields(void **state)
{
	char buf[1024];
	ssize_t need, got;

	(void)state;
	need = number_xattr_list(record, NULL, 0);
	assert_true(need > 0);
	got = number_xattr_list(record, buf, sizeof(buf));
	assert_int_equal(got, need);
	assert_int_equal(buf[got - 1], '\0');
	assert_true(list_has(buf, (size_t)got, "user.vobiz.country"));
	assert_true(list_has(buf, (size_t)got, "user.vobiz.region"));
	assert_true(list_has(buf, (size_t)got, "user.vobiz.capabilities"));
	assert_true(list_has(buf, (size_t)got, "user.vobiz.monthly_fee"));
	assert_true(list_has(buf, (size_t)got, "user.vobiz.is_toll_free"));
	assert_true(list_has(buf, (size_t)got, "user.vobiz.e164"));
	assert_true(list_has(buf, (size_t)got, "user.vobiz.future_field"));
	assert_false(list_has(buf, (size_t)got, "user.vobiz.trunk_group_id")); /* null */
	assert_false(list_has(buf, (size_t)got, "user.vobiz.tags"));           /* array */
	assert_false(list_has(buf, (size_t)got, "user.vobiz.vendor"));         /* object */
	/* Exactly the right size works; one byte less does not. */
	assert_int_equal(number_xattr_list(record, buf, (size_t)need), need);
	assert_int_equal(number_xattr_list(record, buf, (size_t)need - 1), -ERANGE);
	assert_int_equal(number_xattr_list(record, buf, 5), -ERANGE);
}

static void xattr_list_of_bad_json(void **state)
{
	char buf[64];

	(void)state;
	assert_int_equal(number_xattr_list("[1,2]", buf, sizeof(buf)), -EIO);
	assert_int_equal(number_xattr_list("{\"a\":", buf, sizeof(buf)), -EIO);
	assert_int_equal(number_xattr_list("", buf, sizeof(buf)), -EIO);
	assert_int_equal(number_xattr_list("{}", buf, sizeof(buf)), 0);
	assert_int_equal(number_xattr_list("{}", NULL, 0), 0);
}

static void assert_xattr(const char *json, const char *name, const char *want)
{
	char buf[600];
	ssize_t len;

	memset(buf, 0x55, sizeof(buf));
	len = number_xattr_get(json, name, buf, sizeof(buf));
	assert_int_equal(len, (ssize_t)strlen(want));
	assert_memory_equal(buf, want, strlen(want));
	assert_int_equal(number_xattr_get(json, name, NULL, 0), len);
}

static void xattr_get_values(void **state)
{
	(void)state;
	assert_xattr(record, "user.vobiz.region", "Karnataka");
	assert_xattr(record, "user.vobiz.country", "IN");
	assert_xattr(record, "user.vobiz.monthly_fee", "700");
	assert_xattr(record, "user.vobiz.setup_fee", "0.5");
	assert_xattr(record, "user.vobiz.is_toll_free", "false");
	assert_xattr(record, "user.vobiz.e164", "+919876543210");
	assert_xattr(record, "user.vobiz.capabilities", "voice,sms");
	assert_xattr("{\"capabilities\":{\"fax\":true,\"voice\":false,\"sms\":true}}", "user.vobiz.capabilities",
		     "fax,sms");
	assert_xattr("{\"capabilities\":{\"voice\":false}}", "user.vobiz.capabilities", "");
	assert_xattr("{\"ok\":true}", "user.vobiz.ok", "true");
	assert_xattr("{\"n\":-12}", "user.vobiz.n", "-12");
}

static void xattr_get_sizes(void **state)
{
	char buf[16];

	(void)state;
	assert_int_equal(number_xattr_get(record, "user.vobiz.region", NULL, 0), 9);
	assert_int_equal(number_xattr_get(record, "user.vobiz.region", buf, 0), 9);
	assert_int_equal(number_xattr_get(record, "user.vobiz.region", buf, 9), 9);
	assert_memory_equal(buf, "Karnataka", 9);
	assert_int_equal(number_xattr_get(record, "user.vobiz.region", buf, 8), -ERANGE);
	assert_int_equal(number_xattr_get(record, "user.vobiz.region", buf, 1), -ERANGE);
	assert_int_equal(number_xattr_get(record, "user.vobiz.capabilities", buf, 8), -ERANGE);
	assert_int_equal(number_xattr_get(record, "user.vobiz.capabilities", buf, 9), 9);
}

static void xattr_get_unknown_names(void **state)
{
	char buf[64];

	(void)state;
	assert_int_equal(number_xattr_get(record, "user.vobiz.nope", buf, sizeof(buf)), -ENODATA);
	assert_int_equal(number_xattr_get(record, "user.vobiz.trunk_group_id", buf, sizeof(buf)), -ENODATA);
	assert_int_equal(number_xattr_get(record, "user.vobiz.tags", buf, sizeof(buf)), -ENODATA);
	assert_int_equal(number_xattr_get(record, "user.vobiz.vendor", buf, sizeof(buf)), -ENODATA);
	assert_int_equal(number_xattr_get(record, "user.vobiz.Region", buf, sizeof(buf)), -ENODATA);
	assert_int_equal(number_xattr_get(record, "user.vobiz.", buf, sizeof(buf)), -ENODATA);
	assert_int_equal(number_xattr_get(record, "region", buf, sizeof(buf)), -ENODATA);
	assert_int_equal(number_xattr_get(record, "user.region", buf, sizeof(buf)), -ENODATA);
	assert_int_equal(number_xattr_get(record, "trusted.vobiz.region", buf, sizeof(buf)), -ENODATA);
	assert_int_equal(number_xattr_get(record, "", buf, sizeof(buf)), -ENODATA);
	assert_int_equal(number_xattr_get("[1]", "user.vobiz.region", buf, sizeof(buf)), -EIO);
	assert_int_equal(number_xattr_get("not json", "user.vobiz.region", buf, sizeof(buf)), -EIO);
}

/* Whatever listxattr names, getxattr must answer (getfattr -d reads them all). */
static void assert_listed_names_readable(const char *json)
{
	char names[4096];
	ssize_t len = number_xattr_list(json, names, sizeof(names));

	assert_true(len >= 0);
	for (size_t off = 0; off < (size_t)len; off += strlen(names + off) + 1)
		assert_true(number_xattr_get(json, names + off, NULL, 0) >= 0);
}

static void listed_names_are_readable(void **state)
{
	(void)state;
	assert_listed_names_readable(record);
	assert_listed_names_readable("{\"e164\":\"+919876543210\",\"capabilities\":null}");
	assert_listed_names_readable("{\"e164\":\"+919876543210\",\"capabilities\":[\"voice\"]}");
	/* Duplicate names: the one listed must be the one read. */
	assert_listed_names_readable("{\"e164\":\"+919876543210\",\"region\":null,\"region\":\"Karnataka\"}");
}

static void long_values_are_whole(void **state)
{
	enum { LEN = 2000 };
	static char json[LEN + 64], value[LEN + 1], buf[LEN + 1];

	(void)state;
	memset(value, 'v', LEN);
	value[LEN] = '\0';
	snprintf(json, sizeof(json), "{\"note\":\"%s\"}", value);
	assert_int_equal(number_xattr_get(json, "user.vobiz.note", NULL, 0), LEN);
	assert_int_equal(number_xattr_get(json, "user.vobiz.note", buf, LEN), LEN);
	assert_memory_equal(buf, value, LEN);
}

/* DESIGN §2, "Shapes that vary": route keys absent, null or strings (digit
 * strings for applications); fees as integers or floats; every documented
 * field kept; 0, 6 or 9 fractional digits. */
static void documented_shapes(void **state)
{
	struct number *n;
	char buf[1024];
	ssize_t len;

	(void)state;
	n = from_text("{\"e164\":\"+919876543210\",\"status\":\"active\"}");
	assert_non_null(n);
	assert_false(n->has_trunk);
	assert_false(n->has_app);
	assert_int_equal(number_xattr_get(n->json, "user.vobiz.trunk_group_id", NULL, 0), -ENODATA);
	assert_int_equal(number_xattr_get(n->json, "user.vobiz.application_id", NULL, 0), -ENODATA);
	free(n);

	n = from_text("{\"e164\":\"+919876543210\",\"application_id\":\"20577609616603585\",\"trunk_group_id\":null}");
	assert_true(n->has_app);
	assert_false(n->has_trunk);
	assert_string_equal(number_application(n), "20577609616603585");
	assert_xattr(n->json, "user.vobiz.application_id", "20577609616603585");
	free(n);

	n = from_text("{\"e164\":\"+14155550100\",\"setup_fee\":1.0,\"monthly_fee\":1.15,\"release_fee\":0.0,"
		      "\"purchased_at\":\"2026-07-21T09:18:26Z\",\"updated_at\":\"2026-07-21T09:18:26.785758533Z\","
		      "\"created_at\":\"2026-04-02 12:11:19.740666+00:00\"}");
	assert_non_null(n);
	assert_xattr(n->json, "user.vobiz.setup_fee", "1");
	assert_non_null(strstr(n->json, "\"setup_fee\":\t1,")); /* printed anew, as SEMANTICS says */
	assert_xattr(n->json, "user.vobiz.monthly_fee", "1.15");
	assert_xattr(n->json, "user.vobiz.release_fee", "0");
	assert_int_equal(n->purchased_at, 1784625506);
	assert_int_equal(n->updated_at, 1784625506);
	assert_xattr(n->json, "user.vobiz.updated_at", "2026-07-21T09:18:26.785758533Z");
	free(n);

	n = from_text("{\"id\":\"5f0c6a9e\",\"e164\":\"+919876543210\",\"provider\":\"vobiz\",\"voice_enabled\":true,"
		      "\"tags\":[\"ivr\"],\"is_blocked\":false,\"is_trial_number\":true,"
		      "\"last_billing_date\":\"2026-03-01T00:00:00Z\",\"next_billing_date\":null,"
		      "\"minimum_commitment_months\":3,\"aadhaar_verified\":false,\"source\":\"ported\","
		      "\"released_at\":null}");
	assert_non_null(n);
	assert_xattr(n->json, "user.vobiz.is_trial_number", "true");
	assert_xattr(n->json, "user.vobiz.minimum_commitment_months", "3");
	assert_xattr(n->json, "user.vobiz.aadhaar_verified", "false");
	assert_xattr(n->json, "user.vobiz.source", "ported");
	assert_int_equal(number_xattr_get(n->json, "user.vobiz.tags", NULL, 0), -ENODATA);
	assert_int_equal(number_xattr_get(n->json, "user.vobiz.next_billing_date", NULL, 0), -ENODATA);
	len = number_xattr_list(n->json, buf, sizeof(buf));
	assert_true(len > 0);
	assert_true(list_has(buf, (size_t)len, "user.vobiz.last_billing_date"));
	assert_false(list_has(buf, (size_t)len, "user.vobiz.released_at"));
	assert_non_null(strstr(n->json, "\"next_billing_date\""));
	free(n);
}

/* Issue 11: where a NUL is in JSON text — an escape or a raw byte — and what
 * only looks like one. */
static void json_nul_is_found_past_escapes(void **state)
{
	static const struct {
		const char *text;
		size_t len, want;
	} cases[] = {
		{ "", 0, 0 },
		{ "{\"a\":\"b\"}", 9, 9 },
		{ "\"\\u0000\"", 8, 6 }, /* "\u0000": its last digit */
		{ "\"a\\u0000b\"", 10, 7 },
		{ "\"\\\\u0000\"", 9, 9 },         /* "\\u0000": a backslash, then text */
		{ "\"\\\\\\u0000\"", 10, 8 },      /* "\\\u0000": a backslash, then a NUL */
		{ "\"\\\\\\\\u0000\"", 11, 11 },   /* "\\\\u0000" */
		{ "\"\\u0001\\u00100\"", 15, 15 }, /* other escapes */
		{ "\"\\u000\"", 7, 7 },            /* too short */
		{ "\\u000", 5, 5 },
		{ "\\u0000", 5, 5 }, /* cut by LEN */
		{ "\\u0000", 6, 5 },
		{ "a\0b", 3, 1 },      /* a raw NUL byte */
		{ "\\\0u0000", 7, 1 }, /* a backslash escaping a raw NUL */
		{ "\\", 1, 1 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(number_json_nul(cases[i].text, cases[i].len, 0), cases[i].want);
	/* FROM finds the next. */
	assert_int_equal(number_json_nul("\\u0000\\u0000", 12, 0), 5);
	assert_int_equal(number_json_nul("\\u0000\\u0000", 12, 6), 11);
	assert_int_equal(number_json_nul("\\u0000\\u0000", 12, 12), 12);
}

/* A name or value a NUL would cut short is never shown: the record is
 * refused whole (the listing never lets one in; this is the last guard). */
static void xattrs_of_a_record_with_nul_are_eio(void **state)
{
	static const char *const bad[] = {
		"{\"application_id\":\"app_1\\u0000xxx\"}",
		"{\"region\":\"Goa\",\"note\":\"\\u0000\"}",
		"{\"region\\u0000x\":\"Goa\"}",
		"{\"capabilities\":{\"voice\\u0000x\":true}}",
		"{\"region\":\"Goa\",\"tags\":[\"a\\u0000\"]}",
	};
	char buf[256];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(number_xattr_list(bad[i], buf, sizeof(buf)), -EIO);
		assert_int_equal(number_xattr_list(bad[i], NULL, 0), -EIO);
		assert_int_equal(number_xattr_get(bad[i], "user.vobiz.application_id", buf, sizeof(buf)), -EIO);
		assert_int_equal(number_xattr_get(bad[i], "user.vobiz.region", NULL, 0), -EIO);
		assert_int_equal(number_xattr_get(bad[i], "user.vobiz.capabilities", buf, sizeof(buf)), -EIO);
	}
	/* An escaped backslash is text: the value is whole. */
	assert_xattr("{\"application_id\":\"app_1\\\\u0000xxx\"}", "user.vobiz.application_id", "app_1\\u0000xxx");
	assert_listed_names_readable("{\"a\\\\u0000b\":\"\\\\u0000\"}");
	assert_xattr("{\"a\\\\u0000b\":1}", "user.vobiz.a\\u0000b", "1");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(item_is_rendered_pretty_with_one_newline),
		cmocka_unit_test(e164_with_or_without_plus),
		cmocka_unit_test(invalid_items_give_null),
		cmocka_unit_test(status_parsing),
		cmocka_unit_test(times_become_epoch_seconds),
		cmocka_unit_test(patched_merges_fields_and_status),
		cmocka_unit_test(routes_are_read_and_checked),
		cmocka_unit_test(size_covers_the_whole_number),
		cmocka_unit_test(record_is_cjson_print_of_the_item),
		cmocka_unit_test(numbers_are_reference_counted),
		cmocka_unit_test(drafts_live_in_their_arena),
		cmocka_unit_test(statuses_and_holds),
		cmocka_unit_test(number_header_stays_small),
		cmocka_unit_test(route_ids),
		cmocka_unit_test(country_is_two_letters_or_empty),
		cmocka_unit_test(xattr_list_names_scalar_fields),
		cmocka_unit_test(xattr_list_of_bad_json),
		cmocka_unit_test(xattr_get_values),
		cmocka_unit_test(xattr_get_sizes),
		cmocka_unit_test(xattr_get_unknown_names),
		cmocka_unit_test(listed_names_are_readable),
		cmocka_unit_test(long_values_are_whole),
		cmocka_unit_test(documented_shapes),
		cmocka_unit_test(json_nul_is_found_past_escapes),
		cmocka_unit_test(xattrs_of_a_record_with_nul_are_eio),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
