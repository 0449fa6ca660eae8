/* cmocka: the unsigned certificate from a validated record, the register's hashes, and
 * the issuer's one-certificate path (sign, schema, JCS, QR). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ecert/alloc.h"
#include "ecert/certbuild.h"
#include "ecert/datetime.h"
#include "ecert/idnum.h"
#include "ecert/jcs.h"
#include "ecert/json.h"
#include "ecert/proof.h"
#include "ecert/qrpayload.h"
#include "ecert/record.h"
#include "ecert/schema.h"
#include "ecert/sign.h"
#include "ecert/statuslist.h"

#define ISSUER_ID "urn:uscc:52220000MJ09277315"
#define ISSUER_NAME "吉林省汽车工业职业技能等级认定中心"
#define LIST_ID "urn:ecert:status:52220000MJ09277315:5uDnOyWOubA"
#define VM ISSUER_ID "#5uDnOyWOubA"
#define ID_SKILL "220102198503121230"
#define ID_TITLE "220104198001012512"
/* 2025-07-01T10:00:00+08:00 */
#define ISSUED_AT ((int64_t)1751335200)

static const char skill_rec[] =
    "{\"kind\":\"skill\",\"certificateNumber\":\"S000022000001193000001\",\"name\":\"王建国\","
    "\"idNumber\":\"" ID_SKILL "\",\"occupationCode\":\"6-18-01-01\",\"occupation\":\"车工\","
    "\"level\":\"三级\",\"levelName\":\"高级工\",\"certifiedOn\":\"2019-06-15\","
    "\"certificateKind\":\"职业技能等级证书\"}";

/* a skill record with every optional field */
static const char skill_full_rec[] =
    "{\"kind\":\"skill\",\"certificateNumber\":\"2022000100300456\",\"name\":\"赵磊\","
    "\"idNumber\":\"" ID_SKILL "\",\"gender\":\"男\",\"employer\":\"一汽解放汽车有限公司\","
    "\"licenseId\":\"22000022JL000456\",\"occupationCode\":\"6-18-01-01\","
    "\"occupation\":\"车工\",\"level\":\"三级\",\"levelName\":\"高级工\","
    "\"certifiedOn\":\"2016-05-30\",\"certificateKind\":\"职业资格证书\","
    "\"validFrom\":\"2016-06-01T09:00:00Z\",\"validUntil\":\"2026-05-31\"}";

static const char title_rec[] =
    "{\"kind\":\"title\",\"certificateNumber\":\"JL-T-2025-000342\",\"name\":\"孙立军\","
    "\"idNumber\":\"" ID_TITLE "\",\"gender\":\"男\",\"employer\":\"长春市第一汽车技工学校\","
    "\"licenseId\":\"JL-DZZZ-0001\",\"series\":\"工程\",\"specialty\":\"机械制造\","
    "\"level\":\"中级\",\"titleName\":\"工程师\",\"qualifiedOn\":\"2025-06-25\","
    "\"approvalDocument\":\"吉人社职字〔2025〕58号\",\"evaluationMethod\":\"评审\","
    "\"validFrom\":\"2025-06-30\",\"validUntil\":\"2030-06-29T23:59:59+08:00\","
    "\"pathway\":{\"rule\":\"s2t-years\",\"basis\":[{\"id\":"
    "\"urn:ecert:S000022000001202000017\",\"digest\":\"sm3:"
    "58a1f239f3ed3391c0c9ef019ff972d524378fea617818c99101307698a6ae6b\"}]}}";

static cJSON *parse(const char *text)
{
	cJSON *j = NULL;

	assert_int_equal(ecert_json_parse(text, strlen(text), NULL, &j, NULL), ECERT_OK);
	return j;
}

static void validate(const cJSON *rec, struct ecert_record_info *info)
{
	struct ecert_error err;

	ecert_error_clear(&err);
	if (ecert_record_validate(NULL, NULL, rec, ECERT_RECORD_ANY, info, &err) != ECERT_OK)
		fail_msg("record invalid: %s: %s", err.where, err.msg);
}

