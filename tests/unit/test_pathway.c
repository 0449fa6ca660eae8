/* cmocka: title certificates earned through the pathway (pathway.h) — real keys, a real
 * root-signed trust list, real signed skill and title certificates; the issuer's judgement
 * (rule chosen, pathway member), the verifier's (digest, ids, holder, rule), and every
 * boundary and refusal: years one day short, a level too low, the policy not yet in force,
 * a tampered, revoked-free but altered, another person's or another certificate as basis. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ecert/alloc.h"
#include "ecert/encoding.h"
#include "ecert/idnum.h"
#include "ecert/jcs.h"
#include "ecert/json.h"
#include "ecert/key.h"
#include "ecert/pathway.h"
#include "ecert/proof.h"
#include "ecert/rules.h"
#include "ecert/sign.h"
#include "ecert/trustedit.h"
#include "ecert/trustlist.h"
#include "ecert/verify.h"

#define USCC "11220000013544525W"
#define ISSUER "urn:uscc:" USCC
#define HOLDER "王建国"
#define HOLDER_ID "220102198503121230"
#define NAMESAKE_ID "220102198503121249" /* another 王建国 (valid check digit) */
#define OTHER_ID "11010519491231002X"
#define T_2020 1577808000 /* 2020-01-01T00:00:00+08:00 */
#define T_NOW 1709258400  /* 2024-03-01T10:00:00+08:00 */
#define CREATED "2024-03-01T09:00:00+08:00"
#define BASIS_ID "urn:ecert:S000022000001202000001"
#define TITLE_ID "urn:ecert:JL-T-2023-000001"

static EVP_PKEY *root, *key, *other_key;
static char kid[ECERT_KID_LEN + 1];
static struct ecert_trustlist *tl;
static struct ecert_verifier *ver;
static struct ecert_rules *rules;

#define SKILL_FMT \
	"{\"@context\":[\"https://www.w3.org/ns/credentials/v2\"]," \
	"\"id\":\"%s\",\"type\":[\"VerifiableCredential\",\"SkillCertificate\"]," \
	"\"issuer\":{\"id\":\"" ISSUER "\",\"name\":\"吉林省人力资源和社会保障厅\"}," \
	"\"validFrom\":\"%sT00:00:00+08:00\"," \
	"\"credentialSubject\":{\"name\":\"%s\",\"idNumberMasked\":\"\",\"idDigest\":\"\"," \
	"\"occupationCode\":\"%s\",\"occupation\":\"%s\",\"level\":\"%s\",\"levelName\":\"%s\"," \
	"\"certifiedOn\":\"%s\",\"certificateKind\":\"职业技能等级证书\"}," \
	"\"credentialStatus\":{\"type\":\"BitstringStatusListEntry\",\"statusPurpose\":\"revocation\"," \
	"\"statusListIndex\":\"%d\",\"statusListCredential\":\"urn:ecert:status:" USCC ":x\"}}"

#define TITLE_FMT \
	"{\"@context\":[\"https://www.w3.org/ns/credentials/v2\"]," \
	"\"id\":\"" TITLE_ID "\",\"type\":[\"VerifiableCredential\",\"TitleCertificate\"]," \
	"\"issuer\":{\"id\":\"" ISSUER "\",\"name\":\"吉林省人力资源和社会保障厅\"}," \
	"\"validFrom\":\"%sT00:00:00+08:00\"," \
	"\"credentialSubject\":{\"name\":\"%s\",\"idNumberMasked\":\"\",\"idDigest\":\"\"," \
	"\"series\":\"工程\",\"specialty\":\"%s\",\"level\":\"%s\",\"titleName\":\"%s\"," \
	"\"qualifiedOn\":\"%s\",\"approvalDocument\":\"吉职改字〔2023〕1号\"," \
	"\"evaluationMethod\":\"评审\"}," \
	"\"credentialStatus\":{\"type\":\"BitstringStatusListEntry\",\"statusPurpose\":\"revocation\"," \
	"\"statusListIndex\":\"1\",\"statusListCredential\":\"urn:ecert:status:" USCC ":x\"}}"

