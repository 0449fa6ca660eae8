/* ecert — title certificates earned through the skill-to-title pathway (DESIGN §2
 * `pathway`, §6), verify side: shared by `ecert-issuer issue --basis` (before signing),
 * `ecert-verifier verify --basis` and the counter service.
 *
 * A title certificate earned through the pathway names the rule and the skill
 * certificate(s) it rested on:
 *
 *   "pathway": {"rule": "s2t-years",
 *               "basis": [{"id": "urn:ecert:S…", "digest": "sm3:<hex SM3 of the basis's JCS>"}]}
 *
 * The pathway holds when every basis certificate verified in full (verify.h), is the
 * same person as the title's holder, and the named rule of the pathway rules (rules.h)
 * held on the basis on the day the title was awarded: the rules engine is run on a
 * skill-to-title claim synthesised from the title (target = its series, specialty and
 * level; asOf = its qualifiedOn; evidence = the basis). The declarations of 二（三）1
 * (annual reviews, unit recommendation, front-line post) are taken as given: the approval
 * authority attests them by awarding the title; what the software checks is what signed
 * evidence shows — the basis's level, occupation, date and validity, the policy in force,
 * the series in scope, the years. A specialty/occupation pair the correspondence table
 * lacks was the committee's call (专业相近): the pathway holds and the detail says so.
 *
 * Identity: the issuer and a verifier given the holder's ID number match it against both
 * certificates' idDigest (their salts differ, so the digests cannot be compared with
 * each other); without it a verifier can compare only the name and the masked ID number,
 * and says so (ECERT_PATHWAY_ID_NAME).
 *
 * Results are plain structs the caller owns; every function is thread-safe over shared,
 * read-only rules. */
#ifndef ECERT_PATHWAY_H
#define ECERT_PATHWAY_H

#include <stddef.h>
#include <cjson/cJSON.h>
#include "ecert/error.h"
#include "ecert/rules.h"
#include "ecert/verify.h"

/* Basis certificates of one title (the schemas' maxItems). */
#define ECERT_PATHWAY_BASIS_MAX 16
/* The kind of rule an issuer names when it issues through the pathway: the years after a
 * skill level (二（三）2). The rule id itself comes from the rules data. */
#define ECERT_PATHWAY_RULE_KIND "skill-years-to-title"
/* Bytes of a rule id (the schemas' text64: 64 code points of up to 4 bytes). */
#define ECERT_PATHWAY_RULE_MAX (64 * 4 + 1)
/* Bytes of a certificate id ("urn:ecert:" + up to 40 characters), NUL included. */
#define ECERT_PATHWAY_ID_MAX 64
/* Bytes of one detail text, NUL included. */
#define ECERT_PATHWAY_DETAIL_MAX (ECERT_RULES_MSG_MAX + 512)

enum ecert_pathway_identity {
	ECERT_PATHWAY_ID_NONE = 0,   /* not established (or not the same person) */
	ECERT_PATHWAY_ID_DIGEST = 1, /* the holder's ID number matched every idDigest */
	ECERT_PATHWAY_ID_NAME = 2,   /* name and masked ID number only: no ID number given */
};

/* The title's facts the pathway is judged on (strings borrowed). */
struct ecert_pathway_title {
	const char *name;
	const char *id_number; /* the holder's full ID number, or NULL if not known */
	const char *id_masked; /* idNumberMasked, or NULL (derived from id_number if given) */
	const char *series;
	const char *specialty;
	const char *level;        /* 员级 … 正高级 */
	const char *qualified_on; /* YYYY-MM-DD: the claim's asOf */
};

struct ecert_pathway_result {
	int checked;  /* 1: judged; 0: only described (no basis given) */
	int ok;       /* 1: the pathway holds (checked only) */
	int code;     /* ECERT_OK, or the enum ecert_rc of what failed */
	int identity; /* enum ecert_pathway_identity */
	int verdict;  /* the rules verdict on the synthesised claim, or -1 if not run */
	char rule[ECERT_PATHWAY_RULE_MAX]; /* the rule judged ("" if none) */
	char basis[ECERT_PATHWAY_BASIS_MAX][ECERT_PATHWAY_ID_MAX]; /* basis ids, in order */
	size_t n_basis;
	char detail_zh[ECERT_PATHWAY_DETAIL_MAX];
	char detail_en[ECERT_PATHWAY_DETAIL_MAX];
};

