/* settle.c — reading a number's state from a listing that can be trusted to
 * show it.  The narrow search is cheap but its matching is the API's; a
 * witness (a held number the search must return) tells whether it matched. */
#include "settle.h"

#include "catalog.h"
#include "listing.h"
#include "log.h"
#include "numtab.h"

#include <errno.h>
#include <string.h>

/* Read Q and look DIGITS up in it.  Returns its status, NUMBER_RELEASED when
 * absent, or a negative errno; *WITNESS_SEEN tells whether WITNESS (may be
 * NULL) was listed. */
static int look_up(struct api *api, const struct listing_query *q, unsigned parallel, const char *digits,
		   const char *witness, int64_t deadline, bool *witness_seen)
{
	const struct number *n;
	struct numtab seen;
	int ret;

	if ((ret = listing_fetch(api, q, parallel, deadline, NULL, NULL, &seen)))
		return ret;
	n = numtab_get(&seen, digits);
	ret = n ? n->status : NUMBER_RELEASED;
	*witness_seen = witness && numtab_get(&seen, witness);
	numtab_destroy(&seen);
	return ret;
}

int settle_observe(struct api *api, struct catalog *catalog, unsigned parallel, const char *digits, int64_t deadline)
{
	char witness[E164_BUFSIZE], prefix[E164_BUFSIZE];
	struct listing_query whole = { 0 };
	int shared = catalog_witness(catalog, digits, witness);
	bool witness_seen = false;
	long age;

	if (shared > 0) {
		struct listing_query narrow = { .search = prefix };
		int state;

		memcpy(prefix, digits, (size_t)shared);
		prefix[shared] = '\0';
		state = look_up(api, &narrow, 1, digits, witness, deadline, &witness_seen);
		if (state < 0 || state != NUMBER_RELEASED || witness_seen)
			return state;
		log_info("settling %s: a search for %s did not list %s, which is held; reading the whole listing",
			 digits, prefix, witness);
	}
	catalog_stats(catalog, &age, &whole.expected);
	return look_up(api, &whole, parallel, digits, NULL, deadline, &witness_seen);
}
