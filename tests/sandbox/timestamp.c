/* RFC 3339 timestamps with microseconds: formatting, parsing, and the clock. */
#include "timestamp.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

int64_t timestamp_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void timestamp_format(int64_t us, char out[TIMESTAMP_LEN])
{
	/* Floor division, so times before 1970 still get a positive fraction. */
	int64_t secs = us / 1000000;
	int64_t frac = us % 1000000;
	if (frac < 0) {
		frac += 1000000;
		secs -= 1;
	}
	time_t t = (time_t)secs;
	struct tm tm;

	size_t len;

	if (!gmtime_r(&t, &tm) || (len = strftime(out, TIMESTAMP_LEN, "%Y-%m-%dT%H:%M:%S", &tm)) == 0) {
		snprintf(out, TIMESTAMP_LEN, "1970-01-01T00:00:00.000000Z");
		return;
	}
	snprintf(out + len, TIMESTAMP_LEN - len, ".%06ldZ", (long)frac);
}

/* Reads exactly `n` digits at *p into *value and advances *p. */
static int read_digits(const char **p, int n, int *value)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return -EINVAL;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*value = v;
	return 0;
}

int timestamp_parse(const char *text, int64_t *us)
{
	const char *p = text;
	struct tm tm = { 0 };
	int year, mon, mday, hour, min, sec;
	int64_t frac_us = 0;
	int offset_s = 0;

	if (read_digits(&p, 4, &year) || *p++ != '-' || read_digits(&p, 2, &mon) || *p++ != '-' ||
	    read_digits(&p, 2, &mday))
		return -EINVAL;
	if (*p != 'T' && *p != 't' && *p != ' ')
		return -EINVAL;
	p++;
	if (read_digits(&p, 2, &hour) || *p++ != ':' || read_digits(&p, 2, &min) || *p++ != ':' ||
	    read_digits(&p, 2, &sec))
		return -EINVAL;
	if (mon < 1 || mon > 12 || mday < 1 || mday > 31 || hour > 23 || min > 59 || sec > 60)
		return -EINVAL;
	if (*p == '.') {
		int64_t scale = 100000;

		p++;
		if (!isdigit((unsigned char)*p))
			return -EINVAL;
		for (; isdigit((unsigned char)*p); p++) {
			frac_us += (*p - '0') * scale;
			scale /= 10; /* digits past the sixth are dropped */
		}
	}
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		int sign = *p++ == '-' ? -1 : 1;
		int oh, om;

		if (read_digits(&p, 2, &oh) || *p++ != ':' || read_digits(&p, 2, &om) || oh > 23 || om > 59)
			return -EINVAL;
		offset_s = sign * (oh * 3600 + om * 60);
	} else {
		return -EINVAL;
	}
	if (*p != '\0')
		return -EINVAL;

	tm.tm_year = year - 1900;
	tm.tm_mon = mon - 1;
	tm.tm_mday = mday;
	tm.tm_hour = hour;
	tm.tm_min = min;
	tm.tm_sec = sec;
	time_t t = timegm(&tm);
	*us = ((int64_t)t - offset_s) * 1000000 + frac_us;
	return 0;
}