/* Fill the holder fields (masked ID, a salted digest) and sign with `k`. */
static cJSON *finish(cJSON *doc, const char *id_number, EVP_PKEY *k)
{
	char digest[ECERT_ID_DIGEST_SIZE], masked[ECERT_IDNUM_LEN + 1], vm[128];
	cJSON *subj = cJSON_GetObjectItem(doc, "credentialSubject");
	struct ecert_error err;

	assert_int_equal(ecert_idnum_digest_random(id_number, digest, &err), ECERT_OK);
	assert_int_equal(ecert_idnum_mask(id_number, masked, &err), ECERT_OK);
	cJSON_ReplaceItemInObject(subj, "idDigest", cJSON_CreateString(digest));
	cJSON_ReplaceItemInObject(subj, "idNumberMasked", cJSON_CreateString(masked));
	snprintf(vm, sizeof(vm), "%s#%s", ISSUER, kid);
	if (ecert_proof_sign(doc, k, vm, CREATED, &err) != ECERT_OK)
		fail_msg("sign: %s", err.msg);
	return doc;
}

static cJSON *parse(const char *text)
{
	struct ecert_error err;
	cJSON *doc = NULL;

	if (ecert_json_parse(text, strlen(text), NULL, &doc, &err) != ECERT_OK)
		fail_msg("template: %s: %s", err.where, err.msg);
	return doc;
}

/* A skill certificate: 车工 by default. */
static cJSON *skill(const char *id, const char *name, const char *id_number, const char *code,
		    const char *occupation, const char *level, const char *level_name,
		    const char *on, int index)
{
	char text[4096];

	snprintf(text, sizeof(text), SKILL_FMT, id, on, name, code, occupation, level, level_name,
		 on, index);
	return finish(parse(text), id_number, key);
}

static cJSON *jishi(const char *on)
{
	return skill(BASIS_ID, HOLDER, HOLDER_ID, "6-18-01-01", "车工", "二级", "技师", on, 2);
}

static void verify_doc(const cJSON *doc, const char *holder_id, struct ecert_verify_result *res)
{
	struct ecert_verify_opts o = {T_NOW, holder_id, 0};

	(void)ecert_verify_doc(ver, &o, doc, res);
}

/* A title certificate; with a pathway member when pw is given (taken over). */
static cJSON *title(const char *name, const char *id_number, const char *specialty,
		    const char *level, const char *title_name, const char *on, cJSON *pw)
{
	char text[4096];
	cJSON *doc;

	snprintf(text, sizeof(text), TITLE_FMT, on, name, specialty, level, title_name, on);
	doc = parse(text);
	if (pw)
		cJSON_AddItemToObject(cJSON_GetObjectItem(doc, "credentialSubject"), "pathway", pw);
	return finish(doc, id_number, key);
}

/* The pathway member an issuer would write for `basis` (verified here). */
static cJSON *member_for(const char *rule, const cJSON *basis)
{
	struct ecert_verify_result r;
	struct ecert_error err;
	cJSON *pw = NULL;

	verify_doc(basis, HOLDER_ID, &r);
	assert_true(r.valid);
	assert_int_equal(ecert_pathway_member(rule, &r, 1, &pw, &err), ECERT_OK);
	ecert_verify_result_free(&r);
	return pw;
}

static int setup(void **state)
{
	static const char *both[] = {"title", "skill"};
	struct ecert_trustedit *ed = NULL;
	struct ecert_trust_entry_spec s = {0};
	struct ecert_buf text = ECERT_BUF_INIT;
	struct ecert_error err;

	(void)state;
	assert_int_equal(ecert_key_generate(ECERT_ALG_SM2, &root, &err), ECERT_OK);
	assert_int_equal(ecert_key_generate(ECERT_ALG_SM2, &key, &err), ECERT_OK);
	assert_int_equal(ecert_key_generate(ECERT_ALG_SM2, &other_key, &err), ECERT_OK);
	assert_int_equal(ecert_key_kid(key, kid, &err), ECERT_OK);
	assert_int_equal(ecert_trustedit_new(root, "test", &ed, &err), ECERT_OK);
	s.key = key;
	s.issuer_id = ISSUER;
	s.issuer_name = "吉林省人力资源和社会保障厅";
	s.kinds = both;
	s.n_kinds = 2;
	s.valid_from = T_2020;
	assert_int_equal(ecert_trustedit_add(ed, &s, &err), ECERT_OK);
	assert_int_equal(ecert_trustedit_commit(ed, T_2020, &err), ECERT_OK);
	assert_int_equal(ecert_trustedit_serialize(ed, &text, &err), ECERT_OK);
	ecert_trustedit_free(ed);
	assert_int_equal(ecert_trustlist_load_mem((const char *)text.data, text.len, root, &tl, &err),
			 ECERT_OK);
	ecert_buf_free(&text);
	assert_int_equal(ecert_verifier_new(tl, &ver, &err), ECERT_OK);
	if (ecert_rules_load(NULL, &rules, &err) != ECERT_OK)
		fail_msg("rules: %s: %s", err.where, err.msg);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	ecert_rules_free(rules);
	ecert_verifier_free(ver);
	ecert_trustlist_free(tl);
	EVP_PKEY_free(key);
	EVP_PKEY_free(other_key);
	EVP_PKEY_free(root);
	return 0;
}

