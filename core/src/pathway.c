/* ecert — title certificates earned through the skill-to-title pathway: the basis, the
 * holder and the rule (DESIGN §2 `pathway`, §6). See ecert/pathway.h. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ecert/claim.h"
#include "ecert/datetime.h"
#include "ecert/idnum.h"
#include "ecert/json.h"
#include "ecert/pathway.h"
#include "utf8clip.h"

#define PATHWAY_MEMBER "pathway"

static const char *str(const cJSON *obj, const char *key)
{
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(obj, key));
}

static int streq(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

/* The Chinese and the English detail, printf-style, cut at a character boundary. */
__attribute__((format(printf, 2, 3))) static void set_zh(struct ecert_pathway_result *out,
							  const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(out->detail_zh, sizeof(out->detail_zh), fmt, ap);
	va_end(ap);
	utf8_trim_tail(out->detail_zh);
}

__attribute__((format(printf, 2, 3))) static void set_en(struct ecert_pathway_result *out,
							  const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(out->detail_en, sizeof(out->detail_en), fmt, ap);
	va_end(ap);
	utf8_trim_tail(out->detail_en);
}

/* A pathway that does not hold: the code, in the result and in err. */
static int refuse(struct ecert_pathway_result *out, struct ecert_error *err, int code)
{
	out->ok = 0;
	out->code = code;
	return ecert_fail(err, code, "%s", out->detail_en);
}

static void result_init(struct ecert_pathway_result *out, int checked)
{
	memset(out, 0, sizeof(*out));
	out->checked = checked;
	out->code = ECERT_ERR_INVALID;
	out->verdict = -1;
}

void ecert_pathway_title_from_json(const cJSON *obj, struct ecert_pathway_title *out)
{
	memset(out, 0, sizeof(*out));
	out->name = str(obj, "name");
	out->id_number = str(obj, "idNumber");
	out->id_masked = str(obj, "idNumberMasked");
	out->series = str(obj, "series");
	out->specialty = str(obj, "specialty");
	out->level = str(obj, "level");
	out->qualified_on = str(obj, "qualifiedOn");
}

static const char *cert_id(const struct ecert_verify_result *r)
{
	const char *id = str(r->certificate, "id");

	return id ? id : "(no id)";
}

/* The first failed check of a verification result, or -1. */
static int first_failed(const struct ecert_verify_result *r)
{
	for (int i = 0; i < ECERT_CHECK__COUNT; i++)
		if (r->checks[i].state == ECERT_CHECK_FAILED)
			return i;
	return -1;
}

