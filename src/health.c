/* health.c — the health answers: a hash table of rendered answers, chained
 * in the order they arrived (so the oldest, and the expired, are evicted
 * first), and a list of the fetches in flight that readers of the same
 * number join instead of sending a request of their own. */
#include "health.h"

#include "api.h"
#include "clock.h"
#include "e164.h"
#include "jsonmem.h"
#include "log.h"
#include "number.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One answer held. */
struct entry {
	struct entry *chain;         /* next in its bucket */
	struct entry *older, *newer; /* arrival order */
	char digits[E164_BUFSIZE];
	int64_t fetched_ms; /* clock_now_ms() when it arrived */
	time_t fetched_at;  /* the same on the wall clock, for st_mtime */
	size_t len;
	char json[]; /* len bytes and a NUL */
};

/* A fetch in progress, and its result for the readers that joined it. */
struct flight {
	struct flight *next;
	char digits[E164_BUFSIZE];
	bool done;
	int err;
	char *json;
	size_t len;
	unsigned users; /* the fetcher and the readers waiting; the last one frees it */
};

struct health {
	struct api *api;
	unsigned days;
	int64_t ttl_ms;
	size_t max_entries, max_bytes;

	pthread_mutex_t lock;  /* guards everything below */
	pthread_cond_t landed; /* a flight is done */
	struct entry **buckets;
	size_t nbuckets; /* a power of two */
	struct entry *oldest, *newest;
	size_t entries, bytes;
	struct flight *flights;
	uint64_t generation; /* bumped by health_drop(): older fetches are not kept */
	struct health_counters counters;
};

struct health *health_new(struct api *api, unsigned days, unsigned ttl_s, size_t max_entries, size_t max_bytes)
{
	struct health *h = calloc(1, sizeof(*h));
	pthread_condattr_t attr;

	if (!h)
		return NULL;
	h->nbuckets = 16;
	while (h->nbuckets < max_entries && h->nbuckets < ((size_t)1 << 20))
		h->nbuckets *= 2;
	h->buckets = calloc(h->nbuckets, sizeof(*h->buckets));
	if (!h->buckets) {
		free(h);
		return NULL;
	}
	h->api = api;
	h->days = days;
	h->ttl_ms = (int64_t)ttl_s * 1000;
	h->max_entries = max_entries;
	h->max_bytes = max_bytes;
	pthread_mutex_init(&h->lock, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&h->landed, &attr);
	pthread_condattr_destroy(&attr);
	return h;
}

/* FNV-1a over the digits. */
static size_t bucket_of(const struct health *h, const char *digits)
{
	uint64_t hash = 14695981039346656037ull;

	for (; *digits; digits++)
		hash = (hash ^ (unsigned char)*digits) * 1099511628211ull;
	return (size_t)hash & (h->nbuckets - 1);
}

/* Unlink E from its bucket and the arrival order, and free it.  Lock held. */
static void remove_entry(struct health *h, struct entry *e)
{
	struct entry **slot = &h->buckets[bucket_of(h, e->digits)];

	while (*slot != e)
		slot = &(*slot)->chain;
	*slot = e->chain;
	if (e->older)
		e->older->newer = e->newer;
	else
		h->oldest = e->newer;
	if (e->newer)
		e->newer->older = e->older;
	else
		h->newest = e->older;
	h->entries--;
	h->bytes -= e->len;
	free(e);
}

static void drop_all(struct health *h)
{
	while (h->oldest)
		remove_entry(h, h->oldest);
}

void health_free(struct health *h)
{
	if (!h)
		return;
	drop_all(h);
	free(h->buckets);
	pthread_cond_destroy(&h->landed);
	pthread_mutex_destroy(&h->lock);
	free(h);
}

static bool is_fresh(const struct health *h, const struct entry *e, int64_t now)
{
	return now - e->fetched_ms < h->ttl_ms;
}

/* The fresh entry of DIGITS, or NULL; an expired one is dropped on the way.
 * Lock held. */
