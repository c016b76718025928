/* test_audit.c — the audit trail: one JSON object per line with the documented
 * fields (and an outcome's optional details), a private file, clear errors,
 * whole lines under concurrency, no token in any line, and a file that follows
 * its path when it is rotated (reopened) or deleted. */
#include "audit.h"

#include "log.h"
#include "timefmt.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

struct fixture {
	char dir[64];
	char path[128];
	char rotated[136]; /* PATH.1 */
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	const char *tmp = getenv("TMPDIR");

	if (!f)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "%s/vobizfs-audit-XXXXXX", tmp && strlen(tmp) < 30 ? tmp : "/tmp");
	if (!mkdtemp(f->dir)) {
		free(f);
		return -1;
	}
	snprintf(f->path, sizeof(f->path), "%s/audit.log", f->dir);
	snprintf(f->rotated, sizeof(f->rotated), "%s.1", f->path);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	if (unlink(f->path) < 0)
		rmdir(f->path);
	unlink(f->rotated);
	rmdir(f->dir);
	log_clear_secrets();
	free(f);
	return 0;
}

/* The file's lines, each parsed; the caller frees with free_lines(). */
static cJSON **read_lines(const char *path, size_t *count)
{
	FILE *fp = fopen(path, "r");
	cJSON **lines = NULL;
	char *line = NULL;
	size_t cap = 0, n = 0;
	ssize_t len;

	assert_non_null(fp);
	while ((len = getline(&line, &cap, fp)) > 0) {
		/* A whole line: ends in one newline and holds no other. */
		assert_int_equal(line[len - 1], '\n');
		assert_int_equal(strchr(line, '\n'), line + len - 1);
		lines = realloc(lines, (n + 1) * sizeof(*lines));
		assert_non_null(lines);
		lines[n] = cJSON_Parse(line);
		assert_true(cJSON_IsObject(lines[n]));
		n++;
	}
	free(line);
	fclose(fp);
	*count = n;
	return lines;
}

static void free_lines(cJSON **lines, size_t count)
{
	for (size_t i = 0; i < count; i++)
		cJSON_Delete(lines[i]);
	free(lines);
}

static const char *str_field(const cJSON *o, const char *name)
{
	const cJSON *f = cJSON_GetObjectItemCaseSensitive(o, name);

	assert_true(cJSON_IsString(f));
	return f->valuestring;
}

static double num_field(const cJSON *o, const char *name)
{
	const cJSON *f = cJSON_GetObjectItemCaseSensitive(o, name);

	assert_true(cJSON_IsNumber(f));
	return f->valuedouble;
}

static void assert_utc_time(const cJSON *o, time_t lo, time_t hi)
{
	const char *s = str_field(o, "time");
	time_t t;

	/* 2026-11-27T08:16:49Z: UTC, to the second. */
	assert_int_equal(strlen(s), 20);
	assert_int_equal(s[10], 'T');
	assert_int_equal(s[19], 'Z');
	assert_int_equal(timefmt_parse_rfc3339(s, &t), 0);
	assert_true(t >= lo && t <= hi);
}

static const struct caller rm_caller = { .uid = 1000, .pid = 4242, .comm = "rm" };

