/* apijson.c — parsers for the API's bodies, each defensive against any input. */
#include "apijson.h"

#include "arena.h"
#include "jsonmem.h"
#include "number.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* True when A and B, one text parsed as it is and with its NULs marked
 * (parse_object()), read differently: a NUL cut a key or a string of A short.
 * The children of SHALLOW (a node of A, or NULL) are not compared. */
static bool cut_by_nul(const cJSON *a, const cJSON *b, const cJSON *shallow)
{
	const cJSON *ca, *cb;

	if (!a || !b)
		return a != b;
	if (a->type != b->type || !a->string != !b->string || (a->string && strcmp(a->string, b->string)) ||
	    !a->valuestring != !b->valuestring || (a->valuestring && strcmp(a->valuestring, b->valuestring)))
		return true;
	for (ca = a->child, cb = b->child; ca && cb; ca = ca->next, cb = cb->next)
		if (a != shallow && cut_by_nul(ca, cb, shallow))
			return true;
	return ca || cb;
}

/* BODY as a JSON object in *ROOT.  cJSON 1.7 keeps no length with a string,
 * so a NUL it decodes (see number_json_nul()) cuts the string short without
 * a trace.  When the text holds one, it is parsed again with every NUL made
 * U+0001, into *MARKED (else NULL): the two trees differ exactly where a NUL
 * was.  An honest body holds none, so this costs one scan.  Returns 0, -EIO
 * (not a JSON object), or -ENOMEM; on failure both are NULL. */
static int parse_object(const char *body, size_t len, cJSON **root, cJSON **marked)
{
	size_t nul;
	char *copy;
	int ret = -EIO;

	*root = *marked = NULL;
	if (!body || len == 0)
		return -EIO;
	*root = cJSON_ParseWithLength(body, len);
	if (!cJSON_IsObject(*root))
		goto fail;
	nul = number_json_nul(body, len, 0);
	if (nul == len)
		return 0;
	copy = malloc(len);
	if (!copy) {
		ret = -ENOMEM;
		goto fail;
	}
	memcpy(copy, body, len);
	/* A raw NUL byte becomes 0x01, the escape "\u0000" becomes "\u0001":
	 * the same length, the same structure. */
	for (; nul < len; nul = number_json_nul(copy, len, nul + 1))
		copy[nul] = copy[nul] == '\0' ? '\x01' : '1';
	*marked = cJSON_ParseWithLength(copy, len);
	free(copy);
	if (cJSON_IsObject(*marked))
		return 0;
fail:
	cJSON_Delete(*root);
	cJSON_Delete(*marked);
	*root = *marked = NULL;
	return ret;
}

/* BODY as a JSON object none of whose keys or strings a NUL cut short, or
 * NULL. */
static cJSON *parse_whole_object(const char *body, size_t len)
{
	cJSON *root, *marked;

	if (parse_object(body, len, &root, &marked))
		return NULL;
	if (marked && cut_by_nul(root, marked, NULL)) {
		cJSON_Delete(root);
		root = NULL;
	}
	cJSON_Delete(marked);
	return root;
}

static long integer_field(const cJSON *obj, const char *name, long fallback)
{
	const cJSON *f = cJSON_GetObjectItemCaseSensitive(obj, name);

	if (!cJSON_IsNumber(f) || f->valuedouble != floor(f->valuedouble) || f->valuedouble < 0 ||
	    f->valuedouble > 1e12)
		return fallback;
	return (long)f->valuedouble;
}

void list_page_free(struct list_page *page)
{
	arena_free(page->arena);
	*page = (struct list_page){ 0 };
}

/* The page's arena, sized to hold its numbers in one chunk: rendered with
 * tabs and newlines, a record takes about 5/4 of its compact text (more
 * chunks follow if it takes more).  A huge body gets chunks of a MiB. */
static struct arena *page_arena(size_t body_len)
{
	size_t chunk = body_len + body_len / 4 + 4096;

	return arena_new(chunk < (1 << 20) ? chunk : (1 << 20));
}

/* The page's nodes, and the twin tree when the body holds a NUL, live in the
 * thread's scratch arena, set current for cJSON and reset at the end: no
 * node is freed on its own.  The numbers are drafts in the page's arena. */
