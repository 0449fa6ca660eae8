/* fuzz_claim: cross-track claims (DESIGN §6) — the claim parser and the rules engine
 * (ecert_rules_claim_parse, ecert_rules_evaluate with the embedded rules) and the whole
 * check with verification of the evidence (ecert_claim_check) against the fixed verifier
 * of fixture.h.
 *
 * The input is a claim document (strict JSON). Then:
 *   1. ecert_rules_claim_parse: a rejection is ECERT_ERR_SCHEMA or ECERT_ERR_INVALID
 *      with a message; an accepted claim has a direction, 1..16 evidence items and the
 *      applicant's name and ID number;
 *   2. ecert_rules_evaluate over synthetic evidence facts derived from the input (its
 *      hash picks each item's kind, whether it verified, belongs to the applicant, is
 *      revoked or in scope, and its levels, dates and codes from lists of good and bad
 *      values; the items come in a shuffled order): either ECERT_ERR_INVALID (a target
 *      level the rules do not know) or a result, checked by check_result;
 *   3. ecert_claim_check: fails exactly as the parser did, or reports one verification
 *      result per evidence item (each with the contract of verifycheck.h, the applicant's
 *      ID number as the holder) and a result checked by check_result, whose evidence
 *      facts are the verifier's: an eligible or needs-review verdict means every evidence
 *      certificate verified in full as the applicant's and not revoked.
 * check_result: the verdict is what the findings say (a failed finding that is not
 * superseded makes it not eligible, else one for review needs review, else eligible);
 * an eligible or needs-review verdict has no evidence item that is unverified, someone
 * else's, revoked or out of scope (the evidence-verified rule); the deciding item and
 * every finding's item are in range, the deciding one of the kind the direction needs;
 * messages are there and valid UTF-8; the JSON form is strict JSON with the same verdict,
 * and the clerk's text renders in both languages.
 *
 * As in fuzz_verify, a fuzzer cannot sign evidence, so evidence items without a "proof"
 * are signed with the fixture's key for their type first: that lets the real facts of
 * verified certificates reach the rules. */
#include <string.h>

#include "ecert/claim.h"
#include "ecert/json.h"
#include "ecert/rules.h"
#include "fixture.h"
#include "fuzz.h"
#include "verifycheck.h"

#define CLAIM_JSON_DEPTH 32
#define PRINT_JSON_MAX ((size_t)4 << 20)
#define PRINT_JSON_DEPTH 64

static struct ecert_rules *rules;

static const char *const series[] = {"工程", "农业", "卫生", "技工院校教师", "", "工", NULL};
static const char *const specialties[] = {"机械工程", "作物栽培", "机械加工", "", NULL};
static const char *const title_levels[] = {"员级",   "助理级", "中级", "副高级",
                                           "正高级", "高级",   "",     NULL};
static const char *const title_names[] = {"工程师",           "高级工程师",   "助理工程师",
                                          "技术员",           "正高级工程师", "农艺师",
                                          "一级实习指导教师", "讲师",         NULL};
static const char *const skill_levels[] = {"五级",     "四级",     "三级", "二级", "一级",
                                           "特级技师", "首席技师", "六级", "技师", NULL};
static const char *const level_names[] = {"初级工",   "中级工",   "高级工", "技师", "高级技师",
                                          "特级技师", "首席技师", "专家",   NULL};
static const char *const occupations[] = {"6-18-01-01", "6-18-01-02", "4-12-01-01", "2-02-07-01",
                                          "6-18",       "x",          NULL};
static const char *const occupation_names[] = {"车工", "铣工", "汽车维修工", "", NULL};
static const char *const dates[] = {"2019-06-15", "2020-02-29", "2021-02-29", "2020-06-15",
                                    "2023-07-01", "2023-07-02", "2030-01-01", "2014-01-01",
                                    "bad",        "0000-00-00", NULL};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const char *pick(struct fx_rng *r, const char *const *list, size_t n)
{
	return list[fx_rng_next(r, (unsigned)n)]; /* the NULL at the end included */
}

