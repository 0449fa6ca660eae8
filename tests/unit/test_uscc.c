/* cmocka: 统一社会信用代码 (GB 32100) and urn:uscc identifiers. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "ecert/alloc.h"
#include "ecert/uscc.h"

/* 吉林省人力资源和社会保障厅, from the policy's index number */
#define JL_HRSS "11220000013544525W"

static const char alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

static void test_known_good(void **state)
{
	char c;
	struct ecert_error e;

	(void)state;
	ecert_error_clear(&e);
	assert_int_equal(ecert_uscc_check(JL_HRSS, &e), ECERT_OK);
	assert_int_equal(ecert_uscc_check_char("11220000013544525", &c, NULL), ECERT_OK);
	assert_int_equal(c, 'W');
	/* a code whose check character comes out as 0: (31 - 0) mod 31 */
	assert_int_equal(ecert_uscc_check_char("00000000000000000", &c, NULL), ECERT_OK);
	assert_int_equal(c, '0');
	assert_int_equal(ecert_uscc_check("000000000000000000", NULL), ECERT_OK);
}

static void test_every_single_change_fails(void **state)
{
	char code[ECERT_USCC_LEN + 1];
	struct ecert_error e;

	(void)state;
	for (int i = 0; i < ECERT_USCC_LEN; i++) {
		for (const char *a = alphabet; *a; a++) {
			if (*a == JL_HRSS[i])
				continue;
			memcpy(code, JL_HRSS, sizeof(code));
			code[i] = *a;
			ecert_error_clear(&e);
			if (ecert_uscc_check(code, &e) != ECERT_ERR_INVALID)
				fail_msg("accepted %s", code);
		}
	}
	/* swapping two different neighbours is caught too */
	memcpy(code, JL_HRSS, sizeof(code));
	code[9] = JL_HRSS[10];
	code[10] = JL_HRSS[9];
	assert_int_equal(ecert_uscc_check(code, NULL), ECERT_ERR_INVALID);
}

static void test_excluded_letters(void **state)
{
	static const char excluded[] = "IOZSVa";
	char code[ECERT_USCC_LEN + 1];
	struct ecert_error e;

	(void)state;
	for (const char *x = excluded; *x; x++) {
		/* in the body, at a position that may hold letters */
		memcpy(code, JL_HRSS, sizeof(code));
		code[1] = *x;
		ecert_error_clear(&e);
		assert_int_equal(ecert_uscc_check(code, &e), ECERT_ERR_INVALID);
		assert_non_null(strstr(e.msg, "character 2"));
		/* as the check character */
		memcpy(code, JL_HRSS, sizeof(code));
		code[17] = *x;
		ecert_error_clear(&e);
		assert_int_equal(ecert_uscc_check(code, &e), ECERT_ERR_INVALID);
		assert_non_null(strstr(e.msg, "check character"));
	}
}

static void test_shape(void **state)
{
	struct ecert_error e;
	char c;

	(void)state;
	ecert_error_clear(&e);
	assert_int_equal(ecert_uscc_check("11220000013544525", &e), ECERT_ERR_INVALID);
	assert_non_null(strstr(e.msg, "18 characters"));
	assert_int_equal(ecert_uscc_check(JL_HRSS "0", NULL), ECERT_ERR_INVALID);
	assert_int_equal(ecert_uscc_check("", NULL), ECERT_ERR_INVALID);
	assert_int_equal(ecert_uscc_check(NULL, NULL), ECERT_ERR_ARG);
	assert_int_equal(ecert_uscc_check_char("1122", &c, NULL), ECERT_ERR_INVALID);
	/* a letter in the division code, with a matching check character */
	assert_int_equal(ecert_uscc_check_char("11A20000013544525", &c, NULL), ECERT_OK);
	{
		char code[ECERT_USCC_LEN + 1] = "11A20000013544525";

		code[17] = c;
		code[18] = '\0';
		ecert_error_clear(&e);
		assert_int_equal(ecert_uscc_check(code, &e), ECERT_ERR_INVALID);
		assert_non_null(strstr(e.msg, "division code"));
	}
}

static void test_urn(void **state)
{
	char urn[ECERT_USCC_URN_SIZE];
	char code[ECERT_USCC_LEN + 1];

	(void)state;
	assert_int_equal(sizeof(urn), 28);
	assert_int_equal(ecert_uscc_urn(JL_HRSS, urn, NULL), ECERT_OK);
	assert_string_equal(urn, "urn:uscc:" JL_HRSS);
	assert_int_equal(ecert_uscc_from_urn(urn, code, NULL), ECERT_OK);
	assert_string_equal(code, JL_HRSS);
	assert_int_equal(ecert_uscc_urn("11220000013544525X", urn, NULL), ECERT_ERR_INVALID);
	assert_int_equal(ecert_uscc_from_urn("urn:uscc:11220000013544525X", code, NULL),
	                 ECERT_ERR_INVALID);
	assert_int_equal(ecert_uscc_from_urn("urn:usc:" JL_HRSS, code, NULL), ECERT_ERR_INVALID);
	assert_int_equal(ecert_uscc_from_urn(JL_HRSS, code, NULL), ECERT_ERR_INVALID);
	assert_int_equal(ecert_uscc_from_urn("urn:uscc:" JL_HRSS "#k", code, NULL),
	                 ECERT_ERR_INVALID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_known_good),
	    cmocka_unit_test(test_every_single_change_fails),
	    cmocka_unit_test(test_excluded_letters),
	    cmocka_unit_test(test_shape),
	    cmocka_unit_test(test_urn),
	};
	ecert_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
