/* ecert-verifier verify --basis — a title certificate earned through the skill-to-title
 * pathway (DESIGN §2 `pathway`): verify each basis certificate in full, match it with the
 * title's pathway (id and SM3 digest), the same holder, and the named rule on the day the
 * title was awarded (ecert/pathway.h). Without --basis a pathway is only described. */
#include <stdio.h>
#include <string.h>

#include "ecert/file.h"
#include "ecert/json.h"
#include "ecert/qrscan.h"
#include "verifier.h"

void vpathway_free(struct vpathway *pw)
{
	for (size_t i = 0; i < pw->n; i++)
		ecert_verify_result_free(&pw->basis[i]);
	pw->n = 0;
	pw->present = 0;
}

int vbasis_load(struct vbasis *vb)
{
	struct ecert_error err;

	ecert_error_clear(&err);
	if (vb->n == 0 || vb->rules)
		return VEXIT_VALID;
	if (ecert_rules_load(&vb->src, &vb->rules, &err) != ECERT_OK) {
		verr(&err, vb->src.rules_path ? vb->src.rules_path : "rules");
		return VEXIT_USAGE;
	}
	return VEXIT_VALID;
}

void vbasis_free(struct vbasis *vb)
{
	ecert_rules_free(vb->rules);
	vb->rules = NULL;
}

/* Verify one basis file (JSON, QR text or a QR image) with the title's options. */
static int verify_basis(const struct vconfig *c, const struct ecert_verify_opts *o,
			const char *path, struct ecert_verify_result *res)
{
	struct ecert_buf b = ECERT_BUF_INIT;
	struct ecert_error err;

	ecert_error_clear(&err);
	if (ecert_file_read(path, ECERT_QR_IMAGE_FILE_MAX, &b, &err) != ECERT_OK) {
		verr(&err, path);
		ecert_buf_free(&b);
		return VEXIT_USAGE;
	}
	(void)ecert_verify(c->verifier, o,
			   verify_is_image(b.data, b.len) ? ECERT_INPUT_IMAGE : ECERT_INPUT_AUTO,
			   b.data, b.len, res);
	ecert_buf_free(&b);
	return VEXIT_VALID;
}

int vbasis_run(const struct vbasis *vb, const struct vconfig *c, const struct ecert_verify_opts *o,
	       struct ecert_verify_result *res, struct vpathway *pw)
{
	const cJSON *subject = ecert_json_obj(res->certificate, "credentialSubject");
	struct ecert_error err;

	memset(pw, 0, sizeof(*pw));
	ecert_error_clear(&err);
	if (vb->n == 0) {
		/* no basis given: say that the certificate names one, and that it was not checked */
		if (ecert_json_obj(subject, "pathway") &&
		    ecert_pathway_describe(res->certificate, &pw->r, &err) == ECERT_OK)
			pw->present = 1;
		return VEXIT_VALID;
	}
	pw->present = 1;
	for (size_t i = 0; i < vb->n; i++) {
		if (verify_basis(c, o, vb->paths[i], &pw->basis[i]) != VEXIT_VALID)
			return VEXIT_USAGE;
		pw->n = i + 1;
	}
	if (!res->valid) {
		/* the title itself failed: its pathway is not judged */
		memset(&pw->r, 0, sizeof(pw->r));
		pw->r.checked = 1;
		pw->r.code = ECERT_ERR_INVALID;
		snprintf(pw->r.detail_zh, sizeof(pw->r.detail_zh), "未核：职称证书本身核验未通过");
		snprintf(pw->r.detail_en, sizeof(pw->r.detail_en),
			 "not judged: the title certificate itself is not valid");
		return VEXIT_VALID;
	}
	if (ecert_pathway_verify(vb->rules, res->certificate, o->holder_id, pw->basis, pw->n,
				 &pw->r, &err) != ECERT_OK)
		res->valid = 0; /* the pathway was asked for and does not hold */
	return VEXIT_VALID;
}

int vpathway_json(const struct vpathway *pw, cJSON *root)
{
	cJSON *j, *arr;

	if (!pw->present)
		return 0;
	j = ecert_pathway_result_json(&pw->r);
	if (!j || !cJSON_AddItemToObject(root, "pathway", j)) {
		cJSON_Delete(j);
		return -1;
	}
	if (pw->n == 0)
		return 0;
	arr = cJSON_AddArrayToObject(root, "basisChecks");
	if (!arr)
		return -1;
	for (size_t i = 0; i < pw->n; i++) {
		cJSON *one = ecert_verify_result_json(&pw->basis[i]);

		if (!one || !cJSON_AddItemToArray(arr, one)) {
			cJSON_Delete(one);
			return -1;
		}
		/* the certificate is the user's own file: its id and digest are enough */
		cJSON_DeleteItemFromObjectCaseSensitive(one, "certificate");
		if (!cJSON_AddStringToObject(one, "id",
					     ecert_json_str(pw->basis[i].certificate, "id")
						     ? ecert_json_str(pw->basis[i].certificate, "id")
						     : ""))
			return -1;
	}
	return 0;
}

const char *vpathway_failure(const struct vpathway *pw, int lang)
{
	if (!pw->present || !pw->r.checked || pw->r.ok)
		return NULL;
	return lang == VLANG_EN ? "the career pathway it names does not hold"
				: "所依据的贯通路径不成立";
}

void vpathway_text(FILE *f, const struct vpathway *pw, int lang)
{
	int en = lang == VLANG_EN;
	const char *mark = !pw->r.checked ? (en ? "[ -- ]" : "[未核]")
			   : pw->r.ok     ? (en ? "[pass]" : "[通过]")
					  : (en ? "[FAIL]" : "[失败]");

	if (!pw->present)
		return;
	for (size_t i = 0; i < pw->n; i++) {
		const struct ecert_verify_result *b = &pw->basis[i];
		const char *id = ecert_json_str(b->certificate, "id");
		int k, failed = -1;

		for (k = 0; k < ECERT_CHECK__COUNT && failed < 0; k++)
			if (b->checks[k].state == ECERT_CHECK_FAILED)
				failed = k;
		fprintf(f, en ? "  Basis %s: " : "  依据证书 %s：", id ? id : "?");
		if (failed < 0)
			fprintf(f, en ? "verified\n" : "核验通过\n");
		else
			fprintf(f, en ? "INVALID (%s: %s)\n" : "无效（%s：%s）\n",
				report_check_label(failed, lang),
				report_error_words(b->checks[failed].code, lang));
	}
	fprintf(f, en ? "  %s pathway: %s\n" : "  %s 贯通路径：%s\n", mark,
		en ? pw->r.detail_en : pw->r.detail_zh);
}
