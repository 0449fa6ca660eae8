/* cmocka: strict JSON parsing (DESIGN §3) — every rejection code with a minimal input,
 * the locations it reports, valid documents, the file reader and allocation failures. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "ecert/alloc.h"
#include "ecert/buf.h"
#include "ecert/file.h"
#include "ecert/jcs.h"
#include "ecert/json.h"

#define VEC ECERT_TEST_DATA "/vectors"

static const char *const jcs_vectors[] = {"arrays", "french", "structures",
					  "unicode", "values", "weird"};

/* Parse len bytes and expect code; the error context is returned for further checks. */
static struct ecert_error expect_n(const char *text, size_t len, int code,
				   const struct ecert_json_limits *lim)
{
	struct ecert_error e;
	cJSON *out = NULL;
	int rc;

	ecert_error_clear(&e);
	rc = ecert_json_parse(text, len, lim, &out, &e);
	if (rc != code)
		print_error("input <%.*s>: got %s (%s at %s), want %s\n", (int)len, text,
			    ecert_errname(rc), e.msg, e.where, ecert_errname(code));
	assert_int_equal(rc, code);
	if (code == ECERT_OK) {
		assert_non_null(out);
		cJSON_Delete(out);
	} else {
		assert_null(out);
		assert_int_equal(e.code, code);
		assert_true(e.msg[0] != '\0');
	}
	return e;
}

static struct ecert_error expect(const char *text, int code)
{
	return expect_n(text, strlen(text), code, NULL);
}

static void test_syntax(void **state)
{
	static const char *const bad[] = {
		"", "   ", "{", "[", "[1", "{\"a\"", "{\"a\":", "{\"a\" 1}", "{1:2}", "{a:1}",
		"[1,]", "{\"a\":1,}", "[,1]", "[1 2]", "{\"a\":1 \"b\":2}", "tru", "nul",
		"True", "nulL", "\"abc", "\"\\x\"", "\"\\u12\"", "\"\\u12G4\"", "\"\\", "]",
		"@", "[1,,2]", "\"\\U0041\""};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect(bad[i], ECERT_ERR_JSON_SYNTAX);
	/* comments, single quotes */
	assert_non_null(strstr(expect("// c\n{}", ECERT_ERR_JSON_SYNTAX).msg, "comment"));
	assert_non_null(strstr(expect("/* c */ 1", ECERT_ERR_JSON_SYNTAX).msg, "comment"));
	expect("[1 /* c */]", ECERT_ERR_JSON_SYNTAX);
	assert_non_null(strstr(expect("{'a':1}", ECERT_ERR_JSON_SYNTAX).msg, "single quote"));
	assert_non_null(strstr(expect("['a']", ECERT_ERR_JSON_SYNTAX).msg, "single quote"));
	/* raw control characters inside strings */
	expect("\"a\tb\"", ECERT_ERR_JSON_SYNTAX);
	expect("\"a\nb\"", ECERT_ERR_JSON_SYNTAX);
	expect("\"\x1f\"", ECERT_ERR_JSON_SYNTAX);
	expect_n("\"a\0b\"", 5, ECERT_ERR_JSON_SYNTAX, NULL);
	expect_n("[1]\0", 4, ECERT_ERR_JSON_TRAILING, NULL);
	/* the same characters escaped are fine; DEL need not be escaped */
	expect("\"a\\tb\\n\\u001f\x7f\"", ECERT_OK);
	/* \u0000 cannot be held by cJSON: rejected, saying why */
	assert_non_null(strstr(expect("{\"a\":\"x\\u0000y\"}", ECERT_ERR_JSON_SYNTAX).msg, "NUL"));
	/* a byte order mark is refused with a message that says so */
	assert_non_null(
		strstr(expect("\xEF\xBB\xBF{}", ECERT_ERR_JSON_SYNTAX).msg, "byte order mark"));
	/* bytes above 0x7F outside strings are not JSON */
	expect("[\xC3\xA9]", ECERT_ERR_JSON_SYNTAX);
}

static void test_trailing(void **state)
{
	struct ecert_error e;

	(void)state;
	e = expect("{} x", ECERT_ERR_JSON_TRAILING);
	assert_string_equal(e.where, "line 1, column 4 (byte 3)");
	expect("{}}", ECERT_ERR_JSON_TRAILING);
	expect("{}{}", ECERT_ERR_JSON_TRAILING);
	expect("1 2", ECERT_ERR_JSON_TRAILING);
	expect("truex", ECERT_ERR_JSON_TRAILING);
	expect("\"a\"\"b\"", ECERT_ERR_JSON_TRAILING);
	/* whitespace around the value is allowed */
	expect(" \t\r\n{}\n\t \r\n", ECERT_OK);
	/* the text need not be NUL-terminated: only len bytes are looked at */
	expect_n("[1]garbage", 3, ECERT_OK, NULL);
	expect_n("\"abc\"", 4, ECERT_ERR_JSON_SYNTAX, NULL);
}

