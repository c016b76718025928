/* Bodies for injected faults, including two streamed responses: one cut off
 * halfway and one too large to be sensible. */
#include "fault_replies.h"

#include <stdlib.h>
#include <string.h>

#define STAND_IN_BODY "{\"message\":\"ok\"}"

/* Default bodies for injected statuses, in the shapes the API really uses. */
static const struct {
	unsigned status;
	const char *body;
} default_bodies[] = {
	{ 400, "{\"error\":\"bad_request\",\"message\":\"injected fault\"}" },
	{ 401, "{\"error\":{\"code\":401,\"message\":\"Invalid token\"}}" },
	{ 403, "{\"error\":\"forbidden\",\"message\":\"account does not own this number\"}" },
	{ 404, "{\"error\":\"number not found\"}" },
	{ 409, "{\"error\":\"conflict\",\"message\":\"injected fault\"}" },
	{ 429,
	  "{\"status\":\"error\",\"error\":{\"code\":\"RATE_LIMIT_EXCEEDED\",\"message\":\"Too many requests\"}}" },
	{ 500, "{\"error\":\"internal_server_error\",\"message\":\"injected fault\"}" },
	{ 502, "{\"error\":\"bad_gateway\",\"message\":\"injected fault\"}" },
	{ 503, "{\"error\":\"service_unavailable\",\"message\":\"injected fault\"}" },
	{ 504, "{\"error\":\"gateway_timeout\",\"message\":\"injected fault\"}" },
};

static void rate_limit_body(long retry_after, struct reply *reply, unsigned status)
{
	cJSON *body = cJSON_CreateObject();
	cJSON *error = NULL, *details = NULL;

	if (!cJSON_AddStringToObject(body, "status", "error") || !(error = cJSON_AddObjectToObject(body, "error")) ||
	    !cJSON_AddStringToObject(error, "code", "RATE_LIMIT_EXCEEDED") ||
	    !cJSON_AddStringToObject(error, "message", "Too many requests") ||
	    !(details = cJSON_AddObjectToObject(error, "details")) ||
	    !cJSON_AddNumberToObject(details, "retryAfter", (double)retry_after)) {
		cJSON_Delete(body);
		body = NULL;
	}
	reply_json(reply, status, body);
}

void fault_reply_status(const struct fault *fault, struct reply *reply)
{
	const char *body = "{\"error\":\"error\",\"message\":\"injected fault\"}";

	reply_clear(reply);
	if (fault->body) {
		reply_raw(reply, fault->status, fault->body, strlen(fault->body));
		reply->content_type = fault->content_type;
	} else if (fault->retry_after_body >= 0) {
		rate_limit_body(fault->retry_after_body, reply, fault->status);
	} else if (fault->status < 200 || fault->status == 204 || fault->status == 304) {
		reply_empty(reply, fault->status);
	} else {
		for (size_t i = 0; i < sizeof(default_bodies) / sizeof(*default_bodies); i++)
			if (default_bodies[i].status == fault->status)
				body = default_bodies[i].body;
		reply_raw(reply, fault->status, body, strlen(body));
	}
	if (fault->retry_after)
		reply->retry_after = strdup(fault->retry_after); /* NULL: sent without it */
}

void fault_reply_malformed(struct reply *reply)
{
	static const char garbage[] = "{\"items\":[{\"e164\":";

	reply_raw(reply, MHD_HTTP_OK, garbage, sizeof(garbage) - 1);
}

void fault_reply_truncated(struct reply *reply)
{
	if (reply->body_len == 0)
		reply_raw(reply, MHD_HTTP_OK, STAND_IN_BODY, strlen(STAND_IN_BODY));
	reply->status = MHD_HTTP_OK;
	reply->body_len /= 2;
	if (reply->body)
		reply->body[reply->body_len] = '\0';
}

/* The cut response: the whole body is announced, half of it is sent. */
struct cut_stream {
	char *body;
	size_t half;
};

static ssize_t cut_read(void *cls, uint64_t pos, char *out, size_t max)
{
	struct cut_stream *cut = cls;

	if (pos >= cut->half)
		return MHD_CONTENT_READER_END_WITH_ERROR;
	size_t n = cut->half - (size_t)pos < max ? cut->half - (size_t)pos : max;
	memcpy(out, cut->body + pos, n);
	return (ssize_t)n;
}

static void cut_free(void *cls)
{
	struct cut_stream *cut = cls;

	free(cut->body);
	free(cut);
}

static enum MHD_Result queue_stream(struct MHD_Connection *connection, struct MHD_Response *response)
{
	enum MHD_Result ret;

	if (!response)
		return MHD_NO;
	MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
	ret = MHD_queue_response(connection, MHD_HTTP_OK, response);
	MHD_destroy_response(response);
	return ret;
}

enum MHD_Result fault_send_cut(struct MHD_Connection *connection, const struct reply *reply)
{
	const char *text = reply->body_len ? reply->body : STAND_IN_BODY;
	size_t len = reply->body_len ? reply->body_len : strlen(STAND_IN_BODY);
	struct cut_stream *cut = malloc(sizeof(*cut));

	if (!cut || !(cut->body = strndup(text, len))) {
		free(cut);
		return MHD_NO;
	}
	cut->half = len / 2;
	struct MHD_Response *response = MHD_create_response_from_callback(len, 4096, cut_read, cut, cut_free);
	if (!response)
		cut_free(cut);
	return queue_stream(connection, response);
}

/* The huge body is three parts; only the filler is large, and it is made
 * on the fly. */
static const char huge_head[] = "{\"items\":[{\"e164\":\"+919999999999\",\"filler\":\"";
static const char huge_tail[] = "\"}],\"page\":1,\"per_page\":25,\"total\":1}";
#define HUGE_HEAD_LEN (sizeof(huge_head) - 1)
#define HUGE_TAIL_LEN (sizeof(huge_tail) - 1)

static size_t min_size(uint64_t a, size_t b)
{
	return a < b ? (size_t)a : b;
}

static ssize_t huge_read(void *cls, uint64_t pos, char *out, size_t max)
{
	const uint64_t tail_at = HUGE_HEAD_LEN + (uint64_t)FAULT_HUGE_BYTES;
	const uint64_t end = tail_at + HUGE_TAIL_LEN;
	size_t n = 0;

	(void)cls;
	while (n < max && pos < end) {
		size_t chunk;

		if (pos < HUGE_HEAD_LEN) {
			chunk = min_size(HUGE_HEAD_LEN - pos, max - n);
			memcpy(out + n, huge_head + pos, chunk);
		} else if (pos < tail_at) {
			chunk = min_size(tail_at - pos, max - n);
			memset(out + n, 'x', chunk);
		} else {
			chunk = min_size(end - pos, max - n);
			memcpy(out + n, huge_tail + (pos - tail_at), chunk);
		}
		n += chunk;
		pos += chunk;
	}
	return n ? (ssize_t)n : MHD_CONTENT_READER_END_OF_STREAM;
}

enum MHD_Result fault_send_huge(struct MHD_Connection *connection)
{
	uint64_t size = HUGE_HEAD_LEN + (uint64_t)FAULT_HUGE_BYTES + HUGE_TAIL_LEN;

	return queue_stream(connection, MHD_create_response_from_callback(size, 64 * 1024, huge_read, NULL, NULL));
}
