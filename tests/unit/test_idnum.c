/* cmocka: 居民身份证号 (GB 11643) checks, masking and the SM3 holder digest. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ecert/alloc.h"
#include "ecert/idnum.h"

/* The standard's example (GB 11643-1999 annex) and the design's example record. */
#define EXAMPLE "11010519491231002X"
#define WANG "220102198503121230"

/* 16 bytes 00 01 … 0f, and SM3(salt || EXAMPLE) as computed by `openssl dgst -sm3`. */
#define SALT_B64 "AAECAwQFBgcICQoLDA0ODw"
#define EXAMPLE_SM3 "b6221c5c60287cfa0baa1c7c78b6dd19f4e87adb1d36491742216cb84a250a8e"

static const uint8_t salt[ECERT_IDNUM_SALT_LEN] = {0, 1, 2,  3,  4,  5,  6,  7,
                                                   8, 9, 10, 11, 12, 13, 14, 15};

static int setup(void **state)
{
	(void)state;
	/* a fixed "today" so the birth-date checks do not depend on the clock */
	return setenv("ECERT_NOW", "2025-03-01T10:00:00+08:00", 1);
}

/* An 18-character number with a valid check character: region + birth (YYYYMMDD) + seq. */
static void make_id(const char *region6, const char *birth8, const char *seq3, char out[19])
{
	char c;

	snprintf(out, 19, "%s%s%s", region6, birth8, seq3);
	assert_int_equal(ecert_idnum_check_char(out, &c, NULL), ECERT_OK);
	out[17] = c;
	out[18] = '\0';
}

static void test_examples(void **state)
{
	struct ecert_date b;
	struct ecert_error e;
	char c;

	(void)state;
	assert_int_equal(ecert_idnum_check_char("11010519491231002", &c, NULL), ECERT_OK);
	assert_int_equal(c, 'X');
	ecert_error_clear(&e);
	assert_int_equal(ecert_idnum_check(EXAMPLE, &b, &e), ECERT_OK);
	assert_int_equal(b.year, 1949);
	assert_int_equal(b.month, 12);
	assert_int_equal(b.day, 31);
	assert_int_equal(ecert_idnum_check(WANG, &b, NULL), ECERT_OK);
	assert_int_equal(b.year, 1985);
	assert_int_equal(b.month, 3);
	assert_int_equal(b.day, 12);
	/* lower-case x is the same check character */
	assert_int_equal(ecert_idnum_check("11010519491231002x", NULL, NULL), ECERT_OK);
	assert_int_equal(ecert_idnum_check(EXAMPLE, NULL, NULL), ECERT_OK);
}

static void test_every_single_change_fails(void **state)
{
	static const char chars[] = "0123456789X";
	char id[ECERT_IDNUM_LEN + 1];
	const char *bases[] = {EXAMPLE, WANG};

	(void)state;
	for (size_t k = 0; k < 2; k++) {
		for (int i = 0; i < ECERT_IDNUM_LEN; i++) {
			for (const char *c = chars; *c; c++) {
				struct ecert_error e;

				memcpy(id, bases[k], sizeof(id));
				if (*c == id[i] || (i < 17 && *c == 'X'))
					continue;
				id[i] = *c;
				ecert_error_clear(&e);
				if (ecert_idnum_check(id, NULL, &e) != ECERT_ERR_INVALID)
					fail_msg("accepted %s", id);
			}
		}
	}
	/* the message names the expected check character */
	{
		struct ecert_error e;

		ecert_error_clear(&e);
		assert_int_equal(ecert_idnum_check("110105194912310021", NULL, &e),
		                 ECERT_ERR_INVALID);
		assert_non_null(strstr(e.msg, "expected 'X'"));
	}
}

