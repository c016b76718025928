/* The phone-number record: defaults, deep copies, rendering as an API item,
 * and merging JSON fields into it (used by the control API). */
#include "number.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

struct number *number_new(void)
{
	struct number *n = calloc(1, sizeof(*n));

	if (!n)
		return NULL;
	NUMBER_SET(n->status, "active");
	n->voice = true;
	return n;
}

struct number *number_clone(const struct number *n)
{
	struct number *copy = malloc(sizeof(*copy));

	if (!copy)
		return NULL;
	*copy = *n;
	copy->extra = NULL;
	if (n->extra) {
		copy->extra = cJSON_Duplicate(n->extra, true);
		if (!copy->extra) {
			free(copy);
			return NULL;
		}
	}
	return copy;
}

void number_free(struct number *n)
{
	if (!n)
		return;
	cJSON_Delete(n->extra);
	free(n);
}

bool number_digits_valid(const char *digits)
{
	size_t len = strlen(digits);

	if (len < NUMBER_DIGITS_MIN || len > NUMBER_DIGITS_MAX)
		return false;
	return strspn(digits, "0123456789") == len;
}

int number_parse_e164(const char *text, char digits[NUMBER_DIGITS_MAX + 1])
{
	if (text[0] == '+')
		text++;
	if (!number_digits_valid(text))
		return -EINVAL;
	if (digits)
		number_set_text(digits, NUMBER_DIGITS_MAX + 1, text);
	return 0;
}

bool number_has_status(const struct number *n, const char *status)
{
	return strcmp(n->status, status) == 0;
}

void number_set_text(char *field, size_t size, const char *value)
{
	if (!value)
		value = "";
	size_t len = strnlen(value, size - 1);
	memcpy(field, value, len);
	field[len] = '\0';
}

/* fields=rich: billing dates, from the purchase: that day, and 30 days on. */
static bool add_billing_dates(cJSON *obj, const struct number *n, const struct shapes *shapes)
{
	char next[TIMESTAMP_LEN];
	int64_t us;

	if (!n->purchased_at[0] || timestamp_parse(n->purchased_at, &us) != 0)
		return shapes_add_nullable(shapes, obj, "last_billing_date", "") &&
		       shapes_add_nullable(shapes, obj, "next_billing_date", "");
	timestamp_format(us + 30LL * 86400 * 1000000, next);
	return shapes_add_time(shapes, obj, "last_billing_date", n->purchased_at) &&
	       shapes_add_time(shapes, obj, "next_billing_date", next);
}

/* The documented fields the sandbox does not act on get these values unless
 * extra says otherwise. Inventory items carry tags as an object (DESIGN.md
 * §2); fields=rich adds the billing dates and fills in tags. */
static bool add_defaults(cJSON *obj, const struct number *n, const struct shapes *shapes)
{
	bool inventory = n->account_id[0] == '\0';
	cJSON *tags;

	if (!cJSON_AddStringToObject(obj, "provider", shapes->rich_fields ? "vobiz" : "") ||
	    !cJSON_AddBoolToObject(obj, "voice_enabled", n->voice))
		return false;
	tags = inventory ? cJSON_AddObjectToObject(obj, "tags") : cJSON_AddArrayToObject(obj, "tags");
	if (!tags)
		return false;
	if (shapes->rich_fields && inventory && !cJSON_AddStringToObject(tags, "tier", "standard"))
		return false;
	if (shapes->rich_fields && !inventory && !cJSON_AddItemToArray(tags, cJSON_CreateString("sandbox")))
		return false;
	/* The definition requires both aadhaar_* booleans in list and
	 * inventory items; no sandbox number needs verification. */
	if (!cJSON_AddBoolToObject(obj, "is_blocked", number_has_status(n, "blocked")) ||
	    !cJSON_AddBoolToObject(obj, "is_trial_number", false) ||
	    !cJSON_AddStringToObject(obj, "source", "purchased") ||
	    !cJSON_AddNumberToObject(obj, "minimum_commitment_months", 0) ||
	    !cJSON_AddBoolToObject(obj, "aadhaar_verification_required", false) ||
	    !cJSON_AddBoolToObject(obj, "aadhaar_verified", false))
		return false;
	if (!shapes->rich_fields)
		return true;
	return inventory || add_billing_dates(obj, n, shapes);
}

