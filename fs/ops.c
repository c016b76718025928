/* ops.c — the fuse_operations of vobizfs: each one resolves the path to a node
 * and hands the work to the core.  Nothing here talks HTTP or parses JSON. */
#define FUSE_USE_VERSION 314

#include "vobizfs.h"

#include "accounts.h"
#include "audit.h"
#include "caller.h"
#include "catalog.h"
#include "country.h"
#include "clock.h"
#include "errmap.h"
#include "gate.h"
#include "grace.h"
#include "health.h"
#include "number.h"
#include "inventory.h"
#include "metrics.h"
#include "notify.h"
#include "purchase.h"
#include "release.h"
#include "routing.h"
#include "status.h"
#include "store.h"
#include "tree.h"

#include <errno.h>
#include <fcntl.h>
#include <fuse.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <time.h>

/* A directory as it was when opened, so readdir can hand out stable offsets:
 * either numbers (files) or names (subdirectories). */
struct dir_snapshot {
	struct number_info *numbers;
	char **names;
	size_t count;
	bool offers; /* inventory numbers: read-only files */
	bool health; /* health/: the numbers' health files */
	/* Of a directory of numbers: by-account/ID/ has inodes of its own. */
	enum catalog_view view;
};

/* An open file: its content as it was at open(), so reads are consistent. */
struct open_record {
	char *json;
	size_t len;
	struct stat st; /* the file's attributes at open(), for fstat once it is gone */
};

/* The block size statfs reports (the files' st_blksize). */
#define STATFS_BLOCK 4096

static struct vobizfs *vfs(void)
{
	struct vobizfs *fs = fuse_get_context()->private_data;

	/* SIGHUP only sets a flag; the cache is dropped, and the audit log
	 * reopened (logrotate renamed it), here, in a normal thread. */
	if (atomic_exchange(&fs->hup_pending, false)) {
		catalog_invalidate(fs->catalog);
		health_drop(fs->health);
		audit_reopen(fs->audit);
	}
	return fs;
}

static bool with_pending(const struct vobizfs *fs)
{
	return fs->cfg.dialect == API_DIALECT_CURRENT;
}

/* The directories beside numbers/ this mount shows (tree.h). */
static unsigned tree_dirs(const struct vobizfs *fs)
{
	return (with_pending(fs) ? TREE_WITH_PENDING : 0) | (fs->grace ? TREE_WITH_RELEASING : 0);
}

static int resolve(struct vobizfs *fs, const char *path, struct node *node)
{
	return tree_resolve(path, tree_dirs(fs), node);
}

static int64_t op_deadline(const struct vobizfs *fs)
{
	return clock_deadline_in(fs->cfg.timeout_s);
}

/* Who made this request; what cannot be read is in C->unknown, and the
 * guards refuse on it. */
static void caller_of_request(struct caller *c)
{
	const struct fuse_context *ctx = fuse_get_context();

	caller_read(ctx->pid, ctx->uid, c);
}

/* A refused attempt to put content on the mount (open for writing, create,
 * truncate, write, link, rename): the releaser is told, so the unlink that
 * such a tool tries next (cp -f) is not taken for a removal. */
static int refuse_write(struct vobizfs *fs)
{
	struct caller caller;

	if (fs->cfg.read_only)
		return -EROFS;
	caller_of_request(&caller);
	release_note_refused_write(fs->releaser, &caller);
	return -EPERM;
}

/* A directory is dated by the listing it shows (catalog_changed_at()); the
 * root and inventory/ (whose offers are read per country, on demand) by the
 * mount. */
static time_t dir_time(const struct vobizfs *fs, enum node_kind kind)
{
	time_t at;

	if (kind == NODE_ROOT || kind == NODE_INVENTORY_DIR || kind == NODE_OFFERS_DIR)
		return fs->mounted_at;
	at = catalog_changed_at(fs->catalog);
	return at ? at : fs->mounted_at;
}

/* INO is tree_dir_ino()'s (use_ino): never 0, which would make readdir(3)
 * skip "." and "..", whose attributes readdirplus copies from here. */
static void dir_stat(const struct vobizfs *fs, uint64_t ino, enum node_kind kind, struct stat *st)
{
	*st = (struct stat){
		.st_ino = ino,
		.st_mode = S_IFDIR | (fs->cfg.read_only ? 0555 : 0755),
		.st_nlink = 2,
		.st_uid = fs->uid,
		.st_gid = fs->gid,
	};
	st->st_mtim.tv_sec = st->st_ctim.tv_sec = st->st_atim.tv_sec = dir_time(fs, kind);
}

