/* accounts.c — the guarded move of a number between the main account and its
 * sub-accounts.  The order is the safety argument, as for a release: refuse
 * what may not be sent (read-only, an implausible account, a number not
 * held, one on another sub-account), write the intent, send once, and when
 * the answer is lost, look at the listing before answering. */
#include "accounts.h"

#include "api.h"
#include "catalog.h"
#include "claims.h"
#include "config.h"
#include "e164.h"
#include "errmap.h"
#include "jsonmem.h"
#include "log.h"
#include "number.h"
#include "settle.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SUB_ACCOUNT_PREFIX "SA_"

struct accounts {
	const struct config *cfg;
	struct api *api;
	struct catalog *catalog;
	struct audit *audit;

	struct claims moving; /* one move per number at a time */

	atomic_ulong moved, refused, failed, dry_runs;
};

/* What one move is: the number, where it is and where it goes. */
struct move {
	const char *digits;
	const char *from; /* the record's account_id, "" when it has none */
	const char *to;
	bool to_main;
	const char *action;
	const struct caller *caller;
};

struct accounts *accounts_new(const struct config *cfg, struct api *api, struct catalog *catalog, struct audit *audit)
{
	struct accounts *a = calloc(1, sizeof(*a));

	if (!a)
		return NULL;
	a->cfg = cfg;
	a->api = api;
	a->catalog = catalog;
	a->audit = audit;
	claims_init(&a->moving);
	return a;
}

void accounts_free(struct accounts *a)
{
	if (!a)
		return;
	claims_destroy(&a->moving);
	free(a);
}

bool accounts_sub_account_valid(const char *id)
{
	size_t prefix = strlen(SUB_ACCOUNT_PREFIX);

	return id && !strncmp(id, SUB_ACCOUNT_PREFIX, prefix) && id[prefix] && route_id_valid(id);
}

int accounts_check_target(struct accounts *a, const char *account)
{
	char shown[ROUTE_ID_MAX + 1];

	if (a->cfg->read_only)
		return -EROFS;
	if (!strcmp(account, a->cfg->auth_id) || accounts_sub_account_valid(account))
		return 0;
	/* The id is a directory name the tree let through: plain characters. */
	snprintf(shown, sizeof(shown), "%s", account);
	log_warn("a number can go to the main account (%s) or to a sub-account (SA_...), not to %s; nothing sent",
		 a->cfg->auth_id, shown);
	return -EINVAL;
}

void accounts_counters(struct accounts *a, struct accounts_counters *out)
{
	out->moved = atomic_load(&a->moved);
	out->refused = atomic_load(&a->refused);
	out->failed = atomic_load(&a->failed);
	out->dry_runs = atomic_load(&a->dry_runs);
}

/* The account that holds DIGITS now, from the listing in memory.  Returns 0,
 * -ENOENT when it is not held (or pending release), or the refusal of a
 * number held blocked or pending purchase (number_hold_errno()). */
static int owner_of(struct accounts *a, const char *digits, char owner[ROUTE_ID_MAX + 1])
{
	const struct catalog_filter held = { .status = NUMBER_ACTIVE, .view = VIEW_ALL };
	struct number_info info;
	size_t len;
	char *json;
	int ret;

	if ((ret = catalog_find(a->catalog, digits, &held, &info)) ||
	    (ret = catalog_record(a->catalog, digits, &json, &len)))
		return ret;
	catalog_record_account(json, len, owner);
	free(json);
	if (info.hold != NUMBER_FREE) {
		log_info("move of %s refused: %s", digits, number_hold_why(info.hold));
		atomic_fetch_add(&a->refused, 1);
		return number_hold_errno(info.hold);
	}
	return 0;
}

/* The two accounts, for both audit lines; the cool-off fields of a 409 are
 * added to its outcome.  NULL when out of memory (the line goes without). */
