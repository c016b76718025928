/* fakeaccount.h — a small stateful stand-in for one Vobiz account over the responder:
 * paged listing with search, releases (both dialects) and cancels, with the faults the
 * release logic must survive.  Far simpler than the sandbox; for unit tests only. */
#ifndef VOBIZFS_TEST_FAKEACCOUNT_H
#define VOBIZFS_TEST_FAKEACCOUNT_H

#include <stdbool.h>
#include <stddef.h>

#define FAKE_AUTH_ID "MA_TEST01"
#define FAKE_TOKEN "tok-fake-account-77"

struct fake_account;

/* What a DELETE of a held number does (one not held gets 404; one pending
 * release, 409). */
enum fake_delete {
	FAKE_DELETE_OK,          /* acts; 204 (legacy) or 200 pending_release (current) */
	FAKE_DELETE_FORBIDDEN,   /* 403 forbidden, nothing done */
	FAKE_DELETE_LOST_DONE,   /* acts, then drops the connection */
	FAKE_DELETE_LOST_UNDONE, /* drops the connection, nothing done */
	FAKE_DELETE_503_UNDONE,  /* 503, nothing done */
	FAKE_DELETE_503_DONE,    /* acts, then answers 503 */
	FAKE_DELETE_429_DONE,    /* acts, then answers 429, Retry-After: 0 */
};

/* An account holding COUNT numbers 91900000000 + i, in that order. */
struct fake_account *fake_account_start(bool current_dialect, size_t count);
void fake_account_stop(struct fake_account *fa);
const char *fake_account_url(const struct fake_account *fa);

/* The digits of the I-th generated number. */
void fake_account_digits(size_t i, char out[16]);

void fake_account_set_delete(struct fake_account *fa, enum fake_delete mode, unsigned delay_ms);
/* Serve at most MAX items per page, whatever the client asks. */
void fake_account_set_page_cap(struct fake_account *fa, long max);
/* Add a new number each time page 1 is served, TIMES times (the account
 * changes under a listing in progress). */
void fake_account_set_churn(struct fake_account *fa, int times);
/* Answer every listing request with STATUS (0: none, use the real answer). */
void fake_account_set_list_failure(struct fake_account *fa, int status);

/* Release DIGITS on the account's side, as a request whose answer was lost
 * might take effect later.  Returns 0, or -1 when it is not held. */
int fake_account_release(struct fake_account *fa, const char *digits);

/* 0 active, 1 pending release, -1 not held. */
int fake_account_status(struct fake_account *fa, const char *digits);
/* Requests seen with METHOD (and, if not NULL, a target containing NEEDLE). */
size_t fake_account_requests(struct fake_account *fa, const char *method, const char *needle);
/* The position among all requests of the NTH (0-based) of those, or -1: for
 * tests of the order in which requests were sent. */
long fake_account_nth_request(struct fake_account *fa, const char *method, const char *needle, size_t nth);

#endif
