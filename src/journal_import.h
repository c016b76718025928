/* journal_import.h — reading the line journal earlier versions kept
 * (STATE_DIR/<auth_id>.journal), once, so that the SQLite store starts with
 * its unsettled marks and the last hour's budget slots. */
#ifndef VOBIZFS_JOURNAL_IMPORT_H
#define VOBIZFS_JOURNAL_IMPORT_H

#include "e164.h"

#include <stddef.h>
#include <stdint.h>

/* One release the journal began: its number and wall-clock time. */
struct journal_entry {
	int64_t when_ms;
	char number[E164_BUFSIZE];
};

struct journal_import {
	struct journal_entry *slots; /* "release" lines not given back */
	size_t nslots;
	struct journal_entry *unsettled; /* releases without a later "settled" */
	size_t nunsettled;
};

/* Parse the journal's text TEXT of LEN bytes (its room of NUL bytes, and a
 * line a crash cut off, are ignored as the journal itself ignored them).
 * Returns 0 with OUT filled (journal_import_free() it), -EINVAL on a line
 * that is not a record (with its number in *BAD_LINE), or -ENOMEM. */
int journal_import_parse(const char *text, size_t len, struct journal_import *out, size_t *bad_line);

void journal_import_free(struct journal_import *imp);

#endif
