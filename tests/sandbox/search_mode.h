/* How the account's listing matches ?search=: real APIs differ, so the
 * daemon is tested against each. The names are the command line's and the
 * control API's. */
#ifndef SANDBOX_SEARCH_MODE_H
#define SANDBOX_SEARCH_MODE_H

#include <stdbool.h>

enum search_mode {
	SEARCH_CONTAINS = 0, /* the e164 text ("+9198...") contains S (default) */
	SEARCH_PREFIX,       /* the e164 text, '+' included, starts with S */
	SEARCH_EXACT,        /* the e164 text equals S */
	SEARCH_IGNORE,       /* S is ignored: everything matches */
	SEARCH_EMPTY,        /* nothing matches: a broken search */
};

/* The mode called `name`. Returns 0, or -EINVAL for an unknown name. */
int search_mode_parse(const char *name, enum search_mode *mode);

/* The mode's name ("contains", ...). Static string. */
const char *search_mode_name(enum search_mode mode);

/* The names, for error messages. */
#define SEARCH_MODE_NAMES "contains, prefix, exact, ignore or empty"

/* Whether the e164 text ("+digits") matches the search text `search`. */
bool search_mode_match(enum search_mode mode, const char *e164, const char *search);

#endif
