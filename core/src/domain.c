/* ecert — title series/levels, skill levels, occupation codes and certificate numbers.
 *
 * The tables stay the cJSON trees of schemas/data/{titles,skill-levels}.json: they are
 * checked once when loaded, never changed afterwards, and the queries walk them (a few
 * dozen rows), so any number of threads can share one struct ecert_domain. */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ecert/alloc.h"
#include "ecert/buf.h"
#include "ecert/data.h"
#include "ecert/domain.h"
#include "ecert/json.h"
#include "utf8clip.h"

/* Bounds on the tables (they hold a few dozen rows; these only stop absurd input). */
#define LEVELS_MAX 16
#define ROWS_MAX 1024
#define ORDINAL_MAX 100
/* How much of an "expected one of …" list goes into an error message. */
#define LIST_MAX 200
#define PLACE_MAX 96
#define NUMBER_LETTERS_MAX 2
#define OCCUPATION_PARTS 4

struct ecert_domain {
	cJSON *titles;
	cJSON *skills;
};

/* ------------------------------------------------------------------ loading */

struct loader {
	struct ecert_error *err;
	const char *file;
};

/* A location inside a table file; truncation is acceptable for a location. */
static void placef(char out[PLACE_MAX], const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void placef(char out[PLACE_MAX], const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(out, PLACE_MAX, fmt, ap);
	va_end(ap);
}

static int bad(struct loader *l, const char *place, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int bad(struct loader *l, const char *place, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ecert_vfail(l->err, ECERT_ERR_SCHEMA, fmt, ap);
	va_end(ap);
	ecert_error_where(l->err, "%s: %s", l->file, place);
	return ECERT_ERR_SCHEMA;
}

/* A non-empty string member, or NULL. */
static const char *str_of(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsString(v) && v->valuestring[0] ? v->valuestring : NULL;
}

/* An integer member in [lo, hi], or -1. */
static int int_of(const cJSON *obj, const char *key, int lo, int hi)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	if (!cJSON_IsNumber(v) || v->valuedouble < lo || v->valuedouble > hi ||
	    v->valuedouble != (double)(int)v->valuedouble)
		return -1;
	return (int)v->valuedouble;
}

static const cJSON *arr_of(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsArray(v) ? v : NULL;
}

/* Row of `rows` whose member `key` is the string `val`, or NULL. */
static const cJSON *find_row(const cJSON *rows, const char *key, const char *val)
{
	const cJSON *r;

	if (!val)
		return NULL;
	cJSON_ArrayForEach(r, rows)
	{
		const char *s = str_of(r, key);

		if (s && strcmp(s, val) == 0)
			return r;
	}
	return NULL;
}

static int str_in(const cJSON *arr, const char *val)
{
	const cJSON *v;

	cJSON_ArrayForEach(v, arr)
	{
		if (cJSON_IsString(v) && strcmp(v->valuestring, val) == 0)
			return 1;
	}
	return 0;
}

static int check_level_rows(struct loader *l, const cJSON *levels)
{
	const cJSON *r, *q;
	int i = 0;
	char place[PLACE_MAX];

	if (!levels || cJSON_GetArraySize(levels) < 1 || cJSON_GetArraySize(levels) > LEVELS_MAX)
		return bad(l, "levels", "expected an array of 1 to %d levels", LEVELS_MAX);
	cJSON_ArrayForEach(r, levels)
	{
		placef(place, "levels[%d]", i);
		if (!str_of(r, "level") || !str_of(r, "band") ||
		    int_of(r, "ordinal", 1, ORDINAL_MAX) < 0)
			return bad(l, place, "expected {\"level\", \"band\", \"ordinal\" 1..%d}",
			           ORDINAL_MAX);
		for (q = levels->child; q != r; q = q->next) {
			if (strcmp(str_of(q, "level"), str_of(r, "level")) == 0 ||
			    int_of(q, "ordinal", 1, ORDINAL_MAX) ==
			        int_of(r, "ordinal", 1, ORDINAL_MAX))
				return bad(l, place, "level or ordinal given twice");
		}
		i++;
	}
	return ECERT_OK;
}

/* Within one series a title name stands for one level only. */
static int check_name_unique(struct loader *l, const cJSON *series, const char *name,
                             const char *level, const char *place)
{
	const cJSON *t, *lv;

	cJSON_ArrayForEach(t, arr_of(series, "tracks"))
	{
		cJSON_ArrayForEach(lv, cJSON_GetObjectItemCaseSensitive(t, "titles"))
		{
			if (strcmp(lv->string, level) != 0 && str_in(lv, name))
				return bad(l, place, "\"%s\" is a title of both %s and %s", name,
				           level, lv->string);
		}
	}
	return ECERT_OK;
}

static int check_track(struct loader *l, const cJSON *levels, const cJSON *series,
                       const cJSON *track, const char *place)
{
	const cJSON *titles = cJSON_GetObjectItemCaseSensitive(track, "titles");
	const cJSON *lacks = arr_of(track, "lacks");
	const cJSON *lv, *name, *r;
	char where[PLACE_MAX];
	int rc;

	if (!str_of(track, "track") || !cJSON_IsObject(titles) || !lacks)
		return bad(l, place, "expected {\"track\", \"titles\": {…}, \"lacks\": […]}");
	cJSON_ArrayForEach(lv, titles)
	{
		placef(where, "%s.titles.%s", place, lv->string);
		if (!find_row(levels, "level", lv->string))
			return bad(l, where, "\"%s\" is not one of the levels", lv->string);
		if (str_in(lacks, lv->string))
			return bad(l, where, "level both has titles and is in \"lacks\"");
		if (!cJSON_IsArray(lv) || cJSON_GetArraySize(lv) < 1 ||
		    cJSON_GetArraySize(lv) > ROWS_MAX)
			return bad(l, where, "expected a non-empty array of title names");
		cJSON_ArrayForEach(name, lv)
		{
			if (!cJSON_IsString(name) || !name->valuestring[0])
				return bad(l, where, "title names must be non-empty strings");
			rc = check_name_unique(l, series, name->valuestring, lv->string, where);
			if (rc != ECERT_OK)
				return rc;
		}
	}
	cJSON_ArrayForEach(lv, lacks)
	{
		if (!cJSON_IsString(lv) || !find_row(levels, "level", lv->valuestring))
			return bad(l, place, "\"lacks\" must name levels");
	}
	/* every level exactly once: in titles or in lacks */
	cJSON_ArrayForEach(r, levels)
	{
		const char *name_of = str_of(r, "level");
		int n = cJSON_GetObjectItemCaseSensitive(titles, name_of) != NULL;
		const cJSON *x;

		cJSON_ArrayForEach(x, lacks)
		{
			n += cJSON_IsString(x) && strcmp(x->valuestring, name_of) == 0;
		}
		if (n != 1)
			return bad(l, place,
			           "level %s must appear once, in \"titles\" or in \"lacks\"",
			           name_of);
	}
	return ECERT_OK;
}

static int check_titles(struct loader *l, const cJSON *t)
{
	const cJSON *levels = arr_of(t, "levels");
	const cJSON *series = arr_of(t, "series");
	const cJSON *s, *q, *tr;
	char place[PLACE_MAX];
	int i = 0, j, rc;

	if (!cJSON_IsObject(t))
		return bad(l, "(root)", "expected an object");
	rc = check_level_rows(l, levels);
	if (rc != ECERT_OK)
		return rc;
	if (!series || cJSON_GetArraySize(series) < 1 || cJSON_GetArraySize(series) > ROWS_MAX)
		return bad(l, "series", "expected a non-empty array");
	cJSON_ArrayForEach(s, series)
	{
		const cJSON *tracks = arr_of(s, "tracks");
		const cJSON *scope = cJSON_GetObjectItemCaseSensitive(s, "inPolicyScope");

		placef(place, "series[%d]", i);
		if (!str_of(s, "series") || !cJSON_IsBool(scope) || !tracks ||
		    cJSON_GetArraySize(tracks) < 1 || cJSON_GetArraySize(tracks) > ROWS_MAX)
			return bad(
			    l, place,
			    "expected {\"series\", \"inPolicyScope\": bool, \"tracks\": […]}");
		for (q = series->child; q != s; q = q->next) {
			if (strcmp(str_of(q, "series"), str_of(s, "series")) == 0)
				return bad(l, place, "series %s given twice", str_of(s, "series"));
		}
		j = 0;
		cJSON_ArrayForEach(tr, tracks)
		{
			placef(place, "series[%d].tracks[%d]", i, j);
			rc = check_track(l, levels, s, tr, place);
			if (rc != ECERT_OK)
				return rc;
			j++;
		}
		i++;
	}
	return ECERT_OK;
}

static int check_skills(struct loader *l, const cJSON *t)
{
	const cJSON *levels = arr_of(t, "levels");
	const cJSON *kinds = arr_of(t, "certificateKinds");
	const cJSON *r, *q, *v;
	char place[PLACE_MAX];
	int i = 0;

	if (!cJSON_IsObject(t))
		return bad(l, "(root)", "expected an object");
	if (!levels || cJSON_GetArraySize(levels) < 1 || cJSON_GetArraySize(levels) > LEVELS_MAX)
		return bad(l, "levels", "expected an array of 1 to %d levels", LEVELS_MAX);
	cJSON_ArrayForEach(r, levels)
	{
		const cJSON *digit = cJSON_GetObjectItemCaseSensitive(r, "numberLevelDigit");
		const cJSON *letters = cJSON_GetObjectItemCaseSensitive(r, "numberLetters");

		placef(place, "levels[%d]", i++);
		if (!str_of(r, "level") || !str_of(r, "levelName") ||
		    int_of(r, "ordinal", 1, ORDINAL_MAX) < 0)
			return bad(l, place,
			           "expected {\"level\", \"levelName\", \"ordinal\" 1..%d}",
			           ORDINAL_MAX);
		if (digit && (!cJSON_IsString(digit) || strlen(digit->valuestring) != 1 ||
		              digit->valuestring[0] < '0' || digit->valuestring[0] > '9'))
			return bad(l, place, "numberLevelDigit must be one digit");
		if (letters && int_of(r, "numberLetters", 1, NUMBER_LETTERS_MAX) < 0)
			return bad(l, place, "numberLetters must be 1 or %d", NUMBER_LETTERS_MAX);
		for (q = levels->child; q != r; q = q->next) {
			if (strcmp(str_of(q, "level"), str_of(r, "level")) == 0 ||
			    strcmp(str_of(q, "levelName"), str_of(r, "levelName")) == 0 ||
			    int_of(q, "ordinal", 1, ORDINAL_MAX) ==
			        int_of(r, "ordinal", 1, ORDINAL_MAX))
				return bad(l, place, "level, levelName or ordinal given twice");
		}
	}
	if (!kinds || cJSON_GetArraySize(kinds) < 1 || cJSON_GetArraySize(kinds) > LEVELS_MAX)
		return bad(l, "certificateKinds", "expected a non-empty array");
	i = 0;
	cJSON_ArrayForEach(r, kinds)
	{
		const char *form = str_of(r, "numberForm");

		placef(place, "certificateKinds[%d]", i++);
		if (!str_of(r, "kind") || !form || !arr_of(r, "levels"))
			return bad(l, place,
			           "expected {\"kind\", \"numberForm\", \"levels\": […]}");
		if (strcmp(form, "level22") != 0 && strcmp(form, "digits16") != 0)
			return bad(l, place, "numberForm must be \"level22\" or \"digits16\"");
		for (q = kinds->child; q != r; q = q->next) {
			if (strcmp(str_of(q, "kind"), str_of(r, "kind")) == 0)
				return bad(l, place, "kind given twice");
		}
		cJSON_ArrayForEach(v, arr_of(r, "levels"))
		{
			if (!cJSON_IsString(v) || !find_row(levels, "level", v->valuestring))
				return bad(l, place, "\"levels\" must name skill levels");
		}
	}
	return ECERT_OK;
}

/* Takes ownership of both trees, also on failure. */
static int domain_new(cJSON *titles, cJSON *skills, const char *tname, const char *sname,
                      struct ecert_domain **out, struct ecert_error *err)
{
	struct loader l = {err, tname};
	struct ecert_domain *d = NULL;
	int rc;

	rc = check_titles(&l, titles);
	if (rc != ECERT_OK)
		goto out;
	l.file = sname;
	rc = check_skills(&l, skills);
	if (rc != ECERT_OK)
		goto out;
	d = ecert_calloc(1, sizeof(*d));
	if (!d) {
		rc = ecert_fail(err, ECERT_ERR_NOMEM, "out of memory");
		goto out;
	}
	d->titles = titles;
	d->skills = skills;
	titles = skills = NULL;
	*out = d;
	rc = ECERT_OK;
out:
	cJSON_Delete(titles);
	cJSON_Delete(skills);
	return rc;
}

static int parse_table(const char *path, const char *embedded, cJSON **out, struct ecert_error *err)
{
	const unsigned char *data;
	size_t len = 0;
	int rc;

	if (path)
		return ecert_json_parse_file(path, NULL, out, err);
	data = ecert_data_get(embedded, &len);
	if (!data) {
		ecert_error_where(err, "%s", embedded);
		return ecert_fail(err, ECERT_ERR_IO, "not embedded in this build");
	}
	rc = ecert_json_parse((const char *)data, len, NULL, out, err);
	if (rc != ECERT_OK)
		ecert_error_prefix(err, "%s", embedded);
	return rc;
}

int ecert_domain_load(const char *titles_path, const char *skills_path, struct ecert_domain **out,
                      struct ecert_error *err)
{
	cJSON *titles = NULL, *skills = NULL;
	int rc;

	if (!out)
		return ecert_fail(err, ECERT_ERR_ARG, "no output given");
	rc = parse_table(titles_path, ECERT_DOMAIN_TITLES_FILE, &titles, err);
	if (rc != ECERT_OK)
		return rc;
	rc = parse_table(skills_path, ECERT_DOMAIN_SKILLS_FILE, &skills, err);
	if (rc != ECERT_OK) {
		cJSON_Delete(titles);
		return rc;
	}
	return domain_new(titles, skills, titles_path ? titles_path : ECERT_DOMAIN_TITLES_FILE,
	                  skills_path ? skills_path : ECERT_DOMAIN_SKILLS_FILE, out, err);
}

int ecert_domain_load_json(const cJSON *titles, const cJSON *skills, struct ecert_domain **out,
                           struct ecert_error *err)
{
	cJSON *t, *s;

	if (!titles || !skills || !out)
		return ecert_fail(err, ECERT_ERR_ARG, "no tables given");
	t = cJSON_Duplicate(titles, 1);
	s = cJSON_Duplicate(skills, 1);
	if (!t || !s) {
		cJSON_Delete(t);
		cJSON_Delete(s);
		return ecert_fail(err, ECERT_ERR_NOMEM, "out of memory");
	}
	return domain_new(t, s, "titles", "skill levels", out, err);
}

void ecert_domain_free(struct ecert_domain *d)
{
	if (!d)
		return;
	cJSON_Delete(d->titles);
	cJSON_Delete(d->skills);
	ecert_free(d);
}

/* Loaded on first use and kept; a failed load (out of memory) is retried on the next
 * call rather than remembered. */
static pthread_mutex_t default_lock = PTHREAD_MUTEX_INITIALIZER;
static struct ecert_domain *default_domain;

int ecert_domain_default(const struct ecert_domain **out, struct ecert_error *err)
{
	int rc = ECERT_OK;

	if (!out)
		return ecert_fail(err, ECERT_ERR_ARG, "no output given");
	pthread_mutex_lock(&default_lock);
	if (!default_domain)
		rc = ecert_domain_load(NULL, NULL, &default_domain, err);
	if (rc == ECERT_OK)
		*out = default_domain;
	pthread_mutex_unlock(&default_lock);
	return rc;
}

/* ------------------------------------------------------------------ messages */

/* "a, b, c" of the string member `key` of each row (or of the strings themselves when
 * key is NULL), cut at LIST_MAX bytes. */
static void list_of(const cJSON *rows, const char *key, char out[LIST_MAX])
{
	const cJSON *r;
	size_t n = 0;

	out[0] = '\0';
	cJSON_ArrayForEach(r, rows)
	{
		const char *s = key ? str_of(r, key) : (cJSON_IsString(r) ? r->valuestring : NULL);
		size_t len;

		if (!s)
			continue;
		len = strlen(s);
		if (n + len + 2 + sizeof("…") >= LIST_MAX) {
			memcpy(out + n, "…", sizeof("…"));
			return;
		}
		if (n) {
			memcpy(out + n, ", ", 2);
			n += 2;
		}
		memcpy(out + n, s, len + 1);
		n += len;
	}
}

static int blame(struct ecert_error *err, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int blame(struct ecert_error *err, const char *field, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ecert_vfail(err, ECERT_ERR_INVALID, fmt, ap);
	va_end(ap);
	ecert_error_where(err, "%s", field);
	return ECERT_ERR_INVALID;
}

/* ------------------------------------------------------------------ titles */

static void fill_title(const cJSON *series, const cJSON *track, const cJSON *level,
                       struct ecert_title_level *out)
{
	if (!out)
		return;
	out->series = str_of(series, "series");
	out->track = str_of(track, "track");
	out->level = str_of(level, "level");
	out->band = str_of(level, "band");
	out->ordinal = int_of(level, "ordinal", 1, ORDINAL_MAX);
	out->in_policy_scope =
	    cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(series, "inPolicyScope"));
}

static int get_series(const struct ecert_domain *d, const char *series, const cJSON **out,
                      struct ecert_error *err)
{
	const cJSON *rows = arr_of(d->titles, "series");
	char list[LIST_MAX];

	*out = find_row(rows, "series", series);
	if (*out)
		return ECERT_OK;
	list_of(rows, "series", list);
	return blame(err, "series", "unknown title series \"%.*s\"; expected one of %s",
	             utf8_clip(series, 60), series ? series : "", list);
}

int ecert_domain_series(const struct ecert_domain *d, const char *series, int *in_policy_scope,
                        struct ecert_error *err)
{
	const cJSON *s;
	int rc;

	if (!d)
		return ecert_fail(err, ECERT_ERR_ARG, "no tables given");
	rc = get_series(d, series, &s, err);
	if (rc != ECERT_OK)
		return rc;
	if (in_policy_scope)
		*in_policy_scope =
		    cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(s, "inPolicyScope"));
	return ECERT_OK;
}

