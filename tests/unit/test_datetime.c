/* cmocka: dates, RFC 3339 date-times, whole-year arithmetic (DESIGN §6 "满 N 年"). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ecert/alloc.h"
#include "ecert/datetime.h"

static struct ecert_date D(const char *s) {
	struct ecert_date d = {0, 0, 0};
	struct ecert_error e;

	ecert_error_clear(&e);
	if (ecert_date_parse(s, &d, &e) != ECERT_OK)
		fail_msg("test date %s did not parse: %s", s, e.msg);
	return d;
}

static void
test_leap(void **state)
{
	(void)state;
	assert_true(ecert_date_is_leap(2000));
	assert_true(ecert_date_is_leap(2024));
	assert_true(ecert_date_is_leap(1996));
	assert_false(ecert_date_is_leap(1900));
	assert_false(ecert_date_is_leap(2100));
	assert_false(ecert_date_is_leap(2023));
	assert_true(ecert_date_is_leap(1600));
}

static void test_date_parse_good(void **state)
{
	static const char *good[] = {"2024-02-29", "2000-02-29", "2023-02-28", "2023-12-31",
	                             "0001-01-01", "9999-12-31", "1970-01-01", "2023-04-30"};
	struct ecert_date d;
	char buf[11];

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		assert_int_equal(ecert_date_parse(good[i], &d, NULL), ECERT_OK);
		ecert_date_format(&d, buf);
		assert_string_equal(buf, good[i]);
	}
	d = D("2019-06-15");
	assert_int_equal(d.year, 2019);
	assert_int_equal(d.month, 6);
	assert_int_equal(d.day, 15);
}

static void test_date_parse_bad(void **state)
{
	static const char *bad[] = {
	    "2023-02-29", "2023-13-01",           "2023-1-01",
	    "2023-01-1",  "1900-02-29",           "2023-00-10",
	    "2023-01-00", "2023-04-31",           "0000-01-01",
	    "2023/01/01", "2023-01-01 ",          " 2023-01-01",
	    "20230101",   "2023-01-01T00:00:00Z", "",
	    "2023-0a-01", "+023-01-01",           "2023-01-32",
	    "2100-02-29",
	};
	struct ecert_date d = {1, 2, 3};
	struct ecert_error e;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ecert_error_clear(&e);
		assert_int_equal(ecert_date_parse(bad[i], &d, &e), ECERT_ERR_INVALID);
		assert_int_equal(e.code, ECERT_ERR_INVALID);
		assert_non_null(strstr(e.msg, "YYYY-MM-DD"));
	}
	/* out untouched on failure */
	assert_int_equal(d.year, 1);
	assert_int_equal(ecert_date_parse(NULL, &d, NULL), ECERT_ERR_ARG);
}

static void test_date_cmp(void **state)
{
	struct ecert_date a = D("2023-05-01"), b = D("2023-05-02"), c = D("2024-01-01");

	(void)state;
	assert_true(ecert_date_cmp(&a, &b) < 0);
	assert_true(ecert_date_cmp(&b, &a) > 0);
	assert_true(ecert_date_cmp(&b, &c) < 0);
	assert_int_equal(ecert_date_cmp(&a, &a), 0);
	a = D("2023-06-01");
	assert_true(ecert_date_cmp(&a, &b) > 0);
}

static void test_add_years(void **state)
{
	static const struct {
		const char *from;
		int n;
		const char *to;
	} tab[] = {
	    {"2020-02-29", 1, "2021-02-28"},   {"2020-02-29", 4, "2024-02-29"},
	    {"2020-02-29", 3, "2023-02-28"},   {"2019-03-01", 1, "2020-03-01"},
	    {"2019-06-15", 3, "2022-06-15"},   {"2024-02-29", -1, "2023-02-28"},
	    {"2000-02-29", 100, "2100-02-28"}, {"2023-12-31", 0, "2023-12-31"},
	};
	char buf[11];

	(void)state;
	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		struct ecert_date f = D(tab[i].from);
		struct ecert_date t = ecert_date_add_years(&f, tab[i].n);

		ecert_date_format(&t, buf);
		assert_string_equal(buf, tab[i].to);
	}
}

