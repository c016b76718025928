/* fakeaccount.c — the stand-in account of the unit tests (see fakeaccount.h). */
#include "fakeaccount.h"

#include "responder.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_NUMBERS 4096

struct fake_account {
	struct responder *server;
	bool current;

	pthread_mutex_t lock; /* guards everything below */
	char digits[MAX_NUMBERS][16];
	int status[MAX_NUMBERS]; /* 0 active, 1 pending, -1 gone */
	size_t count;
	enum fake_delete delete_mode;
	unsigned delete_delay_ms;
	long page_cap;
	int churn;
	int list_failure;
};

void fake_account_digits(size_t i, char out[16])
{
	snprintf(out, 16, "%lu", 91900000000UL + (unsigned long)i);
}

static int find(const struct fake_account *fa, const char *digits)
{
	for (size_t i = 0; i < fa->count; i++)
		if (!strcmp(fa->digits[i], digits) && fa->status[i] >= 0)
			return (int)i;
	return -1;
}

static long query_long(const char *target, const char *name, long fallback)
{
	char key[32];
	const char *p;

	snprintf(key, sizeof(key), "%s=", name);
	for (p = strchr(target, '?'); p; p = strchr(p + 1, '&'))
		if (!strncmp(p + 1, key, strlen(key)))
			return atol(p + 1 + strlen(key));
	return fallback;
}

static void query_str(const char *target, const char *name, char *out, size_t len)
{
	char key[32];
	const char *p;

	out[0] = '\0';
	snprintf(key, sizeof(key), "%s=", name);
	for (p = strchr(target, '?'); p; p = strchr(p + 1, '&'))
		if (!strncmp(p + 1, key, strlen(key))) {
			snprintf(out, len, "%.*s", (int)strcspn(p + 1 + strlen(key), "&"), p + 1 + strlen(key));
			return;
		}
}

/* Called with the lock held. */
static void list_page(struct fake_account *fa, const char *target, struct responder_reply *reply)
{
	long page = query_long(target, "page", 1), per_page = query_long(target, "per_page", 25), total = 0, shown = 0;
	char search[32], *body;
	size_t cap, used = 0;

	query_str(target, "search", search, sizeof(search));
	if (fa->page_cap && per_page > fa->page_cap)
		per_page = fa->page_cap;
	cap = 256 + (size_t)per_page * 160;
	body = malloc(cap);
	if (!body)
		return;
	used += (size_t)snprintf(body + used, cap - used, "{\"items\":[");
	for (size_t i = 0; i < fa->count; i++) {
		if (fa->status[i] < 0 || (search[0] && !strstr(fa->digits[i], search)))
			continue;
		total++;
		if (total <= (page - 1) * per_page || total > page * per_page)
			continue;
		used +=
		    (size_t)snprintf(body + used, cap - used,
				     "%s{\"e164\":\"+%s\",\"account_id\":\"" FAKE_AUTH_ID "\",\"status\":\"%s\","
				     "\"region\":\"Karnataka\",\"purchased_at\":\"2024-03-05T10:22:31.123456Z\"}",
				     shown++ ? "," : "", fa->digits[i], fa->status[i] ? "pending_release" : "active");
	}
	snprintf(body + used, cap - used, "],\"page\":%ld,\"per_page\":%ld,\"total\":%ld}", page, per_page, total);
	reply->status = 200;
	reply->owned_body = body;
	if (page == 1 && fa->churn > 0 && fa->count < MAX_NUMBERS) {
		fa->churn--;
		fake_account_digits(fa->count, fa->digits[fa->count]);
		fa->status[fa->count++] = 0;
	}
}

