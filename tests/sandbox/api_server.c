/* The API server's daemon lifecycle (start, down, up, stop) and the path of
 * one request: latency, "down", faults, the routes, the request log. */
#include "api_server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>

#include "fault_replies.h"
#include "http.h"
#include "routes.h"
#include "stall.h"

struct api_server {
	struct api_server_config cfg;
	pthread_mutex_t lifecycle; /* serialises start, down, up, stop */
	struct MHD_Daemon *daemon; /* NULL while down in refuse mode */
	unsigned port;
	atomic_ulong latency_ms;
	atomic_bool stall_all; /* down in stall mode */
	struct stall_board *stalls;
};

/* One API request being answered. */
struct exchange {
	struct api_server *api;
	struct MHD_Connection *connection;
	const char *method;
	struct http_request *req;
	const struct api_route *route; /* NULL: 404 or 405 */
	char allow[64];
	struct route_params params;
	struct api_call call;
	struct reply reply;
	const char *fault; /* the action of the fault that hit, or NULL */
};

/* Out of memory only costs the log line a header, so failures are ignored. */
static enum MHD_Result collect_header(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	(void)kind;
	cJSON_AddStringToObject(cls, key, value ? value : "");
	return MHD_YES;
}

static void log_exchange(struct exchange *x, unsigned status, const char *outcome)
{
	cJSON *headers = cJSON_CreateObject();
	struct reqlog_entry entry = {
		.method = x->method,
		.path = x->req->raw_path,
		.query = x->req->raw_query,
		.status = status,
		.headers = headers,
		.token_ok = routes_token_ok(x->connection, x->api->cfg.auth_token),
		.body = x->req->body.len ? x->req->body.data : NULL,
		.body_len = x->req->body.len,
		.outcome = outcome,
		.fault = x->fault,
	};

	if (headers)
		MHD_get_connection_values(x->connection, MHD_HEADER_KIND, collect_header, headers);
	reqlog_append(x->api->cfg.reqlog, &entry);
	cJSON_Delete(headers);
}

static enum MHD_Result send_logged(struct exchange *x)
{
	log_exchange(x, x->reply.status ? x->reply.status : MHD_HTTP_INTERNAL_SERVER_ERROR, "served");
	return http_send(x->connection, &x->reply);
}

/* Returning MHD_NO closes the connection without an answer. */
static enum MHD_Result drop_logged(struct exchange *x)
{
	log_exchange(x, 0, "dropped");
	return MHD_NO;
}

/* The real operation: its answer lands in x->reply. */
static void run(struct exchange *x)
{
	reply_clear(&x->reply);
	routes_serve(x->route, x->allow, &x->call, &x->reply);
}

static const char *const fault_names[] = {
	[FAULT_STATUS] = "status",       [FAULT_DROP] = "drop",           [FAULT_STALL] = "stall",
	[FAULT_MALFORMED] = "malformed", [FAULT_TRUNCATED] = "truncated", [FAULT_CUT] = "cut",
	[FAULT_HUGE] = "huge",           [FAULT_GROW] = "grow",           [FAULT_SHRINK] = "shrink",
};

/* Answers the request as the fault says. `apply` runs the real operation
 * first (for requests that change state; a GET changes nothing, so its
 * answer is computed whenever a fault needs the real body). */
static enum MHD_Result inject(struct exchange *x, const struct fault *f, unsigned long ticket)
{
	bool read_only = strcmp(x->method, "GET") == 0;
	enum MHD_Result ret;

