/* test_timefmt.c — RFC 3339 as the API writes it (fractions, offsets) parsed
 * to exact epoch seconds, malformed stamps refused, and the UTC formatter. */
#include "timefmt.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

static time_t parsed(const char *s)
{
	time_t t = 12345;

	assert_int_equal(timefmt_parse_rfc3339(s, &t), 0);
	return t;
}

static void assert_invalid(const char *s)
{
	time_t t = 777;

	assert_int_equal(timefmt_parse_rfc3339(s, &t), -EINVAL);
	assert_int_equal(t, 777); /* OUT untouched on failure */
}

static void known_epoch_values(void **state)
{
	(void)state;
	assert_int_equal(parsed("1970-01-01T00:00:00Z"), 0);
	assert_int_equal(parsed("2000-02-29T12:00:00Z"), 951825600);
	assert_int_equal(parsed("2024-03-05T10:22:31Z"), 1709634151);
	assert_int_equal(parsed("2016-12-31T23:59:59Z"), 1483228799);
	assert_int_equal(parsed("1969-12-31T23:59:59Z"), -1);
	assert_int_equal(parsed("2038-01-19T03:14:08Z"), 2147483648LL);
	assert_int_equal(parsed("2100-03-01T00:00:00Z"), 4107542400LL);
	assert_int_equal(parsed("1900-01-01T00:00:00Z"), -2208988800LL);
	assert_int_equal(parsed("9999-12-31T23:59:59Z"), 253402300799LL);
}

static void zone_designators(void **state)
{
	(void)state;
	assert_int_equal(parsed("2024-03-05T10:22:31z"), 1709634151);
	assert_int_equal(parsed("2024-03-05T10:22:31+00:00"), 1709634151);
	assert_int_equal(parsed("2024-03-05T10:22:31-00:00"), 1709634151);
	assert_int_equal(parsed("2024-03-05T10:22:31+05:30"), 1709614351);
	assert_int_equal(parsed("2024-03-05T10:22:31-08:00"), 1709662951);
	/* Crossing midnight and the year backwards through an offset. */
	assert_int_equal(parsed("1970-01-01T05:30:00+05:30"), 0);
	assert_int_equal(parsed("1969-12-31T16:00:00-08:00"), 0);
}

static void fractions_and_separators(void **state)
{
	(void)state;
	assert_int_equal(parsed("2024-03-05T10:22:31.123456Z"), 1709634151);
	assert_int_equal(parsed("2024-03-05T10:22:31.9Z"), 1709634151);
	assert_int_equal(parsed("2024-03-05T10:22:31.999999999+05:30"), 1709614351);
	assert_int_equal(parsed("2024-03-05 10:22:31Z"), 1709634151);
	assert_int_equal(parsed("2024-03-05t10:22:31Z"), 1709634151);
	assert_int_equal(parsed("2024-03-05 10:22:31.5-08:00"), 1709662951);
}

static void malformed_stamps_refused(void **state)
{
	time_t t;

	(void)state;
	assert_invalid("");
	assert_invalid("2024-03-05T10:22:31");        /* no zone */
	assert_invalid("2024-03-05T10:22:31.123456"); /* no zone after fraction */
	assert_invalid("2024-13-05T10:22:31Z");       /* month 13 */
	assert_invalid("2024-00-05T10:22:31Z");       /* month 0 */
	assert_invalid("2024-03-00T10:22:31Z");       /* day 0 */
	assert_invalid("2024-03-32T10:22:31Z");
	assert_invalid("2024-03-05T24:00:00Z");
	assert_invalid("2024-03-05T10:60:00Z");
	assert_invalid("2024-03-05T10:22:61Z");
	assert_invalid("2024-O3-05T10:22:31Z"); /* letter O */
	assert_invalid("abcd-ef-ghTij:kl:mnZ");
	assert_invalid("2024-3-5T10:22:31Z");
	assert_invalid("2024/03/05T10:22:31Z");
	assert_invalid("2024-03-05X10:22:31Z");
	assert_invalid("2024-03-05T10:22Z");
	assert_invalid("2024-03-05");
	assert_invalid("2024-03-05T10:22:31.Z");    /* dot without digits */
	assert_invalid("2024-03-05T10:22:31+0530"); /* offset without colon */
	assert_invalid("2024-03-05T10:22:31+05");
	assert_invalid("2024-03-05T10:22:31+24:00");
	assert_invalid("2024-03-05T10:22:31+05:60");
	assert_invalid("2024-03-05T10:22:31ZZ"); /* trailing garbage */
	assert_invalid("2024-03-05T10:22:31Z ");
	assert_invalid(" 2024-03-05T10:22:31Z");
	assert_invalid("2024-03-05T10:22:31+05:30x");
	assert_invalid("+2024-03-05T10:22:31Z");
	assert_int_equal(timefmt_parse_rfc3339(NULL, &t), -EINVAL);
}

