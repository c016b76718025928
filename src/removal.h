/* removal.h — which unlinks are deliberate removals.  Tools that overwrite or
 * move files unlink as a side step: `cp -f` after a refused open, `cp
 * --remove-destination`, `install`, `mv` across file systems (both ways),
 * `tar -x`, `cpio -i`, `unzip -o`, `ln -f`, `rsync`, `gio move`, `git
 * checkout`, file managers.  On this mount an unlink releases a number, so
 * such an unlink is refused: by the program's name (for busybox and toybox,
 * the applet's: only their rm, unlink and find release), for any program
 * whose write, create or rename on the mount was refused a moment before (the
 * fallback of a tool not named here), and for a caller whose identity could
 * not be read (fail closed: nothing is released on a guess). */
#ifndef VOBIZFS_REMOVAL_H
#define VOBIZFS_REMOVAL_H

#include "caller.h"

#include <stdbool.h>

#include <stddef.h>

struct removal_guard;

/* How long after a refused write an unlink by the same process is taken as
 * that write's fallback. */
#define REMOVAL_TAINT_MS 10000

/* Returns NULL when out of memory. */
struct removal_guard *removal_guard_new(void);
void removal_guard_free(struct removal_guard *guard);

/* CALLER's attempt to write, create or rename on the mount was refused.
 * Thread-safe. */
void removal_note_refused_write(struct removal_guard *guard, const struct caller *caller);

/* 0 when an unlink by CALLER is a deliberate removal; otherwise -EPERM (a
 * mover, or a caller that cannot be identified: pid 0, no name) or -EAGAIN (its
 * identity could not be read just now: out of descriptors or memory), with the
 * reason ("cp replaces or moves files; ...") in WHY.  Thread-safe. */
int removal_check(struct removal_guard *guard, const struct caller *caller, char *why, size_t whylen);

/* removal_check() == 0. */
bool removal_is_deliberate(struct removal_guard *guard, const struct caller *caller, char *why, size_t whylen);

#endif