static void intent_and_outcome_lines(void **state)
{
	struct fixture *f = *state;
	struct audit *a = NULL;
	char err[256] = "";
	struct audit_entry intent = {
		.event = "intent", .action = "release", .number = "919876543210", .caller = &rm_caller, .dry_run = false
	};
	struct audit_entry outcome = intent;
	cJSON **lines;
	size_t n;
	time_t before = time(NULL), after;

	(void)state;
	outcome.event = "outcome";
	outcome.http_status = 403;
	outcome.result = "EACCES";
	outcome.message = "account does not own this number";
	assert_int_equal(audit_open(f->path, &a, err, sizeof(err)), 0);
	assert_non_null(a);
	assert_int_equal(audit_write(a, &intent), 0);
	assert_int_equal(audit_write(a, &outcome), 0);
	audit_close(a);
	after = time(NULL);

	lines = read_lines(f->path, &n);
	assert_int_equal(n, 2);
	assert_utc_time(lines[0], before, after);
	assert_string_equal(str_field(lines[0], "event"), "intent");
	assert_string_equal(str_field(lines[0], "action"), "release");
	assert_string_equal(str_field(lines[0], "number"), "919876543210");
	assert_int_equal(num_field(lines[0], "uid"), 1000);
	assert_int_equal(num_field(lines[0], "pid"), 4242);
	assert_string_equal(str_field(lines[0], "comm"), "rm");
	assert_true(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(lines[0], "dry_run")));
	assert_null(cJSON_GetObjectItemCaseSensitive(lines[0], "http_status"));
	assert_null(cJSON_GetObjectItemCaseSensitive(lines[0], "result"));
	assert_null(cJSON_GetObjectItemCaseSensitive(lines[0], "message"));

	assert_utc_time(lines[1], before, after);
	assert_string_equal(str_field(lines[1], "event"), "outcome");
	assert_string_equal(str_field(lines[1], "number"), "919876543210");
	assert_int_equal(num_field(lines[1], "http_status"), 403);
	assert_string_equal(str_field(lines[1], "result"), "EACCES");
	assert_string_equal(str_field(lines[1], "message"), "account does not own this number");
	free_lines(lines, n);
}

static void dry_run_and_no_answer(void **state)
{
	struct fixture *f = *state;
	struct audit *a;
	char err[256];
	struct caller anon = { .uid = 0, .pid = 1, .comm = "" };
	struct audit_entry e = { .event = "outcome",
				 .action = "release",
				 .number = "918071387149",
				 .caller = &anon,
				 .dry_run = true,
				 .http_status = 0,
				 .result = "ok" };
	cJSON **lines;
	size_t n;

	(void)state;
	assert_int_equal(audit_open(f->path, &a, err, sizeof(err)), 0);
	assert_int_equal(audit_write(a, &e), 0);
	audit_close(a);
	lines = read_lines(f->path, &n);
	assert_int_equal(n, 1);
	assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(lines[0], "dry_run")));
	assert_int_equal(num_field(lines[0], "http_status"), 0);
	assert_string_equal(str_field(lines[0], "result"), "ok");
	assert_string_equal(str_field(lines[0], "comm"), "");
	assert_null(cJSON_GetObjectItemCaseSensitive(lines[0], "message"));
	free_lines(lines, n);
}

/* An outcome with details (a cancel's refund fields): the members follow
 * the fixed fields, never replace one of them, and NULL adds nothing. */
static void outcome_details_are_added(void **state)
{
	struct fixture *f = *state;
	struct audit *a;
	char err[256];
	cJSON *details = cJSON_Parse("{\"refund_status\":\"failed\",\"refund_amount\":700,\"currency\":\"INR\","
				     "\"refund_error\":\"could not process refund, please contact support\","
				     "\"result\":\"forged\",\"number\":\"1\"}");
	cJSON **lines;
	size_t n;

	(void)state;
	assert_non_null(details);
	assert_int_equal(audit_open(f->path, &a, err, sizeof(err)), 0);
	assert_int_equal(audit_outcome_details(a, "cancel-release", "919876543210", &rm_caller, false, 200, 0,
					       "Release cancelled", details),
			 0);
	assert_int_equal(
	    audit_outcome_details(a, "cancel-release", "919876543210", &rm_caller, false, 200, 0, NULL, NULL), 0);
	assert_int_equal(audit_outcome(a, "cancel-release", "919876543210", &rm_caller, false, 200, 0, NULL), 0);
	audit_close(a);
	cJSON_Delete(details);
	lines = read_lines(f->path, &n);
	assert_int_equal(n, 3);
	assert_string_equal(str_field(lines[0], "result"), "ok");
	assert_string_equal(str_field(lines[0], "number"), "919876543210");
	assert_string_equal(str_field(lines[0], "message"), "Release cancelled");
	assert_string_equal(str_field(lines[0], "refund_status"), "failed");
	assert_int_equal(num_field(lines[0], "refund_amount"), 700);
	assert_string_equal(str_field(lines[0], "currency"), "INR");
	assert_string_equal(str_field(lines[0], "refund_error"), "could not process refund, please contact support");
	for (size_t i = 1; i < 3; i++) {
		assert_null(cJSON_GetObjectItemCaseSensitive(lines[i], "refund_status"));
		assert_string_equal(str_field(lines[i], "result"), "ok");
	}
	free_lines(lines, n);
}

