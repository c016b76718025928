/* catalog.c — the listing in memory.  One mutex guards the table; the network
 * is only ever touched by the single thread running a refresh, unlocked. */
#include "catalog.h"

#include "clock.h"
#include "jsonmem.h"
#include "listing.h"
#include "log.h"
#include "numtab.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <malloc.h>
#include <stdatomic.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* A change made through the mount while a refresh was in flight: replayed on
 * the new table, whose pages may predate it. */
struct change {
	char digits[E164_BUFSIZE];
	struct number *replacement; /* NULL: the number left the account */
};

struct catalog {
	struct api *api;
	int64_t ttl_ms;
	unsigned parallel, parallel_max;
	unsigned paced;              /* the pace the last listing ended at; guarded by lock */
	int64_t page_ms, listing_ms; /* a page's and a whole listing's time limits */
	char country[3];             /* "" for the account's numbers, else an inventory */
	size_t max;
	atomic_bool stop; /* catalog_free(): a background refresh gives up */

	pthread_mutex_t lock;     /* guards everything below */
	pthread_cond_t refreshed; /* a refresh ended; a background thread ended */
	struct numtab table;
	int64_t loaded_at; /* clock_now_ms() of the listing in use; 0 = none */
	/* Invalidations are counted, not timed: one in the same millisecond as
	 * the refresh that follows it would otherwise make that refresh's
	 * listing stale at once (SIGHUP then ls read the listing twice). */
	uint64_t invalidations; /* catalog_invalidate() calls so far */
	uint64_t loaded_gen;    /* invalidations when the listing in use was asked for */
	time_t changed_wall;    /* wall clock of the last listing read or change made; 0 = none */
	bool refreshing;
	unsigned background;       /* background refresh threads alive */
	uint64_t refresh_seq;      /* bumped when a refresh ends */
	int refresh_err;           /* result of the last refresh */
	uint64_t refresh_failures; /* refreshes that ended in an error */
	struct change *changes;
	size_t nchanges;
	catalog_change_fn on_change; /* catalog_set_change_hook() */
	void *on_change_arg;
	struct catalog_findings findings; /* of the listing in use */
	char failure[160];                /* listing_report.why of the last read */
	/* Active numbers shown as NUMBER_RELEASING (catalog_set_releasing()),
	 * sorted, kept across refreshes: the listing still shows them held. */
	char (*releasing)[E164_BUFSIZE];
	size_t nreleasing, capreleasing;
};

/* A change to report once the lock is released. */
struct event {
	char digits[E164_BUFSIZE];
	struct catalog_place before, after;
};

/* A growing list of events; best effort: out of memory, they are dropped
 * (the kernel's caches then expire within their timeout). */
struct events {
	struct event *items;
	size_t count, cap;
};

struct catalog_options catalog_options_for(const struct config *cfg)
{
	return (struct catalog_options){
		.ttl_s = cfg->ttl_s,
		.parallel = cfg->parallel,
		.parallel_max = cfg->parallel_max,
		.page_timeout_s = cfg->timeout_s,
		.listing_timeout_s = cfg->listing_timeout_s,
	};
}

struct catalog *catalog_new(struct api *api, const struct catalog_options *opt)
{
	struct catalog *cat = calloc(1, sizeof(*cat));
	pthread_condattr_t attr;

	if (!cat)
		return NULL;
	if (numtab_init(&cat->table, 0) < 0) {
		free(cat);
		return NULL;
	}
	cat->api = api;
	cat->ttl_ms = (int64_t)opt->ttl_s * 1000;
	cat->parallel = opt->parallel;
	cat->parallel_max = opt->parallel_max;
	cat->page_ms = (int64_t)opt->page_timeout_s * 1000;
	cat->listing_ms = (int64_t)opt->listing_timeout_s * 1000;
	cat->max = opt->max;
	cat->findings = (struct catalog_findings){ .complete = true, .total = -1 };
	atomic_init(&cat->stop, false);
	if (opt->country)
		snprintf(cat->country, sizeof(cat->country), "%s", opt->country);
	pthread_mutex_init(&cat->lock, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&cat->refreshed, &attr);
	pthread_condattr_destroy(&attr);
	return cat;
}

static void clear_changes(struct catalog *cat)
{
	for (size_t i = 0; i < cat->nchanges; i++)
		number_unref(cat->changes[i].replacement);
	free(cat->changes);
	cat->changes = NULL;
	cat->nchanges = 0;
}

