/* http.c — libcurl underneath the API calls.  Easy handles are pooled (one
 * per concurrent request, never shared between threads) over a share handle,
 * so DNS answers, TLS sessions and open connections are reused. */
#include "http.h"

#include "clock.h"
#include "log.h"

#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define CONNECT_TIMEOUT_MS 10000

struct http_client {
	CURLSH *share;
	pthread_mutex_t share_locks[CURL_LOCK_DATA_LAST];

	pthread_mutex_t pool_lock; /* guards pool and npool */
	CURL **pool;
	size_t npool, pool_cap;

	struct curl_slist *headers;      /* auth + Accept; read-only after creation */
	struct curl_slist *json_headers; /* the same plus Content-Type */
	char *ca_file;
	size_t max_body;
	bool direct; /* CURLOPT_PROXY "": no proxy, environment or not */
};

/* Per-request state handed to the callbacks. */
struct transfer {
	struct http_response *resp;
	size_t max_body;
	size_t cap;
	int sends; /* times libcurl was about to transmit the request */
};

static void share_lock(CURL *h, curl_lock_data data, curl_lock_access access, void *user)
{
	struct http_client *c = user;

	(void)h;
	(void)access;
	pthread_mutex_lock(&c->share_locks[data]);
}

static void share_unlock(CURL *h, curl_lock_data data, void *user)
{
	struct http_client *c = user;

	(void)h;
	pthread_mutex_unlock(&c->share_locks[data]);
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *user)
{
	struct transfer *t = user;
	struct http_response *r = t->resp;
	size_t n = size * nmemb;

	if (r->len + n > t->max_body) {
		r->too_big = true;
		return 0; /* abort the transfer: CURLE_WRITE_ERROR */
	}
	if (r->len + n + 1 > t->cap) {
		size_t cap = t->cap ? t->cap : 16384;
		char *grown;

		while (cap < r->len + n + 1)
			cap *= 2;
		grown = realloc(r->body, cap);
		if (!grown)
			return 0;
		r->body = grown;
		t->cap = cap;
	}
	memcpy(r->body + r->len, data, n);
	r->len += n;
	r->body[r->len] = '\0';
	return n;
}

/* Retry-After is either delay-seconds or an HTTP-date (RFC 9110 §10.2.3). */
static long parse_retry_after(const char *v)
{
	char *end;
	long secs;
	time_t when;

	while (*v == ' ' || *v == '\t')
		v++;
	secs = strtol(v, &end, 10);
	if (end != v && (*end == '\0' || *end == '\r' || *end == '\n' || *end == ' '))
		return secs < 0 ? 0 : (secs > 3600 ? 3600000 : secs * 1000);
	when = curl_getdate(v, NULL);
	if (when < 0)
		return -1;
	when -= time(NULL);
	return when <= 0 ? 0 : (when > 3600 ? 3600000 : (long)when * 1000);
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *user)
{
	struct transfer *t = user;
	size_t n = size * nmemb;
	static const char name[] = "Retry-After:";
	char value[128];

	if (n > sizeof(name) - 1 && !strncasecmp(data, name, sizeof(name) - 1)) {
		size_t vlen = n - (sizeof(name) - 1);

		if (vlen >= sizeof(value))
			vlen = sizeof(value) - 1;
		memcpy(value, data + sizeof(name) - 1, vlen);
		value[vlen] = '\0';
		t->resp->retry_after_ms = parse_retry_after(value);
	}
	return n;
}

/* Called by libcurl just before it transmits the request.  libcurl silently
 * re-sends a request whose reused connection died without an answer; for a
 * DELETE that may already have been acted on, that would release twice.
 * The second call is refused, turning it into an honest "unknown outcome". */
static int on_prereq(void *user, char *conn_primary_ip, char *conn_local_ip, int conn_primary_port, int conn_local_port)
{
	struct transfer *t = user;

	(void)conn_primary_ip;
	(void)conn_local_ip;
	(void)conn_primary_port;
	(void)conn_local_port;
	return ++t->sends > 1 ? CURL_PREREQFUNC_ABORT : CURL_PREREQFUNC_OK;
}

