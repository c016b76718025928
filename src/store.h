/* store.h — what vobizfs keeps across restarts, crashes and mounts: one
 * SQLite database, STATE_DIR/vobizfs.db (WAL), shared by every mount on the
 * machine, each row keyed by its account.  It holds the releases begun (the
 * budget's rolling hour, and the unsettled marks: a release whose outcome is
 * not known yet), the numbers whose next release must look at the listing
 * first (doubtful), and the grace queue ([release] grace).
 *
 * Every call that writes commits one transaction, synced, before it returns:
 * what it recorded is on disk before the request it guards leaves.  Every
 * call that takes DEADLINE (clock_now_ms() scale) answers by then, also when
 * the disk stalls or another process holds the database: -ETIMEDOUT (the
 * store did not answer in time), -EAGAIN (another mount held it locked past
 * the deadline), -ENOSPC (full), -EROFS (read-only), -EIO (unreadable, or the
 * database file was deleted or replaced under the mount: releases are then
 * refused until it is whole again).  On any error nothing was recorded, and
 * a caller must not send what the call was to guard.
 *
 * The budget's hour is measured on CLOCK_BOOTTIME within one boot, so a wall
 * clock set back or forward frees no slot early; across boots the wall clock
 * decides.
 *
 * Thread-safe; no call touches the network. */
#ifndef VOBIZFS_STORE_H
#define VOBIZFS_STORE_H

#include "e164.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

struct store;

#define STORE_DB_NAME "vobizfs.db"
#define STORE_WINDOW_MS (3600 * 1000) /* the budget's rolling hour */

/* Open (creating when missing: DIR mode 0700, parents too) the database
 * under DIR for ACCOUNT (letters, digits, '_', '-'), with a budget of
 * MAX_PER_HOUR releases (0: no limit, nothing counted).  An old line journal
 * DIR/ACCOUNT.journal is imported first (its unsettled marks, and the budget
 * slots of the last hour) and renamed ACCOUNT.journal.imported.  Waits at
 * most TIMEOUT_S seconds for a lock another process holds.  Returns 0 with
 * *OUT set, or a negative errno with a one-line reason in ERR naming the
 * file and SQLite's message (a corrupt or unreadable database refuses the
 * mount). */
int store_open(const char *dir, const char *account, unsigned max_per_hour, unsigned timeout_s, struct store **out,
	       char *err, size_t errlen);

/* From now on every call runs on the store's own thread, so that it answers
 * by its deadline whatever the disk does.  Before, calls run in the caller's
 * thread: at mount, before the daemon forks (no thread survives fork()).
 * Call once, after the fork.  Returns 0 or a negative errno (logged). */
int store_serve(struct store *store);

/* Close it.  STORE may be NULL. */
void store_close(struct store *store);

/* Begin the release of DIGITS now, before its request is sent: take one
 * budget slot (with a limit) and mark DIGITS unsettled, in one synced
 * transaction.  Returns 0 with *TICKET set (the slot, for
 * store_give_back(); 0 with no limit), STORE_LOOK_FIRST when DIGITS is
 * already marked (store_needs_look(); nothing written: look at the listing,
 * settle, and begin again), -EDQUOT with *FREES_AT the wall-clock second at
 * which one slot frees up (at most an hour away; nothing written), or an
 * error above. */
#define STORE_LOOK_FIRST 1
int store_begin_release(struct store *store, const char *digits, int64_t deadline, int64_t *ticket, time_t *frees_at);

/* The slot TICKET is free again: its request provably released nothing.
 * TICKET 0 is a no-op.  Returns 0 or an error above. */
int store_give_back(struct store *store, int64_t ticket, int64_t deadline);

/* DIGITS's outcome is known: neither unsettled nor doubtful any more.
 * Returns 0 or an error above. */
int store_settle(struct store *store, const char *digits, int64_t deadline);

/* DIGITS's outcome is doubtful (its answer was lost and the listing still
 * shows it, or no listing could be read): its next release looks at the
 * listing first, across restarts, however many there are.  Also clears the
 * unsettled mark.  Returns 0 or an error above. */
int store_mark_doubtful(struct store *store, const char *digits, int64_t deadline);

/* 1 when DIGITS is doubtful or unsettled (its next release must look
 * first), 0 when not, or an error above (the caller must then refuse:
 * it cannot tell). */
int store_needs_look(struct store *store, const char *digits, int64_t deadline);

/* One release a crash (or a lost mount) left unsettled. */
struct store_unsettled {
	char number[E164_BUFSIZE];
	int64_t began_wall_ms; /* when its intent was recorded */
};

/* The releases left unsettled for the account, oldest first, in a new array
 * *OUT (free() it) of *COUNT.  Returns 0 or an error above. */
int store_list_unsettled(struct store *store, struct store_unsettled **out, size_t *count, int64_t deadline);

/* What the mount shows in .status and .metrics, from memory: never waits on
 * the disk.  WHOLE is false while the database is known to be lost or
 * replaced (releases are then refused). */
struct store_usage {
	unsigned used, limit;     /* budget slots in the rolling hour; max_per_hour */
	unsigned queued;          /* grace queue entries of the account */
	int64_t next_due_wall_ms; /* the earliest due time; 0 when none */
	bool whole;
};
void store_usage(struct store *store, struct store_usage *out);

/* One release waiting out its grace. */
struct store_queued {
	char number[E164_BUFSIZE];
	int64_t queued_wall_ms, due_wall_ms;
	uid_t uid;
	pid_t pid;
	char comm[32];  /* the caller, as audited */
	int64_t ticket; /* its budget slot (0: no limit) */
};

/* Queue the release of Q->number (due at Q->due_wall_ms) and take its budget
 * slot, in one synced transaction; Q->ticket is ignored and *TICKET set.
 * Returns 0, -EEXIST when it is queued already, -EDQUOT with *FREES_AT as for
 * store_begin_release(), or an error above. */
int store_queue_add(struct store *store, const struct store_queued *q, int64_t deadline, int64_t *ticket,
		    time_t *frees_at);

/* Cancel the queued release of DIGITS: the entry goes and its slot is given
 * back.  Returns 0, -ENOENT when it is not queued (never was, cancelled, or
 * already claimed for sending), or an error above. */
int store_queue_cancel(struct store *store, const char *digits, int64_t deadline);

/* Claim the queued release of DIGITS for sending: the entry leaves the queue
 * and becomes a release begun (unsettled, keeping its slot), in one synced
 * transaction, so that of every mount sharing the database exactly one wins.
 * Returns 0 (this caller sends it) with *TICKET its slot, -ENOENT (another
 * mount claimed it, or it was cancelled), or an error above. */
int store_queue_claim(struct store *store, const char *digits, int64_t deadline, int64_t *ticket);

/* Drop the queued release of DIGITS without sending, giving its slot back
 * (the number is no longer held).  Returns 0, -ENOENT, or an error above. */
int store_queue_drop(struct store *store, const char *digits, int64_t deadline);

/* The account's queue, soonest due first, in a new array *OUT (free() it)
 * of *COUNT.  Returns 0 or an error above. */
int store_queue_list(struct store *store, struct store_queued **out, size_t *count, int64_t deadline);

#endif
