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
	*root = jsonmem_parse(body, len);
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
	*marked = jsonmem_parse(copy, len);
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

const char *list_skip_name(enum list_skip reason)
{
	static const char *const names[LIST_SKIPS] = {
		[LIST_SKIP_E164] = "an e164 that is not a string of '+' and 8 to 15 ASCII digits",
		[LIST_SKIP_NUL] = "a NUL character",
		[LIST_SKIP_DUPLICATE] = "duplicate keys",
		[LIST_SKIP_UTF8] = "invalid UTF-8",
	};

	return reason < LIST_SKIPS ? names[reason] : "?";
}

/* True when S is well-formed UTF-8 (RFC 3629: no overlong forms, no
 * surrogates, nothing past U+10FFFF). */
static bool utf8_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		unsigned char c = *p;
		unsigned need;
		unsigned long cp;

		if (c < 0x80) {
			p++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF) {
			need = 1;
			cp = c & 0x1F;
		} else if (c >= 0xE0 && c <= 0xEF) {
			need = 2;
			cp = c & 0x0F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			need = 3;
			cp = c & 0x07;
		} else {
			return false;
		}
		for (unsigned i = 1; i <= need; i++) {
			if ((p[i] & 0xC0) != 0x80)
				return false;
			cp = (cp << 6) | (p[i] & 0x3F);
		}
		if ((need == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
		    (need == 3 && (cp < 0x10000 || cp > 0x10FFFF)))
			return false;
		p += need + 1;
	}
	return true;
}

/* Why NODE (an item, or a value inside one) may not be read one way by
 * every reader: LIST_SKIP_DUPLICATE, LIST_SKIP_UTF8, or LIST_SKIPS when it
 * may. */
static enum list_skip ambiguity(const cJSON *node)
{
	for (const cJSON *c = node->child; c; c = c->next) {
		enum list_skip why;

		if ((c->string && !utf8_valid(c->string)) || (cJSON_IsString(c) && !utf8_valid(c->valuestring)))
			return LIST_SKIP_UTF8;
		if (cJSON_IsObject(node) && c->string)
			for (const cJSON *d = c->next; d; d = d->next)
				if (d->string && d->string[0] == c->string[0] && !strcmp(d->string, c->string))
					return LIST_SKIP_DUPLICATE;
		if (c->child && (why = ambiguity(c)) != LIST_SKIPS)
			return why;
	}
	return LIST_SKIPS;
}

/* True when E164 is what the API documents: '+' and 8-15 ASCII digits (not a
 * JSON number, no spaces, no other script's digits). */
static bool e164_strict(const cJSON *e164)
{
	const char *s = cJSON_IsString(e164) ? e164->valuestring : NULL;
	size_t digits = s && s[0] == '+' ? strspn(s + 1, "0123456789") : 0;

	return digits >= E164_MIN_DIGITS && digits <= E164_MAX_DIGITS && s[1 + digits] == '\0';
}

/* Why ITEM is skipped (enum list_skip), or LIST_SKIPS when it is taken;
 * an "auth_id" owner is then also named "account_id" (apijson.h).  Returns
 * -ENOMEM when that could not be added. */
static int judge_item(cJSON *item, enum list_skip *why)
{
	const cJSON *owner;

	*why = LIST_SKIP_E164;
	if (!cJSON_IsObject(item))
		return 0;
	if ((*why = ambiguity(item)) != LIST_SKIPS)
		return 0;
	/* No key is named twice: the first "e164" is the only one. */
	if (!e164_strict(cJSON_GetObjectItemCaseSensitive(item, "e164"))) {
		*why = LIST_SKIP_E164;
		return 0;
	}
	owner = cJSON_GetObjectItemCaseSensitive(item, "auth_id");
	if (cJSON_IsString(owner) && !cJSON_GetObjectItemCaseSensitive(item, "account_id") &&
	    !cJSON_AddStringToObject(item, "account_id", owner->valuestring))
		return -ENOMEM;
	return 0;
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
	const cJSON *items, *twin = NULL;
	cJSON *item;
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
		enum list_skip why = LIST_SKIP_NUL;
		struct number *n = NULL;

		/* A NUL anywhere in an item: no field of its record, all of
		 * which are shown, may be read cut short. */
		if (!(twin && cut_by_nul(item, twin, NULL))) {
			if (judge_item(item, &why))
				goto out;
			if (why == LIST_SKIPS && !(n = number_from_item_in(item, out->arena)))
				why = LIST_SKIP_E164;
		}
		twin = twin ? twin->next : NULL;
		if (n) {
			out->items[out->count++] = n;
			continue;
		}
		out->skipped++;
		out->skipped_by[why]++;
	}
	out->nul_items = out->skipped_by[LIST_SKIP_NUL];
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