/* The attributes of the directory PATH, or of its entry NAME when not NULL. */
static void path_dir_stat(const struct vobizfs *fs, const char *path, const char *name, struct stat *st)
{
	char child[512];
	struct node node;

	if (name && snprintf(child, sizeof(child), "%s/%s", strcmp(path, "/") ? path : "", name) < (int)sizeof(child))
		path = child;
	if (tree_resolve(path, tree_dirs(fs), &node))
		node.kind = NODE_LIST_DIR;
	dir_stat(fs, tree_dir_ino(path, strlen(path), NULL), node.kind, st);
}

/* Owner-writable unless read-only: the routing attributes are its only
 * writable part (user.* xattrs need write permission). */
static void number_stat(const struct vobizfs *fs, const struct number_info *info, const struct node *node,
			struct stat *st)
{
	bool offer = node->kind == NODE_OFFER;

	*st = (struct stat){
		.st_ino = tree_file_ino(node),
		.st_mode = S_IFREG | (fs->cfg.read_only || offer ? 0444 : 0644),
		/* One file under every name tree_file_ino() gives it one inode for. */
		.st_nlink = offer || node->filter.view == VIEW_ACCOUNT ? 1 : info->links,
		.st_uid = fs->uid,
		.st_gid = fs->gid,
		.st_size = info->size,
		.st_blocks = (info->size + 511) / 512,
		.st_blksize = 4096,
	};
	st->st_mtim.tv_sec = info->mtime;
	st->st_atim.tv_sec = info->mtime;
	st->st_ctim.tv_sec = info->ctime;
}

static char *render_status(struct vobizfs *fs, size_t *len)
{
	const struct status_sources src = { .cfg = &fs->cfg,
					    .api = fs->api,
					    .catalog = fs->catalog,
					    .releaser = fs->releaser,
					    .gate = fs->gate,
					    .health = fs->health,
					    .accounts = fs->accounts,
					    .grace = fs->grace,
					    .store = fs->store,
					    .mounted_at = fs->mounted_at };

	return status_render(&src, len);
}

static char *render_metrics(struct vobizfs *fs, size_t *len)
{
	struct metrics_snapshot snap;

	metrics_collect(fs->api, fs->catalog, fs->releaser, &snap);
	if (fs->grace) { /* the queue's figures, and its budget: the store's */
		struct store_usage usage;

		snap.has_grace = true;
		grace_stats(fs->grace, &snap.grace);
		store_usage(fs->store, &usage);
		snap.budget_known = true;
		snap.budget_used = usage.used;
		snap.budget_limit = usage.limit;
	}
	return metrics_render(&snap, len);
}

/* .status or .metrics (KIND): a document rendered from memory. */
static int status_stat(struct vobizfs *fs, enum node_kind kind, struct stat *st)
{
	size_t len;
	char *doc = kind == NODE_METRICS ? render_metrics(fs, &len) : render_status(fs, &len);

	if (!doc)
		return -ENOMEM;
	free(doc);
	*st = (struct stat){
		.st_ino = kind == NODE_METRICS ? TREE_METRICS_INO : TREE_STATUS_INO,
		.st_mode = S_IFREG | 0444,
		.st_nlink = 1,
		.st_uid = fs->uid,
		.st_gid = fs->gid,
		.st_size = (off_t)len,
	};
	st->st_mtim.tv_sec = st->st_ctim.tv_sec = st->st_atim.tv_sec = time(NULL);
	return 0;
}

/* health/N: read-only; its size is the answer's when one is kept, else 0
 * (opened with direct I/O, so a reader gets the whole answer whatever
 * size stat reported); its times, when the answer kept arrived. */
static void health_stat(const struct vobizfs *fs, const char *digits, struct stat *st)
{
	struct node node = { .kind = NODE_HEALTH };
	time_t fetched = 0;
	size_t len = 0;

	snprintf(node.digits, sizeof(node.digits), "%s", digits);
	health_peek(fs->health, digits, &len, &fetched);
	/* None kept: dated by the listing that lists the number, as its
	 * directory is, not 1970 (a backup would store that date). */
	if (!fetched)
		fetched = catalog_changed_at(fs->catalog);
	*st = (struct stat){
		.st_ino = tree_file_ino(&node),
		.st_mode = S_IFREG | 0444,
		.st_nlink = 1,
		.st_uid = fs->uid,
		.st_gid = fs->gid,
		.st_size = (off_t)len,
		.st_blocks = (blkcnt_t)((len + 511) / 512),
		.st_blksize = 4096,
	};
	st->st_mtim.tv_sec = st->st_ctim.tv_sec = st->st_atim.tv_sec = fetched;
}

