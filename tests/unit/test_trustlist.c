/* cmocka: the trust list — signing (trustedit), loading and verifying (trustlist), and
 * every scope rule on both sides of its boundary. Keys are generated fresh per run
 * (test-only, never written anywhere but the temporary directory). */
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
#include "ecert/datetime.h"
#include "ecert/jcs.h"
#include "ecert/json.h"
#include "ecert/key.h"
#include "ecert/proof.h"
#include "ecert/sign.h"
#include "ecert/trustedit.h"
#include "ecert/trustlist.h"

/* 吉林省人力资源和社会保障厅 (valid GB 32100 check character W) */
#define USCC_HRSS "urn:uscc:11220000013544525W"
#define NAME_HRSS "吉林省人力资源和社会保障厅"
/* all zeros has check character 0 */
#define USCC_ORG "urn:uscc:000000000000000000"
#define NAME_ORG "长春市职业技能等级评价中心"
#define USCC_BAD "urn:uscc:11220000013544525X"
/* another valid code (check character 0) */
#define USCC_NEW "urn:uscc:91220101MA00000000"

#define DAY 86400
/* 2025-01-01T00:00:00+08:00 */
static int64_t T0;

static EVP_PKEY *root;     /* SM2 root (private) */
static EVP_PKEY *root_pub; /* its public part only, as a verifier has it */
static EVP_PKEY *root2;    /* another root (Ed25519) */
static EVP_PKEY *k_sm2;    /* issuer keys */
static EVP_PKEY *k_ed;
static EVP_PKEY *k_p256;
static char kid_sm2[ECERT_KID_LEN + 1], kid_ed[ECERT_KID_LEN + 1], kid_p256[ECERT_KID_LEN + 1];

static const char *const KINDS_TITLE[] = {"title"};
static const char *const KINDS_SKILL[] = {"skill"};
static const char *const KINDS_BOTH[] = {"title", "skill"};
static const char *const SERIES[] = {"工程", "农业"};
static const char *const OCCUPATIONS[] = {"6-18", "4-07-02"};

static EVP_PKEY *public_only(EVP_PKEY *k)
{
	struct ecert_buf pem = ECERT_BUF_INIT;
	EVP_PKEY *pub = NULL;

	assert_int_equal(ecert_key_to_pem(k, &pem, NULL), ECERT_OK);
	assert_int_equal(ecert_key_from_pem((const char *)pem.data, pem.len, &pub, NULL), ECERT_OK);
	ecert_buf_free(&pem);
	return pub;
}

static int setup(void **state)
{
	(void)state;
	if (ecert_time_parse("2025-01-01T00:00:00+08:00", &T0, NULL) != ECERT_OK)
		return -1;
	if (ecert_key_generate(ECERT_ALG_SM2, &root, NULL) != ECERT_OK ||
	    ecert_key_generate(ECERT_ALG_ED25519, &root2, NULL) != ECERT_OK ||
	    ecert_key_generate(ECERT_ALG_SM2, &k_sm2, NULL) != ECERT_OK ||
	    ecert_key_generate(ECERT_ALG_ED25519, &k_ed, NULL) != ECERT_OK ||
	    ecert_key_generate(ECERT_ALG_P256, &k_p256, NULL) != ECERT_OK)
		return -1;
	root_pub = public_only(root);
	if (ecert_key_kid(k_sm2, kid_sm2, NULL) != ECERT_OK ||
	    ecert_key_kid(k_ed, kid_ed, NULL) != ECERT_OK ||
	    ecert_key_kid(k_p256, kid_p256, NULL) != ECERT_OK)
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	EVP_PKEY_free(root);
	EVP_PKEY_free(root_pub);
	EVP_PKEY_free(root2);
	EVP_PKEY_free(k_sm2);
	EVP_PKEY_free(k_ed);
	EVP_PKEY_free(k_p256);
	return 0;
}

/* Entry A: SM2, the HRSS, title keys for 工程/农业, valid T0 .. T0 + 1000 days.
 * Entry B: Ed25519, an evaluation organisation, skill keys for 6-18 and 4-07-02.
 * Entry C: P-256, the same organisation, both kinds, unrestricted, stored as multibase. */
static struct ecert_trust_entry_spec spec_a(void)
{
	struct ecert_trust_entry_spec s = {0};

	s.key = k_sm2;
	s.issuer_id = USCC_HRSS;
	s.issuer_name = NAME_HRSS;
	s.kinds = KINDS_TITLE;
	s.n_kinds = 1;
	s.series = SERIES;
	s.n_series = 2;
	s.valid_from = T0;
	s.has_valid_until = 1;
	s.valid_until = T0 + 1000 * DAY;
	return s;
}

static struct ecert_trust_entry_spec spec_b(void)
{
	struct ecert_trust_entry_spec s = {0};

	s.key = k_ed;
	s.issuer_id = USCC_ORG;
	s.issuer_name = NAME_ORG;
	s.kinds = KINDS_SKILL;
	s.n_kinds = 1;
	s.occupations = OCCUPATIONS;
	s.n_occupations = 2;
	s.valid_from = T0;
	return s;
}

static struct ecert_trust_entry_spec spec_c(void)
{
	struct ecert_trust_entry_spec s = {0};

	s.key = k_p256;
	s.issuer_id = USCC_ORG;
	s.issuer_name = NAME_ORG;
	s.kinds = KINDS_BOTH;
	s.n_kinds = 2;
	s.valid_from = T0;
	s.multibase = 1;
	return s;
}

static struct ecert_trustedit *edit_abc(void)
{
	struct ecert_trustedit *ed = NULL;
	struct ecert_trust_entry_spec a = spec_a(), b = spec_b(), c = spec_c();
	struct ecert_error e;

	ecert_error_clear(&e);
	assert_int_equal(ecert_trustedit_new(root, "jilin", &ed, &e), ECERT_OK);
	assert_int_equal(ecert_trustedit_add(ed, &a, &e), ECERT_OK);
	assert_int_equal(ecert_trustedit_add(ed, &b, &e), ECERT_OK);
	assert_int_equal(ecert_trustedit_add(ed, &c, &e), ECERT_OK);
	return ed;
}

/* Commit, serialise and load back with the root public key only. */
static struct ecert_trustlist *commit_and_load(struct ecert_trustedit *ed, int64_t now)
{
	struct ecert_buf text = ECERT_BUF_INIT;
	struct ecert_trustlist *tl = NULL;
	struct ecert_error e;

