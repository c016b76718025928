/* test_release.c — the guarded release against a stand-in account: every guard
 * (read-only, deliberate removals, protect, the hourly budget, dry run, audit first),
 * one DELETE per call whatever becomes of the answer, the look when it is lost (also
 * at the next release and after a crash), catalog and audit afterwards, and cancel. */
#include "release.h"

#include "api.h"
#include "catalog.h"
#include "clock.h"
#include "config.h"
#include "fakeaccount.h"
#include "store.h"

#include <sqlite3.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <dirent.h>
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
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#define NUMBER "91900000003"

struct fixture {
	struct fake_account *account;
	struct config cfg;
	char *protect[3];
	struct api *api;
	struct catalog *catalog;
	char audit_path[128];
	char dir[64];
	char state_dir[96];
	struct store *store;
	struct audit *audit;
	struct releaser *releaser;
};

static const struct caller rm = { .uid = 1000, .pid = 4321, .comm = "rm" };

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/vobizfs-release-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->audit_path, sizeof(f->audit_path), "%s/audit.log", f->dir);
	f->protect[0] = "9190000001?";
	f->cfg = (struct config){ .auth_id = FAKE_AUTH_ID,
				  .auth_token = FAKE_TOKEN,
				  .dialect = API_DIALECT_LEGACY,
				  .timeout_s = 6,
				  .parallel = 4,
				  .ttl_s = 30,
				  .protect = f->protect };
	snprintf(f->state_dir, sizeof(f->state_dir), "%s/state", f->dir);
	f->cfg.state_dir = f->state_dir;
	*state = f;
	return 0;
}

/* Start the account and every module over it.  Call after adjusting cfg. */
static void start(struct fixture *f, bool current, const char *audit_path)
{
	char err[256];

	f->cfg.dialect = current ? API_DIALECT_CURRENT : API_DIALECT_LEGACY;
	f->account = fake_account_start(current, 30);
	assert_non_null(f->account);
	f->cfg.base_url = (char *)fake_account_url(f->account);
	f->api = api_new(&f->cfg, err, sizeof(err));
	assert_non_null(f->api);
	f->catalog = catalog_new(f->api, &(struct catalog_options){ .ttl_s = f->cfg.ttl_s,
								    .parallel = f->cfg.parallel,
								    .page_timeout_s = f->cfg.timeout_s,
								    .listing_timeout_s = 60 });
	assert_non_null(f->catalog);
	assert_int_equal(catalog_refresh_if_stale(f->catalog, true), 0);
	assert_int_equal(audit_open(audit_path ? audit_path : f->audit_path, &f->audit, err, sizeof(err)), 0);
	assert_int_equal(store_open(f->state_dir, f->cfg.auth_id, f->cfg.max_per_hour, f->cfg.timeout_s, &f->store, err,
				    sizeof(err)),
			 0);
	f->releaser = releaser_new(&f->cfg, f->api, f->catalog, f->audit, f->store);
	assert_non_null(f->releaser);
}

/* Empty and remove the state directory. */
static void remove_state_dir(const char *path)
{
	DIR *d = opendir(path);
	const struct dirent *e;
	char file[512];

	if (!d)
		return;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.') {
			snprintf(file, sizeof(file), "%s/%s", path, e->d_name);
			unlink(file);
		}
	closedir(d);
	rmdir(path);
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	releaser_free(f->releaser);
	store_close(f->store);
	remove_state_dir(f->state_dir);
	audit_close(f->audit);
	catalog_free(f->catalog);
	api_free(f->api);
	fake_account_stop(f->account);
	unlink(f->audit_path);
	rmdir(f->dir);
	free(f);
	return 0;
}

/* The audit log's lines, parsed; N gets their number. */
static cJSON *audit_lines(struct fixture *f, size_t *n)
{
	cJSON *all = cJSON_CreateArray();
	FILE *fp = fopen(f->audit_path, "r");
	char line[2048];

	*n = 0;
	while (fp && fgets(line, sizeof(line), fp)) {
		cJSON *o = cJSON_Parse(line);

		assert_true(cJSON_IsObject(o));
		cJSON_AddItemToArray(all, o);
		(*n)++;
	}
	if (fp)
		fclose(fp);
	return all;
}

static const char *field(const cJSON *lines, int i, const char *name)
{
	const cJSON *f = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(lines, i), name);

	return cJSON_IsString(f) ? f->valuestring : "";
}

static double number_field(const cJSON *lines, int i, const char *name)
{
	const cJSON *f = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(lines, i), name);

	return cJSON_IsNumber(f) ? f->valuedouble : -1;
}

/* Whether the catalog shows DIGITS, and with which status. */
static bool held_in_catalog(struct fixture *f, const char *digits, enum number_status *status)
{
	static const enum number_status shown[] = { NUMBER_ACTIVE, NUMBER_PENDING_RELEASE };
	struct number_info info;

	for (size_t i = 0; i < 2; i++) {
		struct catalog_filter filter = { .status = shown[i], .view = VIEW_ALL };

		if (catalog_find(f->catalog, digits, &filter, &info) == 0) {
			if (status)
				*status = shown[i];
			return true;
		}
	}
	return false;
}

static void assert_counters(struct fixture *f, unsigned long released, unsigned long refused, unsigned long failed,
			    unsigned long dry_runs, unsigned long cancelled)
{
	struct release_counters c;

	release_counters(f->releaser, &c);
	assert_int_equal(c.released, released);
	assert_int_equal(c.refused, refused);
	assert_int_equal(c.failed, failed);
	assert_int_equal(c.dry_runs, dry_runs);
	assert_int_equal(c.cancelled, cancelled);
}

