/* Control endpoints: state (/numbers, /inventory, /balance), the request log
 * (/requests), faults (/faults), latency, the listing's /search-mode, the
 * answer /shapes, /cool-off and /admin (sub-accounts), /down and /up,
 * /health. Every answer is JSON. */
#include "control.h"

#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>

#include "http.h"
#include "number.h"

struct control {
	struct control_config cfg;
	struct MHD_Daemon *daemon;
	unsigned port;
};

/* Takes ownership of a JSON text (NULL: out of memory). */
static void reply_text(struct reply *reply, unsigned status, char *text)
{
	reply_clear(reply);
	if (!text) {
		reply_error(reply, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory", NULL);
		return;
	}
	reply->status = status;
	reply->body = text;
	reply->body_len = strlen(text);
}

static void reply_ok(struct reply *reply)
{
	static const char ok[] = "{\"ok\":true}";

	reply_raw(reply, MHD_HTTP_OK, ok, sizeof(ok) - 1);
}

static void reply_store_edit(struct reply *reply, enum store_result rc, const char *why, cJSON *record,
			     unsigned ok_status)
{
	switch (rc) {
	case STORE_OK:
		reply_json(reply, ok_status, record);
		return;
	case STORE_NOT_FOUND:
		reply_error(reply, MHD_HTTP_NOT_FOUND, "not found", NULL);
		break;
	case STORE_REFUSED:
		reply_error(reply, MHD_HTTP_BAD_REQUEST, "bad request", why);
		break;
	default:
		reply_error(reply, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory", NULL);
	}
	cJSON_Delete(record);
}

static cJSON *parse_body(const struct http_request *req, struct reply *reply)
{
	cJSON *json = cJSON_ParseWithLength(req->body.data ? req->body.data : "", req->body.len);

	if (!json)
		reply_error(reply, MHD_HTTP_BAD_REQUEST, "bad request", "body is not JSON");
	return json;
}

/* /numbers and /numbers/{digits} */
static void serve_numbers(struct control *c, const char *method, const char *digits, const struct http_request *req,
			  struct reply *reply)
{
	const char *why = NULL;
	cJSON *body, *record = NULL;
	char key[NUMBER_DIGITS_MAX + 1];

	if (!digits) {
		if (strcmp(method, "GET") == 0) {
			reply_text(reply, MHD_HTTP_OK, store_dump(c->cfg.store));
		} else if (strcmp(method, "POST") == 0) {
			if (!(body = parse_body(req, reply)))
				return;
			enum store_result rc = store_put(c->cfg.store, body, &why, &record);
			reply_store_edit(reply, rc, why, record, MHD_HTTP_CREATED);
			cJSON_Delete(body);
		} else {
			reply_error(reply, MHD_HTTP_METHOD_NOT_ALLOWED, "method not allowed", NULL);
			reply->allow = "GET, POST";
		}
		return;
	}
	if (number_parse_e164(digits, key) != 0) {
		reply_error(reply, MHD_HTTP_NOT_FOUND, "not found", NULL);
		return;
	}
	if (strcmp(method, "GET") == 0) {
		record = store_get(c->cfg.store, key);
		reply_store_edit(reply, record ? STORE_OK : STORE_NOT_FOUND, NULL, record, MHD_HTTP_OK);
	} else if (strcmp(method, "PATCH") == 0) {
		if (!(body = parse_body(req, reply)))
			return;
		enum store_result rc = store_patch(c->cfg.store, key, body, &why, &record);
		reply_store_edit(reply, rc, why, record, MHD_HTTP_OK);
		cJSON_Delete(body);
	} else if (strcmp(method, "DELETE") == 0) {
		if (store_remove(c->cfg.store, key) == STORE_OK)
			reply_ok(reply);
		else
			reply_error(reply, MHD_HTTP_NOT_FOUND, "not found", NULL);
	} else {
		reply_error(reply, MHD_HTTP_METHOD_NOT_ALLOWED, "method not allowed", NULL);
		reply->allow = "GET, PATCH, DELETE";
	}
}

static void reply_faults(struct control *c, unsigned status, struct reply *reply)
{
	reply_json(reply, status, faults_to_json(c->cfg.faults));
}

static void serve_faults(struct control *c, const char *method, const struct http_request *req, struct reply *reply)
{
	if (strcmp(method, "GET") == 0) {
		reply_faults(c, MHD_HTTP_OK, reply);
	} else if (strcmp(method, "DELETE") == 0) {
		faults_clear(c->cfg.faults);
		api_server_release_stalls(c->cfg.api);
		reply_ok(reply);
	} else if (strcmp(method, "POST") == 0) {
		/* One rule, or an array of rules added in order; the rules
		 * before an invalid one stay added. */
		cJSON *body = parse_body(req, reply);
		const cJSON *rule;
		const char *why = NULL;
		int rc = 0;

		if (!body)
			return;
		if (cJSON_IsArray(body)) {
			cJSON_ArrayForEach(rule, body) if ((rc = faults_add(c->cfg.faults, rule, &why)) != 0) break;
		} else {
			rc = faults_add(c->cfg.faults, body, &why);
		}
		cJSON_Delete(body);
		if (rc == -EINVAL)
			reply_error(reply, MHD_HTTP_BAD_REQUEST, "bad request", why);
		else if (rc)
			reply_error(reply, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory", NULL);
		else
			reply_faults(c, MHD_HTTP_CREATED, reply);
	} else {
		reply_error(reply, MHD_HTTP_METHOD_NOT_ALLOWED, "method not allowed", NULL);
		reply->allow = "GET, POST, DELETE";
	}
}

static void reply_api_state(struct control *c, int rc, struct reply *reply)
{
	cJSON *body = cJSON_CreateObject();

	if (rc) {
		char why[128];

		snprintf(why, sizeof(why), "the API daemon could not start on port %u: %s", api_server_port(c->cfg.api),
			 strerror(-rc));
		cJSON_Delete(body);
		reply_error(reply, MHD_HTTP_INTERNAL_SERVER_ERROR, "api not restarted", why);
		return;
	}
	if (!cJSON_AddBoolToObject(body, "ok", true) ||
	    !cJSON_AddStringToObject(body, "api", api_server_state(c->cfg.api)) ||
	    !cJSON_AddNumberToObject(body, "api_port", api_server_port(c->cfg.api))) {
		cJSON_Delete(body);
		body = NULL;
	}
	reply_json(reply, MHD_HTTP_OK, body);
}

static void serve_down(struct control *c, struct MHD_Connection *connection, struct reply *reply)
{
	const char *mode = http_query(connection, "mode");

	if (!mode || strcmp(mode, "refuse") == 0)
		reply_api_state(c, api_server_down(c->cfg.api, API_DOWN_REFUSE), reply);
	else if (strcmp(mode, "stall") == 0)
		reply_api_state(c, api_server_down(c->cfg.api, API_DOWN_STALL), reply);
	else
		reply_error(reply, MHD_HTTP_BAD_REQUEST, "bad request", "mode is refuse or stall");
}

/* GET /NAME answers {"KEY": value}; POST /NAME?KEY=N sets it first. */
static void serve_setting(struct control *c, struct MHD_Connection *connection, const char *method, const char *name,
			  struct reply *reply)
{
	bool latency = strcmp(name, "latency") == 0;
	const char *key = latency ? "ms" : "amount";
	const char *text = http_query(connection, key);
	cJSON *body;

	if (strcmp(method, "POST") == 0) {
		char *end = NULL;
		double value = text ? strtod(text, &end) : -1;

		if (!text || end == text || *end || !isfinite(value) || value < 0 || (latency && value > 3600000)) {
			reply_error(reply, MHD_HTTP_BAD_REQUEST, "bad request",
				    latency ? "?ms= takes 0 to 3600000" : "?amount= takes a number >= 0");
			return;
		}
		if (latency)
			api_server_set_latency(c->cfg.api, (unsigned long)value);
		else
			store_set_balance(c->cfg.store, value);
	} else if (strcmp(method, "GET") != 0) {
		reply_error(reply, MHD_HTTP_METHOD_NOT_ALLOWED, "method not allowed", NULL);
		reply->allow = "GET, POST";
		return;
	}
	body = cJSON_CreateObject();
	if (!cJSON_AddNumberToObject(body, key,
				     latency ? (double)api_server_latency(c->cfg.api) : store_balance(c->cfg.store))) {
		cJSON_Delete(body);
		body = NULL;
	}
	reply_json(reply, MHD_HTTP_OK, body);
}

/* GET /search-mode answers {"mode":"NAME"}; POST /search-mode?mode=NAME sets it first. */
static void serve_search_mode(struct control *c, struct MHD_Connection *connection, const char *method,
			      struct reply *reply)
{
	cJSON *body;

	if (strcmp(method, "POST") == 0) {
		const char *text = http_query(connection, "mode");
		enum search_mode mode;

		if (!text || search_mode_parse(text, &mode) != 0) {
			reply_error(reply, MHD_HTTP_BAD_REQUEST, "bad request", "mode is " SEARCH_MODE_NAMES);
			return;
		}
		store_set_search_mode(c->cfg.store, mode);
	} else if (strcmp(method, "GET") != 0) {
		reply_error(reply, MHD_HTTP_METHOD_NOT_ALLOWED, "method not allowed", NULL);
		reply->allow = "GET, POST";
		return;
	}
	body = cJSON_CreateObject();
	if (!cJSON_AddStringToObject(body, "mode", search_mode_name(store_search_mode(c->cfg.store)))) {
		cJSON_Delete(body);
		body = NULL;
	}
	reply_json(reply, MHD_HTTP_OK, body);
}

/* GET /shapes answers every switch; POST /shapes {"KEY":"VALUE",...} sets
 * the ones given (all or none) first. */
static void serve_shapes(struct control *c, const char *method, const struct http_request *req, struct reply *reply)
{
	struct shapes shapes = store_shapes(c->cfg.store);

	if (strcmp(method, "POST") == 0) {
		const char *why = NULL;
		cJSON *body = parse_body(req, reply);
		int rc;

		if (!body)
			return;
		rc = shapes_set_json(&shapes, body, &why);
		cJSON_Delete(body);
		if (rc) {
			reply_error(reply, MHD_HTTP_BAD_REQUEST, "bad request", why);
			return;
		}
		store_set_shapes(c->cfg.store, &shapes);
	} else if (strcmp(method, "GET") != 0) {
		reply_error(reply, MHD_HTTP_METHOD_NOT_ALLOWED, "method not allowed", NULL);
		reply->allow = "GET, POST";
		return;
	}
	reply_json(reply, MHD_HTTP_OK, shapes_to_json(&shapes));
}

/* GET /cool-off answers {"seconds":N}; POST /cool-off?seconds=N sets the
 * length first (it applies at once, to numbers assigned earlier too). */
static void serve_cool_off(struct control *c, struct MHD_Connection *connection, const char *method,
			   struct reply *reply)
{
	cJSON *body;

	if (strcmp(method, "POST") == 0) {
		const char *text = http_query(connection, "seconds");
		unsigned long long seconds;

		if (!text || http_parse_uint(text, 10ULL * 365 * 86400, &seconds) != 0) {
			reply_error(reply, MHD_HTTP_BAD_REQUEST, "bad request", "?seconds= takes 0 to 315360000");
			return;
		}
		store_set_cool_off(c->cfg.store, (int64_t)seconds * 1000000);
	} else if (strcmp(method, "GET") != 0) {
		reply_error(reply, MHD_HTTP_METHOD_NOT_ALLOWED, "method not allowed", NULL);
		reply->allow = "GET, POST";
		return;
	}
	body = cJSON_CreateObject();
	if (!cJSON_AddNumberToObject(body, "seconds", (double)(store_cool_off(c->cfg.store) / 1000000))) {
		cJSON_Delete(body);
		body = NULL;
	}
	reply_json(reply, MHD_HTTP_OK, body);
}

/* GET /admin answers {"admin":BOOL}; POST /admin?enabled=true|false sets it first. */
static void serve_admin(struct control *c, struct MHD_Connection *connection, const char *method, struct reply *reply)
{
	cJSON *body;

	if (strcmp(method, "POST") == 0) {
		const char *text = http_query(connection, "enabled");

		if (!text || (strcmp(text, "true") != 0 && strcmp(text, "false") != 0)) {
			reply_error(reply, MHD_HTTP_BAD_REQUEST, "bad request", "?enabled= takes true or false");
			return;
		}
		store_set_admin(c->cfg.store, strcmp(text, "true") == 0);
	} else if (strcmp(method, "GET") != 0) {
		reply_error(reply, MHD_HTTP_METHOD_NOT_ALLOWED, "method not allowed", NULL);
		reply->allow = "GET, POST";
		return;
	}
	body = cJSON_CreateObject();
	if (!cJSON_AddBoolToObject(body, "admin", store_admin(c->cfg.store))) {
		cJSON_Delete(body);
		body = NULL;
	}
	reply_json(reply, MHD_HTTP_OK, body);
}

static void route(struct control *c, struct MHD_Connection *connection, const char *url, const char *method,
		  const struct http_request *req, struct reply *reply)
{
	bool get = strcmp(method, "GET") == 0, post = strcmp(method, "POST") == 0;

	if (strcmp(url, "/numbers") == 0)
		serve_numbers(c, method, NULL, req, reply);
	else if (strncmp(url, "/numbers/", 9) == 0)
		serve_numbers(c, method, url + 9, req, reply);
	else if (strcmp(url, "/faults") == 0)
		serve_faults(c, method, req, reply);
	else if (strcmp(url, "/latency") == 0 || strcmp(url, "/balance") == 0)
		serve_setting(c, connection, method, url + 1, reply);
	else if (strcmp(url, "/search-mode") == 0)
		serve_search_mode(c, connection, method, reply);
	else if (strcmp(url, "/shapes") == 0)
		serve_shapes(c, method, req, reply);
	else if (strcmp(url, "/cool-off") == 0)
		serve_cool_off(c, connection, method, reply);
	else if (strcmp(url, "/admin") == 0)
		serve_admin(c, connection, method, reply);
	else if (get && strcmp(url, "/inventory") == 0)
		reply_text(reply, MHD_HTTP_OK, store_dump_inventory(c->cfg.store));
	else if (get && strcmp(url, "/requests") == 0)
		reply_text(reply, MHD_HTTP_OK, reqlog_dump(c->cfg.reqlog));
	else if (post && strcmp(url, "/requests/clear") == 0) {
		reqlog_clear(c->cfg.reqlog);
		reply_ok(reply);
	} else if (post && strcmp(url, "/down") == 0)
		serve_down(c, connection, reply);
	else if (post && strcmp(url, "/up") == 0)
		reply_api_state(c, api_server_up(c->cfg.api), reply);
	else if (get && strcmp(url, "/health") == 0)
		reply_api_state(c, 0, reply);
	else
		reply_error(reply, MHD_HTTP_NOT_FOUND, "not found", NULL);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *connection, const char *url, const char *method,
				  const char *version, const char *upload_data, size_t *upload_data_size,
				  void **req_cls)
{
	struct http_request *req = *req_cls;
	struct reply reply = { 0 };
	enum MHD_Result ret;

	(void)version;
	if (!req)
		return MHD_NO;
	if (!http_request_feed(req, upload_data, upload_data_size))
		return MHD_YES;
	if (req->too_large)
		reply_error(&reply, MHD_HTTP_CONTENT_TOO_LARGE, "request body too large", NULL);
	else
		route(cls, connection, url, method, req, &reply);
	ret = http_send(connection, &reply);
	reply_clear(&reply);
	return ret;
}

int control_start(const struct control_config *cfg, struct control **out)
{
	struct sockaddr_in addr = {
		.sin_family = AF_INET,
		.sin_port = 0,
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	struct control *c = calloc(1, sizeof(*c));
	const union MHD_DaemonInfo *info;

	if (!c)
		return -ENOMEM;
	c->cfg = *cfg;
	c->daemon = MHD_start_daemon(
	    MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION | MHD_USE_AUTO | MHD_USE_ERROR_LOG, 0, NULL,
	    NULL, on_request, c, MHD_OPTION_EXTERNAL_LOGGER, http_log_mhd, "control", MHD_OPTION_SOCK_ADDR,
	    (struct sockaddr *)&addr, MHD_OPTION_URI_LOG_CALLBACK, http_request_begin, NULL,
	    MHD_OPTION_NOTIFY_COMPLETED, http_request_end, NULL, MHD_OPTION_END);
	if (!c->daemon) {
		free(c);
		return -EIO;
	}
	info = MHD_get_daemon_info(c->daemon, MHD_DAEMON_INFO_BIND_PORT);
	c->port = info ? info->port : 0;
	*out = c;
	return 0;
}

unsigned control_port(const struct control *c)
{
	return c->port;
}

void control_stop(struct control *c)
{
	if (!c)
		return;
	MHD_stop_daemon(c->daemon);
	free(c);
}
