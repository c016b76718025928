/* fuzz_error_body.c — libFuzzer target: error bodies and release answers from
 * an untrusted server.  Neither parser may crash; every field stays bounded. */
#include "apijson.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct api_error err;
	struct release_answer ans;
	int ret;

	apijson_parse_error((const char *)data, size, &err);
	if (strnlen(err.code, sizeof(err.code)) == sizeof(err.code) ||
	    strnlen(err.message, sizeof(err.message)) == sizeof(err.message))
		abort();
	if (err.retry_after_ms < -1 || err.retry_after_ms > 3600 * 1000L)
		abort();

	ret = apijson_parse_release((const char *)data, size, &ans);
	if (ret != 0 && ret != -5 /* -EIO */)
		abort();
	if (size == 0 && ret != 0)
		abort();
	if (strnlen(ans.status, sizeof(ans.status)) == sizeof(ans.status) ||
	    strnlen(ans.cooldown_ends_at, sizeof(ans.cooldown_ends_at)) == sizeof(ans.cooldown_ends_at) ||
	    strnlen(ans.message, sizeof(ans.message)) == sizeof(ans.message))
		abort();
	return 0;
}
