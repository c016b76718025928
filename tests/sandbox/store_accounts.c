/* Sub-accounts and number health: giving a number to a sub-account and
 * taking it back (with the cool-off after each assignment), and the usage
 * a listed number reports. */
#include "store.h"

#include <string.h>

#include "store_private.h"
#include "usage.h"

/* A listed number, or NULL. */
static struct number *listed(struct store *s, const char *digits)
{
	return numvec_find(&s->listed, digits);
}

static bool is_sub_account(const char *id)
{
	size_t n = strlen(id);

	return n > 3 && n < NUMBER_TEXT_LEN && !strncmp(id, "SA_", 3) &&
	       strspn(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") == n;
}

enum store_result store_assign_subaccount(struct store *s, const char *digits, const char *sub, const char **message)
{
	int64_t now_us = store_lock(s);
	struct number *n = listed(s, digits);
	enum store_result rc = STORE_OK;

	if (!n) {
		rc = STORE_NOT_FOUND;
	} else if (!is_sub_account(sub)) {
		*message = "sub_account_id must name a sub-account (SA_...)";
		rc = STORE_REFUSED;
	} else if (strcmp(n->account_id, s->main_account) != 0) {
		*message = "number is already assigned to a sub-account";
		rc = STORE_REFUSED;
	} else if (number_has_status(n, "pending_release")) {
		*message = "number is pending release";
		rc = STORE_REFUSED;
	} else {
		NUMBER_SET(n->account_id, sub);
		n->assigned_us = now_us;
		timestamp_format(now_us, n->updated_at);
	}
	store_unlock(s);
	return rc;
}

enum store_result store_return_subaccount(struct store *s, const char *digits, bool force, const char **message,
					  struct cool_off *info)
{
	int64_t now_us = store_lock(s);
	struct number *n = listed(s, digits);
	enum store_result rc = STORE_OK;

	if (!n) {
		rc = STORE_NOT_FOUND;
	} else if (strcmp(n->account_id, s->main_account) == 0) {
		*message = "number is not assigned to a sub-account";
		rc = STORE_REFUSED;
	} else if (force && !s->admin) {
		*message = "force=true requires an admin account";
		rc = STORE_FORBIDDEN;
	} else if (!force && n->assigned_us && now_us < n->assigned_us + s->cool_off_us) {
		int64_t until_us = n->assigned_us + s->cool_off_us;

		timestamp_format(until_us, info->until);
		info->remaining_s = (until_us - now_us + 999999) / 1000000;
		rc = STORE_CONFLICT;
	} else {
		NUMBER_SET(n->account_id, s->main_account);
		n->assigned_us = 0;
		timestamp_format(now_us, n->updated_at);
	}
	store_unlock(s);
	return rc;
}

enum store_result store_number_health(struct store *s, const char *digits, int granularity, unsigned days, cJSON **out)
{
	struct number *n;
	struct usage_query q = {
		.digits = digits,
		.granularity = (enum usage_granularity)granularity,
		.days = days,
		.now_us = s->gen.epoch_us,
		.seed = s->gen.seed,
	};
	struct shapes shapes;
	char status[sizeof(n->status)];
	bool found;

	/* The usage is made up outside the lock: a year of hours is some work. */
	store_lock(s);
	n = listed(s, digits);
	found = n != NULL;
	if (found)
		memcpy(status, n->status, sizeof(status));
	shapes = s->shapes;
	store_unlock(s);
	if (!found)
		return STORE_NOT_FOUND;
	q.status = status;
	*out = usage_render(&q, &shapes);
	return *out ? STORE_OK : STORE_NO_MEMORY;
}

int64_t store_cool_off(struct store *s)
{
	store_lock(s);
	int64_t v = s->cool_off_us;
	store_unlock(s);
	return v;
}

void store_set_cool_off(struct store *s, int64_t cool_off_us)
{
	store_lock(s);
	s->cool_off_us = cool_off_us;
	store_unlock(s);
}

bool store_admin(struct store *s)
{
	store_lock(s);
	bool v = s->admin;
	store_unlock(s);
	return v;
}

void store_set_admin(struct store *s, bool admin)
{
	store_lock(s);
	s->admin = admin;
	store_unlock(s);
}
