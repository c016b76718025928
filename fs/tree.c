/* tree.c — path → node.  Pure string work; no state. */
#include "tree.h"

#include "country.h"

#include <errno.h>
#include <stdlib.h>
#include <limits.h>
#include <string.h>

/* Split PATH (after the leading '/') into at most 4 components. */
static int split(const char *path, char parts[4][ROUTE_ID_MAX + 1])
{
	int n = 0;

	if (path[0] != '/')
		return -1;
	path++;
	while (*path) {
		size_t len = strcspn(path, "/");

		if (n == 4 || len == 0 || len > ROUTE_ID_MAX)
			return -1;
		memcpy(parts[n], path, len);
		parts[n++][len] = '\0';
		path += len;
		if (*path == '/')
			path++;
	}
	return n;
}

static int list_dir(struct node *out, enum number_status status, enum catalog_view view, const char *value)
{
	out->kind = NODE_LIST_DIR;
	out->filter = (struct catalog_filter){ .status = status, .view = view };
	if (value) {
		strcpy(out->value, value);
		out->filter.value = out->value;
	}
	return 0;
}

/* The number NAME inside the list directory already in OUT. */
static int in_list(struct node *out, const char *name)
{
	out->kind = NODE_NUMBER;
	return e164_parse(name, out->digits) < 0 ? -ENOENT : 0;
}

/* Directories of numbers that take one name below the top: by-trunk/ID,
 * by-country/CC, by-account/ID (an account id is checked as a trunk id is). */
static int grouped(const char *top, char parts[4][ROUTE_ID_MAX + 1], int n, struct node *out)
{
	enum catalog_view view = !strcmp(top, TREE_BY_TRUNK)     ? VIEW_TRUNK
				 : !strcmp(top, TREE_BY_ACCOUNT) ? VIEW_ACCOUNT
								 : VIEW_COUNTRY;

	if (n == 1) {
		out->kind = NODE_GROUPS_DIR;
		out->filter = (struct catalog_filter){ .status = NUMBER_ACTIVE, .view = view };
		return 0;
	}
	if (view == VIEW_COUNTRY ? !country_code_valid(parts[1]) : !route_id_valid(parts[1]))
		return -ENOENT;
	list_dir(out, NUMBER_ACTIVE, view, parts[1]);
	return n == 2 ? 0 : (n == 3 ? in_list(out, parts[2]) : -ENOENT);
}

/* True when a component of PATH is longer than NAME_MAX, the limit statfs
 * reports: such a name is ENAMETOOLONG, as on any filesystem, not ENOENT. */
static bool name_too_long(const char *path)
{
	for (const char *p = path; *p;) {
		size_t len = strcspn(p, "/");

		if (len > NAME_MAX)
			return true;
		p += len;
		p += strspn(p, "/");
	}
	return false;
}

int tree_resolve(const char *path, unsigned dirs, struct node *out)
{
	char parts[4][ROUTE_ID_MAX + 1];
	int n;

	*out = (struct node){ .kind = NODE_ROOT };
	if (name_too_long(path))
		return -ENAMETOOLONG;
	n = split(path, parts);
	if (n < 0)
		return -ENOENT;
	if (n == 0)
		return 0;
	if (n == 1 && !strcmp(parts[0], TREE_STATUS)) {
		out->kind = NODE_STATUS;
		return 0;
	}
	if (n == 1 && !strcmp(parts[0], TREE_METRICS)) {
		out->kind = NODE_METRICS;
		return 0;
	}
	if (!strcmp(parts[0], TREE_NUMBERS) || !strcmp(parts[0], TREE_UNASSIGNED) ||
	    ((dirs & TREE_WITH_PENDING) && !strcmp(parts[0], TREE_PENDING)) ||
	    ((dirs & TREE_WITH_RELEASING) && !strcmp(parts[0], TREE_RELEASING))) {
		enum number_status status = !strcmp(parts[0], TREE_PENDING)     ? NUMBER_PENDING_RELEASE
					    : !strcmp(parts[0], TREE_RELEASING) ? NUMBER_RELEASING
										: NUMBER_ACTIVE;

		if (n > 2)
			return -ENOENT;
		list_dir(out, status, strcmp(parts[0], TREE_UNASSIGNED) ? VIEW_ALL : VIEW_UNASSIGNED, NULL);
		return n == 1 ? 0 : in_list(out, parts[1]);
	}
	if (!strcmp(parts[0], TREE_BY_TRUNK) || !strcmp(parts[0], TREE_BY_COUNTRY) ||
	    !strcmp(parts[0], TREE_BY_ACCOUNT))
		return grouped(parts[0], parts, n, out);
	if (!strcmp(parts[0], TREE_HEALTH)) {
		out->kind = n == 1 ? NODE_HEALTH_DIR : NODE_HEALTH;
		out->filter = (struct catalog_filter){ .status = NUMBER_ACTIVE, .view = VIEW_ALL };
		return n == 1 || (n == 2 && e164_parse(parts[1], out->digits) == 0) ? 0 : -ENOENT;
	}
	if (!strcmp(parts[0], TREE_INVENTORY)) {
		out->kind = NODE_INVENTORY_DIR;
		if (n == 1)
			return 0;
		if (!country_code_assigned(parts[1]) || n > 3)
			return -ENOENT;
		strcpy(out->value, parts[1]);
		out->kind = n == 2 ? NODE_OFFERS_DIR : NODE_OFFER;
		return n == 2 || e164_parse(parts[2], out->digits) == 0 ? 0 : -ENOENT;
	}
	return -ENOENT;
}

bool tree_is_dir(enum node_kind kind)
{
	return kind == NODE_ROOT || kind == NODE_LIST_DIR || kind == NODE_GROUPS_DIR || kind == NODE_INVENTORY_DIR ||
	       kind == NODE_OFFERS_DIR || kind == NODE_HEALTH_DIR;
}

bool tree_in_numbers(const struct node *node)
{
	return (node->kind == NODE_LIST_DIR || node->kind == NODE_NUMBER) && node->filter.view == VIEW_ALL &&
	       node->filter.status == NUMBER_ACTIVE;
}

/* Kinds of file put above a number's digits (10^15 < 2^50). */
#define INO_KIND_SHIFT 56
enum { INO_HEALTH = 1, INO_OFFER = 2, INO_ACCOUNT_VIEW = 3 };

uint64_t tree_file_ino(const struct node *node)
{
	uint64_t digits = strtoull(node->digits, NULL, 10), kind = 0;

	switch (node->kind) {
	case NODE_STATUS:
		return TREE_STATUS_INO;
	case NODE_METRICS:
		return TREE_METRICS_INO;
	case NODE_HEALTH:
		kind = INO_HEALTH;
		break;
	case NODE_OFFER:
		kind = INO_OFFER;
		break;
	default:
		kind = node->filter.view == VIEW_ACCOUNT ? INO_ACCOUNT_VIEW : 0;
	}
	return kind << INO_KIND_SHIFT | digits;
}

static uint64_t fnv1a(uint64_t h, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

uint64_t tree_dir_ino(const char *path, size_t len, const char *name)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	while (len > 0 && path[len - 1] == '/')
		len--;
	if (len == 0 && !name)
		return TREE_ROOT_INO;
	h = fnv1a(h, path, len);
	if (name) {
		h = fnv1a(h, "/", 1);
		h = fnv1a(h, name, strlen(name));
	}
	return h | 1ULL << 63;
}
