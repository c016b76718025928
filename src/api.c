/* api.c — Vobiz API calls over the HTTP transport, with the retry rules that
 * keep a paid, permanent release from ever being sent twice. */
#include "api.h"

#include "clock.h"
#include "e164.h"
#include "errmap.h"
#include "http.h"
#include "log.h"
#include "number.h"

#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_BODY_BYTES (16u << 20) /* a 100-item page is ~100 KiB */
#define BACKOFF_FIRST_MS 100
#define BACKOFF_CAP_MS 4000
#define URL_MAX 512
#define RETRY_ROOM_MS 20 /* the least time worth sending a retry in */

struct api {
	const struct config *cfg;
	struct http_client *http;
	atomic_ulong requests;
	atomic_ulong failures;
	atomic_ulong by_class[API_METHODS][API_CLASSES];
	atomic_ulong latency[API_LATENCY_BOUNDS + 1];
	atomic_ullong latency_sum_us;
	atomic_ulong retries;
	atomic_ulong unknown;
	pthread_mutex_t failure_lock; /* guards last_failure */
	char last_failure[300];
};

const double api_latency_bounds[API_LATENCY_BOUNDS] = { 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10 };

static int64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Count one request of METHOD that took US microseconds and ended in FATE. */
static void count_request(struct api *api, const char *method, enum http_fate fate, long status, int64_t us)
{
	enum api_method m = !strcmp(method, "GET")      ? API_METHOD_GET
			    : !strcmp(method, "POST")   ? API_METHOD_POST
			    : !strcmp(method, "DELETE") ? API_METHOD_DELETE
							: API_METHOD_OTHER;
	enum api_class c = fate == HTTP_ANSWERED && status >= 100 && status < 600 ? (enum api_class)(status / 100 - 1)
										  : API_CLASS_NONE;
	size_t b = 0;

	if (us < 0)
		us = 0;
	while (b < API_LATENCY_BOUNDS && (double)us > api_latency_bounds[b] * 1e6)
		b++;
	atomic_fetch_add(&api->requests, 1);
	atomic_fetch_add(&api->by_class[m][c], 1);
	atomic_fetch_add(&api->latency[b], 1);
	atomic_fetch_add(&api->latency_sum_us, (unsigned long long)us);
}

/* May a request be sent again after an answer or failure of this kind? */
enum call_kind {
	CALL_READ,  /* idempotent: retry on 5xx, 429, any transport failure */
	CALL_WRITE, /* has effects: retry only on 429 or when never sent */
};

struct api *api_new(const struct config *cfg, char *err, size_t errlen)
{
	struct http_client_options opt = {
		.auth_id = cfg->auth_id,
		.auth_token = cfg->auth_token,
		.ca_file = cfg->ca_file,
		.max_body = MAX_BODY_BYTES,
		/* A loopback API is spoken to in plain http: through a proxy
		 * its token would travel in clear.  Elsewhere (https) the
		 * proxy variables are libcurl's to honour, inside TLS. */
		.direct = config_url_is_loopback(cfg->base_url),
	};
	struct api *api = calloc(1, sizeof(*api));

	if (!api) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	api->cfg = cfg;
	pthread_mutex_init(&api->failure_lock, NULL);
	api->http = http_client_new(&opt, err, errlen);
	if (!api->http) {
		pthread_mutex_destroy(&api->failure_lock);
		free(api);
		return NULL;
	}
	return api;
}

void api_free(struct api *api)
{
	if (!api)
		return;
	http_client_free(api->http);
	pthread_mutex_destroy(&api->failure_lock);
	free(api);
}

/* Exponential backoff with jitter (a uniform delay between half and all of
 * the cap of this attempt), so many clients retrying at once do not stay in
 * step. */
static long backoff_ms(unsigned attempt)
{
	static _Thread_local unsigned seed;
	long cap = BACKOFF_FIRST_MS << (attempt < 6 ? attempt : 6);

	if (!seed)
		seed = (unsigned)clock_now_ms() ^ (unsigned)(uintptr_t)&seed;
	if (cap > BACKOFF_CAP_MS)
		cap = BACKOFF_CAP_MS;
	return cap / 2 + rand_r(&seed) % (cap / 2 + 1);
}

