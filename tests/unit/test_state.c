/* test_state.c — the release journal: created private with room for lines,
 * read as empty when missing, one synced line per release begun, lines added
 * in place, a torn last line dropped, anything else malformed refused,
 * compacted when its room runs out, the earlier version's files taken in,
 * and used by one thread (or one daemon) at a time. */
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

/* The path of the account's file NAME ("journal", "journal.tmp", ...). */
static void file_path(const struct fixture *f, const char *name, char *out, size_t len)
{
	snprintf(out, len, "%s/%s.%s", f->state_dir, ACCOUNT, name);
}

/* Write LEN bytes of TEXT as the file NAME (LEN may cover NULs). */
static void write_bytes(const struct fixture *f, const char *name, const char *text, size_t len)
{
	char path[256];
	FILE *fp;

	file_path(f, name, path, sizeof(path));
	fp = fopen(path, "w");
	assert_non_null(fp);
	assert_int_equal(fwrite(text, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
}

static void write_file(const struct fixture *f, const char *name, const char *text)
{
	write_bytes(f, name, text, strlen(text));
}

/* The file's text, up to its first NUL (at most LEN - 1 bytes); returns the
 * file's size, or -1 when it is missing. */
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
	fseek(fp, 0, SEEK_END);
	n = (size_t)ftell(fp);
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

static ino_t inode_of(const struct fixture *f, const char *name)
{
	char path[256];
	struct stat st;

	file_path(f, name, path, sizeof(path));
	assert_int_equal(stat(path, &st), 0);
	return st.st_ino;
}

/* What a state_read() saw. */
struct seen {
	size_t slots, unsettled;
	struct state_record slot_v[8], unsettled_v[8];
};

static int look(const struct state_view *view, void *arg)
{
	struct seen *seen = arg;

	seen->slots = view->slots.count;
	seen->unsettled = view->unsettled.count;
	for (size_t i = 0; i < view->slots.count && i < 8; i++)
		seen->slot_v[i] = view->slots.v[i];
	for (size_t i = 0; i < view->unsettled.count && i < 8; i++)
		seen->unsettled_v[i] = view->unsettled.v[i];
	return 0;
}

static struct seen seen_now(struct fixture *f)
{
	struct seen seen = { 0 };

	assert_int_equal(state_read(f->state, look, &seen), 0);
	return seen;
}

static int refuse(const struct state_view *view, void *arg)
{
	int *calls = arg;

	(void)view;
	(*calls)++;
	return -EDQUOT;
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

static void missing_journal_reads_empty(void **state)
{
	struct fixture *f = *state;
	struct seen seen;
	int calls = 0;

	open_state(f);
	seen = seen_now(f);
	assert_int_equal(seen.slots, 0);
	assert_int_equal(seen.unsettled, 0);
	/* Nothing to write: the file is still not there. */
	assert_false(file_exists(f, "journal"));
	assert_int_equal(state_settle(f->state, "919876543210"), 0);
	assert_int_equal(state_give_back(f->state, "919876543210", 1), 0);
	assert_int_equal(state_begin_release(f->state, "919876543210", 1, true, refuse, &calls), -EDQUOT);
	assert_int_equal(calls, 1);
	assert_false(file_exists(f, "journal"));
}

static void begun_releases_survive_a_reopen(void **state)
{
	struct fixture *f = *state;
	struct seen seen;
	char text[512];

	open_state(f);
	assert_int_equal(state_begin_release(f->state, "919876543210", 1700000000123, true, NULL, NULL), 0);
	assert_int_equal(state_begin_release(f->state, "14155550100", 1700000000456, false, NULL, NULL), 0);
	assert_true(read_file(f, "journal", text, sizeof(text)) > 0);
	assert_string_equal(text, "1700000000123 release 919876543210\n"
				  "1700000000456 release-uncounted 14155550100\n");

	state_close(f->state);
	f->state = NULL;
	open_state(f);
	seen = seen_now(f);
	assert_int_equal(seen.slots, 1); /* only the counted one */
	assert_int_equal(seen.slot_v[0].when_ms, 1700000000123);
	assert_string_equal(seen.slot_v[0].number, "919876543210");
	assert_int_equal(seen.unsettled, 2);
	assert_string_equal(seen.unsettled_v[0].number, "919876543210");
	assert_string_equal(seen.unsettled_v[1].number, "14155550100");
	assert_int_equal(seen.unsettled_v[1].when_ms, 1700000000456);
}

static void settle_and_give_back_add_lines(void **state)
{
	struct fixture *f = *state;
	char text[512], *settled;
	struct seen seen;
	ino_t ino;

	open_state(f);
	assert_int_equal(state_begin_release(f->state, "919876543210", 1000, true, NULL, NULL), 0);
	assert_int_equal(state_begin_release(f->state, "919876543211", 2000, true, NULL, NULL), 0);
	ino = inode_of(f, "journal");
	assert_int_equal(state_settle(f->state, "919876543210"), 0);
	assert_int_equal(state_give_back(f->state, "919876543211", 2000), 0);
	/* Neither is there any more: nothing more is written. */
	assert_int_equal(state_settle(f->state, "919876543210"), 0);
	assert_int_equal(state_give_back(f->state, "919876543211", 2000), 0);
	assert_int_equal(state_give_back(f->state, "919876543210", 999), 0); /* not its ticket */
	read_file(f, "journal", text, sizeof(text));
	settled = strstr(text, " settled 919876543210\n");
	assert_non_null(settled);
	assert_non_null(strstr(text, "2000 give-back 919876543211\n"));
	assert_null(strstr(settled + strlen(" settled"), "settled"));
	assert_int_equal(inode_of(f, "journal"), ino); /* written in place */

	seen = seen_now(f);
	assert_int_equal(seen.slots, 1);
	assert_string_equal(seen.slot_v[0].number, "919876543210"); /* settled, still counted */
	assert_int_equal(seen.unsettled, 1);
	assert_string_equal(seen.unsettled_v[0].number, "919876543211"); /* given back, still unsettled */

	state_close(f->state);
	f->state = NULL;
	open_state(f);
	seen = seen_now(f);
	assert_int_equal(seen.slots, 1);
	assert_int_equal(seen.unsettled, 1);
	assert_string_equal(seen.unsettled_v[0].number, "919876543211");
}

static void refusal_writes_nothing(void **state)
{
	struct fixture *f = *state;
	const char *const text = "1700000000123 release 919876543210\n";
	struct stat before, after;
	char path[256], now[256];
	int calls = 0;

	open_state(f);
	write_file(f, "journal", text);
	file_path(f, "journal", path, sizeof(path));
	assert_int_equal(stat(path, &before), 0);
	assert_int_equal(state_begin_release(f->state, "919876543211", 1, true, refuse, &calls), -EDQUOT);
	assert_int_equal(calls, 1);
	assert_int_equal(seen_now(f).slots, 1); /* a read writes nothing either */
	assert_int_equal(stat(path, &after), 0);
	assert_int_equal(after.st_ino, before.st_ino);
	assert_int_equal(after.st_mtim.tv_sec, before.st_mtim.tv_sec);
	assert_int_equal(after.st_mtim.tv_nsec, before.st_mtim.tv_nsec);
	read_file(f, "journal", now, sizeof(now));
	assert_string_equal(now, text);
}

static void malformed_journal_is_an_error_not_empty(void **state)
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
		"1700000000123 cancel-release 919876543210\n", /* no such line */
		"1700000000123 release 919876543210\r\n",
		"\n",
	};
	int calls = 0;

	open_state(f);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct seen seen = { 0 };
		char text[256];

		write_file(f, "journal", bad[i]);
		assert_int_equal(state_read(f->state, look, &seen), -EIO);
		assert_int_equal(state_begin_release(f->state, "919876543211", 1, true, refuse, &calls), -EIO);
		assert_int_equal(state_settle(f->state, "919876543210"), -EIO);
		assert_int_equal(calls, 0);
		read_file(f, "journal", text, sizeof(text));
		assert_string_equal(text, bad[i]); /* left for a human to fix */
	}
}