	ecert_error_clear(&e);
	if (ecert_trustedit_commit(ed, now, &e) != ECERT_OK)
		fail_msg("commit: %s: %s", e.where, e.msg);
	assert_int_equal(ecert_trustedit_serialize(ed, &text, &e), ECERT_OK);
	if (ecert_trustlist_load_mem((const char *)text.data, text.len, root_pub, &tl, &e) !=
	    ECERT_OK)
		fail_msg("load: %s: %s", e.where, e.msg);
	ecert_buf_free(&text);
	return tl;
}

static void test_roundtrip(void **state)
{
	struct ecert_trustedit *ed;
	struct ecert_trustlist *tl;
	const struct ecert_trust_entry *ea, *eb, *ec;
	const char *id, *name;
	char rkid[ECERT_KID_LEN + 1];
	int64_t t;

	(void)state;
	ed = edit_abc();
	assert_int_equal(ecert_trustedit_version(ed), 0);
	tl = commit_and_load(ed, T0 + 5);
	assert_int_equal(ecert_trustlist_version(tl), 1);
	assert_string_equal(ecert_trustlist_id(tl), "urn:ecert:trustlist:jilin");
	assert_true(ecert_trustlist_issued(tl) == T0 + 5);
	assert_string_equal(ecert_trustlist_issued_text(tl), "2025-01-01T00:00:05+08:00");
	assert_int_equal(ecert_key_kid(root, rkid, NULL), ECERT_OK);
	assert_string_equal(ecert_trustlist_root_kid(tl), rkid);
	assert_int_equal(ecert_trustlist_count(tl), 3);
	assert_null(ecert_trustlist_entry(tl, 3));

	ea = ecert_trustlist_find(tl, kid_sm2);
	eb = ecert_trustlist_find(tl, kid_ed);
	ec = ecert_trustlist_find(tl, kid_p256);
	assert_non_null(ea);
	assert_non_null(eb);
	assert_non_null(ec);
	assert_ptr_equal(ecert_trustlist_entry(tl, 0), ea);
	assert_null(ecert_trustlist_find(tl, "AAAAAAAAAAA"));
	assert_string_equal(ecert_trust_entry_cryptosuite(ea), ECERT_SUITE_SM2);
	assert_string_equal(ecert_trust_entry_cryptosuite(eb), ECERT_SUITE_EDDSA);
	assert_string_equal(ecert_trust_entry_cryptosuite(ec), ECERT_SUITE_ECDSA);
	assert_int_equal(EVP_PKEY_eq(ecert_trust_entry_key(ea), k_sm2), 1);
	assert_int_equal(EVP_PKEY_eq(ecert_trust_entry_key(eb), k_ed), 1);
	assert_int_equal(EVP_PKEY_eq(ecert_trust_entry_key(ec), k_p256), 1);
	assert_string_equal(ecert_trust_entry_issuer_id(ea), USCC_HRSS);
	assert_string_equal(ecert_trust_entry_issuer_name(ea), NAME_HRSS);
	assert_true(ecert_trust_entry_valid_from(ea) == T0);
	assert_int_equal(ecert_trust_entry_valid_until(ea, &t), 1);
	assert_true(t == T0 + 1000 * DAY);
	assert_int_equal(ecert_trust_entry_valid_until(eb, &t), 0);
	assert_int_equal(ecert_trust_entry_status(ea, &t), ECERT_KEY_ACTIVE);
	assert_true(t == 0);
	assert_true(ecert_trust_entry_has_kind(ea, "title"));
	assert_false(ecert_trust_entry_has_kind(ea, "skill"));
	assert_true(ecert_trust_entry_has_kind(ec, "skill"));
	assert_false(ecert_trust_entry_has_kind(ec, "other"));
	assert_int_equal(ecert_trust_entry_series_count(ea), 2);
	assert_string_equal(ecert_trust_entry_series(ea, 1), "农业");
	assert_null(ecert_trust_entry_series(ea, 2));
	assert_int_equal(ecert_trust_entry_occupation_count(eb), 2);
	assert_string_equal(ecert_trust_entry_occupation(eb, 0), "6-18");
	assert_int_equal(ecert_trust_entry_series_count(ec), 0);

	/* two distinct issuers, in order of first appearance */
	assert_int_equal(ecert_trustlist_issuer_count(tl), 2);
	assert_int_equal(ecert_trustlist_issuer(tl, 0, &id, &name), ECERT_OK);
	assert_string_equal(id, USCC_HRSS);
	assert_string_equal(name, NAME_HRSS);
	assert_int_equal(ecert_trustlist_issuer(tl, 1, &id, &name), ECERT_OK);
	assert_string_equal(id, USCC_ORG);
	assert_int_equal(ecert_trustlist_issuer(tl, 2, &id, &name), ECERT_ERR_ARG);

	/* the multibase entry is stored as such */
	assert_non_null(ecert_json_str(
	    cJSON_GetArrayItem(ecert_json_arr(ecert_trustedit_json(ed), "entries"), 2),
	    "publicKeyMultibase"));
	ecert_trustlist_free(tl);
	ecert_trustedit_free(ed);
}

/* Serialise a committed session's list as JCS text. */
static char *jcs_text(const cJSON *doc, size_t *len)
{
	struct ecert_buf b = ECERT_BUF_INIT;

	assert_int_equal(ecert_jcs_serialize(doc, &b, NULL), ECERT_OK);
	return ecert_buf_take(&b, len);
}

static int load_tree(const cJSON *doc, EVP_PKEY *key, struct ecert_error *e)
{
	struct ecert_trustlist *tl = NULL;
	int rc = ecert_trustlist_from_json(doc, key, &tl, e);

	ecert_trustlist_free(tl);
	return rc;
}

