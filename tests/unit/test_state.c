/* test_state.c — the state directory's line files: created private, read as
 * empty when missing, rewritten whole and only when asked, refused when
 * malformed, and edited by one thread (or one daemon) at a time. */
#include "state.h"

#include <errno.h>
#include <ftw.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#define ACCOUNT "MA_TEST01"

struct fixture {
	char dir[64];        /* the temporary directory */
	char state_dir[128]; /* dir/a/b/c: missing until state_open() */
	struct state *state;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	const char *tmp = getenv("TMPDIR");

	if (!f)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "%s/vobizfs-state-XXXXXX", tmp && strlen(tmp) < 30 ? tmp : "/tmp");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->state_dir, sizeof(f->state_dir), "%s/a/b/c", f->dir);
	*state = f;
	return 0;
}

/* For nftw(): the test's directory goes, whatever a failed test left in it. */
static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path) < 0 ? -1 : 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	state_close(f->state);
	nftw(f->dir, remove_one, 8, FTW_DEPTH | FTW_PHYS);
	free(f);
	return 0;
}

static void open_state(struct fixture *f)
{
	char err[256] = "";

	assert_int_equal(state_open(f->state_dir, ACCOUNT, &f->state, err, sizeof(err)), 0);
	assert_non_null(f->state);
}

/* The path of the account's file NAME ("budget", "budget.tmp", ...). */
static void file_path(const struct fixture *f, const char *name, char *out, size_t len)
{
	snprintf(out, len, "%s/%s.%s", f->state_dir, ACCOUNT, name);
}

static void write_file(const struct fixture *f, const char *name, const char *text)
{
	char path[256];
	FILE *fp;

	file_path(f, name, path, sizeof(path));
	fp = fopen(path, "w");
	assert_non_null(fp);
	assert_int_equal(fputs(text, fp) >= 0, 1);
	assert_int_equal(fclose(fp), 0);
}

/* The file's whole text (at most LEN - 1 bytes), or -1 when it is missing. */
static long read_file(const struct fixture *f, const char *name, char *out, size_t len)
{
	char path[256];
	size_t n;
	FILE *fp;

	file_path(f, name, path, sizeof(path));
	out[0] = '\0';
	fp = fopen(path, "r");
	if (!fp)
		return -1;
	n = fread(out, 1, len - 1, fp);
	out[n] = '\0';
	fclose(fp);
	return (long)n;
}

static bool file_exists(const struct fixture *f, const char *name)
{
	char path[256];
	struct stat st;

	file_path(f, name, path, sizeof(path));
	return stat(path, &st) == 0;
}

/* What an edit saw and does: the records it was given, and the records to
 * append before returning RET. */
struct edit {
	int calls;
	size_t seen;
	struct state_record seen_v[8];
	const struct state_record *add;
	size_t add_count;
	int ret;
};

static int do_edit(struct state_records *recs, void *arg)
{
	struct edit *e = arg;

	e->calls++;
	e->seen = recs->count;
	for (size_t i = 0; i < recs->count && i < 8; i++)
		e->seen_v[i] = recs->v[i];
	for (size_t i = 0; i < e->add_count; i++)
		if (state_records_append(recs, &e->add[i]))
			return -ENOMEM;
	return e->ret;
}

static void open_creates_private_parents(void **state)
{
	struct fixture *f = *state;
	const char *const dirs[] = { "a", "a/b", "a/b/c" };
	char path[160];
	struct stat st;

	open_state(f);
	for (size_t i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/%s", f->dir, dirs[i]);
		assert_int_equal(stat(path, &st), 0);
		assert_true(S_ISDIR(st.st_mode));
		assert_int_equal(st.st_mode & 07777, 0700);
	}
	/* Opening again over the existing directory is fine. */
	state_close(f->state);
	f->state = NULL;
	open_state(f);
}

