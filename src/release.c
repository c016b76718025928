/* release.c — the guarded release.  The order of the checks is the safety
 * argument: refuse what may not be sent (read-only, not a deliberate removal,
 * protected, over budget), write the intent and the unsettled mark, send
 * once, and when the answer is lost, look before reporting — also after a
 * crash, at the next mount, and before any later release of that number. */
#include "release.h"

#include "api.h"
#include "catalog.h"
#include "claims.h"
#include "clock.h"
#include "config.h"
#include "errmap.h"
#include "log.h"
#include "removal.h"
#include "settle.h"
#include "store.h"
#include "timefmt.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct releaser {
	const struct config *cfg;
	struct api *api;
	struct catalog *catalog;
	struct audit *audit;
	struct store *store;
	struct removal_guard *guard;

	struct claims changing; /* one release or cancel per number at a time */

	atomic_ulong released, refused, failed, dry_runs, cancelled, refunds_failed;
	/* The legacy dialect's hints that the API speaks the current one, each
	 * logged once per mount. */
	atomic_bool hinted_pending, hinted_not_found;
};

struct releaser *releaser_new(const struct config *cfg, struct api *api, struct catalog *catalog, struct audit *audit,
			      struct store *store)
{
	struct releaser *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->cfg = cfg;
	r->api = api;
	r->catalog = catalog;
	r->audit = audit;
	r->store = store;
	r->guard = removal_guard_new();
	if (!r->guard) {
		free(r);
		return NULL;
	}
	claims_init(&r->changing);
	return r;
}

void releaser_free(struct releaser *r)
{
	if (!r)
		return;
	claims_destroy(&r->changing);
	removal_guard_free(r->guard);
	free(r);
}

void release_counters(struct releaser *r, struct release_counters *out)
{
	out->released = atomic_load(&r->released);
	out->refused = atomic_load(&r->refused);
	out->failed = atomic_load(&r->failed);
	out->dry_runs = atomic_load(&r->dry_runs);
	out->cancelled = atomic_load(&r->cancelled);
	out->refunds_failed = atomic_load(&r->refunds_failed);
}

static void audit_result(struct releaser *r, const char *action, const char *digits, const struct caller *caller,
			 long http_status, int err, const char *message)
{
	audit_outcome(r->audit, action, digits, caller, r->cfg->dry_run, http_status, err, message);
}

/* The marks in the store, kept past restarts: a number whose earlier
 * release may still take effect (its answer was lost, or a crash cut it off,
 * and the listing still showed it) is doubtful, and its next release looks
 * at the listing first; once its outcome is known it is settled.  Writing a
 * mark has a deadline of its own: it follows the request, whose deadline may
 * be spent.  A doubtful mark that cannot be written leaves the unsettled
 * mark the release began with, which also makes the next release look. */
static void set_doubtful(struct releaser *r, const char *digits, bool doubtful)
{
	int64_t deadline = clock_deadline_in(r->cfg->timeout_s);
	int ret = doubtful ? store_mark_doubtful(r->store, digits, deadline) : store_settle(r->store, digits, deadline);

	if (ret)
		log_error("release of %s: cannot record in the state store that its outcome is %s: %s", digits,
			  doubtful ? "doubtful" : "known", strerror(-ret));
}

static void mark_settled(struct releaser *r, const char *digits)
{
	set_doubtful(r, digits, false);
}

/* DIGITS's state from a listing that would show it, given at least the
 * look's reserve past DEADLINE. */
static int observe(struct releaser *r, const char *digits, int64_t deadline)
{
	return settle_observe(r->api, r->catalog, r->cfg->parallel, digits,
			      settle_deadline(r->cfg->timeout_s, deadline));
}

static const char *state_name(int state)
{
	return state == NUMBER_RELEASED ? "released" : state == NUMBER_PENDING_RELEASE ? "pending release" : "held";
}

/* Reflect what became of DIGITS in the catalog at once. */
static void record_status(struct releaser *r, const char *digits, enum number_status status,
			  const struct release_answer *answer)
{
	static const char *const names[] = { "active", "pending_release", "released" };
	cJSON *patch = cJSON_CreateObject();

	if (!patch || !cJSON_AddStringToObject(patch, "status", names[status]))
		goto out;
	if (status == NUMBER_PENDING_RELEASE && answer) {
		if (answer->cooldown_ends_at[0])
			cJSON_AddStringToObject(patch, "cooldown_ends_at", answer->cooldown_ends_at);
		if (answer->has_release_fee)
			cJSON_AddNumberToObject(patch, "release_fee", answer->release_fee);
	}
	if (catalog_patch(r->catalog, digits, patch) == 0)
		goto out;
	/* Out of memory: better a fresh listing than a stale entry. */
	catalog_invalidate(r->catalog);
out:
	cJSON_Delete(patch);
}