static void test_shape(void **state)
{
	struct ecert_error e;

	(void)state;
	ecert_error_clear(&e);
	assert_int_equal(ecert_idnum_check("11010519491231002", NULL, &e), ECERT_ERR_INVALID);
	assert_non_null(strstr(e.msg, "18 characters"));
	assert_int_equal(ecert_idnum_check(EXAMPLE "0", NULL, NULL), ECERT_ERR_INVALID);
	assert_int_equal(ecert_idnum_check("", NULL, NULL), ECERT_ERR_INVALID);
	assert_int_equal(ecert_idnum_check("1101051949123100 X", NULL, NULL), ECERT_ERR_INVALID);
	assert_int_equal(ecert_idnum_check("X10105194912310021", NULL, NULL), ECERT_ERR_INVALID);
	/* 15-digit first-generation numbers are not accepted */
	assert_int_equal(ecert_idnum_check("110105491231002", NULL, NULL), ECERT_ERR_INVALID);
	assert_int_equal(ecert_idnum_check(NULL, NULL, NULL), ECERT_ERR_ARG);
}

static void test_birth_dates(void **state)
{
	static const struct {
		const char *birth;
		int ok;
		const char *why;
	} tab[] = {
	    {"19000101", 1, NULL},
	    {"18991231", 0, "before 1900"},
	    {"20000229", 1, NULL},
	    {"19990229", 0, "not a real date"},
	    {"19001301", 0, "not a real date"},
	    {"19850431", 0, "not a real date"},
	    {"19850000", 0, "not a real date"},
	    {"20250301", 1, NULL},            /* born today */
	    {"20250302", 0, "in the future"}, /* tomorrow */
	    {"20991231", 0, "in the future"},
	};
	char id[ECERT_IDNUM_LEN + 1];
	struct ecert_date b;

	(void)state;
	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		struct ecert_error e;
		int rc;

		make_id("220102", tab[i].birth, "123", id);
		ecert_error_clear(&e);
		rc = ecert_idnum_check(id, &b, &e);
		if (tab[i].ok) {
			if (rc != ECERT_OK)
				fail_msg("%s: %s", id, e.msg);
		} else {
			if (rc != ECERT_ERR_INVALID)
				fail_msg("accepted %s", id);
			assert_non_null(strstr(e.msg, tab[i].why));
			assert_non_null(strstr(e.msg, "birth date"));
		}
	}
}

static void test_mask(void **state)
{
	char m[ECERT_IDNUM_LEN + 1];

	(void)state;
	assert_int_equal(ecert_idnum_mask(EXAMPLE, m, NULL), ECERT_OK);
	assert_string_equal(m, "110105********002X");
	assert_int_equal(ecert_idnum_mask("11010519491231002x", m, NULL), ECERT_OK);
	assert_string_equal(m, "110105********002X");
	assert_int_equal(ecert_idnum_mask(WANG, m, NULL), ECERT_OK);
	assert_string_equal(m, "220102********1230");
	assert_int_equal(ecert_idnum_mask("110105194912310021", m, NULL), ECERT_ERR_INVALID);
}

static void test_digest_known_answer(void **state)
{
	char d[ECERT_ID_DIGEST_SIZE];

	(void)state;
	assert_int_equal(sizeof(d), 92);
	assert_int_equal(ecert_idnum_digest(EXAMPLE, salt, d, NULL), ECERT_OK);
	assert_string_equal(d, "sm3:" SALT_B64 ":" EXAMPLE_SM3);
	/* lower-case x digests as X */
	assert_int_equal(ecert_idnum_digest("11010519491231002x", salt, d, NULL), ECERT_OK);
	assert_string_equal(d, "sm3:" SALT_B64 ":" EXAMPLE_SM3);
	assert_int_equal(ecert_idnum_digest("110105194912310021", salt, d, NULL),
	                 ECERT_ERR_INVALID);
}

