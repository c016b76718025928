/* removal.c — telling a deliberate removal from the unlink an overwriting or
 * moving tool makes on its way.  The kernel tells us only who is asking (pid,
 * program name), so the rule is stated in those terms. */
#include "removal.h"

#include "clock.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Programs whose unlinks replace or move a file rather than remove it. */
static const char *const overwriting_tools[] = {
	"cp",   "mv",  "install", "ginstall", "ln",  "tar", "gtar",  "bsdtar",
	"cpio", "pax", "unzip",   "7z",       "7za", "7zr", "rsync",
};

#define TAINT_SLOTS 64

/* A process whose write on the mount was refused, and when. */
struct taint {
	pid_t pid;
	int64_t at_ms; /* clock_now_ms(); 0 = free slot */
};

struct removal_guard {
	pthread_mutex_t lock; /* guards taints */
	struct taint taints[TAINT_SLOTS];
};

struct removal_guard *removal_guard_new(void)
{
	struct removal_guard *g = calloc(1, sizeof(*g));

	if (g)
		pthread_mutex_init(&g->lock, NULL);
	return g;
}

void removal_guard_free(struct removal_guard *g)
{
	if (!g)
		return;
	pthread_mutex_destroy(&g->lock);
	free(g);
}

void removal_note_refused_write(struct removal_guard *g, const struct caller *caller)
{
	int64_t now = clock_now_ms();
	size_t slot = 0;

	pthread_mutex_lock(&g->lock);
	/* The same process's slot, else the oldest (a free one is oldest). */
	for (size_t i = 0; i < TAINT_SLOTS; i++) {
		if (g->taints[i].pid == caller->pid && g->taints[i].at_ms) {
			slot = i;
			break;
		}
		if (g->taints[i].at_ms < g->taints[slot].at_ms)
			slot = i;
	}
	g->taints[slot] = (struct taint){ .pid = caller->pid, .at_ms = now };
	pthread_mutex_unlock(&g->lock);
}

static bool recently_refused(struct removal_guard *g, pid_t pid)
{
	int64_t now = clock_now_ms();
	bool found = false;

	pthread_mutex_lock(&g->lock);
	for (size_t i = 0; i < TAINT_SLOTS && !found; i++)
		found = g->taints[i].pid == pid && g->taints[i].at_ms && now - g->taints[i].at_ms < REMOVAL_TAINT_MS;
	pthread_mutex_unlock(&g->lock);
	return found;
}

bool removal_is_deliberate(struct removal_guard *g, const struct caller *caller, char *why, size_t whylen)
{
	for (size_t i = 0; i < sizeof(overwriting_tools) / sizeof(overwriting_tools[0]); i++)
		if (!strcmp(caller->comm, overwriting_tools[i])) {
			snprintf(why, whylen, "%s replaces or moves files; only a removal (rm, unlink) releases",
				 caller->comm);
			return false;
		}
	if (recently_refused(g, caller->pid)) {
		snprintf(why, whylen, "its write to the mount was just refused; only a removal (rm, unlink) releases");
		return false;
	}
	return true;
}
