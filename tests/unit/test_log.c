/* test_log.c — the log's scrubber: registered secrets replaced (also one cut
 * short at the end), control characters and malformed UTF-8 escaped, output
 * cut at whole pieces, and log_msg() lines that pass through it. */
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#define TOKEN "tok-5f2a9c0e81b4d7e3"

static int clear_secrets(void **state)
{
	(void)state;
	log_clear_secrets();
	return 0;
}

/* log_scrub() into a buffer large enough, checked against WANT. */
static void assert_scrubs_to(const char *in, enum log_scrub_mode mode, const char *want)
{
	char out[1024];
	size_t n = log_scrub(in, out, sizeof(out), mode);

	assert_string_equal(out, want);
	assert_int_equal(n, strlen(want));
}

static void control_characters_are_escaped(void **state)
{
	(void)state;
	assert_scrubs_to("plain text, 100% [ok] {\"a\":1} \\n", LOG_SCRUB_TEXT, "plain text, 100% [ok] {\"a\":1} \\n");
	/* The caller of the issue: ESC, BEL, CR. */
	assert_scrubs_to("\x1b[31mEVIL\a\rX", LOG_SCRUB_TEXT, "\\x1b[31mEVIL\\x07\\x0dX");
	assert_scrubs_to("one\ntwo\tthree\x01\x1f", LOG_SCRUB_TEXT, "one\\x0atwo\\x09three\\x01\\x1f");
	assert_scrubs_to("del\x7f", LOG_SCRUB_TEXT, "del\\x7f");
	/* C1 controls as UTF-8 (U+009B is a CSI for some terminals). */
	assert_scrubs_to("a\xc2\x9b"
			 "31mb\xc2\x85",
			 LOG_SCRUB_TEXT, "a\\xc2\\x9b31mb\\xc2\\x85");
	assert_scrubs_to("", LOG_SCRUB_TEXT, "");
	assert_scrubs_to(NULL, LOG_SCRUB_TEXT, "");
}

static void utf8_is_kept_and_malformed_bytes_escaped(void **state)
{
	(void)state;
	/* é, ₹, U+00A0 (just past C1), an emoji, and the highest code point. */
	assert_scrubs_to("Kn\xc3\xa9 \xe2\x82\xb9 \xc2\xa0 \xf0\x9f\x98\x80 \xf4\x8f\xbf\xbf", LOG_SCRUB_TEXT,
			 "Kn\xc3\xa9 \xe2\x82\xb9 \xc2\xa0 \xf0\x9f\x98\x80 \xf4\x8f\xbf\xbf");
	/* A stray continuation byte, a byte never in UTF-8, a lead byte cut
	 * short, an overlong '/', a surrogate, past U+10FFFF. */
	assert_scrubs_to("\x80|\xff|\xe2\x82|\xc0\xaf|\xed\xa0\x80|\xf4\x90\x80\x80", LOG_SCRUB_TEXT,
			 "\\x80|\\xff|\\xe2\\x82|\\xc0\\xaf|\\xed\\xa0\\x80|\\xf4\\x90\\x80\\x80");
	/* A lead byte right before the end reads no further. */
	assert_scrubs_to("x\xe2", LOG_SCRUB_TEXT, "x\\xe2");
}

static void json_mode_leaves_c0_to_the_encoder(void **state)
{
	(void)state;
	assert_scrubs_to("\x1b[31mEVIL\a\rX\n", LOG_SCRUB_JSON, "\x1b[31mEVIL\a\rX\n");
	assert_scrubs_to("del\x7f c1\xc2\x9b bad\xff", LOG_SCRUB_JSON, "del\\x7f c1\\xc2\\x9b bad\\xff");
}

static void secrets_are_redacted(void **state)
{
	(void)state;
	assert_scrubs_to("token " TOKEN " rejected", LOG_SCRUB_TEXT, "token " TOKEN " rejected");
	assert_int_equal(log_add_secret(TOKEN), 0);
	assert_scrubs_to("token " TOKEN " rejected", LOG_SCRUB_TEXT, "token <redacted> rejected");
	assert_scrubs_to(TOKEN TOKEN "\x1b" TOKEN, LOG_SCRUB_TEXT, "<redacted><redacted>\\x1b<redacted>");
	assert_scrubs_to("{\"X-Auth-Token\":\"" TOKEN "\"}", LOG_SCRUB_JSON, "{\"X-Auth-Token\":\"<redacted>\"}");
	/* A token a length limit cut short is still recognised at the end of
	 * the text, once 8 characters of it are left... */
	assert_scrubs_to("token tok-5f2a9c0e8", LOG_SCRUB_TEXT, "token <redacted>");
	assert_scrubs_to("token tok-5f2a", LOG_SCRUB_TEXT, "token <redacted>");
	/* ...but fewer are too common to mean it, and a start of it anywhere
	 * else is not the token. */
	assert_scrubs_to("token tok-5f2", LOG_SCRUB_TEXT, "token tok-5f2");
	assert_scrubs_to("tok-5f2a9c0e tok", LOG_SCRUB_TEXT, "tok-5f2a9c0e tok");
	/* A different token is left alone. */
	assert_scrubs_to("tok-5f2a9c0e81b4d7e4", LOG_SCRUB_TEXT, "tok-5f2a9c0e81b4d7e4");
}

