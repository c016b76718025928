/* metrics.c — renders the .metrics document (Prometheus text format 0.0.4)
 * from a snapshot of the modules' counters. */
#include "metrics.h"

#include "catalog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const method_names[API_METHODS] = { "GET", "POST", "DELETE", "other" };
static const char *const class_names[API_CLASSES] = { "1xx", "2xx", "3xx", "4xx", "5xx", "none" };

void metrics_collect(struct api *api, struct catalog *catalog, struct releaser *releaser, struct metrics_snapshot *out)
{
	*out = (struct metrics_snapshot){ 0 };
	api_counters(api, &out->api);
	release_counters(releaser, &out->releases);
	out->budget_known = release_budget(releaser, &out->budget_used, &out->budget_limit) == 0;
	catalog_stats(catalog, &out->listing_age_s, &out->listing_numbers, NULL);
	catalog_refresh_counts(catalog, &out->refreshes, &out->refresh_failures);
	{
		struct catalog_findings found;

		catalog_findings(catalog, &found);
		out->listing_complete = found.complete;
		memcpy(out->listing_skipped, found.skipped, sizeof(out->listing_skipped));
	}
}

static void header(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* A metric with one unlabelled sample. */
static void single(FILE *f, const char *name, const char *type, const char *help, unsigned long long value)
{
	header(f, name, type, help);
	fprintf(f, "%s %llu\n", name, value);
}

/* The reasons an item is skipped (apijson.h), as label values. */
static const char *const skip_label[LIST_SKIPS] = {
	[LIST_SKIP_E164] = "e164",
	[LIST_SKIP_NUL] = "nul",
	[LIST_SKIP_DUPLICATE] = "duplicate_key",
	[LIST_SKIP_UTF8] = "invalid_utf8",
};

static void api_metrics(FILE *f, const struct api_counters *a)
{
	unsigned long cumulative = 0;

	header(f, "vobizfs_api_requests_total", "counter",
	       "HTTP requests sent to the Vobiz API, retries included, by method and answer class (none: no answer).");
	for (size_t m = 0; m < API_METHODS; m++)
		for (size_t c = 0; c < API_CLASSES; c++)
			fprintf(f, "vobizfs_api_requests_total{method=\"%s\",class=\"%s\"} %lu\n", method_names[m],
				class_names[c], a->by_class[m][c]);
	header(f, "vobizfs_api_request_duration_seconds", "histogram", "Time each API request took.");
	for (size_t b = 0; b <= API_LATENCY_BOUNDS; b++) {
		cumulative += a->latency[b];
		if (b < API_LATENCY_BOUNDS)
			fprintf(f, "vobizfs_api_request_duration_seconds_bucket{le=\"%g\"} %lu\n",
				api_latency_bounds[b], cumulative);
		else
			fprintf(f, "vobizfs_api_request_duration_seconds_bucket{le=\"+Inf\"} %lu\n", cumulative);
	}
	fprintf(f, "vobizfs_api_request_duration_seconds_sum %.6f\n", a->latency_sum_s);
	fprintf(f, "vobizfs_api_request_duration_seconds_count %lu\n", cumulative);
	single(f, "vobizfs_api_failures_total", "counter", "API calls that failed after their retries.", a->failures);
	single(f, "vobizfs_api_retries_total", "counter",
	       "Requests sent again after a 5xx, 429 or transport failure (faults survived or outlasted).", a->retries);
	single(f, "vobizfs_api_unknown_outcomes_total", "counter",
	       "Releases, cancels and other writes whose answer was lost, settled from a listing.", a->unknown);
}

static void release_metrics(FILE *f, const struct metrics_snapshot *s)
{
	const struct release_counters *r = &s->releases;
	const struct {
		const char *outcome;
		unsigned long value;
	} outcomes[] = { { "released", r->released },
			 { "failed", r->failed },
			 { "refused", r->refused },
			 { "dry_run", r->dry_runs },
			 { "cancelled", r->cancelled } };

	header(f, "vobizfs_releases_total", "counter",
	       "Releases (rm) and cancelled releases (mv out of pending-release/) by outcome.");
	for (size_t i = 0; i < sizeof(outcomes) / sizeof(outcomes[0]); i++)
		fprintf(f, "vobizfs_releases_total{outcome=\"%s\"} %lu\n", outcomes[i].outcome, outcomes[i].value);
	single(f, "vobizfs_release_refunds_failed_total", "counter",
	       "Cancelled releases whose release fee the API could not refund.", r->refunds_failed);
	if (!s->budget_known)
		return;
	single(f, "vobizfs_release_budget_used", "gauge", "Releases counted in the last hour.", s->budget_used);
	single(f, "vobizfs_release_budget_limit", "gauge", "[release] max_per_hour; 0 means no limit.",
	       s->budget_limit);
	if (s->budget_limit)
		single(f, "vobizfs_release_budget_left", "gauge", "Releases the hourly budget still allows.",
		       s->budget_used < s->budget_limit ? s->budget_limit - s->budget_used : 0);
}

static void grace_metrics(FILE *f, const struct grace_stats *g)
{
	const struct {
		const char *outcome;
		unsigned long value;
	} outcomes[] = {
		{ "sent", g->sent }, { "refused", g->refused }, { "cancelled", g->cancelled }, { "dropped", g->dropped }
	};

	single(f, "vobizfs_releases_queued", "gauge",
	       "Releases waiting out [release] grace in releasing/ (nothing sent yet).", g->queued);
	header(f, "vobizfs_grace_releases_total", "counter",
	       "Queued releases by what became of them: sent when the grace ended, refused by the API (back in "
	       "numbers/, never resent), cancelled by mv, dropped (no longer held).");
	for (size_t i = 0; i < sizeof(outcomes) / sizeof(outcomes[0]); i++)
		fprintf(f, "vobizfs_grace_releases_total{outcome=\"%s\"} %lu\n", outcomes[i].outcome,
			outcomes[i].value);
}

char *metrics_render(const struct metrics_snapshot *snap, size_t *len)
{
	char *text = NULL;
	FILE *f = open_memstream(&text, len);

	if (!f)
		return NULL;
	api_metrics(f, &snap->api);
	release_metrics(f, snap);
	if (snap->has_grace)
		grace_metrics(f, &snap->grace);
	single(f, "vobizfs_listing_numbers", "gauge", "Numbers in the listing in use.", snap->listing_numbers);
	header(f, "vobizfs_listing_age_seconds", "gauge",
	       "Seconds since the listing in use was read (none yet: no sample).");
	if (snap->listing_age_s >= 0)
		fprintf(f, "vobizfs_listing_age_seconds %ld\n", snap->listing_age_s);
	single(f, "vobizfs_listing_refreshes_total", "counter", "Listing reads that ended, failed ones included.",
	       snap->refreshes);
	single(f, "vobizfs_listing_refresh_failures_total", "counter", "Listing reads that failed.",
	       snap->refresh_failures);
	single(f, "vobizfs_listing_complete", "gauge",
	       "1 when the listing's pages agree with its total; 0 when they do not (absence then proves no release).",
	       snap->listing_complete);
	header(f, "vobizfs_listing_items_skipped", "gauge",
	       "Items of the listing in use never shown, as two readers could read them two ways, by reason.");
	for (int i = 0; i < LIST_SKIPS; i++)
		fprintf(f, "vobizfs_listing_items_skipped{reason=\"%s\"} %zu\n", skip_label[i],
			snap->listing_skipped[i]);
	if (ferror(f)) {
		fclose(f);
		free(text);
		return NULL;
	}
	if (fclose(f)) {
		free(text);
		return NULL;
	}
	return text;
}
