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

/* The pages after the first, shared by the worker threads. */
struct page_fetch {
	struct api *api;
	const struct listing_query *q;
	int64_t deadline;
	long per_page, total, pages;
	struct list_page *results; /* index = page number */
	atomic_long next_page;
	atomic_int err;      /* first failure */
	atomic_bool changed; /* a page disagreed with the first: the account changed */
};

static long expected_items(const struct page_fetch *f, long page)
{
	long left = f->total - (page - 1) * f->per_page;

	return left < f->per_page ? left : f->per_page;
}

static void *fetch_pages(void *arg)
{
	struct page_fetch *f = arg;
	long page;

	while (!atomic_load(&f->err) && (page = atomic_fetch_add(&f->next_page, 1)) <= f->pages) {
		struct list_page *r = &f->results[page];
		int ret = api_list_page(f->api, f->q, page, f->per_page, f->deadline, r);

		if (ret == 0 && (r->total != f->total || (long)(r->count + r->skipped) != expected_items(f, page)))
			atomic_store(&f->changed, true); /* keep reading: the caller may use what it gets */
		if (ret) {
			int none = 0;

			atomic_compare_exchange_strong(&f->err, &none, ret);
		}
	}
	return NULL;
}

/* Run fetch_pages on up to PARALLEL threads, this one included. */
static int fetch_rest(struct page_fetch *f, unsigned parallel)
{
	pthread_t threads[64];
	unsigned n = 0, wanted = parallel;

	if ((long)wanted > f->pages - 1)
		wanted = (unsigned)(f->pages - 1);
	while (n + 1 < wanted && n < 64 && pthread_create(&threads[n], NULL, fetch_pages, f) == 0)
		n++;
	fetch_pages(f);
	while (n > 0)
		pthread_join(threads[--n], NULL);
	return atomic_load(&f->err);
}

static int collect(struct page_fetch *f, struct list_page *first, struct numtab *out)
{
	int ret = numtab_init(out, (size_t)f->total);

	for (long p = 1; ret == 0 && p <= f->pages; p++) {
		struct list_page *page = p == 1 ? first : &f->results[p];

		for (size_t i = 0; ret == 0 && i < page->count; i++) {
			/* A copy made here, in one thread and in order, packs the
			 * table densely; the originals sit among the pages' freed
			 * JSON in the fetch threads' malloc arenas and would pin
			 * that memory for as long as the table lives. */
			struct number *copy = malloc(number_size(page->items[i]));
			int added;

			if (!copy) {
				ret = -ENOMEM;
				break;
			}
			memcpy(copy, page->items[i], number_size(page->items[i]));
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
	struct page_fetch f = { .api = api, .q = q, .deadline = deadline, .next_page = 2 };
	struct list_page first;
	int ret;

	*out = (struct numtab){ 0 };
	if (parallel == 0)
		parallel = 1;
	ret = api_list_page(api, q, 1, LISTING_PER_PAGE, deadline, &first);
	if (ret)
		return ret;
	f.total = first.total;
	/* Honour a server that pages smaller than asked. */
	f.per_page = first.per_page > 0 && first.per_page <= LISTING_PER_PAGE ? first.per_page : LISTING_PER_PAGE;
	f.pages = f.total == 0 ? 1 : (f.total + f.per_page - 1) / f.per_page;
	if (q->max && f.pages > (long)((q->max + (size_t)f.per_page - 1) / (size_t)f.per_page))
		f.pages = (long)((q->max + (size_t)f.per_page - 1) / (size_t)f.per_page);
	if ((long)(first.count + first.skipped) != expected_items(&f, 1))
		atomic_store(&f.changed, true);
	f.results = calloc((size_t)f.pages + 1, sizeof(*f.results));
	if (!f.results) {
		ret = -ENOMEM;
		goto out;
	}
	if (f.pages > 1)
		ret = fetch_rest(&f, parallel);
	if (ret == 0)
		ret = collect(&f, &first, out);
	if (ret == 0 && atomic_load(&f.changed))
		ret = -ESTALE;
	for (long p = 2; p <= f.pages; p++)
		list_page_free(&f.results[p]);
	free(f.results);
out:
	list_page_free(&first);
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