static void params_init(struct ecert_certbuild_params *p, uint64_t index, const char *digest)
{
	memset(p, 0, sizeof(*p));
	p->issuer_id = ISSUER_ID;
	p->issuer_name = ISSUER_NAME;
	p->status_list_id = LIST_ID;
	p->status_index = index;
	p->id_digest = digest;
	p->issued_at = ISSUED_AT;
}

static char *jcs_text(const cJSON *doc)
{
	struct ecert_buf b = ECERT_BUF_INIT;

	assert_int_equal(ecert_jcs_serialize(doc, &b, NULL), ECERT_OK);
	return ecert_buf_take(&b, NULL);
}

static const char *sub(const cJSON *doc, const char *key)
{
	return ecert_json_str(ecert_json_obj(doc, "credentialSubject"), key);
}

static void test_skill_document(void **state)
{
	struct ecert_certbuild_params p;
	struct ecert_record_info info;
	struct ecert_error err;
	cJSON *rec = parse(skill_rec), *doc = NULL;
	const cJSON *st, *type;
	char *text;

	(void)state;
	validate(rec, &info);
	params_init(&p, 41, NULL);
	assert_int_equal(ecert_certbuild_document(rec, &info, &p, &doc, &err), ECERT_OK);
	assert_string_equal(ecert_json_str(doc, "id"), "urn:ecert:S000022000001193000001");
	type = ecert_json_arr(doc, "type");
	assert_int_equal(cJSON_GetArraySize(type), 2);
	assert_string_equal(cJSON_GetArrayItem(type, 0)->valuestring, "VerifiableCredential");
	assert_string_equal(cJSON_GetArrayItem(type, 1)->valuestring, "SkillCertificate");
	assert_string_equal(cJSON_GetArrayItem(ecert_json_arr(doc, "@context"), 0)->valuestring,
	                    "https://www.w3.org/ns/credentials/v2");
	assert_string_equal(ecert_json_str(ecert_json_obj(doc, "issuer"), "id"), ISSUER_ID);
	assert_string_equal(ecert_json_str(ecert_json_obj(doc, "issuer"), "name"), ISSUER_NAME);
	/* no validFrom in the record: the issue time, China time */
	assert_string_equal(ecert_json_str(doc, "validFrom"), "2025-07-01T10:00:00+08:00");
	assert_null(cJSON_GetObjectItemCaseSensitive(doc, "validUntil"));
	assert_null(cJSON_GetObjectItemCaseSensitive(doc, "proof"));
	assert_string_equal(sub(doc, "name"), "王建国");
	assert_string_equal(sub(doc, "idNumberMasked"), "220102********1230");
	assert_int_equal(ecert_idnum_digest_match(sub(doc, "idDigest"), ID_SKILL, NULL), ECERT_OK);
	assert_string_equal(sub(doc, "occupationCode"), "6-18-01-01");
	assert_string_equal(sub(doc, "level"), "三级");
	assert_string_equal(sub(doc, "levelName"), "高级工");
	assert_string_equal(sub(doc, "certifiedOn"), "2019-06-15");
	assert_string_equal(sub(doc, "certificateKind"), "职业技能等级证书");
	assert_null(sub(doc, "idNumber"));
	assert_null(sub(doc, "kind"));
	assert_null(sub(doc, "certificateNumber"));
	st = ecert_json_obj(doc, "credentialStatus");
	assert_string_equal(ecert_json_str(st, "type"), "BitstringStatusListEntry");
	assert_string_equal(ecert_json_str(st, "statusPurpose"), "revocation");
	assert_string_equal(ecert_json_str(st, "statusListIndex"), "41");
	assert_string_equal(ecert_json_str(st, "statusListCredential"), LIST_ID);
	/* the full number appears nowhere */
	text = jcs_text(doc);
	assert_null(strstr(text, ID_SKILL));
	assert_null(strstr(text, "19850312"));
	ecert_free(text);
	cJSON_Delete(doc);
	cJSON_Delete(rec);
}

