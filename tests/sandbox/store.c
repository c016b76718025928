/* The numbers state and the API's rules: the listing, release in both
 * dialects, cancel, purchase, routing. Three sorted vectors (the listing,
 * everything else the account held, the inventory) under one mutex. */
#include "store.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "store_private.h"

bool store_belongs_in_listing(const struct store *s, const struct number *n)
{
	if (number_has_status(n, "released"))
		return false;
	return strcmp(n->account_id, s->main_account) == 0 || strncmp(n->account_id, "SA_", 3) == 0;
}

void store_mark_released(struct number *n, int64_t now_us)
{
	char now[TIMESTAMP_LEN];

	timestamp_format(now_us, now);
	NUMBER_SET(n->status, "released");
	NUMBER_SET(n->released_at, now);
	NUMBER_SET(n->updated_at, now);
	/* The release page: "trunk_group_id set to NULL". An application link
	 * goes the same way: a number back in stock routes nowhere. */
	n->trunk_group_id[0] = '\0';
	n->application_id[0] = '\0';
	n->cooldown_ends_us = 0;
	n->cooldown_ends_at[0] = '\0';
}

/* Moves listed[index] to the unlisted vector. Both are kept sorted. */
int store_unlist_at(struct store *s, size_t index)
{
	if (numvec_reserve(&s->unlisted, 1))
		return -ENOMEM;
	struct number *n = numvec_take_at(&s->listed, index);
	struct number *stale = numvec_take(&s->unlisted, n->digits);

	number_free(stale);
	numvec_insert(&s->unlisted, n); /* cannot fail: room reserved, digits free */
	return 0;
}

void store_note_pending(struct store *s, const struct number *n)
{
	if (n->cooldown_ends_us < s->next_expiry_us)
		s->next_expiry_us = n->cooldown_ends_us;
}

/* Pending releases whose cooldown has ended become released and leave the
 * listing. Costs O(listing) only when one is actually due. */
void store_expire_due(struct store *s, int64_t now_us)
{
	if (now_us < s->next_expiry_us)
		return;
	s->next_expiry_us = INT64_MAX;
	for (size_t i = 0; i < s->listed.len;) {
		struct number *n = s->listed.items[i];

		if (!number_has_status(n, "pending_release")) {
			i++;
		} else if (n->cooldown_ends_us > now_us) {
			store_note_pending(s, n);
			i++;
		} else {
			store_mark_released(n, n->cooldown_ends_us);
			if (store_unlist_at(s, i)) {
				/* Out of memory: keep it listed as released
				 * rather than lose it; try again next time. */
				s->next_expiry_us = now_us;
				i++;
			}
		}
	}
}

/* Takes the lock and brings cooldowns up to date; returns the time used. */
int64_t store_lock(struct store *s)
{
	int64_t now_us = timestamp_now_us();

	pthread_mutex_lock(&s->lock);
	store_expire_due(s, now_us);
	return now_us;
}

void store_unlock(struct store *s)
{
	pthread_mutex_unlock(&s->lock);
}

static int load_generated(struct store *s, const struct store_config *cfg)
{
	static const char *const countries[] = { "IN", "US", "GB" };
	struct number *n;

	for (size_t i = 0; i < cfg->numbers; i++)
		if (!(n = gen_owned(&s->gen, i)) || numvec_append(&s->listed, n))
			goto oom;
	for (size_t j = 0; j < cfg->sub_numbers; j++)
		if (!(n = gen_sub(&s->gen, j)) || numvec_append(&s->listed, n))
			goto oom;
	for (size_t c = 0; c < 3; c++)
		for (size_t k = 0; k < cfg->inventory_per_country; k++)
			if (!(n = gen_inventory(&s->gen, countries[c], k)) || numvec_append(&s->inventory, n))
				goto oom;
	/* Distinct by construction (gen.c); a failure here is a generator bug
	 * or counts beyond a prefix's number space. */
	if (numvec_sort(&s->listed) || numvec_sort(&s->inventory))
		return -EINVAL;
	return 0;
oom:
	number_free(n);
	return -ENOMEM;
}

int store_create(const struct store_config *cfg, struct store **out)
{
	struct store *s = calloc(1, sizeof(*s));
	int rc;

	if (!s)
		return -ENOMEM;
	if (strlen(cfg->gen.main_account) >= sizeof(s->main_account) ||
	    strlen(cfg->gen.sub_account) >= sizeof(s->sub_account)) {
		free(s);
		return -EINVAL;
	}
	pthread_mutex_init(&s->lock, NULL);
	NUMBER_SET(s->main_account, cfg->gen.main_account);
	NUMBER_SET(s->sub_account, cfg->gen.sub_account);
	s->gen = cfg->gen;
	s->gen.main_account = s->main_account;
	s->gen.sub_account = s->sub_account;
	s->cooldown_us = cfg->cooldown_us;
	s->next_expiry_us = INT64_MAX;
	s->balance = cfg->balance;
	s->search_mode = cfg->search_mode;
	s->shapes = cfg->shapes;
	s->cool_off_us = cfg->cool_off_us;
	s->admin = cfg->admin;

	rc = load_generated(s, cfg);
	if (rc) {
		store_destroy(s);
		return rc;
	}
	*out = s;
	return 0;
}

