/* ecert — calendar dates, RFC 3339 date-times and whole-year arithmetic.
 *
 * Day counts use the proleptic Gregorian calendar (days since 1970-01-01), computed
 * with 400-year eras so that the arithmetic is exact for years 1..9999. */
#include <stdlib.h>
#include <string.h>

#include "ecert/datetime.h"
#include "utf8clip.h"

#define YEAR_MIN 1
#define YEAR_MAX 9999
#define SECS_PER_DAY 86400
#define SECS_PER_HOUR 3600
#define SECS_PER_MIN 60
#define CST_OFFSET (8 * SECS_PER_HOUR) /* China Standard Time, UTC+8 */
#define DATE_LEN 10                    /* "YYYY-MM-DD" */
/* Longest fraction of a second we accept ("…:ss.123456789"); bounds the parse. */
#define FRAC_DIGITS_MAX 9
/* Days from 0000-03-01 to 1970-01-01 in the era calendar below. */
#define EPOCH_SHIFT 719468
#define DAYS_PER_ERA 146097
#define YEARS_PER_ERA 400

int ecert_date_is_leap(int year)
{
	return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

static int days_in_month(int year, int month)
{
	static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	if (month == 2 && ecert_date_is_leap(year))
		return 29;
	return mdays[month - 1];
}

static int date_valid(int y, int m, int d)
{
	return y >= YEAR_MIN && y <= YEAR_MAX && m >= 1 && m <= 12 && d >= 1 &&
	       d <= days_in_month(y, m);
}

/* Days since 1970-01-01 of a valid date (negative before). */
static int64_t days_from_civil(int y, int m, int d)
{
	int64_t yy = y - (m <= 2);
	int64_t era = (yy >= 0 ? yy : yy - (YEARS_PER_ERA - 1)) / YEARS_PER_ERA;
	int64_t yoe = yy - era * YEARS_PER_ERA;                        /* 0..399 */
	int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1; /* 0..365 */
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;           /* 0..146096 */

	return era * DAYS_PER_ERA + doe - EPOCH_SHIFT;
}

static struct ecert_date civil_from_days(int64_t z)
{
	struct ecert_date out;
	int64_t era, doe, yoe, y, doy, mp;

	z += EPOCH_SHIFT;
	era = (z >= 0 ? z : z - (DAYS_PER_ERA - 1)) / DAYS_PER_ERA;
	doe = z - era * DAYS_PER_ERA;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * YEARS_PER_ERA;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	out.day = (int)(doy - (153 * mp + 2) / 5 + 1);
	out.month = (int)(mp < 10 ? mp + 3 : mp - 9);
	out.year = (int)(y + (out.month <= 2));
	return out;
}

/* n decimal digits at s, or -1. */
static int digits(const char *s, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* The "YYYY-MM-DD" at s (exactly DATE_LEN characters, not necessarily terminated). */
static int parse_date_part(const char *s, struct ecert_date *out)
{
	int y, m, d;

	if (strnlen(s, DATE_LEN) < DATE_LEN || s[4] != '-' || s[7] != '-')
		return -1;
	y = digits(s, 4);
	m = digits(s + 5, 2);
	d = digits(s + 8, 2);
	if (y < 0 || m < 0 || d < 0 || !date_valid(y, m, d))
		return -1;
	out->year = y;
	out->month = m;
	out->day = d;
	return 0;
}

int ecert_date_parse(const char *s, struct ecert_date *out, struct ecert_error *err)
{
	struct ecert_date d;

	if (!s || !out)
		return ecert_fail(err, ECERT_ERR_ARG, "no date given");
	if (strlen(s) != DATE_LEN || parse_date_part(s, &d) != 0)
		return ecert_fail(err, ECERT_ERR_INVALID,
		                  "expected a real calendar date YYYY-MM-DD, got \"%.*s\"",
		                  utf8_clip(s, 40), s);
	*out = d;
	return ECERT_OK;
}

void ecert_date_format(const struct ecert_date *d, char out[11])
{
	int y = d->year, m = d->month, dd = d->day;

	/* Written by hand so the compiler can see the 11-byte bound. */
	out[0] = (char)('0' + y / 1000 % 10);
	out[1] = (char)('0' + y / 100 % 10);
	out[2] = (char)('0' + y / 10 % 10);
	out[3] = (char)('0' + y % 10);
	out[4] = '-';
	out[5] = (char)('0' + m / 10 % 10);
	out[6] = (char)('0' + m % 10);
	out[7] = '-';
	out[8] = (char)('0' + dd / 10 % 10);
	out[9] = (char)('0' + dd % 10);
	out[10] = '\0';
}

int ecert_date_cmp(const struct ecert_date *a, const struct ecert_date *b)
{
	if (a->year != b->year)
		return a->year < b->year ? -1 : 1;
	if (a->month != b->month)
		return a->month < b->month ? -1 : 1;
	if (a->day != b->day)
		return a->day < b->day ? -1 : 1;
	return 0;
}

struct ecert_date ecert_date_add_years(const struct ecert_date *d, int n)
{
	struct ecert_date out = *d;
	long y = (long)d->year + (long)n;

	/* Stay inside the representable range rather than wrap. */
	if (y < YEAR_MIN)
		y = YEAR_MIN;
	if (y > YEAR_MAX)
		y = YEAR_MAX;
	out.year = (int)y;
	if (out.month == 2 && out.day == 29 && !ecert_date_is_leap(out.year))
		out.day = 28;
	return out;
}

int ecert_date_whole_years(const struct ecert_date *from, const struct ecert_date *to)
{
	int n;
	struct ecert_date anniv;

	if (ecert_date_cmp(to, from) < 0)
		return 0;
	n = to->year - from->year;
	anniv = ecert_date_add_years(from, n);
	/* 满 N 年: the N-th anniversary (28 Feb for a 29 Feb start) must have come. */
	if (ecert_date_cmp(&anniv, to) > 0)
		n--;
	return n;
}

/* Floor division for a possibly negative numerator. */
static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

struct ecert_date ecert_date_of(int64_t unix_seconds)
{
	return civil_from_days(floor_div(unix_seconds + CST_OFFSET, SECS_PER_DAY));
}

/* RFC 3339 §5.6 date-time, in the upper-case form the W3C VC data model requires
 * (xsd:dateTimeStamp: "T" and "Z" upper case, offset mandatory). Leap seconds (:60) are
 * not representable in Unix time and are rejected. */
int ecert_time_parse(const char *s, int64_t *unix_seconds, struct ecert_error *err)
{
	struct ecert_date d;
	const char *p;
	int hh, mi, ss, oh = 0, om = 0, sign = 0, nfrac = 0;
	int64_t t;

	if (!s || !unix_seconds)
		return ecert_fail(err, ECERT_ERR_ARG, "no date-time given");
	if (parse_date_part(s, &d) != 0 || s[DATE_LEN] != 'T')
		goto bad;
	p = s + DATE_LEN + 1;
	if (strnlen(p, 8) < 8 || p[2] != ':' || p[5] != ':')
		goto bad;
	hh = digits(p, 2);
	mi = digits(p + 3, 2);
	ss = digits(p + 6, 2);
	if (hh < 0 || hh > 23 || mi < 0 || mi > 59 || ss < 0 || ss > 59)
		goto bad;
	p += 8;
	if (*p == '.') {
		p++;
		while (*p >= '0' && *p <= '9') {
			if (++nfrac > FRAC_DIGITS_MAX)
				goto bad;
			p++;
		}
		if (nfrac == 0)
			goto bad;
	}
	if (*p == 'Z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		sign = *p == '+' ? 1 : -1;
		if (strnlen(p, 6) < 6 || p[3] != ':')
			goto bad;
		oh = digits(p + 1, 2);
		om = digits(p + 4, 2);
		if (oh < 0 || oh > 23 || om < 0 || om > 59)
			goto bad;
		p += 6;
	} else {
		goto bad;
	}
	if (*p != '\0')
		goto bad;
	/* The fraction is dropped: Unix seconds, rounded down. */
	t = days_from_civil(d.year, d.month, d.day) * SECS_PER_DAY + hh * SECS_PER_HOUR +
	    mi * SECS_PER_MIN + ss;
	t -= (int64_t)sign * (oh * SECS_PER_HOUR + om * SECS_PER_MIN);
	*unix_seconds = t;
	return ECERT_OK;
bad:
	return ecert_fail(err, ECERT_ERR_INVALID,
	                  "expected an RFC 3339 date-time YYYY-MM-DDThh:mm:ss[.fff](Z|+hh:mm), "
	                  "got \"%.*s\"",
	                  utf8_clip(s, 40), s);
}

void ecert_time_format(int64_t unix_seconds, int utc, char out[26])
{
	int64_t lo = days_from_civil(YEAR_MIN, 1, 1) * SECS_PER_DAY;
	int64_t hi = (days_from_civil(YEAR_MAX, 12, 31) + 1) * SECS_PER_DAY - 1;
	int64_t t, secs;
	struct ecert_date d;
	int h, m, s;

	/* Clamp so that the year always has four digits and the local time stays in range. */
	if (unix_seconds < lo + CST_OFFSET)
		unix_seconds = lo + CST_OFFSET;
	if (unix_seconds > hi - CST_OFFSET)
		unix_seconds = hi - CST_OFFSET;
	t = utc ? unix_seconds : unix_seconds + CST_OFFSET;
	d = civil_from_days(floor_div(t, SECS_PER_DAY));
	secs = t - floor_div(t, SECS_PER_DAY) * SECS_PER_DAY;
	h = (int)(secs / SECS_PER_HOUR);
	m = (int)(secs % SECS_PER_HOUR / SECS_PER_MIN);
	s = (int)(secs % SECS_PER_MIN);
	ecert_date_format(&d, out);
	out[10] = 'T';
	out[11] = (char)('0' + h / 10);
	out[12] = (char)('0' + h % 10);
	out[13] = ':';
	out[14] = (char)('0' + m / 10);
	out[15] = (char)('0' + m % 10);
	out[16] = ':';
	out[17] = (char)('0' + s / 10);
	out[18] = (char)('0' + s % 10);
	if (utc) {
		out[19] = 'Z';
		out[20] = '\0';
	} else {
		memcpy(out + 19, "+08:00", 7);
	}
}

int64_t ecert_time_now(void)
{
	const char *fake = getenv("ECERT_NOW");
	int64_t t;

	/* Test hook: an unparseable value is ignored and the real clock is used. */
	if (fake && *fake && ecert_time_parse(fake, &t, NULL) == ECERT_OK)
		return t;
	return (int64_t)time(NULL);
}
