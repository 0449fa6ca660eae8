/* cmocka: the verification pipeline (verify.h) end to end inside the library — real keys,
 * a real root-signed trust list, real signed certificates and status lists — and every
 * rejection of the verification issue with the check it must name. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <cmocka.h>

#include "ecert/alloc.h"
#include "ecert/datetime.h"
#include "ecert/encoding.h"
#include "ecert/idnum.h"
#include "ecert/jcs.h"
#include "ecert/json.h"
#include "ecert/key.h"
#include "ecert/qrimage.h"
#include "ecert/qrpayload.h"
#include "ecert/sign.h"
#include "ecert/statuslist.h"
#include "ecert/trustedit.h"
#include "ecert/trustlist.h"
#include "ecert/verify.h"

#define USCC "11220000013544525W"
#define ISSUER "urn:uscc:" USCC
#define HOLDER_ID "11010519491231002X"
#define T_2024 1704038400 /* 2024-01-01T00:00:00+08:00 */
#define T_NOW 1735660800  /* 2025-01-01T00:00:00+08:00: the verifier's clock */
#define T_RETIRE 1717171200 /* 2024-06-01T00:00:00+08:00 */

enum { K_SM2, K_ED, K_P256, K_RETIRED, K_COMPROMISED, K_OTHER, K_N };

static EVP_PKEY *root, *keys[K_N];
static char kids[K_N][ECERT_KID_LEN + 1];
static struct ecert_trustlist *tl;
static struct ecert_verifier *ver;
static struct ecert_buf trust_text = ECERT_BUF_INIT;

static const char *title_tmpl =
	"{\"@context\":[\"https://www.w3.org/ns/credentials/v2\"],"
	"\"id\":\"urn:ecert:JL-T-2024-000001\","
	"\"type\":[\"VerifiableCredential\",\"TitleCertificate\"],"
	"\"issuer\":{\"id\":\"" ISSUER "\",\"name\":\"吉林省人力资源和社会保障厅\"},"
	"\"validFrom\":\"2024-03-01T00:00:00+08:00\","
	"\"credentialSubject\":{\"name\":\"李明\",\"idNumberMasked\":\"110105********002X\","
	"\"idDigest\":\"\",\"series\":\"工程\",\"specialty\":\"机械工程\",\"level\":\"中级\","
	"\"titleName\":\"工程师\",\"qualifiedOn\":\"2024-01-15\","
	"\"approvalDocument\":\"吉人社职字〔2024〕12号\",\"evaluationMethod\":\"评审\"},"
	"\"credentialStatus\":{\"type\":\"BitstringStatusListEntry\",\"statusPurpose\":\"revocation\","
	"\"statusListIndex\":\"5\",\"statusListCredential\":\"\"}}";

static const char *skill_tmpl =
	"{\"@context\":[\"https://www.w3.org/ns/credentials/v2\"],"
	"\"id\":\"urn:ecert:S000022000001193000001\","
	"\"type\":[\"VerifiableCredential\",\"SkillCertificate\"],"
	"\"issuer\":{\"id\":\"" ISSUER "\",\"name\":\"吉林省人力资源和社会保障厅\"},"
	"\"validFrom\":\"2024-03-01T00:00:00+08:00\","
	"\"credentialSubject\":{\"name\":\"李明\",\"idNumberMasked\":\"110105********002X\","
	"\"idDigest\":\"\",\"occupationCode\":\"6-18-01-01\",\"occupation\":\"车工\","
	"\"level\":\"三级\",\"levelName\":\"高级工\",\"certifiedOn\":\"2019-06-15\","
	"\"certificateKind\":\"职业技能等级证书\"},"
	"\"credentialStatus\":{\"type\":\"BitstringStatusListEntry\",\"statusPurpose\":\"revocation\","
	"\"statusListIndex\":\"5\",\"statusListCredential\":\"\"}}";

static char *list_id_of(int k)
{
	static char id[K_N][ECERT_STATUSLIST_ID_MAX + 1];

	assert_int_equal(ecert_statuslist_make_id(ISSUER, kids[k], id[k], NULL), ECERT_OK);
	return id[k];
}

/* A signed certificate from a template: signed by `signer`, naming key `named` in its
 * verificationMethod (a forgery when they differ). */