static void longest_secret_wins_and_empty_ones_are_ignored(void **state)
{
	(void)state;
	assert_int_equal(log_add_secret(""), 0);
	assert_int_equal(log_add_secret(NULL), 0);
	assert_scrubs_to("abc", LOG_SCRUB_TEXT, "abc");
	assert_int_equal(log_add_secret("secret"), 0);
	assert_int_equal(log_add_secret("secret-and-more"), 0);
	assert_scrubs_to("a secret-and-more b secret-and c", LOG_SCRUB_TEXT, "a <redacted> b <redacted>-and c");
}

static void secrets_are_bounded_and_cleared(void **state)
{
	char secret[32];

	(void)state;
	for (int i = 0; i < LOG_MAX_SECRETS; i++) {
		snprintf(secret, sizeof(secret), "secret-number-%d", i);
		assert_int_equal(log_add_secret(secret), 0);
	}
	assert_int_equal(log_add_secret("one-too-many"), -ENOSPC);
	assert_scrubs_to("secret-number-7 one-too-many", LOG_SCRUB_TEXT, "<redacted> one-too-many");
	log_clear_secrets();
	assert_scrubs_to("secret-number-7", LOG_SCRUB_TEXT, "secret-number-7");
	assert_int_equal(log_add_secret("one-too-many"), 0);
	assert_scrubs_to("one-too-many", LOG_SCRUB_TEXT, "<redacted>");
}

static void output_is_cut_at_whole_pieces(void **state)
{
	char out[16];
	char guard[4] = "zzz";

	(void)state;
	assert_int_equal(log_add_secret(TOKEN), 0);
	/* Like snprintf: the length needed, and a NUL-terminated start. */
	assert_int_equal(log_scrub("0123456789abcdefghij", out, sizeof(out), LOG_SCRUB_TEXT), 20);
	assert_string_equal(out, "0123456789abcde");
	/* An escape that does not fit is left out whole. */
	assert_int_equal(log_scrub("0123456789ab\x1b", out, sizeof(out), LOG_SCRUB_TEXT), 16);
	assert_string_equal(out, "0123456789ab");
	/* So is "<redacted>", and a multi-byte character. */
	assert_int_equal(log_scrub("01234567" TOKEN, out, sizeof(out), LOG_SCRUB_TEXT), 18);
	assert_string_equal(out, "01234567");
	assert_int_equal(log_scrub("0123456789abcd\xe2\x82\xb9", out, sizeof(out), LOG_SCRUB_TEXT), 17);
	assert_string_equal(out, "0123456789abcd");
	/* Nothing after a piece that did not fit, even if a later one would. */
	assert_int_equal(log_scrub("0123456789ab\x1bz", out, sizeof(out), LOG_SCRUB_TEXT), 17);
	assert_string_equal(out, "0123456789ab");
	/* OUTLEN 1 and 0. */
	assert_int_equal(log_scrub("abc", out, 1, LOG_SCRUB_TEXT), 3);
	assert_string_equal(out, "");
	assert_int_equal(log_scrub("abc", guard, 0, LOG_SCRUB_TEXT), 3);
	assert_string_equal(guard, "zzz");
}

static void scrubbing_twice_changes_nothing(void **state)
{
	static const char *const inputs[] = {
		"token " TOKEN " rejected \x1b[31m\a\r\n\x7f\xc2\x9b\xff\xc3\xa9 tok-5f2a9c0e",
		"\\x1b is how ESC looks; <redacted> how a token does",
	};
	char once[512], twice[512];

	(void)state;
	assert_int_equal(log_add_secret(TOKEN), 0);
	for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
		log_scrub(inputs[i], once, sizeof(once), LOG_SCRUB_TEXT);
		log_scrub(once, twice, sizeof(twice), LOG_SCRUB_TEXT);
		assert_string_equal(once, twice);
		log_scrub(inputs[i], once, sizeof(once), LOG_SCRUB_JSON);
		log_scrub(once, twice, sizeof(twice), LOG_SCRUB_JSON);
		assert_string_equal(once, twice);
	}
}

static void dup_allocates_what_is_needed(void **state)
{
	char *s;

	(void)state;
	assert_null(log_scrub_dup(NULL, LOG_SCRUB_TEXT));
	assert_int_equal(log_add_secret("k"), 0); /* a one-byte secret: the worst growth */
	s = log_scrub_dup("kkk\x1b", LOG_SCRUB_TEXT);
	assert_non_null(s);
	assert_string_equal(s, "<redacted><redacted><redacted>\\x1b");
	free(s);
	s = log_scrub_dup("line\nnext", LOG_SCRUB_JSON);
	assert_non_null(s);
	assert_string_equal(s, "line\nnext");
	free(s);
}