/* The issuer's judgement of a title record on one basis certificate. */
static int judge_record(const char *level, const char *on, const char *specialty,
			const cJSON *basis, const char *rule, struct ecert_pathway_result *out)
{
	char text[1024];
	struct ecert_pathway_title t;
	struct ecert_verify_result r;
	struct ecert_error err;
	cJSON *rec;
	int rc;

	snprintf(text, sizeof(text),
		 "{\"kind\":\"title\",\"name\":\"" HOLDER "\",\"idNumber\":\"" HOLDER_ID "\","
		 "\"series\":\"工程\",\"specialty\":\"%s\",\"level\":\"%s\",\"qualifiedOn\":\"%s\"}",
		 specialty, level, on);
	rec = parse(text);
	ecert_pathway_title_from_json(rec, &t);
	assert_string_equal(t.id_number, HOLDER_ID);
	verify_doc(basis, HOLDER_ID, &r);
	ecert_error_clear(&err);
	rc = ecert_pathway_judge(rules, &t, rule, &r, 1, out, &err);
	assert_int_equal(rc, out->code);
	if (rc != ECERT_OK)
		assert_int_equal(err.code, rc);
	ecert_verify_result_free(&r);
	cJSON_Delete(rec);
	return rc;
}

/* 二（三）2: 技师 + 3 years → 中级, on the anniversary and one day short; the issuer's rule is
 * the data's rule of kind skill-years-to-title. */
static void test_issuer_years_boundary(void **state)
{
	struct ecert_pathway_result out;
	cJSON *basis = jishi("2020-06-15");

	(void)state;
	assert_int_equal(judge_record("中级", "2023-06-15", "机械工程", basis, NULL, &out), ECERT_OK);
	assert_true(out.ok && out.checked);
	assert_string_equal(out.rule, "s2t-years");
	assert_int_equal(out.identity, ECERT_PATHWAY_ID_DIGEST);
	assert_int_equal(out.verdict, ECERT_RULES_ELIGIBLE);
	assert_int_equal(out.n_basis, 1);
	assert_string_equal(out.basis[0], BASIS_ID);
	assert_non_null(strstr(out.detail_zh, "满 3 年"));
	assert_non_null(strstr(out.detail_en, "2023-06-15"));

	assert_int_equal(judge_record("中级", "2023-06-14", "机械工程", basis, NULL, &out),
			 ECERT_ERR_INVALID);
	assert_false(out.ok);
	assert_non_null(strstr(out.detail_en, "s2t-years"));
	assert_non_null(strstr(out.detail_zh, "2023-06-15 满"));
	cJSON_Delete(basis);
}

/* Each level one step above what the basis reaches, and the policy's effective date. */
static void test_issuer_levels_and_dates(void **state)
{
	struct ecert_pathway_result out;
	cJSON *basis = jishi("2015-06-15"), *gjg;

	(void)state;
	/* 技师 for 8 years: 副高级 needs 高级技师 */
	assert_int_equal(judge_record("副高级", "2023-07-01", "机械工程", basis, NULL, &out),
			 ECERT_ERR_INVALID);
	/* below the target is fine: 助理级 */
	assert_int_equal(judge_record("助理级", "2023-07-01", "机械工程", basis, NULL, &out),
			 ECERT_OK);
	/* a title awarded before the scheme was in force (2022-11-18) was not earned through it */
	assert_int_equal(judge_record("中级", "2022-11-17", "机械工程", basis, NULL, &out),
			 ECERT_ERR_INVALID);
	assert_non_null(strstr(out.detail_en, "in-force"));
	assert_int_equal(judge_record("中级", "2022-11-18", "机械工程", basis, NULL, &out),
			 ECERT_OK);
	/* the basis dated after the title: not evidence for it */
	assert_int_equal(judge_record("助理级", "2015-06-14", "机械工程", basis, NULL, &out),
			 ECERT_ERR_INVALID);
	/* 高级工 + 2 → 助理级, exactly; 中级 is one level too far */
	gjg = skill(BASIS_ID, HOLDER, HOLDER_ID, "6-18-01-01", "车工", "三级", "高级工",
		    "2021-07-01", 3);
	assert_int_equal(judge_record("助理级", "2023-07-01", "机械工程", gjg, NULL, &out), ECERT_OK);
	assert_int_equal(judge_record("助理级", "2023-06-30", "机械工程", gjg, NULL, &out),
			 ECERT_ERR_INVALID);
	assert_int_equal(judge_record("中级", "2030-07-01", "机械工程", gjg, NULL, &out),
			 ECERT_ERR_INVALID);
	cJSON_Delete(gjg);
	cJSON_Delete(basis);
}