long api_retry_delay_ms(unsigned attempt, long asked_ms)
{
	long floor = backoff_ms(attempt);

	/* "Retry-After: 0", a date in the past, a negative or malformed value
	 * would otherwise have every retry sent at once, without end. */
	return asked_ms > floor ? asked_ms : floor;
}

static const char *url_path(const char *url, const struct config *cfg)
{
	return url + strlen(cfg->base_url);
}

/* Wait DELAY_MS before another attempt, if the deadline leaves room for the
 * wait and a request after it.  False means: give up now, with the failure
 * already met (an attempt the deadline stops before it is sent would only
 * replace it with "timed out"). */
static bool wait_for_retry(long delay_ms, int64_t deadline)
{
	if (delay_ms + RETRY_ROOM_MS >= clock_left_ms(deadline))
		return false;
	clock_sleep_until(delay_ms, deadline);
	return clock_left_ms(deadline) > 0;
}

static void describe_failure(const struct http_response *resp, enum http_fate fate, struct api_outcome *out)
{
	char id[96] = "", text[sizeof(out->message)]; /* " (requestId ...)"; the message */
	struct api_error e;

	out->http_status = resp->status;
	if (fate != HTTP_ANSWERED) {
		log_scrub(resp->error, out->message, sizeof(out->message), LOG_SCRUB_TEXT);
		return;
	}
	if (resp->too_big) {
		snprintf(out->message, sizeof(out->message), "answer larger than %u bytes", MAX_BODY_BYTES);
		return;
	}
	/* A success is its caller's to parse: a listing page parsed here as
	 * well would double the listing's CPU. */
	if (resp->status >= 200 && resp->status < 300)
		return;
	apijson_parse_error(resp->body, resp->len, &e);
	/* The platform's request id is what the vendor's support asks for; a
	 * long message is cut to leave it room.  Both are scrubbed before they
	 * are cut (a cut token is no longer recognised), so every reader of the
	 * message — log, audit, the mount's refusal — gets it without the token
	 * (an API echoing X-Auth-Token) or control characters. */
	log_scrub(e.message[0] ? e.message : (e.code[0] ? e.code : "-"), text, sizeof(text), LOG_SCRUB_TEXT);
	if (e.request_id[0]) {
		char rid[sizeof(id) - 16];

		log_scrub(e.request_id, rid, sizeof(rid), LOG_SCRUB_TEXT);
		snprintf(id, sizeof(id), " (requestId %s)", rid);
	}
	snprintf(out->message, sizeof(out->message), "%.*s%s", (int)(sizeof(out->message) - 1 - strlen(id)), text, id);
}

/* One API call under the retry rules of KIND.  On return RESP holds the last
 * answer (the caller parses and frees it) and OUT says what is known.
 * Returns 0 for a 2xx, else a negative errno. */
