/* cmocka: growable buffer and error context. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "ecert/alloc.h"
#include "ecert/buf.h"
#include "ecert/error.h"

static void test_append_and_take(void **state)
{
	struct ecert_buf b = ECERT_BUF_INIT;
	char *s;
	size_t n;

	(void)state;
	assert_int_equal(ecert_buf_puts(&b, "abc"), ECERT_OK);
	assert_int_equal(ecert_buf_printf(&b, "-%d-", 42), ECERT_OK);
	assert_int_equal(ecert_buf_putc(&b, 'z'), ECERT_OK);
	assert_int_equal(ecert_buf_ok(&b), ECERT_OK);
	s = ecert_buf_take(&b, &n);
	assert_string_equal(s, "abc-42-z");
	assert_int_equal(n, 8);
	assert_null(b.data);
	ecert_free(s);
}

static void test_bounded(void **state)
{
	struct ecert_buf b = ECERT_BUF_INIT;

	(void)state;
	b.max = 4;
	assert_int_equal(ecert_buf_puts(&b, "abcd"), ECERT_OK);
	assert_int_equal(ecert_buf_putc(&b, 'e'), ECERT_ERR_NOMEM);
	assert_int_equal(ecert_buf_ok(&b), ECERT_ERR_NOMEM);
	/* sticky: nothing more is appended */
	assert_int_equal(ecert_buf_puts(&b, ""), ECERT_ERR_NOMEM);
	assert_int_equal(b.len, 4);
	ecert_buf_free(&b);
}

static void test_alloc_failure(void **state)
{
	struct ecert_buf b = ECERT_BUF_INIT;

	(void)state;
	ecert_alloc_fail_after(0);
	assert_int_equal(ecert_buf_puts(&b, "x"), ECERT_ERR_NOMEM);
	ecert_alloc_fail_after(-1);
	ecert_buf_free(&b);
}

static void test_error_context(void **state)
{
	struct ecert_error e;

	(void)state;
	ecert_error_clear(&e);
	assert_int_equal(ecert_fail(&e, ECERT_ERR_INVALID, "bad %s", "thing"), ECERT_ERR_INVALID);
	ecert_error_where(&e, "idNumber");
	ecert_error_prefix(&e, "line %d", 7);
	assert_string_equal(e.where, "line 7: idNumber");
	assert_string_equal(e.msg, "bad thing");
	assert_string_equal(ecert_errname(ECERT_ERR_JSON_DUPKEY), "json_dupkey");
	for (int c = 0; c < ECERT_ERR__COUNT; c++)
		assert_string_not_equal(ecert_strerror(c), "unknown error");
	assert_string_equal(ecert_strerror(-1), "unknown error");
	assert_int_equal(ecert_fail(NULL, ECERT_ERR_IO, "x"), ECERT_ERR_IO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_append_and_take),
		cmocka_unit_test(test_bounded),
		cmocka_unit_test(test_alloc_failure),
		cmocka_unit_test(test_error_context),
	};
	ecert_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
