/* responder.c — the scripted HTTP server of the unit tests (see responder.h). */
#include "responder.h"

#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_LOGGED 1024

struct responder {
	struct MHD_Daemon *daemon;
	responder_fn fn;
	void *user;
	char url[64];

	pthread_mutex_t lock; /* guards log and count */
	struct responder_request log[MAX_LOGGED];
	size_t count;
};

struct upload {
	size_t body_len;
	char body[1024];
};

/* Keep %2B and friends as sent: the tests check the exact bytes of the path. */
static size_t keep_escaped(void *cls, struct MHD_Connection *c, char *s)
{
	(void)cls;
	(void)c;
	return strlen(s);
}

static enum MHD_Result append_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct responder_request *req = cls;
	size_t used = strlen(req->target);

	(void)kind;
	snprintf(req->target + used, sizeof(req->target) - used, "%c%s%s%s", strchr(req->target, '?') ? '&' : '?', key,
		 value ? "=" : "", value ? value : "");
	return MHD_YES;
}

static void copy_header(struct MHD_Connection *c, const char *name, char *dst, size_t len)
{
	const char *v = MHD_lookup_connection_value(c, MHD_HEADER_KIND, name);

	snprintf(dst, len, "%s", v ? v : "");
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) != 0)
		;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
				  const char *version, const char *upload_data, size_t *upload_data_size,
				  void **con_cls)
{
	struct responder *r = cls;
	struct upload *up = *con_cls;
	struct responder_request req = { .content_length = -1 };
	struct responder_reply reply = { 0 };
	struct MHD_Response *resp;
	const char *cl, *body;
	enum MHD_Result ret;
	size_t n, len;

	(void)version;
	if (!up) {
		if (!(up = calloc(1, sizeof(*up))))
			return MHD_NO;
		*con_cls = up;
		return MHD_YES;
	}
	if (*upload_data_size) {
		if (up->body_len < sizeof(up->body) - 1) {
			size_t room = sizeof(up->body) - 1 - up->body_len;
			size_t n = *upload_data_size < room ? *upload_data_size : room;

			memcpy(up->body + up->body_len, upload_data, n);
		}
		up->body_len += *upload_data_size;
		*upload_data_size = 0;
		return MHD_YES;
	}

	snprintf(req.method, sizeof(req.method), "%s", method);
	snprintf(req.target, sizeof(req.target), "%s", url);
	MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, append_arg, &req);
	copy_header(c, "X-Auth-ID", req.auth_id, sizeof(req.auth_id));
	copy_header(c, "X-Auth-Token", req.auth_token, sizeof(req.auth_token));
	req.has_authorization = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization") != NULL;
	cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
	req.content_length = cl ? atol(cl) : -1;
	req.body_len = up->body_len;
	memcpy(req.body, up->body, sizeof(req.body));
	copy_header(c, "Content-Type", req.content_type, sizeof(req.content_type));

	pthread_mutex_lock(&r->lock);
	n = r->count++;
	if (n < MAX_LOGGED)
		r->log[n] = req;
	pthread_mutex_unlock(&r->lock);

	r->fn(r->user, n, &req, &reply);
	if (reply.delay_ms)
		sleep_ms(reply.delay_ms);
	if (reply.status == 0) {
		free(reply.owned_body);
		return MHD_NO; /* closes the connection: the answer is lost */
	}
	body = reply.owned_body ? reply.owned_body : (reply.body ? reply.body : "");
	len = strlen(body);
	resp = MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_MUST_COPY);
	free(reply.owned_body);
	if (!resp)
		return MHD_NO;
	if (len)
		MHD_add_response_header(resp, "Content-Type", "application/json");
	if (reply.retry_after)
		MHD_add_response_header(resp, "Retry-After", reply.retry_after);
	ret = MHD_queue_response(c, (unsigned)reply.status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode why)
{
	(void)cls;
	(void)c;
	(void)why;
	free(*con_cls);
	*con_cls = NULL;
}

struct responder *responder_start(responder_fn fn, void *user)
{
	struct responder *r = calloc(1, sizeof(*r));
	struct sockaddr_in addr = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	const union MHD_DaemonInfo *info;

	if (!r)
		return NULL;
	r->fn = fn;
	r->user = user;
	pthread_mutex_init(&r->lock, NULL);
	r->daemon =
	    MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION, 0, NULL, NULL, on_request,
			     r, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr, MHD_OPTION_UNESCAPE_CALLBACK,
			     keep_escaped, NULL, MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL, MHD_OPTION_END);
	if (!r->daemon || !(info = MHD_get_daemon_info(r->daemon, MHD_DAEMON_INFO_BIND_PORT))) {
		responder_stop(r);
		return NULL;
	}
	snprintf(r->url, sizeof(r->url), "http://127.0.0.1:%u", (unsigned)info->port);
	return r;
}

const char *responder_url(const struct responder *r)
{
	return r->url;
}

size_t responder_count(struct responder *r)
{
	size_t n;

	pthread_mutex_lock(&r->lock);
	n = r->count;
	pthread_mutex_unlock(&r->lock);
	return n;
}

struct responder_request responder_request(struct responder *r, size_t i)
{
	struct responder_request req = { .content_length = -1 };

	pthread_mutex_lock(&r->lock);
	if (i < r->count && i < MAX_LOGGED)
		req = r->log[i];
	pthread_mutex_unlock(&r->lock);
	return req;
}

long responder_query_long(const struct responder_request *req, const char *name, long fallback)
{
	size_t len = strlen(name);

	for (const char *p = strchr(req->target, '?'); p; p = strchr(p + 1, '&'))
		if (!strncmp(p + 1, name, len) && p[1 + len] == '=')
			return atol(p + 2 + len);
	return fallback;
}

void responder_stop(struct responder *r)
{
	if (!r)
		return;
	if (r->daemon)
		MHD_stop_daemon(r->daemon);
	pthread_mutex_destroy(&r->lock);
	free(r);
}
