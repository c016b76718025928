/* The numbers endpoints: the listing, release in both dialects (legacy:
 * digits, 204, final; current: %2B, 200, cooldown), and cancel-release, in
 * the answer shapes the store's shapes choose. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "routes.h"

void routes_list_numbers(const struct api_call *call, struct reply *reply)
{
	struct store_query q = { 0 };
	const char *search = http_query(call->connection, "search");
	const char *status = http_query(call->connection, "status");

	if (!routes_parse_paging(call, &q.page, &q.per_page, reply))
		return;
	q.search = search && *search ? search : NULL;
	q.status = status && *status ? status : NULL;
	reply_json(reply, MHD_HTTP_OK, store_list(call->store, &q));
}

static void reply_release_error(enum store_result rc, struct reply *reply)
{
	switch (rc) {
	case STORE_FORBIDDEN:
		reply_error(reply, MHD_HTTP_FORBIDDEN, "forbidden", "account does not own this number");
		break;
	case STORE_CONFLICT:
		reply_error(reply, MHD_HTTP_CONFLICT, "conflict", "number is already pending release");
		break;
	case STORE_NO_MEMORY:
		routes_reply_no_memory(reply);
		break;
	default:
		reply_error(reply, MHD_HTTP_NOT_FOUND, "number not found", NULL);
	}
}

/* The current dialect's answer, pending or (immediate) released: the
 * definition's only 200 schema requires every member, so the immediate one
 * has them too (its cooldown ended at the release). The cancel_url is
 * written as the vendor writes it, with a raw '+' and lowercase account: a
 * client that follows it verbatim gets 404. */
static void reply_released(const struct api_call *call, const char *digits, const struct release_info *info,
			   const struct shapes *shapes, bool pending, struct reply *reply)
{
	char cancel_url[ROUTE_SEGMENT_MAX + 64];
	cJSON *body = cJSON_CreateObject();

	snprintf(cancel_url, sizeof(cancel_url), "/api/v1/account/%s/numbers/+%s/cancel-release", call->auth_id,
		 digits);
	if (!cJSON_AddStringToObject(body, "status", pending ? "pending_release" : "released") ||
	    !shapes_add_fee(shapes, body, "release_fee", info->release_fee) ||
	    !shapes_add_time(shapes, body, "cooldown_ends_at", info->cooldown_ends_at) ||
	    !cJSON_AddStringToObject(body, "cancel_url", cancel_url) ||
	    !cJSON_AddStringToObject(body, "message", pending ? "Number scheduled for release" : "Number released")) {
		cJSON_Delete(body);
		body = NULL;
	}
	reply_json(reply, MHD_HTTP_OK, body);
}

/* legacy-delete=returned: an older revision's final answer. */
static void reply_returned(struct reply *reply)
{
	cJSON *body = cJSON_CreateObject();

	if (!cJSON_AddStringToObject(body, "message", "number returned to inventory")) {
		cJSON_Delete(body);
		body = NULL;
	}
	reply_json(reply, MHD_HTTP_OK, body);
}

void routes_release_number(const struct api_call *call, struct reply *reply)
{
	const char *raw = call->params->raw[1];
	/* The dialect is in how the number is written: "%2B..." is the current
	 * one; digits (or a literal '+') the legacy one. */
	bool current = strncasecmp(raw, "%2B", 3) == 0;
	const char *immediate = http_query(call->connection, "immediate");
	struct shapes shapes = store_shapes(call->store);
	char digits[NUMBER_DIGITS_MAX + 1];
	struct release_info info;
	enum release_mode mode = RELEASE_FINAL;
	enum store_result rc;

	if (routes_number_digits(raw, digits) != 0 || (!current && shapes.legacy_delete == LEGACY_NOT_FOUND)) {
		reply_release_error(STORE_NOT_FOUND, reply);
		return;
	}
	if (current)
		mode = immediate && strcmp(immediate, "true") == 0 ? RELEASE_IMMEDIATE : RELEASE_COOLDOWN;
	else if (shapes.legacy_delete == LEGACY_PENDING)
		mode = RELEASE_COOLDOWN; /* the digits path answered as the current dialect */
	rc = store_release(call->store, digits, mode, &info);
	if (rc != STORE_OK)
		reply_release_error(rc, reply);
	else if (mode == RELEASE_FINAL && shapes.legacy_delete == LEGACY_RETURNED)
		reply_returned(reply);
	else if (mode == RELEASE_FINAL)
		reply_empty(reply, MHD_HTTP_NO_CONTENT);
	else
		reply_released(call, digits, &info, &shapes, mode == RELEASE_COOLDOWN, reply);
}

/* 200 {"status":"active","message","refund_amount","currency"}, and with
 * refund=failed the refund's failure beside them. */
static void reply_cancelled(const struct cancel_info *info, const struct shapes *shapes, struct reply *reply)
{
	cJSON *body = cJSON_CreateObject();
	bool ok = cJSON_AddStringToObject(body, "status", "active") &&
		  cJSON_AddStringToObject(body, "message", "Release cancelled") &&
		  shapes_add_fee(shapes, body, "refund_amount", info->refund_amount) &&
		  cJSON_AddStringToObject(body, "currency", info->currency);

	if (ok && shapes->refund_fails)
		ok = cJSON_AddStringToObject(body, "refund_status", "failed") &&
		     cJSON_AddStringToObject(body, "refund_error", "could not process refund, please contact support");
	if (!ok) {
		cJSON_Delete(body);
		body = NULL;
	}
	reply_json(reply, MHD_HTTP_OK, body);
}

void routes_cancel_release(const struct api_call *call, struct reply *reply)
{
	struct shapes shapes = store_shapes(call->store);
	char digits[NUMBER_DIGITS_MAX + 1];
	enum store_result rc = STORE_NOT_FOUND;
	struct cancel_info info;

	if (routes_plus_number(call->params->raw[1], digits) == 0)
		rc = store_cancel_release(call->store, digits, &info);
	switch (rc) {
	case STORE_OK:
		reply_cancelled(&info, &shapes, reply);
		break;
	case STORE_CONFLICT:
		reply_error(reply, MHD_HTTP_BAD_REQUEST, "number is not pending release", NULL);
		break;
	case STORE_FORBIDDEN:
		reply_error(reply, MHD_HTTP_FORBIDDEN, "access denied", NULL);
		break;
	default:
		reply_release_error(rc, reply);
	}
}
