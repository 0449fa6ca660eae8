/* ecert — the pathway rules engine (DESIGN §6).
 *
 * The rules are data (schemas/rules/jl-rs-2022-158.json): each rule has an id, the clause
 * of the policy it comes from, a kind, parameters and message templates. This engine knows
 * the kinds of rule, not the policy's numbers. It does not verify signatures: its input is
 * the claim (struct ecert_rules_claim) and, for every evidence certificate of the claim,
 * the facts the verifier has already established (struct ecert_rules_evidence). Its output
 * is a verdict, the evidence certificate that decided it, and one finding per rule.
 *
 * Ownership: ecert_rules_load() and ecert_rules_evaluate() give the caller a handle that it
 * frees with the matching _free() (NULL is fine). Strings in a result or an equivalence
 * answer live as long as that result / the rules handle. Out-parameters are set only on
 * success. A loaded rules handle is read-only and may be shared between threads; every
 * other function is thread-safe on distinct objects. */
#ifndef ECERT_RULES_H
#define ECERT_RULES_H

#include <stddef.h>
#include <cjson/cJSON.h>
#include "ecert/buf.h"
#include "ecert/datetime.h"
#include "ecert/error.h"

/* Embedded data used when a source path is NULL (paths relative to schemas/); the level
 * tables are ecert/domain.h's (ECERT_DOMAIN_TITLES_FILE, ECERT_DOMAIN_SKILLS_FILE). */
#define ECERT_RULES_DEFAULT_RULES "rules/jl-rs-2022-158.json"
#define ECERT_RULES_DEFAULT_TABLE "rules/correspondence-trial.json"

/* Bounds. */
#define ECERT_RULES_MAX_RULES 64    /* rules in one rules file */
#define ECERT_RULES_MAX_EVIDENCE 16 /* evidence certificates in one claim */
#define ECERT_RULES_MAX_AWARDS 16   /* declared awards in one claim */
#define ECERT_RULES_MSG_MAX 2048    /* bytes of one rendered message, NUL included */

enum ecert_rules_direction {
	ECERT_RULES_SKILL_TO_TITLE = 1, /* a skill holder asks for a title (二（三）) */
	ECERT_RULES_TITLE_TO_SKILL = 2, /* a title holder asks for a skill evaluation (二（四）) */
};

enum ecert_rules_verdict {
	ECERT_RULES_ELIGIBLE = 0,     /* every rule holds */
	ECERT_RULES_NOT_ELIGIBLE = 1, /* some rule fails */
	ECERT_RULES_NEEDS_REVIEW = 2, /* nothing fails, but a rule rests on a person's judgement */
};

/* The outcome of one finding: ok true / false / null (review) in JSON. */
enum ecert_rules_outcome {
	ECERT_RULES_FAIL = 0,
	ECERT_RULES_OK = 1,
	ECERT_RULES_REVIEW = 2,
};

enum ecert_rules_evidence_kind {
	ECERT_RULES_EVIDENCE_TITLE = 1, /* 电子职称证书 */
	ECERT_RULES_EVIDENCE_SKILL = 2, /* 职业技能等级证书 / 职业资格证书 */
};

enum ecert_rules_revocation {
	ECERT_RULES_NOT_REVOKED = 0, /* a status list was checked and the bit is clear */
	ECERT_RULES_REVOKED = 1,     /* the status list says revoked */
	ECERT_RULES_UNCHECKED = 2,   /* no status list was given */
};

/* Where the engine takes its data from; a NULL member (or a NULL struct) means the
 * embedded copy. An authority replaces any of them without rebuilding. */
struct ecert_rules_sources {
	const char *rules_path;  /* pathway rules (rules/rules.schema.json) */
	const char *table_path;  /* correspondence table (rules/correspondence.schema.json) */
	const char *titles_path; /* title series and levels (data/titles.json, ecert/domain.h) */
	const char *skills_path; /* skill levels (data/skill-levels.json, ecert/domain.h) */
};

