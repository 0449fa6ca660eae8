/* ecert — issuance records: the issuer's input, one per certificate (DESIGN §2
 * "Issuance records"), validated before anything is built or signed.
 *
 * A record is a cJSON object however it was read (JSON, NDJSON line, CSV row with the
 * header as keys; a CSV reader should leave empty optional cells out rather than pass
 * ""). This module only validates: it does not build, mask, digest or sign.
 *
 * Checks, in order: kind (title | skill); the record schema (record.schema.json: fields,
 * types, forms); idNumber (GB 11643 checksum and a plausible birth date); the evidence
 * date (qualifiedOn / certifiedOn: a real date, not in the future (UTC+8), not before the
 * birth date); for titles, series/level/titleName consistent in the title tables and the
 * certificate number an authority number; for skills, level/levelName a skill level, the
 * occupation code well-formed, the certificate number of its kind's form for that level;
 * validFrom before validUntil when both are given.
 *
 * On failure err->where is the field (or JSON path) at fault, e.g. "idNumber",
 * "titleName", "pathway.basis[0].digest"; the caller adds the record's line or index with
 * ecert_error_prefix(). */
#ifndef ECERT_RECORD_H
#define ECERT_RECORD_H

#include <cjson/cJSON.h>
#include "ecert/datetime.h"
#include "ecert/domain.h"
#include "ecert/error.h"

#define ECERT_RECORD_SCHEMA_FILE "record.schema.json"

enum ecert_record_kind {
	ECERT_RECORD_ANY = 0, /* as the only_kind argument: both kinds allowed */
	ECERT_RECORD_TITLE = 1,
	ECERT_RECORD_SKILL = 2,
};

/* What the issuer needs to know about a valid record. Strings point into the domain
 * tables. */
struct ecert_record_info {
	int kind;                /* ECERT_RECORD_TITLE or ECERT_RECORD_SKILL */
	int ordinal;             /* title level 1..5 or skill level 1..7 */
	const char *track;       /* title track (讲师, 实习指导教师 …); NULL for skills */
	struct ecert_date birth; /* from idNumber */
	struct ecert_date awarded; /* qualifiedOn or certifiedOn */
	int has_valid_from, has_valid_until;
	int64_t valid_from, valid_until; /* Unix seconds; a date alone is 00:00 UTC+8 */
};

/* "title" → ECERT_RECORD_TITLE, "skill" → ECERT_RECORD_SKILL, anything else 0. */
int ecert_record_kind_parse(const char *s);
/* "title" / "skill", or NULL for another value. */
const char *ecert_record_kind_name(int kind);

/* Validate one record. d: the domain tables (NULL = ecert_domain_default()); schema: a
 * record schema an authority supplied (NULL = the embedded record.schema.json);
 * only_kind: ECERT_RECORD_ANY, or the one kind the issuer's scope allows — a record
 * without "kind" is then taken as that kind, and a record of the other kind is refused.
 * The record is not modified. On success *info (may be NULL) is filled.
 * Errors: ECERT_ERR_SCHEMA (shape), ECERT_ERR_INVALID (a value), ECERT_ERR_UNSUPPORTED
 * (the schema), ECERT_ERR_NOMEM, ECERT_ERR_ARG. Thread-safe. */
int ecert_record_validate(const struct ecert_domain *d, const cJSON *schema, const cJSON *record,
                          int only_kind, struct ecert_record_info *info, struct ecert_error *err);

/* Parse a validFrom/validUntil value of a record: "YYYY-MM-DD" (00:00 in UTC+8) or an
 * RFC 3339 date-time. ECERT_ERR_INVALID otherwise. Thread-safe. */
int ecert_record_time_parse(const char *s, int64_t *unix_seconds, struct ecert_error *err);

#endif
