/* cmocka: the pathway rules engine (DESIGN §6). The cases live in tests/data/rules-cases.json
 * so that the end-to-end tests can replay them with signed evidence. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "ecert/alloc.h"
#include "ecert/buf.h"
#include "ecert/data.h"
#include "ecert/error.h"
#include "ecert/json.h"
#include "ecert/rules.h"

#define CASES_FILE ECERT_TEST_DATA "/data/rules-cases.json"
#define ALLOC_STEPS_MAX 20000 /* fault-injection steps before giving up */

static struct ecert_rules *rules;
static int failures; /* failed expectations of the running test */

/* A failed expectation names the case and is counted; the test fails at its end (see
 * DONE), so that one run lists every case that is wrong. */
#define EXPECT(cond, ...)                                                                          \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			print_error("case \"%s\": ", case_name);                                   \
			print_error(__VA_ARGS__);                                                  \
			print_error("\n");                                                         \
			failures++;                                                                \
		}                                                                                  \
	} while (0)

#define DONE()                                                                                     \
	do {                                                                                       \
		int n_ = failures;                                                                 \
		failures = 0;                                                                      \
		assert_int_equal(n_, 0);                                                           \
	} while (0)

static int setup(void **state)
{
	struct ecert_error err;

	(void)state;
	ecert_error_clear(&err);
	if (ecert_rules_load(NULL, &rules, &err) != ECERT_OK) {
		print_error("load: %s: %s\n", err.where, err.msg);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	ecert_rules_free(rules);
	rules = NULL;
	return 0;
}

/* ---- building a claim from a case ---------------------------------------------------- */

/* Members of `over` replace those of `base`; a null member removes one. */
static void merge(cJSON *base, const cJSON *over)
{
	const cJSON *m;

	cJSON_ArrayForEach(m, over)
	{
		cJSON_DeleteItemFromObjectCaseSensitive(base, m->string);
		if (!cJSON_IsNull(m))
			cJSON_AddItemToObject(base, m->string, cJSON_Duplicate(m, 1));
	}
}

/* The claim document of a case. Evidence items are stand-ins shaped like certificates:
 * the engine never reads them, the verifier does (and the e2e tests sign real ones). */
static cJSON *build_claim(const cJSON *doc, const cJSON *cs)
{
	const cJSON *tpl =
	    ecert_json_obj(ecert_json_obj(doc, "templates"), ecert_json_str(cs, "template"));
	cJSON *claim = cJSON_Duplicate(tpl, 1), *arr, *e;
	const cJSON *it;

	assert_non_null(claim);
	cJSON_AddItemToObject(claim, "applicant",
	                      cJSON_Duplicate(ecert_json_obj(doc, "applicant"), 1));
	if (ecert_json_str(cs, "asOf")) {
		cJSON_DeleteItemFromObjectCaseSensitive(claim, "asOf");
		cJSON_AddStringToObject(claim, "asOf", ecert_json_str(cs, "asOf"));
	}
	if (ecert_json_obj(cs, "target"))
		merge(cJSON_GetObjectItemCaseSensitive(claim, "target"),
		      ecert_json_obj(cs, "target"));
	if (ecert_json_obj(cs, "declarations"))
		merge(cJSON_GetObjectItemCaseSensitive(claim, "declarations"),
		      ecert_json_obj(cs, "declarations"));
	arr = cJSON_AddArrayToObject(claim, "evidence");
	cJSON_ArrayForEach(it, ecert_json_arr(cs, "evidence"))
	{
		e = cJSON_CreateObject();
		cJSON_AddStringToObject(e, "type",
		                        strcmp(ecert_json_str(it, "kind"), "title") == 0
		                            ? "TitleCertificate"
		                            : "SkillCertificate");
		cJSON_AddItemToObject(e, "credentialSubject", cJSON_Duplicate(it, 1));
		cJSON_AddObjectToObject(e, "proof");
		cJSON_AddItemToArray(arr, e);
	}
	return claim;
}

static int bool_or(const cJSON *obj, const char *key, int dflt)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsBool(v) ? cJSON_IsTrue(v) : dflt;
}

/* The verifier's facts for one evidence entry of a case (strings borrowed from it). */
static void build_evidence(const cJSON *it, size_t index, struct ecert_rules_evidence *e)
{
	const char *rev = ecert_json_str(it, "revocation");

	memset(e, 0, sizeof(*e));
	e->index = index;
	e->kind = strcmp(ecert_json_str(it, "kind"), "title") == 0 ? ECERT_RULES_EVIDENCE_TITLE
	                                                           : ECERT_RULES_EVIDENCE_SKILL;
	e->verified = bool_or(it, "verified", 1);
	e->failed_check = ecert_json_str(it, "failedCheck");
	e->holder_matches = bool_or(it, "holder", 1);
	e->holder_known = bool_or(it, "holderKnown", 1);
	e->in_scope = bool_or(it, "inScope", 1);
	e->revocation = !rev || strcmp(rev, "good") == 0 ? ECERT_RULES_NOT_REVOKED
	                : strcmp(rev, "revoked") == 0    ? ECERT_RULES_REVOKED
	                                                 : ECERT_RULES_UNCHECKED;
	if (e->kind == ECERT_RULES_EVIDENCE_TITLE) {
		e->series = ecert_json_str(it, "series");
		e->specialty = ecert_json_str(it, "specialty");
		e->title_level = ecert_json_str(it, "level");
		e->title_name = ecert_json_str(it, "titleName");
		e->qualified_on = ecert_json_str(it, "qualifiedOn");
	} else {
		e->occupation_code = ecert_json_str(it, "occupationCode");
		e->occupation = ecert_json_str(it, "occupation");
		e->skill_level = ecert_json_str(it, "level");
		e->level_name = ecert_json_str(it, "levelName");
		e->certified_on = ecert_json_str(it, "certifiedOn");
	}
}

static const struct ecert_rules_finding *find(const struct ecert_rules_result *res,
                                              const char *rule)
{
	for (size_t i = 0; i < ecert_rules_result_count(res); i++)
		if (strcmp(ecert_rules_result_finding(res, i)->rule, rule) == 0)
			return ecert_rules_result_finding(res, i);
	return NULL;
}