static void test_numbers(void **state)
{
	struct ecert_error e;
	char longnum[ECERT_JSON_NUMBER_MAX_CHARS + 2];

	(void)state;
	assert_non_null(strstr(expect("NaN", ECERT_ERR_JSON_NUMBER).msg, "NaN"));
	expect("[NaN]", ECERT_ERR_JSON_NUMBER);
	expect("Infinity", ECERT_ERR_JSON_NUMBER);
	expect("-Infinity", ECERT_ERR_JSON_NUMBER);
	expect("{\"a\":-Infinity}", ECERT_ERR_JSON_NUMBER);
	e = expect("01", ECERT_ERR_JSON_NUMBER);
	assert_non_null(strstr(e.msg, "leading zero"));
	expect("-01", ECERT_ERR_JSON_NUMBER);
	expect("[00]", ECERT_ERR_JSON_NUMBER);
	expect("1.", ECERT_ERR_JSON_NUMBER);
	expect("1.e5", ECERT_ERR_JSON_NUMBER);
	expect(".5", ECERT_ERR_JSON_NUMBER);
	expect("+1", ECERT_ERR_JSON_NUMBER);
	expect("-", ECERT_ERR_JSON_NUMBER);
	expect("-a", ECERT_ERR_JSON_NUMBER);
	expect("1e", ECERT_ERR_JSON_NUMBER);
	expect("1e+", ECERT_ERR_JSON_NUMBER);
	expect("[1E-]", ECERT_ERR_JSON_NUMBER);
	/* out of the range of a double: named by key path */
	e = expect("1e400", ECERT_ERR_JSON_NUMBER);
	assert_string_equal(e.where, "(top level)");
	e = expect("{\"a\":{\"b\":[1,-1e400]}}", ECERT_ERR_JSON_NUMBER);
	assert_string_equal(e.where, "a.b[1]");
	/* under the empty key: not "(top level)" (found by fuzz_json) */
	e = expect("{\"\":1e400}", ECERT_ERR_JSON_NUMBER);
	assert_string_equal(e.where, "\"\"");
	expect("1.8e308", ECERT_ERR_JSON_NUMBER);
	/* just inside the range, and underflow to zero, are finite */
	expect("1.7976931348623157e308", ECERT_OK);
	expect("-1.7976931348623157E+308", ECERT_OK);
	expect("1e-400", ECERT_OK);
	expect("[0, -0, 0.0, -0.0e0, 0e-5, 10, 1E2, 1e+2, 1.5e-3]", ECERT_OK);
	/* longest number accepted, and one character more */
	memset(longnum, '1', sizeof(longnum));
	longnum[ECERT_JSON_NUMBER_MAX_CHARS] = '\0';
	expect(longnum, ECERT_OK);
	longnum[ECERT_JSON_NUMBER_MAX_CHARS] = '1';
	longnum[ECERT_JSON_NUMBER_MAX_CHARS + 1] = '\0';
	expect(longnum, ECERT_ERR_JSON_NUMBER);
}

static void test_utf8(void **state)
{
	static const char *const bad[] = {
		"\"\xC0\x80\"",             /* overlong NUL */
		"\"\xC1\xBF\"",             /* overlong */
		"\"\xE0\x80\xAF\"",         /* overlong 3-byte */
		"\"\xF0\x80\x80\xAF\"",     /* overlong 4-byte */
		"\"\xED\xA0\x80\"",         /* encoded surrogate U+D800 */
		"\"\xED\xBF\xBF\"",         /* encoded surrogate U+DFFF */
		"\"\xF4\x90\x80\x80\"",     /* U+110000 */
		"\"\xF5\x80\x80\x80\"",     /* lead byte above U+10FFFF */
		"\"\xFF\"",
		"\"\x80\"",                 /* continuation without lead */
		"\"\xE2\x82\"",             /* truncated before the quote */
		"\"\xE2\x82",               /* truncated at end of input */
		"\"\xF0\x9F\x98\"",
		"\"\xC3\"",
		"{\"\xC3\x28\":1}",         /* bad continuation in a key */
	};
	struct cJSON *v = NULL;
	struct ecert_error e;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect(bad[i], ECERT_ERR_JSON_UTF8);
	assert_non_null(strstr(expect("\"\xC0\x80\"", ECERT_ERR_JSON_UTF8).msg, "overlong"));
	assert_non_null(strstr(expect("\"\xED\xA0\x80\"", ECERT_ERR_JSON_UTF8).msg, "surrogate"));
	assert_non_null(strstr(expect("\"\xF4\x90\x80\x80\"", ECERT_ERR_JSON_UTF8).msg, "10FFFF"));
	assert_non_null(strstr(expect("\"\xE2\x82\"", ECERT_ERR_JSON_UTF8).msg, "truncated"));
	/* the edges that are valid */
	expect("\"\xC2\x80 \xDF\xBF \xE0\xA0\x80 \xED\x9F\xBF \xEE\x80\x80 \xEF\xBF\xBF\"",
	       ECERT_OK);
	expect("\"\xF0\x90\x80\x80 \xF4\x8F\xBF\xBF \xF0\x9F\x98\x82\"", ECERT_OK);
	ecert_error_clear(&e);
	assert_int_equal(ecert_json_parse("\"\xE5\x90\x89\xE6\x9E\x97\"", 8, NULL, &v, &e),
			 ECERT_OK);
	assert_string_equal(v->valuestring, "吉林");
	cJSON_Delete(v);
}

