/* ecert — strict JSON parsing (DESIGN §3).
 *
 * cJSON alone accepts duplicate keys, invalid UTF-8 and leading zeros, skips a BOM and
 * turns 1e999 into infinity. So the text is read here instead, in one bounded pass that
 *   - validates it (RFC 8259 grammar, UTF-8 validity, \u escapes forming valid surrogate
 *     pairs, depth and size bounds) and reports the line, column and byte offset of the
 *     first problem, and
 *   - builds the tree cJSON_ParseWithLengthOpts would build from the same bytes: the same
 *     nodes in the same order, allocated through cJSON's hooks (cJSON_malloc) so that
 *     cJSON_Delete frees them, strings unescaped to the same bytes, numbers converted as
 *     cJSON converts them (strtod, valueint saturated).
 * Duplicate keys (compared after unescaping, so "a" and "\u0061" are the same key) and
 * numbers that do not fit a finite double are noticed while the tree is built but
 * reported only once the whole text is known to be well-formed, by a walk over the tree
 * that names the key path of the first one (depth first, an object's own keys before its
 * members'): a syntax error anywhere wins, and the answer does not depend on the order in
 * which the problems were met. Without such a problem there is no walk.
 *
 * On the way the scanner notices whether the text is already its own JCS form (RFC 8785):
 * no white space, no escape in a string, only integers of at most 15 digits (not -0), and
 * in every object ASCII keys in increasing byte order (which is UTF-16 order for ASCII).
 * That is a sufficient condition, not a necessary one: a canonical text with an escape or
 * a fraction is "not known canonical", and callers then serialize as before. */
#include <limits.h>
#include <locale.h>
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

/* Longest decimal point of a locale that a number is copied with for strtod (bytes: one
 * UTF-8 character). */
#define DECIMAL_POINT_MAX 4

static const char BOM[] = "\xEF\xBB\xBF";

static const char NOMEM_TREE[] = "out of memory building the JSON tree";
static const char NOMEM_DUPS[] = "out of memory checking for duplicate keys";

struct scanner {
	const unsigned char *s;
	size_t len;
	size_t pos;
	int max_depth;
	int suspect;       /* a duplicate key or a non-finite number is in the tree */
	const char *nomem; /* an allocation failed (the message): from then on nothing is built */
	struct ecert_error *err;
	int noncanon;        /* the text is not known to be its own JCS form */
	const char *cut_key; /* the top-level member whose bytes to note, or NULL */
	size_t cut_from, cut_to;
};

/* ---- validation ---------------------------------------------------------------------- */

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
	size_t start = sc->pos;

	while (sc->pos < sc->len) {
		unsigned char c = sc->s[sc->pos];

		if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
			break;
		sc->pos++;
	}
	if (sc->pos != start)
		sc->noncanon = 1; /* JCS has no white space */
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

/* A backslash escape; sc->pos at the backslash. RFC 8259 §7. *n is the number of bytes
 * it stands for once unescaped (UTF-8). */
static int scan_escape(struct scanner *sc, size_t *n)
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
		*n = 1;
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
	if (hi < 0xD800 || hi > 0xDBFF) {
		*n = hi < 0x80 ? 1 : hi < 0x800 ? 2 : 3;
		return ECERT_OK;
	}
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
	*n = 4;
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

/* The bytes that stand for themselves in a string: printable ASCII other than '"' and
 * '\\' (a table, as this is the loop most of a document goes through). */
static const unsigned char plain[256] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x00 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x10 */
	1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0x20: '"' */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0x30 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0x40 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1, /* 0x50: '\\' */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0x60 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0x70 */
	/* 0x80-0xFF: 0 */
};

static int is_cont(unsigned char c)
{
	return (c & 0xC0) == 0x80;
}

/* A string; sc->pos at the opening quote, then after the closing one. *out_len is its
 * length once unescaped; *escaped says whether it has any escape. */
