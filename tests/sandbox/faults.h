/* Fault rules injected through the control API, and the matching of API
 * requests against them. Thread-safe: one mutex guards the rule list. */
#ifndef SANDBOX_FAULTS_H
#define SANDBOX_FAULTS_H

#include <stdbool.h>
#include <stdint.h>

#include <cjson/cJSON.h>

enum fault_action {
	FAULT_STATUS,    /* answer with a chosen status (and body, Retry-After) */
	FAULT_DROP,      /* close the connection without an answer */
	FAULT_STALL,     /* hold the request unanswered */
	FAULT_MALFORMED, /* 200 with a body that is not JSON */
	FAULT_TRUNCATED, /* 200 with the real body cut in half (complete HTTP) */
	FAULT_CUT,       /* 200, full Content-Length, connection closed halfway */
	FAULT_HUGE,      /* 200 with a 64 MiB JSON body */
	FAULT_GROW,      /* answer normally, then add numbers before all others */
	FAULT_SHRINK,    /* answer normally, then release the first numbers */
};

/* What a matched rule asks of one request: a copy owned by that request. */
struct fault {
	enum fault_action action;
	bool apply;            /* perform the real operation (mutating requests) */
	unsigned status;       /* FAULT_STATUS */
	char *body;            /* FAULT_STATUS: raw body; NULL = a default by status */
	char *content_type;    /* FAULT_STATUS: for the raw body; NULL = application/json */
	char *retry_after;     /* FAULT_STATUS: Retry-After value; NULL = none */
	long retry_after_body; /* FAULT_STATUS: >= 0 = rate-limit body with details.retryAfter */
	long ms;               /* FAULT_STALL: how long; < 0 = until released */
	unsigned amount;       /* FAULT_GROW: numbers to add; FAULT_SHRINK: to remove */
};

struct faults;

/* Returns 0 or -ENOMEM. Caller owns *out (faults_destroy). */
int faults_create(struct faults **out);
void faults_destroy(struct faults *f);

/* Adds a rule from its JSON form (README.md, "Fault rules"). Returns 0, or
 * -EINVAL with *why (static) set, or -ENOMEM. */
int faults_add(struct faults *f, const cJSON *rule, const char **why);

/* Finds the first live rule matching a request and charges it one use.
 * `number` is the digits of the number in the path, or NULL; `page` the page
 * of a listing request, or 0 for any other request. On a match fills *out
 * (release it with fault_clear) and returns true. Returns false when none
 * matches or when out of memory (the request then runs unharmed). */
bool faults_take(struct faults *f, const char *method, const char *number, uint64_t page, struct fault *out);

/* Frees what a taken fault owns. */
void fault_clear(struct fault *fault);

/* The rules as given, each with "id", "remaining" and "hits". Caller owns
 * the array; NULL when out of memory. */
cJSON *faults_to_json(struct faults *f);

/* Removes every rule. */
void faults_clear(struct faults *f);

#endif
