/* catalog.h — the numbers catalog: the account's listing held in memory
 * (DESIGN §4), so getattr, lookup, read and xattrs never wait on the API.
 * One lock, held only for memory work; never across a network call.  A
 * refresh is single-flight: concurrent callers wait for the one in progress. */
#ifndef VOBIZFS_CATALOG_H
#define VOBIZFS_CATALOG_H

#include "number.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct api;
struct catalog;

/* What the filesystem needs to present one number without its record. */
struct number_info {
	char digits[E164_BUFSIZE];
	enum number_status status;
	uint32_t size; /* bytes of the rendered record */
	time_t mtime;  /* purchased_at */
	time_t ctime;  /* updated_at */
	/* Directories of the views VIEW_ALL, VIEW_UNASSIGNED, VIEW_TRUNK and
	 * VIEW_COUNTRY that list it: 1 (its status's) plus, when active, each
	 * of the other three that shows it.  VIEW_ACCOUNT is not counted. */
	unsigned links;
};

/* Which numbers a directory shows. */
enum catalog_view {
	VIEW_ALL,        /* every number with the status */
	VIEW_UNASSIGNED, /* routed to neither a trunk nor an application */
	VIEW_TRUNK,      /* on the trunk group named by value */
	VIEW_COUNTRY,    /* in the country named by value */
	VIEW_ACCOUNT,    /* held by the account named by value (the record's account_id) */
};

struct catalog_filter {
	enum number_status status;
	enum catalog_view view;
	const char *value; /* for VIEW_TRUNK, VIEW_COUNTRY and VIEW_ACCOUNT */
};

/* What the routing and renting rules need to know of a number. */
struct number_facts {
	bool has_trunk, has_app;
	char trunk[ROUTE_ID_MAX + 1]; /* "" when absent or not a valid id */
	char app[ROUTE_ID_MAX + 1];
	bool has_monthly_fee; /* the record's monthly_fee is a JSON number */
	double monthly_fee;
};

/* A catalog over API, trusting a listing for TTL_S seconds, fetching at most
 * PARALLEL pages at once.  COUNTRY NULL: the account's numbers; otherwise
 * the inventory of that country, at most MAX numbers.  Returns NULL when out
 * of memory. */
struct catalog *catalog_new(struct api *api, unsigned ttl_s, unsigned parallel, const char *country, size_t max);
void catalog_free(struct catalog *cat);

/* Make sure the listing is younger than the TTL and not invalidated,
 * fetching it if not (or joining the fetch in progress).  Returns 0 or the
 * listing's negative errno; on failure the previous listing stays in use.
 * Thread-safe; the only catalog call that does network I/O. */
int catalog_refresh_if_stale(struct catalog *cat, int64_t deadline);

/* True when the listing is younger than the TTL and not invalidated: a
 * catalog_refresh_if_stale() would return at once.  Thread-safe. */
bool catalog_fresh(struct catalog *cat);

/* Forget the listing held (memory is returned): the next
 * catalog_refresh_if_stale() reads it again.  A refresh in progress is left
 * alone.  Thread-safe. */
void catalog_drop(struct catalog *cat);

/* True once a listing has been read (whether or not it is still fresh). */
bool catalog_loaded(struct catalog *cat);

/* Drop trust in the listing: the next catalog_refresh_if_stale() fetches it
 * again (touch on the directory, SIGHUP).  Thread-safe. */
void catalog_invalidate(struct catalog *cat);

/* Copy the info of DIGITS into OUT if it passes FILTER.  Returns 0 or
 * -ENOENT.  Thread-safe; no I/O. */
int catalog_find(struct catalog *cat, const char *digits, const struct catalog_filter *filter, struct number_info *out);

/* The routing and fee of DIGITS (any status but released).  Returns 0 or -ENOENT. */
int catalog_facts(struct catalog *cat, const char *digits, struct number_facts *out);

/* A malloc'd copy of the record of DIGITS (LEN bytes, NUL-terminated); the
 * caller frees it.  Returns 0, -ENOENT, -ENOMEM.  Thread-safe; no I/O. */
int catalog_record(struct catalog *cat, const char *digits, char **json, size_t *len);

