/* status.c — renders the .status document from the counters of each module. */
#include "status.h"

#include "accounts.h"
#include "api.h"
#include "catalog.h"
#include "config.h"
#include "gate.h"
#include "grace.h"
#include "health.h"
#include "release.h"
#include "store.h"
#include "timefmt.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

/* "budget": {"max_per_hour", "used", "left"}; left is null without a
 * limit, and the whole object null when the state cannot be read. */
static bool add_budget(cJSON *releases, struct releaser *releaser, struct store *store)
{
	struct store_usage usage;
	unsigned used, limit;
	cJSON *b;

	if (store) {
		store_usage(store, &usage);
		used = usage.used;
		limit = usage.limit;
	} else if (release_budget(releaser, &used, &limit))
		return cJSON_AddNullToObject(releases, "budget") != NULL;
	b = cJSON_AddObjectToObject(releases, "budget");
	return b && cJSON_AddNumberToObject(b, "max_per_hour", limit) && cJSON_AddNumberToObject(b, "used", used) &&
	       (limit ? cJSON_AddNumberToObject(b, "left", used < limit ? limit - used : 0)
		      : cJSON_AddNullToObject(b, "left"));
}

/* "complete" (its pages agree with its total), "total" (what it claimed,
 * null before a listing) and "skipped": items never shown, by reason. */
static bool add_findings(cJSON *listing, const struct catalog_findings *found)
{
	static const char *const names[LIST_SKIPS] = {
		[LIST_SKIP_E164] = "invalid_e164",
		[LIST_SKIP_NUL] = "nul_character",
		[LIST_SKIP_DUPLICATE] = "duplicate_keys",
		[LIST_SKIP_UTF8] = "invalid_utf8",
	};
	size_t all = 0;
	cJSON *skipped;

	if (!cJSON_AddBoolToObject(listing, "complete", found->complete) ||
	    !(found->total < 0 ? cJSON_AddNullToObject(listing, "total")
			       : cJSON_AddNumberToObject(listing, "total", (double)found->total)) ||
	    !(skipped = cJSON_AddObjectToObject(listing, "skipped")))
		return false;
	for (int i = 0; i < LIST_SKIPS; i++) {
		all += found->skipped[i];
		if (!cJSON_AddNumberToObject(skipped, names[i], (double)found->skipped[i]))
			return false;
	}
	return cJSON_AddNumberToObject(skipped, "all", (double)all) != NULL;
}

/* "queued": the grace queue: {"count", "next_due" (RFC 3339, null when
 * none), "sent", "refused", "cancelled", "dropped"}. */
static bool add_queued(cJSON *releases, struct grace *grace)
{
	struct grace_stats gs;
	char due[32];
	cJSON *q;

	if (!grace)
		return true;
	grace_stats(grace, &gs);
	q = cJSON_AddObjectToObject(releases, "queued");
	if (!q || !cJSON_AddNumberToObject(q, "count", gs.queued))
		return false;
	if (gs.next_due_wall_ms) {
		timefmt_format_utc((time_t)(gs.next_due_wall_ms / 1000), due, sizeof(due));
		if (!cJSON_AddStringToObject(q, "next_due", due))
			return false;
	} else if (!cJSON_AddNullToObject(q, "next_due")) {
		return false;
	}
	return cJSON_AddNumberToObject(q, "sent", (double)gs.sent) &&
	       cJSON_AddNumberToObject(q, "refused", (double)gs.refused) &&
	       cJSON_AddNumberToObject(q, "cancelled", (double)gs.cancelled) &&
	       cJSON_AddNumberToObject(q, "dropped", (double)gs.dropped);
}

static bool add_counters(cJSON *root, const struct status_sources *src)
{
	struct api *api = src->api;
	struct releaser *releaser = src->releaser;
	struct gate *gate = src->gate;
	struct api_counters ac;
	struct release_counters rc;
	cJSON *o;

	api_counters(api, &ac);
	release_counters(releaser, &rc);
	o = cJSON_AddObjectToObject(root, "api");
	if (!o || !cJSON_AddNumberToObject(o, "requests", (double)ac.requests) ||
	    !cJSON_AddNumberToObject(o, "errors", (double)ac.failures) ||
	    !cJSON_AddNumberToObject(o, "waiting", gate ? gate_in_use(gate) : 0))
		return false;
	o = cJSON_AddObjectToObject(root, "releases");
	return o && add_budget(o, releaser, src->store) && add_queued(o, src->grace) &&
	       cJSON_AddNumberToObject(o, "released", (double)rc.released) &&
	       cJSON_AddNumberToObject(o, "failed", (double)rc.failed) &&
	       cJSON_AddNumberToObject(o, "refused", (double)rc.refused) &&
	       cJSON_AddNumberToObject(o, "dry_run", (double)rc.dry_runs) &&
	       cJSON_AddNumberToObject(o, "cancelled", (double)rc.cancelled) &&
	       cJSON_AddNumberToObject(o, "refunds_failed", (double)rc.refunds_failed);
}