int apijson_parse_list_page(const char *body, size_t len, struct list_page *out)
{
	const cJSON *items, *item, *twin = NULL;
	struct arena *scratch, *previous;
	cJSON *root, *marked;
	int ret;

	*out = (struct list_page){ 0 };
	jsonmem_init();
	scratch = jsonmem_scratch();
	if (!scratch)
		return -ENOMEM;
	previous = jsonmem_use(scratch);
	ret = parse_object(body, len, &root, &marked);
	if (ret)
		goto out;
	ret = -EIO;
	items = cJSON_GetObjectItemCaseSensitive(root, "items");
	/* A NUL outside the items ("total", a key) leaves no page to trust. */
	if (marked && cut_by_nul(root, marked, items))
		goto out;
	out->total = integer_field(root, "total", -1);
	out->page = integer_field(root, "page", 0);
	out->per_page = integer_field(root, "per_page", 0);
	if (!cJSON_IsArray(items) || out->total < 0)
		goto out;
	ret = -ENOMEM;
	out->arena = page_arena(len);
	if (!out->arena)
		goto out;
	out->items = arena_alloc(out->arena, ((size_t)cJSON_GetArraySize(items) + 1) * sizeof(*out->items));
	if (!out->items)
		goto out;
	/* The keys above agree, so the first "items" of MARKED is the twin. */
	if (marked)
		twin = cJSON_GetObjectItemCaseSensitive(marked, "items")->child;
	cJSON_ArrayForEach (item, items) {
		/* A NUL anywhere in an item: no field of its record, all of
		 * which are shown, may be read cut short. */
		bool nul = twin && cut_by_nul(item, twin, NULL);
		struct number *n = nul ? NULL : number_from_item_in(item, out->arena);

		twin = twin ? twin->next : NULL;
		if (n)
			out->items[out->count++] = n;
		else
			out->skipped++;
		if (nul)
			out->nul_items++;
	}
	out->items[out->count] = NULL; /* a NULL after the last, as ever */
	ret = 0;
out:
	jsonmem_use(previous);
	arena_reset(scratch);
	if (ret)
		list_page_free(out);
	return ret;
}

static void copy_string(const cJSON *f, char *dst, size_t len)
{
	if (cJSON_IsString(f))
		snprintf(dst, len, "%s", f->valuestring);
	else if (cJSON_IsNumber(f))
		snprintf(dst, len, "%.0f", f->valuedouble);
}

/* A string field only: a number where text is documented is not text. */
static void copy_text(const cJSON *f, char *dst, size_t len)
{
	if (cJSON_IsString(f))
		snprintf(dst, len, "%s", f->valuestring);
}

/* A numeric field, integer or float ("700", "700.0", "1.15"). */
static bool number_field(const cJSON *obj, const char *name, double *out)
{
	const cJSON *f = cJSON_GetObjectItemCaseSensitive(obj, name);

	if (!cJSON_IsNumber(f) || !isfinite(f->valuedouble))
		return false;
	*out = f->valuedouble;
	return true;
}

void apijson_parse_error(const char *body, size_t len, struct api_error *out)
{
	cJSON *root = parse_whole_object(body, len);
	const cJSON *error, *details, *retry;

	*out = (struct api_error){ .retry_after_ms = -1 };
	if (!root)
		return;
	error = cJSON_GetObjectItemCaseSensitive(root, "error");
	if (cJSON_IsObject(error)) {
		copy_string(cJSON_GetObjectItemCaseSensitive(error, "code"), out->code, sizeof(out->code));
		copy_string(cJSON_GetObjectItemCaseSensitive(error, "message"), out->message, sizeof(out->message));
		details = cJSON_GetObjectItemCaseSensitive(error, "details");
		retry = cJSON_GetObjectItemCaseSensitive(details, "retryAfter");
		if (cJSON_IsNumber(retry) && retry->valuedouble >= 0 && retry->valuedouble <= 3600)
			out->retry_after_ms = (long)(retry->valuedouble * 1000);
	} else {
		copy_string(error, out->code, sizeof(out->code));
		copy_string(cJSON_GetObjectItemCaseSensitive(root, "message"), out->message, sizeof(out->message));
		if (!out->message[0])
			copy_string(error, out->message, sizeof(out->message));
	}
	copy_string(cJSON_GetObjectItemCaseSensitive(root, "requestId"), out->request_id, sizeof(out->request_id));
	cJSON_Delete(root);
}

