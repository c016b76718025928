/* test_store.c — the SQLite store: the budget's hour, the marks, the grace
 * queue shared by two handles (two mounts), the import of an old journal,
 * a database deleted under the mount, and a corrupt one. */
#include "clock.h"
#include "store.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#define ACCOUNT "MA_STORE"

struct fixture {
	char dir[64];
	struct store *s;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	snprintf(f->dir, sizeof(f->dir), "/tmp/test_store.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];

	store_close(f->s);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

static struct store *open_store(struct fixture *f, unsigned max)
{
	char err[256] = "";
	struct store *s = NULL;
	int ret = store_open(f->dir, ACCOUNT, max, 5, &s, err, sizeof(err));

	if (ret)
		fail_msg("store_open: %s", err);
	assert_int_equal(store_serve(s), 0);
	return s;
}

static int64_t soon(void)
{
	return clock_deadline_in(5);
}

static void budget_is_kept_and_given_back(void **state)
{
	struct fixture *f = *state;
	struct store_usage u;
	int64_t t1, t2, t3;
	time_t frees_at = 0;

	f->s = open_store(f, 2);
	assert_int_equal(store_begin_release(f->s, "919000000001", soon(), &t1, &frees_at), 0);
	assert_int_equal(store_begin_release(f->s, "919000000002", soon(), &t2, &frees_at), 0);
	assert_true(t1 && t2 && t1 != t2);
	assert_int_equal(store_begin_release(f->s, "919000000003", soon(), &t3, &frees_at), -EDQUOT);
	assert_true(frees_at > time(NULL) + 3500 && frees_at <= time(NULL) + 3601);
	store_usage(f->s, &u);
	assert_int_equal(u.used, 2);
	assert_int_equal(u.limit, 2);
	assert_true(u.whole);
	assert_int_equal(store_give_back(f->s, t2, soon()), 0);
	assert_int_equal(store_begin_release(f->s, "919000000003", soon(), &t3, &frees_at), 0);
	/* kept across a reopen (a remount) */
	store_close(f->s);
	f->s = open_store(f, 2);
	store_usage(f->s, &u);
	assert_int_equal(u.used, 2);
	assert_int_equal(store_begin_release(f->s, "919000000004", soon(), &t3, &frees_at), -EDQUOT);
}

static void marks_last_until_settled(void **state)
{
	struct fixture *f = *state;
	struct store_unsettled *list;
	size_t n;
	int64_t t;
	time_t at;
	char number[16];

	f->s = open_store(f, 0);
	assert_int_equal(store_begin_release(f->s, "919000000001", soon(), &t, &at), 0);
	assert_int_equal(t, 0); /* no limit: no slot */
	assert_int_equal(store_needs_look(f->s, "919000000001", soon()), 1);
	assert_int_equal(store_needs_look(f->s, "919000000002", soon()), 0);
	/* unbounded: 300 doubtful numbers, each remembered */
	for (int i = 0; i < 300; i++) {
		snprintf(number, sizeof(number), "9180000%05d", i);
		assert_int_equal(store_mark_doubtful(f->s, number, soon()), 0);
	}
	store_close(f->s);
	f->s = open_store(f, 0);
	assert_int_equal(store_needs_look(f->s, "918000000299", soon()), 1);
	assert_int_equal(store_list_unsettled(f->s, &list, &n, soon()), 0);
	assert_int_equal(n, 1); /* doubtful marks are not unsettled releases */
	assert_string_equal(list[0].number, "919000000001");
	free(list);
	assert_int_equal(store_settle(f->s, "919000000001", soon()), 0);
	assert_int_equal(store_needs_look(f->s, "919000000001", soon()), 0);
}

static void queue_is_shared_and_claimed_once(void **state)
{
	struct fixture *f = *state;
	struct store *other;
	struct store_queued q = { .number = "919000000001", .uid = 1000, .pid = 42, .comm = "rm" }, *list;
	struct store_usage u;
	size_t n;
	int64_t t, t2;
	time_t at;

	f->s = open_store(f, 1);
	other = open_store(f, 1);
	q.queued_wall_ms = 1000;
	q.due_wall_ms = 5000;
	assert_int_equal(store_queue_add(f->s, &q, soon(), &t, &at), 0);
	assert_true(t != 0);
	assert_int_equal(store_queue_add(other, &q, soon(), &t2, &at), -EEXIST);
	snprintf(q.number, sizeof(q.number), "919000000002");
	assert_int_equal(store_queue_add(other, &q, soon(), &t2, &at), -EDQUOT); /* the slot is taken at queueing */
	assert_int_equal(store_queue_list(other, &list, &n, soon()), 0);
	assert_int_equal(n, 1);
	assert_string_equal(list[0].number, "919000000001");
	assert_string_equal(list[0].comm, "rm");
	assert_int_equal(list[0].due_wall_ms, 5000);
	free(list);
	store_usage(f->s, &u);
	assert_int_equal(u.queued, 1);
	assert_int_equal(u.next_due_wall_ms, 5000);
	assert_int_equal(store_queue_claim(other, "919000000001", soon(), &t2), 0);
	assert_int_equal(t2, t);
	assert_int_equal(store_queue_claim(f->s, "919000000001", soon(), &t2), -ENOENT);
	assert_int_equal(store_queue_cancel(f->s, "919000000001", soon()), -ENOENT);
	assert_int_equal(store_needs_look(f->s, "919000000001", soon()), 1); /* claimed: unsettled */
	store_close(other);
}

static void cancel_gives_the_slot_back(void **state)
{
	struct fixture *f = *state;
	struct store_queued q = { .number = "919000000001", .comm = "rm" };
	int64_t t;
	time_t at;

	f->s = open_store(f, 1);
	assert_int_equal(store_queue_add(f->s, &q, soon(), &t, &at), 0);
	assert_int_equal(store_begin_release(f->s, "919000000009", soon(), &t, &at), -EDQUOT);
	assert_int_equal(store_queue_cancel(f->s, "919000000001", soon()), 0);
	assert_int_equal(store_begin_release(f->s, "919000000009", soon(), &t, &at), 0);
	assert_int_equal(store_queue_drop(f->s, "919000000001", soon()), -ENOENT);
}

static void write_file(const char *path, const char *text, size_t len)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	assert_int_equal(fwrite(text, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
}

static void old_journal_is_imported_once(void **state)
{
	struct fixture *f = *state;
	char path[128], text[512];
	struct store_usage u;
	struct stat st;
	int64_t now = (int64_t)time(NULL) * 1000;
	int n;

	n = snprintf(text, sizeof(text),
		     "%lld release 919000000001\n%lld release 919000000002\n%lld settled 919000000002\n"
		     "%lld release 919000000003\n%lld give-back 919000000003\n%lld release 919000000004\n"
		     "%lld settled 919000000004\n",
		     (long long)now - 10000, (long long)now - 9000, (long long)now - 8000, (long long)now - 7000,
		     (long long)now - 7000, (long long)now - 2 * 3600 * 1000, (long long)now - 7000000);
	memset(text + n, 0, 64); /* its room */
	snprintf(path, sizeof(path), "%s/" ACCOUNT ".journal", f->dir);
	write_file(path, text, (size_t)n + 64);
	f->s = open_store(f, 10);
	store_usage(f->s, &u);
	assert_int_equal(u.used, 2); /* 1 and 2; 3 given back; 4 out of the hour */
	assert_int_equal(store_needs_look(f->s, "919000000001", soon()), 1);
	assert_int_equal(store_needs_look(f->s, "919000000002", soon()), 0);
	assert_int_not_equal(stat(path, &st), 0);
	snprintf(path, sizeof(path), "%s/" ACCOUNT ".journal.imported", f->dir);
	assert_int_equal(stat(path, &st), 0);
	store_close(f->s);
	f->s = open_store(f, 10);
	store_usage(f->s, &u);
	assert_int_equal(u.used, 2);
}

static void malformed_journal_refuses(void **state)
{
	struct fixture *f = *state;
	char path[128], err[256];

	snprintf(path, sizeof(path), "%s/" ACCOUNT ".journal", f->dir);
	write_file(path, "garbage here\n", 13);
	assert_int_equal(store_open(f->dir, ACCOUNT, 1, 5, &f->s, err, sizeof(err)), -EIO);
	assert_non_null(strstr(err, "line 1"));
}

static void corrupt_database_refuses_naming_it(void **state)
{
	struct fixture *f = *state;
	char path[128], err[256], junk[8192];

	memset(junk, 'x', sizeof(junk));
	snprintf(path, sizeof(path), "%s/" STORE_DB_NAME, f->dir);
	write_file(path, junk, sizeof(junk));
	assert_int_not_equal(store_open(f->dir, ACCOUNT, 1, 5, &f->s, err, sizeof(err)), 0);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "not a database"));
}

static void deleted_database_is_rebuilt_with_the_budget(void **state)
{
	struct fixture *f = *state;
	char cmd[128];
	struct store_usage u;
	int64_t t;
	time_t at;

	f->s = open_store(f, 2);
	assert_int_equal(store_begin_release(f->s, "919000000001", soon(), &t, &at), 0);
	assert_int_equal(store_begin_release(f->s, "919000000002", soon(), &t, &at), 0);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	/* the call that finds it gone is refused; the store is rebuilt */
	assert_int_equal(store_begin_release(f->s, "919000000003", soon(), &t, &at), -EIO);
	store_usage(f->s, &u);
	assert_true(u.whole);
	assert_int_equal(u.used, 2);
	assert_int_equal(store_begin_release(f->s, "919000000003", soon(), &t, &at), -EDQUOT);
	assert_int_equal(store_needs_look(f->s, "919000000001", soon()), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
		T(budget_is_kept_and_given_back),      T(marks_last_until_settled),
		T(queue_is_shared_and_claimed_once),   T(cancel_gives_the_slot_back),
		T(old_journal_is_imported_once),       T(malformed_journal_refuses),
		T(corrupt_database_refuses_naming_it), T(deleted_database_is_rebuilt_with_the_budget),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
