/* ecert — the contract of one verification result (verify.h), checked by fuzz_verify and,
 * for each evidence certificate of a claim, by fuzz_claim:
 *
 *   - every check is not run, failed or passed; a passed check has code ECERT_OK, a
 *     failed one a code other than ECERT_OK and a detail;
 *   - at most one check failed, and every check after it was not run (the pipeline
 *     stops at the first failure); every check before it passed, except the signature
 *     check when the trust check failed (no listed key to check it with) and the status
 *     check when no list was at hand and none was required;
 *   - valid only if all checks passed: decode … validity passed, status passed or was
 *     not run when not required, holder passed when an ID number was given and was not
 *     run otherwise; then the kind and the certificate are there, and a digest can be computed;
 *   - not valid means some check failed, and the return code is that check's code;
 *   - the status outcome agrees with the status check;
 *   - the result as JSON (ecert_verify_result_json) says the same, printed it is
 *     well-formed strict JSON (valid UTF-8 included: details quote the input). */
#ifndef ECERT_FUZZ_VERIFYCHECK_H
#define ECERT_FUZZ_VERIFYCHECK_H

#include <string.h>

#include "ecert/json.h"
#include "ecert/verify.h"
#include "fuzz.h"

/* Bounds for re-reading a printed result: a certificate of up to 64 KiB, its depth plus
 * the wrapper's. */
#define VC_JSON_MAX ((size_t)1 << 20)
#define VC_JSON_DEPTH 64
#define VC_DIGEST_LEN (4 + 64)

static inline const char *vc_name(int i)
{
	return ecert_check_name((enum ecert_check_id)i);
}