static int scan_string(struct scanner *sc, size_t *out_len, int *escaped)
{
	const unsigned char *s = sc->s;
	size_t len = sc->len, start = sc->pos, pos = start + 1, shrink = 0, n = 0;
	int rc;

	*escaped = 0;
	for (;;) {
		unsigned char c;

		while (pos < len && plain[s[pos]])
			pos++;
		if (pos >= len)
			return scan_fail(sc, start, ECERT_ERR_JSON_SYNTAX, "unterminated string");
		c = s[pos];
		if (c == '"')
			break;
		/* The common valid UTF-8 forms at once: two bytes, and three bytes where the
		 * second byte has no narrower range (not after 0xE0 or 0xED); scan_utf8 has
		 * the rest and every error. */
		if (c >= 0xE1 && c <= 0xEF && c != 0xED && pos + 2 < len && is_cont(s[pos + 1]) &&
		    is_cont(s[pos + 2])) {
			pos += 3;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF && pos + 1 < len && is_cont(s[pos + 1])) {
			pos += 2;
			continue;
		}
		sc->pos = pos;
		if (c == '\\') {
			rc = scan_escape(sc, &n);
			if (rc == ECERT_OK) {
				shrink += sc->pos - pos - n;
				*escaped = 1;
			}
		} else if (c < 0x20) {
			return scan_fail(sc, pos, ECERT_ERR_JSON_SYNTAX,
					 "raw control character U+%04X in a string (must be escaped)",
					 c);
		} else {
			rc = scan_utf8(sc);
		}
		if (rc != ECERT_OK)
			return rc;
		pos = sc->pos;
	}
	*out_len = pos - start - 1 - shrink;
	sc->pos = pos + 1;
	return ECERT_OK;
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

/* ---- building the tree --------------------------------------------------------------- */

/* n bytes from cJSON's allocator, which cJSON_Delete frees with, or NULL once an
 * allocation has failed: from then on the text is only validated, so that a syntax
 * error further on is still the answer. */
static void *tree_alloc(struct scanner *sc, size_t n)
{
	void *m;

	if (sc->nomem)
		return NULL;
	m = cJSON_malloc(n);
	if (!m)
		sc->nomem = NOMEM_TREE;
	return m;
}

static cJSON *new_node(struct scanner *sc)
{
	cJSON *node = tree_alloc(sc, sizeof(*node));

	if (node)
		*node = (cJSON){0};
	return node;
}

/* The four hex digits at p (already validated). */
static unsigned hex4(const unsigned char *p)
{
	unsigned v = 0;
	int i;

	for (i = 0; i < 4; i++)
		v = v << 4 | (unsigned)hex_value(p[i]);
	return v;
}

static unsigned char *put_utf8(unsigned char *o, unsigned cp)
{
	if (cp < 0x80) {
		*o++ = (unsigned char)cp;
	} else if (cp < 0x800) {
		*o++ = (unsigned char)(0xC0 | cp >> 6);
		*o++ = (unsigned char)(0x80 | (cp & 0x3F));
	} else if (cp < 0x10000) {
		*o++ = (unsigned char)(0xE0 | cp >> 12);
		*o++ = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
		*o++ = (unsigned char)(0x80 | (cp & 0x3F));
	} else {
		*o++ = (unsigned char)(0xF0 | cp >> 18);
		*o++ = (unsigned char)(0x80 | (cp >> 12 & 0x3F));
		*o++ = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
		*o++ = (unsigned char)(0x80 | (cp & 0x3F));
	}
	return o;
}

/* Copy the body of a string that scan_string accepted (n bytes between the quotes) to
 * out, unescaped: a \u escape, or a surrogate pair of them, becomes its UTF-8 form. */
static void unescape(const unsigned char *in, size_t n, unsigned char *out)
{
	const unsigned char *end = in + n;
	unsigned cp;

	while (in < end) {
		if (*in != '\\') {
			*out++ = *in++;
			continue;
		}
		switch (in[1]) {
		case 'b':
			*out++ = '\b';
			break;
		case 'f':
			*out++ = '\f';
			break;
		case 'n':
			*out++ = '\n';
			break;
		case 'r':
			*out++ = '\r';
			break;
		case 't':
			*out++ = '\t';
			break;
		case 'u':
			cp = hex4(in + 2);
			if (cp >= 0xD800 && cp <= 0xDBFF) {
				cp = 0x10000 + ((cp & 0x3FF) << 10 | (hex4(in + 8) & 0x3FF));
				in += 6;
			}
			out = put_utf8(out, cp);
			in += 4;
			break;
		default: /* '"', '\\', '/' */
			*out++ = in[1];
			break;
		}
		in += 2;
	}
}

/* A string at sc->pos (the opening quote). If dst is given, *dst becomes its unescaped
 * copy, unless an allocation has failed. */
static int read_string(struct scanner *sc, char **dst)
{
	size_t start = sc->pos, n = 0;
	unsigned char *copy;
	int escaped, rc;

	if ((rc = scan_string(sc, &n, &escaped)) != ECERT_OK)
		return rc;
	if (escaped)
		sc->noncanon = 1; /* JCS writes some escapes differently: not worth telling */
	if (!dst || !(copy = tree_alloc(sc, n + 1)))
		return ECERT_OK;
	if (escaped)
		unescape(sc->s + start + 1, sc->pos - start - 2, copy);
	else
		memcpy(copy, sc->s + start + 1, n);
	copy[n] = '\0';
	*dst = (char *)copy;
	return ECERT_OK;
}

/* Give item the value cJSON gives the number token tok (n bytes, at most
 * ECERT_JSON_NUMBER_MAX_CHARS): strtod on a copy in which '.' is the locale's decimal
 * point, as strtod wants it, and valueint saturated as cJSON_SetNumberHelper does. */
static void set_number(cJSON *item, const unsigned char *tok, size_t n)
{
	char buf[ECERT_JSON_NUMBER_MAX_CHARS + DECIMAL_POINT_MAX + 1];
	size_t i, o = 0;
	double v;

	for (i = 0; i < n; i++) {
		if (tok[i] == '.') {
			const char *dp = localeconv()->decimal_point;
			size_t dn = strlen(dp);

			if (dn == 0 || dn > DECIMAL_POINT_MAX) {
				dp = ".";
				dn = 1;
			}
			memcpy(buf + o, dp, dn);
			o += dn;
		} else {
			buf[o++] = (char)tok[i];
		}
	}
	buf[o] = '\0';
	v = strtod(buf, NULL);
	item->type = cJSON_Number;
	item->valuedouble = v;
	if (v >= (double)INT_MAX)
		item->valueint = INT_MAX;
	else if (v <= (double)INT_MIN)
		item->valueint = INT_MIN;
	else
		item->valueint = (int)v;
}

static int cmp_keys(const void *a, const void *b)
{
	const cJSON *const *x = a;
	const cJSON *const *y = b;

	return strcmp((*x)->string, (*y)->string);
}

/* The key that object obj (n members) has twice, or NULL: for a small object the first
 * key, in member order, that comes again; for a larger one the least such key in strcmp
 * order. ECERT_ERR_NOMEM if the array to sort could not be allocated. */
static int find_duplicate(const cJSON *obj, size_t n, const char **dup)
{
	const cJSON *a, *b, **v;
	size_t i;

	*dup = NULL;
	if (n <= DUP_PAIRWISE_MAX) {
		for (a = obj->child; a; a = a->next)
			for (b = a->next; b; b = b->next)
				if (a->string[0] == b->string[0] &&
				    strcmp(a->string, b->string) == 0) {
					*dup = b->string;
					return ECERT_OK;
				}
		return ECERT_OK;
	}
	v = ecert_malloc(n * sizeof(*v));
	if (!v)
		return ECERT_ERR_NOMEM;
	i = 0;
	for (a = obj->child; a; a = a->next)
		v[i++] = a;
	qsort(v, n, sizeof(*v), cmp_keys);
	for (i = 1; i < n; i++) {
		if (strcmp(v[i - 1]->string, v[i]->string) == 0) {
			*dup = v[i]->string;
			break;
		}
	}
	ecert_free(v);
	return ECERT_OK;
}

/* ---- the parser: validation and tree in one pass ----------------------------------- */

/* An object's member key has been read (node->string, NULL once an allocation failed):
 * JCS order is increasing UTF-16 order, which for ASCII keys is byte order. */
static void note_key(struct scanner *sc, const cJSON *node, const char **prev)
{
	const unsigned char *k;

	if (sc->noncanon)
		return;
	if (!node || !node->string) {
		sc->noncanon = 1;
		return;
	}
	for (k = (const unsigned char *)node->string; *k; k++)
		if (*k >= 0x80) {
			sc->noncanon = 1;
			return;
		}
	if (*prev && strcmp(*prev, node->string) >= 0)
		sc->noncanon = 1;
	*prev = node->string;
}

/* A top-level member (key at key_at, value ending at sc->pos; `before` members before
 * it) has been read: if it is sc->cut_key, note the bytes to drop for the text without
 * it — with the comma before it, or for the first member the comma after it. Only used
 * when the text turns out canonical, i.e. without white space. */
static void note_cut(struct scanner *sc, const cJSON *node, size_t key_at, size_t before)
{
	if (sc->noncanon || !node || !node->string || strcmp(node->string, sc->cut_key) != 0)
		return;
	if (before > 0) {
		sc->cut_from = key_at - 1;
		sc->cut_to = sc->pos;
	} else {
		sc->cut_from = key_at;
		sc->cut_to = sc->pos < sc->len && sc->s[sc->pos] == ',' ? sc->pos + 1 : sc->pos;
	}
}

/* Every scan_* below that takes an item fills it (type, value, children) when it is not
 * NULL; it is NULL once an allocation has failed. */
static int scan_value(struct scanner *sc, int depth, cJSON *item);

/* The body of an array or object; sc->pos at '[' or '{'. Members are linked as cJSON
 * links them: next/prev, and the first member's prev is the last one. */
static int scan_container(struct scanner *sc, int depth, cJSON *item)
{
	size_t open = sc->pos, n = 0;
	int is_obj = sc->s[open] == '{';
	unsigned char close = is_obj ? '}' : ']';
	cJSON *node, *last = NULL;
	const char *dup, *prev_key = NULL;
	size_t key_at = 0, members = 0;
	char d[16];
	int rc;

	if (depth + 1 > sc->max_depth)
		return scan_fail(sc, open, ECERT_ERR_JSON_DEPTH,
				 "nesting deeper than %d levels", sc->max_depth);
	if (item)
		item->type = is_obj ? cJSON_Object : cJSON_Array;
	sc->pos++;
	skip_ws(sc);
	if (sc->pos < sc->len && sc->s[sc->pos] == close) {
		sc->pos++;
		return ECERT_OK;
	}
	for (;;) {
		node = item ? new_node(sc) : NULL;
		if (node) {
			if (last) {
				last->next = node;
				node->prev = last;
			} else {
				item->child = node;
			}
			last = node;
			n++;
		}
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
			key_at = sc->pos;
			if ((rc = read_string(sc, node ? &node->string : NULL)) != ECERT_OK)
				return rc;
			note_key(sc, node, &prev_key);
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
		if ((rc = scan_value(sc, depth + 1, node)) != ECERT_OK)
			return rc;
		if (is_obj && depth == 0 && sc->cut_key)
			note_cut(sc, node, key_at, members);
		members++;
		skip_ws(sc);
		if (sc->pos < sc->len && sc->s[sc->pos] == ',') {
			sc->pos++;
			skip_ws(sc);
			continue;
		}
		if (sc->pos < sc->len && sc->s[sc->pos] == close) {
			sc->pos++;
			break;
		}
		if (sc->pos >= sc->len)
			return scan_fail(sc, open, ECERT_ERR_JSON_SYNTAX, "unterminated %s",
					 is_obj ? "object" : "array");
		return scan_fail(sc, sc->pos, ECERT_ERR_JSON_SYNTAX, "expected ',' or '%c', found %s",
				 close, describe(sc, sc->pos, d));
	}
	if (last)
		item->child->prev = last;
	/* Once one problem is known the walk finds the first; until then look for one. */
	if (is_obj && n > 1 && !sc->nomem && !sc->suspect) {
		if (find_duplicate(item, n, &dup) != ECERT_OK)
			sc->nomem = NOMEM_DUPS;
		else if (dup)
			sc->suspect = 1;
	}
	return ECERT_OK;
}

/* A literal; item, if given, becomes `type` (true has valueint 1, as cJSON makes it). */
static int scan_literal_value(struct scanner *sc, const char *word, int type, cJSON *item)
{
	int rc = scan_literal(sc, word);

	if (rc == ECERT_OK && item) {
		item->type = type;
		if (type == cJSON_True)
			item->valueint = 1;
	}
	return rc;
}

/* Whether number token tok (n bytes, valid) is written as JCS writes its value: an
 * integer of at most 15 digits (below 2^53, so exact), not -0. */
static int canonical_number(const unsigned char *tok, size_t n)
{
	size_t i = tok[0] == '-';

	if (n - i > 15 || (n - i > 1 && tok[i] == '0') || (i && n == 2 && tok[1] == '0'))
		return 0;
	for (; i < n; i++)
		if (!is_digit(tok[i]))
			return 0;
	return 1;
}

static int scan_number_value(struct scanner *sc, cJSON *item)
{
	size_t start = sc->pos;
	int rc = scan_number(sc);

	if (rc == ECERT_OK && !sc->noncanon && !canonical_number(sc->s + start, sc->pos - start))
		sc->noncanon = 1;

	if (rc == ECERT_OK && item) {
		set_number(item, sc->s + start, sc->pos - start);
		if (!isfinite(item->valuedouble))
			sc->suspect = 1;
	}
	return rc;
}

/* Any value at sc->pos (whitespace already skipped); depth = enclosing containers. */
static int scan_value(struct scanner *sc, int depth, cJSON *item)
{
	char d[16];
	int rc;

	if (sc->pos >= sc->len)
		return scan_fail(sc, sc->pos, ECERT_ERR_JSON_SYNTAX,
				 "unexpected end of input (expected a value)");
	switch (sc->s[sc->pos]) {
	case '{':
	case '[':
		return scan_container(sc, depth, item);
	case '"':
		rc = read_string(sc, item ? &item->valuestring : NULL);
		if (item)
			item->type = cJSON_String;
		return rc;
	case 't':
		return scan_literal_value(sc, "true", cJSON_True, item);
	case 'f':
		return scan_literal_value(sc, "false", cJSON_False, item);
	case 'n':
		return scan_literal_value(sc, "null", cJSON_NULL, item);
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
		return scan_number_value(sc, item);
	case '\'':
		return scan_fail(sc, sc->pos, ECERT_ERR_JSON_SYNTAX, "single quotes are not JSON");
	case '/':
		return scan_fail(sc, sc->pos, ECERT_ERR_JSON_SYNTAX, "comments are not JSON");
	default:
		return scan_fail(sc, sc->pos, ECERT_ERR_JSON_SYNTAX, "expected a value, found %s",
				 describe(sc, sc->pos, d));
	}
}

/* The whole text; *root is the tree built so far, also on failure (the caller frees it). */
static int scan_document(struct scanner *sc, cJSON **root)
{
	int rc;

	if (sc->len >= sizeof(BOM) - 1 && memcmp(sc->s, BOM, sizeof(BOM) - 1) == 0)
		return scan_fail(sc, 0, ECERT_ERR_JSON_SYNTAX,
				 "a UTF-8 byte order mark is not allowed (RFC 8259 §8.1)");
	skip_ws(sc);
	if (sc->pos >= sc->len)
		return scan_fail(sc, sc->pos, ECERT_ERR_JSON_SYNTAX,
				 "empty document (expected a value)");
	*root = new_node(sc);
	if ((rc = scan_value(sc, 0, *root)) != ECERT_OK)
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

/* ---- reporting a duplicate key or an out-of-range number: the tree walk ------------- */

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
	const cJSON *a;
	const char *dup;
	size_t n = 0;

	cJSON_ArrayForEach(a, obj)
		n++;
	if (find_duplicate(obj, n, &dup) != ECERT_OK)
		return ecert_fail(err, ECERT_ERR_NOMEM, "%s", NOMEM_DUPS);
	return dup ? dup_fail(p, dup, err) : ECERT_OK;
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
	return ecert_json_parse_canon(text, len, limits, NULL, out, NULL, err);
}

int ecert_json_parse_canon(const char *text, size_t len, const struct ecert_json_limits *limits,
			   const char *cut_key, cJSON **out, struct ecert_json_canon *canon,
			   struct ecert_error *err)
{
	struct scanner sc = {(const unsigned char *)text, len, 0, ECERT_JSON_MAX_DEPTH, 0, NULL,
			     err, 0, cut_key, 0, 0};
	size_t max_bytes = ECERT_JSON_MAX_BYTES;
	cJSON *tree = NULL;
	int rc;

	if (canon)
		*canon = (struct ecert_json_canon){0, 0, 0};
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
	if ((rc = scan_document(&sc, &tree)) != ECERT_OK)
		goto out;
	/* The text is well-formed: what is left is memory, then the problems the walk names. */
	if (sc.nomem) {
		if (sc.nomem == NOMEM_TREE)
			ecert_error_where(err, "%s", "");
		rc = ecert_fail(err, ECERT_ERR_NOMEM, "%s", sc.nomem);
		goto out;
	}
	if (sc.suspect) {
		struct path p = {{0}, 0};

		if ((rc = check_tree(tree, &p, err)) != ECERT_OK)
			goto out;
	}
	*out = tree;
	tree = NULL;
	if (canon && !sc.noncanon) {
		canon->canonical = 1;
		canon->cut_from = sc.cut_from;
		canon->cut_to = sc.cut_to;
	}
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
