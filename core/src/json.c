/* ecert — strict JSON parsing (DESIGN §3).
 *
 * cJSON alone accepts duplicate keys, invalid UTF-8 and leading zeros, skips a BOM and
 * turns 1e999 into infinity. So a document goes through three steps:
 *   1. a bounded single-pass validator over the bytes (RFC 8259 grammar, UTF-8 validity,
 *      \u escapes forming valid surrogate pairs, depth and size bounds), which reports
 *      the line, column and byte offset of the first problem;
 *   2. cJSON builds the tree from the same bytes (it can no longer fail except for memory);
 *   3. a walk over the tree rejects duplicate keys (after unescaping, so "a" and "\u0061"
 *      are the same key) and numbers that do not fit a finite double, naming the key path. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecert/alloc.h"
#include "ecert/buf.h"
#include "ecert/file.h"
#include "ecert/json.h"

#if CJSON_NESTING_LIMIT < ECERT_JSON_DEPTH_CEILING
#error "cJSON's nesting limit is below ECERT_JSON_DEPTH_CEILING"
#endif

/* Objects with at most this many members are checked for duplicates pairwise; larger ones
 * are sorted so that a hostile object with many keys costs n log n, not n². */
#define DUP_PAIRWISE_MAX 16

/* Longest quotation of a duplicate key in a message (bytes, with the NUL). */
#define QUOTE_MAX 48

static const char BOM[] = "\xEF\xBB\xBF";

struct scanner {
	const unsigned char *s;
	size_t len;
	size_t pos;
	int max_depth;
	struct ecert_error *err;
};

/* ---- step 1: the validator ---------------------------------------------------------- */

/* Fail at byte offset `at`: where = "line L, column C (byte N)". Columns count
 * characters (UTF-8 lead bytes), so a column points at what an editor shows. */
