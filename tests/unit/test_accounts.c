/* test_accounts.c — moving numbers between the main account and its
 * sub-accounts against a small scripted account: the exact requests (POST
 * with the sub-account, DELETE to take it back), one per call whatever
 * becomes of the answer, every refusal that sends nothing (read-only, an
 * implausible account, not held, another sub-account's, dry run), the API's
 * refusals (409 cool-off, 403, 400), the look at the listing when an answer
 * is lost, the catalog and the audit log afterwards; and how the catalog
 * reads a record's account_id for the by-account/ views. */
#include "accounts.h"

#include "api.h"
#include "catalog.h"
#include "clock.h"
#include "config.h"
#include "responder.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#define AUTH_ID "MA_TEST01"
#define TOKEN "tok-accounts-unit-99"
#define COUNT 6
#define MAIN_NUMBER "91900000001"
#define SUB_NUMBER "91900000004" /* held by SA_ONE */

/* What the assign-subaccount endpoint does. */
enum mode {
	MOVE_OK,          /* acts; POST 200 with a body, DELETE 204 */
	MOVE_COOL_OFF,    /* 409 did_cool_off_in_effect */
	MOVE_FORBIDDEN,   /* 403 */
	MOVE_BAD_REQUEST, /* 400 */
	MOVE_LOST_DONE,   /* acts, then drops the connection */
	MOVE_LOST_UNDONE, /* drops the connection, does nothing */
	MOVE_SLOW,        /* acts after 300 ms */
};

struct fixture {
	struct responder *server;
	struct config cfg;
	struct api *api;
	struct catalog *catalog;
	struct audit *audit;
	struct accounts *accounts;
	char dir[64], audit_path[128];

	pthread_mutex_t lock; /* guards the account below */
	char owner[COUNT][32];
	enum mode mode;
};

static const struct caller mv = { .uid = 1000, .pid = 777, .comm = "mv" };

static void digits_of(size_t i, char out[16])
{
	snprintf(out, 16, "%lu", 91900000000UL + (unsigned long)i);
}

/* The whole listing in one page, whatever the query asks. */
static char *listing(struct fixture *f)
{
	cJSON *page = cJSON_CreateObject(), *items = cJSON_AddArrayToObject(page, "items");
	char digits[16], e164[20], *text;

	for (size_t i = 0; i < COUNT; i++) {
		cJSON *item = cJSON_CreateObject();

		digits_of(i, digits);
		snprintf(e164, sizeof(e164), "+%s", digits);
		cJSON_AddStringToObject(item, "e164", e164);
		cJSON_AddStringToObject(item, "account_id", f->owner[i]);
		cJSON_AddStringToObject(item, "country", "IN");
		cJSON_AddStringToObject(item, "status", "active");
		cJSON_AddItemToArray(items, item);
	}
	cJSON_AddNumberToObject(page, "page", 1);
	cJSON_AddNumberToObject(page, "per_page", 100);
	cJSON_AddNumberToObject(page, "total", COUNT);
	text = cJSON_PrintUnformatted(page);
	cJSON_Delete(page);
	return text;
}

static int index_of(const char *target)
{
	const char *p = strstr(target, "%2B");
	char digits[16];

	for (size_t i = 0; p && i < COUNT; i++) {
		digits_of(i, digits);
		if (!strncmp(p + 3, digits, strlen(digits)) && p[3 + strlen(digits)] == '/')
			return (int)i;
	}
	return -1;
}

static void apply(struct fixture *f, int i, const struct responder_request *req)
{
	const char *sub = strstr(req->body, "SA_");

	if (!strcmp(req->method, "DELETE"))
		snprintf(f->owner[i], sizeof(f->owner[i]), "%s", AUTH_ID);
	else if (sub)
		snprintf(f->owner[i], sizeof(f->owner[i]), "%.*s", (int)strcspn(sub, "\""), sub);
}

