/* cmocka: the JSON Schema subset validator, keyword by keyword, and the schemas of
 * schemas/ on realistic documents. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "ecert/alloc.h"
#include "ecert/schema.h"

#define NTHREADS 4
#define THREAD_ROUNDS 50
#define DEEP 100

/* Whether s is well-formed UTF-8 (messages must stay printable and JSON-safe). */
static int utf8_ok(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		int n = *p < 0x80 ? 0 : *p >= 0xF0 ? 3 : *p >= 0xE0 ? 2 : *p >= 0xC2 ? 1 : -1;

		if (n < 0)
			return 0;
		p++;
		while (n--) {
			if ((*p & 0xC0) != 0x80)
				return 0;
			p++;
		}
	}
	return 1;
}

/* Validate JSON text against schema text; returns the code, fills *e. */
static int check(const char *schema, const char *doc, struct ecert_error *e)
{
	cJSON *s = cJSON_Parse(schema), *d = cJSON_Parse(doc);
	int rc;

	if (!s)
		fail_msg("bad test schema: %s", schema);
	if (!d)
		fail_msg("bad test document: %s", doc);
	ecert_error_clear(e);
	rc = ecert_schema_validate(s, d, e);
	cJSON_Delete(s);
	cJSON_Delete(d);
	return rc;
}

static void pass(const char *schema, const char *doc)
{
	struct ecert_error e;

	if (check(schema, doc, &e) != ECERT_OK)
		fail_msg("%s rejected %s: %s: %s", schema, doc, e.where, e.msg);
}

/* Expect rc; when where is not NULL, err->where must equal it; when msg is not NULL, the
 * message must contain it. */
static void fails(const char *schema, const char *doc, int rc, const char *where, const char *msg)
{
	struct ecert_error e;
	int got = check(schema, doc, &e);

	if (got != rc)
		fail_msg("%s on %s: rc %d (%s: %s), want %d", schema, doc, got, e.where, e.msg, rc);
	if (where && strcmp(e.where, where) != 0)
		fail_msg("%s on %s: where \"%s\", want \"%s\"", schema, doc, e.where, where);
	if (msg && !strstr(e.msg, msg))
		fail_msg("%s on %s: message \"%s\" lacks \"%s\"", schema, doc, e.msg, msg);
}

static void test_type(void **state)
{
	(void)state;
	pass("{\"type\":\"string\"}", "\"x\"");
	fails("{\"type\":\"string\"}", "1", ECERT_ERR_SCHEMA, "", "expected string, got number");
	pass("{\"type\":\"integer\"}", "12");
	pass("{\"type\":\"integer\"}", "1.0");
	fails("{\"type\":\"integer\"}", "1.5", ECERT_ERR_SCHEMA, "", "expected integer");
	pass("{\"type\":\"number\"}", "1.5");
	pass("{\"type\":\"boolean\"}", "false");
	fails("{\"type\":\"boolean\"}", "null", ECERT_ERR_SCHEMA, "", "got null");
	pass("{\"type\":\"null\"}", "null");
	pass("{\"type\":\"object\"}", "{}");
	fails("{\"type\":\"object\"}", "[]", ECERT_ERR_SCHEMA, "", "got array");
	pass("{\"type\":\"array\"}", "[]");
	pass("{\"type\":[\"string\",\"null\"]}", "null");
	fails("{\"type\":[\"string\",\"null\"]}", "{}", ECERT_ERR_SCHEMA, "",
	      "expected string or null, got object");
	fails("{\"type\":\"text\"}", "\"x\"", ECERT_ERR_UNSUPPORTED, NULL, "unknown type");
	fails("{\"type\":[]}", "\"x\"", ECERT_ERR_UNSUPPORTED, NULL, NULL);
}

static void test_boolean_schemas(void **state)
{
	(void)state;
	pass("true", "{\"a\":1}");
	fails("false", "1", ECERT_ERR_SCHEMA, "", "no value is allowed");
	pass("{\"properties\":{\"a\":false}}", "{\"b\":1}");
	fails("{\"properties\":{\"a\":false}}", "{\"a\":1}", ECERT_ERR_SCHEMA, "a", NULL);
	fails("1", "1", ECERT_ERR_UNSUPPORTED, NULL, "object or a boolean");
}

static void test_object_keywords(void **state)
{
	const char *s = "{\"type\":\"object\",\"required\":[\"a\"],\"properties\":{\"a\":{"
	                "\"type\":\"object\",\"required\":[\"b\"],\"properties\":{\"b\":{\"type\":"
	                "\"integer\"}}}},\"additionalProperties\":false}";

	(void)state;
	pass(s, "{\"a\":{\"b\":1}}");
	fails(s, "{}", ECERT_ERR_SCHEMA, "a", "required field is missing");
	fails(s, "{\"a\":{}}", ECERT_ERR_SCHEMA, "a.b", "required field is missing");
	fails(s, "{\"a\":{\"b\":\"1\"}}", ECERT_ERR_SCHEMA, "a.b", "expected integer, got string");
	fails(s, "{\"a\":{\"b\":1},\"c\":2}", ECERT_ERR_SCHEMA, "c", "unexpected field");
	/* additionalProperties true / absent / a schema */
	pass("{\"properties\":{\"a\":{}},\"additionalProperties\":true}", "{\"z\":1}");
	pass("{\"properties\":{\"a\":{}}}", "{\"z\":1}");
	pass("{\"additionalProperties\":{\"type\":\"integer\"}}", "{\"z\":1}");
	fails("{\"additionalProperties\":{\"type\":\"integer\"}}", "{\"z\":\"1\"}",
	      ECERT_ERR_SCHEMA, "z", "expected integer");
	/* object keywords ignore other types */
	pass("{\"required\":[\"a\"]}", "\"not an object\"");
	fails("{\"required\":\"a\"}", "{}", ECERT_ERR_UNSUPPORTED, NULL, NULL);
	fails("{\"required\":[1]}", "{}", ECERT_ERR_UNSUPPORTED, NULL, NULL);
}