static void test_edited_after_signing(void **state)
{
	struct ecert_trustedit *ed = edit_abc();
	struct ecert_trustlist *tl = commit_and_load(ed, T0);
	struct ecert_error e;
	cJSON *doc, *entry;

	(void)state;
	ecert_trustlist_free(tl);
	/* one character of a name, a date, the version, a scope, a status: all TRUST */
	doc = cJSON_Duplicate(ecert_trustedit_json(ed), 1);
	entry = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "entries"), 0);
	cJSON_SetValuestring(cJSON_GetObjectItem(cJSON_GetObjectItem(entry, "issuer"), "name"),
	                     "吉林省人力资源和社会保障局");
	ecert_error_clear(&e);
	assert_int_equal(load_tree(doc, root_pub, &e), ECERT_ERR_TRUST);
	assert_non_null(strstr(e.msg, "changed after signing"));
	cJSON_Delete(doc);

	doc = cJSON_Duplicate(ecert_trustedit_json(ed), 1);
	entry = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "entries"), 0);
	cJSON_SetValuestring(cJSON_GetObjectItem(entry, "validUntil"), "2099-12-31T23:59:59+08:00");
	assert_int_equal(load_tree(doc, root_pub, NULL), ECERT_ERR_TRUST);
	cJSON_Delete(doc);

	doc = cJSON_Duplicate(ecert_trustedit_json(ed), 1);
	cJSON_SetNumberValue(cJSON_GetObjectItem(doc, "version"), 7);
	assert_int_equal(load_tree(doc, root_pub, NULL), ECERT_ERR_TRUST);
	cJSON_Delete(doc);

	doc = cJSON_Duplicate(ecert_trustedit_json(ed), 1);
	entry = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "entries"), 1);
	cJSON_DeleteItemFromObject(cJSON_GetObjectItem(entry, "scope"), "occupations");
	assert_int_equal(load_tree(doc, root_pub, NULL), ECERT_ERR_TRUST);
	cJSON_Delete(doc);

	/* an entry removed (a verifier must not be made to forget a key's retirement …) */
	doc = cJSON_Duplicate(ecert_trustedit_json(ed), 1);
	cJSON_DeleteItemFromArray(cJSON_GetObjectItem(doc, "entries"), 2);
	assert_int_equal(load_tree(doc, root_pub, NULL), ECERT_ERR_TRUST);
	cJSON_Delete(doc);

	/* no proof at all */
	doc = cJSON_Duplicate(ecert_trustedit_json(ed), 1);
	cJSON_DeleteItemFromObject(doc, "proof");
	ecert_error_clear(&e);
	assert_int_equal(load_tree(doc, root_pub, &e), ECERT_ERR_TRUST);
	assert_string_equal(e.where, "proof");
	cJSON_Delete(doc);

	/* and a session refuses to open (and so to re-sign) an altered list */
	doc = cJSON_Duplicate(ecert_trustedit_json(ed), 1);
	cJSON_SetNumberValue(cJSON_GetObjectItem(doc, "version"), 9);
	{
		struct ecert_trustedit *ed2 = NULL;

		assert_int_equal(ecert_trustedit_open_json(doc, root, &ed2, NULL), ECERT_ERR_TRUST);
		assert_null(ed2);
	}
	cJSON_Delete(doc);
	ecert_trustedit_free(ed);
}

/* Flip every byte of the signed list (JCS form): nothing may load. */
static void test_every_byte_flipped(void **state)
{
	struct ecert_trustedit *ed = NULL;
	struct ecert_trust_entry_spec b = spec_b();
	struct ecert_trustlist *tl;
	size_t len, i;
	char *text;
	int rc;

	(void)state;
	assert_int_equal(ecert_trustedit_new(root, NULL, &ed, NULL), ECERT_OK);
	b.multibase = 1; /* keep the document short */
	assert_int_equal(ecert_trustedit_add(ed, &b, NULL), ECERT_OK);
	tl = commit_and_load(ed, T0);
	ecert_trustlist_free(tl);
	text = jcs_text(ecert_trustedit_json(ed), &len);
	for (i = 0; i < len; i++) {
		tl = NULL;
		text[i] ^= 0x01;
		rc = ecert_trustlist_load_mem(text, len, root_pub, &tl, NULL);
		text[i] ^= 0x01;
		if (rc == ECERT_OK)
			fail_msg("accepted with byte %zu flipped", i);
		assert_null(tl);
	}
	/* unflipped it still loads */
	assert_int_equal(ecert_trustlist_load_mem(text, len, root_pub, &tl, NULL), ECERT_OK);
	ecert_trustlist_free(tl);
	ecert_free(text);
	ecert_trustedit_free(ed);
}

static void test_other_root(void **state)
{
	struct ecert_trustedit *ed = edit_abc(), *ed2 = NULL;
	struct ecert_trustlist *tl = commit_and_load(ed, T0);
	char kid1[ECERT_KID_LEN + 1], vm[64];
	struct ecert_error e;
	cJSON *doc;

	(void)state;
	ecert_trustlist_free(tl);
	/* loaded against another root key: the list names a different root */
	ecert_error_clear(&e);
	assert_int_equal(load_tree(ecert_trustedit_json(ed), root2, &e), ECERT_ERR_TRUST);
	assert_string_equal(e.where, "root.kid");
	/* re-signed by another key while still claiming the real root: signature fails */
	assert_int_equal(ecert_key_kid(root, kid1, NULL), ECERT_OK);
	snprintf(vm, sizeof(vm), "urn:ecert:root#%s", kid1);
	doc = cJSON_Duplicate(ecert_trustedit_json(ed), 1);
	{
		EVP_PKEY *other = NULL;

		assert_int_equal(ecert_key_generate(ECERT_ALG_SM2, &other, NULL), ECERT_OK);
		assert_int_equal(
		    ecert_proof_sign(doc, other, vm, "2025-01-01T00:00:00+08:00", NULL), ECERT_OK);
		EVP_PKEY_free(other);
	}
	ecert_error_clear(&e);
	assert_int_equal(load_tree(doc, root_pub, &e), ECERT_ERR_TRUST);
	assert_non_null(strstr(e.msg, "does not verify"));
	/* and a root-B session cannot open root A's list */
	assert_int_equal(ecert_trustedit_open_json(ecert_trustedit_json(ed), root2, &ed2, NULL),
	                 ECERT_ERR_TRUST);
	cJSON_Delete(doc);
	ecert_trustedit_free(ed);
}

/* A list the root really signed, but of the wrong shape: SCHEMA, naming the member. */
static void resign_expect_schema(cJSON *doc, const char *where_part)
{
	char kid[ECERT_KID_LEN + 1], vm[64];
	struct ecert_error e;

	assert_int_equal(ecert_key_kid(root, kid, NULL), ECERT_OK);
	snprintf(vm, sizeof(vm), "urn:ecert:root#%s", kid);
	assert_int_equal(ecert_proof_sign(doc, root, vm, "2025-01-01T00:00:00+08:00", NULL),
	                 ECERT_OK);
	ecert_error_clear(&e);
	assert_int_equal(load_tree(doc, root_pub, &e), ECERT_ERR_SCHEMA);
	if (!strstr(e.where, where_part))
		fail_msg("expected the error at %s, got %s: %s", where_part, e.where, e.msg);
	cJSON_Delete(doc);
}

