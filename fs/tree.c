/* tree.c — path → node.  Pure string work; no state. */
#include "tree.h"

#include <errno.h>
#include <string.h>

/* Match "/DIR" or "/DIR/NAME"; on a match *NAME is NULL or the name. */
static bool in_dir(const char *path, const char *dir, const char **name)
{
	size_t len = strlen(dir);

	if (path[0] != '/' || strncmp(path + 1, dir, len))
		return false;
	path += 1 + len;
	if (*path == '\0') {
		*name = NULL;
		return true;
	}
	if (*path != '/' || strchr(path + 1, '/'))
		return false;
	*name = path + 1;
	return true;
}

int tree_resolve(const char *path, bool with_pending, struct node *out)
{
	const char *name;

	out->digits[0] = '\0';
	if (!strcmp(path, "/")) {
		out->kind = NODE_ROOT;
		return 0;
	}
	if (!strcmp(path, "/" TREE_STATUS)) {
		out->kind = NODE_STATUS;
		return 0;
	}
	if (in_dir(path, TREE_NUMBERS, &name)) {
		out->kind = name ? NODE_NUMBER : NODE_NUMBERS_DIR;
	} else if (with_pending && in_dir(path, TREE_PENDING, &name)) {
		out->kind = name ? NODE_PENDING : NODE_PENDING_DIR;
	} else {
		return -ENOENT;
	}
	if (name && e164_parse(name, out->digits) < 0)
		return -ENOENT;
	return 0;
}

bool tree_is_dir(enum node_kind kind)
{
	return kind == NODE_ROOT || kind == NODE_NUMBERS_DIR || kind == NODE_PENDING_DIR;
}