static int ok_of(const cJSON *v)
{
	if (cJSON_IsNull(v))
		return ECERT_RULES_REVIEW;
	return cJSON_IsTrue(v) ? ECERT_RULES_OK : ECERT_RULES_FAIL;
}

/* Evaluate one case; the caller frees the result and the claim tree. */
static struct ecert_rules_result *eval_case(const struct ecert_rules *r, const cJSON *doc,
                                            const cJSON *cs, cJSON **claim_out)
{
	const char *case_name = ecert_json_str(cs, "name");
	struct ecert_rules_evidence ev[ECERT_RULES_MAX_EVIDENCE];
	struct ecert_rules_claim claim;
	struct ecert_rules_result *res = NULL;
	struct ecert_error err;
	const cJSON *it;
	size_t n = 0;
	cJSON *doc_claim = build_claim(doc, cs);
	int rc;

	ecert_error_clear(&err);
	rc = ecert_rules_claim_parse(doc_claim, &claim, &err);
	if (rc != ECERT_OK)
		fail_msg("case \"%s\": claim_parse: %s: %s", case_name, err.where, err.msg);
	cJSON_ArrayForEach(it, ecert_json_arr(cs, "evidence"))
	{
		build_evidence(it, n, &ev[n]);
		n++;
	}
	rc = ecert_rules_evaluate(r, &claim, ev, n, &res, &err);
	if (rc != ECERT_OK)
		fail_msg("case \"%s\": evaluate: %s: %s", case_name, err.where, err.msg);
	*claim_out = doc_claim;
	return res;
}

/* What every result must satisfy, whatever the case. */
static void check_invariants(const char *case_name, const struct ecert_rules_result *res)
{
	int fail = 0, review = 0;
	cJSON *json = NULL;
	struct ecert_buf zh = ECERT_BUF_INIT, en = ECERT_BUF_INIT;
	struct ecert_error err;

	EXPECT(ecert_rules_result_count(res) > 0, "no findings");
	for (size_t i = 0; i < ecert_rules_result_count(res); i++) {
		const struct ecert_rules_finding *f = ecert_rules_result_finding(res, i);

		EXPECT(f->rule[0] && f->clause[0], "finding %zu has no rule or clause", i);
		EXPECT(f->message_zh[0] && f->message_en[0], "%s: empty message", f->rule);
		/* every placeholder was filled */
		EXPECT(!strchr(f->message_zh, '{') && !strchr(f->message_en, '{'),
		       "%s: unfilled placeholder: %s | %s", f->rule, f->message_zh, f->message_en);
		if (f->superseded)
			continue;
		fail |= f->ok == ECERT_RULES_FAIL;
		review |= f->ok == ECERT_RULES_REVIEW;
	}
	EXPECT(ecert_rules_result_finding(res, ecert_rules_result_count(res)) == NULL,
	       "finding past the end");
	/* the verdict is the worst finding that counts */
	EXPECT(ecert_rules_result_verdict(res) == (fail     ? ECERT_RULES_NOT_ELIGIBLE
	                                           : review ? ECERT_RULES_NEEDS_REVIEW
	                                                    : ECERT_RULES_ELIGIBLE),
	       "verdict does not follow from the findings");

	ecert_error_clear(&err);
	assert_int_equal(ecert_rules_result_json(res, &json, &err), ECERT_OK);
	EXPECT(strcmp(ecert_json_str(json, "verdict"),
	              ecert_rules_verdict_name(ecert_rules_result_verdict(res))) == 0,
	       "JSON verdict");
	EXPECT((size_t)cJSON_GetArraySize(ecert_json_arr(json, "findings")) ==
	           ecert_rules_result_count(res),
	       "JSON findings");
	for (size_t i = 0; i < ecert_rules_result_count(res); i++) {
		const cJSON *jf = cJSON_GetArrayItem(ecert_json_arr(json, "findings"), (int)i);
		const cJSON *ok = cJSON_GetObjectItemCaseSensitive(jf, "ok");
		int want = ecert_rules_result_finding(res, i)->ok;

		EXPECT(want == ECERT_RULES_REVIEW
		           ? cJSON_IsNull(ok)
		           : cJSON_IsBool(ok) &&
		                 (cJSON_IsTrue(ok) != 0) == (want == ECERT_RULES_OK),
		       "JSON ok of finding %zu", i);
		EXPECT(ecert_json_str(ecert_json_obj(jf, "message"), "zh") &&
		           ecert_json_str(ecert_json_obj(jf, "message"), "en"),
		       "JSON message of finding %zu", i);
	}
	cJSON_Delete(json);

	assert_int_equal(ecert_rules_result_text(res, "zh", &zh, &err), ECERT_OK);
	assert_int_equal(ecert_rules_result_text(res, "en", &en, &err), ECERT_OK);
	EXPECT(strstr((char *)en.data, ecert_rules_verdict_name(ecert_rules_result_verdict(res))) !=
	           NULL,
	       "English text names the verdict");
	EXPECT(strstr((char *)zh.data, "吉人社函〔2022〕158号") != NULL,
	       "Chinese text cites the policy");
	ecert_buf_free(&zh);
	ecert_buf_free(&en);
}