static void account(void *user, size_t n, const struct responder_request *req, struct responder_reply *reply)
{
	struct fixture *f = user;
	int i;

	(void)n;
	*reply = (struct responder_reply){ .status = 404, .body = "{\"error\":\"not found\"}" };
	pthread_mutex_lock(&f->lock);
	if (!strcmp(req->method, "GET") && strstr(req->target, "/numbers?")) {
		*reply = (struct responder_reply){ .status = 200, .owned_body = listing(f) };
		goto out;
	}
	if (!strstr(req->target, "/assign-subaccount") || (i = index_of(req->target)) < 0)
		goto out;
	switch (f->mode) {
	case MOVE_OK:
		apply(f, i, req);
		*reply = (struct responder_reply){ .status = 204 };
		if (!strcmp(req->method, "POST"))
			*reply = (struct responder_reply){ .status = 200, .body = "{\"message\":\"assigned\"}" };
		break;
	case MOVE_COOL_OFF:
		*reply = (struct responder_reply){ .status = 409,
						   .body = "{\"error\":\"did_cool_off_in_effect\","
							   "\"cool_off_until\":\"2026-12-01T10:00:00Z\","
							   "\"cool_off_remaining_seconds\":3600}" };
		break;
	case MOVE_FORBIDDEN:
		*reply = (struct responder_reply){ .status = 403, .body = "{\"error\":\"forbidden\"}" };
		break;
	case MOVE_BAD_REQUEST:
		*reply = (struct responder_reply){ .status = 400,
						   .body = "{\"error\":\"invalid request\",\"message\":\"no\"}" };
		break;
	case MOVE_LOST_DONE:
		apply(f, i, req);
		*reply = (struct responder_reply){ .status = 0 };
		break;
	case MOVE_LOST_UNDONE:
		*reply = (struct responder_reply){ .status = 0 };
		break;
	case MOVE_SLOW:
		apply(f, i, req);
		*reply = (struct responder_reply){ .status = 204, .delay_ms = 300 };
		break;
	}
out:
	pthread_mutex_unlock(&f->lock);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	pthread_mutex_init(&f->lock, NULL);
	for (size_t i = 0; i < COUNT; i++)
		snprintf(f->owner[i], sizeof(f->owner[i]), "%s", i >= 4 ? "SA_ONE" : AUTH_ID);
	snprintf(f->dir, sizeof(f->dir), "/tmp/vobizfs-accounts-XXXXXX");
	if (!mkdtemp(f->dir) || !(f->server = responder_start(account, f)))
		return -1;
	snprintf(f->audit_path, sizeof(f->audit_path), "%s/audit.log", f->dir);
	f->cfg = (struct config){
		.auth_id = AUTH_ID,
		.auth_token = TOKEN,
		.base_url = (char *)responder_url(f->server),
		.timeout_s = 6,
		.parallel = 4,
		.ttl_s = 30,
	};
	*state = f;
	return 0;
}

/* Create the modules over the account (after the test adjusted cfg). */
static void start(struct fixture *f)
{
	char err[256];

	f->api = api_new(&f->cfg, err, sizeof(err));
	assert_non_null(f->api);
	f->catalog = catalog_new(f->api, &(struct catalog_options){ .ttl_s = f->cfg.ttl_s,
								    .parallel = f->cfg.parallel,
								    .page_timeout_s = f->cfg.timeout_s,
								    .listing_timeout_s = 60 });
	assert_non_null(f->catalog);
	assert_int_equal(catalog_refresh_if_stale(f->catalog, true), 0);
	assert_int_equal(audit_open(f->audit_path, &f->audit, err, sizeof(err)), 0);
	f->accounts = accounts_new(&f->cfg, f->api, f->catalog, f->audit);
	assert_non_null(f->accounts);
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	accounts_free(f->accounts);
	audit_close(f->audit);
	catalog_free(f->catalog);
	api_free(f->api);
	responder_stop(f->server);
	unlink(f->audit_path);
	rmdir(f->dir);
	pthread_mutex_destroy(&f->lock);
	free(f);
	return 0;
}

/* Requests of METHOD to an assign-subaccount path. */
static size_t moves_sent(struct fixture *f, const char *method)
{
	size_t n = 0, total = responder_count(f->server);

	for (size_t i = 0; i < total; i++) {
		struct responder_request req = responder_request(f->server, i);

		n += !strcmp(req.method, method) && strstr(req.target, "/assign-subaccount") != NULL;
	}
	return n;
}

static size_t all_moves_sent(struct fixture *f)
{
	return moves_sent(f, "POST") + moves_sent(f, "DELETE");
}

/* True when the catalog lists DIGITS under ACCOUNT (the by-account/ view). */
static bool shown_under(struct fixture *f, const char *digits, const char *account)
{
	const struct catalog_filter view = { .status = NUMBER_ACTIVE, .view = VIEW_ACCOUNT, .value = account };
	struct number_info info;

	return catalog_find(f->catalog, digits, &view, &info) == 0;
}

/* The audit log's last line, parsed (caller frees). */
static cJSON *last_audit_line(struct fixture *f, size_t *lines)
{
	FILE *fp = fopen(f->audit_path, "r");
	char line[2048], last[2048] = "";

	*lines = 0;
	while (fp && fgets(line, sizeof(line), fp)) {
		memcpy(last, line, sizeof(last));
		(*lines)++;
	}
	if (fp)
		fclose(fp);
	return cJSON_Parse(last);
}

