/* Fault rules: parsed from JSON, matched in the order they were added, each
 * used up after `count` requests (-1: never). Used-up rules stay listed. */
#include "faults.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "number.h"

struct rule {
	unsigned id;
	char method[8];                     /* "*" for any */
	char number[NUMBER_DIGITS_MAX + 1]; /* "" for any */
	uint64_t page;                      /* 0 for any */
	long remaining;                     /* -1 = unlimited */
	double probability;                 /* chance that a matching request is hit */
	unsigned seed;                      /* rand_r() state for probability */
	unsigned long hits;
	struct fault fault;
	cJSON *source; /* the rule as given, for listing */
};

struct faults {
	pthread_mutex_t lock;
	struct rule *rules;
	size_t len, cap;
	unsigned next_id;
};

static const char *const action_names[] = {
	[FAULT_STATUS] = "status",       [FAULT_DROP] = "drop",           [FAULT_STALL] = "stall",
	[FAULT_MALFORMED] = "malformed", [FAULT_TRUNCATED] = "truncated", [FAULT_CUT] = "cut",
	[FAULT_HUGE] = "huge",           [FAULT_GROW] = "grow",           [FAULT_SHRINK] = "shrink",
};

int faults_create(struct faults **out)
{
	struct faults *f = calloc(1, sizeof(*f));

	if (!f)
		return -ENOMEM;
	pthread_mutex_init(&f->lock, NULL);
	f->next_id = 1;
	*out = f;
	return 0;
}

static void rule_clear(struct rule *r)
{
	fault_clear(&r->fault);
	cJSON_Delete(r->source);
}

void faults_clear(struct faults *f)
{
	pthread_mutex_lock(&f->lock);
	for (size_t i = 0; i < f->len; i++)
		rule_clear(&f->rules[i]);
	f->len = 0;
	pthread_mutex_unlock(&f->lock);
}

void faults_destroy(struct faults *f)
{
	if (!f)
		return;
	faults_clear(f);
	free(f->rules);
	pthread_mutex_destroy(&f->lock);
	free(f);
}

void fault_clear(struct fault *fault)
{
	free(fault->body);
	free(fault->content_type);
	free(fault->retry_after);
	fault->body = NULL;
	fault->content_type = NULL;
	fault->retry_after = NULL;
}

/* An integer member within [min, max], or `fallback` when absent. */
static int get_int(const cJSON *rule, const char *key, long min, long max, long fallback, long *value)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(rule, key);

	if (!item) {
		*value = fallback;
		return 0;
	}
	/* Range first: casting an out-of-range double to long is undefined. */
	if (!cJSON_IsNumber(item) || !(item->valuedouble >= (double)min) || item->valuedouble > (double)max ||
	    item->valuedouble != (double)(long)item->valuedouble)
		return -EINVAL;
	*value = (long)item->valuedouble;
	return 0;
}

/* "probability" (0..1, default 1) and its "seed" (default 1): a matching
 * request is hit with that chance, and only hits use up "count". */
static int parse_chance(const cJSON *rule, struct rule *r, const char **why)
{
	const cJSON *p = cJSON_GetObjectItemCaseSensitive(rule, "probability");
	long seed;

	r->probability = 1.0;
	if (p && (!cJSON_IsNumber(p) || !(p->valuedouble >= 0 && p->valuedouble <= 1))) {
		*why = "probability must be a number from 0 to 1";
		return -EINVAL;
	}
	if (p)
		r->probability = p->valuedouble;
	if (get_int(rule, "seed", 0, 4294967295L, 1, &seed)) {
		*why = "seed must be a non-negative integer";
		return -EINVAL;
	}
	r->seed = (unsigned)seed;
	return 0;
}

