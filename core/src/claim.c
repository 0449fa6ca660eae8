/* ecert — cross-track claims: verify the evidence, then apply the rules (DESIGN §6). */
#include <string.h>

#include "ecert/alloc.h"
#include "ecert/claim.h"
#include "ecert/json.h"

/* First failed check other than holder, or NULL. */
static const char *first_failure(const struct ecert_verify_result *res, int skip_holder)
{
	int i;

	for (i = 0; i < ECERT_CHECK__COUNT; i++) {
		if (skip_holder && i == ECERT_CHECK_HOLDER)
			continue;
		if (res->checks[i].state == ECERT_CHECK_FAILED)
			return ecert_check_name((enum ecert_check_id)i);
	}
	return NULL;
}

void ecert_claim_evidence_facts(const struct ecert_verify_result *res, const char *applicant,
				size_t index, struct ecert_rules_evidence *ev)
{
	const cJSON *subject = ecert_json_obj(res->certificate, "credentialSubject");
	const char *name = ecert_json_str(subject, "name");

	memset(ev, 0, sizeof(*ev));
	ev->index = index;
	ev->kind = res->kind && strcmp(res->kind, "skill") == 0 ? ECERT_RULES_EVIDENCE_SKILL
							      : ECERT_RULES_EVIDENCE_TITLE;
	ev->failed_check = first_failure(res, 1);
	/* a schema-valid certificate reached every check up to status */
	ev->verified = res->certificate && res->kind && !ev->failed_check &&
		       res->checks[ECERT_CHECK_VALIDITY].state == ECERT_CHECK_PASSED;
	if (!ev->verified && !ev->failed_check)
		ev->failed_check = "decode";
	ev->holder_known = res->checks[ECERT_CHECK_HOLDER].state == ECERT_CHECK_PASSED ||
			   res->checks[ECERT_CHECK_HOLDER].state == ECERT_CHECK_FAILED;
	ev->holder_matches = res->checks[ECERT_CHECK_HOLDER].state == ECERT_CHECK_PASSED &&
			     name && applicant && strcmp(name, applicant) == 0;
	ev->in_scope = res->checks[ECERT_CHECK_SCOPE].state == ECERT_CHECK_PASSED;
	ev->revocation = res->status == ECERT_STATUS_GOOD      ? ECERT_RULES_NOT_REVOKED
			 : res->status == ECERT_STATUS_REVOKED ? ECERT_RULES_REVOKED
							       : ECERT_RULES_UNCHECKED;
	ev->series = ecert_json_str(subject, "series");
	ev->specialty = ecert_json_str(subject, "specialty");
	ev->title_level = ev->kind == ECERT_RULES_EVIDENCE_TITLE ? ecert_json_str(subject, "level")
								 : NULL;
	ev->title_name = ecert_json_str(subject, "titleName");
	ev->qualified_on = ecert_json_str(subject, "qualifiedOn");
	ev->occupation_code = ecert_json_str(subject, "occupationCode");
	ev->occupation = ecert_json_str(subject, "occupation");
	ev->skill_level = ev->kind == ECERT_RULES_EVIDENCE_SKILL ? ecert_json_str(subject, "level")
								 : NULL;
	ev->level_name = ecert_json_str(subject, "levelName");
	ev->certified_on = ecert_json_str(subject, "certifiedOn");
}

int ecert_claim_check(const struct ecert_verifier *v, const struct ecert_rules *rules,
		      const cJSON *claim_doc, const struct ecert_verify_opts *opts,
		      struct ecert_claim_report *rep, struct ecert_error *err)
{
	struct ecert_rules_evidence *ev = NULL;
	struct ecert_verify_opts o = *opts;
	const cJSON *item;
	size_t i;
	int rc;

	memset(rep, 0, sizeof(*rep));
	rc = ecert_rules_claim_parse(claim_doc, &rep->claim, err);
	if (rc != ECERT_OK)
		return rc;
	if (rep->claim.n_evidence > ECERT_CLAIM_EVIDENCE_MAX) {
		ecert_error_where(err, "evidence");
		return ecert_fail(err, ECERT_ERR_ARG, "%zu evidence certificates; at most %d",
				  rep->claim.n_evidence, ECERT_CLAIM_EVIDENCE_MAX);
	}
	rep->evidence = ecert_calloc(rep->claim.n_evidence, sizeof(*rep->evidence));
	ev = ecert_calloc(rep->claim.n_evidence, sizeof(*ev));
	if (!rep->evidence || !ev) {
		rc = ecert_fail(err, ECERT_ERR_NOMEM, "out of memory");
		goto out;
	}
	o.holder_id = rep->claim.applicant_id_number;
	i = 0;
	cJSON_ArrayForEach(item, rep->claim.evidence)
	{
		if (i >= rep->claim.n_evidence)
			break;
		(void)ecert_verify_doc(v, &o, item, &rep->evidence[i]);
		rep->n_evidence = i + 1;
		ecert_claim_evidence_facts(&rep->evidence[i], rep->claim.applicant_name, i, &ev[i]);
		i++;
	}
	rc = ecert_rules_evaluate(rules, &rep->claim, ev, rep->n_evidence, &rep->result, err);
out:
	ecert_free(ev);
	return rc;
}

cJSON *ecert_claim_report_json(const struct ecert_claim_report *rep)
{
	cJSON *root = NULL, *arr, *one, *vr;
	size_t i;

	if (!rep->result || ecert_rules_result_json(rep->result, &root, NULL) != ECERT_OK)
		return NULL;
	arr = cJSON_AddArrayToObject(root, "evidenceChecks");
	if (!arr)
		goto fail;
	for (i = 0; i < rep->n_evidence; i++) {
		const char *id = ecert_json_str(rep->evidence[i].certificate, "id");

		vr = ecert_verify_result_json(&rep->evidence[i]);
		one = cJSON_CreateObject();
		if (!vr || !one || !cJSON_AddItemToArray(arr, one)) {
			cJSON_Delete(vr);
			cJSON_Delete(one);
			goto fail;
		}
		if (!cJSON_AddNumberToObject(one, "index", (double)i) ||
		    !cJSON_AddStringToObject(one, "id", id ? id : "") ||
		    !cJSON_AddItemToObject(one, "valid", cJSON_DetachItemFromObject(vr, "valid")) ||
		    !cJSON_AddItemToObject(one, "checks", cJSON_DetachItemFromObject(vr, "checks"))) {
			cJSON_Delete(vr);
			goto fail;
		}
		cJSON_Delete(vr);
	}
	return root;
fail:
	cJSON_Delete(root);
	return NULL;
}

void ecert_claim_report_free(struct ecert_claim_report *rep)
{
	size_t i;

	if (!rep)
		return;
	for (i = 0; i < rep->n_evidence; i++)
		ecert_verify_result_free(&rep->evidence[i]);
	ecert_free(rep->evidence);
	ecert_rules_result_free(rep->result);
	memset(rep, 0, sizeof(*rep));
}
