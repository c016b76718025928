/* tree.h — the mounted tree (DESIGN §1): which node a path names.  Names
 * are validated here, so no invalid number ever reaches the core. */
#ifndef VOBIZFS_TREE_H
#define VOBIZFS_TREE_H

#include "e164.h"

#include <stdbool.h>

enum node_kind {
	NODE_ROOT,
	NODE_NUMBERS_DIR, /* numbers/ */
	NODE_NUMBER,      /* numbers/N */
	NODE_PENDING_DIR, /* pending-release/ (current dialect only) */
	NODE_PENDING,     /* pending-release/N */
	NODE_STATUS,      /* .status */
};

struct node {
	enum node_kind kind;
	char digits[E164_BUFSIZE]; /* for NODE_NUMBER and NODE_PENDING */
};

#define TREE_NUMBERS "numbers"
#define TREE_PENDING "pending-release"
#define TREE_STATUS ".status"

/* Resolve PATH ("/numbers/919876543210"; "+919876543210" is accepted too).
 * WITH_PENDING says whether pending-release/ exists.  Returns 0, or -ENOENT
 * for anything else, including every name that is not a valid number. */
int tree_resolve(const char *path, bool with_pending, struct node *out);

/* True for the kinds that are directories. */
bool tree_is_dir(enum node_kind kind);

#endif
