/* The sandbox's state: every number it knows, who holds it, and the rules
 * that change it (release, cancel, purchase, routing, and the control API's
 * edits). One mutex guards it all: every function here is thread-safe and
 * holds the lock only for the work itself, never across network I/O. */
#ifndef SANDBOX_STORE_H
#define SANDBOX_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "gen.h"
#include "search_mode.h"
#include "shapes.h"
#include "timestamp.h"

struct store;

enum store_result {
	STORE_OK = 0,
	STORE_NOT_FOUND, /* no such number (among those the operation looks at) */
	STORE_FORBIDDEN, /* held by a sub-account, not by the main account */
	STORE_CONFLICT,  /* pending release when it must not be, or the reverse */
	STORE_REFUSED,   /* a rule forbids it; *message says which */
	STORE_NO_FUNDS,  /* the balance cannot pay for a purchase */
	STORE_NO_MEMORY,
};

struct store_config {
	struct gen_config gen; /* strings are copied */
	size_t numbers, sub_numbers, inventory_per_country;
	int64_t cooldown_us;          /* current dialect's pending_release period */
	double balance;               /* pays for purchases */
	enum search_mode search_mode; /* how the listing matches ?search= */
	struct shapes shapes;         /* the answer shapes served (shapes.h) */
	int64_t cool_off_us;          /* after an assign-subaccount, how long the DELETE is refused */
	bool admin;                   /* the credentials are an admin's: DELETE ?force=true allowed */
};

/* Generates the initial state. Returns 0, -ENOMEM, or -EINVAL (bad config).
 * Caller owns *out (store_destroy). */
int store_create(const struct store_config *cfg, struct store **out);

/* Frees the store and every record. NULL is a no-op. */
void store_destroy(struct store *s);

/* A listing request. NULL strings mean "no filter"; page >= 1, per_page >= 1. */
struct store_query {
	const char *search;  /* matched against the e164 text ("+9180..."): see store_list() */
	const char *status;  /* exact status */
	const char *country; /* exact country (inventory) */
	/* E.164 prefixes (digits, no '+') to leave out (inventory's exclude). */
	const char *const *exclude;
	size_t excludes;
	uint64_t page, per_page;
};

/* One page of the account's listing: numbers of the main account and of its
 * sub-accounts (account_id "SA_..."), whatever their status except
 * "released", in ascending e164 order, as {"items","page","per_page","total"}.
 * q->search is matched as the store's search mode says (store_search_mode).
 * O(page) without filters. Caller owns the result; NULL when out of memory. */
cJSON *store_list(struct store *s, const struct store_query *q);

/* One page of the inventory, same shape; q->search always matches as
 * SEARCH_CONTAINS. Caller owns it; NULL on ENOMEM. */
cJSON *store_list_inventory(struct store *s, const struct store_query *q);

enum release_mode {
	RELEASE_FINAL,     /* legacy dialect: released at once, 204 */
	RELEASE_COOLDOWN,  /* current dialect: pending_release until the cooldown ends */
	RELEASE_IMMEDIATE, /* current dialect with ?immediate=true */
};

struct release_info {
	double release_fee;                   /* RELEASE_COOLDOWN only */
	char cooldown_ends_at[TIMESTAMP_LEN]; /* RELEASE_COOLDOWN only */
};

/* Releases a listed number of the main account. NOT_FOUND: not listed;
 * FORBIDDEN: a sub-account's; CONFLICT: already pending and mode is not
 * RELEASE_FINAL. `info` may be NULL. */
enum store_result store_release(struct store *s, const char *digits, enum release_mode mode, struct release_info *info);

/* What a cancelled release gives back: the release fee, in the number's currency. */
struct cancel_info {
	double refund_amount;
	char currency[8];
};

/* Ends a pending release: status back to active. NOT_FOUND, FORBIDDEN, or
 * CONFLICT when not pending. `info` may be NULL. */
enum store_result store_cancel_release(struct store *s, const char *digits, struct cancel_info *info);

/* Moves the inventory number whose e164 text equals `e164` ("+..." exactly)
 * into the main account, paying setup_fee + monthly_fee from the balance.
 * NOT_FOUND, NO_FUNDS, NO_MEMORY. On OK, *number (caller owns) is the record. */
