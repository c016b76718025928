/* notify.c — invalidates the kernel's view of the paths a change touched,
 * from a thread of its own (fuse_invalidate_path() takes libfuse's lock and
 * writes to the kernel, which must not wait on the operation that asks). */
#define FUSE_USE_VERSION 314

#include "notify.h"

#include "tree.h"

#include <errno.h>
#include <fuse.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The longest path a change touches: /by-account/ID/+N. */
#define NOTIFY_PATH_MAX (sizeof("/" TREE_BY_ACCOUNT "/") + ROUTE_ID_MAX + 1 + E164_BUFSIZE + 1)
/* Paths one place yields: 4 directories of numbers plus health/, each with
 * N and +N, and their 9 directories at most. */
#define PLACE_PATHS 24

struct notifier {
	struct fuse *fuse;
	pthread_t thread;
	pthread_mutex_t lock; /* guards everything below */
	pthread_cond_t wake;  /* paths queued, or stop */
	pthread_cond_t done;  /* delivered moved on */
	char (*queue)[NOTIFY_PATH_MAX];
	size_t count, cap;
	uint64_t queued;    /* paths ever queued */
	uint64_t delivered; /* of those, invalidated (or found not cached) */
	bool stalled;       /* a wait timed out: until the queue drains, nobody waits */
	bool stop;
};

static void *notifier_main(void *arg)
{
	struct notifier *n = arg;

	pthread_mutex_lock(&n->lock);
	for (;;) {
		char(*batch)[NOTIFY_PATH_MAX];
		size_t count;

		while (!n->stop && !n->count)
			pthread_cond_wait(&n->wake, &n->lock);
		if (!n->count) /* stop, and nothing left */
			break;
		batch = n->queue;
		count = n->count;
		n->queue = NULL;
		n->count = n->cap = 0;
		pthread_mutex_unlock(&n->lock);
		/* -ENOENT: the kernel holds nothing under that path; nothing to do. */
		for (size_t i = 0; i < count; i++)
			fuse_invalidate_path(n->fuse, batch[i]);
		free(batch);
		pthread_mutex_lock(&n->lock);
		n->delivered += count;
		if (!n->count)
			n->stalled = false;
		pthread_cond_broadcast(&n->done);
	}
	pthread_mutex_unlock(&n->lock);
	return NULL;
}

struct notifier *notifier_new(struct fuse *fuse)
{
	struct notifier *n = calloc(1, sizeof(*n));
	pthread_condattr_t attr;

	if (!n)
		return NULL;
	n->fuse = fuse;
	pthread_mutex_init(&n->lock, NULL);
	pthread_cond_init(&n->wake, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&n->done, &attr);
	pthread_condattr_destroy(&attr);
	if (pthread_create(&n->thread, NULL, notifier_main, n)) {
		pthread_cond_destroy(&n->done);
		pthread_cond_destroy(&n->wake);
		pthread_mutex_destroy(&n->lock);
		free(n);
		return NULL;
	}
	return n;
}

void notifier_free(struct notifier *n)
{
	if (!n)
		return;
	pthread_mutex_lock(&n->lock);
	n->stop = true;
	pthread_cond_signal(&n->wake);
	pthread_mutex_unlock(&n->lock);
	pthread_join(n->thread, NULL);
	free(n->queue);
	pthread_cond_destroy(&n->done);
	pthread_cond_destroy(&n->wake);
	pthread_mutex_destroy(&n->lock);
	free(n);
}

/* The unlink this thread is serving (notifier_unlink_begin()). */
struct unlink_in_progress {
	bool active;
	char path[NOTIFY_PATH_MAX]; /* "" when too long to be one of ours */
	char dir[NOTIFY_PATH_MAX];
	struct notifier *queued_to;  /* NULL: nothing queued yet */
	uint64_t target;             /* the notices to wait for */
	struct notifier *skipped_to; /* non-NULL: path or dir was skipped */
};

static _Thread_local struct unlink_in_progress unlinking;

struct paths {
	char at[2 * PLACE_PATHS][NOTIFY_PATH_MAX];
	size_t count;
	bool skipped; /* a path was left to the kernel's unlink */
};

static void add_path(struct paths *p, const char *dir, const char *group, const char *name)
{
	char *at;

	if (p->count == sizeof(p->at) / sizeof(p->at[0]))
		return;
	at = p->at[p->count];
	if (group)
		snprintf(at, NOTIFY_PATH_MAX, "/%s/%s%s%s", dir, group, name ? "/" : "", name ? name : "");
	else
		snprintf(at, NOTIFY_PATH_MAX, "/%s%s%s", dir, name ? "/" : "", name ? name : "");
	/* The kernel takes care of the entry being unlinked and its directory
	 * (if the unlink fails, notifier_unlink_end() queues them after all). */
	if (unlinking.active && (!strcmp(at, unlinking.path) || !strcmp(at, unlinking.dir))) {
		p->skipped = true;
		return;
	}
	p->count++;
}

/* The number's names in DIR (GROUP: its subdirectory, or NULL), "N" and
 * "+N" (the tree takes both), and the directories that list it. */
