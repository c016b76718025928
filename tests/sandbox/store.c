/* The numbers state: three sorted vectors (the listing, everything else the
 * account held, the inventory) under one mutex, and the rules of the API. */
#include "store.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "numvec.h"

struct store {
	pthread_mutex_t lock;
	struct numvec listed;    /* what GET .../numbers shows: the listing */
	struct numvec unlisted;  /* released, or held by accounts outside the listing */
	struct numvec inventory; /* for sale; never shares digits with the other two */
	char main_account[NUMBER_TEXT_LEN];
	char sub_account[NUMBER_TEXT_LEN];
	struct gen_config gen;   /* points at the two names above */
	int64_t cooldown_us;
	int64_t next_expiry_us;  /* earliest pending cooldown end; INT64_MAX if none */
	uint32_t grown;          /* numbers added by grow faults so far */
	double balance;
};

/* Listed: not released, and held by the main account or a sub-account (in
 * the sandbox every "SA_" account is the main account's sub-account). */
static bool belongs_in_listing(const struct store *s, const struct number *n)
{
	if (number_has_status(n, "released"))
		return false;
	return strcmp(n->account_id, s->main_account) == 0 ||
	       strncmp(n->account_id, "SA_", 3) == 0;
}

static void mark_released(struct number *n, int64_t now_us)
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
static int unlist_at(struct store *s, size_t index)
{
	if (numvec_reserve(&s->unlisted, 1))
		return -ENOMEM;
	struct number *n = numvec_take_at(&s->listed, index);
	struct number *stale = numvec_take(&s->unlisted, n->digits);

	number_free(stale);
	numvec_insert(&s->unlisted, n); /* cannot fail: room reserved, digits free */
	return 0;
}

static void note_pending(struct store *s, const struct number *n)
{
	if (n->cooldown_ends_us < s->next_expiry_us)
		s->next_expiry_us = n->cooldown_ends_us;
}

/* Pending releases whose cooldown has ended become released and leave the
 * listing. Costs O(listing) only when one is actually due. */
static void expire_due(struct store *s, int64_t now_us)
{
	if (now_us < s->next_expiry_us)
		return;
	s->next_expiry_us = INT64_MAX;
	for (size_t i = 0; i < s->listed.len;) {
		struct number *n = s->listed.items[i];

		if (!number_has_status(n, "pending_release")) {
			i++;
		} else if (n->cooldown_ends_us > now_us) {
			note_pending(s, n);
			i++;
		} else {
			mark_released(n, n->cooldown_ends_us);
			if (unlist_at(s, i)) {
				/* Out of memory: keep it listed as released
				 * rather than lose it; try again next time. */
				s->next_expiry_us = now_us;
				i++;
			}
		}
	}
}

/* Takes the lock and brings cooldowns up to date; returns the time used. */
static int64_t lock_store(struct store *s)
{
	int64_t now_us = timestamp_now_us();

	pthread_mutex_lock(&s->lock);
	expire_due(s, now_us);
	return now_us;
}

static void unlock_store(struct store *s)
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
			if (!(n = gen_inventory(&s->gen, countries[c], k)) ||
			    numvec_append(&s->inventory, n))
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

static bool matches(const struct number *n, const struct store_query *q)
{
	if (q->status && !number_has_status(n, q->status))
		return false;
	if (q->country && strcmp(n->country, q->country) != 0)
		return false;
	if (q->search) {
		char e164[NUMBER_DIGITS_MAX + 2] = "+";

		strcat(e164, n->digits);
		if (!strstr(e164, q->search))
			return false;
	}
	return true;
}

static bool add_item(cJSON *items, const struct number *n)
{
	cJSON *item = number_to_json(n);

	if (!item)
		return false;
	cJSON_AddItemToArray(items, item);
	return true;
}

