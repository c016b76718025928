/* number.c — the record of one number: parsed from the listing, rendered once,
 * and read back field by field for extended attributes. */
#include "number.h"

#include "timefmt.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdatomic.h>
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

static time_t field_time(const cJSON *item, const char *name)
{
	const cJSON *f = cJSON_GetObjectItemCaseSensitive(item, name);
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
static const char *route_field(const cJSON *item, const char *name, bool *present)
{
	const cJSON *f = cJSON_GetObjectItemCaseSensitive(item, name);

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

struct number *number_from_item(const cJSON *item)
{
	const cJSON *e164 = cJSON_GetObjectItemCaseSensitive(item, "e164");
	const cJSON *status = cJSON_GetObjectItemCaseSensitive(item, "status");
	const cJSON *country = cJSON_GetObjectItemCaseSensitive(item, "country");
	const char *trunk, *app;
	bool has_trunk, has_app;
	char digits[E164_BUFSIZE];
	struct number *n;
	size_t len, tlen, alen;
	char *json;

	if (!cJSON_IsObject(item) || !cJSON_IsString(e164) || e164_parse(e164->valuestring, digits) < 0)
		return NULL;
	trunk = route_field(item, "trunk_group_id", &has_trunk);
	app = route_field(item, "application_id", &has_app);
	tlen = strlen(trunk);
	alen = strlen(app);
	json = cJSON_Print(item);
	if (!json)
		return NULL;
	len = strlen(json);
	n = malloc(sizeof(*n) + len + 2 + tlen + 1 + alen + 1);
	if (n) {
		memcpy(n->digits, digits, sizeof(digits));
		n->country[0] = '\0';
		if (cJSON_IsString(country) && country_code_valid(country->valuestring))
			memcpy(n->country, country->valuestring, 3);
		n->status = (uint8_t)number_status_parse(cJSON_IsString(status) ? status->valuestring : NULL);
		n->has_trunk = has_trunk;
		n->has_app = has_app;
		atomic_init(&n->refs, 1);
		n->trunk_len = (uint8_t)tlen;
		n->app_len = (uint8_t)alen;
		n->purchased_at = field_time(item, "purchased_at");
		n->updated_at = field_time(item, "updated_at");
		memcpy(n->json, json, len);
		n->json[len] = '\n';
		n->json[len + 1] = '\0';
		n->json_len = (uint32_t)len + 1;
		memcpy(n->json + len + 2, trunk, tlen + 1);
		memcpy(n->json + len + 2 + tlen + 1, app, alen + 1);
	}
	cJSON_free(json);
	return n;
}

size_t number_size(const struct number *n)
{
	return sizeof(*n) + n->json_len + 1 + n->trunk_len + 1 + n->app_len + 1;
}

struct number *number_dup(const struct number *n)
{
	struct number *copy = malloc(number_size(n));

	if (copy) {
		memcpy(copy, n, number_size(n));
		atomic_init(&copy->refs, 1);
	}
	return copy;
}

struct number *number_ref(struct number *n)
{
	atomic_fetch_add_explicit(&n->refs, 1, memory_order_relaxed);
	return n;
}

void number_unref(struct number *n)
{
	if (n && atomic_fetch_sub_explicit(&n->refs, 1, memory_order_acq_rel) == 1)
		free(n);
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
	cJSON *item = cJSON_Parse(n->json), *field;
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
	item = cJSON_Parse(json);
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