/* A pair missing from the correspondence table holds (the committee's call) and says so;
 * a rule signed evidence cannot satisfy, or one the data lack, is refused. */
static void test_issuer_review_and_rules(void **state)
{
	struct ecert_pathway_result out;
	cJSON *basis = jishi("2015-06-15");

	(void)state;
	assert_int_equal(judge_record("中级", "2023-07-01", "电气工程", basis, NULL, &out), ECERT_OK);
	assert_int_equal(out.verdict, ECERT_RULES_NEEDS_REVIEW);
	assert_non_null(strstr(out.detail_en, "Also"));
	assert_int_equal(judge_record("中级", "2023-07-01", "机械工程", basis, "s2t-green-channel",
				      &out),
			 ECERT_ERR_INVALID);
	assert_non_null(strstr(out.detail_en, "green-channel"));
	assert_int_equal(judge_record("中级", "2023-07-01", "机械工程", basis, "no-such-rule", &out),
			 ECERT_ERR_INVALID);
	assert_non_null(strstr(out.detail_en, "no-such-rule"));
	assert_int_equal(judge_record("中级", "2023-07-01", "机械工程", basis, "s2t-years", &out),
			 ECERT_OK);
	/* an unknown target level is not a pathway */
	assert_int_equal(judge_record("特级", "2023-07-01", "机械工程", basis, NULL, &out),
			 ECERT_ERR_INVALID);
	cJSON_Delete(basis);
}

/* Not the same person: another name; the same name with another ID number. */
static void test_issuer_holder(void **state)
{
	struct ecert_pathway_result out;
	cJSON *other = skill(BASIS_ID, "李建华", OTHER_ID, "6-18-01-01", "车工", "二级", "技师",
			     "2015-06-15", 4);
	cJSON *namesake = skill(BASIS_ID, HOLDER, NAMESAKE_ID, "6-18-01-01", "车工", "二级", "技师",
				"2015-06-15", 5);

	(void)state;
	assert_int_equal(judge_record("中级", "2023-07-01", "机械工程", other, NULL, &out),
			 ECERT_ERR_HOLDER);
	assert_non_null(strstr(out.detail_zh, "李建华"));
	assert_int_equal(judge_record("中级", "2023-07-01", "机械工程", namesake, NULL, &out),
			 ECERT_ERR_HOLDER);
	assert_non_null(strstr(out.detail_en, "idDigest"));
	cJSON_Delete(other);
	cJSON_Delete(namesake);
}

/* A basis that does not verify, or is a title certificate. */
static void test_issuer_bad_basis(void **state)
{
	struct ecert_pathway_result out;
	cJSON *basis = jishi("2015-06-15"), *t;

	(void)state;
	/* altered after signing */
	cJSON_ReplaceItemInObject(cJSON_GetObjectItem(basis, "credentialSubject"), "certifiedOn",
				  cJSON_CreateString("2014-06-15"));
	assert_int_equal(judge_record("中级", "2023-07-01", "机械工程", basis, NULL, &out),
			 ECERT_ERR_SIGNATURE);
	assert_non_null(strstr(out.detail_en, "signature"));
	cJSON_Delete(basis);
	/* signed by a key other than the one its verificationMethod names */
	basis = skill(BASIS_ID, HOLDER, HOLDER_ID, "6-18-01-01", "车工", "二级", "技师",
		      "2015-06-15", 6);
	{
		char vm[128];
		struct ecert_error err;

		snprintf(vm, sizeof(vm), "%s#%s", ISSUER, kid);
		assert_int_equal(ecert_proof_sign(basis, other_key, vm, CREATED, &err), ECERT_OK);
	}
	assert_int_equal(judge_record("中级", "2023-07-01", "机械工程", basis, NULL, &out),
			 ECERT_ERR_SIGNATURE);
	cJSON_Delete(basis);
	t = title(HOLDER, HOLDER_ID, "机械工程", "助理级", "助理工程师", "2015-06-15", NULL);
	assert_int_equal(judge_record("中级", "2023-07-01", "机械工程", t, NULL, &out),
			 ECERT_ERR_INVALID);
	assert_non_null(strstr(out.detail_en, "not a skill certificate"));
	cJSON_Delete(t);
}

