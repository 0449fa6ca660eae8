/* fuzz_verify: the verification pipeline (ecert_verify, DESIGN §3–5, §7) over arbitrary
 * bytes, against the fixed trust setting of fixture.h (trust list version 1, the SM2
 * key's status list).
 *
 * The input is verified as ECERT_INPUT_AUTO (QR text unless it starts with '{'), at the
 * fixture's clock, with the holder's ID number, and with revocation required when the
 * input's length is odd. The result must keep the contract of verifycheck.h: never a
 * crash, a well-formed result JSON, valid only if all checks passed, nothing run after
 * the first failed check.
 *
 * A fuzzer cannot forge a signature, so on its own it never gets past the signature
 * check. So a second mode: an input that is a JSON object without "proof" is signed with
 * the listed key for its type (titles SM2, everything else the Ed25519 skill key,
 * verificationMethod "<fixture issuer>#<kid>") and verified as JSON, which takes the
 * fuzzer into trust, scope, validity, status and holder. There:
 *   - our own signature over a schema-valid document always verifies (signing and
 *     verifying canonicalise the same way);
 *   - the document's QR text (ecert_qr_encode) verifies to the same checks, states and
 *     codes as its JSON, unless it is too long for a QR code. */
#include <string.h>

#include "ecert/json.h"
#include "ecert/qrpayload.h"
#include "ecert/verify.h"
#include "fixture.h"
#include "fuzz.h"
#include "verifycheck.h"

/* The verifier's bound on certificate JSON (verify.c: four times a decoded QR payload). */
#define CERT_JSON_MAX (ECERT_QR_DOC_MAX * 4)

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *dir;
	cJSON *doc;
	char *pretty;

	fx_setup();
	dir = fx_seed_dir(*argc, *argv);
	if (!dir)
		return 0;
	/* good (status checked), revoked, skill (no status list: unchecked) */
	doc = fx_cert(fx_title_tmpl, FX_SM2, FX_GOOD_INDEX, FX_CREATED);
	fx_write_doc(dir, "title", doc, 1);
	pretty = cJSON_Print(doc);
	FX_MUST(pretty, "print");
	fx_write_seed(dir, "title-pretty.json", pretty, strlen(pretty));
	cJSON_free(pretty);
	cJSON_Delete(doc);
	doc = fx_cert(fx_title_tmpl, FX_SM2, FX_REVOKED_INDEX, FX_CREATED);
	fx_write_doc(dir, "title-revoked", doc, 1);
	cJSON_Delete(doc);
	doc = fx_cert(fx_skill_tmpl, FX_ED, FX_GOOD_INDEX, FX_CREATED);
	fx_write_doc(dir, "skill", doc, 1);
	cJSON_Delete(doc);
	/* the retired key: before its retirement (valid), after (scope) */
	doc = fx_cert(fx_skill_tmpl, FX_RETIRED, FX_GOOD_INDEX, FX_CREATED);
	fx_write_doc(dir, "retired-before", doc, 1);
	cJSON_Delete(doc);
	doc = fx_cert(fx_title_tmpl, FX_RETIRED, FX_GOOD_INDEX, FX_CREATED_LATE);
	fx_write_doc(dir, "retired-after", doc, 1);
	cJSON_Delete(doc);
	/* for the signing mode */
	doc = fx_cert_unsigned(fx_title_tmpl, FX_SM2, FX_GOOD_INDEX);
	fx_write_doc(dir, "title-unsigned", doc, 0);
	cJSON_Delete(doc);
	doc = fx_cert_unsigned(fx_skill_tmpl, FX_ED, FX_REVOKED_INDEX);
	fx_write_doc(dir, "skill-unsigned", doc, 0);
	cJSON_Delete(doc);
	return 0;
}

static int verify_checked(enum ecert_input in, const void *data, size_t len, int require_status,
                          struct ecert_verify_result *res)
{
	struct ecert_verify_opts o = {FX_T_NOW, FX_HOLDER_ID, require_status};
	int rc;