void catalog_stop(struct catalog *cat)
{
	/* A background refresh ends within one page's time limit. */
	atomic_store(&cat->stop, true);
	pthread_mutex_lock(&cat->lock);
	while (cat->background > 0)
		pthread_cond_wait(&cat->refreshed, &cat->lock);
	pthread_mutex_unlock(&cat->lock);
}

void catalog_free(struct catalog *cat)
{
	if (!cat)
		return;
	catalog_stop(cat);
	clear_changes(cat);
	free(cat->releasing);
	numtab_destroy(&cat->table);
	pthread_cond_destroy(&cat->refreshed);
	pthread_mutex_destroy(&cat->lock);
	free(cat);
}

void catalog_set_change_hook(struct catalog *cat, catalog_change_fn fn, void *arg)
{
	pthread_mutex_lock(&cat->lock);
	cat->on_change = fn;
	cat->on_change_arg = arg;
	pthread_mutex_unlock(&cat->lock);
}

static bool held_by(const struct number *n, const char *account);

static int digits_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* N's status as the mount shows it: NUMBER_RELEASING while its release
 * waits out the grace.  Called under the lock. */
static enum number_status status_of(const struct catalog *cat, const struct number *n)
{
	if (n->status == NUMBER_ACTIVE && cat->nreleasing &&
	    bsearch(n->digits, cat->releasing, cat->nreleasing, E164_BUFSIZE, digits_cmp))
		return NUMBER_RELEASING;
	return (enum number_status)n->status;
}

static void place_of(const struct catalog *cat, const struct number *n, struct catalog_place *p)
{
	*p = (struct catalog_place){ .held = n != NULL };
	if (!n)
		return;
	p->status = status_of(cat, n);
	p->unassigned = !n->has_trunk && !n->has_app;
	if (n->has_trunk)
		snprintf(p->trunk, sizeof(p->trunk), "%s", number_trunk(n));
	memcpy(p->country, n->country, sizeof(p->country));
	catalog_record_account(n->json, n->json_len, p->account);
}

/* Note that DIGITS went from BEFORE to AFTER (either may be NULL). */
static void add_event(const struct catalog *cat, struct events *ev, const char *digits, const struct number *before,
		      const struct number *after)
{
	struct event *e;

	if (ev->count == ev->cap) {
		size_t cap = ev->cap ? ev->cap * 2 : 16;
		struct event *grown = realloc(ev->items, cap * sizeof(*grown));

		if (!grown)
			return;
		ev->items = grown;
		ev->cap = cap;
	}
	e = &ev->items[ev->count++];
	snprintf(e->digits, sizeof(e->digits), "%s", digits);
	place_of(cat, before, &e->before);
	place_of(cat, after, &e->after);
}

static bool same_record(const struct number *a, const struct number *b)
{
	return a == b || (a->json_len == b->json_len && !memcmp(a->json, b->json, a->json_len));
}

/* True when N is held by both tables being compared.  A refresh shares each
 * unchanged record with the table it replaces (intern_unchanged()), and
 * while the two are compared, under the lock, nothing else holds a
 * reference: the changes replayed onto the new table were released by
 * clear_changes(), and a replay that replaced a shared record dropped the
 * new table's reference to it.  So a second reference means "the same
 * record under the same digits in both", and spares two lookups a number. */
static bool in_both(const struct number *n)
{
	return atomic_load_explicit(&n->refs, memory_order_relaxed) >= 2;
}

/* The numbers that left, joined or changed between OLD and FRESH. */
static void diff_tables(const struct catalog *cat, const struct numtab *old, const struct numtab *fresh,
			struct events *ev)
{
	for (size_t i = 0; i < old->count; i++) {
		const struct number *was = old->order[i], *is;

		if (was && !in_both(was) && (!(is = numtab_get(fresh, was->digits)) || !same_record(was, is)))
			add_event(cat, ev, was->digits, was, is);
	}
	for (size_t i = 0; i < fresh->count; i++) {
		const struct number *is = fresh->order[i];

		if (is && !in_both(is) && !numtab_get(old, is->digits))
			add_event(cat, ev, is->digits, NULL, is);
	}
}

/* Tell the hook (read under the lock into FN, ARG) of EV's events, then
 * free them.  Called without the lock. */
static void report(catalog_change_fn fn, void *arg, struct events *ev)
{
	for (size_t i = 0; fn && i < ev->count; i++)
		fn(arg, ev->items[i].digits, &ev->items[i].before, &ev->items[i].after);
	free(ev->items);
	*ev = (struct events){ 0 };
}

