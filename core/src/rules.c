/* ecert — the pathway rules engine (DESIGN §6). The policy's numbers, lists and wording
 * live in schemas/rules/ and schemas/data/; this file knows the kinds of rule and how each is
 * decided. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ecert/alloc.h"
#include "ecert/data.h"
#include "ecert/domain.h"
#include "ecert/json.h"
#include "ecert/rules.h"
#include "ecert/schema.h"
#include "utf8clip.h"

#define LEVEL_TEXT_MAX 64 /* bytes of a level as written ("三级/高级工") */
#define VARS_MAX 16       /* placeholders set for one finding */
#define VAL_MAX 1024      /* bytes of one placeholder value */
#define VAR_NAME_MAX 24   /* bytes of a placeholder name */
#define KIND_KEYS_MAX 12  /* message keys one kind needs */
#define DISPLAY_MAX 160   /* bytes of a level as shown in a message */
#define YEARS_MAX 50      /* years in a rules table */
#define RULES_SCHEMA "rules/rules.schema.json"
#define TABLE_SCHEMA "rules/correspondence.schema.json"
#define CLAIM_SCHEMA "claim.schema.json"

/* ---- the kinds of rule ------------------------------------------------------------- */

enum kind {
	K_IN_FORCE,
	K_EVIDENCE,
	K_SERIES,
	K_OUTSIDE,
	K_MIN_LEVEL,
	K_DECL,
	K_SKILL_YEARS,
	K_GREEN,
	K_CORR,
	K_ENTRY,
	K_T2S,
	K_NEXT,
	K_INFO,
	K_EQUIV,
	K__COUNT
};

/* Which claims a kind can apply to. */
enum {
	D_S2T = 1 << 0,
	D_T2S = 1 << 1,
	D_QUERY = 1 << 2,
};

static const struct kind_desc {
	const char *name;
	int directions;                  /* D_* the kind makes sense for */
	const char *keys[KIND_KEYS_MAX]; /* message keys the engine uses, NULL-terminated */
} kinds[K__COUNT] = {
    [K_IN_FORCE] = {"policy-in-force", D_S2T | D_T2S, {"ok", "fail"}},
    [K_EVIDENCE] = {"evidence-verified",
                    D_S2T | D_T2S,
                    {"ok", "ok_unchecked", "fail", "item_not_verified", "item_not_holder",
                     "item_revoked", "item_out_of_scope", "item_bad_field", "item_future",
                     "item_unchecked"}},
    [K_SERIES] = {"series-in-scope", D_S2T | D_T2S, {"ok", "fail", "no_evidence"}},
    [K_OUTSIDE] = {"outside-scope", D_S2T | D_T2S, {"ok", "fail"}},
    [K_MIN_LEVEL] = {"skill-minimum-level", D_S2T, {"ok", "fail", "no_evidence"}},
    [K_DECL] = {"declaration-required", D_S2T | D_T2S, {"ok", "fail", "missing"}},
    [K_SKILL_YEARS] = {"skill-years-to-title",
                       D_S2T,
                       {"ok", "fail_level", "fail_years", "no_target", "no_evidence"}},
    [K_GREEN] = {"green-channel",
                 D_S2T,
                 {"none", "review", "review_other_province", "fail_level", "unknown",
                  "scope_national", "scope_provincial"}},
    [K_CORR] = {"correspondence", D_S2T | D_T2S, {"ok", "review", "trial_row", "no_evidence"}},
    [K_ENTRY] = {"title-entry-threshold", D_T2S, {"ok", "fail", "unknown_series", "no_evidence"}},
    [K_T2S] = {"title-to-skill",
               D_T2S,
               {"ok", "fail_level", "fail_years", "no_target", "no_evidence"}},
    [K_NEXT] = {"next-level-after-evaluation", D_T2S, {"ok", "fail_years", "none"}},
    [K_INFO] = {"informational", D_S2T | D_T2S, {NULL}},
    [K_EQUIV] = {"treatment-equivalence", D_QUERY, {"ok", "none"}},
};

/* Every placeholder a message template may use. */
static const char *const var_names[] = {
    "asOf",  "effective", "count",    "list",          "evidence",  "check",
    "field", "value",     "date",     "series",        "specialty", "level",
    "title", "target",    "required", "requiredYears", "years",     "due",
    "min",   "award",     "scope",    "max",           "code",      "occupation",
    "trial", "education", "skill",    "skillLevel",    NULL,
};

struct rule {
	const char *id;
	int kind; /* enum kind */
	const char *clause;
	int directions; /* D_* */
	int alt;        /* index of the rule this one stands in for, or -1 */
	const cJSON *params;
	const cJSON *messages;
};

struct ecert_rules {
	cJSON *doc;
	cJSON *table;
	struct ecert_domain *domain; /* title and skill ladders (data/titles.json …) */
	const char *policy_id;
	const char *document_number;
	const char *version;
	struct ecert_date effective;
	char effective_text[11];
	struct rule rules[ECERT_RULES_MAX_RULES];
	size_t n_rules;
};

/* A finding and the strings it owns; `view` is what callers see, its strings alias these. */
struct finding {
	struct ecert_rules_finding view;
	char *zh;
	char *en;
	char *rule;   /* owned in a result only; in an attempt, view.rule points into the rules */
	char *clause; /* likewise */
};

struct ecert_rules_result {
	int verdict;
	long deciding;
	int direction;
	char as_of[11];
	struct finding findings[ECERT_RULES_MAX_RULES];
	size_t n;
	/* copied so that the result does not depend on the rules handle */
	char *policy_id;
	char *document_number;
	char *version;
	char effective[11];
	char *table_id;
	char *table_version;
	char *table_status;
};

/* ---- small helpers ------------------------------------------------------------------ */

