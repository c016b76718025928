/* health.h — each number's usage and spam flag (DESIGN §2, number health),
 * read on demand and kept for [health] ttl: one answer per number in a
 * bounded cache, and one request in flight per number however many readers
 * open it at once.  One lock, held only for memory work, never across a
 * request; answers for different numbers are fetched in parallel. */
#ifndef VOBIZFS_HEALTH_H
#define VOBIZFS_HEALTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct api;
struct health;

/* The cache's bounds: past either, the answers fetched longest ago go. */
#define HEALTH_MAX_ENTRIES 10000
#define HEALTH_MAX_BYTES (64u << 20)

/* A health reader over API asking for DAYS days (1..365), keeping answers
 * TTL_S seconds (0: none kept; concurrent readers still share a request), at
 * most MAX_ENTRIES answers and MAX_BYTES bytes of them.  Returns NULL when
 * out of memory. */
struct health *health_new(struct api *api, unsigned days, unsigned ttl_s, size_t max_entries, size_t max_bytes);

/* Free H and every answer.  No call may be in progress. */
void health_free(struct health *h);

/* The health answer of DIGITS as a file reads it: the API's JSON object with
 * every field kept, pretty-printed, ending in a newline.  From the cache when
 * younger than the TTL; else fetched before DEADLINE — or, when another
 * thread is fetching DIGITS, that fetch's answer (waited for until DEADLINE).
 * *JSON is malloc'd (*LEN bytes and a NUL); the caller frees it.  Returns 0,
 * or -ENOENT (404), -EIO (an answer that is not a JSON object, holds a NUL
 * character, or names another number in "e164"; also the API's 5xx),
 * -EACCES, -EAGAIN (429 past the deadline), -ETIMEDOUT, -ENOMEM, -EINVAL
 * (DIGITS that are not a number: nothing sent).  Failures are not kept.
 * Thread-safe; blocks for network I/O. */
int health_read(struct health *h, const char *digits, int64_t deadline, char **json, size_t *len);

/* As health_read(), but only from the cache: -ENOENT when no answer younger
 * than the TTL is held.  Thread-safe; no I/O. */
int health_cached(struct health *h, const char *digits, char **json, size_t *len);

/* True when an answer of DIGITS younger than the TTL is held; then *LEN is
 * its length and *FETCHED (wall clock) when it arrived.  Thread-safe; no I/O. */
bool health_peek(struct health *h, const char *digits, size_t *len, time_t *fetched);

/* Forget every answer (touch on a directory, SIGHUP).  A fetch in progress
 * still answers its readers but is not kept.  Thread-safe. */
void health_drop(struct health *h);

struct health_counters {
	unsigned long requests; /* HTTP requests sent, retries included */
	unsigned long hits;     /* reads answered from the cache */
	unsigned long shared;   /* reads that joined another reader's request */
	unsigned long errors;   /* fetches that failed */
	size_t entries, bytes;  /* answers held now, and their size */
};

/* A snapshot of the counters.  Thread-safe. */
void health_counters(struct health *h, struct health_counters *out);

#endif