static void test_surrogates(void **state)
{
	const char *doc;
	cJSON *v = NULL;
	struct ecert_error e;

	(void)state;
	expect("\"\\ud800\"", ECERT_ERR_JSON_SURROGATE);
	expect("\"\\uDBFF\"", ECERT_ERR_JSON_SURROGATE);
	expect("\"\\udc00\"", ECERT_ERR_JSON_SURROGATE);
	expect("\"\\uDFFF\\uD800\"", ECERT_ERR_JSON_SURROGATE);
	expect("\"\\ud800\\u0041\"", ECERT_ERR_JSON_SURROGATE);
	expect("\"\\ud800\\ud800\"", ECERT_ERR_JSON_SURROGATE);
	expect("\"\\ud800x\"", ECERT_ERR_JSON_SURROGATE);
	expect("\"\\ud800\\n\"", ECERT_ERR_JSON_SURROGATE);
	expect("{\"\\ud83d\":1}", ECERT_ERR_JSON_SURROGATE);
	expect("\"\\ud800\\u12\"", ECERT_ERR_JSON_SYNTAX);
	/* a valid pair, either case, becomes the 4-byte UTF-8 form */
	ecert_error_clear(&e);
	doc = "[\"\\ud83d\\ude02\",\"\\uD83D\\uDE02\"]";
	assert_int_equal(ecert_json_parse(doc, strlen(doc), NULL, &v, &e), ECERT_OK);
	assert_string_equal(cJSON_GetArrayItem(v, 0)->valuestring, "\xF0\x9F\x98\x82");
	assert_string_equal(cJSON_GetArrayItem(v, 1)->valuestring, "\xF0\x9F\x98\x82");
	cJSON_Delete(v);
}

static void test_duplicates(void **state)
{
	struct ecert_buf b = ECERT_BUF_INIT;
	struct ecert_error e;
	int i;

	(void)state;
	e = expect("{\"a\":1,\"a\":2}", ECERT_ERR_JSON_DUPKEY);
	assert_string_equal(e.where, "a");
	assert_non_null(strstr(e.msg, "\"a\""));
	/* compared after unescaping */
	e = expect("{\"a\":1,\"\\u0061\":2}", ECERT_ERR_JSON_DUPKEY);
	assert_string_equal(e.where, "a");
	expect("{\"\\u00e9\":1,\"\xC3\xA9\":2}", ECERT_ERR_JSON_DUPKEY);
	expect("{\"\\ud83d\\ude02\":1,\"\xF0\x9F\x98\x82\":2}", ECERT_ERR_JSON_DUPKEY);
	/* nested: the key path names where */
	e = expect("{\"credentialSubject\":{\"name\":\"x\",\"id\":1,\"name\":\"y\"}}",
		   ECERT_ERR_JSON_DUPKEY);
	assert_string_equal(e.where, "credentialSubject.name");
	e = expect("[{\"a\":1},{\"b\":{\"c\":[0,{\"d\":1,\"d\":1}]}}]", ECERT_ERR_JSON_DUPKEY);
	assert_string_equal(e.where, "[1].b.c[1].d");
	/* a control character in a key is not copied into the location */
	e = expect("{\"\\u001b[31m\":1,\"\\u001b[31m\":2}", ECERT_ERR_JSON_DUPKEY);
	assert_string_equal(e.where, "?[31m");
	assert_null(strchr(e.msg, 0x1b));
	/* same key in different objects, or differing by case, is fine */
	expect("{\"a\":{\"a\":{\"a\":1}},\"b\":{\"a\":2},\"A\":3}", ECERT_OK);
	expect("{\"\":1,\" \":2}", ECERT_OK);
	/* the empty key is named "" (found by fuzz_json: the location was empty) */
	e = expect("{\"\":1,\"\":2}", ECERT_ERR_JSON_DUPKEY);
	assert_string_equal(e.where, "\"\"");
	e = expect("{\"a\":{\"\":{\"b\":1,\"b\":2}}}", ECERT_ERR_JSON_DUPKEY);
	assert_string_equal(e.where, "a.\"\".b");

	/* a big object takes the sorting path */
	ecert_buf_putc(&b, '{');
	for (i = 0; i < 200; i++)
		ecert_buf_printf(&b, "%s\"k%d\":%d", i ? "," : "", i, i);
	ecert_buf_putc(&b, '}');
	assert_int_equal(ecert_buf_ok(&b), ECERT_OK);
	expect_n((const char *)b.data, b.len, ECERT_OK, NULL);
	b.len--;
	ecert_buf_puts(&b, ",\"k157\":0}");
	e = expect_n((const char *)b.data, b.len, ECERT_ERR_JSON_DUPKEY, NULL);
	assert_string_equal(e.where, "k157");
	ecert_buf_free(&b);
}

