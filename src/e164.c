/* e164.c — validation of phone numbers before they are used as names or in URLs. */
#include "e164.h"

#include <errno.h>
#include <string.h>

bool e164_is_digits(const char *s)
{
	size_t n = 0;

	if (!s)
		return false;
	for (; s[n]; n++) {
		/* Not isdigit(): it is locale-dependent and we want ASCII only. */
		if (s[n] < '0' || s[n] > '9' || n >= E164_MAX_DIGITS)
			return false;
	}
	return n >= E164_MIN_DIGITS;
}

int e164_parse(const char *s, char out[E164_BUFSIZE])
{
	out[0] = '\0';
	if (!s)
		return -EINVAL;
	if (s[0] == '+')
		s++;
	if (!e164_is_digits(s))
		return -EINVAL;
	memcpy(out, s, strlen(s) + 1);
	return 0;
}