/* What a reader of the catalog needs before it may be answered. */
enum need {
	NEED_NOTHING,    /* the listing is younger than the TTL */
	NEED_BACKGROUND, /* older: answer from it, and read it again meanwhile */
	NEED_FRESH,      /* none, dropped, or the last read failed: wait for one */
};

static enum need need_of(const struct catalog *cat)
{
	if (!cat->loaded_at || cat->loaded_gen != cat->invalidations || cat->refresh_err)
		return NEED_FRESH;
	if (clock_now_ms() - cat->loaded_at < cat->ttl_ms)
		return NEED_NOTHING;
	return cat->ttl_ms == 0 ? NEED_FRESH : NEED_BACKGROUND;
}

static void replay_changes(struct catalog *cat, struct numtab *fresh)
{
	for (size_t i = 0; i < cat->nchanges; i++) {
		struct change *c = &cat->changes[i];

		if (!c->replacement)
			numtab_remove(fresh, c->digits);
		else if (numtab_put(fresh, c->replacement) == 0)
			c->replacement = NULL; /* now owned by the table */
	}
	clear_changes(cat);
}

/* Numbers of the table in use that a shifted listing did not show.  Offset
 * paging skips an item at a page boundary when an earlier one leaves; when
 * the leaving was done through this mount, the table in use still knows the
 * skipped ones.  They are kept, so an outside release in the same moment
 * shows only at the next refresh.  Called with the lock held. */
static int merge_missing(struct catalog *cat, struct numtab *fresh)
{
	for (size_t i = 0; i < cat->table.count; i++) {
		struct number *n = cat->table.order[i];

		if (!n || numtab_get(fresh, n->digits))
			continue;
		if (numtab_add(fresh, number_ref(n)) < 0) {
			number_unref(n);
			return -ENOMEM;
		}
	}
	return 0;
}

/* listing_settle_fn: a listing that changed while it was read is accepted
 * when this mount's own changes explain it (completed by merge_missing);
 * a steady stream of rm would otherwise keep every listing from completing. */
static int settle_own_changes(struct numtab *seen, void *arg)
{
	struct catalog *cat = arg;
	int ret = -ESTALE;

	pthread_mutex_lock(&cat->lock);
	if (cat->nchanges > 0)
		ret = merge_missing(cat, seen);
	pthread_mutex_unlock(&cat->lock);
	return ret;
}

/* listing_intern_fn: a number whose record did not change is shared with the
 * table in use, not copied: a refresh then costs little more memory than the
 * numbers that changed, and the records stay where they were. */
static struct number *intern_unchanged(void *arg, const struct number *draft)
{
	struct catalog *cat = arg;
	struct number *n;

	pthread_mutex_lock(&cat->lock);
	n = numtab_get(&cat->table, draft->digits);
	n = n && same_record(n, draft) ? number_ref(n) : NULL;
	pthread_mutex_unlock(&cat->lock);
	return n;
}

/* Pages to ask for at once when a refresh starts: the pace the last listing
 * reached, so it need not grow again from [api] parallel; never below that,
 * and never above the pages that listing had (a small account asks for few
 * at once).  Called with the lock held. */
static unsigned start_pace(const struct catalog *cat)
{
	size_t pages = (cat->table.live + LISTING_PER_PAGE - 1) / LISTING_PER_PAGE;
	unsigned paced = cat->paced < pages ? cat->paced : (unsigned)pages;

	return paced > cat->parallel ? paced : cat->parallel;
}

/* What a refresh leaves to do once the lock is released. */
struct aftermath {
	struct numtab old; /* the table replaced */
	struct events ev;  /* the changes it found */
	catalog_change_fn fn;
	void *fn_arg;
	bool trim;
};

/* The numbers of TABLE whose status is not one the vendor documents; the
 * first one's digits and status, quoted, in EXAMPLE. */
static size_t unknown_statuses(const struct numtab *table, char *example, size_t len)
{
	size_t count = 0;

	example[0] = '\0';
	for (size_t i = 0; i < table->count; i++) {
		const struct number *n = table->order[i];

		if (!n || !n->status_unknown)
			continue;
		if (!count++) {
			cJSON *item = jsonmem_parse(n->json, n->json_len);
			const cJSON *status = cJSON_GetObjectItemCaseSensitive(item, "status");

			snprintf(example, len, "%s: \"%.48s\"", n->digits,
				 cJSON_IsString(status) ? status->valuestring : "?");
			cJSON_Delete(item);
		}
	}
	return count;
}

/* What a listing's pages and "total" say, the first time they disagree (or
 * disagree differently), and the items it skipped when they differ from the
 * last listing's: each is news once, not at every refresh. */
