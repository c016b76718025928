/* Deterministic number generation. Each prefix class maps an index through a
 * bijection of its subscriber-number space, so numbers are distinct by
 * construction; other fields are hashed from (seed, class, index). */
#include "gen.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define DAY_US (86400LL * 1000000)

struct prefix_class {
	const char *prefix; /* digits after '+' */
	int subscriber_digits;
	const char *country, *region, *currency;
	double setup_fee, monthly_fee;
	bool sms, mms;
};

enum { CLASS_KARNATAKA, CLASS_MAHARASHTRA, CLASS_CALIFORNIA, CLASS_LONDON, CLASS_SUB_MUMBAI, CLASS_GROWN, CLASS_COUNT };

static const struct prefix_class classes[CLASS_COUNT] = {
	[CLASS_KARNATAKA] = { "9180", 8, "IN", "Karnataka", "INR", 500, 500, false, false },
	[CLASS_MAHARASHTRA] = { "9198", 8, "IN", "Maharashtra", "INR", 700, 700, true, false },
	[CLASS_CALIFORNIA] = { "1415", 7, "US", "California", "USD", 1, 1.15, true, true },
	[CLASS_LONDON] = { "4420", 8, "GB", "London", "GBP", 1, 1.5, true, false },
	[CLASS_SUB_MUMBAI] = { "9122", 8, "IN", "Maharashtra", "INR", 500, 700, true, false },
	[CLASS_GROWN] = { "1201", 7, "US", "New Jersey", "USD", 1, 1.15, true, true },
};

/* splitmix64: a small, well-mixed, reproducible hash. */
static uint64_t mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static uint64_t hash3(uint64_t seed, uint64_t a, uint64_t b)
{
	return mix(mix(mix(seed) ^ a) ^ b);
}

static uint64_t pow10u(int n)
{
	uint64_t v = 1;

	while (n-- > 0)
		v *= 10;
	return v;
}

/* Maps j to a subscriber number with j -> (a*j + b) mod 10^d, where a is odd
 * and not a multiple of 5, hence a bijection: distinct j, distinct numbers. */
static uint64_t subscriber(uint64_t seed, int cls, uint64_t j)
{
	uint64_t space = pow10u(classes[cls].subscriber_digits);
	uint64_t a = hash3(seed, (uint64_t)cls, 0xa) % space;
	uint64_t b = hash3(seed, (uint64_t)cls, 0xb) % space;

	if (a % 2 == 0)
		a += 1;
	if (a % 5 == 0)
		a += 2;
	if (a >= space)
		a -= space; /* keeps both properties: space is a multiple of 10 */
	return (a * (j % space) + b) % space;
}

static void format_uuid(uint64_t h, char out[NUMBER_TEXT_LEN])
{
	uint64_t lo = mix(h);

	snprintf(out, NUMBER_TEXT_LEN, "%08" PRIx64 "-%04" PRIx64 "-4%03" PRIx64 "-%04" PRIx64 "-%012" PRIx64, h >> 32,
		 (h >> 16) & 0xffff, h & 0xfff, 0x8000 | ((lo >> 48) & 0x3fff), lo & UINT64_C(0xffffffffffff));
}

/* The shared trunk groups and applications generated numbers point at. */
static void trunk_id(const struct gen_config *cfg, uint64_t which, char out[NUMBER_TEXT_LEN])
{
	format_uuid(hash3(cfg->seed, 0x7c, which % 3), out);
}

/* Application ids are digit strings, as the vendor's are ("20577609616603585"). */
static void application_id(const struct gen_config *cfg, uint64_t which, char out[NUMBER_TEXT_LEN])
{
	snprintf(out, NUMBER_TEXT_LEN, "2%016" PRIu64,
		 (uint64_t)(hash3(cfg->seed, 0xa9, which % 2) % 10000000000000000ULL));
}

static void apply_class(struct number *n, int cls)
{
	const struct prefix_class *c = &classes[cls];

	NUMBER_SET(n->country, c->country);
	NUMBER_SET(n->region, c->region);
	NUMBER_SET(n->currency, c->currency);
	n->setup_fee = c->setup_fee;
	n->monthly_fee = c->monthly_fee;
	n->voice = true;
	n->sms = c->sms;
	n->mms = c->mms;
	n->fax = false;
}

/* A held number: purchased up to three years before the epoch, updated some
 * time between purchase and the epoch; about half routed to a trunk, an
 * eighth of the rest to an application, never both. */
static struct number *make_held(const struct gen_config *cfg, int cls, uint64_t j, const char *owner)
{
	struct number *n = number_new();
	uint64_t h = hash3(cfg->seed, 0x100 + (uint64_t)cls, j);
	int64_t purchased, updated;

