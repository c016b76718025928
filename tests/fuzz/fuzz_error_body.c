/* fuzz_error_body.c — libFuzzer target: error bodies, release and cancel
 * answers, and purchase answers from an untrusted server.  No parser may
 * crash; every field stays bounded. */
#include "apijson.h"

#include "number.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct api_error err;
	struct release_answer ans;
	struct number *bought;
	char message[64];
	int ret;

	apijson_parse_error((const char *)data, size, &err);
	if (strnlen(err.code, sizeof(err.code)) == sizeof(err.code) ||
	    strnlen(err.message, sizeof(err.message)) == sizeof(err.message) ||
	    strnlen(err.request_id, sizeof(err.request_id)) == sizeof(err.request_id))
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
	    strnlen(ans.message, sizeof(ans.message)) == sizeof(ans.message) ||
	    strnlen(ans.refund_status, sizeof(ans.refund_status)) == sizeof(ans.refund_status) ||
	    strnlen(ans.refund_error, sizeof(ans.refund_error)) == sizeof(ans.refund_error) ||
	    strnlen(ans.currency, sizeof(ans.currency)) == sizeof(ans.currency))
		abort();

	ret = apijson_parse_purchase((const char *)data, size, "919876543210", &bought, message, sizeof(message));
	if ((ret != 0 && ret != -5 && ret != -12 /* -ENOMEM */) || (ret != 0 && bought) ||
	    strnlen(message, sizeof(message)) == sizeof(message))
		abort();
	if (bought && strcmp(bought->digits, "919876543210"))
		abort();
	free(bought);
	return 0;
}