	x->fault = fault_names[f->action];
	switch (f->action) {
	case FAULT_STATUS:
		if (f->apply)
			run(x);
		fault_reply_status(f, &x->reply);
		return send_logged(x);
	case FAULT_DROP:
		if (f->apply)
			run(x);
		return drop_logged(x);
	case FAULT_STALL:
		/* Logged now: a test may look while the request still hangs. */
		log_exchange(x, 0, "stalled");
		if (stall_wait(x->api->stalls, ticket, f->ms, true) != STALL_CLOSING && f->apply) {
			run(x);
			return http_send(x->connection, &x->reply);
		}
		return MHD_NO;
	case FAULT_MALFORMED:
		if (f->apply)
			run(x);
		fault_reply_malformed(&x->reply);
		return send_logged(x);
	case FAULT_TRUNCATED:
		if (f->apply || read_only)
			run(x);
		fault_reply_truncated(&x->reply);
		return send_logged(x);
	case FAULT_CUT:
		if (f->apply || read_only)
			run(x);
		log_exchange(x, MHD_HTTP_OK, "served");
		return fault_send_cut(x->connection, &x->reply);
	case FAULT_HUGE:
		if (f->apply)
			run(x);
		log_exchange(x, MHD_HTTP_OK, "served");
		return fault_send_huge(x->connection);
	case FAULT_GROW:
	case FAULT_SHRINK:
		/* The answer is computed before the change, so the client gets
		 * this page as it was and the next page as it becomes. */
		run(x);
		ret = send_logged(x);
		if (f->action == FAULT_GROW)
			store_grow(x->api->cfg.store, f->amount);
		else
			store_shrink(x->api->cfg.store, f->amount);
		return ret;
	}
	return MHD_NO;
}

static enum MHD_Result serve(struct exchange *x)
{
	struct api_server *api = x->api;
	unsigned long ticket = stall_ticket(api->stalls);
	unsigned long latency = atomic_load(&api->latency_ms);
	char digits[NUMBER_DIGITS_MAX + 1];
	const char *number = NULL;
	uint64_t page = 0;
	struct fault fault;
	enum MHD_Result ret;

	if (x->req->too_large) {
		reply_error(&x->reply, MHD_HTTP_CONTENT_TOO_LARGE, "request body too large", NULL);
		return send_logged(x);
	}
	if (latency && stall_wait(api->stalls, ticket, (long)latency, false) == STALL_CLOSING)
		return drop_logged(x);
	if (atomic_load(&api->stall_all)) {
		log_exchange(x, 0, "stalled");
		stall_wait(api->stalls, ticket, -1, true);
		return MHD_NO;
	}

	x->route = routes_find(x->method, x->req->raw_path, &x->params, x->allow);
	if (x->route && x->route->number_param >= 0 &&
	    routes_number_digits(x->params.raw[x->route->number_param], digits) == 0)
		number = digits;
	if (x->route && x->route->paged)
		page = routes_page(x->connection);

	if (!faults_take(api->cfg.faults, x->method, number, page, &fault)) {
		run(x);
		return send_logged(x);
	}
	ret = inject(x, &fault, ticket);
	fault_clear(&fault);
	return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *connection, const char *url, const char *method,
				  const char *version, const char *upload_data, size_t *upload_data_size,
				  void **req_cls)
{
	struct http_request *req = *req_cls;
	struct api_server *api = cls;
	enum MHD_Result ret;

	(void)url; /* decoded by MHD; the routes need the raw path */
	(void)version;
	if (!req)
		return MHD_NO; /* out of memory when the request began */
	if (!http_request_feed(req, upload_data, upload_data_size))
		return MHD_YES;

	struct exchange x = {
		.api = api,
		.connection = connection,
		.method = method,
		.req = req,
	};
	x.call = (struct api_call){
		.connection = connection,
		.params = &x.params,
		.body = req->body.data ? req->body.data : "",
		.body_len = req->body.len,
		.auth_id = api->cfg.auth_id,
		.auth_token = api->cfg.auth_token,
		.store = api->cfg.store,
	};
	ret = serve(&x);
	reply_clear(&x.reply);
	return ret;
}

static struct MHD_Daemon *start_daemon(struct api_server *api, unsigned port)
{
	struct sockaddr_in addr = {
		.sin_family = AF_INET,
		.sin_port = htons((uint16_t)port),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	unsigned flags =
	    MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION | MHD_USE_AUTO | MHD_USE_ERROR_LOG;
	struct MHD_OptionItem tls[] = {
		{ MHD_OPTION_HTTPS_MEM_CERT, 0, (void *)api->cfg.tls_cert_pem },
		{ MHD_OPTION_HTTPS_MEM_KEY, 0, (void *)api->cfg.tls_key_pem },
		{ MHD_OPTION_END, 0, NULL },
	};

