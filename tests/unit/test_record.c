/* cmocka: issuance records validated before signing, one failing case per rule, each
 * asserting the field that is blamed. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ecert/alloc.h"
#include "ecert/record.h"

/* 李秀英, engineer at FAW, 中级 工程 title by review. */
static const char title_rec[] =
    "{\"kind\":\"title\",\"certificateNumber\":\"JL-GC-2024-000123\",\"name\":\"李秀英\","
    "\"idNumber\":\"220104199001012023\",\"gender\":\"女\","
    "\"employer\":\"中国第一汽车集团有限公司\",\"series\":\"工程\",\"specialty\":\"机械工程\","
    "\"level\":\"中级\",\"titleName\":\"工程师\",\"qualifiedOn\":\"2024-12-01\","
    "\"approvalDocument\":\"吉人社职称字〔2024〕15号\",\"evaluationMethod\":\"评审\","
    "\"validFrom\":\"2024-12-20T09:00:00+08:00\"}";

/* DESIGN §2's example skill record. */
static const char skill_rec[] =
    "{\"kind\":\"skill\",\"certificateNumber\":\"S000022000001193000001\",\"name\":\"王建国\","
    "\"idNumber\":\"220102198503121230\",\"occupationCode\":\"6-18-01-01\",\"occupation\":"
    "\"车工\",\"level\":\"三级\",\"levelName\":\"高级工\",\"certifiedOn\":\"2019-06-15\","
    "\"certificateKind\":\"职业技能等级证书\"}";

static int setup(void **state)
{
	(void)state;
	return setenv("ECERT_NOW", "2025-03-01T10:00:00+08:00", 1);
}

/* The fixture with `key` set to the JSON `value` (NULL deletes it). Caller frees. */
static cJSON *with(const char *fixture, const char *key, const char *value)
{
	cJSON *r = cJSON_Parse(fixture);

	assert_non_null(r);
	if (key) {
		cJSON_DeleteItemFromObjectCaseSensitive(r, key);
		if (value) {
			cJSON *v = cJSON_Parse(value);

			assert_non_null(v);
			cJSON_AddItemToObject(r, key, v);
		}
	}
	return r;
}

static int run(const cJSON *schema, cJSON *rec, int only_kind, struct ecert_record_info *info,
               struct ecert_error *e)
{
	int rc;

	ecert_error_clear(e);
	rc = ecert_record_validate(NULL, schema, rec, only_kind, info, e);
	cJSON_Delete(rec);
	return rc;
}

/* One rule broken: expect code and blamed field, and a message part if given. */
static void expect(const char *fixture, const char *key, const char *value, int only_kind, int code,
                   const char *field, const char *msg)
{
	struct ecert_error e;
	int rc = run(NULL, with(fixture, key, value), only_kind, NULL, &e);

	if (rc != code)
		fail_msg("%s = %s: rc %d (%s: %s), want %d", key, value ? value : "(deleted)", rc,
		         e.where, e.msg, code);
	if (strcmp(e.where, field) != 0)
		fail_msg("%s = %s: blamed \"%s\" (%s), want \"%s\"", key,
		         value ? value : "(deleted)", e.where, e.msg, field);
	if (msg && !strstr(e.msg, msg))
		fail_msg("%s: message \"%s\" lacks \"%s\"", field, e.msg, msg);
}