static cJSON *make_cert(const char *tmpl, int signer, int named, const char *created)
{
	static const uint8_t salt[ECERT_IDNUM_SALT_LEN] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
	char digest[ECERT_ID_DIGEST_SIZE], vm[128];
	struct ecert_error err;
	cJSON *doc = NULL, *subj, *st;

	assert_int_equal(ecert_json_parse(tmpl, strlen(tmpl), NULL, &doc, &err), ECERT_OK);
	assert_int_equal(ecert_idnum_digest(HOLDER_ID, salt, digest, &err), ECERT_OK);
	subj = cJSON_GetObjectItem(doc, "credentialSubject");
	cJSON_ReplaceItemInObject(subj, "idDigest", cJSON_CreateString(digest));
	st = cJSON_GetObjectItem(doc, "credentialStatus");
	cJSON_ReplaceItemInObject(st, "statusListCredential", cJSON_CreateString(list_id_of(named)));
	snprintf(vm, sizeof(vm), "%s#%s", ISSUER, kids[named]);
	if (signer == named) {
		assert_int_equal(ecert_proof_sign(doc, keys[signer], vm, created, &err), ECERT_OK);
	} else {
		/* sign honestly with the other key, then claim the named key */
		char vm_signer[128];
		cJSON *proof;

		snprintf(vm_signer, sizeof(vm_signer), "%s#%s", ISSUER, kids[signer]);
		assert_int_equal(ecert_proof_sign(doc, keys[signer], vm_signer, created, &err), ECERT_OK);
		proof = cJSON_GetObjectItem(doc, "proof");
		cJSON_ReplaceItemInObject(proof, "verificationMethod", cJSON_CreateString(vm));
	}
	return doc;
}

static char *jcs_of(const cJSON *doc, size_t *len)
{
	struct ecert_buf b = ECERT_BUF_INIT;

	assert_int_equal(ecert_jcs_serialize(doc, &b, NULL), ECERT_OK);
	return ecert_buf_take(&b, len);
}

static int run(const void *data, size_t len, enum ecert_input in, const char *holder,
	       int require_status, struct ecert_verify_result *res)
{
	struct ecert_verify_opts o = {T_NOW, holder, require_status};

	return ecert_verify(ver, &o, in, data, len, res);
}

/* The first failed check of a result, or -1. */
static int first_failed(const struct ecert_verify_result *res)
{
	for (int i = 0; i < ECERT_CHECK__COUNT; i++)
		if (res->checks[i].state == ECERT_CHECK_FAILED)
			return i;
	return -1;
}

static void expect_fail_doc(const cJSON *doc, int check)
{
	struct ecert_verify_result res;
	size_t len;
	char *text = jcs_of(doc, &len);

	run(text, len, ECERT_INPUT_JSON, NULL, 0, &res);
	if (res.valid || first_failed(&res) != check)
		fail_msg("expected check %s to fail, got valid=%d first failed=%d (%s)",
			 ecert_check_name(check), res.valid, first_failed(&res),
			 first_failed(&res) >= 0 ? res.checks[first_failed(&res)].detail : "");
	ecert_verify_result_free(&res);
	ecert_free(text);
}

static void expect_fail_text(const char *text, size_t len, enum ecert_input in, int check)
{
	struct ecert_verify_result res;

	run(text, len, in, NULL, 0, &res);
	if (res.valid || first_failed(&res) != check)
		fail_msg("expected check %s to fail, got valid=%d first failed=%d",
			 ecert_check_name(check), res.valid, first_failed(&res));
	ecert_verify_result_free(&res);
}

static int setup(void **state)
{
	static const char *title[] = {"title"}, *skill[] = {"skill"}, *both[] = {"title", "skill"};
	static const char *eng[] = {"工程"}, *occ[] = {"6-18"};
	const enum ecert_alg algs[K_N] = {ECERT_ALG_SM2, ECERT_ALG_ED25519, ECERT_ALG_P256,
					  ECERT_ALG_SM2, ECERT_ALG_SM2, ECERT_ALG_SM2};
	struct ecert_trustedit *ed = NULL;
	struct ecert_error err;
	int i;

	(void)state;
	assert_int_equal(ecert_key_generate(ECERT_ALG_SM2, &root, &err), ECERT_OK);
	for (i = 0; i < K_N; i++) {
		assert_int_equal(ecert_key_generate(algs[i], &keys[i], &err), ECERT_OK);
		assert_int_equal(ecert_key_kid(keys[i], kids[i], &err), ECERT_OK);
	}
	assert_int_equal(ecert_trustedit_new(root, "test", &ed, &err), ECERT_OK);
	for (i = 0; i < K_OTHER; i++) {
		struct ecert_trust_entry_spec s = {0};

		s.key = keys[i];
		s.issuer_id = ISSUER;
		s.issuer_name = "吉林省人力资源和社会保障厅";
		s.valid_from = T_2024 - 86400 * 365;
		if (i == K_SM2) {
			s.kinds = title, s.n_kinds = 1, s.series = eng, s.n_series = 1;
		} else if (i == K_ED) {
			s.kinds = skill, s.n_kinds = 1, s.occupations = occ, s.n_occupations = 1;
		} else {
			s.kinds = both, s.n_kinds = 2;
		}
		assert_int_equal(ecert_trustedit_add(ed, &s, &err), ECERT_OK);
	}
	assert_int_equal(ecert_trustedit_retire(ed, kids[K_RETIRED], T_RETIRE, &err), ECERT_OK);
	assert_int_equal(ecert_trustedit_compromised(ed, kids[K_COMPROMISED], T_RETIRE, NULL, &err), ECERT_OK);
	assert_int_equal(ecert_trustedit_commit(ed, T_2024, &err), ECERT_OK);
	assert_int_equal(ecert_trustedit_serialize(ed, &trust_text, &err), ECERT_OK);
	ecert_trustedit_free(ed);
	if (ecert_trustlist_load_mem((const char *)trust_text.data, trust_text.len, root, &tl, &err) != ECERT_OK)
		fail_msg("trust list: %s: %s", err.where, err.msg);
	assert_int_equal(ecert_verifier_new(tl, &ver, &err), ECERT_OK);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	ecert_verifier_free(ver);
	ecert_trustlist_free(tl);
	for (int i = 0; i < K_N; i++)
		EVP_PKEY_free(keys[i]);
	EVP_PKEY_free(root);
	ecert_buf_free(&trust_text);
	return 0;
}