/* Each basis certificate: valid, a skill certificate, the same person. */
static int check_basis(const struct ecert_pathway_title *t, const char *masked,
		       const struct ecert_verify_result *basis, size_t n,
		       struct ecert_pathway_result *out, struct ecert_error *err)
{
	for (size_t i = 0; i < n; i++) {
		const struct ecert_verify_result *b = &basis[i];
		const cJSON *subject = ecert_json_obj(b->certificate, "credentialSubject");
		const char *id = cert_id(b), *name = str(subject, "name");
		int f = first_failed(b);

		/* a holder check that failed is reported as who it belongs to, below */
		if (!b->valid && f != ECERT_CHECK_HOLDER) {
			int code = f >= 0 ? b->checks[f].code : ECERT_ERR_INVALID;

			set_zh(out, "依据证书 %s 核验未通过（%s）：%s", id,
			       f >= 0 ? ecert_check_name((enum ecert_check_id)f) : "?",
			       f >= 0 ? b->checks[f].detail : "");
			set_en(out, "basis certificate %s is not valid (%s): %s", id,
			       f >= 0 ? ecert_check_name((enum ecert_check_id)f) : "?",
			       f >= 0 ? b->checks[f].detail : "");
			return refuse(out, err, code == ECERT_OK ? ECERT_ERR_INVALID : code);
		}
		if (!streq(b->kind, "skill")) {
			set_zh(out, "依据证书 %s 不是技能人才证书：贯通申报职称以职业技能等级证书或职业资格证书为依据",
			       id);
			set_en(out, "basis certificate %s is not a skill certificate: the skill-to-title "
				    "pathway rests on skill certificates", id);
			return refuse(out, err, ECERT_ERR_INVALID);
		}
		if (!streq(name, t->name)) {
			set_zh(out, "依据证书 %s 的持证人 %s 与职称证书持证人 %s 不是同一人", id,
			       name ? name : "?", t->name);
			set_en(out, "basis certificate %s belongs to %s, not to the title's holder %s", id,
			       name ? name : "?", t->name);
			return refuse(out, err, ECERT_ERR_HOLDER);
		}
		if (t->id_number) {
			/* the basis was verified with the holder's ID number: its holder check */
			if (b->checks[ECERT_CHECK_HOLDER].state != ECERT_CHECK_PASSED) {
				set_zh(out, "依据证书 %s 的 idDigest 与持证人身份证号不符", id);
				set_en(out, "basis certificate %s: its idDigest does not match the "
					    "holder's ID number", id);
				return refuse(out, err, ECERT_ERR_HOLDER);
			}
		} else if (!masked || !streq(str(subject, "idNumberMasked"), masked)) {
			set_zh(out, "依据证书 %s 的脱敏身份证号 %s 与职称证书的 %s 不符", id,
			       str(subject, "idNumberMasked") ? str(subject, "idNumberMasked") : "?",
			       masked ? masked : "?");
			set_en(out, "basis certificate %s: masked ID number %s differs from the "
				    "title's %s", id,
			       str(subject, "idNumberMasked") ? str(subject, "idNumberMasked") : "?",
			       masked ? masked : "?");
			return refuse(out, err, ECERT_ERR_HOLDER);
		}
	}
	out->identity = t->id_number ? ECERT_PATHWAY_ID_DIGEST : ECERT_PATHWAY_ID_NAME;
	return ECERT_OK;
}

static const struct ecert_rules_finding *find_rule(const struct ecert_rules_result *res,
						   const char *rule)
{
	for (size_t i = 0; i < ecert_rules_result_count(res); i++) {
		const struct ecert_rules_finding *f = ecert_rules_result_finding(res, i);

		if (streq(f->rule, rule))
			return f;
	}
	return NULL;
}

/* The first finding that counts with outcome `ok`, or NULL. */
static const struct ecert_rules_finding *first_with(const struct ecert_rules_result *res, int ok)
{
	for (size_t i = 0; i < ecert_rules_result_count(res); i++) {
		const struct ecert_rules_finding *f = ecert_rules_result_finding(res, i);

		if (!f->superseded && f->ok == ok)
			return f;
	}
	return NULL;
}

/* The rule the pathway is judged by: the one named, which must be of the kind signed
 * evidence can satisfy, or (rule_id NULL) the first rule of that kind. */
static const char *pick_rule(const struct ecert_rules *rules, const struct ecert_rules_result *res,
			     const char *rule_id, struct ecert_pathway_result *out,
			     struct ecert_error *err)
{
	const char *kind;

