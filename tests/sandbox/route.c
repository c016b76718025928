/* Path patterns: split on '/', compare literally, capture '*' segments. */
#include "route.h"

#include <errno.h>
#include <string.h>

bool route_match(const char *pattern, const char *raw_path, struct route_params *params)
{
	const char *p = pattern, *s = raw_path;

	params->count = 0;
	if (*s++ != '/')
		return false;
	for (;;) {
		size_t plen = strcspn(p, "/"), slen = strcspn(s, "/");

		if (plen == 1 && *p == '*') {
			if (slen == 0 || slen >= ROUTE_SEGMENT_MAX || params->count == ROUTE_MAX_PARAMS)
				return false;
			memcpy(params->raw[params->count], s, slen);
			params->raw[params->count++][slen] = '\0';
		} else if (plen != slen || memcmp(p, s, plen) != 0) {
			return false;
		}
		p += plen;
		s += slen;
		if (*p == '\0' || *s == '\0')
			return *p == '\0' && *s == '\0';
		p++;
		s++;
	}
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int route_decode(const char *raw, char *out, size_t cap)
{
	size_t n = 0;

	for (const char *p = raw; *p; p++) {
		int c = (unsigned char)*p;

		if (c == '%') {
			int hi = hex_value(p[1]), lo = hi < 0 ? -1 : hex_value(p[2]);

			if (lo < 0 || (c = hi * 16 + lo) == 0)
				return -EINVAL;
			p += 2;
		}
		if (n + 1 >= cap)
			return -EINVAL;
		out[n++] = (char)c;
	}
	out[n] = '\0';
	return 0;
}