int ecert_domain_title_level(const struct ecert_domain *d, const char *level, int *ordinal,
                             const char **band, struct ecert_error *err)
{
	const cJSON *levels, *row;
	char list[LIST_MAX];

	if (!d)
		return ecert_fail(err, ECERT_ERR_ARG, "no tables given");
	levels = arr_of(d->titles, "levels");
	row = find_row(levels, "level", level);
	if (!row) {
		list_of(levels, "level", list);
		return blame(err, "level", "unknown title level \"%.*s\"; expected one of %s",
		             utf8_clip(level, 60), level ? level : "", list);
	}
	if (ordinal)
		*ordinal = int_of(row, "ordinal", 1, ORDINAL_MAX);
	if (band)
		*band = str_of(row, "band");
	return ECERT_OK;
}

int ecert_domain_title_lookup(const struct ecert_domain *d, const char *series,
                              const char *title_name, struct ecert_title_level *out,
                              struct ecert_error *err)
{
	const cJSON *s, *t, *lv;
	int rc;

	if (!d)
		return ecert_fail(err, ECERT_ERR_ARG, "no tables given");
	rc = get_series(d, series, &s, err);
	if (rc != ECERT_OK)
		return rc;
	cJSON_ArrayForEach(t, arr_of(s, "tracks"))
	{
		cJSON_ArrayForEach(lv, cJSON_GetObjectItemCaseSensitive(t, "titles"))
		{
			if (title_name && str_in(lv, title_name)) {
				fill_title(
				    s, t,
				    find_row(arr_of(d->titles, "levels"), "level", lv->string),
				    out);
				return ECERT_OK;
			}
		}
	}
	return blame(err, "titleName", "\"%.*s\" is not a title of the %s series",
	             utf8_clip(title_name, 60), title_name ? title_name : "", str_of(s, "series"));
}