static cJSON *entry_of(cJSON *doc, int i)
{
	return cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "entries"), i);
}

static void test_signed_but_malformed(void **state)
{
	struct ecert_trustedit *ed = edit_abc();
	struct ecert_trustlist *tl = commit_and_load(ed, T0);
	const cJSON *good = ecert_trustedit_json(ed);
	cJSON *doc;

	(void)state;
	ecert_trustlist_free(tl);
	/* kid that is not the key's */
	doc = cJSON_Duplicate(good, 1);
	cJSON_SetValuestring(cJSON_GetObjectItem(entry_of(doc, 0), "kid"), kid_p256);
	resign_expect_schema(doc, "entries[0]");
	/* the same kid twice */
	doc = cJSON_Duplicate(good, 1);
	cJSON_AddItemToArray(cJSON_GetObjectItem(doc, "entries"),
	                     cJSON_Duplicate(entry_of(doc, 1), 1));
	resign_expect_schema(doc, "entries[3]");
	/* a suite that is not the key's algorithm */
	doc = cJSON_Duplicate(good, 1);
	cJSON_SetValuestring(cJSON_GetObjectItem(entry_of(doc, 0), "cryptosuite"),
	                     ECERT_SUITE_ECDSA);
	resign_expect_schema(doc, "entries[0]");
	/* an active key with since */
	doc = cJSON_Duplicate(good, 1);
	cJSON_AddStringToObject(entry_of(doc, 0), "since", "2025-01-01T00:00:00+08:00");
	resign_expect_schema(doc, "entries[0]");
	/* a retired key without since */
	doc = cJSON_Duplicate(good, 1);
	cJSON_SetValuestring(cJSON_GetObjectItem(entry_of(doc, 0), "status"), "retired");
	resign_expect_schema(doc, "entries[0]");
	/* series on a skill-only key */
	doc = cJSON_Duplicate(good, 1);
	cJSON_AddItemToObject(cJSON_GetObjectItem(entry_of(doc, 1), "scope"), "series",
	                      cJSON_CreateStringArray(SERIES, 1));
	resign_expect_schema(doc, "entries[1].scope");
	/* a malformed occupation prefix */
	doc = cJSON_Duplicate(good, 1);
	cJSON_SetValuestring(
	    cJSON_GetArrayItem(
	        cJSON_GetObjectItem(cJSON_GetObjectItem(entry_of(doc, 1), "scope"), "occupations"),
	        0),
	    "6-180");
	resign_expect_schema(doc, "entries[1].scope.occupations");
	/* validUntil before validFrom */
	doc = cJSON_Duplicate(good, 1);
	cJSON_SetValuestring(cJSON_GetObjectItem(entry_of(doc, 0), "validUntil"),
	                     "2024-12-31T23:59:59+08:00");
	resign_expect_schema(doc, "entries[0]");
	/* an unknown member */
	doc = cJSON_Duplicate(good, 1);
	cJSON_AddStringToObject(entry_of(doc, 2), "comment", "x");
	resign_expect_schema(doc, "entries[2]");
	/* a version that is not an integer */
	doc = cJSON_Duplicate(good, 1);
	cJSON_SetNumberValue(cJSON_GetObjectItem(doc, "version"), 1.5);
	resign_expect_schema(doc, "version");
	ecert_trustedit_free(ed);
}

/* The check with the usual certificate for each entry, varying one thing at a time. */
static int chk(const struct ecert_trustlist *tl, const char *issuer, const char *kid,
               const char *suite, const char *kind, const char *series, const char *occ,
               int64_t created, int64_t now, struct ecert_error *e)
{
	ecert_error_clear(e);
	return ecert_trustlist_check(tl, issuer, kid, suite, kind, series, occ, created, now, e);
}

#define A(kind, series, created)                                                                   \
	chk(tl, USCC_HRSS, kid_sm2, ECERT_SUITE_SM2, kind, series, NULL, created, NOW, &e)
#define B(occ, created)                                                                            \
	chk(tl, USCC_ORG, kid_ed, ECERT_SUITE_EDDSA, "skill", NULL, occ, created, NOW, &e)

static void test_scope_kind_series_occupation(void **state)
{
	struct ecert_trustedit *ed = edit_abc();
	struct ecert_trustlist *tl = commit_and_load(ed, T0);
	const int64_t NOW = T0 + 10 * DAY, T = T0 + DAY;
	struct ecert_error e;

	(void)state;
	/* kinds */
	assert_int_equal(A("title", "工程", T), ECERT_OK);
	assert_int_equal(A("skill", "工程", T), ECERT_ERR_SCOPE);
	assert_string_equal(e.where, "type");
	assert_int_equal(B("6-18-01-01", T), ECERT_OK);
	assert_int_equal(
	    chk(tl, USCC_ORG, kid_ed, ECERT_SUITE_EDDSA, "title", "工程", NULL, T, NOW, &e),
	    ECERT_ERR_SCOPE);
	/* series: exact names */
	assert_int_equal(A("title", "农业", T), ECERT_OK);
	assert_int_equal(A("title", "经济", T), ECERT_ERR_SCOPE);
	assert_string_equal(e.where, "credentialSubject.series");
	assert_non_null(strstr(e.msg, "工程, 农业"));
	assert_int_equal(A("title", "工程师", T), ECERT_ERR_SCOPE);
	assert_int_equal(A("title", NULL, T), ECERT_ERR_SCOPE);
	/* an unrestricted key signs any series and any occupation */
	assert_int_equal(
	    chk(tl, USCC_ORG, kid_p256, ECERT_SUITE_ECDSA, "title", "经济", NULL, T, NOW, &e),
	    ECERT_OK);
	assert_int_equal(
	    chk(tl, USCC_ORG, kid_p256, ECERT_SUITE_ECDSA, "skill", NULL, "2-02-01-01", T, NOW, &e),
	    ECERT_OK);
	/* occupations: prefixes on dash boundaries */
	assert_int_equal(B("6-18", T), ECERT_OK);
	assert_int_equal(B("6-18-05-02", T), ECERT_OK);
	assert_int_equal(B("6-19-01-01", T), ECERT_ERR_SCOPE);
	assert_string_equal(e.where, "credentialSubject.occupationCode");
	assert_non_null(strstr(e.msg, "6-18, 4-07-02"));
	assert_int_equal(B("6-180-01", T), ECERT_ERR_SCOPE);
	assert_int_equal(B("6", T), ECERT_ERR_SCOPE);
	assert_int_equal(B("4-07-02-03", T), ECERT_OK);
	assert_int_equal(B("4-07-02", T), ECERT_OK);
	assert_int_equal(B("4-07-03-01", T), ECERT_ERR_SCOPE);
	assert_int_equal(B("4-07", T), ECERT_ERR_SCOPE);
	assert_int_equal(B(NULL, T), ECERT_ERR_SCOPE);
	/* a bad kind is a caller error */
	assert_int_equal(A("diploma", "工程", T), ECERT_ERR_ARG);
	assert_int_equal(A(NULL, "工程", T), ECERT_ERR_ARG);
	ecert_trustlist_free(tl);
	ecert_trustedit_free(ed);
}

