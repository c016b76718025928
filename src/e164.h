/* e164.h — the rules for phone numbers as vobizfs names them.  A number is
 * 8 to 15 ASCII digits; only a string that passed e164_parse() may reach a URL. */
#ifndef VOBIZFS_E164_H
#define VOBIZFS_E164_H

#include <stdbool.h>

#define E164_MIN_DIGITS 8
#define E164_MAX_DIGITS 15
/* Room for the digits and the terminating NUL. */
#define E164_BUFSIZE (E164_MAX_DIGITS + 1)

/* Parse S, which may carry one leading '+', into its bare digits in OUT.
 * Returns 0, or -EINVAL when S is not 8-15 ASCII digits (OUT is then "").
 * Pure; thread-safe. */
int e164_parse(const char *s, char out[E164_BUFSIZE]);

/* True when S is already bare digits (no '+') of a valid length. */
bool e164_is_digits(const char *s);

#endif
