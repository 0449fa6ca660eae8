/* ecert — RFC 8785 JSON Canonicalization Scheme over a cJSON tree.
 *
 * cJSON's printer is not canonical (its number form, its member order), so this is a
 * serializer of its own: members sorted by the UTF-16 code units of their keys (§3.2.3),
 * strings with the minimal escapes (§3.2.2.2), numbers as ECMAScript's Number::toString
 * (§3.2.2.3, ECMA-262 §6.1.6.1.20). Nothing here depends on the locale: the digits are
 * taken out of printf's %e by hand and checked with strtod on a string without a
 * decimal point. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecert/alloc.h"
#include "ecert/jcs.h"
#include "ecert/json.h"

/* A double is always recovered from 17 significant digits (DBL_DECIMAL_DIG). */
#define MAX_DIGITS 17
/* ECMAScript writes plain decimals for 1e-6 <= |x| < 1e21 (exponents -6 .. 20). */
#define PLAIN_EXP_MAX 21
#define PLAIN_EXP_MIN (-6)
/* Objects with at most this many members are sorted in a stack array, by insertion sort;
 * larger ones (never in a certificate) in an allocated one, by qsort. */
#define MEMBERS_ON_STACK 24

/* ---- numbers ------------------------------------------------------------------------ */

/* Take the significant digits and the decimal exponent out of printf's "%.*e" text
 * ("d.ddde+XX"; the decimal point is whatever the locale says, so any non-digit before
 * the 'e' is skipped). Returns the number of digits, 0 if the text is not understood. */
static int split_e(const char *t, char digits[MAX_DIGITS + 1], int *exp10)
{
	int k = 0, e = 0, neg = 0;

	for (; *t && *t != 'e'; t++) {
		if (*t >= '0' && *t <= '9') {
			if (k == MAX_DIGITS)
				return 0;
			digits[k++] = *t;
		}
	}
	if (*t != 'e' || k == 0)
		return 0;
	t++;
	if (*t == '-' || *t == '+')
		neg = *t++ == '-';
	if (!(*t >= '0' && *t <= '9'))
		return 0;
	for (; *t >= '0' && *t <= '9'; t++)
		e = e * 10 + (*t - '0');
	digits[k] = '\0';
	*exp10 = neg ? -e : e;
	return k;
}

/* The double nearest to 0.d1d2...dk × 10^(exp10+1), read by strtod from "d1..dke<exp>"
 * (no decimal point, so the locale plays no part). */
static double value_of(const char *digits, int k, int exp10)
{
	char t[MAX_DIGITS + 16];

	snprintf(t, sizeof(t), "%.*se%d", k, digits, exp10 - (k - 1));
	return strtod(t, NULL);
}

/* Step the k-digit decimal d1.d2..dk × 10^exp10 one unit in its last place up (dir > 0)
 * or down, staying a k-digit decimal (9.99 + 1 → 1.00 × 10^(exp10+1); 1.00 - 1 → 9.99 ×
 * 10^(exp10-1)). */
static void step_digits(char *digits, int k, int *exp10, int dir)
{
	int i;

	if (dir > 0) {
		for (i = k - 1; i >= 0 && digits[i] == '9'; i--)
			digits[i] = '0';
		if (i >= 0) {
			digits[i]++;
		} else {
			digits[0] = '1';
			(*exp10)++;
		}
	} else {
		for (i = k - 1; i >= 0 && digits[i] == '0'; i--)
			digits[i] = '9';
		digits[i]--; /* i >= 0: the leading digit is never 0 */
		if (digits[0] == '0') {
			memset(digits, '9', (size_t)k);
			(*exp10)--;
		}
	}
}

/* Shortest digits of d > 0 that read back as d; when two candidates of that length
 * exist, the nearer one (ECMA-262 Number::toString step 5). The nearest k-digit decimal
 * is printf's correctly rounded %.{k-1}e; at a power of two the rounding interval is
 * lopsided, so if it fails its neighbour on the other side of d may still read back. */
