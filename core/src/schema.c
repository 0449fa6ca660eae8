/* ecert — a JSON Schema (draft 2020-12) subset validator; see ecert/schema.h for the
 * keywords. One violation is reported, the first found, with the JSON path of the value. */
#include <math.h>
#include <pthread.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ecert/alloc.h"
#include "ecert/data.h"
#include "ecert/datetime.h"
#include "ecert/json.h"
#include "ecert/schema.h"
#include "utf8clip.h"

/* Compiled patterns kept for the life of the process (our schemas have a few dozen). */
#define REGEX_CACHE_MAX 128
/* Parsed embedded schemas kept for the life of the process. */
#define NAMED_CACHE_MAX 32
/* How much of a value or a list of values goes into a message. */
#define DESC_MAX 72
#define LIST_MAX 200
#define PATTERN_SHOWN_MAX 60

struct vctx {
	const cJSON *root; /* the schema $refs resolve in */
	char path[ECERT_ERR_WHERE_MAX];
	size_t pathlen;
	int depth;
};

static int validate(struct vctx *c, const cJSON *s, const cJSON *x, struct ecert_error *err);

/* ------------------------------------------------------------------ paths and messages */

static size_t path_append(struct vctx *c, const char *s)
{
	size_t old = c->pathlen;

	while (*s && c->pathlen + 1 < sizeof(c->path))
		c->path[c->pathlen++] = *s++;
	c->path[c->pathlen] = '\0';
	return old;
}

static size_t push_key(struct vctx *c, const char *key)
{
	size_t old = c->pathlen;

	if (old)
		path_append(c, ".");
	path_append(c, key);
	return old;
}

static size_t push_index(struct vctx *c, int i)
{
	char tmp[24];
	size_t old = c->pathlen;

	snprintf(tmp, sizeof(tmp), "[%d]", i);
	path_append(c, tmp);
	return old;
}

static void pop(struct vctx *c, size_t old)
{
	c->pathlen = old;
	c->path[old] = '\0';
}

