/* catalog.h — the numbers catalog: the account's listing held in memory
 * (DESIGN §4), so getattr, lookup, read and xattrs never wait on the API.
 * One lock, held only for memory work; never across a network call.  A
 * refresh is single-flight, and once a listing is held it is read again in
 * the background (stale-while-revalidate): readers wait only for the first
 * listing, after a drop, or after a refresh failed. */
#ifndef VOBIZFS_CATALOG_H
#define VOBIZFS_CATALOG_H

#include "apijson.h"
#include "config.h"
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
	enum number_hold hold; /* a held number no change may be asked for */
	uint32_t size;         /* bytes of the rendered record */
	time_t mtime;          /* purchased_at */
	time_t ctime;          /* updated_at */
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
	enum number_hold hold;
	bool has_trunk, has_app;
	char trunk[ROUTE_ID_MAX + 1]; /* "" when absent or not a valid id */
	char app[ROUTE_ID_MAX + 1];
	bool has_monthly_fee; /* the record's monthly_fee is a JSON number */
	double monthly_fee;
};

struct catalog_options {
	unsigned ttl_s;             /* a listing is trusted this long; 0: read at every refresh */
	unsigned parallel;          /* pages asked for at once, at first */
	unsigned parallel_max;      /* the most that may grow to (listing.h) */
	unsigned page_timeout_s;    /* a page not answered within this fails a listing */
	unsigned listing_timeout_s; /* the longest a whole listing may take */
	const char *country;        /* NULL: the account's numbers; else that inventory */
	size_t max;                 /* numbers at most (0: no limit) */
};

/* The options CFG sets for the account's numbers (country NULL, no max). */
struct catalog_options catalog_options_for(const struct config *cfg);

/* A catalog over API with the options OPT (copied).  Returns NULL when out of
 * memory. */
struct catalog *catalog_new(struct api *api, const struct catalog_options *opt);

/* Start no more background refreshes, and wait for the one running to end
 * (it gives up within one page's time limit) and to have told the change
 * hook what it found.  Thread-safe. */
void catalog_stop(struct catalog *cat);

/* Free CAT, after catalog_stop(). */
void catalog_free(struct catalog *cat);

/* Make the listing fit to answer from.  Returns 0 at once when it is younger
 * than the TTL, or older but not dropped and its last read did not fail:
 * then one refresh is started in the background (unless one runs), and the
 * listing held answers meanwhile.  Otherwise (no listing yet, dropped by
 * catalog_invalidate(), the last refresh failed, or TTL 0): with MAY_WAIT
 * false, returns -EAGAIN; with MAY_WAIT true, reads the listing (or joins
 * the read in progress, reading again if that one was asked for before the
 * drop) and returns 0 or its negative errno; on failure the previous listing
 * stays in use.  A wait is bounded by the listing's own limits.
 * Thread-safe; the only catalog call that does network I/O. */
int catalog_refresh_if_stale(struct catalog *cat, bool may_wait);

/* Forget the listing held (memory is returned): the next
 * catalog_refresh_if_stale() reads it again.  A refresh in progress is left
 * alone.  Thread-safe. */
void catalog_drop(struct catalog *cat);

/* True once a listing has been read (whether or not it is still fresh). */
bool catalog_loaded(struct catalog *cat);

/* Drop trust in the listing: the next catalog_refresh_if_stale() waits for
 * a listing asked for after this call (touch on the directory, SIGHUP).
 * Thread-safe. */
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

/* Show DIGITS as NUMBER_RELEASING while it is active (its release waits out
 * [release] grace): in releasing/ (filter status NUMBER_RELEASING), in no
 * other directory or view, kept so across refreshes; RELEASING false shows
 * it by its record's status again.  Also for a number not (yet) listed.
 * The change hook is told.  Returns 0, -ENOMEM.  Thread-safe; no I/O. */
int catalog_set_releasing(struct catalog *cat, const char *digits, bool releasing);

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

/* Seconds since the listing was fetched (-1: never), its size, and (when
 * REFRESHING is not NULL) whether a read of it is in progress, in the
 * background or waited for.  Thread-safe. */
void catalog_stats(struct catalog *cat, long *age_s, size_t *count, bool *refreshing);

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
 * no change can be in progress (no operation runs, and catalog_stop() has
 * returned). */
void catalog_set_change_hook(struct catalog *cat, catalog_change_fn fn, void *arg);

/* What the listing in use found beside its numbers. */
struct catalog_findings {
	bool complete;              /* its pages agree with its "total" (true before any) */
	long total;                 /* what its page 1 claimed (-1: none read yet) */
	size_t items;               /* items its pages held, skipped ones included */
	size_t skipped[LIST_SKIPS]; /* items never shown, by reason (apijson.h) */
	size_t unknown_status;      /* numbers shown as held whose status vobizfs does not know */
};

/* Copy the findings of the listing in use into OUT.  A listing whose pages
 * and total disagree, or whose skipped items differ from the last one's, is
 * logged (log_finding()) once, when it is put in use.  Thread-safe; no I/O. */
void catalog_findings(struct catalog *cat, struct catalog_findings *out);

/* Why the last read of the listing failed when the listing itself was
 * refused (a claim past the bounds, pages that kept changing), into BUF;
 * "" when it did not fail, or failed in the API's request (api.h says).
 * Thread-safe; no I/O. */
void catalog_failure(struct catalog *cat, char *buf, size_t len);

/* Listing reads ended since creation (*DONE), and of those the ones that
 * failed (*FAILED).  Thread-safe; no I/O. */
void catalog_refresh_counts(struct catalog *cat, uint64_t *done, uint64_t *failed);

/* The wall-clock time of what the catalog shows: when the listing in use was
 * asked for, or when a change made through the mount (catalog_patch(),
 * catalog_add()) last altered it, whichever is later; 0 when no listing is
 * held.  Thread-safe; no I/O. */
time_t catalog_changed_at(struct catalog *cat);

#endif