/* Which problem is reported when a text has several: one pass meets them in text order,
 * but a syntax error anywhere wins, then memory, then the first duplicate key or
 * out-of-range number in the walk's order (an object's own keys before its members). */
static void test_precedence(void **state)
{
	struct ecert_error e;
	cJSON *v = NULL;
	long n;

	(void)state;
	e = expect("{\"a\":1,\"a\":2,}", ECERT_ERR_JSON_SYNTAX);
	assert_string_equal(e.where, "line 1, column 14 (byte 13)");
	expect("[1e400,x]", ECERT_ERR_JSON_SYNTAX);
	expect("{\"a\":1,\"a\":2} x", ECERT_ERR_JSON_TRAILING);
	expect("[{\"a\":1,\"a\":2},[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
	       ECERT_ERR_JSON_DEPTH);
	e = expect("{\"x\":{\"n\":1e400},\"b\":1,\"b\":2}", ECERT_ERR_JSON_DUPKEY);
	assert_string_equal(e.where, "b");
	e = expect("[{\"a\":1,\"a\":2},1e400]", ECERT_ERR_JSON_DUPKEY);
	assert_string_equal(e.where, "[0].a");
	e = expect("[1e400,{\"a\":1,\"a\":2}]", ECERT_ERR_JSON_NUMBER);
	assert_string_equal(e.where, "[0]");
	/* the first key that comes again, in member order */
	e = expect("{\"b\":1,\"a\":1,\"a\":2,\"b\":2}", ECERT_ERR_JSON_DUPKEY);
	assert_string_equal(e.where, "b");
	/* with the allocations from the n-th on failing, a text that is not JSON still says
	 * why (without the fault-injection hook nothing fails: the same answer) */
	for (n = 0; n < 8; n++) {
		ecert_error_clear(&e);
		ecert_alloc_fail_after(n);
		assert_int_equal(ecert_json_parse("{\"a\":[\"b\",2,x]}", 15, NULL, &v, &e),
				 ECERT_ERR_JSON_SYNTAX);
		ecert_alloc_fail_after(-1);
		assert_null(v);
		assert_string_equal(e.where, "line 1, column 13 (byte 12)");
	}
}

/* depth nested arrays, or objects when obj is set: [[...]] / {"a":{"a":...}} */
static char *nested(int depth, int obj)
{
	struct ecert_buf b = ECERT_BUF_INIT;
	int i;

	for (i = 0; i < depth; i++)
		ecert_buf_puts(&b, obj ? "{\"a\":" : "[");
	ecert_buf_puts(&b, "1");
	for (i = 0; i < depth; i++)
		ecert_buf_putc(&b, obj ? '}' : ']');
	assert_int_equal(ecert_buf_ok(&b), ECERT_OK);
	return ecert_buf_take(&b, NULL);
}