static int shortest(double d, char digits[MAX_DIGITS + 1], int *exp10)
{
	char t[64];
	int k, p, e;
	double v;

	for (p = 1; p <= MAX_DIGITS; p++) {
		snprintf(t, sizeof(t), "%.*e", p - 1, d);
		k = split_e(t, digits, &e);
		if (k != p)
			return 0;
		v = value_of(digits, k, e);
		if (v == d)
			goto found;
		step_digits(digits, k, &e, v < d ? 1 : -1);
		if (value_of(digits, k, e) == d)
			goto found;
	}
	return 0;
found:
	while (k > 1 && digits[k - 1] == '0')
		k--;
	digits[k] = '\0';
	*exp10 = e;
	return k;
}

static size_t put_uint(char *out, size_t at, unsigned v)
{
	char rev[12];
	size_t n = 0;

	do {
		rev[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		out[at++] = rev[--n];
	return at;
}

int ecert_jcs_number(double d, char out[ECERT_JCS_NUMBER_MAX])
{
	char digits[MAX_DIGITS + 1];
	int k, e, n, i;
	size_t at = 0;

	out[0] = '\0';
	if (!isfinite(d))
		return ECERT_ERR_JSON_NUMBER;
	if (d == 0) { /* +0 and -0 */
		out[0] = '0';
		out[1] = '\0';
		return ECERT_OK;
	}
	if (d < 0) {
		out[at++] = '-';
		d = -d;
	}
	k = shortest(d, digits, &e);
	if (k == 0)
		return ECERT_ERR_JSON_NUMBER;
	n = e + 1; /* d = 0.d1..dk × 10^n */
	if (k <= n && n <= PLAIN_EXP_MAX) {
		/* integer: the digits, then n - k zeros */
		for (i = 0; i < k; i++)
			out[at++] = digits[i];
		for (; i < n; i++)
			out[at++] = '0';
	} else if (0 < n && n <= PLAIN_EXP_MAX) {
		for (i = 0; i < n; i++)
			out[at++] = digits[i];
		out[at++] = '.';
		for (; i < k; i++)
			out[at++] = digits[i];
	} else if (PLAIN_EXP_MIN < n && n <= 0) {
		out[at++] = '0';
		out[at++] = '.';
		for (i = n; i < 0; i++)
			out[at++] = '0';
		for (i = 0; i < k; i++)
			out[at++] = digits[i];
	} else {
		out[at++] = digits[0];
		if (k > 1) {
			out[at++] = '.';
			for (i = 1; i < k; i++)
				out[at++] = digits[i];
		}
		out[at++] = 'e';
		out[at++] = n - 1 < 0 ? '-' : '+';
		at = put_uint(out, at, (unsigned)(n - 1 < 0 ? 1 - n : n - 1));
	}
	out[at] = '\0';
	return ECERT_OK;
}

/* ---- strings ------------------------------------------------------------------------ */

/* Length of the valid UTF-8 sequence of two to four bytes at s, 0 if invalid (the same
 * rules as the parser: no overlong forms, no surrogates, nothing above U+10FFFF). */
static size_t utf8_seq(const unsigned char *s)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xBF;
	size_t need, i;

	if (c >= 0xC2 && c <= 0xDF) {
		need = 1;
	} else if (c >= 0xE0 && c <= 0xEF) {
		need = 2;
		lo = c == 0xE0 ? 0xA0 : 0x80;
		hi = c == 0xED ? 0x9F : 0xBF;
	} else if (c >= 0xF0 && c <= 0xF4) {
		need = 3;
		lo = c == 0xF0 ? 0x90 : 0x80;
		hi = c == 0xF4 ? 0x8F : 0xBF;
	} else {
		return 0;
	}
	if (s[1] < lo || s[1] > hi)
		return 0; /* also stops at the NUL */
	for (i = 2; i <= need; i++)
		if (s[i] < 0x80 || s[i] > 0xBF)
			return 0;
	return need + 1;
}

static int utf8_valid(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t n;

	while (*s) {
		if (*s < 0x80) {
			s++;
			continue;
		}
		if ((n = utf8_seq(s)) == 0)
			return 0;
		s += n;
	}
	return 1;
}

/* RFC 8785 §3.2.2.2: escape '"', '\\' and the controls (short forms where JSON has
 * them, else \u00xx in lower case); everything else is written as it is. */
static int put_string(struct ecert_buf *out, const char *str, struct ecert_error *err)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)str;
	size_t run = 0, n;
	char esc[7];

	ecert_buf_putc(out, '"');
	for (;;) {
		unsigned char c = s[run];
		const char *rep = NULL;

		if (c >= 0x80) {
			if ((n = utf8_seq(s + run)) == 0)
				return ecert_fail(err, ECERT_ERR_JSON_UTF8,
						  "string is not valid UTF-8");
			run += n;
			continue;
		}
		if (c >= 0x20 && c != '"' && c != '\\') {
			run++;
			continue;
		}
		/* flush the plain run, then the byte that needs care */
		ecert_buf_append(out, s, run);
		s += run;
		run = 0;
		if (c == '\0')
			break;
		switch (c) {
		case '"':
			rep = "\\\"";
			break;
		case '\\':
			rep = "\\\\";
			break;
		case '\b':
			rep = "\\b";
			break;
		case '\t':
			rep = "\\t";
			break;
		case '\n':
			rep = "\\n";
			break;
		case '\f':
			rep = "\\f";
			break;
		case '\r':
			rep = "\\r";
			break;
		default:
			memcpy(esc, "\\u00", 4);
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 0xF];
			esc[6] = '\0';
			rep = esc;
		}
		ecert_buf_puts(out, rep);
		s++;
	}
	ecert_buf_putc(out, '"');
	return ECERT_OK;
}