static void check_expect(const char *case_name, const cJSON *exp,
                         const struct ecert_rules_result *res)
{
	const cJSON *m, *deciding = cJSON_GetObjectItemCaseSensitive(exp, "deciding");
	int verdict = ecert_rules_result_verdict(res);

	EXPECT(strcmp(ecert_rules_verdict_name(verdict), ecert_json_str(exp, "verdict")) == 0,
	       "verdict %s, expected %s", ecert_rules_verdict_name(verdict),
	       ecert_json_str(exp, "verdict"));
	EXPECT(ecert_rules_verdict_exit(verdict) ==
	           cJSON_GetObjectItemCaseSensitive(exp, "exit")->valueint,
	       "exit status %d", ecert_rules_verdict_exit(verdict));
	EXPECT(ecert_rules_result_deciding(res) ==
	           (cJSON_IsNull(deciding) ? -1 : deciding->valueint),
	       "deciding evidence %ld", ecert_rules_result_deciding(res));
	cJSON_ArrayForEach(m, ecert_json_obj(exp, "findings"))
	{
		const struct ecert_rules_finding *f = find(res, m->string);

		EXPECT(f != NULL, "no finding %s", m->string);
		if (!f)
			continue;
		EXPECT(f->ok == ok_of(m), "%s: ok=%d, expected %d (%s)", m->string, f->ok, ok_of(m),
		       f->message_en);
	}
	cJSON_ArrayForEach(m, ecert_json_arr(exp, "superseded"))
	{
		const struct ecert_rules_finding *f = find(res, m->valuestring);

		EXPECT(f && f->superseded, "%s should be superseded", m->valuestring);
	}
	cJSON_ArrayForEach(m, ecert_json_obj(exp, "clauses"))
	{
		const struct ecert_rules_finding *f = find(res, m->string);

		EXPECT(f && strcmp(f->clause, m->valuestring) == 0, "%s: clause %s", m->string,
		       f ? f->clause : "?");
	}
	/* "messages": {"rule": ["text the English message has", "!text it lacks"]} */
	cJSON_ArrayForEach(m, ecert_json_obj(exp, "messages"))
	{
		const struct ecert_rules_finding *f = find(res, m->string);
		const cJSON *t;

		cJSON_ArrayForEach(t, m)
		{
			const char *want = t->valuestring;
			int lacks = want[0] == '!';
			int has = f && f->message_en && strstr(f->message_en, want + lacks) != NULL;

			EXPECT(has != lacks, "%s: message \"%s\" %s \"%s\"", m->string,
			       f && f->message_en ? f->message_en : "?", lacks ? "has" : "lacks",
			       want + lacks);
		}
	}
}

static cJSON *load_cases(void)
{
	cJSON *doc = NULL;
	struct ecert_error err;

	ecert_error_clear(&err);
	if (ecert_json_parse_file(CASES_FILE, NULL, &doc, &err) != ECERT_OK) {
		print_error("%s: %s\n", err.where, err.msg);
		fail();
	}
	return doc;
}

static void test_cases(void **state)
{
	cJSON *doc = load_cases();
	const cJSON *cs;
	size_t n = 0;

	(void)state;
	cJSON_ArrayForEach(cs, ecert_json_arr(doc, "cases"))
	{
		const char *case_name = ecert_json_str(cs, "name");
		cJSON *claim = NULL;
		struct ecert_rules_result *res = eval_case(rules, doc, cs, &claim);

		check_invariants(case_name, res);
		check_expect(case_name, ecert_json_obj(cs, "expect"), res);
		ecert_rules_result_free(res);
		cJSON_Delete(claim);
		n++;
	}
	assert_true(n >= 100);
	cJSON_Delete(doc);
	DONE();
}

/* The case of the given name, from the cases file. */
static const cJSON *case_named(const cJSON *doc, const char *prefix)
{
	const cJSON *cs;

	cJSON_ArrayForEach(cs, ecert_json_arr(doc, "cases"))
	{
		if (strncmp(ecert_json_str(cs, "name"), prefix, strlen(prefix)) == 0)
			return cs;
	}
	fail_msg("no case %s", prefix);
	return NULL;
}

/* ---- output ------------------------------------------------------------------------- */

static void test_output(void **state)
{
	cJSON *doc = load_cases(), *claim = NULL, *json = NULL;
	struct ecert_rules_result *res;
	struct ecert_buf zh = ECERT_BUF_INIT, en = ECERT_BUF_INIT;
	struct ecert_error err;
	const cJSON *f;
	const char *case_name = "worked example";

	(void)state;
	ecert_error_clear(&err);
	res = eval_case(rules, doc, case_named(doc, "worked example"), &claim);
	assert_int_equal(ecert_rules_result_json(res, &json, &err), ECERT_OK);
	assert_string_equal(ecert_json_str(json, "type"), "CrossTrackClaimResult");
	assert_string_equal(ecert_json_str(json, "verdict"), "eligible");
	assert_string_equal(ecert_json_str(json, "direction"), "skill-to-title");
	assert_string_equal(ecert_json_str(json, "asOf"), "2023-07-01");
	assert_int_equal(cJSON_GetObjectItemCaseSensitive(json, "decidingEvidence")->valueint, 0);
	assert_string_equal(ecert_json_str(ecert_json_obj(json, "policy"), "documentNumber"),
	                    "吉人社函〔2022〕158号");
	assert_string_equal(ecert_json_str(ecert_json_obj(json, "policy"), "effectiveDate"),
	                    "2022-11-18");
	assert_string_equal(ecert_json_str(ecert_json_obj(json, "correspondenceTable"), "status"),
	                    "trial");
	f = cJSON_GetArrayItem(ecert_json_arr(json, "findings"), 0);
	assert_string_equal(ecert_json_str(f, "rule"), "in-force");
	assert_string_equal(ecert_json_str(f, "clause"), "三");
	assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(f, "ok")));
	assert_null(cJSON_GetObjectItemCaseSensitive(f, "evidence"));
	assert_null(cJSON_GetObjectItemCaseSensitive(f, "superseded"));
	/* the deciding rule, with its numbers filled in */
	EXPECT(strstr(find(res, "s2t-years")->message_zh,
	              "2020-06-15 取得技师（二级），至 2023-07-01 满 3 年") != NULL,
	       "%s", find(res, "s2t-years")->message_zh);
	EXPECT(strstr(find(res, "s2t-correspondence")->message_zh, "试行") != NULL,
	       "trial row said");
	assert_int_equal(find(res, "s2t-years")->evidence, 0);
	assert_true(find(res, "s2t-green-channel")->superseded);

	assert_int_equal(ecert_rules_result_text(res, "zh", &zh, &err), ECERT_OK);
	assert_non_null(strstr((char *)zh.data, "贯通申报核验结果：符合条件（eligible）"));
	assert_non_null(strstr((char *)zh.data, "据以判定的证据：evidence[0]"));
	assert_non_null(strstr((char *)zh.data, "[通过] 二（三）2 s2t-years"));
	assert_non_null(strstr((char *)zh.data, "（备选路径，未采用）"));
	assert_int_equal(ecert_rules_result_text(res, "en", &en, &err), ECERT_OK);
	assert_non_null(strstr((char *)en.data, "Cross-track claim: eligible (eligible)"));
	assert_non_null(strstr((char *)en.data, "Deciding evidence: evidence[0]"));
	assert_int_equal(ecert_rules_result_text(res, "fr", &en, &err), ECERT_ERR_ARG);
	ecert_buf_free(&zh);
	ecert_buf_free(&en);
	cJSON_Delete(json);
	ecert_rules_result_free(res);
	cJSON_Delete(claim);

	/* review is null in JSON; no deciding evidence is null too */
	res = eval_case(rules, doc, case_named(doc, "correspondence: 车工 for 电气工程"), &claim);
	assert_int_equal(ecert_rules_result_json(res, &json, &err), ECERT_OK);
	assert_string_equal(ecert_json_str(json, "verdict"), "needs_review");
	cJSON_ArrayForEach(f, ecert_json_arr(json, "findings"))
	{
		if (strcmp(ecert_json_str(f, "rule"), "s2t-correspondence") == 0)
			assert_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(f, "ok")));
	}
	cJSON_Delete(json);
	ecert_rules_result_free(res);
	cJSON_Delete(claim);
	res = eval_case(rules, doc, case_named(doc, "no skill certificate at all"), &claim);
	assert_int_equal(ecert_rules_result_json(res, &json, &err), ECERT_OK);
	assert_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(json, "decidingEvidence")));
	cJSON_Delete(json);
	ecert_rules_result_free(res);
	cJSON_Delete(claim);
	cJSON_Delete(doc);
	DONE();
}

