/* responder.h — a scripted HTTP server on 127.0.0.1 for the unit tests of the
 * modules that talk to the API: each request is logged and answered by a
 * function of the test's choosing (libmicrohttpd, one thread per connection). */
#ifndef VOBIZFS_TEST_RESPONDER_H
#define VOBIZFS_TEST_RESPONDER_H

#include <stdbool.h>
#include <stddef.h>

struct responder;

/* One request as it arrived. */
struct responder_request {
	char method[16];
	char target[512];     /* path and query exactly as sent (not unescaped) */
	char auth_id[128];    /* the X-Auth-ID header, or "" */
	char auth_token[128]; /* the X-Auth-Token header, or "" */
	bool has_authorization;
	long content_length; /* -1 when the header is absent */
	size_t body_len;     /* bytes of request body received */
	char body[1024];     /* the body's first bytes, NUL-terminated */
	char content_type[64];
};

/* How to answer.  STATUS 0 drops the connection without any answer. */
struct responder_reply {
	int status;
	const char *body;        /* static text, or NULL for none */
	char *owned_body;        /* malloc'd text, freed by the responder; wins over body */
	const char *retry_after; /* a Retry-After header value, or NULL */
	unsigned delay_ms;       /* wait before answering (or dropping) */
};

/* Called on the server's thread for every request; N counts requests from 0. */
typedef void (*responder_fn)(void *user, size_t n, const struct responder_request *req, struct responder_reply *reply);

/* Start a server answering with FN.  Returns NULL on failure. */
struct responder *responder_start(responder_fn fn, void *user);

/* "http://127.0.0.1:PORT", owned by the responder. */
const char *responder_url(const struct responder *r);

/* Requests received so far, and a copy of request I (0-based). */
size_t responder_count(struct responder *r);
struct responder_request responder_request(struct responder *r, size_t i);

/* The query parameter NAME of REQ's target as a number, or FALLBACK when it
 * is absent (for scripted listings: page=, per_page=). */
long responder_query_long(const struct responder_request *req, const char *name, long fallback);

/* Stop the server (waiting for requests in progress) and free it.  R may be NULL. */
void responder_stop(struct responder *r);

#endif