static void test_good_records(void **state)
{
	struct ecert_record_info info;
	struct ecert_error e;

	(void)state;
	memset(&info, 0, sizeof(info));
	if (run(NULL, with(title_rec, NULL, NULL), ECERT_RECORD_ANY, &info, &e) != ECERT_OK)
		fail_msg("title: %s: %s", e.where, e.msg);
	assert_int_equal(info.kind, ECERT_RECORD_TITLE);
	assert_int_equal(info.ordinal, 3);
	assert_string_equal(info.track, "工程");
	assert_int_equal(info.birth.year, 1990);
	assert_int_equal(info.awarded.year, 2024);
	assert_int_equal(info.awarded.month, 12);
	assert_true(info.has_valid_from);
	assert_false(info.has_valid_until);
	assert_int_equal(info.valid_from, 1734656400);

	memset(&info, 0, sizeof(info));
	if (run(NULL, with(skill_rec, NULL, NULL), ECERT_RECORD_ANY, &info, &e) != ECERT_OK)
		fail_msg("skill: %s: %s", e.where, e.msg);
	assert_int_equal(info.kind, ECERT_RECORD_SKILL);
	assert_int_equal(info.ordinal, 3);
	assert_null(info.track);
	assert_int_equal(info.birth.year, 1985);
	assert_int_equal(info.awarded.day, 15);

	/* 技工院校教师, 实习指导教师 track, with a pathway earned from a 技师 certificate */
	memset(&info, 0, sizeof(info));
	if (run(NULL,
	        cJSON_Parse(
	            "{\"kind\":\"title\",\"certificateNumber\":\"JLJG2023-0457\","
	            "\"name\":\"赵德胜\",\"idNumber\":\"220202197808153015\",\"series\":"
	            "\"技工院校教师\",\"specialty\":\"机械加工\",\"level\":\"助理级\","
	            "\"titleName\":\"二级实习指导教师\",\"qualifiedOn\":\"2023-10-08\","
	            "\"approvalDocument\":\"吉人社技教字〔2023〕9号\",\"evaluationMethod\":"
	            "\"认定\",\"pathway\":{\"rule\":\"skill-to-title.assistant\",\"basis\":[{"
	            "\"id\":\"urn:ecert:S000022000001193000001\",\"digest\":\"sm3:"
	            "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0\"}]},"
	            "\"validFrom\":\"2023-10-10\",\"validUntil\":\"2033-10-09\"}"),
	        ECERT_RECORD_ANY, &info, &e) != ECERT_OK)
		fail_msg("teacher: %s: %s", e.where, e.msg);
	assert_int_equal(info.ordinal, 2);
	assert_string_equal(info.track, "实习指导教师");
	assert_true(info.has_valid_until);
	assert_true(info.valid_until > info.valid_from);

	/* 特级技师: level and levelName both carry the name */
	if (run(NULL,
	        cJSON_Parse(
	            "{\"kind\":\"skill\",\"certificateNumber\":\"TJ00002200000124000007\","
	            "\"name\":\"王建国\",\"idNumber\":\"220102198503121230\","
	            "\"occupationCode\":\"6-18-01-01\",\"occupation\":\"车工\",\"level\":"
	            "\"特级技师\",\"levelName\":\"特级技师\",\"certifiedOn\":\"2024-11-28\","
	            "\"certificateKind\":\"职业技能等级证书\"}"),
	        ECERT_RECORD_ANY, &info, &e) != ECERT_OK)
		fail_msg("特级技师: %s: %s", e.where, e.msg);
	assert_int_equal(info.ordinal, 6);
	/* the record itself is never modified */
	{
		cJSON *r = with(skill_rec, "kind", NULL);
		char *before = cJSON_PrintUnformatted(r), *after;

		assert_int_equal(ecert_record_validate(NULL, NULL, r, ECERT_RECORD_SKILL, NULL, &e),
		                 ECERT_OK);
		after = cJSON_PrintUnformatted(r);
		assert_string_equal(before, after);
		cJSON_free(before);
		cJSON_free(after);
		cJSON_Delete(r);
	}
}

static void test_kind(void **state)
{
	struct ecert_error e;

	(void)state;
	/* no kind: required unless the scope allows one kind */
	expect(skill_rec, "kind", NULL, ECERT_RECORD_ANY, ECERT_ERR_SCHEMA, "kind", "title");
	assert_int_equal(run(NULL, with(skill_rec, "kind", NULL), ECERT_RECORD_SKILL, NULL, &e),
	                 ECERT_OK);
	assert_int_equal(run(NULL, with(title_rec, "kind", NULL), ECERT_RECORD_TITLE, NULL, &e),
	                 ECERT_OK);
	/* taken as the scope's kind, a skill record lacks the title fields */
	expect(skill_rec, "kind", NULL, ECERT_RECORD_TITLE, ECERT_ERR_SCHEMA, "series", "required");
	/* a record of the kind the scope does not allow */
	expect(skill_rec, NULL, NULL, ECERT_RECORD_TITLE, ECERT_ERR_INVALID, "kind",
	       "title certificates only");
	expect(skill_rec, "kind", "\"certificate\"", ECERT_RECORD_ANY, ECERT_ERR_SCHEMA, "kind",
	       "expected one of");
	assert_int_equal(ecert_record_kind_parse("title"), ECERT_RECORD_TITLE);
	assert_int_equal(ecert_record_kind_parse("skill"), ECERT_RECORD_SKILL);
	assert_int_equal(ecert_record_kind_parse("Title"), 0);
	assert_null(ecert_record_kind_name(7));
	ecert_error_clear(&e);
	assert_int_equal(ecert_record_validate(NULL, NULL, NULL, 0, NULL, &e), ECERT_ERR_ARG);
	assert_int_equal(run(NULL, cJSON_Parse("[1]"), 0, NULL, &e), ECERT_ERR_SCHEMA);
	assert_int_equal(run(NULL, with(skill_rec, NULL, NULL), 9, NULL, &e), ECERT_ERR_ARG);
}

