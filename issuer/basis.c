/* ecert-issuer issue --basis — a title earned through the skill-to-title pathway (DESIGN
 * §2 `pathway`, §6): before the record is signed, each basis certificate is verified in
 * full with the issuer's own trust list, must belong to the record's holder (name, and
 * idDigest against the record's idNumber), and the pathway rule for the record's level must
 * hold on it with asOf = the record's qualifiedOn (ecert/pathway.h). The record then gets
 * `pathway` = {"rule", "basis": [{"id", "digest"}]}, written by the issuer (replacing any the
 * record had). Without --basis, a record's own pathway (DESIGN §2 allows it in records) is
 * signed as given, with a warning that it was not checked. */
#include <string.h>

#include "ecert/file.h"
#include "ecert/json.h"
#include "ecert/record.h"
#include "issue.h"

/* A basis file is one certificate: JSON (the issuer's <number>.json) or its QR text. */
#define BASIS_FILE_MAX ((size_t)256 << 10)
#define PATHWAY "pathway"

static const char *str(const cJSON *obj, const char *key)
{
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(obj, key));
}

int issue_basis_open(struct issue_basis *b, const struct issuer_signer *s, int64_t now,
		     struct ecert_error *err)
{
	int rc;

	b->now = now;
	rc = ecert_rules_load(&b->src, &b->rules, err);
	if (rc != ECERT_OK)
		return rc;
	rc = ecert_verifier_new(s->tl, &b->ver, err);
	if (rc != ECERT_OK)
		return rc;
	for (size_t i = 0; i < b->n; i++) {
		rc = ecert_file_read(b->paths[i], BASIS_FILE_MAX, &b->bytes[i], err);
		if (rc != ECERT_OK) {
			if (!err->where[0])
				ecert_error_where(err, "%s", b->paths[i]);
			return rc;
		}
	}
	return ECERT_OK;
}

void issue_basis_close(struct issue_basis *b)
{
	for (size_t i = 0; i < b->n; i++)
		ecert_buf_free(&b->bytes[i]);
	ecert_verifier_free(b->ver);
	ecert_rules_free(b->rules);
	b->ver = NULL;
	b->rules = NULL;
}

/* Judge the basis for `rec` and set its pathway member. */
static int judge(const struct issue_basis *b, cJSON *rec, int warn, struct ecert_error *err)
{
	struct ecert_verify_result res[ECERT_PATHWAY_BASIS_MAX];
	struct ecert_verify_opts o = {b->now, str(rec, "idNumber"), 0};
	struct ecert_pathway_title t;
	struct ecert_pathway_result pr;
	struct ecert_error e;
	cJSON *member = NULL;
	size_t n = 0;
	int rc;

	ecert_error_clear(&e);
	for (n = 0; n < b->n; n++)
		(void)ecert_verify(b->ver, &o, ECERT_INPUT_AUTO, b->bytes[n].data, b->bytes[n].len,
				   &res[n]);
	ecert_pathway_title_from_json(rec, &t);
	rc = ecert_pathway_judge(b->rules, &t, NULL, res, n, &pr, &e);
	if (rc != ECERT_OK) {
		ecert_error_where(err, PATHWAY);
		rc = ecert_fail(err, rc, "%s", issuer_english ? pr.detail_en : pr.detail_zh);
		goto out;
	}
	/* it holds, but rests on a pair the correspondence table lacks: say so */
	if (warn && pr.verdict == ECERT_RULES_NEEDS_REVIEW)
		issuer_warn(PATHWAY, "%s", issuer_english ? pr.detail_en : pr.detail_zh);
	rc = ecert_pathway_member(pr.rule, res, n, &member, err);
	if (rc != ECERT_OK)
		goto out;
	cJSON_DeleteItemFromObjectCaseSensitive(rec, PATHWAY);
	if (!cJSON_AddItemToObject(rec, PATHWAY, member)) {
		cJSON_Delete(member);
		rc = ecert_fail(err, ECERT_ERR_NOMEM, "out of memory");
	}
out:
	for (size_t i = 0; i < n; i++)
		ecert_verify_result_free(&res[i]);
	return rc;
}

int issue_basis_apply(const struct issue_basis *b, cJSON *rec, int only_kind, int warn,
		      struct ecert_error *err)
{
	int kind = ecert_record_kind_parse(str(rec, "kind")), rc;

	if (!kind)
		kind = only_kind;
	if (!b) {
		/* DESIGN §2 lets a record carry its pathway: it is signed as given, unchecked */
		if (warn && cJSON_GetObjectItemCaseSensitive(rec, PATHWAY))
			issuer_warn(str(rec, "certificateNumber") ? str(rec, "certificateNumber")
								   : PATHWAY,
				    "%s",
				    TR("记录自带的 pathway 按原样签发，未按贯通规则核验；用 --basis "
				       "给出依据证书即可在签名前核验",
				       "the record's own pathway is signed as given, not checked "
				       "against the pathway rules; give its basis with --basis to "
				       "check it before signing"));
		return ECERT_OK;
	}
	/* the record's own fields first, so that their errors name them */
	cJSON_DeleteItemFromObjectCaseSensitive(rec, PATHWAY);
	rc = ecert_record_validate(NULL, NULL, rec, only_kind, NULL, err);
	if (rc != ECERT_OK)
		return rc;
	if (kind != ECERT_RECORD_TITLE) {
		ecert_error_where(err, "kind");
		return ecert_fail(err, ECERT_ERR_INVALID, "%s",
				  TR("--basis 只用于经贯通路径取得的职称证书",
				     "--basis is for title certificates earned through the pathway"));
	}
	return judge(b, rec, warn, err);
}