	if (!rule_id) {
		for (size_t i = 0; i < ecert_rules_result_count(res); i++) {
			const char *r = ecert_rules_result_finding(res, i)->rule;

			if (streq(ecert_rules_rule_kind(rules, r), ECERT_PATHWAY_RULE_KIND))
				return r;
		}
		set_zh(out, "贯通规则（版本 %s）中没有“%s”类规则", ecert_rules_version(rules),
		       ECERT_PATHWAY_RULE_KIND);
		set_en(out, "the pathway rules (version %s) have no rule of kind %s",
		       ecert_rules_version(rules), ECERT_PATHWAY_RULE_KIND);
		refuse(out, err, ECERT_ERR_INVALID);
		return NULL;
	}
	kind = ecert_rules_rule_kind(rules, rule_id);
	if (!kind) {
		set_zh(out, "证书所称贯通规则 %.*s 不在贯通规则（版本 %s）中",
		       utf8_clip(rule_id, 64 * 4), rule_id, ecert_rules_version(rules));
		set_en(out, "the certificate names rule %.*s, which the pathway rules (version %s) "
			    "do not have", utf8_clip(rule_id, 64 * 4), rule_id,
		       ecert_rules_version(rules));
		refuse(out, err, ECERT_ERR_INVALID);
		return NULL;
	}
	if (strcmp(kind, ECERT_PATHWAY_RULE_KIND) != 0) {
		set_zh(out, "证书所称贯通规则 %s（%s 类）不能由签名证据证明，需人工核实", rule_id, kind);
		set_en(out, "the certificate names rule %s (kind %s), which signed evidence cannot "
			    "establish: a person must check it", rule_id, kind);
		refuse(out, err, ECERT_ERR_INVALID);
		return NULL;
	}
	return rule_id;
}

int ecert_pathway_judge(const struct ecert_rules *rules, const struct ecert_pathway_title *title,
			const char *rule_id, const struct ecert_verify_result *basis, size_t n,
			struct ecert_pathway_result *out, struct ecert_error *err)
{
	struct ecert_rules_evidence ev[ECERT_PATHWAY_BASIS_MAX];
	struct ecert_rules_result *res = NULL;
	const struct ecert_rules_finding *f, *bad;
	struct ecert_rules_claim claim;
	struct ecert_error e;
	char masked[ECERT_IDNUM_LEN + 1];
	const char *rule, *mask = NULL;
	int rc;

	result_init(out, 1);
	if (!rules || !title || !basis || n == 0 || n > ECERT_PATHWAY_BASIS_MAX || !title->name ||
	    !title->series || !title->specialty || !title->level || !title->qualified_on) {
		set_zh(out, "贯通路径核验缺少参数（职称信息或依据证书）");
		set_en(out, "the pathway check needs the title's name, series, specialty, level and "
			    "qualifiedOn and 1 to %d basis certificates", ECERT_PATHWAY_BASIS_MAX);
		return refuse(out, err, ECERT_ERR_ARG);
	}
	if (rule_id)
		utf8_copy(out->rule, sizeof(out->rule), rule_id);
	for (size_t i = 0; i < n; i++)
		utf8_copy(out->basis[i], sizeof(out->basis[i]), cert_id(&basis[i]));
	out->n_basis = n;
	memset(&claim, 0, sizeof(claim));
	ecert_error_clear(&e);
	if (ecert_date_parse(title->qualified_on, &claim.as_of, &e) != ECERT_OK) {
		set_zh(out, "职称取得时间 %.*s 不是有效日期", utf8_clip(title->qualified_on, 40),
		       title->qualified_on);
		set_en(out, "the title's qualifiedOn %.*s is not a date",
		       utf8_clip(title->qualified_on, 40), title->qualified_on);
		return refuse(out, err, ECERT_ERR_INVALID);
	}
	mask = title->id_masked;
	if (title->id_number) {
		if (ecert_idnum_mask(title->id_number, masked, &e) != ECERT_OK) {
			set_zh(out, "持证人身份证号无效");
			set_en(out, "the holder's ID number is not valid: %s", e.msg);
			return refuse(out, err, ECERT_ERR_INVALID);
		}
		mask = masked;
	}
	rc = check_basis(title, mask, basis, n, out, err);
	if (rc != ECERT_OK)
		return rc;