static cJSON *render_page(const struct numvec *v, const struct store_query *q)
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
			if (!add_item(items, v->items[i]))
				goto oom;
	} else {
		for (size_t i = 0; i < v->len; i++) {
			if (!matches(v->items[i], q))
				continue;
			if (total >= first && total < first + q->per_page &&
			    !add_item(items, v->items[i]))
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
	lock_store(s);
	cJSON *page = render_page(&s->listed, q);
	unlock_store(s);
	return page;
}

cJSON *store_list_inventory(struct store *s, const struct store_query *q)
{
	lock_store(s);
	cJSON *page = render_page(&s->inventory, q);
	unlock_store(s);
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

enum store_result store_release(struct store *s, const char *digits, enum release_mode mode,
				struct release_info *info)
{
	int64_t now_us = lock_store(s);
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
		note_pending(s, n);
		if (info) {
			info->release_fee = n->release_fee;
			memcpy(info->cooldown_ends_at, n->cooldown_ends_at, TIMESTAMP_LEN);
		}
	} else {
		if (numvec_reserve(&s->unlisted, 1)) {
			rc = STORE_NO_MEMORY;
			goto out;
		}
		mark_released(n, now_us);
		unlist_at(s, i);
	}
out:
	unlock_store(s);
	return rc;
}

enum store_result store_cancel_release(struct store *s, const char *digits)
{
	int64_t now_us = lock_store(s);
	size_t i;
	enum store_result rc = find_own(s, digits, &i);

	if (rc == STORE_OK) {
		struct number *n = s->listed.items[i];

		if (!number_has_status(n, "pending_release")) {
			rc = STORE_CONFLICT;
		} else {
			NUMBER_SET(n->status, "active");
			n->cooldown_ends_us = 0;
			n->cooldown_ends_at[0] = '\0';
			timestamp_format(now_us, n->updated_at);
		}
	}
	unlock_store(s);
	return rc;
}

enum store_result store_purchase(struct store *s, const char *e164, cJSON **number)
{
	int64_t now_us = lock_store(s);
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
	*number = number_to_json(n);
out:
	unlock_store(s);
	return rc;
}

enum store_result store_assign_trunk(struct store *s, const char *digits,
				     const char *trunk_group_id, const char **message)
{
	int64_t now_us = lock_store(s);
	size_t i;
	enum store_result rc = find_own(s, digits, &i);

	if (rc == STORE_OK) {
		struct number *n = s->listed.items[i];

		if (n->trunk_group_id[0]) {
			*message = "number is already assigned to a trunk";
			rc = STORE_REFUSED;
		} else if (n->application_id[0]) {
			*message = "number is attached to an application";
			rc = STORE_REFUSED;
		} else {
			NUMBER_SET(n->trunk_group_id, trunk_group_id);
			timestamp_format(now_us, n->updated_at);
		}
	}
	unlock_store(s);
	return rc;
}

enum store_result store_unassign_trunk(struct store *s, const char *digits)
{
	int64_t now_us = lock_store(s);
	size_t i;
	enum store_result rc = find_own(s, digits, &i);

	if (rc == STORE_OK) {
		s->listed.items[i]->trunk_group_id[0] = '\0';
		timestamp_format(now_us, s->listed.items[i]->updated_at);
	}
	unlock_store(s);
	return rc;
}

enum store_result store_attach_application(struct store *s, const char *digits,
					   const char *application_id, const char **message)
{
	int64_t now_us = lock_store(s);
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
	unlock_store(s);
	return rc;
}

enum store_result store_detach_application(struct store *s, const char *digits)
{
	int64_t now_us = lock_store(s);
	size_t i;
	enum store_result rc = find_own(s, digits, &i);

	if (rc == STORE_OK) {
		s->listed.items[i]->application_id[0] = '\0';
		timestamp_format(now_us, s->listed.items[i]->updated_at);
	}
	unlock_store(s);
	return rc;
}

static int append_record(struct buf *out, const struct number *n, bool *first)
{
	cJSON *item = number_to_json(n);
	char *text = item ? cJSON_PrintUnformatted(item) : NULL;
	int rc = -ENOMEM;

	if (text && buf_append_str(out, *first ? "\n" : ",\n") == 0 &&
	    buf_append_str(out, text) == 0)
		rc = 0;
	*first = false;
	free(text);
	cJSON_Delete(item);
	return rc;
}

/* Renders the merge of two sorted vectors (b may be NULL) as a JSON array. */
static char *dump_sorted(const struct numvec *a, const struct numvec *b)
{
	struct buf out = { 0 };
	size_t i = 0, j = 0, blen = b ? b->len : 0;
	bool first = true;

	if (buf_append_str(&out, "["))
		goto oom;
	while (i < a->len || j < blen) {
		const struct number *n;

		if (j >= blen || (i < a->len && strcmp(a->items[i]->digits, b->items[j]->digits) < 0))
			n = a->items[i++];
		else
			n = b->items[j++];
		if (append_record(&out, n, &first))
			goto oom;
	}
	if (buf_append_str(&out, first ? "]\n" : "\n]\n"))
		goto oom;
	return buf_steal(&out);
oom:
	buf_free(&out);
	return NULL;
}

char *store_dump(struct store *s)
{
	lock_store(s);
	char *text = dump_sorted(&s->listed, &s->unlisted);
	unlock_store(s);
	return text;
}

char *store_dump_inventory(struct store *s)
{
	lock_store(s);
	char *text = dump_sorted(&s->inventory, NULL);
	unlock_store(s);
	return text;
}

cJSON *store_get(struct store *s, const char *digits)
{
	lock_store(s);
	struct number *n = numvec_find(&s->listed, digits);
	if (!n)
		n = numvec_find(&s->unlisted, digits);
	cJSON *item = n ? number_to_json(n) : NULL;
	unlock_store(s);
	return item;
}

/* A record set to pending_release by the control API gets the cooldown and
 * fee the API would have given it. */
static void complete_pending(struct store *s, struct number *n, int64_t now_us)
{
	if (!number_has_status(n, "pending_release")) {
		n->cooldown_ends_us = 0;
		n->cooldown_ends_at[0] = '\0';
		return;
	}
	if (!n->cooldown_ends_at[0]) {
		n->cooldown_ends_us = now_us + s->cooldown_us;
		timestamp_format(n->cooldown_ends_us, n->cooldown_ends_at);
	}
	if (n->release_fee == 0)
		n->release_fee = n->monthly_fee;
	note_pending(s, n);
}

/* Puts a record where its status and owner say it belongs, replacing any
 * record of the same digits in the account's vectors and the inventory. */
static enum store_result place(struct store *s, struct number *n)
{
	struct numvec *home = belongs_in_listing(s, n) ? &s->listed : &s->unlisted;

	if (numvec_reserve(home, 1))
		return STORE_NO_MEMORY;
	number_free(numvec_take(&s->listed, n->digits));
	number_free(numvec_take(&s->unlisted, n->digits));
	number_free(numvec_take(&s->inventory, n->digits));
	numvec_insert(home, n);
	return STORE_OK;
}

static enum store_result finish_edit(struct store *s, struct number *n, int64_t now_us,
				     cJSON **out)
{
	complete_pending(s, n, now_us);
	if (place(s, n) != STORE_OK) {
		number_free(n);
		return STORE_NO_MEMORY;
	}
	*out = number_to_json(n);
	/* A cooldown set in the past takes effect now, not at the next call. */
	expire_due(s, now_us);
	return STORE_OK;
}

enum store_result store_put(struct store *s, const cJSON *fields, const char **why, cJSON **out)
{
	const char *e164 = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(fields, "e164"));
	struct number *n;
	enum store_result rc;
	int64_t now_us;

	*out = NULL;
	if (!e164 || number_parse_e164(e164, NULL) != 0) {
		*why = "e164 is required: \"+\" and 8 to 15 digits";
		return STORE_REFUSED;
	}
	if (!(n = number_new()))
		return STORE_NO_MEMORY;
	number_parse_e164(e164, n->digits);

	/* Defaults depend on the prefix; the given fields override them. */
	now_us = lock_store(s);
	gen_fill_defaults(&s->gen, n, now_us);
	switch (number_apply_json(n, fields, why)) {
	case 0:
		rc = finish_edit(s, n, now_us, out);
		break;
	case -ENOMEM:
		number_free(n);
		rc = STORE_NO_MEMORY;
		break;
	default:
		number_free(n);
		rc = STORE_REFUSED;
	}
	unlock_store(s);
	return rc;
}

