/* ecert — a JSON Schema (draft 2020-12) subset validator; see ecert/schema.h for the
 * keywords. One violation is reported, the first found, with the JSON path of the value.
 *
 * A schema is compiled before use into a graph of nodes, one per schema object: keywords
 * sorted out, $ref resolved to the target's node (cycles are plain pointers), patterns
 * compiled (pattern.c), and the names of "properties" and "required" put in one table
 * (scanned when small, hashed otherwise), so an object is walked once, each member found
 * in the table and the required ones ticked off in a bitmap. An embedded schema is
 * compiled once, with its parse, and kept; any other is compiled for the call.
 *
 * The validator keeps the interpreter's behaviour exactly: keywords are checked in the
 * same order, and a schema error is reported when validation reaches it, where the
 * instance is, as before — compiling only notes it (node->bad, ref_bad, …): a broken
 * keyword in a branch that no document reaches stays harmless, and the messages and
 * err->where are what they were. */
#include <math.h>
#include <pthread.h>
#include <stdalign.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "ecert/alloc.h"
#include "ecert/data.h"
#include "ecert/datetime.h"
#include "ecert/json.h"
#include "ecert/pattern.h"
#include "ecert/schema.h"
#include "utf8clip.h"

/* Compiled patterns kept for the life of the process (our schemas have a few dozen). */
#define PATTERN_CACHE_MAX 128
/* Parsed and compiled embedded schemas kept for the life of the process. */
#define NAMED_CACHE_MAX 32
/* How much of a value or a list of values goes into a message. */
#define DESC_MAX 72
#define LIST_MAX 200
#define PATTERN_SHOWN_MAX 60
/* Objects whose properties and required names fit in a bitmap get the one-walk check. */
#define PROPS_FAST_MAX 64
/* Up to this many names, a member is looked up by a scan (first byte, then strcmp),
 * which is cheaper than hashing its name. */
#define PROPS_SCAN_MAX 8
/* Members of an object whose table lookups the required check keeps for the walk. */
#define MEMBER_SLOTS 64
/* Compiled nodes and their tables live in blocks of this size (or one larger block). */
#define ARENA_BLOCK 8192

/* ------------------------------------------------------------------ compiled schemas */

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

/* Instance types, for "type" ("integer" is a number without fraction: both bits). */
enum {
	T_STRING = 1 << 0,
	T_NUMBER = 1 << 1,
	T_INTEGER = 1 << 2,
	T_BOOLEAN = 1 << 3,
	T_NULL = 1 << 4,
	T_OBJECT = 1 << 5,
	T_ARRAY = 1 << 6,
};

enum snode_kind { SN_TRUE, SN_FALSE, SN_NOT_SCHEMA, SN_OBJECT };

/* Which keyword groups a node has, so that validation skips the others. */
enum {
	G_STRING = 1 << 0,
	G_NUMBER = 1 << 1,
	G_OBJECT = 1 << 2,
	G_ARRAY = 1 << 3,
	G_COMBINATOR = 1 << 4,
};

enum format_kind { FMT_DATE, FMT_DATE_TIME, FMT_OTHER, FMT_NOT_STRING };

/* additionalProperties: absent or true, false, a schema. */
enum extra_kind { EXTRA_ANY, EXTRA_NONE, EXTRA_SCHEMA };

/* One entry of "type": the instance types it allows, or the schema error it is. */
struct type_entry {
	unsigned mask;
	const char *bad;
};

/* A name of "properties" or "required". */
struct prop {
	const char *name;
	uint32_t hash;
	const struct snode *node; /* NULL: named by "required" only */
};

/* An entry of "required": NULL name if it is not a string. */
struct required {
	const char *name;
	int slot; /* in props */
};

/* The members of one schema object. Pointers to the schema's cJSON (k[], names,
 * patterns' sources) stay valid: the compiled schema never outlives its tree. Every
 * "…_bad" is the message of a schema error, reported when validation reaches it. */
struct snode {
	const cJSON *src;
	enum snode_kind kind;
	const char *bad; /* an unsupported keyword: the error of every visit */
	const cJSON *k[KW__USED];
	unsigned groups;

	const struct snode *ref;
	const char *ref_bad;
	int ref_only; /* "$ref" (resolved) and annotations only: a link to ref */

	const struct type_entry *types;
	int ntypes;
	const char *type_bad;
	const char *type_list; /* for "expected string or null" */

	const char *enum_bad;

	/* strings */
	int str_bad; /* some string keyword is malformed */
	int min_len_bad, max_len_bad, pattern_bad;
	const struct ecert_pattern *re;
	const char *re_bad;
	enum format_kind format;

	int num_bad;

	/* objects */
	int obj_bad;
	const struct prop *props;
	int nprops;
	const uint16_t *buckets; /* prop index + 1, 0 = empty; size bucket_mask + 1 */
	uint32_t bucket_mask;
	const struct required *req;
	int nreq;
	enum extra_kind extra;
	const struct snode *extra_node;

	/* arrays */
	int arr_bad;
	const struct snode *items;

	/* combinators */
	int comb_bad;
	const struct snode *const *all, *const *any, *const *one;
	int nall, nany, none;
	const struct snode *not_, *if_, *then_, *else_;
};

struct arena_block {
	struct arena_block *next;
	size_t used, size;
	alignas(max_align_t) unsigned char mem[];
};

/* A compiled schema: its nodes in an arena, and the patterns it owns (those the
 * process-wide cache had no room for). */
struct sprog {
	struct arena_block *blocks;
	const struct snode *root;
	struct ecert_pattern **owned;
	size_t nowned, ownedcap;
};

static void *arena_alloc(struct sprog *p, size_t n)
{
	struct arena_block *b = p->blocks;
	size_t align = alignof(max_align_t);

	n = (n + align - 1) / align * align;
	if (!b || b->size - b->used < n) {
		size_t size = n > ARENA_BLOCK ? n : ARENA_BLOCK;

		b = ecert_malloc(sizeof(*b) + size);
		if (!b)
			return NULL;
		b->next = p->blocks;
		b->used = 0;
		b->size = size;
		p->blocks = b;
	}
	b->used += n;
	return memset(b->mem + b->used - n, 0, n);
}

static void sprog_free(struct sprog *p)
{
	struct arena_block *b, *next;

	if (!p)
		return;
	for (b = p->blocks; b; b = next) {
		next = b->next;
		ecert_free(b);
	}
	for (size_t i = 0; i < p->nowned; i++)
		ecert_pattern_free(p->owned[i]);
	ecert_free(p->owned);
	ecert_free(p);
}

