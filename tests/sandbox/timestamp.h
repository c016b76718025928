/* Wall-clock time as microseconds since the epoch, and its RFC 3339 text form
 * ("2024-03-05T10:22:31.123456Z"), the way the Vobiz API writes timestamps. */
#ifndef SANDBOX_TIMESTAMP_H
#define SANDBOX_TIMESTAMP_H

#include <stdint.h>

/* Room for any timestamp the sandbox writes or accepts, with its NUL. */
#define TIMESTAMP_LEN 40

/* The current wall-clock time in microseconds. Thread-safe. */
int64_t timestamp_now_us(void);

/* Writes `us` as UTC with six fractional digits and a `Z`. Thread-safe. */
void timestamp_format(int64_t us, char out[TIMESTAMP_LEN]);

/* Parses "YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM)" (a space instead of `T`
 * and a lowercase `t`/`z` are accepted, as RFC 3339 allows). Stores
 * microseconds in *us. Returns 0, or -EINVAL for anything else. */
int timestamp_parse(const char *text, int64_t *us);

#endif
