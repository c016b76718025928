/* api.h — the Vobiz numbers API (DESIGN §2) as C calls: URLs, dialects,
 * retries within a deadline, and the outcome → errno table applied once.
 * The retry rules are the safety story: a GET is retried on 5xx, 429 and
 * transport errors; a release or cancel is re-sent only after a 429 or when
 * the request provably never left, and otherwise reports an unknown outcome. */
#ifndef VOBIZFS_API_H
#define VOBIZFS_API_H

#include "apijson.h"
#include "config.h"

#include <stdbool.h>
#include <stdint.h>

struct api;

/* Which listing a page belongs to: the account's numbers (narrowed by
 * SEARCH, digits, when not NULL), or the inventory of COUNTRY (when not
 * NULL), at most MAX numbers (0: no limit). */
struct listing_query {
	const char *search;
	const char *country;
	size_t max;
	size_t expected; /* numbers the last listing held (0: unknown): a hint
			    for how many pages to ask for at once */
};

/* Create the API client for CFG, which must outlive it.  Returns NULL with a
 * reason in ERR.  Thread-safe once created. */
struct api *api_new(const struct config *cfg, char *err, size_t errlen);
void api_free(struct api *api);

/* What a call learned, for the caller, the audit log and the pace of a
 * listing. */
struct api_outcome {
	long http_status;             /* final status, or 0 when none arrived */
	bool unknown;                 /* the request may have acted: verify before answering */
	bool timed_out;               /* the deadline ended it */
	bool rate_limited;            /* an attempt was answered 429 (and may have acted) */
	bool server_error;            /* an attempt was answered 5xx */
	bool unreadable;              /* a 2xx whose non-empty body is not JSON (cut
					 off, garbled): a release takes it as unknown */
	long retry_after_ms;          /* what the last 429 asked to wait (header or body), or -1 */
	struct release_answer answer; /* the 2xx body, when there was one */
	char message[256];            /* the API's error message or the transport's reason */
	unsigned attempts;            /* requests sent for this call, retries included */
};

/* The most requests one call sends, retries included, however much of its
 * deadline is left: a server that keeps answering 429 (or 5xx to a read)
 * gets this many and no more. */
#define API_MAX_ATTEMPTS 10

/* The wait before the retry that follows attempt ATTEMPT (from 0) when the
 * server asked for ASKED_MS (Retry-After or details.retryAfter; -1 when it
 * asked nothing): ASKED_MS, but never less than the backoff of this attempt
 * (exponential from 100 ms to 4 s, jittered between half and all of it), so
 * "Retry-After: 0", a date in the past or a malformed value still waits, and
 * longer each time.  Thread-safe. */
long api_retry_delay_ms(unsigned attempt, long asked_ms);

/* Fetch one page (PER_PAGE ≤ 100) of the listing Q names: the account's
 * numbers (Q->search, digits, narrows it) or the inventory of Q->country.
 * Returns 0 with OUT filled (free with list_page_free()), or a negative errno
 * once the deadline is spent: -EACCES (refused credentials), -EAGAIN (still
 * rate limited), -ETIMEDOUT, -EIO (server errors, bad bodies, transport),
 * -EINVAL (a query that must not reach a URL).  HOW (may be NULL) says what
 * the attempts met: a 429 (with its Retry-After) or a 5xx. */
int api_list_page(struct api *api, const struct listing_query *q, long page, long per_page, int64_t deadline,
		  struct list_page *out, struct api_outcome *how);

/* The methods and answer classes requests are counted by, and the upper
 * bounds (seconds) of the request latency histogram's buckets, ascending;
 * a last, unbounded bucket follows them. */
enum api_method { API_METHOD_GET, API_METHOD_POST, API_METHOD_DELETE, API_METHOD_OTHER, API_METHODS };
enum api_class {
	API_CLASS_1XX,
	API_CLASS_2XX,
	API_CLASS_3XX,
	API_CLASS_4XX,
	API_CLASS_5XX,
	API_CLASS_NONE,
	API_CLASSES
};
#define API_LATENCY_BOUNDS 11
extern const double api_latency_bounds[API_LATENCY_BOUNDS];

/* Requests sent and calls that failed (after their retries), since creation. */
struct api_counters {
	unsigned long requests;
	unsigned long failures;
	/* Requests by method and the class of their answer (NONE: no answer). */
	unsigned long by_class[API_METHODS][API_CLASSES];
	/* Requests whose time was at most api_latency_bounds[i] (not cumulative;
	 * the last is those slower than every bound), and their total time. */
	unsigned long latency[API_LATENCY_BOUNDS + 1];
	double latency_sum_s;
	unsigned long retries; /* requests sent again after a failed attempt */
	unsigned long unknown; /* writes whose outcome was left unknown, to be looked up */
};