static void test_array_keywords(void **state)
{
	const char *s = "{\"type\":\"array\",\"minItems\":1,\"maxItems\":3,\"items\":{\"type\":"
	                "\"string\"}}";

	(void)state;
	pass(s, "[\"a\"]");
	pass(s, "[\"a\",\"b\",\"c\"]");
	fails(s, "[]", ECERT_ERR_SCHEMA, "", "at least 1 items");
	fails(s, "[\"a\",\"b\",\"c\",\"d\"]", ECERT_ERR_SCHEMA, "", "at most 3 items");
	fails(s, "[\"a\",2]", ECERT_ERR_SCHEMA, "[1]", "expected string");
	fails("{\"properties\":{\"list\":{\"items\":{\"properties\":{\"x\":{\"const\":1}}}}}}",
	      "{\"list\":[{\"x\":1},{\"x\":2}]}", ECERT_ERR_SCHEMA, "list[1].x", "expected 1");
	fails("{\"minItems\":-1}", "[]", ECERT_ERR_UNSUPPORTED, NULL, NULL);
	fails("{\"maxItems\":1.5}", "[]", ECERT_ERR_UNSUPPORTED, NULL, NULL);
}

static void test_enum_const(void **state)
{
	const char *s = "{\"properties\":{\"credentialSubject\":{\"properties\":{\"level\":{"
	                "\"enum\":[\"员级\",\"助理级\",\"中级\",\"副高级\",\"正高级\"]}}}}}";

	(void)state;
	pass(s, "{\"credentialSubject\":{\"level\":\"中级\"}}");
	fails(s, "{\"credentialSubject\":{\"level\":\"初级\"}}", ECERT_ERR_SCHEMA,
	      "credentialSubject.level",
	      "expected one of \"员级\", \"助理级\", \"中级\", \"副高级\", \"正高级\"");
	fails(s, "{\"credentialSubject\":{\"level\":3}}", ECERT_ERR_SCHEMA,
	      "credentialSubject.level", "expected one of");
	pass("{\"enum\":[1,null,[\"a\"]]}", "[\"a\"]");
	fails("{\"enum\":[1,null,[\"a\"]]}", "[\"b\"]", ECERT_ERR_SCHEMA, "", "[\"a\"]");
	fails("{\"enum\":[]}", "1", ECERT_ERR_UNSUPPORTED, NULL, NULL);
	pass("{\"const\":\"revocation\"}", "\"revocation\"");
	fails("{\"const\":\"revocation\"}", "\"suspension\"", ECERT_ERR_SCHEMA, "",
	      "expected \"revocation\"");
	pass("{\"const\":[\"VerifiableCredential\",\"TitleCertificate\"]}",
	     "[\"VerifiableCredential\",\"TitleCertificate\"]");
	fails("{\"const\":[\"VerifiableCredential\",\"TitleCertificate\"]}",
	      "[\"TitleCertificate\",\"VerifiableCredential\"]", ECERT_ERR_SCHEMA, "", NULL);
	pass("{\"const\":{\"a\":1,\"b\":2}}", "{\"b\":2,\"a\":1}");
	fails("{\"const\":1}", "\"1\"", ECERT_ERR_SCHEMA, "", NULL);
}

static void test_pattern(void **state)
{
	(void)state;
	pass("{\"pattern\":\"^[0-9]{6}$\"}", "\"123456\"");
	fails("{\"pattern\":\"^[0-9]{6}$\"}", "\"12345\"", ECERT_ERR_SCHEMA, "",
	      "does not match the pattern ^[0-9]{6}$");
	/* unanchored, as JSON Schema says */
	pass("{\"pattern\":\"b\"}", "\"abc\"");
	fails("{\"pattern\":\"^b\"}", "\"abc\"", ECERT_ERR_SCHEMA, "", NULL);
	/* literal UTF-8 works */
	pass("{\"pattern\":\"^吉林\"}", "\"吉林省\"");
	fails("{\"pattern\":\"^吉林\"}", "\"黑龙江省\"", ECERT_ERR_SCHEMA, "", NULL);
	/* a description makes the message */
	fails("{\"pattern\":\"^x$\",\"description\":\"the letter x\"}", "\"y\"", ECERT_ERR_SCHEMA,
	      "", "expected the letter x, got \"y\"");
	/* only strings are constrained */
	pass("{\"pattern\":\"^x$\"}", "1");
	/* refused: non-POSIX escapes, broken expressions, non-string patterns */
	fails("{\"pattern\":\"^\\\\d+$\"}", "\"1\"", ECERT_ERR_UNSUPPORTED, NULL, "escape");
	fails("{\"pattern\":\"([\"}", "\"1\"", ECERT_ERR_UNSUPPORTED, NULL, "not a POSIX");
	fails("{\"pattern\":1}", "\"1\"", ECERT_ERR_UNSUPPORTED, NULL, NULL);
	/* more distinct patterns than the cache holds: the rest are compiled per use */
	for (int i = 0; i < 150; i++) {
		char schema[64];

		snprintf(schema, sizeof(schema), "{\"pattern\":\"^x{0,%d}$\"}", i + 1);
		pass(schema, "\"x\"");
		fails(schema, "\"y\"", ECERT_ERR_SCHEMA, "", NULL);
	}
	/* an escaped backslash followed by d is fine */
	pass("{\"pattern\":\"^a\\\\\\\\d$\"}", "\"a\\\\d\"");
}

