/* The API server: a libmicrohttpd daemon on 127.0.0.1 (HTTP or HTTPS) that
 * takes each request through latency, the "down" modes and the fault rules,
 * answers it with the routes, and logs it. It can be taken down and brought
 * back up on the same port. Thread-safe. */
#ifndef SANDBOX_API_SERVER_H
#define SANDBOX_API_SERVER_H

#include "faults.h"
#include "reqlog.h"
#include "store.h"

struct api_server_config {
	unsigned port;       /* 0 = any free port */
	const char *auth_id; /* these strings must outlive the server */
	const char *auth_token;
	const char *tls_cert_pem; /* NULL = plain HTTP */
	const char *tls_key_pem;
	unsigned long latency_ms;
	struct store *store; /* shared, not owned */
	struct faults *faults;
	struct reqlog *reqlog;
};

enum api_down_mode {
	API_DOWN_REFUSE, /* nothing listens: connections are refused */
	API_DOWN_STALL,  /* connections are accepted, requests never answered */
};

struct api_server;

/* Starts listening. Returns 0, -ENOTSUP (TLS asked, libmicrohttpd built
 * without it), -ENOMEM, or -EADDRINUSE/-EIO when the daemon cannot start
 * (MHD's reason goes to stderr). Caller owns *out (api_server_stop). */
int api_server_start(const struct api_server_config *cfg, struct api_server **out);

/* The port it listens on (kept while down). */
unsigned api_server_port(const struct api_server *api);

void api_server_set_latency(struct api_server *api, unsigned long ms);
unsigned long api_server_latency(const struct api_server *api);

/* Takes the API down. REFUSE stops the daemon (stalled requests are
 * dropped); STALL (re)starts it if needed and holds every new request.
 * Returns 0 or a negative errno from restarting. */
int api_server_down(struct api_server *api, enum api_down_mode mode);

/* Back to normal on the same port; requests held by "down" are dropped.
 * Returns 0 or a negative errno (the port was taken meanwhile, ...). */
int api_server_up(struct api_server *api);

/* "up", "refuse" or "stall". Static string. */
const char *api_server_state(struct api_server *api);

/* Ends the stalls of requests already in progress (after faults change). */
void api_server_release_stalls(struct api_server *api);

/* Drops every request in progress, stops listening, frees. NULL: no-op. */
void api_server_stop(struct api_server *api);

#endif
