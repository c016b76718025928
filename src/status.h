/* status.h — the .status document at the mount's root: what the mount is,
 * how old its listing is, and what it has done, as JSON for jq and monitors. */
#ifndef VOBIZFS_STATUS_H
#define VOBIZFS_STATUS_H

#include <stddef.h>
#include <time.h>

struct accounts;
struct api;
struct catalog;
struct config;
struct gate;
struct grace;
struct health;
struct releaser;
struct store;

/* What the document is read from; all must outlive the call. */
struct status_sources {
	const struct config *cfg;
	struct api *api;
	struct catalog *catalog;
	struct releaser *releaser;
	struct gate *gate;
	struct health *health;     /* may be NULL: no "health" object */
	struct accounts *accounts; /* may be NULL: no "moves" object */
	struct grace *grace;       /* may be NULL (no grace): no "queued" object */
	struct store *store;       /* with a grace: the budget is the store's */
	time_t mounted_at;
};

/* Render the document (pretty JSON ending in a newline) into a malloc'd
 * string the caller frees; *LEN gets its length.  NULL when out of memory.
 * Thread-safe. */
char *status_render(const struct status_sources *src, size_t *len);

#endif
