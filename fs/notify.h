/* notify.h — tells the kernel when a number leaves or joins a directory, so
 * no stale attribute outlives the change: the catalog's change hook turns a
 * change into the paths it touches, and a thread of its own invalidates
 * them (libfuse: a notification sent from within an operation can deadlock). */
#ifndef VOBIZFS_NOTIFY_H
#define VOBIZFS_NOTIFY_H

#include "catalog.h"

struct fuse;
struct notifier;

/* Start the thread that invalidates paths of FUSE (which must outlive the
 * notifier).  Returns NULL when out of memory or threads. */
struct notifier *notifier_new(struct fuse *fuse);

/* Stop the thread and free N (NULL is fine).  No change may be in progress:
 * unregister the hook first. */
void notifier_free(struct notifier *n);

/* A catalog_change_fn (ARG: the notifier): queue every path DIGITS had
 * before and has after the change, and their directories, then wait until
 * they are invalidated — at most NOTIFY_WAIT_MS, so a notification the
 * kernel cannot take at once (it waits on this very operation) delays the
 * caller, never deadlocks it; after such a wait, callers do not wait until
 * the queue has drained.  Thread-safe. */
void notifier_change(void *arg, const char *digits, const struct catalog_place *before,
		     const struct catalog_place *after);

/* An unlink of PATH is served in this thread: the kernel itself drops PATH's
 * entry and refreshes its directory when the unlink succeeds, so the changes
 * this thread reports until notifier_unlink_end() skip those two paths, and
 * their wait is put off until then (the notices are delivered while the
 * operation finishes its own work).  PATH is copied. */
void notifier_unlink_begin(const char *path);

/* End the deferral: when the unlink failed (RESULT, its negative errno), the
 * kernel keeps PATH's entry, so PATH and its directory are queued if a
 * change skipped them; then wait, as notifier_change() does, until the
 * notices this thread queued since notifier_unlink_begin() are delivered
 * (none queued: no wait).  Call before the unlink returns to the kernel. */
void notifier_unlink_end(int result);

/* An unlink of PATH is being served in this thread: the kernel itself drops
 * PATH's entry and refreshes its directory when the unlink succeeds, so the
 * changes this thread reports until notifier_unlink_end() skip those two
 * paths, and their wait is put off until then (the notices are delivered
 * while the operation finishes its own work).  PATH is copied. */
void notifier_unlink_begin(const char *path);

/* End the deferral: when the unlink failed (RESULT, its negative errno), the
 * kernel keeps PATH's entry, so PATH and its directory are queued if a
 * change skipped them; then wait, as notifier_change() does, until the
 * notices this thread queued since notifier_unlink_begin() are delivered
 * (none queued: no wait).  Call before the unlink returns to the kernel. */
void notifier_unlink_end(int result);

#define NOTIFY_WAIT_MS 1000

#endif
