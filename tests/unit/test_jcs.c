/* cmocka: RFC 8785 canonicalization — the RFC's vectors byte for byte, ECMAScript number
 * forms, UTF-16 member order, string escapes, stability, and the failure paths. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "ecert/alloc.h"
#include "ecert/buf.h"
#include "ecert/file.h"
#include "ecert/jcs.h"
#include "ecert/json.h"

#define JCS_DIR ECERT_TEST_DATA "/vectors/jcs"

static const char *const vectors[] = {"arrays", "french", "structures",
				      "unicode", "values", "weird"};

static void read_file(const char *path, struct ecert_buf *b)
{
	struct ecert_error e;

	ecert_error_clear(&e);
	if (ecert_file_read(path, 0, b, &e) != ECERT_OK)
		fail_msg("%s: %s", e.where, e.msg);
}

/* JCS of a JSON text, as a NUL-terminated string the caller frees. */
static char *canon(const char *text, size_t len)
{
	struct ecert_buf b = ECERT_BUF_INIT;
	struct ecert_error e;
	cJSON *v = NULL;

	ecert_error_clear(&e);
	if (ecert_json_parse(text, len, NULL, &v, &e) != ECERT_OK)
		fail_msg("parse <%.*s>: %s at %s", (int)len, text, e.msg, e.where);
	assert_int_equal(ecert_jcs_serialize(v, &b, &e), ECERT_OK);
	cJSON_Delete(v);
	return ecert_buf_take(&b, NULL);
}

static char *canon_s(const char *text)
{
	return canon(text, strlen(text));
}

static void test_rfc8785_vectors(void **state)
{
	char path[512];
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		struct ecert_buf in = ECERT_BUF_INIT, want = ECERT_BUF_INIT;
		char *got;

		snprintf(path, sizeof(path), JCS_DIR "/input/%s.json", vectors[i]);
		read_file(path, &in);
		snprintf(path, sizeof(path), JCS_DIR "/output/%s.json", vectors[i]);
		read_file(path, &want);
		got = canon((const char *)in.data, in.len);
		n = strlen(got);
		if (n != want.len || memcmp(got, want.data, n) != 0)
			fail_msg("%s:\n got  %s\n want %s", vectors[i], got, want.data);
		ecert_free(got);
		ecert_buf_free(&in);
		ecert_buf_free(&want);
	}
}

/* parse → JCS → parse → JCS gives the same bytes: the canonical form is a fixed point */
static void test_round_trip(void **state)
{
	static const char *const more[] = {
		ECERT_TEST_DATA "/vectors/w3c-eddsa-jcs-2022/signedJCS.json",
		ECERT_TEST_DATA "/vectors/w3c-ecdsa-jcs-2019-p256/signedJCSECDSAP256.json",
		ECERT_TEST_DATA "/vectors/sm2-jcs-2025/signed.json",
	};
	char path[512];
	size_t i, nv = sizeof(vectors) / sizeof(vectors[0]);

	(void)state;
	for (i = 0; i < nv + sizeof(more) / sizeof(more[0]); i++) {
		struct ecert_buf in = ECERT_BUF_INIT;
		char *once, *twice;

		if (i < nv)
			snprintf(path, sizeof(path), JCS_DIR "/input/%s.json", vectors[i]);
		else
			snprintf(path, sizeof(path), "%s", more[i - nv]);
		read_file(path, &in);
		once = canon((const char *)in.data, in.len);
		twice = canon(once, strlen(once));
		assert_string_equal(once, twice);
		ecert_free(once);
		ecert_free(twice);
		ecert_buf_free(&in);
	}
}

