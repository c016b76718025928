/* The answers faults put on the wire instead of the real ones: injected
 * statuses with their bodies, malformed, truncated, cut and huge bodies.
 * Thread-safe (no shared state). */
#ifndef SANDBOX_FAULT_REPLIES_H
#define SANDBOX_FAULT_REPLIES_H

#include <microhttpd.h>

#include "faults.h"
#include "http.h"

#define FAULT_HUGE_BYTES (64u * 1024 * 1024) /* the huge body is a little more */

/* Replaces `reply` with the fault's status, body (given, rate-limit shaped,
 * or a default in one of the API's error shapes) and Retry-After. */
void fault_reply_status(const struct fault *fault, struct reply *reply);

/* 200 with {"items":[{"e164": and nothing more. */
void fault_reply_malformed(struct reply *reply);

/* 200 with the first half of the reply's body ({"message":"ok"} when it has
 * none), as a complete HTTP response. */
void fault_reply_truncated(struct reply *reply);

/* Queues 200 announcing the full length of the reply's body (or the
 * stand-in), sends half of it, then closes the connection. */
enum MHD_Result fault_send_cut(struct MHD_Connection *connection, const struct reply *reply);

/* Queues 200 with a JSON listing of one item whose string field makes the
 * body FAULT_HUGE_BYTES long and more, streamed without allocating it. */
enum MHD_Result fault_send_huge(struct MHD_Connection *connection);

#endif