static void test_messages_stay_utf8(void **state)
{
	char doc[3 * 40 + 4], schema[3 * 40 + 64];
	struct ecert_error e;
	size_t n = 0;

	(void)state;
	doc[n++] = '"';
	doc[n++] = 'a'; /* so that byte 60 falls inside a character */
	for (int i = 0; i < 40; i++) {
		memcpy(doc + n, "吉", 3);
		n += 3;
	}
	doc[n++] = '"';
	doc[n] = '\0';
	/* the value is cut at 60 bytes, the pattern at 60: never inside a character */
	assert_int_equal(check("{\"pattern\":\"^x$\"}", doc, &e), ECERT_ERR_SCHEMA);
	assert_true(utf8_ok(e.msg));
	assert_non_null(strstr(e.msg, "\"a吉吉吉吉吉吉吉吉吉吉吉吉吉吉吉吉吉吉吉\""));
	snprintf(schema, sizeof(schema), "{\"pattern\":%s}", doc);
	assert_int_equal(check(schema, "\"x\"", &e), ECERT_ERR_SCHEMA);
	assert_true(utf8_ok(e.msg));
	/* a long description fills the message to its end */
	snprintf(schema, sizeof(schema), "{\"pattern\":\"^x$\",\"description\":%s}", doc);
	assert_int_equal(check(schema, doc, &e), ECERT_ERR_SCHEMA);
	assert_true(utf8_ok(e.msg));
	assert_int_equal(
	    check("{\"enum\":[\"吉吉吉吉吉吉吉吉吉吉吉吉吉吉吉吉吉吉吉吉吉吉吉吉吉吉\"]}", "\"x\"",
	          &e),
	    ECERT_ERR_SCHEMA);
	assert_true(utf8_ok(e.msg));
}

static void test_lengths(void **state)
{
	(void)state;
	pass("{\"maxLength\":2}", "\"吉林\"");
	fails("{\"maxLength\":2}", "\"吉林省\"", ECERT_ERR_SCHEMA, "",
	      "at most 2 characters, got 3");
	pass("{\"minLength\":3}", "\"吉林省\"");
	fails("{\"minLength\":3}", "\"ab\"", ECERT_ERR_SCHEMA, "", "at least 3 characters, got 2");
	fails("{\"minLength\":1}", "\"\"", ECERT_ERR_SCHEMA, "", NULL);
	pass("{\"maxLength\":1}", "\"😀\"");
	pass("{\"maxLength\":1}", "5");
	fails("{\"maxLength\":\"2\"}", "\"ab\"", ECERT_ERR_UNSUPPORTED, NULL, NULL);
}

static void test_numbers(void **state)
{
	(void)state;
	pass("{\"minimum\":0,\"maximum\":3}", "0");
	pass("{\"minimum\":0,\"maximum\":3}", "3");
	fails("{\"minimum\":0,\"maximum\":3}", "-1", ECERT_ERR_SCHEMA, "", "at least 0");
	fails("{\"minimum\":0,\"maximum\":3}", "3.5", ECERT_ERR_SCHEMA, "", "at most 3");
	pass("{\"minimum\":0}", "\"-1\"");
	fails("{\"minimum\":\"0\"}", "1", ECERT_ERR_UNSUPPORTED, NULL, NULL);
}

static void test_formats(void **state)
{
	(void)state;
	pass("{\"format\":\"date\"}", "\"2024-02-29\"");
	fails("{\"format\":\"date\"}", "\"2023-02-29\"", ECERT_ERR_SCHEMA, "",
	      "real calendar date");
	fails("{\"format\":\"date\"}", "\"2023-1-01\"", ECERT_ERR_SCHEMA, "", NULL);
	pass("{\"format\":\"date-time\"}", "\"2024-05-01T09:30:00+08:00\"");
	pass("{\"format\":\"date-time\"}", "\"2024-05-01T01:30:00.25Z\"");
	fails("{\"format\":\"date-time\"}", "\"2024-05-01T09:30:00\"", ECERT_ERR_SCHEMA, "",
	      "RFC 3339");
	fails("{\"format\":\"email\"}", "\"a@b\"", ECERT_ERR_UNSUPPORTED, NULL, "not supported");
	pass("{\"format\":\"date\"}", "20240229");
}

static void test_refs(void **state)
{
	(void)state;
	pass("{\"$defs\":{\"d\":{\"type\":\"string\"}},\"$ref\":\"#/$defs/d\"}", "\"x\"");
	fails("{\"$defs\":{\"d\":{\"type\":\"string\"}},\"$ref\":\"#/$defs/d\"}", "1",
	      ECERT_ERR_SCHEMA, "", "expected string");
	/* siblings of $ref apply too (2020-12) */
	fails("{\"$defs\":{\"d\":{\"type\":\"string\"}},\"$ref\":\"#/$defs/d\",\"maxLength\":1}",
	      "\"xy\"", ECERT_ERR_SCHEMA, "", "at most 1");
	/* RFC 6901 escapes */
	pass("{\"$defs\":{\"a/b~c\":{\"const\":1}},\"$ref\":\"#/$defs/a~1b~0c\"}", "1");
	fails("{\"$defs\":{\"a/b~c\":{\"const\":1}},\"$ref\":\"#/$defs/a~1b~0c\"}", "2",
	      ECERT_ERR_SCHEMA, "", NULL);
	fails("{\"$ref\":\"#/$defs/none\"}", "1", ECERT_ERR_UNSUPPORTED, NULL, "cannot resolve");
	fails("{\"$ref\":\"other.json#/x\"}", "1", ECERT_ERR_UNSUPPORTED, NULL, "cannot resolve");
	fails("{\"$ref\":\"#/$defs/a~2\",\"$defs\":{}}", "1", ECERT_ERR_UNSUPPORTED, NULL, NULL);
	/* recursion through "#" */
	pass("{\"type\":\"array\",\"items\":{\"$ref\":\"#\"}}", "[[[]],[]]");
	fails("{\"type\":\"array\",\"items\":{\"$ref\":\"#\"}}", "[[[1]]]", ECERT_ERR_SCHEMA,
	      "[0][0][0]", "expected array");
}