/* The W3C eddsa-jcs-2022 vector gives the canonical document (without its proof). */
static void test_w3c_canonical_document(void **state)
{
	struct ecert_buf in = ECERT_BUF_INIT, want = ECERT_BUF_INIT, got = ECERT_BUF_INIT;
	struct ecert_error e;
	cJSON *v = NULL;

	(void)state;
	read_file(ECERT_TEST_DATA "/vectors/w3c-eddsa-jcs-2022/signedJCS.json", &in);
	read_file(ECERT_TEST_DATA "/vectors/w3c-eddsa-jcs-2022/canonDocJCS.txt", &want);
	assert_int_equal(ecert_json_parse((const char *)in.data, in.len, NULL, &v, &e), ECERT_OK);
	cJSON_DeleteItemFromObjectCaseSensitive(v, "proof");
	assert_int_equal(ecert_jcs_serialize(v, &got, &e), ECERT_OK);
	while (want.len && (want.data[want.len - 1] == '\n' || want.data[want.len - 1] == '\r'))
		want.len--;
	assert_int_equal(got.len, want.len);
	assert_memory_equal(got.data, want.data, want.len);
	cJSON_Delete(v);
	ecert_buf_free(&in);
	ecert_buf_free(&want);
	ecert_buf_free(&got);
}

static const struct {
	double d;
	const char *want;
} number_table[] = {
	{0.0, "0"},
	{-0.0, "0"},
	{1.0, "1"},
	{-1.0, "-1"},
	{5e-324, "5e-324"},
	{-5e-324, "-5e-324"},
	{1e-323, "1e-323"},
	{2.2250738585072014e-308, "2.2250738585072014e-308"}, /* smallest normal */
	{2.225073858507201e-308, "2.225073858507201e-308"},   /* largest subnormal */
	{1.7976931348623157e308, "1.7976931348623157e+308"},
	{-1.7976931348623157e308, "-1.7976931348623157e+308"},
	{9007199254740992.0, "9007199254740992"},
	{9007199254740993.0, "9007199254740992"}, /* not a double: rounds to 2^53 */
	{9007199254740994.0, "9007199254740994"},
	{0.1 + 0.2, "0.30000000000000004"},
	{0.1, "0.1"},
	{1.0 / 3.0, "0.3333333333333333"},
	{1e21, "1e+21"},
	{1e20, "100000000000000000000"},
	{999999999999999900000.0, "999999999999999900000"},
	{123456789012345680000.0, "123456789012345680000"},
	{295147905179352830000.0, "295147905179352830000"}, /* 2^68 */
	{1e23, "1e+23"},
	{1e-6, "0.000001"},
	{1.234e-6, "0.000001234"},
	{1e-7, "1e-7"},
	{-1e-7, "-1e-7"},
	{5e-7, "5e-7"},
	{123e-20, "1.23e-18"},
	{4.5, "4.5"},
	{4.35, "4.35"},
	{0.002, "0.002"},
	{1e30, "1e+30"},
	{1.5e300, "1.5e+300"},
	{333333333.33333329, "333333333.3333333"},
	{1e-27, "1e-27"},
	{56.0, "56"},
	{100.0, "100"},
	{1234.5678, "1234.5678"},
	{-123.456, "-123.456"},
	/* powers of two where the rounding interval is lopsided: the nearest 16-digit
	 * decimal does not read back, its neighbour above does */
	{0x1p-24, "5.960464477539063e-8"},
	{0x1p-44, "5.684341886080802e-14"},
	{0x1p53, "9007199254740992"},
	{0x1p-1022, "2.2250738585072014e-308"},
	{0x1p1023, "8.98846567431158e+307"},
};

static void test_numbers(void **state)
{
	char out[ECERT_JCS_NUMBER_MAX];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(number_table) / sizeof(number_table[0]); i++) {
		assert_int_equal(ecert_jcs_number(number_table[i].d, out), ECERT_OK);
		if (strcmp(out, number_table[i].want) != 0)
			fail_msg("%.17g: got %s, want %s", number_table[i].d, out,
				 number_table[i].want);
	}
}

