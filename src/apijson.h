/* apijson.h — the Vobiz API's JSON bodies: a page of the listing, the
 * several shapes of error body (DESIGN §2), the answer to a release or a
 * cancel, and the answer to a purchase — in every shape the vendor documents.
 * Bodies are untrusted: every parser validates types and never crashes, and
 * none lets a NUL character ("\u0000", which would cut a string short) pass
 * as part of a field. */
#ifndef VOBIZFS_APIJSON_H
#define VOBIZFS_APIJSON_H

#include "e164.h"

#include <stdbool.h>
#include <stddef.h>

struct arena;
struct number;

/* Why an item of a listing was skipped: each would let two readers of the
 * same answer (vobizfs, jq, Python) see two different numbers or records. */
enum list_skip {
	LIST_SKIP_E164,      /* "e164" absent, or not a string of '+' and 8-15 ASCII digits */
	LIST_SKIP_NUL,       /* a NUL character in a key or a string */
	LIST_SKIP_DUPLICATE, /* an object of the item names one key twice */
	LIST_SKIP_UTF8,      /* a key or a string that is not well-formed UTF-8 */
	LIST_SKIPS,
};

/* What REASON says, for a log line ("duplicate keys"). */
const char *list_skip_name(enum list_skip reason);

struct list_page {
	/* COUNT numbers, drafts in ARENA (number.h): valid until
	 * list_page_free(), never freed, ref'd or unref'd on their own; keep one
	 * longer with number_dup(). */
	struct number **items;
	size_t count;
	size_t skipped;                /* items dropped, for any reason below */
	size_t skipped_by[LIST_SKIPS]; /* of the skipped, by reason */
	size_t nul_items;              /* skipped_by[LIST_SKIP_NUL] */
	long page, per_page, total;
	struct arena *arena; /* holds ITEMS and the numbers; owned by the page */
};

/* Parse a listing page.  "items" (array) and "total" (non-negative integer)
 * are required; "page"/"per_page" are taken when present (else 0).  An item
 * is skipped and counted by reason (enum list_skip), never used, when its
 * "e164" is not a string of '+' and 8-15 ASCII digits, or anywhere in it (its
 * whole record is shown, so every field counts) a key or string holds a NUL
 * character or ill-formed UTF-8, or an object names a key twice (cJSON
 * would read the first, jq and Python the last).  An item that names its
 * owner "auth_id" (an older revision) and has no "account_id" gets one with
 * the same value, as a purchase answer does ("auth_id" is kept).  A NUL
 * anywhere else on the page makes it malformed.
 * Returns 0, -EIO for a malformed body, -ENOMEM.  On failure OUT is empty.
 * Thread-safe: the JSON is parsed in the calling thread's scratch arena
 * (jsonmem.h, whose hooks this installs if no one has yet). */
int apijson_parse_list_page(const char *body, size_t len, struct list_page *out);

/* Free PAGE's numbers (its arena) and reset it.  Safe on an empty page. */
void list_page_free(struct list_page *page);

struct api_error {
	char code[64];       /* "forbidden", "401", "RATE_LIMIT_EXCEEDED", or "" */
	char message[256];   /* the API's human message, or "" */
	char request_id[64]; /* the platform format's "requestId" (for support), or "" */
	long retry_after_ms; /* error.details.retryAfter in ms, or -1 */
};

/* Read whatever error information BODY carries, in any documented shape:
 *   {"error":"forbidden","message":"..."}    {"error":"number not found"}
 *   {"error":{"code":401,"message":"..."}}
 *   {"status":"error","error":{"code":"RATE_LIMIT_EXCEEDED","message":"...",
 *                              "details":{"retryAfter":1}},
 *    "timestamp":"...","requestId":"..."}
 * Never fails: unknown or malformed bodies leave the fields empty / -1, as
 * does a body with a NUL character in any key or string.
 * When the body only has "error" as a string, it becomes the message too. */
void apijson_parse_error(const char *body, size_t len, struct api_error *out);

struct release_answer {
	char status[32]; /* "pending_release", "released", "active", or "" */
	bool has_status; /* "status" is there and not null (a non-string
			    one leaves STATUS "" or its digits) */
	/* The number the answer names: "e164" there and not null, and its
	 * digits ("" when it is not a valid E.164 string). */
	bool has_e164;
	char e164[E164_BUFSIZE];
	char cooldown_ends_at[64]; /* or "" */
	double release_fee;
	bool has_release_fee;
	char message[256];
	/* A cancel's refund of the release fee: "refund_status" ("failed", or
	 * "" when absent), "refund_error", "refund_amount", "currency". */
	char refund_status[32];
	char refund_error[256];
	double refund_amount;
	bool has_refund_amount;
	char currency[16];
};

/* Parse a 2xx answer to a release, a cancel or a routing change.  An empty
 * body is fine (204).  Fields that are absent, null or of another type stay
 * empty.  "cancel_url" is never read: the cancel path is built, not followed.
 * Returns 0, or -EIO when a non-empty body is not a JSON object or has a NUL
 * character in any key or string (OUT then stays empty). */
int apijson_parse_release(const char *body, size_t len, struct release_answer *out);

/* Parse a 2xx answer to a purchase of DIGITS: {"message","number":{...}},
 * also with an "items" array beside "number" (then "number" wins; without
 * it, the item of "items" whose e164 is DIGITS), and with the owner named
 * "auth_id" instead of "account_id" (then "account_id" is added with the
 * same value, so the record reads like a listed one; "auth_id" is kept).
 * On return *NUMBER is the new number (the caller frees it) or NULL when the
 * answer holds none for DIGITS, and MESSAGE (LEN bytes) the answer's message
 * or "".  Returns 0, -EIO when a non-empty body is not a JSON object or has
 * a NUL character in any key or string, or -ENOMEM. */
int apijson_parse_purchase(const char *body, size_t len, const char *digits, struct number **number, char *message,
			   size_t message_len);

#endif
