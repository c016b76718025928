/* release.c — the guarded release.  The order of the checks is the safety
 * argument: refuse what may not be sent, write the intent, send once, and
 * when the answer is lost, look before reporting. */
#include "release.h"

#include "api.h"
#include "catalog.h"
#include "clock.h"
#include "config.h"
#include "errmap.h"
#include "listing.h"
#include "log.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_IN_FLIGHT 64

struct releaser {
	const struct config *cfg;
	struct api *api;
	struct catalog *catalog;
	struct audit *audit;

	pthread_mutex_t lock; /* guards in_flight */
	pthread_cond_t done;
	char in_flight[MAX_IN_FLIGHT][E164_BUFSIZE]; /* "" = free slot */

	atomic_ulong released, refused, failed, dry_runs, cancelled;
};

struct releaser *releaser_new(const struct config *cfg, struct api *api, struct catalog *catalog, struct audit *audit)
{
	struct releaser *r = calloc(1, sizeof(*r));
	pthread_condattr_t attr;

	if (!r)
		return NULL;
	r->cfg = cfg;
	r->api = api;
	r->catalog = catalog;
	r->audit = audit;
	pthread_mutex_init(&r->lock, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&r->done, &attr);
	pthread_condattr_destroy(&attr);
	return r;
}

void releaser_free(struct releaser *r)
{
	if (!r)
		return;
	pthread_cond_destroy(&r->done);
	pthread_mutex_destroy(&r->lock);
	free(r);
}

void release_counters(struct releaser *r, struct release_counters *out)
{
	out->released = atomic_load(&r->released);
	out->refused = atomic_load(&r->refused);
	out->failed = atomic_load(&r->failed);
	out->dry_runs = atomic_load(&r->dry_runs);
	out->cancelled = atomic_load(&r->cancelled);
}

static int find_slot(struct releaser *r, const char *digits)
{
	for (int i = 0; i < MAX_IN_FLIGHT; i++)
		if (!strcmp(r->in_flight[i], digits))
			return i;
	return -1;
}

/* Claim DIGITS for this call, waiting while another call works on the same
 * number (the caller then re-checks the state).  Returns 0 or -ETIMEDOUT. */
static int claim(struct releaser *r, const char *digits, int64_t deadline, int *slot)
{
	struct timespec ts = { .tv_sec = deadline / 1000, .tv_nsec = (deadline % 1000) * 1000000 };
	int ret = 0;

	pthread_mutex_lock(&r->lock);
	while (find_slot(r, digits) >= 0 || (*slot = find_slot(r, "")) < 0) {
		if (pthread_cond_timedwait(&r->done, &r->lock, &ts) == ETIMEDOUT) {
			ret = -ETIMEDOUT;
			break;
		}
	}
	if (ret == 0)
		snprintf(r->in_flight[*slot], E164_BUFSIZE, "%s", digits);
	pthread_mutex_unlock(&r->lock);
	return ret;
}

static void unclaim(struct releaser *r, int slot)
{
	pthread_mutex_lock(&r->lock);
	r->in_flight[slot][0] = '\0';
	pthread_cond_broadcast(&r->done);
	pthread_mutex_unlock(&r->lock);
}

static void audit_result(struct releaser *r, const char *action, const char *digits, const struct caller *caller,
			 long http_status, int err, const char *message)
{
	audit_outcome(r->audit, action, digits, caller, r->cfg->dry_run, http_status, err, message);
}

/* The answer was lost: read the number's state from a fresh, narrow listing.
 * Returns its status, NUMBER_RELEASED when it is not listed, or a negative
 * errno when the listing cannot be read either. */
static int observe(struct releaser *r, const char *digits, int64_t deadline)
{
	struct number *n;
	int ret = listing_lookup(r->api, digits, deadline, &n);

	if (ret)
		return ret;
	ret = n ? (int)n->status : (int)NUMBER_RELEASED;
	free(n);
	return ret;
}