static void write_claim(const char *dir, const char *name, const char *direction,
                        const char *target, cJSON *evidence, const char *declarations)
{
	char head[1024];
	cJSON *claim = NULL, *arr;
	struct ecert_error err;

	ecert_error_clear(&err);
	snprintf(head, sizeof(head),
	         "{\"type\":\"CrossTrackClaim\",\"direction\":\"%s\",\"asOf\":\"2023-07-01\","
	         "\"applicant\":{\"name\":\"" FX_HOLDER_NAME "\",\"idNumber\":\"" FX_HOLDER_ID
	         "\"},\"target\":%s,\"declarations\":%s,\"evidence\":[]}",
	         direction, target, declarations);
	FX_OK(ecert_json_parse(head, strlen(head), NULL, &claim, &err), err);
	arr = cJSON_GetObjectItemCaseSensitive(claim, "evidence");
	FX_MUST(cJSON_AddItemToArray(arr, evidence), "evidence");
	fx_write_doc(dir, name, claim, 0);
	cJSON_Delete(claim);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char s2t[] =
	    "{\"series\":\"工程\",\"specialty\":\"机械工程\",\"level\":\"中级\"}";
	static const char t2s[] =
	    "{\"occupationCode\":\"6-18-01-01\",\"occupation\":\"车工\",\"level\":\"三级\"}";
	static const char decl[] = "{\"annualReviewsPassed\":3,\"unitRecommended\":true,"
	                           "\"frontLine\":true,\"awards\":[\"吉林省技术能手\"]}";
	struct ecert_error err;
	const char *dir;

	fx_setup();
	ecert_error_clear(&err);
	FX_OK(ecert_rules_load(NULL, &rules, &err), err);
	dir = fx_seed_dir(*argc, *argv);
	if (!dir)
		return 0;
	write_claim(dir, "s2t", "skill-to-title", s2t,
	            fx_cert(fx_skill_tmpl, FX_ED, FX_GOOD_INDEX, FX_CREATED), decl);
	write_claim(dir, "t2s", "title-to-skill", t2s,
	            fx_cert(fx_title_tmpl, FX_SM2, FX_GOOD_INDEX, FX_CREATED),
	            "{\"relatedDiploma\":true}");
	write_claim(dir, "t2s-revoked", "title-to-skill", t2s,
	            fx_cert(fx_title_tmpl, FX_SM2, FX_REVOKED_INDEX, FX_CREATED), "{}");
	write_claim(dir, "s2t-unsigned", "skill-to-title", s2t,
	            fx_cert_unsigned(fx_skill_tmpl, FX_ED, FX_GOOD_INDEX), "{}");
	write_claim(dir, "t2s-unsigned", "title-to-skill", t2s,
	            fx_cert_unsigned(fx_title_tmpl, FX_SM2, FX_GOOD_INDEX),
	            "{\"technicalSchoolClass\":\"技师班\"}");
	return 0;
}

static int evidence_sound(const struct ecert_rules_evidence *e)
{
	return e->verified && e->holder_matches && e->revocation != ECERT_RULES_REVOKED &&
	       e->in_scope;
}

