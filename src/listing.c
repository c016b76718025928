/* listing.c — the full listing, fetched in parallel and checked for
 * consistency.  Offset pagination shifts when numbers come or go mid-read;
 * a changed "total", a page of the wrong size or a number seen twice is how
 * we notice, and we start over.  What the API claims is bounded before it is
 * used, and sizes nothing: pages are read in windows and copied out as they
 * arrive, so memory follows what arrived, and time the deadline. */
#include "listing.h"

#include "api.h"
#include "clock.h"
#include "log.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_THREADS 64
#define NOT_ASKED 1 /* a page's result before it is asked for (errors are negative) */

/* One read of the listing, shared by the worker threads.  The calling thread
 * alone judges and collects, between windows, in page order. */
struct page_fetch {
	struct api *api;
	const struct listing_query *q;
	int64_t deadline;
	long per_page, total, pages; /* known once page 1 has answered */
	bool judged;                 /* page 1 has answered: a failure stops the others */
	long base, last;             /* the window being read: pages base..last */
	struct list_page *results;   /* results[page - base] */
	int *errs;                   /* each page's result, or NOT_ASKED */
	atomic_long next_page;
	atomic_long end;    /* no page past this one is asked for or used */
	atomic_bool failed; /* a page of this window failed: ask for no more */
	bool changed;       /* the pages disagreed: the account changed */
	char why[160];      /* the first disagreement, for the log */
};

static long expected_items(const struct page_fetch *f, long page)
{
	long left = f->total - (page - 1) * f->per_page;

	return left < f->per_page ? left : f->per_page;
}

/* Ask for no page past PAGE. */
static void end_at(struct page_fetch *f, long page)
{
	long end = atomic_load(&f->end);

	while (page < end && !atomic_compare_exchange_weak(&f->end, &end, page))
		;
}