static void test_prefix_match(void **state)
{
	(void)state;
	assert_true(ecert_occupation_prefix_match("6", "6-18-01-01"));
	assert_true(ecert_occupation_prefix_match("6-18-01-01", "6-18-01-01"));
	assert_false(ecert_occupation_prefix_match("6-1", "6-18-01-01"));
	assert_false(ecert_occupation_prefix_match("6-18-01-01", "6-18-01"));
	assert_false(ecert_occupation_prefix_match("", "6-18"));
	assert_false(ecert_occupation_prefix_match("6", "60-18"));
	assert_false(ecert_occupation_prefix_match(NULL, "6"));
	assert_false(ecert_occupation_prefix_match("6", NULL));
}

static void test_trust_rules(void **state)
{
	struct ecert_trustedit *ed = edit_abc();
	struct ecert_trustlist *tl = commit_and_load(ed, T0);
	const int64_t NOW = T0 + 10 * DAY, T = T0 + DAY;
	struct ecert_error e;

	(void)state;
	/* not listed */
	assert_int_equal(
	    chk(tl, USCC_HRSS, "AAAAAAAAAAA", ECERT_SUITE_SM2, "title", "工程", NULL, T, NOW, &e),
	    ECERT_ERR_TRUST);
	assert_string_equal(e.where, "proof.verificationMethod");
	/* suite substitution: the SM2 key's entry, an Ed25519 proof claim */
	assert_int_equal(
	    chk(tl, USCC_HRSS, kid_sm2, ECERT_SUITE_EDDSA, "title", "工程", NULL, T, NOW, &e),
	    ECERT_ERR_TRUST);
	assert_string_equal(e.where, "proof.cryptosuite");
	assert_int_equal(
	    chk(tl, USCC_ORG, kid_p256, ECERT_SUITE_SM2, "title", "工程", NULL, T, NOW, &e),
	    ECERT_ERR_TRUST);
	/* the organisation's key signing in the HRSS's name */
	assert_int_equal(
	    chk(tl, USCC_HRSS, kid_p256, ECERT_SUITE_ECDSA, "title", "工程", NULL, T, NOW, &e),
	    ECERT_ERR_TRUST);
	assert_string_equal(e.where, "issuer.id");
	assert_int_equal(
	    chk(tl, USCC_ORG, kid_p256, ECERT_SUITE_ECDSA, "title", "工程", NULL, T, NOW, &e),
	    ECERT_OK);
	ecert_trustlist_free(tl);
	ecert_trustedit_free(ed);
}

static void test_validity_window(void **state)
{
	struct ecert_trustedit *ed = edit_abc();
	struct ecert_trustlist *tl = commit_and_load(ed, T0);
	const int64_t U = T0 + 1000 * DAY, NOW = U + 10 * DAY;
	struct ecert_error e;

	(void)state;
	assert_int_equal(A("title", "工程", T0), ECERT_OK);
	assert_int_equal(A("title", "工程", T0 - 1), ECERT_ERR_SCOPE);
	assert_string_equal(e.where, "proof.created");
	assert_non_null(strstr(e.msg, "before"));
	assert_int_equal(A("title", "工程", U), ECERT_OK);
	assert_int_equal(A("title", "工程", U + 1), ECERT_ERR_SCOPE);
	assert_non_null(strstr(e.msg, "validUntil"));
	/* no validUntil: open-ended */
	assert_int_equal(B("6-18-01-01", NOW), ECERT_OK);
	ecert_trustlist_free(tl);
	ecert_trustedit_free(ed);
}

static void test_clock_skew(void **state)
{
	struct ecert_trustedit *ed = edit_abc();
	struct ecert_trustlist *tl = commit_and_load(ed, T0);
	const int64_t NOW = T0 + DAY;
	struct ecert_error e;

	(void)state;
	assert_int_equal(A("title", "工程", NOW), ECERT_OK);
	assert_int_equal(A("title", "工程", NOW + ECERT_CLOCK_SKEW), ECERT_OK);
	assert_int_equal(A("title", "工程", NOW + ECERT_CLOCK_SKEW + 1), ECERT_ERR_SCOPE);
	assert_string_equal(e.where, "proof.created");
	assert_non_null(strstr(e.msg, "clock"));
	ecert_trustlist_free(tl);
	ecert_trustedit_free(ed);
}

static void test_retired(void **state)
{
	struct ecert_trustedit *ed = edit_abc();
	struct ecert_trustlist *tl;
	const int64_t S = T0 + 100 * DAY, NOW = T0 + 200 * DAY;
	struct ecert_error e;
	int64_t since;

	(void)state;
	assert_int_equal(ecert_trustedit_retire(ed, kid_ed, S, NULL), ECERT_OK);
	tl = commit_and_load(ed, S);
	assert_int_equal(ecert_trust_entry_status(ecert_trustlist_find(tl, kid_ed), &since),
	                 ECERT_KEY_RETIRED);
	assert_true(since == S);
	/* what it signed before and at retirement stands; after, refused */
	assert_int_equal(B("6-18-01-01", S - 1), ECERT_OK);
	assert_int_equal(B("6-18-01-01", S), ECERT_OK);
	assert_int_equal(B("6-18-01-01", S + 1), ECERT_ERR_SCOPE);
	assert_string_equal(e.where, "proof.created");
	assert_non_null(strstr(e.msg, "retired"));
	ecert_trustlist_free(tl);
	/* retiring again is refused */
	ecert_error_clear(&e);
	assert_int_equal(ecert_trustedit_retire(ed, kid_ed, NOW, &e), ECERT_ERR_INVALID);
	assert_non_null(strstr(e.msg, "already retired"));
	assert_int_equal(ecert_trustedit_retire(ed, "AAAAAAAAAAA", NOW, &e), ECERT_ERR_ARG);
	/* a retirement before the key was valid is refused; at validFrom it is accepted */
	ecert_error_clear(&e);
	assert_int_equal(ecert_trustedit_retire(ed, kid_sm2, T0 - 1, &e), ECERT_ERR_INVALID);
	assert_non_null(strstr(e.msg, "compromised"));
	assert_int_equal(ecert_trustedit_retire(ed, kid_sm2, T0, &e), ECERT_OK);
	ecert_trustedit_free(ed);
}

