/* The documented answer shapes that vary, as switches, and the rendering
 * helpers that follow them. */
#include "shapes.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

void shapes_default(struct shapes *s)
{
	*s = (struct shapes){ .time_digits = 6, .legacy_delete = LEGACY_FINAL };
}

/* A two-valued switch: `value` must be `off` or `on`. */
static int choose(bool *field, const char *value, const char *off, const char *on)
{
	if (strcmp(value, off) == 0)
		*field = false;
	else if (strcmp(value, on) == 0)
		*field = true;
	else
		return -EINVAL;
	return 0;
}

static int set_one(struct shapes *s, const char *key, const char *value)
{
	if (strcmp(key, "unset-keys") == 0)
		return choose(&s->null_keys, value, "absent", "null");
	if (strcmp(key, "fields") == 0)
		return choose(&s->rich_fields, value, "basic", "rich");
	if (strcmp(key, "fees") == 0)
		return choose(&s->float_fees, value, "plain", "floats");
	if (strcmp(key, "assign") == 0)
		return choose(&s->assign_200, value, "204", "200");
	if (strcmp(key, "refund") == 0)
		return choose(&s->refund_fails, value, "ok", "failed");
	if (strcmp(key, "purchase") == 0)
		return choose(&s->purchase_items, value, "number", "items");
	if (strcmp(key, "owner-key") == 0)
		return choose(&s->purchase_auth_id, value, "account_id", "auth_id");
	if (strcmp(key, "list-owner-key") == 0)
		return choose(&s->list_auth_id, value, "account_id", "auth_id");
	if (strcmp(key, "statuses") == 0)
		return choose(&s->all_statuses, value, "plain", "all");
	if (strcmp(key, "list") == 0)
		return choose(&s->list_example, value, "generated", "example");
	if (strcmp(key, "time-digits") == 0) {
		if (strcmp(value, "0") && strcmp(value, "6") && strcmp(value, "9"))
			return -EINVAL;
		s->time_digits = value[0] - '0';
		return 0;
	}
	if (strcmp(key, "legacy-delete") == 0) {
		if (strcmp(value, "final") == 0)
			s->legacy_delete = LEGACY_FINAL;
		else if (strcmp(value, "pending") == 0)
			s->legacy_delete = LEGACY_PENDING;
		else if (strcmp(value, "not-found") == 0)
			s->legacy_delete = LEGACY_NOT_FOUND;
		else if (strcmp(value, "returned") == 0)
			s->legacy_delete = LEGACY_RETURNED;
		else
			return -EINVAL;
		return 0;
	}
	return -EINVAL;
}

int shapes_set(struct shapes *s, const char *key, const char *value, const char **why)
{
	struct shapes next = *s;

	if (set_one(&next, key, value) != 0) {
		*why = "shapes are " SHAPES_HELP;
		return -EINVAL;
	}
	*s = next;
	return 0;
}

int shapes_set_pair(struct shapes *s, const char *pair, const char **why)
{
	char key[32];
	const char *eq = strchr(pair, '=');

	if (!eq || (size_t)(eq - pair) >= sizeof(key)) {
		*why = "a shape is KEY=VALUE: " SHAPES_HELP;
		return -EINVAL;
	}
	memcpy(key, pair, (size_t)(eq - pair));
	key[eq - pair] = '\0';
	return shapes_set(s, key, eq + 1, why);
}

int shapes_set_json(struct shapes *s, const cJSON *json, const char **why)
{
	struct shapes next = *s;
	const cJSON *item;

	if (!cJSON_IsObject(json)) {
		*why = "body must be a JSON object of shapes: " SHAPES_HELP;
		return -EINVAL;
	}
	cJSON_ArrayForEach (item, json) {
		/* Numbers are accepted for the numeric values (assign, time-digits). */
		char number[16];
		const char *value = cJSON_GetStringValue(item);

		if (!value && cJSON_IsNumber(item)) {
			snprintf(number, sizeof(number), "%d", (int)item->valuedouble);
			value = number;
		}
		if (!value || shapes_set(&next, item->string, value, why) != 0) {
			*why = "shapes are " SHAPES_HELP;
			return -EINVAL;
		}
	}
	*s = next;
	return 0;
}