/* A crash can keep a later part of what was being written and lose an
 * earlier one: text after a NUL came from writes never synced.  It is
 * dropped, and the next line goes into a compacted journal without it, so
 * it can never join the text again. */
static void text_after_a_gap_is_dropped(void **state)
{
	const char text[] = "1700000000123 release 919876543210\n\0\0\0"
			    "1700000000124 settled 919876543210\n\0";
	struct fixture *f = *state;
	char now[256];
	struct seen seen;
	ino_t ino;

	open_state(f);
	write_bytes(f, "journal", text, sizeof(text));
	ino = inode_of(f, "journal");
	seen = seen_now(f);
	assert_int_equal(seen.unsettled, 1); /* the settled line was never synced */
	assert_int_equal(state_begin_release(f->state, "919876543211", 7, false, NULL, NULL), 0);
	assert_true(inode_of(f, "journal") != ino);
	read_file(f, "journal", now, sizeof(now));
	assert_null(strstr(now, "settled"));
	seen = seen_now(f);
	assert_int_equal(seen.unsettled, 2);
	assert_string_equal(seen.unsettled_v[0].number, "919876543210");
	assert_string_equal(seen.unsettled_v[1].number, "919876543211");
}

static void long_line_is_an_error(void **state)
{
	struct fixture *f = *state;
	char line[400];
	struct seen seen;

	memset(line, '1', sizeof(line) - 2);
	line[sizeof(line) - 2] = '\n';
	line[sizeof(line) - 1] = '\0';
	open_state(f);
	write_file(f, "journal", line);
	assert_int_equal(state_read(f->state, look, &seen), -EIO);
}