static void test_compromised(void **state)
{
	struct ecert_trustedit *ed = edit_abc();
	struct ecert_trustlist *tl;
	const int64_t S = T0 + 100 * DAY, NOW = T0 + 200 * DAY;
	struct ecert_error e;
	int64_t eff = 0;

	(void)state;
	assert_int_equal(ecert_trustedit_compromised(ed, kid_p256, S, &eff, NULL), ECERT_OK);
	assert_true(eff == S);
	tl = commit_and_load(ed, NOW);
#define C(created)                                                                                 \
	chk(tl, USCC_ORG, kid_p256, ECERT_SUITE_ECDSA, "skill", NULL, "6-18-01-01", created, NOW,  \
	    &e)
	assert_int_equal(C(S - 1), ECERT_OK);
	assert_int_equal(C(S), ECERT_ERR_SCOPE);
	assert_non_null(strstr(e.msg, "compromised"));
	assert_int_equal(C(S + 1), ECERT_ERR_SCOPE);
	ecert_trustlist_free(tl);
	/* since may move earlier, never later */
	ecert_error_clear(&e);
	assert_int_equal(ecert_trustedit_compromised(ed, kid_p256, S + 1, NULL, &e),
	                 ECERT_ERR_INVALID);
	assert_int_equal(ecert_trustedit_compromised(ed, kid_p256, S, NULL, &e), ECERT_ERR_INVALID);
	assert_int_equal(ecert_trustedit_compromised(ed, kid_p256, S - DAY, &eff, &e), ECERT_OK);
	tl = commit_and_load(ed, NOW);
	assert_int_equal(C(S - DAY - 1), ECERT_OK);
	assert_int_equal(C(S - DAY), ECERT_ERR_SCOPE);
#undef C
	/* a compromised key cannot be retired */
	assert_int_equal(ecert_trustedit_retire(ed, kid_p256, NOW, &e), ECERT_ERR_INVALID);
	ecert_trustlist_free(tl);

	/* retired at R, compromised later at S > R: since stays R, so nothing signed after
	 * retirement comes back */
	assert_int_equal(ecert_trustedit_retire(ed, kid_ed, S, NULL), ECERT_OK);
	assert_int_equal(ecert_trustedit_compromised(ed, kid_ed, S + 10 * DAY, &eff, NULL),
	                 ECERT_OK);
	assert_true(eff == S);
	tl = commit_and_load(ed, NOW);
	assert_int_equal(B("6-18-01-01", S - 1), ECERT_OK);
	assert_int_equal(B("6-18-01-01", S + 1), ECERT_ERR_SCOPE);
	ecert_trustlist_free(tl);
	/* retired at R, compromised since before R: the earlier time wins */
	assert_int_equal(ecert_trustedit_retire(ed, kid_sm2, S, NULL), ECERT_OK);
	assert_int_equal(ecert_trustedit_compromised(ed, kid_sm2, S - 2 * DAY, &eff, NULL),
	                 ECERT_OK);
	assert_true(eff == S - 2 * DAY);
	ecert_trustedit_free(ed);
}

