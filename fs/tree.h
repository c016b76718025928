/* tree.h — the mounted tree (DESIGN §1 and the views): which node a path
 * names.  Names are validated here, so nothing invalid reaches the core. */
#ifndef VOBIZFS_TREE_H
#define VOBIZFS_TREE_H

#include "catalog.h"
#include "e164.h"
#include "number.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum node_kind {
	NODE_ROOT,
	NODE_STATUS,        /* .status */
	NODE_METRICS,       /* .metrics */
	NODE_LIST_DIR,      /* a directory of numbers: numbers/, pending-release/, releasing/, unassigned/,
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
#define TREE_RELEASING "releasing"
#define TREE_STATUS ".status"
#define TREE_METRICS ".metrics"
#define TREE_UNASSIGNED "unassigned"
#define TREE_BY_TRUNK "by-trunk"
#define TREE_BY_COUNTRY "by-country"
#define TREE_INVENTORY "inventory"
#define TREE_BY_ACCOUNT "by-account"
#define TREE_HEALTH "health"

/* Which directories exist beside numbers/ (tree_resolve()'s DIRS). */
#define TREE_WITH_PENDING 1u   /* pending-release/: the current dialect */
#define TREE_WITH_RELEASING 2u /* releasing/: [release] grace is set */

/* Resolve PATH ("/numbers/919876543210"; "+919876543210" is accepted too).
 * DIRS (TREE_WITH_*) says whether pending-release/ and releasing/ exist.
 * Returns 0, -ENAMETOOLONG for a component longer than NAME_MAX, or -ENOENT
 * for anything else, including every name that is not a valid number.
 * Pure; OUT may not be copied (filter.value points into it). */
int tree_resolve(const char *path, unsigned dirs, struct node *out);

/* True for the kinds that are directories. */
bool tree_is_dir(enum node_kind kind);

/* True when NODE is numbers/ or a file in it: where mv puts a number. */
bool tree_in_numbers(const struct node *node);

/* Inode numbers (the mount sets use_ino), the same at every mount.  A held
 * number's is its digits read as an integer (below 10^15), whichever of
 * numbers/, pending-release/, releasing/, unassigned/, by-trunk/T/ and by-country/CC/
 * lists it: one file under several names.  by-account/ID/N is kept apart
 * (a kind above the digits), because a rename from there into numbers/
 * moves the number between accounts, and mv refuses to rename a file onto
 * another name of itself.  health/N and inventory/CC/N are other files:
 * they too put a kind above the digits.  .status is 2, .metrics 3.  A directory's is
 * an FNV-1a hash of its path with the top bit set; the root's is 1. */
#define TREE_ROOT_INO 1
#define TREE_STATUS_INO 2
#define TREE_METRICS_INO 3

/* The inode number of the file NODE names (not a directory). */
uint64_t tree_file_ino(const struct node *node);

/* The inode number of the directory at PATH (its first LEN bytes): "/" or
 * an empty one is the root.  NAME, when not NULL, names an entry of it
 * instead (readdir of a directory of directories). */
uint64_t tree_dir_ino(const char *path, size_t len, const char *name);

#endif