static void test_depth_bound(void **state)
{
	char doc[2 * DEEP + 1];

	(void)state;
	/* a $ref cycle ends at the bound instead of the stack */
	fails("{\"$defs\":{\"a\":{\"$ref\":\"#/$defs/a\"}},\"$ref\":\"#/$defs/a\"}", "1",
	      ECERT_ERR_SCHEMA, NULL, "nested deeper than");
	fails("{\"$ref\":\"#\"}", "1", ECERT_ERR_SCHEMA, NULL, "nested deeper than");
	/* a document deeper than the bound */
	memset(doc, '[', DEEP);
	memset(doc + DEEP, ']', DEEP);
	doc[2 * DEEP] = '\0';
	fails("{\"items\":{\"$ref\":\"#\"}}", doc, ECERT_ERR_SCHEMA, NULL, "nested deeper than");
}

static void test_combinators(void **state)
{
	const char *any = "{\"anyOf\":[{\"type\":\"string\",\"format\":\"date\"},{\"type\":"
	                  "\"string\",\"format\":\"date-time\"}]}";
	const char *one = "{\"oneOf\":[{\"type\":\"integer\"},{\"minimum\":10}]}";

	(void)state;
	pass("{\"allOf\":[{\"type\":\"string\"},{\"maxLength\":3}]}", "\"abc\"");
	fails("{\"allOf\":[{\"type\":\"string\"},{\"maxLength\":3}]}", "\"abcd\"", ECERT_ERR_SCHEMA,
	      "", "at most 3");
	pass(any, "\"2024-01-01\"");
	pass(any, "\"2024-01-01T00:00:00Z\"");
	fails(any, "\"2024-13-01\"", ECERT_ERR_SCHEMA, "", "matches none of the 2 alternatives");
	/* the closest branch is named */
	fails("{\"anyOf\":[{\"type\":\"string\"},{\"properties\":{\"a\":{\"properties\":{\"b\":{"
	      "\"const\":1}}}}}]}",
	      "{\"a\":{\"b\":2}}", ECERT_ERR_SCHEMA, "", "closest: a.b: expected 1");
	pass(one, "5");
	pass(one, "10.5");
	fails(one, "12", ECERT_ERR_SCHEMA, "", "matches 2 of the alternatives");
	/* a string: only the (vacuous) minimum branch holds */
	pass(one, "\"x\"");
	fails(one, "3.5", ECERT_ERR_SCHEMA, "", "matches none of the 2 alternatives");
	pass("{\"not\":{\"type\":\"null\"}}", "1");
	fails("{\"not\":{\"type\":\"null\"}}", "null", ECERT_ERR_SCHEMA, "", "must not match");
	/* a broken branch is a schema error even where another branch matches */
	fails("{\"anyOf\":[{\"minProperties\":1},{}]}", "{}", ECERT_ERR_UNSUPPORTED, NULL,
	      "minProperties");
	fails("{\"not\":{\"format\":\"uri\"}}", "\"x\"", ECERT_ERR_UNSUPPORTED, NULL, NULL);
	fails("{\"anyOf\":[]}", "1", ECERT_ERR_UNSUPPORTED, NULL, NULL);
	fails("{\"allOf\":{}}", "1", ECERT_ERR_UNSUPPORTED, NULL, NULL);
}

static void test_if_then_else(void **state)
{
	const char *s = "{\"if\":{\"properties\":{\"kind\":{\"const\":\"title\"}}},\"then\":{"
	                "\"required\":[\"series\"]},\"else\":{\"required\":[\"occupationCode\"]}}";

	(void)state;
	pass(s, "{\"kind\":\"title\",\"series\":\"工程\"}");
	fails(s, "{\"kind\":\"title\"}", ECERT_ERR_SCHEMA, "series", "required");
	pass(s, "{\"kind\":\"skill\",\"occupationCode\":\"6-18-01-01\"}");
	fails(s, "{\"kind\":\"skill\",\"series\":\"工程\"}", ECERT_ERR_SCHEMA, "occupationCode",
	      NULL);
	/* then without if does nothing */
	pass("{\"then\":false}", "1");
	fails("{\"if\":{\"format\":\"uri\"},\"then\":{}}", "\"x\"", ECERT_ERR_UNSUPPORTED, NULL,
	      NULL);
}

static void test_unknown_keywords(void **state)
{
	(void)state;
	fails("{\"minProperties\":1}", "{}", ECERT_ERR_UNSUPPORTED, NULL,
	      "keyword \"minProperties\" is not supported");
	fails("{\"properties\":{\"a\":{\"uniqueItems\":true}}}", "{\"a\":[]}",
	      ECERT_ERR_UNSUPPORTED, "a", NULL);
	/* annotations are fine */
	pass("{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"$id\":\"x\","
	     "\"title\":\"t\",\"description\":\"d\",\"$comment\":\"c\",\"examples\":[1],"
	     "\"default\":1,\"$defs\":{}}",
	     "1");
}

/* A schema is compiled before use; errors in it still show only where a document takes
 * validation, and in the interpreter's order. */