static void assert_valid(const void *data, size_t len, enum ecert_input in)
{
	struct ecert_verify_result res;

	run(data, len, in, HOLDER_ID, 0, &res);
	if (!res.valid) {
		int f = first_failed(&res);

		fail_msg("not valid: %s: %s", f >= 0 ? ecert_check_name(f) : "?",
			 f >= 0 ? res.checks[f].detail : "");
	}
	for (int i = 0; i < ECERT_CHECK__COUNT; i++) {
		if (i == ECERT_CHECK_STATUS)
			assert_int_equal(res.checks[i].state, ECERT_CHECK_NOT_RUN);
		else
			assert_int_equal(res.checks[i].state, ECERT_CHECK_PASSED);
	}
	{
		char digest[ECERT_VERIFY_DIGEST_SIZE];
		struct ecert_error err;

		assert_int_equal(ecert_verify_digest(&res, digest, &err), ECERT_OK);
		assert_int_equal(strncmp(digest, "sm3:", 4), 0);
		assert_int_equal(strlen(digest), 4 + 64);
	}
	ecert_verify_result_free(&res);
}

/* Valid certificates of all three suites, from JSON, QR text and a QR image. */
static void test_valid_all_suites_all_inputs(void **state)
{
	const struct {
		const char *tmpl;
		int key;
	} cases[] = {{title_tmpl, K_SM2}, {skill_tmpl, K_ED}, {title_tmpl, K_P256}, {skill_tmpl, K_P256}};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cJSON *doc = make_cert(cases[i].tmpl, cases[i].key, cases[i].key, "2024-03-01T10:00:00+08:00");
		struct ecert_buf qr = ECERT_BUF_INIT, png = ECERT_BUF_INIT;
		struct ecert_qrimage_opts qo = {0, 0};
		char *pretty = cJSON_Print(doc);
		size_t len;
		char *text = jcs_of(doc, &len);

		assert_valid(text, len, ECERT_INPUT_JSON);
		assert_valid(pretty, strlen(pretty), ECERT_INPUT_AUTO);
		assert_int_equal(ecert_qr_encode(doc, &qr, NULL), ECERT_OK);
		assert_valid(qr.data, qr.len, ECERT_INPUT_QR_TEXT);
		assert_valid(qr.data, qr.len, ECERT_INPUT_AUTO);
		assert_int_equal(ecert_qrimage_png((const char *)qr.data, qr.len, &qo, &png, NULL), ECERT_OK);
		assert_valid(png.data, png.len, ECERT_INPUT_IMAGE);
		ecert_buf_free(&qr);
		ecert_buf_free(&png);
		ecert_free(text);
		cJSON_free(pretty);
		cJSON_Delete(doc);
	}
}

/* One changed byte anywhere in the canonical certificate: never valid. */
static void test_every_byte_flip_rejected(void **state)
{
	cJSON *doc = make_cert(title_tmpl, K_SM2, K_SM2, "2024-03-01T10:00:00+08:00");
	size_t len, i;
	char *text = jcs_of(doc, &len);

	(void)state;
	for (i = 0; i < len; i++) {
		struct ecert_verify_result res;
		char saved = text[i];

		text[i] = (char)(text[i] ^ 0x01);
		run(text, len, ECERT_INPUT_JSON, NULL, 0, &res);
		if (res.valid)
			fail_msg("flip of byte %zu ('%c') still valid", i, saved);
		ecert_verify_result_free(&res);
		text[i] = saved;
	}
	ecert_free(text);
	cJSON_Delete(doc);
}

/* A certificate's JCS text is verified over its own bytes (ecert_json_parse_canon calls
 * it canonical: the flips above went through that path); the same certificate with two
 * members swapped, or spaced out, is not canonical and is verified over the JCS form
 * made from the tree: valid all the same. */