/* The member the issuer writes: the rule and the basis's id and SM3 over its JCS form. */
static void test_member(void **state)
{
	struct ecert_buf canon = ECERT_BUF_INIT, hex = ECERT_BUF_INIT;
	unsigned char h[ECERT_HASH_MAX];
	struct ecert_verify_result r;
	struct ecert_error err;
	cJSON *basis = jishi("2020-06-15"), *pw = member_for("s2t-years", basis), *entry;
	char want[80];

	(void)state;
	assert_int_equal(ecert_jcs_serialize(basis, &canon, &err), ECERT_OK);
	assert_int_equal(ecert_hash(ECERT_ALG_SM2, canon.data, canon.len, h, &err), ECERT_OK);
	assert_int_equal(ecert_hex_encode(h, sizeof(h), &hex), ECERT_OK);
	snprintf(want, sizeof(want), "sm3:%s", (const char *)hex.data);
	assert_string_equal(ecert_json_str(pw, "rule"), "s2t-years");
	assert_int_equal(cJSON_GetArraySize(ecert_json_arr(pw, "basis")), 1);
	entry = cJSON_GetArrayItem(ecert_json_arr(pw, "basis"), 0);
	assert_string_equal(ecert_json_str(entry, "id"), BASIS_ID);
	assert_string_equal(ecert_json_str(entry, "digest"), want);
	assert_int_equal(cJSON_GetArraySize(pw), 2);
	/* refusals */
	verify_doc(basis, NULL, &r);
	assert_int_equal(ecert_pathway_member(NULL, &r, 1, &entry, &err), ECERT_ERR_ARG);
	assert_int_equal(ecert_pathway_member("s2t-years", &r, 0, &entry, &err), ECERT_ERR_ARG);
	r.kind = NULL; /* schema not passed: no digest */
	assert_int_equal(ecert_pathway_member("s2t-years", &r, 1, &entry, &err), ECERT_ERR_ARG);
	ecert_verify_result_free(&r);
	ecert_buf_free(&canon);
	ecert_buf_free(&hex);
	cJSON_Delete(pw);
	cJSON_Delete(basis);
}

/* The verifier's side: title with pathway, basis given. */
static int verify_pathway(const cJSON *t, const cJSON *const *basis, size_t n,
			  const char *holder_id, struct ecert_pathway_result *out)
{
	struct ecert_verify_result r[4];
	struct ecert_error err;
	int rc;

	assert_true(n <= 4);
	for (size_t i = 0; i < n; i++)
		verify_doc(basis[i], holder_id, &r[i]);
	ecert_error_clear(&err);
	rc = ecert_pathway_verify(rules, t, holder_id, r, n, out, &err);
	assert_int_equal(rc, out->code);
	for (size_t i = 0; i < n; i++)
		ecert_verify_result_free(&r[i]);
	return rc;
}

