/* listing.c — the full listing, fetched in parallel and checked for
 * consistency.  Offset pagination shifts when numbers come or go mid-read;
 * a changed "total" or a short page is how we notice, and we start over. */
#include "listing.h"

#include "api.h"
#include "log.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* One read of the listing, shared by the worker threads. */
struct page_fetch {
	struct api *api;
	const struct listing_query *q;
	int64_t deadline;
	long per_page, total, pages; /* known once page 1 has answered */
	struct list_page *results;   /* index = page number */
	int *wave_err;               /* results of the first wave, judged later */
	bool judged;                 /* totals known: check each page as it arrives */
	long last;                   /* the workers fetch pages up to this one */
	atomic_long next_page;
	atomic_int err;      /* first failure */
	atomic_bool changed; /* a page disagreed with the first: the account changed */
};

static long expected_items(const struct page_fetch *f, long page)
{
	long left = f->total - (page - 1) * f->per_page;

	return left < f->per_page ? left : f->per_page;
}

static bool page_agrees(const struct page_fetch *f, long page)
{
	const struct list_page *r = &f->results[page];

	return r->total == f->total && (long)(r->count + r->skipped) == expected_items(f, page);
}

static void *fetch_pages(void *arg)
{
	struct page_fetch *f = arg;
	long page;

	while (!atomic_load(&f->err) && (page = atomic_fetch_add(&f->next_page, 1)) <= f->last) {
		int ret = api_list_page(f->api, f->q, page, f->per_page, f->deadline, &f->results[page]);

		if (!f->judged) {
			f->wave_err[page] = ret; /* maybe past the end: page 1 will tell */
			continue;
		}
		if (ret == 0 && !page_agrees(f, page))
			atomic_store(&f->changed, true); /* keep reading: the caller may use what it gets */
		if (ret) {
			int none = 0;

			atomic_compare_exchange_strong(&f->err, &none, ret);
		}
	}
	return NULL;
}

/* Fetch pages FROM..TO on up to PARALLEL threads, this one included. */
static int fetch_range(struct page_fetch *f, long from, long to, unsigned parallel)
{
	pthread_t threads[64];
	unsigned n = 0, wanted = parallel;

	atomic_store(&f->next_page, from);
	f->last = to;
	if ((long)wanted > to - from + 1)
		wanted = (unsigned)(to - from + 1);
	while (n + 1 < wanted && n < 64 && pthread_create(&threads[n], NULL, fetch_pages, f) == 0)
		n++;
	fetch_pages(f);
	while (n > 0)
		pthread_join(threads[--n], NULL);
	return atomic_load(&f->err);
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

/* Page 1 has answered: learn the size of the listing, and judge the pages
 * fetched with it.  Returns 0 or the first error among the pages that exist. */
static int judge_first_wave(struct page_fetch *f, long wave)
{
	const struct list_page *first = &f->results[1];

	if (f->wave_err[1])
		return f->wave_err[1];
	f->total = first->total;
	/* Honour a server that pages smaller than asked: its pages are what it
	 * says they are, the first wave's included. */
	if (first->per_page > 0 && first->per_page < LISTING_PER_PAGE)
		f->per_page = first->per_page;
	f->pages = f->total == 0 ? 1 : (f->total + f->per_page - 1) / f->per_page;
	if (f->q->max && f->pages > (long)((f->q->max + (size_t)f->per_page - 1) / (size_t)f->per_page))
		f->pages = (long)((f->q->max + (size_t)f->per_page - 1) / (size_t)f->per_page);
	f->judged = true;
	for (long p = 1; p <= wave && p <= f->pages; p++) {
		if (f->wave_err[p])
			return f->wave_err[p];
		if (!page_agrees(f, p))
			atomic_store(&f->changed, true);
	}
	for (long p = f->pages + 1; p <= wave; p++)
		list_page_free(&f->results[p]); /* asked for past the end */
	return 0;
}

static int collect(struct page_fetch *f, struct numtab *out)
{
	int ret = numtab_init(out, (size_t)f->total);

	for (long p = 1; ret == 0 && p <= f->pages; p++) {
		struct list_page *page = &f->results[p];

		for (size_t i = 0; ret == 0 && i < page->count; i++) {
			/* A copy made here, in one thread and in order, packs the
			 * table densely; the originals sit among the pages' freed
			 * JSON in the fetch threads' malloc arenas and would pin
			 * that memory for as long as the table lives. */
			struct number *copy = number_dup(page->items[i]);
			int added;

			if (!copy) {
				ret = -ENOMEM;
				break;
			}
			added = numtab_add(out, copy);
			if (added)
				free(copy);
			if (added != 0 && added != -EEXIST)
				ret = added;
		}
	}
	if (ret)
		numtab_destroy(out);
	return ret;
}

/* One read of every page.  Returns 0, -ESTALE (the pages disagreed: OUT holds
 * what was seen), or another negative errno (OUT empty). */
static int read_once(struct api *api, const struct listing_query *q, unsigned parallel, int64_t deadline,
		     struct numtab *out)
{
	struct page_fetch f = { .api = api, .q = q, .deadline = deadline, .per_page = LISTING_PER_PAGE };
	long wave, allocated;
	int ret;

	*out = (struct numtab){ 0 };
	if (parallel == 0)
		parallel = 1;
	wave = first_wave(q, parallel);
	allocated = wave;
	f.results = calloc((size_t)wave + 1, sizeof(*f.results));
	f.wave_err = calloc((size_t)wave + 1, sizeof(*f.wave_err));
	if (!f.results || !f.wave_err) {
		ret = -ENOMEM;
		goto out;
	}
	fetch_range(&f, 1, wave, parallel);
	ret = judge_first_wave(&f, wave);
	if (ret == 0 && f.pages > wave) {
		struct list_page *grown = realloc(f.results, ((size_t)f.pages + 1) * sizeof(*grown));

		if (!grown) {
			ret = -ENOMEM;
			goto out;
		}
		f.results = grown;
		memset(&f.results[wave + 1], 0, (size_t)(f.pages - wave) * sizeof(*grown));
		allocated = f.pages;
		ret = fetch_range(&f, wave + 1, f.pages, parallel);
	}
	if (ret == 0)
		ret = collect(&f, out);
	if (ret == 0 && atomic_load(&f.changed))
		ret = -ESTALE;
out:
	for (long p = 1; f.results && p <= allocated; p++)
		list_page_free(&f.results[p]);
	free(f.results);
	free(f.wave_err);
	return ret;
}

int listing_fetch(struct api *api, const struct listing_query *q, unsigned parallel, int64_t deadline,
		  listing_settle_fn *settle, void *arg, struct numtab *out)
{
	int ret = -ESTALE;

	for (int attempt = 0; attempt < LISTING_ATTEMPTS && ret == -ESTALE; attempt++) {
		ret = read_once(api, q, parallel, deadline, out);
		if (ret == -ESTALE && settle)
			ret = settle(out, arg);
		if (ret) {
			numtab_destroy(out);
			if (ret == -ESTALE)
				log_info("the listing changed while it was read; reading it again");
		}
	}
	if (ret == -ESTALE) {
		log_warn("the listing kept changing while it was read (%d attempts)", LISTING_ATTEMPTS);
		ret = -EIO;
	}
	return ret;
}
