/* audit.c — JSON-lines audit trail, one write(2) per line on an O_APPEND
 * descriptor, synced before the caller goes on; a line is whole or absent (a
 * short write is cut off again).  The descriptor follows the path: reopened
 * on request (SIGHUP) and when the file was deleted. */
#include "audit.h"

#include "errmap.h"
#include "log.h"
#include "timefmt.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Outcome lines kept for the next write when their own failed; past this,
 * the oldest are dropped (and said so). */
#define PENDING_MAX (64 * 1024)

static int write_whole(int fd, const char *buf, size_t len);

struct audit {
	char *path;
	int fd;
	pthread_mutex_t lock; /* guards fd, pending; keeps the lines of concurrent writers in order */
	char *pending;        /* whole outcome lines not written yet, or NULL */
	size_t pending_len;
	/* The last intent that could not be written ("action number"): its
	 * outcome (a refusal: nothing was sent) is not kept for later. */
	char lost_intent[96];
};

/* Open PATH for appending, reached without following a final symbolic link,
 * created 0600.  A FIFO is refused: its open, or a write once its reader
 * stalls, would block with the lock held (O_NONBLOCK: a FIFO without a
 * reader is ENXIO).  A device is taken (/dev/null, or /dev/full in tests).
 * Returns the descriptor, or a negative errno with a reason in ERR. */
static int open_log(const char *path, char *err, size_t errlen)
{
	const char *why = "a FIFO, not a file";
	struct stat st;
	int fd, e = EINVAL;

	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0600);
	if (fd < 0) {
		e = errno;
		if (e != ENXIO)
			why = strerror(e);
		goto fail;
	}
	if (fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode))
		goto fail_close;
	/* O_NONBLOCK was for the open only. */
	if (fcntl(fd, F_SETFL, O_APPEND) < 0) {
		e = errno;
		why = strerror(e);
		goto fail_close;
	}
	return fd;
fail_close:
	close(fd);
fail:
	snprintf(err, errlen, "cannot open audit_log %s: %s", path, why);
	return -e;
}

int audit_open(const char *path, struct audit **out, char *err, size_t errlen)
{
	struct audit *a;
	int fd;

	*out = NULL;
	fd = open_log(path, err, errlen);
	if (fd < 0)
		return fd;
	a = calloc(1, sizeof(*a));
	if (!a || !(a->path = strdup(path))) {
		free(a);
		close(fd);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	a->fd = fd;
	pthread_mutex_init(&a->lock, NULL);
	*out = a;
	return 0;
}

void audit_close(struct audit *a)
{
	if (!a)
		return;
	if (a->pending_len && write_whole(a->fd, a->pending, a->pending_len))
		log_error("the audit log %s: %zu bytes of outcome lines could not be written", a->path, a->pending_len);
	free(a->pending);
	close(a->fd);
	pthread_mutex_destroy(&a->lock);
	free(a->path);
	free(a);
}

int audit_reopen(struct audit *a)
{
	char err[512];
	int fd, old;

	if (!a)
		return 0;
	fd = open_log(a->path, err, sizeof(err));
	if (fd < 0) {
		log_error("%s; the audit goes on in the file opened before", err);
		return fd;
	}
	pthread_mutex_lock(&a->lock);
	old = a->fd;
	a->fd = fd;
	pthread_mutex_unlock(&a->lock);
	close(old);
	log_info("reopened the audit log %s", a->path);
	return 0;
}

/* True when the file open on FD has no name left: a line written there is
 * lost to every reader. */
static bool deleted(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 && st.st_nlink == 0;
}

/* If the file was deleted, write to a new one at the path from now on.
 * Called with the lock held.  Returns 0 or a negative errno. */
static int follow_deleted_file(struct audit *a)
{
	char err[512];
	int fd;

	if (!deleted(a->fd))
		return 0;
	fd = open_log(a->path, err, sizeof(err));
	if (fd < 0) {
		log_error("the audit log %s was deleted, and %s", a->path, err);
		return fd;
	}
	close(a->fd);
	a->fd = fd;
	log_warn("the audit log %s was deleted; writing to a new file there", a->path);
	return 0;
}

/* Append BUF (whole lines) and sync it, or leave the file as it was: a
 * short write, or a sync that failed, is cut off again (ftruncate() to the
 * size before), so that no reader meets half a line and the next line does
 * not join it.  Returns 0 or the negative errno of the cause (a short write
 * is asked again for its errno: ENOSPC, EDQUOT, EFBIG). */
/* Sync what was just appended; if that fails, cut it off (to BEFORE, -1:
 * not a regular file) and return the negative errno.  EINVAL: a device. */
static int sync_or_cut(int fd, off_t before)
{
	int e;

	if (fdatasync(fd) == 0 || errno == EINVAL)
		return 0;
	e = errno;
	if (before >= 0 && ftruncate(fd, before) < 0)
		log_error("cannot cut an unsynced line off the audit log: %s", strerror(errno));
	return -e;
}

static int write_whole(int fd, const char *buf, size_t len)
{
	struct stat st;
	off_t before = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) ? st.st_size : -1;
	ssize_t n = write(fd, buf, len);
	int e;

	if (n == (ssize_t)len)
		return sync_or_cut(fd, before);
	if (n < 0) {
		e = errno;
	} else {
		/* Short: the rest says why, and fails, or the line is whole. */
		ssize_t rest = write(fd, buf + n, len - (size_t)n);

		if (rest == (ssize_t)(len - (size_t)n))
			return sync_or_cut(fd, before);
		e = rest < 0 ? errno : EIO;
	}
	if (n > 0 && before >= 0 && ftruncate(fd, before) < 0)
		log_error("cannot cut a torn line off the audit log: %s", strerror(errno));
	return -e;
}

