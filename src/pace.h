/* pace.h — how many pages of a listing to ask for at once.  TCP's congestion
 * control, applied to an API: start at [api] parallel; while pages come back
 * as fast as the fastest one, grow by one per fast page (slow start) until a
 * page comes back slow, then by one per round of pages (additive increase);
 * on a 429 or a 5xx, halve (multiplicative decrease, once per round) and ask
 * nothing until the Retry-After has passed.  Never above the most the
 * connection cache keeps open, so growing never costs new handshakes. */
#ifndef VOBIZFS_PACE_H
#define VOBIZFS_PACE_H

#include <stdbool.h>
#include <stdint.h>

/* A page slower than SLOW_FACTOR times the fastest one seen says the API (or
 * this machine) is busy: stop growing fast. */
#define PACE_SLOW_FACTOR 2
/* Connections the HTTP client keeps (http.c's CURLOPT_MAXCONNECTS): the
 * window never exceeds it. */
#define PACE_MAX_WINDOW 64

struct pace {
	double window; /* requests allowed in flight */
	unsigned floor, ceiling;
	bool slow_start;    /* growing by one per fast page */
	int64_t best_ms;    /* the fastest page so far; 0 = none yet */
	int64_t calm_until; /* no second halving before this: one per round */
	int64_t resume_at;  /* nothing asked before this (Retry-After) */
	unsigned halvings;  /* for the log and the tests */
};

/* Start at START requests in flight, never more than MAX (both clamped to
 * 1..PACE_MAX_WINDOW; MAX at least START).  Pure. */
void pace_init(struct pace *p, unsigned start, unsigned max);

/* How many requests may be in flight now. */
unsigned pace_window(const struct pace *p);

/* A page asked for at NOW_MS - TOOK_MS came back at NOW_MS.  PUSHBACK: an
 * attempt was answered 429 or 5xx; RETRY_AFTER_MS what a 429 asked to wait
 * (-1: nothing).  The caller serialises calls. */
void pace_answered(struct pace *p, int64_t now_ms, int64_t took_ms, bool pushback, long retry_after_ms);

#endif
