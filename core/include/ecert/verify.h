/* ecert — the verification pipeline (DESIGN §3–5, §7): one certificate from JSON bytes, QR
 * text or a QR image, through the named checks in order:
 *
 *   decode → schema → signature → trust → scope → validity → status → holder
 *
 * A check that cannot run because an earlier one failed is reported as not run. Fails
 * closed: `valid` is set only after every required check passed. Used by
 * `ecert-verifier verify`, `claim` and `serve`. */
#ifndef ECERT_VERIFY_H
#define ECERT_VERIFY_H

#include <stddef.h>
#include <stdint.h>
#include <cjson/cJSON.h>
#include "ecert/error.h"
#include "ecert/trustlist.h"

enum ecert_check_id {
	ECERT_CHECK_DECODE = 0,
	ECERT_CHECK_SCHEMA,
	ECERT_CHECK_SIGNATURE,
	ECERT_CHECK_TRUST,
	ECERT_CHECK_SCOPE,
	ECERT_CHECK_VALIDITY,
	ECERT_CHECK_STATUS,
	ECERT_CHECK_HOLDER,
	ECERT_CHECK__COUNT
};

enum ecert_check_state {
	ECERT_CHECK_NOT_RUN = -1, /* JSON "ok": null */
	ECERT_CHECK_FAILED = 0,
	ECERT_CHECK_PASSED = 1,
};

#define ECERT_CHECK_DETAIL_MAX (ECERT_ERR_WHERE_MAX + ECERT_ERR_MSG_MAX + 8)

struct ecert_check {
	int state;  /* enum ecert_check_state */
	int code;   /* enum ecert_rc of a failure, ECERT_OK otherwise */
	char detail[ECERT_CHECK_DETAIL_MAX];    /* English detail */
	char detail_zh[ECERT_CHECK_DETAIL_MAX]; /* the same in Chinese, for a pass or a note;
						   "" for a failure (its code says it) */
};

enum ecert_input {
	ECERT_INPUT_AUTO = 0, /* QR text if it starts with the prefix, else JSON */
	ECERT_INPUT_JSON,
	ECERT_INPUT_QR_TEXT,
	ECERT_INPUT_IMAGE     /* PNG or JPEG bytes */
};

struct ecert_verify_opts {
	int64_t at;              /* validity and skew reference (Unix seconds) */
	const char *holder_id;   /* full ID number to match idDigest, or NULL */
	int require_status;      /* revocation unchecked is a failure */
};

enum ecert_status_outcome {
	ECERT_STATUS_UNCHECKED = 0, /* no list for this certificate's issuer */
	ECERT_STATUS_GOOD,
	ECERT_STATUS_REVOKED,
};

struct ecert_verify_result {
	int valid;
	struct ecert_check checks[ECERT_CHECK__COUNT];
	cJSON *certificate;      /* the decoded document when decode passed (owned) */
	const char *kind;        /* "title" / "skill" / NULL */
	int status;              /* enum ecert_status_outcome */
};

/* "sm3:" and 64 hex digits, with the NUL */
#define ECERT_VERIFY_DIGEST_SIZE (4 + 64 + 1)

struct ecert_verifier;

/* A verifier over a loaded trust list (borrowed: it must outlive the verifier). Status
 * lists are added with ecert_verifier_add_status. Immutable after set-up: verification is
 * thread-safe. Free with ecert_verifier_free (NULL is fine). */
int ecert_verifier_new(const struct ecert_trustlist *tl, struct ecert_verifier **out,
		       struct ecert_error *err);
void ecert_verifier_free(struct ecert_verifier *v);

/* Add a signed status list credential: its proof must verify with a key of the trust list
 * whose issuer is the list's issuer (ECERT_ERR_TRUST otherwise), and the list must decode.
 * `source` names it in messages. */
int ecert_verifier_add_status(struct ecert_verifier *v, const char *json, size_t len,
			      const char *source, struct ecert_error *err);

/* Run the pipeline over one input. Always fills *res (free with
 * ecert_verify_result_free); returns ECERT_OK when res->valid, else the code of the first
 * failed check. */
int ecert_verify(const struct ecert_verifier *v, const struct ecert_verify_opts *opts,
		 enum ecert_input input, const void *data, size_t len,
		 struct ecert_verify_result *res);

/* Same over an already strictly-parsed document (claims' evidence). doc is borrowed. */
int ecert_verify_doc(const struct ecert_verifier *v, const struct ecert_verify_opts *opts,
		     const cJSON *doc, struct ecert_verify_result *res);

void ecert_verify_result_free(struct ecert_verify_result *res);

/* The certificate's digest, "sm3:<hex>": SM3 over the JCS form of the signed certificate
 * (DESIGN §2, how a pathway title names its basis). Computed on request, not by
 * ecert_verify: a counter checking a certificate has no use for it, and it is an SM3 over
 * the whole document. Every result whose schema check passed has one (ECERT_ERR_ARG
 * otherwise); ECERT_ERR_NOMEM when memory runs out. */
int ecert_verify_digest(const struct ecert_verify_result *res,
			char out[ECERT_VERIFY_DIGEST_SIZE], struct ecert_error *err);

/* The stable check name: "decode", "schema", "signature", "trust", "scope", "validity",
 * "status", "holder". */
const char *ecert_check_name(enum ecert_check_id id);

/* {"valid": bool, "checks": [{"name", "ok" (true/false/null), "detail"}], "certificate": {…}}
 * (DESIGN §7). Caller owns the result. NULL on allocation failure. */
cJSON *ecert_verify_result_json(const struct ecert_verify_result *res);
/* The same, moving res->certificate into the answer instead of copying it (res->certificate
 * is NULL afterwards; on failure, NULL and res unchanged). */
cJSON *ecert_verify_result_json_take(struct ecert_verify_result *res);

#endif
