/* state.h — what vobizfs remembers across restarts and crashes, kept as small
 * line files under [release] state_dir: the releases of the last hour (the
 * budget) and the releases whose outcome is not known yet.  Each file is
 * edited under a lock (a mutex and an flock, so two daemons sharing the
 * directory take turns) and rewritten whole (write, fsync, rename), so a
 * crash at any moment leaves either the old file or the new one. */
#ifndef VOBIZFS_STATE_H
#define VOBIZFS_STATE_H

#include "e164.h"

#include <stddef.h>
#include <stdint.h>

struct state;

/* One line of a state file: "WHEN_MS ACTION NUMBER". */
struct state_record {
	int64_t when_ms; /* wall-clock milliseconds since the epoch */
	char action[24]; /* [a-z-]+: "release", ... */
	char number[E164_BUFSIZE];
};

/* The records of one file while it is being edited. */
struct state_records {
	struct state_record *v;
	size_t count, cap;
};

/* Open the state of ACCOUNT (letters, digits, '_', '-') under DIR, creating
 * DIR (mode 0700, parents too) when missing.  Returns 0 with *OUT set, or a
 * negative errno with a one-line reason in ERR. */
int state_open(const char *dir, const char *account, struct state **out, char *err, size_t errlen);

/* Close it.  STATE may be NULL. */
void state_close(struct state *state);

/* EDIT is called with the records of the file NAME ("budget", "unsettled")
 * and ARG, under the lock; it may change RECS (state_records_append/_remove)
 * and returns 0 to keep the file as it was, 1 to write RECS back, or a
 * negative errno, which state_edit() returns.  A file that does not exist
 * reads as empty.  Returns 0, EDIT's errno, or -EIO when the file cannot be
 * read (a malformed line included: a budget that cannot be read is not
 * assumed empty) or written; the reason is logged.  Thread-safe; no network. */
typedef int state_edit_fn(struct state_records *recs, void *arg);
int state_edit(struct state *state, const char *name, state_edit_fn *edit, void *arg);

/* Append R to RECS.  Returns 0 or -ENOMEM. */
int state_records_append(struct state_records *recs, const struct state_record *r);

/* Remove the record at position I (order is kept). */
void state_records_remove(struct state_records *recs, size_t i);

/* Wall-clock milliseconds since the epoch. */
int64_t state_now_ms(void);

#endif
