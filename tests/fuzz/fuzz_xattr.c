/* fuzz_xattr.c — libFuzzer target: extended attributes over an arbitrary
 * record.  Sizes must agree between the counting and the filling calls, short
 * buffers give -ERANGE, and every listed name must be readable. */
#include "number.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void check_value(const char *json, const char *name)
{
	ssize_t need = number_xattr_get(json, name, NULL, 0);
	char *buf;

	if (need < 0) {
		if (need != -ENODATA && need != -EIO)
			abort();
		return;
	}
	buf = malloc((size_t)need + 1);
	if (!buf)
		return;
	if (number_xattr_get(json, name, buf, (size_t)need + 1) != need ||
	    number_xattr_get(json, name, buf, (size_t)need ? (size_t)need : 1) != need)
		abort();
	if (need > 1 && number_xattr_get(json, name, buf, (size_t)need - 1) != -ERANGE)
		abort();
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *json = malloc(size + 1);
	char *names = NULL;
	ssize_t need;

	if (!json)
		return 0;
	memcpy(json, data, size);
	json[size] = '\0';

	need = number_xattr_list(json, NULL, 0);
	if (need < 0) {
		if (need != -EIO)
			abort();
		goto out;
	}
	names = malloc((size_t)need + 1);
	if (!names)
		goto out;
	if (need > 0) {
		if (number_xattr_list(json, names, (size_t)need) != need || names[need - 1] != '\0')
			abort();
		if (number_xattr_list(json, names, (size_t)need - 1) != -ERANGE)
			abort();
	}
	for (ssize_t off = 0; off < need; off += (ssize_t)strlen(names + off) + 1) {
		if (strncmp(names + off, "user.vobiz.", 11))
			abort();
		/* listxattr promised it: getxattr must answer. */
		if (number_xattr_get(json, names + off, NULL, 0) < 0)
			abort();
		check_value(json, names + off);
	}
	/* Names the fuzzer did not list still behave. */
	check_value(json, "user.vobiz.capabilities");
	check_value(json, "user.vobiz.region");
	check_value(json, "user.vobiz.");
	check_value(json, "security.selinux");
out:
	free(names);
	free(json);
	return 0;
}