/* Add NAME with VALUE scrubbed (the token out; see audit_write()). */
static bool add_scrubbed(cJSON *o, const char *name, const char *value)
{
	char *clean = log_scrub_dup(value, LOG_SCRUB_JSON);
	bool ok = clean && cJSON_AddStringToObject(o, name, clean);

	free(clean);
	return ok;
}

/* Scrub every string value in ITEM, in place. */
static bool scrub_strings(cJSON *item)
{
	cJSON *child;

	if (cJSON_IsString(item) && item->valuestring) {
		char *clean = log_scrub_dup(item->valuestring, LOG_SCRUB_JSON);
		bool ok = clean && cJSON_SetValuestring(item, clean);

		free(clean);
		return ok;
	}
	cJSON_ArrayForEach (child, item)
		if (!scrub_strings(child))
			return false;
	return true;
}

/* The members of DETAILS that the line does not have yet. */
static bool add_details(cJSON *o, const cJSON *details)
{
	const cJSON *f;

	if (!cJSON_IsObject(details))
		return true;
	cJSON_ArrayForEach (f, details) {
		cJSON *copy;

		if (!f->string || cJSON_GetObjectItemCaseSensitive(o, f->string))
			continue;
		copy = cJSON_Duplicate(f, 1);
		if (!copy || !scrub_strings(copy) || !cJSON_AddItemToObject(o, f->string, copy)) {
			cJSON_Delete(copy);
			return false;
		}
	}
	return true;
}

static char *render(const struct audit_entry *e)
{
	cJSON *o = cJSON_CreateObject();
	char when[32];
	char *line = NULL;

	if (!o)
		return NULL;
	timefmt_format_utc(time(NULL), when, sizeof(when));
	if (!cJSON_AddStringToObject(o, "time", when) || !cJSON_AddStringToObject(o, "event", e->event) ||
	    !cJSON_AddStringToObject(o, "action", e->action) || !cJSON_AddStringToObject(o, "number", e->number) ||
	    !cJSON_AddNumberToObject(o, "uid", e->caller->uid) || !cJSON_AddNumberToObject(o, "pid", e->caller->pid) ||
	    !add_scrubbed(o, "comm", e->caller->comm) || !cJSON_AddBoolToObject(o, "dry_run", e->dry_run))
		goto out;
	if (e->result && (!cJSON_AddNumberToObject(o, "http_status", (double)e->http_status) ||
			  !cJSON_AddStringToObject(o, "result", e->result)))
		goto out;
	if (e->message && !add_scrubbed(o, "message", e->message))
		goto out;
	if (!add_details(o, e->details))
		goto out;
	line = cJSON_PrintUnformatted(o);
out:
	cJSON_Delete(o);
	return line;
}