static int scan_fail(const struct scanner *sc, size_t at, int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int scan_fail(const struct scanner *sc, size_t at, int code, const char *fmt, ...)
{
	char msg[ECERT_ERR_MSG_MAX];
	size_t i, line = 1, col = 1;
	va_list ap;

	for (i = 0; i < at && i < sc->len; i++) {
		if (sc->s[i] == '\n') {
			line++;
			col = 1;
		} else if ((sc->s[i] & 0xC0) != 0x80) {
			col++;
		}
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ecert_error_where(sc->err, "line %zu, column %zu (byte %zu)", line, col, at);
	return ecert_fail(sc->err, code, "%s", msg);
}

/* Describe the byte at `at` for a message: 'x', "end of input" or 0xNN. */
static const char *describe(const struct scanner *sc, size_t at, char buf[16])
{
	unsigned char c;

	if (at >= sc->len)
		return "end of input";
	c = sc->s[at];
	if (c > 0x20 && c < 0x7F)
		snprintf(buf, 16, "'%c'", c);
	else
		snprintf(buf, 16, "byte 0x%02X", c);
	return buf;
}

static void skip_ws(struct scanner *sc)
{
	while (sc->pos < sc->len) {
		unsigned char c = sc->s[sc->pos];

		if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
			return;
		sc->pos++;
	}
}

static int is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static int hex_value(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Read the four hex digits after "\u" at sc->pos (which points at 'u'). */
static int scan_hex4(struct scanner *sc, unsigned *cu)
{
	size_t at = sc->pos - 1; /* the backslash */
	unsigned v = 0;
	int i, h;

	for (i = 1; i <= 4; i++) {
		if (sc->pos + (size_t)i >= sc->len)
			return scan_fail(sc, at, ECERT_ERR_JSON_SYNTAX,
					 "\\u escape needs four hex digits, found end of input");
		h = hex_value(sc->s[sc->pos + (size_t)i]);
		if (h < 0)
			return scan_fail(sc, at, ECERT_ERR_JSON_SYNTAX,
					 "\\u escape needs four hex digits");
		v = v << 4 | (unsigned)h;
	}
	sc->pos += 5;
	*cu = v;
	return ECERT_OK;
}

/* A backslash escape; sc->pos at the backslash. RFC 8259 §7. */
static int scan_escape(struct scanner *sc)
{
	size_t at = sc->pos;
	unsigned hi, lo;
	char d[16];
	int rc;

	sc->pos++;
	if (sc->pos >= sc->len)
		return scan_fail(sc, at, ECERT_ERR_JSON_SYNTAX, "unterminated string");
	switch (sc->s[sc->pos]) {
	case '"':
	case '\\':
	case '/':
	case 'b':
	case 'f':
	case 'n':
	case 'r':
	case 't':
		sc->pos++;
		return ECERT_OK;
	case 'u':
		break;
	default:
		return scan_fail(sc, at, ECERT_ERR_JSON_SYNTAX,
				 "invalid escape: backslash followed by %s",
				 describe(sc, sc->pos, d));
	}
	if ((rc = scan_hex4(sc, &hi)) != ECERT_OK)
		return rc;
	if (hi == 0)
		return scan_fail(sc, at, ECERT_ERR_JSON_SYNTAX,
				 "\\u0000 (NUL) in a string is not supported");
	if (hi >= 0xDC00 && hi <= 0xDFFF)
		return scan_fail(sc, at, ECERT_ERR_JSON_SURROGATE,
				 "lone low surrogate \\u%04X (no high surrogate before it)", hi);
	if (hi < 0xD800 || hi > 0xDBFF)
		return ECERT_OK;
	/* a high surrogate must be followed at once by an escaped low surrogate */
	if (sc->pos + 1 >= sc->len || sc->s[sc->pos] != '\\' || sc->s[sc->pos + 1] != 'u')
		return scan_fail(sc, at, ECERT_ERR_JSON_SURROGATE,
				 "high surrogate \\u%04X not followed by a \\u low surrogate", hi);
	sc->pos++;
	if ((rc = scan_hex4(sc, &lo)) != ECERT_OK)
		return rc;
	if (lo < 0xDC00 || lo > 0xDFFF)
		return scan_fail(sc, at, ECERT_ERR_JSON_SURROGATE,
				 "high surrogate \\u%04X followed by \\u%04X, not a low surrogate",
				 hi, lo);
	return ECERT_OK;
}

/* One UTF-8 sequence of two to four bytes at sc->pos (Unicode 15 table 3-7: no overlong
 * forms, no encoded surrogates, nothing above U+10FFFF). */
static int scan_utf8(struct scanner *sc)
{
	size_t at = sc->pos;
	unsigned char c = sc->s[at], lo = 0x80, hi = 0xBF;
	size_t need, i;

	if (c >= 0xC2 && c <= 0xDF) {
		need = 1;
	} else if (c >= 0xE0 && c <= 0xEF) {
		need = 2;
		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		need = 3;
		if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;
	} else if (c == 0xC0 || c == 0xC1) {
		return scan_fail(sc, at, ECERT_ERR_JSON_UTF8,
				 "overlong UTF-8 sequence (lead byte 0x%02X)", c);
	} else if (c >= 0x80 && c <= 0xBF) {
		return scan_fail(sc, at, ECERT_ERR_JSON_UTF8,
				 "UTF-8 continuation byte 0x%02X without a lead byte", c);
	} else {
		return scan_fail(sc, at, ECERT_ERR_JSON_UTF8,
				 "byte 0x%02X never occurs in UTF-8 (above U+10FFFF)", c);
	}
	for (i = 1; i <= need; i++) {
		unsigned char b;

		if (at + i >= sc->len)
			return scan_fail(sc, at, ECERT_ERR_JSON_UTF8,
					 "truncated UTF-8 sequence at end of input");
		b = sc->s[at + i];
		if (b < 0x80 || b > 0xBF)
			return scan_fail(sc, at, ECERT_ERR_JSON_UTF8,
					 "truncated UTF-8 sequence (byte 0x%02X is not a continuation)",
					 b);
		if (i == 1 && (b < lo || b > hi)) {
			if (c == 0xED)
				return scan_fail(sc, at, ECERT_ERR_JSON_UTF8,
						 "UTF-8-encoded surrogate (0xED 0x%02X)", b);
			if (c == 0xF4)
				return scan_fail(sc, at, ECERT_ERR_JSON_UTF8,
						 "UTF-8 sequence above U+10FFFF (0xF4 0x%02X)", b);
			return scan_fail(sc, at, ECERT_ERR_JSON_UTF8,
					 "overlong UTF-8 sequence (0x%02X 0x%02X)", c, b);
		}
	}
	sc->pos += need + 1;
	return ECERT_OK;
}

/* A string; sc->pos at the opening quote. */
static int scan_string(struct scanner *sc)
{
	size_t start = sc->pos;
	int rc;

	sc->pos++;
	for (;;) {
		unsigned char c;

		if (sc->pos >= sc->len)
			return scan_fail(sc, start, ECERT_ERR_JSON_SYNTAX, "unterminated string");
		c = sc->s[sc->pos];
		if (c == '"') {
			sc->pos++;
			return ECERT_OK;
		}
		if (c == '\\') {
			rc = scan_escape(sc);
		} else if (c < 0x20) {
			return scan_fail(sc, sc->pos, ECERT_ERR_JSON_SYNTAX,
					 "raw control character U+%04X in a string (must be escaped)",
					 c);
		} else if (c < 0x80) {
			sc->pos++;
			continue;
		} else {
			rc = scan_utf8(sc);
		}
		if (rc != ECERT_OK)
			return rc;
	}
}

/* A number, RFC 8259 §6: -? (0 | [1-9][0-9]*) (.[0-9]+)? ([eE][+-]?[0-9]+)? */
static int scan_number(struct scanner *sc)
{
	size_t start = sc->pos;
	const unsigned char *s = sc->s;
	char d[16];

	if (s[sc->pos] == '-')
		sc->pos++;
	if (sc->pos < sc->len && s[sc->pos] == '0') {
		sc->pos++;
		if (sc->pos < sc->len && is_digit(s[sc->pos]))
			return scan_fail(sc, start, ECERT_ERR_JSON_NUMBER,
					 "leading zeros are not allowed in a number");
	} else if (sc->pos < sc->len && is_digit(s[sc->pos])) {
		while (sc->pos < sc->len && is_digit(s[sc->pos]))
			sc->pos++;
	} else if (sc->pos < sc->len && s[sc->pos] == 'I') {
		return scan_fail(sc, start, ECERT_ERR_JSON_NUMBER, "-Infinity is not JSON");
	} else {
		return scan_fail(sc, start, ECERT_ERR_JSON_NUMBER,
				 "malformed number: expected a digit, found %s",
				 describe(sc, sc->pos, d));
	}
	if (sc->pos < sc->len && s[sc->pos] == '.') {
		sc->pos++;
		if (sc->pos >= sc->len || !is_digit(s[sc->pos]))
			return scan_fail(sc, start, ECERT_ERR_JSON_NUMBER,
					 "malformed number: expected a digit after '.'");
		while (sc->pos < sc->len && is_digit(s[sc->pos]))
			sc->pos++;
	}
	if (sc->pos < sc->len && (s[sc->pos] == 'e' || s[sc->pos] == 'E')) {
		sc->pos++;
		if (sc->pos < sc->len && (s[sc->pos] == '+' || s[sc->pos] == '-'))
			sc->pos++;
		if (sc->pos >= sc->len || !is_digit(s[sc->pos]))
			return scan_fail(sc, start, ECERT_ERR_JSON_NUMBER,
					 "malformed number: expected a digit in the exponent");
		while (sc->pos < sc->len && is_digit(s[sc->pos]))
			sc->pos++;
	}
	if (sc->pos - start > ECERT_JSON_NUMBER_MAX_CHARS)
		return scan_fail(sc, start, ECERT_ERR_JSON_NUMBER,
				 "number longer than %d characters is not supported",
				 ECERT_JSON_NUMBER_MAX_CHARS);
	return ECERT_OK;
}

static int scan_literal(struct scanner *sc, const char *word)
{
	size_t n = strlen(word);

	if (sc->len - sc->pos < n || memcmp(sc->s + sc->pos, word, n) != 0)
		return scan_fail(sc, sc->pos, ECERT_ERR_JSON_SYNTAX,
				 "invalid literal (expected %s)", word);
	sc->pos += n;
	return ECERT_OK;
}

static int scan_value(struct scanner *sc, int depth);

/* The body of an array or object; sc->pos at '[' or '{'. */
static int scan_container(struct scanner *sc, int depth)
{
	size_t open = sc->pos;
	int is_obj = sc->s[open] == '{';
	unsigned char close = is_obj ? '}' : ']';
	char d[16];
	int rc;

	if (depth + 1 > sc->max_depth)
		return scan_fail(sc, open, ECERT_ERR_JSON_DEPTH,
				 "nesting deeper than %d levels", sc->max_depth);
	sc->pos++;
	skip_ws(sc);
	if (sc->pos < sc->len && sc->s[sc->pos] == close) {
		sc->pos++;
		return ECERT_OK;
	}
	for (;;) {
		if (is_obj) {
			if (sc->pos >= sc->len || sc->s[sc->pos] != '"') {
				if (sc->pos < sc->len && sc->s[sc->pos] == '\'')
					return scan_fail(sc, sc->pos, ECERT_ERR_JSON_SYNTAX,
							 "single quotes are not JSON");
				if (sc->pos < sc->len && sc->s[sc->pos] == '}')
					return scan_fail(sc, sc->pos, ECERT_ERR_JSON_SYNTAX,
							 "trailing comma in object");
				return scan_fail(sc, sc->pos, ECERT_ERR_JSON_SYNTAX,
						 "expected a string key, found %s",
						 describe(sc, sc->pos, d));
			}
			if ((rc = scan_string(sc)) != ECERT_OK)
				return rc;
			skip_ws(sc);
			if (sc->pos >= sc->len || sc->s[sc->pos] != ':')
				return scan_fail(sc, sc->pos, ECERT_ERR_JSON_SYNTAX,
						 "expected ':' after the key, found %s",
						 describe(sc, sc->pos, d));
			sc->pos++;
			skip_ws(sc);
		} else if (sc->pos < sc->len && sc->s[sc->pos] == ']') {
			return scan_fail(sc, sc->pos, ECERT_ERR_JSON_SYNTAX,
					 "trailing comma in array");
		}
		if ((rc = scan_value(sc, depth + 1)) != ECERT_OK)
			return rc;
		skip_ws(sc);
		if (sc->pos < sc->len && sc->s[sc->pos] == ',') {
			sc->pos++;
			skip_ws(sc);
			continue;
		}
		if (sc->pos < sc->len && sc->s[sc->pos] == close) {
			sc->pos++;
			return ECERT_OK;
		}
		if (sc->pos >= sc->len)
			return scan_fail(sc, open, ECERT_ERR_JSON_SYNTAX, "unterminated %s",
					 is_obj ? "object" : "array");
		return scan_fail(sc, sc->pos, ECERT_ERR_JSON_SYNTAX, "expected ',' or '%c', found %s",
				 close, describe(sc, sc->pos, d));
	}
}

/* Any value at sc->pos (whitespace already skipped); depth = enclosing containers. */
static int scan_value(struct scanner *sc, int depth)
{
	char d[16];

	if (sc->pos >= sc->len)
		return scan_fail(sc, sc->pos, ECERT_ERR_JSON_SYNTAX,
				 "unexpected end of input (expected a value)");
	switch (sc->s[sc->pos]) {
	case '{':
	case '[':
		return scan_container(sc, depth);
	case '"':
		return scan_string(sc);
	case 't':
		return scan_literal(sc, "true");
	case 'f':
		return scan_literal(sc, "false");
	case 'n':
		return scan_literal(sc, "null");
	case 'N':
		return scan_fail(sc, sc->pos, ECERT_ERR_JSON_NUMBER, "NaN is not JSON");
	case 'I':
		return scan_fail(sc, sc->pos, ECERT_ERR_JSON_NUMBER, "Infinity is not JSON");
	case '-':
	case '+':
	case '.':
	case '0':
	case '1':
	case '2':
	case '3':
	case '4':
	case '5':
	case '6':
	case '7':
	case '8':
	case '9':
		return scan_number(sc);
	case '\'':
		return scan_fail(sc, sc->pos, ECERT_ERR_JSON_SYNTAX, "single quotes are not JSON");
	case '/':
		return scan_fail(sc, sc->pos, ECERT_ERR_JSON_SYNTAX, "comments are not JSON");
	default:
		return scan_fail(sc, sc->pos, ECERT_ERR_JSON_SYNTAX, "expected a value, found %s",
				 describe(sc, sc->pos, d));
	}
}

static int scan_document(struct scanner *sc)
{
	int rc;

	if (sc->len >= sizeof(BOM) - 1 && memcmp(sc->s, BOM, sizeof(BOM) - 1) == 0)
		return scan_fail(sc, 0, ECERT_ERR_JSON_SYNTAX,
				 "a UTF-8 byte order mark is not allowed (RFC 8259 §8.1)");
	skip_ws(sc);
	if (sc->pos >= sc->len)
		return scan_fail(sc, sc->pos, ECERT_ERR_JSON_SYNTAX,
				 "empty document (expected a value)");
	if ((rc = scan_value(sc, 0)) != ECERT_OK)
		return rc;
	skip_ws(sc);
	if (sc->pos < sc->len) {
		char d[16];

		return scan_fail(sc, sc->pos, ECERT_ERR_JSON_TRAILING,
				 "data after the JSON value, starting with %s",
				 describe(sc, sc->pos, d));
	}
	return ECERT_OK;
}

/* ---- step 3: the tree walk ---------------------------------------------------------- */

/* The key path of the node being checked ("credentialSubject.name", "items[2]"),
 * truncated at a character boundary if it does not fit. */
struct path {
	char buf[ECERT_ERR_WHERE_MAX];
	size_t len;
};

/* Append s (n bytes) to buf (cap bytes, *len used), control characters shown as '?' so
 * that a message cannot carry terminal escapes. Stops before a UTF-8 character that does
 * not fit; returns 0 if something was cut. Keeps buf NUL-terminated. */
static int append_clean(char *buf, size_t cap, size_t *len, const char *s, size_t n)
{
	size_t i = 0;
	int whole = 1;

	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		size_t clen = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;

		if (clen > n - i || *len + clen >= cap) {
			whole = 0;
			break;
		}
		if (c < 0x20 || c == 0x7F) {
			buf[(*len)++] = '?';
		} else {
			memcpy(buf + *len, s + i, clen);
			*len += clen;
		}
		i += clen;
	}
	buf[*len] = '\0';
	return whole;
}

static void path_add(struct path *p, const char *s, size_t n)
{
	(void)append_clean(p->buf, sizeof(p->buf), &p->len, s, n);
}

/* The empty key is shown as "" so that a location is never empty ({"":1,"":2}). */
static size_t path_push_key(struct path *p, const char *key)
{
	size_t old = p->len;

	if (p->len > 0)
		path_add(p, ".", 1);
	if (*key)
		path_add(p, key, strlen(key));
	else
		path_add(p, "\"\"", 2);
	return old;
}

static size_t path_push_index(struct path *p, size_t i)
{
	char idx[32];
	size_t old = p->len;
	int n = snprintf(idx, sizeof(idx), "[%zu]", i);

	path_add(p, idx, (size_t)n);
	return old;
}

static void path_pop(struct path *p, size_t old)
{
	p->len = old;
	p->buf[old] = '\0';
}

static int cmp_keys(const void *a, const void *b)
{
	const cJSON *const *x = a;
	const cJSON *const *y = b;

	return strcmp((*x)->string, (*y)->string);
}

static int dup_fail(struct path *p, const char *key, struct ecert_error *err)
{
	char quoted[QUOTE_MAX];
	size_t qlen = 0, old;
	int whole = append_clean(quoted, sizeof(quoted), &qlen, key, strlen(key));

	old = path_push_key(p, key);
	ecert_error_where(err, "%s", p->buf);
	path_pop(p, old);
	return ecert_fail(err, ECERT_ERR_JSON_DUPKEY, "duplicate key \"%s%s\" in an object",
			  quoted, whole ? "" : "...");
}

static int check_duplicates(const cJSON *obj, struct path *p, struct ecert_error *err)
{
	const cJSON *a, *b, **v = NULL;
	size_t n = 0, i;
	int rc = ECERT_ERR_NOMEM;

	cJSON_ArrayForEach(a, obj)
		n++;
	if (n <= DUP_PAIRWISE_MAX) {
		for (a = obj->child; a; a = a->next)
			for (b = a->next; b; b = b->next)
				if (strcmp(a->string, b->string) == 0)
					return dup_fail(p, b->string, err);
		return ECERT_OK;
	}
	v = ecert_malloc(n * sizeof(*v));
	if (!v) {
		rc = ecert_fail(err, ECERT_ERR_NOMEM, "out of memory checking for duplicate keys");
		goto out;
	}
	i = 0;
	cJSON_ArrayForEach(a, obj)
		v[i++] = a;
	qsort(v, n, sizeof(*v), cmp_keys);
	for (i = 1; i < n; i++) {
		if (strcmp(v[i - 1]->string, v[i]->string) == 0) {
			rc = dup_fail(p, v[i]->string, err);
			goto out;
		}
	}
	rc = ECERT_OK;
out:
	ecert_free(v);
	return rc;
}

static int check_tree(const cJSON *node, struct path *p, struct ecert_error *err)
{
	const cJSON *c;
	size_t i = 0, old;
	int rc;

	if (cJSON_IsNumber(node) && !isfinite(node->valuedouble)) {
		ecert_error_where(err, "%s", p->len ? p->buf : "(top level)");
		return ecert_fail(err, ECERT_ERR_JSON_NUMBER,
				  "number out of the range of a double");
	}
	if (cJSON_IsObject(node)) {
		if ((rc = check_duplicates(node, p, err)) != ECERT_OK)
			return rc;
		cJSON_ArrayForEach(c, node) {
			old = path_push_key(p, c->string);
			rc = check_tree(c, p, err);
			path_pop(p, old);
			if (rc != ECERT_OK)
				return rc;
		}
	} else if (cJSON_IsArray(node)) {
		cJSON_ArrayForEach(c, node) {
			old = path_push_index(p, i++);
			rc = check_tree(c, p, err);
			path_pop(p, old);
			if (rc != ECERT_OK)
				return rc;
		}
	}
	return ECERT_OK;
}

/* ---- public ------------------------------------------------------------------------- */

int ecert_json_parse(const char *text, size_t len, const struct ecert_json_limits *limits,
		     cJSON **out, struct ecert_error *err)
{
	struct scanner sc = {(const unsigned char *)text, len, 0, ECERT_JSON_MAX_DEPTH, err};
	size_t max_bytes = ECERT_JSON_MAX_BYTES;
	struct path p = {{0}, 0};
	cJSON *tree = NULL;
	int rc;

	if (!out || (!text && len > 0))
		return ecert_fail(err, ECERT_ERR_ARG, "ecert_json_parse: NULL argument");
	if (limits && limits->max_bytes)
		max_bytes = limits->max_bytes;
	if (limits && limits->max_depth > 0)
		sc.max_depth = limits->max_depth;
	if (sc.max_depth > ECERT_JSON_DEPTH_CEILING)
		sc.max_depth = ECERT_JSON_DEPTH_CEILING;
	if (len > max_bytes) {
		ecert_error_where(err, "byte %zu", max_bytes);
		return ecert_fail(err, ECERT_ERR_JSON_SIZE,
				  "document is %zu bytes, larger than the %zu-byte limit", len,
				  max_bytes);
	}
	if ((rc = scan_document(&sc)) != ECERT_OK)
		return rc;
	/* The bytes are valid strict JSON, so cJSON can only fail for lack of memory. */
	tree = cJSON_ParseWithLengthOpts(text, len, NULL, 0);
	if (!tree) {
		ecert_error_where(err, "%s", "");
		return ecert_fail(err, ECERT_ERR_NOMEM, "out of memory building the JSON tree");
	}
	if ((rc = check_tree(tree, &p, err)) != ECERT_OK)
		goto out;
	*out = tree;
	tree = NULL;
	rc = ECERT_OK;
out:
	cJSON_Delete(tree);
	return rc;
}

int ecert_json_parse_file(const char *path, const struct ecert_json_limits *limits,
			  cJSON **out, struct ecert_error *err)
{
	struct ecert_buf b = ECERT_BUF_INIT;
	size_t max_bytes = limits && limits->max_bytes ? limits->max_bytes : ECERT_JSON_MAX_BYTES;
	int rc;

	if (!path || !out)
		return ecert_fail(err, ECERT_ERR_ARG, "ecert_json_parse_file: NULL argument");
	rc = ecert_file_read(path, max_bytes, &b, err);
	if (rc != ECERT_OK)
		goto out; /* where is already the path */
	rc = ecert_json_parse((const char *)b.data, b.len, limits, out, err);
	if (rc != ECERT_OK)
		ecert_error_prefix(err, "%s", strcmp(path, "-") == 0 ? "<stdin>" : path);
out:
	ecert_buf_free(&b);
	return rc;
}

const char *ecert_json_str(const cJSON *obj, const char *key)
{
	const cJSON *v;

	if (!cJSON_IsObject(obj) || !key)
		return NULL;
	v = cJSON_GetObjectItemCaseSensitive(obj, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

const cJSON *ecert_json_obj(const cJSON *obj, const char *key)
{
	const cJSON *v;

	if (!cJSON_IsObject(obj) || !key)
		return NULL;
	v = cJSON_GetObjectItemCaseSensitive(obj, key);
	return cJSON_IsObject(v) ? v : NULL;
}

const cJSON *ecert_json_arr(const cJSON *obj, const char *key)
{
	const cJSON *v;

	if (!cJSON_IsObject(obj) || !key)
		return NULL;
	v = cJSON_GetObjectItemCaseSensitive(obj, key);
	return cJSON_IsArray(v) ? v : NULL;
}
