/* tree.h — the mounted tree (DESIGN §1 and the views): which node a path
 * names.  Names are validated here, so nothing invalid reaches the core. */
#ifndef VOBIZFS_TREE_H
#define VOBIZFS_TREE_H

#include "catalog.h"
#include "e164.h"
#include "number.h"

#include <stdbool.h>

enum node_kind {
	NODE_ROOT,
	NODE_STATUS,        /* .status */
	NODE_LIST_DIR,      /* a directory of numbers: numbers/, pending-release/, unassigned/,
			       by-trunk/ID/, by-country/CC/, by-account/ID/ */
	NODE_NUMBER,        /* a number in one of them */
	NODE_GROUPS_DIR,    /* by-trunk/, by-country/, by-account/ */
	NODE_INVENTORY_DIR, /* inventory/ */
	NODE_OFFERS_DIR,    /* inventory/CC/ */
	NODE_OFFER,         /* inventory/CC/N */
	NODE_HEALTH_DIR,    /* health/ */
	NODE_HEALTH,        /* health/N: the usage of a number of numbers/ */
};

struct node {
	enum node_kind kind;
	/* For NODE_LIST_DIR and NODE_NUMBER: which numbers the directory shows.
	 * For NODE_GROUPS_DIR: filter.view says which grouping. */
	struct catalog_filter filter;
	char value[ROUTE_ID_MAX + 1]; /* the trunk id, country code or account id; filter.value points here */
	char digits[E164_BUFSIZE];    /* for NODE_NUMBER, NODE_OFFER and NODE_HEALTH */
};

#define TREE_NUMBERS "numbers"
#define TREE_PENDING "pending-release"
#define TREE_STATUS ".status"
#define TREE_UNASSIGNED "unassigned"
#define TREE_BY_TRUNK "by-trunk"
#define TREE_BY_COUNTRY "by-country"
#define TREE_INVENTORY "inventory"
#define TREE_BY_ACCOUNT "by-account"
#define TREE_HEALTH "health"

/* Resolve PATH ("/numbers/919876543210"; "+919876543210" is accepted too).
 * WITH_PENDING says whether pending-release/ exists.  Returns 0, or -ENOENT
 * for anything else, including every name that is not a valid number.
 * Pure; OUT may not be copied (filter.value points into it). */
int tree_resolve(const char *path, bool with_pending, struct node *out);

/* True for the kinds that are directories. */
bool tree_is_dir(enum node_kind kind);

/* True when NODE is numbers/ or a file in it: where mv puts a number. */
bool tree_in_numbers(const struct node *node);

#endif