void store_destroy(struct store *s)
{
	if (!s)
		return;
	numvec_clear(&s->listed);
	numvec_clear(&s->unlisted);
	numvec_clear(&s->inventory);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

static bool matches(const struct number *n, const struct store_query *q, enum search_mode mode)
{
	if (q->status && !number_has_status(n, q->status))
		return false;
	if (q->country && strcmp(n->country, q->country) != 0)
		return false;
	if (q->search) {
		char e164[NUMBER_DIGITS_MAX + 2] = "+";

		strcat(e164, n->digits);
		if (!search_mode_match(mode, e164, q->search))
			return false;
	}
	return true;
}

static bool add_item(cJSON *items, const struct number *n, const struct shapes *shapes)
{
	cJSON *item = number_to_json(n, shapes);

	if (!item)
		return false;
	cJSON_AddItemToArray(items, item);
	return true;
}

static cJSON *render_page(const struct numvec *v, const struct store_query *q, enum search_mode mode,
			  const struct shapes *shapes)
{
	cJSON *page = cJSON_CreateObject();
	cJSON *items = cJSON_AddArrayToObject(page, "items");
	uint64_t first = (q->page - 1) * q->per_page; /* routes bound page and per_page */
	uint64_t total = 0;

	if (!items)
		goto oom;
	if (!q->search && !q->status && !q->country) {
		total = v->len;
		for (uint64_t i = first; i < v->len && i < first + q->per_page; i++)
			if (!add_item(items, v->items[i], shapes))
				goto oom;
	} else {
		for (size_t i = 0; i < v->len; i++) {
			if (!matches(v->items[i], q, mode))
				continue;
			if (total >= first && total < first + q->per_page && !add_item(items, v->items[i], shapes))
				goto oom;
			total++;
		}
	}
	if (!cJSON_AddNumberToObject(page, "page", (double)q->page) ||
	    !cJSON_AddNumberToObject(page, "per_page", (double)q->per_page) ||
	    !cJSON_AddNumberToObject(page, "total", (double)total))
		goto oom;
	return page;
oom:
	cJSON_Delete(page);
	return NULL;
}

cJSON *store_list(struct store *s, const struct store_query *q)
{
	struct store_query query = *q;

	store_lock(s);
	if (s->search_mode == SEARCH_IGNORE)
		query.search = NULL; /* the whole listing, paged in O(page) */
	cJSON *page = render_page(&s->listed, &query, s->search_mode, &s->shapes);
	store_unlock(s);
	return page;
}

cJSON *store_list_inventory(struct store *s, const struct store_query *q)
{
	store_lock(s);
	cJSON *page = render_page(&s->inventory, q, SEARCH_CONTAINS, &s->shapes);
	store_unlock(s);
	return page;
}

/* Finds a listed number the main account may act on. */
static enum store_result find_own(struct store *s, const char *digits, size_t *index)
{
	size_t i = numvec_lower_bound(&s->listed, digits);

	if (i >= s->listed.len || strcmp(s->listed.items[i]->digits, digits) != 0)
		return STORE_NOT_FOUND;
	if (strcmp(s->listed.items[i]->account_id, s->main_account) != 0)
		return STORE_FORBIDDEN;
	*index = i;
	return STORE_OK;
}

enum store_result store_release(struct store *s, const char *digits, enum release_mode mode, struct release_info *info)
{
	int64_t now_us = store_lock(s);
	size_t i;
	enum store_result rc = find_own(s, digits, &i);

	if (rc)
		goto out;
	struct number *n = s->listed.items[i];
	if (mode != RELEASE_FINAL && number_has_status(n, "pending_release")) {
		rc = STORE_CONFLICT;
	} else if (mode == RELEASE_COOLDOWN) {
		NUMBER_SET(n->status, "pending_release");
		n->release_fee = n->monthly_fee;
		n->cooldown_ends_us = now_us + s->cooldown_us;
		timestamp_format(n->cooldown_ends_us, n->cooldown_ends_at);
		timestamp_format(now_us, n->updated_at);
		store_note_pending(s, n);
		if (info) {
			info->release_fee = n->release_fee;
			memcpy(info->cooldown_ends_at, n->cooldown_ends_at, TIMESTAMP_LEN);
		}
	} else {
		if (numvec_reserve(&s->unlisted, 1)) {
			rc = STORE_NO_MEMORY;
			goto out;
		}
		store_mark_released(n, now_us);
		store_unlist_at(s, i);
	}
out:
	store_unlock(s);
	return rc;
}

enum store_result store_cancel_release(struct store *s, const char *digits, struct cancel_info *info)
{
	int64_t now_us = store_lock(s);
	size_t i;
	enum store_result rc = find_own(s, digits, &i);

	if (rc == STORE_OK) {
		struct number *n = s->listed.items[i];

		if (!number_has_status(n, "pending_release")) {
			rc = STORE_CONFLICT;
		} else {
			if (info) {
				info->refund_amount = n->release_fee;
				NUMBER_SET(info->currency, n->currency);
			}
			NUMBER_SET(n->status, "active");
			n->cooldown_ends_us = 0;
			n->cooldown_ends_at[0] = '\0';
			timestamp_format(now_us, n->updated_at);
		}
	}
	store_unlock(s);
	return rc;
}

enum store_result store_purchase(struct store *s, const char *e164, cJSON **number)
{
	int64_t now_us = store_lock(s);
	enum store_result rc = STORE_OK;
	struct number *n;

	*number = NULL;
	/* The body must carry the literal '+'; "9198..." is not an e164 the
	 * inventory holds. */
	if (e164[0] != '+' || !(n = numvec_find(&s->inventory, e164 + 1))) {
		rc = STORE_NOT_FOUND;
		goto out;
	}
	if (s->balance < n->setup_fee + n->monthly_fee) {
		rc = STORE_NO_FUNDS;
		goto out;
	}
	if (numvec_reserve(&s->listed, 1)) {
		rc = STORE_NO_MEMORY;
		goto out;
	}
	n = numvec_take(&s->inventory, e164 + 1);
	number_free(numvec_take(&s->unlisted, n->digits)); /* forget an old release */
	s->balance -= n->setup_fee + n->monthly_fee;
	NUMBER_SET(n->account_id, s->main_account);
	NUMBER_SET(n->status, "active");
	timestamp_format(now_us, n->purchased_at);
	timestamp_format(now_us, n->updated_at);
	numvec_insert(&s->listed, n);
	*number = number_to_json(n, &s->shapes);
out:
	store_unlock(s);
	return rc;
}

enum store_result store_assign_trunk(struct store *s, const char *digits, const char *trunk_group_id,
				     const char **message)
{
	int64_t now_us = store_lock(s);
	size_t i;
	enum store_result rc = find_own(s, digits, &i);

	if (rc == STORE_OK) {
		struct number *n = s->listed.items[i];

		if (n->trunk_group_id[0]) {
			*message = "This number is already assigned to a trunk.";
			rc = STORE_REFUSED;
		} else if (n->application_id[0]) {
			*message = "This number is attached to an application.";
			rc = STORE_REFUSED;
		} else {
			NUMBER_SET(n->trunk_group_id, trunk_group_id);
			timestamp_format(now_us, n->updated_at);
		}
	}
	store_unlock(s);
	return rc;
}

enum store_result store_unassign_trunk(struct store *s, const char *digits)
{
	int64_t now_us = store_lock(s);
	size_t i;
	enum store_result rc = find_own(s, digits, &i);

	if (rc == STORE_OK) {
		s->listed.items[i]->trunk_group_id[0] = '\0';
		timestamp_format(now_us, s->listed.items[i]->updated_at);
	}
	store_unlock(s);
	return rc;
}

enum store_result store_attach_application(struct store *s, const char *digits, const char *application_id,
					   const char **message)
{
	int64_t now_us = store_lock(s);
	size_t i;
	enum store_result rc = find_own(s, digits, &i);

	if (rc == STORE_OK) {
		struct number *n = s->listed.items[i];

		if (n->trunk_group_id[0]) {
			*message = "number is assigned to a trunk";
			rc = STORE_REFUSED;
		} else {
			NUMBER_SET(n->application_id, application_id);
			timestamp_format(now_us, n->updated_at);
		}
	}
	store_unlock(s);
	return rc;
}

enum store_result store_detach_application(struct store *s, const char *digits)
{
	int64_t now_us = store_lock(s);
	size_t i;
	enum store_result rc = find_own(s, digits, &i);

	if (rc == STORE_OK) {
		s->listed.items[i]->application_id[0] = '\0';
		timestamp_format(now_us, s->listed.items[i]->updated_at);
	}
	store_unlock(s);
	return rc;
}
