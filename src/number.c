/* number.c — the record of one number: parsed from the listing, rendered once,
 * and read back field by field for extended attributes. */
#include "number.h"

#include "arena.h"
#include "jsonmem.h"
#include "render.h"
#include "timefmt.h"

#include <assert.h>
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define XATTR_PREFIX "user.vobiz."

enum number_status number_status_parse(const char *s)
{
	if (s && !strcmp(s, "pending_release"))
		return NUMBER_PENDING_RELEASE;
	if (s && !strcmp(s, "released"))
		return NUMBER_RELEASED;
	return NUMBER_ACTIVE;
}

enum number_hold number_hold_parse(const char *s, bool is_blocked, bool *known)
{
	static const char *const documented[] = { "active", "pending_purchase", "pending_release", "released",
						  "blocked" };

	*known = !s;
	for (size_t i = 0; s && i < sizeof(documented) / sizeof(*documented); i++)
		*known = *known || !strcmp(s, documented[i]);
	if (is_blocked || (s && !strcmp(s, "blocked")))
		return NUMBER_BLOCKED;
	if (s && !strcmp(s, "pending_purchase"))
		return NUMBER_PENDING_PURCHASE;
	return NUMBER_FREE;
}

int number_hold_errno(enum number_hold hold)
{
	return hold == NUMBER_BLOCKED ? -EPERM : hold == NUMBER_PENDING_PURCHASE ? -EBUSY : 0;
}

const char *number_hold_why(enum number_hold hold)
{
	return hold == NUMBER_BLOCKED ? "the API lists it blocked (status or is_blocked); nothing sent"
	       : hold == NUMBER_PENDING_PURCHASE
		   ? "the API lists its purchase as not done (pending_purchase); nothing sent"
		   : "";
}

static time_t field_time(const cJSON *f)
{
	time_t t;

	if (cJSON_IsString(f) && timefmt_parse_rfc3339(f->valuestring, &t) == 0)
		return t;
	return 0;
}

bool route_id_valid(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	return n > 0 && n <= ROUTE_ID_MAX &&
	       strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") == n;
}

bool country_code_valid(const char *s)
{
	return strlen(s) == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z';
}

/* A routing field: present (not null) or not, and its value when it is a
 * valid id. */
static const char *route_field(const cJSON *f, bool *present)
{
	*present = f && !cJSON_IsNull(f);
	return cJSON_IsString(f) && route_id_valid(f->valuestring) ? f->valuestring : "";
}

size_t number_json_nul(const char *text, size_t len, size_t from)
{
	/* memchr: every page of the listing is scanned, at memory speed. */
	const char *raw = from < len ? memchr(text + from, '\0', len - from) : NULL;
	size_t end = raw ? (size_t)(raw - text) : len;

	for (size_t i = from; i < end; i++) {
		const char *backslash = memchr(text + i, '\\', end - i);

		if (!backslash)
			break;
		i = (size_t)(backslash - text);
		/* Hex digits have a case, but "0000" has none. */
		if (end - i >= 6 && !memcmp(text + i + 1, "u0000", 5))
			return i + 5;
		/* Step over the escaped character: "\\u0000" is a backslash,
		 * then text. */
		i++;
	}
	return end;
}

/* The fields of an item a number is built from. */
enum item_field { F_E164, F_STATUS, F_COUNTRY, F_TRUNK, F_APP, F_PURCHASED, F_UPDATED, F_BLOCKED, F_COUNT };

static const char *const field_names[F_COUNT] = {
	[F_E164] = "e164",          [F_STATUS] = "status",
	[F_COUNTRY] = "country",    [F_TRUNK] = "trunk_group_id",
	[F_APP] = "application_id", [F_PURCHASED] = "purchased_at",
	[F_UPDATED] = "updated_at", [F_BLOCKED] = "is_blocked",
};

/* Each field of ITEM that F_COUNT names, as cJSON_GetObjectItemCaseSensitive()
 * finds it (the first of duplicate keys; none past a child without a key),
 * in one walk over the item instead of one per field. */
static void find_fields(const cJSON *item, const cJSON *found[F_COUNT])
{
	unsigned missing = F_COUNT;

	memset(found, 0, F_COUNT * sizeof(*found));
	for (const cJSON *c = item->child; c && c->string && missing; c = c->next)
		for (int i = 0; i < F_COUNT; i++)
			if (!found[i] && c->string[0] == field_names[i][0] && !strcmp(c->string, field_names[i])) {
				found[i] = c;
				missing--;
				break;
			}
}