static void open_refuses_an_account_that_cannot_name_a_file(void **state)
{
	struct fixture *f = *state;
	const char *const bad[] = { "MA/TEST",
				    "..",
				    "MA.TEST",
				    ".",
				    "",
				    "MA TEST",
				    "A123456789012345678901234567890123456789012345678901234567890123456789" };
	char err[256], path[160];
	struct stat st;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct state *s = (struct state *)(uintptr_t)1; /* must come back NULL */

		err[0] = '\0';
		assert_int_equal(state_open(f->state_dir, bad[i], &s, err, sizeof(err)), -EINVAL);
		assert_null(s);
		assert_non_null(strstr(err, "auth_id"));
	}
	/* Nothing was created for them. */
	snprintf(path, sizeof(path), "%s/a", f->dir);
	assert_int_equal(stat(path, &st), -1);
	assert_int_equal(errno, ENOENT);
}

static void open_reports_an_unusable_dir(void **state)
{
	struct fixture *f = *state;
	char err[256] = "", path[160];
	struct state *s;
	FILE *fp;

	/* A file where a parent directory should be. */
	snprintf(path, sizeof(path), "%s/a", f->dir);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fclose(fp);
	assert_true(state_open(f->state_dir, ACCOUNT, &s, err, sizeof(err)) < 0);
	assert_null(s);
	assert_non_null(strstr(err, f->state_dir));
	unlink(path);
}

static void missing_file_reads_empty(void **state)
{
	struct fixture *f = *state;
	struct edit e = { .ret = 0 };

	open_state(f);
	assert_int_equal(state_edit(f->state, "budget", do_edit, &e), 0);
	assert_int_equal(e.calls, 1);
	assert_int_equal(e.seen, 0);
	/* Nothing to write: the file is still not there. */
	assert_false(file_exists(f, "budget"));
}

static void written_records_survive_a_reopen(void **state)
{
	struct fixture *f = *state;
	const struct state_record add[] = {
		{ .when_ms = 1700000000123, .action = "release", .number = "919876543210" },
		{ .when_ms = 1700000000456, .action = "cancel-release", .number = "14155550100" },
	};
	struct edit e = { .add = add, .add_count = 2, .ret = 1 };
	struct edit again = { .ret = 0 };
	char text[512];

	open_state(f);
	assert_int_equal(state_edit(f->state, "budget", do_edit, &e), 0);
	assert_int_equal(e.seen, 0);
	assert_int_equal(read_file(f, "budget", text, sizeof(text)) > 0, 1);
	assert_string_equal(text, "1700000000123 release 919876543210\n"
				  "1700000000456 cancel-release 14155550100\n");

	state_close(f->state);
	f->state = NULL;
	open_state(f);
	assert_int_equal(state_edit(f->state, "budget", do_edit, &again), 0);
	assert_int_equal(again.seen, 2);
	for (size_t i = 0; i < 2; i++) {
		assert_int_equal(again.seen_v[i].when_ms, add[i].when_ms);
		assert_string_equal(again.seen_v[i].action, add[i].action);
		assert_string_equal(again.seen_v[i].number, add[i].number);
	}
	/* Files are per name: another one is still empty. */
	again = (struct edit){ .ret = 0 };
	assert_int_equal(state_edit(f->state, "unsettled", do_edit, &again), 0);
	assert_int_equal(again.seen, 0);
}

static void unchanged_edit_leaves_the_file_alone(void **state)
{
	struct fixture *f = *state;
	const char *const text = "1700000000123 release 919876543210\n";
	const struct state_record add = { .when_ms = 1, .action = "release", .number = "919876543211" };
	struct edit keep = { .add = &add, .add_count = 1, .ret = 0 };
	struct edit fail = { .add = &add, .add_count = 1, .ret = -EDQUOT };
	struct stat before, after;
	char path[256], now[256];

	open_state(f);
	write_file(f, "budget", text);
	file_path(f, "budget", path, sizeof(path));
	assert_int_equal(stat(path, &before), 0);
	/* A returned 0 keeps the file, appended records notwithstanding... */
	assert_int_equal(state_edit(f->state, "budget", do_edit, &keep), 0);
	assert_int_equal(keep.seen, 1);
	/* ...and so does a returned errno, which state_edit() passes on. */
	assert_int_equal(state_edit(f->state, "budget", do_edit, &fail), -EDQUOT);
	assert_int_equal(stat(path, &after), 0);
	assert_int_equal(after.st_ino, before.st_ino); /* not replaced by a rename */
	assert_int_equal(after.st_mtim.tv_sec, before.st_mtim.tv_sec);
	assert_int_equal(after.st_mtim.tv_nsec, before.st_mtim.tv_nsec);
	read_file(f, "budget", now, sizeof(now));
	assert_string_equal(now, text);
}

