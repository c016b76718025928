/* store_absent.c — built only while src/store.c (the SQLite store, branch
 * i-store) is not in the tree: every call refuses with -ENOSYS, so a mount
 * with [release] grace fails closed, naming the reason, and sends nothing.
 * src/meson.build drops this file as soon as store.c exists. */
#include "store.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

int store_open(const char *dir, const char *account, unsigned max_per_hour, unsigned timeout_s, struct store **out,
	       char *err, size_t errlen)
{
	(void)account;
	(void)max_per_hour;
	(void)timeout_s;
	*out = NULL;
	snprintf(err, errlen, "%s/%s: this build has no SQLite store; [release] grace needs it", dir, STORE_DB_NAME);
	return -ENOSYS;
}

void store_close(struct store *store)
{
	(void)store;
}

void store_usage(struct store *store, struct store_usage *out)
{
	(void)store;
	memset(out, 0, sizeof(*out));
}

int store_give_back(struct store *store, int64_t ticket, int64_t deadline)
{
	(void)store, (void)ticket, (void)deadline;
	return -ENOSYS;
}

int store_settle(struct store *store, const char *digits, int64_t deadline)
{
	(void)store, (void)digits, (void)deadline;
	return -ENOSYS;
}

int store_mark_doubtful(struct store *store, const char *digits, int64_t deadline)
{
	(void)store, (void)digits, (void)deadline;
	return -ENOSYS;
}

int store_needs_look(struct store *store, const char *digits, int64_t deadline)
{
	(void)store, (void)digits, (void)deadline;
	return -ENOSYS;
}

int store_list_unsettled(struct store *store, struct store_unsettled **out, size_t *count, int64_t deadline)
{
	(void)store, (void)deadline;
	*out = NULL;
	*count = 0;
	return -ENOSYS;
}

int store_queue_add(struct store *store, const struct store_queued *q, int64_t deadline, int64_t *ticket,
		    time_t *frees_at)
{
	(void)store, (void)q, (void)deadline, (void)ticket, (void)frees_at;
	return -ENOSYS;
}

int store_queue_cancel(struct store *store, const char *digits, int64_t deadline)
{
	(void)store, (void)digits, (void)deadline;
	return -ENOSYS;
}

int store_queue_claim(struct store *store, const char *digits, int64_t deadline, int64_t *ticket)
{
	(void)store, (void)digits, (void)deadline, (void)ticket;
	return -ENOSYS;
}

int store_queue_drop(struct store *store, const char *digits, int64_t deadline)
{
	(void)store, (void)digits, (void)deadline;
	return -ENOSYS;
}

int store_queue_list(struct store *store, struct store_queued **out, size_t *count, int64_t deadline)
{
	(void)store, (void)deadline;
	*out = NULL;
	*count = 0;
	return -ENOSYS;
}