/* Keep LINE (an outcome that could not be written) for the next write. */
static void keep_pending(struct audit *a, const char *line, size_t len)
{
	char *grown;

	if (a->pending_len + len > PENDING_MAX) {
		log_error("the audit log %s: %zu bytes of outcome lines that could not be written are lost", a->path,
			  a->pending_len);
		a->pending_len = 0;
	}
	grown = realloc(a->pending, a->pending_len + len);
	if (!grown) {
		log_error("the audit log %s: an outcome line that could not be written is lost (out of memory)",
			  a->path);
		return;
	}
	memcpy(grown + a->pending_len, line, len);
	a->pending = grown;
	a->pending_len += len;
}

/* True when E is the outcome of the last intent, which was not written. */
static bool intent_lost(const struct audit *a, const struct audit_entry *e)
{
	size_t alen = strlen(e->action);

	return !strncmp(a->lost_intent, e->action, alen) && a->lost_intent[alen] == ' ' &&
	       !strcmp(a->lost_intent + alen + 1, e->number);
}

int audit_write(struct audit *a, const struct audit_entry *e)
{
	char *line, *buf;
	size_t len, pending;
	int ret = 0;

	if (!a)
		return 0;
	line = render(e);
	if (!line)
		return -ENOMEM;
	len = strlen(line);
	pthread_mutex_lock(&a->lock);
	/* Outcomes that could not be written go first, in one write with this line. */
	pending = a->pending_len;
	buf = malloc(pending + len + 1);
	if (!buf) {
		pthread_mutex_unlock(&a->lock);
		cJSON_free(line);
		return -ENOMEM;
	}
	if (pending)
		memcpy(buf, a->pending, pending);
	memcpy(buf + pending, line, len);
	cJSON_free(line);
	buf[pending + len++] = '\n';
	/* A file deleted before the line is left at once; one deleted while it
	 * was written gets the line again in the new file. */
	for (int attempt = 0; attempt < 2; attempt++) {
		if ((ret = follow_deleted_file(a)) || (ret = write_whole(a->fd, buf, pending + len)) || !deleted(a->fd))
			break;
		ret = -ENOENT; /* in case the second line is lost as well */
	}
	if (!e->result)
		snprintf(a->lost_intent, sizeof(a->lost_intent), "%s %s", ret ? e->action : "", ret ? e->number : "");
	if (ret == 0) {
		if (pending)
			log_info("the audit log %s: outcome lines that could not be written before are written",
				 a->path);
		a->pending_len = 0;
	} else if (e->result && !intent_lost(a, e)) {
		keep_pending(a, buf + pending, len);
	}
	pthread_mutex_unlock(&a->lock);
	if (ret)
		log_error("cannot write the audit log %s: %s%s", a->path, strerror(-ret),
			  e->result && !intent_lost(a, e) ? "; the outcome line is written with the next line" : "");
	free(buf);
	return ret;
}

int audit_intent(struct audit *audit, const char *action, const char *number, const struct caller *caller, bool dry_run)
{
	struct audit_entry e = {
		.event = "intent", .action = action, .number = number, .caller = caller, .dry_run = dry_run
	};

	return audit_write(audit, &e);
}

int audit_outcome(struct audit *audit, const char *action, const char *number, const struct caller *caller,
		  bool dry_run, long http_status, int err, const char *message)
{
	return audit_outcome_details(audit, action, number, caller, dry_run, http_status, err, message, NULL);
}

int audit_outcome_details(struct audit *audit, const char *action, const char *number, const struct caller *caller,
			  bool dry_run, long http_status, int err, const char *message, const cJSON *details)
{
	struct audit_entry e = {
		.event = "outcome",
		.action = action,
		.number = number,
		.caller = caller,
		.dry_run = dry_run,
		.http_status = http_status,
		.result = errmap_name(err),
		.message = message,
		.details = details,
	};

	return audit_write(audit, &e);
}