/* What a release came to, for the audit line and the budget. */
struct attempt {
	long http_status;
	bool sent_nothing_released; /* the API provably did not release it */
	char message[256];
};

/* The answer was lost: look before answering.  Returns 0 when the listing
 * shows the number released or pending, else RET (still held) or -EIO. */
static int settle_lost_answer(struct releaser *r, const char *digits, int ret, int64_t deadline, struct attempt *a)
{
	char reason[sizeof(a->message)];
	int seen;

	log_warn("release of %s: outcome unknown (%s); reading the listing to find out", digits, a->message);
	seen = observe(r, digits, deadline);
	if (seen < 0) {
		log_error("release of %s: outcome unknown and no listing could be read; it is not sent again, and "
			  "its next release looks first",
			  digits);
		set_doubtful(r, digits, true);
		catalog_invalidate(r->catalog);
		return ret == -ETIMEDOUT ? ret : -EIO;
	}
	mark_settled(r, digits);
	snprintf(reason, sizeof(reason), "%s", a->message[0] ? a->message : "answer lost");
	if (seen == NUMBER_ACTIVE) {
		log_warn("release of %s: the number is still held", digits);
		snprintf(a->message, sizeof(a->message),
			 "outcome unknown (%.160s); listing shows the number still held", reason);
		set_doubtful(r, digits, true); /* the request may still be applied */
		return -EIO;
	}
	log_info("release of %s: the listing shows it %s", digits, state_name(seen));
	snprintf(a->message, sizeof(a->message), "outcome unknown (%.160s); listing shows the number %s", reason,
		 state_name(seen));
	record_status(r, digits, (enum number_status)seen, NULL);
	return 0;
}

/* The network part of a release, after the guards. */
static int send_release(struct releaser *r, const char *digits, int64_t deadline, struct attempt *a)
{
	bool legacy = r->cfg->dialect == API_DIALECT_LEGACY;
	struct api_outcome out;
	int ret;

	ret = api_release(r->api, digits, r->cfg->immediate, deadline - settle_reserve_ms(r->cfg->timeout_s), &out);
	a->http_status = out.http_status;
	snprintf(a->message, sizeof(a->message), "%s", out.message);
	if (ret == 0) {
		bool pending = !strcmp(out.answer.status, "pending_release");

		mark_settled(r, digits);
		record_status(r, digits, pending ? NUMBER_PENDING_RELEASE : NUMBER_RELEASED, &out.answer);
		if (pending && legacy && !atomic_exchange(&r->hinted_pending, true))
			log_warn(
			    "release of %s: the API answered the legacy DELETE with a pending release: it works in "
			    "the current dialect; [api] dialect = current shows pending-release/ and allows "
			    "cancelling with mv",
			    digits);
		return 0;
	}
	if (out.unknown)
		return settle_lost_answer(r, digits, ret, deadline, a);
	if (ret == -EBUSY && out.rate_limited) /* 409 "already pending": the 429'd request may have acted */
		return settle_lost_answer(r, digits, ret, deadline, a);
	mark_settled(r, digits);
	if (ret == -ENOENT && out.rate_limited) {
		/* A 429 whose request was acted on, then 404 for the retry. */
		log_info("release of %s: 404 after a 429: the number was released", digits);
		snprintf(a->message, sizeof(a->message), "404 after 429: the number was released");
		record_status(r, digits, NUMBER_RELEASED, NULL);
		return 0;
	}
	if (ret == -ENOENT && legacy && !atomic_exchange(&r->hinted_not_found, true))
		log_warn("release of %s: the API does not know the listed number by its digits; if it follows the "
			 "current docs (the number written %%2B<digits> in the path), set [api] dialect = current",
			 digits);
	if (ret == -ENOENT)
		record_status(r, digits, NUMBER_RELEASED, NULL);
	a->sent_nothing_released = !out.rate_limited; /* refused or unknown to the API; a 429 may have acted */
	return ret;
}

