/* fuzz_listing.c — libFuzzer target: a whole listing from a lying server.
 * The input is the server's pages, separated by "\n---\n"; page P is answered
 * with the P-th (the last one for every page past them).  Checks that a
 * "total" or "per_page" sizes nothing (the fuzzer's malloc limit catches
 * that), that a read ends within a bounded number of requests whatever the
 * pages claim, and that a listing is whole or empty, never a duplicate. */
#include "api.h"
#include "listing.h"
#include "log.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define SEPARATOR "\n---\n"
#define MAX_CHUNKS 64

static const char *chunks[MAX_CHUNKS];
static size_t chunk_len[MAX_CHUNKS], nchunks;
static atomic_long calls;
static long call_limit;
static atomic_bool limit_hit;

/* The server: page P answers with chunk min(P, nchunks).  Past CALL_LIMIT
 * requests it plays the clock and answers as a spent deadline would. */
int api_list_page(struct api *api, const struct listing_query *q, long page, long per_page, int64_t deadline,
		  struct list_page *out, struct api_outcome *how)
{
	size_t i = page < (long)nchunks ? (size_t)page - 1 : nchunks - 1;

	(void)api;
	(void)q;
	(void)per_page;
	(void)deadline;
	*out = (struct list_page){ 0 };
	if (how)
		*how = (struct api_outcome){ .retry_after_ms = -1 };
	if (page < 1 || per_page < 1 || per_page > LISTING_PER_PAGE)
		abort(); /* never a request the API would refuse */
	if (atomic_fetch_add(&calls, 1) >= call_limit) {
		atomic_store(&limit_hit, true);
		return -ETIMEDOUT;
	}
	return apijson_parse_list_page(chunks[i], chunk_len[i], out);
}

/* The "total" chunk I claims, or -1 when it does not parse. */
static long chunk_total(size_t i)
{
	struct list_page page;
	long total = -1;

	if (apijson_parse_list_page(chunks[i], chunk_len[i], &page) == 0)
		total = page.total;
	list_page_free(&page);
	return total;
}

/* The items skipped on the pages a listing of chunk 1's size reads. */
static long skipped_on_pages(void)
{
	struct list_page first;
	long per_page = LISTING_PER_PAGE, pages, skipped = 0;

	if (apijson_parse_list_page(chunks[0], chunk_len[0], &first) != 0)
		return -1;
	if (first.per_page > 0 && first.per_page < LISTING_PER_PAGE)
		per_page = first.per_page;
	pages = first.total == 0 ? 1 : (first.total + per_page - 1) / per_page;
	list_page_free(&first);
	for (long p = 1; p <= pages; p++) {
		size_t i = p < (long)nchunks ? (size_t)p - 1 : nchunks - 1;
		struct list_page page;

		if (apijson_parse_list_page(chunks[i], chunk_len[i], &page) == 0)
			skipped += (long)page.skipped;
		list_page_free(&page);
	}
	return skipped;
}

static int accept_seen(struct numtab *seen, void *arg)
{
	(void)seen;
	(void)arg;
	return 0;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_quiet(true);
	return 0;
}

/* Read the listing once, with or without a caller that SETTLEs every
 * change, and check what came back. */
static void read_listing(bool settle, bool endless, size_t delivered)
{
	struct listing_query q = { 0 };
	struct listing_report report;
	struct listing_params p = {
		.parallel = 1,
		.parallel_max = 1,
		.page_ms = INT64_MAX / 4,
		.deadline = INT64_MAX / 2,
		.settle = settle ? accept_seen : NULL,
		.report = &report,
	};
	struct numtab table;
	int ret;

	call_limit = LISTING_ATTEMPTS * ((long)nchunks + 1 + LISTING_LOOKAHEAD);
	atomic_store(&calls, 0);
	atomic_store(&limit_hit, false);
	ret = listing_fetch(NULL, &q, &p, &table);
	if (atomic_load(&limit_hit) && !endless)
		abort(); /* the read went on past what the server sent */
	if (ret != 0) {
		if (table.live || table.count || table.order)
			abort(); /* on failure OUT is empty */
		return;
	}
	if (table.live > delivered || table.live > (size_t)LISTING_MAX_TOTAL)
		abort();
	/* Pages decide, "total" advises: a listing that disagrees with its
	 * total is accepted, but must say so.  Unsettled, and not flagged: page
	 * 1's total is exactly what was kept and what was skipped, so no number
	 * was merged away or lost. */
	if (!settle && !report.short_of_total && (long)table.live + skipped_on_pages() != chunk_total(0))
		abort();
	for (size_t i = 0; i < table.count; i++)
		if (!table.order[i] || numtab_get(&table, table.order[i]->digits) != table.order[i])
			abort();
	numtab_destroy(&table);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;
	struct list_page last;
	size_t delivered = 0;
	bool endless;

	nchunks = 0;
	while (nchunks < MAX_CHUNKS) {
		const char *sep = memmem(p, (size_t)(end - p), SEPARATOR, strlen(SEPARATOR));

		chunks[nchunks] = p;
		chunk_len[nchunks++] = sep ? (size_t)(sep - p) : (size_t)(end - p);
		if (!sep)
			break;
		p = sep + strlen(SEPARATOR);
	}
	for (size_t i = 0; i < nchunks; i++) {
		struct list_page page;

		if (apijson_parse_list_page(chunks[i], chunk_len[i], &page) == 0)
			delivered += page.count;
		list_page_free(&page);
	}
	/* A last page of only invalid items brings nothing and ends nothing:
	 * only the deadline ends such a server.  Any other must end each read
	 * within the pages it has plus a window. */
	endless = apijson_parse_list_page(chunks[nchunks - 1], chunk_len[nchunks - 1], &last) == 0 && last.count == 0 &&
		  last.skipped > 0;
	list_page_free(&last);
	read_listing(false, endless, delivered);
	read_listing(true, endless, delivered);
	return 0;
}
