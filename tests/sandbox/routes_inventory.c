/* Renting numbers: the inventory search and purchase-from-inventory, whose
 * answer comes in the documented variants (items beside number; the owner
 * named auth_id). */
#include <string.h>

#include "routes.h"

#define EXCLUDE_MAX 32

/* The inventory's exclude: E.164 prefixes, comma-separated and/or repeated
 * (exclude=9180,9192&exclude=1415), a leading '+' optional, duplicates
 * folded. `bad` is set by a prefix that is not digits, or one too many. */
struct excludes {
	char prefix[EXCLUDE_MAX][NUMBER_DIGITS_MAX + 1];
	const char *list[EXCLUDE_MAX];
	size_t count;
	bool bad;
};

static void add_exclude(struct excludes *x, const char *text, size_t len)
{
	char prefix[NUMBER_DIGITS_MAX + 1];

	if (len && text[0] == '+')
		text++, len--;
	if (!len)
		return; /* "9180," or an empty exclude= leaves out nothing */
	if (len > NUMBER_DIGITS_MAX || strspn(text, "0123456789") < len) {
		x->bad = true;
		return;
	}
	memcpy(prefix, text, len);
	prefix[len] = '\0';
	for (size_t i = 0; i < x->count; i++)
		if (strcmp(x->prefix[i], prefix) == 0)
			return;
	if (x->count == EXCLUDE_MAX) {
		x->bad = true;
		return;
	}
	memcpy(x->prefix[x->count], prefix, len + 1);
	x->list[x->count] = x->prefix[x->count];
	x->count++;
}

static enum MHD_Result collect_exclude(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct excludes *x = cls;

	(void)kind;
	if (strcmp(key, "exclude") != 0 || !value)
		return MHD_YES;
	for (const char *p = value;; p++) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);

		add_exclude(x, p, len);
		if (!comma)
			break;
		p = comma;
	}
	return MHD_YES;
}

void routes_list_inventory(const struct api_call *call, struct reply *reply)
{
	struct store_query q = { 0 };
	struct excludes x = { .count = 0 };
	const char *country = http_query(call->connection, "country");
	const char *search = http_query(call->connection, "search");

	if (!routes_parse_paging(call, &q.page, &q.per_page, reply))
		return;
	MHD_get_connection_values(call->connection, MHD_GET_ARGUMENT_KIND, collect_exclude, &x);
	if (x.bad) {
		reply_error(reply, MHD_HTTP_BAD_REQUEST, "invalid request",
			    "exclude takes up to 32 E.164 prefixes of digits, comma-separated");
		return;
	}
	q.country = country && *country ? country : NULL;
	q.search = search && *search ? search : NULL;
	q.exclude = x.list;
	q.excludes = x.count;
	reply_json(reply, MHD_HTTP_OK, store_list_inventory(call->store, &q));
}

/* owner-key=auth_id: the owner under the older revision's name. */
static bool rename_owner(cJSON *number)
{
	cJSON *owner = cJSON_DetachItemFromObjectCaseSensitive(number, "account_id");

	if (!owner)
		return true;
	if (!cJSON_AddItemToObject(number, "auth_id", owner)) {
		cJSON_Delete(owner);
		return false;
	}
	return true;
}

/* {"message","number"}, with "items":[number] beside it for purchase=items.
 * Takes `number`; NULL when out of memory. */
static cJSON *purchase_answer(struct shapes shapes, cJSON *number)
{
	cJSON *body = cJSON_CreateObject(), *items, *copy;

	if (!number || !body || (shapes.purchase_auth_id && !rename_owner(number)) ||
	    !cJSON_AddStringToObject(body, "message", "Number purchased successfully")) {
		cJSON_Delete(number);
		cJSON_Delete(body);
		return NULL;
	}
	copy = shapes.purchase_items ? cJSON_Duplicate(number, true) : NULL;
	if (!cJSON_AddItemToObject(body, "number", number)) {
		cJSON_Delete(number);
		cJSON_Delete(copy);
		cJSON_Delete(body);
		return NULL;
	}
	if (shapes.purchase_items &&
	    (!copy || !(items = cJSON_AddArrayToObject(body, "items")) || !cJSON_AddItemToArray(items, copy))) {
		cJSON_Delete(copy);
		cJSON_Delete(body);
		return NULL;
	}
	return body;
}

void routes_purchase(const struct api_call *call, struct reply *reply)
{
	cJSON *request = cJSON_ParseWithLength(call->body, call->body_len);
	const char *e164 = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(request, "e164"));
	cJSON *number = NULL, *body;

	if (!e164) {
		reply_error(reply, MHD_HTTP_BAD_REQUEST, "bad_request", "invalid request body");
		goto out;
	}
	switch (store_purchase(call->store, e164, &number)) {
	case STORE_OK:
		body = purchase_answer(store_shapes(call->store), number);
		number = NULL; /* now in body, or freed */
		reply_json(reply, MHD_HTTP_OK, body);
		break;
	case STORE_NO_FUNDS:
		reply_error(reply, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal_server_error",
			    "failed to purchase number");
		break;
	case STORE_NO_MEMORY:
		routes_reply_no_memory(reply);
		break;
	default:
		reply_error(reply, MHD_HTTP_NOT_FOUND, "not_found", "number not found in inventory");
	}
out:
	cJSON_Delete(number);
	cJSON_Delete(request);
}