static CURL *pool_take(struct http_client *c)
{
	CURL *h = NULL;

	pthread_mutex_lock(&c->pool_lock);
	if (c->npool > 0)
		h = c->pool[--c->npool];
	pthread_mutex_unlock(&c->pool_lock);
	return h ? h : curl_easy_init();
}

static void pool_give(struct http_client *c, CURL *h)
{
	pthread_mutex_lock(&c->pool_lock);
	if (c->npool == c->pool_cap) {
		size_t cap = c->pool_cap ? c->pool_cap * 2 : 8;
		CURL **grown = realloc(c->pool, cap * sizeof(*grown));

		if (grown) {
			c->pool = grown;
			c->pool_cap = cap;
		}
	}
	if (c->npool < c->pool_cap) {
		c->pool[c->npool++] = h;
		h = NULL;
	}
	pthread_mutex_unlock(&c->pool_lock);
	if (h)
		curl_easy_cleanup(h);
}

static struct curl_slist *build_headers(const struct http_client_options *opt, bool json)
{
	struct curl_slist *list = NULL, *next;
	char line[640];
	const char *fixed[] = { "Accept: application/json", json ? "Content-Type: application/json" : NULL };

	snprintf(line, sizeof(line), "X-Auth-ID: %s", opt->auth_id);
	if (!(list = curl_slist_append(NULL, line)))
		return NULL;
	snprintf(line, sizeof(line), "X-Auth-Token: %s", opt->auth_token);
	next = curl_slist_append(list, line);
	explicit_bzero(line, sizeof(line));
	for (size_t i = 0; next && i < 2; i++)
		if (fixed[i])
			next = curl_slist_append(list, fixed[i]);
	if (!next) {
		curl_slist_free_all(list);
		return NULL;
	}
	return list;
}

static void wipe_headers(struct curl_slist *list)
{
	for (struct curl_slist *l = list; l; l = l->next)
		explicit_bzero(l->data, strlen(l->data));
	curl_slist_free_all(list);
}

struct http_client *http_client_new(const struct http_client_options *opt, char *err, size_t errlen)
{
	struct http_client *c = calloc(1, sizeof(*c));
	int i;

	if (!c)
		goto oom;
	c->max_body = opt->max_body;
	c->direct = opt->direct;
	pthread_mutex_init(&c->pool_lock, NULL);
	for (i = 0; i < CURL_LOCK_DATA_LAST; i++)
		pthread_mutex_init(&c->share_locks[i], NULL);
	c->headers = build_headers(opt, false);
	c->json_headers = build_headers(opt, true);
	c->share = curl_share_init();
	if (!c->headers || !c->json_headers || !c->share)
		goto oom_free;
	if (opt->ca_file && !(c->ca_file = strdup(opt->ca_file)))
		goto oom_free;
	curl_share_setopt(c->share, CURLSHOPT_LOCKFUNC, share_lock);
	curl_share_setopt(c->share, CURLSHOPT_UNLOCKFUNC, share_unlock);
	curl_share_setopt(c->share, CURLSHOPT_USERDATA, c);
	curl_share_setopt(c->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
	curl_share_setopt(c->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
	curl_share_setopt(c->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT);
	return c;
oom_free:
	http_client_free(c);
oom:
	snprintf(err, errlen, "out of memory creating the HTTP client");
	return NULL;
}

void http_client_free(struct http_client *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->npool; i++)
		curl_easy_cleanup(c->pool[i]);
	free(c->pool);
	if (c->share)
		curl_share_cleanup(c->share);
	wipe_headers(c->headers);
	wipe_headers(c->json_headers);
	free(c->ca_file);
	pthread_mutex_destroy(&c->pool_lock);
	for (int i = 0; i < CURL_LOCK_DATA_LAST; i++)
		pthread_mutex_destroy(&c->share_locks[i]);
	free(c);
}

static void set_options(struct http_client *c, CURL *h, const char *method, const char *url, const char *body,
			int64_t left, struct transfer *t, char *errbuf)
{
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_SHARE, c->share);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)left);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, (long)(left < CONNECT_TIMEOUT_MS ? left : CONNECT_TIMEOUT_MS));
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L); /* a redirect would carry the token elsewhere */
	curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
	/* The shared connection cache closes its oldest connection beyond this
	 * many (default 5, below [api] parallel's 8): every listing page after
	 * the first then opened a new TCP and TLS connection. */
	curl_easy_setopt(h, CURLOPT_MAXCONNECTS, 64L);
	curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(h, CURLOPT_USERAGENT, "vobizfs/" VOBIZFS_VERSION);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, body ? c->json_headers : c->headers);
	if (c->ca_file)
		curl_easy_setopt(h, CURLOPT_CAINFO, c->ca_file);
	/* An empty proxy string disables every proxy, the environment's too
	 * (libcurl reads http_proxy, ALL_PROXY... itself otherwise). */
	if (c->direct)
		curl_easy_setopt(h, CURLOPT_PROXY, "");
	errbuf[0] = '\0';
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	if (!strcmp(method, "GET"))
		curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
	else
		curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
	if (body || !strcmp(method, "POST")) {
		/* An empty POST still says Content-Length: 0, as servers expect. */
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, body ? body : "");
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, body ? (long)strlen(body) : 0L);
	}
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, t);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, t);
	curl_easy_setopt(h, CURLOPT_PREREQFUNCTION, on_prereq);
	curl_easy_setopt(h, CURLOPT_PREREQDATA, t);
}