	if (api->cfg.tls_cert_pem)
		flags |= MHD_USE_TLS;
	else
		tls[0].option = MHD_OPTION_END;
	/* MHD copies the address; the stall board keeps thread-per-connection
	 * handlers from blocking each other or a stop. */
	return MHD_start_daemon(flags, (uint16_t)port, NULL, NULL, on_request, api, MHD_OPTION_EXTERNAL_LOGGER,
				http_log_mhd, "api", MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
				MHD_OPTION_LISTENING_ADDRESS_REUSE, (unsigned int)1, MHD_OPTION_URI_LOG_CALLBACK,
				http_request_begin, NULL, MHD_OPTION_NOTIFY_COMPLETED, http_request_end, NULL,
				MHD_OPTION_ARRAY, tls, MHD_OPTION_END);
}

/* Stops the daemon: every wait ends at once, so handlers return and MHD can
 * join their threads. Call with the lifecycle lock held. */
static void stop_daemon(struct api_server *api)
{
	if (!api->daemon)
		return;
	stall_set_closing(api->stalls, true);
	MHD_stop_daemon(api->daemon);
	api->daemon = NULL;
	stall_set_closing(api->stalls, false);
}

/* Call with the lifecycle lock held. */
static int ensure_daemon(struct api_server *api)
{
	if (api->daemon)
		return 0;
	errno = 0;
	api->daemon = start_daemon(api, api->port);
	if (!api->daemon)
		return errno == EADDRINUSE ? -EADDRINUSE : -EIO;
	return 0;
}

int api_server_start(const struct api_server_config *cfg, struct api_server **out)
{
	struct api_server *api;
	const union MHD_DaemonInfo *info;
	int rc;

	if (cfg->tls_cert_pem && MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES)
		return -ENOTSUP;
	if (!(api = calloc(1, sizeof(*api))))
		return -ENOMEM;
	if ((rc = stall_board_create(&api->stalls)) != 0) {
		free(api);
		return rc;
	}
	api->cfg = *cfg;
	api->port = cfg->port;
	atomic_init(&api->latency_ms, cfg->latency_ms);
	atomic_init(&api->stall_all, false);
	pthread_mutex_init(&api->lifecycle, NULL);

	if ((rc = ensure_daemon(api)) != 0) {
		api_server_stop(api);
		return rc;
	}
	/* With port 0 the kernel chose; "up" must come back on that one. */
	info = MHD_get_daemon_info(api->daemon, MHD_DAEMON_INFO_BIND_PORT);
	if (info && info->port)
		api->port = info->port;
	*out = api;
	return 0;
}

unsigned api_server_port(const struct api_server *api)
{
	return api->port;
}

void api_server_set_latency(struct api_server *api, unsigned long ms)
{
	atomic_store(&api->latency_ms, ms);
}

unsigned long api_server_latency(const struct api_server *api)
{
	return atomic_load(&api->latency_ms);
}

int api_server_down(struct api_server *api, enum api_down_mode mode)
{
	int rc = 0;

	pthread_mutex_lock(&api->lifecycle);
	if (mode == API_DOWN_REFUSE) {
		atomic_store(&api->stall_all, false);
		stop_daemon(api);
	} else {
		rc = ensure_daemon(api);
		if (rc == 0)
			atomic_store(&api->stall_all, true);
	}
	pthread_mutex_unlock(&api->lifecycle);
	return rc;
}

int api_server_up(struct api_server *api)
{
	int rc;

	pthread_mutex_lock(&api->lifecycle);
	atomic_store(&api->stall_all, false);
	stall_release_all(api->stalls);
	rc = ensure_daemon(api);
	pthread_mutex_unlock(&api->lifecycle);
	return rc;
}

const char *api_server_state(struct api_server *api)
{
	const char *state;

	pthread_mutex_lock(&api->lifecycle);
	state = !api->daemon ? "refuse" : atomic_load(&api->stall_all) ? "stall" : "up";
	pthread_mutex_unlock(&api->lifecycle);
	return state;
}

void api_server_release_stalls(struct api_server *api)
{
	stall_release_all(api->stalls);
}

void api_server_stop(struct api_server *api)
{
	if (!api)
		return;
	pthread_mutex_lock(&api->lifecycle);
	stop_daemon(api);
	pthread_mutex_unlock(&api->lifecycle);
	pthread_mutex_destroy(&api->lifecycle);
	stall_board_destroy(api->stalls);
	free(api);
}
