/* Made-up but repeatable call records: one pseudo-random draw per number and
 * hour decides how many calls came in, and one per call whether it was
 * answered and for how long.  A day is the sum of its hours, so the daily
 * and hourly views of one number agree. */
#include "usage.h"

#include <stdio.h>
#include <string.h>

#include "number.h"
#include "timestamp.h"

#define HOUR_US (3600LL * 1000000)
#define DAY_US (24 * HOUR_US)

enum usage_kind { USAGE_IDLE, USAGE_SPAM, USAGE_NORMAL };

/* splitmix64's finaliser. */
static uint64_t mix(uint64_t x)
{
	x += 0x9E3779B97F4A7C15ull;
	x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
	x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
	return x ^ (x >> 31);
}

static uint64_t number_hash(uint64_t seed, const char *digits)
{
	uint64_t h = 14695981039346656037ull ^ mix(seed ^ 0x6865616c7468ull); /* "health" */

	for (; *digits; digits++)
		h = (h ^ (unsigned char)*digits) * 1099511628211ull;
	return mix(h);
}

static enum usage_kind kind_of(uint64_t h)
{
	if (h % 5 == 0)
		return USAGE_IDLE;
	return (h >> 8) % 7 == 0 ? USAGE_SPAM : USAGE_NORMAL;
}

bool usage_is_idle(uint64_t seed, const char *digits)
{
	return kind_of(number_hash(seed, digits)) == USAGE_IDLE;
}

bool usage_is_spam(uint64_t seed, const char *digits)
{
	return kind_of(number_hash(seed, digits)) == USAGE_SPAM;
}

struct tally {
	long calls, answered;
	long seconds; /* talk time of the answered calls */
};

/* The calls of hour HOUR (hours since 1970) for a number of hash H. */
static void hour_of(uint64_t h, enum usage_kind kind, int64_t hour, struct tally *t)
{
	uint64_t r = mix(h ^ ((uint64_t)hour * 0xD1B54A32D192ED03ull));
	long calls = 0;

	if (kind == USAGE_NORMAL)
		calls = r % 3 == 0 ? 1 + (long)((r >> 4) % 3) : 0;
	else if (kind == USAGE_SPAM)
		calls = 2 + (long)((r >> 4) % 4);
	for (long i = 0; i < calls; i++) {
		uint64_t c = mix(r + (uint64_t)i + 1);

		t->calls++;
		if ((long)(c % 100) < (kind == USAGE_SPAM ? 15 : 80)) {
			t->answered++;
			t->seconds += kind == USAGE_SPAM ? 2 + (long)((c >> 8) % 10) : 15 + (long)((c >> 8) % 285);
		}
	}
}

/* NUM / DEN rounded to the nearest 1/SCALE (DEN > 0): integer arithmetic,
 * so every platform prints the same digits. */
static double ratio(long num, long den, long scale)
{
	return (double)((num * scale + den / 2) / den) / (double)scale;
}

static bool add_counts(cJSON *o, const struct tally *t)
{
	return cJSON_AddNumberToObject(o, "total_calls", (double)t->calls) &&
	       cJSON_AddNumberToObject(o, "answered_calls", (double)t->answered);
}

static bool add_snapshot(cJSON *snapshots, int64_t start_us, const struct tally *t, const struct shapes *shapes)
{
	cJSON *s = cJSON_CreateObject();
	char ts[TIMESTAMP_LEN];

	if (!s)
		return false;
	cJSON_AddItemToArray(snapshots, s);
	timestamp_format(start_us, ts);
	return shapes_add_time(shapes, s, "ts", ts) && add_counts(s, t) &&
	       cJSON_AddNumberToObject(s, "failed_calls", (double)(t->calls - t->answered)) &&
	       cJSON_AddNumberToObject(s, "total_minutes", ratio(t->seconds, 60, 100));
}

static bool add_summary(cJSON *answer, unsigned days, const struct tally *t)
{
	cJSON *s = cJSON_AddObjectToObject(answer, "summary");

	return s && cJSON_AddNumberToObject(s, "period_days", days) && add_counts(s, t) &&
	       cJSON_AddNumberToObject(s, "answer_rate", t->calls ? ratio(t->answered, t->calls, 10000) : 0) &&
	       cJSON_AddNumberToObject(s, "total_minutes", ratio(t->seconds, 60, 100)) &&
	       cJSON_AddNumberToObject(s, "avg_duration", t->answered ? ratio(t->seconds, t->answered, 10) : 0);
}

cJSON *usage_render(const struct usage_query *q, const struct shapes *shapes)
{
	uint64_t h = number_hash(q->seed, q->digits);
	enum usage_kind kind = kind_of(h);
	bool hourly = q->granularity == USAGE_HOURLY;
	int64_t bucket_us = hourly ? HOUR_US : DAY_US;
	int64_t end_us = q->now_us - ((q->now_us % bucket_us) + bucket_us) % bucket_us;
	int64_t start_us = end_us - (int64_t)q->days * DAY_US;
	char e164[NUMBER_DIGITS_MAX + 2];
	struct tally total = { 0 };
	cJSON *answer = cJSON_CreateObject(), *snapshots;

	snprintf(e164, sizeof(e164), "+%s", q->digits);
	if (!answer || !cJSON_AddStringToObject(answer, "e164", e164) ||
	    !cJSON_AddStringToObject(answer, "status", q->status) || !(snapshots = cJSON_CreateArray()))
		goto oom;
	for (int64_t b = start_us; b < end_us; b += bucket_us) {
		struct tally t = { 0 };

		for (int64_t hour = b / HOUR_US; hour < (b + bucket_us) / HOUR_US; hour++)
			hour_of(h, kind, hour, &t);
		total.calls += t.calls;
		total.answered += t.answered;
		total.seconds += t.seconds;
		if (!add_snapshot(snapshots, b, &t, shapes)) {
			cJSON_Delete(snapshots);
			goto oom;
		}
	}
	if (!cJSON_AddStringToObject(answer, "usage_status",
				     total.calls == 0              ? "idle"
				     : total.calls < (long)q->days ? "low"
								   : "active") ||
	    !cJSON_AddBoolToObject(answer, "is_spam", kind == USAGE_SPAM) ||
	    !cJSON_AddNumberToObject(answer, "spam_score",
				     kind == USAGE_SPAM ? 0.9 : ratio((long)((h >> 16) % 30), 100, 100)) ||
	    !cJSON_AddStringToObject(answer, "granularity", hourly ? "hourly" : "daily") ||
	    !add_summary(answer, q->days, &total)) {
		cJSON_Delete(snapshots);
		goto oom;
	}
	cJSON_AddItemToObject(answer, "snapshots", snapshots);
	return answer;
oom:
	cJSON_Delete(answer);
	return NULL;
}
