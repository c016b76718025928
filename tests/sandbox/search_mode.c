/* The listing's ?search= matching modes. */
#include "search_mode.h"

#include <errno.h>
#include <string.h>

static const char *const names[] = {
	[SEARCH_CONTAINS] = "contains", [SEARCH_PREFIX] = "prefix", [SEARCH_EXACT] = "exact",
	[SEARCH_IGNORE] = "ignore",     [SEARCH_EMPTY] = "empty",
};

int search_mode_parse(const char *name, enum search_mode *mode)
{
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(name, names[i]) == 0) {
			*mode = (enum search_mode)i;
			return 0;
		}
	}
	return -EINVAL;
}

const char *search_mode_name(enum search_mode mode)
{
	return (unsigned)mode < sizeof(names) / sizeof(names[0]) ? names[mode] : "contains";
}

bool search_mode_match(enum search_mode mode, const char *e164, const char *search)
{
	switch (mode) {
	case SEARCH_PREFIX:
		return strncmp(e164, search, strlen(search)) == 0;
	case SEARCH_EXACT:
		return strcmp(e164, search) == 0;
	case SEARCH_IGNORE:
		return true;
	case SEARCH_EMPTY:
		return false;
	default:
		return strstr(e164, search) != NULL;
	}
}