/* Every prefix of a valid stamp is refused, and none reads past its end
 * (the sanitizer and valgrind builds check the latter). */
static void truncations_refused(void **state)
{
	static const char full[] = "2024-03-05T10:22:31.123456+05:30";
	char buf[sizeof(full)];

	(void)state;
	for (size_t n = 0; n < sizeof(full) - 1; n++) {
		memcpy(buf, full, n);
		buf[n] = '\0';
		/* "...:31" plus a fraction without a zone, or a cut offset. */
		assert_invalid(buf);
	}
	assert_int_equal(parsed(full), 1709614351);
}

static void impossible_dates_refused(void **state)
{
	(void)state;
	/* A strict parser knows the length of each month. */
	assert_invalid("2023-02-29T00:00:00Z");
	assert_invalid("2023-02-31T00:00:00Z");
	assert_invalid("2024-04-31T00:00:00Z");
	assert_invalid("1900-02-29T00:00:00Z");
	assert_int_equal(parsed("2024-02-29T00:00:00Z"), 1709164800);
	assert_int_equal(parsed("2000-02-29T00:00:00Z"), 951782400);
}

static void format_utc(void **state)
{
	char buf[21];

	(void)state;
	timefmt_format_utc(0, buf, sizeof(buf));
	assert_string_equal(buf, "1970-01-01T00:00:00Z");
	timefmt_format_utc(951825600, buf, sizeof(buf));
	assert_string_equal(buf, "2000-02-29T12:00:00Z");
	timefmt_format_utc(1709614351, buf, sizeof(buf));
	assert_string_equal(buf, "2024-03-05T04:52:31Z");
}

static void format_parse_round_trip(void **state)
{
	static const time_t when[] = { 0,         1,          -1,         59,           86399,        86400,
				       951825600, 1709634151, 2147483647, 2147483648LL, 4107542400LL, 253402300799LL };
	char buf[32];

	(void)state;
	for (size_t i = 0; i < sizeof(when) / sizeof(when[0]); i++) {
		timefmt_format_utc(when[i], buf, sizeof(buf));
		assert_int_equal(strlen(buf), 20);
		assert_int_equal(parsed(buf), when[i]);
	}
	/* Every day across a leap year boundary and a century. */
	for (time_t t = 946684800 - 400 * 86400L; t < 946684800 + 400 * 86400L; t += 86400 + 3671) {
		timefmt_format_utc(t, buf, sizeof(buf));
		assert_int_equal(parsed(buf), t);
	}
}

/* DESIGN §2: timestamps come with 0, 6 or 9 fractional digits, and nested
 * application objects in the space-separated form with +00:00. */
static void documented_api_forms(void **state)
{
	(void)state;
	assert_int_equal(parsed("2026-07-21T09:18:26Z"), 1784625506);
	assert_int_equal(parsed("2026-07-21T09:18:26.785758Z"), 1784625506);
	assert_int_equal(parsed("2026-07-21T09:18:26.785758533Z"), 1784625506);
	assert_int_equal(parsed("2026-04-02 12:11:19.740666+00:00"), 1775131879);
	assert_int_equal(parsed("2026-04-02 12:11:19+00:00"), 1775131879);
	assert_int_equal(parsed("2026-04-02 12:11:19.740666533+00:00"), 1775131879);
	/* A fraction is digits only; the space form still needs its zone. */
	assert_invalid("2026-04-02 12:11:19.740666");
	assert_invalid("2026-07-21T09:18:26.Z");
	assert_invalid("2026-07-21T09:18:26,785758Z");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(known_epoch_values),
		cmocka_unit_test(zone_designators),
		cmocka_unit_test(fractions_and_separators),
		cmocka_unit_test(malformed_stamps_refused),
		cmocka_unit_test(truncations_refused),
		cmocka_unit_test(impossible_dates_refused),
		cmocka_unit_test(format_utc),
		cmocka_unit_test(format_parse_round_trip),
		cmocka_unit_test(documented_api_forms),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