static void malformed_file_is_an_error_not_empty(void **state)
{
	struct fixture *f = *state;
	const char *const bad[] = {
		"abc release 919876543210\n",
		"1700000000123 release 919876543210\nabc release 919876543210\n",
		"-5 release 919876543210\n",
		"1700000000123 Release 919876543210\n",
		"1700000000123 release +919876543210\n",
		"1700000000123 release 1234567\n",          /* too short for E.164 */
		"1700000000123 release 1234567890123456\n", /* too long */
		"1700000000123 release 919876543210 extra\n",
		"1700000000123 release\n",
		"1700000000123 release 919876543210", /* cut off: no newline */
		"1700000000123 release 919876543210\r\n",
		"\n",
	};

	open_state(f);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct edit e = { .ret = 1 };
		char text[256];

		write_file(f, "budget", bad[i]);
		assert_int_equal(state_edit(f->state, "budget", do_edit, &e), -EIO);
		assert_int_equal(e.calls, 0);
		read_file(f, "budget", text, sizeof(text));
		assert_string_equal(text, bad[i]); /* left for a human to fix */
	}
}

static void long_line_is_an_error(void **state)
{
	struct fixture *f = *state;
	char line[400];
	struct edit e = { .ret = 1 };

	memset(line, '1', sizeof(line) - 2);
	line[sizeof(line) - 2] = '\n';
	line[sizeof(line) - 1] = '\0';
	open_state(f);
	write_file(f, "budget", line);
	assert_int_equal(state_edit(f->state, "budget", do_edit, &e), -EIO);
	assert_int_equal(e.calls, 0);
}

static void written_file_is_private_and_whole(void **state)
{
	struct fixture *f = *state;
	const struct state_record add = { .when_ms = 42, .action = "release", .number = "919876543210" };
	struct edit e = { .add = &add, .add_count = 1, .ret = 1 };
	char path[256];
	struct stat st;

	open_state(f);
	assert_int_equal(state_edit(f->state, "unsettled", do_edit, &e), 0);
	file_path(f, "unsettled", path, sizeof(path));
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_false(file_exists(f, "unsettled.tmp"));
	/* The lock file is private too. */
	file_path(f, "lock", path, sizeof(path));
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);

	/* Rewriting with every record removed leaves an empty file. */
	e = (struct edit){ .ret = 1 };
	assert_int_equal(state_edit(f->state, "unsettled", do_edit, &e), 0);
	assert_int_equal(e.seen, 1);
}

static int remove_all(struct state_records *recs, void *arg)
{
	(void)arg;
	while (recs->count)
		state_records_remove(recs, 0);
	return 1;
}

static void emptied_file_stays_empty(void **state)
{
	struct fixture *f = *state;
	struct edit e = { .ret = 0 };
	char text[64];

	open_state(f);
	write_file(f, "unsettled", "1 release 919876543210\n2 release 919876543211\n");
	assert_int_equal(state_edit(f->state, "unsettled", remove_all, NULL), 0);
	assert_int_equal(read_file(f, "unsettled", text, sizeof(text)), 0);
	assert_int_equal(state_edit(f->state, "unsettled", do_edit, &e), 0);
	assert_int_equal(e.seen, 0);
	assert_false(file_exists(f, "unsettled.tmp"));
}

