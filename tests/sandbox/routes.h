/* The Vobiz API as the sandbox answers it: the route table (exact paths and
 * casing), authentication, and the endpoint handlers (routes_*.c). Handlers
 * only read the request and fill a reply; faults, latency and the request
 * log are the API server's business. Thread-safe. */
#ifndef SANDBOX_ROUTES_H
#define SANDBOX_ROUTES_H

#include <stdbool.h>
#include <stdint.h>

#include <microhttpd.h>

#include "http.h"
#include "number.h"
#include "route.h"
#include "store.h"

/* What a handler may look at. */
struct api_call {
	struct MHD_Connection *connection; /* query arguments and headers */
	const struct route_params *params; /* raw[0] is the path's auth_id */
	const char *body;                  /* NUL-terminated; "" when none */
	size_t body_len;
	const char *auth_id; /* the account the sandbox serves */
	const char *auth_token;
	struct store *store;
};

typedef void (*api_handler)(const struct api_call *call, struct reply *reply);

struct api_route {
	const char *method;
	const char *pattern; /* for route_match() */
	int number_param;    /* index of the param holding a number, or -1 */
	bool paged;          /* a listing: has ?page= */
	api_handler handler;
};

/* The route for this method and raw path, filling *params. NULL when none:
 * then `allow` holds the methods the path does accept ("" when the path is
 * unknown: 404; otherwise 405). */
const struct api_route *routes_find(const char *method, const char *raw_path, struct route_params *params,
				    char allow[64]);

/* Answers a request: 404/405 when `route` is NULL (the 405 reply points at
 * `allow`, which must outlive it), 401/403 when the
 * credentials or the path's account are wrong, else the handler's answer. */
void routes_serve(const struct api_route *route, const char *allow, const struct api_call *call, struct reply *reply);

/* True when the X-Auth-Token header equals `token`. */
bool routes_token_ok(struct MHD_Connection *connection, const char *token);

/* The digits of the number in a raw path segment ("919...", "+919...",
 * "%2B919..."), for fault matching. Returns 0 or -EINVAL. */
int routes_number_digits(const char *raw, char digits[NUMBER_DIGITS_MAX + 1]);

/* The page a listing asks for: 1 when absent, 0 when invalid. */
uint64_t routes_page(struct MHD_Connection *connection);

/* Helpers shared by the handlers. */

/* Reads ?page= and ?per_page= (defaults 1 and 25; per_page 1..100). Returns
 * false after setting a 400 reply when they are invalid. */
bool routes_parse_paging(const struct api_call *call, uint64_t *page, uint64_t *per_page, struct reply *reply);

/* A number segment of the current dialect: it must be written %2B and then
 * digits (a literal '+' does not match). Returns 0 or -EINVAL. */
int routes_plus_number(const char *raw, char digits[NUMBER_DIGITS_MAX + 1]);

/* 500 {"error":"internal_server_error",...} for an out-of-memory store result. */
void routes_reply_no_memory(struct reply *reply);

/* The handlers, by file. */
void routes_list_numbers(const struct api_call *call, struct reply *reply);
void routes_release_number(const struct api_call *call, struct reply *reply);
void routes_cancel_release(const struct api_call *call, struct reply *reply);
void routes_list_inventory(const struct api_call *call, struct reply *reply);
void routes_purchase(const struct api_call *call, struct reply *reply);
void routes_assign_trunk(const struct api_call *call, struct reply *reply);
void routes_unassign_trunk(const struct api_call *call, struct reply *reply);
void routes_attach_application(const struct api_call *call, struct reply *reply);
void routes_detach_application(const struct api_call *call, struct reply *reply);
void routes_number_health(const struct api_call *call, struct reply *reply);
void routes_assign_subaccount(const struct api_call *call, struct reply *reply);
void routes_return_subaccount(const struct api_call *call, struct reply *reply);

#endif