static int streq(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

static int json_is_int(const cJSON *v, int lo, int hi)
{
	double d;

	if (!cJSON_IsNumber(v))
		return 0;
	d = v->valuedouble;
	return d >= lo && d <= hi && d == (double)(int)d;
}

/* Is s one of the strings of the JSON array arr? */
static int in_str_array(const cJSON *arr, const char *s)
{
	const cJSON *it;

	if (!s)
		return 0;
	cJSON_ArrayForEach(it, arr)
	{
		if (cJSON_IsString(it) && streq(it->valuestring, s))
			return 1;
	}
	return 0;
}

static int str_array_ok(const cJSON *arr, int nonempty)
{
	const cJSON *it;

	if (!cJSON_IsArray(arr) || (nonempty && cJSON_GetArraySize(arr) == 0))
		return 0;
	cJSON_ArrayForEach(it, arr)
	{
		if (!cJSON_IsString(it) || !it->valuestring[0])
			return 0;
	}
	return 1;
}

/* Occupation codes match when equal, or when one is the other plus a 工种 suffix
 * ("6-18-01-01" and "6-18-01-01-02"). */
static int code_matches(const char *a, const char *b)
{
	size_t la, lb;

	if (!a || !b)
		return 0;
	la = strlen(a);
	lb = strlen(b);
	if (la == lb)
		return strcmp(a, b) == 0;
	if (la > lb)
		return strncmp(a, b, lb) == 0 && a[lb] == '-';
	return strncmp(a, b, la) == 0 && b[la] == '-';
}

/* ---- levels (the ladders are the domain tables', see ecert/domain.h) --------------- */

/* One written form of a skill level (三级, 高级工, 三级/高级工); -1 if unknown. */
static int skill_part(const struct ecert_rules *r, const char *s, size_t n,
                      struct ecert_skill_level *out)
{
	char buf[LEVEL_TEXT_MAX];
	struct ecert_skill_level l;
	struct ecert_error scratch;

	if (n == 0 || n >= sizeof(buf))
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (ecert_domain_skill_lookup(r->domain, buf, &l, &scratch) != ECERT_OK)
		return -1;
	if (out)
		*out = l;
	return l.ordinal;
}

/* A skill level as people write it: 三级, 高级工, 三级/高级工, and also 高级工（三级） or
 * 高级工(三级) as the policy does; both parts must name the same level. The ordinal
 * (ecert/domain.h: 五级 1 … 一级 5, 特级技师 6, 首席技师 7), or -1 if unknown. */
static int skill_level_of(const struct ecert_rules *r, const char *s, struct ecert_skill_level *out)
{
	static const char *const open[] = {"（", "(", NULL};
	static const char *const close[] = {"）", ")", NULL};
	size_t n;

	if (!s)
		return -1;
	n = strlen(s);
	for (size_t k = 0; open[k]; k++) {
		const char *p = strstr(s, open[k]);
		const char *second;
		size_t n2, lc = strlen(close[k]);
		int a, b;

		if (!p)
			continue;
		second = p + strlen(open[k]);
		n2 = strlen(second);
		if (n2 < lc || strcmp(second + n2 - lc, close[k]) != 0)
			return -1;
		a = skill_part(r, s, (size_t)(p - s), out);
		b = skill_part(r, second, n2 - lc, NULL);
		return a >= 0 && a == b ? a : -1;
	}
	return skill_part(r, s, n, out);
}

static int skill_ord(const struct ecert_rules *r, const char *s)
{
	return skill_level_of(r, s, NULL);
}

/* A title level (员级 … 正高级) to its ordinal, -1 if unknown. */
static int title_ord(const struct ecert_rules *r, const char *s)
{
	struct ecert_error scratch;
	int ord;

	if (!s || ecert_domain_title_level(r->domain, s, &ord, NULL, &scratch) != ECERT_OK)
		return -1;
	return ord;
}

/* ---- message templates -------------------------------------------------------------- */

struct vars {
	size_t n;
	const char *name[VARS_MAX];
	char zh[VARS_MAX][VAL_MAX];
	char en[VARS_MAX][VAL_MAX];
};

static size_t var_slot(struct vars *v, const char *name)
{
	size_t i;

	for (i = 0; i < v->n; i++)
		if (strcmp(v->name[i], name) == 0)
			return i;
	if (v->n == VARS_MAX)
		return VARS_MAX; /* dropped; the template shows the placeholder */
	v->name[v->n] = name;
	return v->n++;
}

/* Set a placeholder to different text in each language. */
static void vset2(struct vars *v, const char *name, const char *zh, const char *en)
{
	size_t i = var_slot(v, name);

	if (i == VARS_MAX)
		return;
	utf8_copy(v->zh[i], VAL_MAX, zh ? zh : "");
	utf8_copy(v->en[i], VAL_MAX, en ? en : "");
}

static void vset(struct vars *v, const char *name, const char *val)
{
	vset2(v, name, val, val);
}

__attribute__((format(printf, 3, 4))) static void vsetf(struct vars *v, const char *name,
                                                        const char *fmt, ...)
{
	char tmp[VAL_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	vset(v, name, tmp);
}

static void vset_date(struct vars *v, const char *name, const struct ecert_date *d)
{
	char s[11];

	ecert_date_format(d, s);
	vset(v, name, s);
}

static const cJSON *msg_text(const struct rule *ru, const char *key)
{
	return ecert_json_obj(ru->messages, key);
}

/* Is [p, p+n) a known placeholder name? */
static int known_var(const char *p, size_t n)
{
	for (size_t i = 0; var_names[i]; i++)
		if (strlen(var_names[i]) == n && memcmp(var_names[i], p, n) == 0)
			return 1;
	return 0;
}

/* Expand `tmpl` into out (capacity ECERT_RULES_MSG_MAX), truncating at a character
 * boundary. A placeholder without a value is left as written. */
static void render(const char *tmpl, const struct vars *v, int en, char *out)
{
	size_t o = 0;
	const char *p = tmpl;
	const size_t cap = ECERT_RULES_MSG_MAX;

	while (*p && o + 1 < cap) {
		const char *close;

		if (*p == '{' && (close = strchr(p + 1, '}')) &&
		    (size_t)(close - p - 1) < VAR_NAME_MAX) {
			size_t n = (size_t)(close - p - 1), i;

			for (i = 0; v && i < v->n; i++) {
				if (strlen(v->name[i]) == n && memcmp(v->name[i], p + 1, n) == 0)
					break;
			}
			if (v && i < v->n) {
				const char *val = en ? v->en[i] : v->zh[i];
				size_t m = strlen(val);

				if (o + m >= cap)
					m = cap - 1 - o;
				memcpy(out + o, val, m);
				o += m;
				p = close + 1;
				continue;
			}
		}
		out[o++] = *p++;
	}
	out[o] = '\0';
	utf8_trim_tail(out);
}

/* Check one template: both languages present, placeholders known. */
static int check_text(const cJSON *t, const char *key, struct ecert_error *err)
{
	static const char *const langs[] = {"zh", "en"};

	if (!cJSON_IsObject(t))
		return ecert_fail(err, ECERT_ERR_SCHEMA, "message %s is not an object {zh, en}",
		                  key);
	for (size_t l = 0; l < 2; l++) {
		const char *s = ecert_json_str(t, langs[l]);
		const char *p;

		if (!s || !s[0])
			return ecert_fail(err, ECERT_ERR_SCHEMA, "message %s has no %s text", key,
			                  langs[l]);
		if (strlen(s) >= ECERT_RULES_MSG_MAX / 2)
			return ecert_fail(err, ECERT_ERR_SCHEMA, "message %s.%s is too long", key,
			                  langs[l]);
		for (p = strchr(s, '{'); p; p = strchr(p + 1, '{')) {
			const char *close = strchr(p + 1, '}');

			if (!close || !known_var(p + 1, (size_t)(close - p - 1)))
				return ecert_fail(err, ECERT_ERR_SCHEMA,
				                  "message %s.%s has an unknown placeholder", key,
				                  langs[l]);
		}
	}
	return ECERT_OK;
}

/* ---- loading ------------------------------------------------------------------------ */

static int load_tree(const char *path, const char *embedded, cJSON **out, struct ecert_error *err)
{
	const unsigned char *data;
	size_t len;
	int rc;

	if (path)
		return ecert_json_parse_file(path, NULL, out, err);
	data = ecert_data_get(embedded, &len);
	if (!data) {
		rc = ecert_fail(err, ECERT_ERR_IO, "no embedded copy of this file in this build");
		ecert_error_where(err, "%s", embedded);
		return rc;
	}
	rc = ecert_json_parse((const char *)data, len, NULL, out, err);
	if (rc != ECERT_OK)
		ecert_error_prefix(err, "%s", embedded);
	return rc;
}

static int bad_param(struct ecert_error *err, const char *what)
{
	return ecert_fail(err, ECERT_ERR_SCHEMA, "parameters: %s", what);
}

/* A rules table of {skill, years, title} rows (both directions). */
static int check_level_table(const struct ecert_rules *r, const cJSON *p, struct ecert_error *err)
{
	const cJSON *row, *table = ecert_json_arr(p, "table");

	if (!table || cJSON_GetArraySize(table) == 0)
		return bad_param(err, "table must be a non-empty array");
	cJSON_ArrayForEach(row, table)
	{
		if (skill_ord(r, ecert_json_str(row, "skill")) < 0)
			return bad_param(err, "a table row names an unknown skill level");
		if (title_ord(r, ecert_json_str(row, "title")) < 0)
			return bad_param(err, "a table row names an unknown title level");
		if (!json_is_int(cJSON_GetObjectItemCaseSensitive(row, "years"), 0, YEARS_MAX))
			return bad_param(err, "a table row needs integer years");
	}
	return ECERT_OK;
}

static int check_green(const struct ecert_rules *r, const cJSON *p, struct ecert_error *err)
{
	const cJSON *tier, *aw, *other, *prov;

	if (!ecert_json_arr(p, "tiers") || cJSON_GetArraySize(ecert_json_arr(p, "tiers")) == 0)
		return bad_param(err, "tiers must be a non-empty array");
	cJSON_ArrayForEach(tier, ecert_json_arr(p, "tiers"))
	{
		const char *scope = ecert_json_str(tier, "scope");

		if (!streq(scope, "national") && !streq(scope, "provincial"))
			return bad_param(err, "a tier's scope must be national or provincial");
		if (title_ord(r, ecert_json_str(tier, "maxLevel")) < 0)
			return bad_param(err, "a tier's maxLevel is not a title level");
		if (!ecert_json_arr(tier, "awards"))
			return bad_param(err, "a tier needs awards");
		cJSON_ArrayForEach(aw, ecert_json_arr(tier, "awards"))
		{
			const cJSON *al = cJSON_GetObjectItemCaseSensitive(aw, "aliases");

			if (!ecert_json_str(aw, "name") || (al && !str_array_ok(al, 0)))
				return bad_param(err, "an award needs a name (and string aliases)");
		}
	}
	other = ecert_json_obj(p, "otherProvinces");
	if (!other)
		return ECERT_OK;
	if (title_ord(r, ecert_json_str(other, "maxLevel")) < 0 ||
	    !str_array_ok(ecert_json_arr(other, "suffixes"), 1) ||
	    !ecert_json_arr(other, "provinces"))
		return bad_param(err, "otherProvinces needs maxLevel, provinces and suffixes");
	cJSON_ArrayForEach(prov, ecert_json_arr(other, "provinces"))
	{
		const cJSON *sh = cJSON_GetObjectItemCaseSensitive(prov, "short");

		if (!ecert_json_str(prov, "name") || (sh && !cJSON_IsString(sh)))
			return bad_param(err, "a province needs a name");
	}
	return ECERT_OK;
}

static int check_params(const struct ecert_rules *r, struct rule *ru, struct ecert_error *err)
{
	const cJSON *p = ru->params, *it;
	const char *s;

	switch (ru->kind) {
	case K_SERIES:
		if (!str_array_ok(ecert_json_arr(p, "series"), 1))
			return bad_param(err, "series must be a non-empty array of names");
		break;
	case K_OUTSIDE:
		if (!str_array_ok(ecert_json_arr(p, "names"), 1))
			return bad_param(err, "names must be a non-empty array");
		break;
	case K_MIN_LEVEL:
		if (skill_ord(r, ecert_json_str(p, "minLevel")) < 0)
			return bad_param(err, "minLevel is not a skill level");
		break;
	case K_DECL:
		s = ecert_json_str(p, "field");
		if (streq(s, "annualReviewsPassed")) {
			if (!json_is_int(cJSON_GetObjectItemCaseSensitive(p, "min"), 0, 3))
				return bad_param(err, "annualReviewsPassed needs an integer min");
		} else if (streq(s, "unitRecommended") || streq(s, "frontLine") ||
		           streq(s, "relatedDiploma")) {
			if (!cJSON_IsBool(cJSON_GetObjectItemCaseSensitive(p, "equals")))
				return bad_param(err,
				                 "a yes/no declaration needs a boolean equals");
		} else {
			return bad_param(err, "field is not a declaration this engine knows");
		}
		it = cJSON_GetObjectItemCaseSensitive(p, "series");
		if (it && !str_array_ok(it, 1))
			return bad_param(err, "series must be a non-empty array of names");
		if (it && !msg_text(ru, "na"))
			return ecert_fail(err, ECERT_ERR_SCHEMA, "messages: na is missing");
		break;
	case K_SKILL_YEARS:
	case K_T2S:
		return check_level_table(r, p, err);
	case K_GREEN:
		return check_green(r, p, err);
	case K_CORR:
		s = ecert_json_str(p, "missing");
		if (cJSON_GetObjectItemCaseSensitive(p, "missing") && !streq(s, "review") &&
		    !streq(s, "fail"))
			return bad_param(err, "missing must be review or fail");
		break;
	case K_ENTRY:
		if (!ecert_json_arr(p, "thresholds"))
			return bad_param(err, "thresholds must be an array");
		cJSON_ArrayForEach(it, ecert_json_arr(p, "thresholds"))
		{
			if (!ecert_json_str(it, "series") ||
			    title_ord(r, ecert_json_str(it, "minLevel")) < 0)
				return bad_param(err,
				                 "a threshold needs series and a title minLevel");
		}
		break;
	case K_NEXT:
		if (!json_is_int(cJSON_GetObjectItemCaseSensitive(p, "years"), 0, YEARS_MAX))
			return bad_param(err, "years must be an integer");
		break;
	case K_INFO:
		s = ecert_json_str(p, "declaration");
		if (cJSON_GetObjectItemCaseSensitive(p, "declaration")) {
			if (!streq(s, "technicalSchoolClass") && !streq(s, "relatedDiploma"))
				return bad_param(err, "declaration is not one this engine knows");
			if (!msg_text(ru, "given") || !msg_text(ru, "absent"))
				return ecert_fail(err, ECERT_ERR_SCHEMA,
				                  "messages: given and absent are needed");
		} else if (!msg_text(ru, "ok")) {
			return ecert_fail(err, ECERT_ERR_SCHEMA, "messages: ok is missing");
		}
		it = cJSON_GetObjectItemCaseSensitive(p, "values");
		if (it) {
			const cJSON *v;

			if (!cJSON_IsObject(it))
				return bad_param(err, "values must be an object");
			cJSON_ArrayForEach(v, it)
			{
				if (!cJSON_IsString(v))
					return bad_param(err, "values must map to strings");
			}
		}
		break;
	case K_EQUIV:
		if (!ecert_json_arr(p, "pairs") ||
		    cJSON_GetArraySize(ecert_json_arr(p, "pairs")) == 0)
			return bad_param(err, "pairs must be a non-empty array");
		cJSON_ArrayForEach(it, ecert_json_arr(p, "pairs"))
		{
			if (skill_ord(r, ecert_json_str(it, "skill")) < 0 ||
			    title_ord(r, ecert_json_str(it, "title")) < 0)
				return bad_param(err,
				                 "a pair needs a skill level and a title level");
		}
		break;
	default:
		break;
	}
	return ECERT_OK;
}

static int load_rule(struct ecert_rules *r, const cJSON *jr, struct ecert_error *err)
{
	struct rule *ru = &r->rules[r->n_rules];
	const char *kind = ecert_json_str(jr, "kind");
	const char *dir = ecert_json_str(jr, "direction");
	const char *alt = ecert_json_str(jr, "alternativeTo");
	const cJSON *m;
	int rc;

	memset(ru, 0, sizeof(*ru));
	ru->id = ecert_json_str(jr, "id");
	ru->clause = ecert_json_str(jr, "clause");
	ru->params = ecert_json_obj(jr, "parameters");
	ru->messages = ecert_json_obj(jr, "messages");
	ru->alt = -1;
	ru->kind = -1;
	if (!ru->id || !ru->clause || !ru->params || !ru->messages || !kind || !dir)
		return ecert_fail(
		    err, ECERT_ERR_SCHEMA,
		    "a rule needs id, kind, clause, direction, parameters and messages");
	for (size_t i = 0; i < r->n_rules; i++)
		if (streq(r->rules[i].id, ru->id))
			return ecert_fail(err, ECERT_ERR_SCHEMA, "rule id %s appears twice",
			                  ru->id);
	for (int k = 0; k < K__COUNT; k++)
		if (streq(kinds[k].name, kind))
			ru->kind = k;
	if (ru->kind < 0)
		return ecert_fail(err, ECERT_ERR_SCHEMA, "kind %s is not known to this engine",
		                  kind);
	if (streq(dir, "skill-to-title"))
		ru->directions = D_S2T;
	else if (streq(dir, "title-to-skill"))
		ru->directions = D_T2S;
	else if (streq(dir, "both"))
		ru->directions = D_S2T | D_T2S;
	else if (streq(dir, "query"))
		ru->directions = D_QUERY;
	else
		return ecert_fail(err, ECERT_ERR_SCHEMA, "direction %s is not known", dir);
	if ((ru->directions & ~kinds[ru->kind].directions) != 0)
		return ecert_fail(err, ECERT_ERR_SCHEMA, "kind %s cannot apply to direction %s",
		                  kind, dir);
	if (alt) {
		for (size_t i = 0; i < r->n_rules; i++)
			if (streq(r->rules[i].id, alt))
				ru->alt = (int)i;
		if (ru->alt < 0 || r->rules[ru->alt].alt >= 0 ||
		    r->rules[ru->alt].directions != ru->directions)
			return ecert_fail(err, ECERT_ERR_SCHEMA,
			                  "alternativeTo must name an earlier rule of the same "
			                  "direction that is not itself an alternative");
	}
	for (size_t i = 0; kinds[ru->kind].keys[i]; i++)
		if (!msg_text(ru, kinds[ru->kind].keys[i]))
			return ecert_fail(err, ECERT_ERR_SCHEMA, "messages: %s is missing",
			                  kinds[ru->kind].keys[i]);
	cJSON_ArrayForEach(m, ru->messages)
	{
		rc = check_text(m, m->string, err);
		if (rc != ECERT_OK)
			return rc;
	}
	rc = check_params(r, ru, err);
	if (rc != ECERT_OK)
		return rc;
	r->n_rules++;
	return ECERT_OK;
}

static int load_policy(struct ecert_rules *r, struct ecert_error *err)
{
	const cJSON *pol = ecert_json_obj(r->doc, "policy");
	const cJSON *dates = ecert_json_obj(pol, "dates");
	const char *eff = ecert_json_str(pol, "effectiveDate");
	const char *basis = ecert_json_str(pol, "effectiveDateBasis");
	const cJSON *d;
	int rc;

	if (!streq(ecert_json_str(r->doc, "type"), "PathwayRules"))
		return ecert_fail(err, ECERT_ERR_SCHEMA, "type must be PathwayRules");
	r->version = ecert_json_str(r->doc, "version");
	r->policy_id = ecert_json_str(pol, "id");
	r->document_number = ecert_json_str(pol, "documentNumber");
	if (!r->version || !r->policy_id || !r->document_number || !ecert_json_str(pol, "title") ||
	    !dates || !eff || !basis || !ecert_json_obj(pol, "notes"))
		return ecert_fail(err, ECERT_ERR_SCHEMA,
		                  "policy needs id, documentNumber, title, dates, effectiveDate, "
		                  "effectiveDateBasis and notes; the file needs a version");
	cJSON_ArrayForEach(d, dates)
	{
		struct ecert_date tmp;

		if (!cJSON_IsString(d) || ecert_date_parse(d->valuestring, &tmp, err) != ECERT_OK) {
			ecert_error_where(err, "policy.dates.%s", d->string);
			return ecert_fail(err, ECERT_ERR_SCHEMA, "not a YYYY-MM-DD date");
		}
	}
	rc = ecert_date_parse(eff, &r->effective, err);
	if (rc != ECERT_OK) {
		ecert_error_where(err, "policy.effectiveDate");
		return rc;
	}
	/* The effective date must be one of the dates the text carries, named by the basis. */
	if (!streq(ecert_json_str(dates, basis), eff))
		return ecert_fail(
		    err, ECERT_ERR_SCHEMA,
		    "policy.effectiveDate must equal policy.dates.<effectiveDateBasis>");
	ecert_date_format(&r->effective, r->effective_text);
	return ECERT_OK;
}

void ecert_rules_free(struct ecert_rules *rules)
{
	if (!rules)
		return;
	cJSON_Delete(rules->doc);
	cJSON_Delete(rules->table);
	ecert_domain_free(rules->domain);
	ecert_free(rules);
}

/* Read one data file (or its embedded copy), validate it against its JSON Schema, then
 * check what no schema can (`check`, may be NULL); errors name the file. */
static int load_file(struct ecert_rules *r, const char *path, const char *embedded,
                     const char *schema, cJSON **tree,
                     int (*check)(struct ecert_rules *, struct ecert_error *),
                     struct ecert_error *err)
{
	int rc = load_tree(path, embedded, tree, err);

	if (rc != ECERT_OK)
		return rc; /* the parser already named the file */
	rc = ecert_schema_validate_named(schema, *tree, err);
	if (rc == ECERT_OK && check)
		rc = check(r, err);
	if (rc != ECERT_OK)
		ecert_error_prefix(err, "%s", path ? path : embedded);
	return rc;
}

static int load_rules_file(struct ecert_rules *r, struct ecert_error *err)
{
	const cJSON *jr;
	int rc = load_policy(r, err);

	if (rc != ECERT_OK)
		return rc;
	if (!ecert_json_arr(r->doc, "rules"))
		return ecert_fail(err, ECERT_ERR_SCHEMA, "rules must be an array");
	cJSON_ArrayForEach(jr, ecert_json_arr(r->doc, "rules"))
	{
		if (r->n_rules == ECERT_RULES_MAX_RULES)
			return ecert_fail(err, ECERT_ERR_SCHEMA, "more than %d rules",
			                  ECERT_RULES_MAX_RULES);
		rc = load_rule(r, jr, err);
		if (rc != ECERT_OK) {
			const char *id = ecert_json_str(jr, "id");

			ecert_error_where(err, "rules[%zu] (%s)", r->n_rules, id ? id : "?");
			return rc;
		}
	}
	return ECERT_OK;
}

int ecert_rules_load(const struct ecert_rules_sources *src, struct ecert_rules **out,
                     struct ecert_error *err)
{
	static const struct ecert_rules_sources none = {NULL, NULL, NULL, NULL};
	struct ecert_rules *r;
	int rc;

	if (!out)
		return ecert_fail(err, ECERT_ERR_ARG, "no output handle");
	if (!src)
		src = &none;
	r = ecert_calloc(1, sizeof(*r));
	if (!r)
		return ecert_fail(err, ECERT_ERR_NOMEM, "out of memory");
	/* the level tables first: the rules name levels and are checked against them */
	rc = ecert_domain_load(src->titles_path, src->skills_path, &r->domain, err);
	if (rc == ECERT_OK)
		rc = load_file(r, src->table_path, ECERT_RULES_DEFAULT_TABLE, TABLE_SCHEMA,
		               &r->table, NULL, err);
	if (rc == ECERT_OK)
		rc = load_file(r, src->rules_path, ECERT_RULES_DEFAULT_RULES, RULES_SCHEMA, &r->doc,
		               load_rules_file, err);
	if (rc != ECERT_OK) {
		ecert_rules_free(r);
		return rc;
	}
	*out = r;
	return ECERT_OK;
}

const char *ecert_rules_policy_id(const struct ecert_rules *rules)
{
	return rules->policy_id;
}

const char *ecert_rules_document_number(const struct ecert_rules *rules)
{
	return rules->document_number;
}

const char *ecert_rules_version(const struct ecert_rules *rules)
{
	return rules->version;
}

struct ecert_date ecert_rules_effective_date(const struct ecert_rules *rules)
{
	return rules->effective;
}

const char *ecert_rules_rule_kind(const struct ecert_rules *rules, const char *rule_id)
{
	if (!rules || !rule_id)
		return NULL;
	for (size_t i = 0; i < rules->n_rules; i++)
		if (strcmp(rules->rules[i].id, rule_id) == 0)
			return kinds[rules->rules[i].kind].name;
	return NULL;
}

/* ---- the claim ---------------------------------------------------------------------- */

static int need_str(const cJSON *obj, const char *key, const char *where, const char **out,
                    struct ecert_error *err)
{
	const char *s = ecert_json_str(obj, key);

	if (!s || !s[0]) {
		ecert_error_where(err, "%s%s", where, key);
		return ecert_fail(err, ECERT_ERR_SCHEMA, "a non-empty string is required");
	}
	*out = s;
	return ECERT_OK;
}

/* An optional boolean declaration: -1 when absent. */
static int opt_bool(const cJSON *decl, const char *key, int *out, struct ecert_error *err)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(decl, key);

	*out = -1;
	if (!v)
		return ECERT_OK;
	if (!cJSON_IsBool(v)) {
		ecert_error_where(err, "declarations.%s", key);
		return ecert_fail(err, ECERT_ERR_SCHEMA, "true or false is required");
	}
	*out = cJSON_IsTrue(v) ? 1 : 0;
	return ECERT_OK;
}

static int parse_declarations(const cJSON *decl, struct ecert_rules_claim *c,
                              struct ecert_error *err)
{
	const cJSON *v, *aw;
	int rc;

	v = cJSON_GetObjectItemCaseSensitive(decl, "annualReviewsPassed");
	if (v) {
		if (!json_is_int(v, 0, 3)) {
			ecert_error_where(err, "declarations.annualReviewsPassed");
			return ecert_fail(err, ECERT_ERR_INVALID,
			                  "an integer from 0 to 3 (reviews of the last 3 years)");
		}
		c->annual_reviews_passed = v->valueint;
	}
	if ((rc = opt_bool(decl, "unitRecommended", &c->unit_recommended, err)) != ECERT_OK ||
	    (rc = opt_bool(decl, "frontLine", &c->front_line, err)) != ECERT_OK ||
	    (rc = opt_bool(decl, "relatedDiploma", &c->related_diploma, err)) != ECERT_OK)
		return rc;
	v = cJSON_GetObjectItemCaseSensitive(decl, "technicalSchoolClass");
	if (v) {
		if (!cJSON_IsString(v) || !v->valuestring[0]) {
			ecert_error_where(err, "declarations.technicalSchoolClass");
			return ecert_fail(err, ECERT_ERR_SCHEMA, "a string is required");
		}
		c->technical_school_class = v->valuestring;
	}
	v = cJSON_GetObjectItemCaseSensitive(decl, "awards");
	if (v) {
		if (!cJSON_IsArray(v)) {
			ecert_error_where(err, "declarations.awards");
			return ecert_fail(err, ECERT_ERR_SCHEMA,
			                  "an array of award names is required");
		}
		cJSON_ArrayForEach(aw, v)
		{
			if (!cJSON_IsString(aw) || !aw->valuestring[0]) {
				ecert_error_where(err, "declarations.awards[%zu]", c->n_awards);
				return ecert_fail(err, ECERT_ERR_SCHEMA,
				                  "a non-empty string is required");
			}
			if (c->n_awards == ECERT_RULES_MAX_AWARDS) {
				ecert_error_where(err, "declarations.awards");
				return ecert_fail(err, ECERT_ERR_INVALID, "more than %d awards",
				                  ECERT_RULES_MAX_AWARDS);
			}
			c->awards[c->n_awards++] = aw->valuestring;
		}
	}
	return ECERT_OK;
}

int ecert_rules_claim_parse(const cJSON *claim, struct ecert_rules_claim *out,
                            struct ecert_error *err)
{
	struct ecert_rules_claim c;
	const cJSON *applicant, *target, *evidence, *decl, *it;
	const char *s;
	int rc;

	if (!claim || !out)
		return ecert_fail(err, ECERT_ERR_ARG, "no claim");
	/* The schema is the contract (unknown members, enums, bounds); what follows extracts
	 * the facts, still checking each type it reads, and the values no schema can judge. */
	rc = ecert_schema_validate_named(CLAIM_SCHEMA, claim, err);
	if (rc != ECERT_OK)
		return rc;
	memset(&c, 0, sizeof(c));
	c.annual_reviews_passed = c.unit_recommended = c.front_line = c.related_diploma = -1;
	if (!cJSON_IsObject(claim))
		return ecert_fail(err, ECERT_ERR_SCHEMA, "a claim is a JSON object");
	if (!streq(ecert_json_str(claim, "type"), "CrossTrackClaim")) {
		ecert_error_where(err, "type");
		return ecert_fail(err, ECERT_ERR_SCHEMA, "\"CrossTrackClaim\" is required");
	}
	s = ecert_json_str(claim, "direction");
	if (streq(s, "skill-to-title")) {
		c.direction = ECERT_RULES_SKILL_TO_TITLE;
	} else if (streq(s, "title-to-skill")) {
		c.direction = ECERT_RULES_TITLE_TO_SKILL;
	} else {
		ecert_error_where(err, "direction");
		return ecert_fail(err, ECERT_ERR_INVALID,
		                  "\"skill-to-title\" or \"title-to-skill\" is required");
	}
	if ((rc = need_str(claim, "asOf", "", &s, err)) != ECERT_OK)
		return rc;
	if ((rc = ecert_date_parse(s, &c.as_of, err)) != ECERT_OK) {
		ecert_error_where(err, "asOf");
		return rc;
	}
	applicant = ecert_json_obj(claim, "applicant");
	if (!applicant) {
		ecert_error_where(err, "applicant");
		return ecert_fail(err, ECERT_ERR_SCHEMA, "an object {name, idNumber} is required");
	}
	if ((rc = need_str(applicant, "name", "applicant.", &c.applicant_name, err)) != ECERT_OK ||
	    (rc = need_str(applicant, "idNumber", "applicant.", &c.applicant_id_number, err)) !=
	        ECERT_OK)
		return rc;
	target = ecert_json_obj(claim, "target");
	if (!target) {
		ecert_error_where(err, "target");
		return ecert_fail(err, ECERT_ERR_SCHEMA, "an object is required");
	}
	if (c.direction == ECERT_RULES_SKILL_TO_TITLE) {
		if ((rc = need_str(target, "series", "target.", &c.target_series, err)) !=
		        ECERT_OK ||
		    (rc = need_str(target, "specialty", "target.", &c.target_specialty, err)) !=
		        ECERT_OK)
			return rc;
	} else {
		if ((rc = need_str(target, "occupationCode", "target.", &c.target_occupation_code,
		                   err)) != ECERT_OK ||
		    (rc = need_str(target, "occupation", "target.", &c.target_occupation, err)) !=
		        ECERT_OK)
			return rc;
	}
	if ((rc = need_str(target, "level", "target.", &c.target_level, err)) != ECERT_OK)
		return rc;
	evidence = ecert_json_arr(claim, "evidence");
	if (!evidence || cJSON_GetArraySize(evidence) < 1 ||
	    cJSON_GetArraySize(evidence) > ECERT_RULES_MAX_EVIDENCE) {
		ecert_error_where(err, "evidence");
		return ecert_fail(err, ECERT_ERR_INVALID, "an array of 1 to %d certificates",
		                  ECERT_RULES_MAX_EVIDENCE);
	}
	cJSON_ArrayForEach(it, evidence)
	{
		if (!cJSON_IsObject(it)) {
			ecert_error_where(err, "evidence[%zu]", c.n_evidence);
			return ecert_fail(err, ECERT_ERR_SCHEMA,
			                  "a certificate object is required");
		}
		c.n_evidence++;
	}
	c.evidence = evidence;
	decl = cJSON_GetObjectItemCaseSensitive(claim, "declarations");
	if (decl) {
		if (!cJSON_IsObject(decl)) {
			ecert_error_where(err, "declarations");
			return ecert_fail(err, ECERT_ERR_SCHEMA, "an object is required");
		}
		if ((rc = parse_declarations(decl, &c, err)) != ECERT_OK)
			return rc;
	}
	*out = c;
	return ECERT_OK;
}

/* ---- evaluation --------------------------------------------------------------------- */

/* What the engine reads from one evidence certificate. */
struct ev_info {
	const struct ecert_rules_evidence *e;
	const char *bad_field; /* the first field that could not be read, or NULL */
	const char *bad_value;
	int ord; /* level ordinal on its own ladder */
	struct ecert_date date;
	int years;  /* whole years from date to asOf */
	int future; /* dated after asOf */
	char display[DISPLAY_MAX];
};

struct ctx {
	const struct ecert_rules *rules;
	const struct ecert_rules_claim *claim;
	const struct ev_info *info;
	size_t n;
	int target_ord;
	const struct ev_info *cand; /* the evidence being tried, NULL if none of its kind */
	const char *series;         /* the title series the claim is about, or NULL */
	char target[DISPLAY_MAX];   /* the target level as shown in messages */
};

static void read_evidence(const struct ecert_rules *r, const struct ecert_rules_claim *claim,
                          const struct ecert_rules_evidence *e, struct ev_info *in)
{
	const char *date;
	struct ecert_error scratch;

	memset(in, 0, sizeof(*in));
	in->e = e;
	in->ord = -1;
	ecert_error_clear(&scratch);
	if (e->kind == ECERT_RULES_EVIDENCE_SKILL) {
		struct ecert_skill_level sl;

		date = e->certified_on;
		/* level and levelName must name the same rung of the ladder */
		if (e->skill_level && e->level_name &&
		    ecert_domain_skill_check(r->domain, e->skill_level, e->level_name, &sl,
		                             &scratch) == ECERT_OK)
			in->ord = sl.ordinal;
		else if (e->skill_level && !e->level_name)
			in->ord = skill_level_of(r, e->skill_level, &sl);
		if (in->ord < 0) {
			in->bad_field = streq(scratch.where, "levelName") ? "levelName" : "level";
			in->bad_value =
			    streq(in->bad_field, "level") ? e->skill_level : e->level_name;
			utf8_copy(in->display, sizeof(in->display),
			          e->skill_level ? e->skill_level : "?");
		} else {
			if (strcmp(sl.level, sl.level_name) != 0)
				snprintf(in->display, sizeof(in->display), "%s（%s）",
				         sl.level_name, sl.level);
			else
				utf8_copy(in->display, sizeof(in->display), sl.level_name);
			if (!e->occupation_code || !e->occupation) {
				in->bad_field =
				    e->occupation_code ? "occupation" : "occupationCode";
				in->bad_value = NULL;
			}
		}
	} else {
		date = e->qualified_on;
		in->ord = title_ord(r, e->title_level);
		if (in->ord < 0) {
			in->bad_field = "level";
			in->bad_value = e->title_level;
		} else if (!e->series || !e->specialty) {
			in->bad_field = e->series ? "specialty" : "series";
			in->bad_value = NULL;
		}
		if (e->title_name && in->ord >= 0)
			snprintf(in->display, sizeof(in->display), "%s（%s）", e->title_name,
			         e->title_level);
		else
			utf8_copy(in->display, sizeof(in->display),
			          e->title_level ? e->title_level : "?");
	}
	if (!in->bad_field && (!date || ecert_date_parse(date, &in->date, &scratch) != ECERT_OK)) {
		in->bad_field =
		    e->kind == ECERT_RULES_EVIDENCE_SKILL ? "certifiedOn" : "qualifiedOn";
		in->bad_value = date;
	}
	if (!in->bad_field) {
		in->future = ecert_date_cmp(&in->date, &claim->as_of) > 0;
		in->years = ecert_date_whole_years(&in->date, &claim->as_of);
	}
}

/* A usable evidence item: verified, the applicant's, not revoked, in scope, readable and
 * not dated after asOf. */
static int ev_sound(const struct ev_info *in)
{
	const struct ecert_rules_evidence *e = in->e;

	return e->verified && e->holder_matches && e->revocation != ECERT_RULES_REVOKED &&
	       e->in_scope && !in->bad_field && !in->future;
}

struct outcome {
	int ok;          /* enum ecert_rules_outcome */
	const char *key; /* message key */
	long evidence;
	const char *clause; /* overrides the rule's clause, or NULL */
	struct vars v;
};

static void set_out(struct outcome *o, int ok, const char *key)
{
	o->ok = ok;
	o->key = key;
}

static void eval_in_force(const struct ctx *c, struct outcome *o)
{
	vset_date(&o->v, "asOf", &c->claim->as_of);
	vset(&o->v, "effective", c->rules->effective_text);
	/* 三: "本方案自印发之日起实施" */
	if (ecert_date_cmp(&c->claim->as_of, &c->rules->effective) >= 0)
		set_out(o, ECERT_RULES_OK, "ok");
	else
		set_out(o, ECERT_RULES_FAIL, "fail");
}

/* Append one rendered item template to the zh and en lists. */
static void list_add(const struct rule *ru, const char *key, const struct vars *iv, char *zh,
                     char *en)
{
	const cJSON *t = msg_text(ru, key);
	char item[ECERT_RULES_MSG_MAX];
	size_t lz = strlen(zh), le = strlen(en);

	render(ecert_json_str(t, "zh"), iv, 0, item);
	snprintf(zh + lz, VAL_MAX - lz, "%s%s", lz ? "；" : "", item);
	utf8_trim_tail(zh);
	render(ecert_json_str(t, "en"), iv, 1, item);
	snprintf(en + le, VAL_MAX - le, "%s%s", le ? "; " : "", item);
	utf8_trim_tail(en);
}

static void eval_evidence(const struct ctx *c, const struct rule *ru, struct outcome *o)
{
	struct vars *item = NULL;
	char *zh, *en, *uzh, *uen;
	int bad = 0, unchecked = 0;

	/* The lists are built in the outcome's own slots: "list" for the problems, "value"
	 * (which no evidence message uses) for the unchecked ones until the end. */
	vset(&o->v, "list", "");
	vset(&o->v, "value", "");
	zh = o->v.zh[var_slot(&o->v, "list")];
	en = o->v.en[var_slot(&o->v, "list")];
	uzh = o->v.zh[var_slot(&o->v, "value")];
	uen = o->v.en[var_slot(&o->v, "value")];
	item = ecert_malloc(sizeof(*item));
	for (size_t i = 0; item && i < c->n; i++) {
		const struct ev_info *in = &c->info[i];
		const struct ecert_rules_evidence *e = in->e;

		item->n = 0;
		vsetf(item, "evidence", "%zu", e->index);
		if (!e->verified) {
			vset(item, "check", e->failed_check ? e->failed_check : "?");
			list_add(ru, "item_not_verified", item, zh, en);
			bad = 1;
		}
		/* an item whose verification stopped before the holder check says why above;
		 * "not the applicant's" only when that was checked */
		if (!e->holder_matches && (e->holder_known || e->verified)) {
			list_add(ru, "item_not_holder", item, zh, en);
			bad = 1;
		}
		if (e->revocation == ECERT_RULES_REVOKED) {
			list_add(ru, "item_revoked", item, zh, en);
			bad = 1;
		}
		if (!e->in_scope) {
			list_add(ru, "item_out_of_scope", item, zh, en);
			bad = 1;
		}
		if (in->bad_field) {
			vset(item, "field", in->bad_field);
			vset(item, "value", in->bad_value ? in->bad_value : "");
			list_add(ru, "item_bad_field", item, zh, en);
			bad = 1;
		} else if (in->future) {
			vset_date(item, "date", &in->date);
			list_add(ru, "item_future", item, zh, en);
			bad = 1;
		}
		if (e->revocation == ECERT_RULES_UNCHECKED) {
			list_add(ru, "item_unchecked", item, uzh, uen);
			unchecked = 1;
		}
	}
	vsetf(&o->v, "count", "%zu", c->n);
	if (!item) {
		/* fail closed: without scratch space nothing was checked */
		set_out(o, ECERT_RULES_FAIL, "fail");
	} else if (bad) {
		set_out(o, ECERT_RULES_FAIL, "fail");
	} else if (unchecked) {
		size_t l = var_slot(&o->v, "list");

		memcpy(o->v.zh[l], uzh, VAL_MAX);
		memcpy(o->v.en[l], uen, VAL_MAX);
		set_out(o, ECERT_RULES_OK, "ok_unchecked");
	} else {
		set_out(o, ECERT_RULES_OK, "ok");
	}
	ecert_free(item);
}

static void eval_series(const struct ctx *c, const struct rule *ru, struct outcome *o)
{
	if (!c->series) {
		set_out(o, ECERT_RULES_FAIL, "no_evidence");
		return;
	}
	vset(&o->v, "series", c->series);
	/* 二（一）: the eight series the pathway is extended to */
	if (in_str_array(ecert_json_arr(ru->params, "series"), c->series))
		set_out(o, ECERT_RULES_OK, "ok");
	else
		set_out(o, ECERT_RULES_FAIL, "fail");
}

static void eval_outside(const struct ctx *c, const struct rule *ru, struct outcome *o)
{
	vset(&o->v, "series", c->series ? c->series : "");
	/* 二（三）2: professional qualification exams follow their own entry rules */
	if (c->series && in_str_array(ecert_json_arr(ru->params, "names"), c->series))
		set_out(o, ECERT_RULES_FAIL, "fail");
	else
		set_out(o, ECERT_RULES_OK, "ok");
}

static void cand_vars(const struct ctx *c, struct outcome *o)
{
	if (!c->cand)
		return;
	o->evidence = (long)c->cand->e->index;
	vsetf(&o->v, "evidence", "%zu", c->cand->e->index);
	vset(&o->v, "level", c->cand->display);
	vset_date(&o->v, "date", &c->cand->date);
	vsetf(&o->v, "years", "%d", c->cand->years);
	vset_date(&o->v, "asOf", &c->claim->as_of);
}

static void eval_min_level(const struct ctx *c, const struct rule *ru, struct outcome *o)
{
	if (!c->cand || c->cand->ord < 0) {
		set_out(o, ECERT_RULES_FAIL, "no_evidence");
		return;
	}
	cand_vars(c, o);
	/* 二（三）1: 高级工（三级）及以上 */
	if (c->cand->ord >= skill_ord(c->rules, ecert_json_str(ru->params, "minLevel")))
		set_out(o, ECERT_RULES_OK, "ok");
	else
		set_out(o, ECERT_RULES_FAIL, "fail");
}

static void eval_declaration(const struct ctx *c, const struct rule *ru, struct outcome *o)
{
	const char *field = ecert_json_str(ru->params, "field");
	const cJSON *series = cJSON_GetObjectItemCaseSensitive(ru->params, "series");
	const cJSON *min = cJSON_GetObjectItemCaseSensitive(ru->params, "min");
	int value = -1;

	vset(&o->v, "series", c->series ? c->series : "");
	if (series && !in_str_array(series, c->series)) {
		set_out(o, ECERT_RULES_OK, "na");
		return;
	}
	if (streq(field, "annualReviewsPassed"))
		value = c->claim->annual_reviews_passed;
	else if (streq(field, "unitRecommended"))
		value = c->claim->unit_recommended;
	else if (streq(field, "frontLine"))
		value = c->claim->front_line;
	else if (streq(field, "relatedDiploma"))
		value = c->claim->related_diploma;
	if (value < 0) {
		set_out(o, ECERT_RULES_FAIL, "missing");
		return;
	}
	vsetf(&o->v, "value", "%d", value);
	if (min) {
		vsetf(&o->v, "min", "%d", min->valueint);
		set_out(o, value >= min->valueint ? ECERT_RULES_OK : ECERT_RULES_FAIL,
		        value >= min->valueint ? "ok" : "fail");
	} else {
		int want = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(ru->params, "equals"));

		set_out(o, value == want ? ECERT_RULES_OK : ECERT_RULES_FAIL,
		        value == want ? "ok" : "fail");
	}
}

