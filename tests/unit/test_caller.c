/* test_caller.c — a caller's identity from /proc: the process's name (not a
 * thread's), busybox's applet, the uid checked, and whatever cannot be read
 * said — out of descriptors, the reserve still reads it. */
#include "caller.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

/* This process's name, as the kernel has it: "test_caller", or the tool's
 * that runs it (valgrind's "memcheck-amd64-"). */
static char SELF[32];

static void read_self_name(void)
{
	FILE *f = fopen("/proc/self/comm", "re");

	if (f) {
		if (!fgets(SELF, sizeof(SELF), f))
			SELF[0] = '\0';
		SELF[strcspn(SELF, "\n")] = '\0';
		fclose(f);
	}
}

/* Descriptors held open so that the process has none left (EMFILE). */
struct exhaustion {
	struct rlimit saved;
	int fds[256];
	size_t count;
};

static void exhaust(struct exhaustion *x)
{
	struct rlimit low;
	int fd;

	assert_int_equal(getrlimit(RLIMIT_NOFILE, &x->saved), 0);
	low = (struct rlimit){ .rlim_cur = 64, .rlim_max = x->saved.rlim_max };
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &low), 0);
	x->count = 0;
	while (x->count < 256 && (fd = open("/dev/null", O_RDONLY | O_CLOEXEC)) >= 0)
		x->fds[x->count++] = fd;
	assert_int_equal(errno, EMFILE);
}

static void relieve(struct exhaustion *x)
{
	while (x->count)
		close(x->fds[--x->count]);
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &x->saved), 0);
}

static void self_is_read_without_init(void **state)
{
	struct caller c;

	(void)state;
	assert_int_equal(caller_read(getpid(), getuid(), &c), 0);
	assert_string_equal(c.comm, SELF);
	assert_string_equal(c.applet, "");
	assert_int_equal(c.pid, getpid());
}

static void out_of_descriptors_without_reserve_is_eagain(void **state)
{
	struct exhaustion x;
	struct caller c;
	int ret;

	(void)state;
	exhaust(&x);
	ret = caller_read(getpid(), getuid(), &c);
	relieve(&x);
	assert_int_equal(ret, -EAGAIN);
	assert_int_equal(c.unknown, -EAGAIN);
	assert_string_equal(c.comm, "");
	assert_non_null(strstr(c.unknown_why, "Too many open files"));
	assert_non_null(strstr(c.unknown_why, "/proc/"));
}

static void out_of_descriptors_the_reserve_reads(void **state)
{
	struct exhaustion x;
	char err[256];
	int ok = 0;

	(void)state;
	assert_int_equal(caller_init(err, sizeof(err)), 0);
	assert_string_equal(err, "");
	exhaust(&x);
	/* Again and again: each read gives its slot back to the reserve. */
	for (int i = 0; i < 20; i++) {
		struct caller c;

		ok += caller_read(getpid(), getuid(), &c) == 0 && !strcmp(c.comm, SELF);
	}
	relieve(&x);
	assert_int_equal(ok, 20);
}

static void pid_zero_is_unknown(void **state)
{
	struct caller c;

	(void)state;
	assert_int_equal(caller_read(0, getuid(), &c), -EPERM);
	assert_non_null(strstr(c.unknown_why, "pid is 0"));
	assert_string_equal(c.comm, "");
}

static void another_uid_is_unknown(void **state)
{
	struct caller c;

	(void)state;
	assert_int_equal(caller_read(getpid(), getuid() + 1, &c), -EPERM);
	assert_non_null(strstr(c.unknown_why, "uid"));
	assert_int_equal(caller_read(getpid(), (uid_t)-1, &c), -EPERM);
}

static void a_process_gone_is_unknown(void **state)
{
	pid_t child = fork();
	struct caller c;

	(void)state;
	assert_true(child >= 0);
	if (child == 0)
		_exit(0);
	assert_int_equal(waitpid(child, NULL, 0), child);
	assert_int_equal(caller_read(child, getuid(), &c), -EPERM);
	assert_non_null(strstr(c.unknown_why, "gone"));
}

static void *renamed_thread(void *arg)
{
	pid_t *tid = arg;

	prctl(PR_SET_NAME, "pool-worker");
	*tid = gettid();
	pause(); /* until the process ends */
	return NULL;
}

static void a_thread_is_named_by_its_process(void **state)
{
	pthread_t thread;
	pid_t tid = 0;
	struct caller c;

	(void)state;
	assert_int_equal(pthread_create(&thread, NULL, renamed_thread, &tid), 0);
	pthread_detach(thread);
	while (!__atomic_load_n(&tid, __ATOMIC_SEQ_CST))
		sched_yield();
	assert_int_equal(caller_read(tid, getuid(), &c), 0);
	assert_string_equal(c.comm, SELF);
	assert_int_equal(c.pid, tid);
}

/* The child's comm once it has exec'd busybox (polled, bounded). */
static bool became_busybox(pid_t pid)
{
	char path[64], comm[32] = "";

	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	for (int i = 0; i < 400; i++) {
		FILE *f = fopen(path, "re");

		if (f) {
			if (!fgets(comm, sizeof(comm), f))
				comm[0] = '\0';
			fclose(f);
		}
		if (!strcmp(comm, "busybox\n"))
			return true;
		struct timespec ms5 = { .tv_nsec = 5000000 };
		nanosleep(&ms5, NULL);
	}
	return false;
}

static void busybox_names_its_applet(void **state)
{
	pid_t child;
	struct caller c;
	int ret;

	(void)state;
	if (access("/bin/busybox", X_OK) && access("/usr/bin/busybox", X_OK))
		skip();
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		execlp("busybox", "busybox", "sleep", "30", (char *)NULL);
		_exit(127);
	}
	assert_true(became_busybox(child));
	ret = caller_read(child, getuid(), &c);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	assert_int_equal(ret, 0);
	assert_string_equal(c.comm, "busybox");
	assert_string_equal(c.applet, "sleep");
	assert_true(caller_is_multi_call("busybox"));
	assert_true(caller_is_multi_call("toybox"));
	assert_false(caller_is_multi_call("rm"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		/* These two before caller_init(). */
		cmocka_unit_test(self_is_read_without_init),
		cmocka_unit_test(out_of_descriptors_without_reserve_is_eagain),
		cmocka_unit_test(out_of_descriptors_the_reserve_reads),
		cmocka_unit_test(pid_zero_is_unknown),
		cmocka_unit_test(another_uid_is_unknown),
		cmocka_unit_test(a_process_gone_is_unknown),
		cmocka_unit_test(a_thread_is_named_by_its_process),
		cmocka_unit_test(busybox_names_its_applet),
	};
	int failed;

	read_self_name(); /* before any thread is renamed */
	failed = cmocka_run_group_tests(tests, NULL, NULL);

	caller_shutdown();
	return failed;
}
