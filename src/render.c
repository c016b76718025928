/* render.c — cJSON_Print()'s pretty form, mirrored from cJSON 1.7.15's
 * print_value(), print_object(), print_array(), print_string_ptr() and
 * print_number(), in two passes: one that counts, one that writes. */
#include "render.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <float.h>
#include <limits.h>
#include <locale.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Bytes print_string_ptr() adds to write byte C: 1 for a two-character
 * escape ("\n"), 5 for "\u00XX", 0 when C is written as it is. */
static const unsigned char escape_extra[256] = {
	5, 5, 5, 5, 5, 5, 5, 5, 1, 1, 1, 5, 1, 1, 5, 5, /* \b \t \n \f \r */
	5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, /* */
	0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* '"' */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, /* '\\' */
};

/* True when none of the 8 bytes in X needs an escape: no byte below 32,
 * no '"', no '\\' (the bit tricks of "Bit Twiddling Hacks": a byte below N,
 * a zero byte; exact as to whether any byte is one). */
static bool word_plain(uint64_t x)
{
	const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
	uint64_t quote = x ^ (ones * '"'), backslash = x ^ (ones * '\\');

	return !((((x - ones * 0x20) & ~x) | ((quote - ones) & ~quote) | ((backslash - ones) & ~backslash)) & highs);
}

/* True when none of the N bytes at S needs an escape: most strings, copied
 * as they are.  Eight bytes at a time, all within the string. */
static bool plain(const char *s, size_t n)
{
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		uint64_t x;

		memcpy(&x, s + i, 8);
		if (!word_plain(x))
			return false;
	}
	for (; i < n; i++)
		if (escape_extra[(unsigned char)s[i]])
			return false;
	return true;
}

/* print_string_ptr(): quotes included; NULL prints as "". */
static size_t string_length(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n, len;

	if (!s)
		return 2;
	n = strlen(s);
	len = n + 2;
	if (plain(s, n))
		return len;
	for (size_t i = 0; i < n; i++)
		len += escape_extra[p[i]];
	return len;
}

static char *write_string(const char *s, char *out)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	size_t n = s ? strlen(s) : 0;

	*out++ = '"';
	if (n == 0 || plain(s, n)) {
		if (n)
			memcpy(out, s, n);
		out[n] = '"';
		return out + n + 1;
	}
	for (size_t i = 0; i < n; i++) {
		if (!escape_extra[p[i]]) {
			*out++ = (char)p[i];
			continue;
		}
		*out++ = '\\';
		switch (p[i]) {
		case '\\':
		case '"':
			*out++ = (char)p[i];
			break;
		case '\b':
			*out++ = 'b';
			break;
		case '\f':
			*out++ = 'f';
			break;
		case '\n':
			*out++ = 'n';
			break;
		case '\r':
			*out++ = 'r';
			break;
		case '\t':
			*out++ = 't';
			break;
		default: /* sprintf("u%04x") of a byte below 32 */
			memcpy(out, "u00", 3);
			out[3] = hex[p[i] >> 4];
			out[4] = hex[p[i] & 15];
			out += 5;
			break;
		}
	}
	*out++ = '"';
	return out;
}

/* How print_number() writes a number: "null", a decimal M / 10^K (both
 * exact: M < 10^15), or, when neither is provably its output, the text it
 * makes with sprintf. */
struct number_form {
	enum { FORM_NULL, FORM_DECIMAL, FORM_TEXT } kind;
	bool negative;
	int scale; /* K */
	uint64_t mantissa;
	int len;
	char text[26]; /* FORM_TEXT: print_number()'s buffer, NUL-terminated */
};

static const double pow10_exact[] = { 1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
				      1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22 };

static int digit_count(uint64_t m)
{
	int n = 1;

	while (m >= 10) {
		m /= 10;
		n++;
	}
	return n;
}

/* cJSON's compare_double(). */
static bool close_enough(double a, double b)
{
	double max = fabs(a) > fabs(b) ? fabs(a) : fabs(b);

	return fabs(a - b) <= max * DBL_EPSILON;
}

/* print_number() as cJSON 1.7.15 has it: "%1.15g", read back with "%lg",
 * else "%1.17g"; the locale's decimal point made '.'. */
static bool form_by_printf(double d, struct number_form *f)
{
	char point = localeconv()->decimal_point[0];
	double test = 0.0;

	f->kind = FORM_TEXT;
	f->len = snprintf(f->text, sizeof(f->text), "%1.15g", d);
	if (sscanf(f->text, "%lg", &test) != 1 || !close_enough(test, d))
		f->len = snprintf(f->text, sizeof(f->text), "%1.17g", d);
	if (f->len < 0 || f->len > (int)sizeof(f->text) - 1)
		return false;
	for (int i = 0; i < f->len; i++)
		if (f->text[i] == point)
			f->text[i] = '.';
	return true;
}

/* Why the fast forms equal print_number()'s: for D with |D| < 10^15 equal
 * to M / 10^K exactly as a double (M < 10^15, so at most 15 significant
 * digits), the decimal S = M / 10^K reads back as D, so D lies within half
 * an ulp of S, which is less than half a step of the 15-digit grid S sits
 * on: "%1.15g" rounds D to S, in fixed notation (10^-4 <= |S| < 10^15),
 * trailing zeros dropped, and sscanf() reads back D itself.  The division
 * is exact for the check: M and 10^K (K <= 22) are exact doubles and IEEE
 * division rounds correctly, as strtod() does. */