/* The rows of a level table: `have` is the row's requirement on the candidate's ladder,
 * `give` what it leads to on the target's ladder. */
struct row {
	int have;
	int give;
	int years;
	const char *have_name;
};

static size_t read_rows(const struct ecert_rules *r, const cJSON *table, int s2t, struct row *rows,
                        size_t cap)
{
	const cJSON *it;
	size_t n = 0;

	cJSON_ArrayForEach(it, table)
	{
		const char *skill = ecert_json_str(it, "skill");
		const char *title = ecert_json_str(it, "title");

		if (n == cap)
			break;
		rows[n].have = s2t ? skill_ord(r, skill) : title_ord(r, title);
		rows[n].give = s2t ? title_ord(r, title) : skill_ord(r, skill);
		/* the policy's own word where the data gives one (初级 for 员级 and up) */
		rows[n].have_name = s2t                             ? skill
		                    : ecert_json_str(it, "wording") ? ecert_json_str(it, "wording")
		                                                    : title;
		rows[n].years = cJSON_GetObjectItemCaseSensitive(it, "years")->valueint;
		n++;
	}
	return n;
}

/* 二（三）2 (skill → title) and 二（四）1 (title → skill): a level held for enough whole
 * years leads to a level on the other ladder. */
static void eval_level_table(const struct ctx *c, const struct rule *ru, int s2t, struct outcome *o)
{
	struct row rows[ECERT_RULES_MAX_RULES];
	size_t n = read_rows(c->rules, ecert_json_arr(ru->params, "table"), s2t, rows,
	                     ECERT_RULES_MAX_RULES);
	const struct row *lowest = NULL, *nearest = NULL;
	const struct ev_info *in = c->cand;

	vset(&o->v, "target", c->target);
	if (!in || in->ord < 0) {
		set_out(o, ECERT_RULES_FAIL, "no_evidence");
		return;
	}
	cand_vars(c, o);
	for (size_t i = 0; i < n; i++) {
		const struct row *w = &rows[i];

		if (w->give < c->target_ord)
			continue;
		if (!lowest || w->have < lowest->have)
			lowest = w;
		if (in->ord < w->have)
			continue;
		if (in->years >= w->years) {
			vset(&o->v, "required", w->have_name);
			vsetf(&o->v, "requiredYears", "%d", w->years);
			set_out(o, ECERT_RULES_OK, "ok");
			return;
		}
		if (!nearest || w->years < nearest->years)
			nearest = w;
	}
	if (!lowest) {
		set_out(o, ECERT_RULES_FAIL, "no_target");
	} else if (!nearest) {
		vset(&o->v, "required", lowest->have_name);
		set_out(o, ECERT_RULES_FAIL, "fail_level");
	} else {
		struct ecert_date due = ecert_date_add_years(&in->date, nearest->years);

		vset(&o->v, "required", nearest->have_name);
		vsetf(&o->v, "requiredYears", "%d", nearest->years);
		vset_date(&o->v, "due", &due);
		set_out(o, ECERT_RULES_FAIL, "fail_years");
	}
}

