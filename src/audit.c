/* audit.c — JSON-lines audit trail, one write(2) per line on an O_APPEND
 * descriptor, synced before the caller goes on. */
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
#include <time.h>
#include <unistd.h>

struct audit {
	int fd;
	pthread_mutex_t lock; /* keeps the lines of concurrent writers in order */
};

int audit_open(const char *path, struct audit **out, char *err, size_t errlen)
{
	struct audit *a;
	int fd;

	*out = NULL;
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		int e = errno;

		snprintf(err, errlen, "cannot open audit_log %s: %s", path, strerror(e));
		return -e;
	}
	a = calloc(1, sizeof(*a));
	if (!a) {
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
	close(a->fd);
	pthread_mutex_destroy(&a->lock);
	free(a);
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
		if (!copy || !cJSON_AddItemToObject(o, f->string, copy)) {
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
	    !cJSON_AddStringToObject(o, "comm", e->caller->comm) || !cJSON_AddBoolToObject(o, "dry_run", e->dry_run))
		goto out;
	if (e->result && (!cJSON_AddNumberToObject(o, "http_status", (double)e->http_status) ||
			  !cJSON_AddStringToObject(o, "result", e->result)))
		goto out;
	if (e->message && !cJSON_AddStringToObject(o, "message", e->message))
		goto out;
	if (!add_details(o, e->details))
		goto out;
	line = cJSON_PrintUnformatted(o);
out:
	cJSON_Delete(o);
	return line;
}

int audit_write(struct audit *a, const struct audit_entry *e)
{
	char *line, *buf;
	size_t len;
	ssize_t n;
	int ret = 0;

	if (!a)
		return 0;
	line = render(e);
	if (!line)
		return -ENOMEM;
	len = strlen(line);
	buf = realloc(line, len + 2);
	if (!buf) {
		cJSON_free(line);
		return -ENOMEM;
	}
	buf[len++] = '\n';
	pthread_mutex_lock(&a->lock);
	n = write(a->fd, buf, len);
	if (n != (ssize_t)len)
		ret = n < 0 ? -errno : -EIO;
	else if (fdatasync(a->fd) < 0)
		ret = -errno;
	pthread_mutex_unlock(&a->lock);
	if (ret)
		log_error("cannot write the audit log: %s", strerror(-ret));
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
