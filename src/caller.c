/* caller.c — reading a caller's identity from /proc, so that the guards that
 * judge an unlink by its program never judge a guess: what cannot be read is
 * said, and a process out of descriptors still reads through a small reserve. */
#include "caller.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* /proc as a directory descriptor (AT_FDCWD with absolute paths until
 * caller_init()), and descriptors kept for the moment there are none left:
 * duplicates of proc_fd, each closed just before an openat() needs its slot,
 * and the slot filled again (dup3()) when the file is closed. */
static int proc_fd = AT_FDCWD;
static const char *proc_prefix = "/proc/";
static bool proc_foreign;                                        /* /proc shows another pid namespace */
static pthread_mutex_t reserve_lock = PTHREAD_MUTEX_INITIALIZER; /* guards reserve_fds */
static int reserve_fds[CALLER_RESERVE_FDS];
static size_t reserve_count;

int caller_init(char *err, size_t errlen)
{
	char self[32];
	ssize_t n;
	int fd;

	err[0] = '\0';
	fd = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;

		snprintf(err, errlen, "cannot open /proc, which tells who asks for a release: %s", strerror(e));
		return -e;
	}
	proc_fd = fd;
	proc_prefix = "";
	while (reserve_count < CALLER_RESERVE_FDS) {
		fd = fcntl(proc_fd, F_DUPFD_CLOEXEC, 0);
		if (fd < 0) {
			int e = errno;

			snprintf(err, errlen, "cannot keep descriptors in reserve for reading callers: %s",
				 strerror(e));
			caller_shutdown();
			return -e;
		}
		reserve_fds[reserve_count++] = fd;
	}
	/* The kernel gives a caller's pid in the daemon's pid namespace; a /proc
	 * mounted for another one would name some other process by that pid. */
	n = readlinkat(proc_fd, "self", self, sizeof(self) - 1);
	if (n > 0)
		self[n] = '\0';
	if (n <= 0 || strtol(self, NULL, 10) != (long)getpid()) {
		proc_foreign = true;
		snprintf(err, errlen,
			 "/proc shows another pid namespace (mount one for this namespace, e.g. unshare "
			 "--mount-proc): no caller can be identified, and every release is refused");
	}
	return 0;
}

void caller_shutdown(void)
{
	while (reserve_count)
		close(reserve_fds[--reserve_count]);
	if (proc_fd >= 0)
		close(proc_fd);
	proc_fd = AT_FDCWD;
	proc_prefix = "/proc/";
	proc_foreign = false;
}

/* Open /proc/PID/NAME for reading; out of descriptors, through the reserve.
 * Returns the descriptor or a negative errno. */
