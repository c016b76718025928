/* fdlimit.c — the descriptor limit raised, and the unwinder loaded before
 * descriptors can run out (see fdlimit.h). */
#include "fdlimit.h"

#include <dlfcn.h>
#include <fcntl.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

int fdlimit_prepare(char *note, size_t notelen)
{
	struct rlimit lim;
	int ret = 0;

	note[0] = '\0';
	/* An infinite hard limit cannot be a soft RLIMIT_NOFILE: leave it. */
	if (getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < lim.rlim_max && lim.rlim_max != RLIM_INFINITY) {
		lim.rlim_cur = lim.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &lim) < 0) {
			snprintf(note, notelen, "cannot raise the open files limit to %llu: %s",
				 (unsigned long long)lim.rlim_max, strerror(errno));
			ret = -1;
		}
	}
	/* Never closed (RTLD_NODELETE besides): glibc's own dlopen() of it
	 * then finds it loaded and opens no file. */
	if (!dlopen("libgcc_s.so.1", RTLD_NOW | RTLD_NODELETE)) {
		const char *why = dlerror();

		snprintf(note, notelen, "cannot load libgcc_s.so.1 (%s): an unmount short of open files may abort",
			 why ? why : "unknown reason");
		ret = -1;
	}
	return ret;
}

bool fdlimit_exhausted(unsigned long long *limit)
{
	struct rlimit lim = { 0 };
	int fd = fcntl(2, F_DUPFD_CLOEXEC, 0);

	if (fd >= 0) {
		close(fd);
		return false;
	}
	if (errno != EMFILE)
		return false;
	getrlimit(RLIMIT_NOFILE, &lim);
	*limit = (unsigned long long)lim.rlim_cur;
	return true;
}
