/* test_errmap.c — the one table from an HTTP status to an errno (DESIGN §3),
 * and the names the audit log gives to errnos. */
#include "errmap.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

static void success_is_zero(void **state)
{
	(void)state;
	for (long status = 200; status < 300; status++)
		assert_int_equal(errmap_http_status(status), 0);
}

static void client_errors_map_per_design(void **state)
{
	(void)state;
	assert_int_equal(errmap_http_status(400), -EINVAL);
	assert_int_equal(errmap_http_status(422), -EINVAL);
	assert_int_equal(errmap_http_status(401), -EACCES);
	assert_int_equal(errmap_http_status(403), -EACCES);
	assert_int_equal(errmap_http_status(404), -ENOENT);
	assert_int_equal(errmap_http_status(409), -EBUSY);
	assert_int_equal(errmap_http_status(429), -EAGAIN);
}

static void server_errors_are_eio(void **state)
{
	(void)state;
	assert_int_equal(errmap_http_status(500), -EIO);
	assert_int_equal(errmap_http_status(502), -EIO);
	assert_int_equal(errmap_http_status(503), -EIO);
	assert_int_equal(errmap_http_status(504), -EIO);
	for (long status = 500; status < 600; status++)
		assert_int_equal(errmap_http_status(status), -EIO);
}

static void unexpected_statuses_are_eio(void **state)
{
	static const long odd[] = { 0,   -1,  1,   100, 101, 199, 300, 301, 302, 304,  307,
				    402, 405, 408, 410, 418, 451, 499, 600, 999, 1000, 2000000000L };

	(void)state;
	for (size_t i = 0; i < sizeof(odd) / sizeof(odd[0]); i++)
		assert_int_equal(errmap_http_status(odd[i]), -EIO);
}

static void names_of_errnos(void **state)
{
	(void)state;
	assert_string_equal(errmap_name(0), "ok");
	assert_string_equal(errmap_name(EACCES), "EACCES");
	assert_string_equal(errmap_name(-EACCES), "EACCES");
	assert_string_equal(errmap_name(-ENOENT), "ENOENT");
	assert_string_equal(errmap_name(-EIO), "EIO");
	assert_string_equal(errmap_name(-EAGAIN), "EAGAIN");
	assert_string_equal(errmap_name(-EBUSY), "EBUSY");
	assert_string_equal(errmap_name(-EINVAL), "EINVAL");
	assert_string_equal(errmap_name(-EPERM), "EPERM");
	assert_string_equal(errmap_name(-EROFS), "EROFS");
	assert_string_equal(errmap_name(-ETIMEDOUT), "ETIMEDOUT");
}

static void unknown_errno_has_a_name(void **state)
{
	const char *name;

	(void)state;
	name = errmap_name(-ENOTTY);
	assert_non_null(name);
	assert_string_not_equal(name, "ok");
	assert_string_not_equal(name, "");
	name = errmap_name(123456);
	assert_non_null(name);
	assert_string_not_equal(name, "ok");
	/* Every status the table produces has a proper name. */
	for (long status = 100; status < 600; status++) {
		int err = errmap_http_status(status);

		if (err)
			assert_string_not_equal(errmap_name(err), errmap_name(123456));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(success_is_zero),       cmocka_unit_test(client_errors_map_per_design),
		cmocka_unit_test(server_errors_are_eio), cmocka_unit_test(unexpected_statuses_are_eio),
		cmocka_unit_test(names_of_errnos),       cmocka_unit_test(unknown_errno_has_a_name),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
