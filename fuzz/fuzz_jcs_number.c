/* fuzz_jcs_number: ecert_jcs_number, the ECMAScript Number::toString of RFC 8785 §3.2.2.3.
 *
 * The first 8 bytes of the input are a double (host byte order). For NaN and the
 * infinities the function must refuse (ECERT_ERR_JSON_NUMBER, empty output). For a finite
 * d it must succeed and:
 *   - strtod gives back exactly d (-0 is written "0");
 *   - the text is a JSON number that the strict parser accepts, with the value d;
 *   - the digits are the shortest that read back as d: no decimal with one digit fewer
 *     (the one just below d or just above, taken from printf under the directed rounding
 *     modes) reads back as d;
 *   - among decimals with that many digits, it is the nearest to d when the nearest reads
 *     back (the correctly rounded %.*e of glibc);
 *   - the layout is ECMAScript's: an exponent exactly when the decimal exponent n (d =
 *     0.ddd × 10^n) is outside -6 < n <= 21, written e+N or e-N. */
#include <fenv.h>
#include <math.h>
#include <string.h>

#include "ecert/jcs.h"
#include "ecert/json.h"
#include "fuzz.h"

#define MAX_SIG 17   /* significant digits of a double, at most */
#define MAX_TEXT 64  /* room for a %.*e text of up to MAX_SIG digits */
#define PLAIN_MAX 21 /* ECMAScript plain forms: -6 < n <= 21 */
#define PLAIN_MIN (-6)

FUZZ_INIT

/* A decimal text (sign, digits, optional '.', optional exponent) reduced to its
 * significant digits (no leading or trailing zeros) and the exponent e of the first of
 * them (value = d1.d2d3… × 10^e). Returns the number of digits; 0 for zero or on
 * anything unexpected. */
static int normalize(const char *s, char *dig, size_t cap, int *e)
{
	size_t k = 0;
	int point = -1, all = 0, lead = 0, exp = 0, neg = 0;

	if (*s == '-')
		s++;
	for (; *s && *s != 'e' && *s != 'E'; s++) {
		if (*s == '.') {
			point = all;
			continue;
		}
		if (*s < '0' || *s > '9')
			return 0;
		all++;
		if (k == 0 && *s == '0') {
			lead++;
			continue;
		}
		if (k + 1 >= cap)
			return 0;
		dig[k++] = *s;
	}
	if (*s) {
		s++;
		if (*s == '+' || *s == '-')
			neg = *s++ == '-';
		for (; *s >= '0' && *s <= '9'; s++)
			exp = exp * 10 + (*s - '0');
	}
	while (k > 0 && dig[k - 1] == '0')
		k--;
	dig[k] = '\0';
	if (k == 0)
		return 0;
	if (point < 0)
		point = all;
	*e = point - lead - 1 + (neg ? -exp : exp);
	return (int)k;
}

/* What the JSON grammar (checked by the parser above) leaves open: no 'E', no '+'
 * except in "e+", no trailing zero after a '.', one digit before the '.' in the exponent
 * form, and an exponent without leading zeros. */
static int layout_ok(const char *s, int has_exp)
{
	const char *dot = strchr(s, '.'), *ep = strchr(s, 'e');
	const char *end = ep ? ep : s + strlen(s);
	const char *m = *s == '-' ? s + 1 : s, *plus = strchr(s, '+');

	if (strchr(s, 'E') || (plus && (!ep || plus != ep + 1)))
		return 0;
	if (dot && end[-1] == '0')
		return 0;
	if (!has_exp)
		return 1;
	if (dot && dot != m + 1)
		return 0;
	if (!dot && end != m + 1)
		return 0;
	if (ep[1] != '+' && ep[1] != '-')
		return 0;
	return ep[2] >= '1' && ep[2] <= '9';
}

/* printf's %.{p-1}e of d under rounding mode `mode` (glibc honours it), read back with
 * strtod under round-to-nearest. */
static double decimal_near(double d, int p, int mode, char t[MAX_TEXT])
{
	fesetround(mode);
	snprintf(t, MAX_TEXT, "%.*e", p - 1, d);
	fesetround(FE_TONEAREST);
	return strtod(t, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char out[ECERT_JCS_NUMBER_MAX], dig[MAX_TEXT], ndig[MAX_TEXT], t[MAX_TEXT];
	struct ecert_error err;
	cJSON *v = NULL;
	double d, back;
	int rc, k, e, n, ne, has_exp;

	if (size < sizeof(d))
		return 0;
	memcpy(&d, data, sizeof(d));
	rc = ecert_jcs_number(d, out);
	if (!isfinite(d)) {
		FUZZ_CHECK(rc == ECERT_ERR_JSON_NUMBER && out[0] == '\0',
		           "%g: rc %d, output \"%s\"", d, rc, out);
		return 0;
	}
	FUZZ_CHECK(rc == ECERT_OK, "%a: rc %d", d, rc);
	FUZZ_CHECK(memchr(out, '\0', sizeof(out)) != NULL, "%a: output not terminated", d);

	back = strtod(out, NULL);
	FUZZ_CHECK(back == d, "%a written \"%s\" reads back as %a", d, out, back);

	ecert_error_clear(&err);
	rc = ecert_json_parse(out, strlen(out), NULL, &v, &err);
	FUZZ_CHECK(rc == ECERT_OK && cJSON_IsNumber(v) && v->valuedouble == d,
	           "%a written \"%s\": not that JSON number (%s: %s)", d, out, ecert_errname(rc),
	           err.msg);
	cJSON_Delete(v);

	if (d == 0) {
		FUZZ_CHECK(strcmp(out, "0") == 0, "zero written \"%s\"", out);
		return 0;
	}
	k = normalize(out, dig, sizeof(dig), &e);
	FUZZ_CHECK(k > 0 && k <= MAX_SIG, "%a written \"%s\": %d significant digits", d, out, k);

	/* shortest: neither neighbouring (k-1)-digit decimal reads back as d */
	if (k > 1) {
		back = decimal_near(d, k - 1, FE_DOWNWARD, t);
		FUZZ_CHECK(back != d, "%a written \"%s\", but \"%s\" is shorter", d, out, t);
		back = decimal_near(d, k - 1, FE_UPWARD, t);
		FUZZ_CHECK(back != d, "%a written \"%s\", but \"%s\" is shorter", d, out, t);
	}
	/* nearest: if the nearest k-digit decimal reads back, it is the one written */
	if (decimal_near(d, k, FE_TONEAREST, t) == d) {
		FUZZ_CHECK(normalize(t, ndig, sizeof(ndig), &ne) == k && ne == e &&
		               strcmp(ndig, dig) == 0,
		           "%a written \"%s\", but \"%s\" is nearer", d, out, t);
	}

	/* layout */
	n = e + 1;
	has_exp = strchr(out, 'e') != NULL;
	FUZZ_CHECK(has_exp == !(PLAIN_MIN < n && n <= PLAIN_MAX), "%a written \"%s\" (n = %d)", d,
	           out, n);
	FUZZ_CHECK(layout_ok(out, has_exp), "%a written \"%s\"", d, out);
	return 0;
}