/* Does award name a province's own honour: <province><suffix>? */
static int other_province_award(const cJSON *other, const char *award)
{
	const cJSON *prov, *suf;

	cJSON_ArrayForEach(prov, ecert_json_arr(other, "provinces"))
	{
		const char *forms[2] = {ecert_json_str(prov, "name"),
		                        ecert_json_str(prov, "short")};

		for (size_t f = 0; f < 2; f++) {
			size_t lp;

			if (!forms[f] || strncmp(award, forms[f], strlen(forms[f])) != 0)
				continue;
			lp = strlen(forms[f]);
			cJSON_ArrayForEach(suf, ecert_json_arr(other, "suffixes"))
			{
				if (streq(award + lp, suf->valuestring))
					return 1;
			}
		}
	}
	return 0;
}

/* The tier (national / provincial list) naming this award, or NULL. */
static const cJSON *award_tier(const cJSON *params, const char *award)
{
	const cJSON *tier, *aw;

	cJSON_ArrayForEach(tier, ecert_json_arr(params, "tiers"))
	{
		cJSON_ArrayForEach(aw, ecert_json_arr(tier, "awards"))
		{
			if (streq(ecert_json_str(aw, "name"), award) ||
			    in_str_array(cJSON_GetObjectItemCaseSensitive(aw, "aliases"), award))
				return tier;
		}
	}
	return NULL;
}