/* An earlier release of DIGITS may have taken effect: look before sending.
 * Returns 0 (released or pending: nothing to send), 1 (held: send), or a
 * negative errno (no listing: nothing may be sent).
 * KEEP_MARK_IF_HELD: a queued release, claimed with its unsettled mark
 * synced, is sent next with no begin of its own: that mark must stay until
 * the answer (settled only without one, it would let a crash in the DELETE
 * go unsettled). */
static int look_first(struct releaser *r, const char *digits, int64_t deadline, struct attempt *a,
		      bool keep_mark_if_held)
{
	int seen = observe(r, digits, deadline - settle_reserve_ms(r->cfg->timeout_s));

	if (seen < 0) {
		log_error("release of %s: an earlier release's outcome is unknown and no listing could be read; "
			  "not sending another DELETE",
			  digits);
		snprintf(a->message, sizeof(a->message), "an earlier release's outcome is unknown; nothing sent");
		return -EIO;
	}
	if (seen == NUMBER_ACTIVE) {
		if (!keep_mark_if_held)
			mark_settled(r, digits);
		return 1;
	}
	mark_settled(r, digits);
	log_info("release of %s: an earlier attempt took effect (%s); nothing sent", digits, state_name(seen));
	snprintf(a->message, sizeof(a->message), "an earlier attempt took effect: %s; nothing sent", state_name(seen));
	record_status(r, digits, (enum number_status)seen, NULL);
	return 0;
}

/* The account that owns DIGITS, from its record ("" when unknown). */
static void owner_of(struct releaser *r, const char *digits, char owner[ROUTE_ID_MAX + 1])
{
	size_t len;
	char *json;

	owner[0] = '\0';
	if (catalog_record(r->catalog, digits, &json, &len))
		return;
	catalog_record_account(json, len, owner);
	free(json);
}

/* A dry run says what the real run would do: a number of another account
 * (a sub-account's, listed to its main account) would be refused. */
static int dry_run(struct releaser *r, const char *digits, const struct caller *caller)
{
	char owner[ROUTE_ID_MAX + 1], message[256];

	owner_of(r, digits, owner);
	atomic_fetch_add(&r->dry_runs, 1);
	if (owner[0] && strcmp(owner, r->cfg->auth_id)) {
		log_info("dry run: release of %s would be refused (owned by %s)", digits, owner);
		snprintf(message, sizeof(message), "dry run: would be refused (owned by %s); no request sent", owner);
		audit_result(r, "release", digits, caller, 0, -EACCES, message);
		return -EACCES;
	}
	log_info("dry run: would release %s (requested by %s, pid %d)", digits, caller->comm, (int)caller->pid);
	audit_result(r, "release", digits, caller, 0, 0, "dry run: no request sent");
	return 0;
}

/* A refusal before anything is sent: logged, audited, counted. */
static int refuse(struct releaser *r, const char *digits, const struct caller *caller, int err, const char *why)
{
	log_warn("release of %s refused: %s (requested by %s, pid %d)", digits, why, caller->comm, (int)caller->pid);
	audit_result(r, "release", digits, caller, 0, err, why);
	atomic_fetch_add(&r->refused, 1);
	return err;
}

/* Why the store refused (its errno ERR), for the log and the audit line. */
static const char *store_refusal(int err)
{
	switch (err) {
	case -EAGAIN:
		return "the state store is locked by another process past the deadline; nothing sent";
	case -ETIMEDOUT:
		return "the state store did not answer within the deadline; nothing sent";
	case -ENOSPC:
		return "the state store cannot be written: no space left on its filesystem; nothing sent";
	case -EROFS:
		return "the state store cannot be written: its filesystem is read-only; nothing sent";
	default:
		return "the release budget and marks in the state store cannot be read or recorded; nothing sent";
	}
}

/* Give back the slot TICKET: its request provably released nothing.  A slot
 * that cannot be given back stays counted until it expires. */
static void give_back(struct releaser *r, int64_t ticket)
{
	int ret = store_give_back(r->store, ticket, clock_deadline_in(r->cfg->timeout_s));

	if (ret)
		log_warn("cannot give a release's budget slot back in the state store (%s): it counts until it "
			 "expires",
			 strerror(-ret));
}

static int over_budget(struct releaser *r, const char *digits, const struct caller *caller, time_t frees_at);

int release_refuse(struct releaser *r, const char *digits, const struct caller *caller, int err, const char *why,
		   time_t frees_at)
{
	return err == -EDQUOT ? over_budget(r, digits, caller, frees_at) : refuse(r, digits, caller, err, why);
}

