/* audit.h — the append-only audit trail of every release attempt (and every
 * other change the mount makes): one JSON object per line.  An intent line is
 * on disk before the request leaves, so a crash mid-request still leaves it. */
#ifndef VOBIZFS_AUDIT_H
#define VOBIZFS_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct audit;
struct cJSON;

/* Who asked, as the kernel told the filesystem. */
struct caller {
	uid_t uid;
	pid_t pid;
	char comm[32]; /* the program's name, e.g. "rm"; "" if unknown */
};

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

/* Open PATH for appending (created 0600 if missing).  Returns 0 with *OUT
 * set, or a negative errno with a reason in ERR. */
int audit_open(const char *path, struct audit **out, char *err, size_t errlen);

/* Close the log.  AUDIT may be NULL. */
void audit_close(struct audit *audit);

/* Append ENTRY as one line and flush it to disk (fdatasync).  With a NULL
 * AUDIT this does nothing and succeeds.  Returns 0 or a negative errno.
 * Thread-safe: lines never interleave. */
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