static void test_verify_holds(void **state)
{
	struct ecert_pathway_result out;
	cJSON *basis = jishi("2020-06-15");
	cJSON *t = title(HOLDER, HOLDER_ID, "机械工程", "中级", "工程师", "2023-07-01",
			 member_for("s2t-years", basis));
	const cJSON *b[1] = {basis};
	cJSON *j;

	(void)state;
	/* the salts differ: the two idDigests are not comparable with each other */
	assert_string_not_equal(
		ecert_json_str(ecert_json_obj(t, "credentialSubject"), "idDigest"),
		ecert_json_str(ecert_json_obj(basis, "credentialSubject"), "idDigest"));
	assert_int_equal(verify_pathway(t, b, 1, NULL, &out), ECERT_OK);
	assert_int_equal(out.identity, ECERT_PATHWAY_ID_NAME);
	assert_non_null(strstr(out.detail_en, "name and masked ID number only"));
	assert_int_equal(verify_pathway(t, b, 1, HOLDER_ID, &out), ECERT_OK);
	assert_int_equal(out.identity, ECERT_PATHWAY_ID_DIGEST);
	assert_null(strstr(out.detail_en, "masked ID number only"));
	/* another person's ID number given: the basis's holder check fails */
	assert_int_equal(verify_pathway(t, b, 1, NAMESAKE_ID, &out), ECERT_ERR_HOLDER);

	j = ecert_pathway_result_json(&out);
	assert_non_null(j);
	assert_true(cJSON_IsFalse(cJSON_GetObjectItem(j, "ok")));
	assert_string_equal(ecert_json_str(j, "rule"), "s2t-years");
	assert_string_equal(cJSON_GetArrayItem(ecert_json_arr(j, "basis"), 0)->valuestring, BASIS_ID);
	assert_non_null(ecert_json_str(j, "detail"));
	assert_non_null(ecert_json_str(j, "detailZh"));
	cJSON_Delete(j);
	cJSON_Delete(t);
	cJSON_Delete(basis);
}

/* The title names a rule that did not hold on its basis: awarded a day too early. */
static void test_verify_rule_failed(void **state)
{
	struct ecert_pathway_result out;
	cJSON *basis = jishi("2020-06-15");
	cJSON *t = title(HOLDER, HOLDER_ID, "机械工程", "中级", "工程师", "2023-06-14",
			 member_for("s2t-years", basis));
	const cJSON *b[1] = {basis};

	(void)state;
	assert_int_equal(verify_pathway(t, b, 1, HOLDER_ID, &out), ECERT_ERR_INVALID);
	assert_non_null(strstr(out.detail_en, "did not hold"));
	cJSON_Delete(t);
	cJSON_Delete(basis);
}

/* The basis given is not the one the title was issued on, or not given, or one too many. */
static void test_verify_digest_and_ids(void **state)
{
	struct ecert_pathway_result out;
	cJSON *basis = jishi("2020-06-15");
	cJSON *t = title(HOLDER, HOLDER_ID, "机械工程", "中级", "工程师", "2023-07-01",
			 member_for("s2t-years", basis));
	/* same number, same facts, signed again: a different document, a different digest */
	cJSON *again = jishi("2020-06-15");
	cJSON *extra = skill("urn:ecert:S000022000001192000009", HOLDER, HOLDER_ID, "6-18-01-01",
			     "车工", "二级", "技师", "2019-06-15", 9);
	const cJSON *b1[1] = {again}, *b2[2] = {basis, extra}, *b3[1] = {extra};
	struct ecert_error err;

	(void)state;
	assert_int_equal(verify_pathway(t, b1, 1, HOLDER_ID, &out), ECERT_ERR_INVALID);
	assert_non_null(strstr(out.detail_en, "digest"));
	assert_int_equal(verify_pathway(t, b2, 2, HOLDER_ID, &out), ECERT_ERR_INVALID);
	assert_non_null(strstr(out.detail_en, "not a basis the title names"));
	assert_int_equal(verify_pathway(t, b3, 1, HOLDER_ID, &out), ECERT_ERR_INVALID);
	assert_non_null(strstr(out.detail_en, "was not given"));
	assert_int_equal(ecert_pathway_verify(rules, t, NULL, NULL, 0, &out, &err), ECERT_ERR_ARG);
	cJSON_Delete(t);
	cJSON_Delete(again);
	cJSON_Delete(extra);
	cJSON_Delete(basis);
}

/* Without the ID number, a basis whose masked ID number differs is another person. */
static void test_verify_masked(void **state)
{
	struct ecert_pathway_result out;
	cJSON *basis = skill(BASIS_ID, HOLDER, OTHER_ID, "6-18-01-01", "车工", "二级", "技师",
			     "2020-06-15", 7);
	cJSON *t = title(HOLDER, HOLDER_ID, "机械工程", "中级", "工程师", "2023-07-01", NULL);
	const cJSON *b[1] = {basis};
	struct ecert_verify_result r;
	struct ecert_error err;
	cJSON *pw = NULL;

	(void)state;
	verify_doc(basis, NULL, &r);
	assert_int_equal(ecert_pathway_member("s2t-years", &r, 1, &pw, &err), ECERT_OK);
	ecert_verify_result_free(&r);
	cJSON_AddItemToObject(cJSON_GetObjectItem(t, "credentialSubject"), "pathway", pw);
	assert_int_equal(verify_pathway(t, b, 1, NULL, &out), ECERT_ERR_HOLDER);
	assert_non_null(strstr(out.detail_en, "masked ID number"));
	cJSON_Delete(t);
	cJSON_Delete(basis);
}