static void test_depth(void **state)
{
	struct ecert_json_limits lim = {0, 3};
	struct ecert_error e;
	char *s;

	(void)state;
	/* the default bound: exactly at it passes, one more fails */
	s = nested(ECERT_JSON_MAX_DEPTH, 0);
	expect(s, ECERT_OK);
	ecert_free(s);
	s = nested(ECERT_JSON_MAX_DEPTH + 1, 0);
	e = expect(s, ECERT_ERR_JSON_DEPTH);
	assert_string_equal(e.where, "line 1, column 33 (byte 32)");
	ecert_free(s);
	s = nested(ECERT_JSON_MAX_DEPTH, 1);
	expect(s, ECERT_OK);
	ecert_free(s);
	s = nested(ECERT_JSON_MAX_DEPTH + 1, 1);
	expect(s, ECERT_ERR_JSON_DEPTH);
	ecert_free(s);
	/* a caller's bound; objects and arrays count alike, scalars not */
	expect_n("[[[]]]", 6, ECERT_OK, &lim);
	expect_n("[[[[]]]]", 8, ECERT_ERR_JSON_DEPTH, &lim);
	expect_n("{\"a\":{\"b\":[1]}}", 15, ECERT_OK, &lim);
	expect_n("{\"a\":{\"b\":[{}]}}", 16, ECERT_ERR_JSON_DEPTH, &lim);
	/* a bound above cJSON's own is lowered to the ceiling, and reported as depth */
	lim.max_depth = 100000;
	s = nested(ECERT_JSON_DEPTH_CEILING, 0);
	expect_n(s, strlen(s), ECERT_OK, &lim);
	ecert_free(s);
	s = nested(ECERT_JSON_DEPTH_CEILING + 1, 0);
	expect_n(s, strlen(s), ECERT_ERR_JSON_DEPTH, &lim);
	ecert_free(s);
}

static void test_size(void **state)
{
	struct ecert_json_limits lim = {10, 0};
	char *big;

	(void)state;
	expect_n("[1,2,3,45]", 10, ECERT_OK, &lim);
	expect_n("[1,2,3,456]", 11, ECERT_ERR_JSON_SIZE, &lim);
	expect_n("          1", 11, ECERT_ERR_JSON_SIZE, &lim);
	/* the default bound */
	big = malloc(ECERT_JSON_MAX_BYTES + 1);
	assert_non_null(big);
	memset(big, ' ', ECERT_JSON_MAX_BYTES + 1);
	big[0] = '1';
	expect_n(big, ECERT_JSON_MAX_BYTES, ECERT_OK, NULL);
	expect_n(big, ECERT_JSON_MAX_BYTES + 1, ECERT_ERR_JSON_SIZE, NULL);
	free(big);
}

static void test_locations(void **state)
{
	struct ecert_error e;

	(void)state;
	e = expect("[1,\n 2,\n  x]", ECERT_ERR_JSON_SYNTAX);
	assert_string_equal(e.where, "line 3, column 3 (byte 10)");
	/* columns count characters: é is two bytes, one column */
	e = expect("[\"\xC3\xA9\", x]", ECERT_ERR_JSON_SYNTAX);
	assert_string_equal(e.where, "line 1, column 7 (byte 7)");
	e = expect("{\n  \"a\": 01}", ECERT_ERR_JSON_NUMBER);
	assert_string_equal(e.where, "line 2, column 8 (byte 9)");
	e = expect("[\"ok\", \"\xC0\x80\"]", ECERT_ERR_JSON_UTF8);
	assert_string_equal(e.where, "line 1, column 9 (byte 8)");
	e = expect("\"\\ud800\"", ECERT_ERR_JSON_SURROGATE);
	assert_string_equal(e.where, "line 1, column 2 (byte 1)");
	e = expect("", ECERT_ERR_JSON_SYNTAX);
	assert_string_equal(e.where, "line 1, column 1 (byte 0)");
}

static int read_all(const char *path, struct ecert_buf *b)
{
	struct ecert_error e;

	return ecert_file_read(path, 0, b, &e);
}

static void test_valid_documents(void **state)
{
	static const char *const w3c[] = {
		VEC "/w3c-eddsa-jcs-2022/signedJCS.json",
		VEC "/w3c-ecdsa-jcs-2019-p256/signedJCSECDSAP256.json",
		VEC "/w3c-eddsa-jcs-2022/proofConfigJCS.json",
		VEC "/sm2-jcs-2025/signed.json",
	};
	static const char *const suite[] = {"eddsa-jcs-2022", "ecdsa-jcs-2019", NULL,
					    "sm2-jcs-2025"};
	char path[512];
	struct ecert_error e;
	cJSON *v;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(jcs_vectors) / sizeof(jcs_vectors[0]); i++) {
		snprintf(path, sizeof(path), VEC "/jcs/input/%s.json", jcs_vectors[i]);
		v = NULL;
		ecert_error_clear(&e);
		assert_int_equal(ecert_json_parse_file(path, NULL, &v, &e), ECERT_OK);
		assert_true(cJSON_IsObject(v) || cJSON_IsArray(v));
		cJSON_Delete(v);
	}
	for (i = 0; i < sizeof(w3c) / sizeof(w3c[0]); i++) {
		const cJSON *proof;

		v = NULL;
		ecert_error_clear(&e);
		assert_int_equal(ecert_json_parse_file(w3c[i], NULL, &v, &e), ECERT_OK);
		proof = ecert_json_obj(v, "proof");
		if (suite[i]) {
			assert_non_null(proof);
			assert_string_equal(ecert_json_str(proof, "cryptosuite"), suite[i]);
			assert_string_equal(ecert_json_str(proof, "type"), "DataIntegrityProof");
		}
		assert_non_null(ecert_json_arr(v, "@context"));
		cJSON_Delete(v);
	}
}