int ecert_domain_title_check(const struct ecert_domain *d, const char *series, const char *level,
                             const char *title_name, struct ecert_title_level *out,
                             struct ecert_error *err)
{
	const cJSON *s, *t, *lvrow, *names;
	struct ecert_title_level other;
	struct ecert_buf want = ECERT_BUF_INIT;
	int has_level = 0, rc;

	if (!d)
		return ecert_fail(err, ECERT_ERR_ARG, "no tables given");
	rc = get_series(d, series, &s, err);
	if (rc != ECERT_OK)
		return rc;
	rc = ecert_domain_title_level(d, level, NULL, NULL, err);
	if (rc != ECERT_OK)
		return rc;
	lvrow = find_row(arr_of(d->titles, "levels"), "level", level);
	cJSON_ArrayForEach(t, arr_of(s, "tracks"))
	{
		names = cJSON_GetObjectItemCaseSensitive(
		    cJSON_GetObjectItemCaseSensitive(t, "titles"), level);
		if (!names)
			continue;
		has_level = 1;
		if (title_name && str_in(names, title_name)) {
			fill_title(s, t, lvrow, out);
			return ECERT_OK;
		}
	}
	if (!has_level)
		return blame(err, "level", "the %s series has no %s titles", series, level);
	/* Say what the name is, if it is a title of this series at another level. */
	if (ecert_domain_title_lookup(d, series, title_name, &other, NULL) == ECERT_OK)
		return blame(err, "titleName", "\"%s\" is a %s title of %s, not %s", title_name,
		             other.level, series, level);
	want.max = LIST_MAX;
	cJSON_ArrayForEach(t, arr_of(s, "tracks"))
	{
		const cJSON *n;

		names = cJSON_GetObjectItemCaseSensitive(
		    cJSON_GetObjectItemCaseSensitive(t, "titles"), level);
		cJSON_ArrayForEach(n, names)
		{
			if (want.len)
				(void)ecert_buf_puts(&want, ", ");
			(void)ecert_buf_puts(&want, n->valuestring);
		}
	}
	rc = blame(err, "titleName", "\"%.*s\" is not a %s title of %s; expected %s%s",
	           utf8_clip(title_name, 60), title_name ? title_name : "", level, series,
	           want.data ? (char *)want.data : "", want.oom ? "…" : "");
	ecert_buf_free(&want);
	return rc;
}