/* A certificate without a pathway; a skill certificate; describing without checking. */
static void test_no_pathway_and_describe(void **state)
{
	struct ecert_pathway_result out;
	cJSON *basis = jishi("2020-06-15");
	cJSON *plain = title(HOLDER, HOLDER_ID, "机械工程", "中级", "工程师", "2023-07-01", NULL);
	cJSON *t = title(HOLDER, HOLDER_ID, "机械工程", "中级", "工程师", "2023-07-01",
			 member_for("s2t-years", basis));
	const cJSON *b[1] = {basis};
	struct ecert_error err;
	cJSON *j;

	(void)state;
	assert_int_equal(verify_pathway(plain, b, 1, NULL, &out), ECERT_ERR_SCHEMA);
	assert_int_equal(verify_pathway(basis, b, 1, NULL, &out), ECERT_ERR_SCHEMA);
	assert_int_equal(ecert_pathway_describe(plain, &out, &err), ECERT_ERR_SCHEMA);
	assert_int_equal(ecert_pathway_describe(t, &out, &err), ECERT_OK);
	assert_false(out.checked);
	assert_string_equal(out.rule, "s2t-years");
	assert_int_equal(out.n_basis, 1);
	assert_non_null(strstr(out.detail_en, BASIS_ID));
	assert_non_null(strstr(out.detail_en, "not checked"));
	j = ecert_pathway_result_json(&out);
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(j, "ok")));
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(j, "identity")));
	cJSON_Delete(j);
	cJSON_Delete(t);
	cJSON_Delete(plain);
	cJSON_Delete(basis);
}

/* Missing title facts are an argument error, not a verdict. */
static void test_arguments(void **state)
{
	struct ecert_pathway_title t;
	struct ecert_pathway_result out;
	struct ecert_verify_result r;
	struct ecert_error err;
	cJSON *basis = jishi("2020-06-15");

	(void)state;
	verify_doc(basis, NULL, &r);
	memset(&t, 0, sizeof(t));
	t.name = HOLDER;
	assert_int_equal(ecert_pathway_judge(rules, &t, NULL, &r, 1, &out, &err), ECERT_ERR_ARG);
	t.series = "工程";
	t.specialty = "机械工程";
	t.level = "中级";
	t.qualified_on = "2023-02-30";
	assert_int_equal(ecert_pathway_judge(rules, &t, NULL, &r, 1, &out, &err),
			 ECERT_ERR_INVALID);
	t.qualified_on = "2023-07-01";
	assert_int_equal(ecert_pathway_judge(rules, &t, NULL, &r, 0, &out, &err), ECERT_ERR_ARG);
	assert_int_equal(ecert_pathway_judge(rules, &t, NULL, &r, ECERT_PATHWAY_BASIS_MAX + 1, &out,
					     &err),
			 ECERT_ERR_ARG);
	t.id_number = "220102198503121231"; /* bad check digit */
	assert_int_equal(ecert_pathway_judge(rules, &t, NULL, &r, 1, &out, &err),
			 ECERT_ERR_INVALID);
	t.id_number = NULL;
	t.id_masked = "220102********1230";
	assert_int_equal(ecert_pathway_judge(rules, &t, NULL, &r, 1, &out, &err), ECERT_OK);
	ecert_verify_result_free(&r);
	cJSON_Delete(basis);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_issuer_years_boundary),
		cmocka_unit_test(test_issuer_levels_and_dates),
		cmocka_unit_test(test_issuer_review_and_rules),
		cmocka_unit_test(test_issuer_holder),
		cmocka_unit_test(test_issuer_bad_basis),
		cmocka_unit_test(test_member),
		cmocka_unit_test(test_verify_holds),
		cmocka_unit_test(test_verify_rule_failed),
		cmocka_unit_test(test_verify_digest_and_ids),
		cmocka_unit_test(test_verify_masked),
		cmocka_unit_test(test_no_pathway_and_describe),
		cmocka_unit_test(test_arguments),
	};

	if (ecert_init() != ECERT_OK)
		return 1;
	return cmocka_run_group_tests(tests, setup, teardown);
}