/* numbers as written in JSON text, through the parser */
static void test_numbers_from_text(void **state)
{
	static const struct {
		const char *in, *want;
	} t[] = {
		{"[9007199254740993]", "[9007199254740992]"},
		{"[-0]", "[0]"},
		{"[-0.0e-5]", "[0]"},
		{"[1e-400]", "[0]"},
		{"[1E30,4.50,2e-3,0.000000000000000000000000001]", "[1e+30,4.5,0.002,1e-27]"},
		{"[333333333.33333329]", "[333333333.3333333]"},
		{"[1e21,1e20,1E+20]", "[1e+21,100000000000000000000,100000000000000000000]"},
		{"[0.0000010,0.00000010]", "[0.000001,1e-7]"},
		{"[1.7976931348623157e308]", "[1.7976931348623157e+308]"},
		{"[4.9406564584124654e-324]", "[5e-324]"},
		{"[100000000000000000000000000000000000000000]", "[1e+41]"},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		char *got = canon(t[i].in, strlen(t[i].in));

		assert_string_equal(got, t[i].want);
		ecert_free(got);
	}
}

static void test_nan_inf(void **state)
{
	char out[ECERT_JCS_NUMBER_MAX];
	struct ecert_buf b = ECERT_BUF_INIT;
	struct ecert_error e;
	cJSON *arr;

	(void)state;
	assert_int_equal(ecert_jcs_number(NAN, out), ECERT_ERR_JSON_NUMBER);
	assert_string_equal(out, "");
	assert_int_equal(ecert_jcs_number(INFINITY, out), ECERT_ERR_JSON_NUMBER);
	assert_int_equal(ecert_jcs_number(-INFINITY, out), ECERT_ERR_JSON_NUMBER);
	/* in a tree: rejected, and the buffer is left as it was */
	arr = cJSON_CreateArray();
	assert_non_null(arr);
	cJSON_AddItemToArray(arr, cJSON_CreateNumber(1));
	cJSON_AddItemToArray(arr, cJSON_CreateNumber(NAN));
	ecert_buf_puts(&b, "prefix");
	ecert_error_clear(&e);
	assert_int_equal(ecert_jcs_serialize(arr, &b, &e), ECERT_ERR_JSON_NUMBER);
	assert_int_equal(e.code, ECERT_ERR_JSON_NUMBER);
	assert_int_equal(b.len, 6);
	assert_string_equal((const char *)b.data, "prefix");
	cJSON_Delete(arr);
	ecert_buf_free(&b);
}

/* RFC 8785 §3.2.3: keys sorted by UTF-16 code units, so a character above U+FFFF (a
 * surrogate pair, 0xD800..) sorts before U+E000..U+FFFF although its code point and its
 * UTF-8 bytes are larger. */