cJSON *shapes_to_json(const struct shapes *s)
{
	static const char *const legacy[] = { "final", "pending", "not-found", "returned" };
	cJSON *o = cJSON_CreateObject();
	char digits[2] = { (char)('0' + s->time_digits), '\0' };

	if (!cJSON_AddStringToObject(o, "unset-keys", s->null_keys ? "null" : "absent") ||
	    !cJSON_AddStringToObject(o, "fields", s->rich_fields ? "rich" : "basic") ||
	    !cJSON_AddStringToObject(o, "fees", s->float_fees ? "floats" : "plain") ||
	    !cJSON_AddStringToObject(o, "time-digits", digits) ||
	    !cJSON_AddStringToObject(o, "assign", s->assign_200 ? "200" : "204") ||
	    !cJSON_AddStringToObject(o, "refund", s->refund_fails ? "failed" : "ok") ||
	    !cJSON_AddStringToObject(o, "purchase", s->purchase_items ? "items" : "number") ||
	    !cJSON_AddStringToObject(o, "owner-key", s->purchase_auth_id ? "auth_id" : "account_id") ||
	    !cJSON_AddStringToObject(o, "legacy-delete", legacy[s->legacy_delete]) ||
	    !cJSON_AddStringToObject(o, "list-owner-key", s->list_auth_id ? "auth_id" : "account_id") ||
	    !cJSON_AddStringToObject(o, "statuses", s->all_statuses ? "all" : "plain") ||
	    !cJSON_AddStringToObject(o, "list", s->list_example ? "example" : "generated")) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

/* The sandbox's own form: "YYYY-MM-DDTHH:MM:SS.ffffffZ". */
static bool own_form(const char *t)
{
	return strlen(t) == 27 && t[10] == 'T' && t[19] == '.' && t[26] == 'Z' && strspn(t + 20, "0123456789") == 6;
}

void shapes_time(const struct shapes *s, const char *stored, char out[TIMESTAMP_LEN])
{
	snprintf(out, TIMESTAMP_LEN, "%s", stored);
	if (!own_form(stored) || s->time_digits == 6)
		return;
	if (s->time_digits == 0) {
		snprintf(out + 19, TIMESTAMP_LEN - 19, "Z");
	} else {
		/* Three more digits, derived from the microseconds so they vary
		 * but stay the same for the same instant. */
		unsigned extra = (unsigned)((stored[25] - '0') * 97 + (stored[24] - '0') * 31 + 7) % 1000;

		snprintf(out + 26, TIMESTAMP_LEN - 26, "%03uZ", extra);
	}
}

bool shapes_add_time(const struct shapes *s, cJSON *obj, const char *key, const char *stored)
{
	char text[TIMESTAMP_LEN];

	if (!stored[0])
		return shapes_add_nullable(s, obj, key, stored);
	shapes_time(s, stored, text);
	return cJSON_AddStringToObject(obj, key, text) != NULL;
}

bool shapes_add_fee(const struct shapes *s, cJSON *obj, const char *key, double fee)
{
	char text[64];

	if (!s->float_fees || fee != floor(fee) || fabs(fee) >= 1e15)
		return cJSON_AddNumberToObject(obj, key, fee) != NULL;
	snprintf(text, sizeof(text), "%.1f", fee);
	return cJSON_AddRawToObject(obj, key, text) != NULL;
}

bool shapes_add_nullable(const struct shapes *s, cJSON *obj, const char *key, const char *value)
{
	if (value[0])
		return cJSON_AddStringToObject(obj, key, value) != NULL;
	if (s->null_keys)
		return cJSON_AddNullToObject(obj, key) != NULL;
	return true;
}