/* 二（三）4: the green channel. Awards are declarations only (no signed evidence of an
 * honour exists), so an award that reaches the target level goes to review, never ok. */
static void eval_green(const struct ctx *c, const struct rule *ru, struct outcome *o)
{
	const cJSON *other = ecert_json_obj(ru->params, "otherProvinces");
	/* best so far: 4 review (listed), 3 review (other province), 2 level too low, 1 unknown */
	int best = 0;

	vset(&o->v, "target", c->target);
	if (c->claim->n_awards == 0) {
		set_out(o, ECERT_RULES_FAIL, "none");
		return;
	}
	for (size_t i = 0; i < c->claim->n_awards; i++) {
		const char *award = c->claim->awards[i];
		const cJSON *tier = award_tier(ru->params, award);
		const char *max = NULL, *scope_key = NULL;
		int rank;

		if (tier) {
			max = ecert_json_str(tier, "maxLevel");
			scope_key = streq(ecert_json_str(tier, "scope"), "national")
			                ? "scope_national"
			                : "scope_provincial";
		} else if (other && other_province_award(other, award)) {
			max = ecert_json_str(other, "maxLevel");
			scope_key = "scope_provincial";
		}
		if (!max)
			rank = 1;
		else if (title_ord(c->rules, max) < c->target_ord)
			rank = 2;
		else
			rank = tier ? 4 : 3;
		if (rank <= best)
			continue;
		best = rank;
		vset(&o->v, "award", award);
		vset(&o->v, "max", max ? max : "");
		if (scope_key) {
			const cJSON *t = msg_text(ru, scope_key);

			vset2(&o->v, "scope", ecert_json_str(t, "zh"), ecert_json_str(t, "en"));
		}
	}
	if (best == 4)
		set_out(o, ECERT_RULES_REVIEW, "review");
	else if (best == 3)
		set_out(o, ECERT_RULES_REVIEW, "review_other_province");
	else if (best == 2)
		set_out(o, ECERT_RULES_FAIL, "fail_level");
	else
		set_out(o, ECERT_RULES_FAIL, "unknown");
}

