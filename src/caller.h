/* caller.h — who is asking: the process behind a request (its uid, pid,
 * program name, and the applet of a multi-call binary such as busybox), read
 * from /proc, or what could not be read.  FUSE-free: the pid and uid are given. */
#ifndef VOBIZFS_CALLER_H
#define VOBIZFS_CALLER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Descriptors kept open for reading a caller when the process has none left. */
#define CALLER_RESERVE_FDS 4

/* Who asked, as the kernel told the filesystem and /proc shows it. */
struct caller {
	uid_t uid;
	pid_t pid;
	char comm[32];   /* the program's name, e.g. "rm"; "" if unknown */
	char applet[32]; /* what a multi-call binary runs ("mv" for `busybox mv`); else "" */
	/* 0 when the identity above is established; otherwise -EPERM (it cannot
	 * be: pid 0, the process gone, /proc of another pid namespace) or
	 * -EAGAIN (not now: out of descriptors or memory), with what could not
	 * be read in UNKNOWN_WHY. */
	int unknown;
	char unknown_why[160];
};

/* Prepare for caller_read(), before any thread starts: open /proc (kept as a
 * directory descriptor) and CALLER_RESERVE_FDS descriptors in reserve, and
 * check that /proc shows this process's own pid namespace.  Returns 0, or a
 * negative errno with the reason in ERR (then no caller can be read: the mount
 * must not start).  A /proc of another pid namespace (`unshare --pid --fork`
 * without --mount-proc) is not an error: 0 with a warning in ERR, and every
 * caller_read() says the caller is unknown.  ERR is "" when all is well. */
int caller_init(char *err, size_t errlen);

/* True when NAME (a comm) is a multi-call binary, busybox or toybox: which
 * program it is depends on its argv, and caller_read() sets the applet. */
bool caller_is_multi_call(const char *name);

/* Close what caller_init() opened.  Not thread-safe: after the last read. */
void caller_shutdown(void);

/* Fill *OUT with the identity of the thread PID that made a request as UID:
 * the program name is its process's (the thread group leader's comm, so a file
 * manager's worker thread is named by its program), the uid is checked
 * against the process's fsuid, and for busybox or toybox the applet is read
 * from its argv.  Whatever cannot be established leaves OUT->unknown set (see
 * above); the fields read are kept either way.  When the process has no
 * descriptor left (EMFILE), one from the reserve is used; another thread may
 * take the freed slot first, and then the read fails with -EAGAIN — never
 * with a guessed identity.  Works without caller_init() (absolute /proc
 * paths, no reserve).  Thread-safe.  Returns OUT->unknown. */
int caller_read(pid_t pid, uid_t uid, struct caller *out);

#endif