	/* the claim the title answered: skill-to-title, judged on the day it was awarded; the
	 * declarations of 二（三）1 are attested by the authority that awarded it */
	claim.direction = ECERT_RULES_SKILL_TO_TITLE;
	claim.applicant_name = title->name;
	claim.applicant_id_number = title->id_number;
	claim.target_series = title->series;
	claim.target_specialty = title->specialty;
	claim.target_level = title->level;
	claim.n_evidence = n;
	claim.annual_reviews_passed = 3;
	claim.unit_recommended = 1;
	claim.front_line = 1;
	claim.related_diploma = -1;
	for (size_t i = 0; i < n; i++) {
		ecert_claim_evidence_facts(&basis[i], title->name, i, &ev[i]);
		ev[i].holder_matches = 1; /* established above, by digest or by name */
		ev[i].holder_known = 1;
	}
	rc = ecert_rules_evaluate(rules, &claim, ev, n, &res, &e);
	if (rc != ECERT_OK) {
		set_zh(out, "无法按贯通规则判定：%s", e.msg);
		set_en(out, "the pathway rules cannot judge this title: %s%s%s", e.where,
		       e.where[0] ? ": " : "", e.msg);
		rc = refuse(out, err, rc == ECERT_ERR_NOMEM ? rc : ECERT_ERR_INVALID);
		goto out;
	}
	out->verdict = ecert_rules_result_verdict(res);
	rule = pick_rule(rules, res, rule_id, out, err);
	if (!rule) {
		rc = out->code;
		goto out;
	}
	utf8_copy(out->rule, sizeof(out->rule), rule);
	f = find_rule(res, rule);
	bad = first_with(res, ECERT_RULES_FAIL);
	if (!f || f->superseded || f->ok != ECERT_RULES_OK || bad) {
		if (!bad)
			bad = f;
		set_zh(out, "贯通路径不成立（%s，%s）：%s %s：%s", rule, f ? f->clause : "?",
		       bad ? bad->clause : "", bad ? bad->rule : "", bad ? bad->message_zh : "");
		set_en(out, "the pathway did not hold (%s, %s): %s %s: %s", rule, f ? f->clause : "?",
		       bad ? bad->clause : "", bad ? bad->rule : "", bad ? bad->message_en : "");
		rc = refuse(out, err, ECERT_ERR_INVALID);
		goto out;
	}
	bad = first_with(res, ECERT_RULES_REVIEW);
	set_zh(out, "%s %s 于职称取得日 %s 成立：%s%s%s%s", f->clause, rule, title->qualified_on,
	       f->message_zh, bad ? "另：" : "", bad ? bad->message_zh : "",
	       out->identity == ECERT_PATHWAY_ID_NAME
		       ? "（持证人仅按姓名与脱敏身份证号比对，未核验完整身份证号）"
		       : "");
	set_en(out, "%s %s held on %s, the day the title was awarded: %s%s%s%s", f->clause, rule,
	       title->qualified_on, f->message_en, bad ? " Also: " : "",
	       bad ? bad->message_en : "",
	       out->identity == ECERT_PATHWAY_ID_NAME
		       ? " (holder matched by name and masked ID number only; the full ID number "
			 "was not checked)"
		       : "");
	out->ok = 1;
	out->code = ECERT_OK;
	rc = ECERT_OK;
out:
	ecert_rules_result_free(res);
	return rc;
}

/* The pathway member of a title certificate, or NULL. */
static const cJSON *pathway_of(const cJSON *cert)
{
	return ecert_json_obj(ecert_json_obj(cert, "credentialSubject"), PATHWAY_MEMBER);
}

static int is_title(const cJSON *cert)
{
	const cJSON *t;

	cJSON_ArrayForEach(t, ecert_json_arr(cert, "type"))
	{
		if (streq(cJSON_GetStringValue(t), "TitleCertificate"))
			return 1;
	}
	return 0;
}