/* 一（二）3 and the annex: the specialty and the occupation must be the same or related. */
static void eval_correspondence(const struct ctx *c, const struct rule *ru, struct outcome *o)
{
	const char *series, *specialty, *code, *occupation;
	const cJSON *row, *occ;
	int s2t = c->claim->direction == ECERT_RULES_SKILL_TO_TITLE;

	if (!c->cand || c->cand->bad_field) {
		set_out(o, ECERT_RULES_FAIL, "no_evidence");
		return;
	}
	o->evidence = (long)c->cand->e->index;
	series = s2t ? c->claim->target_series : c->cand->e->series;
	specialty = s2t ? c->claim->target_specialty : c->cand->e->specialty;
	code = s2t ? c->cand->e->occupation_code : c->claim->target_occupation_code;
	occupation = s2t ? c->cand->e->occupation : c->claim->target_occupation;
	vset(&o->v, "series", series);
	vset(&o->v, "specialty", specialty);
	vset(&o->v, "code", code);
	vset(&o->v, "occupation", occupation);
	vsetf(&o->v, "evidence", "%zu", c->cand->e->index);
	cJSON_ArrayForEach(row, ecert_json_arr(c->rules->table, "rows"))
	{
		if (!streq(ecert_json_str(row, "series"), series) ||
		    !streq(ecert_json_str(row, "specialty"), specialty))
			continue;
		cJSON_ArrayForEach(occ, ecert_json_arr(row, "occupations"))
		{
			if (!code_matches(ecert_json_str(occ, "code"), code))
				continue;
			if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(row, "trial"))) {
				const cJSON *t = msg_text(ru, "trial_row");

				vset2(&o->v, "trial", ecert_json_str(t, "zh"),
				      ecert_json_str(t, "en"));
			} else {
				vset(&o->v, "trial", "");
			}
			set_out(o, ECERT_RULES_OK, "ok");
			return;
		}
	}
	/* 专业相近 is the evaluating body's call, not the software's */
	if (streq(ecert_json_str(ru->params, "missing"), "fail"))
		set_out(o, ECERT_RULES_FAIL, "review");
	else
		set_out(o, ECERT_RULES_REVIEW, "review");
}

/* 二（二）1-7: the title a professional needs to seek a skill evaluation, per series. */
static void eval_entry(const struct ctx *c, const struct rule *ru, struct outcome *o)
{
	const cJSON *th;

	if (!c->cand || c->cand->ord < 0) {
		set_out(o, ECERT_RULES_FAIL, "no_evidence");
		return;
	}
	cand_vars(c, o);
	vset(&o->v, "series", c->series ? c->series : "");
	vset(&o->v, "title",
	     c->cand->e->title_name ? c->cand->e->title_name : c->cand->e->title_level);
	vset(&o->v, "level", c->cand->e->title_level);
	cJSON_ArrayForEach(th, ecert_json_arr(ru->params, "thresholds"))
	{
		const char *min = ecert_json_str(th, "minLevel");
		const char *wording = ecert_json_str(th, "wording");

		if (!streq(ecert_json_str(th, "series"), c->series))
			continue;
		o->clause = ecert_json_str(th, "clause");
		vset(&o->v, "required", wording ? wording : min);
		if (c->cand->ord >= title_ord(c->rules, min))
			set_out(o, ECERT_RULES_OK, "ok");
		else
			set_out(o, ECERT_RULES_FAIL, "fail");
		return;
	}
	set_out(o, ECERT_RULES_FAIL, "unknown_series");
}

/* 二（四）1: one year after a skill evaluation, the next level of the same occupation. */
static void eval_next(const struct ctx *c, const struct rule *ru, struct outcome *o)
{
	const struct ev_info *best = NULL;
	int years = cJSON_GetObjectItemCaseSensitive(ru->params, "years")->valueint;

	vset(&o->v, "code", c->claim->target_occupation_code);
	vset(&o->v, "target", c->target);
	vsetf(&o->v, "requiredYears", "%d", years);
	for (size_t i = 0; i < c->n; i++) {
		const struct ev_info *in = &c->info[i];

		if (in->e->kind != ECERT_RULES_EVIDENCE_SKILL || in->bad_field || in->future ||
		    in->ord + 1 != c->target_ord || /* the next rung (ordinals are consecutive) */
		    !code_matches(in->e->occupation_code, c->claim->target_occupation_code))
			continue;
		if (!best || in->years > best->years)
			best = in;
	}
	if (!best) {
		set_out(o, ECERT_RULES_FAIL, "none");
		return;
	}
	o->evidence = (long)best->e->index;
	vsetf(&o->v, "evidence", "%zu", best->e->index);
	vset(&o->v, "occupation", best->e->occupation);
	vset(&o->v, "level", best->display);
	vset_date(&o->v, "date", &best->date);
	vsetf(&o->v, "years", "%d", best->years);
	vset_date(&o->v, "asOf", &c->claim->as_of);
	if (best->years >= years) {
		set_out(o, ECERT_RULES_OK, "ok");
	} else {
		struct ecert_date due = ecert_date_add_years(&best->date, years);

		vset_date(&o->v, "due", &due);
		set_out(o, ECERT_RULES_FAIL, "fail_years");
	}
}

/* Information the policy gives that decides nothing (二（三）2 school classes and papers,
 * 二（四）2 diploma exemption). Always ok. */
static void eval_info(const struct ctx *c, const struct rule *ru, struct outcome *o)
{
	const char *decl = ecert_json_str(ru->params, "declaration");

	o->ok = ECERT_RULES_OK;
	if (!decl) {
		o->key = "ok";
	} else if (streq(decl, "technicalSchoolClass")) {
		const char *cls = c->claim->technical_school_class;
		const char *edu =
		    cls ? ecert_json_str(ecert_json_obj(ru->params, "values"), cls) : NULL;

		o->key = cls ? "given" : "absent";
		vset(&o->v, "value", cls ? cls : "");
		vset(&o->v, "education", edu ? edu : "?");
	} else {
		o->key = c->claim->related_diploma == 1 ? "given" : "absent";
	}
}

static void eval_one(const struct ctx *c, const struct rule *ru, struct outcome *o)
{
	memset(o, 0, sizeof(*o));
	o->evidence = -1;
	switch (ru->kind) {
	case K_IN_FORCE:
		eval_in_force(c, o);
		break;
	case K_EVIDENCE:
		eval_evidence(c, ru, o);
		break;
	case K_SERIES:
		eval_series(c, ru, o);
		break;
	case K_OUTSIDE:
		eval_outside(c, ru, o);
		break;
	case K_MIN_LEVEL:
		eval_min_level(c, ru, o);
		break;
	case K_DECL:
		eval_declaration(c, ru, o);
		break;
	case K_SKILL_YEARS:
		eval_level_table(c, ru, 1, o);
		break;
	case K_T2S:
		eval_level_table(c, ru, 0, o);
		break;
	case K_GREEN:
		eval_green(c, ru, o);
		break;
	case K_CORR:
		eval_correspondence(c, ru, o);
		break;
	case K_ENTRY:
		eval_entry(c, ru, o);
		break;
	case K_NEXT:
		eval_next(c, ru, o);
		break;
	case K_INFO:
		eval_info(c, ru, o);
		break;
	default:
		set_out(o, ECERT_RULES_FAIL, "fail");
		break;
	}
}

/* One try of the rules with one candidate evidence item. */
struct attempt {
	struct finding f[ECERT_RULES_MAX_RULES];
	size_t n;
	int verdict;
};

static void attempt_clear(struct attempt *a)
{
	for (size_t i = 0; i < a->n; i++) {
		ecert_free(a->f[i].zh);
		ecert_free(a->f[i].en);
	}
	a->n = 0;
}

static int outcome_rank(int ok)
{
	return ok == ECERT_RULES_OK ? 2 : ok == ECERT_RULES_REVIEW ? 1 : 0;
}

static int verdict_rank(int v)
{
	return v == ECERT_RULES_ELIGIBLE ? 2 : v == ECERT_RULES_NEEDS_REVIEW ? 1 : 0;
}

