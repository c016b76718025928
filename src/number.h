/* number.h — one phone number as the account holds it: its name, the few
 * fields the filesystem needs for attributes, and its full API record
 * rendered once as pretty JSON (every field kept, unknown ones included). */
#ifndef VOBIZFS_NUMBER_H
#define VOBIZFS_NUMBER_H

#include "e164.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

struct arena;
struct cJSON;

enum number_status {
	NUMBER_ACTIVE,          /* held: listed under numbers/ */
	NUMBER_PENDING_RELEASE, /* in the current dialect's cooldown */
	NUMBER_RELEASED,        /* gone; never shown */
	NUMBER_RELEASING,       /* held, but its release waits out [release] grace: in
				   releasing/ only.  Never in a record: the catalog's. */
};

/* Why no change may be asked for a held number (SEMANTICS.md): its status
 * says it is not the account's to change now.  Each is refused before
 * anything is sent, with number_hold_errno(). */
enum number_hold {
	NUMBER_FREE,             /* "active", no status, or one vobizfs does not know */
	NUMBER_BLOCKED,          /* "blocked", or "is_blocked": true */
	NUMBER_PENDING_PURCHASE, /* "pending_purchase": the purchase is not done */
};

/* Longest trunk group or application id vobizfs accepts or names a view by. */
#define ROUTE_ID_MAX 64

struct number {
	char digits[E164_BUFSIZE];
	char country[3]; /* ISO 3166 alpha-2, or "" */
	/* One byte of flags, so the header stays in 48 bytes. */
	uint8_t status : 2;         /* enum number_status */
	uint8_t hold : 2;           /* enum number_hold */
	uint8_t status_unknown : 1; /* "status" is a string of no documented status */
	uint8_t has_trunk : 1;      /* trunk_group_id is not null */
	uint8_t has_app : 1;        /* application_id is not null */
	uint8_t trunk_len;          /* bytes of the trunk id kept after json, 0 if not a valid id */
	uint8_t app_len;            /* likewise for the application id */
	time_t purchased_at;        /* st_mtime; 0 when the record has none */
	time_t updated_at;          /* st_ctime */
	uint32_t json_len;          /* bytes in json, including the final newline */
	_Atomic uint32_t refs;      /* number_ref()/number_unref(); 0 for a draft */
	char json[];                /* pretty JSON ending in '\n', NUL, then the trunk
				       id and the application id, each NUL-terminated */
};

/* Numbers are shared by reference count.  Every function here that returns
 * a new number returns it with one reference, in one malloc: the holder
 * drops it with number_unref() (free() of a number nobody else holds, one
 * reference, is the same).  Drafts (number_from_item_in() with an arena) are
 * the exception: they live and die with their arena, and are never ref'd or
 * unref'd; number_dup() makes a counted copy of one. */

/* Build a number from one item of a listing (or of the inventory).  The
 * item's "e164" must be a valid E.164 string (with or without '+');
 * otherwise NULL is returned and nothing is allocated.  ITEM must come from
 * text with no NUL character in it (see number_json_nul()): a parsed tree no
 * longer shows where a NUL cut a string short.  Returns a new number (one
 * reference), or NULL (bad item or out of memory).  Pure. */
struct number *number_from_item(const struct cJSON *item);

/* number_from_item(), but with ARENA not NULL the number is a draft
 * allocated from ARENA (valid until the arena is reset or freed; its refs
 * is 0).  With ARENA NULL, the same as number_from_item().  Thread-safe as
 * long as no other thread uses ARENA. */
struct number *number_from_item_in(const struct cJSON *item, struct arena *arena);

/* Take one more reference to N (a counted number, not a draft) and return
 * N.  NULL-safe.  Thread-safe. */
struct number *number_ref(struct number *n);

/* Drop one reference to N, freeing it with the last.  NULL-safe.
 * Thread-safe. */
void number_unref(struct number *n);

/* Where the next NUL character is in TEXT (LEN bytes of JSON), from offset
 * FROM on: the offset of a raw NUL byte, or of the last digit of a "\u0000"
 * escape (an escaped backslash followed by "u0000" is no NUL); LEN when
 * there is none.  cJSON decodes either into a NUL inside its NUL-terminated
 * strings, which cuts a string or a key short without a trace
 * ("+91800000\u00000003" would read as the valid number 91800000), so
 * text is checked before it is trusted.  Pure. */
size_t number_json_nul(const char *text, size_t len, size_t from);

/* Bytes N occupies. */
size_t number_size(const struct number *n);

/* A copy of N (a counted number or a draft) with one reference of its own,
 * or NULL when out of memory. */
struct number *number_dup(const struct number *n);

/* The trunk group id and the application id, "" when absent or not a valid
 * id.  The strings live inside N. */
const char *number_trunk(const struct number *n);
const char *number_application(const struct number *n);

/* A copy of N whose record has every field of PATCH (a JSON object) merged
 * in — how a change made through the mount shows before the next listing.
 * Returns a new number (one reference), or NULL on failure. */
struct number *number_patched(const struct number *n, const struct cJSON *patch);

/* True when S is a country code as the API writes it and a view may be
 * named by: two capital ASCII letters.  Pure. */
bool country_code_valid(const char *s);

/* True when S can name a trunk group or application: 1 to ROUTE_ID_MAX
 * characters of [A-Za-z0-9_-].  Pure. */
bool route_id_valid(const char *s);

/* The status named by the API's "status" string: "pending_release",
 * "released", else held (NUMBER_ACTIVE: "active", "blocked",
 * "pending_purchase", none, or a status vobizfs does not know). */
enum number_status number_status_parse(const char *s);

/* What the status S (may be NULL) and "is_blocked" hold a number to, and
 * whether S is a status the vendor documents (*KNOWN; NULL is known). */
enum number_hold number_hold_parse(const char *s, bool is_blocked, bool *known);

/* The errno a change of a number held by HOLD is refused with: -EPERM for
 * a blocked number (the vendor's to lift, not a moment's wait), -EBUSY for a
 * purchase not done (the next listing may show it done); 0 when free. */
int number_hold_errno(enum number_hold hold);

/* Why, for a log line: "the API lists it blocked". */
const char *number_hold_why(enum number_hold hold);

/* Extended attributes (DESIGN §1): "user.vobiz.<field>" for each scalar
 * field of the record JSON, plus "user.vobiz.capabilities" as "voice,sms".
 * number_xattr_list() writes the NUL-separated names into BUF (or, when SIZE
 * is 0, only counts); number_xattr_get() writes the value of NAME.  Both
 * return the length, -ERANGE when SIZE is too small, -ENODATA for an unknown
 * name, -EIO when JSON is not an object or holds a NUL character (which
 * would cut a name or a value short).  Pure. */
ssize_t number_xattr_list(const char *json, char *buf, size_t size);
ssize_t number_xattr_get(const char *json, const char *name, char *buf, size_t size);

#endif