static struct entry *lookup(struct health *h, const char *digits)
{
	struct entry *e = h->buckets[bucket_of(h, digits)];

	while (e && strcmp(e->digits, digits))
		e = e->chain;
	if (e && !is_fresh(h, e, clock_now_ms())) {
		remove_entry(h, e);
		e = NULL;
	}
	return e;
}

/* Keep a copy of an answer, evicting the expired ones and then the oldest
 * until the bounds hold.  An answer larger than the whole budget is not kept.
 * Lock held. */
static void keep(struct health *h, const char *digits, const char *json, size_t len)
{
	int64_t now = clock_now_ms();
	struct entry *e, *old;
	size_t b;

	if (h->ttl_ms <= 0 || len > h->max_bytes || h->max_entries == 0)
		return;
	if ((old = lookup(h, digits)))
		remove_entry(h, old);
	while (h->oldest && !is_fresh(h, h->oldest, now))
		remove_entry(h, h->oldest);
	while (h->oldest && (h->entries + 1 > h->max_entries || h->bytes + len > h->max_bytes))
		remove_entry(h, h->oldest);
	e = malloc(sizeof(*e) + len + 1);
	if (!e)
		return; /* not kept: the next read fetches it again */
	snprintf(e->digits, sizeof(e->digits), "%s", digits);
	e->fetched_ms = now;
	e->fetched_at = time(NULL);
	e->len = len;
	memcpy(e->json, json, len);
	e->json[len] = '\0';
	b = bucket_of(h, digits);
	e->chain = h->buckets[b];
	h->buckets[b] = e;
	e->older = h->newest;
	e->newer = NULL;
	if (h->newest)
		h->newest->newer = e;
	else
		h->oldest = e;
	h->newest = e;
	h->entries++;
	h->bytes += len;
}

static int copy_out(const char *json, size_t len, char **out, size_t *out_len)
{
	*out = malloc(len + 1);
	if (!*out)
		return -ENOMEM;
	memcpy(*out, json, len + 1);
	*out_len = len;
	return 0;
}

/* The answer BODY for DIGITS as its file shows it: a JSON object, whole (no
 * NUL character), about DIGITS, pretty-printed with a final newline. */
static int render(const char *digits, const char *body, size_t len, char **json, size_t *json_len)
{
	const cJSON *e164;
	char named[E164_BUFSIZE], *text;
	cJSON *answer;
	int ret = -EIO;

	if (!body || len == 0 || number_json_nul(body, len, 0) != len) {
		log_warn("health of %s: the answer is empty or holds a NUL character", digits);
		return -EIO;
	}
	answer = jsonmem_parse(body, len);
	if (!cJSON_IsObject(answer)) {
		log_warn("health of %s: the answer is not a JSON object", digits);
		goto out;
	}
	/* An answer about another number must never be shown as this one's: a
	 * script releases what its health says is idle. */
	e164 = cJSON_GetObjectItemCaseSensitive(answer, "e164");
	if (e164 && !(cJSON_IsString(e164) && e164_parse(e164->valuestring, named) == 0 && !strcmp(named, digits))) {
		log_warn("health of %s: the answer names another number; not shown", digits);
		goto out;
	}
	ret = -ENOMEM;
	if (!(text = cJSON_Print(answer)))
		goto out;
	*json_len = strlen(text) + 1;
	*json = malloc(*json_len + 1);
	if (*json) {
		memcpy(*json, text, *json_len - 1);
		(*json)[*json_len - 1] = '\n';
		(*json)[*json_len] = '\0';
		ret = 0;
	}
	cJSON_free(text);
out:
	cJSON_Delete(answer);
	return ret;
}

/* The network part: one API call, its answer rendered.  No lock held. */
static int fetch(struct health *h, const char *digits, int64_t deadline, char **json, size_t *len, unsigned *requests)
{
	struct api_outcome out;
	size_t body_len;
	char *body;
	int ret;

	ret = api_number_health(h->api, digits, h->days, deadline, &out, &body, &body_len);
	*requests = out.attempts;
	if (ret == 0)
		ret = render(digits, body, body_len, json, len);
	free(body);
	return ret;
}