enum store_result store_purchase(struct store *s, const char *e164, cJSON **number);

/* Routing. assign: REFUSED when a trunk is already assigned or an
 * application attached (*message says which). attach: REFUSED when a trunk
 * is assigned; replaces a previous application. unassign/detach always
 * succeed on a number of the main account. All: NOT_FOUND, FORBIDDEN. */
enum store_result store_assign_trunk(struct store *s, const char *digits, const char *trunk_group_id,
				     const char **message);
enum store_result store_unassign_trunk(struct store *s, const char *digits);
enum store_result store_attach_application(struct store *s, const char *digits, const char *application_id,
					   const char **message);
enum store_result store_detach_application(struct store *s, const char *digits);

/* Sub-accounts (store_accounts.c). */

/* Gives a listed number of the main account to the sub-account `sub` (any
 * "SA_" id counts), starting its cool-off. NOT_FOUND; REFUSED with *message
 * when `sub` is not an SA_ id, the number is already a sub-account's, or it
 * is pending release. */
enum store_result store_assign_subaccount(struct store *s, const char *digits, const char *sub, const char **message);

/* What a refused return says: when the cool-off ends, and in how long. */
struct cool_off {
	char until[TIMESTAMP_LEN];
	int64_t remaining_s;
};

/* Returns a sub-account's number to the main account. NOT_FOUND; REFUSED
 * with *message when the main account holds it; FORBIDDEN when `force` is
 * asked without admin credentials; CONFLICT with *info while the cool-off
 * of its last assignment runs (`force` with admin skips it). */
enum store_result store_return_subaccount(struct store *s, const char *digits, bool force, const char **message,
					  struct cool_off *info);

/* The health answer (usage.h) of a listed number: NOT_FOUND, NO_MEMORY, or
 * OK with *out (caller owns). `granularity` and `days` as usage.h says. */
enum store_result store_number_health(struct store *s, const char *digits, int granularity, unsigned days, cJSON **out);

/* The cool-off length, and whether the credentials are an admin's. */
int64_t store_cool_off(struct store *s);
void store_set_cool_off(struct store *s, int64_t cool_off_us);
bool store_admin(struct store *s);
void store_set_admin(struct store *s, bool admin);

/* Control API. Records are rendered as API items (number_to_json), in the
 * current shapes. */

/* Every number the account holds or held, released included, ascending, as a
 * JSON array text. Caller frees it. NULL when out of memory. */
char *store_dump(struct store *s);

/* The inventory as a JSON array text. Caller frees it; NULL on ENOMEM. */
char *store_dump_inventory(struct store *s);

/* One number (held or released) as JSON; caller owns it. NULL if unknown. */
cJSON *store_get(struct store *s, const char *digits);

/* Adds or replaces a number: `fields` needs e164; the rest defaults as in
 * gen_fill_defaults(). A number of the same digits in the inventory leaves
 * it. REFUSED with *why (static) on bad fields. On OK, *out (caller owns,
 * may be NULL when out of memory) is the new record. */
enum store_result store_put(struct store *s, const cJSON *fields, const char **why, cJSON **out);

/* Merges fields into a held or released number (e164 cannot change), moving
 * it in or out of the listing as its status and owner say. NOT_FOUND,
 * REFUSED with *why, NO_MEMORY. On OK, *out as for store_put. */
enum store_result store_patch(struct store *s, const char *digits, const cJSON *fields, const char **why, cJSON **out);

/* Marks a listed number released, as if released elsewhere. NOT_FOUND if not listed. */
enum store_result store_remove(struct store *s, const char *digits);

/* Adds `count` numbers of the main account that sort before all others
 * (gen_grown). Returns 0 or -ENOMEM. */
int store_grow(struct store *s, unsigned count);

/* Marks the first `count` listed numbers released. */
void store_shrink(struct store *s, unsigned count);

double store_balance(struct store *s);
void store_set_balance(struct store *s, double balance);

/* The answer shapes served, for every record and answer from now on. */
struct shapes store_shapes(struct store *s);
void store_set_shapes(struct store *s, const struct shapes *shapes);

/* How the account's listing matches ?search= (not the inventory's). */
enum search_mode store_search_mode(struct store *s);
void store_set_search_mode(struct store *s, enum search_mode mode);

#endif
