/* fuzz_e164.c — libFuzzer target: the E.164 rules against a reference
 * definition.  Whatever passes is 8-15 ASCII digits and nothing else. */
#include "e164.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static bool reference_digits(const char *s)
{
	size_t n = strlen(s);

	if (n < E164_MIN_DIGITS || n > E164_MAX_DIGITS)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	char out[E164_BUFSIZE];
	const char *bare;
	int ret;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	bare = s[0] == '+' ? s + 1 : s;

	if (e164_is_digits(s) != reference_digits(s))
		abort();
	ret = e164_parse(s, out);
	if (ret == 0) {
		size_t n = strnlen(out, sizeof(out));

		if (n < E164_MIN_DIGITS || n > E164_MAX_DIGITS || strspn(out, "0123456789") != n)
			abort();
		if (strcmp(out, bare) || !e164_is_digits(out))
			abort();
	} else if (ret != -22 /* -EINVAL */ || out[0] != '\0' || reference_digits(bare)) {
		abort();
	}
	free(s);
	return 0;
}