static void test_digest_match(void **state)
{
	const char *good = "sm3:" SALT_B64 ":" EXAMPLE_SM3;
	char d[ECERT_ID_DIGEST_SIZE], bad[ECERT_ID_DIGEST_SIZE];
	struct ecert_error e;

	(void)state;
	assert_int_equal(ecert_idnum_digest_match(good, EXAMPLE, NULL), ECERT_OK);
	assert_int_equal(ecert_idnum_digest_match(good, "11010519491231002x", NULL), ECERT_OK);
	ecert_error_clear(&e);
	assert_int_equal(ecert_idnum_digest_match(good, WANG, &e), ECERT_ERR_HOLDER);
	assert_int_equal(e.code, ECERT_ERR_HOLDER);
	/* an invalid ID number is not a holder mismatch */
	assert_int_equal(ecert_idnum_digest_match(good, "110105194912310021", NULL),
	                 ECERT_ERR_INVALID);
	/* every changed digest character is either malformed or a mismatch */
	for (size_t i = 0; i < strlen(good); i++) {
		int rc;

		memcpy(bad, good, sizeof(bad));
		bad[i] = bad[i] == 'a' ? 'b' : 'a';
		rc = ecert_idnum_digest_match(bad, EXAMPLE, NULL);
		if (rc != ECERT_ERR_HOLDER && rc != ECERT_ERR_INVALID)
			fail_msg("changed character %zu: rc %d", i, rc);
	}
	/* malformed digests */
	assert_int_equal(
	    ecert_idnum_digest_match("sha256:" SALT_B64 ":" EXAMPLE_SM3, EXAMPLE, NULL),
	    ECERT_ERR_INVALID);
	assert_int_equal(ecert_idnum_digest_match("sm3:" SALT_B64 EXAMPLE_SM3 "0", EXAMPLE, NULL),
	                 ECERT_ERR_INVALID);
	assert_int_equal(
	    ecert_idnum_digest_match("sm3:AAECAwQFBgcICQoLDA0OD+:" EXAMPLE_SM3, EXAMPLE, NULL),
	    ECERT_ERR_INVALID);
	assert_int_equal(
	    ecert_idnum_digest_match("sm3:" SALT_B64 ":" EXAMPLE_SM3 "00", EXAMPLE, NULL),
	    ECERT_ERR_INVALID);
	memcpy(bad, good, sizeof(bad));
	bad[sizeof(bad) - 2] = 'g';
	assert_int_equal(ecert_idnum_digest_match(bad, EXAMPLE, NULL), ECERT_ERR_INVALID);
	assert_int_equal(ecert_idnum_digest_match("", EXAMPLE, NULL), ECERT_ERR_INVALID);
	assert_int_equal(ecert_idnum_digest_match(NULL, EXAMPLE, NULL), ECERT_ERR_ARG);
	/* round trip with fresh salts: different digests, both match */
	assert_int_equal(ecert_idnum_digest_random(WANG, d, NULL), ECERT_OK);
	assert_int_equal(ecert_idnum_digest_random(WANG, bad, NULL), ECERT_OK);
	assert_string_not_equal(d, bad);
	assert_int_equal(ecert_idnum_digest_match(d, WANG, NULL), ECERT_OK);
	assert_int_equal(ecert_idnum_digest_match(bad, WANG, NULL), ECERT_OK);
	assert_int_equal(ecert_idnum_digest_match(d, EXAMPLE, NULL), ECERT_ERR_HOLDER);
}

static void test_digest_alloc_failure(void **state)
{
	const char *good = "sm3:" SALT_B64 ":" EXAMPLE_SM3;
	char d[ECERT_ID_DIGEST_SIZE];
	int ok = 0;

	(void)state;
	/* fail the n-th allocation for every n until the call succeeds: never a wrong answer */
	for (long n = 0; n < 64 && !ok; n++) {
		int rc;

		ecert_alloc_fail_after(n);
		rc = ecert_idnum_digest(EXAMPLE, salt, d, NULL);
		ecert_alloc_fail_after(-1);
		if (rc == ECERT_OK) {
			assert_string_equal(d, good);
			ok = 1;
		} else {
			assert_int_equal(rc, ECERT_ERR_NOMEM);
		}
	}
	assert_true(ok);
	ok = 0;
	for (long n = 0; n < 64 && !ok; n++) {
		int rc;

		ecert_alloc_fail_after(n);
		rc = ecert_idnum_digest_match(good, EXAMPLE, NULL);
		ecert_alloc_fail_after(-1);
		if (rc == ECERT_OK)
			ok = 1;
		else
			assert_int_equal(rc, ECERT_ERR_NOMEM);
	}
	assert_true(ok);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_examples),     cmocka_unit_test(test_every_single_change_fails),
	    cmocka_unit_test(test_shape),        cmocka_unit_test(test_birth_dates),
	    cmocka_unit_test(test_mask),         cmocka_unit_test(test_digest_known_answer),
	    cmocka_unit_test(test_digest_match), cmocka_unit_test(test_digest_alloc_failure),
	};
	ecert_init();
	return cmocka_run_group_tests(tests, setup, NULL);
}