static void test_title_document(void **state)
{
	struct ecert_certbuild_params p;
	struct ecert_record_info info;
	char digest[ECERT_ID_DIGEST_SIZE];
	cJSON *rec = parse(title_rec), *doc = NULL;
	const cJSON *pathway;
	char *text;

	(void)state;
	validate(rec, &info);
	assert_int_equal(ecert_idnum_digest_random(ID_TITLE, digest, NULL), ECERT_OK);
	params_init(&p, 0, digest);
	assert_int_equal(ecert_certbuild_document(rec, &info, &p, &doc, NULL), ECERT_OK);
	assert_string_equal(cJSON_GetArrayItem(ecert_json_arr(doc, "type"), 1)->valuestring,
	                    "TitleCertificate");
	/* the record's dates, normalised to RFC 3339 in China time */
	assert_string_equal(ecert_json_str(doc, "validFrom"), "2025-06-30T00:00:00+08:00");
	assert_string_equal(ecert_json_str(doc, "validUntil"), "2030-06-29T23:59:59+08:00");
	assert_string_equal(ecert_json_str(doc, "licenseId"), "JL-DZZZ-0001");
	assert_string_equal(sub(doc, "idDigest"), digest);
	assert_string_equal(sub(doc, "idNumberMasked"), "220104********2512");
	assert_string_equal(sub(doc, "gender"), "男");
	assert_string_equal(sub(doc, "employer"), "长春市第一汽车技工学校");
	assert_string_equal(sub(doc, "series"), "工程");
	assert_string_equal(sub(doc, "specialty"), "机械制造");
	assert_string_equal(sub(doc, "titleName"), "工程师");
	assert_string_equal(sub(doc, "qualifiedOn"), "2025-06-25");
	assert_string_equal(sub(doc, "approvalDocument"), "吉人社职字〔2025〕58号");
	assert_string_equal(sub(doc, "evaluationMethod"), "评审");
	assert_null(sub(doc, "licenseId"));
	pathway = ecert_json_obj(ecert_json_obj(doc, "credentialSubject"), "pathway");
	assert_non_null(pathway);
	assert_string_equal(ecert_json_str(pathway, "rule"), "s2t-years");
	assert_int_equal(cJSON_GetArraySize(ecert_json_arr(pathway, "basis")), 1);
	assert_string_equal(
	    ecert_json_str(ecert_json_obj(doc, "credentialStatus"), "statusListIndex"), "0");
	text = jcs_text(doc);
	assert_null(strstr(text, ID_TITLE));
	ecert_free(text);
	cJSON_Delete(doc);
	cJSON_Delete(rec);
}

static void test_kind_from_scope(void **state)
{
	struct ecert_certbuild_params p;
	struct ecert_record_info info;
	struct ecert_error err;
	cJSON *rec = parse(skill_rec), *doc = NULL;

	(void)state;
	cJSON_DeleteItemFromObjectCaseSensitive(rec, "kind");
	ecert_error_clear(&err);
	assert_int_equal(ecert_record_validate(NULL, NULL, rec, ECERT_RECORD_SKILL, &info, &err),
	                 ECERT_OK);
	params_init(&p, 1, NULL);
	assert_int_equal(ecert_certbuild_document(rec, &info, &p, &doc, NULL), ECERT_OK);
	assert_string_equal(cJSON_GetArrayItem(ecert_json_arr(doc, "type"), 1)->valuestring,
	                    "SkillCertificate");
	cJSON_Delete(doc);
	cJSON_Delete(rec);
}