static void log_findings(const struct catalog *cat, const struct catalog_findings *was,
			 const struct catalog_findings *is, const char *example)
{
	const char *what = cat->country[0] ? "the inventory" : "the account's listing";
	char reasons[512] = "";
	size_t skipped = 0, used = 0;

	if (!is->complete && (was->complete || was->total != is->total || was->items != is->items))
		log_finding("%s: its pages hold %zu numbers, its total says %ld; taken as the pages show it "
			    "(.status listing.complete: false), and absence from it proves no release",
			    what, is->items, is->total);
	if (is->unknown_status && is->unknown_status != was->unknown_status)
		log_finding("%s: %zu numbers have a status vobizfs does not know (%s, for one): shown as held, in "
			    "numbers/",
			    what, is->unknown_status, example);
	if (!memcmp(was->skipped, is->skipped, sizeof(is->skipped)))
		return;
	for (int i = 0; i < LIST_SKIPS; i++) {
		if (!is->skipped[i])
			continue;
		skipped += is->skipped[i];
		used += (size_t)snprintf(reasons + used, sizeof(reasons) - used, "%s%zu with %s", used ? ", " : "",
					 is->skipped[i], list_skip_name((enum list_skip)i));
		if (used >= sizeof(reasons))
			break;
	}
	if (skipped)
		log_finding("%s: %zu items skipped, never shown (%s)", what, skipped, reasons);
}

/* Read the listing and put it in use.  Called with the lock held and
 * cat->refreshing set; returns with the lock held, cat->refreshing cleared
 * and every waiter woken.  Returns 0 or the listing's negative errno (the
 * listing in use then stays). */
static int refresh_locked(struct catalog *cat, struct aftermath *after)
{
	struct listing_query query = {
		.country = cat->country[0] ? cat->country : NULL,
		.max = cat->max,
		.expected = cat->table.live,
	};
	unsigned paced = start_pace(cat);
	struct listing_report found_report = { .total = -1 }; /* listing_fetch() fills it */
	struct listing_params params = {
		.parallel = paced,
		.parallel_max = cat->parallel_max,
		.page_ms = cat->page_ms,
		.deadline = clock_now_ms() + cat->listing_ms,
		.stop = &cat->stop,
		.settle = settle_own_changes,
		.settle_arg = cat,
		.intern = intern_unchanged,
		.intern_arg = cat,
		.paced = &paced,
		.report = &found_report,
	};
	int64_t started = clock_now_ms();
	time_t started_wall = time(NULL);
	uint64_t gen = cat->invalidations;
	struct catalog_findings found;
	char example[96] = "";
	struct numtab fresh;
	int ret;

	*after = (struct aftermath){ 0 };
	pthread_mutex_unlock(&cat->lock);
	ret = listing_fetch(cat->api, &query, &params, &fresh);
	found = (struct catalog_findings){ .complete = !found_report.short_of_total,
					   .total = found_report.total,
					   .items = found_report.items };
	memcpy(found.skipped, found_report.skipped, sizeof(found.skipped));
	/* The table is this thread's until it is put in use: walked unlocked. */
	if (ret == 0)
		found.unknown_status = unknown_statuses(&fresh, example, sizeof(example));
	pthread_mutex_lock(&cat->lock);
	cat->paced = paced;
	snprintf(cat->failure, sizeof(cat->failure), "%s", ret ? found_report.why : "");
	if (ret == 0) {
		log_findings(cat, &cat->findings, &found, example);
		cat->findings = found;
		replay_changes(cat, &fresh);
		after->old = cat->table;
		cat->table = fresh;
		if (cat->on_change && cat->loaded_at)
			diff_tables(cat, &after->old, &cat->table, &after->ev);
		after->fn = cat->on_change;
		after->fn_arg = cat->on_change_arg;
		after->trim = true;
		cat->loaded_at = started;
		cat->loaded_gen = gen;
		if (started_wall > cat->changed_wall) /* a change replayed may be later */
			cat->changed_wall = started_wall;
	}
	clear_changes(cat);
	cat->refreshing = false;
	cat->refresh_err = ret;
	cat->refresh_seq++;
	if (ret)
		cat->refresh_failures++;
	pthread_cond_broadcast(&cat->refreshed);
	return ret;
}

/* Tell the hook of the changes, free the table replaced, and give the memory
 * back.  Called without the lock. */
static void settle_aftermath(struct aftermath *after)
{
	report(after->fn, after->fn_arg, &after->ev);
	numtab_destroy(&after->old);
	/* The previous table and the pages' buffers are free now but resident,
	 * scattered over the fetch threads' arenas: give the free pages back,
	 * or RSS grows at every refresh. */
	if (after->trim)
		malloc_trim(0);
}

