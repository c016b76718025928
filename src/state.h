/* state.h — what vobizfs remembers across restarts and crashes: the release
 * journal under [release] state_dir, one line file per account
 * (<auth_id>.journal) from which the releases of the last hour (the budget)
 * and the releases whose outcome is not known yet (unsettled) are read.
 * Lines are only ever added: a release is begun with one line, synced,
 * before its request leaves; its outcome and a slot given back are lines
 * added without waiting for the disk.  The file's text is followed by room
 * (NUL bytes, written when the file is made), where new lines go, so that
 * syncing one changes no metadata.  The journal is used under a lock (a
 * mutex and an flock, so two daemons sharing the directory take turns) and
 * rewritten whole (write, fsync, rename, fsync of the directory) only when
 * its room runs out: then without the lines no longer needed (compacted). */
#ifndef VOBIZFS_STATE_H
#define VOBIZFS_STATE_H

#include "e164.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct state;

/* One line of the journal: "WHEN_MS ACTION NUMBER".  The actions:
 *   release            a release of NUMBER begun at WHEN: a budget slot for
 *                      the hour after WHEN, and NUMBER unsettled until a
 *                      later "settled" line;
 *   release-uncounted  the same without a budget slot (no limit was set);
 *   give-back          the slot of the "release" of NUMBER begun at WHEN
 *                      (the ticket) is free again;
 *   settled            NUMBER's outcome is known: it is no longer unsettled.
 * A line that is not a record makes the whole journal refused (-EIO: never
 * read as "nothing pending").  The text ends at the first NUL byte: what
 * follows the last newline before it, and any text after it, is what a
 * crash cut off from lines whose sync never completed, so before anything
 * they guarded was sent (a line is synced before its request leaves, and a
 * sync writes every earlier line too): it is dropped, with a warning, and
 * the next line is written over it or into a compacted journal. */
#define STATE_RELEASE "release"
#define STATE_RELEASE_UNCOUNTED "release-uncounted"
#define STATE_GIVE_BACK "give-back"
#define STATE_SETTLED "settled"

struct state_record {
	int64_t when_ms; /* wall-clock milliseconds since the epoch */
	char action[24]; /* [a-z-]+ */
	char number[E164_BUFSIZE];
};

struct state_records {
	struct state_record *v;
	size_t count, cap;
};

/* The journal read to its end. */
struct state_view {
	/* "release" lines not given back, oldest first (in journal order).
	 * Those older than an hour are kept until the journal is compacted:
	 * a reader filters by time. */
	struct state_records slots;
	/* One record per unsettled number: the line that began its release. */
	struct state_records unsettled;
};

/* Open the state of ACCOUNT (letters, digits, '_', '-') under DIR, creating
 * DIR (mode 0700, parents too) when missing.  Nothing is read yet.  Returns
 * 0 with *OUT set, or a negative errno with a one-line reason in ERR. */
int state_open(const char *dir, const char *account, struct state **out, char *err, size_t errlen);

/* Close it.  STATE may be NULL. */
void state_close(struct state *state);

/* Called under the lock with the journal as it stands; returns 0 to go on or
 * a negative errno.  It must not block on the network. */
typedef int state_check_fn(const struct state_view *view, void *arg);

/* Begin a release of DIGITS at WHEN_MS (state_now_ms(); WHEN_MS is the
 * ticket for state_give_back()): CHECK (may be NULL) is asked first, under
 * the lock; then one line is appended — "release" when COUNTED, else
 * "release-uncounted" — and synced (fdatasync) before this returns, so the
 * budget slot and the unsettled mark are on disk before the request leaves.
 * Returns 0, CHECK's errno (nothing written), -EIO when the journal cannot be
 * read (a malformed line included) or written (the reason is logged), or
 * -ENOMEM.  Thread-safe; no network. */
int state_begin_release(struct state *state, const char *digits, int64_t when_ms, bool counted, state_check_fn *check,
			void *arg);

/* The slot of the release of DIGITS begun at WHEN_MS is free again (the API
 * refused it).  Appended without a sync: a line lost in a crash only keeps
 * the slot counted until it expires.  Nothing is written when there is no
 * such slot.  Returns 0 or -EIO.  Thread-safe. */
int state_give_back(struct state *state, const char *digits, int64_t when_ms);

/* DIGITS's outcome is known: it is unsettled no more.  Appended without a
 * sync: a line lost in a crash only makes the next mount look the number up.
 * Nothing is written when DIGITS is not unsettled.  Returns 0 or -EIO.
 * Thread-safe. */
int state_settle(struct state *state, const char *digits);

/* READ is called with the journal as it stands, under the lock; its value is
 * returned.  Nothing is written.  Returns -EIO when the journal cannot be
 * read.  Thread-safe. */
typedef int state_read_fn(const struct state_view *view, void *arg);
int state_read(struct state *state, state_read_fn *read, void *arg);

/* Settle every unsettled number: SETTLE is called for each (under the lock,
 * in the order their releases began), then the journal is rewritten without
 * them (compacted, synced).  Returns 0, or -EIO when it cannot be read or
 * written (then nothing is settled on disk).  Thread-safe. */
typedef void state_settle_fn(const struct state_record *begun, void *arg);
int state_settle_all(struct state *state, state_settle_fn *settle, void *arg);

/* Append R to RECS.  Returns 0 or -ENOMEM. */
int state_records_append(struct state_records *recs, const struct state_record *r);

/* Remove the record at position I (order is kept). */
void state_records_remove(struct state_records *recs, size_t i);

/* Wall-clock milliseconds since the epoch. */
int64_t state_now_ms(void);

/* Slots older than this are dropped when the journal is compacted (the
 * budget's window). */
#define STATE_SLOT_KEEP_MS (3600 * 1000)

#endif
