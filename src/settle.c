/* settle.c — reading a number's state from a listing that can be trusted to
 * show it.  The narrow search is cheap but its matching is the API's; a
 * witness (a held number the search must return) tells whether it matched. */
#include "settle.h"

#include "catalog.h"
#include "clock.h"
#include "listing.h"
#include "log.h"
#include "numtab.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int64_t settle_reserve_ms(unsigned timeout_s)
{
	int64_t reserve = (int64_t)timeout_s * 1000 / 3;

	return reserve > 5000 ? 5000 : reserve < 1000 ? 1000 : reserve;
}

int64_t settle_deadline(unsigned timeout_s, int64_t deadline)
{
	int64_t floor = clock_now_ms() + settle_reserve_ms(timeout_s);

	return deadline > floor ? deadline : floor;
}

/* Read Q and look DIGITS up in it: *FOUND a copy of it, or NULL.  Returns 0
 * or a negative errno; *WITNESS_SEEN tells whether WITNESS (may be NULL) was
 * listed, *REPORT what else the read found (listing.h). */
static int look_up(struct api *api, const struct listing_query *q, unsigned parallel, const char *digits,
		   const char *witness, int64_t deadline, struct number **found, bool *witness_seen,
		   struct listing_report *report)
{
	struct listing_params params = {
		.parallel = parallel,
		.parallel_max = parallel,
		.page_ms = clock_left_ms(deadline),
		.deadline = deadline,
		.report = report,
	};
	const struct number *n;
	struct numtab seen;
	int ret;

	*found = NULL;
	if ((ret = listing_fetch(api, q, &params, &seen)))
		return ret;
	n = numtab_get(&seen, digits);
	if (n && !(*found = number_dup(n)))
		ret = -ENOMEM;
	*witness_seen = witness && numtab_get(&seen, witness);
	numtab_destroy(&seen);
	return ret;
}

int settle_find(struct api *api, struct catalog *catalog, unsigned parallel, const char *digits, int64_t deadline,
		struct number **found)
{
	char witness[E164_BUFSIZE], prefix[E164_BUFSIZE];
	struct listing_query whole = { 0 };
	int shared = catalog_witness(catalog, digits, witness);
	struct listing_report report;
	bool witness_seen = false;
	long age;
	int ret;

	if (shared > 0) {
		struct listing_query narrow = { .search = prefix };

		memcpy(prefix, digits, (size_t)shared);
		prefix[shared] = '\0';
		ret = look_up(api, &narrow, 1, digits, witness, deadline, found, &witness_seen, &report);
		if (ret || *found || (witness_seen && !report.short_of_total))
			return ret;
		if (witness_seen)
			log_info("settling %s: a search for %s holds %zu numbers, its total says %ld; reading the "
				 "whole listing",
				 digits, prefix, report.items, report.total);
		else
			log_info("settling %s: a search for %s did not list %s, which is held; reading the whole "
				 "listing",
				 digits, prefix, witness);
	}
	catalog_stats(catalog, &age, &whole.expected, NULL);
	/* A listing whose pages disagree with its total may have left the
	 * number out: its absence proves nothing.  Read once more; a listing
	 * still flagged leaves the outcome unknown. */
	for (int attempt = 1; attempt <= 2; attempt++) {
		ret = look_up(api, &whole, parallel, digits, NULL, deadline, found, &witness_seen, &report);
		if (ret || *found || !report.short_of_total)
			return ret;
		log_warn("settling %s: the listing does not show it, but its pages hold %zu numbers and its total "
			 "says %ld: %s",
			 digits, report.items, report.total,
			 attempt == 1 ? "reading it again" : "its absence proves no release");
	}
	return -EIO;
}

int settle_observe(struct api *api, struct catalog *catalog, unsigned parallel, const char *digits, int64_t deadline)
{
	struct number *n;
	int ret = settle_find(api, catalog, parallel, digits, deadline, &n);

	if (ret)
		return ret;
	ret = n ? n->status : NUMBER_RELEASED;
	number_unref(n);
	return ret;
}
