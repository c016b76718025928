/* Renting numbers: the inventory search and purchase-from-inventory. */
#include <string.h>

#include "routes.h"

void routes_list_inventory(const struct api_call *call, struct reply *reply)
{
	struct store_query q = { 0 };
	const char *country = http_query(call->connection, "country");
	const char *search = http_query(call->connection, "search");

	if (!routes_parse_paging(call, &q.page, &q.per_page, reply))
		return;
	q.country = country && *country ? country : NULL;
	q.search = search && *search ? search : NULL;
	reply_json(reply, MHD_HTTP_OK, store_list_inventory(call->store, &q));
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
		body = cJSON_CreateObject();
		if (!number || !cJSON_AddStringToObject(body, "message", "Number purchased successfully") ||
		    !cJSON_AddItemToObject(body, "number", number)) {
			cJSON_Delete(body);
			body = NULL;
		}
		number = NULL; /* now in body, or freed with it */
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