/* An operation that may wait on the network holds a place in the gate while
 * it does, so those answered from memory always find a worker (gate.h). */
static int enter_network(struct vobizfs *fs)
{
	return gate_enter(fs->gate, fuse_get_context()->uid);
}

static void leave_network(struct vobizfs *fs)
{
	gate_leave(fs->gate, fuse_get_context()->uid);
}

/* CAT, fit to answer from: at once when it is fresh or may be refreshed in
 * the background; through the gate when a fresh read must be waited for. */
static int refresh(struct vobizfs *fs, struct catalog *cat)
{
	int ret = catalog_refresh_if_stale(cat, false);

	if (ret != -EAGAIN)
		return ret;
	if ((ret = enter_network(fs)))
		return ret;
	ret = catalog_refresh_if_stale(cat, true);
	leave_network(fs);
	return ret;
}

/* The inventory catalog of an inventory node, loaded on first sight: a
 * country can be looked at without listing inventory/ first. */
static int offers_of(struct vobizfs *fs, const struct node *node, struct catalog **offers)
{
	*offers = inventory_country(fs->inventory, node->value);
	if (!*offers)
		return country_code_assigned(node->value) ? -ENOMEM : -ENOENT;
	return catalog_loaded(*offers) ? 0 : refresh(fs, *offers);
}

static const struct catalog_filter offered = { .status = NUMBER_ACTIVE, .view = VIEW_ALL };

/* The catalog and filter that hold the file NODE names. */
static int source_of(struct vobizfs *fs, const struct node *node, struct catalog **cat,
		     const struct catalog_filter **filter)
{
	if (node->kind == NODE_OFFER) {
		*filter = &offered;
		return offers_of(fs, node, cat);
	}
	*cat = fs->catalog;
	*filter = &node->filter;
	return 0;
}

static int path_stat(struct vobizfs *fs, const char *path, struct stat *st)
{
	const struct catalog_filter *filter;
	struct number_info info;
	struct catalog *cat;
	struct node node;
	int ret;

	if ((ret = resolve(fs, path, &node)))
		return ret;
	if (tree_is_dir(node.kind)) {
		dir_stat(fs, tree_dir_ino(path, strlen(path), NULL), node.kind, st);
		return 0;
	}
	if (node.kind == NODE_STATUS || node.kind == NODE_METRICS)
		return status_stat(fs, node.kind, st);
	if ((ret = source_of(fs, &node, &cat, &filter)) || (ret = catalog_find(cat, node.digits, filter, &info)))
		return ret;
	if (node.kind == NODE_HEALTH)
		health_stat(fs, node.digits, st);
	else
		number_stat(fs, &info, &node, st);
	return 0;
}

static int vfs_getattr(const char *path, struct stat *st, struct fuse_file_info *fi)
{
	struct vobizfs *fs = vfs();
	const struct open_record *rec;
	struct node node;
	int ret = path ? path_stat(fs, path, st) : -ENOENT;

	/* An open file whose number left (released, also through another path:
	 * notify.c made the kernel ask again; PATH is NULL once this very name
	 * was removed): its reader still reads the record copied at open(), and
	 * fstat answers from that copy, with no link left. */
	if (ret != -ENOENT || !fi || !fi->fh || (path && (resolve(fs, path, &node) || tree_is_dir(node.kind))))
		return ret;
	rec = (const struct open_record *)(uintptr_t)fi->fh;
	*st = rec->st;
	st->st_nlink = 0;
	return 0;
}

/* inventory/ shows the countries of the account's numbers and every
 * country looked at so far. */
static int inventory_names(struct vobizfs *fs, char ***names)
{
	char **held, **seen;
	size_t n = 0;
	int ret;

	if ((ret = catalog_groups(fs->catalog, VIEW_COUNTRY, &held)))
		return ret;
	if ((ret = inventory_countries(fs->inventory, &seen))) {
		catalog_free_names(held);
		return ret;
	}
	while (held[n])
		n++;
	for (size_t i = 0; seen[i]; i++) {
		bool dup = false;
		char **grown;

		for (size_t j = 0; j < n && !dup; j++)
			dup = !strcmp(held[j], seen[i]);
		if (dup)
			continue;
		grown = realloc(held, (n + 2) * sizeof(*held));
		if (grown)
			held = grown;
		if (!grown || !(held[n] = strdup(seen[i]))) {
			ret = -ENOMEM;
			break;
		}
		held[++n] = NULL;
	}
	catalog_free_names(seen);
	if (ret) {
		catalog_free_names(held);
		return ret;
	}
	*names = held;
	return 0;
}