static void test_whole_years(void **state)
{
	static const struct {
		const char *from, *to;
		int years;
	} tab[] = {
	    /* exactly N years: holds on the anniversary day */
	    {"2019-06-15", "2022-06-15", 3},
	    /* one day short */
	    {"2019-06-15", "2022-06-14", 2},
	    {"2019-06-15", "2022-06-16", 3},
	    {"2019-01-01", "2019-12-31", 0},
	    {"2019-01-01", "2020-01-01", 1},
	    {"2018-12-31", "2019-01-01", 0},
	    /* 29 February: the anniversary in a non-leap year is 28 February */
	    {"2020-02-29", "2021-02-28", 1},
	    {"2020-02-29", "2021-02-27", 0},
	    {"2020-02-29", "2022-02-28", 2},
	    {"2020-02-29", "2024-02-28", 3},
	    {"2020-02-29", "2024-02-29", 4},
	    /* ends on 29 February */
	    {"2019-02-28", "2020-02-29", 1},
	    {"2019-03-01", "2020-02-29", 0},
	    {"2019-03-01", "2020-03-01", 1},
	    /* same day, and to before from */
	    {"2022-11-03", "2022-11-03", 0},
	    {"2022-11-03", "2021-11-03", 0},
	    {"2000-01-01", "2025-12-31", 25},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		struct ecert_date f = D(tab[i].from), t = D(tab[i].to);
		int got = ecert_date_whole_years(&f, &t);

		if (got != tab[i].years)
			fail_msg("%s → %s: %d years, want %d", tab[i].from, tab[i].to, got,
			         tab[i].years);
	}
}

static void test_time_parse_good(void **state)
{
	static const struct {
		const char *s;
		int64_t t;
	} tab[] = {
	    {"1970-01-01T00:00:00Z", 0},
	    {"1970-01-01T08:00:00+08:00", 0},
	    {"1969-12-31T16:00:00-08:00", 0},
	    {"2024-02-29T12:34:56Z", 1709210096},
	    {"2024-02-29T20:34:56+08:00", 1709210096},
	    {"2024-02-29T20:34:56.123+08:00", 1709210096},
	    {"2024-02-29T20:34:56.999999999+08:00", 1709210096},
	    {"2024-02-29T12:34:56.5Z", 1709210096},
	    {"2000-01-01T00:00:00+05:30", 946665000},
	    {"2023-12-31T23:59:59-00:00", 1704067199},
	    {"1960-06-01T00:00:00Z", -302486400},
	};
	int64_t t;
	struct ecert_error e;

	(void)state;
	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		ecert_error_clear(&e);
		if (ecert_time_parse(tab[i].s, &t, &e) != ECERT_OK)
			fail_msg("%s: %s", tab[i].s, e.msg);
		if (t != tab[i].t)
			fail_msg("%s: %lld, want %lld", tab[i].s, (long long)t,
			         (long long)tab[i].t);
	}
}

static void test_time_parse_bad(void **state)
{
	static const char *bad[] = {
	    "2024-02-29T12:34:56",             /* no offset */
	    "2024-02-29 12:34:56Z",            /* space, not T */
	    "2024-02-29t12:34:56Z",            /* lower-case t */
	    "2024-02-29T12:34:56z",            /* lower-case z */
	    "2023-02-29T12:00:00Z",            /* not a date */
	    "2024-02-29T24:00:00Z",            /* hour */
	    "2024-02-29T12:60:00Z",            /* minute */
	    "2024-02-29T12:00:60Z",            /* leap second */
	    "2024-02-29T12:00Z",               /* no seconds */
	    "2024-02-29T12:00:00.Z",           /* empty fraction */
	    "2024-02-29T12:00:00.1234567890Z", /* fraction too long */
	    "2024-02-29T12:00:00+0800",        /* offset without colon */
	    "2024-02-29T12:00:00+08",          /* short offset */
	    "2024-02-29T12:00:00+24:00",       /* offset hour */
	    "2024-02-29T12:00:00+08:60",       /* offset minute */
	    "2024-02-29T12:00:00Z ",           /* trailing */
	    "2024-02-29T12:00:00+08:00x",      /* trailing */
	    "2024-2-29T12:00:00Z",
	    "2024-02-29",
	    "",
	};
	int64_t t = 42;
	struct ecert_error e;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ecert_error_clear(&e);
		if (ecert_time_parse(bad[i], &t, &e) != ECERT_ERR_INVALID)
			fail_msg("accepted %s", bad[i]);
		assert_non_null(strstr(e.msg, "RFC 3339"));
	}
	assert_int_equal(t, 42);
}