static void *refresh_in_background(void *arg)
{
	struct catalog *cat = arg;
	struct aftermath after;

	pthread_mutex_lock(&cat->lock);
	refresh_locked(cat, &after);
	pthread_mutex_unlock(&cat->lock);
	settle_aftermath(&after);
	pthread_mutex_lock(&cat->lock);
	cat->background--;
	pthread_cond_broadcast(&cat->refreshed);
	pthread_mutex_unlock(&cat->lock);
	return NULL;
}

/* Start reading the listing in a thread of its own.  Called with the lock
 * held; a thread that cannot be started leaves it to the next reader. */
static void start_background(struct catalog *cat)
{
	pthread_attr_t attr;
	pthread_t thread;

	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	cat->refreshing = true;
	cat->background++;
	if (pthread_create(&thread, &attr, refresh_in_background, cat)) {
		cat->refreshing = false;
		cat->background--;
	}
	pthread_attr_destroy(&attr);
}

int catalog_refresh_if_stale(struct catalog *cat, bool may_wait)
{
	struct aftermath after = { 0 };
	bool refreshed = false;
	uint64_t drops;
	int ret = 0;

	pthread_mutex_lock(&cat->lock);
	drops = cat->invalidations;
	for (;;) {
		enum need need = need_of(cat);

		if (need == NEED_NOTHING)
			break;
		if (need == NEED_BACKGROUND) {
			if (!cat->refreshing && !atomic_load(&cat->stop))
				start_background(cat);
			break;
		}
		if (!may_wait) {
			ret = -EAGAIN;
			break;
		}
		if (cat->refreshing) {
			uint64_t seq = cat->refresh_seq;

			/* Join it: a listing read ends (pages are time-limited). */
			while (cat->refreshing && seq == cat->refresh_seq)
				pthread_cond_wait(&cat->refreshed, &cat->lock);
			/* Whatever it brought is fresh enough, unless it was
			 * asked for before a drop this caller has seen. */
			if ((ret = cat->refresh_err) || cat->loaded_gen >= drops)
				break;
			continue;
		}
		cat->refreshing = true;
		ret = refresh_locked(cat, &after);
		refreshed = true;
		break;
	}
	pthread_mutex_unlock(&cat->lock);
	if (refreshed)
		settle_aftermath(&after);
	return ret;
}

void catalog_drop(struct catalog *cat)
{
	struct numtab old = { 0 };

	pthread_mutex_lock(&cat->lock);
	if (!cat->refreshing && cat->loaded_at) {
		old = cat->table;
		if (numtab_init(&cat->table, 0) == 0) {
			cat->loaded_at = 0;
			cat->changed_wall = 0;
		} else {
			cat->table = old; /* out of memory: keep it */
			old = (struct numtab){ 0 };
		}
	}
	pthread_mutex_unlock(&cat->lock);
	if (old.index)
		numtab_destroy(&old);
}

bool catalog_loaded(struct catalog *cat)
{
	bool loaded;

	pthread_mutex_lock(&cat->lock);
	loaded = cat->loaded_at != 0;
	pthread_mutex_unlock(&cat->lock);
	return loaded;
}

void catalog_invalidate(struct catalog *cat)
{
	pthread_mutex_lock(&cat->lock);
	cat->invalidations++;
	pthread_mutex_unlock(&cat->lock);
}

static void fill_info(const struct catalog *cat, const struct number *n, struct number_info *out)
{
	memcpy(out->digits, n->digits, sizeof(out->digits));
	out->status = status_of(cat, n);
	out->hold = (enum number_hold)n->hold;
	out->size = n->json_len;
	out->mtime = n->purchased_at;
	out->ctime = n->updated_at;
	/* As passes() and catalog_groups() decide: a view lists an active
	 * number only, under a valid trunk id or country code. */
	out->links = 1;
	if (out->status == NUMBER_ACTIVE)
		out->links += (!n->has_trunk && !n->has_app) + (n->has_trunk && number_trunk(n)[0]) + !!n->country[0];
}

/* The record's top-level "account_id" is found in its text, not by parsing
 * it: a view lists every number, and a parse of each would hold the lock
 * for a long time on a large account.  A number renders its record with
 * cJSON's pretty print, which writes a top-level member, and only one, as
 * a newline, one tab, the quoted key, a colon and a tab; strings inside
 * escape their newlines and tabs.  The first such member is the one a parse
 * would find, as number_xattr_get() does. */