/* The guards that need neither the catalog nor a request, in their order:
 * read-only, a valid number, a deliberate removal (the caller established,
 * else refused), protect.  Returns 0 or the refusal's errno (logged,
 * audited and counted by refuse()). */
static int check_caller(struct releaser *r, const char *digits, const struct caller *caller)
{
	char why[320];
	int ret;

	if (r->cfg->read_only) {
		atomic_fetch_add(&r->refused, 1);
		return -EROFS;
	}
	if (!e164_is_digits(digits))
		return -ENOENT;
	if ((ret = removal_check(r->guard, caller, why, sizeof(why))))
		return refuse(r, digits, caller, ret, why);
	if (config_is_protected(r->cfg, digits))
		return refuse(r, digits, caller, -EPERM, "the number is protected by [release] protect");
	return 0;
}

int release_check(struct releaser *r, const char *digits, const struct caller *caller)
{
	struct catalog_filter held = { .status = NUMBER_ACTIVE };
	char why[320], owner[ROUTE_ID_MAX + 1];
	struct number_info info;
	int ret;

	if ((ret = check_caller(r, digits, caller)))
		return ret;
	if (catalog_find(r->catalog, digits, &held, &info) < 0)
		return -ENOENT;
	if (info.hold != NUMBER_FREE)
		return refuse(r, digits, caller, number_hold_errno(info.hold), number_hold_why(info.hold));
	if (r->cfg->dry_run) {
		if (audit_intent(r->audit, "release", digits, caller, true))
			return -EIO;
		return dry_run(r, digits, caller) ? -EACCES : 1;
	}
	owner_of(r, digits, owner);
	if (owner[0] && strcmp(owner, r->cfg->auth_id)) {
		snprintf(why, sizeof(why), "the number is listed under account %s, not %s; the API would refuse it",
			 owner, r->cfg->auth_id);
		return refuse(r, digits, caller, -EACCES, why);
	}
	return 0;
}

int release_send_queued(struct releaser *r, const char *digits, const struct caller *caller, bool must_look,
			int64_t deadline, struct release_result *out)
{
	struct catalog_filter releasing = { .status = NUMBER_RELEASING }, held = { .status = NUMBER_ACTIVE };
	struct attempt a = { 0 };
	struct number_info info;
	int ret, slot;

	*out = (struct release_result){ 0 };
	if ((ret = claims_take(&r->changing, digits, deadline, &slot))) {
		out->nothing_released = true;
		return ret;
	}
	if (catalog_find(r->catalog, digits, &releasing, &info) < 0 &&
	    catalog_find(r->catalog, digits, &held, &info) < 0) {
		out->nothing_released = true;
		snprintf(out->message, sizeof(out->message), "not held any more; nothing sent");
		ret = -ENOENT;
		goto out;
	}
	if (must_look && (ret = look_first(r, digits, deadline, &a, true)) <= 0) {
		audit_result(r, "release", digits, caller, 0, ret, a.message);
		atomic_fetch_add(ret == 0 ? &r->released : &r->failed, 1);
		out->doubtful = ret < 0;
		goto copy;
	}
	if (audit_intent(r->audit, "release", digits, caller, false)) {
		out->nothing_released = true;
		ret = refuse(r, digits, caller, -EIO, "the intent could not be recorded (audit log)");
		goto out;
	}
	ret = send_release(r, digits, deadline, &a);
	out->nothing_released = a.sent_nothing_released;
	/* An unknown outcome the listing could not settle, marked doubtful by
	 * settle_lost_answer(). */
	out->doubtful = (ret == -EIO || ret == -ETIMEDOUT) && !a.sent_nothing_released;
	audit_result(r, "release", digits, caller, a.http_status, ret, a.message[0] ? a.message : NULL);
	atomic_fetch_add(ret == 0 ? &r->released : &r->failed, 1);
	if (ret == 0)
		log_info("released %s at the end of its grace (requested by %s, pid %d)", digits, caller->comm,
			 (int)caller->pid);
copy:
	out->http_status = a.http_status;
	snprintf(out->message, sizeof(out->message), "%s", a.message);
out:
	claims_release(&r->changing, slot);
	return ret;
}

