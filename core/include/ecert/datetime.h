/* ecert — dates and times: YYYY-MM-DD dates, RFC 3339 date-times with offset, and the
 * "满 N 年" (whole calendar years) arithmetic of the pathway rules (DESIGN §6). */
#ifndef ECERT_DATETIME_H
#define ECERT_DATETIME_H

#include <stdint.h>
#include <time.h>
#include "ecert/error.h"

struct ecert_date {
	int year;  /* 1..9999 */
	int month; /* 1..12 */
	int day;   /* 1..31, real for the month and year */
};

/* "YYYY-MM-DD" exactly (real calendar date). ECERT_ERR_INVALID otherwise. */
int ecert_date_parse(const char *s, struct ecert_date *out, struct ecert_error *err);
/* Write "YYYY-MM-DD" (11 bytes with NUL). */
void ecert_date_format(const struct ecert_date *d, char out[11]);
/* <0, 0, >0 like strcmp. */
int ecert_date_cmp(const struct ecert_date *a, const struct ecert_date *b);
/* 1 for leap years (Gregorian). */
int ecert_date_is_leap(int year);
/* The date `n` whole years after d; 29 February becomes 28 February in a non-leap year. */
struct ecert_date ecert_date_add_years(const struct ecert_date *d, int n);
/* Whole calendar years from `from` to `to` (0 if to < from); "满 N 年" holds when the result
 * is >= N, which is true on the anniversary day itself. */
int ecert_date_whole_years(const struct ecert_date *from, const struct ecert_date *to);
/* Today's date in UTC+8 (China Standard Time), or the date of a Unix time there. */
struct ecert_date ecert_date_of(int64_t unix_seconds);

/* RFC 3339 date-time with seconds and a Z or ±hh:mm offset (fractions allowed), to Unix
 * seconds. ECERT_ERR_INVALID for anything else (including a missing offset). */
int ecert_time_parse(const char *s, int64_t *unix_seconds, struct ecert_error *err);
/* Format Unix seconds as "YYYY-MM-DDThh:mm:ss+08:00" (26 bytes with NUL), the offset used
 * on documents issued in China; utc != 0 writes "…Z" instead. */
void ecert_time_format(int64_t unix_seconds, int utc, char out[26]);
/* Current Unix time; honours ECERT_NOW (RFC 3339) in the environment for tests. */
int64_t ecert_time_now(void);

#endif