static void test_verdict_names(void **state)
{
	(void)state;
	assert_string_equal(ecert_rules_verdict_name(ECERT_RULES_ELIGIBLE), "eligible");
	assert_string_equal(ecert_rules_verdict_name(ECERT_RULES_NOT_ELIGIBLE), "not_eligible");
	assert_string_equal(ecert_rules_verdict_name(ECERT_RULES_NEEDS_REVIEW), "needs_review");
	assert_int_equal(ecert_rules_verdict_exit(ECERT_RULES_ELIGIBLE), 0);
	assert_int_equal(ecert_rules_verdict_exit(ECERT_RULES_NOT_ELIGIBLE), 1);
	assert_int_equal(ecert_rules_verdict_exit(ECERT_RULES_NEEDS_REVIEW), 3);
	assert_int_equal(ecert_rules_verdict_exit(42), 1); /* fail closed */
	assert_string_equal(ecert_rules_policy_id(rules), "jl-rs-2022-158");
	assert_string_equal(ecert_rules_document_number(rules), "吉人社函〔2022〕158号");
	assert_string_equal(ecert_rules_version(rules), "1.0.0");
	assert_int_equal(ecert_rules_effective_date(rules).day, 18);
}

/* ---- 二（六） ------------------------------------------------------------------------ */

static void test_equivalent(void **state)
{
	static const struct {
		const char *query;
		int rc;
		int from_skill;
		const char *skill, *skill_name, *title;
	} cases[] = {
	    {"高级工", ECERT_OK, 1, "三级", "高级工", "助理级"},
	    {"三级", ECERT_OK, 1, "三级", "高级工", "助理级"},
	    {"三级/高级工", ECERT_OK, 1, "三级", "高级工", "助理级"},
	    {"高级工（三级）", ECERT_OK, 1, "三级", "高级工", "助理级"},
	    {"技师", ECERT_OK, 1, "二级", "技师", "中级"},
	    {"二级", ECERT_OK, 1, "二级", "技师", "中级"},
	    {"高级技师", ECERT_OK, 1, "一级", "高级技师", "副高级"},
	    {"一级", ECERT_OK, 1, "一级", "高级技师", "副高级"},
	    {"助理级", ECERT_OK, 0, "三级", "高级工", "助理级"},
	    {"中级", ECERT_OK, 0, "二级", "技师", "中级"},
	    {"副高级", ECERT_OK, 0, "一级", "高级技师", "副高级"},
	    {"工程师", ECERT_OK, 0, "二级", "技师", "中级"},
	    {"助理工程师", ECERT_OK, 0, "三级", "高级工", "助理级"},
	    {"高级工程师", ECERT_OK, 0, "一级", "高级技师", "副高级"},
	    {"正高级", ECERT_ERR_UNSUPPORTED, 0, NULL, NULL, NULL},
	    {"员级", ECERT_ERR_UNSUPPORTED, 0, NULL, NULL, NULL},
	    {"四级", ECERT_ERR_UNSUPPORTED, 0, NULL, NULL, NULL},
	    {"特级技师", ECERT_ERR_UNSUPPORTED, 0, NULL, NULL, NULL},
	    {"三级/技师", ECERT_ERR_INVALID, 0, NULL, NULL, NULL},
	    {"厨师长", ECERT_ERR_INVALID, 0, NULL, NULL, NULL},
	    {"", ECERT_ERR_INVALID, 0, NULL, NULL, NULL},
	};
	struct ecert_rules_equivalence e;
	struct ecert_error err;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *case_name = cases[i].query;
		int rc;

		ecert_error_clear(&err);
		memset(&e, 0, sizeof(e));
		rc = ecert_rules_equivalent(rules, cases[i].query, &e, &err);
		EXPECT(rc == cases[i].rc, "rc %d (%s)", rc, err.msg);
		if (rc != ECERT_OK)
			continue;
		EXPECT(e.from_skill == cases[i].from_skill, "from_skill");
		EXPECT(strcmp(e.skill_level, cases[i].skill) == 0, "skill level %s", e.skill_level);
		EXPECT(strcmp(e.skill_name, cases[i].skill_name) == 0, "skill name");
		EXPECT(strcmp(e.title_level, cases[i].title) == 0, "title level %s", e.title_level);
		EXPECT(strcmp(e.clause, "二（六）") == 0, "clause");
		EXPECT(strstr(e.message_zh, cases[i].skill_name) &&
		           strstr(e.message_zh, e.title_level),
		       "message %s", e.message_zh);
		EXPECT(!strchr(e.message_zh, '{') && !strchr(e.message_en, '{'), "placeholder");
	}
	DONE();
}

/* ---- claims that are not claims ----------------------------------------------------- */