static void test_refusals(void **state)
{
	struct ecert_certbuild_params p;
	struct ecert_record_info info;
	struct ecert_error err;
	char other[ECERT_ID_DIGEST_SIZE];
	cJSON *rec = parse(skill_rec), *doc = NULL;

	(void)state;
	validate(rec, &info);

	/* a holder digest of another person */
	assert_int_equal(ecert_idnum_digest_random(ID_TITLE, other, NULL), ECERT_OK);
	params_init(&p, 1, other);
	ecert_error_clear(&err);
	assert_int_equal(ecert_certbuild_document(rec, &info, &p, &doc, &err), ECERT_ERR_HOLDER);
	assert_string_equal(err.where, "idDigest");
	assert_null(doc);

	/* validUntil not after the issue time */
	params_init(&p, 1, NULL);
	info.has_valid_until = 1;
	info.valid_until = ISSUED_AT;
	ecert_error_clear(&err);
	assert_int_equal(ecert_certbuild_document(rec, &info, &p, &doc, &err), ECERT_ERR_INVALID);
	assert_string_equal(err.where, "validUntil");
	info.has_valid_until = 0;

	/* parameters */
	params_init(&p, 1, NULL);
	p.issuer_name = NULL;
	assert_int_equal(ecert_certbuild_document(rec, &info, &p, &doc, NULL), ECERT_ERR_ARG);
	params_init(&p, ECERT_STATUSLIST_MAX_BITS, NULL);
	assert_int_equal(ecert_certbuild_document(rec, &info, &p, &doc, NULL), ECERT_ERR_ARG);
	params_init(&p, 1, NULL);
	info.kind = 0;
	assert_int_equal(ecert_certbuild_document(rec, &info, &p, &doc, NULL), ECERT_ERR_ARG);
	validate(rec, &info);

	/* a record that was not validated: a required field missing */
	cJSON_DeleteItemFromObjectCaseSensitive(rec, "occupation");
	ecert_error_clear(&err);
	assert_int_equal(ecert_certbuild_document(rec, &info, &p, &doc, &err), ECERT_ERR_SCHEMA);
	assert_string_equal(err.where, "occupation");
	assert_null(doc);
	cJSON_Delete(rec);
}

static void test_record_hash(void **state)
{
	char d1[ECERT_ID_DIGEST_SIZE], d2[ECERT_ID_DIGEST_SIZE];
	char h1[ECERT_CERTBUILD_HASH_SIZE], h2[ECERT_CERTBUILD_HASH_SIZE];
	cJSON *a = parse(skill_rec), *b;
	/* the same record as CSV would give it: other member order, no kind */
	static const char reordered[] =
	    "{\"certificateKind\":\"职业技能等级证书\",\"certifiedOn\":\"2019-06-15\","
	    "\"levelName\":\"高级工\",\"level\":\"三级\",\"occupation\":\"车工\","
	    "\"occupationCode\":\"6-18-01-01\",\"idNumber\":\"" ID_SKILL "\","
	    "\"name\":\"王建国\",\"certificateNumber\":\"S000022000001193000001\"}";

	(void)state;
	b = parse(reordered);
	assert_int_equal(ecert_idnum_digest_random(ID_SKILL, d1, NULL), ECERT_OK);
	assert_int_equal(ecert_idnum_digest_random(ID_SKILL, d2, NULL), ECERT_OK);
	assert_int_equal(ecert_certbuild_record_hash(a, ECERT_RECORD_SKILL, d1, h1, NULL),
	                 ECERT_OK);
	assert_int_equal(strlen(h1), 64);
	assert_int_equal(strspn(h1, "0123456789abcdef"), 64);
	assert_int_equal(ecert_certbuild_record_hash(b, ECERT_RECORD_SKILL, d1, h2, NULL),
	                 ECERT_OK);
	assert_string_equal(h1, h2);
	/* another salt (another holder digest) gives another hash */
	assert_int_equal(ecert_certbuild_record_hash(a, ECERT_RECORD_SKILL, d2, h2, NULL),
	                 ECERT_OK);
	assert_string_not_equal(h1, h2);
	/* a changed field gives another hash */
	cJSON_ReplaceItemInObjectCaseSensitive(b, "occupation", cJSON_CreateString("铣工"));
	assert_int_equal(ecert_certbuild_record_hash(b, ECERT_RECORD_SKILL, d1, h2, NULL),
	                 ECERT_OK);
	assert_string_not_equal(h1, h2);
	assert_int_equal(ecert_certbuild_record_hash(a, 0, d1, h2, NULL), ECERT_ERR_ARG);
	assert_int_equal(ecert_certbuild_record_hash(a, ECERT_RECORD_SKILL, NULL, h2, NULL),
	                 ECERT_ERR_ARG);
	/* known answer: SM3("abc") (GB/T 32905 A.1) */
	assert_int_equal(ecert_certbuild_hash_hex("abc", 3, h2, NULL), ECERT_OK);
	assert_string_equal(h2, "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0");
	cJSON_Delete(a);
	cJSON_Delete(b);
}