static int snapshot(struct vobizfs *fs, const struct node *node, struct dir_snapshot *dir)
{
	const struct catalog_filter *filter;
	struct catalog *cat;
	int ret;

	switch (node->kind) {
	case NODE_GROUPS_DIR:
		if ((ret = refresh(fs, fs->catalog)))
			return ret;
		return catalog_groups(fs->catalog, node->filter.view, &dir->names);
	case NODE_INVENTORY_DIR:
		return inventory_names(fs, &dir->names);
	case NODE_HEALTH_DIR:
		dir->health = true;
		if ((ret = refresh(fs, fs->catalog)))
			return ret;
		cat = fs->catalog;
		filter = &node->filter;
		break;
	case NODE_OFFERS_DIR:
		if ((ret = offers_of(fs, node, &cat)) || (ret = refresh(fs, cat)))
			return ret;
		filter = &offered;
		dir->offers = true;
		break;
	default:
		if ((ret = refresh(fs, fs->catalog)))
			return ret;
		cat = fs->catalog;
		filter = &node->filter;
	}
	return catalog_list(cat, filter, &dir->numbers, &dir->count);
}

static int vfs_opendir(const char *path, struct fuse_file_info *fi)
{
	struct vobizfs *fs = vfs();
	struct dir_snapshot *dir;
	struct node node;
	int ret;

	if ((ret = resolve(fs, path, &node)))
		return ret;
	if (!tree_is_dir(node.kind))
		return -ENOTDIR;
	dir = calloc(1, sizeof(*dir));
	if (!dir)
		return -ENOMEM;
	dir->view = node.filter.view;
	if (node.kind != NODE_ROOT && (ret = snapshot(fs, &node, dir))) {
		free(dir);
		return ret;
	}
	if (dir->names)
		while (dir->names[dir->count])
			dir->count++;
	fi->fh = (uintptr_t)dir;
	return 0;
}

/* The root's entries, in readdir order. */
static size_t root_entries(const struct vobizfs *fs, const char **names)
{
	static const char *const fixed[] = { TREE_STATUS,     TREE_METRICS,  TREE_NUMBERS,
					     TREE_UNASSIGNED, TREE_BY_TRUNK, TREE_BY_COUNTRY,
					     TREE_BY_ACCOUNT, TREE_HEALTH,   TREE_INVENTORY };
	size_t n = 0;

	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
		names[n++] = fixed[i];
		if (!strcmp(fixed[i], TREE_NUMBERS) && with_pending(fs))
			names[n++] = TREE_PENDING;
		if (!strcmp(fixed[i], TREE_NUMBERS) && fs->grace)
			names[n++] = TREE_RELEASING;
	}
	return n;
}

/* Offsets are positions in the snapshot plus one, so a readdir resumed at any
 * offset continues exactly; with FUSE_FILL_DIR_PLUS the attributes travel with
 * the names and `ls -l` needs no lookup per file. */
static int vfs_readdir(const char *path, void *buf, fuse_fill_dir_t fill, off_t offset, struct fuse_file_info *fi,
		       enum fuse_readdir_flags flags)
{
	struct vobizfs *fs = vfs();
	struct dir_snapshot *dir = (struct dir_snapshot *)(uintptr_t)fi->fh;
	enum fuse_fill_dir_flags plus = flags & FUSE_READDIR_PLUS ? FUSE_FILL_DIR_PLUS : 0;
	const char *root[12];
	bool is_root = !dir->numbers && !dir->names;
	size_t count = is_root ? root_entries(fs, root) : dir->count;
	struct node file = { .kind = dir->offers ? NODE_OFFER : NODE_NUMBER, .filter.view = dir->view };
	struct stat st;