/* A crash while a line was written leaves part of it after the last
 * newline: never synced, it guarded nothing.  It is dropped, and the next
 * line takes its place. */
static void torn_last_line_is_dropped_and_written_over(void **state)
{
	struct fixture *f = *state;
	const char torn[] = "1700000000123 release 919876543210\n1700000000456 release 9198765";
	char padded[200] = "1700000000123 release 919876543210\n1700000000456 relea";
	char text[512];
	struct seen seen;

	open_state(f);
	write_file(f, "journal", torn);
	seen = seen_now(f);
	assert_int_equal(seen.slots, 1);
	assert_int_equal(seen.unsettled, 1);
	assert_string_equal(seen.unsettled_v[0].number, "919876543210");
	read_file(f, "journal", text, sizeof(text));
	assert_string_equal(text, torn); /* a read writes nothing */

	/* No room after it: the settled line goes into a compacted journal
	 * (where the hour-old slot is gone, and the torn line too). */
	assert_int_equal(state_settle(f->state, "919876543210"), 0);
	read_file(f, "journal", text, sizeof(text));
	assert_non_null(strstr(text, " settled 919876543210\n"));
	assert_null(strstr(text, "1700000000456"));
	seen = seen_now(f);
	assert_int_equal(seen.slots, 0);
	assert_int_equal(seen.unsettled, 0);

	/* The same in a journal with room: the torn part, longer than the line
	 * written over it, goes entirely. */
	state_close(f->state);
	f->state = NULL;
	memcpy(padded + strlen(padded), "se 919876543211 and more torn text", 35);
	write_bytes(f, "journal", padded, sizeof(padded));
	open_state(f);
	assert_int_equal(seen_now(f).unsettled, 1);
	assert_int_equal(state_begin_release(f->state, "14155550100", 42, false, NULL, NULL), 0);
	read_file(f, "journal", text, sizeof(text));
	assert_string_equal(text, "1700000000123 release 919876543210\n42 release-uncounted 14155550100\n");
	state_close(f->state);
	f->state = NULL;
	open_state(f);
	seen = seen_now(f);
	assert_int_equal(seen.unsettled, 2);
	assert_string_equal(seen.unsettled_v[1].number, "14155550100");
}

static void written_journal_is_private_with_room(void **state)
{
	struct fixture *f = *state;
	char path[256], text[256];
	struct stat st;
	long size;

	open_state(f);
	assert_int_equal(state_begin_release(f->state, "919876543210", 42, true, NULL, NULL), 0);
	file_path(f, "journal", path, sizeof(path));
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_false(file_exists(f, "journal.tmp"));
	/* Its text, then room: NULs that are written (not a hole). */
	size = read_file(f, "journal", text, sizeof(text));
	assert_string_equal(text, "42 release 919876543210\n");
	assert_true(size >= 4096 && size % 4096 == 0);
	assert_true((long)st.st_blocks * 512 >= size);
	/* The lock file is private too. */
	file_path(f, "lock", path, sizeof(path));
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
}

/* Lines for a journal whose room runs out: the hour-old lines and the
 * settled ones go, the rest stays, the file stays small. */