/* ------------------------------------------------------------------ skills */

static void fill_skill(const cJSON *row, struct ecert_skill_level *out)
{
	if (!out)
		return;
	out->level = str_of(row, "level");
	out->level_name = str_of(row, "levelName");
	out->ordinal = int_of(row, "ordinal", 1, ORDINAL_MAX);
}

static int unknown_skill_level(const cJSON *levels, const char *level, struct ecert_error *err)
{
	const cJSON *named = find_row(levels, "levelName", level);
	char list[LIST_MAX];

	if (named)
		return blame(err, "level", "\"%s\" is a level name; the level is %s", level,
		             str_of(named, "level"));
	list_of(levels, "level", list);
	return blame(err, "level", "unknown skill level \"%.*s\"; expected one of %s",
	             utf8_clip(level, 60), level ? level : "", list);
}

int ecert_domain_skill_check(const struct ecert_domain *d, const char *level,
                             const char *level_name, struct ecert_skill_level *out,
                             struct ecert_error *err)
{
	const cJSON *levels, *row;
	const char *want;

	if (!d)
		return ecert_fail(err, ECERT_ERR_ARG, "no tables given");
	levels = arr_of(d->skills, "levels");
	row = find_row(levels, "level", level);
	if (!row)
		return unknown_skill_level(levels, level, err);
	want = str_of(row, "levelName");
	if (!level_name || strcmp(level_name, want) != 0)
		return blame(err, "levelName", "level %s is named %s, not \"%.*s\"", level, want,
		             utf8_clip(level_name, 60), level_name ? level_name : "");
	fill_skill(row, out);
	return ECERT_OK;
}