static void issue_with(enum ecert_alg alg, const char *rectext)
{
	struct ecert_certbuild_output out;
	struct ecert_certbuild_params p;
	struct ecert_record_info info;
	struct ecert_buf back = ECERT_BUF_INIT;
	struct ecert_error err;
	char h[ECERT_CERTBUILD_HASH_SIZE];
	EVP_PKEY *key = NULL;
	cJSON *rec = parse(rectext), *doc = NULL;
	const char *id = ecert_json_str(rec, "idNumber");

	memset(&out, 0, sizeof(out));
	validate(rec, &info);
	assert_int_equal(ecert_key_generate(alg, &key, NULL), ECERT_OK);
	params_init(&p, 7, NULL);
	ecert_error_clear(&err);
	if (ecert_certbuild_issue(rec, &info, &p, key, NULL, VM,
	                          ECERT_CERTBUILD_PNG | ECERT_CERTBUILD_SVG, NULL, &out,
	                          &err) != ECERT_OK)
		fail_msg("issue: %s: %s", err.where, err.msg);
	/* the file content is the JCS form; the doc hash is its SM3 */
	assert_int_equal(ecert_certbuild_hash_hex(out.json.data, out.json.len, h, NULL), ECERT_OK);
	assert_string_equal(h, out.doc_hash);
	assert_int_equal(
	    ecert_json_parse((const char *)out.json.data, out.json.len, NULL, &doc, NULL),
	    ECERT_OK);
	assert_int_equal(ecert_proof_verify(doc, key, NULL), ECERT_OK);
	assert_string_equal(ecert_json_str(ecert_json_obj(doc, "proof"), "created"),
	                    "2025-07-01T10:00:00+08:00");
	assert_string_equal(ecert_json_str(ecert_json_obj(doc, "proof"), "verificationMethod"), VM);
	assert_null(strstr((const char *)out.json.data, id));
	/* the signed document is what the certificate schema describes */
	ecert_error_clear(&err);
	if (ecert_schema_validate_named("certificate.schema.json", doc, &err) != ECERT_OK)
		fail_msg("certificate schema: %s: %s", err.where, err.msg);
	/* the QR text carries exactly the document */
	assert_memory_equal(out.qr.data, ECERT_QR_PREFIX, strlen(ECERT_QR_PREFIX));
	assert_int_equal(ecert_qr_decode((const char *)out.qr.data, out.qr.len, &back, NULL),
	                 ECERT_OK);
	assert_int_equal(back.len, out.json.len);
	assert_memory_equal(back.data, out.json.data, back.len);
	assert_true(out.png.len > 8);
	assert_memory_equal(out.png.data, "\x89PNG\r\n\x1a\n", 8);
	assert_non_null(strstr((const char *)out.svg.data, "<svg"));
	/* json only */
	assert_int_equal(ecert_certbuild_issue(rec, &info, &p, key, NULL, VM, 0, NULL, &out, NULL),
	                 ECERT_OK);
	assert_true(out.json.len > 0);
	assert_int_equal(out.qr.len, 0);
	assert_int_equal(out.png.len, 0);
	assert_int_equal(out.svg.len, 0);
	ecert_buf_free(&back);
	ecert_certbuild_output_free(&out);
	cJSON_Delete(doc);
	cJSON_Delete(rec);
	EVP_PKEY_free(key);
}

static void test_issue_sm2(void **state)
{
	(void)state;
	issue_with(ECERT_ALG_SM2, skill_rec);
}

static void test_issue_ed25519(void **state)
{
	(void)state;
	issue_with(ECERT_ALG_ED25519, title_rec);
}

static void test_issue_p256(void **state)
{
	(void)state;
	issue_with(ECERT_ALG_P256, skill_rec);
	issue_with(ECERT_ALG_P256, skill_full_rec);
}

/* A failed issue leaves the output empty: a check key that is not the signing key's public
 * half (the trust list names another key), a module size out of range, a bad record. */