static void remove_keeps_the_order(void **state)
{
	struct state_records recs = { 0 };
	struct state_record r = { .action = "release", .number = "919876543210" };

	(void)state;
	for (int i = 0; i < 40; i++) { /* past the first growth */
		r.when_ms = i;
		assert_int_equal(state_records_append(&recs, &r), 0);
	}
	state_records_remove(&recs, 39); /* the last */
	state_records_remove(&recs, 0);  /* the first */
	state_records_remove(&recs, 10); /* one inside: when_ms 11 */
	assert_int_equal(recs.count, 37);
	for (size_t i = 0; i < recs.count; i++)
		assert_int_equal(recs.v[i].when_ms, i < 10 ? (int64_t)i + 1 : (int64_t)i + 2);
	free(recs.v);
}

static void now_is_wall_clock_ms(void **state)
{
	int64_t before = (int64_t)time(NULL) * 1000, now = state_now_ms();

	(void)state;
	assert_true(now >= before && now < before + 2000);
}

#define APPENDS 200

struct appender {
	struct state *state;
	int64_t base;
	int ret;
};

static int append_one(struct state_records *recs, void *arg)
{
	const struct state_record *r = arg;

	return state_records_append(recs, r) ? -ENOMEM : 1;
}

static void *append_many(void *arg)
{
	struct appender *a = arg;

	for (int i = 0; i < APPENDS && a->ret == 0; i++) {
		struct state_record r = { .when_ms = a->base + i, .action = "release", .number = "919876543210" };

		a->ret = state_edit(a->state, "budget", append_one, &r);
	}
	return NULL;
}

static int count_records(struct state_records *recs, void *arg)
{
	size_t *count = arg;
	char *seen = calloc(2 * APPENDS, 1);

	*count = recs->count;
	if (!seen)
		return -ENOMEM;
	/* Each append exactly once. */
	for (size_t i = 0; i < recs->count; i++) {
		int64_t k = recs->v[i].when_ms < 1000000 ? recs->v[i].when_ms : recs->v[i].when_ms - 1000000 + APPENDS;

		if (k < 0 || k >= 2 * APPENDS || seen[k]++)
			*count = 0;
	}
	free(seen);
	return 0;
}

/* Two appenders over STATES[0] and STATES[1] (the same state, or two). */
static void race_appenders(struct fixture *f, struct state *states[2])
{
	struct appender a[2] = { { .state = states[0], .base = 0 }, { .state = states[1], .base = 1000000 } };
	pthread_t tid[2];
	size_t count = 0;

	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&tid[i], NULL, append_many, &a[i]), 0);
	for (int i = 0; i < 2; i++) {
		pthread_join(tid[i], NULL);
		assert_int_equal(a[i].ret, 0);
	}
	assert_int_equal(state_edit(f->state, "budget", count_records, &count), 0);
	assert_int_equal(count, 2 * APPENDS);
	assert_false(file_exists(f, "budget.tmp"));
}

static void threads_take_turns(void **state)
{
	struct fixture *f = *state;
	struct state *states[2];

	open_state(f);
	states[0] = states[1] = f->state;
	race_appenders(f, states);
}

/* Two opens of one directory stand for two daemons: only the flock keeps
 * them apart. */
static void two_opens_take_turns(void **state)
{
	struct fixture *f = *state;
	struct state *states[2];
	char err[256];

	open_state(f);
	states[0] = f->state;
	assert_int_equal(state_open(f->state_dir, ACCOUNT, &states[1], err, sizeof(err)), 0);
	race_appenders(f, states);
	state_close(states[1]);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(open_creates_private_parents),
		T(open_refuses_an_account_that_cannot_name_a_file),
		T(open_reports_an_unusable_dir),
		T(missing_file_reads_empty),
		T(written_records_survive_a_reopen),
		T(unchanged_edit_leaves_the_file_alone),
		T(malformed_file_is_an_error_not_empty),
		T(long_line_is_an_error),
		T(written_file_is_private_and_whole),
		T(emptied_file_stays_empty),
		cmocka_unit_test(remove_keeps_the_order),
		cmocka_unit_test(now_is_wall_clock_ms),
		T(threads_take_turns),
		T(two_opens_take_turns),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