int ecert_domain_skill_lookup(const struct ecert_domain *d, const char *text,
                              struct ecert_skill_level *out, struct ecert_error *err)
{
	const cJSON *levels, *row;

	if (!d)
		return ecert_fail(err, ECERT_ERR_ARG, "no tables given");
	levels = arr_of(d->skills, "levels");
	if (!text)
		return unknown_skill_level(levels, "", err);
	row = find_row(levels, "level", text);
	if (!row)
		row = find_row(levels, "levelName", text);
	if (!row) {
		cJSON_ArrayForEach(row, levels)
		{
			const char *lv = str_of(row, "level"), *nm = str_of(row, "levelName");
			size_t n = strlen(lv);

			if (strncmp(text, lv, n) == 0 && text[n] == '/' &&
			    strcmp(text + n + 1, nm) == 0)
				break;
		}
	}
	if (!row) {
		char list[LIST_MAX];

		list_of(levels, "level", list);
		return blame(err, "level",
		             "unknown skill level \"%.*s\"; expected one of %s (or its name)",
		             utf8_clip(text, 60), text, list);
	}
	fill_skill(row, out);
	return ECERT_OK;
}

/* ------------------------------------------------------------------ codes and numbers */

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

int ecert_domain_occupation_code_check(const char *code, int allow_prefix, struct ecert_error *err)
{
	const char *p = code;
	int parts = 0;

	if (!code)
		return blame(err, "occupationCode", "no occupation code given");
	/* N-NN-NN-NN: the major group (1..8) then three 2-digit parts */
	if (*p >= '1' && *p <= '8') {
		p++;
		parts = 1;
		while (parts < OCCUPATION_PARTS && p[0] == '-' && is_digit(p[1]) &&
		       is_digit(p[2])) {
			p += 3;
			parts++;
		}
	}
	if (parts > 0 && *p == '\0' && (parts == OCCUPATION_PARTS || allow_prefix))
		return ECERT_OK;
	return blame(err, "occupationCode",
	             "occupation code must look like 6-18-01-01 (N-NN-NN-NN, N 1..8)%s, got "
	             "\"%.*s\"",
	             allow_prefix ? " or a prefix of it (6, 6-18, 6-18-01)" : "",
	             utf8_clip(code, 40), code);
}

