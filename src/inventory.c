/* inventory.c — a small table of per-country catalogs under one lock. */
#include "inventory.h"

#include "catalog.h"
#include "config.h"
#include "number.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define MAX_COUNTRIES 256 /* ISO 3166 has 249 */

struct inventory {
	const struct config *cfg;
	struct api *api;
	pthread_mutex_t lock; /* guards the table */
	size_t count;
	struct {
		char cc[3];
		struct catalog *catalog;
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

struct catalog *inventory_country(struct inventory *inv, const char *cc)
{
	struct catalog *cat = NULL;

	if (!country_code_valid(cc))
		return NULL;
	pthread_mutex_lock(&inv->lock);
	for (size_t i = 0; i < inv->count && !cat; i++)
		if (!strcmp(inv->countries[i].cc, cc))
			cat = inv->countries[i].catalog;
	if (!cat && inv->count < MAX_COUNTRIES) {
		cat = catalog_new(inv->api, inv->cfg->ttl_s, inv->cfg->parallel, cc, inv->cfg->inventory_max);
		if (cat) {
			memcpy(inv->countries[inv->count].cc, cc, 3);
			inv->countries[inv->count++].catalog = cat;
		}
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
