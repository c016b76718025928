/* test_e164.c — the E.164 rules: what may become a file name or a URL path
 * segment (8-15 ASCII digits, one optional leading '+' on parse only). */
#include "e164.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

/* Parse S expecting -EINVAL, and check OUT is left empty. */
static void assert_rejected(const char *s)
{
	char out[E164_BUFSIZE];

	memset(out, 'x', sizeof(out));
	assert_int_equal(e164_parse(s, out), -EINVAL);
	assert_string_equal(out, "");
	assert_false(e164_is_digits(s));
}

static void valid_lengths_parse(void **state)
{
	char out[E164_BUFSIZE];

	(void)state;
	assert_int_equal(e164_parse("12345678", out), 0);
	assert_string_equal(out, "12345678");
	assert_int_equal(e164_parse("123456789012345", out), 0);
	assert_string_equal(out, "123456789012345");
	assert_int_equal(e164_parse("919876543210", out), 0);
	assert_string_equal(out, "919876543210");
	assert_true(e164_is_digits("12345678"));
	assert_true(e164_is_digits("123456789012345"));
	assert_true(e164_is_digits("919876543210"));
}

static void wrong_lengths_rejected(void **state)
{
	(void)state;
	assert_rejected("1234567");
	assert_rejected("1234567890123456");
	assert_rejected("+1234567");
	assert_rejected("+1234567890123456");
	assert_rejected("12345678901234567890123456789012345678901234567890");
}

static void leading_plus_only_on_parse(void **state)
{
	char out[E164_BUFSIZE];

	(void)state;
	assert_int_equal(e164_parse("+919876543210", out), 0);
	assert_string_equal(out, "919876543210");
	assert_int_equal(e164_parse("+123456789012345", out), 0);
	assert_string_equal(out, "123456789012345");
	assert_false(e164_is_digits("+919876543210"));
}

static void bare_and_repeated_plus_rejected(void **state)
{
	(void)state;
	assert_rejected("++919876543210");
	assert_rejected("+");
	assert_rejected("");
	assert_rejected("9198765+43210");
	assert_rejected("919876543210+");
}

static void null_rejected(void **state)
{
	char out[E164_BUFSIZE];

	(void)state;
	memset(out, 'x', sizeof(out));
	assert_int_equal(e164_parse(NULL, out), -EINVAL);
	assert_string_equal(out, "");
	assert_false(e164_is_digits(NULL));
}

static void non_ascii_digits_rejected(void **state)
{
	(void)state;
	/* Arabic-Indic digits U+0660..U+0669, eight of them plus ASCII. */
	assert_rejected("\xd9\xa9\xd9\xa1\xd9\xa9\xd9\xa8\xd9\xa7\xd9\xa6\xd9\xa5\xd9\xa4");
	assert_rejected("9198\xd9\xa7"
			"6543210");
	/* Fullwidth digits U+FF10..U+FF19. */
	assert_rejected(
	    "\xef\xbc\x99\xef\xbc\x91\xef\xbc\x99\xef\xbc\x98\xef\xbc\x97\xef\xbc\x96\xef\xbc\x95\xef\xbc\x94");
	assert_rejected("+\xef\xbc\x99"
			"19876543210");
	/* Superscript two and a lone high byte. */
	assert_rejected("91987654321\xc2\xb2");
	assert_rejected("9198765432\xff");
	assert_rejected("\x80"
			"919876543210");
}

static void separators_and_paths_rejected(void **state)
{
	(void)state;
	assert_rejected("91 9876543210");
	assert_rejected(" 919876543210");
	assert_rejected("919876543210 ");
	assert_rejected("91-98765-43210");
	assert_rejected("919876543210\n");
	assert_rejected("\t919876543210");
	assert_rejected("91987/6543210");
	assert_rejected("919876543210/");
	assert_rejected("/919876543210");
	assert_rejected("../../../etc/passwd");
	assert_rejected("..");
	assert_rejected("9198765..43210");
	assert_rejected("%2B919876543210");
	assert_rejected("%2b919876543210");
	assert_rejected("+%2B919876543210");
	assert_rejected("919876543210?a=b");
	assert_rejected("9198765432.0");
	assert_rejected("abcdefghij");
	assert_rejected("0x9198765432");
}

static void embedded_nul_stops_the_string(void **state)
{
	char out[E164_BUFSIZE];
	static const char s[] = "1234\0"
				"5678";

	(void)state;
	/* The C string is "1234": too short, whatever follows the NUL. */
	assert_int_equal(e164_parse(s, out), -EINVAL);
	assert_false(e164_is_digits(s));
}

static void output_is_nul_terminated_at_max(void **state)
{
	char out[E164_BUFSIZE + 4];

	(void)state;
	memset(out, 'x', sizeof(out));
	assert_int_equal(e164_parse("+999999999999999", out), 0);
	assert_int_equal(strlen(out), E164_MAX_DIGITS);
	/* Nothing is written past the declared buffer. */
	assert_int_equal(out[E164_BUFSIZE], 'x');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(valid_lengths_parse),
		cmocka_unit_test(wrong_lengths_rejected),
		cmocka_unit_test(leading_plus_only_on_parse),
		cmocka_unit_test(bare_and_repeated_plus_rejected),
		cmocka_unit_test(null_rejected),
		cmocka_unit_test(non_ascii_digits_rejected),
		cmocka_unit_test(separators_and_paths_rejected),
		cmocka_unit_test(embedded_nul_stops_the_string),
		cmocka_unit_test(output_is_nul_terminated_at_max),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