static void released_legacy(void **state)
{
	struct fixture *f = *state;
	cJSON *lines;
	size_t n;

	start(f, false, NULL);
	assert_int_equal(release_number(f->releaser, NUMBER, &rm, clock_deadline_in(6)), 0);
	assert_int_equal(fake_account_requests(f->account, "DELETE", NULL), 1);
	assert_int_equal(fake_account_requests(f->account, "DELETE", "/numbers/" NUMBER), 1);
	assert_int_equal(fake_account_status(f->account, NUMBER), -1);
	assert_false(held_in_catalog(f, NUMBER, NULL));
	assert_true(held_in_catalog(f, "91900000004", NULL));

	lines = audit_lines(f, &n);
	assert_int_equal(n, 2);
	assert_string_equal(field(lines, 0, "event"), "intent");
	assert_string_equal(field(lines, 0, "action"), "release");
	assert_string_equal(field(lines, 0, "number"), NUMBER);
	assert_string_equal(field(lines, 0, "comm"), "rm");
	assert_string_equal(field(lines, 1, "event"), "outcome");
	assert_string_equal(field(lines, 1, "result"), "ok");
	assert_int_equal(number_field(lines, 1, "http_status"), 204);
	cJSON_Delete(lines);

	/* Again: it is gone, nothing is sent. */
	assert_int_equal(release_number(f->releaser, NUMBER, &rm, clock_deadline_in(6)), -ENOENT);
	assert_int_equal(fake_account_requests(f->account, "DELETE", NULL), 1);
	assert_counters(f, 1, 0, 0, 0, 0);
}

static void read_only_sends_nothing(void **state)
{
	struct fixture *f = *state;
	size_t n;

	f->cfg.read_only = true;
	start(f, false, NULL);
	assert_int_equal(release_number(f->releaser, NUMBER, &rm, clock_deadline_in(6)), -EROFS);
	assert_int_equal(fake_account_requests(f->account, "DELETE", NULL), 0);
	assert_true(held_in_catalog(f, NUMBER, NULL));
	cJSON_Delete(audit_lines(f, &n));
	assert_int_equal(n, 0);
	assert_counters(f, 0, 1, 0, 0, 0);
}

static void protected_sends_nothing(void **state)
{
	struct fixture *f = *state;
	cJSON *lines;
	size_t n;

	start(f, false, NULL);
	assert_int_equal(release_number(f->releaser, "91900000012", &rm, clock_deadline_in(6)), -EPERM);
	assert_int_equal(fake_account_requests(f->account, "DELETE", NULL), 0);
	assert_int_equal(fake_account_status(f->account, "91900000012"), 0);
	assert_true(held_in_catalog(f, "91900000012", NULL));
	lines = audit_lines(f, &n);
	assert_int_equal(n, 1);
	assert_string_equal(field(lines, 0, "event"), "outcome");
	assert_string_equal(field(lines, 0, "result"), "EPERM");
	cJSON_Delete(lines);
	assert_counters(f, 0, 1, 0, 0, 0);
}

static void dry_run_sends_nothing(void **state)
{
	struct fixture *f = *state;
	cJSON *lines;
	size_t n;

	f->cfg.dry_run = true;
	start(f, false, NULL);
	assert_int_equal(release_number(f->releaser, NUMBER, &rm, clock_deadline_in(6)), 0);
	assert_int_equal(fake_account_requests(f->account, "DELETE", NULL), 0);
	assert_int_equal(fake_account_status(f->account, NUMBER), 0);
	lines = audit_lines(f, &n);
	assert_int_equal(n, 2);
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(cJSON_GetArrayItem(lines, 0), "dry_run")));
	assert_string_equal(field(lines, 1, "result"), "ok");
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(cJSON_GetArrayItem(lines, 1), "dry_run")));
	cJSON_Delete(lines);
	assert_true(held_in_catalog(f, NUMBER, NULL));
	assert_counters(f, 0, 0, 0, 1, 0);
}

static void unknown_or_bad_names_send_nothing(void **state)
{
	struct fixture *f = *state;

	start(f, false, NULL);
	assert_int_equal(release_number(f->releaser, "91999999999", &rm, clock_deadline_in(6)), -ENOENT);
	assert_int_equal(release_number(f->releaser, "+91900000003", &rm, clock_deadline_in(6)), -ENOENT);
	assert_int_equal(release_number(f->releaser, "9190/../003", &rm, clock_deadline_in(6)), -ENOENT);
	assert_int_equal(release_number(f->releaser, "", &rm, clock_deadline_in(6)), -ENOENT);
	assert_int_equal(fake_account_requests(f->account, "DELETE", NULL), 0);
}

static void unauditable_release_is_refused(void **state)
{
	struct fixture *f = *state;

	if (access("/dev/full", W_OK) != 0)
		skip();
	start(f, false, "/dev/full");
	assert_int_equal(release_number(f->releaser, NUMBER, &rm, clock_deadline_in(6)), -EIO);
	assert_int_equal(fake_account_requests(f->account, "DELETE", NULL), 0);
	assert_int_equal(fake_account_status(f->account, NUMBER), 0);
}

