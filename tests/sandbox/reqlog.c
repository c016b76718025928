/* Request log: redaction, sequence numbers, the JSON-lines file, and the
 * in-memory copy the control API reads. */
#include "reqlog.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "timestamp.h"

#define REDACTED "<redacted>"

struct reqlog {
	pthread_mutex_t lock;
	FILE *file;        /* NULL: memory only */
	char *token;       /* the secret to redact */
	unsigned long seq; /* last number given */
	char **lines;      /* rendered entries since the last clear */
	size_t len, cap;
};

int reqlog_open(const char *path, const char *token, struct reqlog **out)
{
	struct reqlog *log = calloc(1, sizeof(*log));

	if (!log)
		return -ENOMEM;
	if (!(log->token = strdup(token))) {
		free(log);
		return -ENOMEM;
	}
	if (path && !(log->file = fopen(path, "a"))) {
		int rc = -errno;

		free(log->token);
		free(log);
		return rc;
	}
	pthread_mutex_init(&log->lock, NULL);
	*out = log;
	return 0;
}

void reqlog_clear(struct reqlog *log)
{
	pthread_mutex_lock(&log->lock);
	for (size_t i = 0; i < log->len; i++)
		free(log->lines[i]);
	log->len = 0;
	pthread_mutex_unlock(&log->lock);
}

void reqlog_destroy(struct reqlog *log)
{
	if (!log)
		return;
	reqlog_clear(log);
	free(log->lines);
	if (log->file)
		fclose(log->file);
	/* Wipe the secret before handing the memory back. */
	explicit_bzero(log->token, strlen(log->token));
	free(log->token);
	pthread_mutex_destroy(&log->lock);
	free(log);
}

/* A copy of `len` bytes of `text` with every occurrence of the token replaced.
 * Caller frees it; NULL when out of memory. */
static char *redact(const struct reqlog *log, const char *text, size_t len)
{
	size_t tlen = strlen(log->token);
	struct buf out = { 0 };
	const char *p = text, *end = text + len;

	while (p < end) {
		const char *hit = tlen ? memmem(p, (size_t)(end - p), log->token, tlen) : NULL;
		size_t plain = hit ? (size_t)(hit - p) : (size_t)(end - p);

		if (buf_append(&out, p, plain) || (hit && buf_append_str(&out, REDACTED))) {
			buf_free(&out);
			return NULL;
		}
		p += plain + (hit ? tlen : 0);
	}
	return buf_steal(&out);
}

/* Adds key: redacted text, or null when text is NULL. */
static bool add_text(const struct reqlog *log, cJSON *obj, const char *key, const char *text, size_t len)
{
	if (!text)
		return cJSON_AddNullToObject(obj, key) != NULL;
	char *clean = redact(log, text, len);
	bool ok = clean && cJSON_AddStringToObject(obj, key, clean);

	free(clean);
	return ok;
}

static bool is_secret_header(const char *name)
{
	return strcasecmp(name, "X-Auth-Token") == 0 || strcasecmp(name, "Authorization") == 0 ||
	       strcasecmp(name, "Proxy-Authorization") == 0 || strcasecmp(name, "Cookie") == 0;
}

static cJSON *redact_headers(const struct reqlog *log, const cJSON *headers)
{
	cJSON *clean = cJSON_CreateObject();
	const cJSON *h;

	cJSON_ArrayForEach(h, headers)
	{
		const char *value = cJSON_GetStringValue(h);

		if (!clean)
			break;
		if (is_secret_header(h->string))
			value = REDACTED;
		if (!value || !add_text(log, clean, h->string, value, strlen(value))) {
			cJSON_Delete(clean);
			clean = NULL;
		}
	}
	return clean;
}

static char *render(struct reqlog *log, const struct reqlog_entry *e, unsigned long seq)
{
	cJSON *obj = cJSON_CreateObject();
	cJSON *headers = NULL;
	char when[TIMESTAMP_LEN];
	char *line = NULL;

	timestamp_format(timestamp_now_us(), when);
	if (!obj || !cJSON_AddNumberToObject(obj, "seq", (double)seq) || !cJSON_AddStringToObject(obj, "time", when) ||
	    !add_text(log, obj, "method", e->method, e->method ? strlen(e->method) : 0) ||
	    !add_text(log, obj, "path", e->path, e->path ? strlen(e->path) : 0) ||
	    !add_text(log, obj, "query", e->query, e->query ? strlen(e->query) : 0))
		goto out;
	if (e->status ? !cJSON_AddNumberToObject(obj, "status", e->status) : !cJSON_AddNullToObject(obj, "status"))
		goto out;
	headers = e->headers ? redact_headers(log, e->headers) : cJSON_CreateObject();
	if (!headers || !cJSON_AddItemToObject(obj, "headers", headers)) {
		cJSON_Delete(headers);
		goto out;
	}
	if (!cJSON_AddBoolToObject(obj, "token_ok", e->token_ok) || !add_text(log, obj, "body", e->body, e->body_len) ||
	    !cJSON_AddStringToObject(obj, "outcome", e->outcome) ||
	    !(e->fault ? cJSON_AddStringToObject(obj, "fault", e->fault) : cJSON_AddNullToObject(obj, "fault")))
		goto out;
	line = cJSON_PrintUnformatted(obj);
out:
	cJSON_Delete(obj);
	return line;
}

int reqlog_append(struct reqlog *log, const struct reqlog_entry *entry)
{
	int rc = 0;

	pthread_mutex_lock(&log->lock);
	char *line = render(log, entry, ++log->seq);
	if (!line) {
		rc = -ENOMEM;
		goto out;
	}
	if (log->file && (fprintf(log->file, "%s\n", line) < 0 || fflush(log->file) != 0))
		rc = -EIO;
	if (log->len == log->cap) {
		size_t cap = log->cap ? log->cap * 2 : 64;
		char **lines = realloc(log->lines, cap * sizeof(*lines));

		if (!lines) {
			free(line);
			rc = -ENOMEM;
			goto out;
		}
		log->lines = lines;
		log->cap = cap;
	}
	log->lines[log->len++] = line;
out:
	pthread_mutex_unlock(&log->lock);
	return rc;
}

char *reqlog_dump(struct reqlog *log)
{
	struct buf out = { 0 };
	int rc;

	pthread_mutex_lock(&log->lock);
	rc = buf_append_str(&out, "[");
	for (size_t i = 0; rc == 0 && i < log->len; i++)
		rc = buf_append_str(&out, i ? ",\n" : "\n") || buf_append_str(&out, log->lines[i]);
	pthread_mutex_unlock(&log->lock);
	if (rc == 0)
		rc = buf_append_str(&out, out.len > 1 ? "\n]\n" : "]\n");
	if (rc) {
		buf_free(&out);
		return NULL;
	}
	return buf_steal(&out);
}