static void test_issue_refused(void **state)
{
	struct ecert_certbuild_output out;
	struct ecert_certbuild_params p;
	struct ecert_record_info info;
	struct ecert_qrimage_opts qr = {0, ECERT_QR_MODULE_PX_MAX + 1};
	struct ecert_error err;
	EVP_PKEY *key = NULL, *other = NULL;
	cJSON *rec = parse(skill_rec);

	(void)state;
	memset(&out, 0, sizeof(out));
	validate(rec, &info);
	assert_int_equal(ecert_key_generate(ECERT_ALG_ED25519, &key, NULL), ECERT_OK);
	assert_int_equal(ecert_key_generate(ECERT_ALG_ED25519, &other, NULL), ECERT_OK);
	params_init(&p, 7, NULL);
	ecert_error_clear(&err);
	assert_int_equal(ecert_certbuild_issue(rec, &info, &p, key, other, VM, ECERT_CERTBUILD_PNG,
	                                       NULL, &out, &err),
	                 ECERT_ERR_SIGNATURE);
	assert_int_equal(out.json.len, 0);
	assert_null(out.json.data);
	assert_int_equal(ecert_certbuild_issue(rec, &info, &p, key, NULL, VM, ECERT_CERTBUILD_PNG,
	                                       &qr, &out, &err),
	                 ECERT_ERR_ARG);
	assert_null(out.json.data);
	assert_null(out.qr.data);
	cJSON_DeleteItemFromObjectCaseSensitive(rec, "name");
	assert_int_equal(ecert_certbuild_issue(rec, &info, &p, key, NULL, VM, 0, NULL, &out, &err),
	                 ECERT_ERR_SCHEMA);
	assert_null(out.json.data);
	ecert_certbuild_output_free(&out);
	cJSON_Delete(rec);
	EVP_PKEY_free(key);
	EVP_PKEY_free(other);
}

/* Every allocation failure is reported as such and leaks nothing (ASan checks the latter). */
static void test_alloc_failures(void **state)
{
	struct ecert_certbuild_params p;
	struct ecert_record_info info;
	char digest[ECERT_ID_DIGEST_SIZE], h[ECERT_CERTBUILD_HASH_SIZE];
	cJSON *rec = parse(title_rec), *doc;
	int rc;

	(void)state;
	validate(rec, &info);
	assert_int_equal(ecert_idnum_digest_random(ID_TITLE, digest, NULL), ECERT_OK);
	params_init(&p, 3, digest);
	for (long n = 0;; n++) {
		doc = NULL;
		ecert_alloc_fail_after(n);
		rc = ecert_certbuild_document(rec, &info, &p, &doc, NULL);
		ecert_alloc_fail_after(-1);
		if (rc == ECERT_OK) {
			cJSON_Delete(doc);
			break;
		}
		assert_int_equal(rc, ECERT_ERR_NOMEM);
		assert_null(doc);
		assert_true(n < 10000);
	}
	for (long n = 0;; n++) {
		ecert_alloc_fail_after(n);
		rc = ecert_certbuild_record_hash(rec, ECERT_RECORD_TITLE, digest, h, NULL);
		ecert_alloc_fail_after(-1);
		if (rc == ECERT_OK)
			break;
		assert_int_equal(rc, ECERT_ERR_NOMEM);
		assert_true(n < 10000);
	}
	cJSON_Delete(rec);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_skill_document),  cmocka_unit_test(test_title_document),
	    cmocka_unit_test(test_kind_from_scope), cmocka_unit_test(test_refusals),
	    cmocka_unit_test(test_record_hash),     cmocka_unit_test(test_issue_sm2),
	    cmocka_unit_test(test_issue_ed25519),   cmocka_unit_test(test_issue_p256),
	    cmocka_unit_test(test_issue_refused),   cmocka_unit_test(test_alloc_failures),
	};

	/* the record's dates are checked against "today": fix it */
	setenv("ECERT_NOW", "2025-07-01T10:00:00+08:00", 1);
	if (ecert_init() != ECERT_OK)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
