/* Shared HTTP plumbing: request state from the raw URI and the body, JSON
 * replies, and turning a reply into an MHD response. */
#include "http.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void *http_request_begin(void *cls, const char *uri, struct MHD_Connection *connection)
{
	struct http_request *r = calloc(1, sizeof(*r));
	const char *question = strchr(uri, '?');
	size_t path_len = question ? (size_t)(question - uri) : strlen(uri);

	(void)cls;
	(void)connection;
	if (!r)
		return NULL;
	r->raw_path = strndup(uri, path_len);
	if (question)
		r->raw_query = strdup(question + 1);
	if (!r->raw_path || (question && !r->raw_query)) {
		free(r->raw_path);
		free(r->raw_query);
		free(r);
		return NULL;
	}
	return r;
}

void http_request_end(void *cls, struct MHD_Connection *connection, void **req_cls, enum MHD_RequestTerminationCode toe)
{
	struct http_request *r = *req_cls;

	(void)cls;
	(void)connection;
	(void)toe;
	if (!r)
		return;
	free(r->raw_path);
	free(r->raw_query);
	buf_free(&r->body);
	free(r);
	*req_cls = NULL;
}

bool http_request_feed(struct http_request *r, const char *upload_data, size_t *upload_data_size)
{
	if (!r->started) {
		/* First call: headers only. Returning MHD_YES lets MHD send
		 * "100 Continue" and read the body. */
		r->started = true;
		return false;
	}
	if (*upload_data_size == 0)
		return true;
	if (r->body.len + *upload_data_size > HTTP_BODY_MAX ||
	    buf_append(&r->body, upload_data, *upload_data_size) != 0)
		r->too_large = true;
	*upload_data_size = 0;
	return false;
}

int reply_raw(struct reply *r, unsigned status, const char *text, size_t len)
{
	char *copy = malloc(len + 1);

	free(r->body);
	r->body = NULL;
	r->body_len = 0;
	r->status = copy ? status : MHD_HTTP_INTERNAL_SERVER_ERROR;
	if (!copy)
		return -ENOMEM;
	memcpy(copy, text, len);
	copy[len] = '\0';
	r->body = copy;
	r->body_len = len;
	return 0;
}

int reply_json(struct reply *r, unsigned status, cJSON *json)
{
	char *text = json ? cJSON_PrintUnformatted(json) : NULL;

	cJSON_Delete(json);
	free(r->body);
	r->body = text;
	r->body_len = text ? strlen(text) : 0;
	r->status = text ? status : MHD_HTTP_INTERNAL_SERVER_ERROR;
	return text ? 0 : -ENOMEM;
}

int reply_error(struct reply *r, unsigned status, const char *error, const char *message)
{
	cJSON *body = cJSON_CreateObject();

	if (body && (!cJSON_AddStringToObject(body, "error", error) ||
		     (message && !cJSON_AddStringToObject(body, "message", message)))) {
		cJSON_Delete(body);
		body = NULL;
	}
	return reply_json(r, status, body);
}

void reply_empty(struct reply *r, unsigned status)
{
	free(r->body);
	r->body = NULL;
	r->body_len = 0;
	r->status = status;
}

void reply_clear(struct reply *r)
{
	free(r->body);
	free(r->retry_after);
	memset(r, 0, sizeof(*r));
}

enum MHD_Result http_send(struct MHD_Connection *connection, const struct reply *r)
{
	unsigned status = r->status ? r->status : MHD_HTTP_INTERNAL_SERVER_ERROR;
	struct MHD_Response *response;
	enum MHD_Result ret;

	response = MHD_create_response_from_buffer(r->body_len, r->body ? r->body : "", MHD_RESPMEM_MUST_COPY);
	if (!response)
		return MHD_NO;
	if (r->body_len > 0)
		MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE,
					r->content_type ? r->content_type : "application/json");
	if (r->allow)
		MHD_add_response_header(response, MHD_HTTP_HEADER_ALLOW, r->allow);
	if (r->retry_after)
		MHD_add_response_header(response, MHD_HTTP_HEADER_RETRY_AFTER, r->retry_after);
	ret = MHD_queue_response(connection, status, response);
	MHD_destroy_response(response);
	return ret;
}

void http_log_mhd(void *cls, const char *fmt, va_list ap)
{
	size_t len = strlen(fmt);

	fprintf(stderr, "vobiz-sandbox: %s: ", (const char *)cls);
	vfprintf(stderr, fmt, ap);
	if (len == 0 || fmt[len - 1] != '\n')
		fputc('\n', stderr);
}

const char *http_query(struct MHD_Connection *connection, const char *name)
{
	return MHD_lookup_connection_value(connection, MHD_GET_ARGUMENT_KIND, name);
}

int http_parse_uint(const char *text, unsigned long long max, unsigned long long *value)
{
	unsigned long long v = 0;

	if (!text || !*text || strspn(text, "0123456789") != strlen(text))
		return -EINVAL;
	for (const char *p = text; *p; p++) {
		if (v > (max - (unsigned long long)(*p - '0')) / 10)
			return -EINVAL;
		v = v * 10 + (unsigned long long)(*p - '0');
	}
	*value = v;
	return 0;
}