/* The claim's own facts (DESIGN §6). Strings are borrowed: from the cJSON tree given to
 * ecert_rules_claim_parse(), or from the caller. A declaration not given is -1 / NULL. */
struct ecert_rules_claim {
	int direction;           /* enum ecert_rules_direction */
	struct ecert_date as_of; /* 申报基准日 */
	const char *applicant_name;
	const char *applicant_id_number;
	/* target, skill-to-title */
	const char *target_series;
	const char *target_specialty;
	/* target, title-to-skill */
	const char *target_occupation_code;
	const char *target_occupation;
	/* target level, both: a title level (助理级 …) or a skill level (三级, 技师 …) */
	const char *target_level;
	/* the evidence array (unverified certificates), for the caller to verify */
	const cJSON *evidence;
	size_t n_evidence;
	/* declarations */
	int annual_reviews_passed; /* 0..3, -1 not declared */
	int unit_recommended;      /* 0/1, -1 not declared */
	int front_line;            /* 0/1, -1 not declared */
	int related_diploma;       /* 0/1, -1 not declared */
	const char *technical_school_class; /* 中级工班 / 高级工班 / 预备技师班 / 技师班, or NULL */
	const char *awards[ECERT_RULES_MAX_AWARDS];
	size_t n_awards;
};

/* What the verifier established about one evidence certificate. Strings are borrowed
 * (NULL when absent). */
struct ecert_rules_evidence {
	size_t index;             /* position in the claim's evidence array */
	int kind;                 /* enum ecert_rules_evidence_kind */
	int verified;             /* 1 if it verified in full (DESIGN §3-4) */
	const char *failed_check; /* when !verified: the name of the failing check */
	int holder_matches;       /* 1 if it belongs to the applicant (name and idDigest) */
	int holder_known;         /* 1 if that was checked (verification reached holder) */
	int revocation;           /* enum ecert_rules_revocation */
	int in_scope;             /* 1 if its issuer key was in scope for it */
	/* title subject */
	const char *series;
	const char *specialty;
	const char *title_level;  /* 员级 / 助理级 / 中级 / 副高级 / 正高级 */
	const char *title_name;   /* 工程师 … */
	const char *qualified_on; /* YYYY-MM-DD */
	/* skill subject */
	const char *occupation_code;
	const char *occupation;
	const char *skill_level;  /* 三级 …, or 特级技师 / 首席技师 */
	const char *level_name;   /* 高级工 … */
	const char *certified_on; /* YYYY-MM-DD */
};

/* One finding, a read-only view into a result. */
struct ecert_rules_finding {
	const char *rule;   /* rule id */
	const char *clause; /* the policy clause, e.g. "二（三）2" */
	int ok;             /* enum ecert_rules_outcome */
	const char *message_zh;
	const char *message_en;
	long evidence;  /* the evidence index the finding is about, or -1 */
	int superseded; /* 1: an alternative path not taken; does not count */
};

/* The answer to `equivalent LEVEL` (二（六）). Pointers live as long as the rules handle. */
struct ecert_rules_equivalence {
	const char *rule;        /* rule id */
	const char *clause;      /* "二（六）" */
	int from_skill;          /* 1 if the query named a skill level, 0 a title level */
	const char *skill_level; /* numeral form, e.g. "三级" */
	const char *skill_name;  /* e.g. "高级工" */
	const char *title_level; /* e.g. "助理级" */
	char message_zh[ECERT_RULES_MSG_MAX];
	char message_en[ECERT_RULES_MSG_MAX];
};

struct ecert_rules;
struct ecert_rules_result;

/* Load and check the level tables (ecert_domain_load), the correspondence table and the
 * rules. The table and the rules are validated against their JSON Schemas, then every rule
 * against what its kind needs (parameters, the levels it names, message keys and
 * placeholders), so a bad data file fails here, not in the middle of a claim.
 * Errors: ECERT_ERR_IO, ECERT_ERR_JSON_*, ECERT_ERR_SCHEMA (err->where names the file and
 * the place), ECERT_ERR_NOMEM. */
int ecert_rules_load(const struct ecert_rules_sources *src, struct ecert_rules **out,
                     struct ecert_error *err);
