/* number.h — one phone number as the account holds it: its name, the few
 * fields the filesystem needs for attributes, and its full API record
 * rendered once as pretty JSON (every field kept, unknown ones included). */
#ifndef VOBIZFS_NUMBER_H
#define VOBIZFS_NUMBER_H

#include "e164.h"

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

struct cJSON;

enum number_status {
	NUMBER_ACTIVE,          /* held: listed under numbers/ */
	NUMBER_PENDING_RELEASE, /* in the current dialect's cooldown */
	NUMBER_RELEASED,        /* gone; never shown */
};

struct number {
	char digits[E164_BUFSIZE];
	enum number_status status;
	time_t purchased_at; /* st_mtime; 0 when the record has none */
	time_t updated_at;   /* st_ctime */
	uint32_t json_len;   /* bytes in json, including the final newline */
	char json[];         /* NUL-terminated pretty JSON ending in '\n' */
};

/* Build a number from one item of a listing.  The item's "e164" must be a
 * valid E.164 string (with or without '+'); otherwise NULL is returned and
 * nothing is allocated.  Returns a malloc'd number the caller frees with
 * free(), or NULL (bad item or out of memory).  Pure. */
struct number *number_from_item(const struct cJSON *item);

/* A copy of N whose record has "status" set to STATUS and every field of
 * EXTRA (a JSON object, may be NULL) merged in: how a release or a cancel is
 * reflected at once, before the next listing.  Returns NULL on failure. */
struct number *number_with_status(const struct number *n, const char *status, const struct cJSON *extra);

/* The status named by the API's "status" string. */
enum number_status number_status_parse(const char *s);

/* Extended attributes (DESIGN §1): "user.vobiz.<field>" for each scalar
 * field of the record JSON, plus "user.vobiz.capabilities" as "voice,sms".
 * number_xattr_list() writes the NUL-separated names into BUF (or, when SIZE
 * is 0, only counts); number_xattr_get() writes the value of NAME.  Both
 * return the length, -ERANGE when SIZE is too small, -ENODATA for an unknown
 * name, -EIO when JSON is not an object.  Pure. */
ssize_t number_xattr_list(const char *json, char *buf, size_t size);
ssize_t number_xattr_get(const char *json, const char *name, char *buf, size_t size);

#endif