static int parse_match(const cJSON *rule, struct rule *r, const char **why)
{
	const cJSON *method = cJSON_GetObjectItemCaseSensitive(rule, "method");
	const cJSON *number = cJSON_GetObjectItemCaseSensitive(rule, "number");
	long page, count;

	strcpy(r->method, "*");
	if (method) {
		static const char *const known[] = { "*", "GET", "POST", "DELETE", "PATCH", "PUT" };
		size_t i;

		for (i = 0; cJSON_IsString(method) && i < sizeof(known) / sizeof(*known); i++)
			if (strcasecmp(method->valuestring, known[i]) == 0)
				break;
		if (!cJSON_IsString(method) || i == sizeof(known) / sizeof(*known)) {
			*why = "method must be GET, POST, DELETE, PATCH, PUT or *";
			return -EINVAL;
		}
		strcpy(r->method, known[i]);
	}
	if (number && (!cJSON_IsString(number) || number_parse_e164(number->valuestring, r->number) != 0)) {
		*why = "number must be a string of 8 to 15 digits";
		return -EINVAL;
	}
	if (get_int(rule, "page", 1, 1000000000L, 0, &page)) {
		*why = "page must be a positive integer";
		return -EINVAL;
	}
	if (get_int(rule, "count", -1, 1000000000L, 1, &count)) {
		*why = "count must be an integer >= -1";
		return -EINVAL;
	}
	r->page = (uint64_t)page;
	r->remaining = count;
	return parse_chance(rule, r, why);
}

static int parse_status(const cJSON *rule, struct fault *fault, const char **why)
{
	const cJSON *body = cJSON_GetObjectItemCaseSensitive(rule, "body");
	const cJSON *type = cJSON_GetObjectItemCaseSensitive(rule, "content_type");
	const cJSON *retry = cJSON_GetObjectItemCaseSensitive(rule, "retry_after");
	long status;

	if (get_int(rule, "status", 100, 599, 0, &status) || status == 0) {
		*why = "action status needs \"status\" between 100 and 599";
		return -EINVAL;
	}
	fault->status = (unsigned)status;
	if (body) {
		if (!cJSON_IsString(body)) {
			*why = "body must be a string (sent as is)";
			return -EINVAL;
		}
		if (!(fault->body = strdup(body->valuestring)))
			return -ENOMEM;
	}
	if (type) {
		if (!cJSON_IsString(type) || !*type->valuestring || strpbrk(type->valuestring, "\r\n")) {
			*why = "content_type must be a one-line string";
			return -EINVAL;
		}
		if (!(fault->content_type = strdup(type->valuestring)))
			return -ENOMEM;
	}
	if (retry) {
		char text[32];

		if (cJSON_IsNumber(retry))
			snprintf(text, sizeof(text), "%ld", (long)retry->valuedouble);
		else if (cJSON_IsString(retry) && strlen(retry->valuestring) < sizeof(text))
			strcpy(text, retry->valuestring);
		else {
			*why = "retry_after must be a short string or a number";
			return -EINVAL;
		}
		if (!(fault->retry_after = strdup(text)))
			return -ENOMEM;
	}
	if (get_int(rule, "retry_after_body", 0, 1000000, -1, &fault->retry_after_body)) {
		*why = "retry_after_body must be a non-negative integer";
		return -EINVAL;
	}
	return 0;
}

static int parse_action(const cJSON *rule, struct fault *fault, const char **why)
{
	const char *name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(rule, "action"));
	const cJSON *apply = cJSON_GetObjectItemCaseSensitive(rule, "apply");
	size_t i;
	long amount;

	for (i = 0; name && i < sizeof(action_names) / sizeof(*action_names); i++)
		if (strcmp(name, action_names[i]) == 0)
			break;
	if (!name || i == sizeof(action_names) / sizeof(*action_names)) {
		*why = "action must be status, drop, stall, malformed, truncated, cut, huge, grow or shrink";
		return -EINVAL;
	}
	fault->action = (enum fault_action)i;
	if (apply && !cJSON_IsBool(apply)) {
		*why = "apply must be true or false";
		return -EINVAL;
	}
	fault->apply = cJSON_IsTrue(apply);
	fault->retry_after_body = -1;

	switch (fault->action) {
	case FAULT_STATUS:
		return parse_status(rule, fault, why);
	case FAULT_STALL:
		if (get_int(rule, "ms", 0, 86400000L, -1, &fault->ms)) {
			*why = "ms must be a non-negative integer";
			return -EINVAL;
		}
		return 0;
	case FAULT_GROW:
	case FAULT_SHRINK: {
		const char *key = fault->action == FAULT_GROW ? "add" : "remove";

		if (get_int(rule, key, 0, 1000000L, 1, &amount)) {
			*why = "add/remove must be an integer from 0 to 1000000";
			return -EINVAL;
		}
		fault->amount = (unsigned)amount;
		return 0;
	}
	default:
		return 0;
	}
}