static cJSON *move_details(const struct move *m)
{
	cJSON *d = cJSON_CreateObject();

	if (d && (!cJSON_AddStringToObject(d, "from_account", m->from[0] ? m->from : "unknown") ||
		  !cJSON_AddStringToObject(d, "to_account", m->to))) {
		cJSON_Delete(d);
		d = NULL;
	}
	return d;
}

static int audit_line(struct accounts *a, const struct move *m, const char *event, long http_status, int err,
		      const char *message, const cJSON *details)
{
	const struct audit_entry e = {
		.event = event,
		.action = m->action,
		.number = m->digits,
		.caller = m->caller,
		.dry_run = a->cfg->dry_run,
		.http_status = http_status,
		.result = strcmp(event, "intent") ? errmap_name(err) : NULL,
		.message = message,
		.details = details,
	};

	return audit_write(a->audit, &e);
}

/* A 409's cool-off, from its body {"error":"did_cool_off_in_effect",
 * "cool_off_until":"...","cool_off_remaining_seconds":N}: added to DETAILS
 * and said in WHY.  Fields of another type are left out. */
static void read_cool_off(const char *body, cJSON *details, char *why, size_t len)
{
	cJSON *answer = body ? jsonmem_parse(body, strlen(body)) : NULL;
	const cJSON *until = cJSON_GetObjectItemCaseSensitive(answer, "cool_off_until");
	const cJSON *left = cJSON_GetObjectItemCaseSensitive(answer, "cool_off_remaining_seconds");
	char until_text[64] = "an unknown time";

	if (cJSON_IsString(until)) {
		log_scrub(until->valuestring, until_text, sizeof(until_text), LOG_SCRUB_TEXT);
		if (details)
			cJSON_AddStringToObject(details, "cool_off_until", until_text);
	}
	if (cJSON_IsNumber(left) && details)
		cJSON_AddNumberToObject(details, "cool_off_remaining_seconds", left->valuedouble);
	if (cJSON_IsNumber(left))
		snprintf(why, len, "cool-off in effect until %s (%.0f s left)", until_text, left->valuedouble);
	else
		snprintf(why, len, "cool-off in effect until %s", until_text);
	cJSON_Delete(answer);
}

/* Show the move in the listing in memory at once. */
static void record_owner(struct accounts *a, const char *digits, const char *account)
{
	cJSON *patch = cJSON_CreateObject();

	if (!patch || !cJSON_AddStringToObject(patch, "account_id", account) ||
	    catalog_patch(a->catalog, digits, patch) < 0)
		catalog_invalidate(a->catalog); /* better a fresh listing than a stale owner */
	cJSON_Delete(patch);
}

/* The answer was lost: look at a listing that would show the number.
 * Returns 0 when it shows the move done, else RET's kind of failure. */
static int settle_lost_answer(struct accounts *a, const struct move *m, int ret, int64_t deadline, char *why,
			      size_t len)
{
	char owner[ROUTE_ID_MAX + 1];
	struct number *found;
	bool held;
	int seen;

	log_warn("%s of %s: outcome unknown (%s); reading the listing to find out", m->action, m->digits, why);
	seen = settle_find(a->api, a->catalog, a->cfg->parallel, m->digits,
			   settle_deadline(a->cfg->timeout_s, deadline), &found);
	if (seen < 0) {
		log_error("%s of %s: outcome unknown and no listing could be read; not sent again", m->action,
			  m->digits);
		snprintf(why, len, "answer lost; no listing could be read");
		catalog_invalidate(a->catalog);
		return ret == -ETIMEDOUT ? ret : -EIO;
	}
	held = found != NULL;
	owner[0] = '\0';
	if (held)
		catalog_record_account(found->json, found->json_len, owner);
	number_unref(found);
	if (held && !strcmp(owner, m->to)) {
		log_info("%s of %s: the listing shows it held by %s", m->action, m->digits, m->to);
		snprintf(why, len, "answer lost; listing shows the number held by %s", m->to);
		record_owner(a, m->digits, m->to);
		return 0;
	}
	log_warn("%s of %s: the listing shows it %s%s; not sent again", m->action, m->digits,
		 held ? "held by " : "not held", held ? (owner[0] ? owner : "no account") : "");
	snprintf(why, len, "answer lost; listing shows the number %s%s", held ? "held by " : "not held",
		 held ? (owner[0] ? owner : "no account") : "");
	catalog_invalidate(a->catalog); /* the next ls shows what became of it */
	return -EIO;
}

