/* cmocka: the streaming reader of issuance records (CSV, JSON, NDJSON; UTF-8, GB18030). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <iconv.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "ecert/alloc.h"
#include "ecert/buf.h"
#include "ecert/error.h"
#include "ecert/records.h"

static struct ecert_records *open_text(const char *text, const char *name,
                                       enum ecert_records_format fmt)
{
	struct ecert_records *r = NULL;
	struct ecert_error err;

	ecert_error_clear(&err);
	assert_int_equal(
	    ecert_records_open_mem(text, strlen(text), name, fmt, ECERT_RECORDS_ENC_AUTO, &r, &err),
	    ECERT_OK);
	return r;
}

/* Open expecting failure; returns the error. */
static struct ecert_error open_fails(const void *data, size_t len, const char *name,
                                     enum ecert_records_format fmt, enum ecert_records_encoding enc,
                                     int code)
{
	struct ecert_records *r = NULL;
	struct ecert_error err;

	ecert_error_clear(&err);
	assert_int_equal(ecert_records_open_mem(data, len, name, fmt, enc, &r, &err), code);
	assert_null(r);
	return err;
}

/* Next record, which must exist; checks its line. */
static cJSON *next_ok(struct ecert_records *r, unsigned long want_line)
{
	struct ecert_error err;
	cJSON *rec = NULL;
	unsigned long line = 0;

	ecert_error_clear(&err);
	assert_int_equal(ecert_records_next(r, &rec, &line, &err), ECERT_OK);
	assert_non_null(rec);
	assert_int_equal(line, want_line);
	return rec;
}

static void next_end(struct ecert_records *r)
{
	struct ecert_error err;
	cJSON *rec = (cJSON *)&err; /* must become NULL */

	ecert_error_clear(&err);
	assert_int_equal(ecert_records_next(r, &rec, NULL, &err), ECERT_OK);
	assert_null(rec);
}

static struct ecert_error next_fails(struct ecert_records *r, int code)
{
	struct ecert_error err;
	cJSON *rec = NULL;

	ecert_error_clear(&err);
	assert_int_equal(ecert_records_next(r, &rec, NULL, &err), code);
	assert_null(rec);
	return err;
}