enum store_result store_patch(struct store *s, const char *digits, const cJSON *fields,
			      const char **why, cJSON **out)
{
	int64_t now_us = lock_store(s);
	enum store_result rc = STORE_OK;
	struct number *n = numvec_find(&s->listed, digits);
	struct number *copy = NULL;

	*out = NULL;
	if (!n)
		n = numvec_find(&s->unlisted, digits);
	if (!n) {
		rc = STORE_NOT_FOUND;
		goto out;
	}
	/* Edit a copy, so a refused patch changes nothing. */
	if (!(copy = number_clone(n))) {
		rc = STORE_NO_MEMORY;
		goto out;
	}
	switch (number_apply_json(copy, fields, why)) {
	case 0:
		break;
	case -ENOMEM:
		rc = STORE_NO_MEMORY;
		goto out;
	default:
		rc = STORE_REFUSED;
		goto out;
	}
	if (strcmp(copy->digits, n->digits) != 0) {
		*why = "e164 cannot be changed; add a new number instead";
		rc = STORE_REFUSED;
		goto out;
	}
	rc = finish_edit(s, copy, now_us, out);
	copy = NULL; /* placed, or freed by finish_edit */
out:
	number_free(copy);
	unlock_store(s);
	return rc;
}

enum store_result store_remove(struct store *s, const char *digits)
{
	int64_t now_us = lock_store(s);
	size_t i = numvec_lower_bound(&s->listed, digits);
	enum store_result rc = STORE_NOT_FOUND;