int apijson_parse_release(const char *body, size_t len, struct release_answer *out)
{
	const cJSON *status, *e164;
	cJSON *root;

	*out = (struct release_answer){ 0 };
	if (!body || len == 0)
		return 0;
	root = parse_whole_object(body, len);
	if (!root)
		return -EIO;
	status = cJSON_GetObjectItemCaseSensitive(root, "status");
	e164 = cJSON_GetObjectItemCaseSensitive(root, "e164");
	copy_string(status, out->status, sizeof(out->status));
	out->has_status = status && !cJSON_IsNull(status);
	out->has_e164 = e164 && !cJSON_IsNull(e164);
	if (cJSON_IsString(e164) && e164_parse(e164->valuestring, out->e164) < 0)
		out->e164[0] = '\0';
	copy_string(cJSON_GetObjectItemCaseSensitive(root, "cooldown_ends_at"), out->cooldown_ends_at,
		    sizeof(out->cooldown_ends_at));
	copy_string(cJSON_GetObjectItemCaseSensitive(root, "message"), out->message, sizeof(out->message));
	copy_text(cJSON_GetObjectItemCaseSensitive(root, "refund_status"), out->refund_status,
		  sizeof(out->refund_status));
	copy_text(cJSON_GetObjectItemCaseSensitive(root, "refund_error"), out->refund_error, sizeof(out->refund_error));
	copy_text(cJSON_GetObjectItemCaseSensitive(root, "currency"), out->currency, sizeof(out->currency));
	out->has_release_fee = number_field(root, "release_fee", &out->release_fee);
	out->has_refund_amount = number_field(root, "refund_amount", &out->refund_amount);
	cJSON_Delete(root);
	return 0;
}

/* The purchased number in ROOT: "number", else the item of "items" that is
 * DIGITS.  NULL when there is none. */
static cJSON *purchased_item(const cJSON *root, const char *digits)
{
	cJSON *number = cJSON_GetObjectItemCaseSensitive(root, "number");
	const cJSON *items = cJSON_GetObjectItemCaseSensitive(root, "items");
	cJSON *item;

	if (cJSON_IsObject(number))
		return number;
	if (!cJSON_IsArray(items))
		return NULL;
	cJSON_ArrayForEach (item, items) {
		const cJSON *e164 = cJSON_GetObjectItemCaseSensitive(item, "e164");
		char found[E164_BUFSIZE];

		if (cJSON_IsObject(item) && cJSON_IsString(e164) && e164_parse(e164->valuestring, found) == 0 &&
		    !strcmp(found, digits))
			return item;
	}
	return NULL;
}

int apijson_parse_purchase(const char *body, size_t len, const char *digits, struct number **number, char *message,
			   size_t message_len)
{
	const cJSON *owner;
	cJSON *root, *item;
	int ret = 0;

	*number = NULL;
	message[0] = '\0';
	if (!body || len == 0)
		return 0;
	root = parse_whole_object(body, len);
	if (!root)
		return -EIO;
	copy_text(cJSON_GetObjectItemCaseSensitive(root, "message"), message, message_len);
	item = purchased_item(root, digits);
	if (!item)
		goto out;
	/* An older revision names the owner "auth_id". */
	owner = cJSON_GetObjectItemCaseSensitive(item, "auth_id");
	if (cJSON_IsString(owner) && !cJSON_GetObjectItemCaseSensitive(item, "account_id") &&
	    !cJSON_AddStringToObject(item, "account_id", owner->valuestring)) {
		ret = -ENOMEM;
		goto out;
	}
	*number = number_from_item(item);
	if (*number && strcmp((*number)->digits, digits)) {
		free(*number); /* an answer about another number proves nothing */
		*number = NULL;
	}
out:
	cJSON_Delete(root);
	return ret;
}
