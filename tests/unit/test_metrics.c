/* test_metrics.c — the .metrics renderer: every metric introduced by its
 * # HELP and # TYPE lines, samples as the snapshot says, histogram buckets
 * cumulative and ending in +Inf, and budget/age samples only when known. */
#include "metrics.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static char *rendered(const struct metrics_snapshot *snap)
{
	size_t len = 0;
	char *text = metrics_render(snap, &len);

	assert_non_null(text);
	assert_int_equal(strlen(text), len);
	assert_true(len > 0 && text[len - 1] == '\n');
	return text;
}

/* True when LINE (a whole line) is in TEXT. */
static bool has_line(const char *text, const char *line)
{
	size_t n = strlen(line);

	for (const char *p = text; (p = strstr(p, line)); p++)
		if ((p == text || p[-1] == '\n') && p[n] == '\n')
			return true;
	return false;
}

static void samples_follow_the_snapshot(void **state)
{
	struct metrics_snapshot s = { 0 };
	char *t;

	(void)state;
	s.api.by_class[API_METHOD_GET][API_CLASS_2XX] = 7;
	s.api.by_class[API_METHOD_DELETE][API_CLASS_4XX] = 2;
	s.api.by_class[API_METHOD_POST][API_CLASS_NONE] = 1;
	s.api.failures = 3;
	s.api.retries = 4;
	s.api.unknown = 1;
	s.releases =
	    (struct release_counters){ .released = 5, .failed = 1, .refused = 2, .dry_runs = 3, .cancelled = 4 };
	s.budget_known = true;
	s.budget_used = 5;
	s.budget_limit = 20;
	s.listing_age_s = 12;
	s.listing_numbers = 31;
	s.refreshes = 6;
	s.refresh_failures = 1;
	t = rendered(&s);
	assert_true(has_line(t, "vobizfs_api_requests_total{method=\"GET\",class=\"2xx\"} 7"));
	assert_true(has_line(t, "vobizfs_api_requests_total{method=\"DELETE\",class=\"4xx\"} 2"));
	assert_true(has_line(t, "vobizfs_api_requests_total{method=\"POST\",class=\"none\"} 1"));
	assert_true(has_line(t, "vobizfs_api_requests_total{method=\"POST\",class=\"2xx\"} 0"));
	assert_true(has_line(t, "vobizfs_api_failures_total 3"));
	assert_true(has_line(t, "vobizfs_api_retries_total 4"));
	assert_true(has_line(t, "vobizfs_api_unknown_outcomes_total 1"));
	assert_true(has_line(t, "vobizfs_releases_total{outcome=\"released\"} 5"));
	assert_true(has_line(t, "vobizfs_releases_total{outcome=\"failed\"} 1"));
	assert_true(has_line(t, "vobizfs_releases_total{outcome=\"refused\"} 2"));
	assert_true(has_line(t, "vobizfs_releases_total{outcome=\"dry_run\"} 3"));
	assert_true(has_line(t, "vobizfs_releases_total{outcome=\"cancelled\"} 4"));
	assert_true(has_line(t, "vobizfs_release_budget_used 5"));
	assert_true(has_line(t, "vobizfs_release_budget_limit 20"));
	assert_true(has_line(t, "vobizfs_release_budget_left 15"));
	assert_true(has_line(t, "vobizfs_listing_age_seconds 12"));
	assert_true(has_line(t, "vobizfs_listing_numbers 31"));
	assert_true(has_line(t, "vobizfs_listing_refreshes_total 6"));
	assert_true(has_line(t, "vobizfs_listing_refresh_failures_total 1"));
	free(t);
}

static void histogram_is_cumulative_and_ends_in_inf(void **state)
{
	struct metrics_snapshot s = { .listing_age_s = -1 };
	char *t;

	(void)state;
	s.api.latency[0] = 2;                  /* ≤ 5 ms */
	s.api.latency[7] = 3;                  /* ≤ 1 s */
	s.api.latency[API_LATENCY_BOUNDS] = 1; /* slower than 10 s */
	s.api.latency_sum_s = 14.25;
	t = rendered(&s);
	assert_true(has_line(t, "# TYPE vobizfs_api_request_duration_seconds histogram"));
	assert_true(has_line(t, "vobizfs_api_request_duration_seconds_bucket{le=\"0.005\"} 2"));
	assert_true(has_line(t, "vobizfs_api_request_duration_seconds_bucket{le=\"0.5\"} 2"));
	assert_true(has_line(t, "vobizfs_api_request_duration_seconds_bucket{le=\"1\"} 5"));
	assert_true(has_line(t, "vobizfs_api_request_duration_seconds_bucket{le=\"10\"} 5"));
	assert_true(has_line(t, "vobizfs_api_request_duration_seconds_bucket{le=\"+Inf\"} 6"));
	assert_true(has_line(t, "vobizfs_api_request_duration_seconds_sum 14.250000"));
	assert_true(has_line(t, "vobizfs_api_request_duration_seconds_count 6"));
	/* +Inf is the last bucket. */
	assert_true(strstr(t, "le=\"10\"") < strstr(t, "le=\"+Inf\""));
	free(t);
}

static void unknown_values_have_no_sample(void **state)
{
	struct metrics_snapshot s = { .listing_age_s = -1 };
	char *t;

	(void)state;
	t = rendered(&s);
	assert_true(has_line(t, "# TYPE vobizfs_listing_age_seconds gauge"));
	assert_null(strstr(t, "\nvobizfs_listing_age_seconds "));
	assert_null(strstr(t, "vobizfs_release_budget_used"));
	free(t);
	s.budget_known = true; /* no limit: used and limit 0, nothing left to count */
	t = rendered(&s);
	assert_true(has_line(t, "vobizfs_release_budget_limit 0"));
	assert_null(strstr(t, "vobizfs_release_budget_left"));
	free(t);
}

/* Each metric's # HELP and # TYPE come before its first sample, once. */
static void every_sample_is_introduced(void **state)
{
	struct metrics_snapshot s = { .budget_known = true, .budget_limit = 3, .listing_age_s = 0 };
	char *t, *save = NULL, *typed[64] = { 0 };
	size_t ntyped = 0;

	(void)state;
	t = rendered(&s);
	for (char *line = strtok_r(t, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char name[128];
		size_t n;
		bool known = false;

		if (!strncmp(line, "# HELP ", 7))
			continue;
		if (!strncmp(line, "# TYPE ", 7)) {
			assert_true(ntyped < 64);
			typed[ntyped++] = line + 7;
			continue;
		}
		n = strcspn(line, "{ ");
		assert_true(n > 0 && n < sizeof(name));
		memcpy(name, line, n);
		name[n] = '\0';
		for (size_t i = 0; i < ntyped && !known; i++) {
			size_t tn = strcspn(typed[i], " ");

			known = !strncmp(name, typed[i], tn) &&
				(name[tn] == '\0' || (strstr(typed[i], " histogram") &&
						      (!strcmp(name + tn, "_bucket") || !strcmp(name + tn, "_sum") ||
						       !strcmp(name + tn, "_count"))));
		}
		assert_true(known);
	}
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(samples_follow_the_snapshot),
		cmocka_unit_test(histogram_is_cumulative_and_ends_in_inf),
		cmocka_unit_test(unknown_values_have_no_sample),
		cmocka_unit_test(every_sample_is_introduced),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