/* ecert_json_parse_canon: which texts are called canonical, and the bytes of a member. */
static void canon_of(const char *text, const char *cut_key, struct ecert_json_canon *c)
{
	struct ecert_error e;
	struct ecert_buf jcs = ECERT_BUF_INIT;
	cJSON *t = NULL;

	ecert_error_clear(&e);
	assert_int_equal(ecert_json_parse_canon(text, strlen(text), NULL, cut_key, &t, c, &e),
			 ECERT_OK);
	if (c->canonical) {
		/* the claim itself: the text is its JCS form */
		assert_int_equal(ecert_jcs_serialize(t, &jcs, &e), ECERT_OK);
		assert_string_equal((const char *)jcs.data, text);
	}
	ecert_buf_free(&jcs);
	cJSON_Delete(t);
}

static void expect_cut(const char *text, const char *key, const char *without)
{
	struct ecert_json_canon c;
	char buf[256];

	canon_of(text, key, &c);
	assert_true(c.canonical);
	if (!without) {
		assert_int_equal(c.cut_to, 0);
		return;
	}
	assert_true(c.cut_from < c.cut_to);
	snprintf(buf, sizeof(buf), "%.*s%s", (int)c.cut_from, text, text + c.cut_to);
	assert_string_equal(buf, without);
}

static void test_canonical(void **state)
{
	static const char *const yes[] = {
		"{}", "[]", "1", "-12", "\"x\"", "[1,\"a\",true,false,null]",
		"{\"\":0,\"A\":1,\"a\":{\"b\":[{}]},\"b\":\"\xE5\x8E\x85/\x7F\"}",
		"123456789012345", "-123456789012345", "0",
	};
	static const char *const no[] = {
		" {}", "{} ", "{\"a\": 1}", "[1, 2]", "{\"b\":1,\"a\":2}", "{\"a\":1,\"a\":2}",
		"{\"a\":\"\\n\"}", "{\"a\":\"\\/\"}", "{\"\\u0061\":1}", "1.5", "1e2", "-0", "1.0",
		"1234567890123456", "{\"\xC3\xA9\":1}", "{\"b\":{\"d\":1,\"c\":2},\"c\":3}",
	};
	struct ecert_json_canon c;
	struct ecert_error e;
	cJSON *t = NULL;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		canon_of(yes[i], NULL, &c);
		if (!c.canonical)
			fail_msg("not called canonical: %s", yes[i]);
	}
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
		ecert_error_clear(&e);
		if (ecert_json_parse_canon(no[i], strlen(no[i]), NULL, NULL, &t, &c, &e) != ECERT_OK) {
			assert_false(c.canonical); /* rejected outright ({"a":1,"a":2}) */
			continue;
		}
		cJSON_Delete(t);
		t = NULL;
		if (c.canonical)
			fail_msg("called canonical: %s", no[i]);
	}
	/* the member's bytes with the comma before it, or after it for the first one */
	expect_cut("{\"a\":1,\"b\":[true],\"c\":{\"d\":\"x\"}}", "b", "{\"a\":1,\"c\":{\"d\":\"x\"}}");
	expect_cut("{\"a\":1,\"b\":[true],\"c\":{\"d\":\"x\"}}", "a", "{\"b\":[true],\"c\":{\"d\":\"x\"}}");
	expect_cut("{\"a\":1,\"b\":[true],\"c\":{\"d\":\"x\"}}", "c", "{\"a\":1,\"b\":[true]}");
	expect_cut("{\"proof\":{\"x\":1}}", "proof", "{}");
	expect_cut("{\"a\":1}", "proof", NULL);
	expect_cut("{\"a\":{\"proof\":1}}", "proof", NULL); /* not a top-level member */
	expect_cut("[{\"proof\":1}]", "proof", NULL);
	/* a text that is not canonical has no cut, even with the member */
	canon_of("{\"a\":1, \"proof\":{}}", "proof", &c);
	assert_false(c.canonical);
	assert_int_equal(c.cut_to, 0);
	/* and plain ecert_json_parse_canon without canon or key is ecert_json_parse */
	ecert_error_clear(&e);
	assert_int_equal(ecert_json_parse_canon("{\"a\":1}", 7, NULL, NULL, &t, NULL, &e), ECERT_OK);
	cJSON_Delete(t);
}