static void check_result(const struct ecert_rules_result *res, const struct ecert_rules_claim *c,
                         const struct ecert_rules_evidence *ev, size_t n)
{
	struct ecert_json_limits lim = {PRINT_JSON_MAX, PRINT_JSON_DEPTH};
	struct ecert_buf text = ECERT_BUF_INIT;
	struct ecert_error err;
	int verdict = ecert_rules_result_verdict(res), fail = 0, review = 0, want, rc;
	long deciding = ecert_rules_result_deciding(res);
	size_t i, count = ecert_rules_result_count(res);
	cJSON *j = NULL, *back = NULL;
	char *printed;
	const char *vname;

	FUZZ_CHECK(verdict == ECERT_RULES_ELIGIBLE || verdict == ECERT_RULES_NOT_ELIGIBLE ||
	               verdict == ECERT_RULES_NEEDS_REVIEW,
	           "verdict %d", verdict);
	FUZZ_CHECK(count > 0 && count <= ECERT_RULES_MAX_RULES, "%zu findings", count);
	FUZZ_CHECK(ecert_rules_result_finding(res, count) == NULL, "finding past the end");
	for (i = 0; i < count; i++) {
		const struct ecert_rules_finding *f = ecert_rules_result_finding(res, i);

		FUZZ_CHECK(f && f->rule && f->clause, "finding %zu incomplete", i);
		FUZZ_CHECK(f->ok == ECERT_RULES_OK || f->ok == ECERT_RULES_FAIL ||
		               f->ok == ECERT_RULES_REVIEW,
		           "finding %s: ok %d", f->rule, f->ok);
		FUZZ_CHECK(f->message_zh && f->message_en && fx_utf8_valid(f->message_zh) &&
		               fx_utf8_valid(f->message_en) &&
		               strlen(f->message_zh) < ECERT_RULES_MSG_MAX &&
		               strlen(f->message_en) < ECERT_RULES_MSG_MAX,
		           "finding %s: messages missing, too long or not UTF-8", f->rule);
		FUZZ_CHECK(f->evidence >= -1 && f->evidence < (long)n,
		           "finding %s: evidence %ld of %zu", f->rule, f->evidence, n);
		if (f->superseded)
			continue;
		fail |= f->ok == ECERT_RULES_FAIL;
		review |= f->ok == ECERT_RULES_REVIEW;
	}
	want = fail     ? ECERT_RULES_NOT_ELIGIBLE
	       : review ? ECERT_RULES_NEEDS_REVIEW
	                : ECERT_RULES_ELIGIBLE;
	FUZZ_CHECK(verdict == want, "verdict %s, but the findings say %s",
	           ecert_rules_verdict_name(verdict), ecert_rules_verdict_name(want));
	FUZZ_CHECK(deciding >= -1 && deciding < (long)n, "deciding evidence %ld of %zu", deciding,
	           n);
	if (verdict != ECERT_RULES_NOT_ELIGIBLE)
		for (i = 0; i < n; i++)
			FUZZ_CHECK(evidence_sound(&ev[i]),
			           "%s although evidence %zu is not sound (verified %d, holder %d, "
			           "revocation %d, in scope %d)",
			           ecert_rules_verdict_name(verdict), ev[i].index, ev[i].verified,
			           ev[i].holder_matches, ev[i].revocation, ev[i].in_scope);
	if (deciding >= 0) {
		int kind = c->direction == ECERT_RULES_SKILL_TO_TITLE ? ECERT_RULES_EVIDENCE_SKILL
		                                                      : ECERT_RULES_EVIDENCE_TITLE;

		for (i = 0; i < n && ev[i].index != (size_t)deciding; i++)
			;
		FUZZ_CHECK(i < n && ev[i].kind == kind,
		           "deciding evidence %ld is not of the kind the direction needs",
		           deciding);
	}

	ecert_error_clear(&err);
	rc = ecert_rules_result_json(res, &j, &err);
	FUZZ_CHECK(rc == ECERT_OK && j, "result JSON: %s", ecert_errname(rc));
	vname = ecert_json_str(j, "verdict");
	FUZZ_CHECK(vname && strcmp(vname, ecert_rules_verdict_name(verdict)) == 0,
	           "JSON verdict differs");
	printed = cJSON_PrintUnformatted(j);
	FUZZ_CHECK(printed, "printing the result failed");
	rc = ecert_json_parse(printed, strlen(printed), &lim, &back, &err);
	FUZZ_CHECK(rc == ECERT_OK, "the printed result is not strict JSON: %s at %s: %s",
	           ecert_errname(rc), err.where, err.msg);
	cJSON_Delete(back);
	cJSON_free(printed);
	cJSON_Delete(j);
	FUZZ_CHECK(ecert_rules_result_text(res, "zh", &text, &err) == ECERT_OK &&
	               ecert_rules_result_text(res, "en", &text, &err) == ECERT_OK &&
	               fx_utf8_valid((const char *)text.data),
	           "clerk's text: %s", err.msg);
	ecert_buf_free(&text);
}