/* The request, once, and what its answer means.  DETAILS gets a 409's
 * cool-off; WHY (LEN bytes) the message for the log and the audit line. */
static int send_move(struct accounts *a, const struct move *m, int64_t deadline, long *http_status, cJSON *details,
		     char *why, size_t len)
{
	struct api_outcome out;
	char *body = NULL;
	int ret;

	ret = api_set_subaccount(a->api, m->digits, m->to_main ? NULL : m->to,
				 deadline - settle_reserve_ms(a->cfg->timeout_s), &out, &body);
	*http_status = out.http_status;
	snprintf(why, len, "%s", out.message);
	if (ret == 0)
		record_owner(a, m->digits, m->to);
	else if (out.unknown)
		ret = settle_lost_answer(a, m, ret, deadline, why, len);
	else if (out.http_status == 409)
		read_cool_off(body, details, why, len);
	free(body);
	return ret;
}

int accounts_move(struct accounts *a, const char *digits, const char *account, const struct caller *caller,
		  int64_t deadline)
{
	char owner[ROUTE_ID_MAX + 1], why[300];
	struct move m = { .digits = digits, .from = owner, .to = account, .caller = caller };
	long http_status = 0;
	cJSON *details = NULL;
	int ret, slot;

	if ((ret = accounts_check_target(a, account))) {
		atomic_fetch_add(&a->refused, 1);
		return ret;
	}
	if (!e164_is_digits(digits))
		return -ENOENT;
	m.to_main = !strcmp(account, a->cfg->auth_id);
	m.action = m.to_main ? "unassign-subaccount" : "assign-subaccount";
	if ((ret = claims_take(&a->moving, digits, deadline, &slot)))
		return ret;
	if ((ret = owner_of(a, digits, owner)) || !strcmp(owner, account))
		goto out; /* not held; or already there: nothing to send */
	if (!m.to_main && owner[0] && strcmp(owner, a->cfg->auth_id)) {
		log_info("%s of %s to %s refused: %s holds it; take it back to the main account first (mv to numbers/)",
			 m.action, digits, account, owner);
		atomic_fetch_add(&a->refused, 1);
		ret = -EBUSY;
		goto out;
	}
	details = move_details(&m);
	if (audit_line(a, &m, "intent", 0, 0, NULL, details)) {
		log_error("%s of %s refused: the intent could not be audited", m.action, digits);
		atomic_fetch_add(&a->refused, 1);
		ret = -EIO;
		goto out;
	}
	if (a->cfg->dry_run) {
		log_info("dry run: would give %s to %s (held by %s; requested by %s, pid %d)", digits, account,
			 owner[0] ? owner : "no account", caller->comm, (int)caller->pid);
		audit_line(a, &m, "outcome", 0, 0, "dry run: no request sent", details);
		atomic_fetch_add(&a->dry_runs, 1);
		goto out;
	}
	ret = send_move(a, &m, deadline, &http_status, details, why, sizeof(why));
	if (ret == 0)
		log_info("gave %s to %s (requested by %s, pid %d)", digits, account, caller->comm, (int)caller->pid);
	else
		log_warn("%s of %s to %s failed: %s", m.action, digits, account, why[0] ? why : errmap_name(ret));
	audit_line(a, &m, "outcome", http_status, ret, why[0] ? why : NULL, details);
	atomic_fetch_add(ret == 0 ? &a->moved : &a->failed, 1);
out:
	cJSON_Delete(details);
	claims_release(&a->moving, slot);
	return ret;
}