/* A signed W3C vector in its JCS form is canonical, and without its proof member it is
 * what the proof is computed over. (The SM2 vector's JCS form, with 1e+21 and 0.1 in it,
 * is canonical too, but not told: only integers are.) */
static void test_canonical_vectors(void **state)
{
	static const char *const files[] = {
		VEC "/w3c-eddsa-jcs-2022/signedJCS.json",
		VEC "/w3c-ecdsa-jcs-2019-p256/signedJCSECDSAP256.json",
		VEC "/sm2-jcs-2025/signed.json",
	};
	static const int told[] = {1, 1, 0};
	struct ecert_buf jcs = ECERT_BUF_INIT, without = ECERT_BUF_INIT;
	struct ecert_json_canon c;
	struct ecert_error e;
	cJSON *v, *t;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		v = t = NULL;
		ecert_error_clear(&e);
		assert_int_equal(ecert_json_parse_file(files[i], NULL, &v, &e), ECERT_OK);
		assert_int_equal(ecert_jcs_serialize(v, &jcs, &e), ECERT_OK);
		assert_int_equal(ecert_jcs_serialize_edited(v, "proof", NULL, NULL, &without, &e),
				 ECERT_OK);
		assert_int_equal(ecert_json_parse_canon((const char *)jcs.data, jcs.len, NULL,
							"proof", &t, &c, &e),
				 ECERT_OK);
		assert_int_equal(c.canonical, told[i]);
		if (!told[i]) {
			assert_int_equal(c.cut_to, 0);
			goto next;
		}
		assert_true(c.cut_from < c.cut_to);
		assert_int_equal(c.cut_from + (jcs.len - c.cut_to), without.len);
		assert_memory_equal(jcs.data, without.data, c.cut_from);
		assert_memory_equal(jcs.data + c.cut_to, without.data + c.cut_from,
				    jcs.len - c.cut_to);
	next:
		ecert_buf_free(&jcs);
		ecert_buf_free(&without);
		cJSON_Delete(v);
		cJSON_Delete(t);
	}
}

static void test_getters(void **state)
{
	cJSON *v = NULL;
	struct ecert_error e;
	const char *doc = "{\"s\":\"x\",\"o\":{\"k\":1},\"a\":[1],\"n\":1,\"z\":null}";

	(void)state;
	assert_int_equal(ecert_json_parse(doc, strlen(doc), NULL, &v, &e), ECERT_OK);
	assert_string_equal(ecert_json_str(v, "s"), "x");
	assert_null(ecert_json_str(v, "o"));
	assert_null(ecert_json_str(v, "n"));
	assert_null(ecert_json_str(v, "missing"));
	assert_null(ecert_json_str(v, "S")); /* case-sensitive */
	assert_non_null(ecert_json_obj(v, "o"));
	assert_null(ecert_json_obj(v, "a"));
	assert_null(ecert_json_obj(v, "z"));
	assert_non_null(ecert_json_arr(v, "a"));
	assert_null(ecert_json_arr(v, "o"));
	assert_null(ecert_json_arr(v, "s"));
	/* lookups in non-objects and with NULL arguments */
	assert_null(ecert_json_str(NULL, "s"));
	assert_null(ecert_json_str(v, NULL));
	assert_null(ecert_json_obj(ecert_json_arr(v, "a"), "k"));
	assert_null(ecert_json_arr(cJSON_GetObjectItem(v, "s"), "a"));
	cJSON_Delete(v);
}