/* Run log_msg(LEVEL, "%s", TEXT) with stderr sent to a file; returns what
 * it wrote (the caller frees). */
static char *logged(enum log_level level, const char *text)
{
	char path[] = "/tmp/vobizfs-log-XXXXXX";
	int fd = mkstemp(path), saved = dup(STDERR_FILENO);
	char *out = calloc(1, 8192);
	ssize_t n;

	assert_true(fd >= 0 && saved >= 0);
	assert_non_null(out);
	unlink(path);
	fflush(stderr);
	assert_true(dup2(fd, STDERR_FILENO) >= 0);
	log_msg(level, "%s", text);
	fflush(stderr);
	assert_true(dup2(saved, STDERR_FILENO) >= 0);
	close(saved);
	n = pread(fd, out, 8191, 0);
	assert_true(n >= 0);
	close(fd);
	return out;
}

static void log_lines_are_scrubbed(void **state)
{
	char text[1400], *line;

	(void)state;
	log_setup(false, false);
	assert_int_equal(log_add_secret(TOKEN), 0);
	line = logged(LOG_LEVEL_WARN, "released 919876543210 (requested by \x1b[31mEVIL\a\rX, pid 7): " TOKEN);
	assert_string_equal(line, "vobizfs: warning: released 919876543210 (requested by \\x1b[31mEVIL\\x07\\x0dX, "
				  "pid 7): <redacted>\n");
	free(line);

	/* A line longer than the format buffer, with the token across where it
	 * would have been cut: formatted whole, then scrubbed. */
	memset(text, 'a', sizeof(text));
	memcpy(text + 1015, TOKEN, strlen(TOKEN));
	memcpy(text + 1300, "\n" TOKEN, strlen(TOKEN) + 1);
	text[sizeof(text) - 1] = '\0';
	line = logged(LOG_LEVEL_ERROR, text);
	assert_null(strstr(line, "tok-"));
	assert_non_null(strstr(line, "aaaa<redacted>aaaa"));
	assert_non_null(strstr(line, "a\\x0a<redacted>a"));
	assert_ptr_equal(strchr(line, '\n'), line + strlen(line) - 1); /* one line */
	free(line);

	/* Debug lines stay off unless asked for. */
	line = logged(LOG_LEVEL_DEBUG, "not shown");
	assert_string_equal(line, "");
	free(line);
}

enum { SCRUBBERS = 4, ROUNDS = 3000 };

static void *scrub_many(void *arg)
{
	char out[128];

	(void)arg;
	for (int i = 0; i < ROUNDS; i++) {
		log_scrub("x " TOKEN " y \x1b", out, sizeof(out), LOG_SCRUB_TEXT);
		/* Registered or not at this instant, never half of it. */
		if (strcmp(out, "x <redacted> y \\x1b") && strcmp(out, "x " TOKEN " y \\x1b"))
			return (void *)1;
	}
	return NULL;
}

static void concurrent_scrubs_and_registrations(void **state)
{
	pthread_t tid[SCRUBBERS];
	void *bad;

	(void)state;
	for (int i = 0; i < SCRUBBERS; i++)
		assert_int_equal(pthread_create(&tid[i], NULL, scrub_many, NULL), 0);
	for (int i = 0; i < ROUNDS / 10; i++) {
		assert_int_equal(log_add_secret(TOKEN), 0);
		log_clear_secrets();
	}
	for (int i = 0; i < SCRUBBERS; i++) {
		pthread_join(tid[i], &bad);
		assert_null(bad);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(control_characters_are_escaped, clear_secrets),
		cmocka_unit_test_teardown(utf8_is_kept_and_malformed_bytes_escaped, clear_secrets),
		cmocka_unit_test_teardown(json_mode_leaves_c0_to_the_encoder, clear_secrets),
		cmocka_unit_test_teardown(secrets_are_redacted, clear_secrets),
		cmocka_unit_test_teardown(longest_secret_wins_and_empty_ones_are_ignored, clear_secrets),
		cmocka_unit_test_teardown(secrets_are_bounded_and_cleared, clear_secrets),
		cmocka_unit_test_teardown(output_is_cut_at_whole_pieces, clear_secrets),
		cmocka_unit_test_teardown(scrubbing_twice_changes_nothing, clear_secrets),
		cmocka_unit_test_teardown(dup_allocates_what_is_needed, clear_secrets),
		cmocka_unit_test_teardown(log_lines_are_scrubbed, clear_secrets),
		cmocka_unit_test_teardown(concurrent_scrubs_and_registrations, clear_secrets),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