static void test_schema_errors_stay_lazy(void **state)
{
	(void)state;
	/* "type" entries are read until one matches */
	pass("{\"type\":[\"string\",1]}", "\"x\"");
	fails("{\"type\":[\"string\",1]}", "1", ECERT_ERR_UNSUPPORTED, "", "must list type names");
	pass("{\"type\":[\"string\",\"text\"]}", "\"x\"");
	fails("{\"type\":[\"string\",\"text\"]}", "1", ECERT_ERR_UNSUPPORTED, "", "unknown type");
	/* string keywords of a non-string: well-formed is enough */
	pass("{\"pattern\":\"([\"}", "1");
	pass("{\"format\":\"email\"}", "1");
	/* a broken branch after the one that matched */
	pass("{\"anyOf\":[{\"type\":\"string\"},{\"minProperties\":1}]}", "\"x\"");
	pass("{\"properties\":{\"a\":{\"uniqueItems\":true}}}", "{\"b\":[]}");
	/* "required" entries in order: a missing name before a broken entry */
	fails("{\"required\":[\"b\",2,\"a\"]}", "{}", ECERT_ERR_SCHEMA, "b", "required");
	fails("{\"required\":[\"b\",2,\"a\"]}", "{\"b\":1}", ECERT_ERR_UNSUPPORTED, "",
	      "must list names");
	/* a pattern outside the matcher's subset is refused when a string reaches it */
	fails("{\"pattern\":\"\\\\w+\"}", "\"x\"", ECERT_ERR_UNSUPPORTED, "", "outside the subset");
	fails("{\"properties\":{\"a\":{\"pattern\":\"[[.a.]]\"}}}", "{\"a\":\"x\"}",
	      ECERT_ERR_UNSUPPORTED, "a", "outside the subset");
}

/* Lookups by name: duplicate members (cJSON_Parse keeps them), names only "required"
 * gives, and tables large enough for the hash and for the path without a bitmap. */
static void test_property_tables(void **state)
{
	cJSON *schema, *props, *req, *doc;
	struct ecert_error e;
	char name[16];

	(void)state;
	fails("{\"properties\":{\"a\":{\"type\":\"integer\"}}}", "{\"a\":1,\"a\":\"x\"}",
	      ECERT_ERR_SCHEMA, "a", "expected integer");
	/* the first of two "a" in "properties" counts */
	pass("{\"properties\":{\"a\":{\"type\":\"integer\"},\"a\":{\"type\":\"string\"}}}",
	     "{\"a\":1}");
	fails("{\"properties\":{\"a\":{\"type\":\"integer\"},\"a\":{\"type\":\"string\"}}}",
	      "{\"a\":\"x\"}", ECERT_ERR_SCHEMA, "a", "expected integer");
	fails("{\"required\":[\"a\"],\"additionalProperties\":false}", "{\"a\":1}",
	      ECERT_ERR_SCHEMA, "a", "unexpected field");
	fails("{\"required\":[\"a\"],\"additionalProperties\":false}", "{}", ECERT_ERR_SCHEMA, "a",
	      "required field is missing");
	for (int size = 9; size <= 70; size += 61) {
		schema = cJSON_CreateObject();
		props = cJSON_AddObjectToObject(schema, "properties");
		req = cJSON_AddArrayToObject(schema, "required");
		cJSON_AddFalseToObject(schema, "additionalProperties");
		doc = cJSON_CreateObject();
		for (int i = 0; i < size; i++) {
			snprintf(name, sizeof(name), "p%d", i);
			cJSON_AddStringToObject(cJSON_AddObjectToObject(props, name), "type",
			                        "integer");
			cJSON_AddItemToArray(req, cJSON_CreateString(name));
			if (i != size - 2)
				cJSON_AddNumberToObject(doc, name, i);
		}
		assert_int_equal(ecert_schema_validate(schema, doc, &e), ECERT_ERR_SCHEMA);
		snprintf(name, sizeof(name), "p%d", size - 2);
		assert_string_equal(e.where, name);
		assert_non_null(strstr(e.msg, "required field is missing"));
		cJSON_AddStringToObject(doc, name, "x");
		assert_int_equal(ecert_schema_validate(schema, doc, &e), ECERT_ERR_SCHEMA);
		assert_string_equal(e.where, name);
		assert_non_null(strstr(e.msg, "expected integer"));
		cJSON_ReplaceItemInObjectCaseSensitive(doc, name, cJSON_CreateNumber(1));
		assert_int_equal(ecert_schema_validate(schema, doc, &e), ECERT_OK);
		cJSON_AddNumberToObject(doc, "zz", 1);
		assert_int_equal(ecert_schema_validate(schema, doc, &e), ECERT_ERR_SCHEMA);
		assert_string_equal(e.where, "zz");
		cJSON_Delete(schema);
		cJSON_Delete(doc);
	}
}

/* A $ref that is all its schema has is followed without a call of its own, and still
 * counts one level towards the bound, as before. */
static void test_ref_links(void **state)
{
	char doc[2 * 40 + 1];

	(void)state;
	fails("{\"$defs\":{\"a\":{\"$ref\":\"#/$defs/b\"},\"b\":{\"$ref\":\"#/$defs/c\"},\"c\":{"
	      "\"type\":\"string\"}},\"$ref\":\"#/$defs/a\"}",
	      "1", ECERT_ERR_SCHEMA, "", "expected string");
	/* two levels per array: 32 arrays fit in ECERT_SCHEMA_DEPTH_MAX, 33 do not */
	for (int n = 32; n <= 33; n++) {
		memset(doc, '[', (size_t)n);
		memset(doc + n, ']', (size_t)n);
		doc[2 * n] = '\0';
		if (n == 32)
			pass("{\"items\":{\"$ref\":\"#\"}}", doc);
		else
			fails("{\"items\":{\"$ref\":\"#\"}}", doc, ECERT_ERR_SCHEMA, NULL,
			      "nested deeper than");
	}
}