/* A malloc'd array of the info of every number passing FILTER, in listing
 * order; the caller frees it.  Returns 0 or -ENOMEM.  Thread-safe; no I/O. */
int catalog_list(struct catalog *cat, const struct catalog_filter *filter, struct number_info **out, size_t *count);

/* The distinct trunk ids (VIEW_TRUNK), countries (VIEW_COUNTRY) or account
 * ids (VIEW_ACCOUNT: only those that pass route_id_valid()) of the active
 * numbers, as a malloc'd NULL-terminated array of malloc'd strings (free
 * with catalog_free_names()).  Returns 0 or -ENOMEM. */
int catalog_groups(struct catalog *cat, enum catalog_view view, char ***names);
void catalog_free_names(char **names);

/* Record a change made through the mount, so it shows at once and survives a
 * listing already in flight: PATCH (a JSON object) is merged into the
 * record of DIGITS; a "status" of "released" removes the number.
 * Returns 0, -ENOENT, -ENOMEM. */
int catalog_patch(struct catalog *cat, const char *digits, const struct cJSON *patch);

/* Add N (a new number: a purchase), taking ownership on success, or replace
 * the number with its digits.  Returns 0 or -ENOMEM. */
int catalog_add(struct catalog *cat, struct number *n);

/* A held number other than DIGITS sharing the longest prefix with it, copied
 * into WITNESS: a number a narrow listing searched by that prefix must show.
 * Returns the length of the shared prefix (0 when none is shared), or
 * -ENOENT when the catalog holds no other number.  Thread-safe; no I/O. */
int catalog_witness(struct catalog *cat, const char *digits, char witness[E164_BUFSIZE]);

/* Copy the account_id of the record JSON (LEN bytes, as a number renders it:
 * cJSON's pretty print) into OUT when it is 1 to ROUTE_ID_MAX characters of
 * [A-Za-z0-9_-]; else OUT is "".  Pure. */
void catalog_record_account(const char *json, size_t len, char out[ROUTE_ID_MAX + 1]);

/* Bytes of the records of the numbers held (whatever their status): the
 * sum of their number_info sizes.  Thread-safe; no I/O; walks the table. */
uint64_t catalog_bytes(struct catalog *cat);

/* Seconds since the listing was fetched (-1: never) and its size. */
void catalog_stats(struct catalog *cat, long *age_s, size_t *count);

/* Where a number is shown: what decides the directories that list it. */
struct catalog_place {
	bool held; /* false: in no directory (released, never held) */
	enum number_status status;
	bool unassigned;                /* routed to neither a trunk nor an application */
	char trunk[ROUTE_ID_MAX + 1];   /* its trunk group, "" when none (or not a valid id) */
	char country[3];                /* "" when unknown */
	char account[ROUTE_ID_MAX + 1]; /* the record's account_id, "" when not a valid id */
};

/* Told that DIGITS changed: it left, joined or moved between directories
 * (BEFORE and AFTER say where it was and is), or its record changed.
 * Called outside the catalog's lock, in the thread that made the change
 * (catalog_patch(), catalog_add(), or a refresh that found the listing
 * different from the one it replaced; a first listing reports nothing). */
typedef void (*catalog_change_fn)(void *arg, const char *digits, const struct catalog_place *before,
				  const struct catalog_place *after);

/* Register FN (NULL: none) to be told of every change; ARG is passed to it.
 * Set it before the catalog is shared between threads, or clear it when
 * no change can be in progress. */
void catalog_set_change_hook(struct catalog *cat, catalog_change_fn fn, void *arg);

/* Listing reads ended since creation (*DONE), and of those the ones that
 * failed (*FAILED).  Thread-safe; no I/O. */
void catalog_refresh_counts(struct catalog *cat, uint64_t *done, uint64_t *failed);

/* The wall-clock time of what the catalog shows: when the listing in use was
 * asked for, or when a change made through the mount (catalog_patch(),
 * catalog_add()) last altered it, whichever is later; 0 when no listing is
 * held.  Thread-safe; no I/O. */
time_t catalog_changed_at(struct catalog *cat);

#endif