static void forbidden_keeps_the_number(void **state)
{
	struct fixture *f = *state;
	cJSON *lines;
	size_t n;

	start(f, false, NULL);
	fake_account_set_delete(f->account, FAKE_DELETE_FORBIDDEN, 0);
	assert_int_equal(release_number(f->releaser, NUMBER, &rm, clock_deadline_in(6)), -EACCES);
	assert_int_equal(fake_account_requests(f->account, "DELETE", NULL), 1);
	assert_true(held_in_catalog(f, NUMBER, NULL));
	lines = audit_lines(f, &n);
	assert_int_equal(n, 2);
	assert_string_equal(field(lines, 1, "result"), "EACCES");
	assert_int_equal(number_field(lines, 1, "http_status"), 403);
	assert_string_equal(field(lines, 1, "message"), "account does not own this number");
	cJSON_Delete(lines);
	assert_counters(f, 0, 0, 1, 0, 0);
}

/* The answer never comes back: one DELETE, then the listing decides. */
static void outcome(void **state, enum fake_delete mode, unsigned delay_ms, int want, bool gone)
{
	struct fixture *f = *state;

	start(f, false, NULL);
	fake_account_set_delete(f->account, mode, delay_ms);
	assert_int_equal(release_number(f->releaser, NUMBER, &rm, clock_deadline_in(6)), want);
	assert_int_equal(fake_account_requests(f->account, "DELETE", NULL), 1);
	/* One narrow listing, by the prefix NUMBER shares with a held witness. */
	assert_int_equal(fake_account_requests(f->account, "GET", "&search=9190000000"), 1);
	assert_int_equal(fake_account_requests(f->account, "GET", NULL), 2); /* with the listing at start */
	assert_int_equal(held_in_catalog(f, NUMBER, NULL), !gone);
}

static void lost_answer_but_released(void **state)
{
	outcome(state, FAKE_DELETE_LOST_DONE, 0, 0, true);
}

static void lost_answer_and_still_held(void **state)
{
	outcome(state, FAKE_DELETE_LOST_UNDONE, 0, -EIO, false);
}

static void server_error_but_released(void **state)
{
	outcome(state, FAKE_DELETE_503_DONE, 0, 0, true);
}

static void server_error_and_still_held(void **state)
{
	outcome(state, FAKE_DELETE_503_UNDONE, 0, -EIO, false);
}

/* Time bounds leave room for valgrind, yet stay below the server's delay. */
static void slow_answer_within_the_deadline(void **state)
{
	struct fixture *f = *state;
	int64_t start_ms;

	/* The DELETE acts at once but answers after the deadline. */
	start(f, false, NULL);
	fake_account_set_delete(f->account, FAKE_DELETE_OK, 4000);
	start_ms = clock_now_ms();
	assert_int_equal(release_number(f->releaser, NUMBER, &rm, start_ms + 3000), 0);
	assert_true(clock_now_ms() - start_ms <= 3800);
	assert_int_equal(fake_account_requests(f->account, "DELETE", NULL), 1);
	assert_false(held_in_catalog(f, NUMBER, NULL));
}

struct racer {
	struct releaser *releaser;
	int ret;
};

static void *race(void *arg)
{
	struct racer *r = arg;

	r->ret = release_number(r->releaser, NUMBER, &rm, clock_deadline_in(6));
	return NULL;
}