/* An embedded schema's tree from ecert_schema_get validates as the named schema does. */
static void test_embedded_tree(void **state)
{
	const cJSON *tree;
	cJSON *doc = cJSON_Parse("{\"kind\":\"title\"}");
	struct ecert_error a, b;

	(void)state;
	assert_non_null(doc);
	assert_int_equal(ecert_schema_get("record.schema.json", &tree, &a), ECERT_OK);
	ecert_error_clear(&a);
	ecert_error_clear(&b);
	assert_int_equal(ecert_schema_validate(tree, doc, &a), ECERT_ERR_SCHEMA);
	assert_int_equal(ecert_schema_validate_named("record.schema.json", doc, &b),
	                 ECERT_ERR_SCHEMA);
	assert_string_equal(a.where, b.where);
	assert_string_equal(a.msg, b.msg);
	cJSON_Delete(doc);
}

/* ------------------------------------------------------------------ the real schemas */

static const char title_cert[] =
    "{\"@context\":[\"https://www.w3.org/ns/credentials/v2\"],"
    "\"id\":\"urn:ecert:JL-GC-2024-000123\","
    "\"type\":[\"VerifiableCredential\",\"TitleCertificate\"],"
    "\"issuer\":{\"id\":\"urn:uscc:11220000013544525W\",\"name\":\"吉林省人力资源和社会保障厅\"},"
    "\"validFrom\":\"2024-12-20T09:00:00+08:00\","
    "\"credentialSubject\":{\"name\":\"李秀英\",\"idNumberMasked\":\"220104********2025\","
    "\"idDigest\":\"sm3:AAECAwQFBgcICQoLDA0ODw:"
    "b6221c5c60287cfa0baa1c7c78b6dd19f4e87adb1d36491742216cb84a250a8e\","
    "\"series\":\"工程\",\"specialty\":\"机械工程\",\"level\":\"中级\",\"titleName\":\"工程师\","
    "\"qualifiedOn\":\"2024-12-01\",\"approvalDocument\":\"吉人社职称字〔2024〕15号\","
    "\"evaluationMethod\":\"评审\",\"pathway\":{\"rule\":\"skill-to-title.intermediate\","
    "\"basis\":[{\"id\":\"urn:ecert:S000022000001192000001\",\"digest\":\"sm3:"
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\"}]}},"
    "\"credentialStatus\":{\"type\":\"BitstringStatusListEntry\",\"statusPurpose\":"
    "\"revocation\",\"statusListIndex\":\"94567\",\"statusListCredential\":"
    "\"urn:ecert:status:11220000013544525W:1\"},"
    "\"proof\":{\"type\":\"DataIntegrityProof\",\"cryptosuite\":\"sm2-jcs-2025\","
    "\"created\":\"2024-12-20T09:00:00+08:00\",\"verificationMethod\":"
    "\"urn:uscc:11220000013544525W#Ab3dE_g-1Xz\",\"proofPurpose\":\"assertionMethod\","
    "\"proofValue\":\"z3FXQjecWufY46yg5abdVZsXqLhxhueuSoZgNSARiKBk9czhSePTFehP8c3PGfb6a22gkfUKKVi7"
    "dpj4HHGzZdz9g\"}}";

static const char skill_cert[] =
    "{\"@context\":[\"https://www.w3.org/ns/credentials/v2\"],"
    "\"id\":\"urn:ecert:S000022000001193000001\","
    "\"type\":[\"VerifiableCredential\",\"SkillCertificate\"],"
    "\"issuer\":{\"id\":\"urn:uscc:11220000013544525W\",\"name\":\"长春市职业技能鉴定中心\"},"
    "\"validFrom\":\"2019-06-20T00:00:00+08:00\","
    "\"credentialSubject\":{\"name\":\"王建国\",\"idNumberMasked\":\"220102********1230\","
    "\"idDigest\":\"sm3:AAECAwQFBgcICQoLDA0ODw:"
    "b6221c5c60287cfa0baa1c7c78b6dd19f4e87adb1d36491742216cb84a250a8e\","
    "\"occupationCode\":\"6-18-01-01\",\"occupation\":\"车工\",\"level\":\"三级\","
    "\"levelName\":\"高级工\",\"certifiedOn\":\"2019-06-15\",\"certificateKind\":"
    "\"职业技能等级证书\"},"
    "\"credentialStatus\":{\"type\":\"BitstringStatusListEntry\",\"statusPurpose\":"
    "\"revocation\",\"statusListIndex\":\"0\",\"statusListCredential\":"
    "\"urn:ecert:status:11220000013544525W:1\"},"
    "\"proof\":{\"@context\":[\"https://www.w3.org/ns/credentials/v2\"],"
    "\"type\":\"DataIntegrityProof\",\"cryptosuite\":\"eddsa-jcs-2022\","
    "\"created\":\"2019-06-20T00:00:00Z\",\"verificationMethod\":"
    "\"did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2#"
    "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2\",\"proofPurpose\":\"assertionMethod\","
    "\"proofValue\":\"z2YwC8z3ap7yx1nZYCg4L3j3ApHsF8kgPdSb5xoS1VR7vPG3F561B52hYnQF9iseabecm3ijx4K"
    "46FWh7pU1RXGD\"}}";

/* Parse a fixture, apply `path = value` (a JSON value, or NULL to delete), validate with
 * the named schema. */