static int over_budget(struct releaser *r, const char *digits, const struct caller *caller, time_t frees_at)
{
	char why[256], when[32];
	long wait = (long)(frees_at - time(NULL));

	if (wait > STORE_WINDOW_MS / 1000) /* frees_at is rounded up: never more than the hour */
		wait = STORE_WINDOW_MS / 1000;
	timefmt_format_utc(frees_at, when, sizeof(when));
	snprintf(
	    why, sizeof(why),
	    "[release] max_per_hour = %u releases in the last hour reached; the next one frees up at %s (in %ld s)",
	    r->cfg->max_per_hour, when, wait > 0 ? wait : 0);
	return refuse(r, digits, caller, -EDQUOT, why);
}

int release_number(struct releaser *r, const char *digits, const struct caller *caller, int64_t deadline)
{
	struct catalog_filter held = { .status = NUMBER_ACTIVE };
	struct attempt a = { 0 };
	struct number_info info;
	int64_t ticket = 0;
	time_t frees_at;
	int ret, slot;

	if ((ret = check_caller(r, digits, caller)))
		return ret;
	if ((ret = claims_take(&r->changing, digits, deadline, &slot)))
		return ret;
	if (catalog_find(r->catalog, digits, &held, &info) < 0) {
		ret = -ENOENT; /* released meanwhile, perhaps by the call we waited for */
		goto out;
	}
	/* Before the dry run, which says what the real run would do. */
	if (info.hold != NUMBER_FREE) {
		ret = refuse(r, digits, caller, number_hold_errno(info.hold), number_hold_why(info.hold));
		goto out;
	}
	if (r->cfg->dry_run) {
		ret = audit_intent(r->audit, "release", digits, caller, true) ? -EIO : dry_run(r, digits, caller);
		goto out;
	}
	/* One call to the store begins the release, or says to look first (an
	 * earlier release's outcome is not known); the look settles the mark. */
	ret = store_begin_release(r->store, digits, deadline, &ticket, &frees_at);
	if (ret == STORE_LOOK_FIRST) {
		if ((ret = look_first(r, digits, deadline, &a, false)) <= 0) {
			audit_result(r, "release", digits, caller, 0, ret, a.message);
			atomic_fetch_add(ret == 0 ? &r->released : &r->failed, 1);
			goto out;
		}
		ret = store_begin_release(r->store, digits, deadline, &ticket, &frees_at);
		if (ret == STORE_LOOK_FIRST) /* the look's outcome could not be recorded */
			ret = -EIO;
	}
	if (ret == -EDQUOT) {
		ret = over_budget(r, digits, caller, frees_at);
		goto out;
	}
	if (ret) {
		ret = refuse(r, digits, caller, ret, store_refusal(ret));
		goto out;
	}
	if ((ret = audit_intent(r->audit, "release", digits, caller, false))) {
		give_back(r, ticket);
		mark_settled(r, digits);
		/* A full disk says so (audit_write() logged the errno). */
		ret = refuse(r, digits, caller, ret == -ENOSPC || ret == -EDQUOT ? -ENOSPC : -EIO,
			     "the intent could not be recorded (audit log or state_dir)");
		goto out;
	}
	ret = send_release(r, digits, deadline, &a);
	if (a.sent_nothing_released)
		give_back(r, ticket);
	audit_result(r, "release", digits, caller, a.http_status, ret, a.message[0] ? a.message : NULL);
	atomic_fetch_add(ret == 0 ? &r->released : &r->failed, 1);
	if (ret == 0)
		log_info("released %s (requested by %s, pid %d)", digits, caller->comm, (int)caller->pid);
out:
	claims_release(&r->changing, slot);
	return ret;
}

void release_note_refused_write(struct releaser *r, const struct caller *caller)
{
	removal_note_refused_write(r->guard, caller);
}

int release_budget(struct releaser *r, unsigned *used, unsigned *limit)
{
	struct store_usage u;

	store_usage(r->store, &u);
	*used = u.used;
	*limit = u.limit;
	return u.whole ? 0 : -EIO;
}