/* ---- member order ------------------------------------------------------------------- */

/* Next UTF-16 code unit of a valid UTF-8 string; *pending carries the low surrogate of
 * a character above U+FFFF. Returns 0 at the end. */
static int next_unit(const unsigned char *s, size_t *i, unsigned *pending, unsigned *unit)
{
	unsigned c = s[*i], cp;

	if (*pending) {
		*unit = *pending;
		*pending = 0;
		return 1;
	}
	if (c == 0)
		return 0;
	if (c < 0x80) {
		cp = c;
		*i += 1;
	} else if (c < 0xE0) {
		cp = (c & 0x1Fu) << 6 | (s[*i + 1] & 0x3Fu);
		*i += 2;
	} else if (c < 0xF0) {
		cp = (c & 0x0Fu) << 12 | (s[*i + 1] & 0x3Fu) << 6 | (s[*i + 2] & 0x3Fu);
		*i += 3;
	} else {
		cp = (c & 0x07u) << 18 | (s[*i + 1] & 0x3Fu) << 12 | (s[*i + 2] & 0x3Fu) << 6 |
		     (s[*i + 3] & 0x3Fu);
		*i += 4;
	}
	if (cp >= 0x10000) {
		cp -= 0x10000;
		*unit = 0xD800 + (cp >> 10);
		*pending = 0xDC00 + (cp & 0x3FF);
	} else {
		*unit = cp;
	}
	return 1;
}

/* RFC 8785 §3.2.3: compare keys as arrays of UTF-16 code units (a prefix sorts first).
 * Both keys were checked to be valid UTF-8. The bytes both keys share are the same
 * characters, so the comparison starts at the character holding the first differing
 * byte (most keys differ in their first ASCII letters). */