void ecert_rules_free(struct ecert_rules *rules);

/* Facts about the loaded data, for output headers. Never NULL for a loaded handle. */
const char *ecert_rules_policy_id(const struct ecert_rules *rules);
const char *ecert_rules_document_number(const struct ecert_rules *rules);
const char *ecert_rules_version(const struct ecert_rules *rules);
struct ecert_date ecert_rules_effective_date(const struct ecert_rules *rules);

/* The kind of the loaded rule `rule_id` ("skill-years-to-title", "green-channel" …, the
 * kinds of rules/rules.schema.json), or NULL when the rules have no such rule. The string
 * lives as long as the rules handle. */
const char *ecert_rules_rule_kind(const struct ecert_rules *rules, const char *rule_id);

/* Validate a parsed claim document against schemas/claim.schema.json and extract its
 * facts; out borrows strings from `claim`, which must outlive it. Errors: ECERT_ERR_SCHEMA
 * when the claim does not match the schema (err->where is the JSON path),
 * ECERT_ERR_INVALID for a value the schema cannot catch (a date that does not exist). */
int ecert_rules_claim_parse(const cJSON *claim, struct ecert_rules_claim *out,
                            struct ecert_error *err);

/* Apply the rules to a claim. `evidence` holds one entry for every item of the claim's
 * evidence array (n_evidence == claim->n_evidence, each index once). Errors (input, not
 * verdicts): ECERT_ERR_ARG for inconsistent arguments, ECERT_ERR_INVALID for a target the
 * rules cannot read (unknown level), ECERT_ERR_NOMEM. */
int ecert_rules_evaluate(const struct ecert_rules *rules, const struct ecert_rules_claim *claim,
                         const struct ecert_rules_evidence *evidence, size_t n_evidence,
                         struct ecert_rules_result **out, struct ecert_error *err);
void ecert_rules_result_free(struct ecert_rules_result *result);

int ecert_rules_result_verdict(const struct ecert_rules_result *result);
/* The evidence index of the certificate that decided the verdict, or -1 if there was none
 * of the kind the direction needs. */
long ecert_rules_result_deciding(const struct ecert_rules_result *result);
size_t ecert_rules_result_count(const struct ecert_rules_result *result);
/* The i-th finding (in rule order), or NULL if i is out of range. */
const struct ecert_rules_finding *
ecert_rules_result_finding(const struct ecert_rules_result *result, size_t i);

/* The result as JSON: {"type": "CrossTrackClaimResult", "policy": {…}, "direction",
 * "asOf", "verdict", "decidingEvidence", "findings": [{"rule", "clause", "ok",
 * "message": {"zh", "en"}, "evidence"?, "superseded"?}]}; ok is null for review. The
 * caller owns *out (cJSON_Delete). Errors: ECERT_ERR_NOMEM. */
int ecert_rules_result_json(const struct ecert_rules_result *result, cJSON **out,
                            struct ecert_error *err);
/* The result as text for a counter clerk, appended to out; lang "zh" or "en".
 * Errors: ECERT_ERR_ARG (unknown lang), ECERT_ERR_NOMEM. */
int ecert_rules_result_text(const struct ecert_rules_result *result, const char *lang,
                            struct ecert_buf *out, struct ecert_error *err);

/* "eligible" / "not_eligible" / "needs_review". */
const char *ecert_rules_verdict_name(int verdict);
/* Exit status (DESIGN §6): 0 eligible, 1 not eligible, 3 needs review. */
int ecert_rules_verdict_exit(int verdict);

/* The treatment equivalence of 二（六） for a skill level (高级工, 三级, 三级/高级工 …) or a
 * title level (助理级 …, or a title name such as 工程师). Errors: ECERT_ERR_INVALID if the
 * level is not known, ECERT_ERR_UNSUPPORTED if it is known but has no equivalent. */
int ecert_rules_equivalent(const struct ecert_rules *rules, const char *level,
                           struct ecert_rules_equivalence *out, struct ecert_error *err);

#endif
