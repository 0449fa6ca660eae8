/* ecert_strfmt: the same text as snprintf for the conversions it formats itself, the
 * same as vsnprintf for the others, and a cut at a UTF-8 character boundary. */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ecert/strfmt.h"

#define BIG 512

static void test_like_snprintf(void **state)
{
	char a[BIG], b[BIG];

	(void)state;
	ecert_strfmt(a, sizeof(a), "key %s of %s is in the trust list (version %ld)", "kid", "厅",
	             42L);
	snprintf(b, sizeof(b), "key %s of %s is in the trust list (version %ld)", "kid", "厅", 42L);
	assert_string_equal(a, b);
	ecert_strfmt(a, sizeof(a), "%d %d %d %ld %ld %zu %zu", 0, -1, INT_MIN, LONG_MAX, LONG_MIN,
	             (size_t)0, SIZE_MAX);
	snprintf(b, sizeof(b), "%d %d %d %ld %ld %zu %zu", 0, -1, INT_MIN, LONG_MAX, LONG_MIN,
	         (size_t)0, SIZE_MAX);
	assert_string_equal(a, b);
	ecert_strfmt(a, sizeof(a), "%s%s%s", "", "x", "");
	assert_string_equal(a, "x");
	ecert_strfmt(a, sizeof(a), "no conversions");
	assert_string_equal(a, "no conversions");
	ecert_strfmt(a, sizeof(a), "%s", "");
	assert_string_equal(a, "");
	/* other conversions: vsnprintf */
	ecert_strfmt(a, sizeof(a), "%s %05.1f %x %%", "v", 3.14159, 255u);
	snprintf(b, sizeof(b), "%s %05.1f %x %%", "v", 3.14159, 255u);
	assert_string_equal(a, b);
	ecert_strfmt(a, sizeof(a), "%.*s|", 2, "abcdef");
	assert_string_equal(a, "ab|");
}

/* Every cut of an ASCII message is snprintf's cut. */
static void test_cut_ascii(void **state)
{
	char a[64], b[64];
	size_t cap;

	(void)state;
	for (cap = 1; cap <= sizeof(a); cap++) {
		ecert_strfmt(a, cap, "valid from %s until %s (%zu)", "2024-01-01T00:00:00+08:00",
		             "2029-01-01", (size_t)12345);
		snprintf(b, cap, "valid from %s until %s (%zu)", "2024-01-01T00:00:00+08:00",
		         "2029-01-01", (size_t)12345);
		assert_string_equal(a, b);
	}
}

static int utf8_whole(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		size_t n = *p < 0x80 ? 1 : *p >= 0xF0 ? 4 : *p >= 0xE0 ? 3 : 2, i;

		for (i = 1; i < n; i++)
			if ((p[i] & 0xC0) != 0x80)
				return 0;
		p += n;
	}
	return 1;
}

/* A cut never leaves part of a character, and keeps every whole one that fits. */
static void test_cut_utf8(void **state)
{
	const char *msg = "自 2024-01-01 起有效，至 𠀋 2029 年";
	char full[BIG], a[BIG];
	size_t cap, len;

	(void)state;
	ecert_strfmt(full, sizeof(full), "%s%s", "自 ", msg + strlen("自 "));
	assert_string_equal(full, msg);
	for (cap = 1; cap <= strlen(msg) + 1; cap++) {
		ecert_strfmt(a, cap, "%s 起有效，至 %s 2029 年", "自 2024-01-01", "𠀋");
		len = strlen(a);
		assert_true(len < cap);
		assert_true(utf8_whole(a));
		assert_memory_equal(a, msg, len);
		/* nothing dropped that would have fitted: the next character is too long */
		if (len < strlen(msg)) {
			unsigned char c = (unsigned char)msg[len];
			size_t n = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;

			assert_true(len + n > cap - 1);
		}
	}
	/* a cut in the literal text, too */
	ecert_strfmt(a, 5, "签名%s", "x");
	assert_string_equal(a, "签");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_like_snprintf),
		cmocka_unit_test(test_cut_ascii),
		cmocka_unit_test(test_cut_utf8),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
