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
	if (number_has_status(n, "released") && !s->shapes.all_statuses)
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
			if (s->shapes.all_statuses) {
				i++; /* statuses=all: a released number stays listed */
			} else if (store_unlist_at(s, i)) {
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

/* list=example: the two numbers of the vendor's documented list example, as
 * it writes them; its placeholder owner MA_XXXXXXXX stands for the account. */
static const struct example_number {
	const char *id, *digits, *region, *application_id, *purchased_at, *created_at, *updated_at, *next_billing;
	double monthly_fee;
} example_numbers[] = {
	{ "aabbccdd-1234-5678-90ab-cdef12345678", "919876543210", "Karnataka", "20577609616603585",
	  "2026-03-25T06:58:38.796024Z", "2026-03-25T18:30:00Z", "2026-03-25T06:58:54.752187Z",
	  "2026-04-25T06:58:38.796024Z", 300 },
	{ "11223344-5566-7788-99aa-bbccddeeff00", "912271263984", "Mumbai", "31985999331899218",
	  "2026-03-25T10:25:30.672202Z", "2026-03-25T09:30:04.541115Z", "2026-03-25T10:29:35.330503Z",
	  "2026-04-25T10:25:30.672202Z", 200 },
};

static struct number *example_number(const struct store *s, const struct example_number *e)
{
	struct number *n = number_new();

	if (!n)
		return NULL;
	NUMBER_SET(n->digits, e->digits);
	NUMBER_SET(n->id, e->id);
	NUMBER_SET(n->account_id, s->main_account);
	NUMBER_SET(n->country, "IN");
	NUMBER_SET(n->region, e->region);
	NUMBER_SET(n->currency, "INR");
	NUMBER_SET(n->application_id, e->application_id);
	NUMBER_SET(n->purchased_at, e->purchased_at);
	NUMBER_SET(n->created_at, e->created_at);
	NUMBER_SET(n->updated_at, e->updated_at);
	n->setup_fee = 100;
	n->monthly_fee = e->monthly_fee;
	/* The example's billing dates, kept verbatim as extra fields. */
	n->extra = cJSON_CreateObject();
	if (!n->extra || !cJSON_AddStringToObject(n->extra, "last_billing_date", e->purchased_at) ||
	    !cJSON_AddStringToObject(n->extra, "next_billing_date", e->next_billing)) {
		number_free(n);
		return NULL;
	}
	return n;
}

/* statuses=all: the main account's numbers 1 to 5 (in generation order) get
 * the other documented statuses and one the documentation does not name. */
static void set_generated_statuses(struct store *s, size_t numbers, int64_t now_us)
{
	static const char *const statuses[] = { "pending_purchase", "pending_release", "released", "blocked",
						"suspended" };

	for (size_t i = 1; i <= 5 && i < numbers; i++) {
		struct number *n = gen_owned(&s->gen, i);
		struct number *held = n ? numvec_find(&s->listed, n->digits) : NULL;

		number_free(n);
		if (!held)
			continue;
		if (strcmp(statuses[i - 1], "released") == 0) {
			store_mark_released(held, now_us);
			continue;
		}
		NUMBER_SET(held->status, statuses[i - 1]);
		if (number_has_status(held, "pending_release")) {
			held->release_fee = held->monthly_fee;
			held->cooldown_ends_us = now_us + s->cooldown_us;
			timestamp_format(held->cooldown_ends_us, held->cooldown_ends_at);
			store_note_pending(s, held);
		}
	}
}

static int load_generated(struct store *s, const struct store_config *cfg)
{
	static const char *const countries[] = { "IN", "US", "GB" };
	bool example = cfg->shapes.list_example;
	struct number *n = NULL;

	for (size_t e = 0; example && e < sizeof(example_numbers) / sizeof(example_numbers[0]); e++)
		if (!(n = example_number(s, &example_numbers[e])) || numvec_append(&s->listed, n))
			goto oom;
	for (size_t i = 0; !example && i < cfg->numbers; i++)
		if (!(n = gen_owned(&s->gen, i)) || numvec_append(&s->listed, n))
			goto oom;
	for (size_t j = 0; !example && j < cfg->sub_numbers; j++)
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
	if (cfg->shapes.all_statuses && !example)
		set_generated_statuses(s, cfg->numbers, timestamp_now_us());
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
	for (size_t i = 0; i < q->excludes; i++)
		if (strncmp(n->digits, q->exclude[i], strlen(q->exclude[i])) == 0)
			return false;
	if (q->search) {
		char e164[NUMBER_DIGITS_MAX + 2] = "+";

		strcat(e164, n->digits);
		if (!search_mode_match(mode, e164, q->search))
			return false;
	}
	return true;
}

/* list-owner-key=auth_id: a listed item names its owner as older revisions
 * of the list answer do. */
static bool rename_owner(cJSON *item)
{
	cJSON *owner = cJSON_DetachItemFromObjectCaseSensitive(item, "account_id");

	if (!owner)
		return true;
	if (!cJSON_AddItemToObject(item, "auth_id", owner)) {
		cJSON_Delete(owner);
		return false;
	}
	return true;
}

static bool add_item(cJSON *items, const struct number *n, const struct shapes *shapes, bool listing)
{
	cJSON *item = number_to_json(n, shapes);

	if (!item)
		return false;
	if (listing && shapes->list_auth_id && !rename_owner(item)) {
		cJSON_Delete(item);
		return false;
	}
	cJSON_AddItemToArray(items, item);
	return true;
}

/* `listing`: the account's listing (not the inventory), which the owner-key
 * and list=example shapes change. */
static cJSON *render_page(const struct numvec *v, const struct store_query *q, enum search_mode mode,
			  const struct shapes *shapes, bool listing)
{
	cJSON *page = cJSON_CreateObject();
	cJSON *items = cJSON_AddArrayToObject(page, "items");
	uint64_t first = (q->page - 1) * q->per_page; /* routes bound page and per_page */
	uint64_t total = 0;

	if (!items)
		goto oom;
	if (!q->search && !q->status && !q->country && !q->excludes) {
		total = v->len;
		for (uint64_t i = first; i < v->len && i < first + q->per_page; i++)
			if (!add_item(items, v->items[i], shapes, listing))
				goto oom;
	} else {
		for (size_t i = 0; i < v->len; i++) {
			if (!matches(v->items[i], q, mode))
				continue;
			if (total >= first && total < first + q->per_page &&
			    !add_item(items, v->items[i], shapes, listing))
				goto oom;
			total++;
		}
	}
	if (listing && shapes->list_example)
		total = 24; /* the example's figure, whatever the pages hold */
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
	cJSON *page = render_page(&s->listed, &query, s->search_mode, &s->shapes, true);
	store_unlock(s);
	return page;
}

cJSON *store_list_inventory(struct store *s, const struct store_query *q)
{
	store_lock(s);
	cJSON *page = render_page(&s->inventory, q, SEARCH_CONTAINS, &s->shapes, false);
	store_unlock(s);
	return page;
}

/* Finds a listed number the main account may act on. */
static enum store_result find_own(struct store *s, const char *digits, size_t *index)
{
	size_t i = numvec_lower_bound(&s->listed, digits);

	/* A released number listed by statuses=all is no longer there to act on. */
	if (i >= s->listed.len || strcmp(s->listed.items[i]->digits, digits) != 0 ||
	    number_has_status(s->listed.items[i], "released"))
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
		if (info) {
			/* The immediate answer's fee, and its cooldown: over now. */
			info->release_fee = n->monthly_fee;
			timestamp_format(now_us, info->cooldown_ends_at);
		}
		store_mark_released(n, now_us);
		if (!s->shapes.all_statuses)
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