static void test_add_refusals(void **state)
{
	struct ecert_trustedit *ed = edit_abc();
	struct ecert_trust_entry_spec s;
	static const char *const dup_series[] = {"工程", "工程"};
	static const char *const bad_occ[] = {"6-1"};
	static const char *const bad_kind[] = {"diploma"};
	static const char *const spaced[] = {" 工程"};
	EVP_PKEY *fresh = NULL;
	struct ecert_error e;

	(void)state;
	assert_int_equal(ecert_key_generate(ECERT_ALG_SM2, &fresh, NULL), ECERT_OK);
	/* duplicate kid */
	s = spec_a();
	ecert_error_clear(&e);
	assert_int_equal(ecert_trustedit_add(ed, &s, &e), ECERT_ERR_EXISTS);
	assert_non_null(strstr(e.msg, kid_sm2));
	/* bad USCC check character */
	s = spec_a();
	s.key = fresh;
	s.issuer_id = USCC_BAD;
	ecert_error_clear(&e);
	assert_int_equal(ecert_trustedit_add(ed, &s, &e), ECERT_ERR_INVALID);
	assert_string_equal(e.where, "issuer.id");
	s.issuer_id = "11220000013544525W"; /* the URN form is required here */
	assert_int_equal(ecert_trustedit_add(ed, &s, NULL), ECERT_ERR_INVALID);
	/* the same issuer under another name */
	s = spec_a();
	s.key = fresh;
	s.issuer_name = "吉林省人社厅";
	ecert_error_clear(&e);
	assert_int_equal(ecert_trustedit_add(ed, &s, &e), ECERT_ERR_INVALID);
	assert_non_null(strstr(e.msg, NAME_HRSS));
	/* names: empty, leading space, invalid UTF-8, control character (a new issuer, so
	 * that only the name can be wrong) */
	s.issuer_id = USCC_NEW;
	s.issuer_name = "";
	ecert_error_clear(&e);
	assert_int_equal(ecert_trustedit_add(ed, &s, &e), ECERT_ERR_INVALID);
	assert_string_equal(e.where, "issuer.name");
	assert_non_null(strstr(e.msg, "empty"));
	s.issuer_name = "\xe3\x80\x80"
	                "长春"; /* U+3000 ideographic space */
	ecert_error_clear(&e);
	assert_int_equal(ecert_trustedit_add(ed, &s, &e), ECERT_ERR_INVALID);
	assert_non_null(strstr(e.msg, "starts with a space"));
	s.issuer_name = "长春 ";
	ecert_error_clear(&e);
	assert_int_equal(ecert_trustedit_add(ed, &s, &e), ECERT_ERR_INVALID);
	assert_non_null(strstr(e.msg, "ends with a space"));
	s.issuer_name = "\xb3\xa4\xb4\xba"; /* 长春 in GB18030 */
	ecert_error_clear(&e);
	assert_int_equal(ecert_trustedit_add(ed, &s, &e), ECERT_ERR_INVALID);
	assert_non_null(strstr(e.msg, "UTF-8"));
	s.issuer_name = "长春\t中心";
	ecert_error_clear(&e);
	assert_int_equal(ecert_trustedit_add(ed, &s, &e), ECERT_ERR_INVALID);
	assert_non_null(strstr(e.msg, "control"));
	s.issuer_name = "长春市职业技能等级评价中心";
	assert_int_equal(ecert_trustedit_add(ed, &s, NULL), ECERT_OK);
	assert_int_equal(ecert_trustedit_add(ed, &s, &e), ECERT_ERR_EXISTS);
	ecert_trustedit_free(ed);
	ed = edit_abc();
	/* the root key as an issuer key */
	s = spec_a();
	s.key = root;
	ecert_error_clear(&e);
	assert_int_equal(ecert_trustedit_add(ed, &s, &e), ECERT_ERR_INVALID);
	assert_non_null(strstr(e.msg, "root"));
	/* scope mistakes */
	s = spec_a();
	s.key = fresh;
	s.series = dup_series;
	assert_int_equal(ecert_trustedit_add(ed, &s, NULL), ECERT_ERR_INVALID);
	s.series = spaced;
	s.n_series = 1;
	assert_int_equal(ecert_trustedit_add(ed, &s, NULL), ECERT_ERR_INVALID);
	s = spec_a();
	s.key = fresh;
	s.occupations = OCCUPATIONS; /* title-only key */
	s.n_occupations = 2;
	assert_int_equal(ecert_trustedit_add(ed, &s, NULL), ECERT_ERR_ARG);
	s = spec_b();
	s.key = fresh;
	s.series = SERIES; /* skill-only key */
	s.n_series = 2;
	assert_int_equal(ecert_trustedit_add(ed, &s, NULL), ECERT_ERR_ARG);
	s = spec_b();
	s.key = fresh;
	s.occupations = bad_occ;
	s.n_occupations = 1;
	assert_int_equal(ecert_trustedit_add(ed, &s, NULL), ECERT_ERR_INVALID);
	s = spec_b();
	s.key = fresh;
	s.kinds = bad_kind;
	assert_int_equal(ecert_trustedit_add(ed, &s, NULL), ECERT_ERR_INVALID);
	s.n_kinds = 0;
	assert_int_equal(ecert_trustedit_add(ed, &s, NULL), ECERT_ERR_ARG);
	/* validUntil not after validFrom */
	s = spec_a();
	s.key = fresh;
	s.valid_until = s.valid_from;
	assert_int_equal(ecert_trustedit_add(ed, &s, NULL), ECERT_ERR_INVALID);
	/* none of it changed the list: still the three entries, and it commits */
	assert_int_equal(cJSON_GetArraySize(ecert_json_arr(ecert_trustedit_json(ed), "entries")),
	                 3);
	/* a fresh key of the same issuer and name is fine */
	s = spec_a();
	s.key = fresh;
	assert_int_equal(ecert_trustedit_add(ed, &s, NULL), ECERT_OK);
	ecert_trustlist_free(commit_and_load(ed, T0));
	EVP_PKEY_free(fresh);
	ecert_trustedit_free(ed);
}

static void test_versions_and_files(void **state)
{
	char dir[] = "/tmp/ecert-trustlist-XXXXXX", path[128];
	struct ecert_trustedit *ed = NULL, *ed2 = NULL;
	struct ecert_trust_entry_spec a = spec_a();
	struct ecert_trustlist *tl = NULL;
	struct ecert_buf b = ECERT_BUF_INIT;
	struct ecert_error e;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/trust.json", dir);
	assert_int_equal(ecert_trustedit_new(root, NULL, &ed, NULL), ECERT_OK);
	/* nothing is written before it is signed */
	assert_int_equal(ecert_trustedit_write(ed, path, 1, NULL), ECERT_ERR_ARG);
	assert_int_equal(ecert_trustedit_commit(ed, T0, NULL), ECERT_OK);
	assert_int_equal(ecert_trustedit_write(ed, path, 1, NULL), ECERT_OK);
	assert_int_equal(ecert_trustedit_write(ed, path, 1, NULL), ECERT_ERR_EXISTS);
	ecert_trustedit_free(ed);
	ed = NULL;

	/* empty list: version 1, id from the root kid */
	assert_int_equal(ecert_trustlist_load(path, root_pub, &tl, NULL), ECERT_OK);
	assert_int_equal(ecert_trustlist_version(tl), 1);
	assert_int_equal(ecert_trustlist_count(tl), 0);
	assert_int_equal(ecert_trustlist_issuer_count(tl), 0);
	assert_non_null(strstr(ecert_trustlist_id(tl), ecert_trustlist_root_kid(tl)));
	ecert_trustlist_free(tl);

	/* every change bumps the version */
	assert_int_equal(ecert_trustedit_open(path, root, &ed, NULL), ECERT_OK);
	assert_int_equal(ecert_trustedit_add(ed, &a, NULL), ECERT_OK);
	assert_int_equal(ecert_trustedit_serialize(ed, &b, NULL), ECERT_ERR_ARG);
	assert_int_equal(ecert_trustedit_commit(ed, T0 + 60, NULL), ECERT_OK);
	assert_int_equal(ecert_trustedit_write(ed, path, 0, NULL), ECERT_OK);
	ecert_trustedit_free(ed);
	ed = NULL;
	assert_int_equal(ecert_trustedit_open(path, root, &ed, NULL), ECERT_OK);
	assert_int_equal(ecert_trustedit_version(ed), 2);
	assert_int_equal(ecert_trustedit_retire(ed, kid_sm2, T0 + 120, NULL), ECERT_OK);
	assert_int_equal(ecert_trustedit_commit(ed, T0 + 120, NULL), ECERT_OK);
	assert_int_equal(ecert_trustedit_write(ed, path, 0, NULL), ECERT_OK);
	assert_int_equal(ecert_trustlist_load(path, root_pub, &tl, NULL), ECERT_OK);
	assert_int_equal(ecert_trustlist_version(tl), 3);
	assert_true(ecert_trustlist_issued(tl) == T0 + 120);
	ecert_trustlist_free(tl);
	/* opening with another root fails and names the file */
	ecert_error_clear(&e);
	assert_int_equal(ecert_trustedit_open(path, root2, &ed2, &e), ECERT_ERR_TRUST);
	assert_non_null(strstr(e.where, "trust.json"));
	assert_int_equal(ecert_trustlist_load(path, root2, &tl, NULL), ECERT_ERR_TRUST);
	/* a list name */
	assert_int_equal(ecert_trustedit_new(root, "bad name", &ed2, NULL), ECERT_ERR_ARG);
	unlink(path);
	rmdir(dir);
	ecert_buf_free(&b);
	ecert_trustedit_free(ed);
}