static int cmp_members(const void *a, const void *b)
{
	const unsigned char *x = (const unsigned char *)(*(const cJSON *const *)a)->string;
	const unsigned char *y = (const unsigned char *)(*(const cJSON *const *)b)->string;
	size_t i = 0, j;
	unsigned px = 0, py = 0, ux = 0, uy = 0;

	while (x[i] && x[i] == y[i])
		i++;
	while (i > 0 && (x[i] & 0xC0) == 0x80)
		i--;
	j = i;

	for (;;) {
		int mx = next_unit(x, &i, &px, &ux);
		int my = next_unit(y, &j, &py, &uy);

		if (!mx || !my)
			return mx - my;
		if (ux != uy)
			return ux < uy ? -1 : 1;
	}
}

/* ---- the tree ----------------------------------------------------------------------- */

static int put_value(const cJSON *v, int depth, struct ecert_buf *out, struct ecert_error *err);

/* Sort members by key; objects are small, so insertion sort below a bound. */
static void sort_members(const cJSON **m, size_t n)
{
	size_t i, j;

	if (n > MEMBERS_ON_STACK) {
		qsort(m, n, sizeof(*m), cmp_members);
		return;
	}
	for (i = 1; i < n; i++) {
		const cJSON *x = m[i];

		for (j = i; j > 0 && cmp_members(&m[j - 1], &x) > 0; j--)
			m[j] = m[j - 1];
		m[j] = x;
	}
}

/* The object's members, sorted; without the member `omit` and with `add` (a member: its
 * ->string is the key), when given. */
static int put_object_edited(const cJSON *obj, int depth, const char *omit, const cJSON *add,
			     struct ecert_buf *out, struct ecert_error *err)
{
	const cJSON *c, *stack[MEMBERS_ON_STACK], **m = stack;
	size_t n = add ? 1 : 0, i;
	int rc = ECERT_ERR_NOMEM;

	cJSON_ArrayForEach(c, obj)
		n++;
	if (n == 0) {
		ecert_buf_puts(out, "{}");
		return ECERT_OK;
	}
	if (n > MEMBERS_ON_STACK)
		m = ecert_malloc(n * sizeof(*m));
	if (!m) {
		rc = ecert_fail(err, ECERT_ERR_NOMEM, "out of memory sorting object members");
		goto out;
	}
	i = 0;
	cJSON_ArrayForEach(c, obj) {
		if (!c->string) {
			rc = ecert_fail(err, ECERT_ERR_ARG, "object member without a key");
			goto out;
		}
		if (!utf8_valid(c->string)) {
			rc = ecert_fail(err, ECERT_ERR_JSON_UTF8, "object key is not valid UTF-8");
			goto out;
		}
		if (omit && strcmp(c->string, omit) == 0)
			continue;
		m[i++] = c;
	}
	if (add) {
		if (!utf8_valid(add->string)) {
			rc = ecert_fail(err, ECERT_ERR_JSON_UTF8, "object key is not valid UTF-8");
			goto out;
		}
		m[i++] = add;
	}
	n = i;
	if (n == 0) {
		ecert_buf_puts(out, "{}");
		rc = ECERT_OK;
		goto out;
	}
	sort_members(m, n);
	ecert_buf_putc(out, '{');
	for (i = 0; i < n; i++) {
		if (i > 0) {
			if (strcmp(m[i - 1]->string, m[i]->string) == 0) {
				rc = ecert_fail(err, ECERT_ERR_JSON_DUPKEY,
						"object has a key twice; JCS needs unique keys");
				goto out;
			}
			ecert_buf_putc(out, ',');
		}
		if ((rc = put_string(out, m[i]->string, err)) != ECERT_OK)
			goto out;
		ecert_buf_putc(out, ':');
		if ((rc = put_value(m[i], depth, out, err)) != ECERT_OK)
			goto out;
	}
	ecert_buf_putc(out, '}');
	rc = ECERT_OK;
out:
	if (m != stack)
		ecert_free(m);
	return rc;
}

static int put_object(const cJSON *obj, int depth, struct ecert_buf *out,
		      struct ecert_error *err)
{
	return put_object_edited(obj, depth, NULL, NULL, out, err);
}