/* Called with the lock held.  TARGET is .../numbers/<e164>[?immediate=true]. */
static void release(struct fake_account *fa, const char *target, struct responder_reply *reply)
{
	const char *seg = strrchr(target, '/') + 1;
	char digits[32];
	int i;
	bool acts = fa->delete_mode == FAKE_DELETE_OK || fa->delete_mode == FAKE_DELETE_LOST_DONE ||
		    fa->delete_mode == FAKE_DELETE_503_DONE || fa->delete_mode == FAKE_DELETE_429_DONE;

	if (fa->current && strncmp(seg, "%2B", 3)) {
		reply->status = 404;
		reply->body = "{\"error\":\"number not found\"}";
		return;
	}
	snprintf(digits, sizeof(digits), "%.*s", (int)strcspn(fa->current ? seg + 3 : seg, "?"),
		 fa->current ? seg + 3 : seg);
	i = find(fa, digits);
	if (i < 0) {
		reply->status = 404;
		reply->body = "{\"error\":\"number not found\"}";
		return;
	}
	if (fa->status[i] == 1) { /* as the sandbox answers */
		reply->status = 409;
		reply->body = "{\"error\":\"conflict\",\"message\":\"number is already pending release\"}";
		return;
	}
	reply->delay_ms = fa->delete_delay_ms;
	if (acts)
		fa->status[i] = fa->current && !strstr(target, "immediate=true") ? 1 : -1;
	switch (fa->delete_mode) {
	case FAKE_DELETE_OK:
		reply->status = fa->current ? 200 : 204;
		if (fa->current && fa->status[i] == 1)
			reply->body = "{\"status\":\"pending_release\",\"release_fee\":700,"
				      "\"cooldown_ends_at\":\"2024-03-06T10:22:31Z\",\"message\":\"scheduled\"}";
		break;
	case FAKE_DELETE_FORBIDDEN:
		reply->status = 403;
		reply->body = "{\"error\":\"forbidden\",\"message\":\"account does not own this number\"}";
		break;
	case FAKE_DELETE_LOST_DONE:
	case FAKE_DELETE_LOST_UNDONE:
		reply->status = 0;
		break;
	case FAKE_DELETE_503_UNDONE:
	case FAKE_DELETE_503_DONE:
		reply->status = 503;
		reply->body = "{\"error\":\"service unavailable\"}";
		break;
	case FAKE_DELETE_429_DONE:
		reply->status = 429;
		reply->retry_after = "0";
		reply->body = "{\"error\":\"rate_limited\",\"message\":\"too many requests\"}";
		break;
	}
}

static void cancel(struct fake_account *fa, const char *target, struct responder_reply *reply)
{
	char digits[32];
	const char *p = strstr(target, "/numbers/%2B");
	int i;

	snprintf(digits, sizeof(digits), "%.*s", p ? (int)strcspn(p + 12, "/") : 0, p ? p + 12 : "");
	i = find(fa, digits);
	if (i < 0 || fa->status[i] != 1) {
		reply->status = 404;
		reply->body = "{\"error\":\"number not found\"}";
		return;
	}
	fa->status[i] = 0;
	reply->status = 200;
	reply->body = "{\"status\":\"active\",\"message\":\"release cancelled\"}";
}

#define NUMBERS_PATH "/api/v1/Account/" FAKE_AUTH_ID "/numbers"
#define LOWER_PATH "/api/v1/account/" FAKE_AUTH_ID "/numbers"

/* True when S is PREFIX followed by the character NEXT. */
static bool starts(const char *s, const char *prefix, char next)
{
	size_t n = strlen(prefix);

	return !strncmp(s, prefix, n) && s[n] == next;
}