	if (i < s->listed.len && strcmp(s->listed.items[i]->digits, digits) == 0) {
		rc = STORE_NO_MEMORY;
		if (numvec_reserve(&s->unlisted, 1) == 0) {
			mark_released(s->listed.items[i], now_us);
			unlist_at(s, i);
			rc = STORE_OK;
		}
	}
	unlock_store(s);
	return rc;
}

int store_grow(struct store *s, unsigned count)
{
	int rc = 0;

	lock_store(s);
	while (count > 0 && rc == 0) {
		struct number *n = gen_grown(&s->gen, s->grown++);

		if (!n) {
			rc = -ENOMEM;
		} else if (numvec_find(&s->listed, n->digits) ||
			   numvec_find(&s->unlisted, n->digits) ||
			   numvec_find(&s->inventory, n->digits)) {
			number_free(n); /* taken through the control API: next one */
		} else if ((rc = numvec_insert(&s->listed, n)) != 0) {
			number_free(n);
		} else {
			count--;
		}
	}
	unlock_store(s);
	return rc;
}

void store_shrink(struct store *s, unsigned count)
{
	int64_t now_us = lock_store(s);

	while (count-- > 0 && s->listed.len > 0 && numvec_reserve(&s->unlisted, 1) == 0) {
		mark_released(s->listed.items[0], now_us);
		unlist_at(s, 0);
	}
	unlock_store(s);
}

double store_balance(struct store *s)
{
	lock_store(s);
	double balance = s->balance;
	unlock_store(s);
	return balance;
}

void store_set_balance(struct store *s, double balance)
{
	lock_store(s);
	s->balance = balance;
	unlock_store(s);
}
