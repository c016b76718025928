/* inventory.c — a table of per-country catalogs under one lock.  Only
 * assigned ISO 3166 codes enter it, so it cannot fill up; and at most
 * MAX_LOADED countries keep their offers in memory, the least recently used
 * dropped first, so looking at many countries costs no more memory than a
 * few. */
#include "inventory.h"

#include "catalog.h"
#include "config.h"
#include "country.h"
#include "number.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAX_COUNTRIES 256 /* ISO 3166 has 249 */
#define MAX_LOADED 16     /* countries whose offers stay in memory */

struct inventory {
	const struct config *cfg;
	struct api *api;
	pthread_mutex_t lock; /* guards the table */
	size_t count;
	uint64_t uses; /* a clock for last_use */
	struct {
		char cc[3];
		struct catalog *catalog;
		uint64_t last_use;
	} countries[MAX_COUNTRIES];
};

struct inventory *inventory_new(const struct config *cfg, struct api *api)
{
	struct inventory *inv = calloc(1, sizeof(*inv));

	if (!inv)
		return NULL;
	inv->cfg = cfg;
	inv->api = api;
	pthread_mutex_init(&inv->lock, NULL);
	return inv;
}

void inventory_free(struct inventory *inv)
{
	if (!inv)
		return;
	for (size_t i = 0; i < inv->count; i++)
		catalog_free(inv->countries[i].catalog);
	pthread_mutex_destroy(&inv->lock);
	free(inv);
}

/* Keep at most MAX_LOADED offer lists in memory besides KEEP's: drop the
 * least recently used.  Called with the lock held. */
static void drop_least_used(struct inventory *inv, size_t keep)
{
	size_t loaded = 0, oldest = keep;

	for (size_t i = 0; i < inv->count; i++) {
		if (i == keep || !catalog_loaded(inv->countries[i].catalog))
			continue;
		loaded++;
		if (oldest == keep || inv->countries[i].last_use < inv->countries[oldest].last_use)
			oldest = i;
	}
	if (loaded >= MAX_LOADED)
		catalog_drop(inv->countries[oldest].catalog);
}

struct catalog *inventory_country(struct inventory *inv, const char *cc)
{
	struct catalog *cat = NULL;
	size_t i;

	if (!country_code_assigned(cc))
		return NULL;
	pthread_mutex_lock(&inv->lock);
	for (i = 0; i < inv->count; i++)
		if (!strcmp(inv->countries[i].cc, cc))
			break;
	if (i == inv->count && i < MAX_COUNTRIES) {
		struct catalog_options opt = catalog_options_for(inv->cfg);

		opt.country = cc;
		opt.max = inv->cfg->inventory_max;
		cat = catalog_new(inv->api, &opt);
		if (cat) {
			memcpy(inv->countries[i].cc, cc, 3);
			inv->countries[inv->count++].catalog = cat;
		}
	}
	if (i < inv->count) {
		cat = inv->countries[i].catalog;
		inv->countries[i].last_use = ++inv->uses;
		if (!catalog_loaded(cat))
			drop_least_used(inv, i);
	}
	pthread_mutex_unlock(&inv->lock);
	return cat;
}

int inventory_countries(struct inventory *inv, char ***out)
{
	char **names;
	int ret = 0;

	pthread_mutex_lock(&inv->lock);
	names = calloc(inv->count + 1, sizeof(*names));
	for (size_t i = 0; names && ret == 0 && i < inv->count; i++)
		if (!(names[i] = strdup(inv->countries[i].cc)))
			ret = -ENOMEM;
	pthread_mutex_unlock(&inv->lock);
	if (!names || ret) {
		catalog_free_names(names);
		*out = NULL;
		return -ENOMEM;
	}
	*out = names;
	return 0;
}