static const char *field(const cJSON *o, const char *name)
{
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, name));
}

static void giving_a_number_sends_one_post_and_shows_at_once(void **state)
{
	struct fixture *f = *state;
	struct responder_request req;
	struct accounts_counters c;
	size_t lines;
	cJSON *line;

	start(f);
	assert_int_equal(accounts_move(f->accounts, MAIN_NUMBER, "SA_SALES01", &mv, clock_deadline_in(5)), 0);
	assert_int_equal(moves_sent(f, "POST"), 1);
	assert_int_equal(all_moves_sent(f), 1);
	req = responder_request(f->server, responder_count(f->server) - 1);
	assert_string_equal(req.target, "/api/v1/account/" AUTH_ID "/numbers/%2B" MAIN_NUMBER "/assign-subaccount");
	assert_string_equal(req.body, "{\"sub_account_id\":\"SA_SALES01\"}");
	assert_string_equal(req.content_type, "application/json");
	assert_true(shown_under(f, MAIN_NUMBER, "SA_SALES01"));
	assert_false(shown_under(f, MAIN_NUMBER, AUTH_ID));
	line = last_audit_line(f, &lines);
	assert_int_equal(lines, 2);
	assert_string_equal(field(line, "event"), "outcome");
	assert_string_equal(field(line, "action"), "assign-subaccount");
	assert_string_equal(field(line, "result"), "ok");
	assert_string_equal(field(line, "from_account"), AUTH_ID);
	assert_string_equal(field(line, "to_account"), "SA_SALES01");
	cJSON_Delete(line);
	accounts_counters(f->accounts, &c);
	assert_int_equal(c.moved, 1);
}

static void taking_a_number_back_sends_one_delete(void **state)
{
	struct fixture *f = *state;
	struct responder_request req;

	start(f);
	assert_int_equal(accounts_move(f->accounts, SUB_NUMBER, AUTH_ID, &mv, clock_deadline_in(5)), 0);
	assert_int_equal(moves_sent(f, "DELETE"), 1);
	assert_int_equal(all_moves_sent(f), 1);
	req = responder_request(f->server, responder_count(f->server) - 1);
	assert_string_equal(req.target, "/api/v1/account/" AUTH_ID "/numbers/%2B" SUB_NUMBER "/assign-subaccount");
	assert_int_equal(req.body_len, 0);
	assert_true(shown_under(f, SUB_NUMBER, AUTH_ID));
	assert_false(shown_under(f, SUB_NUMBER, "SA_ONE"));
}

static void refusals_send_nothing(void **state)
{
	struct fixture *f = *state;

	start(f);
	/* Already there. */
	assert_int_equal(accounts_move(f->accounts, SUB_NUMBER, "SA_ONE", &mv, clock_deadline_in(5)), 0);
	assert_int_equal(accounts_move(f->accounts, MAIN_NUMBER, AUTH_ID, &mv, clock_deadline_in(5)), 0);
	/* Another sub-account's: back to the main account first. */
	assert_int_equal(accounts_move(f->accounts, SUB_NUMBER, "SA_TWO", &mv, clock_deadline_in(5)), -EBUSY);
	/* Not a plausible account. */
	assert_int_equal(accounts_move(f->accounts, MAIN_NUMBER, "NOT_AN_ACCOUNT", &mv, clock_deadline_in(5)), -EINVAL);
	assert_int_equal(accounts_move(f->accounts, MAIN_NUMBER, "SA_", &mv, clock_deadline_in(5)), -EINVAL);
	assert_int_equal(accounts_move(f->accounts, MAIN_NUMBER, "sa_lower", &mv, clock_deadline_in(5)), -EINVAL);
	assert_int_equal(accounts_move(f->accounts, MAIN_NUMBER, "SA_a b", &mv, clock_deadline_in(5)), -EINVAL);
	assert_int_equal(accounts_move(f->accounts, MAIN_NUMBER, "MA_OTHER", &mv, clock_deadline_in(5)), -EINVAL);
	assert_int_equal(accounts_check_target(f->accounts, "MA_OTHER"), -EINVAL);
	assert_int_equal(accounts_check_target(f->accounts, AUTH_ID), 0);
	assert_int_equal(accounts_check_target(f->accounts, "SA_X"), 0);
	/* Not held. */
	assert_int_equal(accounts_move(f->accounts, "91900000099", "SA_X", &mv, clock_deadline_in(5)), -ENOENT);
	assert_int_equal(accounts_move(f->accounts, "9190/../x", "SA_X", &mv, clock_deadline_in(5)), -ENOENT);
	assert_int_equal(all_moves_sent(f), 0);
}