/* Step 2: the rules over made-up facts. */
static void evaluate_synthetic(const struct ecert_rules_claim *c, const uint8_t *data, size_t size)
{
	struct ecert_rules_evidence ev[ECERT_RULES_MAX_EVIDENCE];
	size_t order[ECERT_RULES_MAX_EVIDENCE], i, n = c->n_evidence;
	struct ecert_rules_result *res = NULL;
	struct ecert_error err;
	struct fx_rng rng;
	int rc;

	fx_rng_init(&rng, data, size);
	for (i = 0; i < n; i++)
		order[i] = i;
	for (i = n; i > 1; i--) {
		size_t j = fx_rng_next(&rng, (unsigned)i), t = order[i - 1];

		order[i - 1] = order[j];
		order[j] = t;
	}
	memset(ev, 0, sizeof(ev));
	for (i = 0; i < n; i++) {
		struct ecert_rules_evidence *e = &ev[i];
		unsigned bits = fx_rng_next(&rng, 1u << 12);

		e->index = order[i];
		e->kind = bits & 1 ? ECERT_RULES_EVIDENCE_SKILL : ECERT_RULES_EVIDENCE_TITLE;
		/* mostly sound, so the rules past evidence-verified are reached */
		e->verified = (bits & 0x0E) != 0;
		e->failed_check =
		    e->verified ? NULL : vc_name((int)fx_rng_next(&rng, ECERT_CHECK__COUNT));
		e->holder_matches = (bits & 0x30) != 0;
		e->revocation = (bits & 0xC0) == 0 ? ECERT_RULES_REVOKED
		                : (bits & 0x100)   ? ECERT_RULES_NOT_REVOKED
		                                   : ECERT_RULES_UNCHECKED;
		e->in_scope = (bits & 0x600) != 0;
		if (e->kind == ECERT_RULES_EVIDENCE_TITLE) {
			e->series = pick(&rng, series, COUNT(series));
			e->specialty = pick(&rng, specialties, COUNT(specialties));
			e->title_level = pick(&rng, title_levels, COUNT(title_levels));
			e->title_name = pick(&rng, title_names, COUNT(title_names));
			e->qualified_on = pick(&rng, dates, COUNT(dates));
		} else {
			e->occupation_code = pick(&rng, occupations, COUNT(occupations));
			e->occupation = pick(&rng, occupation_names, COUNT(occupation_names));
			e->skill_level = pick(&rng, skill_levels, COUNT(skill_levels));
			e->level_name = pick(&rng, level_names, COUNT(level_names));
			e->certified_on = pick(&rng, dates, COUNT(dates));
		}
	}
	ecert_error_clear(&err);
	rc = ecert_rules_evaluate(rules, c, ev, n, &res, &err);
	if (rc != ECERT_OK) {
		FUZZ_CHECK(rc == ECERT_ERR_INVALID && err.code == rc && err.msg[0] != '\0' && !res,
		           "evaluate refused with %s, err.code %s, message \"%s\"",
		           ecert_errname(rc), ecert_errname(err.code), err.msg);
		return;
	}
	check_result(res, c, ev, n);
	ecert_rules_result_free(res);
}

/* Sign every evidence object that has no proof (the fuzzer cannot). */
static void sign_evidence(cJSON *claim)
{
	cJSON *item;

	cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(claim, "evidence"))
	{
		enum fx_key k;
		char vm[FX_VM_MAX];

		if (!cJSON_IsObject(item) || cJSON_GetObjectItemCaseSensitive(item, "proof"))
			continue;
		k = fx_signer_for(item);
		fx_vm(k, vm);
		(void)ecert_proof_sign(item, fx.key[k], vm, FX_CREATED, NULL);
	}
}

