/* The API route table, authentication, and helpers the handlers share. The
 * casing of "Account" differs between endpoints exactly as the vendor's
 * documentation writes it. */
#include "routes.h"

#include <errno.h>
#include <string.h>
#include <strings.h>

static const struct api_route api_routes[] = {
	{ "GET", "api/v1/Account/*/numbers", -1, true, routes_list_numbers },
	{ "DELETE", "api/v1/Account/*/numbers/*", 1, false, routes_release_number },
	{ "POST", "api/v1/account/*/numbers/*/cancel-release", 1, false, routes_cancel_release },
	{ "GET", "api/v1/Account/*/inventory/numbers", -1, true, routes_list_inventory },
	{ "POST", "api/v1/Account/*/numbers/purchase-from-inventory", -1, false, routes_purchase },
	{ "POST", "api/v1/Account/*/numbers/*/assign", 1, false, routes_assign_trunk },
	{ "DELETE", "api/v1/Account/*/numbers/*/assign", 1, false, routes_unassign_trunk },
	{ "POST", "api/v1/Account/*/numbers/*/application", 1, false, routes_attach_application },
	{ "DELETE", "api/v1/Account/*/numbers/*/application", 1, false, routes_detach_application },
	{ "GET", "api/v1/account/*/numbers/*/health", 1, false, routes_number_health },
	{ "POST", "api/v1/account/*/numbers/*/assign-subaccount", 1, false, routes_assign_subaccount },
	{ "DELETE", "api/v1/account/*/numbers/*/assign-subaccount", 1, false, routes_return_subaccount },
};

#define ROUTE_COUNT (sizeof(api_routes) / sizeof(api_routes[0]))

const struct api_route *routes_find(const char *method, const char *raw_path, struct route_params *params,
				    char allow[64])
{
	const struct api_route *found = NULL;
	struct route_params scratch;

	allow[0] = '\0';
	for (size_t i = 0; i < ROUTE_COUNT; i++) {
		const struct api_route *r = &api_routes[i];

		if (!route_match(r->pattern, raw_path, &scratch))
			continue;
		if (!found && strcmp(r->method, method) == 0) {
			found = r;
			*params = scratch;
		}
		if (!strstr(allow, r->method) && strlen(allow) + strlen(r->method) + 3 < 64) {
			if (allow[0])
				strcat(allow, ", ");
			strcat(allow, r->method);
		}
	}
	return found;
}

bool routes_token_ok(struct MHD_Connection *connection, const char *token)
{
	const char *given = MHD_lookup_connection_value(connection, MHD_HEADER_KIND, "X-Auth-Token");

	return given && strcmp(given, token) == 0;
}

/* {"error":{"code":401,"message":"Invalid token"}}: here error is an object. */
static void reply_invalid_token(struct reply *reply)
{
	cJSON *body = cJSON_CreateObject();
	cJSON *error = cJSON_AddObjectToObject(body, "error");

	if (!error || !cJSON_AddNumberToObject(error, "code", 401) ||
	    !cJSON_AddStringToObject(error, "message", "Invalid token")) {
		cJSON_Delete(body);
		body = NULL;
	}
	reply_json(reply, MHD_HTTP_UNAUTHORIZED, body);
}

static bool check_auth(const struct api_call *call, struct reply *reply)
{
	const char *id = MHD_lookup_connection_value(call->connection, MHD_HEADER_KIND, "X-Auth-ID");
	char path_id[ROUTE_SEGMENT_MAX];

	const char *bearer = MHD_lookup_connection_value(call->connection, MHD_HEADER_KIND, "Authorization");

	/* DESIGN.md §2 and the cancel-release page: a request carrying
	 * Authorization: Bearer is answered 401 Invalid token, whatever the
	 * X-Auth-* headers say. */
	if (bearer && strncasecmp(bearer, "Bearer", 6) == 0 && (bearer[6] == ' ' || bearer[6] == '\0')) {
		reply_invalid_token(reply);
		return false;
	}
	if (!id || strcmp(id, call->auth_id) != 0 || !routes_token_ok(call->connection, call->auth_token)) {
		reply_invalid_token(reply);
		return false;
	}
	if (route_decode(call->params->raw[0], path_id, sizeof(path_id)) != 0 || strcmp(path_id, call->auth_id) != 0) {
		reply_error(reply, MHD_HTTP_FORBIDDEN, "forbidden", "account mismatch");
		return false;
	}
	return true;
}

void routes_serve(const struct api_route *route, const char *allow, const struct api_call *call, struct reply *reply)
{
	if (!route) {
		if (allow[0]) {
			reply_error(reply, MHD_HTTP_METHOD_NOT_ALLOWED, "method not allowed", NULL);
			reply->allow = allow;
		} else {
			reply_error(reply, MHD_HTTP_NOT_FOUND, "not found", NULL);
		}
		return;
	}
	if (check_auth(call, reply))
		route->handler(call, reply);
}

int routes_number_digits(const char *raw, char digits[NUMBER_DIGITS_MAX + 1])
{
	char text[ROUTE_SEGMENT_MAX];

	if (route_decode(raw, text, sizeof(text)) != 0)
		return -EINVAL;
	return number_parse_e164(text, digits);
}

int routes_plus_number(const char *raw, char digits[NUMBER_DIGITS_MAX + 1])
{
	char text[ROUTE_SEGMENT_MAX];

	/* A raw '+' in a path does not match (DESIGN.md §2: the cancel_url's
	 * raw '+' must not be followed verbatim): only %2B is a plus. */
	if (raw[0] == '+' || route_decode(raw, text, sizeof(text)) != 0 || text[0] != '+')
		return -EINVAL;
	return number_parse_e164(text, digits);
}

uint64_t routes_page(struct MHD_Connection *connection)
{
	const char *text = http_query(connection, "page");
	unsigned long long page;

	if (!text)
		return 1;
	if (http_parse_uint(text, 1000000000ULL, &page) != 0)
		return 0;
	return page;
}

bool routes_parse_paging(const struct api_call *call, uint64_t *page, uint64_t *per_page, struct reply *reply)
{
	const char *per_page_text = http_query(call->connection, "per_page");
	unsigned long long value = 25;

	*page = routes_page(call->connection);
	if (*page == 0 || (per_page_text && http_parse_uint(per_page_text, 1000, &value) != 0) || value < 1 ||
	    value > 100) {
		reply_error(reply, MHD_HTTP_BAD_REQUEST, "invalid pagination parameters", NULL);
		return false;
	}
	*per_page = value;
	return true;
}

void routes_reply_no_memory(struct reply *reply)
{
	reply_error(reply, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal_server_error", "out of memory");
}
