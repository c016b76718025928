/* Where a number's calls go: a trunk group or an application, never both.
 * The answers are the documented ones: assign 204 (200 with a body with
 * assign=200), the application answer with its nested object. */
#include <stdio.h>
#include <string.h>

#include "routes.h"

/* The non-empty string member `key` of the request body, or NULL. The
 * returned string lives in *request (caller frees with cJSON_Delete). */
static const char *body_string(const struct api_call *call, const char *key, cJSON **request)
{
	const char *value;

	*request = cJSON_ParseWithLength(call->body, call->body_len);
	value = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(*request, key));
	if (!value || !*value || strlen(value) >= NUMBER_TEXT_LEN)
		return NULL;
	return value;
}

/* The trunk endpoints' errors, as documented: 400 {"error":"invalid
 * request",...}, 404 {"error":"Number not found",...}. */
static void reply_trunk_error(enum store_result rc, const char *message, struct reply *reply)
{
	switch (rc) {
	case STORE_REFUSED:
		reply_error(reply, MHD_HTTP_BAD_REQUEST, "invalid request", message);
		break;
	case STORE_FORBIDDEN:
		reply_error(reply, MHD_HTTP_FORBIDDEN, "forbidden", "account does not own this number");
		break;
	case STORE_NO_MEMORY:
		routes_reply_no_memory(reply);
		break;
	default:
		reply_error(reply, MHD_HTTP_NOT_FOUND, "Number not found", "number not found");
	}
}

/* The application endpoints' errors (the docs give only the status). */
static void reply_routing_error(enum store_result rc, const char *message, struct reply *reply)
{
	switch (rc) {
	case STORE_REFUSED:
		reply_error(reply, MHD_HTTP_BAD_REQUEST, "bad_request", message);
		break;
	case STORE_FORBIDDEN:
		reply_error(reply, MHD_HTTP_FORBIDDEN, "forbidden", "account does not own this number");
		break;
	case STORE_NO_MEMORY:
		routes_reply_no_memory(reply);
		break;
	default:
		reply_error(reply, MHD_HTTP_NOT_FOUND, "not_found", "number not found");
	}
}

static void e164_of(const char *digits, char e164[NUMBER_DIGITS_MAX + 2])
{
	snprintf(e164, NUMBER_DIGITS_MAX + 2, "+%s", digits);
}

/* assign=200: {"message","e164","trunk_group_id"}. */
static void reply_assigned(struct reply *reply, const char *digits, const char *trunk)
{
	cJSON *body = cJSON_CreateObject();
	char e164[NUMBER_DIGITS_MAX + 2];

	e164_of(digits, e164);
	if (!cJSON_AddStringToObject(body, "message", "Trunk assigned successfully") ||
	    !cJSON_AddStringToObject(body, "e164", e164) || !cJSON_AddStringToObject(body, "trunk_group_id", trunk)) {
		cJSON_Delete(body);
		body = NULL;
	}
	reply_json(reply, MHD_HTTP_OK, body);
}

void routes_assign_trunk(const struct api_call *call, struct reply *reply)
{
	char digits[NUMBER_DIGITS_MAX + 1];
	const char *message = NULL;
	cJSON *request = NULL;
	const char *trunk = body_string(call, "trunk_group_id", &request);
	enum store_result rc = STORE_NOT_FOUND;

	if (routes_plus_number(call->params->raw[1], digits) == 0) {
		if (!trunk) {
			rc = STORE_REFUSED;
			message = "trunk_group_id is required";
		} else {
			rc = store_assign_trunk(call->store, digits, trunk, &message);
		}
	}
	if (rc == STORE_OK && store_shapes(call->store).assign_200)
		reply_assigned(reply, digits, trunk);
	else if (rc == STORE_OK)
		reply_empty(reply, MHD_HTTP_NO_CONTENT);
	else
		reply_trunk_error(rc, message, reply);
	cJSON_Delete(request);
}

void routes_unassign_trunk(const struct api_call *call, struct reply *reply)
{
	char digits[NUMBER_DIGITS_MAX + 1];
	enum store_result rc = STORE_NOT_FOUND;

	if (routes_plus_number(call->params->raw[1], digits) == 0)
		rc = store_unassign_trunk(call->store, digits);
	if (rc == STORE_OK)
		reply_empty(reply, MHD_HTTP_NO_CONTENT);
	else
		reply_trunk_error(rc, NULL, reply);
}

/* "2026-04-02 12:11:19.740666+00:00": how nested application objects write
 * their times (DESIGN.md §2). */
static void space_time(char out[TIMESTAMP_LEN])
{
	timestamp_format(timestamp_now_us(), out);
	out[10] = ' ';
	snprintf(out + 26, TIMESTAMP_LEN - 26, "+00:00");
}

/* 200 {"message","number":"+...","application":{...}} on attach; the detach
 * answer has no application. */
static void reply_application(struct reply *reply, const char *message, const char *digits, const char *application_id)
{
	cJSON *body = cJSON_CreateObject(), *app;
	char e164[NUMBER_DIGITS_MAX + 2], now[TIMESTAMP_LEN];
	bool ok;

	e164_of(digits, e164);
	space_time(now);
	ok = cJSON_AddStringToObject(body, "message", message) && cJSON_AddStringToObject(body, "number", e164);
	if (ok && application_id)
		ok = (app = cJSON_AddObjectToObject(body, "application")) &&
		     cJSON_AddStringToObject(app, "app_id", application_id) &&
		     cJSON_AddStringToObject(app, "app_name", "sandbox application") &&
		     cJSON_AddStringToObject(app, "created_at", now) && cJSON_AddStringToObject(app, "updated_at", now);
	if (!ok) {
		cJSON_Delete(body);
		body = NULL;
	}
	reply_json(reply, MHD_HTTP_OK, body);
}

void routes_attach_application(const struct api_call *call, struct reply *reply)
{
	char digits[NUMBER_DIGITS_MAX + 1];
	const char *message = NULL;
	cJSON *request = NULL;
	const char *application = body_string(call, "application_id", &request);
	enum store_result rc = STORE_NOT_FOUND;

	if (routes_plus_number(call->params->raw[1], digits) == 0) {
		if (!application) {
			rc = STORE_REFUSED;
			message = "application_id is required";
		} else {
			rc = store_attach_application(call->store, digits, application, &message);
		}
	}
	if (rc == STORE_OK)
		reply_application(reply, "Application attached successfully", digits, application);
	else
		reply_routing_error(rc, message, reply);
	cJSON_Delete(request);
}

void routes_detach_application(const struct api_call *call, struct reply *reply)
{
	char digits[NUMBER_DIGITS_MAX + 1];
	enum store_result rc = STORE_NOT_FOUND;

	if (routes_plus_number(call->params->raw[1], digits) == 0)
		rc = store_detach_application(call->store, digits);
	if (rc == STORE_OK)
		reply_application(reply, "Application detached successfully", digits, NULL);
	else
		reply_routing_error(rc, NULL, reply);
}