static void add_names(struct paths *p, const char *dir, const char *group, const char *digits)
{
	char plus[E164_BUFSIZE + 1];

	snprintf(plus, sizeof(plus), "+%s", digits);
	add_path(p, dir, group, digits);
	add_path(p, dir, group, plus);
	add_path(p, dir, group, NULL);
	if (group)
		add_path(p, dir, NULL, NULL);
}

/* Every path where PLACE shows DIGITS. */
static void place_paths(struct paths *p, const char *digits, const struct catalog_place *place)
{
	if (!place->held)
		return;
	if (place->status == NUMBER_PENDING_RELEASE || place->status == NUMBER_RELEASING) {
		add_names(p, place->status == NUMBER_RELEASING ? TREE_RELEASING : TREE_PENDING, NULL, digits);
		return;
	}
	if (place->status != NUMBER_ACTIVE)
		return;
	add_names(p, TREE_NUMBERS, NULL, digits);
	add_names(p, TREE_HEALTH, NULL, digits);
	if (place->unassigned)
		add_names(p, TREE_UNASSIGNED, NULL, digits);
	if (place->trunk[0])
		add_names(p, TREE_BY_TRUNK, place->trunk, digits);
	if (place->country[0])
		add_names(p, TREE_BY_COUNTRY, place->country, digits);
	if (place->account[0])
		add_names(p, TREE_BY_ACCOUNT, place->account, digits);
}

/* Wait until the notices up to TARGET are delivered, at most NOTIFY_WAIT_MS;
 * after a wait that timed out, nobody waits until the queue drains.  Called
 * with N's lock held. */
static void wait_delivered(struct notifier *n, uint64_t target)
{
	struct timespec until;

	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += NOTIFY_WAIT_MS / 1000;
	until.tv_nsec += (long)(NOTIFY_WAIT_MS % 1000) * 1000000;
	if (until.tv_nsec >= 1000000000) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000;
	}
	while (!n->stalled && n->delivered < target)
		if (pthread_cond_timedwait(&n->done, &n->lock, &until) == ETIMEDOUT)
			n->stalled = true;
}

static void queue_and_wait(struct notifier *n, const struct paths *p);

void notifier_change(void *arg, const char *digits, const struct catalog_place *before,
		     const struct catalog_place *after)
{
	struct notifier *n = arg;
	struct paths *p = calloc(1, sizeof(*p));

	if (!p)
		return;
	place_paths(p, digits, before);
	place_paths(p, digits, after);
	if (p->skipped)
		unlinking.skipped_to = n;
	queue_and_wait(n, p);
	free(p);
}

/* Queue P's paths, then wait for them — or, within an unlink, note what to
 * wait for in notifier_unlink_end(). */
static void queue_and_wait(struct notifier *n, const struct paths *p)
{
	uint64_t target;

	if (!p->count)
		return;
	pthread_mutex_lock(&n->lock);
	if (n->count + p->count > n->cap) {
		size_t cap = (n->count + p->count) * 2;
		char(*grown)[NOTIFY_PATH_MAX] = realloc(n->queue, cap * sizeof(*grown));

		if (!grown) {
			pthread_mutex_unlock(&n->lock);
			return;
		}
		n->queue = grown;
		n->cap = cap;
	}
	memcpy(n->queue[n->count], p->at, p->count * sizeof(p->at[0]));
	n->count += p->count;
	n->queued += p->count;
	target = n->queued;
	pthread_cond_signal(&n->wake);
	if (unlinking.active) { /* waited for in notifier_unlink_end() */
		unlinking.queued_to = n;
		unlinking.target = target;
	} else {
		wait_delivered(n, target);
	}
	pthread_mutex_unlock(&n->lock);
}

void notifier_unlink_begin(const char *path)
{
	size_t len = strlen(path);
	char *slash;

	unlinking = (struct unlink_in_progress){ .active = true };
	if (len >= sizeof(unlinking.path))
		return; /* no path of ours is that long: nothing to skip */
	memcpy(unlinking.path, path, len + 1);
	memcpy(unlinking.dir, path, len + 1);
	slash = strrchr(unlinking.dir, '/');
	if (slash && slash != unlinking.dir)
		*slash = '\0';
	else
		unlinking.dir[0] = '\0'; /* the root is never one of a number's paths */
}

void notifier_unlink_end(int result)
{
	struct notifier *n = unlinking.queued_to, *skipped_to = unlinking.skipped_to;

	unlinking.active = false;
	unlinking.queued_to = unlinking.skipped_to = NULL;
	if (result != 0 && skipped_to) {
		/* The kernel keeps the entry of an unlink that failed. */
		struct paths *p = calloc(1, sizeof(*p));

		if (p) {
			snprintf(p->at[p->count++], NOTIFY_PATH_MAX, "%s", unlinking.path);
			if (unlinking.dir[0])
				snprintf(p->at[p->count++], NOTIFY_PATH_MAX, "%s", unlinking.dir);
			queue_and_wait(skipped_to, p);
			free(p);
		}
	}
	if (!n)
		return;
	pthread_mutex_lock(&n->lock);
	wait_delivered(n, unlinking.target);
	pthread_mutex_unlock(&n->lock);
}
