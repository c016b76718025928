/* One phone-number record as the sandbox keeps it: the fields its rules act on,
 * plus any other fields verbatim, and the conversions to and from JSON.
 * Not thread-safe by itself: the store serialises access to its records. */
#ifndef SANDBOX_NUMBER_H
#define SANDBOX_NUMBER_H

#include <stdbool.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "shapes.h"
#include "timestamp.h"

#define NUMBER_DIGITS_MAX 15 /* E.164 allows at most 15 digits */
#define NUMBER_DIGITS_MIN 8
#define NUMBER_TEXT_LEN 48 /* room for ids, account ids, region names */

/* String fields hold "" for JSON null where the API allows null. */
struct number {
	char digits[NUMBER_DIGITS_MAX + 1]; /* E.164 without '+': the sort key */
	char id[NUMBER_TEXT_LEN];
	char account_id[NUMBER_TEXT_LEN]; /* owner; "" = in inventory */
	char country[8];
	char region[NUMBER_TEXT_LEN];
	char status[24]; /* active, pending_release, released, ... */
	bool voice, sms, mms, fax;
	double setup_fee, monthly_fee;
	char currency[8];
	char trunk_group_id[NUMBER_TEXT_LEN];
	char application_id[NUMBER_TEXT_LEN];
	char purchased_at[TIMESTAMP_LEN];
	char released_at[TIMESTAMP_LEN];
	char created_at[TIMESTAMP_LEN];
	char updated_at[TIMESTAMP_LEN];
	/* Meaningful only while status is pending_release. */
	double release_fee;
	char cooldown_ends_at[TIMESTAMP_LEN];
	int64_t cooldown_ends_us;
	/* When the API last gave it to a sub-account (assign-subaccount), for the
	 * cool-off; 0 when it did not (generated, or set through the control API). */
	int64_t assigned_us;
	/* Fields the sandbox does not act on, as last set; owned; may be NULL.
	 * They override the defaults number_to_json() fills in. */
	cJSON *extra;
};

/* A zeroed record with status "active" and voice capability. Caller owns it
 * (number_free). NULL when out of memory. */
struct number *number_new(void);

/* A deep copy of `n`. Caller owns it. NULL when out of memory. */
struct number *number_clone(const struct number *n);

/* Frees `n` and its extra fields. NULL is a no-op. */
void number_free(struct number *n);

/* True for 8 to 15 ASCII digits and nothing else. */
bool number_digits_valid(const char *digits);

/* Accepts "+digits" or "digits" (8 to 15 digits) and, when `digits` is not
 * NULL, stores the digits there. Returns 0 or -EINVAL. */
int number_parse_e164(const char *text, char digits[NUMBER_DIGITS_MAX + 1]);

/* True when n->status equals `status`. */
bool number_has_status(const struct number *n, const char *status);

/* Sets a text field from a C string, cut to fit; NULL means JSON null (""). */
void number_set_text(char *field, size_t size, const char *value);
#define NUMBER_SET(field, value) number_set_text((field), sizeof(field), (value))

/* The record as an API item, in `shapes`: every documented field (unset
 * nullable ones absent or null, as the shapes say), the pending-release
 * fields while pending, then the extra fields. Caller owns the result.
 * NULL when out of memory. */
cJSON *number_to_json(const struct number *n, const struct shapes *shapes);

/* Merges the members of the JSON object `fields` into `n`: known fields must
 * have their documented type (strings, null where nullable, numbers,
 * capabilities as an object of booleans); `e164` is "+digits" or "digits";
 * anything else is kept verbatim in extra. On failure `n` may be partly
 * changed (apply to a clone), *why names the problem (static string), and
 * the result is -EINVAL or -ENOMEM. Returns 0 on success. */
int number_apply_json(struct number *n, const cJSON *fields, const char **why);

#endif