struct number *number_from_item_in(const cJSON *item, struct arena *arena)
{
	const cJSON *field[F_COUNT];
	const char *trunk, *app, *status;
	bool known;
	bool has_trunk, has_app;
	char digits[E164_BUFSIZE];
	struct number *n;
	size_t len, tlen, alen, size;

	if (!cJSON_IsObject(item))
		return NULL;
	find_fields(item, field);
	if (!cJSON_IsString(field[F_E164]) || e164_parse(field[F_E164]->valuestring, digits) < 0)
		return NULL;
	trunk = route_field(field[F_TRUNK], &has_trunk);
	app = route_field(field[F_APP], &has_app);
	tlen = strlen(trunk);
	alen = strlen(app);
	/* The record is rendered straight into the number: measured first. */
	if (render_measure(item, &len) || len + 1 > UINT32_MAX)
		return NULL;
	size = sizeof(*n) + len + 2 + tlen + 1 + alen + 1;
	n = arena ? arena_alloc(arena, size) : malloc(size);
	if (!n)
		return NULL;
	memcpy(n->digits, digits, sizeof(digits));
	n->country[0] = '\0';
	if (cJSON_IsString(field[F_COUNTRY]) && country_code_valid(field[F_COUNTRY]->valuestring))
		memcpy(n->country, field[F_COUNTRY]->valuestring, 3);
	status = cJSON_IsString(field[F_STATUS]) ? field[F_STATUS]->valuestring : NULL;
	n->status = (uint8_t)number_status_parse(status);
	n->hold = (uint8_t)number_hold_parse(status, cJSON_IsTrue(field[F_BLOCKED]), &known);
	n->status_unknown = !known;
	n->has_trunk = has_trunk;
	n->has_app = has_app;
	n->trunk_len = (uint8_t)tlen;
	n->app_len = (uint8_t)alen;
	n->purchased_at = field_time(field[F_PURCHASED]);
	n->updated_at = field_time(field[F_UPDATED]);
	n->json_len = (uint32_t)len + 1;
	atomic_init(&n->refs, arena ? 0 : 1);
	render_write(item, n->json);
	n->json[len] = '\n';
	n->json[len + 1] = '\0';
	memcpy(n->json + len + 2, trunk, tlen + 1);
	memcpy(n->json + len + 2 + tlen + 1, app, alen + 1);
	return n;
}

struct number *number_from_item(const cJSON *item)
{
	return number_from_item_in(item, NULL);
}

size_t number_size(const struct number *n)
{
	return sizeof(*n) + n->json_len + 1 + n->trunk_len + 1 + n->app_len + 1;
}

struct number *number_dup(const struct number *n)
{
	size_t size = number_size(n);
	struct number *copy = malloc(size);

	if (!copy)
		return NULL;
	/* Around the count, which other threads may be changing. */
	memcpy(copy, n, offsetof(struct number, refs));
	memcpy(copy->json, n->json, size - offsetof(struct number, json));
	atomic_init(&copy->refs, 1);
	return copy;
}

struct number *number_ref(struct number *n)
{
	if (n) {
		assert(atomic_load_explicit(&n->refs, memory_order_relaxed) > 0); /* not a draft */
		atomic_fetch_add_explicit(&n->refs, 1, memory_order_relaxed);
	}
	return n;
}

void number_unref(struct number *n)
{
	if (!n)
		return;
	assert(atomic_load_explicit(&n->refs, memory_order_relaxed) > 0); /* not a draft, not freed */
	/* Release, then acquire before the free: every holder's reads of N
	 * happen before it is freed. */
	if (atomic_fetch_sub_explicit(&n->refs, 1, memory_order_release) == 1) {
		atomic_thread_fence(memory_order_acquire);
		free(n);
	}
}

const char *number_trunk(const struct number *n)
{
	return n->json + n->json_len + 1;
}

const char *number_application(const struct number *n)
{
	return n->json + n->json_len + 1 + n->trunk_len + 1;
}

struct number *number_patched(const struct number *n, const cJSON *patch)
{
	cJSON *item = jsonmem_parse(n->json, n->json_len), *field;
	struct number *copy = NULL;