static bool add_extra(cJSON *obj, const cJSON *extra)
{
	const cJSON *item;

	cJSON_ArrayForEach (item, extra) {
		cJSON *copy = cJSON_Duplicate(item, true);

		if (!copy)
			return false;
		if (cJSON_GetObjectItemCaseSensitive(obj, item->string)) {
			if (!cJSON_ReplaceItemInObjectCaseSensitive(obj, item->string, copy)) {
				cJSON_Delete(copy);
				return false;
			}
		} else if (!cJSON_AddItemToObject(obj, item->string, copy)) {
			cJSON_Delete(copy);
			return false;
		}
	}
	return true;
}

cJSON *number_to_json(const struct number *n, const struct shapes *shapes)
{
	cJSON *obj = cJSON_CreateObject();
	cJSON *caps;
	char e164[NUMBER_DIGITS_MAX + 2];
	bool ok;

	if (!obj)
		return NULL;
	e164[0] = '+';
	memcpy(e164 + 1, n->digits, sizeof(n->digits));

	ok = cJSON_AddStringToObject(obj, "id", n->id) &&
	     shapes_add_nullable(shapes, obj, "account_id", n->account_id) &&
	     cJSON_AddStringToObject(obj, "e164", e164) && cJSON_AddStringToObject(obj, "country", n->country) &&
	     shapes_add_nullable(shapes, obj, "region", n->region) &&
	     (caps = cJSON_AddObjectToObject(obj, "capabilities")) && cJSON_AddBoolToObject(caps, "voice", n->voice) &&
	     cJSON_AddBoolToObject(caps, "sms", n->sms) && cJSON_AddBoolToObject(caps, "mms", n->mms) &&
	     cJSON_AddBoolToObject(caps, "fax", n->fax) && cJSON_AddStringToObject(obj, "status", n->status) &&
	     shapes_add_fee(shapes, obj, "setup_fee", n->setup_fee) &&
	     shapes_add_fee(shapes, obj, "monthly_fee", n->monthly_fee) &&
	     cJSON_AddStringToObject(obj, "currency", n->currency) &&
	     shapes_add_nullable(shapes, obj, "application_id", n->application_id) &&
	     shapes_add_nullable(shapes, obj, "trunk_group_id", n->trunk_group_id) && add_defaults(obj, n, shapes);
	if (ok && number_has_status(n, "pending_release"))
		ok = shapes_add_fee(shapes, obj, "release_fee", n->release_fee) &&
		     shapes_add_time(shapes, obj, "cooldown_ends_at", n->cooldown_ends_at);
	ok = ok && shapes_add_time(shapes, obj, "purchased_at", n->purchased_at) &&
	     shapes_add_time(shapes, obj, "released_at", n->released_at) &&
	     shapes_add_time(shapes, obj, "created_at", n->created_at) &&
	     shapes_add_time(shapes, obj, "updated_at", n->updated_at) && (!n->extra || add_extra(obj, n->extra));
	if (!ok) {
		cJSON_Delete(obj);
		return NULL;
	}
	return obj;
}

/* Copies a JSON string (or null, when `nullable`) into a text field. */
static int apply_text(char *field, size_t size, const cJSON *item, bool nullable, const char **why)
{
	if (nullable && cJSON_IsNull(item)) {
		field[0] = '\0';
		return 0;
	}
	if (!cJSON_IsString(item)) {
		*why = nullable ? "field must be a string or null" : "field must be a string";
		return -EINVAL;
	}
	if (strlen(item->valuestring) >= size) {
		*why = "string field too long";
		return -EINVAL;
	}
	number_set_text(field, size, item->valuestring);
	return 0;
}

static int apply_e164(struct number *n, const cJSON *item, const char **why)
{
	const char *text = cJSON_GetStringValue(item);

	if (!text || number_parse_e164(text, n->digits) != 0) {
		*why = "e164 must be a string of 8 to 15 digits after an optional +";
		return -EINVAL;
	}
	return 0;
}