static void test_claim_parse(void **state)
{
	static const struct {
		const char *json;
		int rc;
		const char *where;
	} cases[] = {
#define EV "\"evidence\":[{\"type\":[],\"credentialSubject\":{},\"proof\":{}}]"
#define AP "\"applicant\":{\"name\":\"王建国\",\"idNumber\":\"220102198503121230\"}"
#define S2T                                                                                        \
	"\"type\":\"CrossTrackClaim\",\"direction\":\"skill-to-title\",\"asOf\":\"2023-07-"        \
	"01\"," AP
#define TT "\"target\":{\"series\":\"工程\",\"specialty\":\"机械工程\",\"level\":\"中级\"}"
	    {"{" S2T "," TT "," EV "}", ECERT_OK, ""},
	    {"[]", ECERT_ERR_SCHEMA, ""},
	    {"{" S2T "," TT "," EV ",\"extra\":1}", ECERT_ERR_SCHEMA, "extra"},
	    {"{\"type\":\"Claim\",\"direction\":\"skill-to-title\",\"asOf\":\"2023-07-01\"," AP
	     "," TT "," EV "}",
	     ECERT_ERR_SCHEMA, "type"},
	    {"{\"type\":\"CrossTrackClaim\",\"direction\":\"sideways\",\"asOf\":\"2023-07-01\"," AP
	     "," TT "," EV "}",
	     ECERT_ERR_SCHEMA, "direction"},
	    {"{\"type\":\"CrossTrackClaim\",\"direction\":\"skill-to-title\",\"asOf\":\"2023-02-"
	     "29\"," AP "," TT "," EV "}",
	     ECERT_ERR_INVALID, "asOf"},
	    {"{" S2T ",\"target\":{\"series\":\"工程\",\"level\":\"中级\"}," EV "}",
	     ECERT_ERR_SCHEMA, "target"},
	    {"{" S2T ",\"target\":{\"occupationCode\":\"6-18-01-01\",\"occupation\":\"车工\","
	     "\"level\":\"三级\"}," EV "}",
	     ECERT_ERR_SCHEMA, ""}, /* a skill target does not go with skill-to-title */
	    {"{" S2T "," TT ",\"evidence\":[]}", ECERT_ERR_SCHEMA, "evidence"},
	    {"{" S2T "," TT ",\"evidence\":[1]}", ECERT_ERR_SCHEMA, "evidence[0]"},
	    {"{" S2T "," TT "," EV ",\"declarations\":{\"frontline\":true}}", ECERT_ERR_SCHEMA,
	     "declarations.frontline"},
	    {"{" S2T "," TT "," EV ",\"declarations\":{\"annualReviewsPassed\":4}}",
	     ECERT_ERR_SCHEMA, "declarations.annualReviewsPassed"},
	    {"{" S2T "," TT "," EV ",\"declarations\":{\"annualReviewsPassed\":2.5}}",
	     ECERT_ERR_SCHEMA, "declarations.annualReviewsPassed"},
	    {"{" S2T "," TT "," EV ",\"declarations\":{\"unitRecommended\":\"yes\"}}",
	     ECERT_ERR_SCHEMA, "declarations.unitRecommended"},
	    {"{" S2T "," TT "," EV
	     ",\"declarations\":{\"awards\":[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\","
	     "\"g\",\"h\",\"i\",\"j\",\"k\",\"l\",\"m\",\"n\",\"o\",\"p\",\"q\"]}}",
	     ECERT_ERR_SCHEMA, "declarations.awards"},
	    {"{" S2T "," TT "," EV ",\"declarations\":{\"awards\":[\"\"]}}", ECERT_ERR_SCHEMA,
	     "declarations.awards[0]"},
	    {"{\"type\":\"CrossTrackClaim\",\"direction\":\"skill-to-title\",\"asOf\":\"2023-07-"
	     "01\","
	     "\"applicant\":{\"name\":\"王建国\"}," TT "," EV "}",
	     ECERT_ERR_SCHEMA, "applicant.idNumber"},
#undef EV
#undef AP
#undef S2T
#undef TT
	};
	struct ecert_rules_claim c;
	struct ecert_error err;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *case_name = cases[i].json;
		cJSON *doc = NULL;
		int rc;

		ecert_error_clear(&err);
		assert_int_equal(
		    ecert_json_parse(cases[i].json, strlen(cases[i].json), NULL, &doc, &err),
		    ECERT_OK);
		rc = ecert_rules_claim_parse(doc, &c, &err);
		EXPECT(rc == cases[i].rc, "rc %d: %s %s", rc, err.where, err.msg);
		EXPECT(rc == ECERT_OK || strcmp(err.where, cases[i].where) == 0, "where \"%s\"",
		       err.where);
		if (rc == ECERT_OK) {
			EXPECT(c.direction == ECERT_RULES_SKILL_TO_TITLE && c.n_evidence == 1 &&
			           c.annual_reviews_passed == -1 && c.front_line == -1 &&
			           c.n_awards == 0 && strcmp(c.target_level, "中级") == 0,
			       "parsed facts");
		}
		cJSON_Delete(doc);
	}
	DONE();
}

static void test_evaluate_args(void **state)
{
	struct ecert_rules_claim c;
	struct ecert_rules_evidence ev[2];
	struct ecert_rules_result *res = NULL;
	struct ecert_error err;

	(void)state;
	memset(&c, 0, sizeof(c));
	memset(ev, 0, sizeof(ev));
	c.direction = ECERT_RULES_SKILL_TO_TITLE;
	c.as_of = (struct ecert_date){2023, 7, 1};
	c.target_series = "工程";
	c.target_specialty = "机械工程";
	c.target_level = "中级";
	c.n_evidence = 2;
	c.annual_reviews_passed = c.unit_recommended = c.front_line = c.related_diploma = -1;
	ev[0].index = 0;
	ev[0].kind = ECERT_RULES_EVIDENCE_SKILL;
	ev[1].index = 1;
	ev[1].kind = ECERT_RULES_EVIDENCE_SKILL;
	ecert_error_clear(&err);
	/* every evidence item of the claim must be accounted for */
	assert_int_equal(ecert_rules_evaluate(rules, &c, ev, 1, &res, &err), ECERT_ERR_ARG);
	ev[1].index = 0;
	assert_int_equal(ecert_rules_evaluate(rules, &c, ev, 2, &res, &err), ECERT_ERR_ARG);
	ev[1].index = 2;
	assert_int_equal(ecert_rules_evaluate(rules, &c, ev, 2, &res, &err), ECERT_ERR_ARG);
	ev[1].index = 1;
	ev[1].kind = 0;
	assert_int_equal(ecert_rules_evaluate(rules, &c, ev, 2, &res, &err), ECERT_ERR_ARG);
	ev[1].kind = ECERT_RULES_EVIDENCE_SKILL;
	c.target_level = "工程师级";
	assert_int_equal(ecert_rules_evaluate(rules, &c, ev, 2, &res, &err), ECERT_ERR_INVALID);
	assert_string_equal(err.where, "target.level");
	c.target_level = "三级"; /* a skill level is not a title target */
	assert_int_equal(ecert_rules_evaluate(rules, &c, ev, 2, &res, &err), ECERT_ERR_INVALID);
	c.target_level = "中级";
	c.target_specialty = NULL;
	assert_int_equal(ecert_rules_evaluate(rules, &c, ev, 2, &res, &err), ECERT_ERR_ARG);
	assert_null(res);
	c.target_specialty = "机械工程";
	/* evidence without any readable field is evidence that fails, not an input error */
	assert_int_equal(ecert_rules_evaluate(rules, &c, ev, 2, &res, &err), ECERT_OK);
	assert_int_equal(ecert_rules_result_verdict(res), ECERT_RULES_NOT_ELIGIBLE);
	assert_int_equal(find(res, "evidence-valid")->ok, ECERT_RULES_FAIL);
	ecert_rules_result_free(res);
	ecert_rules_result_free(NULL);
	ecert_rules_free(NULL);
}