static void on_request(void *user, size_t n, const struct responder_request *req, struct responder_reply *reply)
{
	struct fake_account *fa = user;

	(void)n;
	reply->status = 404;
	reply->body = "{\"error\":\"not_found\",\"message\":\"no such route\"}";
	if (strcmp(req->auth_id, FAKE_AUTH_ID) || strcmp(req->auth_token, FAKE_TOKEN)) {
		reply->status = 401;
		reply->body = "{\"error\":{\"code\":401,\"message\":\"Invalid token\"}}";
		return;
	}
	pthread_mutex_lock(&fa->lock);
	if (!strcmp(req->method, "GET") && starts(req->target, NUMBERS_PATH, '?')) {
		if (fa->list_failure) {
			reply->status = fa->list_failure;
			reply->body = "{\"error\":\"failure\"}";
		} else {
			list_page(fa, req->target, reply);
		}
	} else if (!strcmp(req->method, "DELETE") && starts(req->target, NUMBERS_PATH, '/')) {
		release(fa, req->target, reply);
	} else if (!strcmp(req->method, "POST") && fa->current && starts(req->target, LOWER_PATH, '/') &&
		   strstr(req->target, "/cancel-release")) {
		cancel(fa, req->target, reply);
	}
	pthread_mutex_unlock(&fa->lock);
}

struct fake_account *fake_account_start(bool current_dialect, size_t count)
{
	struct fake_account *fa = calloc(1, sizeof(*fa));

	if (!fa || count > MAX_NUMBERS) {
		free(fa);
		return NULL;
	}
	fa->current = current_dialect;
	pthread_mutex_init(&fa->lock, NULL);
	for (size_t i = 0; i < count; i++)
		fake_account_digits(i, fa->digits[i]);
	fa->count = count;
	fa->server = responder_start(on_request, fa);
	if (!fa->server) {
		fake_account_stop(fa);
		return NULL;
	}
	return fa;
}

void fake_account_stop(struct fake_account *fa)
{
	if (!fa)
		return;
	responder_stop(fa->server);
	pthread_mutex_destroy(&fa->lock);
	free(fa);
}

const char *fake_account_url(const struct fake_account *fa)
{
	return responder_url(fa->server);
}

void fake_account_set_delete(struct fake_account *fa, enum fake_delete mode, unsigned delay_ms)
{
	pthread_mutex_lock(&fa->lock);
	fa->delete_mode = mode;
	fa->delete_delay_ms = delay_ms;
	pthread_mutex_unlock(&fa->lock);
}

void fake_account_set_page_cap(struct fake_account *fa, long max)
{
	pthread_mutex_lock(&fa->lock);
	fa->page_cap = max;
	pthread_mutex_unlock(&fa->lock);
}

void fake_account_set_churn(struct fake_account *fa, int times)
{
	pthread_mutex_lock(&fa->lock);
	fa->churn = times;
	pthread_mutex_unlock(&fa->lock);
}

void fake_account_set_list_failure(struct fake_account *fa, int status)
{
	pthread_mutex_lock(&fa->lock);
	fa->list_failure = status;
	pthread_mutex_unlock(&fa->lock);
}

int fake_account_release(struct fake_account *fa, const char *digits)
{
	int i;

	pthread_mutex_lock(&fa->lock);
	i = find(fa, digits);
	if (i >= 0)
		fa->status[i] = -1;
	pthread_mutex_unlock(&fa->lock);
	return i < 0 ? -1 : 0;
}

int fake_account_status(struct fake_account *fa, const char *digits)
{
	int i, status;

	pthread_mutex_lock(&fa->lock);
	i = find(fa, digits);
	status = i < 0 ? -1 : fa->status[i];
	pthread_mutex_unlock(&fa->lock);
	return status;
}

size_t fake_account_requests(struct fake_account *fa, const char *method, const char *needle)
{
	size_t n = 0, total = responder_count(fa->server);

	for (size_t i = 0; i < total; i++) {
		struct responder_request req = responder_request(fa->server, i);

		if (!strcmp(req.method, method) && (!needle || strstr(req.target, needle)))
			n++;
	}
	return n;
}

long fake_account_nth_request(struct fake_account *fa, const char *method, const char *needle, size_t nth)
{
	size_t total = responder_count(fa->server);

	for (size_t i = 0; i < total; i++) {
		struct responder_request req = responder_request(fa->server, i);

		if (!strcmp(req.method, method) && (!needle || strstr(req.target, needle)) && nth-- == 0)
			return (long)i;
	}
	return -1;
}