/* ecert_jcs_serialize_edited gives what serializing an edited copy gives. */
static void test_serialize_edited(void **state)
{
	static const char doc[] = "{\"z\":1,\"proof\":{\"b\":[1,2],\"a\":\"x\"},\"@context\":"
				  "[\"https://www.w3.org/ns/credentials/v2\"],\"\u00e9\":true}";
	struct ecert_buf b = ECERT_BUF_INIT;
	struct ecert_error e;
	cJSON *v = NULL, *copy, *ctx;
	char *want;

	(void)state;
	ecert_error_clear(&e);
	assert_int_equal(ecert_json_parse(doc, strlen(doc), NULL, &v, &e), ECERT_OK);
	/* omit a member */
	copy = cJSON_Duplicate(v, 1);
	cJSON_DeleteItemFromObjectCaseSensitive(copy, "proof");
	assert_int_equal(ecert_jcs_serialize(copy, &b, &e), ECERT_OK);
	want = ecert_buf_take(&b, NULL);
	assert_int_equal(ecert_jcs_serialize_edited(v, "proof", NULL, NULL, &b, &e), ECERT_OK);
	assert_string_equal((const char *)b.data, want);
	ecert_free(want);
	cJSON_Delete(copy);
	/* omit one and add another (sorted into place), the original untouched */
	b.len = 0;
	ctx = cJSON_GetObjectItemCaseSensitive(v, "@context");
	assert_int_equal(ecert_jcs_serialize_edited(cJSON_GetObjectItemCaseSensitive(v, "proof"),
						    "b", "@context", ctx, &b, &e),
			 ECERT_OK);
	assert_string_equal((const char *)b.data,
			    "{\"@context\":[\"https://www.w3.org/ns/credentials/v2\"],\"a\":\"x\"}");
	b.len = 0;
	assert_int_equal(ecert_jcs_serialize(v, &b, &e), ECERT_OK);
	assert_non_null(strstr((const char *)b.data, "\"proof\":{\"a\":\"x\",\"b\":[1,2]}"));
	/* omitting everything; an absent member to omit */
	b.len = 0;
	assert_int_equal(ecert_jcs_serialize_edited(v,
						    "nothing", NULL, NULL, &b, &e),
			 ECERT_OK);
	/* adding a key the object has is a duplicate; not an object is an argument error;
	 * the buffer is left as it was */
	ecert_buf_free(&b);
	ecert_buf_puts(&b, "keep");
	assert_int_equal(ecert_jcs_serialize_edited(v, NULL, "z", ctx, &b, &e),
			 ECERT_ERR_JSON_DUPKEY);
	assert_string_equal((const char *)b.data, "keep");
	assert_int_equal(ecert_jcs_serialize_edited(ctx, NULL, NULL, NULL, &b, &e), ECERT_ERR_ARG);
	assert_int_equal(ecert_jcs_serialize_edited(v, NULL, "k", NULL, &b, &e), ECERT_ERR_ARG);
	assert_string_equal((const char *)b.data, "keep");
	ecert_buf_free(&b);
	cJSON_Delete(v);
}

static void test_key_order(void **state)
{
	static const char in[] = "{\"\\uffff\":1,\"\\ue000\":2,\"\\ud800\\udc00\":3,"
				 "\"\\ud83d\\ude02\":4,\"\\ud7ff\":5,\"\\udbff\\udfff\":6,"
				 "\"ab\":7,\"a\":8,\"\":9,\"b\":10,\"\\u00ff\":11,\"B\":12}";
	static const char want[] = "{\"\":9,\"B\":12,\"a\":8,\"ab\":7,\"b\":10,\"\xC3\xBF\":11,"
				   "\"\xED\x9F\xBF\":5,\"\xF0\x90\x80\x80\":3,"
				   "\"\xF0\x9F\x98\x82\":4,\"\xF4\x8F\xBF\xBF\":6,"
				   "\"\xEE\x80\x80\":2,\"\xEF\xBF\xBF\":1}";
	char *got;

	(void)state;
	got = canon(in, sizeof(in) - 1);
	assert_string_equal(got, want);
	ecert_free(got);
	/* nested objects are sorted too, arrays keep their order */
	got = canon_s("{\"b\":[{\"z\":1,\"y\":2},3,1],\"a\":{\"d\":{},\"c\":[]}}");
	assert_string_equal(got, "{\"a\":{\"c\":[],\"d\":{}},\"b\":[{\"y\":2,\"z\":1},3,1]}");
	ecert_free(got);
}

