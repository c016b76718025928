/* inventory.h — the numbers available to rent, per country: one catalog per
 * country code, created the first time that country is looked at. */
#ifndef VOBIZFS_INVENTORY_H
#define VOBIZFS_INVENTORY_H

#include <stdbool.h>

struct api;
struct catalog;
struct config;
struct inventory;

/* An inventory over API with CFG's ttl, parallel and [inventory] max.
 * Returns NULL when out of memory. */
struct inventory *inventory_new(const struct config *cfg, struct api *api);
void inventory_free(struct inventory *inv);

/* The catalog of CC's inventory, created empty on first use (fill it with
 * catalog_refresh_if_stale()); it lives as long as INV, but its offers may
 * be dropped (catalog_drop()) when many other countries are looked at.
 * NULL when CC is not an assigned ISO 3166 code (country_code_assigned())
 * or out of memory.  Thread-safe. */
struct catalog *inventory_country(struct inventory *inv, const char *cc);

/* The countries looked at so far, as for catalog_groups() (free with
 * catalog_free_names()).  Returns 0 or -ENOMEM.  Thread-safe. */
int inventory_countries(struct inventory *inv, char ***names);

#endif
