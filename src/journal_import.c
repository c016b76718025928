/* journal_import.c — the old line journal ("WHEN_MS ACTION NUMBER" lines,
 * then NUL room) read into its slots and unsettled marks. */
#include "journal_import.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct entries {
	struct journal_entry *v;
	size_t n, cap;
};

static int push(struct entries *e, int64_t when, const char *number)
{
	if (e->n == e->cap) {
		size_t cap = e->cap ? e->cap * 2 : 16;
		struct journal_entry *v = realloc(e->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		e->v = v;
		e->cap = cap;
	}
	e->v[e->n].when_ms = when;
	snprintf(e->v[e->n].number, sizeof(e->v[e->n].number), "%s", number);
	e->n++;
	return 0;
}

/* Remove the first entry of E matching NUMBER (and WHEN, unless WHEN < 0). */
static void take(struct entries *e, const char *number, int64_t when)
{
	for (size_t i = 0; i < e->n; i++)
		if (!strcmp(e->v[i].number, number) && (when < 0 || e->v[i].when_ms == when)) {
			memmove(&e->v[i], &e->v[i + 1], (e->n - i - 1) * sizeof(e->v[0]));
			e->n--;
			return;
		}
}

static int apply(struct entries *slots, struct entries *unsettled, const char *line)
{
	char action[24], number[E164_BUFSIZE], rest;
	int64_t when;

	if (sscanf(line, "%" SCNd64 " %23[a-z-] %15[0-9]%c", &when, action, number, &rest) != 3 ||
	    !e164_is_digits(number))
		return -EINVAL;
	if (!strcmp(action, "release") || !strcmp(action, "release-uncounted")) {
		take(unsettled, number, -1);
		if (push(unsettled, when, number))
			return -ENOMEM;
		return strcmp(action, "release") ? 0 : push(slots, when, number);
	}
	if (!strcmp(action, "give-back"))
		take(slots, number, when);
	else if (!strcmp(action, "settled"))
		take(unsettled, number, -1);
	else
		return -EINVAL;
	return 0;
}

int journal_import_parse(const char *text, size_t len, struct journal_import *out, size_t *bad_line)
{
	struct entries slots = { 0 }, unsettled = { 0 };
	const char *end = memchr(text, '\0', len);
	size_t line_no = 0;
	int ret = 0;

	if (!end)
		end = text + len;
	for (const char *p = text; p < end && !ret;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		char line[128];

		if (!nl) /* cut off by a crash before its sync completed */
			break;
		line_no++;
		if ((size_t)(nl - p) >= sizeof(line))
			ret = -EINVAL;
		else {
			memcpy(line, p, (size_t)(nl - p));
			line[nl - p] = '\0';
			ret = apply(&slots, &unsettled, line);
		}
		p = nl + 1;
	}
	if (ret) {
		*bad_line = line_no;
		free(slots.v);
		free(unsettled.v);
		return ret;
	}
	*out = (struct journal_import){ slots.v, slots.n, unsettled.v, unsettled.n };
	return 0;
}

void journal_import_free(struct journal_import *imp)
{
	free(imp->slots);
	free(imp->unsettled);
	*imp = (struct journal_import){ 0 };
}
