/* cmocka: allocation failure at each allocation site of the verify and the issue paths
 * (ecert_alloc_fail_after, built with ECERT_FAULT_INJECTION).
 *
 * For n = 0, 1, 2, … the whole path runs with the n-th allocation failing, until a run
 * makes no more than n allocations: that run had no failure and must succeed. Twice:
 * with every allocation from the n-th on failing (ecert_alloc_fail_after: the usual
 * out-of-memory), then with only the n-th failing (ecert_alloc_fail_nth), which shows a
 * failure that a caller swallows. A run in which an allocation failed must fail
 * cleanly — return ECERT_ERR_NOMEM (for a verification: the first failed check says
 * ECERT_ERR_NOMEM), never crash, never leak (the ASan build's LeakSanitizer checks at
 * exit), and on the issue path leave no file behind, neither output nor temp file — or,
 * with only one failure, succeed with exactly the result of a run without failures.
 *
 * Only our allocation sites are covered: ecert_malloc/_calloc/_realloc and cJSON (whose
 * hooks ecert_init installs). OpenSSL, zlib, libqrencode, libpng and zbar allocate through
 * their own allocators, which this hook does not reach; their failures come back to us
 * as error returns that the modules' own tests exercise where they can. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "ecert/alloc.h"
#include "ecert/certbuild.h"
#include "ecert/file.h"
#include "ecert/idnum.h"
#include "ecert/jcs.h"
#include "ecert/json.h"
#include "ecert/qrimage.h"
#include "ecert/qrpayload.h"
#include "ecert/record.h"
#include "ecert/sign.h"
#include "ecert/statuslist.h"
#include "ecert/trustedit.h"
#include "ecert/trustlist.h"
#include "ecert/verify.h"

#define USCC "52220000MJ09277315"
#define ISSUER "urn:uscc:" USCC
#define ISSUER_NAME "吉林省汽车工业职业技能等级认定中心"
#define HOLDER_ID "220104198001012512"
#define T_LIST 1735660800   /* 2025-01-01T00:00:00+08:00 */
#define T_ISSUED 1751335200 /* 2025-07-01T10:00:00+08:00 */
#define T_NOW 1767196800    /* 2026-01-01T00:00:00+08:00 */
#define CREATED "2025-07-01T10:00:00+08:00"
#define STATUS_INDEX 3
#define REVOKED_INDEX 4
#define NUMBER "JL-T-2025-000342"
/* No path here makes anywhere near this many allocations: a loop that gets there is
 * stuck (an allocation failure that is retried forever). */
#define MAX_RUNS 200000
#define PATH_LEN 512

static const char title_rec[] =
    "{\"kind\":\"title\",\"certificateNumber\":\"" NUMBER "\",\"name\":\"孙立军\","
    "\"idNumber\":\"" HOLDER_ID "\",\"gender\":\"男\",\"employer\":\"长春市第一汽车技工学校\","
    "\"series\":\"工程\",\"specialty\":\"机械制造\",\"level\":\"中级\",\"titleName\":\"工程师\","
    "\"qualifiedOn\":\"2025-06-25\",\"approvalDocument\":\"吉人社职字〔2025〕58号\","
    "\"evaluationMethod\":\"评审\",\"validFrom\":\"2025-06-30\"}";

static EVP_PKEY *root, *sm2_key, *ed_key;
static char sm2_kid[ECERT_KID_LEN + 1], ed_kid[ECERT_KID_LEN + 1];
static char list_id[ECERT_STATUSLIST_ID_MAX + 1], ed_list_id[ECERT_STATUSLIST_ID_MAX + 1];
static char digest[ECERT_ID_DIGEST_SIZE];
static struct ecert_buf trust_text = ECERT_BUF_INIT, status_text = ECERT_BUF_INIT;
static struct ecert_buf qr_text = ECERT_BUF_INIT;
static cJSON *record;
static struct ecert_record_info info;

static void must(int rc, const struct ecert_error *err)
{
	if (rc != ECERT_OK)
		fail_msg("set-up: %s: %s: %s", ecert_errname(rc), err->where, err->msg);
}

