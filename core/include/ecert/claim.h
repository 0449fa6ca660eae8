/* ecert — checking a cross-track claim (贯通申报, DESIGN §6): every evidence certificate is
 * verified in full (verify.h) with the applicant's ID number as the holder, its subject
 * name compared with the applicant's, and then the pathway rules (rules.h) are applied.
 * Shared by `ecert-verifier claim` and the counter service. */
#ifndef ECERT_CLAIM_H
#define ECERT_CLAIM_H

#include <stddef.h>
#include <cjson/cJSON.h>
#include "ecert/error.h"
#include "ecert/rules.h"
#include "ecert/verify.h"

/* A claim with evidence is larger than one certificate: up to ECERT_CLAIM_EVIDENCE_MAX
 * certificates of a few KB each. */
#define ECERT_CLAIM_MAX_BYTES ((size_t)256 * 1024)
#define ECERT_CLAIM_EVIDENCE_MAX 16

struct ecert_claim_report {
	struct ecert_rules_claim claim;       /* borrows from the claim document */
	struct ecert_verify_result *evidence; /* one per evidence item */
	size_t n_evidence;
	struct ecert_rules_result *result;
};

/* Check `claim_doc` (strictly parsed; it must outlive the report). opts->holder_id is
 * ignored: the applicant's idNumber is used. On ECERT_OK the report holds the verdict
 * (ecert_rules_result_verdict(rep->result)). Errors (input, not verdicts): ECERT_ERR_SCHEMA
 * / ECERT_ERR_INVALID for a malformed claim (err->where names the member),
 * ECERT_ERR_ARG for more than ECERT_CLAIM_EVIDENCE_MAX evidence items, ECERT_ERR_NOMEM.
 * Thread-safe over shared, immutable verifier and rules. Free with
 * ecert_claim_report_free even on failure. */
int ecert_claim_check(const struct ecert_verifier *v, const struct ecert_rules *rules,
		      const cJSON *claim_doc, const struct ecert_verify_opts *opts,
		      struct ecert_claim_report *rep, struct ecert_error *err);

/* The rules engine's facts about one verified evidence certificate (res from
 * ecert_verify / ecert_verify_doc): kind, the first failed check, holder (the holder
 * check passed and the subject's name is `applicant_name`), scope, revocation and the
 * subject fields. Strings in *ev are borrowed from res->certificate. */
void ecert_claim_evidence_facts(const struct ecert_verify_result *res, const char *applicant_name,
				size_t index, struct ecert_rules_evidence *ev);

/* The rules result as JSON (rules.h) plus "evidenceChecks": [{"index", "valid",
 * "checks", "id"}] — the verification of each evidence certificate. NULL on failure. */
cJSON *ecert_claim_report_json(const struct ecert_claim_report *rep);

void ecert_claim_report_free(struct ecert_claim_report *rep);

#endif