/* Time kept back from the request for a possible re-read of the listing. */
static int64_t verify_reserve_ms(const struct config *cfg)
{
	int64_t reserve = (int64_t)cfg->timeout_s * 1000 / 3;

	return reserve > 5000 ? 5000 : reserve;
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

/* The network part of a release, after the guards.  Fills *STATUS. */
static int send_release(struct releaser *r, const char *digits, int64_t deadline, long *status, char *message,
			size_t msglen)
{
	struct api_outcome out;
	int ret, seen;

	ret = api_release(r->api, digits, r->cfg->immediate, deadline - verify_reserve_ms(r->cfg), &out);
	*status = out.http_status;
	snprintf(message, msglen, "%s", out.message);
	if (ret == 0) {
		bool pending = !strcmp(out.answer.status, "pending_release");

		record_status(r, digits, pending ? NUMBER_PENDING_RELEASE : NUMBER_RELEASED, &out.answer);
		return 0;
	}
	if (ret == -ENOENT) {
		record_status(r, digits, NUMBER_RELEASED, NULL);
		return ret;
	}
	if (!out.unknown)
		return ret;

	log_warn("release of %s: outcome unknown (%s); reading the listing to find out", digits, out.message);
	seen = observe(r, digits, deadline);
	if (seen < 0) {
		log_error("release of %s: outcome unknown and the listing cannot be read; not retrying", digits);
		catalog_invalidate(r->catalog);
		return ret;
	}
	if (seen == NUMBER_ACTIVE) {
		log_warn("release of %s: the number is still held", digits);
		return ret;
	}
	log_info("release of %s: the listing shows it %s", digits,
		 seen == NUMBER_RELEASED ? "released" : "pending release");
	snprintf(message, msglen, "answer lost; listing shows the number %s",
		 seen == NUMBER_RELEASED ? "released" : "pending release");
	record_status(r, digits, (enum number_status)seen, NULL);
	return 0;
}

int release_number(struct releaser *r, const char *digits, const struct caller *caller, int64_t deadline)
{
	struct catalog_filter held = { .status = NUMBER_ACTIVE };
	struct number_info info;
	char message[256] = "";
	long status = 0;
	int ret, slot;

	if (r->cfg->read_only) {
		atomic_fetch_add(&r->refused, 1);
		return -EROFS;
	}
	if (!e164_is_digits(digits))
		return -ENOENT;
	if (config_is_protected(r->cfg, digits)) {
		log_warn("release of %s refused: the number is protected by [release] protect", digits);
		audit_result(r, "release", digits, caller, 0, -EPERM, "protected");
		atomic_fetch_add(&r->refused, 1);
		return -EPERM;
	}
	if ((ret = claim(r, digits, deadline, &slot)))
		return ret;
	if (catalog_find(r->catalog, digits, &held, &info) < 0) {
		ret = -ENOENT; /* released meanwhile, perhaps by the call we waited for */
		goto out;
	}
	ret = audit_intent(r->audit, "release", digits, caller, r->cfg->dry_run);
	if (ret) {
		log_error("release of %s refused: the intent could not be audited", digits);
		atomic_fetch_add(&r->refused, 1);
		ret = -EIO;
		goto out;
	}
	if (r->cfg->dry_run) {
		log_info("dry run: would release %s (requested by %s, pid %d)", digits, caller->comm, (int)caller->pid);
		audit_result(r, "release", digits, caller, 0, 0, "dry run: no request sent");
		atomic_fetch_add(&r->dry_runs, 1);
		ret = 0;
		goto out;
	}
	ret = send_release(r, digits, deadline, &status, message, sizeof(message));
	audit_result(r, "release", digits, caller, status, ret, message[0] ? message : NULL);
	atomic_fetch_add(ret == 0 ? &r->released : &r->failed, 1);
	if (ret == 0)
		log_info("released %s (requested by %s, pid %d)", digits, caller->comm, (int)caller->pid);
out:
	unclaim(r, slot);
	return ret;
}

int release_cancel(struct releaser *r, const char *digits, const struct caller *caller, int64_t deadline)
{
	struct catalog_filter pending = { .status = NUMBER_PENDING_RELEASE };
	struct api_outcome out;
	struct number_info info;
	int ret, slot;

	if (r->cfg->read_only)
		return -EROFS;
	if (!e164_is_digits(digits))
		return -ENOENT;
	if ((ret = claim(r, digits, deadline, &slot)))
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
	} else if (out.unknown)
		catalog_invalidate(r->catalog);
	audit_result(r, "cancel-release", digits, caller, out.http_status, ret, out.message[0] ? out.message : NULL);
out:
	unclaim(r, slot);
	return ret;
}