	if (!path) /* only with nullpath_ok, which is not set */
		return -EIO;
	for (size_t i = (size_t)offset; i < count + 2; i++) {
		const char *name;

		if (i < 2) {
			name = i ? ".." : ".";
			path_dir_stat(fs, path, NULL, &st);
			if (i)
				st.st_ino = tree_dir_ino(path, strrchr(path, '/') - path, NULL);
		} else if (dir->numbers) {
			name = dir->numbers[i - 2].digits;
			memcpy(file.digits, name, sizeof(file.digits));
			if (dir->health)
				health_stat(fs, name, &st);
			else
				number_stat(fs, &dir->numbers[i - 2], &file, &st);
		} else {
			name = is_root ? root[i - 2] : dir->names[i - 2];
			if (is_root && !strcmp(name, TREE_STATUS))
				status_stat(fs, NODE_STATUS, &st);
			else if (is_root && !strcmp(name, TREE_METRICS))
				status_stat(fs, NODE_METRICS, &st);
			else
				path_dir_stat(fs, path, name, &st);
		}
		if (fill(buf, name, &st, (off_t)i + 1, plus))
			break;
	}
	return 0;
}

static int vfs_releasedir(const char *path, struct fuse_file_info *fi)
{
	struct dir_snapshot *dir = (struct dir_snapshot *)(uintptr_t)fi->fh;

	(void)path;
	if (dir) {
		free(dir->numbers);
		catalog_free_names(dir->names);
		free(dir);
	}
	return 0;
}

/* A copy of the record of the file NODE names. */
static int node_record(struct vobizfs *fs, const struct node *node, char **json, size_t *len)
{
	const struct catalog_filter *filter;
	struct number_info info;
	struct catalog *cat;
	int ret;

	if ((ret = source_of(fs, node, &cat, &filter)) || (ret = catalog_find(cat, node->digits, filter, &info)))
		return ret;
	return catalog_record(cat, node->digits, json, len);
}

/* The health answer of the number NODE names: from memory when one is
 * kept, else from the API, through the gate. */
static int health_of(struct vobizfs *fs, const struct node *node, char **json, size_t *len)
{
	struct number_info info;
	int ret;

	if ((ret = catalog_find(fs->catalog, node->digits, &node->filter, &info)))
		return ret;
	if (health_cached(fs->health, node->digits, json, len) == 0)
		return 0;
	if ((ret = enter_network(fs)))
		return ret;
	ret = health_read(fs->health, node->digits, op_deadline(fs), json, len);
	leave_network(fs);
	return ret;
}

static int vfs_open(const char *path, struct fuse_file_info *fi)
{
	struct vobizfs *fs = vfs();
	struct open_record *rec;
	struct node node;
	int ret;

	if ((ret = resolve(fs, path, &node)))
		return ret;
	if (tree_is_dir(node.kind))
		return -EISDIR;
	if ((fi->flags & O_ACCMODE) != O_RDONLY || (fi->flags & O_TRUNC))
		return refuse_write(fs);
	rec = calloc(1, sizeof(*rec));
	if (!rec)
		return -ENOMEM;
	if (node.kind == NODE_STATUS) {
		/* Its size changes with every request: read it to the end, not to st_size. */
		fi->direct_io = 1;
		rec->json = render_status(fs, &rec->len);
		ret = rec->json ? 0 : -ENOMEM;
	} else if (node.kind == NODE_METRICS) {
		fi->direct_io = 1; /* as .status */
		rec->json = render_metrics(fs, &rec->len);
		ret = rec->json ? 0 : -ENOMEM;
	} else if (node.kind == NODE_HEALTH) {
		/* Its size is not known before the answer: read it to the end. */
		fi->direct_io = 1;
		ret = health_of(fs, &node, &rec->json, &rec->len);
	} else {
		ret = node_record(fs, &node, &rec->json, &rec->len);
	}
	if (!ret && path_stat(fs, path, &rec->st))
		rec->st = (struct stat){ .st_mode = S_IFREG | 0444, .st_uid = fs->uid, .st_gid = fs->gid };
	if (ret) {
		free(rec);
		return ret;
	}
	rec->st.st_size = (off_t)rec->len;
	fi->fh = (uintptr_t)rec;
	return 0;
}

static int vfs_read(const char *path, char *buf, size_t size, off_t offset, struct fuse_file_info *fi)
{
	const struct open_record *rec = (const struct open_record *)(uintptr_t)fi->fh;

	(void)path;
	if (offset < 0)
		return -EINVAL;
	if ((size_t)offset >= rec->len)
		return 0;
	if (size > rec->len - (size_t)offset)
		size = rec->len - (size_t)offset;
	memcpy(buf, rec->json + offset, size);
	return (int)size;
}