/* depth = containers around v. */
static int put_value(const cJSON *v, int depth, struct ecert_buf *out, struct ecert_error *err)
{
	char num[ECERT_JCS_NUMBER_MAX];
	const cJSON *c;
	int rc;

	if (!v)
		return ecert_fail(err, ECERT_ERR_ARG, "NULL JSON value");
	if ((cJSON_IsArray(v) || cJSON_IsObject(v)) && depth + 1 > ECERT_JSON_DEPTH_CEILING)
		return ecert_fail(err, ECERT_ERR_JSON_DEPTH, "nesting deeper than %d levels",
				  ECERT_JSON_DEPTH_CEILING);
	/* appends that fail leave the buffer marked; ecert_jcs_serialize checks once */
	if (cJSON_IsNull(v)) {
		ecert_buf_puts(out, "null");
		return ECERT_OK;
	}
	if (cJSON_IsTrue(v)) {
		ecert_buf_puts(out, "true");
		return ECERT_OK;
	}
	if (cJSON_IsFalse(v)) {
		ecert_buf_puts(out, "false");
		return ECERT_OK;
	}
	if (cJSON_IsNumber(v)) {
		if (ecert_jcs_number(v->valuedouble, num) != ECERT_OK)
			return ecert_fail(err, ECERT_ERR_JSON_NUMBER,
					  "NaN and infinity have no JSON form");
		ecert_buf_puts(out, num);
		return ECERT_OK;
	}
	if (cJSON_IsString(v)) {
		if (!v->valuestring)
			return ecert_fail(err, ECERT_ERR_ARG, "string value without text");
		return put_string(out, v->valuestring, err);
	}
	if (cJSON_IsObject(v))
		return put_object(v, depth + 1, out, err);
	if (cJSON_IsArray(v)) {
		ecert_buf_putc(out, '[');
		cJSON_ArrayForEach(c, v) {
			if (c != v->child)
				ecert_buf_putc(out, ',');
			if ((rc = put_value(c, depth + 1, out, err)) != ECERT_OK)
				return rc;
		}
		ecert_buf_putc(out, ']');
		return ECERT_OK;
	}
	return ecert_fail(err, ECERT_ERR_ARG, "cJSON node of type %d has no JSON form",
			  v->type & 0xFF);
}

/* Undo a failed append: leave the buffer as it was at `start`. */
static int finish(struct ecert_buf *out, size_t start, int rc, struct ecert_error *err)
{
	if (rc == ECERT_OK && ecert_buf_ok(out) != ECERT_OK)
		rc = ecert_fail(err, ECERT_ERR_NOMEM, "out of memory writing canonical JSON");
	if (rc != ECERT_OK && out->data) {
		out->len = start;
		out->data[start] = '\0';
	}
	return rc;
}

int ecert_jcs_serialize(const cJSON *value, struct ecert_buf *out, struct ecert_error *err)
{
	size_t start;

	if (!out)
		return ecert_fail(err, ECERT_ERR_ARG, "ecert_jcs_serialize: NULL buffer");
	start = out->len;
	return finish(out, start, put_value(value, 0, out, err), err);
}

int ecert_jcs_serialize_edited(const cJSON *obj, const char *omit, const char *add_key,
			       const cJSON *add_value, struct ecert_buf *out,
			       struct ecert_error *err)
{
	cJSON member;
	size_t start;
	int rc;

	if (!out || !cJSON_IsObject(obj) || (add_key && !add_value))
		return ecert_fail(err, ECERT_ERR_ARG, "ecert_jcs_serialize_edited: bad arguments");
	if (add_key) {
		/* a read-only view of add_value under the new key; nothing is linked or freed */
		member = *add_value;
		member.next = member.prev = NULL;
		member.string = (char *)(uintptr_t)add_key;
	}
	start = out->len;
	rc = put_object_edited(obj, 1, omit, add_key ? &member : NULL, out, err);
	return finish(out, start, rc, err);
}