static void test_canonical_text_and_others(void **state)
{
	cJSON *doc = make_cert(skill_tmpl, K_ED, K_ED, "2024-03-01T10:00:00+08:00"), *moved;
	struct ecert_json_canon c;
	struct ecert_error e;
	size_t len;
	char *text = jcs_of(doc, &len), *swapped, *spaced;
	cJSON *t = NULL;

	(void)state;
	assert_int_equal(ecert_json_parse_canon(text, len, NULL, "proof", &t, &c, &e), ECERT_OK);
	assert_true(c.canonical);
	assert_true(c.cut_from < c.cut_to);
	cJSON_Delete(t);
	assert_valid(text, len, ECERT_INPUT_JSON);
	/* the first member ("@context") moved to the end: no longer in JCS order */
	moved = cJSON_DetachItemViaPointer(doc, doc->child);
	assert_non_null(moved);
	cJSON_AddItemToObject(doc, "@context", moved);
	swapped = cJSON_PrintUnformatted(doc);
	assert_non_null(swapped);
	assert_int_equal(ecert_json_parse_canon(swapped, strlen(swapped), NULL, "proof", &t, &c, &e),
			 ECERT_OK);
	assert_false(c.canonical);
	cJSON_Delete(t);
	assert_valid(swapped, strlen(swapped), ECERT_INPUT_JSON);
	spaced = cJSON_Print(doc);
	assert_valid(spaced, strlen(spaced), ECERT_INPUT_JSON);
	cJSON_free(spaced);
	cJSON_free(swapped);
	ecert_free(text);
	cJSON_Delete(doc);
}

static void test_forgeries_and_trust(void **state)
{
	cJSON *doc, *proof;

	(void)state;
	/* signature from another key, naming a listed key */
	doc = make_cert(title_tmpl, K_OTHER, K_SM2, "2024-03-01T10:00:00+08:00");
	expect_fail_doc(doc, ECERT_CHECK_SIGNATURE);
	cJSON_Delete(doc);
	/* a key the list does not have */
	doc = make_cert(title_tmpl, K_OTHER, K_OTHER, "2024-03-01T10:00:00+08:00");
	expect_fail_doc(doc, ECERT_CHECK_TRUST);
	cJSON_Delete(doc);
	/* wrong cryptosuite for the key: claims eddsa for an SM2 key */
	doc = make_cert(title_tmpl, K_SM2, K_SM2, "2024-03-01T10:00:00+08:00");
	proof = cJSON_GetObjectItem(doc, "proof");
	cJSON_ReplaceItemInObject(proof, "cryptosuite", cJSON_CreateString("eddsa-jcs-2022"));
	expect_fail_doc(doc, ECERT_CHECK_TRUST);
	cJSON_Delete(doc);
	/* another issuer's id with this issuer's key */
	doc = make_cert(title_tmpl, K_P256, K_P256, "2024-03-01T10:00:00+08:00");
	cJSON_ReplaceItemInObject(cJSON_GetObjectItem(doc, "issuer"), "id",
				  cJSON_CreateString("urn:uscc:91220101MA17WYXG2D"));
	expect_fail_doc(doc, ECERT_CHECK_SIGNATURE); /* the issuer is signed content */
	cJSON_Delete(doc);
}

static void test_trust_list_edited_after_signing(void **state)
{
	struct ecert_trustlist *bad = NULL;
	struct ecert_error err;
	char *copy = ecert_strndup((const char *)trust_text.data, trust_text.len);
	char *p = strstr(copy, "\"工程\"");

	(void)state;
	assert_non_null(p);
	memcpy(p + 1, "农业", strlen("农业")); /* widen the SM2 key's scope */
	assert_int_equal(ecert_trustlist_load_mem(copy, strlen(copy), root, &bad, &err), ECERT_ERR_TRUST);
	/* and a list checked against another root */
	assert_int_equal(ecert_trustlist_load_mem((const char *)trust_text.data, trust_text.len,
						  keys[K_OTHER], &bad, &err), ECERT_ERR_TRUST);
	ecert_free(copy);
}

