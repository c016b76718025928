/* fdlimit.h — preparing the process for running short of file descriptors:
 * the soft limit raised to the hard one, and what glibc would otherwise load
 * from a file at the worst moment (libgcc_s, for pthread_cancel) loaded now. */
#ifndef VOBIZFS_FDLIMIT_H
#define VOBIZFS_FDLIMIT_H

#include <stdbool.h>
#include <stddef.h>

/* Raise the soft RLIMIT_NOFILE to the hard limit, and load libgcc_s.so.1 for
 * good: libfuse stops its workers with pthread_cancel(), which makes glibc
 * dlopen() that library on first use, and without a descriptor to open it
 * with glibc aborts the process ("libgcc_s.so.1 must be installed for
 * pthread_cancel to work") in the middle of an unmount.  Call before any
 * thread starts.  Returns 0, or -1 with what could not be done in NOTE (the
 * process can go on: then an unmount short of descriptors may abort). */
int fdlimit_prepare(char *note, size_t notelen);

/* True when the process has no descriptor left (a new one is EMFILE), with
 * the limit in *LIMIT: for a message that names the cause of a failure that
 * reached the user in other words ("Couldn't connect to server").
 * Thread-safe. */
bool fdlimit_exhausted(unsigned long long *limit);

#endif