static int named_mutated(const char *schema, const char *fixture, const char *obj_path,
                         const char *key, const char *value, struct ecert_error *e)
{
	cJSON *doc = cJSON_Parse(fixture), *obj = doc;
	char buf[128], *tok, *save = NULL;
	int rc;

	assert_non_null(doc);
	if (obj_path) {
		snprintf(buf, sizeof(buf), "%s", obj_path);
		for (tok = strtok_r(buf, ".", &save); tok; tok = strtok_r(NULL, ".", &save))
			obj = cJSON_GetObjectItemCaseSensitive(obj, tok);
		assert_non_null(obj);
	}
	if (key) {
		cJSON_DeleteItemFromObjectCaseSensitive(obj, key);
		if (value) {
			cJSON *v = cJSON_Parse(value);

			assert_non_null(v);
			cJSON_AddItemToObject(obj, key, v);
		}
	}
	ecert_error_clear(e);
	rc = ecert_schema_validate_named(schema, doc, e);
	cJSON_Delete(doc);
	return rc;
}

static void cert_fails(const char *fixture, const char *obj_path, const char *key,
                       const char *value, const char *where, const char *msg)
{
	struct ecert_error e;
	int rc = named_mutated("certificate.schema.json", fixture, obj_path, key, value, &e);

	if (rc != ECERT_ERR_SCHEMA)
		fail_msg("%s.%s = %s: rc %d (%s)", obj_path ? obj_path : "", key,
		         value ? value : "(deleted)", rc, e.msg);
	if (strcmp(e.where, where) != 0)
		fail_msg("%s.%s = %s: where \"%s\", want \"%s\" (%s)", obj_path ? obj_path : "",
		         key, value ? value : "(deleted)", e.where, where, e.msg);
	if (msg && !strstr(e.msg, msg))
		fail_msg("%s: message \"%s\" lacks \"%s\"", where, e.msg, msg);
}

static void test_certificate_schema(void **state)
{
	struct ecert_error e;
	const char *cs = "credentialSubject";

	(void)state;
	assert_int_equal(named_mutated("certificate.schema.json", title_cert, NULL, NULL, NULL, &e),
	                 ECERT_OK);
	assert_int_equal(named_mutated("certificate.schema.json", skill_cert, NULL, NULL, NULL, &e),
	                 ECERT_OK);
	/* pathway and validUntil are optional */
	assert_int_equal(
	    named_mutated("certificate.schema.json", title_cert, cs, "pathway", NULL, &e),
	    ECERT_OK);
	assert_int_equal(named_mutated("certificate.schema.json", title_cert, NULL, "validUntil",
	                               "\"2029-12-31T23:59:59+08:00\"", &e),
	                 ECERT_OK);
	cert_fails(title_cert, cs, "level", "\"初级\"", "credentialSubject.level",
	           "expected one of \"员级\", \"助理级\", \"中级\", \"副高级\", \"正高级\"");
	cert_fails(skill_cert, cs, "level", "\"技师\"", "credentialSubject.level",
	           "expected one of \"五级\"");
	cert_fails(skill_cert, cs, "levelName", "\"技工\"", "credentialSubject.levelName", NULL);
	cert_fails(title_cert, NULL, "proof", NULL, "proof", "required field is missing");
	cert_fails(title_cert, NULL, "credentialStatus", NULL, "credentialStatus", "required");
	cert_fails(title_cert, NULL, "extra", "1", "extra", "unexpected field");
	cert_fails(title_cert, NULL, "@context", "[\"https://www.w3.org/2018/credentials/v1\"]",
	           "@context", NULL);
	cert_fails(title_cert, NULL, "type", "[\"VerifiableCredential\"]", "type", NULL);
	cert_fails(title_cert, NULL, "id", "\"urn:ecert:JL GC\"", "id", "urn:ecert:");
	cert_fails(title_cert, NULL, "validFrom", "\"2024-12-20\"", "validFrom", "RFC 3339");
	cert_fails(title_cert, "issuer", "id", "\"urn:uscc:11220000013544525I\"", "issuer.id",
	           NULL);
	cert_fails(title_cert, "issuer", "name", "\" 吉林省人社厅\"", "issuer.name",
	           "leading/trailing spaces");
	cert_fails(title_cert, cs, "idNumberMasked", "\"220104199001012025\"",
	           "credentialSubject.idNumberMasked", NULL);
	cert_fails(title_cert, cs, "idDigest", "\"sm3:0123\"", "credentialSubject.idDigest", NULL);
	cert_fails(title_cert, cs, "idNumber", "\"220104199001012025\"",
	           "credentialSubject.idNumber", "unexpected field");
	cert_fails(title_cert, cs, "qualifiedOn", "\"2024-02-30\"", "credentialSubject.qualifiedOn",
	           "real calendar date");
	cert_fails(title_cert, cs, "evaluationMethod", "\"推荐\"",
	           "credentialSubject.evaluationMethod", NULL);
	cert_fails(title_cert, cs, "titleName", NULL, "credentialSubject.titleName", "required");
	cert_fails(title_cert, "credentialSubject.pathway", "basis", "[]",
	           "credentialSubject.pathway.basis", "at least 1 items");
	cert_fails(title_cert, "credentialSubject.pathway", "basis",
	           "[{\"id\":\"urn:ecert:X1\",\"digest\":\"sm3:00\"}]",
	           "credentialSubject.pathway.basis[0].digest", NULL);
	cert_fails(skill_cert, cs, "occupationCode", "\"6-18-01\"",
	           "credentialSubject.occupationCode", "N-NN-NN-NN");
	cert_fails(skill_cert, cs, "certificateKind", "\"技能证书\"",
	           "credentialSubject.certificateKind", NULL);
	/* the subject must be of the certificate's type */
	cert_fails(skill_cert, NULL, "type", "[\"VerifiableCredential\",\"TitleCertificate\"]",
	           "credentialSubject.series", "required");
	cert_fails(title_cert, "credentialStatus", "statusListIndex", "\"01\"",
	           "credentialStatus.statusListIndex", NULL);
	cert_fails(title_cert, "credentialStatus", "statusListIndex", "1",
	           "credentialStatus.statusListIndex", "expected string");
	cert_fails(title_cert, "credentialStatus", "statusPurpose", "\"suspension\"",
	           "credentialStatus.statusPurpose", "expected \"revocation\"");
	cert_fails(title_cert, "proof", "cryptosuite", "\"rsa-2048\"", "proof.cryptosuite", NULL);
	cert_fails(title_cert, "proof", "proofValue", "\"uAAAA\"", "proof.proofValue", "base58btc");
	cert_fails(title_cert, "proof", "verificationMethod", "\"urn:uscc:11220000013544525W\"",
	           "proof.verificationMethod", NULL);
	cert_fails(title_cert, "proof", "proofPurpose", "\"authentication\"", "proof.proofPurpose",
	           NULL);
	cert_fails(title_cert, "proof", "created", NULL, "proof.created", "required");
}

