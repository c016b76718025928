/* http.h — the HTTP transport: pooled libcurl handles over one share handle
 * (DNS, TLS sessions, connections), the Vobiz auth headers on every request,
 * a deadline on every request, and at most one transmission per call. */
#ifndef VOBIZFS_HTTP_H
#define VOBIZFS_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct http_client;

struct http_client_options {
	const char *auth_id;    /* copied */
	const char *auth_token; /* copied into the header list only */
	const char *ca_file;    /* extra CA bundle, or NULL for the system's */
	size_t max_body;        /* larger answers are cut off and flagged */
	bool direct;            /* never through a proxy, whatever the environment
				   says (a loopback API: its token would cross
				   the proxy in clear); otherwise libcurl's proxy
				   variables (https_proxy, ALL_PROXY, NO_PROXY)
				   are honoured */
};

/* What became of one request.  The distinction matters for anything with a
 * side effect: only HTTP_NOT_SENT proves the server did not act. */
enum http_fate {
	HTTP_ANSWERED, /* a status line arrived; see status and body */
	HTTP_NOT_SENT, /* failed before the request left (connect, TLS handshake, deadline) */
	HTTP_UNKNOWN,  /* failed after the request left: reset, timeout, empty reply */
};

struct http_response {
	long status;         /* HTTP status, or 0 */
	char *body;          /* NUL-terminated, owned by the response; NULL if none */
	size_t len;          /* bytes in body */
	bool too_big;        /* the body exceeded max_body and was dropped (the
				status line arrived: fate is HTTP_ANSWERED) */
	bool timed_out;      /* the deadline ended the request */
	bool permanent;      /* not sent, and sending again cannot help (the
				peer's certificate failed verification, a bad
				CA file, a URL libcurl refuses) */
	long retry_after_ms; /* from a Retry-After header, or -1 */
	char error[256];     /* the transport's reason when not answered (a
				header too large is named, not "Out of
				memory") */
};

/* Create a client.  Returns NULL with a reason in ERR on failure.
 * curl_global_init() must have been called.  The client is thread-safe. */
struct http_client *http_client_new(const struct http_client_options *opt, char *err, size_t errlen);

/* Free the client and its pooled handles.  No request may be in flight. */
void http_client_free(struct http_client *client);

/* Perform METHOD on URL with an optional JSON BODY, before DEADLINE (ms on
 * clock_now_ms()).  Never transmits the request twice, even on a reused
 * connection that turns out dead.  RESP is filled in every case and must be
 * released with http_response_free().  Thread-safe. */
enum http_fate http_perform(struct http_client *client, const char *method, const char *url, const char *body,
			    int64_t deadline, struct http_response *resp);

void http_response_free(struct http_response *resp);

#endif