static void test_scope(void **state)
{
	cJSON *doc;

	(void)state;
	/* wrong kind: the Ed25519 key signs skill certificates only */
	doc = make_cert(title_tmpl, K_ED, K_ED, "2024-03-01T10:00:00+08:00");
	expect_fail_doc(doc, ECERT_CHECK_SCOPE);
	cJSON_Delete(doc);
	/* wrong series: the SM2 key signs 工程 only */
	doc = make_cert(title_tmpl, K_SM2, K_SM2, "2024-03-01T10:00:00+08:00");
	cJSON_Delete(doc);
	{
		char *t = ecert_strdup(title_tmpl);
		char *p = strstr(t, "\"工程\"");

		memcpy(p + 1, "农业", strlen("农业"));
		p = strstr(t, "工程师");
		memcpy(p, "农艺师", strlen("农艺师"));
		p = strstr(t, "机械工程");
		memcpy(p, "农学农学", strlen("农学农学"));
		doc = make_cert(t, K_SM2, K_SM2, "2024-03-01T10:00:00+08:00");
		expect_fail_doc(doc, ECERT_CHECK_SCOPE);
		cJSON_Delete(doc);
		ecert_free(t);
	}
	/* wrong occupation: the Ed25519 key signs 6-18 only */
	{
		char *t = ecert_strdup(skill_tmpl);
		char *p = strstr(t, "6-18-01-01");

		memcpy(p, "4-12-01-01", 10);
		doc = make_cert(t, K_ED, K_ED, "2024-03-01T10:00:00+08:00");
		expect_fail_doc(doc, ECERT_CHECK_SCOPE);
		cJSON_Delete(doc);
		ecert_free(t);
	}
	/* retired before signing; compromised before signing */
	doc = make_cert(title_tmpl, K_RETIRED, K_RETIRED, "2024-07-01T10:00:00+08:00");
	expect_fail_doc(doc, ECERT_CHECK_SCOPE);
	cJSON_Delete(doc);
	doc = make_cert(title_tmpl, K_COMPROMISED, K_COMPROMISED, "2024-07-01T10:00:00+08:00");
	expect_fail_doc(doc, ECERT_CHECK_SCOPE);
	cJSON_Delete(doc);
	/* signed by the retired key before it was retired: still valid */
	doc = make_cert(title_tmpl, K_RETIRED, K_RETIRED, "2024-03-01T10:00:00+08:00");
	{
		size_t len;
		char *text = jcs_of(doc, &len);

		assert_valid(text, len, ECERT_INPUT_JSON);
		ecert_free(text);
	}
	cJSON_Delete(doc);
	/* created in the future beyond the skew */
	doc = make_cert(title_tmpl, K_SM2, K_SM2, "2025-01-01T01:00:00+08:00");
	expect_fail_doc(doc, ECERT_CHECK_SCOPE);
	cJSON_Delete(doc);
}

static void test_validity(void **state)
{
	cJSON *doc;
	char *t = ecert_strdup(title_tmpl);
	char *p = strstr(t, "\"validFrom\":\"2024-03-01");

	(void)state;
	/* not yet valid */
	memcpy(p + 13, "2025-03-01", 10);
	doc = make_cert(t, K_SM2, K_SM2, "2024-03-01T10:00:00+08:00");
	expect_fail_doc(doc, ECERT_CHECK_VALIDITY);
	cJSON_Delete(doc);
	ecert_free(t);
	/* expired */
	doc = make_cert(title_tmpl, K_SM2, K_SM2, NULL);
	cJSON_Delete(doc);
	{
		cJSON *d;
		struct ecert_error err;
		char vm[128];

		assert_int_equal(ecert_json_parse(title_tmpl, strlen(title_tmpl), NULL, &d, &err), ECERT_OK);
		cJSON_AddStringToObject(d, "validUntil", "2024-12-31T00:00:00+08:00");
		snprintf(vm, sizeof(vm), "%s#%s", ISSUER, kids[K_SM2]);
		cJSON_ReplaceItemInObject(cJSON_GetObjectItem(d, "credentialSubject"), "idDigest",
					  cJSON_CreateString("sm3:AQIDBAUGBwgJCgsMDQ4PEA:0000000000000000000000000000000000000000000000000000000000000000"));
		cJSON_ReplaceItemInObject(cJSON_GetObjectItem(d, "credentialStatus"),
					  "statusListCredential", cJSON_CreateString(list_id_of(K_SM2)));
		assert_int_equal(ecert_proof_sign(d, keys[K_SM2], vm, "2024-03-01T10:00:00+08:00", &err), ECERT_OK);
		expect_fail_doc(d, ECERT_CHECK_VALIDITY);
		cJSON_Delete(d);
	}
}

/* A signed status list for key k with `revoked_index` set, signed by `signer`. */
static char *status_list(int k, int signer, int revoked_index, size_t *len)
{
	struct ecert_statuslist *sl;
	struct ecert_error err;
	cJSON *doc;
	char vm[128], *text;

	assert_int_equal(ecert_statuslist_new(ECERT_STATUSLIST_MIN_BITS, &sl, &err), ECERT_OK);
	assert_int_equal(ecert_statuslist_set(sl, (uint64_t)revoked_index, 1, &err), ECERT_OK);
	assert_int_equal(ecert_statuslist_build(sl, list_id_of(k), ISSUER, "吉林省人力资源和社会保障厅",
						"2024-06-01T00:00:00+08:00", NULL, &doc, &err), ECERT_OK);
	snprintf(vm, sizeof(vm), "%s#%s", ISSUER, kids[signer]);
	assert_int_equal(ecert_proof_sign(doc, keys[signer], vm, "2024-06-01T00:00:00+08:00", &err), ECERT_OK);
	text = jcs_of(doc, len);
	cJSON_Delete(doc);
	ecert_statuslist_free(sl);
	return text;
}