/* ------------------------------------------------------------------ the pattern cache */

struct pattern_entry {
	char *src;
	uint32_t hash;
	struct ecert_pattern *re;
};

/* Entries are only ever appended, under pattern_lock; an entry is complete before
 * pattern_count (stored with release, loaded with acquire) counts it, so lookups read
 * the cache without the lock. */
static pthread_mutex_t pattern_lock = PTHREAD_MUTEX_INITIALIZER;
static struct pattern_entry pattern_cache[PATTERN_CACHE_MAX];
static size_t pattern_count;

/* Hash of a property name or a pattern: the length and the first and last two bytes.
 * Cheap (no loop over the bytes: strlen is vectorised), and the names of one object
 * rarely agree on all of those; equal hashes are confirmed with strcmp. */
static uint32_t str_hash(const char *s)
{
	size_t len = strlen(s);
	uint32_t h = (uint32_t)len;

	if (len >= 2)
		h ^= (uint32_t)(unsigned char)s[0] << 8 | (uint32_t)(unsigned char)s[1] << 16 |
		     (uint32_t)(unsigned char)s[len - 2] << 24 |
		     (uint32_t)(unsigned char)s[len - 1] << 4;
	else if (len == 1)
		h ^= (uint32_t)(unsigned char)s[0] << 8;
	h *= 0x9E3779B1u;
	return h ^ (h >> 15);
}

static const struct ecert_pattern *pattern_find(const char *src, uint32_t hash, size_t from,
                                                size_t to)
{
	for (size_t i = from; i < to; i++) {
		if (pattern_cache[i].hash == hash && strcmp(pattern_cache[i].src, src) == 0)
			return pattern_cache[i].re;
	}
	return NULL;
}

/* ------------------------------------------------------------------ compiling */

struct compiler {
	struct sprog *prog;
	const cJSON *root; /* the schema $refs resolve in */
	/* every node made, in order; those from `done` on are still to fill */
	struct snode **nodes;
	size_t nnodes, nodecap, done;
	/* schema value → node, open addressing */
	const cJSON **keys;
	struct snode **vals;
	size_t mapcap;
};

/* A schema error message, formatted as sfail formats it, kept in the arena. NULL: no
 * memory. */
