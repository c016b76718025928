/* accounts.h — whose a number is: a main account gives numbers to its
 * sub-accounts and takes them back (DESIGN §2, assign-subaccount), with the
 * guards of every change the mount makes: read-only, dry run, the audit
 * trail, one change per number at a time, one request, and a look at the
 * listing when its answer was lost. */
#ifndef VOBIZFS_ACCOUNTS_H
#define VOBIZFS_ACCOUNTS_H

#include "audit.h"

#include <stdbool.h>
#include <stdint.h>

struct accounts;
struct api;
struct catalog;
struct config;

/* The mover over CFG, API, the account's CATALOG and AUDIT (may be NULL),
 * which must all outlive it.  Returns NULL when out of memory. */
struct accounts *accounts_new(const struct config *cfg, struct api *api, struct catalog *catalog, struct audit *audit);
void accounts_free(struct accounts *a);

/* True when ID is a plausible sub-account id: "SA_" and then 1 to 61
 * characters of [A-Za-z0-9_-].  Pure. */
bool accounts_sub_account_valid(const char *id);

/* May a number be given to ACCOUNT?  0 when ACCOUNT is the main account
 * (CFG's auth_id) or a plausible sub-account id; -EROFS on a read-only mount;
 * -EINVAL otherwise (logged).  Sends nothing, so a caller may answer its
 * -EINVAL as it is: asked twice (GNU mv retries a refused renameat2() as a
 * rename()), it still sends nothing.  Thread-safe. */
int accounts_check_target(struct accounts *a, const char *account);

/* Give DIGITS to ACCOUNT: to a sub-account with one POST
 * .../assign-subaccount, back to the main account with one DELETE.
 * Returns 0 when ACCOUNT holds it (also when it already did: nothing is
 * sent; with [release] dry_run: audited, nothing sent, nothing moves), or:
 * -EROFS read-only; -EINVAL an implausible ACCOUNT (nothing sent); -ENOENT
 * not held (nothing sent); -EBUSY held by another sub-account (nothing sent:
 * it goes back to the main account first), or the API's 409 (a cool-off:
 * its cool_off_until is logged and audited); -EACCES (403); the API's other
 * errors as errmap_http_status() maps them; -EIO (also: the intent could not
 * be audited) or -ETIMEDOUT when the outcome stayed unknown after a look at
 * the listing.  On success the record's account_id changes in CATALOG at
 * once.  Never sends a second request for one call.  Thread-safe. */
int accounts_move(struct accounts *a, const char *digits, const char *account, const struct caller *caller,
		  int64_t deadline);

struct accounts_counters {
	unsigned long moved;   /* numbers given or taken back (dry runs excluded) */
	unsigned long refused; /* stopped before sending */
	unsigned long failed;  /* the API refused, or the outcome stayed unknown */
	unsigned long dry_runs;
};

/* A snapshot of the counters.  Thread-safe. */
void accounts_counters(struct accounts *a, struct accounts_counters *out);

#endif