/* Every allocation failure during a load is reported, and nothing leaks (ASan). */
static void test_load_out_of_memory(void **state)
{
	struct ecert_trustedit *ed = edit_abc();
	struct ecert_trustlist *tl = commit_and_load(ed, T0);
	size_t len;
	char *text = jcs_text(ecert_trustedit_json(ed), &len);
	long n;
	int rc;

	(void)state;
	ecert_trustlist_free(tl);
	for (n = 0;; n++) {
		tl = NULL;
		ecert_alloc_fail_after(n);
		rc = ecert_trustlist_load_mem(text, len, root_pub, &tl, NULL);
		ecert_alloc_fail_after(-1);
		if (rc == ECERT_OK)
			break;
		assert_null(tl);
		assert_true(n < 100000);
	}
	ecert_trustlist_free(tl);
	ecert_free(text);
	ecert_trustedit_free(ed);
}

/* Under allocation failure an edit either happens whole or not at all: the session is
 * unchanged after a failed add / retire / commit, and the same step then succeeds. */
static void test_edit_out_of_memory(void **state)
{
	struct ecert_trust_entry_spec b = spec_b();
	struct ecert_trustedit *base = NULL, *ed;
	char *before, *after;
	long n;
	int rc, done = 0;

	(void)state;
	/* new and add: a failure reports NOMEM, leaks nothing, and a failed add leaves the
	 * list as it was */
	for (n = 0; !done; n++) {
		assert_true(n < 100000);
		ed = NULL;
		ecert_alloc_fail_after(n);
		rc = ecert_trustedit_new(root, NULL, &ed, NULL);
		ecert_alloc_fail_after(-1);
		if (rc != ECERT_OK) {
			assert_int_equal(rc, ECERT_ERR_NOMEM);
			assert_null(ed);
			continue;
		}
		ecert_alloc_fail_after(n);
		rc = ecert_trustedit_add(ed, &b, NULL);
		ecert_alloc_fail_after(-1);
		if (rc == ECERT_OK)
			done = 1;
		else
			assert_int_equal(
			    cJSON_GetArraySize(ecert_json_arr(ecert_trustedit_json(ed), "entries")),
			    0);
		ecert_trustedit_free(ed);
	}
	done = 0;
	assert_int_equal(ecert_trustedit_new(root, NULL, &base, NULL), ECERT_OK);
	assert_int_equal(ecert_trustedit_add(base, &b, NULL), ECERT_OK);
	assert_int_equal(ecert_trustedit_commit(base, T0, NULL), ECERT_OK);
	for (n = 0; !done; n++) {
		assert_true(n < 100000);
		ed = NULL;
		assert_int_equal(
		    ecert_trustedit_open_json(ecert_trustedit_json(base), root, &ed, NULL),
		    ECERT_OK);
		before = cJSON_PrintUnformatted(ecert_trustedit_json(ed));
		assert_non_null(before);
		ecert_alloc_fail_after(n);
		rc = ecert_trustedit_retire(ed, kid_ed, T0 + DAY, NULL);
		ecert_alloc_fail_after(-1);
		if (rc != ECERT_OK) {
			assert_int_equal(rc, ECERT_ERR_NOMEM);
			after = cJSON_PrintUnformatted(ecert_trustedit_json(ed));
			assert_string_equal(before, after);
			cJSON_free(after);
			assert_int_equal(ecert_trustedit_retire(ed, kid_ed, T0 + DAY, NULL),
			                 ECERT_OK);
		}
		cJSON_free(before);
		before = cJSON_PrintUnformatted(ecert_trustedit_json(ed));
		assert_non_null(before);
		ecert_alloc_fail_after(n);
		rc = ecert_trustedit_commit(ed, T0 + DAY, NULL);
		ecert_alloc_fail_after(-1);
		if (rc == ECERT_OK) {
			done = 1;
		} else {
			after = cJSON_PrintUnformatted(ecert_trustedit_json(ed));
			assert_string_equal(before, after);
			cJSON_free(after);
			assert_int_equal(ecert_trustedit_version(ed), 1);
			assert_int_equal(ecert_trustedit_commit(ed, T0 + DAY, NULL), ECERT_OK);
		}
		/* committed, retired, one version up */
		assert_int_equal(ecert_trustedit_version(ed), 2);
		assert_string_equal(
		    ecert_json_str(
		        cJSON_GetArrayItem(ecert_json_arr(ecert_trustedit_json(ed), "entries"), 0),
		        "status"),
		    "retired");
		cJSON_free(before);
		ecert_trustedit_free(ed);
	}
	ecert_trustedit_free(base);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_roundtrip),
	    cmocka_unit_test(test_edited_after_signing),
	    cmocka_unit_test(test_every_byte_flipped),
	    cmocka_unit_test(test_other_root),
	    cmocka_unit_test(test_signed_but_malformed),
	    cmocka_unit_test(test_scope_kind_series_occupation),
	    cmocka_unit_test(test_prefix_match),
	    cmocka_unit_test(test_trust_rules),
	    cmocka_unit_test(test_validity_window),
	    cmocka_unit_test(test_clock_skew),
	    cmocka_unit_test(test_retired),
	    cmocka_unit_test(test_compromised),
	    cmocka_unit_test(test_add_refusals),
	    cmocka_unit_test(test_versions_and_files),
	    cmocka_unit_test(test_load_out_of_memory),
	    cmocka_unit_test(test_edit_out_of_memory),
	};

	if (ecert_init() != 0)
		return 1;
	return cmocka_run_group_tests(tests, setup, teardown);
}