static const char *cmsg(struct compiler *cc, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static const char *cmsg(struct compiler *cc, const char *fmt, ...)
{
	char msg[ECERT_ERR_MSG_MAX];
	char *s;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	utf8_trim_tail(msg);
	s = arena_alloc(cc->prog, strlen(msg) + 1);
	if (s)
		strcpy(s, msg);
	return s;
}

static size_t ptr_slot(const void *p, size_t cap)
{
	uintptr_t h = (uintptr_t)p;

	h ^= h >> 17;
	h *= (uintptr_t)0x9E3779B97F4A7C15ULL;
	return (size_t)(h ^ (h >> 29)) & (cap - 1);
}

/* The node of schema value s, made (and queued to be filled) on first use. */
static struct snode *node_for(struct compiler *cc, const cJSON *s)
{
	struct snode *n;
	size_t i;

	if (cc->mapcap) {
		for (i = ptr_slot(s, cc->mapcap); cc->keys[i]; i = (i + 1) & (cc->mapcap - 1)) {
			if (cc->keys[i] == s)
				return cc->vals[i];
		}
	}
	if (2 * (cc->nnodes + 1) > cc->mapcap) {
		size_t cap = cc->mapcap ? 2 * cc->mapcap : 64;
		const cJSON **keys = ecert_calloc(cap, sizeof(*keys));
		struct snode **vals = ecert_calloc(cap, sizeof(*vals));

		if (!keys || !vals) {
			ecert_free(keys);
			ecert_free(vals);
			return NULL;
		}
		for (size_t j = 0; j < cc->mapcap; j++) {
			if (!cc->keys[j])
				continue;
			for (i = ptr_slot(cc->keys[j], cap); keys[i]; i = (i + 1) & (cap - 1))
				;
			keys[i] = cc->keys[j];
			vals[i] = cc->vals[j];
		}
		ecert_free(cc->keys);
		ecert_free(cc->vals);
		cc->keys = keys;
		cc->vals = vals;
		cc->mapcap = cap;
	}
	if (cc->nnodes == cc->nodecap) {
		size_t cap = cc->nodecap ? 2 * cc->nodecap : 64;
		struct snode **nodes = ecert_realloc(cc->nodes, cap * sizeof(*nodes));

		if (!nodes)
			return NULL;
		cc->nodes = nodes;
		cc->nodecap = cap;
	}
	n = arena_alloc(cc->prog, sizeof(*n));
	if (!n)
		return NULL;
	for (i = ptr_slot(s, cc->mapcap); cc->keys[i]; i = (i + 1) & (cc->mapcap - 1))
		;
	cc->keys[i] = s;
	cc->vals[i] = n;
	n->src = s;
	cc->nodes[cc->nnodes++] = n;
	return n;
}

/* The keyword a member name is, KW_ANNOTATION for an annotation, -1 if not supported. */
static int keyword_id(const char *n)
{
	switch (n[0]) {
	case '$':
		if (strcmp(n, "$ref") == 0)
			return KW_REF;
		if (strcmp(n, "$defs") == 0 || strcmp(n, "$id") == 0 || strcmp(n, "$schema") == 0 ||
		    strcmp(n, "$comment") == 0)
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

static int is_integer(const cJSON *x)
{
	return cJSON_IsNumber(x) && isfinite(x->valuedouble) &&
	       floor(x->valuedouble) == x->valuedouble;
}

/* A non-negative integer keyword value, or -1. */
static double count_kw(const cJSON *v)
{
	if (!is_integer(v) || v->valuedouble < 0)
		return -1;
	return v->valuedouble;
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

static unsigned type_mask(const char *t)
{
	static const struct {
		const char *name;
		unsigned mask;
	} types[] = {
	    {"string", T_STRING},   {"number", T_NUMBER}, {"integer", T_INTEGER},
	    {"boolean", T_BOOLEAN}, {"null", T_NULL},     {"object", T_OBJECT},
	    {"array", T_ARRAY},
	};

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		if (strcmp(t, types[i].name) == 0)
			return types[i].mask;
	}
	return 0;
}

/* "type": a name or a non-empty list of names. Broken entries are noted in place, as the
 * interpreter met them only after the entries before them failed to match. */
static int compile_type(struct compiler *cc, struct snode *n, const cJSON *t)
{
	struct type_entry *e;
	const cJSON *v;
	char list[LIST_MAX];
	size_t len = 0;
	int i = 0, all_good = 1;

	if (!cJSON_IsString(t) && (!cJSON_IsArray(t) || cJSON_GetArraySize(t) < 1)) {
		n->type_bad = cmsg(cc, "\"type\" must be a string or a non-empty array");
		return n->type_bad ? ECERT_OK : ECERT_ERR_NOMEM;
	}
	n->ntypes = cJSON_IsString(t) ? 1 : cJSON_GetArraySize(t);
	e = arena_alloc(cc->prog, (size_t)n->ntypes * sizeof(*e));
	if (!e)
		return ECERT_ERR_NOMEM;
	n->types = e;
	list[0] = '\0';
	for (v = cJSON_IsString(t) ? t : t->child; v && i < n->ntypes; v = v->next, i++) {
		if (!cJSON_IsString(v)) {
			e[i].bad = cmsg(cc, "\"type\" must list type names");
		} else if ((e[i].mask = type_mask(v->valuestring)) == 0) {
			e[i].bad = cmsg(cc, "unknown type \"%.*s\"", utf8_clip(v->valuestring, 40),
			                v->valuestring);
		} else {
			len += (size_t)snprintf(list + len,
			                        len < sizeof(list) ? sizeof(list) - len : 0, "%s%s",
			                        len ? " or " : "", v->valuestring);
			if (len >= sizeof(list))
				len = sizeof(list) - 1;
			continue;
		}
		if (!e[i].bad)
			return ECERT_ERR_NOMEM;
		all_good = 0;
	}
	/* the message names the list only when every entry was tried */
	if (cJSON_IsString(t)) {
		n->type_list = t->valuestring;
	} else if (all_good) {
		char *s = arena_alloc(cc->prog, len + 1);

		if (!s)
			return ECERT_ERR_NOMEM;
		memcpy(s, list, len + 1);
		n->type_list = s;
	}
	return ECERT_OK;
}

/* The compiled form of pattern src: from the process-wide cache, else compiled (and
 * cached while there is room, else owned by the program). A pattern outside the subset
 * sets n->re_bad. */
static int compile_pattern(struct compiler *cc, struct snode *n, const char *src)
{
	struct ecert_pattern *re = NULL;
	struct ecert_error e;
	uint32_t hash = str_hash(src);
	size_t seen = __atomic_load_n(&pattern_count, __ATOMIC_ACQUIRE);
	char *copy = NULL;
	int rc;

	n->re = pattern_find(src, hash, 0, seen);
	if (n->re)
		return ECERT_OK;
	pthread_mutex_lock(&pattern_lock);
	n->re = pattern_find(src, hash, seen, pattern_count);
	if (n->re) {
		pthread_mutex_unlock(&pattern_lock);
		return ECERT_OK;
	}
	ecert_error_clear(&e);
	rc = ecert_pattern_compile(src, &re, &e);
	if (rc == ECERT_OK && pattern_count < PATTERN_CACHE_MAX)
		copy = ecert_strdup(src);
	if (copy) {
		pattern_cache[pattern_count].src = copy;
		pattern_cache[pattern_count].hash = hash;
		pattern_cache[pattern_count].re = re;
		__atomic_store_n(&pattern_count, pattern_count + 1, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&pattern_lock);
	if (rc == ECERT_ERR_UNSUPPORTED) {
		n->re_bad = cmsg(cc, "%s", e.msg);
		return n->re_bad ? ECERT_OK : ECERT_ERR_NOMEM;
	}
	if (rc != ECERT_OK)
		return rc;
	if (!copy) {
		struct sprog *p = cc->prog;

		if (p->nowned == p->ownedcap) {
			size_t cap = p->ownedcap ? 2 * p->ownedcap : 8;
			struct ecert_pattern **o = ecert_realloc(p->owned, cap * sizeof(*o));

			if (!o) {
				ecert_pattern_free(re);
				return ECERT_ERR_NOMEM;
			}
			p->owned = o;
			p->ownedcap = cap;
		}
		p->owned[p->nowned++] = re;
	}
	n->re = re;
	return ECERT_OK;
}

static int compile_string(struct compiler *cc, struct snode *n)
{
	const cJSON *min = n->k[KW_MIN_LENGTH], *max = n->k[KW_MAX_LENGTH];
	const cJSON *pat = n->k[KW_PATTERN], *fmt = n->k[KW_FORMAT];

	if (!min && !max && !pat && !fmt)
		return ECERT_OK;
	n->groups |= G_STRING;
	n->min_len_bad = min && count_kw(min) < 0;
	n->max_len_bad = max && count_kw(max) < 0;
	n->pattern_bad = pat && !cJSON_IsString(pat);
	if (fmt)
		n->format = !cJSON_IsString(fmt)                         ? FMT_NOT_STRING
		            : strcmp(fmt->valuestring, "date") == 0      ? FMT_DATE
		            : strcmp(fmt->valuestring, "date-time") == 0 ? FMT_DATE_TIME
		                                                         : FMT_OTHER;
	n->str_bad = n->min_len_bad || n->max_len_bad || n->pattern_bad ||
	             (fmt && n->format == FMT_NOT_STRING);
	if (pat && !n->pattern_bad)
		return compile_pattern(cc, n, pat->valuestring);
	return ECERT_OK;
}

/* The slot of name in the table being built, added if new. */
static int prop_slot(struct prop *props, int *nprops, uint16_t *buckets, uint32_t mask,
                     const char *name, const struct snode *node)
{
	uint32_t h = str_hash(name), i;

	for (i = h & mask; buckets[i]; i = (i + 1) & mask) {
		struct prop *p = &props[buckets[i] - 1];

		if (p->hash == h && strcmp(p->name, name) == 0)
			return buckets[i] - 1;
	}
	props[*nprops].name = name;
	props[*nprops].hash = h;
	props[*nprops].node = node;
	buckets[i] = (uint16_t)(*nprops + 1);
	return (*nprops)++;
}

static int compile_object(struct compiler *cc, struct snode *n)
{
	const cJSON *req = n->k[KW_REQUIRED], *props = n->k[KW_PROPERTIES];
	const cJSON *extra = n->k[KW_ADDITIONAL], *m;
	struct prop *table;
	struct required *r;
	uint16_t *buckets;
	size_t names = 0, nb = 1;
	int nprops = 0, i = 0;

	if (!req && !props && !extra)
		return ECERT_OK;
	n->groups |= G_OBJECT;
	if ((req && !cJSON_IsArray(req)) || (props && !cJSON_IsObject(props)) ||
	    (extra && !cJSON_IsBool(extra) && !cJSON_IsObject(extra))) {
		n->obj_bad = 1;
		return ECERT_OK;
	}
	if (cJSON_IsFalse(extra)) {
		n->extra = EXTRA_NONE;
	} else if (cJSON_IsObject(extra)) {
		n->extra = EXTRA_SCHEMA;
		if (!(n->extra_node = node_for(cc, extra)))
			return ECERT_ERR_NOMEM;
	}
	names = (size_t)cJSON_GetArraySize(props) + (size_t)cJSON_GetArraySize(req);
	if (names == 0)
		return ECERT_OK;
	if (names >= UINT16_MAX)
		return ECERT_ERR_NOMEM; /* not a schema anyone writes; refuse rather than wrap */
	while (nb < 2 * names)
		nb *= 2;
	table = arena_alloc(cc->prog, names * sizeof(*table));
	buckets = arena_alloc(cc->prog, nb * sizeof(*buckets));
	r = arena_alloc(cc->prog, ((size_t)cJSON_GetArraySize(req) + 1) * sizeof(*r));
	if (!table || !buckets || !r)
		return ECERT_ERR_NOMEM;
	/* The first member of a name counts, as cJSON_GetObjectItemCaseSensitive finds it;
	 * and as it does, the search ends at a member without a name (a tree built by hand). */
	cJSON_ArrayForEach(m, props)
	{
		struct snode *sub;

		if (!m->string)
			break;
		sub = node_for(cc, m);
		if (!sub)
			return ECERT_ERR_NOMEM;
		prop_slot(table, &nprops, buckets, (uint32_t)nb - 1, m->string, sub);
	}
	cJSON_ArrayForEach(m, req)
	{
		if (cJSON_IsString(m)) {
			r[i].name = m->valuestring;
			r[i].slot = prop_slot(table, &nprops, buckets, (uint32_t)nb - 1,
			                      m->valuestring, NULL);
		}
		i++;
	}
	n->props = table;
	n->nprops = nprops;
	n->buckets = buckets;
	n->bucket_mask = (uint32_t)nb - 1;
	n->req = r;
	n->nreq = i;
	return ECERT_OK;
}

static int compile_array(struct compiler *cc, struct snode *n)
{
	const cJSON *min = n->k[KW_MIN_ITEMS], *max = n->k[KW_MAX_ITEMS], *items = n->k[KW_ITEMS];

	if (!min && !max && !items)
		return ECERT_OK;
	n->groups |= G_ARRAY;
	if ((min && count_kw(min) < 0) || (max && count_kw(max) < 0) ||
	    (items && !cJSON_IsObject(items) && !cJSON_IsBool(items))) {
		n->arr_bad = 1;
		return ECERT_OK;
	}
	if (items && !(n->items = node_for(cc, items)))
		return ECERT_ERR_NOMEM;
	return ECERT_OK;
}

/* The nodes of the schemas in array a (already checked to be one). */
static int node_list(struct compiler *cc, const cJSON *a, const struct snode *const **out,
                     int *count)
{
	const struct snode **list;
	const cJSON *v;
	int i = 0;

	*count = cJSON_GetArraySize(a);
	list = arena_alloc(cc->prog, (size_t)*count * sizeof(*list));
	if (!list)
		return ECERT_ERR_NOMEM;
	cJSON_ArrayForEach(v, a)
	{
		if (!(list[i++] = node_for(cc, v)))
			return ECERT_ERR_NOMEM;
	}
	*out = list;
	return ECERT_OK;
}

static int nonempty_array(const cJSON *v)
{
	return cJSON_IsArray(v) && cJSON_GetArraySize(v) >= 1;
}

static int compile_combinators(struct compiler *cc, struct snode *n)
{
	const cJSON *all = n->k[KW_ALL_OF], *any = n->k[KW_ANY_OF], *one = n->k[KW_ONE_OF];

	if (!all && !any && !one && !n->k[KW_NOT] && !n->k[KW_IF])
		return ECERT_OK;
	n->groups |= G_COMBINATOR;
	if ((all && !nonempty_array(all)) || (any && !nonempty_array(any)) ||
	    (one && !nonempty_array(one))) {
		n->comb_bad = 1;
		return ECERT_OK;
	}
	if ((all && node_list(cc, all, &n->all, &n->nall) != ECERT_OK) ||
	    (any && node_list(cc, any, &n->any, &n->nany) != ECERT_OK) ||
	    (one && node_list(cc, one, &n->one, &n->none) != ECERT_OK) ||
	    (n->k[KW_NOT] && !(n->not_ = node_for(cc, n->k[KW_NOT]))) ||
	    (n->k[KW_IF] && !(n->if_ = node_for(cc, n->k[KW_IF]))) ||
	    (n->k[KW_IF] && n->k[KW_THEN] && !(n->then_ = node_for(cc, n->k[KW_THEN]))) ||
	    (n->k[KW_IF] && n->k[KW_ELSE] && !(n->else_ = node_for(cc, n->k[KW_ELSE]))))
		return ECERT_ERR_NOMEM;
	return ECERT_OK;
}

/* Fill node n from schema value s. Only running out of memory fails. */
static int fill(struct compiler *cc, struct snode *n, const cJSON *s)
{
	const cJSON *k, *ref;
	int rc;

	if (cJSON_IsTrue(s)) {
		n->kind = SN_TRUE;
		return ECERT_OK;
	}
	if (cJSON_IsFalse(s)) {
		n->kind = SN_FALSE;
		return ECERT_OK;
	}
	if (!cJSON_IsObject(s)) {
		n->kind = SN_NOT_SCHEMA;
		return ECERT_OK;
	}
	n->kind = SN_OBJECT;
	/* a keyword given twice (possible only in a tree not built by the strict parser)
	 * counts once, its first occurrence, as cJSON_GetObjectItemCaseSensitive finds it */
	cJSON_ArrayForEach(k, s)
	{
		int id = keyword_id(k->string ? k->string : "");

		if (id < 0) {
			n->bad = cmsg(cc, "keyword \"%.*s\" is not supported",
			              utf8_clip(k->string, 40), k->string ? k->string : "");
			return n->bad ? ECERT_OK : ECERT_ERR_NOMEM;
		}
		if (id < KW__USED && !n->k[id])
			n->k[id] = k;
	}
	if ((ref = n->k[KW_REF]) != NULL) {
		const cJSON *target =
		    cJSON_IsString(ref) ? resolve(cc->root, ref->valuestring) : NULL;

		if (!cJSON_IsString(ref))
			n->ref_bad = cmsg(cc, "\"$ref\" must be a string");
		else if (!target)
			n->ref_bad = cmsg(cc,
			                  "cannot resolve $ref \"%.*s\" (only \"#/…\" in the same "
			                  "schema)",
			                  utf8_clip(ref->valuestring, 60), ref->valuestring);
		else
			n->ref = node_for(cc, target);
		if (!n->ref_bad && !n->ref)
			return ECERT_ERR_NOMEM;
	}
	if (n->k[KW_TYPE] && (rc = compile_type(cc, n, n->k[KW_TYPE])) != ECERT_OK)
		return rc;
	if (n->k[KW_ENUM] && !nonempty_array(n->k[KW_ENUM]) &&
	    !(n->enum_bad = cmsg(cc, "\"enum\" must be a non-empty array")))
		return ECERT_ERR_NOMEM;
	if ((rc = compile_string(cc, n)) != ECERT_OK)
		return rc;
	if (n->k[KW_MINIMUM] || n->k[KW_MAXIMUM]) {
		n->groups |= G_NUMBER;
		n->num_bad = (n->k[KW_MINIMUM] && !cJSON_IsNumber(n->k[KW_MINIMUM])) ||
		             (n->k[KW_MAXIMUM] && !cJSON_IsNumber(n->k[KW_MAXIMUM]));
	}
	if ((rc = compile_object(cc, n)) != ECERT_OK)
		return rc;
	if ((rc = compile_array(cc, n)) != ECERT_OK)
		return rc;
	if ((rc = compile_combinators(cc, n)) != ECERT_OK)
		return rc;
	n->ref_only = n->ref && !n->groups && !n->k[KW_TYPE] && !n->k[KW_CONST] && !n->k[KW_ENUM];
	return ECERT_OK;
}

/* Compile schema (which must outlive the result). Only ECERT_ERR_NOMEM fails: errors in
 * the schema are kept for validation to report. */
static int sprog_compile(const cJSON *schema, struct sprog **out)
{
	struct compiler cc;
	int rc = ECERT_ERR_NOMEM;

	memset(&cc, 0, sizeof(cc));
	cc.root = schema;
	cc.prog = ecert_calloc(1, sizeof(*cc.prog));
	if (!cc.prog || !(cc.prog->root = node_for(&cc, schema)))
		goto out;
	/* nodes are queued as they are first referred to, so no recursion: a $ref cycle is
	 * two nodes pointing at each other */
	for (cc.done = 0; cc.done < cc.nnodes; cc.done++) {
		struct snode *n = cc.nodes[cc.done];

		rc = fill(&cc, n, n->src);
		if (rc != ECERT_OK)
			goto out;
	}
	*out = cc.prog;
	cc.prog = NULL;
	rc = ECERT_OK;
out:
	sprog_free(cc.prog);
	ecert_free(cc.nodes);
	ecert_free(cc.keys);
	ecert_free(cc.vals);
	return rc;
}

/* ------------------------------------------------------------------ paths and messages */

/* Where validation is: the keys and indexes from the document down. Kept as pointers,
 * and written out only for an error. One entry per validate() level at most, and those
 * are bounded by ECERT_SCHEMA_DEPTH_MAX. */
struct frame {
	const char *key; /* NULL: index */
	int index;
};

struct vctx {
	struct frame fr[ECERT_SCHEMA_DEPTH_MAX + 1];
	int nfr;
	int depth;
};

static size_t path_append(char *path, size_t n, const char *s)
{
	while (*s && n + 1 < ECERT_ERR_WHERE_MAX)
		path[n++] = *s++;
	path[n] = '\0';
	return n;
}

/* "credentialSubject.pathway.basis[0].digest" */
static void path_render(const struct vctx *c, char path[ECERT_ERR_WHERE_MAX])
{
	size_t n = 0;

	path[0] = '\0';
	for (int i = 0; i < c->nfr; i++) {
		if (c->fr[i].key) {
			if (n)
				n = path_append(path, n, ".");
			n = path_append(path, n, c->fr[i].key);
		} else {
			char tmp[24];

			snprintf(tmp, sizeof(tmp), "[%d]", c->fr[i].index);
			n = path_append(path, n, tmp);
		}
	}
}

static void push_key(struct vctx *c, const char *key)
{
	c->fr[c->nfr].key = key ? key : "";
	c->nfr++;
}

static void push_index(struct vctx *c, int i)
{
	c->fr[c->nfr].key = NULL;
	c->fr[c->nfr].index = i;
	c->nfr++;
}

static void pop(struct vctx *c)
{
	c->nfr--;
}

/* The instance does not match. */
static int vfail(struct vctx *c, struct ecert_error *err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int vfail(struct vctx *c, struct ecert_error *err, const char *fmt, ...)
{
	char path[ECERT_ERR_WHERE_MAX];
	va_list ap;

	va_start(ap, fmt);
	ecert_vfail(err, ECERT_ERR_SCHEMA, fmt, ap);
	va_end(ap);
	path_render(c, path);
	ecert_error_where(err, "%s", path);
	return ECERT_ERR_SCHEMA;
}

/* The schema is outside the subset or broken; msg was formatted when compiling. */
static int sfail(struct vctx *c, struct ecert_error *err, const char *msg)
{
	char path[ECERT_ERR_WHERE_MAX];

	ecert_fail(err, ECERT_ERR_UNSUPPORTED, "schema: %s", msg);
	path_render(c, path);
	ecert_error_where(err, "%s", path);
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

/* type_of as T_ bits (cJSON_Is… inline, in the same order). */
static unsigned type_bits(const cJSON *x)
{
	int t = x->type & 0xFF;

	if (t == cJSON_String)
		return T_STRING;
	if (t == cJSON_Number)
		return is_integer(x) ? T_NUMBER | T_INTEGER : T_NUMBER;
	if (x->type & (cJSON_True | cJSON_False))
		return T_BOOLEAN;
	if (t == cJSON_NULL)
		return T_NULL;
	if (t == cJSON_Object)
		return T_OBJECT;
	if (t == cJSON_Array)
		return T_ARRAY;
	return 0;
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

/* ------------------------------------------------------------------ validating */

static int validate(struct vctx *c, const struct snode *n, const cJSON *x, struct ecert_error *err);

static int kw_type(struct vctx *c, const struct snode *n, const cJSON *x, unsigned xt,
                   struct ecert_error *err)
{
	if (n->type_bad)
		return sfail(c, err, n->type_bad);
	for (int i = 0; i < n->ntypes; i++) {
		if (n->types[i].bad)
			return sfail(c, err, n->types[i].bad);
		if (n->types[i].mask & xt)
			return ECERT_OK;
	}
	return vfail(c, err, "expected %s, got %s", n->type_list, type_of(x));
}

/* cJSON_Compare(a, b, 1), with two strings compared inline (most enum and const values). */
static int same_value(const cJSON *a, const cJSON *b)
{
	if ((a->type & 0xFF) == cJSON_String && (b->type & 0xFF) == cJSON_String &&
	    a->valuestring && b->valuestring)
		return strcmp(a->valuestring, b->valuestring) == 0;
	return cJSON_Compare(a, b, 1);
}

/* "expected …": the const value x is not (its own function, so that validate()'s frame
 * stays small). */
static int kw_const_fail(struct vctx *c, const cJSON *k, struct ecert_error *err)
    __attribute__((noinline));

static int kw_const_fail(struct vctx *c, const cJSON *k, struct ecert_error *err)
{
	char want[DESC_MAX];

	describe(k, want);
	return vfail(c, err, "expected %s", want);
}

static int kw_enum(struct vctx *c, const cJSON *e, const cJSON *x, struct ecert_error *err)
{
	const cJSON *v;
	char list[LIST_MAX], one[DESC_MAX];
	size_t n = 0;

	cJSON_ArrayForEach(v, e)
	{
		if (same_value(v, x))
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

/* Whether s has at least min code points, counting only as far as that. */
static int has_code_points(const char *s, double min)
{
	double n = 0;

	for (; n < min && *s; s++) {
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	}
	return n >= min;
}

static int kw_string(struct vctx *c, const struct snode *n, const cJSON *x, unsigned xt,
                     struct ecert_error *err)
{
	const cJSON *min = n->k[KW_MIN_LENGTH], *max = n->k[KW_MAX_LENGTH];
	const cJSON *pat = n->k[KW_PATTERN], *desc = n->k[KW_DESCRIPTION];
	const char *s = x->valuestring;
	int rc;

	if (!(xt & T_STRING)) {
		/* the keywords only constrain strings, but must still be well-formed */
		return n->str_bad ? sfail(c, err, "malformed string keyword") : ECERT_OK;
	}
	/* code points are counted in full only for a message: a string has no more of them
	 * than bytes, and at least min of them once min are counted */
	if (min) {
		if (n->min_len_bad)
			return sfail(c, err, "\"minLength\" must be a non-negative integer");
		if (!has_code_points(s, min->valuedouble))
			return vfail(c, err, "expected at least %.0f characters, got %zu",
			             min->valuedouble, code_points(s));
	}
	if (max) {
		if (n->max_len_bad)
			return sfail(c, err, "\"maxLength\" must be a non-negative integer");
		if ((double)strlen(s) > max->valuedouble) {
			size_t len = code_points(s);

			if ((double)len > max->valuedouble)
				return vfail(c, err, "expected at most %.0f characters, got %zu",
				             max->valuedouble, len);
		}
	}
	if (pat) {
		if (n->pattern_bad)
			return sfail(c, err, "\"pattern\" must be a string");
		if (n->re_bad)
			return sfail(c, err, n->re_bad);
		if (!ecert_pattern_match(n->re, s)) {
			if (cJSON_IsString(desc))
				return vfail(c, err, "expected %.*s, got \"%.*s\"",
				             utf8_clip(desc->valuestring, 120), desc->valuestring,
				             utf8_clip(s, 60), s);
			return vfail(
			    c, err, "\"%.*s\" does not match the pattern %.*s", utf8_clip(s, 60), s,
			    utf8_clip(pat->valuestring, PATTERN_SHOWN_MAX), pat->valuestring);
		}
	}
	if (n->k[KW_FORMAT]) {
		const char *name = n->k[KW_FORMAT]->valuestring;
		struct ecert_date d;
		int64_t t;
		struct ecert_error e;

		if (n->format == FMT_NOT_STRING)
			return sfail(c, err, "\"format\" must be a string");
		if (n->format == FMT_OTHER) {
			char msg[ECERT_ERR_MSG_MAX];

			snprintf(msg, sizeof(msg), "format \"%.*s\" is not supported",
			         utf8_clip(name, 40), name);
			return sfail(c, err, msg);
		}
		ecert_error_clear(&e);
		rc = n->format == FMT_DATE ? ecert_date_parse(s, &d, &e)
		                           : ecert_time_parse(s, &t, &e);
		if (rc != ECERT_OK)
			return vfail(c, err, "%s", e.msg);
	}
	return ECERT_OK;
}

static int kw_number(struct vctx *c, const struct snode *n, const cJSON *x, unsigned xt,
                     struct ecert_error *err)
{
	const cJSON *min = n->k[KW_MINIMUM], *max = n->k[KW_MAXIMUM];

	if (n->num_bad)
		return sfail(c, err, "\"minimum\" and \"maximum\" must be numbers");
	if (!(xt & T_NUMBER))
		return ECERT_OK;
	if (min && x->valuedouble < min->valuedouble)
		return vfail(c, err, "expected at least %.17g, got %.17g", min->valuedouble,
		             x->valuedouble);
	if (max && x->valuedouble > max->valuedouble)
		return vfail(c, err, "expected at most %.17g, got %.17g", max->valuedouble,
		             x->valuedouble);
	return ECERT_OK;
}

/* The slot of member name `name` in n's property table, or -1. */
static int prop_find(const struct snode *n, const char *name)
{
	uint32_t h;

	if (!n->nprops || !name)
		return -1;
	if (n->nprops <= PROPS_SCAN_MAX) {
		/* in table order: the first of a name wins, as with the hash */
		for (int i = 0; i < n->nprops; i++) {
			if (n->props[i].name[0] == name[0] && strcmp(n->props[i].name, name) == 0)
				return i;
		}
		return -1;
	}
	h = str_hash(name);
	for (uint32_t i = h & n->bucket_mask; n->buckets[i]; i = (i + 1) & n->bucket_mask) {
		const struct prop *p = &n->props[n->buckets[i] - 1];

		if (p->hash == h && strcmp(p->name, name) == 0)
			return n->buckets[i] - 1;
	}
	return -1;
}

static int missing(struct vctx *c, const char *name, struct ecert_error *err)
{
	int rc;

	push_key(c, name);
	rc = vfail(c, err, "required field is missing");
	pop(c);
	return rc;
}

static int kw_object(struct vctx *c, const struct snode *n, const cJSON *x, unsigned xt,
                     struct ecert_error *err)
{
	int slots[MEMBER_SLOTS], nslots = 0, i, rc;
	const cJSON *m;

	if (n->obj_bad)
		return sfail(c, err, "malformed object keyword");
	if (!(xt & T_OBJECT))
		return ECERT_OK;
	if (n->nreq && n->nprops <= PROPS_FAST_MAX) {
		/* one walk: which names of the table the object has */
		uint64_t seen = 0;

		i = 0;
		cJSON_ArrayForEach(m, x)
		{
			int s;

			/* as cJSON_GetObjectItemCaseSensitive, which the required check was, no
			 * name counts after a member without one */
			if (!m->string)
				break;
			s = prop_find(n, m->string);
			if (s >= 0)
				seen |= 1ULL << s;
			if (i < MEMBER_SLOTS)
				slots[i++] = s;
		}
		nslots = i;
		for (i = 0; i < n->nreq; i++) {
			if (!n->req[i].name)
				return sfail(c, err, "\"required\" must list names");
			if (!(seen & (1ULL << n->req[i].slot)))
				return missing(c, n->req[i].name, err);
		}
	} else {
		for (i = 0; i < n->nreq; i++) {
			if (!n->req[i].name)
				return sfail(c, err, "\"required\" must list names");
			if (!cJSON_GetObjectItemCaseSensitive(x, n->req[i].name))
				return missing(c, n->req[i].name, err);
		}
	}
	if (!n->nprops && n->extra == EXTRA_ANY)
		return ECERT_OK;
	i = 0;
	cJSON_ArrayForEach(m, x)
	{
		int s = i < nslots ? slots[i] : prop_find(n, m->string);
		const struct snode *sub = s >= 0 ? n->props[s].node : NULL;

		i++;
		if (!sub && n->extra == EXTRA_ANY)
			continue;
		push_key(c, m->string);
		if (sub)
			rc = validate(c, sub, m, err);
		else if (n->extra == EXTRA_NONE)
			rc = vfail(c, err, "unexpected field (not in the schema)");
		else
			rc = validate(c, n->extra_node, m, err);
		pop(c);
		if (rc != ECERT_OK)
			return rc;
	}
	return ECERT_OK;
}

static int kw_array(struct vctx *c, const struct snode *n, const cJSON *x, unsigned xt,
                    struct ecert_error *err)
{
	const cJSON *min = n->k[KW_MIN_ITEMS], *max = n->k[KW_MAX_ITEMS];
	const cJSON *e;
	int count, i = 0, rc;

	if (n->arr_bad)
		return sfail(c, err, "malformed array keyword");
	if (!(xt & T_ARRAY))
		return ECERT_OK;
	count = cJSON_GetArraySize(x);
	if (min && count < min->valuedouble)
		return vfail(c, err, "expected at least %.0f items, got %d", min->valuedouble,
		             count);
	if (max && count > max->valuedouble)
		return vfail(c, err, "expected at most %.0f items, got %d", max->valuedouble,
		             count);
	if (!n->items)
		return ECERT_OK;
	cJSON_ArrayForEach(e, x)
	{
		push_index(c, i++);
		rc = validate(c, n->items, e, err);
		pop(c);
		if (rc != ECERT_OK)
			return rc;
	}
	return ECERT_OK;
}

/* Try a sub-schema without reporting: ECERT_OK, ECERT_ERR_SCHEMA (no match, details in
 * *e) or a hard error (schema broken, no memory) in *e. */
static int probe(struct vctx *c, const struct snode *s, const cJSON *x, struct ecert_error *e)
{
	ecert_error_clear(e);
	return validate(c, s, x, e);
}

static int kw_combinators(struct vctx *c, const struct snode *n, const cJSON *x,
                          struct ecert_error *err)
{
	struct ecert_error e, best;
	int rc, passed;

	if (n->comb_bad)
		return sfail(c, err, "allOf/anyOf/oneOf must be non-empty arrays");
	for (int i = 0; i < n->nall; i++) {
		rc = validate(c, n->all[i], x, err);
		if (rc != ECERT_OK)
			return rc;
	}
	for (int pass = 0; pass < 2; pass++) {
		const struct snode *const *arr = pass == 0 ? n->any : n->one;
		int count = pass == 0 ? n->nany : n->none;

		if (!arr)
			continue;
		passed = 0;
		ecert_error_clear(&best);
		for (int i = 0; i < count; i++) {
			rc = probe(c, arr[i], x, &e);
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
			             "matches none of the %d alternatives (closest: %s%s%s)", count,
			             best.where, best.where[0] ? ": " : "", best.msg);
		if (pass == 1 && passed > 1)
			return vfail(c, err, "matches %d of the alternatives, expected exactly one",
			             passed);
	}
	if (n->not_) {
		rc = probe(c, n->not_, x, &e);
		if (rc == ECERT_OK)
			return vfail(c, err, "matches a schema it must not match");
		if (rc != ECERT_ERR_SCHEMA) {
			*err = e;
			return rc;
		}
	}
	if (n->if_) {
		const struct snode *branch;

		rc = probe(c, n->if_, x, &e);
		if (rc != ECERT_OK && rc != ECERT_ERR_SCHEMA) {
			*err = e;
			return rc;
		}
		branch = rc == ECERT_OK ? n->then_ : n->else_;
		if (branch)
			return validate(c, branch, x, err);
	}
	return ECERT_OK;
}

static int validate_node(struct vctx *c, const struct snode *n, const cJSON *x,
                         struct ecert_error *err)
{
	unsigned xt;
	int rc = ECERT_OK;

	switch (n->kind) {
	case SN_TRUE:
		return ECERT_OK;
	case SN_FALSE:
		return vfail(c, err, "no value is allowed here");
	case SN_NOT_SCHEMA:
		return sfail(c, err, "a schema must be an object or a boolean");
	case SN_OBJECT:
		break;
	}
	if (c->depth >= ECERT_SCHEMA_DEPTH_MAX)
		return vfail(c, err, "nested deeper than %d levels", ECERT_SCHEMA_DEPTH_MAX);
	if (n->bad)
		return sfail(c, err, n->bad);
	c->depth++;
	xt = type_bits(x);
	if (n->k[KW_REF]) {
		rc = n->ref ? validate(c, n->ref, x, err) : sfail(c, err, n->ref_bad);
		if (rc != ECERT_OK)
			goto out;
	}
	if (n->k[KW_TYPE] && (rc = kw_type(c, n, x, xt, err)) != ECERT_OK)
		goto out;
	if (n->k[KW_CONST] && !same_value(n->k[KW_CONST], x)) {
		rc = kw_const_fail(c, n->k[KW_CONST], err);
		goto out;
	}
	if (n->k[KW_ENUM]) {
		rc = n->enum_bad ? sfail(c, err, n->enum_bad) : kw_enum(c, n->k[KW_ENUM], x, err);
		if (rc != ECERT_OK)
			goto out;
	}
	if ((n->groups & G_STRING) && (rc = kw_string(c, n, x, xt, err)) != ECERT_OK)
		goto out;
	if ((n->groups & G_NUMBER) && (rc = kw_number(c, n, x, xt, err)) != ECERT_OK)
		goto out;
	if ((n->groups & G_OBJECT) && (rc = kw_object(c, n, x, xt, err)) != ECERT_OK)
		goto out;
	if ((n->groups & G_ARRAY) && (rc = kw_array(c, n, x, xt, err)) != ECERT_OK)
		goto out;
	if (n->groups & G_COMBINATOR)
		rc = kw_combinators(c, n, x, err);
out:
	c->depth--;
	return rc;
}

static int validate(struct vctx *c, const struct snode *n, const cJSON *x, struct ecert_error *err)
{
	int hops = 0, rc;

	/* A node that is only a $ref ("name": {"$ref": "#/$defs/name"}) passes on to its
	 * target one level deeper: followed here without a call per link. Past the depth
	 * bound validate_node() reports it, as for the link itself. */
	while (n->ref_only && c->depth < ECERT_SCHEMA_DEPTH_MAX) {
		c->depth++;
		hops++;
		n = n->ref;
	}
	rc = validate_node(c, n, x, err);
	c->depth -= hops;
	return rc;
}

static int run(const struct sprog *p, const cJSON *instance, struct ecert_error *err)
{
	struct vctx c;

	c.nfr = 0;
	c.depth = 0;
	return validate(&c, p->root, instance, err);
}

/* ------------------------------------------------------------------ embedded schemas */

struct named_entry {
	const char *name; /* the embedded table's path, static */
	cJSON *tree;
	struct sprog *prog;
};

/* Appended under named_lock and published through named_count (release/acquire), like
 * the pattern cache: a verification finds its schema without taking the lock. */
static pthread_mutex_t named_lock = PTHREAD_MUTEX_INITIALIZER;
static struct named_entry named_cache[NAMED_CACHE_MAX];
static size_t named_count;

static const struct named_entry *named_find(const char *name, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++) {
		if (strcmp(named_cache[i].name, name) == 0)
			return &named_cache[i];
	}
	return NULL;
}

/* The cache entry of embedded schema `name`: parsed and compiled on first use. */
static int named_get(const char *name, const struct named_entry **out, struct ecert_error *err)
{
	const struct ecert_data_file *f;
	const struct named_entry *found;
	size_t seen = __atomic_load_n(&named_count, __ATOMIC_ACQUIRE);
	cJSON *tree = NULL;
	struct sprog *prog = NULL;
	int rc = ECERT_OK;

	if (!name || !out)
		return ecert_fail(err, ECERT_ERR_ARG, "no schema name given");
	found = named_find(name, 0, seen);
	if (found) {
		*out = found;
		return ECERT_OK;
	}
	pthread_mutex_lock(&named_lock);
	found = named_find(name, seen, named_count);
	if (found) {
		*out = found;
		goto out;
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
	rc = sprog_compile(tree, &prog);
	if (rc != ECERT_OK) {
		cJSON_Delete(tree);
		rc = ecert_fail(err, rc, "out of memory");
		goto out;
	}
	named_cache[named_count].name = f->path;
	named_cache[named_count].tree = tree;
	named_cache[named_count].prog = prog;
	*out = &named_cache[named_count];
	__atomic_store_n(&named_count, named_count + 1, __ATOMIC_RELEASE);
out:
	pthread_mutex_unlock(&named_lock);
	return rc;
}

int ecert_schema_get(const char *name, const cJSON **out, struct ecert_error *err)
{
	const struct named_entry *e;
	int rc;

	if (!name || !out)
		return ecert_fail(err, ECERT_ERR_ARG, "no schema name given");
	rc = named_get(name, &e, err);
	if (rc == ECERT_OK)
		*out = e->tree;
	return rc;
}

int ecert_schema_validate(const cJSON *schema, const cJSON *instance, struct ecert_error *err)
{
	struct sprog *prog;
	size_t seen = __atomic_load_n(&named_count, __ATOMIC_ACQUIRE);
	int rc;

	if (!schema || !instance)
		return ecert_fail(err, ECERT_ERR_ARG, "no schema or document given");
	/* an embedded schema's tree (from ecert_schema_get) has its compiled form */
	for (size_t i = 0; i < seen; i++) {
		if (named_cache[i].tree == schema)
			return run(named_cache[i].prog, instance, err);
	}
	rc = sprog_compile(schema, &prog);
	if (rc != ECERT_OK)
		return ecert_fail(err, rc, "out of memory");
	rc = run(prog, instance, err);
	sprog_free(prog);
	return rc;
}

int ecert_schema_validate_named(const char *name, const cJSON *instance, struct ecert_error *err)
{
	const struct named_entry *e;
	int rc;

	if (!instance)
		return ecert_fail(err, ECERT_ERR_ARG, "no document given");
	rc = named_get(name, &e, err);
	if (rc != ECERT_OK)
		return rc;
	return run(e->prog, instance, err);
}