void catalog_record_account(const char *json, size_t len, char out[ROUTE_ID_MAX + 1])
{
	static const char key[] = "\n\t\"account_id\":\t\"";
	const char *at = memmem(json, len, key, sizeof(key) - 1), *value, *end = json + len;
	size_t n;

	out[0] = '\0';
	if (!at)
		return;
	value = at + sizeof(key) - 1;
	for (n = 0; value + n < end && n <= ROUTE_ID_MAX && value[n] != '"'; n++)
		;
	if (value + n >= end || n == 0 || n > ROUTE_ID_MAX)
		return;
	memcpy(out, value, n);
	out[n] = '\0';
	if (!route_id_valid(out))
		out[0] = '\0';
}

static bool held_by(const struct number *n, const char *account)
{
	char owner[ROUTE_ID_MAX + 1];

	catalog_record_account(n->json, n->json_len, owner);
	return owner[0] && !strcmp(owner, account);
}

static bool passes(const struct catalog *cat, const struct number *n, const struct catalog_filter *f)
{
	if (status_of(cat, n) != f->status)
		return false;
	switch (f->view) {
	case VIEW_UNASSIGNED:
		return !n->has_trunk && !n->has_app;
	case VIEW_TRUNK:
		return n->has_trunk && !strcmp(number_trunk(n), f->value);
	case VIEW_COUNTRY:
		return !strcmp(n->country, f->value);
	case VIEW_ACCOUNT:
		return held_by(n, f->value);
	default:
		return true;
	}
}

int catalog_find(struct catalog *cat, const char *digits, const struct catalog_filter *filter, struct number_info *out)
{
	const struct number *n;
	int ret = -ENOENT;

	pthread_mutex_lock(&cat->lock);
	n = numtab_get(&cat->table, digits);
	if (n && passes(cat, n, filter)) {
		fill_info(cat, n, out);
		ret = 0;
	}
	pthread_mutex_unlock(&cat->lock);
	return ret;
}

/* The record's monthly_fee, when it is a JSON number. */
static bool monthly_fee(const struct number *n, double *fee)
{
	cJSON *item = jsonmem_parse(n->json, n->json_len);
	const cJSON *f = cJSON_GetObjectItemCaseSensitive(item, "monthly_fee");
	bool ok = cJSON_IsNumber(f);

	if (ok)
		*fee = f->valuedouble;
	cJSON_Delete(item);
	return ok;
}

int catalog_facts(struct catalog *cat, const char *digits, struct number_facts *out)
{
	const struct number *n;
	int ret = -ENOENT;

	pthread_mutex_lock(&cat->lock);
	n = numtab_get(&cat->table, digits);
	if (n && n->status != NUMBER_RELEASED) {
		out->hold = (enum number_hold)n->hold;
		out->has_trunk = n->has_trunk;
		out->has_app = n->has_app;
		snprintf(out->trunk, sizeof(out->trunk), "%s", number_trunk(n));
		snprintf(out->app, sizeof(out->app), "%s", number_application(n));
		out->has_monthly_fee = monthly_fee(n, &out->monthly_fee);
		ret = 0;
	}
	pthread_mutex_unlock(&cat->lock);
	return ret;
}

int catalog_witness(struct catalog *cat, const char *digits, char witness[E164_BUFSIZE])
{
	int best = -ENOENT;

	pthread_mutex_lock(&cat->lock);
	for (size_t i = 0; i < cat->table.count; i++) {
		const struct number *n = cat->table.order[i];
		int shared = 0;

		if (!n || n->status != NUMBER_ACTIVE || !strcmp(n->digits, digits))
			continue;
		while (digits[shared] && digits[shared] == n->digits[shared])
			shared++;
		if (shared > best) {
			best = shared;
			memcpy(witness, n->digits, E164_BUFSIZE);
		}
	}
	pthread_mutex_unlock(&cat->lock);
	return best;
}

int catalog_record(struct catalog *cat, const char *digits, char **json, size_t *len)
{
	const struct number *n;
	int ret = -ENOENT;

	*json = NULL;
	pthread_mutex_lock(&cat->lock);
	n = numtab_get(&cat->table, digits);
	if (n && n->status != NUMBER_RELEASED) {
		*json = malloc(n->json_len + 1);
		ret = *json ? 0 : -ENOMEM;
		if (*json) {
			memcpy(*json, n->json, n->json_len + 1);
			*len = n->json_len;
		}
	}
	pthread_mutex_unlock(&cat->lock);
	return ret;
}