/* Is s valid UTF-8 (no truncated or stray sequence)? */
static int utf8_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		size_t n = *p < 0x80             ? 1
		           : (*p & 0xE0) == 0xC0 ? 2
		           : (*p & 0xF0) == 0xE0 ? 3
		           : (*p & 0xF8) == 0xF0 ? 4
		                                 : 0;

		if (n == 0)
			return 0;
		for (size_t i = 1; i < n; i++)
			if ((p[i] & 0xC0) != 0x80)
				return 0;
		p += n;
	}
	return 1;
}

/* Long values are cut at a character boundary, never in the middle of one. */
static void test_long_values(void **state)
{
	struct ecert_rules_claim c;
	struct ecert_rules_evidence ev[ECERT_RULES_MAX_EVIDENCE];
	struct ecert_rules_result *res = NULL;
	struct ecert_error err;
	char check[600] = "";
	const struct ecert_rules_finding *f;

	(void)state;
	while (strlen(check) + strlen("签名不符") < sizeof(check))
		strcat(check, "签名不符");
	memset(&c, 0, sizeof(c));
	c.direction = ECERT_RULES_SKILL_TO_TITLE;
	c.as_of = (struct ecert_date){2023, 7, 1};
	c.target_series = "工程";
	c.target_specialty = "机械工程";
	c.target_level = "中级";
	c.n_evidence = ECERT_RULES_MAX_EVIDENCE;
	c.annual_reviews_passed = c.unit_recommended = c.front_line = c.related_diploma = -1;
	for (size_t i = 0; i < ECERT_RULES_MAX_EVIDENCE; i++) {
		memset(&ev[i], 0, sizeof(ev[i]));
		ev[i].index = i;
		ev[i].kind = ECERT_RULES_EVIDENCE_SKILL;
		ev[i].failed_check = check;
		ev[i].holder_matches = ev[i].holder_known = ev[i].in_scope = 1;
		ev[i].occupation_code = "6-18-01-01";
		ev[i].occupation = "车工";
		ev[i].skill_level = "二级";
		ev[i].level_name = "技师";
		ev[i].certified_on = "2020-06-15";
	}
	ecert_error_clear(&err);
	assert_int_equal(ecert_rules_evaluate(rules, &c, ev, ECERT_RULES_MAX_EVIDENCE, &res, &err),
	                 ECERT_OK);
	f = find(res, "evidence-valid");
	assert_int_equal(f->ok, ECERT_RULES_FAIL);
	assert_true(strlen(f->message_zh) > 900);
	assert_true(utf8_valid(f->message_zh));
	assert_true(utf8_valid(f->message_en));
	assert_int_equal(ecert_rules_result_verdict(res), ECERT_RULES_NOT_ELIGIBLE);
	ecert_rules_result_free(res);
}

/* ---- the data decide, and bad data is refused at load ------------------------------ */

static char *write_temp(const char *text)
{
	char *path = strdup("/tmp/ecert-test-rules-XXXXXX");
	int fd;
	size_t n = strlen(text);

	assert_non_null(path);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, n), (ssize_t)n);
	close(fd);
	return path;
}

static cJSON *embedded(const char *path)
{
	size_t len;
	const unsigned char *data = ecert_data_get(path, &len);
	cJSON *doc = NULL;
	struct ecert_error err;

	assert_non_null(data);
	assert_int_equal(ecert_json_parse((const char *)data, len, NULL, &doc, &err), ECERT_OK);
	return doc;
}

static cJSON *rule_by_id(cJSON *doc, const char *id)
{
	cJSON *r;

	cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(doc, "rules"))
	{
		if (strcmp(ecert_json_str(r, "id"), id) == 0)
			return r;
	}
	fail_msg("no rule %s", id);
	return NULL;
}

static void set_str(cJSON *obj, const char *key, const char *val)
{
	cJSON_DeleteItemFromObjectCaseSensitive(obj, key);
	cJSON_AddStringToObject(obj, key, val);
}