static void read_only_sends_nothing(void **state)
{
	struct fixture *f = *state;

	f->cfg.read_only = true;
	start(f);
	assert_int_equal(accounts_check_target(f->accounts, "SA_X"), -EROFS);
	assert_int_equal(accounts_move(f->accounts, MAIN_NUMBER, "SA_X", &mv, clock_deadline_in(5)), -EROFS);
	assert_int_equal(accounts_move(f->accounts, SUB_NUMBER, AUTH_ID, &mv, clock_deadline_in(5)), -EROFS);
	assert_int_equal(all_moves_sent(f), 0);
}

static void dry_run_audits_and_sends_nothing(void **state)
{
	struct fixture *f = *state;
	struct accounts_counters c;
	size_t lines;
	cJSON *line;

	f->cfg.dry_run = true;
	start(f);
	assert_int_equal(accounts_move(f->accounts, MAIN_NUMBER, "SA_X", &mv, clock_deadline_in(5)), 0);
	assert_int_equal(accounts_move(f->accounts, SUB_NUMBER, AUTH_ID, &mv, clock_deadline_in(5)), 0);
	assert_int_equal(all_moves_sent(f), 0);
	assert_true(shown_under(f, MAIN_NUMBER, AUTH_ID));
	assert_true(shown_under(f, SUB_NUMBER, "SA_ONE"));
	line = last_audit_line(f, &lines);
	assert_int_equal(lines, 4);
	assert_string_equal(field(line, "action"), "unassign-subaccount");
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(line, "dry_run")));
	assert_string_equal(field(line, "message"), "dry run: no request sent");
	cJSON_Delete(line);
	accounts_counters(f->accounts, &c);
	assert_int_equal(c.dry_runs, 2);
	assert_int_equal(c.moved, 0);
}

static void cool_off_is_ebusy_with_its_end_audited(void **state)
{
	struct fixture *f = *state;
	size_t lines;
	cJSON *line;

	f->mode = MOVE_COOL_OFF;
	start(f);
	assert_int_equal(accounts_move(f->accounts, SUB_NUMBER, AUTH_ID, &mv, clock_deadline_in(5)), -EBUSY);
	assert_int_equal(all_moves_sent(f), 1);
	assert_true(shown_under(f, SUB_NUMBER, "SA_ONE"));
	line = last_audit_line(f, &lines);
	assert_string_equal(field(line, "result"), "EBUSY");
	assert_string_equal(field(line, "cool_off_until"), "2026-12-01T10:00:00Z");
	assert_int_equal(cJSON_GetObjectItem(line, "cool_off_remaining_seconds")->valueint, 3600);
	assert_non_null(strstr(field(line, "message"), "2026-12-01T10:00:00Z"));
	assert_int_equal(cJSON_GetObjectItem(line, "http_status")->valueint, 409);
	cJSON_Delete(line);
}

static void api_refusals_map_and_change_nothing(void **state)
{
	struct fixture *f = *state;
	struct accounts_counters c;

	f->mode = MOVE_FORBIDDEN;
	start(f);
	assert_int_equal(accounts_move(f->accounts, MAIN_NUMBER, "SA_X", &mv, clock_deadline_in(5)), -EACCES);
	f->mode = MOVE_BAD_REQUEST;
	assert_int_equal(accounts_move(f->accounts, MAIN_NUMBER, "SA_X", &mv, clock_deadline_in(5)), -EINVAL);
	assert_int_equal(all_moves_sent(f), 2);
	assert_true(shown_under(f, MAIN_NUMBER, AUTH_ID));
	accounts_counters(f->accounts, &c);
	assert_int_equal(c.failed, 2);
}

static void lost_answer_to_an_applied_move_is_settled_from_the_listing(void **state)
{
	struct fixture *f = *state;
	size_t lines;
	cJSON *line;

	f->mode = MOVE_LOST_DONE;
	start(f);
	assert_int_equal(accounts_move(f->accounts, MAIN_NUMBER, "SA_X", &mv, clock_deadline_in(5)), 0);
	assert_int_equal(all_moves_sent(f), 1);
	assert_true(shown_under(f, MAIN_NUMBER, "SA_X"));
	line = last_audit_line(f, &lines);
	assert_string_equal(field(line, "result"), "ok");
	assert_non_null(strstr(field(line, "message"), "answer lost"));
	cJSON_Delete(line);
}