/* A failure no retry can mend: the same request would fail the same way. */
static bool is_permanent(CURLcode rc)
{
	switch (rc) {
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_URL_MALFORMAT:
		return true;
	default:
		return false;
	}
}

/* The path part of URL, for log lines. */
static const char *url_path(const char *url)
{
	const char *p = strstr(url, "://");

	p = p ? strchr(p + 3, '/') : NULL;
	return p ? p : url;
}

enum http_fate http_perform(struct http_client *c, const char *method, const char *url, const char *body,
			    int64_t deadline, struct http_response *resp)
{
	struct transfer t = { .resp = resp, .max_body = c->max_body };
	char errbuf[CURL_ERROR_SIZE];
	int64_t left = clock_left_ms(deadline), started = clock_now_ms();
	enum http_fate fate;
	CURLcode rc;
	CURL *h;

	*resp = (struct http_response){ .retry_after_ms = -1 };
	if (left <= 0) {
		resp->timed_out = true;
		snprintf(resp->error, sizeof(resp->error), "deadline passed before the request was sent");
		return HTTP_NOT_SENT;
	}
	if (!(h = pool_take(c))) {
		snprintf(resp->error, sizeof(resp->error), "out of memory");
		return HTTP_NOT_SENT;
	}
	set_options(c, h, method, url, body, left, &t, errbuf);
	rc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &resp->status);

	if (rc == CURLE_OK || (resp->too_big && resp->status)) {
		fate = HTTP_ANSWERED;
		if (resp->too_big) {
			free(resp->body);
			resp->body = NULL;
			resp->len = 0;
		}
	} else {
		fate = t.sends == 0 ? HTTP_NOT_SENT : HTTP_UNKNOWN;
		resp->timed_out = rc == CURLE_OPERATION_TIMEDOUT;
		resp->permanent = fate == HTTP_NOT_SENT && is_permanent(rc);
		/* A header too large is CURLE_OUT_OF_MEMORY to libcurl: its
		 * "Out of memory" would mislead; its error buffer, or failing
		 * that our own words, name the cause. */
		snprintf(resp->error, sizeof(resp->error), "%s",
			 t.sends > 1                 ? "connection lost after the request was sent"
			 : rc != CURLE_OUT_OF_MEMORY ? curl_easy_strerror(rc)
			 : errbuf[0]                 ? errbuf
						     : "the answer's headers are too large (or memory ran out)");
		resp->status = 0;
	}
	curl_easy_reset(h);
	pool_give(c, h);

	log_debug("%s %s -> %ld%s%s (%lld ms)", method, url_path(url), resp->status,
		  fate == HTTP_ANSWERED ? "" : (fate == HTTP_NOT_SENT ? " not sent: " : " outcome unknown: "),
		  fate == HTTP_ANSWERED ? "" : resp->error, (long long)(clock_now_ms() - started));
	return fate;
}

void http_response_free(struct http_response *resp)
{
	free(resp->body);
	resp->body = NULL;
	resp->len = 0;
}