static void test_status(void **state)
{
	struct ecert_verifier *v2 = NULL;
	struct ecert_verify_result res;
	struct ecert_verify_opts o = {T_NOW, NULL, 0};
	struct ecert_error err;
	cJSON *doc = make_cert(title_tmpl, K_P256, K_P256, "2024-03-01T10:00:00+08:00");
	size_t len, slen;
	char *text = jcs_of(doc, &len), *sl;

	(void)state;
	/* no list: valid, status not run; --require-status: status fails */
	run(text, len, ECERT_INPUT_JSON, NULL, 1, &res);
	assert_false(res.valid);
	assert_int_equal(first_failed(&res), ECERT_CHECK_STATUS);
	ecert_verify_result_free(&res);

	assert_int_equal(ecert_verifier_new(tl, &v2, &err), ECERT_OK);
	/* a list signed by someone else (a key the list does not have) is refused */
	sl = status_list(K_P256, K_OTHER, 5, &slen);
	assert_int_equal(ecert_verifier_add_status(v2, sl, slen, "other.json", &err), ECERT_ERR_TRUST);
	ecert_free(sl);
	/* the issuer's own list with our index 5 revoked */
	sl = status_list(K_P256, K_P256, 5, &slen);
	assert_int_equal(ecert_verifier_add_status(v2, sl, slen, "status.json", &err), ECERT_OK);
	ecert_free(sl);
	ecert_verify(v2, &o, ECERT_INPUT_JSON, text, len, &res);
	assert_false(res.valid);
	assert_int_equal(first_failed(&res), ECERT_CHECK_STATUS);
	assert_int_equal(res.checks[ECERT_CHECK_STATUS].code, ECERT_ERR_REVOKED);
	assert_int_equal(res.status, ECERT_STATUS_REVOKED);
	ecert_verify_result_free(&res);
	ecert_verifier_free(v2);

	/* a list where another index is revoked: good */
	assert_int_equal(ecert_verifier_new(tl, &v2, &err), ECERT_OK);
	sl = status_list(K_P256, K_P256, 6, &slen);
	assert_int_equal(ecert_verifier_add_status(v2, sl, slen, "status.json", &err), ECERT_OK);
	ecert_free(sl);
	o.require_status = 1;
	ecert_verify(v2, &o, ECERT_INPUT_JSON, text, len, &res);
	assert_true(res.valid);
	assert_int_equal(res.status, ECERT_STATUS_GOOD);
	ecert_verify_result_free(&res);
	ecert_verifier_free(v2);
	ecert_free(text);
	cJSON_Delete(doc);
}

static void test_holder(void **state)
{
	struct ecert_verify_result res;
	cJSON *doc = make_cert(skill_tmpl, K_ED, K_ED, "2024-03-01T10:00:00+08:00");
	size_t len;
	char *text = jcs_of(doc, &len);

	(void)state;
	run(text, len, ECERT_INPUT_JSON, "220102198503121230", 0, &res);
	assert_false(res.valid);
	assert_int_equal(first_failed(&res), ECERT_CHECK_HOLDER);
	ecert_verify_result_free(&res);
	run(text, len, ECERT_INPUT_JSON, HOLDER_ID, 0, &res);
	assert_true(res.valid);
	ecert_verify_result_free(&res);
	ecert_free(text);
	cJSON_Delete(doc);
}