static void params_of(struct ecert_certbuild_params *p, const char *status_list)
{
	memset(p, 0, sizeof(*p));
	p->issuer_id = ISSUER;
	p->issuer_name = ISSUER_NAME;
	p->status_list_id = status_list;
	p->status_index = STATUS_INDEX;
	p->id_digest = digest;
	p->issued_at = T_ISSUED;
}

/* Without faults: keys, a trust list naming both issuer keys, an SM2-signed certificate
 * as QR text and its key's status list (another index revoked). */
static int setup(void **state)
{
	static const uint8_t salt[ECERT_IDNUM_SALT_LEN] = {9, 8, 7, 6, 5, 4, 3, 2,
	                                                   1, 0, 1, 2, 3, 4, 5, 6};
	static const char *const kinds[] = {ECERT_KIND_TITLE, ECERT_KIND_SKILL};
	struct ecert_certbuild_params p;
	struct ecert_trust_entry_spec s;
	struct ecert_trustedit *ed = NULL;
	struct ecert_statuslist *sl = NULL;
	struct ecert_error err;
	cJSON *doc = NULL;
	char vm[128];

	(void)state;
	ecert_error_clear(&err);
	must(ecert_key_generate(ECERT_ALG_SM2, &root, &err), &err);
	must(ecert_key_generate(ECERT_ALG_SM2, &sm2_key, &err), &err);
	must(ecert_key_generate(ECERT_ALG_ED25519, &ed_key, &err), &err);
	must(ecert_key_kid(sm2_key, sm2_kid, &err), &err);
	must(ecert_key_kid(ed_key, ed_kid, &err), &err);
	must(ecert_statuslist_make_id(ISSUER, sm2_kid, list_id, &err), &err);
	must(ecert_statuslist_make_id(ISSUER, ed_kid, ed_list_id, &err), &err);
	must(ecert_idnum_digest(HOLDER_ID, salt, digest, &err), &err);

	must(ecert_trustedit_new(root, "faults", &ed, &err), &err);
	memset(&s, 0, sizeof(s));
	s.issuer_id = ISSUER;
	s.issuer_name = ISSUER_NAME;
	s.kinds = kinds;
	s.n_kinds = 2;
	s.valid_from = T_LIST - 86400;
	s.key = sm2_key;
	must(ecert_trustedit_add(ed, &s, &err), &err);
	s.key = ed_key;
	s.multibase = 1;
	must(ecert_trustedit_add(ed, &s, &err), &err);
	must(ecert_trustedit_commit(ed, T_LIST, &err), &err);
	must(ecert_trustedit_serialize(ed, &trust_text, &err), &err);
	ecert_trustedit_free(ed);

	must(ecert_json_parse(title_rec, strlen(title_rec), NULL, &record, &err), &err);
	must(ecert_record_validate(NULL, NULL, record, ECERT_RECORD_ANY, &info, &err), &err);
	params_of(&p, list_id);
	must(ecert_certbuild_document(record, &info, &p, &doc, &err), &err);
	snprintf(vm, sizeof(vm), "%s#%s", ISSUER, sm2_kid);
	must(ecert_proof_sign(doc, sm2_key, vm, CREATED, &err), &err);
	must(ecert_qr_encode(doc, &qr_text, &err), &err);
	cJSON_Delete(doc);
	doc = NULL;

	must(ecert_statuslist_new(ECERT_STATUSLIST_MIN_BITS, &sl, &err), &err);
	must(ecert_statuslist_set(sl, REVOKED_INDEX, 1, &err), &err);
	must(ecert_statuslist_build(sl, list_id, ISSUER, ISSUER_NAME, CREATED, NULL, &doc, &err),
	     &err);
	must(ecert_proof_sign(doc, sm2_key, vm, CREATED, &err), &err);
	must(ecert_jcs_serialize(doc, &status_text, &err), &err);
	cJSON_Delete(doc);
	ecert_statuslist_free(sl);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	EVP_PKEY_free(root);
	EVP_PKEY_free(sm2_key);
	EVP_PKEY_free(ed_key);
	ecert_buf_free(&trust_text);
	ecert_buf_free(&status_text);
	ecert_buf_free(&qr_text);
	cJSON_Delete(record);
	return 0;
}