	if (!item)
		return NULL;
	cJSON_ArrayForEach (field, patch) {
		cJSON *dup = field->string ? cJSON_Duplicate(field, 1) : NULL;

		if (!dup)
			goto out;
		cJSON_DeleteItemFromObjectCaseSensitive(item, field->string);
		if (!cJSON_AddItemToObject(item, field->string, dup)) {
			cJSON_Delete(dup);
			goto out;
		}
	}
	copy = number_from_item(item);
out:
	cJSON_Delete(item);
	return copy;
}

/* Copy an xattr value out, the getxattr(2) way: SIZE 0 asks for the length. */
static ssize_t put(const char *value, size_t vlen, char *buf, size_t size)
{
	if (size == 0)
		return (ssize_t)vlen;
	if (vlen > size)
		return -ERANGE;
	memcpy(buf, value, vlen);
	return (ssize_t)vlen;
}

/* True when field F has an xattr: a scalar, or the capabilities object. */
static bool has_xattr(const cJSON *f)
{
	if (!f->string)
		return false;
	if (!strcmp(f->string, "capabilities"))
		return cJSON_IsObject(f);
	return cJSON_IsString(f) || cJSON_IsBool(f) || cJSON_IsNumber(f);
}

/* "voice,sms": the capabilities that are true, in the record's order. */
static char *capabilities_text(const cJSON *caps)
{
	const cJSON *c;
	size_t len = 1;
	char *text;

	cJSON_ArrayForEach (c, caps) {
		if (cJSON_IsTrue(c) && c->string)
			len += strlen(c->string) + 1;
	}
	text = malloc(len);
	if (!text)
		return NULL;
	text[0] = '\0';
	cJSON_ArrayForEach (c, caps) {
		if (cJSON_IsTrue(c) && c->string) {
			if (text[0])
				strcat(text, ",");
			strcat(text, c->string);
		}
	}
	return text;
}

/* The xattr value of field F, malloc'd; NULL when out of memory. */
static char *xattr_text(const cJSON *f)
{
	char num[64];

	if (cJSON_IsObject(f))
		return capabilities_text(f);
	if (cJSON_IsString(f))
		return strdup(f->valuestring);
	if (cJSON_IsBool(f))
		return strdup(cJSON_IsTrue(f) ? "true" : "false");
	snprintf(num, sizeof(num), "%.15g", f->valuedouble);
	return strdup(num);
}

/* JSON as an object whose names and values are whole, or NULL. */
static cJSON *parse_record(const char *json)
{
	size_t len = strlen(json);
	cJSON *item;

	/* A record holds no NUL (the listing refuses it), but a name or value
	 * cut short by one must never be shown as the field. */
	if (number_json_nul(json, len, 0) != len)
		return NULL;
	item = jsonmem_parse(json, len);
	if (!cJSON_IsObject(item)) {
		cJSON_Delete(item);
		return NULL;
	}
	return item;
}

ssize_t number_xattr_list(const char *json, char *buf, size_t size)
{
	cJSON *item = parse_record(json);
	const cJSON *f;
	size_t total = 0;

	if (!item)
		return -EIO;
	cJSON_ArrayForEach (f, item) {
		size_t nlen;

		/* With duplicate keys only the first is readable: list only it. */
		if (!has_xattr(f) || cJSON_GetObjectItemCaseSensitive(item, f->string) != f)
			continue;
		nlen = strlen(XATTR_PREFIX) + strlen(f->string) + 1;
		if (size && total + nlen > size) {
			cJSON_Delete(item);
			return -ERANGE;
		}
		if (size)
			snprintf(buf + total, nlen, XATTR_PREFIX "%s", f->string);
		total += nlen;
	}
	cJSON_Delete(item);
	return (ssize_t)total;
}

ssize_t number_xattr_get(const char *json, const char *name, char *buf, size_t size)
{
	cJSON *item;
	const cJSON *f;
	char *value;
	ssize_t ret = -ENODATA;

	if (strncmp(name, XATTR_PREFIX, strlen(XATTR_PREFIX)))
		return -ENODATA;
	name += strlen(XATTR_PREFIX);
	item = parse_record(json);
	if (!item)
		return -EIO;
	f = cJSON_GetObjectItemCaseSensitive(item, name);
	if (f && has_xattr(f)) {
		value = xattr_text(f);
		ret = value ? put(value, strlen(value), buf, size) : -ENOMEM;
		free(value);
	}
	cJSON_Delete(item);
	return ret;
}
