/* A number's usage as the health endpoint reports it (DESIGN.md §2, number
 * health): calls per hour made up deterministically from the seed and the
 * digits, so the same sandbox always tells the same story.  About one
 * number in five takes no calls at all (idle) and about one in nine is a
 * spam-flagged number with many short, mostly unanswered calls.  Pure and
 * thread-safe. */
#ifndef SANDBOX_USAGE_H
#define SANDBOX_USAGE_H

#include <stdbool.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "shapes.h"

enum usage_granularity { USAGE_DAILY, USAGE_HOURLY };

struct usage_query {
	const char *digits; /* the number, without '+' */
	const char *status; /* its status, as listed */
	enum usage_granularity granularity;
	unsigned days;  /* the window: this many days of whole buckets */
	int64_t now_us; /* the window ends at the start of this hour (or day) */
	uint64_t seed;
};

/* The largest window each granularity serves. */
#define USAGE_MAX_DAYS_DAILY 365
#define USAGE_MAX_DAYS_HOURLY 7

/* True when the number never takes a call, and when it is spam-flagged. */
bool usage_is_idle(uint64_t seed, const char *digits);
bool usage_is_spam(uint64_t seed, const char *digits);

/* The health answer: {"e164","status","usage_status","is_spam","spam_score",
 * "granularity","summary":{"period_days","total_calls","answered_calls",
 * "answer_rate","total_minutes","avg_duration"},"snapshots":[{"ts",
 * "total_calls","answered_calls","failed_calls","total_minutes"},...]},
 * oldest snapshot first, timestamps as SHAPES write them.  Caller owns it;
 * NULL when out of memory. */
cJSON *usage_render(const struct usage_query *q, const struct shapes *shapes);

#endif