int faults_add(struct faults *f, const cJSON *rule, const char **why)
{
	struct rule r = { 0 };
	int rc;

	if (!cJSON_IsObject(rule)) {
		*why = "a rule is a JSON object";
		return -EINVAL;
	}
	rc = parse_match(rule, &r, why);
	if (rc == 0)
		rc = parse_action(rule, &r.fault, why);
	if (rc == 0 && !(r.source = cJSON_Duplicate(rule, true)))
		rc = -ENOMEM;
	if (rc)
		goto fail;

	pthread_mutex_lock(&f->lock);
	if (f->len == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 8;
		struct rule *rules = realloc(f->rules, cap * sizeof(*rules));

		if (!rules) {
			pthread_mutex_unlock(&f->lock);
			rc = -ENOMEM;
			goto fail;
		}
		f->rules = rules;
		f->cap = cap;
	}
	r.id = f->next_id++;
	f->rules[f->len++] = r;
	pthread_mutex_unlock(&f->lock);
	return 0;
fail:
	if (rc == -ENOMEM)
		*why = "out of memory";
	rule_clear(&r);
	return rc;
}

static bool rule_matches(const struct rule *r, const char *method, const char *number, uint64_t page)
{
	if (r->remaining == 0)
		return false;
	if (strcmp(r->method, "*") != 0 && strcmp(r->method, method) != 0)
		return false;
	if (r->number[0] && (!number || strcmp(r->number, number) != 0))
		return false;
	if (r->page && r->page != page)
		return false;
	return true;
}

static int copy_fault(const struct fault *from, struct fault *to)
{
	*to = *from;
	to->body = NULL;
	to->content_type = NULL;
	to->retry_after = NULL;
	if ((from->body && !(to->body = strdup(from->body))) ||
	    (from->content_type && !(to->content_type = strdup(from->content_type))) ||
	    (from->retry_after && !(to->retry_after = strdup(from->retry_after)))) {
		fault_clear(to);
		return -ENOMEM;
	}
	return 0;
}

bool faults_take(struct faults *f, const char *method, const char *number, uint64_t page, struct fault *out)
{
	bool taken = false;

	pthread_mutex_lock(&f->lock);
	for (size_t i = 0; i < f->len; i++) {
		struct rule *r = &f->rules[i];

		if (!rule_matches(r, method, number, page))
			continue;
		if (r->probability < 1.0 && rand_r(&r->seed) >= r->probability * ((double)RAND_MAX + 1.0))
			continue; /* spared this time: the next rule may still apply */
		if (copy_fault(&r->fault, out) == 0) {
			if (r->remaining > 0)
				r->remaining--;
			r->hits++;
			taken = true;
		}
		break;
	}
	pthread_mutex_unlock(&f->lock);
	return taken;
}

cJSON *faults_to_json(struct faults *f)
{
	cJSON *list = cJSON_CreateArray();

	if (!list)
		return NULL;
	pthread_mutex_lock(&f->lock);
	for (size_t i = 0; i < f->len; i++) {
		const struct rule *r = &f->rules[i];
		cJSON *item = cJSON_Duplicate(r->source, true);

		if (!item || !cJSON_AddNumberToObject(item, "id", r->id) ||
		    !cJSON_AddNumberToObject(item, "remaining", (double)r->remaining) ||
		    !cJSON_AddNumberToObject(item, "hits", (double)r->hits)) {
			cJSON_Delete(item);
			cJSON_Delete(list);
			list = NULL;
			break;
		}
		cJSON_AddItemToArray(list, item);
	}
	pthread_mutex_unlock(&f->lock);
	return list;
}
