/* fuzz_list_page.c — libFuzzer target: a listing page body from an untrusted
 * server.  Checks memory safety and that every kept item is a valid number
 * whose names (digits, country, routes) are safe to show as file names. */
#include "apijson.h"
#include "number.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct list_page page;
	int ret = apijson_parse_list_page((const char *)data, size, &page);

	if (ret != 0) {
		if (page.items || page.count || page.skipped)
			abort(); /* on failure OUT is empty */
		return 0;
	}
	if (page.total < 0 || page.page < 0 || page.per_page < 0)
		abort();
	for (size_t i = 0; i < page.count; i++) {
		const struct number *n = page.items[i];
		size_t len = strlen(n->json);

		if (!e164_is_digits(n->digits) || n->json_len != len || len < 2 || n->json[len - 1] != '\n' ||
		    n->json[len - 2] == '\n')
			abort();
		/* Country and routing ids name directories. */
		if (n->country[0] && !(strlen(n->country) == 2 && n->country[0] >= 'A' && n->country[0] <= 'Z' &&
				       n->country[1] >= 'A' && n->country[1] <= 'Z'))
			abort();
		if ((number_trunk(n)[0] && !route_id_valid(number_trunk(n))) ||
		    (number_application(n)[0] && !route_id_valid(number_application(n))) ||
		    (number_trunk(n)[0] && !n->has_trunk) || (number_application(n)[0] && !n->has_app))
			abort();
		if (n->status > NUMBER_RELEASED)
			abort();
		/* The record must be readable back as xattrs. */
		if (number_xattr_list(n->json, NULL, 0) < 0)
			abort();
	}
	list_page_free(&page);
	return 0;
}