static int api_call(struct api *api, const char *method, const char *url, const char *body, enum call_kind kind,
		    int64_t deadline, struct http_response *resp, struct api_outcome *out)
{
	enum http_fate fate;
	unsigned attempt;
	int ret;

	*out = (struct api_outcome){ .retry_after_ms = -1 };
	for (attempt = 0;; attempt++) {
		long delay = api_retry_delay_ms(attempt, -1);
		int64_t started = now_us();

		if (attempt)
			atomic_fetch_add(&api->retries, 1);
		fate = http_perform(api->http, method, url, body, deadline, resp);
		count_request(api, method, fate, resp->status, now_us() - started);
		out->attempts++;
		describe_failure(resp, fate, out);

		if (fate == HTTP_ANSWERED && (resp->too_big || (resp->status >= 300 && resp->status < 400))) {
			/* An answer that cannot be read (past the size limit,
			 * whatever its status), or a redirect (never followed:
			 * it would carry the token elsewhere), says nothing of
			 * what the server did: a write may have been applied. */
			ret = -EIO;
			out->unknown = kind == CALL_WRITE;
			if (resp->status >= 300 && resp->status < 400)
				snprintf(out->message, sizeof(out->message), "redirect (HTTP %ld), not followed",
					 resp->status);
			break;
		}
		if (fate == HTTP_ANSWERED && resp->status == 429) {
			struct api_error e;

			apijson_parse_error(resp->body, resp->len, &e);
			out->rate_limited = true;
			out->retry_after_ms = resp->retry_after_ms >= 0 ? resp->retry_after_ms : e.retry_after_ms;
			delay = api_retry_delay_ms(attempt, out->retry_after_ms);
			ret = -EAGAIN;
		} else if (fate == HTTP_ANSWERED && resp->status < 500) {
			ret = errmap_http_status(resp->status);
			break;
		} else if (fate == HTTP_ANSWERED || fate == HTTP_UNKNOWN) {
			/* 5xx, reset, timeout: a write may have been acted on. */
			ret = resp->timed_out ? -ETIMEDOUT : -EIO;
			out->server_error |= fate == HTTP_ANSWERED;
			if (kind == CALL_WRITE) {
				out->unknown = true;
				break;
			}
		} else {
			ret = resp->timed_out ? -ETIMEDOUT : -EIO;
			if (resp->permanent)
				break; /* an unverifiable peer stays unverifiable */
		}
		if (out->attempts >= API_MAX_ATTEMPTS) {
			log_debug("%s %s: %u attempts, giving up (%s)", method, url_path(url, api->cfg), out->attempts,
				  out->message);
			break;
		}
		if (!wait_for_retry(delay, deadline))
			break;
		log_debug("%s %s: retrying in %ld ms (%s)", method, url_path(url, api->cfg), delay, out->message);
		http_response_free(resp);
	}
	out->timed_out = ret == -ETIMEDOUT;
	if (out->unknown)
		atomic_fetch_add(&api->unknown, 1);

	if (ret == 0)
		return 0;
	atomic_fetch_add(&api->failures, 1);
	pthread_mutex_lock(&api->failure_lock);
	if (resp->status)
		snprintf(api->last_failure, sizeof(api->last_failure), "HTTP %ld: %s", resp->status, out->message);
	else
		snprintf(api->last_failure, sizeof(api->last_failure), "%s", out->message);
	pthread_mutex_unlock(&api->failure_lock);
	if (resp->status == 401)
		log_error("the API refused the credentials of auth_id %s (HTTP 401: %s)", api->cfg->auth_id,
			  out->message);
	else if (resp->status)
		log_warn("%s %s: HTTP %ld: %s", method, url_path(url, api->cfg), resp->status, out->message);
	else
		log_warn("%s %s: %s", method, url_path(url, api->cfg), out->message);
	return ret;
}

void api_last_failure(struct api *api, char *buf, size_t len)
{
	pthread_mutex_lock(&api->failure_lock);
	snprintf(buf, len, "%s", api->last_failure);
	pthread_mutex_unlock(&api->failure_lock);
}

void api_counters(struct api *api, struct api_counters *out)
{
	out->requests = atomic_load(&api->requests);
	out->failures = atomic_load(&api->failures);
	for (size_t m = 0; m < API_METHODS; m++)
		for (size_t c = 0; c < API_CLASSES; c++)
			out->by_class[m][c] = atomic_load(&api->by_class[m][c]);
	for (size_t b = 0; b <= API_LATENCY_BOUNDS; b++)
		out->latency[b] = atomic_load(&api->latency[b]);
	out->latency_sum_s = (double)atomic_load(&api->latency_sum_us) / 1e6;
	out->retries = atomic_load(&api->retries);
	out->unknown = atomic_load(&api->unknown);
}

int api_list_page(struct api *api, const struct listing_query *q, long page, long per_page, int64_t deadline,
		  struct list_page *out, struct api_outcome *how)
{
	const char *search = q->search;
	struct http_response resp;
	struct api_outcome outcome;
	char url[URL_MAX];
	int ret;

	*out = (struct list_page){ 0 };
	if (how)
		*how = (struct api_outcome){ .retry_after_ms = -1 };
	if (search && !(strspn(search, "0123456789") == strlen(search) && strlen(search) <= E164_MAX_DIGITS))
		return -EINVAL;
	if (q->country && !country_code_valid(q->country))
		return -EINVAL;
	if (q->country)
		snprintf(url, sizeof(url), "%s/api/v1/Account/%s/inventory/numbers?country=%s&page=%ld&per_page=%ld",
			 api->cfg->base_url, api->cfg->auth_id, q->country, page, per_page);
	else
		snprintf(url, sizeof(url), "%s/api/v1/Account/%s/numbers?page=%ld&per_page=%ld%s%s", api->cfg->base_url,
			 api->cfg->auth_id, page, per_page, search ? "&search=" : "", search ? search : "");
	ret = api_call(api, "GET", url, NULL, CALL_READ, deadline, &resp, &outcome);
	if (how)
		*how = outcome;
	if (ret == 0) {
		ret = apijson_parse_list_page(resp.body, resp.len, out);
		/* Items skipped are the listing's to log (catalog.h), once. */
		if (ret == -EIO)
			log_finding("GET %s: HTTP %ld with a malformed listing body", url_path(url, api->cfg),
				    resp.status);
	}
	http_response_free(&resp);
	return ret;
}