int ecert_pathway_verify(const struct ecert_rules *rules, const cJSON *cert,
			 const char *holder_id, const struct ecert_verify_result *basis,
			 size_t n, struct ecert_pathway_result *out, struct ecert_error *err)
{
	const cJSON *pw = pathway_of(cert), *entries, *entry;
	struct ecert_pathway_title t;
	int used[ECERT_PATHWAY_BASIS_MAX] = {0};
	char have[ECERT_VERIFY_DIGEST_SIZE];
	size_t i, n_entries = 0;
	int rc;

	result_init(out, 1);
	entries = ecert_json_arr(pw, "basis");
	if (!is_title(cert) || !pw || !str(pw, "rule") || !entries) {
		set_zh(out, "该证书不是经贯通路径取得的职称证书（无 pathway 字段）");
		set_en(out, "the certificate is not a title certificate earned through the "
			    "pathway (no credentialSubject.pathway with rule and basis)");
		return refuse(out, err, ECERT_ERR_SCHEMA);
	}
	if (n == 0 || n > ECERT_PATHWAY_BASIS_MAX || !basis) {
		set_zh(out, "未提供依据证书");
		set_en(out, "no basis certificate given (1 to %d)", ECERT_PATHWAY_BASIS_MAX);
		return refuse(out, err, ECERT_ERR_ARG);
	}
	cJSON_ArrayForEach(entry, entries)
	{
		const char *id = str(entry, "id"), *digest = str(entry, "digest");
		size_t match = n;

		for (i = 0; i < n && match == n; i++)
			if (!used[i] && streq(str(basis[i].certificate, "id"), id))
				match = i;
		if (match == n) {
			set_zh(out, "未提供证书所列依据证书 %.*s", utf8_clip(id, 64), id ? id : "?");
			set_en(out, "basis certificate %.*s, named by the pathway, was not given",
			       utf8_clip(id, 64), id ? id : "?");
			return refuse(out, err, ECERT_ERR_INVALID);
		}
		rc = ecert_verify_digest(&basis[match], have, err);
		if (rc == ECERT_ERR_NOMEM)
			return rc;
		/* public digests of public documents: a plain comparison is fine */
		if (!digest || !have[0] || strcmp(have, digest) != 0) {
			set_zh(out, "依据证书 %s 的摘要 %s 与职称证书所记 %.*s 不符（依据证书不是签发时的那一份）",
			       id, have[0] ? have : "(无)", utf8_clip(digest, 80), digest ? digest : "?");
			set_en(out, "basis certificate %s has digest %s, the title records %.*s: not the "
				    "certificate the title was issued on", id, have[0] ? have : "(none)",
			       utf8_clip(digest, 80), digest ? digest : "?");
			return refuse(out, err, ECERT_ERR_INVALID);
		}
		used[match] = 1;
		n_entries++;
	}
	for (i = 0; i < n; i++) {
		if (!used[i]) {
			set_zh(out, "证书 %s 不在该职称证书所列依据之中", cert_id(&basis[i]));
			set_en(out, "certificate %s is not a basis the title names", cert_id(&basis[i]));
			return refuse(out, err, ECERT_ERR_INVALID);
		}
	}
	ecert_pathway_title_from_json(ecert_json_obj(cert, "credentialSubject"), &t);
	t.id_number = holder_id;
	return ecert_pathway_judge(rules, &t, str(pw, "rule"), basis, n_entries, out, err);
}