static void mut_kind(cJSON *d)
{
	set_str(rule_by_id(d, "in-force"), "kind", "magic");
}
static void mut_message_key(cJSON *d)
{
	cJSON_DeleteItemFromObjectCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(rule_by_id(d, "s2t-years"), "messages"), "fail_years");
}
static void mut_placeholder(cJSON *d)
{
	cJSON *m = cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(rule_by_id(d, "in-force"), "messages"), "ok");

	set_str(m, "zh", "{nope}");
}
static void mut_effective(cJSON *d)
{
	set_str(cJSON_GetObjectItemCaseSensitive(d, "policy"), "effectiveDate", "2022-11-19");
}
static void mut_basis(cJSON *d)
{
	set_str(cJSON_GetObjectItemCaseSensitive(d, "policy"), "effectiveDateBasis", "printed");
}
static void mut_alternative(cJSON *d)
{
	set_str(rule_by_id(d, "s2t-green-channel"), "alternativeTo", "no-such-rule");
}
static void mut_level(cJSON *d)
{
	cJSON *t = cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(rule_by_id(d, "s2t-years"), "parameters"), "table");

	set_str(cJSON_GetArrayItem(t, 0), "skill", "大师");
}
static void mut_dup_id(cJSON *d)
{
	set_str(rule_by_id(d, "s2t-years"), "id", "in-force");
}
static void mut_direction(cJSON *d)
{
	set_str(rule_by_id(d, "s2t-years"), "direction", "title-to-skill");
}
static void mut_na(cJSON *d)
{
	cJSON_DeleteItemFromObjectCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(rule_by_id(d, "s2t-front-line-engineering"),
	                                     "messages"),
	    "na");
}
static void mut_date(cJSON *d)
{
	set_str(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(d, "policy"),
	                                         "dates"),
	        "indexed", "2022-11-31");
}
static void mut_years(cJSON *d)
{
	cJSON *t = cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(rule_by_id(d, "s2t-years"), "parameters"), "table");

	cJSON_DeleteItemFromObjectCaseSensitive(cJSON_GetArrayItem(t, 1), "years");
	cJSON_AddNumberToObject(cJSON_GetArrayItem(t, 1), "years", 2.5);
}

/* Load the data with one embedded file (the rules or the table) replaced by a modified
 * copy written to a temporary file; *path names it (the caller unlinks and frees it). */
static int load_mutated(const char *which, void (*mutate)(cJSON *), struct ecert_rules **out,
                        char **path, struct ecert_error *err)
{
	cJSON *doc = embedded(which);
	char *text;
	struct ecert_rules_sources src = {NULL, NULL, NULL, NULL};
	int rc;

	mutate(doc);
	text = cJSON_PrintUnformatted(doc);
	*path = write_temp(text);
	if (strcmp(which, ECERT_RULES_DEFAULT_RULES) == 0)
		src.rules_path = *path;
	else
		src.table_path = *path;
	ecert_error_clear(err);
	*out = NULL;
	rc = ecert_rules_load(&src, out, err);
	cJSON_free(text);
	cJSON_Delete(doc);
	return rc;
}

/* A data file that a mutation spoils is refused at load, naming the file. */
static void expect_refused(const char *case_name, const char *which, void (*mutate)(cJSON *))
{
	struct ecert_rules *r;
	struct ecert_error err;
	char *path;
	int rc = load_mutated(which, mutate, &r, &path, &err);

	EXPECT(rc == ECERT_ERR_SCHEMA, "rc %d (%s: %s)", rc, err.where, err.msg);
	EXPECT(strstr(err.where, path) == err.where, "error names the file: %s", err.where);
	assert_null(r);
	unlink(path);
	free(path);
}

/* Load modified data that must load. */
static struct ecert_rules *load_modified(const char *which, void (*mutate)(cJSON *), char **path)
{
	struct ecert_rules *r;
	struct ecert_error err;

	if (load_mutated(which, mutate, &r, path, &err) != ECERT_OK)
		fail_msg("load %s: %s: %s", *path, err.where, err.msg);
	return r;
}

static void test_bad_rules(void **state)
{
	static const struct {
		const char *name;
		void (*mutate)(cJSON *);
	} cases[] = {
	    {"unknown kind", mut_kind},
	    {"missing message key", mut_message_key},
	    {"unknown placeholder", mut_placeholder},
	    {"effective date not among the dates", mut_effective},
	    {"unknown effective date basis", mut_basis},
	    {"alternative to an unknown rule", mut_alternative},
	    {"unknown level in a table", mut_level},
	    {"duplicate rule id", mut_dup_id},
	    {"kind applied to the wrong direction", mut_direction},
	    {"series-limited declaration without na message", mut_na},
	    {"impossible date", mut_date},
	    {"fractional years", mut_years},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		expect_refused(cases[i].name, ECERT_RULES_DEFAULT_RULES, cases[i].mutate);
	DONE();
}

static void tmut_trial(cJSON *d)
{
	cJSON_DeleteItemFromObjectCaseSensitive(
	    cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(d, "rows"), 0), "trial");
}
static void tmut_code(cJSON *d)
{
	cJSON *occ = cJSON_GetArrayItem(
	    cJSON_GetObjectItemCaseSensitive(
	        cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(d, "rows"), 0), "occupations"),
	    0);

	set_str(occ, "code", "6-18-1-1");
}
static void tmut_status(cJSON *d)
{
	set_str(d, "status", "final");
}

/* A table that does not match its schema is refused, naming the file. */
static void test_bad_table(void **state)
{
	static const struct {
		const char *name;
		void (*mutate)(cJSON *);
	} cases[] = {
	    {"row without trial", tmut_trial},
	    {"malformed occupation code", tmut_code},
	    {"unknown status", tmut_status},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		expect_refused(cases[i].name, ECERT_RULES_DEFAULT_TABLE, cases[i].mutate);
	DONE();
}

/* Load rules or a table from a modified copy of the embedded file. */
static void four_years_for_technician(cJSON *d)
{
	cJSON *t = cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(rule_by_id(d, "s2t-years"), "parameters"), "table");

	cJSON_DeleteItemFromObjectCaseSensitive(cJSON_GetArrayItem(t, 1), "years");
	cJSON_AddNumberToObject(cJSON_GetArrayItem(t, 1), "years", 4);
}

static void effective_on_signing(cJSON *d)
{
	cJSON *p = cJSON_GetObjectItemCaseSensitive(d, "policy");

	set_str(p, "effectiveDate", "2022-11-03");
	set_str(p, "effectiveDateBasis", "signedInBody");
}

static void official_table(cJSON *d)
{
	cJSON *rows = cJSON_CreateArray(), *row = cJSON_CreateObject(), *occ = cJSON_CreateArray(),
	      *o = cJSON_CreateObject();

	set_str(d, "status", "official");
	cJSON_AddBoolToObject(row, "trial", 0);
	cJSON_AddStringToObject(row, "series", "工程");
	cJSON_AddStringToObject(row, "specialty", "电气工程");
	cJSON_AddStringToObject(o, "code", "6-18-01-01");
	cJSON_AddStringToObject(o, "name", "车工");
	cJSON_AddItemToArray(occ, o);
	cJSON_AddItemToObject(row, "occupations", occ);
	cJSON_AddItemToArray(rows, row);
	cJSON_DeleteItemFromObjectCaseSensitive(d, "rows");
	cJSON_AddItemToObject(d, "rows", rows);
}

