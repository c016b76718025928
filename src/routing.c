/* routing.c — the rules for changing a number's route, then one API call,
 * then the record updated at once. */
#include "routing.h"

#include "api.h"
#include "catalog.h"
#include "config.h"
#include "log.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct router {
	const struct config *cfg;
	struct api *api;
	struct catalog *catalog;
	struct audit *audit;
};

struct router *router_new(const struct config *cfg, struct api *api, struct catalog *catalog, struct audit *audit)
{
	struct router *r = calloc(1, sizeof(*r));

	if (r)
		*r = (struct router){ .cfg = cfg, .api = api, .catalog = catalog, .audit = audit };
	return r;
}

void router_free(struct router *r)
{
	free(r);
}

static const char *field_name(enum route_kind kind)
{
	return kind == ROUTE_TRUNK ? "trunk_group_id" : "application_id";
}

static const char *action_name(enum route_kind kind, bool set)
{
	if (kind == ROUTE_TRUNK)
		return set ? "assign-trunk" : "unassign-trunk";
	return set ? "attach-application" : "detach-application";
}

/* Decide without the network.  Returns 1 when a request is needed, 0 when
 * the number is already so routed, or a negative errno. */
static int check_rules(const struct number_facts *f, enum route_kind kind, const char *value)
{
	bool mine = kind == ROUTE_TRUNK ? f->has_trunk : f->has_app;
	bool other = kind == ROUTE_TRUNK ? f->has_app : f->has_trunk;
	const char *current = kind == ROUTE_TRUNK ? f->trunk : f->app;

	if (!value)
		return mine ? 1 : -ENODATA;
	if (mine && !strcmp(current, value))
		return 0;
	/* On another trunk, or on the other kind of route: unroute first. */
	return mine || other ? -EBUSY : 1;
}

static void record_route(struct router *r, const char *digits, enum route_kind kind, const char *value)
{
	cJSON *patch = cJSON_CreateObject();
	bool ok = patch && (value ? cJSON_AddStringToObject(patch, field_name(kind), value)
				  : cJSON_AddNullToObject(patch, field_name(kind)));

	if (!ok || catalog_patch(r->catalog, digits, patch) < 0)
		catalog_invalidate(r->catalog);
	cJSON_Delete(patch);
}

int routing_set(struct router *r, const char *digits, enum route_kind kind, const char *value,
		const struct caller *caller, int64_t deadline)
{
	const char *action = action_name(kind, value != NULL);
	struct number_facts facts;
	struct api_outcome out = { 0 };
	int ret;

	if (r->cfg->read_only)
		return -EROFS;
	if (value && !route_id_valid(value))
		return -EINVAL;
	if ((ret = catalog_facts(r->catalog, digits, &facts)))
		return ret;
	if (facts.hold != NUMBER_FREE) {
		log_info("%s of %s refused: %s", action, digits, number_hold_why(facts.hold));
		return number_hold_errno(facts.hold);
	}
	ret = check_rules(&facts, kind, value);
	if (ret <= 0) {
		if (ret == -EBUSY)
			log_info("%s of %s refused: the number is routed elsewhere; remove that route first", action,
				 digits);
		return ret;
	}
	if (audit_intent(r->audit, action, digits, caller, r->cfg->dry_run)) {
		log_error("%s of %s refused: the intent could not be audited", action, digits);
		return -EIO;
	}
	if (r->cfg->dry_run) {
		log_info("dry run: would %s %s %s", action, digits, value ? value : "");
		audit_outcome(r->audit, action, digits, caller, true, 0, 0, "dry run: no request sent");
		return 0;
	}
	ret = kind == ROUTE_TRUNK ? api_set_trunk(r->api, digits, value, deadline, &out)
				  : api_set_application(r->api, digits, value, deadline, &out);
	if (ret == 0)
		record_route(r, digits, kind, value);
	else if (out.unknown)
		catalog_invalidate(r->catalog); /* the next listing tells what happened */
	audit_outcome(r->audit, action, digits, caller, false, out.http_status, ret,
		      out.message[0] ? out.message : NULL);
	return ret;
}