/* Skip when the library was built without the hook (-DECERT_FAULT_INJECTION=OFF). */
static void need_fault_injection(void)
{
	void *p;

	ecert_alloc_fail_after(0);
	p = ecert_malloc(1);
	ecert_alloc_fail_after(-1);
	if (p) {
		ecert_free(p);
		skip();
	}
}

/* How a run fails: from the n-th allocation on (every later one fails too: the usual
 * out-of-memory), or only the n-th (the others succeed: a failure that is swallowed and
 * leaves a result incomplete then shows, instead of being masked by later failures). */
enum mode { FROM_NTH, ONLY_NTH };

static const char *const mode_names[] = {"from the n-th allocation on", "only the n-th"};

static long arm(enum mode m, long n)
{
	return m == FROM_NTH ? ecert_alloc_fail_after(n) : ecert_alloc_fail_nth(n);
}

/* ---- verify ---- */

static char good_digest[ECERT_VERIFY_DIGEST_SIZE];

/* The verifier's path from its inputs' bytes: load the trust list, make the verifier, add
 * the status list, verify the QR text, render the result as JSON. Returns ECERT_OK with a
 * valid, revocation-checked result, or the code of what failed (for the verification:
 * the first failed check's). */
static int verify_once(void)
{
	struct ecert_verify_opts o = {T_NOW, HOLDER_ID, 1};
	struct ecert_trustlist *tl = NULL;
	struct ecert_verifier *v = NULL;
	struct ecert_verify_result res;
	struct ecert_error err;
	char cert_digest[ECERT_VERIFY_DIGEST_SIZE];
	cJSON *j = NULL;
	int rc, i;

	ecert_error_clear(&err);
	memset(&res, 0, sizeof(res));
	rc = ecert_trustlist_load_mem((const char *)trust_text.data, trust_text.len, root, &tl,
	                              &err);
	if (rc != ECERT_OK) {
		assert_null(tl);
		goto out;
	}
	rc = ecert_verifier_new(tl, &v, &err);
	if (rc != ECERT_OK)
		goto out;
	rc = ecert_verifier_add_status(v, (const char *)status_text.data, status_text.len,
	                               "status.json", &err);
	if (rc != ECERT_OK)
		goto out;
	rc = ecert_verify(v, &o, ECERT_INPUT_AUTO, qr_text.data, qr_text.len, &res);
	if (!res.valid) {
		for (i = 0; i < ECERT_CHECK__COUNT && res.checks[i].state != ECERT_CHECK_FAILED;
		     i++)
			;
		assert_true(i < ECERT_CHECK__COUNT);
		assert_int_equal(rc, res.checks[i].code);
		if (rc != ECERT_ERR_NOMEM)
			print_message("verify: check %s failed with %s: %s\n",
			              ecert_check_name((enum ecert_check_id)i), ecert_errname(rc),
			              res.checks[i].detail);
		goto out;
	}
	assert_int_equal(rc, ECERT_OK);
	j = ecert_verify_result_json(&res);
	if (!j) {
		rc = ECERT_ERR_NOMEM;
		goto out;
	}
	/* a valid result is complete: what a run without failures gives */
	assert_int_equal(res.status, ECERT_STATUS_GOOD);
	rc = ecert_verify_digest(&res, cert_digest, &err);
	if (rc != ECERT_OK)
		goto out;
	if (!good_digest[0])
		memcpy(good_digest, cert_digest, sizeof(good_digest));
	assert_string_equal(cert_digest, good_digest);
	assert_non_null(res.certificate);
out:
	if (rc != ECERT_OK && rc != ECERT_ERR_NOMEM)
		print_message("verify: %s at %s: %s\n", ecert_errname(rc), err.where, err.msg);
	cJSON_Delete(j);
	ecert_verify_result_free(&res);
	ecert_verifier_free(v);
	ecert_trustlist_free(tl);
	return rc;
}

/* In ONLY_NTH mode a run may also succeed: then its result must be complete (verify_once
 * checks it against the fault-free one). */
