/* removal.c — telling a deliberate removal from the unlink an overwriting or
 * moving tool makes on its way.  The kernel tells us only who is asking (pid,
 * uid; /proc the program), so the rule is stated in those terms, and a caller
 * who cannot be told is refused. */
#include "removal.h"

#include "clock.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Programs whose unlinks replace or move a file rather than remove it: the
 * tools that overwrite or move, GIO (and so the GTK file managers' moves), a
 * VCS checking out over a work tree, and the file managers themselves. */
static const char *const overwriting_tools[] = {
	"cp",       "mv",    "install", "ginstall", "ln",         "tar",     "gtar",     "bsdtar",    "cpio",
	"pax",      "unzip", "7z",      "7za",      "7zr",        "rsync",   "gio",      "git",       "mc",
	"nautilus", "nemo",  "thunar",  "pcmanfm",  "pcmanfm-qt", "dolphin", "krusader", "doublecmd",
};

/* What a multi-call binary (busybox, toybox) may release with: its other
 * applets (mv, cp, tar, cpio, unzip, ...) move or replace files, or are
 * shells and tools not known here. */
static const char *const removing_applets[] = { "rm", "unlink", "find" };

static bool listed(const char *name, const char *const *names, size_t count)
{
	for (size_t i = 0; i < count; i++)
		if (!strcmp(name, names[i]))
			return true;
	return false;
}

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

int removal_check(struct removal_guard *g, const struct caller *caller, char *why, size_t whylen)
{
	if (caller->unknown) {
		snprintf(why, whylen, "the caller could not be identified (%s); nothing is released on a guess",
			 caller->unknown_why[0] ? caller->unknown_why : "no reason given");
		return caller->unknown == -EAGAIN ? -EAGAIN : -EPERM;
	}
	if (!caller->comm[0]) {
		snprintf(why, whylen, "the caller's program name is unknown; nothing is released on a guess");
		return -EPERM;
	}
	if (caller_is_multi_call(caller->comm)) {
		if (!listed(caller->applet, removing_applets, sizeof(removing_applets) / sizeof(removing_applets[0]))) {
			snprintf(why, whylen, "%s %s is not a removal; only %s rm, unlink or find releases",
				 caller->comm, caller->applet[0] ? caller->applet : "(applet unknown)", caller->comm);
			return -EPERM;
		}
	} else if (listed(caller->comm, overwriting_tools, sizeof(overwriting_tools) / sizeof(overwriting_tools[0]))) {
		snprintf(why, whylen, "%s replaces or moves files; only a removal (rm, unlink) releases", caller->comm);
		return -EPERM;
	}
	if (recently_refused(g, caller->pid)) {
		snprintf(why, whylen, "its write to the mount was just refused; only a removal (rm, unlink) releases");
		return -EPERM;
	}
	return 0;
}

bool removal_is_deliberate(struct removal_guard *g, const struct caller *caller, char *why, size_t whylen)
{
	return removal_check(g, caller, why, whylen) == 0;
}
