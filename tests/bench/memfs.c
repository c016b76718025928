/* memfs.c — the benchmark's floor: the least a libfuse 3.14 high-level
 * filesystem can do to serve `ls -l` of N names (read from a file into an
 * array), with real readdir offsets and FUSE_FILL_DIR_PLUS.  It mirrors
 * vobizfs's tree (numbers/NAME) and its kernel cache settings, so the two
 * differ only in what each request costs in the daemon. */
#define FUSE_USE_VERSION 314

#include <errno.h>
#include <fcntl.h>
#include <fuse.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DIR_NAME "numbers"

struct options {
	char *names;   /* file of names, one a line (fuse_opt allocates it) */
	unsigned size; /* st_size of every file */
	int no_xattr;  /* leave getxattr unimplemented (the kernel stops asking) */
};

static struct options opt = { .size = 800 };
static char **names; /* sorted, so lookups bisect */
static size_t count;
static time_t mount_time;

static const struct fuse_opt option_spec[] = {
	{ "--names=%s", offsetof(struct options, names), 0 },
	{ "--size=%u", offsetof(struct options, size), 0 },
	{ "--no-xattr", offsetof(struct options, no_xattr), 1 },
	FUSE_OPT_END,
};

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Reads the names into a sorted array.  Returns 0 or -1 with a message. */
static int load_names(const char *path)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0, room = 0;
	ssize_t len;
	int ret = 0;

	if (!f) {
		perror(path);
		return -1;
	}
	while ((len = getline(&line, &cap, f)) > 0) {
		line[strcspn(line, "\n")] = '\0';
		if (!*line)
			continue;
		if (count == room) {
			char **grown = realloc(names, (room = room ? room * 2 : 1024) * sizeof(*grown));

			if (!grown) {
				ret = -1;
				break;
			}
			names = grown;
		}
		if (!(names[count] = strdup(line))) {
			ret = -1;
			break;
		}
		count++;
	}
	free(line);
	fclose(f);
	if (ret)
		fprintf(stderr, "memfs: out of memory reading %s\n", path);
	else
		qsort(names, count, sizeof(*names), compare_names);
	return ret;
}

static void dir_stat(struct stat *st)
{
	*st = (struct stat){ .st_mode = S_IFDIR | 0755, .st_nlink = 2, .st_uid = getuid(), .st_gid = getgid() };
}

static void file_stat(struct stat *st)
{
	*st = (struct stat){
		.st_mode = S_IFREG | 0444,
		.st_nlink = 1,
		.st_uid = getuid(),
		.st_gid = getgid(),
		.st_size = opt.size,
		.st_blocks = (opt.size + 511) / 512,
		.st_blksize = 4096,
	};
	st->st_mtim.tv_sec = st->st_atim.tv_sec = st->st_ctim.tv_sec = mount_time;
}

/* 0: the root, 1: numbers/, 2: a listed name; -ENOENT otherwise. */
static int classify(const char *path)
{
	const char *name;

	if (!strcmp(path, "/"))
		return 0;
	if (!strcmp(path, "/" DIR_NAME))
		return 1;
	if (strncmp(path, "/" DIR_NAME "/", sizeof(DIR_NAME) + 1))
		return -ENOENT;
	name = path + sizeof(DIR_NAME) + 1;
	return bsearch(&name, names, count, sizeof(*names), compare_names) ? 2 : -ENOENT;
}

static int memfs_getattr(const char *path, struct stat *st, struct fuse_file_info *fi)
{
	int kind = classify(path);

	(void)fi;
	if (kind < 0)
		return kind;
	if (kind == 2)
		file_stat(st);
	else
		dir_stat(st);
	return 0;
}

static int memfs_readdir(const char *path, void *buf, fuse_fill_dir_t fill, off_t offset, struct fuse_file_info *fi,
			 enum fuse_readdir_flags flags)
{
	enum fuse_fill_dir_flags plus = (flags & FUSE_READDIR_PLUS) ? FUSE_FILL_DIR_PLUS : 0;
	int kind = classify(path);
	struct stat st;

	(void)fi;
	if (kind < 0)
		return kind;
	if (kind == 2)
		return -ENOTDIR;
	/* Offsets are positions plus one: ".", "..", then the entries. */
	size_t entries = kind == 0 ? 1 : count;

	for (size_t i = (size_t)offset; i < entries + 2; i++) {
		const char *name = i == 0 ? "." : i == 1 ? ".." : kind == 0 ? DIR_NAME : names[i - 2];

		if (i < 2 || kind == 0)
			dir_stat(&st);
		else
			file_stat(&st);
		if (fill(buf, name, &st, (off_t)i + 1, plus))
			break;
	}
	return 0;
}

static int memfs_open(const char *path, struct fuse_file_info *fi)
{
	int kind = classify(path);

	if (kind < 0)
		return kind;
	if (kind != 2)
		return -EISDIR;
	return (fi->flags & O_ACCMODE) == O_RDONLY ? 0 : -EACCES;
}

static int memfs_read(const char *path, char *buf, size_t size, off_t offset, struct fuse_file_info *fi)
{
	(void)path;
	(void)fi;
	if (offset >= (off_t)opt.size)
		return 0;
	if (size > opt.size - (size_t)offset)
		size = opt.size - (size_t)offset;
	memset(buf, 'x', size);
	return (int)size;
}

/* A filesystem with extended attributes answers every name it lacks. */
static int memfs_getxattr(const char *path, const char *name, char *value, size_t size)
{
	(void)name, (void)value, (void)size;
	return classify(path) < 0 ? -ENOENT : -ENODATA;
}

static int memfs_listxattr(const char *path, char *list, size_t size)
{
	(void)list, (void)size;
	return classify(path) < 0 ? -ENOENT : 0;
}

static void *memfs_init(struct fuse_conn_info *conn, struct fuse_config *cfg)
{
	(void)conn;
	/* vobizfs's settings: the comparison is about the daemon, not caching. */
	cfg->entry_timeout = 1.0;
	cfg->attr_timeout = 1.0;
	cfg->negative_timeout = 0;
	cfg->use_ino = 0;
	return NULL;
}

static struct fuse_operations memfs_ops = {
	.init = memfs_init,
	.getattr = memfs_getattr,
	.readdir = memfs_readdir,
	.open = memfs_open,
	.read = memfs_read,
	.getxattr = memfs_getxattr,
	.listxattr = memfs_listxattr,
};

int main(int argc, char *argv[])
{
	struct fuse_args args = FUSE_ARGS_INIT(argc, argv);
	int ret = 1;

	if (fuse_opt_parse(&args, &opt, option_spec, NULL) < 0)
		goto out;
	if (!opt.names) {
		fprintf(stderr, "usage: memfs MOUNTPOINT --names=FILE [--size=BYTES] [--no-xattr] [FUSE options]\n");
		goto out;
	}
	if (load_names(opt.names) < 0)
		goto out;
	if (opt.no_xattr)
		memfs_ops.getxattr = NULL, memfs_ops.listxattr = NULL;
	mount_time = time(NULL);
	/* As vobizfs mounts: the kernel checks modes from the cached attributes. */
	if (fuse_opt_add_arg(&args, "-odefault_permissions") < 0 || fuse_opt_add_arg(&args, "-osubtype=memfs") < 0)
		goto out;
	ret = fuse_main(args.argc, args.argv, &memfs_ops, NULL);
out:
	fuse_opt_free_args(&args);
	for (size_t i = 0; i < count; i++)
		free(names[i]);
	free(names);
	free(opt.names);
	return ret;
}