static int vfs_release(const char *path, struct fuse_file_info *fi)
{
	struct open_record *rec = (struct open_record *)(uintptr_t)fi->fh;

	(void)path;
	if (rec) {
		free(rec->json);
		free(rec);
	}
	return 0;
}

/* rm of a held number, in numbers/ or in any view, releases it; with a
 * grace, queues its release in releasing/ (where rm is refused: the grace
 * is never cut short). */
static int vfs_unlink(const char *path)
{
	struct vobizfs *fs = vfs();
	struct caller caller;
	struct node node;
	int ret;

	if ((ret = resolve(fs, path, &node)))
		return ret;
	if (node.kind != NODE_NUMBER || node.filter.status != NUMBER_ACTIVE)
		return fs->cfg.read_only ? -EROFS : -EPERM;
	caller_of_request(&caller);
	if ((ret = enter_network(fs)))
		return ret;
	/* Every other path of the number is invalidated before rm returns. */
	notifier_unlink_begin(path);
	if (fs->grace)
		ret = grace_queue(fs->grace, node.digits, &caller, op_deadline(fs));
	else
		ret = release_number(fs->releaser, node.digits, &caller, op_deadline(fs));
	leave_network(fs);
	notifier_unlink_end(ret);
	return ret;
}

/* The account a rename of a held number gives it to: into by-account/ID/,
 * ID; out of by-account/ into numbers/, the main account.  NULL when the
 * rename is no such move. */
static const char *account_target(const struct vobizfs *fs, const struct node *src, const struct node *dst)
{
	if (src->kind != NODE_NUMBER || src->filter.status != NUMBER_ACTIVE || dst->kind != NODE_NUMBER ||
	    dst->filter.status != NUMBER_ACTIVE || strcmp(src->digits, dst->digits))
		return NULL;
	if (dst->filter.view == VIEW_ACCOUNT)
		return dst->filter.value;
	if (src->filter.view == VIEW_ACCOUNT && tree_in_numbers(dst))
		return fs->cfg.auth_id;
	return NULL;
}

/* An account that can hold no number is refused before any request, with
 * EINVAL as it is: GNU mv retries that as a plain rename(), which is refused
 * the same way and sends nothing either.  The API's outcomes go through
 * errmap_for_rename(). */
static int move_to_account(struct vobizfs *fs, const char *digits, const char *account)
{
	struct caller caller;
	int ret;

	if ((ret = accounts_check_target(fs->accounts, account)))
		return ret;
	caller_of_request(&caller);
	if ((ret = enter_network(fs)))
		return ret;
	ret = accounts_move(fs->accounts, digits, account, &caller, op_deadline(fs));
	leave_network(fs);
	return errmap_for_rename(ret);
}

/* The renames the API can express: into numbers/ under the same name, from
 * pending-release/ cancels a release, from inventory/CC/ rents (and from
 * releasing/ cancels a queued release, with no request); into
 * by-account/ID/ (or from there into numbers/) moves a number between the
 * main account and its sub-accounts. */
static int vfs_rename(const char *from, const char *to, unsigned int flags)
{
	struct vobizfs *fs = vfs();
	struct node src, dst;
	struct caller caller;
	struct catalog *offers;
	const char *account;
	int ret;

	if (resolve(fs, from, &src) || resolve(fs, to, &dst) || (flags & ~RENAME_NOREPLACE))
		return refuse_write(fs);
	if ((account = account_target(fs, &src, &dst)))
		return move_to_account(fs, src.digits, account);
	if (dst.kind != NODE_NUMBER || !tree_in_numbers(&dst) || strcmp(src.digits, dst.digits))
		return refuse_write(fs);
	caller_of_request(&caller);
	if (src.kind == NODE_NUMBER && src.filter.status == NUMBER_RELEASING && fs->grace)
		return grace_cancel(fs->grace, src.digits, &caller, op_deadline(fs));
	if (src.kind != NODE_OFFER && !(src.kind == NODE_NUMBER && src.filter.status == NUMBER_PENDING_RELEASE))
		return refuse_write(fs);
	if ((ret = enter_network(fs)))
		return ret;
	if (src.kind == NODE_NUMBER)
		ret = release_cancel(fs->releaser, src.digits, &caller, op_deadline(fs));
	else if ((ret = offers_of(fs, &src, &offers)) == 0)
		ret = purchase_number(fs->purchaser, offers, src.digits, &caller, op_deadline(fs));
	leave_network(fs);
	return errmap_for_rename(ret);
}