static void hostile_strings_stay_on_one_line(void **state)
{
	struct fixture *f = *state;
	struct audit *a;
	char err[256];
	struct caller odd = { .uid = 65534, .pid = 99999, .comm = "x\"\n\\y" };
	struct audit_entry e = { .event = "outcome",
				 .action = "release",
				 .number = "919876543210",
				 .caller = &odd,
				 .http_status = 500,
				 .result = "EIO",
				 .message = "line one\nline two\r\n{\"fake\":true}\n" };
	cJSON **lines;
	size_t n;

	(void)state;
	assert_int_equal(audit_open(f->path, &a, err, sizeof(err)), 0);
	assert_int_equal(audit_write(a, &e), 0);
	audit_close(a);
	lines = read_lines(f->path, &n);
	assert_int_equal(n, 1);
	assert_string_equal(str_field(lines[0], "comm"), "x\"\n\\y");
	assert_string_equal(str_field(lines[0], "message"), "line one\nline two\r\n{\"fake\":true}\n");
	free_lines(lines, n);
}

static void created_private_and_appended(void **state)
{
	struct fixture *f = *state;
	struct audit *a;
	char err[256];
	struct audit_entry e = {
		.event = "intent", .action = "release", .number = "919876543210", .caller = &rm_caller
	};
	struct stat st;
	mode_t old = umask(0);
	cJSON **lines;
	size_t n;

	(void)state;
	assert_int_equal(audit_open(f->path, &a, err, sizeof(err)), 0);
	umask(old);
	assert_int_equal(stat(f->path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(audit_write(a, &e), 0);
	audit_close(a);
	/* Re-opening appends; nothing earlier is lost. */
	assert_int_equal(audit_open(f->path, &a, err, sizeof(err)), 0);
	assert_int_equal(audit_write(a, &e), 0);
	audit_close(a);
	lines = read_lines(f->path, &n);
	assert_int_equal(n, 2);
	free_lines(lines, n);
}

static void unwritable_paths_fail_with_the_path(void **state)
{
	struct fixture *f = *state;
	struct audit *a = (struct audit *)&a;
	char err[256] = "", path[192];

	(void)state;
	/* A directory. */
	assert_true(audit_open(f->dir, &a, err, sizeof(err)) < 0);
	assert_null(a);
	assert_non_null(strstr(err, f->dir));
	/* Under a directory that does not exist. */
	snprintf(path, sizeof(path), "%s/missing/audit.log", f->dir);
	err[0] = '\0';
	a = (struct audit *)&a;
	assert_int_equal(audit_open(path, &a, err, sizeof(err)), -ENOENT);
	assert_null(a);
	assert_non_null(strstr(err, path));
}

static void null_audit_is_a_no_op(void **state)
{
	struct audit_entry e = {
		.event = "intent", .action = "release", .number = "919876543210", .caller = &rm_caller
	};

	(void)state;
	assert_int_equal(audit_write(NULL, &e), 0);
	audit_close(NULL);
}

enum { THREADS = 8, PER_THREAD = 150 };

struct writer {
	struct audit *audit;
	int id;
	int failures;
};

static void *write_many(void *arg)
{
	struct writer *w = arg;
	struct caller c = { .uid = 1000, .pid = 100 + w->id };
	char number[32], message[300];

	snprintf(c.comm, sizeof(c.comm), "writer-%d", w->id);
	/* Long-ish lines make a torn write more likely to show. */
	memset(message, 'a' + w->id, sizeof(message) - 1);
	message[sizeof(message) - 1] = '\0';
	for (int i = 0; i < PER_THREAD; i++) {
		struct audit_entry e = { .event = "outcome",
					 .action = "release",
					 .number = number,
					 .caller = &c,
					 .http_status = 204,
					 .result = "ok",
					 .message = message };

		snprintf(number, sizeof(number), "91%02d%08d", w->id, i);
		if (audit_write(w->audit, &e) != 0)
			w->failures++;
	}
	return NULL;
}

static void concurrent_writes_give_whole_lines(void **state)
{
	struct fixture *f = *state;
	struct writer w[THREADS];
	pthread_t tid[THREADS];
	struct audit *a;
	char err[256];
	int seen[THREADS] = { 0 };
	cJSON **lines;
	size_t n;

	(void)state;
	assert_int_equal(audit_open(f->path, &a, err, sizeof(err)), 0);
	for (int i = 0; i < THREADS; i++) {
		w[i] = (struct writer){ .audit = a, .id = i };
		assert_int_equal(pthread_create(&tid[i], NULL, write_many, &w[i]), 0);
	}
	for (int i = 0; i < THREADS; i++) {
		pthread_join(tid[i], NULL);
		assert_int_equal(w[i].failures, 0);
	}
	audit_close(a);
	lines = read_lines(f->path, &n); /* asserts every line is whole JSON */
	assert_int_equal(n, THREADS * PER_THREAD);
	for (size_t i = 0; i < n; i++) {
		int id = (int)num_field(lines[i], "pid") - 100;
		char want[32];

		assert_true(id >= 0 && id < THREADS);
		/* Lines from one writer stay in that writer's order. */
		snprintf(want, sizeof(want), "91%02d%08d", id, seen[id]++);
		assert_string_equal(str_field(lines[i], "number"), want);
		assert_int_equal(strlen(str_field(lines[i], "message")), 299);
	}
	for (int i = 0; i < THREADS; i++)
		assert_int_equal(seen[i], PER_THREAD);
	free_lines(lines, n);
}

#define TOKEN "tok-5f2a9c0e81b4d7e3"

/* An API message echoing the token, a caller named after it, details holding
 * it: the file never does.  Control characters are JSON escapes on disk (no
 * raw byte below 0x20 but the newline) and read back exactly; what JSON
 * would carry raw (DEL, C1, bytes that are not UTF-8) is written as \xHH. */
static void no_token_and_no_raw_control_characters(void **state)
{
	struct fixture *f = *state;
	struct audit *a;
	char err[256], raw[4096];
	struct caller evil = { .uid = 1000, .pid = 7, .comm = "\x1b[31mEVIL\a\rX" };
	struct caller named = { .uid = 1000, .pid = 8, .comm = "x" TOKEN };
	cJSON *details = cJSON_Parse("{\"refund_error\":\"bad token " TOKEN "\",\"nested\":{\"list\":[\"" TOKEN
				     "\",1]},\"del\":\"a\\u007fb\"}");
	const cJSON *nested;
	cJSON **lines;
	size_t n;
	ssize_t len;
	int fd;

	(void)state;
	assert_non_null(details);
	assert_int_equal(log_add_secret(TOKEN), 0);
	assert_int_equal(audit_open(f->path, &a, err, sizeof(err)), 0);
	assert_int_equal(audit_outcome(a, "release", "919876543210", &evil, false, 400, -EINVAL,
				       "token " TOKEN " rejected \xc2\x9b\xff"),
			 0);
	assert_int_equal(
	    audit_outcome_details(a, "cancel-release", "919876543210", &named, false, 200, 0, "ok", details), 0);
	audit_close(a);
	cJSON_Delete(details);

	fd = open(f->path, O_RDONLY);
	assert_true(fd >= 0);
	len = read(fd, raw, sizeof(raw) - 1);
	close(fd);
	assert_true(len > 0);
	raw[len] = '\0';
	assert_null(strstr(raw, "tok-"));
	for (ssize_t i = 0; i < len; i++)
		assert_true(raw[i] == '\n' || (unsigned char)raw[i] >= 0x20);
	assert_non_null(strstr(raw, "\\u001b[31mEVIL\\u0007\\rX"));

	lines = read_lines(f->path, &n);
	assert_int_equal(n, 2);
	assert_string_equal(str_field(lines[0], "comm"), "\x1b[31mEVIL\a\rX");
	assert_string_equal(str_field(lines[0], "message"), "token <redacted> rejected \\xc2\\x9b\\xff");
	assert_string_equal(str_field(lines[1], "comm"), "x<redacted>");
	assert_string_equal(str_field(lines[1], "refund_error"), "bad token <redacted>");
	nested = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(lines[1], "nested"), "list");
	assert_string_equal(cJSON_GetStringValue(cJSON_GetArrayItem(nested, 0)), "<redacted>");
	assert_string_equal(str_field(lines[1], "del"), "a\\x7fb");
	free_lines(lines, n);
}

static size_t count_lines(const char *path)
{
	size_t n;
	cJSON **lines = read_lines(path, &n);

	free_lines(lines, n);
	return n;
}

static const struct audit_entry plain_entry = {
	.event = "intent", .action = "release", .number = "919876543210", .caller = &rm_caller
};

/* logrotate renames the file, then SIGHUP reopens the path: the lines after
 * go to a new file, none to the renamed one. */
static void reopen_follows_a_rename(void **state)
{
	struct fixture *f = *state;
	struct audit *a;
	char err[256];
	struct stat st;

	(void)state;
	assert_int_equal(audit_open(f->path, &a, err, sizeof(err)), 0);
	assert_int_equal(audit_write(a, &plain_entry), 0);
	assert_int_equal(rename(f->path, f->rotated), 0);
	assert_int_equal(audit_write(a, &plain_entry), 0); /* not yet told */
	assert_int_equal(audit_reopen(a), 0);
	assert_int_equal(audit_write(a, &plain_entry), 0);
	assert_int_equal(audit_write(a, &plain_entry), 0);
	assert_int_equal(audit_reopen(a), 0); /* again: the same file goes on */
	assert_int_equal(audit_write(a, &plain_entry), 0);
	audit_close(a);
	assert_int_equal(count_lines(f->rotated), 2);
	assert_int_equal(count_lines(f->path), 3);
	assert_int_equal(stat(f->path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(audit_reopen(NULL), 0);
}

/* A path that cannot be opened again (here a directory took its place):
 * the error is returned and the file open so far goes on being written. */
static void failed_reopen_keeps_the_old_file(void **state)
{
	struct fixture *f = *state;
	struct audit *a;
	char err[256];

	(void)state;
	assert_int_equal(audit_open(f->path, &a, err, sizeof(err)), 0);
	assert_int_equal(rename(f->path, f->rotated), 0);
	assert_int_equal(mkdir(f->path, 0700), 0);
	assert_true(audit_reopen(a) < 0);
	assert_int_equal(audit_write(a, &plain_entry), 0);
	audit_close(a);
	assert_int_equal(count_lines(f->rotated), 1);
}

/* A deleted file is noticed at the next line: it goes to a new file at the
 * path, not into the void. */
static void deleted_file_is_replaced(void **state)
{
	struct fixture *f = *state;
	struct audit *a;
	char err[256];
	struct stat st;

	(void)state;
	assert_int_equal(audit_open(f->path, &a, err, sizeof(err)), 0);
	assert_int_equal(audit_write(a, &plain_entry), 0);
	assert_int_equal(unlink(f->path), 0);
	assert_int_equal(audit_write(a, &plain_entry), 0);
	assert_int_equal(audit_write(a, &plain_entry), 0);
	assert_int_equal(count_lines(f->path), 2);
	assert_int_equal(stat(f->path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	/* Renamed and then deleted (logrotate's compress without delaycompress):
	 * the same. */
	assert_int_equal(rename(f->path, f->rotated), 0);
	assert_int_equal(unlink(f->rotated), 0);
	assert_int_equal(audit_write(a, &plain_entry), 0);
	audit_close(a);
	assert_int_equal(count_lines(f->path), 1);
}

/* Deleted, and the path cannot take a new file: the write fails (a release
 * is then refused) until it can again. */
static void deleted_file_that_cannot_be_replaced_fails_the_write(void **state)
{
	struct fixture *f = *state;
	struct audit *a;
	char err[256];

	(void)state;
	assert_int_equal(audit_open(f->path, &a, err, sizeof(err)), 0);
	assert_int_equal(unlink(f->path), 0);
	assert_int_equal(mkdir(f->path, 0700), 0);
	assert_true(audit_write(a, &plain_entry) < 0);
	assert_true(audit_write(a, &plain_entry) < 0);
	assert_int_equal(rmdir(f->path), 0);
	assert_int_equal(audit_write(a, &plain_entry), 0);
	audit_close(a);
	assert_int_equal(count_lines(f->path), 1);
}

static int64_t now_ms(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

/* Neither a FIFO (which would block the open, or a reopen holding the lock)
 * nor a symbolic link is taken as the log. */
static void fifo_and_symlink_are_refused_at_once(void **state)
{
	struct fixture *f = *state;
	struct audit *a = NULL;
	char err[256] = "";
	int64_t start;
	int reader;

	(void)state;
	assert_int_equal(mkfifo(f->path, 0600), 0);
	start = now_ms();
	assert_true(audit_open(f->path, &a, err, sizeof(err)) < 0);
	assert_null(a);
	assert_non_null(strstr(err, "a FIFO, not a file"));
	/* With a reader at the other end the open succeeds; it is still refused. */
	reader = open(f->path, O_RDONLY | O_NONBLOCK);
	assert_true(reader >= 0);
	err[0] = '\0';
	assert_true(audit_open(f->path, &a, err, sizeof(err)) < 0);
	assert_non_null(strstr(err, "a FIFO, not a file"));
	close(reader);
	assert_true(now_ms() - start < 2000);
	assert_int_equal(unlink(f->path), 0);

	assert_int_equal(symlink(f->rotated, f->path), 0);
	assert_int_equal(audit_open(f->path, &a, err, sizeof(err)), -ELOOP);
	assert_null(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(intent_and_outcome_lines, setup, teardown),
		cmocka_unit_test_setup_teardown(dry_run_and_no_answer, setup, teardown),
		cmocka_unit_test_setup_teardown(outcome_details_are_added, setup, teardown),
		cmocka_unit_test_setup_teardown(hostile_strings_stay_on_one_line, setup, teardown),
		cmocka_unit_test_setup_teardown(created_private_and_appended, setup, teardown),
		cmocka_unit_test_setup_teardown(unwritable_paths_fail_with_the_path, setup, teardown),
		cmocka_unit_test(null_audit_is_a_no_op),
		cmocka_unit_test_setup_teardown(concurrent_writes_give_whole_lines, setup, teardown),
		cmocka_unit_test_setup_teardown(no_token_and_no_raw_control_characters, setup, teardown),
		cmocka_unit_test_setup_teardown(reopen_follows_a_rename, setup, teardown),
		cmocka_unit_test_setup_teardown(failed_reopen_keeps_the_old_file, setup, teardown),
		cmocka_unit_test_setup_teardown(deleted_file_is_replaced, setup, teardown),
		cmocka_unit_test_setup_teardown(deleted_file_that_cannot_be_replaced_fails_the_write, setup, teardown),
		cmocka_unit_test_setup_teardown(fifo_and_symlink_are_refused_at_once, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