/* The instance does not match. */
static int vfail(struct vctx *c, struct ecert_error *err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int vfail(struct vctx *c, struct ecert_error *err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ecert_vfail(err, ECERT_ERR_SCHEMA, fmt, ap);
	va_end(ap);
	ecert_error_where(err, "%s", c->path);
	return ECERT_ERR_SCHEMA;
}

/* The schema is outside the subset or broken. */
static int sfail(struct vctx *c, struct ecert_error *err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int sfail(struct vctx *c, struct ecert_error *err, const char *fmt, ...)
{
	char msg[ECERT_ERR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	utf8_trim_tail(msg);
	ecert_fail(err, ECERT_ERR_UNSUPPORTED, "schema: %s", msg);
	ecert_error_where(err, "%s", c->path);
	return ECERT_ERR_UNSUPPORTED;
}

static const char *type_of(const cJSON *x)
{
	if (cJSON_IsString(x))
		return "string";
	if (cJSON_IsNumber(x))
		return "number";
	if (cJSON_IsBool(x))
		return "boolean";
	if (cJSON_IsNull(x))
		return "null";
	if (cJSON_IsObject(x))
		return "object";
	if (cJSON_IsArray(x))
		return "array";
	return "invalid";
}

/* A short rendering of a value for messages. */
static void describe(const cJSON *v, char out[DESC_MAX])
{
	char *p;

	if (cJSON_IsString(v)) {
		snprintf(out, DESC_MAX, "\"%.*s\"", utf8_clip(v->valuestring, DESC_MAX - 8),
		         v->valuestring);
	} else if (cJSON_IsNumber(v)) {
		snprintf(out, DESC_MAX, "%.17g", v->valuedouble);
	} else if ((p = cJSON_PrintUnformatted(v)) != NULL) {
		snprintf(out, DESC_MAX, "%.*s", utf8_clip(p, DESC_MAX - 8), p);
		cJSON_free(p);
	} else {
		snprintf(out, DESC_MAX, "a %s", type_of(v));
	}
}

/* ------------------------------------------------------------------ patterns */

struct regex_entry {
	char *pattern;
	size_t hash;
	regex_t re;
};

/* Entries are only ever appended, under regex_lock; an entry is complete before
 * regex_count (stored with release, loaded with acquire) counts it, so lookups read the
 * cache without the lock. */
static pthread_mutex_t regex_lock = PTHREAD_MUTEX_INITIALIZER;
static struct regex_entry regex_cache[REGEX_CACHE_MAX];
static size_t regex_count;

/* FNV-1a: a cheap first comparison before strcmp. */
static size_t pattern_hash(const char *s)
{
	size_t h = (size_t)14695981039346656037ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * (size_t)1099511628211ULL;
	return h;
}

/* The cached compiled pattern among entries [from, to), or NULL. */
static regex_t *regex_find(const char *pat, size_t hash, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++)
		if (regex_cache[i].hash == hash && strcmp(regex_cache[i].pattern, pat) == 0)
			return &regex_cache[i].re;
	return NULL;
}

/* Escapes that are not POSIX and that glibc would silently read as something else. */
static int refused_escape(const char *pat)
{
	for (const char *p = pat; *p; p++) {
		if (*p == '\\') {
			if (p[1] && strchr("dDpPuxk", p[1]))
				return 1;
			if (p[1])
				p++;
		}
	}
	return 0;
}

/* *match = whether `s` contains a match of `pat`. Patterns are compiled straight into
 * the process-wide cache (a regex_t is never copied); once it is full, into a local that is
 * freed after use. A cached pattern was checked and compiled when it was added, so the
 * common case takes no lock. */
static int pattern_match(struct vctx *c, const char *pat, const char *s, int *match,
                         struct ecert_error *err)
{
	regex_t local;
	regex_t *re;
	char *copy = NULL;
	size_t hash = pattern_hash(pat), seen = __atomic_load_n(&regex_count, __ATOMIC_ACQUIRE);
	int cached = 1;

	re = regex_find(pat, hash, 0, seen);
	if (!re) {
		if (refused_escape(pat))
			return sfail(c, err,
			             "pattern %.*s uses an escape POSIX regular expressions lack",
			             utf8_clip(pat, 60), pat);
		pthread_mutex_lock(&regex_lock);
		re = regex_find(pat, hash, seen, regex_count);
		if (!re) {
			if (regex_count < REGEX_CACHE_MAX)
				copy = ecert_strdup(pat);
			re = copy ? &regex_cache[regex_count].re : &local;
			if (regcomp(re, pat, REG_EXTENDED | REG_NOSUB) != 0) {
				pthread_mutex_unlock(&regex_lock);
				ecert_free(copy);
				return sfail(c, err,
				             "pattern %.*s is not a POSIX extended regular "
				             "expression",
				             utf8_clip(pat, 60), pat);
			}
			if (copy) {
				regex_cache[regex_count].pattern = copy;
				regex_cache[regex_count].hash = hash;
				__atomic_store_n(&regex_count, regex_count + 1, __ATOMIC_RELEASE);
			} else {
				cached = 0;
			}
		}
		pthread_mutex_unlock(&regex_lock);
	}
	/* regexec on a shared compiled pattern is thread-safe (POSIX, glibc locks inside). */
	*match = regexec(re, s, 0, NULL, 0) == 0;
	if (!cached)
		regfree(&local);
	return ECERT_OK;
}

/* ------------------------------------------------------------------ keywords */

/* The keywords a schema object may carry (the list in ecert/schema.h); those before
 * KW__USED are read by the validator, the other annotations are ignored. */
enum kw_id {
	KW_TYPE,
	KW_PROPERTIES,
	KW_REQUIRED,
	KW_ADDITIONAL,
	KW_ITEMS,
	KW_MIN_ITEMS,
	KW_MAX_ITEMS,
	KW_ENUM,
	KW_CONST,
	KW_PATTERN,
	KW_MIN_LENGTH,
	KW_MAX_LENGTH,
	KW_MINIMUM,
	KW_MAXIMUM,
	KW_FORMAT,
	KW_REF,
	KW_ALL_OF,
	KW_ANY_OF,
	KW_ONE_OF,
	KW_NOT,
	KW_IF,
	KW_THEN,
	KW_ELSE,
	KW_DESCRIPTION,
	KW__USED,
	KW_ANNOTATION = KW__USED,
};

/* The keyword a member name is, KW_ANNOTATION for an annotation, -1 if not supported. */
static int keyword_id(const char *n)
{
	switch (n[0]) {
	case '$':
		if (strcmp(n, "$ref") == 0)
			return KW_REF;
		if (strcmp(n, "$defs") == 0 || strcmp(n, "$id") == 0 ||
		    strcmp(n, "$schema") == 0 || strcmp(n, "$comment") == 0)
			return KW_ANNOTATION;
		break;
	case 'a':
		if (strcmp(n, "additionalProperties") == 0)
			return KW_ADDITIONAL;
		if (strcmp(n, "allOf") == 0)
			return KW_ALL_OF;
		if (strcmp(n, "anyOf") == 0)
			return KW_ANY_OF;
		break;
	case 'c':
		if (strcmp(n, "const") == 0)
			return KW_CONST;
		break;
	case 'd':
		/* an annotation, also quoted in pattern messages */
		if (strcmp(n, "description") == 0)
			return KW_DESCRIPTION;
		if (strcmp(n, "default") == 0)
			return KW_ANNOTATION;
		break;
	case 'e':
		if (strcmp(n, "enum") == 0)
			return KW_ENUM;
		if (strcmp(n, "else") == 0)
			return KW_ELSE;
		if (strcmp(n, "examples") == 0)
			return KW_ANNOTATION;
		break;
	case 'f':
		if (strcmp(n, "format") == 0)
			return KW_FORMAT;
		break;
	case 'i':
		if (strcmp(n, "items") == 0)
			return KW_ITEMS;
		if (strcmp(n, "if") == 0)
			return KW_IF;
		break;
	case 'm':
		if (strcmp(n, "minLength") == 0)
			return KW_MIN_LENGTH;
		if (strcmp(n, "maxLength") == 0)
			return KW_MAX_LENGTH;
		if (strcmp(n, "minItems") == 0)
			return KW_MIN_ITEMS;
		if (strcmp(n, "maxItems") == 0)
			return KW_MAX_ITEMS;
		if (strcmp(n, "minimum") == 0)
			return KW_MINIMUM;
		if (strcmp(n, "maximum") == 0)
			return KW_MAXIMUM;
		break;
	case 'n':
		if (strcmp(n, "not") == 0)
			return KW_NOT;
		break;
	case 'o':
		if (strcmp(n, "oneOf") == 0)
			return KW_ONE_OF;
		break;
	case 'p':
		if (strcmp(n, "properties") == 0)
			return KW_PROPERTIES;
		if (strcmp(n, "pattern") == 0)
			return KW_PATTERN;
		break;
	case 'r':
		if (strcmp(n, "required") == 0)
			return KW_REQUIRED;
		break;
	case 't':
		if (strcmp(n, "type") == 0)
			return KW_TYPE;
		if (strcmp(n, "then") == 0)
			return KW_THEN;
		if (strcmp(n, "title") == 0)
			return KW_ANNOTATION;
		break;
	default:
		break;
	}
	return -1;
}

/* The keywords of one schema object, found in one pass over its members. A keyword given
 * twice (possible only in a tree not built by the strict parser) counts once, its first
 * occurrence, as cJSON_GetObjectItemCaseSensitive would find it. */
struct kws {
	const cJSON *k[KW__USED];
};

/* Sort the members of schema object s into *kw; an unknown keyword is an error in the
 * schema (the first one, in member order). */
static int collect_keywords(struct vctx *c, const cJSON *s, struct kws *kw,
                            struct ecert_error *err)
{
	const cJSON *k;

	memset(kw, 0, sizeof(*kw));
	cJSON_ArrayForEach(k, s)
	{
		int id = keyword_id(k->string);

		if (id < 0)
			return sfail(c, err, "keyword \"%.*s\" is not supported",
			             utf8_clip(k->string, 40), k->string);
		if (id < KW__USED && !kw->k[id])
			kw->k[id] = k;
	}
	return ECERT_OK;
}

static int is_integer(const cJSON *x)
{
	return cJSON_IsNumber(x) && isfinite(x->valuedouble) &&
	       floor(x->valuedouble) == x->valuedouble;
}

static int type_matches(struct vctx *c, const char *t, const cJSON *x, int *ok,
                        struct ecert_error *err)
{
	if (strcmp(t, "integer") == 0)
		*ok = is_integer(x);
	else if (strcmp(t, "string") == 0 || strcmp(t, "number") == 0 ||
	         strcmp(t, "boolean") == 0 || strcmp(t, "null") == 0 || strcmp(t, "object") == 0 ||
	         strcmp(t, "array") == 0)
		*ok = strcmp(t, type_of(x)) == 0;
	else
		return sfail(c, err, "unknown type \"%.*s\"", utf8_clip(t, 40), t);
	return ECERT_OK;
}

static int kw_type(struct vctx *c, const cJSON *t, const cJSON *x, struct ecert_error *err)
{
	const cJSON *e;
	char list[LIST_MAX];
	size_t n = 0;
	int ok = 0, rc;

	if (cJSON_IsString(t)) {
		rc = type_matches(c, t->valuestring, x, &ok, err);
		if (rc != ECERT_OK)
			return rc;
		return ok ? ECERT_OK
		          : vfail(c, err, "expected %s, got %s", t->valuestring, type_of(x));
	}
	if (!cJSON_IsArray(t) || cJSON_GetArraySize(t) < 1)
		return sfail(c, err, "\"type\" must be a string or a non-empty array");
	list[0] = '\0';
	cJSON_ArrayForEach(e, t)
	{
		if (!cJSON_IsString(e))
			return sfail(c, err, "\"type\" must list type names");
		rc = type_matches(c, e->valuestring, x, &ok, err);
		if (rc != ECERT_OK)
			return rc;
		if (ok)
			return ECERT_OK;
		n += (size_t)snprintf(list + n, n < sizeof(list) ? sizeof(list) - n : 0, "%s%s",
		                      n ? " or " : "", e->valuestring);
		if (n >= sizeof(list))
			n = sizeof(list) - 1;
	}
	return vfail(c, err, "expected %s, got %s", list, type_of(x));
}

static int kw_enum(struct vctx *c, const cJSON *e, const cJSON *x, struct ecert_error *err)
{
	const cJSON *v;
	char list[LIST_MAX], one[DESC_MAX];
	size_t n = 0;

	if (!cJSON_IsArray(e) || cJSON_GetArraySize(e) < 1)
		return sfail(c, err, "\"enum\" must be a non-empty array");
	cJSON_ArrayForEach(v, e)
	{
		if (cJSON_Compare(v, x, 1))
			return ECERT_OK;
	}
	list[0] = '\0';
	cJSON_ArrayForEach(v, e)
	{
		size_t len;

		describe(v, one);
		len = strlen(one);
		if (n + len + 2 + sizeof("…") >= sizeof(list)) {
			memcpy(list + n, "…", sizeof("…"));
			break;
		}
		if (n) {
			memcpy(list + n, ", ", 2);
			n += 2;
		}
		memcpy(list + n, one, len + 1);
		n += len;
	}
	return vfail(c, err, "expected one of %s", list);
}

static size_t code_points(const char *s)
{
	size_t n = 0;

	for (; *s; s++) {
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	}
	return n;
}

/* A non-negative integer keyword value, or -1. */
static double count_kw(const cJSON *v)
{
	if (!is_integer(v) || v->valuedouble < 0)
		return -1;
	return v->valuedouble;
}

static int kw_string(struct vctx *c, const struct kws *s, const cJSON *x,
                     struct ecert_error *err)
{
	const cJSON *min = s->k[KW_MIN_LENGTH], *max = s->k[KW_MAX_LENGTH];
	const cJSON *pat = s->k[KW_PATTERN], *fmt = s->k[KW_FORMAT];
	size_t len;
	int match = 0, rc;

	if (!cJSON_IsString(x)) {
		/* the keywords only constrain strings, but must still be well-formed */
		if ((min && count_kw(min) < 0) || (max && count_kw(max) < 0) ||
		    (pat && !cJSON_IsString(pat)) || (fmt && !cJSON_IsString(fmt)))
			return sfail(c, err, "malformed string keyword");
		return ECERT_OK;
	}
	len = code_points(x->valuestring);
	if (min) {
		if (count_kw(min) < 0)
			return sfail(c, err, "\"minLength\" must be a non-negative integer");
		if ((double)len < min->valuedouble)
			return vfail(c, err, "expected at least %.0f characters, got %zu",
			             min->valuedouble, len);
	}
	if (max) {
		if (count_kw(max) < 0)
			return sfail(c, err, "\"maxLength\" must be a non-negative integer");
		if ((double)len > max->valuedouble)
			return vfail(c, err, "expected at most %.0f characters, got %zu",
			             max->valuedouble, len);
	}
	if (pat) {
		const char *desc;

		if (!cJSON_IsString(pat))
			return sfail(c, err, "\"pattern\" must be a string");
		rc = pattern_match(c, pat->valuestring, x->valuestring, &match, err);
		if (rc != ECERT_OK)
			return rc;
		if (!match) {
			desc = cJSON_IsString(s->k[KW_DESCRIPTION]) ? s->k[KW_DESCRIPTION]->valuestring
			                                            : NULL;
			if (desc)
				return vfail(c, err, "expected %.*s, got \"%.*s\"",
				             utf8_clip(desc, 120), desc,
				             utf8_clip(x->valuestring, 60), x->valuestring);
			return vfail(c, err, "\"%.*s\" does not match the pattern %.*s",
			             utf8_clip(x->valuestring, 60), x->valuestring,
			             utf8_clip(pat->valuestring, PATTERN_SHOWN_MAX),
			             pat->valuestring);
		}
	}
	if (fmt) {
		struct ecert_date d;
		int64_t t;
		struct ecert_error e;

		ecert_error_clear(&e);
		if (!cJSON_IsString(fmt))
			return sfail(c, err, "\"format\" must be a string");
		if (strcmp(fmt->valuestring, "date") == 0)
			rc = ecert_date_parse(x->valuestring, &d, &e);
		else if (strcmp(fmt->valuestring, "date-time") == 0)
			rc = ecert_time_parse(x->valuestring, &t, &e);
		else
			return sfail(c, err, "format \"%.*s\" is not supported",
			             utf8_clip(fmt->valuestring, 40), fmt->valuestring);
		if (rc != ECERT_OK)
			return vfail(c, err, "%s", e.msg);
	}
	return ECERT_OK;
}

static int kw_number(struct vctx *c, const struct kws *s, const cJSON *x,
                     struct ecert_error *err)
{
	const cJSON *min = s->k[KW_MINIMUM], *max = s->k[KW_MAXIMUM];

	if ((min && !cJSON_IsNumber(min)) || (max && !cJSON_IsNumber(max)))
		return sfail(c, err, "\"minimum\" and \"maximum\" must be numbers");
	if (!cJSON_IsNumber(x))
		return ECERT_OK;
	if (min && x->valuedouble < min->valuedouble)
		return vfail(c, err, "expected at least %.17g, got %.17g", min->valuedouble,
		             x->valuedouble);
	if (max && x->valuedouble > max->valuedouble)
		return vfail(c, err, "expected at most %.17g, got %.17g", max->valuedouble,
		             x->valuedouble);
	return ECERT_OK;
}

static int kw_object(struct vctx *c, const struct kws *s, const cJSON *x,
                     struct ecert_error *err)
{
	const cJSON *req = s->k[KW_REQUIRED], *props = s->k[KW_PROPERTIES];
	const cJSON *extra = s->k[KW_ADDITIONAL];
	const cJSON *k, *m;
	size_t old;
	int rc;

	if ((req && !cJSON_IsArray(req)) || (props && !cJSON_IsObject(props)) ||
	    (extra && !cJSON_IsBool(extra) && !cJSON_IsObject(extra)))
		return sfail(c, err, "malformed object keyword");
	if (!cJSON_IsObject(x))
		return ECERT_OK;
	cJSON_ArrayForEach(k, req)
	{
		if (!cJSON_IsString(k))
			return sfail(c, err, "\"required\" must list names");
		if (!cJSON_GetObjectItemCaseSensitive(x, k->valuestring)) {
			old = push_key(c, k->valuestring);
			rc = vfail(c, err, "required field is missing");
			pop(c, old);
			return rc;
		}
	}
	cJSON_ArrayForEach(m, x)
	{
		const cJSON *sub =
		    props ? cJSON_GetObjectItemCaseSensitive(props, m->string) : NULL;

		if (!sub && !extra)
			continue;
		old = push_key(c, m->string);
		if (sub)
			rc = validate(c, sub, m, err);
		else if (cJSON_IsFalse(extra))
			rc = vfail(c, err, "unexpected field (not in the schema)");
		else
			rc = validate(c, extra, m, err);
		pop(c, old);
		if (rc != ECERT_OK)
			return rc;
	}
	return ECERT_OK;
}

static int kw_array(struct vctx *c, const struct kws *s, const cJSON *x,
                    struct ecert_error *err)
{
	const cJSON *min = s->k[KW_MIN_ITEMS], *max = s->k[KW_MAX_ITEMS], *items = s->k[KW_ITEMS];
	const cJSON *e;
	int n, i = 0, rc;
	size_t old;

	if ((min && count_kw(min) < 0) || (max && count_kw(max) < 0) ||
	    (items && !cJSON_IsObject(items) && !cJSON_IsBool(items)))
		return sfail(c, err, "malformed array keyword");
	if (!cJSON_IsArray(x))
		return ECERT_OK;
	n = cJSON_GetArraySize(x);
	if (min && n < min->valuedouble)
		return vfail(c, err, "expected at least %.0f items, got %d", min->valuedouble, n);
	if (max && n > max->valuedouble)
		return vfail(c, err, "expected at most %.0f items, got %d", max->valuedouble, n);
	if (!items)
		return ECERT_OK;
	cJSON_ArrayForEach(e, x)
	{
		old = push_index(c, i++);
		rc = validate(c, items, e, err);
		pop(c, old);
		if (rc != ECERT_OK)
			return rc;
	}
	return ECERT_OK;
}

/* JSON pointer "#", "#/a/b" into the root schema (RFC 6901 escapes ~0 ~1). */
static const cJSON *resolve(const cJSON *root, const char *ref)
{
	const cJSON *cur = root;
	char tok[ECERT_ERR_WHERE_MAX];
	const char *p;

	if (ref[0] != '#')
		return NULL;
	p = ref + 1;
	while (*p) {
		size_t n = 0;

		if (*p != '/')
			return NULL;
		p++;
		while (*p && *p != '/') {
			char ch = *p++;

			if (ch == '~') {
				if (*p == '0')
					ch = '~';
				else if (*p == '1')
					ch = '/';
				else
					return NULL;
				p++;
			}
			if (n + 1 >= sizeof(tok))
				return NULL;
			tok[n++] = ch;
		}
		tok[n] = '\0';
		cur = cJSON_GetObjectItemCaseSensitive(cur, tok);
		if (!cur)
			return NULL;
	}
	return cur;
}

static int kw_ref(struct vctx *c, const cJSON *ref, const cJSON *x, struct ecert_error *err)
{
	const cJSON *target;

	if (!cJSON_IsString(ref))
		return sfail(c, err, "\"$ref\" must be a string");
	target = resolve(c->root, ref->valuestring);
	if (!target)
		return sfail(c, err,
		             "cannot resolve $ref \"%.*s\" (only \"#/…\" in the same "
		             "schema)",
		             utf8_clip(ref->valuestring, 60), ref->valuestring);
	return validate(c, target, x, err);
}

/* Try a sub-schema without reporting: ECERT_OK, ECERT_ERR_SCHEMA (no match, details in
 * *e) or a hard error (schema broken, no memory) in *e. */
static int probe(struct vctx *c, const cJSON *s, const cJSON *x, struct ecert_error *e)
{
	ecert_error_clear(e);
	return validate(c, s, x, e);
}

static int kw_combinators(struct vctx *c, const struct kws *s, const cJSON *x,
                          struct ecert_error *err)
{
	const cJSON *all = s->k[KW_ALL_OF], *any = s->k[KW_ANY_OF], *one = s->k[KW_ONE_OF];
	const cJSON *not = s->k[KW_NOT], *cond = s->k[KW_IF];
	const cJSON *b;
	struct ecert_error e, best;
	int rc, passed;

	if ((all && (!cJSON_IsArray(all) || cJSON_GetArraySize(all) < 1)) ||
	    (any && (!cJSON_IsArray(any) || cJSON_GetArraySize(any) < 1)) ||
	    (one && (!cJSON_IsArray(one) || cJSON_GetArraySize(one) < 1)))
		return sfail(c, err, "allOf/anyOf/oneOf must be non-empty arrays");
	cJSON_ArrayForEach(b, all)
	{
		rc = validate(c, b, x, err);
		if (rc != ECERT_OK)
			return rc;
	}
	for (int pass = 0; pass < 2; pass++) {
		const cJSON *arr = pass == 0 ? any : one;

		if (!arr)
			continue;
		passed = 0;
		ecert_error_clear(&best);
		cJSON_ArrayForEach(b, arr)
		{
			rc = probe(c, b, x, &e);
			if (rc == ECERT_OK) {
				passed++;
				if (pass == 0)
					break;
			} else if (rc != ECERT_ERR_SCHEMA) {
				*err = e;
				return rc;
			} else if (!best.code || strlen(e.where) > strlen(best.where)) {
				best = e; /* the branch that got deepest explains best */
			}
		}
		if (passed == 0)
			return vfail(c, err,
			             "matches none of the %d alternatives (closest: %s%s%s)",
			             cJSON_GetArraySize(arr), best.where, best.where[0] ? ": " : "",
			             best.msg);
		if (pass == 1 && passed > 1)
			return vfail(c, err, "matches %d of the alternatives, expected exactly one",
			             passed);
	}
	if (not ) {
		rc = probe(c, not, x, &e);
		if (rc == ECERT_OK)
			return vfail(c, err, "matches a schema it must not match");
		if (rc != ECERT_ERR_SCHEMA) {
			*err = e;
			return rc;
		}
	}
	if (cond) {
		const cJSON *branch;

		rc = probe(c, cond, x, &e);
		if (rc != ECERT_OK && rc != ECERT_ERR_SCHEMA) {
			*err = e;
			return rc;
		}
		branch = s->k[rc == ECERT_OK ? KW_THEN : KW_ELSE];
		if (branch)
			return validate(c, branch, x, err);
	}
	return ECERT_OK;
}

static int validate(struct vctx *c, const cJSON *schema, const cJSON *x, struct ecert_error *err)
{
	const cJSON *k;
	struct kws kw;
	const struct kws *s = &kw;
	char want[DESC_MAX];
	int rc;

	if (cJSON_IsTrue(schema))
		return ECERT_OK;
	if (cJSON_IsFalse(schema))
		return vfail(c, err, "no value is allowed here");
	if (!cJSON_IsObject(schema))
		return sfail(c, err, "a schema must be an object or a boolean");
	if (c->depth >= ECERT_SCHEMA_DEPTH_MAX)
		return vfail(c, err, "nested deeper than %d levels", ECERT_SCHEMA_DEPTH_MAX);
	c->depth++;
	rc = collect_keywords(c, schema, &kw, err);
	if (rc != ECERT_OK)
		goto out;
	if ((k = s->k[KW_REF]) != NULL) {
		rc = kw_ref(c, k, x, err);
		if (rc != ECERT_OK)
			goto out;
	}
	if ((k = s->k[KW_TYPE]) != NULL) {
		rc = kw_type(c, k, x, err);
		if (rc != ECERT_OK)
			goto out;
	}
	if ((k = s->k[KW_CONST]) != NULL && !cJSON_Compare(k, x, 1)) {
		describe(k, want);
		rc = vfail(c, err, "expected %s", want);
		goto out;
	}
	if ((k = s->k[KW_ENUM]) != NULL) {
		rc = kw_enum(c, k, x, err);
		if (rc != ECERT_OK)
			goto out;
	}
	rc = kw_string(c, s, x, err);
	if (rc != ECERT_OK)
		goto out;
	rc = kw_number(c, s, x, err);
	if (rc != ECERT_OK)
		goto out;
	rc = kw_object(c, s, x, err);
	if (rc != ECERT_OK)
		goto out;
	rc = kw_array(c, s, x, err);
	if (rc != ECERT_OK)
		goto out;
	rc = kw_combinators(c, s, x, err);
out:
	c->depth--;
	return rc;
}

int ecert_schema_validate(const cJSON *schema, const cJSON *instance, struct ecert_error *err)
{
	struct vctx c;

	if (!schema || !instance)
		return ecert_fail(err, ECERT_ERR_ARG, "no schema or document given");
	memset(&c, 0, sizeof(c));
	c.root = schema;
	return validate(&c, schema, instance, err);
}

/* ------------------------------------------------------------------ embedded schemas */

struct named_entry {
	const char *name; /* the embedded table's path, static */
	cJSON *tree;
};

static pthread_mutex_t named_lock = PTHREAD_MUTEX_INITIALIZER;
static struct named_entry named_cache[NAMED_CACHE_MAX];
static size_t named_count;

int ecert_schema_get(const char *name, const cJSON **out, struct ecert_error *err)
{
	const struct ecert_data_file *f;
	cJSON *tree = NULL;
	int rc = ECERT_OK;

	if (!name || !out)
		return ecert_fail(err, ECERT_ERR_ARG, "no schema name given");
	pthread_mutex_lock(&named_lock);
	for (size_t i = 0; i < named_count; i++) {
		if (strcmp(named_cache[i].name, name) == 0) {
			*out = named_cache[i].tree;
			goto out;
		}
	}
	for (f = ecert_data_files; f->path; f++) {
		if (strcmp(f->path, name) == 0)
			break;
	}
	if (!f->path) {
		ecert_error_where(err, "%s", name);
		rc = ecert_fail(err, ECERT_ERR_IO, "no such schema is embedded in this build");
		goto out;
	}
	if (named_count >= NAMED_CACHE_MAX) {
		rc = ecert_fail(err, ECERT_ERR_NOMEM, "too many schemas in use");
		goto out;
	}
	rc = ecert_json_parse((const char *)f->data, *f->len, NULL, &tree, err);
	if (rc != ECERT_OK) {
		ecert_error_prefix(err, "%s", name);
		goto out;
	}
	named_cache[named_count].name = f->path;
	named_cache[named_count].tree = tree;
	named_count++;
	*out = tree;
out:
	pthread_mutex_unlock(&named_lock);
	return rc;
}

int ecert_schema_validate_named(const char *name, const cJSON *instance, struct ecert_error *err)
{
	const cJSON *schema;
	int rc;

	if (!instance)
		return ecert_fail(err, ECERT_ERR_ARG, "no document given");
	rc = ecert_schema_get(name, &schema, err);
	if (rc != ECERT_OK)
		return rc;
	return ecert_schema_validate(schema, instance, err);
}