/* "health": the requests health/ files sent, and the answers kept;
 * "moves": numbers given to sub-accounts and taken back. */
static bool add_health_and_moves(cJSON *root, const struct status_sources *src)
{
	struct accounts_counters mc;
	struct health_counters hc;
	cJSON *o;

	if (src->health) {
		health_counters(src->health, &hc);
		o = cJSON_AddObjectToObject(root, "health");
		if (!o || !cJSON_AddNumberToObject(o, "requests", (double)hc.requests) ||
		    !cJSON_AddNumberToObject(o, "cache_hits", (double)hc.hits) ||
		    !cJSON_AddNumberToObject(o, "shared", (double)hc.shared) ||
		    !cJSON_AddNumberToObject(o, "errors", (double)hc.errors) ||
		    !cJSON_AddNumberToObject(o, "cached", (double)hc.entries) ||
		    !cJSON_AddNumberToObject(o, "days", src->cfg->health_days) ||
		    !cJSON_AddNumberToObject(o, "ttl_seconds", src->cfg->health_ttl_s))
			return false;
	}
	if (src->accounts) {
		accounts_counters(src->accounts, &mc);
		o = cJSON_AddObjectToObject(root, "moves");
		if (!o || !cJSON_AddNumberToObject(o, "moved", (double)mc.moved) ||
		    !cJSON_AddNumberToObject(o, "failed", (double)mc.failed) ||
		    !cJSON_AddNumberToObject(o, "refused", (double)mc.refused) ||
		    !cJSON_AddNumberToObject(o, "dry_run", (double)mc.dry_runs))
			return false;
	}
	return true;
}

char *status_render(const struct status_sources *src, size_t *len)
{
	const struct config *cfg = src->cfg;
	cJSON *root = cJSON_CreateObject(), *listing;
	char when[32], *json = NULL, *out = NULL;
	struct catalog_findings found;
	size_t count;
	bool refreshing;
	long age;

	if (!root)
		return NULL;
	catalog_stats(src->catalog, &age, &count, &refreshing);
	catalog_findings(src->catalog, &found);
	timefmt_format_utc(src->mounted_at, when, sizeof(when));
	if (!cJSON_AddStringToObject(root, "version", VOBIZFS_VERSION) ||
	    !cJSON_AddStringToObject(root, "account_id", cfg->auth_id) ||
	    !cJSON_AddStringToObject(root, "base_url", cfg->base_url) ||
	    !cJSON_AddStringToObject(root, "dialect", cfg->dialect == API_DIALECT_CURRENT ? "current" : "legacy") ||
	    !cJSON_AddBoolToObject(root, "read_only", cfg->read_only) ||
	    !cJSON_AddBoolToObject(root, "dry_run", cfg->dry_run) ||
	    !cJSON_AddStringToObject(root, "mounted_at", when) ||
	    !(listing = cJSON_AddObjectToObject(root, "listing")) ||
	    !cJSON_AddNumberToObject(listing, "numbers", (double)count) ||
	    !(age < 0 ? cJSON_AddNullToObject(listing, "age_seconds")
		      : cJSON_AddNumberToObject(listing, "age_seconds", (double)age)) ||
	    !cJSON_AddNumberToObject(listing, "ttl_seconds", cfg->ttl_s) ||
	    !cJSON_AddBoolToObject(listing, "refreshing", refreshing) || !add_findings(listing, &found) ||
	    !add_counters(root, src) || !add_health_and_moves(root, src))
		goto out;
	json = cJSON_Print(root);
	if (!json)
		goto out;
	*len = strlen(json) + 1;
	out = malloc(*len + 1);
	if (out) {
		memcpy(out, json, *len - 1);
		out[*len - 1] = '\n';
		out[*len] = '\0';
	}
	cJSON_free(json);
out:
	cJSON_Delete(root);
	return out;
}