static void test_bad_qr_and_json(void **state)
{
	cJSON *doc = make_cert(title_tmpl, K_SM2, K_SM2, "2024-03-01T10:00:00+08:00");
	struct ecert_buf qr = ECERT_BUF_INIT, b45 = ECERT_BUF_INIT, png = ECERT_BUF_INIT;
	struct ecert_qrimage_opts qo = {0, 0};
	unsigned char *zeros, *z;
	uLongf zlen;
	char *s;

	(void)state;
	assert_int_equal(ecert_qr_encode(doc, &qr, NULL), ECERT_OK);
	/* truncated, padded, garbage */
	expect_fail_text((const char *)qr.data, qr.len - 3, ECERT_INPUT_QR_TEXT, ECERT_CHECK_DECODE);
	s = ecert_malloc(qr.len + 8);
	memcpy(s, qr.data, qr.len);
	memcpy(s + qr.len, "ABCD", 5);
	expect_fail_text(s, qr.len + 4, ECERT_INPUT_QR_TEXT, ECERT_CHECK_DECODE);
	ecert_free(s);
	expect_fail_text("EC1:not base45 at all!", 22, ECERT_INPUT_QR_TEXT, ECERT_CHECK_DECODE);
	expect_fail_text("HC1:6BFOXN*TS0BI$ZD", 19, ECERT_INPUT_AUTO, ECERT_CHECK_DECODE);
	/* an image with no code */
	/* an image that is no image (test_qrimage covers real images without a code) */
	expect_fail_text("\x89PNG\r\n\x1a\nnot really", 18, ECERT_INPUT_IMAGE, ECERT_CHECK_DECODE);
	/* a QR image of something else than a certificate */
	assert_int_equal(ecert_qrimage_png("HELLO", 5, &qo, &png, NULL), ECERT_OK);
	expect_fail_text((const char *)png.data, png.len, ECERT_INPUT_IMAGE, ECERT_CHECK_DECODE);
	ecert_buf_free(&png);
	/* a zip bomb: 1 MiB of spaces deflated with the dictionary */
	zeros = ecert_calloc(1, 1u << 20);
	memset(zeros, ' ', 1u << 20);
	zlen = compressBound(1u << 20);
	z = ecert_malloc(zlen);
	{
		z_stream zs;
		size_t dlen;
		const unsigned char *dict = ecert_qr_dictionary(&dlen);

		memset(&zs, 0, sizeof(zs));
		assert_int_equal(deflateInit(&zs, 9), Z_OK);
		assert_int_equal(deflateSetDictionary(&zs, dict, (uInt)dlen), Z_OK);
		zs.next_in = zeros;
		zs.avail_in = 1u << 20;
		zs.next_out = z;
		zs.avail_out = (uInt)zlen;
		assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
		zlen = zs.total_out;
		deflateEnd(&zs);
	}
	ecert_buf_puts(&b45, "EC1:");
	assert_int_equal(ecert_base45_encode(z, zlen, &b45), ECERT_OK);
	assert_true(b45.len <= ECERT_QR_TEXT_MAX); /* a bomb that fits a QR code */
	expect_fail_text((const char *)b45.data, b45.len, ECERT_INPUT_QR_TEXT, ECERT_CHECK_DECODE);
	ecert_free(zeros);
	ecert_free(z);
	ecert_buf_free(&b45);
	/* duplicate keys, invalid UTF-8: the schema check (strict JSON) */
	{
		size_t len;
		char *text = jcs_of(doc, &len), *dup;

		dup = ecert_malloc(len + 32);
		memcpy(dup, "{\"id\":\"urn:ecert:x\",", 20);
		memcpy(dup + 20, text + 1, len - 1);
		expect_fail_text(dup, len + 19, ECERT_INPUT_JSON, ECERT_CHECK_SCHEMA);
		s = strstr(text, "李明");
		s[0] = (char)0xff;
		expect_fail_text(text, len, ECERT_INPUT_JSON, ECERT_CHECK_SCHEMA);
		ecert_free(dup);
		ecert_free(text);
	}
	ecert_buf_free(&qr);
	cJSON_Delete(doc);
}

static void test_result_json(void **state)
{
	struct ecert_verify_result res;
	cJSON *j, *checks, *c;
	int n = 0;

	(void)state;
	run("EC1:", 4, ECERT_INPUT_QR_TEXT, NULL, 0, &res);
	j = ecert_verify_result_json(&res);
	assert_non_null(j);
	assert_true(cJSON_IsFalse(cJSON_GetObjectItem(j, "valid")));
	checks = cJSON_GetObjectItem(j, "checks");
	cJSON_ArrayForEach(c, checks)
	{
		assert_string_equal(cJSON_GetObjectItem(c, "name")->valuestring, ecert_check_name(n));
		if (n == 0)
			assert_true(cJSON_IsFalse(cJSON_GetObjectItem(c, "ok")));
		else
			assert_true(cJSON_IsNull(cJSON_GetObjectItem(c, "ok")));
		n++;
	}
	assert_int_equal(n, ECERT_CHECK__COUNT);
	cJSON_Delete(j);
	ecert_verify_result_free(&res);
}

/* Found by test_faults: out of memory while adding a status list was reported as a
 * signature that does not verify (ECERT_ERR_TRUST); and the message of a list whose
 * signature really does not verify was written over its own reason (vsnprintf into
 * err->msg from err->msg), garbling it. */