static void test_parse_file(void **state)
{
	char path[] = "/tmp/ecert-test-json-XXXXXX";
	struct ecert_json_limits lim = {8, 0};
	struct ecert_error e;
	cJSON *v = NULL;
	int fd;
	const char bad[] = "{\n\"a\":1,\"a\":2}";

	(void)state;
	ecert_error_clear(&e);
	assert_int_equal(ecert_json_parse_file("/nonexistent/x.json", NULL, &v, &e),
			 ECERT_ERR_IO);
	assert_null(v);
	assert_string_equal(e.where, "/nonexistent/x.json");

	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, bad, sizeof(bad) - 1), (ssize_t)(sizeof(bad) - 1));
	close(fd);
	ecert_error_clear(&e);
	assert_int_equal(ecert_json_parse_file(path, NULL, &v, &e), ECERT_ERR_JSON_DUPKEY);
	assert_null(v);
	assert_true(strncmp(e.where, path, strlen(path)) == 0);
	assert_string_equal(e.where + strlen(path), ": a");
	/* the size bound applies to the file */
	ecert_error_clear(&e);
	assert_int_equal(ecert_json_parse_file(path, &lim, &v, &e), ECERT_ERR_JSON_SIZE);
	assert_string_equal(e.where, path);
	/* a syntax error gets the path in front of the line and column */
	fd = open(path, O_WRONLY | O_TRUNC);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "[1,\n]", 5), 5);
	close(fd);
	ecert_error_clear(&e);
	assert_int_equal(ecert_json_parse_file(path, NULL, &v, &e), ECERT_ERR_JSON_SYNTAX);
	assert_true(strncmp(e.where, path, strlen(path)) == 0);
	assert_string_equal(e.where + strlen(path), ": line 2, column 1 (byte 4)");
	unlink(path);
	/* bad arguments */
	assert_int_equal(ecert_json_parse("{}", 2, NULL, NULL, &e), ECERT_ERR_ARG);
	assert_int_equal(ecert_json_parse(NULL, 2, NULL, &v, &e), ECERT_ERR_ARG);
	assert_int_equal(ecert_json_parse(NULL, 0, NULL, &v, &e), ECERT_ERR_JSON_SYNTAX);
	assert_null(v);
}

/* Parse and serialize text with the n-th allocation failing, for n = 0, 1, 2 …: every
 * attempt either fails with ECERT_ERR_NOMEM or succeeds with the right result; ASan
 * checks that nothing leaks on the failing paths. */
static void alloc_loop(const char *text, size_t len)
{
	struct ecert_buf ref = ECERT_BUF_INIT;
	struct ecert_error e;
	cJSON *v = NULL;
	long n;

	assert_int_equal(ecert_json_parse(text, len, NULL, &v, &e), ECERT_OK);
	assert_int_equal(ecert_jcs_serialize(v, &ref, &e), ECERT_OK);
	cJSON_Delete(v);
	for (n = 0;; n++) {
		struct ecert_buf b = ECERT_BUF_INIT;
		int rc;

		assert_true(n < 100000);
		v = NULL;
		ecert_error_clear(&e);
		ecert_alloc_fail_after(n);
		rc = ecert_json_parse(text, len, NULL, &v, &e);
		if (rc == ECERT_OK) {
			rc = ecert_jcs_serialize(v, &b, &e);
			cJSON_Delete(v);
		} else {
			assert_null(v);
		}
		ecert_alloc_fail_after(-1);
		if (rc == ECERT_OK) {
			assert_int_equal(b.len, ref.len);
			assert_memory_equal(b.data, ref.data, ref.len);
			ecert_buf_free(&b);
			break;
		}
		assert_int_equal(rc, ECERT_ERR_NOMEM);
		assert_int_equal(e.code, ECERT_ERR_NOMEM);
		ecert_buf_free(&b);
	}
	assert_true(n > 0);
	ecert_buf_free(&ref);
}

static void test_alloc_failure(void **state)
{
	struct ecert_buf b = ECERT_BUF_INIT;
	char path[512];
	size_t i;
	int k;

	(void)state;
	for (i = 0; i < sizeof(jcs_vectors) / sizeof(jcs_vectors[0]); i++) {
		snprintf(path, sizeof(path), VEC "/jcs/input/%s.json", jcs_vectors[i]);
		assert_int_equal(read_all(path, &b), ECERT_OK);
		alloc_loop((const char *)b.data, b.len);
		ecert_buf_free(&b);
	}
	assert_int_equal(read_all(VEC "/w3c-eddsa-jcs-2022/signedJCS.json", &b), ECERT_OK);
	alloc_loop((const char *)b.data, b.len);
	ecert_buf_free(&b);
	/* an object big enough for the sorted duplicate check */
	ecert_buf_putc(&b, '{');
	for (k = 0; k < 40; k++)
		ecert_buf_printf(&b, "%s\"k%d\":[%d]", k ? "," : "", k, k);
	ecert_buf_putc(&b, '}');
	alloc_loop((const char *)b.data, b.len);
	ecert_buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_syntax),
		cmocka_unit_test(test_trailing),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_surrogates),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_precedence),
		cmocka_unit_test(test_depth),
		cmocka_unit_test(test_size),
		cmocka_unit_test(test_locations),
		cmocka_unit_test(test_valid_documents),
		cmocka_unit_test(test_canonical),
		cmocka_unit_test(test_canonical_vectors),
		cmocka_unit_test(test_getters),
		cmocka_unit_test(test_parse_file),
		cmocka_unit_test(test_alloc_failure),
	};
	ecert_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
