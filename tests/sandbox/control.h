/* The control API: a plain-HTTP daemon on 127.0.0.1 (its own port) through
 * which tests read and change the sandbox's state, the request log, fault
 * rules, latency, and whether the API is up. See README.md. Thread-safe. */
#ifndef SANDBOX_CONTROL_H
#define SANDBOX_CONTROL_H

#include "api_server.h"
#include "faults.h"
#include "reqlog.h"
#include "store.h"

struct control_config {
	struct store *store; /* all shared, not owned; they must outlive it */
	struct faults *faults;
	struct reqlog *reqlog;
	struct api_server *api;
};

struct control;

/* Starts listening on a free port. Returns 0, -ENOMEM or -EIO (MHD's reason
 * goes to stderr). Caller owns *out (control_stop). */
int control_start(const struct control_config *cfg, struct control **out);

unsigned control_port(const struct control *c);

/* Stops listening and frees. NULL is a no-op. */
void control_stop(struct control *c);

#endif