	rc = ecert_verify(fx.ver, &o, in, data, len, res);
	vc_check_result(res, rc, 1, require_status);
	return rc;
}

/* Sign an unsigned document and verify it as JSON and as QR text. */
static void sign_mode(cJSON *doc, int require_status)
{
	struct ecert_verify_result rj, rq;
	struct ecert_buf canon = ECERT_BUF_INIT, qr = ECERT_BUF_INIT;
	struct ecert_error err;
	enum fx_key k = fx_signer_for(doc);
	char vm[FX_VM_MAX];
	int rc, i;

	ecert_error_clear(&err);
	fx_vm(k, vm);
	if (ecert_proof_sign(doc, fx.key[k], vm, FX_CREATED, &err) != ECERT_OK)
		return;
	rc = ecert_jcs_serialize(doc, &canon, &err);
	FUZZ_CHECK(rc == ECERT_OK, "signed, but no JCS form: %s (%s)", ecert_errname(rc), err.msg);
	verify_checked(ECERT_INPUT_JSON, canon.data, canon.len, require_status, &rj);
	if (rj.checks[ECERT_CHECK_SCHEMA].state == ECERT_CHECK_PASSED &&
	    rj.checks[ECERT_CHECK_TRUST].state != ECERT_CHECK_FAILED)
		FUZZ_CHECK(rj.checks[ECERT_CHECK_SIGNATURE].state == ECERT_CHECK_PASSED,
		           "our own signature (key %s) does not verify: %s", fx.kid[k],
		           rj.checks[ECERT_CHECK_SIGNATURE].detail);

	rc = ecert_qr_encode(doc, &qr, &err);
	if (rc == ECERT_OK) {
		verify_checked(ECERT_INPUT_QR_TEXT, qr.data, qr.len, require_status, &rq);
		FUZZ_CHECK(rq.valid == rj.valid, "QR text valid %d, JSON valid %d", rq.valid,
		           rj.valid);
		for (i = ECERT_CHECK_SCHEMA; i < ECERT_CHECK__COUNT; i++)
			FUZZ_CHECK(rq.checks[i].state == rj.checks[i].state &&
			               rq.checks[i].code == rj.checks[i].code,
			           "check %s: QR text %d/%s, JSON %d/%s", vc_name(i),
			           rq.checks[i].state, ecert_errname(rq.checks[i].code),
			           rj.checks[i].state, ecert_errname(rj.checks[i].code));
		if (rq.kind && rj.kind) {
			char dq[ECERT_VERIFY_DIGEST_SIZE], dj[ECERT_VERIFY_DIGEST_SIZE];

			FUZZ_CHECK(ecert_verify_digest(&rq, dq, &err) == ECERT_OK &&
			               ecert_verify_digest(&rj, dj, &err) == ECERT_OK &&
			               strcmp(dq, dj) == 0,
			           "digest differs: %s / %s", dq, dj);
		}
		ecert_verify_result_free(&rq);
	} else {
		FUZZ_CHECK(rc == ECERT_ERR_QR_SIZE, "QR encoding of a signed document: %s (%s)",
		           ecert_errname(rc), err.msg);
	}
	ecert_verify_result_free(&rj);
	ecert_buf_free(&qr);
	ecert_buf_free(&canon);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ecert_json_limits lim = {CERT_JSON_MAX, 0};
	struct ecert_verify_result res;
	int require_status = (int)(size & 1);
	cJSON *doc = NULL;

	verify_checked(ECERT_INPUT_AUTO, data, size, require_status, &res);
	ecert_verify_result_free(&res);

	if (size > 0 && data[0] == '{' &&
	    ecert_json_parse((const char *)data, size, &lim, &doc, NULL) == ECERT_OK) {
		if (cJSON_IsObject(doc) && !cJSON_GetObjectItemCaseSensitive(doc, "proof"))
			sign_mode(doc, require_status);
		cJSON_Delete(doc);
	}
	return 0;
}
