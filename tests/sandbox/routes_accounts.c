/* Number health and sub-accounts, on the lowercase account/ paths the docs
 * write for them: GET .../health, POST and DELETE .../assign-subaccount. */
#include <stdio.h>
#include <string.h>

#include "routes.h"
#include "usage.h"

static void reply_not_found(struct reply *reply)
{
	reply_error(reply, MHD_HTTP_NOT_FOUND, "number not found", NULL);
}

/* ?granularity=daily|hourly (default daily) and ?days=N (default 30 daily,
 * 7 hourly; at most USAGE_MAX_DAYS_*). False after a 400 reply. */
static bool parse_window(const struct api_call *call, int *granularity, unsigned *days, struct reply *reply)
{
	const char *g = http_query(call->connection, "granularity");
	const char *d = http_query(call->connection, "days");
	unsigned long long value;
	unsigned max;

	if (!g || !strcmp(g, "daily"))
		*granularity = USAGE_DAILY;
	else if (!strcmp(g, "hourly"))
		*granularity = USAGE_HOURLY;
	else {
		reply_error(reply, MHD_HTTP_BAD_REQUEST, "invalid request", "granularity must be daily or hourly");
		return false;
	}
	max = *granularity == USAGE_HOURLY ? USAGE_MAX_DAYS_HOURLY : USAGE_MAX_DAYS_DAILY;
	value = *granularity == USAGE_HOURLY ? USAGE_MAX_DAYS_HOURLY : 30;
	if (d && (http_parse_uint(d, max, &value) != 0 || value < 1)) {
		reply_error(reply, MHD_HTTP_BAD_REQUEST, "invalid request",
			    *granularity == USAGE_HOURLY ? "days must be 1 to 7 for hourly granularity"
							 : "days must be 1 to 365");
		return false;
	}
	*days = (unsigned)value;
	return true;
}

void routes_number_health(const struct api_call *call, struct reply *reply)
{
	char digits[NUMBER_DIGITS_MAX + 1];
	enum store_result rc;
	unsigned days;
	cJSON *answer = NULL;
	int granularity;

	if (routes_plus_number(call->params->raw[1], digits) != 0) {
		reply_not_found(reply);
		return;
	}
	if (!parse_window(call, &granularity, &days, reply))
		return;
	rc = store_number_health(call->store, digits, granularity, days, &answer);
	if (rc == STORE_OK)
		reply_json(reply, MHD_HTTP_OK, answer);
	else if (rc == STORE_NO_MEMORY)
		routes_reply_no_memory(reply);
	else
		reply_not_found(reply);
}

static void reply_subaccount_error(enum store_result rc, const char *message, struct reply *reply)
{
	switch (rc) {
	case STORE_REFUSED:
		reply_error(reply, MHD_HTTP_BAD_REQUEST, "invalid request", message);
		break;
	case STORE_FORBIDDEN:
		reply_error(reply, MHD_HTTP_FORBIDDEN, "forbidden", message);
		break;
	case STORE_NO_MEMORY:
		routes_reply_no_memory(reply);
		break;
	default:
		reply_not_found(reply);
	}
}

/* 200 {"message","e164","sub_account_id"}. */
static void reply_assigned(struct reply *reply, const char *digits, const char *sub)
{
	cJSON *body = cJSON_CreateObject();
	char e164[NUMBER_DIGITS_MAX + 2];

	snprintf(e164, sizeof(e164), "+%s", digits);
	if (!cJSON_AddStringToObject(body, "message", "Number assigned to sub-account") ||
	    !cJSON_AddStringToObject(body, "e164", e164) || !cJSON_AddStringToObject(body, "sub_account_id", sub)) {
		cJSON_Delete(body);
		body = NULL;
	}
	reply_json(reply, MHD_HTTP_OK, body);
}

void routes_assign_subaccount(const struct api_call *call, struct reply *reply)
{
	char digits[NUMBER_DIGITS_MAX + 1];
	cJSON *request = cJSON_ParseWithLength(call->body, call->body_len);
	const char *sub = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(request, "sub_account_id"));
	const char *message = NULL;
	enum store_result rc;

	if (routes_plus_number(call->params->raw[1], digits) != 0)
		rc = STORE_NOT_FOUND;
	else if (!sub || !*sub) {
		rc = STORE_REFUSED;
		message = "sub_account_id is required";
	} else {
		rc = store_assign_subaccount(call->store, digits, sub, &message);
	}
	if (rc == STORE_OK)
		reply_assigned(reply, digits, sub);
	else
		reply_subaccount_error(rc, message, reply);
	cJSON_Delete(request);
}

/* 409 {"error":"did_cool_off_in_effect","cool_off_until","cool_off_remaining_seconds"}. */
static void reply_cool_off(struct reply *reply, const struct cool_off *info, const struct shapes *shapes)
{
	cJSON *body = cJSON_CreateObject();

	if (!cJSON_AddStringToObject(body, "error", "did_cool_off_in_effect") ||
	    !shapes_add_time(shapes, body, "cool_off_until", info->until) ||
	    !cJSON_AddNumberToObject(body, "cool_off_remaining_seconds", (double)info->remaining_s)) {
		cJSON_Delete(body);
		body = NULL;
	}
	reply_json(reply, MHD_HTTP_CONFLICT, body);
}

void routes_return_subaccount(const struct api_call *call, struct reply *reply)
{
	char digits[NUMBER_DIGITS_MAX + 1];
	const char *force = http_query(call->connection, "force");
	const char *message = NULL;
	struct cool_off info = { 0 };
	enum store_result rc = STORE_NOT_FOUND;

	if (routes_plus_number(call->params->raw[1], digits) == 0)
		rc = store_return_subaccount(call->store, digits, force && !strcmp(force, "true"), &message, &info);
	if (rc == STORE_OK) {
		reply_empty(reply, MHD_HTTP_NO_CONTENT);
	} else if (rc == STORE_CONFLICT) {
		struct shapes shapes = store_shapes(call->store);

		reply_cool_off(reply, &info, &shapes);
	} else {
		reply_subaccount_error(rc, message, reply);
	}
}
