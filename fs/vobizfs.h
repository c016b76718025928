/* vobizfs.h — the state one mount shares between its FUSE threads: the core
 * objects, created before mounting and read-only afterwards. */
#ifndef VOBIZFS_FS_H
#define VOBIZFS_FS_H

#include "config.h"

#include <stdatomic.h>
#include <sys/types.h>
#include <time.h>

struct accounts;
struct api;
struct audit;
struct catalog;
struct gate;
struct grace;
struct health;
struct inventory;
struct purchaser;
struct releaser;
struct router;
struct store;

struct vobizfs {
	struct config cfg;
	struct api *api;
	struct catalog *catalog;
	struct audit *audit;
	struct store *store; /* [release] state_dir/vobizfs.db */
	struct releaser *releaser;
	struct grace *grace; /* [release] grace, or NULL when 0 */
	struct router *router;
	struct gate *gate; /* admits operations that may wait on the network */
	struct inventory *inventory;
	struct purchaser *purchaser;
	struct health *health;     /* health/: answers kept [health] ttl */
	struct accounts *accounts; /* by-account/: moves between accounts */
	time_t mounted_at;
	uid_t uid; /* owner of every file: the mounting user */
	gid_t gid;
	atomic_bool hup_pending; /* set by SIGHUP: drop the cache at the next request */
};

/* The table of operations (ops.c). */
extern const struct fuse_operations vobizfs_ops;

#endif