/* touch on a directory drops the cache: the next ls reads the account again. */
static int vfs_utimens(const char *path, const struct timespec tv[2], struct fuse_file_info *fi)
{
	struct vobizfs *fs = vfs();
	struct node node;
	int ret;

	(void)tv;
	(void)fi;
	if ((ret = resolve(fs, path, &node)))
		return ret;
	if (!tree_is_dir(node.kind))
		return -EPERM;
	catalog_invalidate(fs->catalog);
	health_drop(fs->health);
	return 0;
}

static int vfs_getxattr(const char *path, const char *name, char *value, size_t size)
{
	struct vobizfs *fs = vfs();
	struct node node;
	char *json;
	size_t len;
	int ret;

	if ((ret = resolve(fs, path, &node)))
		return ret;
	if (node.kind != NODE_NUMBER && node.kind != NODE_OFFER)
		return -ENODATA;
	if ((ret = node_record(fs, &node, &json, &len)))
		return ret;
	ret = (int)number_xattr_get(json, name, value, size);
	free(json);
	if (ret == -ENODATA && node.kind == NODE_NUMBER && node.filter.status == NUMBER_RELEASING)
		ret = (int)grace_xattr_get(fs->grace, node.digits, name, value, size);
	return ret;
}

static int vfs_listxattr(const char *path, char *list, size_t size)
{
	struct vobizfs *fs = vfs();
	struct node node;
	char *json;
	size_t len;
	int ret;

	if ((ret = resolve(fs, path, &node)))
		return ret;
	if (node.kind != NODE_NUMBER && node.kind != NODE_OFFER)
		return 0;
	if ((ret = node_record(fs, &node, &json, &len)))
		return ret;
	ret = (int)number_xattr_list(json, list, size);
	free(json);
	if (ret >= 0 && node.kind == NODE_NUMBER && node.filter.status == NUMBER_RELEASING) {
		ssize_t more =
		    grace_xattr_list(fs->grace, node.digits, size ? list + ret : NULL, size ? size - (size_t)ret : 0);

		ret = more < 0 ? (int)more : ret + (int)more;
	}
	return ret;
}

/* The route an xattr name controls; false for every other name. */
static bool route_attribute(const char *name, enum route_kind *kind)
{
	if (!strcmp(name, "user.vobiz.trunk_group_id"))
		*kind = ROUTE_TRUNK;
	else if (!strcmp(name, "user.vobiz.application_id"))
		*kind = ROUTE_APPLICATION;
	else
		return false;
	return true;
}

/* setfattr -n user.vobiz.trunk_group_id / application_id routes a number;
 * every other attribute is read-only. */
static int vfs_setxattr(const char *path, const char *name, const char *value, size_t size, int flags)
{
	struct vobizfs *fs = vfs();
	char id[ROUTE_ID_MAX + 1];
	enum route_kind kind;
	struct caller caller;
	struct node node;
	int ret;

	(void)flags;
	if ((ret = resolve(fs, path, &node)))
		return ret;
	if (node.kind != NODE_NUMBER || node.filter.status != NUMBER_ACTIVE || !route_attribute(name, &kind))
		return fs->cfg.read_only ? -EROFS : -EPERM;
	/* A C caller may pass strlen() + 1 bytes: one final NUL ends the value.
	 * Any other NUL would cut it short (app_1\0xxx sent as app_1): EINVAL. */
	if (size > 0 && value[size - 1] == '\0')
		size--;
	if (size == 0 || size > ROUTE_ID_MAX || memchr(value, '\0', size))
		return -EINVAL;
	memcpy(id, value, size);
	id[size] = '\0';
	caller_of_request(&caller);
	if ((ret = enter_network(fs)))
		return ret;
	ret = routing_set(fs->router, node.digits, kind, id, &caller, op_deadline(fs));
	leave_network(fs);
	return ret;
}

static int vfs_removexattr(const char *path, const char *name)
{
	struct vobizfs *fs = vfs();
	enum route_kind kind;
	struct caller caller;
	struct node node;
	int ret;

	if ((ret = resolve(fs, path, &node)))
		return ret;
	if (node.kind != NODE_NUMBER || node.filter.status != NUMBER_ACTIVE || !route_attribute(name, &kind))
		return fs->cfg.read_only ? -EROFS : -EPERM;
	caller_of_request(&caller);
	if ((ret = enter_network(fs)))
		return ret;
	ret = routing_set(fs->router, node.digits, kind, NULL, &caller, op_deadline(fs));
	leave_network(fs);
	return ret;
}