static void lost_answer_to_a_move_not_applied_is_eio_and_not_resent(void **state)
{
	struct fixture *f = *state;

	f->mode = MOVE_LOST_UNDONE;
	start(f);
	assert_int_equal(accounts_move(f->accounts, SUB_NUMBER, AUTH_ID, &mv, clock_deadline_in(5)), -EIO);
	assert_int_equal(all_moves_sent(f), 1);
	/* The listing in memory is no longer trusted: the next ls reads it. */
	assert_int_equal(catalog_refresh_if_stale(f->catalog, false), -EAGAIN); /* must be read */
}

struct mover {
	struct fixture *f;
	int ret;
};

static void *move_thread(void *arg)
{
	struct mover *m = arg;

	m->ret = accounts_move(m->f->accounts, MAIN_NUMBER, "SA_X", &mv, clock_deadline_in(5));
	return NULL;
}

static void two_moves_of_one_number_send_one_request(void **state)
{
	struct fixture *f = *state;
	struct mover movers[2] = { { .f = f }, { .f = f } };
	pthread_t threads[2];

	f->mode = MOVE_SLOW;
	start(f);
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&threads[i], NULL, move_thread, &movers[i]), 0);
	for (int i = 0; i < 2; i++) {
		pthread_join(threads[i], NULL);
		assert_int_equal(movers[i].ret, 0);
	}
	assert_int_equal(all_moves_sent(f), 1);
}

static void catalog_reads_the_top_level_account_id_only(void **state)
{
	char out[ROUTE_ID_MAX + 1];
	static const struct {
		const char *json, *want;
	} cases[] = {
		{ "{\n\t\"e164\":\t\"+1\",\n\t\"account_id\":\t\"SA_ONE\"\n}\n", "SA_ONE" },
		{ "{\n\t\"account_id\":\t\"MA_X\",\n\t\"e164\":\t\"+1\"\n}\n", "MA_X" },
		/* Nested, or inside a string: not the record's. */
		{ "{\n\t\"owner\":\t{\n\t\t\"account_id\":\t\"SA_NESTED\"\n\t}\n}\n", "" },
		{ "{\n\t\"note\":\t\"\\n\\t\\\"account_id\\\":\\t\\\"SA_FAKE\\\"\"\n}\n", "" },
		/* Not a plausible id, or not a string. */
		{ "{\n\t\"account_id\":\t\"SA ONE\"\n}\n", "" },
		{ "{\n\t\"account_id\":\t\"\"\n}\n", "" },
		{ "{\n\t\"account_id\":\tnull\n}\n", "" },
		{ "{\n\t\"account_id\":\t\"SA_TOO_LONG_"
		  "XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX\"\n}\n",
		  "" },
		{ "{\n\t\"account_id\":\t\"SA_CUT", "" },
		/* The first of two, as a parse finds it. */
		{ "{\n\t\"account_id\":\t\"SA_FIRST\",\n\t\"account_id\":\t\"SA_SECOND\"\n}\n", "SA_FIRST" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		catalog_record_account(cases[i].json, strlen(cases[i].json), out);
		assert_string_equal(out, cases[i].want);
	}
}

static void by_account_groups_name_every_account(void **state)
{
	struct fixture *f = *state;
	char **names;
	size_t n = 0;

	start(f);
	assert_int_equal(catalog_groups(f->catalog, VIEW_ACCOUNT, &names), 0);
	while (names[n])
		n++;
	assert_int_equal(n, 2);
	assert_string_equal(names[0], AUTH_ID);
	assert_string_equal(names[1], "SA_ONE");
	catalog_free_names(names);
	assert_true(accounts_sub_account_valid("SA_1"));
	assert_false(accounts_sub_account_valid("SA_"));
	assert_false(accounts_sub_account_valid("MA_1"));
	assert_false(accounts_sub_account_valid(NULL));
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(giving_a_number_sends_one_post_and_shows_at_once),
		T(taking_a_number_back_sends_one_delete),
		T(refusals_send_nothing),
		T(read_only_sends_nothing),
		T(dry_run_audits_and_sends_nothing),
		T(cool_off_is_ebusy_with_its_end_audited),
		T(api_refusals_map_and_change_nothing),
		T(lost_answer_to_an_applied_move_is_settled_from_the_listing),
		T(lost_answer_to_a_move_not_applied_is_eio_and_not_resent),
		T(two_moves_of_one_number_send_one_request),
		T(catalog_reads_the_top_level_account_id_only),
		T(by_account_groups_name_every_account),
	};
#undef T
	int failed;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	failed = cmocka_run_group_tests(tests, NULL, NULL);
	curl_global_cleanup();
	return failed;
}