static void test_time_format(void **state)
{
	char buf[26];
	int64_t t;

	(void)state;
	ecert_time_format(0, 1, buf);
	assert_string_equal(buf, "1970-01-01T00:00:00Z");
	ecert_time_format(0, 0, buf);
	assert_string_equal(buf, "1970-01-01T08:00:00+08:00");
	ecert_time_format(1709210096, 0, buf);
	assert_string_equal(buf, "2024-02-29T20:34:56+08:00");
	ecert_time_format(-1, 1, buf);
	assert_string_equal(buf, "1969-12-31T23:59:59Z");
	/* round trip */
	assert_int_equal(ecert_time_parse("2031-07-09T01:02:03+08:00", &t, NULL), ECERT_OK);
	ecert_time_format(t, 0, buf);
	assert_string_equal(buf, "2031-07-09T01:02:03+08:00");
}

static void test_date_of(void **state)
{
	struct ecert_date d;
	int64_t t;

	(void)state;
	/* 16:00 UTC is already the next day in China */
	assert_int_equal(ecert_time_parse("2023-12-31T16:00:00Z", &t, NULL), ECERT_OK);
	d = ecert_date_of(t);
	assert_int_equal(d.year, 2024);
	assert_int_equal(d.month, 1);
	assert_int_equal(d.day, 1);
	d = ecert_date_of(t - 1);
	assert_int_equal(d.year, 2023);
	assert_int_equal(d.month, 12);
	assert_int_equal(d.day, 31);
	d = ecert_date_of(-8 * 3600 - 1); /* before the epoch, 23:59:59 in China */
	assert_int_equal(d.year, 1969);
	assert_int_equal(d.month, 12);
	assert_int_equal(d.day, 31);
	d = ecert_date_of(-8 * 3600);
	assert_int_equal(d.year, 1970);
	assert_int_equal(d.day, 1);
	assert_int_equal(ecert_time_parse("1900-03-01T00:00:00+08:00", &t, NULL), ECERT_OK);
	d = ecert_date_of(t);
	assert_int_equal(d.year, 1900);
	assert_int_equal(d.month, 3);
	assert_int_equal(d.day, 1);
}

static void test_now_override(void **state)
{
	int64_t t;
	struct ecert_date d;

	(void)state;
	assert_int_equal(setenv("ECERT_NOW", "2025-03-01T00:30:00+08:00", 1), 0);
	t = ecert_time_now();
	d = ecert_date_of(t);
	assert_int_equal(d.year, 2025);
	assert_int_equal(d.month, 3);
	assert_int_equal(d.day, 1);
	/* garbage is ignored: the real clock is used (after 2024 for sure) */
	assert_int_equal(setenv("ECERT_NOW", "yesterday", 1), 0);
	assert_true(ecert_time_now() > 1704067200);
	unsetenv("ECERT_NOW");
	assert_true(ecert_time_now() > 1704067200);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_leap),
	    cmocka_unit_test(test_date_parse_good),
	    cmocka_unit_test(test_date_parse_bad),
	    cmocka_unit_test(test_date_cmp),
	    cmocka_unit_test(test_add_years),
	    cmocka_unit_test(test_whole_years),
	    cmocka_unit_test(test_time_parse_good),
	    cmocka_unit_test(test_time_parse_bad),
	    cmocka_unit_test(test_time_format),
	    cmocka_unit_test(test_date_of),
	    cmocka_unit_test(test_now_override),
	};
	ecert_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