int catalog_list(struct catalog *cat, const struct catalog_filter *filter, struct number_info **out, size_t *count)
{
	struct number_info *list;
	size_t n = 0;

	pthread_mutex_lock(&cat->lock);
	list = malloc((cat->table.live + 1) * sizeof(*list));
	if (list) {
		for (size_t i = 0; i < cat->table.count; i++) {
			const struct number *num = cat->table.order[i];

			if (num && passes(cat, num, filter))
				fill_info(cat, num, &list[n++]);
		}
	}
	pthread_mutex_unlock(&cat->lock);
	*out = list;
	*count = n;
	return list ? 0 : -ENOMEM;
}

void catalog_free_names(char **names)
{
	for (size_t i = 0; names && names[i]; i++)
		free(names[i]);
	free(names);
}

static bool has_name(char **names, size_t count, const char *name)
{
	for (size_t i = 0; i < count; i++)
		if (!strcmp(names[i], name))
			return true;
	return false;
}

int catalog_groups(struct catalog *cat, enum catalog_view view, char ***out)
{
	char **names = NULL, **grown;
	size_t count = 0;
	int ret = 0;

	pthread_mutex_lock(&cat->lock);
	for (size_t i = 0; ret == 0 && i < cat->table.count; i++) {
		const struct number *n = cat->table.order[i];
		char owner[ROUTE_ID_MAX + 1];
		const char *name;

		if (!n || status_of(cat, n) != NUMBER_ACTIVE)
			continue;
		if (view == VIEW_ACCOUNT)
			catalog_record_account(n->json, n->json_len, owner);
		name = view == VIEW_TRUNK ? number_trunk(n) : view == VIEW_ACCOUNT ? owner : n->country;
		if (!name[0] || has_name(names, count, name))
			continue;
		grown = realloc(names, (count + 2) * sizeof(*names));
		if (!grown || !(grown[count] = strdup(name))) {
			names = grown ? grown : names;
			ret = -ENOMEM;
			break;
		}
		names = grown;
		names[++count] = NULL;
	}
	pthread_mutex_unlock(&cat->lock);
	if (ret == 0 && !names && !(names = calloc(1, sizeof(*names))))
		ret = -ENOMEM;
	if (ret) {
		if (names)
			names[count] = NULL;
		catalog_free_names(names);
		names = NULL;
	}
	*out = names;
	return ret;
}

/* Remember a change made while a refresh is in flight (see struct change).
 * REPLACEMENT NULL: the number left.  Called with the lock held. */