static void test_record_schema(void **state)
{
	struct ecert_error e;
	const char *rec = "{\"kind\":\"skill\",\"certificateNumber\":\"S000022000001193000001\","
	                  "\"name\":\"王建国\",\"idNumber\":\"220102198503121230\","
	                  "\"occupationCode\":\"6-18-01-01\",\"occupation\":\"车工\","
	                  "\"level\":\"三级\",\"levelName\":\"高级工\",\"certifiedOn\":"
	                  "\"2019-06-15\",\"certificateKind\":\"职业技能等级证书\"}";

	(void)state;
	assert_int_equal(named_mutated("record.schema.json", rec, NULL, NULL, NULL, &e), ECERT_OK);
	assert_int_equal(
	    named_mutated("record.schema.json", rec, NULL, "validFrom", "\"2019-06-20\"", &e),
	    ECERT_OK);
	assert_int_equal(named_mutated("record.schema.json", rec, NULL, "validFrom",
	                               "\"2019-06-20T08:00:00+08:00\"", &e),
	                 ECERT_OK);
	assert_int_equal(
	    named_mutated("record.schema.json", rec, NULL, "validFrom", "\"2019-06-31\"", &e),
	    ECERT_ERR_SCHEMA);
	assert_string_equal(e.where, "validFrom");
	assert_int_equal(named_mutated("record.schema.json", rec, NULL, "kind", "\"titel\"", &e),
	                 ECERT_ERR_SCHEMA);
	assert_string_equal(e.where, "kind");
	assert_int_equal(named_mutated("record.schema.json", rec, NULL, "series", "\"工程\"", &e),
	                 ECERT_ERR_SCHEMA);
	assert_string_equal(e.where, "series");
	assert_int_equal(ecert_schema_validate_named("nonexistent.schema.json", NULL, &e),
	                 ECERT_ERR_ARG);
	{
		cJSON *one = cJSON_CreateNumber(1);

		ecert_error_clear(&e);
		assert_int_equal(ecert_schema_validate_named("nonexistent.schema.json", one, &e),
		                 ECERT_ERR_IO);
		cJSON_Delete(one);
	}
}

static void *thread_body(void *arg)
{
	long bad = 0;

	(void)arg;
	for (int i = 0; i < THREAD_ROUNDS; i++) {
		struct ecert_error e;

		if (named_mutated("certificate.schema.json", i % 2 ? title_cert : skill_cert, NULL,
		                  NULL, NULL, &e) != ECERT_OK)
			bad++;
		if (named_mutated("certificate.schema.json", title_cert, "credentialSubject",
		                  "level", "\"初级\"", &e) != ECERT_ERR_SCHEMA)
			bad++;
	}
	return (void *)bad;
}

/* First in the list: the threads race the one-time parse and the pattern cache. */
static void test_threads(void **state)
{
	pthread_t th[NTHREADS];

	(void)state;
	for (int i = 0; i < NTHREADS; i++)
		assert_int_equal(pthread_create(&th[i], NULL, thread_body, NULL), 0);
	for (int i = 0; i < NTHREADS; i++) {
		void *res;

		assert_int_equal(pthread_join(th[i], &res), 0);
		assert_null(res);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_threads),
	    cmocka_unit_test(test_type),
	    cmocka_unit_test(test_boolean_schemas),
	    cmocka_unit_test(test_object_keywords),
	    cmocka_unit_test(test_array_keywords),
	    cmocka_unit_test(test_enum_const),
	    cmocka_unit_test(test_pattern),
	    cmocka_unit_test(test_messages_stay_utf8),
	    cmocka_unit_test(test_lengths),
	    cmocka_unit_test(test_numbers),
	    cmocka_unit_test(test_formats),
	    cmocka_unit_test(test_refs),
	    cmocka_unit_test(test_depth_bound),
	    cmocka_unit_test(test_combinators),
	    cmocka_unit_test(test_if_then_else),
	    cmocka_unit_test(test_unknown_keywords),
	    cmocka_unit_test(test_schema_errors_stay_lazy),
	    cmocka_unit_test(test_property_tables),
	    cmocka_unit_test(test_ref_links),
	    cmocka_unit_test(test_embedded_tree),
	    cmocka_unit_test(test_certificate_schema),
	    cmocka_unit_test(test_record_schema),
	};
	ecert_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