static void verify_faults(enum mode m)
{
	long n, made, failed = 0, survived = 0;
	int rc;

	for (n = 0;; n++) {
		assert_true(n < MAX_RUNS);
		arm(m, n);
		rc = verify_once();
		made = arm(m, -1);
		if (made <= n) {
			/* no allocation failed: the run must succeed */
			assert_int_equal(rc, ECERT_OK);
			break;
		}
		if (rc == ECERT_OK && m == FROM_NTH)
			fail_msg("allocation %ld of %ld failed, yet verification succeeded", n + 1,
			         made);
		if (rc == ECERT_OK) {
			survived++;
			continue;
		}
		if (rc != ECERT_ERR_NOMEM)
			fail_msg("allocation %ld of %ld failed (%s): %s, not %s", n + 1, made,
			         mode_names[m], ecert_errname(rc), ecert_errname(ECERT_ERR_NOMEM));
		failed++;
	}
	print_message(
	    "verify path, failing %s: %ld allocations, each made to fail: %ld clean NOMEM, %ld "
	    "complete results\n",
	    mode_names[m], n, failed, survived);
	assert_true(failed > 100);
}

static void test_verify_path(void **state)
{
	(void)state;
	need_fault_injection();
	assert_int_equal(verify_once(), ECERT_OK);
	verify_faults(FROM_NTH);
	verify_faults(ONLY_NTH);
}

/* ---- issue ---- */

static char dir[PATH_LEN];

/* Names of the entries of dir (other than . and ..), joined by spaces, into out. */
static size_t list_dir(char *out, size_t size)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t n = 0;

	assert_non_null(d);
	out[0] = '\0';
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		n++;
		strncat(out, de->d_name, size - strlen(out) - 2);
		strcat(out, " ");
	}
	closedir(d);
	return n;
}

static void write_out(const char *ext, const struct ecert_buf *b, int *rc, struct ecert_error *err)
{
	char path[PATH_LEN + 64];

	if (*rc != ECERT_OK)
		return;
	snprintf(path, sizeof(path), "%s/%s.%s", dir, NUMBER, ext);
	*rc = ecert_file_write_atomic(path, b->data, b->len, 0644, 1, err);
}

/* The issuer's steps one by one: build the document, sign it (Ed25519: the same bytes
 * every time), its JCS file, the QR text and PNG, then the two files. */
static int issue_steps(struct ecert_buf *json, struct ecert_buf *png)
{
	struct ecert_certbuild_params p;
	struct ecert_buf qr = ECERT_BUF_INIT;
	struct ecert_error err;
	cJSON *doc = NULL;
	char vm[128];
	int rc;

	ecert_error_clear(&err);
	params_of(&p, ed_list_id);
	snprintf(vm, sizeof(vm), "%s#%s", ISSUER, ed_kid);
	rc = ecert_certbuild_document(record, &info, &p, &doc, &err);
	if (rc == ECERT_OK)
		rc = ecert_proof_sign(doc, ed_key, vm, CREATED, &err);
	if (rc == ECERT_OK)
		rc = ecert_jcs_serialize(doc, json, &err);
	if (rc == ECERT_OK)
		rc = ecert_qr_encode(doc, &qr, &err);
	if (rc == ECERT_OK)
		rc = ecert_qrimage_png((const char *)qr.data, qr.len, NULL, png, &err);
	write_out("json", json, &rc, &err);
	write_out("png", png, &rc, &err);
	if (rc != ECERT_OK && rc != ECERT_ERR_NOMEM)
		print_message("issue: %s at %s: %s\n", ecert_errname(rc), err.where, err.msg);
	cJSON_Delete(doc);
	ecert_buf_free(&qr);
	return rc;
}

/* The library's one-certificate path (what ecert-issuer calls), then the two files. */
static int issue_certbuild(struct ecert_buf *json, struct ecert_buf *png)
{
	struct ecert_certbuild_params p;
	struct ecert_certbuild_output out;
	struct ecert_error err;
	char vm[128];
	int rc;

	ecert_error_clear(&err);
	memset(&out, 0, sizeof(out));
	params_of(&p, ed_list_id);
	snprintf(vm, sizeof(vm), "%s#%s", ISSUER, ed_kid);
	rc = ecert_certbuild_issue(record, &info, &p, ed_key, ed_key, vm, ECERT_CERTBUILD_PNG, NULL,
	                           &out, &err);
	if (rc == ECERT_OK) {
		assert_null(json->data);
		*json = out.json;
		*png = out.png;
		memset(&out.json, 0, sizeof(out.json));
		memset(&out.png, 0, sizeof(out.png));
	}
	write_out("json", json, &rc, &err);
	write_out("png", png, &rc, &err);
	if (rc != ECERT_OK && rc != ECERT_ERR_NOMEM)
		print_message("issue: %s at %s: %s\n", ecert_errname(rc), err.where, err.msg);
	ecert_certbuild_output_free(&out);
	return rc;
}

