/* Deterministic generation of numbers: the account's, its sub-account's, the
 * inventory's, and defaults for numbers added through the control API.
 * Same seed and epoch, same records. Thread-safe (no shared state). */
#ifndef SANDBOX_GEN_H
#define SANDBOX_GEN_H

#include <stddef.h>
#include <stdint.h>

#include "number.h"

struct gen_config {
	uint64_t seed;
	int64_t epoch_us; /* "now" for generated dates */
	const char *main_account;
	const char *sub_account;
};

/* The i-th number of the main account (i from 0): prefix by i % 4, see
 * README.md. Caller owns the result. NULL when out of memory. */
struct number *gen_owned(const struct gen_config *cfg, size_t i);

/* The j-th number of the sub-account (+9122...). Caller owns it; NULL on ENOMEM. */
struct number *gen_sub(const struct gen_config *cfg, size_t j);

/* The k-th inventory number of `country` ("IN", "US" or "GB"): unowned and
 * never among the generated owned numbers. Caller owns it. NULL on ENOMEM or
 * an unknown country. */
struct number *gen_inventory(const struct gen_config *cfg, const char *country, size_t k);

/* The serial-th number added by a "grow" fault: +1201 then 7 digits counting
 * down, so each one sorts before every generated number and before the
 * previously grown ones. Owned by the main account. NULL on ENOMEM. */
struct number *gen_grown(const struct gen_config *cfg, uint32_t serial);

/* Fills what a record added through the control API lacks, from its digits:
 * id, owner (main account), country, region, currency, fees, capabilities,
 * dates = now. `n->digits` must be set. */
void gen_fill_defaults(const struct gen_config *cfg, struct number *n, int64_t now_us);

#endif
