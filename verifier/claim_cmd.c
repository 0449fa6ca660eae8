/* ecert-verifier claim / equivalent — cross-track claims (贯通申报) against the pathway
 * rules of 吉人社函〔2022〕158号, and the treatment equivalence of 二（六）. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecert/claim.h"
#include "ecert/datetime.h"
#include "ecert/json.h"
#include "ecert/rules.h"
#include "verifier.h"

static void claim_help(FILE *f)
{
	fprintf(f,
		"Usage: ecert-verifier claim --root ROOT.pub --trust trust.json [--status FILE…]\n"
		"                            [--rules FILE] [--table FILE] [--require-status]\n"
		"                            [--at TIME] [--json] [--lang zh|en] CLAIM.json\n"
		"\n"
		"Check a cross-track claim (贯通申报): a skilled worker applying for a title, or a\n"
		"titled professional applying for a skill level. Every evidence certificate is\n"
		"verified in full (as `verify` does) and must be the applicant's (name, and idDigest\n"
		"against the applicant's ID number); then each rule of the policy is applied and\n"
		"reported with the clause that decides it.\n"
		"\n"
		"The claim (schemas/claim.schema.json, docs/claims.md):\n"
		"  {\"type\": \"CrossTrackClaim\", \"direction\": \"skill-to-title\",\n"
		"   \"asOf\": \"2023-07-01\",\n"
		"   \"applicant\": {\"name\": \"王建国\", \"idNumber\": \"220102198503121230\"},\n"
		"   \"target\": {\"series\": \"工程\", \"specialty\": \"机械工程\", \"level\": \"中级\"},\n"
		"   \"evidence\": [ <the signed 技师 certificate, as issued> ],\n"
		"   \"declarations\": {\"annualReviewsPassed\": 3, \"unitRecommended\": true,\n"
		"                    \"frontLine\": true}}\n"
		"  例：车工技师（2020-06-15 取得）于 2023-07-01 申报工程系列机械工程专业中级职称——\n"
		"  二（三）2 规定取得技师后从事技术工作满 3 年可申报中级，2023-06-15 满 3 年，符合\n"
		"  （eligible，退出码 0）。若 2023-06-14 申报，仅满 2 年，不符合（not_eligible，退出码\n"
		"  1）；若申报正高级并声明“全国技术能手”，技师未达特级技师，由绿色通道代替，但奖项\n"
		"  只是声明，需人工复核（needs_review，退出码 3）。\n"
		"  For title-to-skill: \"direction\": \"title-to-skill\", \"target\": {\"occupationCode\":\n"
		"  \"6-18-01-01\", \"occupation\": \"车工\", \"level\": \"二级\"} and a title certificate.\n"
		"\n"
		"Options:\n"
		"  --root, --trust, --status, --require-status, --at   as for `verify`\n"
		"  --rules FILE         pathway rules (default: the embedded jl-rs-2022-158.json)\n"
		"  --table FILE         specialty↔occupation table (default: the embedded trial table)\n"
		"  --json               the result as JSON: verdict, decidingEvidence, findings\n"
		"                       [{rule, clause, ok, message {zh, en}}], evidenceChecks\n"
		"  --lang zh|en         language of the text output (default zh)\n"
		"\n"
		"Verdicts and exit status: 0 eligible (符合), 1 not_eligible (不符合) or invalid\n"
		"evidence, 3 needs_review (需人工审核: a declared award, another province's honour,\n"
		"a specialty/occupation pair missing from the table), 2 usage or input error.\n");
}

static int parse_at(const char *s, int64_t *t)
{
	struct ecert_error err;
	struct ecert_date d;
	char buf[40];

	if (ecert_time_parse(s, t, &err) == ECERT_OK)
		return 0;
	if (ecert_date_parse(s, &d, &err) != ECERT_OK)
		return -1;
	snprintf(buf, sizeof(buf), "%04d-%02d-%02dT12:00:00+08:00", d.year, d.month, d.day);
	return ecert_time_parse(buf, t, &err) == ECERT_OK ? 0 : -1;
}

static void print_evidence_text(const struct ecert_claim_report *rep, int lang)
{
	size_t i;
	int en = lang == VLANG_EN;

	printf(en ? "Evidence:\n" : "证明材料：\n");
	for (i = 0; i < rep->n_evidence; i++) {
		const struct ecert_verify_result *r = &rep->evidence[i];
		const char *id = ecert_json_str(r->certificate, "id");
		int k, failed = -1;

		for (k = 0; k < ECERT_CHECK__COUNT && failed < 0; k++)
			if (r->checks[k].state == ECERT_CHECK_FAILED)
				failed = k;
		printf("  [%zu] %s: ", i, id ? id : "?");
		if (failed < 0)
			printf(en ? "verified\n" : "核验通过\n");
		else
			printf(en ? "INVALID (%s: %s)\n" : "无效（%s：%s）\n",
			       report_check_label(failed, lang),
			       report_error_words(r->checks[failed].code, lang));
	}
}

int cmd_claim(int argc, char **argv)
{
	enum { O_ROOT = 256, O_TRUST, O_STATUS, O_REQ, O_AT, O_RULES, O_TABLE, O_JSON, O_LANG };
	static const struct option opts[] = {
		{"root", required_argument, NULL, O_ROOT},
		{"trust", required_argument, NULL, O_TRUST},
		{"status", required_argument, NULL, O_STATUS},
		{"require-status", no_argument, NULL, O_REQ},
		{"at", required_argument, NULL, O_AT},
		{"rules", required_argument, NULL, O_RULES},
		{"table", required_argument, NULL, O_TABLE},
		{"json", no_argument, NULL, O_JSON},
		{"lang", required_argument, NULL, O_LANG},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct ecert_json_limits lim = {ECERT_CLAIM_MAX_BYTES, 0};
	struct ecert_rules_sources src = {0};
	struct ecert_claim_report rep;
	struct ecert_rules *rules = NULL;
	struct vconfig c = {0};
	struct ecert_verify_opts o = {0};
	struct ecert_error err;
	cJSON *claim = NULL;
	int opt, rc;

	memset(&rep, 0, sizeof(rep));
	ecert_error_clear(&err);
	c.lang = vlang_parse(getenv("ECERT_LANG")) == VLANG_EN ? VLANG_EN : VLANG_ZH;
	o.at = ecert_time_now();
	optind = 1;
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case O_ROOT: c.root_path = optarg; break;
		case O_TRUST: c.trust_path = optarg; break;
		case O_STATUS:
			if (c.nstatus >= VERIFIER_STATUS_MAX)
				return vusage("claim", "at most %d --status files", VERIFIER_STATUS_MAX);
			c.status_paths[c.nstatus++] = optarg;
			break;
		case O_REQ: o.require_status = 1; break;
		case O_AT:
			if (parse_at(optarg, &o.at) != 0)
				return vusage("claim", "--at wants YYYY-MM-DD or an RFC 3339 time");
			break;
		case O_RULES: src.rules_path = optarg; break;
		case O_TABLE: src.table_path = optarg; break;
		case O_JSON: c.json = 1; break;
		case O_LANG:
			c.lang = vlang_parse(optarg);
			if (c.lang < 0)
				return vusage("claim", "--lang is zh or en, not '%s'", optarg);
			break;
		case 'h': claim_help(stdout); return VEXIT_VALID;
		default: return vusage("claim", "unknown option");
		}
	}
	if (argc - optind != 1)
		return vusage("claim", "give exactly one CLAIM.json (or - for standard input)");
	rc = VEXIT_USAGE;
	if (ecert_rules_load(&src, &rules, &err) != ECERT_OK) {
		verr(&err, src.rules_path ? src.rules_path : "rules");
		goto out;
	}
	if (ecert_json_parse_file(argv[optind], &lim, &claim, &err) != ECERT_OK) {
		verr(&err, argv[optind]);
		goto out;
	}
	rc = vconfig_load(&c);
	if (rc != VEXIT_VALID)
		goto out;
	rc = VEXIT_USAGE;
	if (ecert_claim_check(c.verifier, rules, claim, &o, &rep, &err) != ECERT_OK) {
		ecert_error_prefix(&err, "%s", argv[optind]);
		verr(&err, argv[optind]);
		goto out;
	}
	if (c.json) {
		cJSON *j = ecert_claim_report_json(&rep);
		char *s = j ? cJSON_Print(j) : NULL;

		cJSON_Delete(j);
		if (!s) {
			verr_msg(argv[optind], "out of memory");
			goto out;
		}
		printf("%s\n", s);
		cJSON_free(s);
	} else {
		struct ecert_buf b = ECERT_BUF_INIT;

		if (ecert_rules_result_text(rep.result, c.lang == VLANG_EN ? "en" : "zh", &b,
					    &err) != ECERT_OK) {
			verr(&err, argv[optind]);
			ecert_buf_free(&b);
			goto out;
		}
		fwrite(b.data, 1, b.len, stdout);
		if (b.len && b.data[b.len - 1] != '\n')
			putchar('\n');
		ecert_buf_free(&b);
		print_evidence_text(&rep, c.lang);
	}
	rc = ecert_rules_verdict_exit(ecert_rules_result_verdict(rep.result));
out:
	ecert_claim_report_free(&rep);
	cJSON_Delete(claim);
	ecert_rules_free(rules);
	vconfig_free(&c);
	return rc;
}

static void equivalent_help(FILE *f)
{
	fprintf(f,
		"Usage: ecert-verifier equivalent LEVEL [--rules FILE] [--json] [--lang zh|en]\n"
		"\n"
		"The treatment equivalence of 二（六）: 高级工 ↔ 助理级, 技师 ↔ 中级, 高级技师 ↔ 副高级.\n"
		"LEVEL is a skill level (三级, 高级工, 技师, 二级/技师 …) or a title level (助理级, 中级,\n"
		"副高级).\n"
		"\n"
		"Examples:\n"
		"  ecert-verifier equivalent 技师        # → 中级\n"
		"  ecert-verifier equivalent 副高级      # → 一级/高级技师\n"
		"\n"
		"Exit status: 0 an equivalence exists, 1 none for this level, 2 usage error.\n");
}

int cmd_equivalent(int argc, char **argv)
{
	enum { O_RULES = 256, O_JSON, O_LANG };
	static const struct option opts[] = {
		{"rules", required_argument, NULL, O_RULES},
		{"json", no_argument, NULL, O_JSON},
		{"lang", required_argument, NULL, O_LANG},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct ecert_rules_sources src = {0};
	struct ecert_rules_equivalence eq;
	struct ecert_rules *rules = NULL;
	struct ecert_error err;
	int opt, json = 0, lang, rc;

	ecert_error_clear(&err);
	lang = vlang_parse(getenv("ECERT_LANG")) == VLANG_EN ? VLANG_EN : VLANG_ZH;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case O_RULES: src.rules_path = optarg; break;
		case O_JSON: json = 1; break;
		case O_LANG:
			lang = vlang_parse(optarg);
			if (lang < 0)
				return vusage("equivalent", "--lang is zh or en, not '%s'", optarg);
			break;
		case 'h': equivalent_help(stdout); return VEXIT_VALID;
		default: return vusage("equivalent", "unknown option");
		}
	}
	if (argc - optind != 1)
		return vusage("equivalent", "give exactly one LEVEL");
	if (ecert_rules_load(&src, &rules, &err) != ECERT_OK) {
		verr(&err, "rules");
		return VEXIT_USAGE;
	}
	rc = ecert_rules_equivalent(rules, argv[optind], &eq, &err);
	if (rc != ECERT_OK) {
		verr(&err, argv[optind]);
		ecert_rules_free(rules);
		return rc == ECERT_ERR_INVALID ? VEXIT_INVALID : VEXIT_USAGE;
	}
	if (json) {
		cJSON *j = cJSON_CreateObject();
		char *out = NULL;

		if (j && cJSON_AddStringToObject(j, "rule", eq.rule) &&
		    cJSON_AddStringToObject(j, "clause", eq.clause) &&
		    cJSON_AddStringToObject(j, "skillLevel", eq.skill_level) &&
		    cJSON_AddStringToObject(j, "skillName", eq.skill_name) &&
		    cJSON_AddStringToObject(j, "titleLevel", eq.title_level) &&
		    cJSON_AddStringToObject(j, "zh", eq.message_zh) &&
		    cJSON_AddStringToObject(j, "en", eq.message_en))
			out = cJSON_PrintUnformatted(j);
		cJSON_Delete(j);
		if (!out) {
			verr_msg("equivalent", "out of memory");
			ecert_rules_free(rules);
			return VEXIT_USAGE;
		}
		printf("%s\n", out);
		cJSON_free(out);
	} else {
		printf("%s\n", lang == VLANG_EN ? eq.message_en : eq.message_zh);
	}
	ecert_rules_free(rules);
	return VEXIT_VALID;
}
