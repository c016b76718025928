/* The control API's side of the store: dumps, and edits made behind the
 * API's back (add, patch, remove, grow, shrink, balance, search mode, shapes). */
#include "store.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "store_private.h"

static int append_record(struct buf *out, const struct number *n, const struct shapes *shapes, bool *first)
{
	cJSON *item = number_to_json(n, shapes);
	char *text = item ? cJSON_PrintUnformatted(item) : NULL;
	int rc = -ENOMEM;

	if (text && buf_append_str(out, *first ? "\n" : ",\n") == 0 && buf_append_str(out, text) == 0)
		rc = 0;
	*first = false;
	free(text);
	cJSON_Delete(item);
	return rc;
}

/* Renders the merge of two sorted vectors (b may be NULL) as a JSON array. */
static char *dump_sorted(const struct numvec *a, const struct numvec *b, const struct shapes *shapes)
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
		if (append_record(&out, n, shapes, &first))
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
	store_lock(s);
	char *text = dump_sorted(&s->listed, &s->unlisted, &s->shapes);
	store_unlock(s);
	return text;
}

char *store_dump_inventory(struct store *s)
{
	store_lock(s);
	char *text = dump_sorted(&s->inventory, NULL, &s->shapes);
	store_unlock(s);
	return text;
}

cJSON *store_get(struct store *s, const char *digits)
{
	store_lock(s);
	struct number *n = numvec_find(&s->listed, digits);
	if (!n)
		n = numvec_find(&s->unlisted, digits);
	cJSON *item = n ? number_to_json(n, &s->shapes) : NULL;
	store_unlock(s);
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
	store_note_pending(s, n);
}

/* Puts a record where its status and owner say it belongs, replacing any
 * record of the same digits in the account's vectors and the inventory. */
static enum store_result place(struct store *s, struct number *n)
{
	struct numvec *home = store_belongs_in_listing(s, n) ? &s->listed : &s->unlisted;

	if (numvec_reserve(home, 1))
		return STORE_NO_MEMORY;
	number_free(numvec_take(&s->listed, n->digits));
	number_free(numvec_take(&s->unlisted, n->digits));
	number_free(numvec_take(&s->inventory, n->digits));
	numvec_insert(home, n);
	return STORE_OK;
}

static enum store_result finish_edit(struct store *s, struct number *n, int64_t now_us, cJSON **out)
{
	complete_pending(s, n, now_us);
	if (place(s, n) != STORE_OK) {
		number_free(n);
		return STORE_NO_MEMORY;
	}
	*out = number_to_json(n, &s->shapes);
	/* A cooldown set in the past takes effect now, not at the next call. */
	store_expire_due(s, now_us);
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
	now_us = store_lock(s);
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
	store_unlock(s);
	return rc;
}

enum store_result store_patch(struct store *s, const char *digits, const cJSON *fields, const char **why, cJSON **out)
{
	int64_t now_us = store_lock(s);
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
	store_unlock(s);
	return rc;
}

enum store_result store_remove(struct store *s, const char *digits)
{
	int64_t now_us = store_lock(s);
	size_t i = numvec_lower_bound(&s->listed, digits);
	enum store_result rc = STORE_NOT_FOUND;

	if (i < s->listed.len && strcmp(s->listed.items[i]->digits, digits) == 0) {
		rc = STORE_NO_MEMORY;
		if (numvec_reserve(&s->unlisted, 1) == 0) {
			store_mark_released(s->listed.items[i], now_us);
			store_unlist_at(s, i);
			rc = STORE_OK;
		}
	}
	store_unlock(s);
	return rc;
}

int store_grow(struct store *s, unsigned count)
{
	int rc = 0;

	store_lock(s);
	while (count > 0 && rc == 0) {
		struct number *n = gen_grown(&s->gen, s->grown++);

		if (!n) {
			rc = -ENOMEM;
		} else if (numvec_find(&s->listed, n->digits) || numvec_find(&s->unlisted, n->digits) ||
			   numvec_find(&s->inventory, n->digits)) {
			number_free(n); /* taken through the control API: next one */
		} else if ((rc = numvec_insert(&s->listed, n)) != 0) {
			number_free(n);
		} else {
			count--;
		}
	}
	store_unlock(s);
	return rc;
}

void store_shrink(struct store *s, unsigned count)
{
	int64_t now_us = store_lock(s);

	while (count-- > 0 && s->listed.len > 0 && numvec_reserve(&s->unlisted, 1) == 0) {
		store_mark_released(s->listed.items[0], now_us);
		store_unlist_at(s, 0);
	}
	store_unlock(s);
}

double store_balance(struct store *s)
{
	store_lock(s);
	double balance = s->balance;
	store_unlock(s);
	return balance;
}

void store_set_balance(struct store *s, double balance)
{
	store_lock(s);
	s->balance = balance;
	store_unlock(s);
}

enum search_mode store_search_mode(struct store *s)
{
	store_lock(s);
	enum search_mode mode = s->search_mode;
	store_unlock(s);
	return mode;
}

void store_set_search_mode(struct store *s, enum search_mode mode)
{
	store_lock(s);
	s->search_mode = mode;
	store_unlock(s);
}

struct shapes store_shapes(struct store *s)
{
	store_lock(s);
	struct shapes shapes = s->shapes;
	store_unlock(s);
	return shapes;
}

void store_set_shapes(struct store *s, const struct shapes *shapes)
{
	store_lock(s);
	s->shapes = *shapes;
	store_unlock(s);
}