static void full_journal_is_compacted(void **state)
{
	struct fixture *f = *state;
	int64_t now = state_now_ms(), old = now - 2 * 3600 * 1000;
	char path[256], number[16];
	struct seen seen;
	struct stat st;

	open_state(f);
	assert_int_equal(state_begin_release(f->state, "919876543210", now, true, NULL, NULL), 0);
	assert_int_equal(state_begin_release(f->state, "919876543211", now, false, NULL, NULL), 0);
	for (int i = 0; i < 4000; i++) {
		snprintf(number, sizeof(number), "9190000%05d", i);
		assert_int_equal(state_begin_release(f->state, number, old + i, true, NULL, NULL), 0);
		assert_int_equal(state_settle(f->state, number), 0);
	}
	/* 8,004 lines (about 290 KB) were written; rewrites kept the file
	 * within its room (an inode number would not tell: one freed by an
	 * earlier rewrite may be given to a later one). */
	file_path(f, "journal", path, sizeof(path));
	assert_int_equal(stat(path, &st), 0);
	assert_true(st.st_size <= 128 * 1024);
	assert_false(file_exists(f, "journal.tmp"));
	seen = seen_now(f);
	assert_true(seen.unsettled == 2);
	assert_string_equal(seen.unsettled_v[0].number, "919876543210");
	assert_string_equal(seen.unsettled_v[1].number, "919876543211");
	/* The slot of the hour stays; most hour-old ones are gone. */
	assert_true(seen.slots >= 1 && seen.slots < 2000);
	assert_string_equal(seen.slot_v[0].number, "919876543210");

	state_close(f->state);
	f->state = NULL;
	open_state(f);
	seen = seen_now(f);
	assert_int_equal(seen.unsettled, 2);
	assert_string_equal(seen.slot_v[0].number, "919876543210");
}

/* An earlier version kept <account>.budget and <account>.unsettled. */
static void earlier_files_are_taken_in(void **state)
{
	struct fixture *f = *state;
	char budget[128], unsettled[128], text[512];
	int64_t now = state_now_ms();
	struct seen seen;

	open_state(f);
	snprintf(budget, sizeof(budget), "%lld release 919876543210\n%lld release 919876543211\n", (long long)now - 5,
		 (long long)now - 4);
	snprintf(unsettled, sizeof(unsettled), "%lld release 919876543211\n%lld release 14155550100\n",
		 (long long)now - 4, (long long)now - 3);
	write_file(f, "budget", budget);
	write_file(f, "unsettled", unsettled);
	seen = seen_now(f);
	assert_int_equal(seen.slots, 2);
	assert_int_equal(seen.unsettled, 2);
	assert_string_equal(seen.unsettled_v[0].number, "919876543211");
	assert_string_equal(seen.unsettled_v[1].number, "14155550100");
	assert_false(file_exists(f, "budget"));
	assert_false(file_exists(f, "unsettled"));
	read_file(f, "journal", text, sizeof(text));
	assert_non_null(strstr(text, "release-uncounted 14155550100\n"));

	state_close(f->state);
	f->state = NULL;
	open_state(f);
	seen = seen_now(f);
	assert_int_equal(seen.slots, 2);
	assert_int_equal(seen.unsettled, 2);
}

static void malformed_earlier_file_is_an_error(void **state)
{
	struct fixture *f = *state;
	const char *const bad[] = { "abc release 919876543210\n", "1 settled 919876543210\n",
				    "1 release 919876543210" };
	char text[128];
	struct seen seen;

	open_state(f);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		write_file(f, "unsettled", bad[i]);
		assert_int_equal(state_read(f->state, look, &seen), -EIO);
		read_file(f, "unsettled", text, sizeof(text));
		assert_string_equal(text, bad[i]);
		assert_false(file_exists(f, "journal"));
	}
}

struct settled_list {
	size_t count;
	char numbers[4][16];
};

static void note_settled(const struct state_record *begun, void *arg)
{
	struct settled_list *l = arg;

	if (l->count < 4)
		snprintf(l->numbers[l->count++], sizeof(l->numbers[0]), "%s", begun->number);
}