static int run_attempt(const struct ctx *c, struct attempt *a, struct ecert_error *err)
{
	const struct ecert_rules *r = c->rules;
	int dir = c->claim->direction == ECERT_RULES_SKILL_TO_TITLE ? D_S2T : D_T2S;
	int rule_of[ECERT_RULES_MAX_RULES]; /* finding → rule index */
	int fail = 0, review = 0;
	struct outcome *o;

	o = ecert_malloc(sizeof(*o));
	if (!o)
		return ecert_fail(err, ECERT_ERR_NOMEM, "out of memory");
	a->n = 0;
	for (size_t i = 0; i < r->n_rules; i++) {
		const struct rule *ru = &r->rules[i];
		const cJSON *t;
		char *buf;
		struct finding *fo = &a->f[a->n];
		struct ecert_rules_finding *f = &fo->view;

		if (!(ru->directions & dir))
			continue;
		eval_one(c, ru, o);
		t = msg_text(ru, o->key);
		memset(fo, 0, sizeof(*fo));
		f->rule = ru->id;
		f->clause = o->clause ? o->clause : ru->clause;
		f->ok = o->ok;
		f->evidence = o->evidence;
		buf = ecert_malloc(ECERT_RULES_MSG_MAX);
		if (buf) {
			render(ecert_json_str(t, "zh"), &o->v, 0, buf);
			fo->zh = ecert_strdup(buf);
			render(ecert_json_str(t, "en"), &o->v, 1, buf);
			fo->en = ecert_strdup(buf);
			ecert_free(buf);
		}
		f->message_zh = fo->zh;
		f->message_en = fo->en;
		rule_of[a->n] = (int)i;
		a->n++;
		if (!f->message_zh || !f->message_en) {
			ecert_free(o);
			attempt_clear(a);
			return ecert_fail(err, ECERT_ERR_NOMEM, "out of memory");
		}
	}
	ecert_free(o);

	/* A rule and its alternatives hold together when one of them holds; the best one
	 * decides and the others are marked superseded. */
	for (size_t h = 0; h < a->n; h++) {
		size_t best = h;
		int grouped = 0;

		if (r->rules[rule_of[h]].alt >= 0)
			continue;
		for (size_t m = 0; m < a->n; m++) {
			if (r->rules[rule_of[m]].alt != rule_of[h])
				continue;
			grouped = 1;
			if (outcome_rank(a->f[m].view.ok) > outcome_rank(a->f[best].view.ok))
				best = m;
		}
		if (!grouped || a->f[best].view.ok == ECERT_RULES_FAIL)
			continue;
		for (size_t m = 0; m < a->n; m++)
			if (m != best && (m == h || r->rules[rule_of[m]].alt == rule_of[h]))
				a->f[m].view.superseded = 1;
	}
	for (size_t i = 0; i < a->n; i++) {
		if (a->f[i].view.superseded)
			continue;
		if (a->f[i].view.ok == ECERT_RULES_FAIL)
			fail = 1;
		else if (a->f[i].view.ok == ECERT_RULES_REVIEW)
			review = 1;
	}
	a->verdict = fail     ? ECERT_RULES_NOT_ELIGIBLE
	             : review ? ECERT_RULES_NEEDS_REVIEW
	                      : ECERT_RULES_ELIGIBLE;
	return ECERT_OK;
}

/* Is candidate x better than y (already decided attempts)? Verdict first, then a sound
 * certificate, then the higher level, the longer held, the earlier in the claim. */
static int better(const struct attempt *ax, const struct ev_info *x, const struct attempt *ay,
                  const struct ev_info *y)
{
	if (verdict_rank(ax->verdict) != verdict_rank(ay->verdict))
		return verdict_rank(ax->verdict) > verdict_rank(ay->verdict);
	if (ev_sound(x) != ev_sound(y))
		return ev_sound(x);
	if (x->ord != y->ord)
		return x->ord > y->ord;
	if (x->years != y->years)
		return x->years > y->years;
	return x->e->index < y->e->index;
}

static char *dup_or_null(const char *s, int *oom)
{
	char *d;

	if (!s)
		return NULL;
	d = ecert_strdup(s);
	if (!d)
		*oom = 1;
	return d;
}

static int check_inputs(const struct ecert_rules_claim *claim,
                        const struct ecert_rules_evidence *evidence, size_t n,
                        struct ecert_error *err)
{
	unsigned seen = 0;

	if (claim->direction != ECERT_RULES_SKILL_TO_TITLE &&
	    claim->direction != ECERT_RULES_TITLE_TO_SKILL)
		return ecert_fail(err, ECERT_ERR_ARG, "claim direction is not set");
	if (!claim->target_level ||
	    (claim->direction == ECERT_RULES_SKILL_TO_TITLE &&
	     (!claim->target_series || !claim->target_specialty)) ||
	    (claim->direction == ECERT_RULES_TITLE_TO_SKILL &&
	     (!claim->target_occupation_code || !claim->target_occupation)))
		return ecert_fail(err, ECERT_ERR_ARG, "claim target is incomplete");
	if (n == 0 || n > ECERT_RULES_MAX_EVIDENCE || n != claim->n_evidence || (n && !evidence))
		return ecert_fail(err, ECERT_ERR_ARG,
		                  "every evidence certificate of the claim (1 to %d) must be given",
		                  ECERT_RULES_MAX_EVIDENCE);
	if (claim->n_awards > ECERT_RULES_MAX_AWARDS)
		return ecert_fail(err, ECERT_ERR_ARG, "too many awards");
	for (size_t i = 0; i < n; i++) {
		if (evidence[i].index >= n || (seen & (1u << evidence[i].index)))
			return ecert_fail(err, ECERT_ERR_ARG,
			                  "evidence indexes must cover 0..%zu once each", n - 1);
		if (evidence[i].kind != ECERT_RULES_EVIDENCE_TITLE &&
		    evidence[i].kind != ECERT_RULES_EVIDENCE_SKILL)
			return ecert_fail(err, ECERT_ERR_ARG, "evidence[%zu] has no kind",
			                  evidence[i].index);
		seen |= 1u << evidence[i].index;
	}
	return ECERT_OK;
}

int ecert_rules_evaluate(const struct ecert_rules *rules, const struct ecert_rules_claim *claim,
                         const struct ecert_rules_evidence *evidence, size_t n_evidence,
                         struct ecert_rules_result **out, struct ecert_error *err)
{
	struct ev_info info[ECERT_RULES_MAX_EVIDENCE];
	struct attempt *best = NULL, *cur = NULL;
	const struct ev_info *best_in = NULL;
	struct ecert_rules_result *res = NULL;
	struct ctx c;
	int want, rc, oom = 0, have_best = 0;

	if (!rules || !claim || !out)
		return ecert_fail(err, ECERT_ERR_ARG, "rules, claim and output are required");
	rc = check_inputs(claim, evidence, n_evidence, err);
	if (rc != ECERT_OK)
		return rc;
	memset(&c, 0, sizeof(c));
	c.rules = rules;
	c.claim = claim;
	c.info = info;
	c.n = n_evidence;
	if (claim->direction == ECERT_RULES_SKILL_TO_TITLE) {
		want = ECERT_RULES_EVIDENCE_SKILL;
		c.target_ord = title_ord(rules, claim->target_level);
		c.series = claim->target_series;
	} else {
		want = ECERT_RULES_EVIDENCE_TITLE;
	}
	utf8_copy(c.target, sizeof(c.target), claim->target_level);
	if (want == ECERT_RULES_EVIDENCE_TITLE) {
		struct ecert_skill_level sl;

		c.target_ord = skill_level_of(rules, claim->target_level, &sl);
		/* 技师（二级）, or just the name when level and name are the same (特级技师) */
		if (c.target_ord >= 0 && strcmp(sl.level, sl.level_name) != 0)
			snprintf(c.target, sizeof(c.target), "%s（%s）", sl.level_name, sl.level);
		else if (c.target_ord >= 0)
			utf8_copy(c.target, sizeof(c.target), sl.level_name);
	}
	if (c.target_ord < 0) {
		ecert_error_where(err, "target.level");
		return ecert_fail(err, ECERT_ERR_INVALID, "\"%s\" is not a %s level",
		                  claim->target_level,
		                  want == ECERT_RULES_EVIDENCE_SKILL ? "title" : "skill");
	}
	for (size_t i = 0; i < n_evidence; i++)
		read_evidence(rules, claim, &evidence[i], &info[i]);

	best = ecert_calloc(1, sizeof(*best));
	cur = ecert_calloc(1, sizeof(*cur));
	if (!best || !cur) {
		rc = ecert_fail(err, ECERT_ERR_NOMEM, "out of memory");
		goto out;
	}
	/* Try every evidence item of the kind the direction needs; with none, try once
	 * without a candidate so that every rule still reports. */
	for (size_t i = 0; i <= n_evidence; i++) {
		struct attempt *swap;

		if (i < n_evidence && info[i].e->kind != want)
			continue;
		if (i == n_evidence && have_best)
			break;
		c.cand = i < n_evidence ? &info[i] : NULL;
		if (want == ECERT_RULES_EVIDENCE_TITLE)
			c.series = c.cand ? c.cand->e->series : NULL;
		rc = run_attempt(&c, cur, err);
		if (rc != ECERT_OK)
			goto out;
		if (have_best && !better(cur, c.cand, best, best_in)) {
			attempt_clear(cur);
			continue;
		}
		attempt_clear(best);
		swap = best;
		best = cur;
		cur = swap;
		best_in = c.cand;
		have_best = 1;
	}

	res = ecert_calloc(1, sizeof(*res));
	if (!res) {
		rc = ecert_fail(err, ECERT_ERR_NOMEM, "out of memory");
		goto out;
	}
	res->verdict = best->verdict;
	res->deciding = best_in ? (long)best_in->e->index : -1;
	res->direction = claim->direction;
	ecert_date_format(&claim->as_of, res->as_of);
	memcpy(res->effective, rules->effective_text, sizeof(res->effective));
	res->policy_id = dup_or_null(rules->policy_id, &oom);
	res->document_number = dup_or_null(rules->document_number, &oom);
	res->version = dup_or_null(rules->version, &oom);
	res->table_id = dup_or_null(ecert_json_str(rules->table, "id"), &oom);
	res->table_version = dup_or_null(ecert_json_str(rules->table, "version"), &oom);
	res->table_status = dup_or_null(ecert_json_str(rules->table, "status"), &oom);
	for (size_t i = 0; i < best->n; i++) {
		struct finding *f = &res->findings[i];

		*f = best->f[i];
		f->rule = dup_or_null(best->f[i].view.rule, &oom);
		f->clause = dup_or_null(best->f[i].view.clause, &oom);
		f->view.rule = f->rule;
		f->view.clause = f->clause;
		res->n = i + 1;
	}
	best->n = 0; /* messages now belong to res */
	if (oom) {
		rc = ecert_fail(err, ECERT_ERR_NOMEM, "out of memory");
		goto out;
	}
	*out = res;
	res = NULL;
	rc = ECERT_OK;
out:
	ecert_rules_result_free(res);
	if (best)
		attempt_clear(best);
	if (cur)
		attempt_clear(cur);
	ecert_free(best);
	ecert_free(cur);
	return rc;
}

/* ---- results ------------------------------------------------------------------------ */

void ecert_rules_result_free(struct ecert_rules_result *result)
{
	if (!result)
		return;
	for (size_t i = 0; i < result->n; i++) {
		ecert_free(result->findings[i].rule);
		ecert_free(result->findings[i].clause);
		ecert_free(result->findings[i].zh);
		ecert_free(result->findings[i].en);
	}
	ecert_free(result->policy_id);
	ecert_free(result->document_number);
	ecert_free(result->version);
	ecert_free(result->table_id);
	ecert_free(result->table_version);
	ecert_free(result->table_status);
	ecert_free(result);
}

int ecert_rules_result_verdict(const struct ecert_rules_result *result)
{
	return result->verdict;
}

long ecert_rules_result_deciding(const struct ecert_rules_result *result)
{
	return result->deciding;
}

size_t ecert_rules_result_count(const struct ecert_rules_result *result)
{
	return result->n;
}

