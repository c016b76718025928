/* fuzz_render.c — libFuzzer target: any text cJSON parses (in an arena,
 * through the daemon's hooks, as a listing page is) renders exactly as
 * cJSON_Print() prints it, and render_measure() tells the length
 * render_write() writes. */
#include "arena.h"
#include "jsonmem.h"
#include "render.h"

#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *scratch;
	cJSON *root;
	char *want, *got;
	size_t len;

	jsonmem_init();
	scratch = jsonmem_scratch();
	if (!scratch)
		abort();
	jsonmem_use(scratch);
	root = cJSON_ParseWithLength((const char *)data, size);
	jsonmem_use(NULL);
	if (!root) {
		arena_reset(scratch);
		return 0;
	}
	want = cJSON_Print(root);
	got = render_print(root);
	if (!want != !got || (want && strcmp(want, got)))
		abort();
	if (want && (render_measure(root, &len) || len != strlen(want)))
		abort();
	free(want);
	free(got);
	arena_reset(scratch);
	return 0;
}