/* df and df -i, from memory: the records held (the sum of their sizes) in
 * 4 KiB blocks, at least one so that df lists an empty account, all of them
 * used; the numbers held (pending releases too) as inodes, all used, none
 * free: a file appears only through the API (mv from inventory/). */
static int vfs_statfs(const char *path, struct statvfs *sv)
{
	struct vobizfs *fs = vfs();
	uint64_t bytes = catalog_bytes(fs->catalog);
	size_t held;
	long age;

	(void)path;
	catalog_stats(fs->catalog, &age, &held, NULL);
	*sv = (struct statvfs){
		.f_bsize = STATFS_BLOCK,
		.f_frsize = STATFS_BLOCK,
		.f_blocks = bytes ? (bytes + STATFS_BLOCK - 1) / STATFS_BLOCK : 1,
		.f_files = held,
		.f_namemax = 255,
	};
	return 0;
}

/* Everything the API cannot express. */
static int refuse(void)
{
	return vfs()->cfg.read_only ? -EROFS : -EPERM;
}

static int vfs_mknod(const char *path, mode_t mode, dev_t dev)
{
	(void)path, (void)mode, (void)dev;
	return refuse_write(vfs());
}

static int vfs_mkdir(const char *path, mode_t mode)
{
	(void)path, (void)mode;
	return refuse();
}

static int vfs_rmdir(const char *path)
{
	(void)path;
	return refuse();
}

static int vfs_create(const char *path, mode_t mode, struct fuse_file_info *fi)
{
	(void)path, (void)mode, (void)fi;
	return refuse_write(vfs());
}

static int vfs_symlink(const char *target, const char *path)
{
	(void)target, (void)path;
	return refuse_write(vfs());
}

static int vfs_link(const char *from, const char *to)
{
	(void)from, (void)to;
	return refuse_write(vfs());
}

static int vfs_chmod(const char *path, mode_t mode, struct fuse_file_info *fi)
{
	(void)path, (void)mode, (void)fi;
	return refuse();
}

static int vfs_chown(const char *path, uid_t uid, gid_t gid, struct fuse_file_info *fi)
{
	(void)path, (void)uid, (void)gid, (void)fi;
	return refuse();
}

static int vfs_truncate(const char *path, off_t size, struct fuse_file_info *fi)
{
	(void)path, (void)size, (void)fi;
	return refuse_write(vfs());
}

static int vfs_write(const char *path, const char *buf, size_t size, off_t off, struct fuse_file_info *fi)
{
	(void)path, (void)buf, (void)size, (void)off, (void)fi;
	return refuse_write(vfs());
}

static void *vfs_init(struct fuse_conn_info *conn, struct fuse_config *cfg)
{
	(void)conn;
	/* Short kernel caches: the catalog is the cache, and its TTL and refresh
	 * (touch, SIGHUP) must show through within a second. */
	cfg->entry_timeout = 1.0;
	cfg->attr_timeout = 1.0;
	cfg->negative_timeout = 0;
	/* st_ino is tree_file_ino()'s: one number, one inode, whichever
	 * directory it is reached through (find -samefile, du, tar, rsync -H). */
	cfg->use_ino = 1;
	/* An open number is still released by rm (not renamed to .fuse_hidden*,
	 * which the API cannot express): readers keep the record copied at open. */
	cfg->hard_remove = 1;
	return fuse_get_context()->private_data;
}

const struct fuse_operations vobizfs_ops = {
	.init = vfs_init,
	.getattr = vfs_getattr,
	.opendir = vfs_opendir,
	.readdir = vfs_readdir,
	.releasedir = vfs_releasedir,
	.open = vfs_open,
	.read = vfs_read,
	.release = vfs_release,
	.unlink = vfs_unlink,
	.rename = vfs_rename,
	.utimens = vfs_utimens,
	.statfs = vfs_statfs,
	.getxattr = vfs_getxattr,
	.listxattr = vfs_listxattr,
	.mknod = vfs_mknod,
	.mkdir = vfs_mkdir,
	.rmdir = vfs_rmdir,
	.create = vfs_create,
	.symlink = vfs_symlink,
	.link = vfs_link,
	.chmod = vfs_chmod,
	.chown = vfs_chown,
	.truncate = vfs_truncate,
	.write = vfs_write,
	.setxattr = vfs_setxattr,
	.removexattr = vfs_removexattr,
};
