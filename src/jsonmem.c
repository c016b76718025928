/* jsonmem.c — cJSON's allocation hooks: the thread's current arena, or
 * malloc/free. */
#include "jsonmem.h"

#include "arena.h"

#include <cjson/cJSON.h>
#include <limits.h>
#include <locale.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

/* Big enough for a page of 100 numbers' parsed nodes, so that resetting it
 * for every page leaves no chunk to malloc and free again. */
#define SCRATCH_CHUNK (512 * 1024)

static pthread_mutex_t parse_lock = PTHREAD_MUTEX_INITIALIZER;
static _Thread_local struct arena *current;
static pthread_once_t hooks_once = PTHREAD_ONCE_INIT;
static pthread_once_t scratch_once = PTHREAD_ONCE_INIT;
static pthread_key_t scratch_key;
static bool scratch_key_made;
static _Thread_local struct arena *scratch;

static void *json_malloc(size_t size)
{
	return current ? arena_alloc(current, size) : malloc(size);
}

static void json_free(void *p)
{
	if (current && arena_owns(current, p))
		return;
	free(p);
}

/* cJSON (Debian 12's 1.7.15, built with locale support) reads the decimal
 * point through localeconv() for every number it parses or prints, and
 * glibc's localeconv() rewrites one static struct at each call: threads
 * parsing at once race on it.  vobizfs never calls setlocale(), so the
 * process stays in the "C" locale from start to end, whose conventions are
 * these, constant; the executable's definition is the one the dynamic linker
 * binds libcjson's call to.  It reads and writes nothing shared. */
struct lconv *localeconv(void)
{
	static struct lconv c_locale = {
		.decimal_point = ".",
		.thousands_sep = "",
		.grouping = "",
		.int_curr_symbol = "",
		.currency_symbol = "",
		.mon_decimal_point = "",
		.mon_thousands_sep = "",
		.mon_grouping = "",
		.positive_sign = "",
		.negative_sign = "",
		.int_frac_digits = CHAR_MAX,
		.frac_digits = CHAR_MAX,
		.p_cs_precedes = CHAR_MAX,
		.p_sep_by_space = CHAR_MAX,
		.n_cs_precedes = CHAR_MAX,
		.n_sep_by_space = CHAR_MAX,
		.p_sign_posn = CHAR_MAX,
		.n_sign_posn = CHAR_MAX,
		.int_p_cs_precedes = CHAR_MAX,
		.int_p_sep_by_space = CHAR_MAX,
		.int_n_cs_precedes = CHAR_MAX,
		.int_n_sep_by_space = CHAR_MAX,
		.int_p_sign_posn = CHAR_MAX,
		.int_n_sign_posn = CHAR_MAX,
	};

	return &c_locale;
}

cJSON *jsonmem_parse(const char *text, size_t len)
{
	cJSON *root;

	pthread_mutex_lock(&parse_lock);
	root = cJSON_ParseWithLength(text, len);
	pthread_mutex_unlock(&parse_lock);
	return root;
}

static void install_hooks(void)
{
	cJSON_Hooks hooks = { .malloc_fn = json_malloc, .free_fn = json_free };

	cJSON_InitHooks(&hooks);
}

void jsonmem_init(void)
{
	pthread_once(&hooks_once, install_hooks);
}

struct arena *jsonmem_use(struct arena *a)
{
	struct arena *previous = current;

	current = a;
	return previous;
}

static void scratch_release(void *a)
{
	arena_free(a);
}

static void create_key(void)
{
	/* Should it fail, scratch arenas are still made; only a thread's exit
	 * no longer releases its own. */
	scratch_key_made = pthread_key_create(&scratch_key, scratch_release) == 0;
}

struct arena *jsonmem_scratch(void)
{
	if (scratch)
		return scratch;
	pthread_once(&scratch_once, create_key);
	scratch = arena_new(SCRATCH_CHUNK);
	if (scratch && scratch_key_made)
		(void)pthread_setspecific(scratch_key, scratch);
	return scratch;
}