static const char *str(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static void test_csv_basic(void **state)
{
	const char *csv =
	    "证书编号,姓名,身份证号,职业编码,职业名称,等级,等级名称,发证日期\r\n"
	    "S1,王建国,220102198503121230,6-18-01-01,车工,三级,高级工,2019-06-15\r\n"
	    "S2,\"李\"\"四\"\"\",\"22010219850312\r\n1230\",6-18-01-01,\"车,工\",二级,"
	    "技师,2020-01-01\r\n"
	    "S3,张三,220102198503121230,6-18-01-01,车工,一级,高级技师,2021-01-01";
	struct ecert_records *r;
	cJSON *rec;

	(void)state;
	r = open_text(csv, "in.csv", ECERT_RECORDS_AUTO);
	assert_int_equal(ecert_records_format(r), ECERT_RECORDS_CSV);
	assert_int_equal(ecert_records_encoding(r), ECERT_RECORDS_UTF8);
	rec = next_ok(r, 2);
	assert_string_equal(str(rec, "certificateNumber"), "S1");
	assert_string_equal(str(rec, "name"), "王建国");
	assert_string_equal(str(rec, "idNumber"), "220102198503121230");
	assert_string_equal(str(rec, "occupationCode"), "6-18-01-01");
	assert_string_equal(str(rec, "occupation"), "车工");
	assert_string_equal(str(rec, "level"), "三级");
	assert_string_equal(str(rec, "levelName"), "高级工");
	assert_string_equal(str(rec, "certifiedOn"), "2019-06-15");
	assert_int_equal(cJSON_GetArraySize(rec), 8);
	cJSON_Delete(rec);
	/* doubled quotes, a quoted comma, a quoted CRLF (kept as data) */
	rec = next_ok(r, 3);
	assert_string_equal(str(rec, "name"), "李\"四\"");
	assert_string_equal(str(rec, "idNumber"), "22010219850312\r\n1230");
	assert_string_equal(str(rec, "occupation"), "车,工");
	cJSON_Delete(rec);
	/* the row after a two-line row starts on line 5; no final newline */
	rec = next_ok(r, 5);
	assert_string_equal(str(rec, "levelName"), "高级技师");
	cJSON_Delete(rec);
	next_end(r);
	next_end(r);
	ecert_records_close(r);
}

static void test_csv_trim_blank_english(void **state)
{
	/* English names; ASCII and ideographic (U+3000) spaces trimmed; blank rows skipped;
	 * an empty cell leaves its field out; an empty-header column that stays empty is fine */
	const char *csv = "\n certificateNumber , name,validUntil,\n"
	                  "\n"
	                  "T-1,\xE3\x80\x80张三\xE3\x80\x80 ,,\n"
	                  ",,,\n"
	                  "  \"T-2\"  , \" 李四 \" ,2030-01-01,\n"
	                  "\n";
	struct ecert_records *r;
	cJSON *rec;

	(void)state;
	r = open_text(csv, NULL, ECERT_RECORDS_AUTO);
	assert_int_equal(ecert_records_format(r), ECERT_RECORDS_CSV);
	rec = next_ok(r, 4);
	assert_string_equal(str(rec, "certificateNumber"), "T-1");
	assert_string_equal(str(rec, "name"), "张三");
	assert_null(cJSON_GetObjectItemCaseSensitive(rec, "validUntil"));
	assert_int_equal(cJSON_GetArraySize(rec), 2);
	cJSON_Delete(rec);
	rec = next_ok(r, 6);
	assert_string_equal(str(rec, "certificateNumber"), "T-2");
	assert_string_equal(str(rec, "name"), "李四");
	assert_string_equal(str(rec, "validUntil"), "2030-01-01");
	cJSON_Delete(rec);
	next_end(r);
	ecert_records_close(r);
}

static void test_csv_header_errors(void **state)
{
	struct ecert_error e;
	const char *unknown = "证书编号,籍贯\nS1,吉林\n";
	const char *dup = "证书编号,级别,等级\nS1,中级,二级\n";
	const char *twice = "姓名,name\n";

	(void)state;
	e = open_fails(unknown, strlen(unknown), "x.csv", ECERT_RECORDS_AUTO,
	               ECERT_RECORDS_ENC_AUTO, ECERT_ERR_SCHEMA);
	assert_string_equal(e.where, "line 1: column 籍贯");
	assert_non_null(strstr(e.msg, "not a record field"));
	e = open_fails(dup, strlen(dup), "x.csv", ECERT_RECORDS_AUTO, ECERT_RECORDS_ENC_AUTO,
	               ECERT_ERR_SCHEMA);
	assert_string_equal(e.where, "line 1: column 等级");
	assert_non_null(strstr(e.msg, "level"));
	e = open_fails(twice, strlen(twice), NULL, ECERT_RECORDS_CSV, ECERT_RECORDS_ENC_AUTO,
	               ECERT_ERR_SCHEMA);
	assert_string_equal(e.where, "line 1: column name");
	e = open_fails("\n\n", 2, NULL, ECERT_RECORDS_CSV, ECERT_RECORDS_UTF8, ECERT_ERR_SCHEMA);
	assert_non_null(strstr(e.msg, "no header"));
	e = open_fails(" \n", 2, NULL, ECERT_RECORDS_AUTO, ECERT_RECORDS_UTF8, ECERT_ERR_SCHEMA);
	assert_non_null(strstr(e.msg, "empty"));
}

static void test_csv_row_errors(void **state)
{
	const char *csv = "证书编号,姓名,身份证号\n"
	                  "S1,甲,1\n"
	                  "S2,乙\n"        /* too few cells */
	                  "S3,a\"b,3\n"    /* quote inside an unquoted cell */
	                  "S4,\"丙\"x,4\n" /* text after a closing quote */
	                  "S5,丁,5,6\n"    /* too many cells */
	                  "S6,戊,6\n";
	struct ecert_records *r;
	struct ecert_error e;
	cJSON *rec;

	(void)state;
	r = open_text(csv, "a.csv", ECERT_RECORDS_AUTO);
	cJSON_Delete(next_ok(r, 2));
	e = next_fails(r, ECERT_ERR_SCHEMA);
	assert_string_equal(e.where, "line 3");
	assert_int_equal(ecert_records_fatal(r), 0);
	e = next_fails(r, ECERT_ERR_INVALID);
	assert_string_equal(e.where, "line 4: column 姓名");
	e = next_fails(r, ECERT_ERR_INVALID);
	assert_string_equal(e.where, "line 5: column 姓名");
	e = next_fails(r, ECERT_ERR_SCHEMA);
	assert_string_equal(e.where, "line 6");
	rec = next_ok(r, 7);
	assert_string_equal(str(rec, "certificateNumber"), "S6");
	cJSON_Delete(rec);
	next_end(r);
	ecert_records_close(r);
}

static void test_csv_unterminated_quote(void **state)
{
	const char *csv = "证书编号,姓名\nS1,\"甲\nS2,乙\n";
	struct ecert_records *r;
	struct ecert_error e, e2;

	(void)state;
	r = open_text(csv, "a.csv", ECERT_RECORDS_AUTO);
	e = next_fails(r, ECERT_ERR_INVALID);
	assert_string_equal(e.where, "line 2");
	assert_non_null(strstr(e.msg, "never closed"));
	assert_int_equal(ecert_records_fatal(r), 1);
	/* sticky */
	e2 = next_fails(r, ECERT_ERR_INVALID);
	assert_string_equal(e2.where, e.where);
	assert_string_equal(e2.msg, e.msg);
	ecert_records_close(r);
}

static void test_csv_bounds(void **state)
{
	struct ecert_buf b = ECERT_BUF_INIT;
	struct ecert_records *r = NULL;
	struct ecert_error err, e;
	cJSON *rec;

	(void)state;
	ecert_error_clear(&err);
	/* a cell over ECERT_RECORDS_FIELD_MAX: that record is refused, the next one read */
	ecert_buf_puts(&b, "证书编号,姓名\nS1,");
	for (size_t i = 0; i <= ECERT_RECORDS_FIELD_MAX; i++)
		ecert_buf_putc(&b, 'x');
	ecert_buf_puts(&b, "\nS2,乙\n");
	assert_int_equal(ecert_buf_ok(&b), ECERT_OK);
	assert_int_equal(ecert_records_open_mem(b.data, b.len, "a.csv", ECERT_RECORDS_AUTO,
	                                        ECERT_RECORDS_ENC_AUTO, &r, &err),
	                 ECERT_OK);
	e = next_fails(r, ECERT_ERR_JSON_SIZE);
	assert_string_equal(e.where, "line 2: column 姓名");
	rec = next_ok(r, 3);
	assert_string_equal(str(rec, "name"), "乙");
	cJSON_Delete(rec);
	ecert_records_close(r);
	ecert_buf_free(&b);

	/* more columns than ECERT_RECORDS_COLUMNS_MAX in the header */
	ecert_buf_puts(&b, "name");
	for (int i = 0; i < ECERT_RECORDS_COLUMNS_MAX; i++)
		ecert_buf_puts(&b, ",");
	ecert_buf_puts(&b, "\n");
	e = open_fails(b.data, b.len, NULL, ECERT_RECORDS_CSV, ECERT_RECORDS_UTF8,
	               ECERT_ERR_SCHEMA);
	assert_non_null(strstr(e.msg, "columns"));
	ecert_buf_free(&b);
}

/* Convert UTF-8 text to GB18030 with iconv. */
static void to_gb18030(const char *utf8, struct ecert_buf *out)
{
	iconv_t cd = iconv_open("GB18030", "UTF-8");
	size_t inleft = strlen(utf8), outleft = inleft * 2 + 8;
	char *in = (char *)(uintptr_t)utf8, *o;

	assert_true(cd != (iconv_t)-1);
	assert_int_equal(ecert_buf_reserve(out, outleft), ECERT_OK);
	o = (char *)out->data;
	assert_int_not_equal(iconv(cd, &in, &inleft, &o, &outleft), (size_t)-1);
	out->len = (size_t)(o - (char *)out->data);
	iconv_close(cd);
}

static void test_gb18030(void **state)
{
	const char *utf8 =
	    "证书编号,姓名,职业名称,等级\r\nS1,王建国,车工,三级\r\nS2,𠀀龘,焊工,二级\r\n";
	struct ecert_buf gb = ECERT_BUF_INIT;
	struct ecert_records *r = NULL;
	struct ecert_error err, e;
	cJSON *rec;

	(void)state;
	ecert_error_clear(&err);
	to_gb18030(utf8, &gb);
	assert_int_not_equal(memcmp(gb.data, utf8, 8), 0);
	/* detected */
	assert_int_equal(ecert_records_open_mem(gb.data, gb.len, "x.csv", ECERT_RECORDS_AUTO,
	                                        ECERT_RECORDS_ENC_AUTO, &r, &err),
	                 ECERT_OK);
	assert_int_equal(ecert_records_encoding(r), ECERT_RECORDS_GB18030);
	rec = next_ok(r, 2);
	assert_string_equal(str(rec, "name"), "王建国");
	assert_string_equal(str(rec, "occupation"), "车工");
	cJSON_Delete(rec);
	rec = next_ok(r, 3);
	assert_string_equal(str(rec, "name"), "𠀀龘"); /* a 4-byte GB18030 character */
	cJSON_Delete(rec);
	next_end(r);
	ecert_records_close(r);
	r = NULL;

	/* told: GB18030 */
	assert_int_equal(ecert_records_open_mem(gb.data, gb.len, "x.csv", ECERT_RECORDS_CSV,
	                                        ECERT_RECORDS_GB18030, &r, &err),
	                 ECERT_OK);
	rec = next_ok(r, 2);
	assert_string_equal(str(rec, "level"), "三级");
	cJSON_Delete(rec);
	ecert_records_close(r);
	r = NULL;

	/* GB18030 read as UTF-8: an encoding error naming line 1 (the header) */
	e = open_fails(gb.data, gb.len, "x.csv", ECERT_RECORDS_AUTO, ECERT_RECORDS_UTF8,
	               ECERT_ERR_ENCODING);
	assert_string_equal(e.where, "line 1");
	ecert_buf_free(&gb);

	/* the GB18030 byte-order mark (84 31 95 33) is dropped */
	ecert_buf_append(&gb, "\x84\x31\x95\x33", 4);
	{
		struct ecert_buf body = ECERT_BUF_INIT;

		to_gb18030("姓名\n张三\n", &body);
		ecert_buf_append(&gb, body.data, body.len);
		ecert_buf_free(&body);
	}
	assert_int_equal(ecert_records_open_mem(gb.data, gb.len, NULL, ECERT_RECORDS_AUTO,
	                                        ECERT_RECORDS_ENC_AUTO, &r, &err),
	                 ECERT_OK);
	assert_int_equal(ecert_records_encoding(r), ECERT_RECORDS_GB18030);
	rec = next_ok(r, 2);
	assert_string_equal(str(rec, "name"), "张三");
	cJSON_Delete(rec);
	ecert_records_close(r);
	ecert_buf_free(&gb);
}

static void test_encoding_errors(void **state)
{
	/* records before the bad byte are delivered; the error names its line */
	const char bad_utf8[] = "name,idNumber\nA,1\nB,2\nC\xC3\x28,3\nD,4\n";
	const char bom[] = "\xEF\xBB\xBFname\nA\n";
	const char nul[] = "name\nA\nB\0C\n";
	const char cut[] = "name\nA\xE7\x8E";
	struct ecert_records *r = NULL;
	struct ecert_error err, e;
	cJSON *rec;

	(void)state;
	ecert_error_clear(&err);
	assert_int_equal(ecert_records_open_mem(bad_utf8, sizeof(bad_utf8) - 1, "a.csv",
	                                        ECERT_RECORDS_AUTO, ECERT_RECORDS_UTF8, &r, &err),
	                 ECERT_OK);
	cJSON_Delete(next_ok(r, 2));
	cJSON_Delete(next_ok(r, 3));
	e = next_fails(r, ECERT_ERR_ENCODING);
	assert_string_equal(e.where, "line 4");
	assert_non_null(strstr(e.msg, "0xC3"));
	assert_int_equal(ecert_records_fatal(r), 1);
	ecert_records_close(r);
	r = NULL;

	/* a UTF-8 BOM is dropped: the first label is still recognised */
	assert_int_equal(ecert_records_open_mem(bom, sizeof(bom) - 1, NULL, ECERT_RECORDS_AUTO,
	                                        ECERT_RECORDS_ENC_AUTO, &r, &err),
	                 ECERT_OK);
	assert_int_equal(ecert_records_encoding(r), ECERT_RECORDS_UTF8);
	rec = next_ok(r, 2);
	assert_string_equal(str(rec, "name"), "A");
	cJSON_Delete(rec);
	ecert_records_close(r);
	r = NULL;

	assert_int_equal(ecert_records_open_mem(nul, sizeof(nul) - 1, NULL, ECERT_RECORDS_CSV,
	                                        ECERT_RECORDS_UTF8, &r, &err),
	                 ECERT_OK);
	cJSON_Delete(next_ok(r, 2));
	e = next_fails(r, ECERT_ERR_ENCODING);
	assert_string_equal(e.where, "line 3");
	assert_non_null(strstr(e.msg, "NUL"));
	ecert_records_close(r);
	r = NULL;

	assert_int_equal(ecert_records_open_mem(cut, sizeof(cut) - 1, NULL, ECERT_RECORDS_CSV,
	                                        ECERT_RECORDS_UTF8, &r, &err),
	                 ECERT_OK);
	e = next_fails(r, ECERT_ERR_ENCODING);
	assert_string_equal(e.where, "line 2");
	ecert_records_close(r);
}

static void test_json_array(void **state)
{
	const char *json =
	    "[\n"
	    "  {\"kind\": \"skill\", \"certificateNumber\": \"S1\",\n"
	    "   \"name\": \"王建国\"},\n"
	    "  {\"kind\": \"title\", \"certificateNumber\": \"T1\", \"note\": \"a]}\\\"b\"},\n"
	    "  \"not an object\",\n"
	    "  {\"a\": 1, \"a\": 2},\n"
	    "  {\"certificateNumber\": \"S3\"}\n"
	    "]\n";
	struct ecert_records *r;
	struct ecert_error e;
	cJSON *rec;

	(void)state;
	r = open_text(json, "in.json", ECERT_RECORDS_AUTO);
	assert_int_equal(ecert_records_format(r), ECERT_RECORDS_JSON);
	rec = next_ok(r, 2);
	assert_string_equal(str(rec, "name"), "王建国");
	cJSON_Delete(rec);
	/* brackets and escaped quotes inside strings do not end the element */
	rec = next_ok(r, 4);
	assert_string_equal(str(rec, "note"), "a]}\"b");
	cJSON_Delete(rec);
	e = next_fails(r, ECERT_ERR_SCHEMA);
	assert_string_equal(e.where, "line 5");
	assert_int_equal(ecert_records_fatal(r), 0);
	/* strict JSON: duplicate keys are refused, the reader goes on */
	e = next_fails(r, ECERT_ERR_JSON_DUPKEY);
	assert_non_null(strstr(e.where, "line 6"));
	assert_int_equal(ecert_records_fatal(r), 0);
	rec = next_ok(r, 7);
	assert_string_equal(str(rec, "certificateNumber"), "S3");
	cJSON_Delete(rec);
	next_end(r);
	ecert_records_close(r);

	/* a syntax error inside an element is placed in the input, not in the element */
	r = open_text("[\n  {\"a\": \"1\"},  {\"b\": tru},\n  {\"c\":\n  nul}]", NULL,
	              ECERT_RECORDS_AUTO);
	cJSON_Delete(next_ok(r, 2));
	e = next_fails(r, ECERT_ERR_JSON_SYNTAX);
	assert_string_equal(e.where, "line 2, column 22");
	e = next_fails(r, ECERT_ERR_JSON_SYNTAX);
	assert_string_equal(e.where, "line 4, column 3");
	next_end(r);
	ecert_records_close(r);

	/* an empty array is no records */
	r = open_text(" [ ] ", NULL, ECERT_RECORDS_AUTO);
	next_end(r);
	ecert_records_close(r);
}

static void test_json_structure_errors(void **state)
{
	struct ecert_records *r;
	struct ecert_error e;

	(void)state;
	r = open_text("[{\"a\":\"1\"},]", NULL, ECERT_RECORDS_JSON);
	cJSON_Delete(next_ok(r, 1));
	e = next_fails(r, ECERT_ERR_JSON_SYNTAX);
	assert_non_null(strstr(e.msg, "comma"));
	assert_int_equal(ecert_records_fatal(r), 1);
	ecert_records_close(r);

	r = open_text("[{\"a\":\"1\"}] x", NULL, ECERT_RECORDS_JSON);
	cJSON_Delete(next_ok(r, 1));
	next_fails(r, ECERT_ERR_JSON_TRAILING);
	ecert_records_close(r);

	r = open_text("[{\"a\":\"1\"}\n{\"b\":\"2\"}]", NULL, ECERT_RECORDS_JSON);
	cJSON_Delete(next_ok(r, 1));
	e = next_fails(r, ECERT_ERR_JSON_SYNTAX);
	assert_string_equal(e.where, "line 2");
	ecert_records_close(r);

	r = open_text("[{\"a\":\"1\"},\n{\"b\":", NULL, ECERT_RECORDS_JSON);
	cJSON_Delete(next_ok(r, 1));
	e = next_fails(r, ECERT_ERR_JSON_SYNTAX);
	assert_string_equal(e.where, "line 2");
	assert_non_null(strstr(e.msg, "never closed"));
	ecert_records_close(r);

	/* one object, then another: not one JSON document */
	r = open_text("{\n\"a\": \"1\"\n}\n{\"b\": \"2\"}\n", "x.json", ECERT_RECORDS_AUTO);
	e = next_fails(r, ECERT_ERR_JSON_TRAILING);
	assert_string_equal(e.where, "line 4");
	ecert_records_close(r);

	e = open_fails("42", 2, "x.json", ECERT_RECORDS_AUTO, ECERT_RECORDS_ENC_AUTO,
	               ECERT_ERR_JSON_SYNTAX);
	e = open_fails("", 0, "x.json", ECERT_RECORDS_AUTO, ECERT_RECORDS_ENC_AUTO,
	               ECERT_ERR_SCHEMA);
	(void)e;
}

static void test_json_single_and_size(void **state)
{
	struct ecert_buf b = ECERT_BUF_INIT;
	struct ecert_records *r;
	struct ecert_error e;
	cJSON *rec;

	(void)state;
	/* a pretty-printed single object, no extension: JSON */
	r = open_text("\n{\n  \"kind\": \"skill\",\n  \"name\": \"王建国\"\n}\n", NULL,
	              ECERT_RECORDS_AUTO);
	assert_int_equal(ecert_records_format(r), ECERT_RECORDS_JSON);
	rec = next_ok(r, 2);
	assert_string_equal(str(rec, "kind"), "skill");
	cJSON_Delete(rec);
	next_end(r);
	ecert_records_close(r);

	/* an element over ECERT_RECORDS_RECORD_MAX is refused while it is read */
	ecert_buf_puts(&b, "[{\"name\": \"");
	for (size_t i = 0; i < ECERT_RECORDS_RECORD_MAX; i++)
		ecert_buf_putc(&b, 'x');
	ecert_buf_puts(&b, "\"}]");
	assert_int_equal(ecert_buf_ok(&b), ECERT_OK);
	r = NULL;
	assert_int_equal(ecert_records_open_mem(b.data, b.len, NULL, ECERT_RECORDS_AUTO,
	                                        ECERT_RECORDS_ENC_AUTO, &r, NULL),
	                 ECERT_OK);
	e = next_fails(r, ECERT_ERR_JSON_SIZE);
	assert_string_equal(e.where, "line 1");
	ecert_records_close(r);
	ecert_buf_free(&b);
}

static void test_ndjson(void **state)
{
	const char *nd = "{\"certificateNumber\": \"N1\"}\r\n"
	                 "\n"
	                 "   \n"
	                 "{\"certificateNumber\": \"N2\"}\n"
	                 "{\"certificateNumber\": \n"
	                 "[1]\n"
	                 "{\"certificateNumber\": \"N3\"}";
	struct ecert_records *r;
	struct ecert_error e;
	cJSON *rec;

	(void)state;
	/* detected: the first object ends on its line */
	r = open_text(nd, NULL, ECERT_RECORDS_AUTO);
	assert_int_equal(ecert_records_format(r), ECERT_RECORDS_NDJSON);
	rec = next_ok(r, 1);
	assert_string_equal(str(rec, "certificateNumber"), "N1");
	cJSON_Delete(rec);
	rec = next_ok(r, 4);
	assert_string_equal(str(rec, "certificateNumber"), "N2");
	cJSON_Delete(rec);
	e = next_fails(r, ECERT_ERR_JSON_SYNTAX);
	assert_non_null(strstr(e.where, "line 5"));
	e = next_fails(r, ECERT_ERR_SCHEMA);
	assert_string_equal(e.where, "line 6");
	rec = next_ok(r, 7);
	assert_string_equal(str(rec, "certificateNumber"), "N3");
	cJSON_Delete(rec);
	next_end(r);
	ecert_records_close(r);

	/* by extension */
	r = open_text("{\"a\":\"1\"}\n", "x.jsonl", ECERT_RECORDS_AUTO);
	assert_int_equal(ecert_records_format(r), ECERT_RECORDS_NDJSON);
	cJSON_Delete(next_ok(r, 1));
	next_end(r);
	ecert_records_close(r);
	/* an empty NDJSON stream is no records */
	r = open_text("", NULL, ECERT_RECORDS_NDJSON);
	next_end(r);
	ecert_records_close(r);
}

static void test_file_and_streaming(void **state)
{
	char path[] = "/tmp/ecert-records-XXXXXX.csv";
	struct ecert_records *r = NULL;
	struct ecert_error err;
	FILE *fp;
	int fd;
	unsigned long n = 0, line = 0;
	size_t used_start = 0, used_max = 0;
	enum { ROWS = 60000 };

	(void)state;
	ecert_error_clear(&err);
	fd = mkstemps(path, 4);
	assert_true(fd >= 0);
	fp = fdopen(fd, "w");
	assert_non_null(fp);
	fputs("证书编号,姓名,身份证号,职业名称\n", fp);
	for (int i = 0; i < ROWS; i++)
		fprintf(fp, "S%07d,王建国,220102198503121230,\"车工\"\r\n", i);
	assert_int_equal(fclose(fp), 0);

	assert_int_equal(ecert_records_open("/nonexistent/x.csv", ECERT_RECORDS_AUTO,
	                                    ECERT_RECORDS_ENC_AUTO, &r, &err),
	                 ECERT_ERR_IO);
	assert_int_equal(
	    ecert_records_open(path, ECERT_RECORDS_AUTO, ECERT_RECORDS_ENC_AUTO, &r, &err),
	    ECERT_OK);
	assert_int_equal(ecert_records_format(r), ECERT_RECORDS_CSV);
	for (;;) {
		cJSON *rec = NULL;
		char want[40];

		assert_int_equal(ecert_records_next(r, &rec, &line, &err), ECERT_OK);
		if (!rec)
			break;
		snprintf(want, sizeof(want), "S%07lu", n);
		assert_string_equal(str(rec, "certificateNumber"), want);
		assert_int_equal(line, n + 2);
		cJSON_Delete(rec);
		n++;
		/* memory in use stays flat while the file (~3 MB) streams through */
		if (n == 100)
			used_start = mallinfo2().uordblks;
		if (n > 100 && mallinfo2().uordblks > used_max)
			used_max = mallinfo2().uordblks;
	}
	assert_int_equal(n, ROWS);
	if (used_start) /* 0 under sanitizers, which replace malloc */
		assert_true(used_max < used_start + ((size_t)256 << 10));
	ecert_records_close(r);
	unlink(path);
}

static void test_names(void **state)
{
	enum ecert_records_format f;
	enum ecert_records_encoding enc;

	(void)state;
	assert_string_equal(ecert_records_field_name("身份证号"), "idNumber");
	assert_string_equal(ecert_records_field_name("证件号码"), "idNumber");
	assert_string_equal(ecert_records_field_name("取得资格时间"), "qualifiedOn");
	assert_string_equal(ecert_records_field_name("通过时间"), "qualifiedOn");
	assert_string_equal(ecert_records_field_name("评价方式"), "evaluationMethod");
	assert_string_equal(ecert_records_field_name("等级"), "level");
	assert_string_equal(ecert_records_field_name("级别"), "level");
	assert_string_equal(ecert_records_field_name("类别"), "kind");
	assert_string_equal(ecert_records_field_name("有效期至"), "validUntil");
	assert_string_equal(ecert_records_field_name("titleName"), "titleName");
	assert_null(ecert_records_field_name("籍贯"));
	assert_null(ecert_records_field_name("idnumber"));
	assert_null(ecert_records_field_name("pathway"));
	assert_int_equal(ecert_records_format_parse("NDJSON", &f, NULL), ECERT_OK);
	assert_int_equal(f, ECERT_RECORDS_NDJSON);
	assert_int_equal(ecert_records_format_parse("xml", &f, NULL), ECERT_ERR_ARG);
	assert_int_equal(ecert_records_encoding_parse("GB18030", &enc, NULL), ECERT_OK);
	assert_int_equal(enc, ECERT_RECORDS_GB18030);
	assert_int_equal(ecert_records_encoding_parse("utf-8", &enc, NULL), ECERT_OK);
	assert_int_equal(enc, ECERT_RECORDS_UTF8);
	assert_int_equal(ecert_records_encoding_parse("latin1", &enc, NULL), ECERT_ERR_ARG);
}

/* Every allocation failure is reported (not a crash, not a leak). */
static void test_alloc_failures(void **state)
{
	const char *csv = "姓名,证书编号\n甲,S1\n乙,S2\n";

	(void)state;
	for (long n = 0; n < 40; n++) {
		struct ecert_records *r = NULL;
		cJSON *rec = NULL;
		int rc;

		ecert_alloc_fail_after(n);
		rc = ecert_records_open_mem(csv, strlen(csv), NULL, ECERT_RECORDS_AUTO,
		                            ECERT_RECORDS_ENC_AUTO, &r, NULL);
		while (rc == ECERT_OK &&
		       (rc = ecert_records_next(r, &rec, NULL, NULL)) == ECERT_OK && rec) {
			cJSON_Delete(rec);
			rec = NULL;
		}
		ecert_alloc_fail_after(-1);
		assert_true(rc == ECERT_OK || rc == ECERT_ERR_NOMEM);
		ecert_records_close(r);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_csv_basic),
	    cmocka_unit_test(test_csv_trim_blank_english),
	    cmocka_unit_test(test_csv_header_errors),
	    cmocka_unit_test(test_csv_row_errors),
	    cmocka_unit_test(test_csv_unterminated_quote),
	    cmocka_unit_test(test_csv_bounds),
	    cmocka_unit_test(test_gb18030),
	    cmocka_unit_test(test_encoding_errors),
	    cmocka_unit_test(test_json_array),
	    cmocka_unit_test(test_json_structure_errors),
	    cmocka_unit_test(test_json_single_and_size),
	    cmocka_unit_test(test_ndjson),
	    cmocka_unit_test(test_file_and_streaming),
	    cmocka_unit_test(test_names),
	    cmocka_unit_test(test_alloc_failures),
	};
	ecert_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
