/* parse.c — microbenchmark of reading one listing page (issue 14): the old
 * path (cJSON_Parse, the fields looked up one by one, cJSON_Print into a
 * malloc'd number, the listing's copy) against apijson_parse_list_page()
 * (nodes in a scratch arena, numbers rendered straight into the page's
 * arena) and the listing's number_dup().  Prints CPU and wall time per
 * number.  Not part of meson test:  build/tests/bench/parse [PAGES]  */
#include "apijson.h"
#include "number.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#define ITEMS 100

/* A page of 100 numbers shaped as the sandbox writes them with
 * fields=rich, fees=floats (tests/sandbox/number.c): ~750 bytes each. */
static char *make_page(size_t *len)
{
	size_t cap = ITEMS * 1024 + 256, off = 0;
	char *page = malloc(cap);
	unsigned seed = 1;

	if (!page)
		return NULL;
	off += (size_t)snprintf(page + off, cap - off, "{\"items\":[");
	for (int i = 0; i < ITEMS; i++) {
		unsigned r = seed = seed * 1103515245u + 12345u;
		int mo = 1 + (int)(r % 12), d = 1 + (int)(r / 12 % 28), us = (int)(r % 1000000);
		char when[40], trunk[80] = "";

		snprintf(when, sizeof(when), "2025-%02d-%02dT%02d:%02d:%02d.%06dZ", mo, d, i % 24, i % 60, (i * 7) % 60,
			 us);
		if (i % 3 == 0)
			snprintf(trunk, sizeof(trunk), "\"trunk_group_id\":\"%08x-88e9-42ac-a650-b4b089065c26\",", r);
		off += (size_t)snprintf(
		    page + off, cap - off,
		    "%s{\"id\":\"%08x-33de-4e6f-9aa7-0022b93fc604\",\"account_id\":\"MA_SANDBOX1\","
		    "\"e164\":\"+1415%07d\",\"country\":\"US\",\"region\":\"California\","
		    "\"capabilities\":{\"voice\":true,\"sms\":true,\"mms\":%s,\"fax\":false},"
		    "\"status\":\"%s\",\"setup_fee\":1.0,\"monthly_fee\":1.15,\"currency\":\"USD\",%s"
		    "\"provider\":\"vobiz\",\"voice_enabled\":true,\"tags\":[\"sandbox\"],\"is_blocked\":false,"
		    "\"is_trial_number\":false,\"source\":\"purchased\",\"minimum_commitment_months\":0,"
		    "\"last_billing_date\":\"%s\",\"next_billing_date\":\"%s\",\"aadhaar_verified\":false,"
		    "\"aadhaar_verification_status\":\"not_required\",\"purchased_at\":\"%s\","
		    "\"created_at\":\"%s\",\"updated_at\":\"2026-04-02T10:26:58.351027Z\"}",
		    i ? "," : "", r, (int)(r % 10000000), i % 2 ? "true" : "false",
		    i % 10 == 9 ? "pending_release" : "active", trunk, when, when, when, when);
	}
	off += (size_t)snprintf(page + off, cap - off, "],\"page\":1,\"per_page\":%d,\"total\":%d}", ITEMS, ITEMS * 7);
	*len = off;
	return page;
}

/* The number as number_from_item() made it before issue 14. */
static struct number *old_number(const cJSON *item)
{
	const char *names[] = { "e164",           "status",       "country",   "trunk_group_id",
				"application_id", "purchased_at", "updated_at" };
	const cJSON *f[7];
	struct number *n;
	char *json;
	size_t len;

	for (int i = 0; i < 7; i++)
		f[i] = cJSON_GetObjectItemCaseSensitive(item, names[i]);
	if (!cJSON_IsString(f[0]))
		return NULL;
	json = cJSON_Print(item);
	if (!json)
		return NULL;
	len = strlen(json);
	n = malloc(sizeof(*n) + len + 2 + 2);
	if (n) {
		memset(n, 0, sizeof(*n));
		memcpy(n->json, json, len);
		n->json[len] = '\n';
		n->json[len + 1] = '\0';
		n->json_len = (uint32_t)len + 1;
		n->json[len + 2] = n->json[len + 3] = '\0';
	}
	cJSON_free(json);
	return n;
}

static size_t old_path(const char *body, size_t len, struct number **kept)
{
	cJSON *root = cJSON_ParseWithLength(body, len);
	const cJSON *item;
	size_t count = 0;

	/* The old parse scanned for NULs too. */
	if (number_json_nul(body, len, 0) != len)
		abort();
	cJSON_ArrayForEach (item, cJSON_GetObjectItemCaseSensitive(root, "items")) {
		struct number *n = old_number(item);

		if (!n)
			abort();
		kept[count++] = number_dup(n);
		free(n);
	}
	cJSON_Delete(root);
	return count;
}

static size_t new_path(const char *body, size_t len, struct number **kept)
{
	struct list_page page;
	size_t count;

	if (apijson_parse_list_page(body, len, &page) || page.count != ITEMS)
		abort();
	for (size_t i = 0; i < page.count; i++)
		kept[i] = number_dup(page.items[i]);
	count = page.count;
	list_page_free(&page);
	return count;
}

static double cpu_seconds(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_stime.tv_sec +
	       ((double)ru.ru_utime.tv_usec + (double)ru.ru_stime.tv_usec) / 1e6;
}

static double wall_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void run(const char *name, size_t (*path)(const char *, size_t, struct number **), const char *body, size_t len,
		long pages)
{
	struct number *kept[ITEMS];
	double cpu, wall;
	size_t numbers = 0;

	/* A warm-up page, then the timed ones. */
	for (size_t i = 0, n = path(body, len, kept); i < n; i++)
		number_unref(kept[i]);
	cpu = cpu_seconds();
	wall = wall_seconds();
	for (long p = 0; p < pages; p++) {
		size_t n = path(body, len, kept);

		for (size_t i = 0; i < n; i++)
			number_unref(kept[i]);
		numbers += n;
	}
	cpu = cpu_seconds() - cpu;
	wall = wall_seconds() - wall;
	printf("%-4s %8zu numbers  cpu %6.3f us/number  wall %6.3f us/number\n", name, numbers, cpu * 1e6 / numbers,
	       wall * 1e6 / numbers);
	printf("bench parse_%s_cpu_us=%.3f\nbench parse_%s_wall_us=%.3f\n", name, cpu * 1e6 / numbers, name,
	       wall * 1e6 / numbers);
}

int main(int argc, char **argv)
{
	long pages = argc > 1 ? atol(argv[1]) : 2000;
	size_t len;
	char *body = make_page(&len);

	if (!body || pages < 1) {
		fprintf(stderr, "usage: %s [PAGES]\n", argv[0]);
		return 2;
	}
	printf("page: %d numbers, %zu bytes of JSON; %ld pages each\n", ITEMS, len, pages);
	/* The old path first: once apijson_parse_list_page() has installed the
	 * arena hooks, cJSON_Print() no longer uses realloc. */
	run("old", old_path, body, len, pages);
	run("new", new_path, body, len, pages);
	free(body);
	return 0;
}