static void concurrent_releases_send_one_delete(void **state)
{
	struct fixture *f = *state;
	struct racer racers[4];
	pthread_t tid[4];
	int ok = 0, enoent = 0;

	start(f, false, NULL);
	fake_account_set_delete(f->account, FAKE_DELETE_OK, 300);
	for (int i = 0; i < 4; i++) {
		racers[i] = (struct racer){ .releaser = f->releaser };
		assert_int_equal(pthread_create(&tid[i], NULL, race, &racers[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(tid[i], NULL);
		ok += racers[i].ret == 0;
		enoent += racers[i].ret == -ENOENT;
	}
	assert_int_equal(ok, 1);
	assert_int_equal(enoent, 3);
	assert_int_equal(fake_account_requests(f->account, "DELETE", NULL), 1);
}

static void current_dialect_pending_then_cancelled(void **state)
{
	struct fixture *f = *state;
	enum number_status status;

	start(f, true, NULL);
	assert_int_equal(release_number(f->releaser, NUMBER, &rm, clock_deadline_in(6)), 0);
	assert_int_equal(fake_account_requests(f->account, "DELETE", "/numbers/%2B" NUMBER), 1);
	assert_int_equal(fake_account_requests(f->account, "DELETE", "immediate"), 0);
	assert_int_equal(fake_account_status(f->account, NUMBER), 1);
	assert_true(held_in_catalog(f, NUMBER, &status));
	assert_int_equal(status, NUMBER_PENDING_RELEASE);
	/* A pending number cannot be released again. */
	assert_int_equal(release_number(f->releaser, NUMBER, &rm, clock_deadline_in(6)), -ENOENT);
	assert_int_equal(fake_account_requests(f->account, "DELETE", NULL), 1);

	assert_int_equal(release_cancel(f->releaser, NUMBER, &rm, clock_deadline_in(6)), 0);
	assert_int_equal(
	    fake_account_requests(f->account, "POST", "/account/" FAKE_AUTH_ID "/numbers/%2B" NUMBER "/cancel-release"),
	    1);
	assert_int_equal(fake_account_status(f->account, NUMBER), 0);
	assert_true(held_in_catalog(f, NUMBER, &status));
	assert_int_equal(status, NUMBER_ACTIVE);
	/* Cancelling an active number sends nothing. */
	assert_int_equal(release_cancel(f->releaser, NUMBER, &rm, clock_deadline_in(6)), -ENOENT);
	assert_int_equal(fake_account_requests(f->account, "POST", NULL), 1);
	assert_counters(f, 1, 0, 0, 0, 1);
}

static void current_dialect_immediate(void **state)
{
	struct fixture *f = *state;

	f->cfg.immediate = true;
	start(f, true, NULL);
	assert_int_equal(release_number(f->releaser, NUMBER, &rm, clock_deadline_in(6)), 0);
	assert_int_equal(fake_account_requests(f->account, "DELETE", "/numbers/%2B" NUMBER "?immediate=true"), 1);
	assert_int_equal(fake_account_status(f->account, NUMBER), -1);
	assert_false(held_in_catalog(f, NUMBER, NULL));
}

/* The release budget, the deliberate-removal guard and the settling of lost
 * or cut-off releases. */

static struct caller caller_of(const char *comm, pid_t pid)
{
	struct caller c = { .uid = 1000, .pid = pid };

	snprintf(c.comm, sizeof(c.comm), "%s", comm);
	return c;
}

static void assert_budget(struct fixture *f, unsigned want_used, unsigned want_limit)
{
	unsigned used = 99, limit = 99;

	assert_int_equal(release_budget(f->releaser, &used, &limit), 0);
	assert_int_equal(used, want_used);
	assert_int_equal(limit, want_limit);
}

static void journal_path(struct fixture *f, char *out, size_t len)
{
	snprintf(out, len, "%s/" FAKE_AUTH_ID ".journal", f->state_dir);
}

/* A journal of an earlier version written by hand (TEXT's lines: "WHEN
 * release N" marks N unsettled, as a cut-off release leaves it), then taken
 * in as the next mount does: the store is reopened, which imports it.
 * Returns store_open()'s result. */
static int write_unsettled(struct fixture *f, const char *text)
{
	char path[160], err[256];
	FILE *fp;
	int ret;

	journal_path(f, path, sizeof(path));
	fp = fopen(path, "w");
	assert_non_null(fp);
	assert_true(fputs(text, fp) >= 0);
	assert_int_equal(fclose(fp), 0);
	releaser_free(f->releaser);
	store_close(f->store);
	f->releaser = NULL;
	ret = store_open(f->state_dir, f->cfg.auth_id, f->cfg.max_per_hour, f->cfg.timeout_s, &f->store, err,
			 sizeof(err));
	if (ret == 0) {
		f->releaser = releaser_new(&f->cfg, f->api, f->catalog, f->audit, f->store);
		assert_non_null(f->releaser);
	}
	return ret;
}

/* The journal file's text ("" when missing). */
static void read_journal(struct fixture *f, char *out, size_t len)
{
	char path[160];
	size_t n = 0;
	FILE *fp;

	journal_path(f, path, sizeof(path));
	fp = fopen(path, "r");
	if (fp) {
		n = fread(out, 1, len - 1, fp);
		fclose(fp);
	}
	out[n] = '\0';
}

/* The numbers the store marks for a look first (unsettled or doubtful),
 * one a line ("" when none), read as a user would with sqlite3. */
static void read_unsettled(struct fixture *f, char *out, size_t len)
{
	char path[160];
	sqlite3 *db;
	sqlite3_stmt *st;
	size_t at = 0;

	snprintf(path, sizeof(path), "%s/" STORE_DB_NAME, f->state_dir);
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT number FROM marks ORDER BY wall_ms, number", -1, &st, NULL),
			 SQLITE_OK);
	out[0] = '\0';
	while (sqlite3_step(st) == SQLITE_ROW && at < len)
		at += (size_t)snprintf(out + at, len - at, "%s\n", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(db);
}

/* The last line of the audit log: its result and message. */
static void assert_last_outcome(struct fixture *f, const char *result, const char *message_part)
{
	size_t n;
	cJSON *lines = audit_lines(f, &n);

	assert_true(n > 0);
	assert_string_equal(field(lines, (int)n - 1, "event"), "outcome");
	assert_string_equal(field(lines, (int)n - 1, "result"), result);
	if (message_part)
		assert_non_null(strstr(field(lines, (int)n - 1, "message"), message_part));
	cJSON_Delete(lines);
}

static void budget_refuses_past_the_hourly_limit(void **state)
{
	struct fixture *f = *state;
	cJSON *lines;
	size_t n;

	f->cfg.max_per_hour = 2;
	start(f, false, NULL);
	assert_budget(f, 0, 2);
	assert_int_equal(release_number(f->releaser, NUMBER, &rm, clock_deadline_in(6)), 0);
	assert_int_equal(release_number(f->releaser, "91900000004", &rm, clock_deadline_in(6)), 0);
	assert_budget(f, 2, 2);
	assert_int_equal(release_number(f->releaser, "91900000005", &rm, clock_deadline_in(6)), -EDQUOT);
	assert_int_equal(fake_account_requests(f->account, "DELETE", NULL), 2);
	assert_int_equal(fake_account_status(f->account, "91900000005"), 0);
	assert_true(held_in_catalog(f, "91900000005", NULL));

	lines = audit_lines(f, &n);
	assert_int_equal(n, 5); /* two intents and outcomes; the refusal sends no intent */
	assert_string_equal(field(lines, 4, "event"), "outcome");
	assert_string_equal(field(lines, 4, "number"), "91900000005");
	assert_string_equal(field(lines, 4, "result"), "EDQUOT");
	assert_non_null(strstr(field(lines, 4, "message"), "max_per_hour"));
	cJSON_Delete(lines);
	assert_counters(f, 2, 1, 0, 0, 0);

	/* A remount (a new releaser over the same state) counts the same hour. */
	releaser_free(f->releaser);
	f->releaser = releaser_new(&f->cfg, f->api, f->catalog, f->audit, f->store);
	assert_non_null(f->releaser);
	assert_budget(f, 2, 2);
	assert_int_equal(release_number(f->releaser, "91900000005", &rm, clock_deadline_in(6)), -EDQUOT);
	assert_int_equal(fake_account_requests(f->account, "DELETE", NULL), 2);
}

static void refused_release_gives_its_slot_back(void **state)
{
	struct fixture *f = *state;

	f->cfg.max_per_hour = 2;
	start(f, false, NULL);
	fake_account_set_delete(f->account, FAKE_DELETE_FORBIDDEN, 0);
	assert_int_equal(release_number(f->releaser, NUMBER, &rm, clock_deadline_in(6)), -EACCES);
	assert_int_equal(fake_account_requests(f->account, "DELETE", NULL), 1);
	assert_budget(f, 0, 2);

	fake_account_set_delete(f->account, FAKE_DELETE_OK, 0);
	assert_int_equal(release_number(f->releaser, NUMBER, &rm, clock_deadline_in(6)), 0);
	assert_int_equal(release_number(f->releaser, "91900000004", &rm, clock_deadline_in(6)), 0);
	assert_int_equal(release_number(f->releaser, "91900000005", &rm, clock_deadline_in(6)), -EDQUOT);
	assert_int_equal(fake_account_requests(f->account, "DELETE", NULL), 3);
}

static void overwriting_tool_cannot_release(void **state)
{
	struct fixture *f = *state;
	const struct caller cp = caller_of("cp", 5555);
	cJSON *lines;
	size_t n;

	start(f, false, NULL);
	assert_int_equal(release_number(f->releaser, NUMBER, &cp, clock_deadline_in(6)), -EPERM);
	assert_int_equal(fake_account_requests(f->account, "DELETE", NULL), 0);
	assert_int_equal(fake_account_status(f->account, NUMBER), 0);
	assert_true(held_in_catalog(f, NUMBER, NULL));
	lines = audit_lines(f, &n);
	assert_int_equal(n, 1);
	assert_string_equal(field(lines, 0, "result"), "EPERM");
	assert_string_equal(field(lines, 0, "comm"), "cp");
	assert_non_null(strstr(field(lines, 0, "message"), "cp "));
	cJSON_Delete(lines);
	assert_counters(f, 0, 1, 0, 0, 0);
}

static void refused_writer_cannot_release(void **state)
{
	struct fixture *f = *state;
	const struct caller tainted = caller_of("python3", 6001), other = caller_of("python3", 6002);

	start(f, false, NULL);
	release_note_refused_write(f->releaser, &tainted);
	assert_int_equal(release_number(f->releaser, NUMBER, &tainted, clock_deadline_in(6)), -EPERM);
	assert_int_equal(fake_account_requests(f->account, "DELETE", NULL), 0);
	assert_last_outcome(f, "EPERM", "refused");
	assert_int_equal(release_number(f->releaser, NUMBER, &other, clock_deadline_in(6)), 0);
	assert_int_equal(fake_account_requests(f->account, "DELETE", NULL), 1);
	assert_counters(f, 1, 1, 0, 0, 0);
}

/* Current dialect: the 429'd DELETE scheduled the release, the retry is
 * answered 409 "already pending": the listing decides, and shows it pending. */
static void current_dialect_rate_limited_then_409_is_pending(void **state)
{
	struct fixture *f = *state;
	enum number_status status = NUMBER_RELEASED;

	start(f, true, NULL);
	fake_account_set_delete(f->account, FAKE_DELETE_429_DONE, 0);
	assert_int_equal(release_number(f->releaser, NUMBER, &rm, clock_deadline_in(6)), 0);
	assert_int_equal(fake_account_requests(f->account, "DELETE", NULL), 2);
	assert_int_equal(fake_account_status(f->account, NUMBER), 1);
	assert_true(held_in_catalog(f, NUMBER, &status));
	assert_int_equal(status, NUMBER_PENDING_RELEASE);
	assert_last_outcome(f, "ok", "pending release");
}

static void rate_limited_then_404_is_released(void **state)
{
	struct fixture *f = *state;

	f->cfg.max_per_hour = 5;
	start(f, false, NULL);
	fake_account_set_delete(f->account, FAKE_DELETE_429_DONE, 0);
	assert_int_equal(release_number(f->releaser, NUMBER, &rm, clock_deadline_in(6)), 0);
	assert_int_equal(fake_account_requests(f->account, "DELETE", NULL), 2);
	assert_int_equal(fake_account_status(f->account, NUMBER), -1);
	assert_false(held_in_catalog(f, NUMBER, NULL));
	assert_last_outcome(f, "ok", "404 after 429");
	assert_budget(f, 1, 5); /* it did release: the slot is kept */
	assert_counters(f, 1, 0, 0, 0, 0);
}

/* The answer of the first DELETE is lost and the number still listed: the
 * next release looks before it sends. */
static void lost_answer_makes_the_next_release_look_first(void **state)
{
	struct fixture *f = *state;

	f->cfg.max_per_hour = 5;
	start(f, false, NULL);
	fake_account_set_delete(f->account, FAKE_DELETE_LOST_UNDONE, 0);
	assert_int_equal(release_number(f->releaser, NUMBER, &rm, clock_deadline_in(6)), -EIO);
	assert_int_equal(fake_account_requests(f->account, "DELETE", NULL), 1);
	assert_int_equal(fake_account_requests(f->account, "GET", "search="), 1);
	assert_true(held_in_catalog(f, NUMBER, NULL));
	assert_budget(f, 1, 5); /* it may yet take effect: the slot is kept */

	fake_account_set_delete(f->account, FAKE_DELETE_OK, 0);
	assert_int_equal(release_number(f->releaser, NUMBER, &rm, clock_deadline_in(6)), 0);
	assert_int_equal(fake_account_requests(f->account, "GET", "search="), 2);
	assert_int_equal(fake_account_requests(f->account, "DELETE", NULL), 2);
	assert_true(fake_account_nth_request(f->account, "GET", "search=", 1) <
		    fake_account_nth_request(f->account, "DELETE", NULL, 1));
	assert_int_equal(fake_account_status(f->account, NUMBER), -1);
	assert_false(held_in_catalog(f, NUMBER, NULL));
	assert_last_outcome(f, "ok", NULL);
	assert_budget(f, 2, 5);

	/* Settled: a third release of another number does not look first. */
	assert_int_equal(release_number(f->releaser, "91900000004", &rm, clock_deadline_in(6)), 0);
	assert_int_equal(fake_account_requests(f->account, "GET", "search="), 2);
	assert_counters(f, 2, 0, 1, 0, 0);
}

static void lost_answer_that_took_effect_later_sends_nothing(void **state)
{
	struct fixture *f = *state;

	f->cfg.max_per_hour = 5;
	start(f, false, NULL);
	fake_account_set_delete(f->account, FAKE_DELETE_LOST_UNDONE, 0);
	assert_int_equal(release_number(f->releaser, NUMBER, &rm, clock_deadline_in(6)), -EIO);
	/* The first request is applied after all. */
	assert_int_equal(fake_account_release(f->account, NUMBER), 0);
	fake_account_set_delete(f->account, FAKE_DELETE_OK, 0);
	assert_int_equal(release_number(f->releaser, NUMBER, &rm, clock_deadline_in(6)), 0);
	assert_int_equal(fake_account_requests(f->account, "DELETE", NULL), 1);
	assert_int_equal(fake_account_requests(f->account, "GET", "search="), 2);
	assert_false(held_in_catalog(f, NUMBER, NULL));
	assert_last_outcome(f, "ok", "earlier attempt took effect");
	assert_budget(f, 1, 5); /* nothing sent, nothing taken */
	assert_counters(f, 1, 0, 1, 0, 0);
}

static void lost_answer_without_a_listing_is_never_resent(void **state)
{
	struct fixture *f = *state;
	char journal[256];

	start(f, false, NULL);
	fake_account_set_delete(f->account, FAKE_DELETE_LOST_UNDONE, 0);
	fake_account_set_list_failure(f->account, 403);
	assert_int_equal(release_number(f->releaser, NUMBER, &rm, clock_deadline_in(6)), -EIO);
	assert_int_equal(fake_account_requests(f->account, "DELETE", NULL), 1);
	/* Its fate unknown, the release stays in the journal for the next mount. */
	read_unsettled(f, journal, sizeof(journal));
	assert_string_equal(journal, NUMBER "\n");

	fake_account_set_delete(f->account, FAKE_DELETE_OK, 0);
	assert_int_equal(release_number(f->releaser, NUMBER, &rm, clock_deadline_in(6)), -EIO);
	assert_int_equal(fake_account_requests(f->account, "DELETE", NULL), 1);
	assert_true(fake_account_status(f->account, NUMBER) == 0);

	fake_account_set_list_failure(f->account, 0);
	assert_int_equal(release_number(f->releaser, NUMBER, &rm, clock_deadline_in(6)), 0);
	assert_int_equal(fake_account_requests(f->account, "DELETE", NULL), 2);
	read_unsettled(f, journal, sizeof(journal));
	assert_string_equal(journal, "");
}

static void unsettled_releases_are_settled_at_mount(void **state)
{
	struct fixture *f = *state;
	char text[256];
	cJSON *lines;
	size_t n;

	start(f, false, NULL);
	snprintf(text, sizeof(text), "%lld release " NUMBER "\n%lld release 91900000099\n",
		 (long long)time(NULL) * 1000, (long long)time(NULL) * 1000);
	assert_int_equal(write_unsettled(f, text), 0);
	assert_int_equal(release_settle_unfinished(f->releaser), 0);
	/* The released one is settled; the one still held stays marked (doubtful),
	 * in the store, so that even a later mount looks before sending. */
	read_unsettled(f, text, sizeof(text));
	assert_string_equal(text, NUMBER "\n");
	assert_int_equal(fake_account_requests(f->account, "DELETE", NULL), 0);

	lines = audit_lines(f, &n);
	assert_int_equal(n, 2);
	assert_string_equal(field(lines, 0, "event"), "outcome");
	assert_string_equal(field(lines, 0, "action"), "release");
	assert_string_equal(field(lines, 0, "number"), NUMBER);
	assert_string_equal(field(lines, 0, "message"), "settled at mount: still held");
	assert_string_equal(field(lines, 0, "result"), "EIO");
	assert_string_equal(field(lines, 0, "comm"), "vobizfs");
	assert_string_equal(field(lines, 1, "number"), "91900000099");
	assert_string_equal(field(lines, 1, "message"), "settled at mount: released");
	assert_string_equal(field(lines, 1, "result"), "ok");
	cJSON_Delete(lines);

	/* The cut-off request may still be applied: look before sending. */
	assert_int_equal(release_number(f->releaser, NUMBER, &rm, clock_deadline_in(6)), 0);
	assert_int_equal(fake_account_requests(f->account, "GET", "search="), 1);
	assert_int_equal(fake_account_requests(f->account, "DELETE", NULL), 1);
	assert_true(fake_account_nth_request(f->account, "GET", "search=", 0) <
		    fake_account_nth_request(f->account, "DELETE", NULL, 0));
	read_unsettled(f, text, sizeof(text));
	assert_string_equal(text, "");

	/* Nothing left to settle. */
	assert_int_equal(release_settle_unfinished(f->releaser), 0);
	cJSON_Delete(audit_lines(f, &n));
	assert_int_equal(n, 4);
}

static void unsettled_pending_release_is_settled_at_mount(void **state)
{
	struct fixture *f = *state;
	char text[128];
	size_t n;
	cJSON *lines;

	start(f, true, NULL);
	assert_int_equal(release_number(f->releaser, NUMBER, &rm, clock_deadline_in(6)), 0);
	snprintf(text, sizeof(text), "%lld release " NUMBER "\n", (long long)time(NULL) * 1000);
	assert_int_equal(write_unsettled(f, text), 0);
	assert_int_equal(release_settle_unfinished(f->releaser), 0);
	lines = audit_lines(f, &n);
	assert_int_equal(n, 3);
	assert_string_equal(field(lines, 2, "message"), "settled at mount: pending_release");
	assert_string_equal(field(lines, 2, "result"), "ok");
	cJSON_Delete(lines);
}

static void unreadable_journal_refuses(void **state)
{
	struct fixture *f = *state;
	char text[64];

	f->cfg.max_per_hour = 2;
	start(f, false, NULL);
	/* An old journal that cannot be read is never taken as "nothing
	 * pending": the store refuses to open (the mount to start). */
	assert_int_equal(write_unsettled(f, "abc release 91900000003\n"), -EIO);
	assert_int_equal(fake_account_requests(f->account, "DELETE", NULL), 0);
	read_journal(f, text, sizeof(text));
	assert_string_equal(text, "abc release 91900000003\n"); /* left for a human */
	f->store = NULL;
}

struct slow_release {
	struct releaser *releaser;
	int ret;
};

static void *release_slowly(void *arg)
{
	struct slow_release *s = arg;

	s->ret = release_number(s->releaser, NUMBER, &rm, clock_deadline_in(6));
	return NULL;
}

static void journal_holds_the_release_while_it_is_sent(void **state)
{
	struct fixture *f = *state;
	struct slow_release s;
	char text[256];
	pthread_t tid;
	int64_t give_up;

	start(f, false, NULL);
	fake_account_set_delete(f->account, FAKE_DELETE_OK, 1500);
	s = (struct slow_release){ .releaser = f->releaser };
	assert_int_equal(pthread_create(&tid, NULL, release_slowly, &s), 0);
	give_up = clock_deadline_in(5);
	while (fake_account_requests(f->account, "DELETE", NULL) == 0 && clock_now_ms() < give_up)
		usleep(10000);
	read_unsettled(f, text, sizeof(text));
	pthread_join(tid, NULL);
	assert_string_equal(text, NUMBER "\n");
	assert_int_equal(s.ret, 0);
	read_unsettled(f, text, sizeof(text));
	assert_string_equal(text, "");
}

/* A deadline too short for the request and its look: nothing is sent. */
static void spent_deadline_sends_nothing(void **state)
{
	struct fixture *f = *state;
	char text[64];

	f->cfg.max_per_hour = 2;
	start(f, false, NULL);
	fake_account_set_delete(f->account, FAKE_DELETE_LOST_DONE, 0);
	assert_int_equal(release_number(f->releaser, NUMBER, &rm, clock_now_ms() + 50), -ETIMEDOUT);
	assert_int_equal(fake_account_requests(f->account, "DELETE", NULL), 0);
	assert_int_equal(fake_account_status(f->account, NUMBER), 0);
	assert_true(held_in_catalog(f, NUMBER, NULL));
	assert_budget(f, 0, 2);
	read_unsettled(f, text, sizeof(text));
	assert_string_equal(text, "");
	assert_last_outcome(f, "ETIMEDOUT", NULL);
}

/* A doubtful number is looked up even when the deadline is all but spent. */
static void doubtful_number_is_looked_up_past_the_deadline(void **state)
{
	struct fixture *f = *state;

	start(f, false, NULL);
	fake_account_set_delete(f->account, FAKE_DELETE_LOST_UNDONE, 0);
	assert_int_equal(release_number(f->releaser, NUMBER, &rm, clock_deadline_in(6)), -EIO);
	assert_int_equal(fake_account_release(f->account, NUMBER), 0);
	assert_int_equal(release_number(f->releaser, NUMBER, &rm, clock_now_ms() + 50), 0);
	assert_int_equal(fake_account_requests(f->account, "DELETE", NULL), 1);
	assert_int_equal(fake_account_requests(f->account, "GET", "search="), 2);
	assert_false(held_in_catalog(f, NUMBER, NULL));
}

/* A stall of the whole daemon, as when its stderr is a pipe nobody reads
 * (or a terminal stopped with ^S): the first log line blocks until UNTIL,
 * then what was logged is passed on to the real stderr. */
struct stall {
	int saved_stderr;
	int read_end;
	size_t filler; /* bytes written to fill the pipe, not passed on */
	int64_t until;
	pthread_t tid;
};

static void *drain_after_stall(void *arg)
{
	struct stall *s = arg;
	char buf[4096];
	ssize_t n;

	while (clock_now_ms() < s->until)
		usleep(10000);
	while ((n = read(s->read_end, buf, sizeof(buf))) > 0) {
		size_t skip = s->filler < (size_t)n ? s->filler : (size_t)n;

		s->filler -= skip;
		if ((size_t)n > skip && write(s->saved_stderr, buf + skip, (size_t)n - skip) < 0)
			break;
	}
	return NULL;
}

static void stall_stderr(struct stall *s, int64_t until)
{
	static const char filler[512] = { 0 };
	int fds[2], flags;
	ssize_t n;

	fflush(stderr);
	s->until = until;
	s->filler = 0;
	s->saved_stderr = dup(STDERR_FILENO);
	assert_true(s->saved_stderr >= 0);
	assert_int_equal(pipe(fds), 0);
	assert_true(dup2(fds[1], STDERR_FILENO) >= 0);
	close(fds[1]);
	s->read_end = fds[0];
	flags = fcntl(STDERR_FILENO, F_GETFL);
	fcntl(STDERR_FILENO, F_SETFL, flags | O_NONBLOCK);
	while ((n = write(STDERR_FILENO, filler, sizeof(filler))) > 0)
		s->filler += (size_t)n;
	while ((n = write(STDERR_FILENO, filler, 1)) > 0)
		s->filler += (size_t)n;
	fcntl(STDERR_FILENO, F_SETFL, flags);
	assert_int_equal(pthread_create(&s->tid, NULL, drain_after_stall, s), 0);
}

static void unstall_stderr(struct stall *s)
{
	fflush(stderr);
	dup2(s->saved_stderr, STDERR_FILENO); /* closes the pipe's write end */
	pthread_join(s->tid, NULL);
	close(s->read_end);
	close(s->saved_stderr);
}

/* The answer is lost and the daemon stalls until its deadline is spent: it
 * still looks (the verification grace) rather than report a timeout. */
static void lost_answer_is_looked_up_after_a_stall(void **state)
{
	struct fixture *f = *state;
	struct stall stall;
	int64_t deadline;
	int ret;

	start(f, false, NULL);
	fake_account_set_delete(f->account, FAKE_DELETE_LOST_DONE, 0);
	/* timeout_s 6 keeps 2 s back for the look: the request gets 1.5 s. */
	deadline = clock_now_ms() + 3500;
	stall_stderr(&stall, deadline + 200);
	ret = release_number(f->releaser, NUMBER, &rm, deadline);
	unstall_stderr(&stall);
	assert_true(clock_now_ms() > deadline);
	assert_int_equal(ret, 0);
	assert_int_equal(fake_account_requests(f->account, "DELETE", NULL), 1);
	assert_int_equal(fake_account_requests(f->account, "GET", "search="), 1);
	assert_true(fake_account_nth_request(f->account, "DELETE", NULL, 0) <
		    fake_account_nth_request(f->account, "GET", "search=", 0));
	assert_false(held_in_catalog(f, NUMBER, NULL));
	assert_last_outcome(f, "ok", "listing shows the number released");
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(released_legacy),
		T(read_only_sends_nothing),
		T(protected_sends_nothing),
		T(dry_run_sends_nothing),
		T(unknown_or_bad_names_send_nothing),
		T(unauditable_release_is_refused),
		T(forbidden_keeps_the_number),
		T(lost_answer_but_released),
		T(lost_answer_and_still_held),
		T(server_error_but_released),
		T(server_error_and_still_held),
		T(slow_answer_within_the_deadline),
		T(concurrent_releases_send_one_delete),
		T(current_dialect_pending_then_cancelled),
		T(current_dialect_immediate),
		T(budget_refuses_past_the_hourly_limit),
		T(refused_release_gives_its_slot_back),
		T(overwriting_tool_cannot_release),
		T(refused_writer_cannot_release),
		T(rate_limited_then_404_is_released),
		T(current_dialect_rate_limited_then_409_is_pending),
		T(lost_answer_makes_the_next_release_look_first),
		T(lost_answer_that_took_effect_later_sends_nothing),
		T(lost_answer_without_a_listing_is_never_resent),
		T(unsettled_releases_are_settled_at_mount),
		T(unsettled_pending_release_is_settled_at_mount),
		T(unreadable_journal_refuses),
		T(journal_holds_the_release_while_it_is_sent),
		T(spent_deadline_sends_nothing),
		T(doubtful_number_is_looked_up_past_the_deadline),
		T(lost_answer_is_looked_up_after_a_stall),
	};
#undef T
	int failed;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	failed = cmocka_run_group_tests(tests, NULL, NULL);
	curl_global_cleanup();
	return failed;
}
