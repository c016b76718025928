/* grace.h — the grace queue ([release] grace): an rm queues the release in
 * the store and sends nothing; the number waits in releasing/, where mv
 * back cancels it for free; when the grace ends the DELETE is sent through
 * the releaser, by exactly one of the mounts that share the store. */
#ifndef VOBIZFS_GRACE_H
#define VOBIZFS_GRACE_H

#include "audit.h"
#include "store.h"

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

struct catalog;
struct config;
struct grace;
struct releaser;

/* How often the store's queue is read again, so that a mount sees what
 * another mount of the account queued, cancelled or sent. */
#define GRACE_POLL_MS 1000

/* A queue over CFG (grace_s > 0), CATALOG, RELEASER, STORE and AUDIT (may
 * be NULL), all of which must outlive it.  Nothing runs yet.  Returns NULL
 * when out of memory. */
struct grace *grace_new(const struct config *cfg, struct catalog *catalog, struct releaser *releaser,
			struct store *store, struct audit *audit);

/* After the mount's first listing: read the queue, show its numbers in
 * releasing/, settle the releases a crash cut off after they were claimed
 * (from that listing: never sent again), say what waits, and (unless
 * read-only) start the senders: [api] parallel threads.  A release due
 * while no mount ran is sent only if that listing shows the number still
 * held (one log line each), else dropped (a log line).  Returns 0 or a
 * negative errno (the store could not be read: the mount should not start). */
int grace_start(struct grace *g);

/* Stop the senders (a DELETE in flight is finished) and log how many
 * releases wait for the next mount.  Safe without grace_start(). */
void grace_stop(struct grace *g);

/* Free G, after grace_stop().  G may be NULL. */
void grace_free(struct grace *g);

/* The rm of the held number DIGITS by CALLER: every guard that needs no
 * request (release_check()), then the budget slot and the queue entry
 * recorded in one synced transaction, and the number moved to releasing/.
 * Nothing is sent.  Returns 0 (queued, or a dry run), the guards' errno,
 * -EDQUOT (budget spent), -ENOENT (not held, or queued already), or the
 * store's error (-EAGAIN, -ETIMEDOUT, -ENOSPC, -EROFS, -EIO: nothing queued).
 * Thread-safe. */
int grace_queue(struct grace *g, const char *digits, const struct caller *caller, int64_t deadline);

/* mv releasing/DIGITS numbers/ by CALLER: the queued release is cancelled,
 * no request sent, the budget slot given back, the cancel audited.  Returns
 * 0, -EROFS (read-only), -ENOENT (not queued), -EBUSY (its DELETE is being
 * sent: too late), or the store's error.  Thread-safe. */
int grace_cancel(struct grace *g, const char *digits, const struct caller *caller, int64_t deadline);

/* The queue entry of DIGITS, from memory: 0 with *OUT, or -ENOENT.
 * Thread-safe. */
int grace_find(struct grace *g, const char *digits, struct store_queued *out);

/* The queue's extended attributes of releasing/DIGITS:
 * "user.vobiz.release_due" (RFC 3339 UTC: when the DELETE is sent) and
 * "user.vobiz.release_requested_by" ("rm (pid 4242, uid 1000)": the caller,
 * as audited).  grace_xattr_get() writes NAME's value into VALUE (SIZE 0:
 * only its length); grace_xattr_list() their NUL-terminated names into
 * LIST (SIZE 0: only the length).  Return the length, -ERANGE when SIZE is
 * too small, -ENODATA (an unknown name, or DIGITS not queued).  Thread-safe. */
ssize_t grace_xattr_get(struct grace *g, const char *digits, const char *name, char *value, size_t size);
ssize_t grace_xattr_list(struct grace *g, const char *digits, char *list, size_t size);

/* What .status and .metrics show. */
struct grace_stats {
	unsigned queued;          /* releases waiting (this mount's view of the shared queue) */
	int64_t next_due_wall_ms; /* the soonest; 0 when none */
	unsigned long sent;       /* DELETEs this mount sent at a grace's end that released */
	unsigned long refused;    /* of those sent, refused by the API: back in numbers/, never resent */
	unsigned long cancelled;  /* cancelled by mv */
	unsigned long dropped;    /* dropped: the number was no longer held */
};

/* A snapshot.  G may be NULL (all zero).  Thread-safe; from memory. */
void grace_stats(struct grace *g, struct grace_stats *out);

#endif