/* Read the title facts from a title issuance record or a title certificate's
 * credentialSubject: name, idNumber (records), idNumberMasked (certificates), series,
 * specialty, level, qualifiedOn. Members that are absent or not strings are NULL. The
 * strings point into `obj`. */
void ecert_pathway_title_from_json(const cJSON *obj, struct ecert_pathway_title *out);

/* Judge the pathway of `title` on the basis certificates `basis[0..n)`, each already run
 * through ecert_verify / ecert_verify_doc — with holder_id = title->id_number when that
 * is known. rule_id: the rule the title names; NULL lets the issuer's choice be made: the
 * rule of kind ECERT_PATHWAY_RULE_KIND. Always fills *out; returns ECERT_OK when the
 * pathway holds, otherwise out->code: the basis's failed check (ECERT_ERR_SIGNATURE,
 * ECERT_ERR_REVOKED …), ECERT_ERR_HOLDER (not the same person), ECERT_ERR_INVALID (the
 * rule did not hold, is unknown, or is not one signed evidence can satisfy),
 * ECERT_ERR_ARG (n is 0 or above ECERT_PATHWAY_BASIS_MAX, a title fact missing),
 * ECERT_ERR_NOMEM. */
int ecert_pathway_judge(const struct ecert_rules *rules, const struct ecert_pathway_title *title,
                        const char *rule_id, const struct ecert_verify_result *basis, size_t n,
                        struct ecert_pathway_result *out, struct ecert_error *err);

/* The verifier's check of a title certificate `cert` (a verified title certificate, as
 * decoded) against the basis certificates given: `cert` must carry
 * credentialSubject.pathway; each basis entry must be matched by exactly one given
 * certificate with that id and an equal digest (ecert_verify_result.digest), and no
 * certificate may be given that the pathway does not name; then ecert_pathway_judge with
 * the pathway's rule. holder_id: the holder's full ID number, or NULL (identity by name and
 * masked ID only); the basis results must have been verified with the same holder_id.
 * Always fills *out; returns as ecert_pathway_judge, plus ECERT_ERR_SCHEMA (no pathway, or
 * not a title certificate) and ECERT_ERR_INVALID (a digest or id that does not match). */
int ecert_pathway_verify(const struct ecert_rules *rules, const cJSON *cert,
                         const char *holder_id, const struct ecert_verify_result *basis,
                         size_t n, struct ecert_pathway_result *out, struct ecert_error *err);

/* The `pathway` member an issuer writes into the record: {"rule": rule_id, "basis":
 * [{"id", "digest"}, …]} from the basis results (in order). The caller owns *out.
 * Errors: ECERT_ERR_ARG (no rule, n out of range, a basis without id or digest),
 * ECERT_ERR_NOMEM. */
int ecert_pathway_member(const char *rule_id, const struct ecert_verify_result *basis, size_t n,
                         cJSON **out, struct ecert_error *err);

/* Describe the pathway a certificate names without checking it (no basis was given):
 * *out gets checked 0, the rule, the basis ids and a detail saying that the basis was not
 * checked. Returns ECERT_OK, or ECERT_ERR_SCHEMA when `cert` names no pathway (*out is
 * then empty). */
int ecert_pathway_describe(const cJSON *cert, struct ecert_pathway_result *out,
                           struct ecert_error *err);

/* {"ok": true|false|null, "rule", "identity": "idDigest"|"name"|null, "basis": [ids],
 * "detail": English, "detailZh": Chinese} — ok null when the pathway was only described.
 * NULL on allocation failure. */
cJSON *ecert_pathway_result_json(const struct ecert_pathway_result *res);

#endif