static struct flight *find_flight(struct health *h, const char *digits)
{
	struct flight *f = h->flights;

	while (f && strcmp(f->digits, digits))
		f = f->next;
	return f;
}

static void unlink_flight(struct health *h, struct flight *f)
{
	struct flight **slot = &h->flights;

	while (*slot != f)
		slot = &(*slot)->next;
	*slot = f->next;
}

/* One user of F is done with it.  Lock held. */
static void put_flight(struct flight *f)
{
	if (--f->users == 0) {
		free(f->json);
		free(f);
	}
}

/* Wait for F, another thread's fetch, and take its result.  Lock held. */
static int join(struct health *h, struct flight *f, int64_t deadline, char **json, size_t *len)
{
	struct timespec ts = { .tv_sec = deadline / 1000, .tv_nsec = (deadline % 1000) * 1000000 };
	int ret = 0;

	f->users++;
	h->counters.shared++;
	while (!f->done && ret == 0)
		if (pthread_cond_timedwait(&h->landed, &h->lock, &ts) == ETIMEDOUT)
			ret = -ETIMEDOUT;
	if (f->done)
		ret = f->err ? f->err : copy_out(f->json, f->len, json, len);
	put_flight(f);
	return ret;
}

int health_read(struct health *h, const char *digits, int64_t deadline, char **json, size_t *len)
{
	struct flight *f;
	struct entry *e;
	uint64_t generation;
	unsigned requests = 0;
	int ret;

	*json = NULL;
	pthread_mutex_lock(&h->lock);
	if ((e = lookup(h, digits))) {
		h->counters.hits++;
		ret = copy_out(e->json, e->len, json, len);
		goto out;
	}
	if ((f = find_flight(h, digits))) {
		ret = join(h, f, deadline, json, len);
		goto out;
	}
	if (!(f = calloc(1, sizeof(*f)))) {
		ret = -ENOMEM;
		goto out;
	}
	snprintf(f->digits, sizeof(f->digits), "%s", digits); /* DIGITS is shorter than the buffer */
	f->users = 1;
	f->next = h->flights;
	h->flights = f;
	generation = h->generation;
	pthread_mutex_unlock(&h->lock);

	ret = fetch(h, digits, deadline, &f->json, &f->len, &requests);

	pthread_mutex_lock(&h->lock);
	h->counters.requests += requests;
	f->err = ret;
	f->done = true;
	unlink_flight(h, f);
	pthread_cond_broadcast(&h->landed);
	if (ret == 0) {
		if (generation == h->generation)
			keep(h, digits, f->json, f->len);
		ret = copy_out(f->json, f->len, json, len);
	} else {
		h->counters.errors++;
	}
	put_flight(f);
out:
	pthread_mutex_unlock(&h->lock);
	return ret;
}

int health_cached(struct health *h, const char *digits, char **json, size_t *len)
{
	struct entry *e;
	int ret = -ENOENT;

	*json = NULL;
	pthread_mutex_lock(&h->lock);
	if ((e = lookup(h, digits))) {
		h->counters.hits++;
		ret = copy_out(e->json, e->len, json, len);
	}
	pthread_mutex_unlock(&h->lock);
	return ret;
}

bool health_peek(struct health *h, const char *digits, size_t *len, time_t *fetched)
{
	struct entry *e;

	pthread_mutex_lock(&h->lock);
	if ((e = lookup(h, digits))) {
		*len = e->len;
		*fetched = e->fetched_at;
	}
	pthread_mutex_unlock(&h->lock);
	return e != NULL;
}

void health_drop(struct health *h)
{
	pthread_mutex_lock(&h->lock);
	drop_all(h);
	h->generation++;
	pthread_mutex_unlock(&h->lock);
}

void health_counters(struct health *h, struct health_counters *out)
{
	pthread_mutex_lock(&h->lock);
	*out = h->counters;
	out->entries = h->entries;
	out->bytes = h->bytes;
	pthread_mutex_unlock(&h->lock);
}