/* Step 3: the whole check. */
static void check_claim(const cJSON *claim, int parse_rc)
{
	struct ecert_verify_opts opts = {FX_T_NOW, NULL, 0};
	struct ecert_json_limits lim = {PRINT_JSON_MAX, PRINT_JSON_DEPTH};
	struct ecert_rules_evidence ev[ECERT_CLAIM_EVIDENCE_MAX];
	struct ecert_claim_report rep;
	struct ecert_error err;
	cJSON *j, *back = NULL;
	char *printed;
	size_t i;
	int rc;

	ecert_error_clear(&err);
	rc = ecert_claim_check(fx.ver, rules, claim, &opts, &rep, &err);
	if (parse_rc != ECERT_OK || rc != ECERT_OK) {
		FUZZ_CHECK(rc == parse_rc || (parse_rc == ECERT_OK && rc == ECERT_ERR_INVALID),
		           "claim check gives %s (%s), parsing alone %s", ecert_errname(rc),
		           err.msg, ecert_errname(parse_rc));
		ecert_claim_report_free(&rep);
		return;
	}
	FUZZ_CHECK(rep.n_evidence == rep.claim.n_evidence && rep.result,
	           "%zu verification results for %zu evidence items", rep.n_evidence,
	           rep.claim.n_evidence);
	memset(ev, 0, sizeof(ev));
	for (i = 0; i < rep.n_evidence; i++) {
		const struct ecert_verify_result *vr = &rep.evidence[i];

		vc_check_result(vr, -1, 1, 0);
		/* the facts as the report's verdict must see them */
		ev[i].index = i;
		ev[i].kind = vr->kind && strcmp(vr->kind, "skill") == 0
		                 ? ECERT_RULES_EVIDENCE_SKILL
		                 : ECERT_RULES_EVIDENCE_TITLE;
		ev[i].verified =
		    vr->valid || (vr->checks[ECERT_CHECK_HOLDER].state == ECERT_CHECK_FAILED &&
		                  vr->checks[ECERT_CHECK_VALIDITY].state == ECERT_CHECK_PASSED);
		ev[i].holder_matches = vr->checks[ECERT_CHECK_HOLDER].state == ECERT_CHECK_PASSED;
		ev[i].revocation = vr->status == ECERT_STATUS_REVOKED ? ECERT_RULES_REVOKED
		                                                      : ECERT_RULES_NOT_REVOKED;
		ev[i].in_scope = vr->checks[ECERT_CHECK_SCOPE].state == ECERT_CHECK_PASSED;
		if (ecert_rules_result_verdict(rep.result) != ECERT_RULES_NOT_ELIGIBLE)
			FUZZ_CHECK(vr->valid, "%s, but evidence %zu does not verify",
			           ecert_rules_verdict_name(ecert_rules_result_verdict(rep.result)),
			           i);
	}
	check_result(rep.result, &rep.claim, ev, rep.n_evidence);
	j = ecert_claim_report_json(&rep);
	FUZZ_CHECK(j, "report JSON failed");
	printed = cJSON_PrintUnformatted(j);
	FUZZ_CHECK(printed, "printing the report failed");
	rc = ecert_json_parse(printed, strlen(printed), &lim, &back, &err);
	FUZZ_CHECK(rc == ECERT_OK, "the printed report is not strict JSON: %s at %s: %s",
	           ecert_errname(rc), err.where, err.msg);
	cJSON_Delete(back);
	cJSON_free(printed);
	cJSON_Delete(j);
	ecert_claim_report_free(&rep);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ecert_json_limits lim = {ECERT_CLAIM_MAX_BYTES, CLAIM_JSON_DEPTH};
	struct ecert_rules_claim c;
	struct ecert_error err;
	cJSON *claim = NULL;
	int rc;

	if (ecert_json_parse((const char *)data, size, &lim, &claim, NULL) != ECERT_OK)
		return 0;
	sign_evidence(claim);
	ecert_error_clear(&err);
	memset(&c, 0, sizeof(c));
	rc = ecert_rules_claim_parse(claim, &c, &err);
	if (rc != ECERT_OK) {
		FUZZ_CHECK((rc == ECERT_ERR_SCHEMA || rc == ECERT_ERR_INVALID) && err.code == rc &&
		               err.msg[0] != '\0',
		           "claim refused with %s, err.code %s, message \"%s\"", ecert_errname(rc),
		           ecert_errname(err.code), err.msg);
	} else {
		FUZZ_CHECK(c.direction == ECERT_RULES_SKILL_TO_TITLE ||
		               c.direction == ECERT_RULES_TITLE_TO_SKILL,
		           "direction %d", c.direction);
		FUZZ_CHECK(c.n_evidence >= 1 && c.n_evidence <= ECERT_RULES_MAX_EVIDENCE &&
		               c.evidence && c.applicant_name && c.applicant_id_number &&
		               c.target_level && c.n_awards <= ECERT_RULES_MAX_AWARDS,
		           "accepted claim incomplete (%zu evidence items)", c.n_evidence);
		evaluate_synthetic(&c, data, size);
	}
	check_claim(claim, rc);
	cJSON_Delete(claim);
	return 0;
}
