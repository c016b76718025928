/* routing.h — where a number's calls go: a trunk group or an application,
 * never both (DESIGN §2).  Changing it is audited like a release, and a
 * move between two routes is always two explicit steps. */
#ifndef VOBIZFS_ROUTING_H
#define VOBIZFS_ROUTING_H

#include "audit.h"

#include <stdint.h>

struct api;
struct catalog;
struct config;
struct router;

enum route_kind {
	ROUTE_TRUNK,       /* trunk_group_id: POST/DELETE .../assign */
	ROUTE_APPLICATION, /* application_id: POST/DELETE .../application */
};

/* A router over CFG, API, CATALOG and AUDIT (may be NULL), which must all
 * outlive it.  Returns NULL when out of memory. */
struct router *router_new(const struct config *cfg, struct api *api, struct catalog *catalog, struct audit *audit);
void router_free(struct router *r);

/* Route DIGITS to VALUE (a trunk group or application id), or off its route
 * of KIND when VALUE is NULL.  Returns 0 (also when VALUE is already the
 * route: nothing is sent), or -EROFS read-only; -EINVAL VALUE is not a
 * plausible id (nothing sent); -EBUSY the number is on another route
 * (nothing sent); -ENODATA removing a route it does not have; -ENOENT not
 * held; the API's errors otherwise.  Thread-safe. */
int routing_set(struct router *r, const char *digits, enum route_kind kind, const char *value,
		const struct caller *caller, int64_t deadline);

#endif