/* Settle one release a crash cut off, from the listing just read at mount. */
static void settle_at_mount(struct releaser *r, const struct store_unsettled *begun)
{
	const struct caller self = { .uid = getuid(), .pid = getpid(), .comm = "vobizfs" };
	const struct catalog_filter held = { .status = NUMBER_ACTIVE };
	const struct catalog_filter pending = { .status = NUMBER_PENDING_RELEASE };
	const char *digits = begun->number;
	const char *outcome = "settled at mount: released";
	struct number_info info;
	int err = 0;

	if (catalog_find(r->catalog, digits, &held, &info) == 0) {
		outcome = "settled at mount: still held";
		err = -EIO;
		set_doubtful(r, digits, true); /* the cut-off request may still be applied */
	} else if (catalog_find(r->catalog, digits, &pending, &info) == 0) {
		outcome = "settled at mount: pending_release";
	}
	log_warn("an earlier release of %s was cut off (intent at %lld ms); %s", digits,
		 (long long)begun->began_wall_ms, outcome);
	audit_result(r, "release", digits, &self, 0, err, outcome);
}

/* What the listing shows is known whether or not it can be recorded: a
 * mark the store cannot take off (a full disk) stays, so the number's next
 * release looks first, and the mount goes ahead. */
int release_settle_unfinished(struct releaser *r)
{
	struct store_unsettled *list;
	size_t count;
	int ret = store_list_unsettled(r->store, &list, &count, clock_deadline_in(r->cfg->timeout_s));

	if (ret)
		return ret;
	for (size_t i = 0; i < count; i++) {
		settle_at_mount(r, &list[i]);
		if (catalog_find(r->catalog, list[i].number, &(struct catalog_filter){ .status = NUMBER_ACTIVE },
				 &(struct number_info){ 0 }) < 0)
			mark_settled(r, list[i].number);
	}
	free(list);
	return 0;
}

/* A cancel answer's refund fields, for its audit line: NULL when it has
 * none (or out of memory: the line then goes without them). */
static cJSON *refund_details(const struct release_answer *answer)
{
	cJSON *d = cJSON_CreateObject();
	bool ok = d != NULL;

	if (ok && answer->refund_status[0])
		ok = cJSON_AddStringToObject(d, "refund_status", answer->refund_status) != NULL;
	if (ok && answer->has_refund_amount)
		ok = cJSON_AddNumberToObject(d, "refund_amount", answer->refund_amount) != NULL;
	if (ok && answer->currency[0])
		ok = cJSON_AddStringToObject(d, "currency", answer->currency) != NULL;
	if (ok && answer->refund_error[0])
		ok = cJSON_AddStringToObject(d, "refund_error", answer->refund_error) != NULL;
	if (!ok || !d->child) {
		cJSON_Delete(d);
		return NULL;
	}
	return d;
}

int release_cancel(struct releaser *r, const char *digits, const struct caller *caller, int64_t deadline)
{
	struct catalog_filter pending = { .status = NUMBER_PENDING_RELEASE };
	cJSON *details;
	struct api_outcome out;
	struct number_info info;
	int ret, slot;

	if (r->cfg->read_only)
		return -EROFS;
	if (!e164_is_digits(digits))
		return -ENOENT;
	if ((ret = claims_take(&r->changing, digits, deadline, &slot)))
		return ret;
	if (catalog_find(r->catalog, digits, &pending, &info) < 0) {
		ret = -ENOENT;
		goto out;
	}
	if ((ret = audit_intent(r->audit, "cancel-release", digits, caller, r->cfg->dry_run))) {
		ret = -EIO;
		goto out;
	}
	if (r->cfg->dry_run) {
		audit_result(r, "cancel-release", digits, caller, 0, 0, "dry run: no request sent");
		goto out;
	}
	/* A cancel repeated is harmless (409 at worst), but we still send it once
	 * and let an unknown outcome surface as an error the user can retry. */
	ret = api_cancel_release(r->api, digits, deadline, &out);
	if (ret == 0) {
		record_status(r, digits, NUMBER_ACTIVE, NULL);
		atomic_fetch_add(&r->cancelled, 1);
		if (!strcmp(out.answer.refund_status, "failed")) {
			atomic_fetch_add(&r->refunds_failed, 1);
			log_warn(
			    "cancel-release of %s: the number is held again, but the release fee was not refunded: "
			    "%s",
			    digits, out.answer.refund_error[0] ? out.answer.refund_error : "refund_status failed");
		}
	} else if (out.unknown)
		catalog_invalidate(r->catalog);
	details = refund_details(&out.answer);
	audit_outcome_details(r->audit, "cancel-release", digits, caller, r->cfg->dry_run, out.http_status, ret,
			      out.message[0] ? out.message : NULL, details);
	cJSON_Delete(details);
out:
	claims_release(&r->changing, slot);
	return ret;
}