static void test_string_escapes(void **state)
{
	struct ecert_buf in = ECERT_BUF_INIT, want = ECERT_BUF_INIT;
	char *got;
	int c;

	(void)state;
	/* every control character, escaped in the input, comes out in the minimal form */
	ecert_buf_puts(&in, "\"");
	ecert_buf_puts(&want, "\"");
	for (c = 1; c < 0x20; c++) {
		ecert_buf_printf(&in, "\\u%04X", c);
		switch (c) {
		case '\b':
			ecert_buf_puts(&want, "\\b");
			break;
		case '\t':
			ecert_buf_puts(&want, "\\t");
			break;
		case '\n':
			ecert_buf_puts(&want, "\\n");
			break;
		case '\f':
			ecert_buf_puts(&want, "\\f");
			break;
		case '\r':
			ecert_buf_puts(&want, "\\r");
			break;
		default:
			ecert_buf_printf(&want, "\\u%04x", c);
		}
	}
	/* quote and backslash escaped; solidus, DEL, U+2028 and non-ASCII written raw */
	ecert_buf_puts(&in, "\\\"\\\\\\/\x7f\\u2028\\u00e9\xE5\x90\x89\\ud83d\\ude02</script>\"");
	ecert_buf_puts(&want, "\\\"\\\\/\x7f\xE2\x80\xA8\xC3\xA9\xE5\x90\x89\xF0\x9F\x98\x82"
			      "</script>\"");
	assert_int_equal(ecert_buf_ok(&in), ECERT_OK);
	assert_int_equal(ecert_buf_ok(&want), ECERT_OK);
	got = canon((const char *)in.data, in.len);
	assert_string_equal(got, (const char *)want.data);
	assert_non_null(strstr(got, "\\u001f"));
	assert_non_null(strstr(got, "\\u000b"));
	ecert_free(got);
	ecert_buf_free(&in);
	ecert_buf_free(&want);
}

/* Trees not from the parser: bad UTF-8, duplicate keys, too deep, odd node types. */
static void test_bad_trees(void **state)
{
	struct ecert_buf b = ECERT_BUF_INIT;
	struct ecert_error e;
	cJSON *v, *inner;
	int i;

	(void)state;
	v = cJSON_CreateString("\xC0\x80");
	assert_int_equal(ecert_jcs_serialize(v, &b, &e), ECERT_ERR_JSON_UTF8);
	cJSON_Delete(v);
	v = cJSON_CreateString("\xED\xA0\x80");
	assert_int_equal(ecert_jcs_serialize(v, &b, &e), ECERT_ERR_JSON_UTF8);
	cJSON_Delete(v);
	v = cJSON_CreateString("ab\xE2\x82");
	assert_int_equal(ecert_jcs_serialize(v, &b, &e), ECERT_ERR_JSON_UTF8);
	cJSON_Delete(v);
	v = cJSON_CreateObject();
	cJSON_AddNumberToObject(v, "\xF4\x90\x80\x80", 1);
	assert_int_equal(ecert_jcs_serialize(v, &b, &e), ECERT_ERR_JSON_UTF8);
	cJSON_Delete(v);
	v = cJSON_CreateObject();
	cJSON_AddNumberToObject(v, "k", 1);
	cJSON_AddNumberToObject(v, "j", 1);
	cJSON_AddNumberToObject(v, "k", 2);
	assert_int_equal(ecert_jcs_serialize(v, &b, &e), ECERT_ERR_JSON_DUPKEY);
	cJSON_Delete(v);
	v = cJSON_CreateRaw("1");
	assert_int_equal(ecert_jcs_serialize(v, &b, &e), ECERT_ERR_ARG);
	cJSON_Delete(v);
	assert_int_equal(ecert_jcs_serialize(NULL, &b, &e), ECERT_ERR_ARG);
	assert_int_equal(b.len, 0);

	/* nesting: the ceiling passes, one more fails */
	v = cJSON_CreateArray();
	inner = v;
	for (i = 1; i < ECERT_JSON_DEPTH_CEILING; i++) {
		cJSON *a = cJSON_CreateArray();

		cJSON_AddItemToArray(inner, a);
		inner = a;
	}
	assert_int_equal(ecert_jcs_serialize(v, &b, &e), ECERT_OK);
	assert_int_equal(b.len, 2 * ECERT_JSON_DEPTH_CEILING);
	ecert_buf_free(&b);
	cJSON_AddItemToArray(inner, cJSON_CreateObject());
	assert_int_equal(ecert_jcs_serialize(v, &b, &e), ECERT_ERR_JSON_DEPTH);
	assert_int_equal(b.len, 0);
	cJSON_Delete(v);
	ecert_buf_free(&b);
}