int ecert_pathway_member(const char *rule_id, const struct ecert_verify_result *basis, size_t n,
			 cJSON **out, struct ecert_error *err)
{
	cJSON *pw = NULL, *arr, *one;
	char digest[ECERT_VERIFY_DIGEST_SIZE];
	size_t i;
	int rc;

	if (!rule_id || !rule_id[0] || !basis || n == 0 || n > ECERT_PATHWAY_BASIS_MAX || !out)
		return ecert_fail(err, ECERT_ERR_ARG, "a rule and 1 to %d basis certificates are needed",
				  ECERT_PATHWAY_BASIS_MAX);
	for (i = 0; i < n; i++) {
		if (!str(basis[i].certificate, "id") || !basis[i].kind) {
			ecert_error_where(err, "basis[%zu]", i);
			return ecert_fail(err, ECERT_ERR_ARG, "basis certificate without id or digest");
		}
	}
	pw = cJSON_CreateObject();
	if (!pw || !cJSON_AddStringToObject(pw, "rule", rule_id))
		goto nomem;
	arr = cJSON_AddArrayToObject(pw, "basis");
	if (!arr)
		goto nomem;
	for (i = 0; i < n; i++) {
		one = cJSON_CreateObject();
		if (!one || !cJSON_AddItemToArray(arr, one)) {
			cJSON_Delete(one);
			goto nomem;
		}
		rc = ecert_verify_digest(&basis[i], digest, err);
		if (rc != ECERT_OK) {
			cJSON_Delete(pw);
			return rc;
		}
		if (!cJSON_AddStringToObject(one, "id", str(basis[i].certificate, "id")) ||
		    !cJSON_AddStringToObject(one, "digest", digest))
			goto nomem;
	}
	*out = pw;
	return ECERT_OK;
nomem:
	cJSON_Delete(pw);
	return ecert_fail(err, ECERT_ERR_NOMEM, "out of memory");
}

int ecert_pathway_describe(const cJSON *cert, struct ecert_pathway_result *out,
			   struct ecert_error *err)
{
	const cJSON *pw = pathway_of(cert), *entry;
	char ids[ECERT_PATHWAY_BASIS_MAX * (ECERT_PATHWAY_ID_MAX + 2)] = "";
	size_t len = 0;

	result_init(out, 0);
	out->code = ECERT_OK;
	if (!pw || !str(pw, "rule"))
		return ecert_fail(err, ECERT_ERR_SCHEMA, "the certificate names no pathway");
	utf8_copy(out->rule, sizeof(out->rule), str(pw, "rule"));
	cJSON_ArrayForEach(entry, ecert_json_arr(pw, "basis"))
	{
		if (out->n_basis == ECERT_PATHWAY_BASIS_MAX)
			break;
		utf8_copy(out->basis[out->n_basis], sizeof(out->basis[0]), str(entry, "id"));
		len += (size_t)snprintf(ids + len, sizeof(ids) - len, "%s%s", len ? ", " : "",
					out->basis[out->n_basis]);
		out->n_basis++;
	}
	set_zh(out, "经贯通路径取得（规则 %s，依据 %s）；未核验依据证书", out->rule, ids);
	set_en(out, "earned through the pathway (rule %s, basis %s); the basis was not checked",
	       out->rule, ids);
	return ECERT_OK;
}

cJSON *ecert_pathway_result_json(const struct ecert_pathway_result *res)
{
	cJSON *j = cJSON_CreateObject(), *arr;
	const char *identity = res->identity == ECERT_PATHWAY_ID_DIGEST ? "idDigest"
			       : res->identity == ECERT_PATHWAY_ID_NAME ? "name"
									 : NULL;

	if (!j)
		return NULL;
	if (!(res->checked ? cJSON_AddBoolToObject(j, "ok", res->ok ? 1 : 0)
			   : cJSON_AddNullToObject(j, "ok")))
		goto fail;
	if (!(res->rule[0] ? cJSON_AddStringToObject(j, "rule", res->rule)
			   : cJSON_AddNullToObject(j, "rule")))
		goto fail;
	if (!(identity ? cJSON_AddStringToObject(j, "identity", identity)
		       : cJSON_AddNullToObject(j, "identity")))
		goto fail;
	arr = cJSON_AddArrayToObject(j, "basis");
	if (!arr)
		goto fail;
	for (size_t i = 0; i < res->n_basis; i++) {
		cJSON *s = cJSON_CreateString(res->basis[i]);

		if (!s || !cJSON_AddItemToArray(arr, s)) {
			cJSON_Delete(s);
			goto fail;
		}
	}
	if (!cJSON_AddStringToObject(j, "detail", res->detail_en) ||
	    !cJSON_AddStringToObject(j, "detailZh", res->detail_zh))
		goto fail;
	return j;
fail:
	cJSON_Delete(j);
	return NULL;
}
