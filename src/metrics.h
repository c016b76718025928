/* metrics.h — the .metrics document at the mount's root: the modules'
 * counters in the Prometheus text exposition format (0.0.4), for a
 * node_exporter textfile collector. */
#ifndef VOBIZFS_METRICS_H
#define VOBIZFS_METRICS_H

#include "api.h"
#include "apijson.h"
#include "grace.h"
#include "release.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct catalog;
struct releaser;

/* Everything the document shows, read at one moment. */
struct metrics_snapshot {
	struct api_counters api;
	struct release_counters releases;
	bool budget_known;     /* release_budget() answered */
	unsigned budget_used;  /* releases counted in the last hour */
	unsigned budget_limit; /* [release] max_per_hour; 0: no limit */
	long listing_age_s;    /* -1: no listing yet */
	size_t listing_numbers;
	uint64_t refreshes;                 /* listing reads ended */
	uint64_t refresh_failures;          /* of those, failed */
	bool listing_complete;              /* its pages agree with its total (catalog.h) */
	size_t listing_skipped[LIST_SKIPS]; /* its items never shown, by reason */
	bool has_grace;                     /* [release] grace is set: the queue's gauge and counters */
	struct grace_stats grace;
};

/* Fill OUT from API, CATALOG and RELEASER (none may be NULL).  No I/O beyond
 * the budget's state file; thread-safe. */
void metrics_collect(struct api *api, struct catalog *catalog, struct releaser *releaser, struct metrics_snapshot *out);

/* Render SNAP as the exposition text: every metric with its # HELP and
 * # TYPE lines before its samples.  Returns a malloc'd, NUL-terminated
 * string the caller frees, *LEN its length; NULL when out of memory.  Pure. */
char *metrics_render(const struct metrics_snapshot *snap, size_t *len);

#endif
