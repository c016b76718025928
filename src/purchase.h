/* purchase.h — renting a number from the inventory (opt-in): the guards
 * ([purchase] enabled, max_monthly_fee, read-only, dry-run), the audit
 * trail, one POST, and a re-read of the listing when its outcome is unknown. */
#ifndef VOBIZFS_PURCHASE_H
#define VOBIZFS_PURCHASE_H

#include "audit.h"

#include <stdint.h>

struct api;
struct catalog;
struct config;
struct purchaser;

/* A purchaser over CFG, API, the account's CATALOG and AUDIT (may be NULL),
 * which must all outlive it.  Returns NULL when out of memory. */
struct purchaser *purchaser_new(const struct config *cfg, struct api *api, struct catalog *catalog,
				struct audit *audit);
void purchaser_free(struct purchaser *p);

/* Rent DIGITS, listed in the inventory catalog OFFERS.  Returns 0 when the
 * account holds it (it is then in the account's catalog), or: -EPERM renting
 * is not enabled or the number is dearer than max_monthly_fee (nothing
 * sent); -EROFS read-only; -ENOENT not offered (or taken meanwhile: 404);
 * -EIO when the purchase failed or its outcome stayed unknown.  Never sends
 * a second POST for one call.  Thread-safe. */
int purchase_number(struct purchaser *p, struct catalog *offers, const char *digits, const struct caller *caller,
		    int64_t deadline);

#endif