static void test_add_status_errors(void **state)
{
	struct ecert_verifier *v2 = NULL;
	struct ecert_error err;
	size_t slen;
	char *sl = status_list(K_P256, K_P256, 5, &slen), *p;
	const char *prefix = "status list signature does not verify (";
	long n;
	int rc;

	(void)state;
	for (n = 0;; n++) {
		assert_true(n < 100000);
		assert_int_equal(ecert_verifier_new(tl, &v2, &err), ECERT_OK);
		ecert_alloc_fail_after(n);
		rc = ecert_verifier_add_status(v2, sl, slen, "status.json", &err);
		ecert_alloc_fail_after(-1);
		ecert_verifier_free(v2);
		if (rc == ECERT_OK)
			break;
		assert_int_equal(rc, ECERT_ERR_NOMEM);
	}
	/* change a signed member: TRUST, with the proof's own reason inside the message */
	p = strstr(sl, "\"validFrom\":\"2024");
	assert_non_null(p);
	p[strlen("\"validFrom\":\"2024") - 1] = '5';
	assert_int_equal(ecert_verifier_new(tl, &v2, &err), ECERT_OK);
	ecert_error_clear(&err);
	assert_int_equal(ecert_verifier_add_status(v2, sl, slen, "status.json", &err),
			 ECERT_ERR_TRUST);
	assert_int_equal(strncmp(err.msg, prefix, strlen(prefix)), 0);
	assert_null(strstr(err.msg + strlen(prefix), prefix));
	assert_true(strlen(err.msg) > strlen(prefix) + 2); /* a reason, not "()" */
	ecert_verifier_free(v2);
	ecert_free(sl);
}

/* The digest is computed on request (ecert_verify_digest): with one allocation failing at
 * a time it is either the digest of a run without failures or ECERT_ERR_NOMEM, never a
 * success without it; a result whose schema check did not pass has none. (Found by
 * test_faults when the digest was part of verification: a valid result without it.) */
static void test_digest_on_request(void **state)
{
	cJSON *doc = make_cert(title_tmpl, K_P256, K_P256, "2024-03-01T10:00:00+08:00");
	struct ecert_verify_result res;
	char good[ECERT_VERIFY_DIGEST_SIZE], digest[ECERT_VERIFY_DIGEST_SIZE];
	struct ecert_error err;
	size_t len;
	char *text = jcs_of(doc, &len);
	long n, made;
	int rc;

	(void)state;
	run(text, len, ECERT_INPUT_JSON, HOLDER_ID, 0, &res);
	assert_true(res.valid);
	assert_int_equal(ecert_verify_digest(&res, good, &err), ECERT_OK);
	assert_int_equal(strncmp(good, "sm3:", 4), 0);
	assert_int_equal(strlen(good), 4 + 64);
	for (n = 0;; n++) {
		assert_true(n < 100000);
		ecert_alloc_fail_nth(n);
		rc = ecert_verify_digest(&res, digest, &err);
		made = ecert_alloc_fail_nth(-1);
		if (rc == ECERT_OK)
			assert_string_equal(digest, good);
		else
			assert_int_equal(rc, ECERT_ERR_NOMEM);
		if (made <= n)
			break;
	}
	res.kind = NULL;
	assert_int_equal(ecert_verify_digest(&res, digest, &err), ECERT_ERR_ARG);
	assert_string_equal(digest, "");
	ecert_verify_result_free(&res);
	ecert_free(text);
	cJSON_Delete(doc);
}

/* The answer with the certificate moved is the answer with it copied; when memory runs
 * out, NULL and the result as it was. */
static void test_result_json_take(void **state)
{
	cJSON *doc = make_cert(title_tmpl, K_SM2, K_SM2, "2024-03-01T10:00:00+08:00");
	struct ecert_verify_result res;
	cJSON *copied, *taken;
	char *want, *got;
	size_t len;
	char *text = jcs_of(doc, &len);
	long n, made;

	(void)state;
	run(text, len, ECERT_INPUT_JSON, HOLDER_ID, 0, &res);
	assert_true(res.valid);
	copied = ecert_verify_result_json(&res);
	assert_non_null(copied);
	want = cJSON_PrintUnformatted(copied);
	for (n = 0;; n++) {
		assert_true(n < 100000);
		ecert_alloc_fail_nth(n);
		taken = ecert_verify_result_json_take(&res);
		made = ecert_alloc_fail_nth(-1);
		if (taken)
			break;
		assert_non_null(res.certificate);
		assert_true(made > n);
	}
	assert_null(res.certificate);
	got = cJSON_PrintUnformatted(taken);
	assert_string_equal(got, want);
	cJSON_free(want);
	cJSON_free(got);
	cJSON_Delete(copied);
	cJSON_Delete(taken);
	ecert_verify_result_free(&res);
	ecert_free(text);
	cJSON_Delete(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_all_suites_all_inputs),
		cmocka_unit_test(test_every_byte_flip_rejected),
		cmocka_unit_test(test_canonical_text_and_others),
		cmocka_unit_test(test_forgeries_and_trust),
		cmocka_unit_test(test_trust_list_edited_after_signing),
		cmocka_unit_test(test_scope),
		cmocka_unit_test(test_validity),
		cmocka_unit_test(test_status),
		cmocka_unit_test(test_holder),
		cmocka_unit_test(test_bad_qr_and_json),
		cmocka_unit_test(test_result_json),
		cmocka_unit_test(test_add_status_errors),
		cmocka_unit_test(test_digest_on_request),
		cmocka_unit_test(test_result_json_take),
	};
	ecert_init();
	return cmocka_run_group_tests(tests, setup, teardown);
}
