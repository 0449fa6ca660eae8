/* ecert — the domain tables: title series and levels, skill levels, and the forms of
 * occupation codes and certificate numbers (DESIGN §2, domain/README.md).
 *
 * The tables are data (schemas/data/titles.json, schemas/data/skill-levels.json),
 * embedded at build time; an authority can load a newer copy from files. A loaded
 * struct ecert_domain is immutable: any number of threads may query it at once.
 *
 * The check functions blame a record field: on failure they set err->where to the name of
 * the field that is wrong ("series", "level", "titleName", "levelName",
 * "occupationCode", "certificateNumber", "certificateKind") and err->msg to what was
 * expected. Strings they hand back point into the tables and live as long as they do. */
#ifndef ECERT_DOMAIN_H
#define ECERT_DOMAIN_H

#include <cjson/cJSON.h>
#include "ecert/error.h"

#define ECERT_DOMAIN_TITLES_FILE "data/titles.json"
#define ECERT_DOMAIN_SKILLS_FILE "data/skill-levels.json"
/* Title certificate numbers are the authority's own: letters, digits and '-'. */
#define ECERT_TITLE_NUMBER_MAX 40
/* 职业技能等级证书 numbers (人社鉴发〔2019〕2号) and the older 职业资格证书 numbers. */
#define ECERT_SKILL_NUMBER_LEN 22
#define ECERT_SKILL_NUMBER_LEVEL_POS 15 /* 0-based offset of the level digit */
#define ECERT_QUALIFICATION_NUMBER_LEN 16

struct ecert_domain;

/* One title level as the tables know it. */
struct ecert_title_level {
	const char *series; /* 工程 … */
	const char
	    *track; /* 讲师 / 实习指导教师 for 技工院校教师, 演员 … for 艺术; else the series */
	const char *level;   /* 员级 / 助理级 / 中级 / 副高级 / 正高级 */
	const char *band;    /* 初级 / 中级 / 高级 */
	int ordinal;         /* 员级 1 … 正高级 5 */
	int in_policy_scope; /* series is in 吉人社函〔2022〕158号 二（一） */
};

/* One skill level (新八级). */
struct ecert_skill_level {
	const char *level;      /* 五级 … 一级, 特级技师, 首席技师 */
	const char *level_name; /* 初级工 … 高级技师, 特级技师, 首席技师 */
	int ordinal;            /* 五级 1 … 一级 5, 特级技师 6, 首席技师 7 */
};

/* Load the tables from JSON files; a NULL path takes the embedded copy. The files are
 * parsed strictly and checked for consistency (every track names each level exactly once,
 * in its titles or in "lacks"; ordinals unique; no title name at two levels of a series).
 * On success *out is owned by the caller (ecert_domain_free). Errors: ECERT_ERR_IO,
 * ECERT_ERR_JSON_*, ECERT_ERR_SCHEMA (table malformed; err->where names file and
 * place), ECERT_ERR_NOMEM. Thread-safe. */
int ecert_domain_load(const char *titles_path, const char *skills_path, struct ecert_domain **out,
                      struct ecert_error *err);

/* As ecert_domain_load from trees already parsed; the trees are copied. */
int ecert_domain_load_json(const cJSON *titles, const cJSON *skills, struct ecert_domain **out,
                           struct ecert_error *err);

/* NULL is fine. */
void ecert_domain_free(struct ecert_domain *d);

/* The tables from the embedded copy, loaded on first use and kept for the life of the
 * process (never freed; the caller must not free them). A load that failed is tried again
 * on the next call. Thread-safe. Errors: ECERT_ERR_NOMEM, or ECERT_ERR_SCHEMA if the build
 * embedded broken data. */
int ecert_domain_default(const struct ecert_domain **out, struct ecert_error *err);

/* Whether (series, level, titleName) is consistent: the series is known, has that level,
 * and titleName is one of the names the tables give for it. On success *out (may be
 * NULL) describes the title. ECERT_ERR_INVALID otherwise (where = the field blamed).
 * Thread-safe. */
int ecert_domain_title_check(const struct ecert_domain *d, const char *series, const char *level,
                             const char *title_name, struct ecert_title_level *out,
                             struct ecert_error *err);

/* The title level a title name stands for within a series (for evidence whose level is
 * not given separately). ECERT_ERR_INVALID if the series or name is unknown. */
int ecert_domain_title_lookup(const struct ecert_domain *d, const char *series,
                              const char *title_name, struct ecert_title_level *out,
                              struct ecert_error *err);

/* Ordinal (1..5) and band (初级/中级/高级) of a title level name such as 副高级.
 * ECERT_ERR_INVALID (where = "level") if unknown. band may be NULL. */
int ecert_domain_title_level(const struct ecert_domain *d, const char *level, int *ordinal,
                             const char **band, struct ecert_error *err);

/* Whether the series is known; *in_policy_scope (may be NULL) tells whether it is one of
 * the pathway's series. ECERT_ERR_INVALID (where = "series") if unknown. */
int ecert_domain_series(const struct ecert_domain *d, const char *series, int *in_policy_scope,
                        struct ecert_error *err);

/* Whether (level, levelName) is a skill level of the tables (二级 + 技师; for 特级技师 and
 * 首席技师 both carry the name). *out may be NULL. ECERT_ERR_INVALID otherwise. */
int ecert_domain_skill_check(const struct ecert_domain *d, const char *level,
                             const char *level_name, struct ecert_skill_level *out,
                             struct ecert_error *err);

/* The skill level written any of the ways certificates and claims write it: the level
 * (二级), the name (技师) or both joined by '/' (二级/技师). ECERT_ERR_INVALID
 * (where = "level") if none matches. */
int ecert_domain_skill_lookup(const struct ecert_domain *d, const char *text,
                              struct ecert_skill_level *out, struct ecert_error *err);

/* Occupation code of the national occupation classification: N-NN-NN-NN (N = 1..8 for the
 * major group, then digits), e.g. 6-18-01-01. With allow_prefix, the prefixes N, N-NN and
 * N-NN-NN are accepted too (trust-list scopes). ECERT_ERR_INVALID (where =
 * "occupationCode") otherwise. Needs no tables. Thread-safe. */
int ecert_domain_occupation_code_check(const char *code, int allow_prefix, struct ecert_error *err);

/* Whether `number` has the form of a skill certificate of `certificate_kind` at `level`:
 *   职业技能等级证书, 五级…一级: Y|S + 21 digits, the 16th character the level's digit
 *       when the tables give one (numberLevelDigit);
 *   职业技能等级证书, 特级技师/首席技师: 2 capital letters + 20 digits;
 *   职业资格证书: 16 digits.
 * The kind must allow the level (职业资格证书 stops at 一级). ECERT_ERR_INVALID
 * (where = "certificateNumber", "certificateKind" or "level") otherwise. */
int ecert_domain_skill_number_check(const struct ecert_domain *d, const char *number,
                                    const char *certificate_kind, const char *level,
                                    struct ecert_error *err);

/* Whether `number` is a title certificate number: 1..ECERT_TITLE_NUMBER_MAX characters of
 * A-Z a-z 0-9 '-'. ECERT_ERR_INVALID
 * (where = "certificateNumber") otherwise. Needs no tables. Thread-safe. */
int ecert_domain_title_number_check(const char *number, struct ecert_error *err);

#endif