static void test_schema_rules(void **state)
{
	(void)state;
	expect(title_rec, "name", NULL, 0, ECERT_ERR_SCHEMA, "name", "required field is missing");
	expect(title_rec, "name", "\"\"", 0, ECERT_ERR_SCHEMA, "name", NULL);
	expect(title_rec, "name", "\"李秀英 \"", 0, ECERT_ERR_SCHEMA, "name", NULL);
	expect(title_rec, "remark", "\"加急\"", 0, ECERT_ERR_SCHEMA, "remark", "unexpected field");
	expect(title_rec, "level", "\"初级\"", 0, ECERT_ERR_SCHEMA, "level", "expected one of");
	expect(title_rec, "evaluationMethod", "\"推荐\"", 0, ECERT_ERR_SCHEMA, "evaluationMethod",
	       NULL);
	expect(title_rec, "gender", "\"F\"", 0, ECERT_ERR_SCHEMA, "gender", NULL);
	expect(title_rec, "idNumberMasked", "\"220104********2023\"", 0, ECERT_ERR_SCHEMA,
	       "idNumberMasked", "unexpected field");
	expect(skill_rec, "certificateKind", "\"技能证书\"", 0, ECERT_ERR_SCHEMA, "certificateKind",
	       NULL);
	expect(skill_rec, "occupationCode", "\"6-18-01\"", 0, ECERT_ERR_SCHEMA, "occupationCode",
	       "N-NN-NN-NN");
	expect(title_rec, "certificateNumber", "\"JL GC 2024\"", 0, ECERT_ERR_SCHEMA,
	       "certificateNumber", NULL);
	expect(skill_rec, "level", "3", 0, ECERT_ERR_SCHEMA, "level", NULL);
	{
		struct ecert_error e;

		assert_int_equal(
		    run(NULL,
		        with(title_rec, "pathway",
		             "{\"rule\":\"r1\",\"basis\":[{\"id\":\"urn:ecert:S1\",\"digest\":"
		             "\"sm3:XYZ\"}]}"),
		        0, NULL, &e),
		    ECERT_ERR_SCHEMA);
		assert_string_equal(e.where, "pathway.basis[0].digest");
	}
}

static void test_id_number(void **state)
{
	(void)state;
	/* checksum (the last digit of 220104199001012023 changed) */
	expect(title_rec, "idNumber", "\"220104199001012024\"", 0, ECERT_ERR_INVALID, "idNumber",
	       "check character");
	/* a well-formed checksum over a date that does not exist */
	expect(title_rec, "idNumber", "\"220102199902291231\"", 0, ECERT_ERR_INVALID, "idNumber",
	       "not a real date");
	/* born after "today" (2025-03-01) */
	expect(title_rec, "idNumber", "\"220104202503022023\"", 0, ECERT_ERR_INVALID, "idNumber",
	       "in the future");
	/* shape is the schema's */
	expect(title_rec, "idNumber", "\"22010419900101202\"", 0, ECERT_ERR_SCHEMA, "idNumber",
	       NULL);
	expect(title_rec, "idNumber", NULL, 0, ECERT_ERR_SCHEMA, "idNumber", "required");
}