/* A state-changing call on one number: METHOD on
 * {base}/api/v1/{ACCOUNT}/{auth_id}/numbers/[%2B]{digits}{SUFFIX} with an
 * optional JSON BODY. */
static int number_call(struct api *api, const char *method, const char *account, const char *digits, bool plus,
		       const char *suffix, const char *body, int64_t deadline, struct api_outcome *out)
{
	struct http_response resp;
	char url[URL_MAX];
	int ret;

	*out = (struct api_outcome){ 0 };
	if (!e164_is_digits(digits))
		return -EINVAL; /* never reaches a URL */
	snprintf(url, sizeof(url), "%s/api/v1/%s/%s/numbers/%s%s%s", api->cfg->base_url, account, api->cfg->auth_id,
		 plus ? "%2B" : "", digits, suffix);
	ret = api_call(api, method, url, body, CALL_WRITE, deadline, &resp, out);
	if (ret == 0 && apijson_parse_release(resp.body, resp.len, &out->answer) < 0) {
		out->unreadable = true;
		log_warn("%s %s: HTTP %ld with an unreadable body", method, url_path(url, api->cfg), resp.status);
	}
	if (ret == 0)
		log_scrub(out->answer.message, out->message, sizeof(out->message), LOG_SCRUB_TEXT);
	http_response_free(&resp);
	return ret;
}

/* Why a 2xx answer to the release of DIGITS does not confirm it (written to
 * WHY), or NULL when it does: its body says a state that is neither
 * pending_release nor released ({"status":"active"}), or names another
 * number.  No status at all (204, the legacy {"message":"number returned to
 * inventory"}) confirms it. */
static const char *release_denied(const char *digits, const struct release_answer *a, char *why, size_t len)
{
	char status[sizeof(a->status)];

	if (a->has_status && strcmp(a->status, "pending_release") && strcmp(a->status, "released")) {
		log_scrub(a->status, status, sizeof(status), LOG_SCRUB_TEXT);
		snprintf(why, len, "answered 2xx with status \"%s\", not a release", status);
		return why;
	}
	if (a->has_e164 && strcmp(a->e164, digits)) {
		snprintf(why, len, "answered 2xx naming %s%s, not +%s", a->e164[0] ? "+" : "",
			 a->e164[0] ? a->e164 : "an invalid e164", digits);
		return why;
	}
	return NULL;
}

int api_release(struct api *api, const char *digits, bool immediate, int64_t deadline, struct api_outcome *out)
{
	bool current = api->cfg->dialect == API_DIALECT_CURRENT;
	char why[sizeof(out->message)];
	int ret;

	ret = number_call(api, "DELETE", "Account", digits, current, current && immediate ? "?immediate=true" : "",
			  NULL, deadline, out);
	if (ret == 0 && (out->unreadable || release_denied(digits, &out->answer, why, sizeof(why)))) {
		/* A success that does not read as one: what the server did is
		 * the listing's to say, as for a lost answer. */
		if (out->unreadable)
			snprintf(why, sizeof(why), "answered 2xx with a body that cannot be read");
		log_warn("DELETE of %s: %s; the outcome is unknown", digits, why);
		snprintf(out->message, sizeof(out->message), "%s", why);
		out->unknown = true;
		atomic_fetch_add(&api->unknown, 1);
		atomic_fetch_add(&api->failures, 1);
		ret = -EIO;
	}
	return ret;
}

int api_cancel_release(struct api *api, const char *digits, int64_t deadline, struct api_outcome *out)
{
	return number_call(api, "POST", "account", digits, true, "/cancel-release", NULL, deadline, out);
}

/* {"KEY":"VALUE"}, with VALUE already known to be a plain id. */
static void id_body(char *buf, size_t len, const char *key, const char *value)
{
	snprintf(buf, len, "{\"%s\":\"%s\"}", key, value);
}

