/* test_removal.c — which unlinks are deliberate removals: the tools that
 * overwrite or move files are refused by name (busybox's by its applet), any
 * program whose write was just refused is refused its unlink too, and so is a
 * caller who could not be identified; everyone else removes. */
#include "removal.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static int setup(void **state)
{
	*state = removal_guard_new();
	return *state ? 0 : -1;
}

static int teardown(void **state)
{
	removal_guard_free(*state);
	return 0;
}

static struct caller caller_of(const char *comm, pid_t pid)
{
	struct caller c = { .uid = 1000, .pid = pid };

	snprintf(c.comm, sizeof(c.comm), "%s", comm);
	return c;
}

static void overwriting_tools_are_refused_by_name(void **state)
{
	static const char *const tools[] = {
		"cp",       "mv",    "install", "ginstall", "ln",         "tar",     "gtar",     "bsdtar",    "cpio",
		"pax",      "unzip", "7z",      "7za",      "7zr",        "rsync",   "gio",      "git",       "mc",
		"nautilus", "nemo",  "thunar",  "pcmanfm",  "pcmanfm-qt", "dolphin", "krusader", "doublecmd",
	};

	for (size_t i = 0; i < sizeof(tools) / sizeof(tools[0]); i++) {
		struct caller c = caller_of(tools[i], 2000 + (pid_t)i);
		char why[256] = "";

		assert_false(removal_is_deliberate(*state, &c, why, sizeof(why)));
		/* The reason names the program and what does release. */
		assert_int_equal(strncmp(why, tools[i], strlen(tools[i])), 0);
		assert_int_equal(why[strlen(tools[i])], ' ');
		assert_non_null(strstr(why, "rm"));
	}
}

static void removing_programs_are_deliberate(void **state)
{
	static const char *const removers[] = { "rm",     "unlink", "find", "python3", "perl",   "xargs", "bash",
						"mcedit", "cpx",    "c",    "rsync2",  "mvfile", "Cp",    "gitk" };

	for (size_t i = 0; i < sizeof(removers) / sizeof(removers[0]); i++) {
		struct caller c = caller_of(removers[i], 3000 + (pid_t)i);
		char why[256] = "";

		assert_true(removal_is_deliberate(*state, &c, why, sizeof(why)));
	}
}

static void refused_write_taints_that_process_only(void **state)
{
	struct caller p = caller_of("python3", 4100), q = caller_of("python3", 4101);
	struct caller p_rm = caller_of("rm", 4100); /* the same pid after an exec */
	char why[256] = "";

	assert_true(removal_is_deliberate(*state, &p, why, sizeof(why)));
	removal_note_refused_write(*state, &p);
	assert_false(removal_is_deliberate(*state, &p, why, sizeof(why)));
	assert_non_null(strstr(why, "write"));
	assert_non_null(strstr(why, "refused"));
	/* Asked again, still refused: the taint is not used up. */
	assert_false(removal_is_deliberate(*state, &p, why, sizeof(why)));
	/* It is the process that is tainted, whatever it is called now. */
	assert_false(removal_is_deliberate(*state, &p_rm, why, sizeof(why)));
	assert_true(removal_is_deliberate(*state, &q, why, sizeof(why)));

	/* Noting again refreshes the same slot. */
	removal_note_refused_write(*state, &p);
	assert_false(removal_is_deliberate(*state, &p, why, sizeof(why)));
	assert_true(removal_is_deliberate(*state, &q, why, sizeof(why)));
}

static void many_refused_writers_are_all_remembered(void **state)
{
	/* Fewer than the table holds: every one is still tainted. */
	for (pid_t pid = 5000; pid < 5040; pid++) {
		struct caller c = caller_of("python3", pid);

		removal_note_refused_write(*state, &c);
	}
	for (pid_t pid = 5000; pid < 5040; pid++) {
		struct caller c = caller_of("python3", pid);
		char why[256];

		assert_false(removal_is_deliberate(*state, &c, why, sizeof(why)));
	}
}

static void short_why_is_cut_not_overrun(void **state)
{
	struct caller c = caller_of("rsync", 6000);
	char why[8];

	memset(why, 'x', sizeof(why));
	assert_false(removal_is_deliberate(*state, &c, why, 6));
	assert_string_equal(why, "rsync");
	assert_int_equal(why[6], 'x');
}

static struct caller busybox(const char *applet, pid_t pid)
{
	struct caller c = caller_of("busybox", pid);

	snprintf(c.applet, sizeof(c.applet), "%s", applet);
	return c;
}

static void busybox_is_judged_by_its_applet(void **state)
{
	static const char *const movers[] = { "mv", "cp", "tar", "cpio", "unzip", "install", "ln", "sh", "ash", "" };
	static const char *const removers[] = { "rm", "unlink", "find" };
	char why[256];

	for (size_t i = 0; i < sizeof(movers) / sizeof(movers[0]); i++) {
		struct caller c = busybox(movers[i], 7000 + (pid_t)i);

		assert_int_equal(removal_check(*state, &c, why, sizeof(why)), -EPERM);
		assert_non_null(strstr(why, "busybox"));
		assert_non_null(strstr(why, "only busybox rm"));
	}
	for (size_t i = 0; i < sizeof(removers) / sizeof(removers[0]); i++) {
		struct caller c = busybox(removers[i], 7100 + (pid_t)i);

		assert_int_equal(removal_check(*state, &c, why, sizeof(why)), 0);
	}
	/* toybox too; an applet's name alone does not make rm a mover. */
	struct caller toy = busybox("mv", 7200);
	snprintf(toy.comm, sizeof(toy.comm), "toybox");
	assert_int_equal(removal_check(*state, &toy, why, sizeof(why)), -EPERM);
	struct caller rm_named_mv = caller_of("rm", 7201);
	snprintf(rm_named_mv.applet, sizeof(rm_named_mv.applet), "mv");
	assert_int_equal(removal_check(*state, &rm_named_mv, why, sizeof(why)), 0);
}

static void an_unidentified_caller_is_refused(void **state)
{
	struct caller gone = caller_of("rm", 7300), busy = caller_of("", 7301), nameless = caller_of("", 7302);
	char why[256];

	gone.unknown = -EPERM;
	snprintf(gone.unknown_why, sizeof(gone.unknown_why), "its pid is 0: ...");
	assert_int_equal(removal_check(*state, &gone, why, sizeof(why)), -EPERM);
	assert_non_null(strstr(why, "could not be identified (its pid is 0"));
	/* Out of descriptors is transient: EAGAIN, a retry may succeed. */
	busy.unknown = -EAGAIN;
	snprintf(busy.unknown_why, sizeof(busy.unknown_why), "/proc/7301/status: Too many open files");
	assert_int_equal(removal_check(*state, &busy, why, sizeof(why)), -EAGAIN);
	assert_non_null(strstr(why, "Too many open files"));
	/* An empty name is no name: never taken for a removal. */
	assert_int_equal(removal_check(*state, &nameless, why, sizeof(why)), -EPERM);
	assert_non_null(strstr(why, "unknown"));
	assert_false(removal_is_deliberate(*state, &nameless, why, sizeof(why)));
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(overwriting_tools_are_refused_by_name),  T(removing_programs_are_deliberate),
		T(refused_write_taints_that_process_only), T(many_refused_writers_are_all_remembered),
		T(short_why_is_cut_not_overrun),           T(busybox_is_judged_by_its_applet),
		T(an_unidentified_caller_is_refused),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