static void test_dates(void **state)
{
	(void)state;
	expect(title_rec, "qualifiedOn", "\"2025-03-02\"", 0, ECERT_ERR_INVALID, "qualifiedOn",
	       "in the future");
	expect(title_rec, "qualifiedOn", "\"2023-02-29\"", 0, ECERT_ERR_SCHEMA, "qualifiedOn",
	       "real calendar date");
	expect(title_rec, "qualifiedOn", "\"1989-12-31\"", 0, ECERT_ERR_INVALID, "qualifiedOn",
	       "before the holder's birth date 1990-01-01");
	expect(skill_rec, "certifiedOn", "\"2026-06-15\"", 0, ECERT_ERR_INVALID, "certifiedOn",
	       "in the future");
	expect(skill_rec, "certifiedOn", "\"2019/06/15\"", 0, ECERT_ERR_SCHEMA, "certifiedOn",
	       NULL);
	/* today itself is fine */
	{
		struct ecert_error e;

		assert_int_equal(
		    run(NULL, with(skill_rec, "certifiedOn", "\"2025-03-01\""), 0, NULL, &e),
		    ECERT_OK);
	}
	/* validFrom / validUntil */
	expect(title_rec, "validUntil", "\"2024-12-20T09:00:00+08:00\"", 0, ECERT_ERR_INVALID,
	       "validUntil", "not after validFrom");
	expect(title_rec, "validUntil", "\"2024-12-19\"", 0, ECERT_ERR_INVALID, "validUntil",
	       "not after validFrom");
	expect(title_rec, "validUntil", "\"2029-02-30\"", 0, ECERT_ERR_SCHEMA, "validUntil", NULL);
	expect(title_rec, "validFrom", "\"2024-12-20T09:00:00\"", 0, ECERT_ERR_SCHEMA, "validFrom",
	       NULL);
	{
		struct ecert_error e;
		struct ecert_record_info info;

		assert_int_equal(
		    run(NULL, with(title_rec, "validUntil", "\"2034-12-19\""), 0, &info, &e),
		    ECERT_OK);
		assert_int_equal(info.valid_until, 2050070400);
	}
}

static void test_title_consistency(void **state)
{
	(void)state;
	expect(title_rec, "series", "\"卫生\"", 0, ECERT_ERR_INVALID, "series",
	       "unknown title series");
	expect(title_rec, "titleName", "\"助理工程师\"", 0, ECERT_ERR_INVALID, "titleName",
	       "is a 助理级 title of 工程");
	expect(title_rec, "titleName", "\"农艺师\"", 0, ECERT_ERR_INVALID, "titleName",
	       "expected 工程师");
	/* 艺术 has no 员级: a 员级 art record is refused on its level */
	{
		struct ecert_error e;
		cJSON *r = with(title_rec, "series", "\"艺术\"");

		cJSON_ReplaceItemInObject(r, "level", cJSON_CreateString("员级"));
		cJSON_ReplaceItemInObject(r, "titleName", cJSON_CreateString("四级演员"));
		assert_int_equal(run(NULL, r, 0, NULL, &e), ECERT_ERR_INVALID);
		assert_string_equal(e.where, "level");
	}
}

static void test_skill_consistency(void **state)
{
	(void)state;
	expect(skill_rec, "levelName", "\"技师\"", 0, ECERT_ERR_INVALID, "levelName",
	       "level 三级 is named 高级工");
	/* the number's level digit (3) no longer matches */
	expect(skill_rec, "level", "\"二级\"", 0, ECERT_ERR_INVALID, "levelName", NULL);
	{
		struct ecert_error e;
		cJSON *r = with(skill_rec, "level", "\"二级\"");

		cJSON_ReplaceItemInObject(r, "levelName", cJSON_CreateString("技师"));
		assert_int_equal(run(NULL, r, 0, NULL, &e), ECERT_ERR_INVALID);
		assert_string_equal(e.where, "certificateNumber");
		assert_non_null(strstr(e.msg, "level code"));
	}
	expect(skill_rec, "certificateNumber", "\"Y00002200000119300000\"", 0, ECERT_ERR_INVALID,
	       "certificateNumber", "Y or S and 21 digits");
	expect(skill_rec, "certificateNumber", "\"X000022000001193000001\"", 0, ECERT_ERR_INVALID,
	       "certificateNumber", NULL);
	/* an older 职业资格证书 has 16 digits */
	expect(skill_rec, "certificateKind", "\"职业资格证书\"", 0, ECERT_ERR_INVALID,
	       "certificateNumber", "16 digits");
	{
		struct ecert_error e;
		cJSON *r = with(skill_rec, "certificateKind", "\"职业资格证书\"");

		cJSON_ReplaceItemInObject(r, "certificateNumber",
		                          cJSON_CreateString("1122000000123456"));
		assert_int_equal(run(NULL, r, 0, NULL, &e), ECERT_OK);
		/* … but no 特级技师 */
		r = with(skill_rec, "certificateKind", "\"职业资格证书\"");
		cJSON_ReplaceItemInObject(r, "certificateNumber",
		                          cJSON_CreateString("TJ00002200000124000007"));
		cJSON_ReplaceItemInObject(r, "level", cJSON_CreateString("特级技师"));
		cJSON_ReplaceItemInObject(r, "levelName", cJSON_CreateString("特级技师"));
		assert_int_equal(run(NULL, r, 0, NULL, &e), ECERT_ERR_INVALID);
		assert_string_equal(e.where, "certificateKind");
	}
}