/* Scalars at the top, and the buffer's own bound reported as out of memory. */
static void test_scalars_and_bound(void **state)
{
	struct ecert_buf b = ECERT_BUF_INIT;
	struct ecert_error e;
	char *got;

	(void)state;
	got = canon_s(" true ");
	assert_string_equal(got, "true");
	ecert_free(got);
	got = canon_s("null");
	assert_string_equal(got, "null");
	ecert_free(got);
	got = canon_s("\"x\"");
	assert_string_equal(got, "\"x\"");
	ecert_free(got);
	got = canon_s("[false,{},[],\"\"]");
	assert_string_equal(got, "[false,{},[],\"\"]");
	ecert_free(got);

	b.max = 5;
	{
		cJSON *v = cJSON_Parse("[1,2,3]");

		assert_int_equal(ecert_jcs_serialize(v, &b, &e), ECERT_ERR_NOMEM);
		cJSON_Delete(v);
	}
	ecert_buf_free(&b);
}

/* A locale whose decimal point is a comma must not change the output. */
static void test_locale(void **state)
{
	static const char *const names[] = {"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8",
					    "fr_FR.utf8", "ru_RU.UTF-8", "de_DE", NULL};
	char out[ECERT_JCS_NUMBER_MAX];
	const char *const *n;
	char *got;

	(void)state;
	for (n = names; *n; n++)
		if (setlocale(LC_NUMERIC, *n))
			break;
	if (!*n || strcmp(localeconv()->decimal_point, ",") != 0) {
		setlocale(LC_NUMERIC, "C");
		skip(); /* no comma locale installed */
	}
	assert_int_equal(ecert_jcs_number(333333333.33333329, out), ECERT_OK);
	assert_string_equal(out, "333333333.3333333");
	assert_int_equal(ecert_jcs_number(0x1p-24, out), ECERT_OK);
	assert_string_equal(out, "5.960464477539063e-8");
	assert_int_equal(ecert_jcs_number(1.5e-7, out), ECERT_OK);
	assert_string_equal(out, "1.5e-7");
	got = canon_s("[4.50,2e-3,0.1]");
	assert_string_equal(got, "[4.5,0.002,0.1]");
	ecert_free(got);
	setlocale(LC_NUMERIC, "C");
}

static void test_alloc_failure(void **state)
{
	struct ecert_buf in = ECERT_BUF_INIT, ref = ECERT_BUF_INIT;
	struct ecert_error e;
	cJSON *v = NULL;
	long n;

	(void)state;
	read_file(JCS_DIR "/input/weird.json", &in);
	assert_int_equal(ecert_json_parse((const char *)in.data, in.len, NULL, &v, &e), ECERT_OK);
	assert_int_equal(ecert_jcs_serialize(v, &ref, &e), ECERT_OK);
	for (n = 0;; n++) {
		struct ecert_buf b = ECERT_BUF_INIT;
		int rc;

		assert_true(n < 10000);
		ecert_alloc_fail_after(n);
		rc = ecert_jcs_serialize(v, &b, &e);
		ecert_alloc_fail_after(-1);
		if (rc == ECERT_OK) {
			assert_int_equal(b.len, ref.len);
			assert_memory_equal(b.data, ref.data, ref.len);
			ecert_buf_free(&b);
			break;
		}
		assert_int_equal(rc, ECERT_ERR_NOMEM);
		ecert_buf_free(&b);
	}
	assert_true(n > 0);
	cJSON_Delete(v);
	ecert_buf_free(&in);
	ecert_buf_free(&ref);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc8785_vectors),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_w3c_canonical_document),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_numbers_from_text),
		cmocka_unit_test(test_nan_inf),
		cmocka_unit_test(test_key_order),
		cmocka_unit_test(test_serialize_edited),
		cmocka_unit_test(test_string_escapes),
		cmocka_unit_test(test_bad_trees),
		cmocka_unit_test(test_scalars_and_bound),
		cmocka_unit_test(test_locale),
		cmocka_unit_test(test_alloc_failure),
	};
	ecert_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