static void remove_outputs(void)
{
	char path[PATH_LEN + 64];

	snprintf(path, sizeof(path), "%s/%s.json", dir, NUMBER);
	unlink(path);
	snprintf(path, sizeof(path), "%s/%s.png", dir, NUMBER);
	unlink(path);
}

static void issue_faults(int (*issue)(struct ecert_buf *, struct ecert_buf *), const char *name,
                         enum mode m, const struct ecert_buf *ref_json,
                         const struct ecert_buf *ref_png)
{
	struct ecert_buf json = ECERT_BUF_INIT, png = ECERT_BUF_INIT;
	char names[1024];
	long n, made, failed = 0, survived = 0;
	int rc;

	for (n = 0;; n++) {
		assert_true(n < MAX_RUNS);
		arm(m, n);
		rc = issue(&json, &png);
		made = arm(m, -1);
		if (rc == ECERT_OK) {
			if (made > n && m == FROM_NTH)
				fail_msg("%s: allocation %ld of %ld failed, yet issuing succeeded",
				         name, n + 1, made);
			/* what it wrote is exactly the fault-free outputs, nothing else */
			assert_int_equal(list_dir(names, sizeof(names)), 2);
			assert_int_equal(json.len, ref_json->len);
			assert_memory_equal(json.data, ref_json->data, json.len);
			assert_int_equal(png.len, ref_png->len);
			assert_memory_equal(png.data, ref_png->data, png.len);
			remove_outputs();
		} else {
			assert_true(made > n); /* no allocation failed, but the run did */
			if (rc != ECERT_ERR_NOMEM)
				fail_msg("%s: allocation %ld of %ld failed (%s): %s, not %s", name,
				         n + 1, made, mode_names[m], ecert_errname(rc),
				         ecert_errname(ECERT_ERR_NOMEM));
			/* nothing on disk: no output file, no temp file */
			if (list_dir(names, sizeof(names)) != 0)
				fail_msg("%s: allocation %ld failed and left: %s", name, n + 1,
				         names);
		}
		ecert_buf_free(&json);
		ecert_buf_free(&png);
		if (made <= n)
			break;
		if (rc == ECERT_OK)
			survived++;
		else
			failed++;
	}
	print_message("%s, failing %s: %ld allocations, each made to fail: %ld clean NOMEM with no "
	              "file left, "
	              "%ld complete\n",
	              name, mode_names[m], n, failed, survived);
	assert_true(failed > 50);
}

static void check_issue_path(int (*issue)(struct ecert_buf *, struct ecert_buf *), const char *name)
{
	struct ecert_buf ref_json = ECERT_BUF_INIT, ref_png = ECERT_BUF_INIT;
	char names[1024];

	need_fault_injection();
	snprintf(dir, sizeof(dir), "%s/ecert-faults-XXXXXX",
	         getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	assert_non_null(mkdtemp(dir));
	/* the fault-free outputs to compare with */
	assert_int_equal(issue(&ref_json, &ref_png), ECERT_OK);
	assert_int_equal(list_dir(names, sizeof(names)), 2);
	remove_outputs();
	issue_faults(issue, name, FROM_NTH, &ref_json, &ref_png);
	issue_faults(issue, name, ONLY_NTH, &ref_json, &ref_png);
	assert_int_equal(rmdir(dir), 0);
	ecert_buf_free(&ref_json);
	ecert_buf_free(&ref_png);
}

static void test_issue_steps(void **state)
{
	(void)state;
	check_issue_path(issue_steps, "issue (steps)");
}

static void test_issue_certbuild(void **state)
{
	(void)state;
	check_issue_path(issue_certbuild, "issue (ecert_certbuild_issue)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_verify_path),
	    cmocka_unit_test(test_issue_steps),
	    cmocka_unit_test(test_issue_certbuild),
	};

	if (ecert_init() != ECERT_OK)
		return 1;
	return cmocka_run_group_tests(tests, setup, teardown);
}
