/* audit.h — the append-only audit trail of every release attempt (and every
 * other change the mount makes): one JSON object per line.  An intent line is
 * on disk before the request leaves, so a crash mid-request still leaves it. */
#ifndef VOBIZFS_AUDIT_H
#define VOBIZFS_AUDIT_H

#include "caller.h"

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct audit;
struct cJSON;

struct audit_entry {
	const char *event;  /* "intent" or "outcome" */
	const char *action; /* "release", "cancel-release", ... */
	const char *number; /* digits */
	const struct caller *caller;
	bool dry_run;
	long http_status;    /* outcome only; 0 when no answer arrived */
	const char *result;  /* outcome only: "ok" or an errno name */
	const char *message; /* outcome only, optional: the API's or our reason */
	/* Optional: a JSON object whose members are added to the line after the
	 * fields above (a cancel's refund_status, refund_amount, ...).  Members
	 * that would repeat a field above are left out. */
	const struct cJSON *details;
};

/* Open PATH for appending (created 0600 if missing).  PATH must not name a
 * symbolic link or a FIFO (which could block the open or a write); opening
 * never blocks.  Returns 0 with *OUT set, or a negative errno with a reason
 * in ERR. */
int audit_open(const char *path, struct audit **out, char *err, size_t errlen);

/* Open the log's path again, as audit_open() did, and write there from now
 * on: what SIGHUP does, so that a log rotated by renaming (logrotate's
 * default) goes on in a new file.  If the path cannot be opened, the file
 * open until now is kept, the reason logged, and a negative errno returned;
 * else 0 (and an info line).  AUDIT may be NULL (then 0).  Thread-safe: a
 * line being written finishes in the old file, the next one goes to the new. */
int audit_reopen(struct audit *audit);

/* Close the log.  AUDIT may be NULL. */
void audit_close(struct audit *audit);

/* Append ENTRY as one line and flush it to disk (fdatasync).  With a NULL
 * AUDIT this does nothing and succeeds.  Returns 0 or a negative errno.
 * Thread-safe: lines never interleave.
 *
 * Strings that came from a caller or the API (comm, message, the string
 * values of details) are scrubbed as log_scrub(LOG_SCRUB_JSON) does: the
 * token never reaches the file; control characters are escaped by JSON.
 *
 * A log file deleted under the daemon (no name left) is noticed, before the
 * line and after it: the path is opened again (created), a warning logged,
 * and the line written there.  If that fails, the error is returned and
 * logged: the line is not in any file a reader can find, and the caller
 * must treat the write as failed (a release is then refused). */
int audit_write(struct audit *audit, const struct audit_entry *entry);

/* The two lines of one attempt, without building an entry: the intent (before
 * the request) and the outcome (ERR 0 or a negative errno, HTTP_STATUS 0 when
 * no answer arrived, MESSAGE optional).  Same return values as audit_write(). */
int audit_intent(struct audit *audit, const char *action, const char *number, const struct caller *caller,
		 bool dry_run);
int audit_outcome(struct audit *audit, const char *action, const char *number, const struct caller *caller,
		  bool dry_run, long http_status, int err, const char *message);

/* audit_outcome() with DETAILS (a JSON object, or NULL) added to the line. */
int audit_outcome_details(struct audit *audit, const char *action, const char *number, const struct caller *caller,
			  bool dry_run, long http_status, int err, const char *message, const struct cJSON *details);

#endif