int ecert_domain_title_number_check(const char *number, struct ecert_error *err)
{
	size_t n;

	if (!number)
		return blame(err, "certificateNumber", "no certificate number given");
	n = strlen(number);
	if (n < 1 || n > ECERT_TITLE_NUMBER_MAX)
		goto bad;
	for (size_t i = 0; i < n; i++) {
		char c = number[i];

		if (!is_digit(c) && !(c >= 'A' && c <= 'Z') && !(c >= 'a' && c <= 'z') && c != '-')
			goto bad;
	}
	return ECERT_OK;
bad:
	return blame(err, "certificateNumber",
	             "title certificate number must be 1 to %d letters, digits or '-', got "
	             "\"%.*s\"",
	             ECERT_TITLE_NUMBER_MAX, utf8_clip(number, 50), number);
}

static int all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (!is_digit(s[i]))
			return 0;
	}
	return 1;
}

int ecert_domain_skill_number_check(const struct ecert_domain *d, const char *number,
                                    const char *certificate_kind, const char *level,
                                    struct ecert_error *err)
{
	const cJSON *levels, *kinds, *kind, *row, *digit;
	const char *form;
	char list[LIST_MAX];
	int letters;

	if (!d)
		return ecert_fail(err, ECERT_ERR_ARG, "no tables given");
	levels = arr_of(d->skills, "levels");
	kinds = arr_of(d->skills, "certificateKinds");
	kind = find_row(kinds, "kind", certificate_kind);
	if (!kind) {
		list_of(kinds, "kind", list);
		return blame(err, "certificateKind",
		             "unknown certificate kind \"%.*s\"; expected one of %s",
		             utf8_clip(certificate_kind, 60),
		             certificate_kind ? certificate_kind : "", list);
	}
	row = find_row(levels, "level", level);
	if (!row)
		return unknown_skill_level(levels, level, err);
	if (!str_in(arr_of(kind, "levels"), level))
		return blame(err, "certificateKind", "a %s has no level %s", certificate_kind,
		             level);
	if (!number)
		return blame(err, "certificateNumber", "no certificate number given");
	form = str_of(kind, "numberForm");
	if (strcmp(form, "digits16") == 0) {
		if (strlen(number) != ECERT_QUALIFICATION_NUMBER_LEN ||
		    !all_digits(number, ECERT_QUALIFICATION_NUMBER_LEN))
			return blame(err, "certificateNumber",
			             "a %s number has %d digits, got \"%.*s\"", certificate_kind,
			             ECERT_QUALIFICATION_NUMBER_LEN, utf8_clip(number, 40), number);
		return ECERT_OK;
	}
	/* level22 (人社鉴发〔2019〕2号) */
	letters = cJSON_GetObjectItemCaseSensitive(row, "numberLetters")
	              ? int_of(row, "numberLetters", 1, NUMBER_LETTERS_MAX)
	              : 1;
	if (strlen(number) != ECERT_SKILL_NUMBER_LEN ||
	    !all_digits(number + letters, (size_t)(ECERT_SKILL_NUMBER_LEN - letters)))
		goto bad_form;
	for (int i = 0; i < letters; i++) {
		if (number[i] < 'A' || number[i] > 'Z')
			goto bad_form;
	}
	if (letters == 1 && number[0] != 'Y' && number[0] != 'S')
		goto bad_form;
	digit = cJSON_GetObjectItemCaseSensitive(row, "numberLevelDigit");
	if (digit && number[ECERT_SKILL_NUMBER_LEVEL_POS] != digit->valuestring[0])
		return blame(err, "certificateNumber",
		             "character %d of the number is the level code: %c for %s, got %c",
		             ECERT_SKILL_NUMBER_LEVEL_POS + 1, digit->valuestring[0], level,
		             number[ECERT_SKILL_NUMBER_LEVEL_POS]);
	return ECERT_OK;
bad_form:
	if (letters == 1)
		return blame(err, "certificateNumber",
		             "a %s number is Y or S and %d digits, got \"%.*s\"", certificate_kind,
		             ECERT_SKILL_NUMBER_LEN - 1, utf8_clip(number, 40), number);
	return blame(err, "certificateNumber",
	             "a %s number for %s is %d capital letters and %d digits, got \"%.*s\"",
	             certificate_kind, level, letters, ECERT_SKILL_NUMBER_LEN - letters,
	             utf8_clip(number, 40), number);
}
