/* The answer shapes that vary in the vendor's documentation (DESIGN.md §2,
 * "Shapes that vary"): which one the sandbox serves, switch by switch, so a
 * client can be run against each. Named KEY=VALUE on the command line
 * (--shape) and in the control API (/shapes). Plain data: the store keeps
 * the current set under its lock. */
#ifndef SANDBOX_SHAPES_H
#define SANDBOX_SHAPES_H

#include <stdbool.h>

#include <cjson/cJSON.h>

#include "timestamp.h"

struct shapes {
	bool null_keys;        /* unset-keys=null: unset nullable keys sent as null (default: absent) */
	bool rich_fields;      /* fields=rich: billing dates, aadhaar_*, tags filled in */
	bool float_fees;       /* fees=floats: whole fees written 700.0, 1.0 */
	int time_digits;       /* time-digits=0|6|9: fractional digits of timestamps */
	bool assign_200;       /* assign=200: POST .../assign answers 200 with a body (default 204) */
	bool refund_fails;     /* refund=failed: cancel-release restores, refund_status "failed" */
	bool purchase_items;   /* purchase=items: an "items" array beside "number" */
	bool purchase_auth_id; /* owner-key=auth_id: the purchased number names its owner auth_id */
	bool list_auth_id;     /* list-owner-key=auth_id: listed items name their owner auth_id */
	bool all_statuses;     /* statuses=all: generated numbers in every status; released ones stay listed */
	bool list_example;     /* list=example: the vendor's list example (2 numbers, total 24) */
	enum legacy_delete {
		LEGACY_FINAL,     /* legacy-delete=final: 204, released (the seed) */
		LEGACY_PENDING,   /* legacy-delete=pending: 200 pending_release, as the current dialect */
		LEGACY_NOT_FOUND, /* legacy-delete=not-found: 404, as a server that wants %2B */
		LEGACY_RETURNED,  /* legacy-delete=returned: 200 {"message":"number returned to inventory"}, released */
	} legacy_delete;
};

/* The defaults: what the current docs describe where they choose one. */
void shapes_default(struct shapes *s);

/* Sets one switch from its name and value ("refund", "failed"). Returns 0,
 * or -EINVAL with *why (static text) for an unknown name or value; then
 * nothing changes. */
int shapes_set(struct shapes *s, const char *key, const char *value, const char **why);

/* Sets the switches from "KEY=VALUE" (the command line). Same results. */
int shapes_set_pair(struct shapes *s, const char *pair, const char **why);

/* Sets every member of the JSON object `json` ({"refund":"failed",...}), all
 * or nothing. Same results. */
int shapes_set_json(struct shapes *s, const cJSON *json, const char **why);

/* Every switch and its value as a JSON object. Caller owns it; NULL when
 * out of memory. */
cJSON *shapes_to_json(const struct shapes *s);

/* The names and values, for --help and error messages. */
#define SHAPES_HELP                                                                                                    \
	"unset-keys=absent|null, fields=basic|rich, fees=plain|floats, time-digits=6|0|9, assign=204|200, "            \
	"refund=ok|failed, purchase=number|items, owner-key=account_id|auth_id, "                                      \
	"legacy-delete=final|pending|not-found|returned, list-owner-key=account_id|auth_id, statuses=plain|all, "      \
	"list=generated|example"

/* Rendering helpers. Each add returns false when out of memory. */

/* A timestamp as the shapes write it: one in the sandbox's own form
 * ("...:SS.ffffffZ") gets time_digits fractional digits; any other text
 * (set verbatim through the control API) is copied as it is. */
void shapes_time(const struct shapes *s, const char *stored, char out[TIMESTAMP_LEN]);

/* Adds a timestamp member as shapes_time() writes it; "" is unset and goes
 * as shapes_add_nullable() says. */
bool shapes_add_time(const struct shapes *s, cJSON *obj, const char *key, const char *stored);

/* Adds a fee member: a JSON number, written with ".0" when whole and
 * fees=floats. */
bool shapes_add_fee(const struct shapes *s, cJSON *obj, const char *key, double fee);

/* Adds a nullable text member: its value, or when it is "" (unset), null
 * with unset-keys=null and nothing at all otherwise. */
bool shapes_add_nullable(const struct shapes *s, cJSON *obj, const char *key, const char *value);

#endif