const struct ecert_rules_finding *
ecert_rules_result_finding(const struct ecert_rules_result *result, size_t i)
{
	return i < result->n ? &result->findings[i].view : NULL;
}

const char *ecert_rules_verdict_name(int verdict)
{
	switch (verdict) {
	case ECERT_RULES_ELIGIBLE:
		return "eligible";
	case ECERT_RULES_NEEDS_REVIEW:
		return "needs_review";
	default:
		return "not_eligible";
	}
}

int ecert_rules_verdict_exit(int verdict)
{
	switch (verdict) {
	case ECERT_RULES_ELIGIBLE:
		return 0;
	case ECERT_RULES_NEEDS_REVIEW:
		return 3;
	default:
		return 1; /* fail closed: anything else is not eligible */
	}
}

static const char *direction_name(int d)
{
	return d == ECERT_RULES_SKILL_TO_TITLE ? "skill-to-title" : "title-to-skill";
}

int ecert_rules_result_json(const struct ecert_rules_result *result, cJSON **out,
                            struct ecert_error *err)
{
	cJSON *root = cJSON_CreateObject(), *pol, *tab, *arr;
	int ok = root != NULL;

	if (!result || !out) {
		cJSON_Delete(root);
		return ecert_fail(err, ECERT_ERR_ARG, "result and output are required");
	}
	ok = ok && cJSON_AddStringToObject(root, "type", "CrossTrackClaimResult");
	pol = ok ? cJSON_AddObjectToObject(root, "policy") : NULL;
	ok = ok && pol && cJSON_AddStringToObject(pol, "id", result->policy_id) &&
	     cJSON_AddStringToObject(pol, "documentNumber", result->document_number) &&
	     cJSON_AddStringToObject(pol, "rulesVersion", result->version) &&
	     cJSON_AddStringToObject(pol, "effectiveDate", result->effective);
	tab = ok ? cJSON_AddObjectToObject(root, "correspondenceTable") : NULL;
	ok = ok && tab && cJSON_AddStringToObject(tab, "id", result->table_id) &&
	     cJSON_AddStringToObject(tab, "version", result->table_version) &&
	     cJSON_AddStringToObject(tab, "status", result->table_status);
	ok = ok && cJSON_AddStringToObject(root, "direction", direction_name(result->direction)) &&
	     cJSON_AddStringToObject(root, "asOf", result->as_of) &&
	     cJSON_AddStringToObject(root, "verdict", ecert_rules_verdict_name(result->verdict));
	if (ok)
		ok = result->deciding >= 0
		         ? cJSON_AddNumberToObject(root, "decidingEvidence",
		                                   (double)result->deciding) != NULL
		         : cJSON_AddNullToObject(root, "decidingEvidence") != NULL;
	arr = ok ? cJSON_AddArrayToObject(root, "findings") : NULL;
	ok = ok && arr;
	for (size_t i = 0; ok && i < result->n; i++) {
		const struct ecert_rules_finding *f = &result->findings[i].view;
		cJSON *jf = cJSON_CreateObject(), *msg;

		ok = jf && cJSON_AddItemToArray(arr, jf);
		if (!ok) {
			cJSON_Delete(jf);
			break;
		}
		ok = cJSON_AddStringToObject(jf, "rule", f->rule) &&
		     cJSON_AddStringToObject(jf, "clause", f->clause);
		if (ok)
			ok = f->ok == ECERT_RULES_REVIEW
			         ? cJSON_AddNullToObject(jf, "ok") != NULL
			         : cJSON_AddBoolToObject(jf, "ok", f->ok == ECERT_RULES_OK) != NULL;
		msg = ok ? cJSON_AddObjectToObject(jf, "message") : NULL;
		ok = ok && msg && cJSON_AddStringToObject(msg, "zh", f->message_zh) &&
		     cJSON_AddStringToObject(msg, "en", f->message_en);
		if (ok && f->evidence >= 0)
			ok = cJSON_AddNumberToObject(jf, "evidence", (double)f->evidence) != NULL;
		if (ok && f->superseded)
			ok = cJSON_AddTrueToObject(jf, "superseded") != NULL;
	}
	if (!ok) {
		cJSON_Delete(root);
		return ecert_fail(err, ECERT_ERR_NOMEM, "out of memory");
	}
	*out = root;
	return ECERT_OK;
}

int ecert_rules_result_text(const struct ecert_rules_result *result, const char *lang,
                            struct ecert_buf *out, struct ecert_error *err)
{
	static const char *const verdict_zh[] = {"符合条件", "不符合条件", "需人工复核"};
	static const char *const verdict_en[] = {"eligible", "not eligible", "needs review"};
	static const char *const mark_zh[] = {"不通过", "通过", "需复核"};
	static const char *const mark_en[] = {"FAIL", "ok", "REVIEW"};
	int en;
	int v;

	if (!result || !out || !lang)
		return ecert_fail(err, ECERT_ERR_ARG, "result, language and output are required");
	if (streq(lang, "en"))
		en = 1;
	else if (streq(lang, "zh"))
		en = 0;
	else
		return ecert_fail(err, ECERT_ERR_ARG, "language must be zh or en");
	v = result->verdict >= 0 && result->verdict <= 2 ? result->verdict : 1;
	if (en) {
		ecert_buf_printf(out, "Cross-track claim: %s (%s)\n", verdict_en[v],
		                 ecert_rules_verdict_name(result->verdict));
		ecert_buf_printf(out, "Policy: %s, rules %s, in force from %s\n",
		                 result->document_number, result->version, result->effective);
		ecert_buf_printf(out, "Direction: %s; claim date: %s\n",
		                 direction_name(result->direction), result->as_of);
		if (result->deciding >= 0)
			ecert_buf_printf(out, "Deciding evidence: evidence[%ld]\n",
			                 result->deciding);
		else
			ecert_buf_puts(out, "Deciding evidence: none\n");
		ecert_buf_printf(out, "Correspondence table: %s %s (%s)\n", result->table_id,
		                 result->table_version, result->table_status);
	} else {
		ecert_buf_printf(out, "贯通申报核验结果：%s（%s）\n", verdict_zh[v],
		                 ecert_rules_verdict_name(result->verdict));
		ecert_buf_printf(out, "政策依据：%s（规则版本 %s，实施日期 %s）\n",
		                 result->document_number, result->version, result->effective);
		ecert_buf_printf(out, "申报方向：%s；申报基准日：%s\n",
		                 result->direction == ECERT_RULES_SKILL_TO_TITLE
		                     ? "技能人才申报职称"
		                     : "专业技术人才申报技能评价",
		                 result->as_of);
		if (result->deciding >= 0)
			ecert_buf_printf(out, "据以判定的证据：evidence[%ld]\n", result->deciding);
		else
			ecert_buf_puts(out, "据以判定的证据：无\n");
		ecert_buf_printf(
		    out, "对应表：%s %s（%s）\n", result->table_id, result->table_version,
		    streq(result->table_status, "trial") ? "试行" : result->table_status);
	}
	for (size_t i = 0; i < result->n; i++) {
		const struct ecert_rules_finding *f = &result->findings[i].view;
		int m = f->ok >= 0 && f->ok <= 2 ? f->ok : 0;

		ecert_buf_printf(
		    out, "  [%s] %s %s%s%s%s\n", en ? mark_en[m] : mark_zh[m], f->clause, f->rule,
		    f->superseded ? (en ? " (alternative not used)" : "（备选路径，未采用）") : "",
		    en ? ": " : "：", en ? f->message_en : f->message_zh);
	}
	if (ecert_buf_ok(out) != ECERT_OK)
		return ecert_fail(err, ECERT_ERR_NOMEM, "out of memory");
	return ECERT_OK;
}

/* ---- 二（六）: treatment equivalence ---------------------------------------------------- */

/* A title name (工程师, 助理讲师 …) in any series the rules cover, to its level ordinal. */
static int title_name_ord(const struct ecert_rules *r, const char *name)
{
	struct ecert_title_level tl;
	struct ecert_error scratch;
	const cJSON *s;

	for (size_t i = 0; i < r->n_rules; i++) {
		if (r->rules[i].kind != K_SERIES)
			continue;
		cJSON_ArrayForEach(s, ecert_json_arr(r->rules[i].params, "series"))
		{
			if (ecert_domain_title_lookup(r->domain, s->valuestring, name, &tl,
			                              &scratch) == ECERT_OK)
				return tl.ordinal;
		}
	}
	return -1;
}

int ecert_rules_equivalent(const struct ecert_rules *rules, const char *level,
                           struct ecert_rules_equivalence *out, struct ecert_error *err)
{
	const struct rule *ru = NULL;
	const cJSON *pair;
	int s_ord, t_ord = -1;

	if (!rules || !level || !out)
		return ecert_fail(err, ECERT_ERR_ARG, "rules, level and output are required");
	for (size_t i = 0; i < rules->n_rules && !ru; i++)
		if (rules->rules[i].kind == K_EQUIV)
			ru = &rules->rules[i];
	if (!ru)
		return ecert_fail(err, ECERT_ERR_UNSUPPORTED,
		                  "these rules have no treatment-equivalence rule");
	s_ord = skill_ord(rules, level);
	if (s_ord < 0) {
		t_ord = title_ord(rules, level);
		if (t_ord < 0)
			t_ord = title_name_ord(rules, level);
		if (t_ord < 0) {
			ecert_error_where(err, "%s", level);
			return ecert_fail(err, ECERT_ERR_INVALID,
			                  "not a skill level (三级, 高级工 …), a title level "
			                  "(助理级 …) or a title name (工程师 …)");
		}
	}
	cJSON_ArrayForEach(pair, ecert_json_arr(ru->params, "pairs"))
	{
		struct ecert_skill_level sl;
		const char *pt_name = ecert_json_str(pair, "title");
		int ps = skill_level_of(rules, ecert_json_str(pair, "skill"), &sl);
		int pt = title_ord(rules, pt_name);
		struct ecert_rules_equivalence e;
		struct vars *v;
		const cJSON *t = msg_text(ru, "ok");

		if (ps < 0 || pt < 0 || (s_ord >= 0 && ps != s_ord) || (s_ord < 0 && pt != t_ord))
			continue;
		v = ecert_malloc(sizeof(*v));
		if (!v)
			return ecert_fail(err, ECERT_ERR_NOMEM, "out of memory");
		v->n = 0;
		memset(&e, 0, sizeof(e));
		e.rule = ru->id;
		e.clause = ru->clause;
		e.from_skill = s_ord >= 0;
		e.skill_level = sl.level;
		e.skill_name = sl.level_name;
		e.title_level = pt_name;
		vset(v, "skill", sl.level_name);
		vset(v, "skillLevel", sl.level);
		vset(v, "title", pt_name);
		render(ecert_json_str(t, "zh"), v, 0, e.message_zh);
		render(ecert_json_str(t, "en"), v, 1, e.message_en);
		ecert_free(v);
		*out = e;
		return ECERT_OK;
	}
	ecert_error_where(err, "%s", level);
	return ecert_fail(err, ECERT_ERR_UNSUPPORTED, "%s sets no equivalent treatment for it",
	                  ru->clause);
}