static bool number_form(double d, struct number_form *f)
{
	double a = fabs(d);

	f->negative = signbit(d) != 0;
	if (isnan(d) || isinf(d)) {
		f->kind = FORM_NULL;
		f->len = 4;
		return true;
	}
	f->kind = FORM_DECIMAL;
	if (a < 1e15 && a == (double)(uint64_t)a) {
		f->mantissa = (uint64_t)a;
		f->scale = 0;
		f->len = f->negative + digit_count(f->mantissa);
		return true;
	}
	if (a >= 1e-4 && a < 1e15) {
		for (int k = 1; k < (int)(sizeof(pow10_exact) / sizeof(pow10_exact[0])); k++) {
			double scaled = a * pow10_exact[k];
			uint64_t m;

			if (scaled >= 1e15)
				break;
			/* The nearest integer: a candidate only, checked next. */
			m = (uint64_t)(scaled + 0.5);
			if ((double)m / pow10_exact[k] == a) {
				int digits = digit_count(m);

				f->mantissa = m;
				f->scale = k;
				/* "12.5", or "0.00125" */
				f->len = f->negative + (digits > k ? digits + 1 : k + 2);
				return true;
			}
		}
	}
	return form_by_printf(d, f);
}

static char *write_number(const struct number_form *f, char *out)
{
	uint64_t m = f->mantissa;
	char *end, *p;

	switch (f->kind) {
	case FORM_NULL:
		memcpy(out, "null", 4);
		return out + 4;
	case FORM_TEXT:
		memcpy(out, f->text, (size_t)f->len);
		return out + f->len;
	case FORM_DECIMAL:
		break;
	}
	end = out + f->len;
	if (f->negative)
		*out = '-';
	/* From the last digit back: SCALE fraction digits (zeros once M runs
	 * out, as in "0.00125"), the point, then the integer part, "0" at
	 * least. */
	p = end;
	for (int i = 0; i < f->scale; i++, m /= 10)
		*--p = (char)('0' + m % 10);
	if (f->scale)
		*--p = '.';
	do {
		*--p = (char)('0' + m % 10);
		m /= 10;
	} while (m);
	return end;
}

/* The bytes print_value() adds for ITEM at DEPTH, in *LEN; false where it
 * fails. */
static bool measure_value(const cJSON *item, size_t depth, size_t *len)
{
	struct number_form f;
	const cJSON *c;

	switch (item->type & 0xFF) {
	case cJSON_NULL:
	case cJSON_True:
		*len += 4;
		return true;
	case cJSON_False:
		*len += 5;
		return true;
	case cJSON_Number:
		if (!number_form(item->valuedouble, &f))
			return false;
		*len += (size_t)f.len;
		return true;
	case cJSON_Raw:
		if (!item->valuestring)
			return false;
		*len += strlen(item->valuestring);
		return true;
	case cJSON_String:
		*len += string_length(item->valuestring);
		return true;
	case cJSON_Array:
		*len += 2; /* "[]" */
		for (c = item->child; c; c = c->next) {
			if (!measure_value(c, depth + 1, len))
				return false;
			if (c->next)
				*len += 2; /* ", " */
		}
		return true;
	case cJSON_Object:
		*len += 2 + depth + 1; /* "{\n", DEPTH tabs, "}" */
		for (c = item->child; c; c = c->next) {
			/* DEPTH + 1 tabs, the key, ":\t", the value, ",", "\n" */
			*len += depth + 1 + string_length(c->string) + 2 + (c->next ? 1 : 0) + 1;
			if (!measure_value(c, depth + 1, len))
				return false;
		}
		return true;
	default:
		return false;
	}
}

static char *tabs(char *out, size_t n)
{
	memset(out, '\t', n);
	return out + n;
}

static char *write_value(const cJSON *item, size_t depth, char *out)
{
	struct number_form f;
	const cJSON *c;
	size_t len;

	switch (item->type & 0xFF) {
	case cJSON_NULL:
		memcpy(out, "null", 4);
		return out + 4;
	case cJSON_True:
		memcpy(out, "true", 4);
		return out + 4;
	case cJSON_False:
		memcpy(out, "false", 5);
		return out + 5;
	case cJSON_Number:
		(void)number_form(item->valuedouble, &f);
		return write_number(&f, out);
	case cJSON_Raw:
		len = strlen(item->valuestring);
		memcpy(out, item->valuestring, len);
		return out + len;
	case cJSON_String:
		return write_string(item->valuestring, out);
	case cJSON_Array:
		*out++ = '[';
		for (c = item->child; c; c = c->next) {
			out = write_value(c, depth + 1, out);
			if (c->next) {
				*out++ = ',';
				*out++ = ' ';
			}
		}
		*out++ = ']';
		return out;
	case cJSON_Object:
		*out++ = '{';
		*out++ = '\n';
		for (c = item->child; c; c = c->next) {
			out = tabs(out, depth + 1);
			out = write_string(c->string, out);
			*out++ = ':';
			*out++ = '\t';
			out = write_value(c, depth + 1, out);
			if (c->next)
				*out++ = ',';
			*out++ = '\n';
		}
		out = tabs(out, depth);
		*out++ = '}';
		return out;
	default: /* render_measure() refused it */
		return out;
	}
}

int render_measure(const cJSON *item, size_t *len)
{
	*len = 0;
	if (!item || !measure_value(item, 0, len))
		return -EINVAL;
	/* cJSON's print buffer is an int's worth, NUL included. */
	if (*len >= INT_MAX)
		return -EINVAL;
	return 0;
}

void render_write(const cJSON *item, char *dst)
{
	write_value(item, 0, dst);
}

char *render_print(const cJSON *item)
{
	size_t len;
	char *text;

	if (render_measure(item, &len))
		return NULL;
	text = malloc(len + 1);
	if (!text)
		return NULL;
	render_write(item, text);
	text[len] = '\0';
	return text;
}