/* A laxer schema from an authority does not switch the built-in checks off. */
static void test_lax_schema(void **state)
{
	cJSON *lax = cJSON_Parse("true");
	struct ecert_error e;
	cJSON *r;

	(void)state;
	assert_non_null(lax);
	assert_int_equal(run(lax, with(skill_rec, NULL, NULL), 0, NULL, &e), ECERT_OK);
	assert_int_equal(run(lax, with(skill_rec, "occupationCode", "\"6-18-1-01\""), 0, NULL, &e),
	                 ECERT_ERR_INVALID);
	assert_string_equal(e.where, "occupationCode");
	assert_int_equal(run(lax, with(title_rec, "certificateNumber", "\"JL GC\""), 0, NULL, &e),
	                 ECERT_ERR_INVALID);
	assert_string_equal(e.where, "certificateNumber");
	assert_int_equal(run(lax, with(title_rec, "kind", "\"other\""), 0, NULL, &e),
	                 ECERT_ERR_SCHEMA);
	assert_string_equal(e.where, "kind");
	assert_int_equal(run(lax, with(title_rec, "validFrom", "20241220"), 0, NULL, &e),
	                 ECERT_ERR_SCHEMA);
	assert_string_equal(e.where, "validFrom");
	r = cJSON_Parse("{\"kind\":\"title\"}");
	assert_int_equal(run(lax, r, 0, NULL, &e), ECERT_ERR_SCHEMA);
	assert_string_equal(e.where, "idNumber");
	r = cJSON_Parse("{\"kind\":\"skill\",\"idNumber\":\"220102198503121230\"}");
	assert_int_equal(run(lax, r, 0, NULL, &e), ECERT_ERR_SCHEMA);
	assert_string_equal(e.where, "certifiedOn");
	cJSON_Delete(lax);
}

static void test_time_parse(void **state)
{
	int64_t t;

	(void)state;
	assert_int_equal(ecert_record_time_parse("2024-12-20", &t, NULL), ECERT_OK);
	assert_int_equal(t, 1734624000);
	assert_int_equal(ecert_record_time_parse("2024-12-20T00:00:00+08:00", &t, NULL), ECERT_OK);
	assert_int_equal(t, 1734624000);
	assert_int_equal(ecert_record_time_parse("2024-12-32", &t, NULL), ECERT_ERR_INVALID);
	assert_int_equal(ecert_record_time_parse("20241220", &t, NULL), ECERT_ERR_INVALID);
}

static void test_alloc_failure(void **state)
{
	int ok = 0;

	(void)state;
	for (long n = 0; n < 100000 && !ok; n++) {
		cJSON *r = with(skill_rec, "kind", NULL);
		struct ecert_error e;
		int rc;

		ecert_alloc_fail_after(n);
		rc = ecert_record_validate(NULL, NULL, r, ECERT_RECORD_SKILL, NULL, &e);
		ecert_alloc_fail_after(-1);
		cJSON_Delete(r);
		if (rc == ECERT_OK)
			ok = 1;
		else if (rc != ECERT_ERR_NOMEM)
			fail_msg("after %ld allocations: rc %d (%s: %s)", n, rc, e.where, e.msg);
	}
	assert_true(ok);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_good_records),
	    cmocka_unit_test(test_kind),
	    cmocka_unit_test(test_schema_rules),
	    cmocka_unit_test(test_id_number),
	    cmocka_unit_test(test_dates),
	    cmocka_unit_test(test_title_consistency),
	    cmocka_unit_test(test_skill_consistency),
	    cmocka_unit_test(test_lax_schema),
	    cmocka_unit_test(test_time_parse),
	    cmocka_unit_test(test_alloc_failure),
	};
	ecert_init();
	return cmocka_run_group_tests(tests, setup, NULL);
}
