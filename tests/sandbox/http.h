/* HTTP plumbing shared by the API and control servers: per-request state
 * (the raw URI as received, the body), replies, and queueing a reply on a
 * libmicrohttpd connection. */
#ifndef SANDBOX_HTTP_H
#define SANDBOX_HTTP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>
#include <microhttpd.h>

#include "buf.h"

#define HTTP_BODY_MAX (1024 * 1024) /* larger request bodies get 413 */

/* One request's state, created by http_request_begin (MHD's URI log
 * callback) and freed by http_request_end (its completion callback). */
struct http_request {
	char *raw_path;  /* as received, percent-encoding kept; owned */
	char *raw_query; /* after '?', as received; NULL when absent; owned */
	struct buf body;
	bool started;   /* the access handler has seen this request */
	bool too_large; /* the body passed HTTP_BODY_MAX; the rest was dropped */
};

/* MHD_OPTION_URI_LOG_CALLBACK: returns a new struct http_request (NULL when
 * out of memory; the access handler then answers 500). */
void *http_request_begin(void *cls, const char *uri, struct MHD_Connection *connection);

/* MHD_OPTION_NOTIFY_COMPLETED: frees the struct http_request. */
void http_request_end(void *cls, struct MHD_Connection *connection, void **req_cls,
		      enum MHD_RequestTerminationCode toe);

/* Feeds one access-handler call. Returns true once the whole request is in
 * (answer it now); false means "return MHD_YES and wait for more". */
bool http_request_feed(struct http_request *r, const char *upload_data, size_t *upload_data_size);

/* An answer under construction. Zero-initialise; reply_clear() frees it. */
struct reply {
	unsigned status;
	char *body; /* owned; NULL = no body */
	size_t body_len;
	const char *content_type; /* not owned, outlives the reply; NULL = application/json */
	const char *allow;        /* not owned, outlives the reply; Allow header for 405 */
	char *retry_after;        /* owned; Retry-After header, or NULL */
};

/* Sets status and the compact text of `json` (consumed; NULL = out of
 * memory, which turns the reply into a 500). Returns 0 or -ENOMEM. */
int reply_json(struct reply *r, unsigned status, cJSON *json);

/* Sets status and a copy of `len` bytes of `text` as the body. 0 or -ENOMEM. */
int reply_raw(struct reply *r, unsigned status, const char *text, size_t len);

/* {"error":error} or {"error":error,"message":message} when message is not NULL. */
int reply_error(struct reply *r, unsigned status, const char *error, const char *message);

/* A status with no body (e.g. 204). */
void reply_empty(struct reply *r, unsigned status);

/* Frees what the reply owns and zeroes it. */
void reply_clear(struct reply *r);

/* Queues the reply (a 500 if it has no status yet). Returns MHD's verdict. */
enum MHD_Result http_send(struct MHD_Connection *connection, const struct reply *r);

/* MHD_OPTION_EXTERNAL_LOGGER: writes MHD's messages to stderr, prefixed
 * with "vobiz-sandbox: " and `cls` (a static string naming the server). */
void http_log_mhd(void *cls, const char *fmt, va_list ap);

/* The value of query argument `name` (decoded by MHD), or NULL. */
const char *http_query(struct MHD_Connection *connection, const char *name);

/* Parses a decimal integer made only of digits (no sign, no spaces) into
 * *value. Returns 0, or -EINVAL (not digits, or greater than `max`). */
int http_parse_uint(const char *text, unsigned long long max, unsigned long long *value);

#endif
