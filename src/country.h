/* country.h — which two-letter codes name a country (ISO 3166-1 alpha-2
 * codes in use), so a path like inventory/ZZ/ is refused without a request. */
#ifndef VOBIZFS_COUNTRY_H
#define VOBIZFS_COUNTRY_H

#include <stdbool.h>

/* True when CC is an assigned ISO 3166-1 alpha-2 code ("IN", "US").  Pure. */
bool country_code_assigned(const char *cc);

#endif
