/* release.h — releasing a number, and cancelling a pending release, with
 * every guard around the paid, permanent API call: read-only, deliberate
 * removals only, protect, the hourly budget, dry-run, the audit trail, one
 * request per number at a time, and the look at the listing when the API's
 * answer was lost (also after a crash). */
#ifndef VOBIZFS_RELEASE_H
#define VOBIZFS_RELEASE_H

#include "audit.h"

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

struct api;
struct catalog;
struct config;
struct releaser;
struct store;

/* A releaser over CFG, API, CATALOG, AUDIT (may be NULL) and STORE (the
 * budget and the unsettled releases), all of which must outlive it.
 * Returns NULL when out of memory. */
struct releaser *releaser_new(const struct config *cfg, struct api *api, struct catalog *catalog, struct audit *audit,
			      struct store *store);
void releaser_free(struct releaser *r);

/* What the releaser has done since creation. */
struct release_counters {
	unsigned long released; /* released or pending release (dry runs excluded) */
	unsigned long refused;  /* stopped before sending: read-only, not deliberate,
				   protect, budget, a missing audit */
	unsigned long failed;   /* the API refused, or the outcome stayed unknown */
	unsigned long dry_runs;
	unsigned long cancelled;      /* pending releases cancelled */
	unsigned long refunds_failed; /* of those, cancelled without the release fee
					 refunded (refund_status "failed") */
};

/* A snapshot of the counters.  Thread-safe. */
void release_counters(struct releaser *r, struct release_counters *out);

/* Release the held number DIGITS for CALLER before DEADLINE.
 * Returns 0 when the number is released (or, in the current dialect, pending
 * release), or: -EROFS read-only; -EPERM protected, or CALLER is not making
 * a deliberate removal (removal.h); -EDQUOT the hourly budget is spent;
 * -ENOENT not held (also for the loser of two concurrent releases of one
 * number); -EACCES refused (a dry run: would be refused); -EAGAIN still rate
 * limited; -EIO / -ETIMEDOUT when the number is still held or its fate could
 * not be learnt.  Never sends a second DELETE for one call, nor one for a
 * number whose earlier release may still take effect without looking at the
 * listing first.  An unknown outcome is always looked up, given a short
 * grace past DEADLINE when it is spent.  Thread-safe. */
int release_number(struct releaser *r, const char *digits, const struct caller *caller, int64_t deadline);

/* CALLER's write, create or rename on the mount was refused: an unlink by
 * the same process in the next moments is that tool's fallback, not a
 * removal.  Thread-safe. */
void release_note_refused_write(struct releaser *r, const struct caller *caller);

/* The releases counted in the last hour and [release] max_per_hour (0: no
 * limit).  Returns 0 or -EIO.  Thread-safe. */
int release_budget(struct releaser *r, unsigned *used, unsigned *limit);

/* At mount, after the first listing: settle every release a crash cut off
 * (marked unsettled in the state directory) from that listing, with one
 * audit outcome and one log line each.  Returns 0 or a negative errno. */
int release_settle_unfinished(struct releaser *r);

/* The grace queue's side of a release ([release] grace, grace.h).
 *
 * release_check() runs every guard that needs no request, for an rm of the
 * held number DIGITS by CALLER: read-only (-EROFS), a deliberate removal and
 * protect (-EPERM), held (-ENOENT), owned by the account (-EACCES for a
 * number listed under another account_id, as the API's 403 would be).  A
 * refusal is logged, audited and counted.  With dry_run it logs and audits
 * what would be done and returns 1: nothing may be queued.  Returns 0 when
 * the release may be queued.  Thread-safe. */
int release_check(struct releaser *r, const char *digits, const struct caller *caller);

/* A queued release of DIGITS was refused before anything was sent: ERR
 * with WHY (logged, audited, counted); -EDQUOT says when a slot frees
 * (FREES_AT) in the budget's words.  Returns ERR. */
int release_refuse(struct releaser *r, const char *digits, const struct caller *caller, int err, const char *why,
		   time_t frees_at);

/* What became of a queued release's request, for the store. */
struct release_result {
	long http_status;      /* 0 when none arrived */
	bool nothing_released; /* provably nothing released: its budget slot is free again */
	bool doubtful;         /* the outcome stays unknown: its next release must look first */
	char message[256];     /* the API's or our reason */
};

/* Send the release of DIGITS that the grace queue claimed (its budget slot
 * and unsettled mark were taken when it was queued and claimed), for
 * CALLER (who queued it), under every rule release_number() keeps: the
 * intent audited before the request leaves, one DELETE, an unknown outcome
 * looked up and never resent; MUST_LOOK (an earlier release may still
 * take effect) looks at the listing before sending.  DIGITS must be held
 * (active or releasing) in the catalog.  Returns as release_number(); *OUT
 * says what the store must record.  Thread-safe; blocks on the network. */
int release_send_queued(struct releaser *r, const char *digits, const struct caller *caller, bool must_look,
			int64_t deadline, struct release_result *out);

/* Cancel the pending release of DIGITS (current dialect).  Returns 0 when it
 * is held again — also when the API could not refund the release fee
 * (refund_status "failed"): that is logged with the API's refund_error,
 * audited with the refund fields and counted in refunds_failed.  Errors as
 * above (-ENOENT when it is not pending). */
int release_cancel(struct releaser *r, const char *digits, const struct caller *caller, int64_t deadline);

#endif