/* The numbers come from the data: change the data, the verdict follows, no rebuild. */
static void test_data_decides(void **state)
{
	cJSON *doc = load_cases(), *claim = NULL, *json = NULL;
	struct ecert_rules *r;
	struct ecert_rules_result *res;
	struct ecert_error err;
	char *path;
	const char *case_name = "data decides";

	(void)state;
	r = load_modified(ECERT_RULES_DEFAULT_RULES, four_years_for_technician, &path);
	res = eval_case(r, doc, case_named(doc, "worked example"), &claim);
	assert_int_equal(ecert_rules_result_verdict(res), ECERT_RULES_NOT_ELIGIBLE);
	assert_int_equal(find(res, "s2t-years")->ok, ECERT_RULES_FAIL);
	assert_non_null(strstr(find(res, "s2t-years")->message_zh, "2024-06-15 满"));
	ecert_rules_result_free(res);
	cJSON_Delete(claim);
	ecert_rules_free(r);
	unlink(path);
	free(path);

	r = load_modified(ECERT_RULES_DEFAULT_RULES, effective_on_signing, &path);
	res = eval_case(r, doc, case_named(doc, "asOf after the body's date"), &claim);
	assert_int_equal(ecert_rules_result_verdict(res), ECERT_RULES_ELIGIBLE);
	ecert_rules_result_free(res);
	cJSON_Delete(claim);
	ecert_rules_free(r);
	unlink(path);
	free(path);

	/* an authority's table replaces the trial one: the pair is now ok, and not a trial */
	r = load_modified(ECERT_RULES_DEFAULT_TABLE, official_table, &path);
	res = eval_case(r, doc, case_named(doc, "correspondence: 车工 for 电气工程"), &claim);
	assert_int_equal(ecert_rules_result_verdict(res), ECERT_RULES_ELIGIBLE);
	assert_null(strstr(find(res, "s2t-correspondence")->message_zh, "试行对应关系"));
	ecert_error_clear(&err);
	assert_int_equal(ecert_rules_result_json(res, &json, &err), ECERT_OK);
	assert_string_equal(ecert_json_str(ecert_json_obj(json, "correspondenceTable"), "status"),
	                    "official");
	cJSON_Delete(json);
	ecert_rules_result_free(res);
	cJSON_Delete(claim);
	ecert_rules_free(r);
	unlink(path);
	free(path);
	(void)case_name;
	cJSON_Delete(doc);
}

static void test_missing_file(void **state)
{
	struct ecert_rules_sources src = {"/nonexistent/rules.json", NULL, NULL, NULL};
	struct ecert_rules *r = NULL;
	struct ecert_error err;

	(void)state;
	ecert_error_clear(&err);
	assert_int_equal(ecert_rules_load(&src, &r, &err), ECERT_ERR_IO);
	assert_null(r);
	assert_int_equal(ecert_rules_load(NULL, NULL, &err), ECERT_ERR_ARG);
}

/* Every allocation failure is reported as ECERT_ERR_NOMEM and leaks nothing: first while
 * loading the data, then while evaluating and rendering a claim. */
static void test_alloc_failures(void **state)
{
	cJSON *doc = load_cases(), *claim = NULL;
	const cJSON *cs = case_named(doc, "several: the one that satisfies the rules decides");
	struct ecert_rules_evidence ev[ECERT_RULES_MAX_EVIDENCE];
	struct ecert_rules_claim c;
	struct ecert_error err;
	const cJSON *it;
	size_t n = 0;
	long step;
	int done = 0;

	(void)state;
	for (step = 0; step < ALLOC_STEPS_MAX && !done; step++) {
		struct ecert_rules *r = NULL;
		int rc;

		ecert_alloc_fail_after(step);
		rc = ecert_rules_load(NULL, &r, &err);
		ecert_alloc_fail_after(-1);
		assert_true(rc == ECERT_OK || rc == ECERT_ERR_NOMEM);
		assert_true((rc == ECERT_OK) == (r != NULL));
		done = rc == ECERT_OK;
		ecert_rules_free(r);
	}
	assert_true(done);

	claim = build_claim(doc, cs);
	assert_int_equal(ecert_rules_claim_parse(claim, &c, &err), ECERT_OK);
	cJSON_ArrayForEach(it, ecert_json_arr(cs, "evidence"))
	{
		build_evidence(it, n, &ev[n]);
		n++;
	}
	done = 0;
	for (step = 0; step < ALLOC_STEPS_MAX && !done; step++) {
		struct ecert_rules_result *res = NULL;
		struct ecert_buf text = ECERT_BUF_INIT;
		cJSON *json = NULL;
		int rc;

		ecert_alloc_fail_after(step);
		rc = ecert_rules_evaluate(rules, &c, ev, n, &res, &err);
		if (rc == ECERT_OK)
			rc = ecert_rules_result_json(res, &json, &err);
		if (rc == ECERT_OK)
			rc = ecert_rules_result_text(res, "zh", &text, &err);
		ecert_alloc_fail_after(-1);
		assert_true(rc == ECERT_OK || rc == ECERT_ERR_NOMEM);
		if (rc == ECERT_OK) {
			assert_int_equal(ecert_rules_result_verdict(res), ECERT_RULES_ELIGIBLE);
			assert_int_equal(ecert_rules_result_deciding(res), 1);
			done = 1;
		}
		cJSON_Delete(json);
		ecert_buf_free(&text);
		ecert_rules_result_free(res);
	}
	assert_true(done);
	cJSON_Delete(claim);
	cJSON_Delete(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cases),         cmocka_unit_test(test_output),
	    cmocka_unit_test(test_verdict_names), cmocka_unit_test(test_equivalent),
	    cmocka_unit_test(test_claim_parse),   cmocka_unit_test(test_evaluate_args),
	    cmocka_unit_test(test_long_values),   cmocka_unit_test(test_bad_rules),
	    cmocka_unit_test(test_bad_table),     cmocka_unit_test(test_data_decides),
	    cmocka_unit_test(test_missing_file),  cmocka_unit_test(test_alloc_failures),
	};

	ecert_init();
	return cmocka_run_group_tests(tests, setup, teardown);
}