/* The read saw the account change; the first reason is kept for the log. */
static void note_change(struct page_fetch *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void note_change(struct page_fetch *f, const char *fmt, ...)
{
	va_list ap;

	if (f->changed)
		return;
	f->changed = true;
	va_start(ap, fmt);
	vsnprintf(f->why, sizeof(f->why), fmt, ap);
	va_end(ap);
}

static void *fetch_pages(void *arg)
{
	struct page_fetch *f = arg;
	long page;

	while (!atomic_load(&f->failed) && (page = atomic_fetch_add(&f->next_page, 1)) <= f->last &&
	       page <= atomic_load(&f->end)) {
		struct list_page *r = &f->results[page - f->base];
		int ret = -ETIMEDOUT;

		/* However fast the answers come, none is asked for past the deadline. */
		if (clock_left_ms(f->deadline) > 0)
			ret = api_list_page(f->api, f->q, page, f->per_page, f->deadline, r);
		f->errs[page - f->base] = ret;
		if (!f->judged)
			continue; /* maybe past the end: page 1 will tell */
		if (ret)
			atomic_store(&f->failed, true);
		else if (r->count + r->skipped == 0 && expected_items(f, page) > 0)
			end_at(f, page); /* the listing ended early: later pages hold nothing */
	}
	return NULL;
}

/* Fetch pages FROM..TO into the window on up to PARALLEL threads, this one
 * included. */
static void fetch_window(struct page_fetch *f, long from, long to, unsigned parallel)
{
	pthread_t threads[MAX_THREADS];
	unsigned n = 0, wanted = parallel;

	f->base = from;
	f->last = to;
	for (long p = from; p <= to; p++) {
		f->results[p - from] = (struct list_page){ 0 };
		f->errs[p - from] = NOT_ASKED;
	}
	atomic_store(&f->next_page, from);
	atomic_store(&f->failed, false);
	if ((long)wanted > to - from + 1)
		wanted = (unsigned)(to - from + 1);
	while (n + 1 < wanted && pthread_create(&threads[n], NULL, fetch_pages, f) == 0)
		n++;
	fetch_pages(f);
	while (n > 0)
		pthread_join(threads[--n], NULL);
}

static void free_window(struct page_fetch *f)
{
	for (long p = f->base; f->results && p <= f->last; p++)
		list_page_free(&f->results[p - f->base]);
}

/* The last page of the window that counts. */
static long window_last(const struct page_fetch *f)
{
	long last = f->last < f->pages ? f->last : f->pages;
	long end = atomic_load(&f->end);

	return last < end ? last : end;
}

static const char *listing_name(const struct listing_query *q, char *buf, size_t len)
{
	if (q->country)
		snprintf(buf, len, "the inventory of %s", q->country);
	else if (q->search)
		snprintf(buf, len, "the account's numbers matching %s", q->search);
	else
		snprintf(buf, len, "the account's numbers");
	return buf;
}

/* Page 1 has answered: learn the size of the listing, within bounds.
 * Returns 0, page 1's error, or -EIO for a claim vobizfs refuses. */
static int judge_first_page(struct page_fetch *f)
{
	const struct list_page *first = &f->results[0];
	char name[96];

	if (f->errs[0])
		return f->errs[0];
	listing_name(f->q, name, sizeof(name));
	f->total = first->total;
	if (f->total > LISTING_MAX_TOTAL) {
		log_warn("%s: page 1 claims %ld numbers, more than the %ld a listing may hold; refused", name, f->total,
			 LISTING_MAX_TOTAL);
		return -EIO;
	}
	/* Honour a server that pages smaller than asked: its pages are what it
	 * says they are, the first window's included.  But a tiny page for a
	 * large listing is a request per number: refused. */
	if (first->per_page > 0 && first->per_page < LISTING_PER_PAGE)
		f->per_page = first->per_page;
	if (f->per_page < LISTING_MIN_PER_PAGE && f->total > f->per_page) {
		log_warn("%s: the API pages by %ld numbers (%d asked) for %ld; below %ld a page, refused", name,
			 f->per_page, LISTING_PER_PAGE, f->total, LISTING_MIN_PER_PAGE);
		return -EIO;
	}
	f->pages = f->total == 0 ? 1 : (f->total + f->per_page - 1) / f->per_page;
	if (f->q->max && f->pages > (long)((f->q->max + (size_t)f->per_page - 1) / (size_t)f->per_page))
		f->pages = (long)((f->q->max + (size_t)f->per_page - 1) / (size_t)f->per_page);
	if (f->pages > LISTING_MAX_PAGES) {
		log_warn("%s: %ld numbers by %ld a page would take %ld requests, more than %ld; refused", name,
			 f->total, f->per_page, f->pages, LISTING_MAX_PAGES);
		return -EIO;
	}
	f->judged = true;
	return 0;
}

/* The window has been read: its first failure in page order, or 0 with the
 * disagreements noted.  A page not asked for (another failed) is no read. */
static int judge_window(struct page_fetch *f)
{
	long last = window_last(f);
	bool hole = false;

	for (long p = f->base; p <= last; p++) {
		int ret = f->errs[p - f->base];

		if (ret == NOT_ASKED)
			hole = true;
		else if (ret)
			return ret;
	}
	for (long p = f->base; hole && p <= f->last; p++)
		if (f->errs[p - f->base] < 0)
			return f->errs[p - f->base]; /* the failure that stopped the window */
	if (hole)
		return -EIO;
	for (long p = f->base; p <= window_last(f); p++) {
		const struct list_page *r = &f->results[p - f->base];
		long items = (long)(r->count + r->skipped), due = expected_items(f, p);

		if (r->total != f->total)
			note_change(f, "page %ld says %ld numbers, page 1 said %ld", p, r->total, f->total);
		else if (items != due)
			note_change(f, "page %ld holds %ld numbers, %ld were due", p, items, due);
		if (items == 0 && due > 0)
			end_at(f, p); /* the listing ended early: later pages hold nothing */
	}
	return 0;
}

/* Copy the window's numbers into OUT, in page order.  A number already there
 * means the pages overlap: the account changed.  A page that brings no new
 * number ends the read (a server repeating itself would never end it). */
static int collect_window(struct page_fetch *f, struct numtab *out)
{
	for (long p = f->base; p <= window_last(f); p++) {
		struct list_page *page = &f->results[p - f->base];
		size_t added = 0;

		for (size_t i = 0; i < page->count; i++) {
			/* A copy made here, in one thread and in order, packs the
			 * table densely; the originals sit among the pages' freed
			 * JSON in the fetch threads' malloc arenas and would pin
			 * that memory for as long as the table lives. */
			struct number *copy = number_dup(page->items[i]);
			int ret;

			if (!copy)
				return -ENOMEM;
			ret = numtab_add(out, copy);
			if (ret == 0) {
				added++;
				continue;
			}
			free(copy);
			if (ret != -EEXIST)
				return ret;
			note_change(f, "page %ld repeats %s, read before", p, page->items[i]->digits);
		}
		if (page->count > 0 && added == 0)
			end_at(f, p);
	}
	return 0;
}

/* How many pages to ask for together with page 1: as many as the last
 * listing had (up to PARALLEL), so their connections' handshakes overlap
 * with page 1's instead of following it. */
static long first_wave(const struct listing_query *q, unsigned parallel)
{
	size_t expected = q->max && q->expected > q->max ? q->max : q->expected;
	long wave = (long)((expected + LISTING_PER_PAGE - 1) / LISTING_PER_PAGE);

	return wave < 1 ? 1 : (wave > (long)parallel ? (long)parallel : wave);
}

/* Room for the table: what the last listing held, or what has arrived, never
 * what the API claims. */
static size_t table_hint(const struct page_fetch *f)
{
	size_t hint = f->q->expected, arrived = 0;

	for (long p = f->base; p <= window_last(f); p++)
		arrived += f->results[p - f->base].count;
	if (hint < arrived)
		hint = arrived;
	return hint < (size_t)f->total ? hint : (size_t)f->total;
}

/* One read of every page.  Returns 0, -ESTALE (the pages disagreed: OUT holds
 * what was seen, WHY says how), or another negative errno (OUT empty). */
static int read_once(struct api *api, const struct listing_query *q, unsigned parallel, int64_t deadline,
		     struct numtab *out, char *why, size_t whylen)
{
	struct page_fetch f = { .api = api, .q = q, .deadline = deadline, .per_page = LISTING_PER_PAGE };
	long window, from;
	int ret;

	*out = (struct numtab){ 0 };
	atomic_init(&f.end, LONG_MAX);
	parallel = parallel == 0 ? 1 : (parallel > MAX_THREADS ? MAX_THREADS : parallel);
	window = (long)parallel * LISTING_WINDOW;
	f.results = calloc((size_t)window, sizeof(*f.results));
	f.errs = calloc((size_t)window, sizeof(*f.errs));
	if (!f.results || !f.errs) {
		ret = -ENOMEM;
		goto out;
	}
	from = first_wave(q, parallel);
	fetch_window(&f, 1, from, parallel);
	ret = judge_first_page(&f);
	if (ret == 0)
		ret = judge_window(&f);
	if (ret == 0)
		ret = numtab_init(out, table_hint(&f));
	if (ret == 0)
		ret = collect_window(&f, out);
	while (ret == 0 && ++from <= f.pages && from <= atomic_load(&f.end)) {
		free_window(&f);
		if (clock_left_ms(deadline) <= 0) {
			ret = -ETIMEDOUT;
			break;
		}
		fetch_window(&f, from, from + window - 1 < f.pages ? from + window - 1 : f.pages, parallel);
		ret = judge_window(&f);
		if (ret == 0)
			ret = collect_window(&f, out);
		from = f.last;
	}
	if (ret == 0 && f.changed) {
		snprintf(why, whylen, "%s", f.why);
		ret = -ESTALE;
	}
out:
	free_window(&f);
	free(f.results);
	free(f.errs);
	if (ret && ret != -ESTALE)
		numtab_destroy(out);
	return ret;
}

int listing_fetch(struct api *api, const struct listing_query *q, unsigned parallel, int64_t deadline,
		  listing_settle_fn *settle, void *arg, struct numtab *out)
{
	char why[160] = "";
	int ret = -ESTALE;

	for (int attempt = 1; attempt <= LISTING_ATTEMPTS && ret == -ESTALE; attempt++) {
		ret = read_once(api, q, parallel, deadline, out, why, sizeof(why));
		if (ret == -ESTALE && settle)
			ret = settle(out, arg);
		if (ret)
			numtab_destroy(out);
		if (ret == -ESTALE && attempt < LISTING_ATTEMPTS)
			log_info("the listing changed while it was read (%s); reading it again", why);
	}
	if (ret == -ESTALE) {
		log_warn("the listing kept changing while it was read (%d attempts; last: %s)", LISTING_ATTEMPTS, why);
		ret = -EIO;
	}
	return ret;
}