	if (!n)
		return NULL;
	snprintf(n->digits, sizeof(n->digits), "%s%0*" PRIu64, classes[cls].prefix, classes[cls].subscriber_digits,
		 subscriber(cfg->seed, cls, j));
	apply_class(n, cls);
	format_uuid(h, n->id);
	NUMBER_SET(n->account_id, owner);

	purchased = cfg->epoch_us - (int64_t)(mix(h ^ 1) % (uint64_t)(3 * 365 * DAY_US));
	updated = purchased + (int64_t)(mix(h ^ 2) % (uint64_t)(cfg->epoch_us - purchased + 1));
	timestamp_format(purchased, n->purchased_at);
	timestamp_format(purchased, n->created_at);
	timestamp_format(updated, n->updated_at);

	if ((h >> 8) % 2 == 0)
		trunk_id(cfg, h >> 20, n->trunk_group_id);
	else if ((h >> 12) % 8 == 0)
		application_id(cfg, h >> 24, n->application_id);
	return n;
}

struct number *gen_owned(const struct gen_config *cfg, size_t i)
{
	return make_held(cfg, (int)(i % 4), i / 4, cfg->main_account);
}

struct number *gen_sub(const struct gen_config *cfg, size_t j)
{
	return make_held(cfg, CLASS_SUB_MUMBAI, j, cfg->sub_account);
}

struct number *gen_inventory(const struct gen_config *cfg, const char *country, size_t k)
{
	int cls;
	struct number *n;

	if (strcmp(country, "IN") == 0)
		cls = k % 2 ? CLASS_MAHARASHTRA : CLASS_KARNATAKA;
	else if (strcmp(country, "US") == 0)
		cls = CLASS_CALIFORNIA;
	else if (strcmp(country, "GB") == 0)
		cls = CLASS_LONDON;
	else
		return NULL;
	if (!(n = number_new()))
		return NULL;

	/* Owned numbers take indexes from the bottom of the class's space,
	 * inventory from the top, so the two never meet. */
	uint64_t j = pow10u(classes[cls].subscriber_digits) - 1 - k;
	uint64_t h = hash3(cfg->seed, 0x200 + (uint64_t)cls, j);
	snprintf(n->digits, sizeof(n->digits), "%s%0*" PRIu64, classes[cls].prefix, classes[cls].subscriber_digits,
		 subscriber(cfg->seed, cls, j));
	apply_class(n, cls);
	format_uuid(h, n->id);
	int64_t created = cfg->epoch_us - (int64_t)(mix(h ^ 1) % (uint64_t)(365 * DAY_US));
	timestamp_format(created, n->created_at);
	timestamp_format(created, n->updated_at);
	return n;
}

struct number *gen_grown(const struct gen_config *cfg, uint32_t serial)
{
	struct number *n = number_new();
	uint64_t space = pow10u(classes[CLASS_GROWN].subscriber_digits);
	char now[TIMESTAMP_LEN];

	if (!n)
		return NULL;
	snprintf(n->digits, sizeof(n->digits), "%s%07" PRIu64, classes[CLASS_GROWN].prefix, space - 1 - serial % space);
	apply_class(n, CLASS_GROWN);
	format_uuid(hash3(cfg->seed, 0x300, serial), n->id);
	NUMBER_SET(n->account_id, cfg->main_account);
	timestamp_format(timestamp_now_us(), now);
	NUMBER_SET(n->purchased_at, now);
	NUMBER_SET(n->created_at, now);
	NUMBER_SET(n->updated_at, now);
	return n;
}

/* The class whose prefix starts `digits`, else one by country code, else -1. */
static int class_of(const char *digits)
{
	for (int c = 0; c < CLASS_COUNT; c++)
		if (strncmp(digits, classes[c].prefix, strlen(classes[c].prefix)) == 0)
			return c;
	if (strncmp(digits, "91", 2) == 0)
		return CLASS_MAHARASHTRA;
	if (strncmp(digits, "44", 2) == 0)
		return CLASS_LONDON;
	if (digits[0] == '1')
		return CLASS_CALIFORNIA;
	return -1;
}

void gen_fill_defaults(const struct gen_config *cfg, struct number *n, int64_t now_us)
{
	int cls = class_of(n->digits);
	uint64_t h = cfg->seed;
	char now[TIMESTAMP_LEN];

	if (cls >= 0) {
		apply_class(n, cls);
	} else {
		/* No known prefix: an unknown country ("ZZ", ISO 3166's
		 * user-assigned code) billed in USD. */
		NUMBER_SET(n->country, "ZZ");
		NUMBER_SET(n->currency, "USD");
		n->monthly_fee = 1;
	}
	for (const char *p = n->digits; *p; p++)
		h = mix(h ^ (uint64_t)*p);
	format_uuid(h, n->id);
	NUMBER_SET(n->account_id, cfg->main_account);
	timestamp_format(now_us, now);
	NUMBER_SET(n->purchased_at, now);
	NUMBER_SET(n->created_at, now);
	NUMBER_SET(n->updated_at, now);
}