/* rc: what ecert_verify returned, or -1 when not known (claim evidence). */
static inline void vc_check_result(const struct ecert_verify_result *res, int rc, int holder_asked,
                                   int require_status)
{
	struct ecert_json_limits lim = {VC_JSON_MAX, VC_JSON_DEPTH};
	struct ecert_error err, derr;
	cJSON *j, *back = NULL;
	const cJSON *checks, *c, *ok;
	char *printed, digest[ECERT_VERIFY_DIGEST_SIZE] = "";
	int i, first = -1, prc;

	for (i = 0; i < ECERT_CHECK__COUNT; i++) {
		const struct ecert_check *k = &res->checks[i];

		FUZZ_CHECK(k->state == ECERT_CHECK_NOT_RUN || k->state == ECERT_CHECK_FAILED ||
		               k->state == ECERT_CHECK_PASSED,
		           "check %s: state %d", vc_name(i), k->state);
		FUZZ_CHECK(memchr(k->detail, '\0', sizeof(k->detail)) != NULL,
		           "check %s: detail not terminated", vc_name(i));
		if (k->state == ECERT_CHECK_PASSED)
			FUZZ_CHECK(k->code == ECERT_OK, "check %s passed with code %s", vc_name(i),
			           ecert_errname(k->code));
		if (k->state == ECERT_CHECK_FAILED) {
			FUZZ_CHECK(k->code > ECERT_OK && k->code < ECERT_ERR__COUNT &&
			               k->detail[0] != '\0',
			           "check %s failed with code %d, detail \"%s\"", vc_name(i),
			           k->code, k->detail);
			if (first < 0)
				first = i;
		}
	}
	FUZZ_CHECK(res->valid == 0 || res->valid == 1, "valid = %d", res->valid);
	if (first >= 0) {
		for (i = first + 1; i < ECERT_CHECK__COUNT; i++)
			FUZZ_CHECK(res->checks[i].state == ECERT_CHECK_NOT_RUN,
			           "check %s ran (state %d) after %s failed (%s)", vc_name(i),
			           res->checks[i].state, vc_name(first), res->checks[first].detail);
		for (i = 0; i < first; i++)
			FUZZ_CHECK(res->checks[i].state == ECERT_CHECK_PASSED ||
			               (i == ECERT_CHECK_SIGNATURE && first == ECERT_CHECK_TRUST) ||
			               (i == ECERT_CHECK_STATUS && !require_status &&
			                res->checks[i].state == ECERT_CHECK_NOT_RUN),
			           "check %s did not pass (state %d) before %s failed", vc_name(i),
			           res->checks[i].state, vc_name(first));
	}
	if (res->valid) {
		FUZZ_CHECK(first < 0, "valid although %s failed", vc_name(first));
		for (i = ECERT_CHECK_DECODE; i <= ECERT_CHECK_VALIDITY; i++)
			FUZZ_CHECK(res->checks[i].state == ECERT_CHECK_PASSED,
			           "valid although %s did not pass (state %d)", vc_name(i),
			           res->checks[i].state);
		FUZZ_CHECK(res->checks[ECERT_CHECK_STATUS].state == ECERT_CHECK_PASSED ||
		               (!require_status &&
		                res->checks[ECERT_CHECK_STATUS].state == ECERT_CHECK_NOT_RUN),
		           "valid with status state %d (required: %d)",
		           res->checks[ECERT_CHECK_STATUS].state, require_status);
		FUZZ_CHECK(res->checks[ECERT_CHECK_HOLDER].state ==
		               (holder_asked ? ECERT_CHECK_PASSED : ECERT_CHECK_NOT_RUN),
		           "valid with holder state %d (ID number given: %d)",
		           res->checks[ECERT_CHECK_HOLDER].state, holder_asked);
		FUZZ_CHECK(res->kind && res->certificate, "valid without kind or certificate");
		FUZZ_CHECK(ecert_verify_digest(res, digest, &derr) == ECERT_OK &&
		               strncmp(digest, "sm3:", 4) == 0 && strlen(digest) == VC_DIGEST_LEN,
		           "valid with digest \"%s\"", digest);
		FUZZ_CHECK(rc < 0 || rc == ECERT_OK, "valid but returned %s", ecert_errname(rc));
	} else {
		FUZZ_CHECK(first >= 0, "not valid but no check failed");
		FUZZ_CHECK(rc < 0 || rc == res->checks[first].code,
		           "returned %s, the first failed check (%s) says %s", ecert_errname(rc),
		           vc_name(first), ecert_errname(res->checks[first].code));
	}
	FUZZ_CHECK((res->checks[ECERT_CHECK_SCHEMA].state == ECERT_CHECK_PASSED) ==
	               (res->kind != NULL),
	           "schema state %d, kind %s", res->checks[ECERT_CHECK_SCHEMA].state,
	           res->kind ? res->kind : "(none)");
	if (res->kind)
		FUZZ_CHECK(strcmp(res->kind, "title") == 0 || strcmp(res->kind, "skill") == 0,
		           "kind \"%s\"", res->kind);
	switch (res->status) {
	case ECERT_STATUS_REVOKED:
		FUZZ_CHECK(res->checks[ECERT_CHECK_STATUS].state == ECERT_CHECK_FAILED &&
		               res->checks[ECERT_CHECK_STATUS].code == ECERT_ERR_REVOKED,
		           "revoked, but the status check says otherwise");
		break;
	case ECERT_STATUS_GOOD:
		FUZZ_CHECK(res->checks[ECERT_CHECK_STATUS].state == ECERT_CHECK_PASSED,
		           "status good, but the status check did not pass");
		break;
	case ECERT_STATUS_UNCHECKED:
		FUZZ_CHECK(res->checks[ECERT_CHECK_STATUS].state != ECERT_CHECK_PASSED,
		           "status unchecked, but the status check passed");
		break;
	default:
		FUZZ_CHECK(0, "status outcome %d", res->status);
	}

	/* the JSON form */
	j = ecert_verify_result_json(res);
	FUZZ_CHECK(j, "ecert_verify_result_json returned NULL");
	FUZZ_CHECK(cJSON_IsBool(cJSON_GetObjectItemCaseSensitive(j, "valid")) &&
	               cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "valid")) == res->valid,
	           "JSON valid differs");
	checks = cJSON_GetObjectItemCaseSensitive(j, "checks");
	FUZZ_CHECK(cJSON_IsArray(checks) && cJSON_GetArraySize(checks) == ECERT_CHECK__COUNT,
	           "JSON checks is not an array of %d", ECERT_CHECK__COUNT);
	i = 0;
	cJSON_ArrayForEach(c, checks)
	{
		const struct ecert_check *k = &res->checks[i];
		const char *name = ecert_json_str(c, "name"), *detail = ecert_json_str(c, "detail");
		const char *error = ecert_json_str(c, "error");

		ok = cJSON_GetObjectItemCaseSensitive(c, "ok");
		FUZZ_CHECK(name && strcmp(name, vc_name(i)) == 0, "JSON check %d name", i);
		FUZZ_CHECK(detail && strcmp(detail, k->detail) == 0, "JSON check %s detail", name);
		FUZZ_CHECK(k->state == ECERT_CHECK_NOT_RUN
		               ? cJSON_IsNull(ok)
		               : cJSON_IsBool(ok) &&
		                     cJSON_IsTrue(ok) == (k->state == ECERT_CHECK_PASSED),
		           "JSON check %s ok does not say state %d", name, k->state);
		FUZZ_CHECK(k->state == ECERT_CHECK_FAILED
		               ? error && strcmp(error, ecert_errname(k->code)) == 0
		               : error == NULL,
		           "JSON check %s error member", name);
		i++;
	}
	FUZZ_CHECK(res->certificate
	               ? cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(j, "certificate"))
	               : cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(j, "certificate")),
	           "JSON certificate member");
	printed = cJSON_PrintUnformatted(j);
	FUZZ_CHECK(printed, "printing the result failed");
	ecert_error_clear(&err);
	prc = ecert_json_parse(printed, strlen(printed), &lim, &back, &err);
	FUZZ_CHECK(prc == ECERT_OK, "the printed result is not strict JSON: %s at %s: %s",
	           ecert_errname(prc), err.where, err.msg);
	FUZZ_CHECK(cJSON_Compare(back, j, 1), "the printed result reads back differently");
	cJSON_Delete(back);
	cJSON_free(printed);
	cJSON_Delete(j);
}

#endif