static int apply_capabilities(struct number *n, const cJSON *item, const char **why)
{
	static const char *const names[] = { "voice", "sms", "mms", "fax" };
	bool *flags[] = { &n->voice, &n->sms, &n->mms, &n->fax };
	const cJSON *cap;

	if (!cJSON_IsObject(item)) {
		*why = "capabilities must be an object";
		return -EINVAL;
	}
	cJSON_ArrayForEach (cap, item) {
		size_t i;

		for (i = 0; i < 4; i++)
			if (strcmp(cap->string, names[i]) == 0)
				break;
		if (i == 4 || !cJSON_IsBool(cap)) {
			*why = "capabilities holds only voice, sms, mms, fax booleans";
			return -EINVAL;
		}
		*flags[i] = cJSON_IsTrue(cap);
	}
	return 0;
}

static int apply_fee(double *fee, const cJSON *item, const char **why)
{
	if (!cJSON_IsNumber(item)) {
		*why = "fees must be numbers";
		return -EINVAL;
	}
	*fee = item->valuedouble;
	return 0;
}

static int apply_cooldown(struct number *n, const cJSON *item, const char **why)
{
	int64_t us;

	if (!cJSON_IsString(item) || timestamp_parse(item->valuestring, &us) != 0) {
		*why = "cooldown_ends_at must be an RFC 3339 timestamp";
		return -EINVAL;
	}
	NUMBER_SET(n->cooldown_ends_at, item->valuestring);
	n->cooldown_ends_us = us;
	return 0;
}

static int apply_extra(struct number *n, const cJSON *item)
{
	cJSON *copy = cJSON_Duplicate(item, true);

	if (!copy)
		return -ENOMEM;
	if (!n->extra && !(n->extra = cJSON_CreateObject())) {
		cJSON_Delete(copy);
		return -ENOMEM;
	}
	cJSON_DeleteItemFromObjectCaseSensitive(n->extra, item->string);
	if (!cJSON_AddItemToObject(n->extra, item->string, copy)) {
		cJSON_Delete(copy);
		return -ENOMEM;
	}
	return 0;
}

/* Text fields: JSON name, place in the record, whether null is allowed. */
#define TEXT_FIELD(name, nullable)                                                                                     \
	{                                                                                                              \
#name, offsetof(struct number, name), sizeof(((struct number *)0)->name), nullable                     \
	}
static const struct text_field {
	const char *name;
	size_t offset, size;
	bool nullable;
} text_fields[] = {
	TEXT_FIELD(id, false),
	TEXT_FIELD(account_id, true),
	TEXT_FIELD(country, false),
	TEXT_FIELD(region, true),
	TEXT_FIELD(status, false),
	TEXT_FIELD(currency, false),
	TEXT_FIELD(trunk_group_id, true),
	TEXT_FIELD(application_id, true),
	TEXT_FIELD(purchased_at, true),
	TEXT_FIELD(released_at, true),
	TEXT_FIELD(created_at, false),
	TEXT_FIELD(updated_at, false),
};

static int apply_one(struct number *n, const cJSON *item, const char **why)
{
	const char *key = item->string;

	for (size_t i = 0; i < sizeof(text_fields) / sizeof(text_fields[0]); i++) {
		const struct text_field *f = &text_fields[i];

		if (strcmp(key, f->name) == 0)
			return apply_text((char *)n + f->offset, f->size, item, f->nullable, why);
	}
	if (strcmp(key, "e164") == 0)
		return apply_e164(n, item, why);
	if (strcmp(key, "capabilities") == 0)
		return apply_capabilities(n, item, why);
	if (strcmp(key, "setup_fee") == 0)
		return apply_fee(&n->setup_fee, item, why);
	if (strcmp(key, "monthly_fee") == 0)
		return apply_fee(&n->monthly_fee, item, why);
	if (strcmp(key, "release_fee") == 0)
		return apply_fee(&n->release_fee, item, why);
	if (strcmp(key, "cooldown_ends_at") == 0)
		return apply_cooldown(n, item, why);
	return apply_extra(n, item);
}

int number_apply_json(struct number *n, const cJSON *fields, const char **why)
{
	const cJSON *item;

	if (!cJSON_IsObject(fields)) {
		*why = "body must be a JSON object";
		return -EINVAL;
	}
	cJSON_ArrayForEach (item, fields) {
		int rc = apply_one(n, item, why);

		if (rc == -ENOMEM)
			*why = "out of memory";
		if (rc)
			return rc;
	}
	return 0;
}