int api_set_trunk(struct api *api, const char *digits, const char *trunk, int64_t deadline, struct api_outcome *out)
{
	char body[ROUTE_ID_MAX + 32];

	*out = (struct api_outcome){ 0 };
	if (!trunk)
		return number_call(api, "DELETE", "Account", digits, true, "/assign", NULL, deadline, out);
	if (!route_id_valid(trunk))
		return -EINVAL;
	id_body(body, sizeof(body), "trunk_group_id", trunk);
	return number_call(api, "POST", "Account", digits, true, "/assign", body, deadline, out);
}

int api_set_application(struct api *api, const char *digits, const char *app, int64_t deadline, struct api_outcome *out)
{
	char body[ROUTE_ID_MAX + 32];

	*out = (struct api_outcome){ 0 };
	if (!app)
		return number_call(api, "DELETE", "Account", digits, true, "/application", NULL, deadline, out);
	if (!route_id_valid(app))
		return -EINVAL;
	id_body(body, sizeof(body), "application_id", app);
	return number_call(api, "POST", "Account", digits, true, "/application", body, deadline, out);
}

int api_purchase(struct api *api, const char *digits, int64_t deadline, struct api_outcome *out, struct number **number)
{
	struct http_response resp = { 0 };
	char url[URL_MAX], body[E164_BUFSIZE + 16];
	int ret;

	*number = NULL;
	*out = (struct api_outcome){ 0 };
	if (!e164_is_digits(digits))
		return -EINVAL;
	snprintf(url, sizeof(url), "%s/api/v1/Account/%s/numbers/purchase-from-inventory", api->cfg->base_url,
		 api->cfg->auth_id);
	snprintf(body, sizeof(body), "{\"e164\":\"+%s\"}", digits);
	ret = api_call(api, "POST", url, body, CALL_WRITE, deadline, &resp, out);
	if (ret == 0 &&
	    apijson_parse_purchase(resp.body, resp.len, digits, number, out->message, sizeof(out->message)) == -EIO)
		log_warn("POST %s: HTTP %ld with an unreadable body; the purchase succeeded", url_path(url, api->cfg),
			 resp.status);
	if (ret == 0) {
		char clean[sizeof(out->message)];

		log_scrub(out->message, clean, sizeof(clean), LOG_SCRUB_TEXT);
		memcpy(out->message, clean, sizeof(clean));
	}
	http_response_free(&resp);
	return ret;
}

int api_number_health(struct api *api, const char *digits, unsigned days, int64_t deadline, struct api_outcome *out,
		      char **body, size_t *len)
{
	struct http_response resp = { 0 };
	char url[URL_MAX];
	int ret;

	*out = (struct api_outcome){ 0 };
	*body = NULL;
	*len = 0;
	if (!e164_is_digits(digits))
		return -EINVAL;
	snprintf(url, sizeof(url), "%s/api/v1/account/%s/numbers/%%2B%s/health?granularity=daily&days=%u",
		 api->cfg->base_url, api->cfg->auth_id, digits, days);
	ret = api_call(api, "GET", url, NULL, CALL_READ, deadline, &resp, out);
	if (ret == 0) {
		*body = resp.body;
		*len = resp.len;
		resp.body = NULL;
	}
	http_response_free(&resp);
	return ret;
}

int api_set_subaccount(struct api *api, const char *digits, const char *sub, int64_t deadline, struct api_outcome *out,
		       char **body)
{
	struct http_response resp = { 0 };
	char url[URL_MAX], payload[ROUTE_ID_MAX + 32];
	int ret;

	*out = (struct api_outcome){ 0 };
	if (body)
		*body = NULL;
	if (!e164_is_digits(digits) || (sub && !route_id_valid(sub)))
		return -EINVAL; /* never reaches a URL */
	snprintf(url, sizeof(url), "%s/api/v1/account/%s/numbers/%%2B%s/assign-subaccount", api->cfg->base_url,
		 api->cfg->auth_id, digits);
	if (sub)
		id_body(payload, sizeof(payload), "sub_account_id", sub);
	ret = api_call(api, sub ? "POST" : "DELETE", url, sub ? payload : NULL, CALL_WRITE, deadline, &resp, out);
	if (body) {
		*body = resp.body;
		resp.body = NULL;
	}
	http_response_free(&resp);
	return ret;
}
