/* The request log: one JSON object per API request, appended to an optional
 * file (flushed per line) and kept in memory for the control API. Secrets
 * never reach it: the auth token is redacted wherever it appears.
 * Thread-safe: one mutex. */
#ifndef SANDBOX_REQLOG_H
#define SANDBOX_REQLOG_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

struct reqlog;

/* `path` (may be NULL: memory only) is opened for appending. `token` is the
 * secret to redact; it is copied. Returns 0, -ENOMEM, or -errno from fopen.
 * Caller owns *out (reqlog_destroy). */
int reqlog_open(const char *path, const char *token, struct reqlog **out);

/* Closes the file and frees the entries. NULL is a no-op. */
void reqlog_destroy(struct reqlog *log);

/* One request as the API server saw it. Strings may be NULL. */
struct reqlog_entry {
	const char *method;
	const char *path;  /* raw, percent-encoding kept */
	const char *query; /* raw, without '?'; NULL when absent */
	unsigned status;   /* 0: no answer was sent */
	cJSON *headers;    /* object name -> value, as received; redacted here */
	bool token_ok;
	const char *body; /* request body; NULL when empty */
	size_t body_len;
	const char *outcome; /* "served", "dropped" or "stalled" */
	const char *fault;   /* the action of the fault rule that hit, or NULL */
};

/* Numbers the entry (seq from 1, never reused), redacts it, appends it.
 * Returns 0 or -ENOMEM/-EIO (then the file may miss the line). */
int reqlog_append(struct reqlog *log, const struct reqlog_entry *entry);

/* All entries since the last clear, as a JSON array text. Caller frees it.
 * NULL when out of memory. */
char *reqlog_dump(struct reqlog *log);

/* Forgets the entries held in memory (the file keeps them). */
void reqlog_clear(struct reqlog *log);

#endif