static int note_change(struct catalog *cat, const char *digits, struct number *replacement)
{
	struct change *grown;

	if (!cat->refreshing)
		return 0;
	grown = realloc(cat->changes, (cat->nchanges + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	cat->changes = grown;
	grown[cat->nchanges].replacement = NULL;
	if (replacement && !(grown[cat->nchanges].replacement = number_ref(replacement)))
		return -ENOMEM;
	snprintf(grown[cat->nchanges].digits, E164_BUFSIZE, "%s", digits);
	cat->nchanges++;
	return 0;
}

int catalog_patch(struct catalog *cat, const char *digits, const cJSON *patch)
{
	const cJSON *status = cJSON_GetObjectItemCaseSensitive(patch, "status");
	struct number *n, *replacement = NULL;
	struct events ev = { 0 };
	catalog_change_fn fn;
	void *fn_arg;
	int ret = 0;

	pthread_mutex_lock(&cat->lock);
	n = numtab_get(&cat->table, digits);
	if (!n) {
		ret = -ENOENT;
		goto out;
	}
	if (!(cJSON_IsString(status) && number_status_parse(status->valuestring) == NUMBER_RELEASED) &&
	    !(replacement = number_patched(n, patch))) {
		ret = -ENOMEM;
		goto out;
	}
	if ((ret = note_change(cat, digits, replacement))) {
		number_unref(replacement);
		goto out;
	}
	if (cat->on_change)
		add_event(cat, &ev, digits, n, replacement);
	if (replacement)
		numtab_put(&cat->table, replacement); /* cannot fail: the entry exists */
	else
		numtab_remove(&cat->table, digits);
	cat->changed_wall = time(NULL);
out:
	fn = cat->on_change;
	fn_arg = cat->on_change_arg;
	pthread_mutex_unlock(&cat->lock);
	report(fn, fn_arg, &ev);
	return ret;
}

int catalog_add(struct catalog *cat, struct number *n)
{
	struct events ev = { 0 };
	catalog_change_fn fn;
	void *fn_arg;
	int ret;

	pthread_mutex_lock(&cat->lock);
	ret = note_change(cat, n->digits, n);
	if (ret == 0 && cat->on_change)
		add_event(cat, &ev, n->digits, numtab_get(&cat->table, n->digits), n);
	if (ret == 0)
		ret = numtab_put(&cat->table, n);
	if (ret == 0)
		cat->changed_wall = time(NULL);
	else
		ev.count = 0;
	fn = cat->on_change;
	fn_arg = cat->on_change_arg;
	pthread_mutex_unlock(&cat->lock);
	report(fn, fn_arg, &ev);
	return ret;
}

/* Put DIGITS into the sorted set (or take it out).  Returns 1 when the set
 * changed, 0 when not, -ENOMEM.  Called under the lock. */
static int releasing_set(struct catalog *cat, const char *digits, bool releasing)
{
	size_t lo = 0, hi = cat->nreleasing;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(cat->releasing[mid], digits);

		if (c == 0) {
			if (releasing)
				return 0;
			memmove(cat->releasing[mid], cat->releasing[mid + 1],
				(cat->nreleasing - mid - 1) * E164_BUFSIZE);
			cat->nreleasing--;
			return 1;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!releasing)
		return 0;
	if (cat->nreleasing == cat->capreleasing) {
		size_t cap = cat->capreleasing ? cat->capreleasing * 2 : 16;
		char(*grown)[E164_BUFSIZE] = realloc(cat->releasing, cap * E164_BUFSIZE);

		if (!grown)
			return -ENOMEM;
		cat->releasing = grown;
		cat->capreleasing = cap;
	}
	memmove(cat->releasing[lo + 1], cat->releasing[lo], (cat->nreleasing - lo) * E164_BUFSIZE);
	snprintf(cat->releasing[lo], E164_BUFSIZE, "%s", digits);
	cat->nreleasing++;
	return 1;
}

int catalog_set_releasing(struct catalog *cat, const char *digits, bool releasing)
{
	struct events ev = { 0 };
	struct catalog_place before;
	const struct number *n;
	catalog_change_fn fn;
	void *fn_arg;
	int ret;

	if (strlen(digits) >= E164_BUFSIZE)
		return -EINVAL;
	pthread_mutex_lock(&cat->lock);
	n = numtab_get(&cat->table, digits);
	place_of(cat, n, &before);
	ret = releasing_set(cat, digits, releasing);
	if (ret == 1 && n && cat->on_change) {
		add_event(cat, &ev, digits, n, n);
		if (ev.count)
			ev.items[ev.count - 1].before = before;
	}
	if (ret == 1 && n)
		cat->changed_wall = time(NULL);
	fn = cat->on_change;
	fn_arg = cat->on_change_arg;
	pthread_mutex_unlock(&cat->lock);
	report(fn, fn_arg, &ev);
	return ret < 0 ? ret : 0;
}

uint64_t catalog_bytes(struct catalog *cat)
{
	uint64_t bytes = 0;

	pthread_mutex_lock(&cat->lock);
	for (size_t i = 0; i < cat->table.count; i++)
		if (cat->table.order[i])
			bytes += cat->table.order[i]->json_len;
	pthread_mutex_unlock(&cat->lock);
	return bytes;
}

void catalog_stats(struct catalog *cat, long *age_s, size_t *count, bool *refreshing)
{
	pthread_mutex_lock(&cat->lock);
	*age_s = cat->loaded_at ? (long)((clock_now_ms() - cat->loaded_at) / 1000) : -1;
	*count = cat->table.live;
	if (refreshing)
		*refreshing = cat->refreshing;
	pthread_mutex_unlock(&cat->lock);
}

time_t catalog_changed_at(struct catalog *cat)
{
	time_t at;

	pthread_mutex_lock(&cat->lock);
	at = cat->changed_wall;
	pthread_mutex_unlock(&cat->lock);
	return at;
}

void catalog_findings(struct catalog *cat, struct catalog_findings *out)
{
	pthread_mutex_lock(&cat->lock);
	*out = cat->findings;
	pthread_mutex_unlock(&cat->lock);
}

void catalog_failure(struct catalog *cat, char *buf, size_t len)
{
	pthread_mutex_lock(&cat->lock);
	snprintf(buf, len, "%s", cat->failure);
	pthread_mutex_unlock(&cat->lock);
}

void catalog_refresh_counts(struct catalog *cat, uint64_t *done, uint64_t *failed)
{
	pthread_mutex_lock(&cat->lock);
	*done = cat->refresh_seq;
	*failed = cat->refresh_failures;
	pthread_mutex_unlock(&cat->lock);
}