static void settle_all_tells_each_then_forgets(void **state)
{
	struct fixture *f = *state;
	struct settled_list l = { 0 };
	int64_t now = state_now_ms();
	struct seen seen;

	open_state(f);
	assert_int_equal(state_settle_all(f->state, note_settled, &l), 0);
	assert_int_equal(l.count, 0);
	assert_false(file_exists(f, "journal"));
	assert_int_equal(state_begin_release(f->state, "919876543210", now, true, NULL, NULL), 0);
	assert_int_equal(state_begin_release(f->state, "919876543211", now, false, NULL, NULL), 0);
	assert_int_equal(state_begin_release(f->state, "919876543212", now, true, NULL, NULL), 0);
	assert_int_equal(state_settle(f->state, "919876543212"), 0);
	assert_int_equal(state_settle_all(f->state, note_settled, &l), 0);
	assert_int_equal(l.count, 2);
	assert_string_equal(l.numbers[0], "919876543210");
	assert_string_equal(l.numbers[1], "919876543211");
	seen = seen_now(f);
	assert_int_equal(seen.unsettled, 0);
	assert_int_equal(seen.slots, 2); /* still counted */

	state_close(f->state);
	f->state = NULL;
	open_state(f);
	seen = seen_now(f);
	assert_int_equal(seen.unsettled, 0);
	assert_int_equal(seen.slots, 2);
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

/* Enough lines between them to fill the room once: the other daemon's
 * compaction happens in the middle. */
#define APPENDS 1000

struct appender {
	struct state *state;
	int64_t base;
	int ret;
};

static void *append_many(void *arg)
{
	struct appender *a = arg;

	for (int i = 0; i < APPENDS && a->ret == 0; i++) {
		a->ret = state_begin_release(a->state, "919876543210", a->base + i, true, NULL, NULL);
		if (a->ret == 0 && i % 2)
			a->ret = state_give_back(a->state, "919876543210", a->base + i);
	}
	return NULL;
}

/* The slots the appenders left: each kept one exactly once (the odd ones
 * were given back). */
struct tally {
	int64_t bases[2];
	size_t count;
	bool ok;
};

static int count_slots(const struct state_view *view, void *arg)
{
	struct tally *t = arg;
	char *seen = calloc(2 * APPENDS, 1);

	if (!seen)
		return -ENOMEM;
	t->count = view->slots.count;
	t->ok = true;
	for (size_t i = 0; i < view->slots.count; i++) {
		int64_t k = -1;

		for (int b = 0; b < 2; b++)
			if (view->slots.v[i].when_ms >= t->bases[b] && view->slots.v[i].when_ms < t->bases[b] + APPENDS)
				k = view->slots.v[i].when_ms - t->bases[b] + b * APPENDS;
		if (k < 0 || k % 2 || seen[k]++)
			t->ok = false;
	}
	free(seen);
	return 0;
}

/* Two appenders over STATES[0] and STATES[1] (the same state, or two). */
static void race_appenders(struct fixture *f, struct state *states[2])
{
	int64_t now = state_now_ms();
	/* Within the hour, so that compaction keeps them. */
	struct appender a[2] = { { .state = states[0], .base = now - 1000 },
				 { .state = states[1], .base = now - 500000 } };
	struct tally t = { .bases = { a[0].base, a[1].base } };
	pthread_t tid[2];

	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&tid[i], NULL, append_many, &a[i]), 0);
	for (int i = 0; i < 2; i++) {
		pthread_join(tid[i], NULL);
		assert_int_equal(a[i].ret, 0);
	}
	for (int i = 0; i < 2; i++) {
		assert_int_equal(state_read(states[i], count_slots, &t), 0);
		assert_true(t.ok);
		assert_int_equal(t.count, APPENDS);
	}
	assert_false(file_exists(f, "journal.tmp"));
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
 * them apart, and each sees the lines the other added and the journal the
 * other compacted. */
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

/* One daemon's budget is the other's: a line one adds is seen by the other
 * at once, also right after the other's own line. */
static void two_opens_see_each_other(void **state)
{
	struct fixture *f = *state;
	struct state *other;
	struct seen seen = { 0 };
	char err[256];

	open_state(f);
	assert_int_equal(state_open(f->state_dir, ACCOUNT, &other, err, sizeof(err)), 0);
	assert_int_equal(state_begin_release(f->state, "919876543210", 1, true, NULL, NULL), 0);
	assert_int_equal(state_read(other, look, &seen), 0);
	assert_int_equal(seen.slots, 1);
	assert_int_equal(state_begin_release(other, "919876543211", 2, true, NULL, NULL), 0);
	assert_int_equal(state_settle(other, "919876543210"), 0);
	seen = seen_now(f);
	assert_int_equal(seen.slots, 2);
	assert_int_equal(seen.unsettled, 1);
	assert_string_equal(seen.unsettled_v[0].number, "919876543211");
	state_close(other);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(open_creates_private_parents),
		T(open_refuses_an_account_that_cannot_name_a_file),
		T(open_reports_an_unusable_dir),
		T(missing_journal_reads_empty),
		T(begun_releases_survive_a_reopen),
		T(settle_and_give_back_add_lines),
		T(refusal_writes_nothing),
		T(malformed_journal_is_an_error_not_empty),
		T(text_after_a_gap_is_dropped),
		T(long_line_is_an_error),
		T(torn_last_line_is_dropped_and_written_over),
		T(written_journal_is_private_with_room),
		T(full_journal_is_compacted),
		T(earlier_files_are_taken_in),
		T(malformed_earlier_file_is_an_error),
		T(settle_all_tells_each_then_forgets),
		cmocka_unit_test(remove_keeps_the_order),
		cmocka_unit_test(now_is_wall_clock_ms),
		T(threads_take_turns),
		T(two_opens_take_turns),
		T(two_opens_see_each_other),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
