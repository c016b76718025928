/* gate.h — admission of the operations that may wait on the network (a stale
 * listing, an inventory read, a release, a route, a rename), so that those
 * answered from memory always find a FUSE worker free: at most TOTAL such
 * operations at once, at most PER_USER of them for one uid.  Past either, an
 * operation fails at once with EAGAIN instead of taking a worker. */
#ifndef VOBIZFS_GATE_H
#define VOBIZFS_GATE_H

#include <sys/types.h>

struct gate;

/* A gate of TOTAL places, PER_USER of them for one uid (both at least 1).
 * Returns NULL when out of memory. */
struct gate *gate_new(unsigned total, unsigned per_user);
void gate_free(struct gate *gate);

/* Take a place for UID.  Returns 0, or -EAGAIN when the gate or UID's share
 * is full (logged once a minute at most).  Thread-safe; never blocks. */
int gate_enter(struct gate *gate, uid_t uid);

/* Give back a place UID took.  Thread-safe. */
void gate_leave(struct gate *gate, uid_t uid);

/* Places taken now. */
unsigned gate_in_use(struct gate *gate);

#endif