/* A snapshot of the counters.  Thread-safe. */
void api_counters(struct api *api, struct api_counters *out);

/* The reason of the last call that failed ("HTTP 401: Invalid token",
 * "Couldn't connect to server"), or "" — for a caller that reports a failure
 * in its own words.  Thread-safe. */
void api_last_failure(struct api *api, char *buf, size_t len);

/* Release DIGITS (which must pass e164_is_digits()).  Legacy dialect: path
 * digits, 204; current: path %2B+digits, 200 with a pending_release body,
 * "?immediate=true" when IMMEDIATE.  Returns 0 on a 2xx that confirms the
 * release (no body, a body without "status" such as the legacy {"message":
 * "number returned to inventory"}, or status pending_release / released,
 * naming DIGITS if it names a number), else the mapped negative errno; with
 * OUT->unknown set the return value is -EIO or -ETIMEDOUT and the caller
 * must find out what happened from a listing.  Unknown are: a lost answer,
 * a 5xx, a 3xx, an answer past the size limit or cut off, a 2xx whose body
 * cannot be read or denies the release ({"status":"active"}, another e164). */
int api_release(struct api *api, const char *digits, bool immediate, int64_t deadline, struct api_outcome *out);

/* Cancel a pending release (current dialect): POST
 * .../account/{auth_id}/numbers/%2B{digits}/cancel-release (lowercase, as
 * documented), built here and never taken from a release answer's
 * cancel_url.  OUT->answer holds the refund fields.  Same conventions. */
int api_cancel_release(struct api *api, const char *digits, int64_t deadline, struct api_outcome *out);

/* Route DIGITS to the trunk group TRUNK (POST .../assign), or off its trunk
 * (TRUNK NULL: DELETE .../assign).  TRUNK must pass route_id_valid().
 * Same conventions as api_release(). */
int api_set_trunk(struct api *api, const char *digits, const char *trunk, int64_t deadline, struct api_outcome *out);

/* Attach DIGITS to the application APP (POST
 * .../Account/{auth_id}/numbers/%2B{digits}/application, capital A as the
 * current docs write it), or detach it (APP NULL: DELETE).  Same conventions. */
int api_set_application(struct api *api, const char *digits, const char *app, int64_t deadline,
			struct api_outcome *out);

/* Rent DIGITS from the inventory (POST .../purchase-from-inventory).  On
 * success *NUMBER is the new number from the answer, in any documented shape
 * (apijson_parse_purchase()), or NULL when the answer carried none; the
 * caller frees it.  Same conventions. */
int api_purchase(struct api *api, const char *digits, int64_t deadline, struct api_outcome *out,
		 struct number **number);

/* Read the usage of DIGITS over its last DAYS days (GET
 * .../account/{auth_id}/numbers/%2B{digits}/health?granularity=daily&days=DAYS,
 * lowercase as documented), retried as a listing page is (5xx, 429,
 * transport errors) within DEADLINE.  On 0, *BODY is the answer as it came,
 * unparsed (malloc'd, NUL-terminated, *LEN bytes; NULL for an empty body);
 * the caller frees it.  Returns 0 or a negative errno: -ENOENT (404),
 * -EACCES, -EAGAIN, -ETIMEDOUT, -EIO, -EINVAL (DIGITS that must not reach a
 * URL).  OUT says how many requests were sent and the API's message. */
int api_number_health(struct api *api, const char *digits, unsigned days, int64_t deadline, struct api_outcome *out,
		      char **body, size_t *len);

/* Give DIGITS to the sub-account SUB (POST
 * .../account/{auth_id}/numbers/%2B{digits}/assign-subaccount with
 * {"sub_account_id":SUB}, lowercase as documented), or back to the main
 * account (SUB NULL: DELETE on the same path, never with ?force=true).  SUB
 * must pass route_id_valid().  *BODY (when BODY is not NULL) gets the
 * answer's body, malloc'd, or NULL: a 409's cool-off fields are the
 * caller's to read; the caller frees it.  Same conventions as api_release(). */
int api_set_subaccount(struct api *api, const char *digits, const char *sub, int64_t deadline, struct api_outcome *out,
		       char **body);

#endif