static int open_proc(pid_t pid, const char *name)
{
	char path[64];
	int fd, e;

	snprintf(path, sizeof(path), "%s%d/%s", proc_prefix, (int)pid, name);
	fd = openat(proc_fd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd >= 0)
		return fd;
	e = errno;
	if (e != EMFILE)
		return -e;
	pthread_mutex_lock(&reserve_lock);
	while (reserve_count > 0) {
		close(reserve_fds[--reserve_count]);
		fd = openat(proc_fd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
		if (fd >= 0 || (e = errno) != EMFILE)
			break;
		/* Another thread took the slot just freed: try the next one. */
	}
	pthread_mutex_unlock(&reserve_lock);
	return fd >= 0 ? fd : -e;
}

/* Close FD, or keep its slot in the reserve if the reserve is short (it
 * gave a slot for FD, or lost one to another thread). */
static void close_proc(int fd)
{
	bool kept = false;

	if (proc_fd >= 0) {
		pthread_mutex_lock(&reserve_lock);
		/* dup3() replaces FD in place: no other thread can take the slot. */
		if (reserve_count < CALLER_RESERVE_FDS && dup3(proc_fd, fd, O_CLOEXEC) == fd) {
			reserve_fds[reserve_count++] = fd;
			kept = true;
		}
		pthread_mutex_unlock(&reserve_lock);
	}
	if (!kept)
		close(fd);
}

/* Read up to CAP - 1 bytes of /proc/PID/NAME into BUF, NUL-terminated.
 * Returns the length read or a negative errno. */
static ssize_t read_proc(pid_t pid, const char *name, char *buf, size_t cap)
{
	size_t len = 0;
	ssize_t n = 0;
	int fd = open_proc(pid, name), e = 0;

	if (fd < 0)
		return fd;
	while (len < cap - 1 && (n = read(fd, buf + len, cap - 1 - len)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			e = errno;
			break;
		}
		len += (size_t)n;
	}
	close_proc(fd);
	buf[len] = '\0';
	return e ? -e : (ssize_t)len;
}

/* Set OUT unknown: ERR is a negative errno met reading /proc/PID/WHAT, WHY
 * (if not NULL) what was wrong with it; without WHAT, WHY says it all. */
static int unknown(struct caller *out, pid_t pid, const char *what, int err, const char *why)
{
	bool transient = err == -EMFILE || err == -ENFILE || err == -ENOMEM || err == -EAGAIN || err == -EINTR;

	out->unknown = transient ? -EAGAIN : -EPERM;
	if (err == -ENOENT || err == -ESRCH)
		why = "the process is gone";
	if (what && err)
		snprintf(out->unknown_why, sizeof(out->unknown_why), "/proc/%d/%s: %s", (int)pid, what,
			 why ? why : strerror(-err));
	else
		snprintf(out->unknown_why, sizeof(out->unknown_why), "%s", why);
	return out->unknown;
}

/* The value after "KEY:\t" on a line of /proc/PID/status, or NULL. */
static const char *status_field(const char *status, const char *key)
{
	size_t len = strlen(key);

	for (const char *line = status; *line;) {
		const char *next = strchr(line, '\n');

		if (!strncmp(line, key, len) && line[len] == ':')
			return line + len + 1;
		if (!next)
			break;
		line = next + 1;
	}
	return NULL;
}

/* Copy SRC into DST of CAP bytes, cut to fit (as the kernel cuts comm). */
static void copy_name(char *dst, size_t cap, const char *src)
{
	size_t len = strnlen(src, cap - 1);

	memcpy(dst, src, len);
	dst[len] = '\0';
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

bool caller_is_multi_call(const char *name)
{
	return !strncmp(name, "busybox", 7) || !strncmp(name, "toybox", 6);
}

/* The applet a multi-call binary runs: its argv[0]'s name unless that is the
 * binary itself (`busybox mv`), then argv[1]'s. */
static int read_applet(struct caller *out)
{
	char argv[512];
	ssize_t n = read_proc(out->pid, "cmdline", argv, sizeof(argv));
	const char *name;
	size_t first;

	if (n < 0)
		return unknown(out, out->pid, "cmdline", (int)n, NULL);
	first = strnlen(argv, (size_t)n);
	name = base_name(argv);
	if (n == 0 || !*name)
		return unknown(out, out->pid, "cmdline", -EPERM, "empty: the program that runs is unknown");
	if (caller_is_multi_call(name)) {
		if (first + 1 >= (size_t)n)
			return unknown(out, out->pid, "cmdline", -EPERM, "no applet named");
		name = base_name(argv + first + 1);
	}
	copy_name(out->applet, sizeof(out->applet), name);
	return 0;
}

int caller_read(pid_t pid, uid_t uid, struct caller *out)
{
	char status[2048], comm[sizeof(out->comm) + 1];
	const char *field;
	long tgid, fsuid = -1;
	ssize_t n;

	*out = (struct caller){ .uid = uid, .pid = pid };
	if (pid <= 0)
		return unknown(out, pid, NULL, 0,
			       "its pid is 0: it runs in a pid namespace the daemon cannot see into");
	if (uid == (uid_t)-1)
		return unknown(out, pid, NULL, 0, "its uid is not mapped into the daemon's user namespace");
	if (proc_foreign)
		return unknown(out, pid, NULL, 0, "/proc shows another pid namespace than the daemon's");
	n = read_proc(pid, "status", status, sizeof(status));
	if (n < 0)
		return unknown(out, pid, "status", (int)n, NULL);
	field = status_field(status, "Tgid");
	tgid = field ? strtol(field, NULL, 10) : 0;
	/* Uid: real, effective, saved, filesystem; the kernel sends the last. */
	if ((field = status_field(status, "Uid")) != NULL) {
		char *end;

		for (int i = 0; i < 4 && field; i++, field = end)
			fsuid = strtol(field, &end, 10);
	}
	if (tgid <= 0 || fsuid < 0)
		return unknown(out, pid, "status", -EPERM, "no Tgid or Uid line");
	if ((uid_t)fsuid != uid) {
		char why[64];

		snprintf(why, sizeof(why), "its uid is %ld, not the request's %u", fsuid, (unsigned)uid);
		return unknown(out, pid, "status", -EPERM, why);
	}
	n = read_proc((pid_t)tgid, "comm", comm, sizeof(comm));
	if (n < 0)
		return unknown(out, (pid_t)tgid, "comm", (int)n, NULL);
	comm[strcspn(comm, "\n")] = '\0';
	if (!comm[0])
		return unknown(out, (pid_t)tgid, "comm", -EPERM, "empty");
	copy_name(out->comm, sizeof(out->comm), comm);
	if (caller_is_multi_call(out->comm))
		return read_applet(out);
	return 0;
}
