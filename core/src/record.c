/* ecert — validation of issuance records before signing (DESIGN §2). */
#include <stdio.h>
#include <string.h>

#include "ecert/idnum.h"
#include "ecert/record.h"
#include "ecert/schema.h"

#define DATE_TEXT_LEN 10 /* "YYYY-MM-DD" */
#define MIDNIGHT_CST "T00:00:00+08:00"

int ecert_record_kind_parse(const char *s)
{
	if (s && strcmp(s, "title") == 0)
		return ECERT_RECORD_TITLE;
	if (s && strcmp(s, "skill") == 0)
		return ECERT_RECORD_SKILL;
	return 0;
}

const char *ecert_record_kind_name(int kind)
{
	switch (kind) {
	case ECERT_RECORD_TITLE:
		return "title";
	case ECERT_RECORD_SKILL:
		return "skill";
	default:
		return NULL;
	}
}

int ecert_record_time_parse(const char *s, int64_t *unix_seconds, struct ecert_error *err)
{
	char buf[DATE_TEXT_LEN + sizeof(MIDNIGHT_CST)];
	struct ecert_date d;

	if (!s || !unix_seconds)
		return ecert_fail(err, ECERT_ERR_ARG, "no time given");
	if (strlen(s) == DATE_TEXT_LEN) {
		int rc = ecert_date_parse(s, &d, err);

		if (rc != ECERT_OK)
			return rc;
		memcpy(buf, s, DATE_TEXT_LEN);
		memcpy(buf + DATE_TEXT_LEN, MIDNIGHT_CST, sizeof(MIDNIGHT_CST));
		return ecert_time_parse(buf, unix_seconds, err);
	}
	return ecert_time_parse(s, unix_seconds, err);
}

static int invalid_at(struct ecert_error *err, const char *field, int rc)
{
	ecert_error_where(err, "%s", field);
	return rc;
}

/* qualifiedOn / certifiedOn: a real date, not after today (UTC+8), not before birth. */
static int check_awarded(const cJSON *rec, const char *field, const struct ecert_date *birth,
                         struct ecert_date *out, struct ecert_error *err)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(rec, field);
	struct ecert_date d, today;
	char b[11];
	int rc;

	rc = ecert_date_parse(cJSON_GetStringValue(v), &d, err);
	if (rc != ECERT_OK)
		return invalid_at(err, field, rc == ECERT_ERR_ARG ? ECERT_ERR_SCHEMA : rc);
	today = ecert_date_of(ecert_time_now());
	if (ecert_date_cmp(&d, &today) > 0)
		return invalid_at(
		    err, field,
		    ecert_fail(err, ECERT_ERR_INVALID, "%s is in the future", v->valuestring));
	if (ecert_date_cmp(&d, birth) < 0) {
		ecert_date_format(birth, b);
		return invalid_at(
		    err, field,
		    ecert_fail(err, ECERT_ERR_INVALID,
		               "%s is before the holder's birth date %s (from idNumber)",
		               v->valuestring, b));
	}
	*out = d;
	return ECERT_OK;
}

static int check_validity(const cJSON *rec, struct ecert_record_info *info, struct ecert_error *err)
{
	const cJSON *f = cJSON_GetObjectItemCaseSensitive(rec, "validFrom");
	const cJSON *u = cJSON_GetObjectItemCaseSensitive(rec, "validUntil");
	const char *from = cJSON_GetStringValue(f), *until = cJSON_GetStringValue(u);
	int rc;

	/* a replacement schema may be laxer than ours: never skip a value silently */
	if ((f && !from) || (u && !until))
		return invalid_at(err, f && !from ? "validFrom" : "validUntil",
		                  ecert_fail(err, ECERT_ERR_SCHEMA, "expected a string"));

	if (from) {
		rc = ecert_record_time_parse(from, &info->valid_from, err);
		if (rc != ECERT_OK)
			return invalid_at(err, "validFrom", rc);
		info->has_valid_from = 1;
	}
	if (until) {
		rc = ecert_record_time_parse(until, &info->valid_until, err);
		if (rc != ECERT_OK)
			return invalid_at(err, "validUntil", rc);
		info->has_valid_until = 1;
	}
	if (from && until && info->valid_until <= info->valid_from)
		return invalid_at(err, "validUntil",
		                  ecert_fail(err, ECERT_ERR_INVALID,
		                             "validUntil %s is not after validFrom %s", until,
		                             from));
	return ECERT_OK;
}

static const char *str(const cJSON *rec, const char *key)
{
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(rec, key));
}

static int check_title(const struct ecert_domain *d, const cJSON *rec,
                       struct ecert_record_info *info, struct ecert_error *err)
{
	struct ecert_title_level t;
	int rc;

	rc = check_awarded(rec, "qualifiedOn", &info->birth, &info->awarded, err);
	if (rc != ECERT_OK)
		return rc;
	rc = ecert_domain_title_check(d, str(rec, "series"), str(rec, "level"),
	                              str(rec, "titleName"), &t, err);
	if (rc != ECERT_OK)
		return rc;
	rc = ecert_domain_title_number_check(str(rec, "certificateNumber"), err);
	if (rc != ECERT_OK)
		return rc;
	info->ordinal = t.ordinal;
	info->track = t.track;
	return ECERT_OK;
}

static int check_skill(const struct ecert_domain *d, const cJSON *rec,
                       struct ecert_record_info *info, struct ecert_error *err)
{
	struct ecert_skill_level s;
	int rc;

	rc = check_awarded(rec, "certifiedOn", &info->birth, &info->awarded, err);
	if (rc != ECERT_OK)
		return rc;
	rc = ecert_domain_skill_check(d, str(rec, "level"), str(rec, "levelName"), &s, err);
	if (rc != ECERT_OK)
		return rc;
	rc = ecert_domain_occupation_code_check(str(rec, "occupationCode"), 0, err);
	if (rc != ECERT_OK)
		return rc;
	rc = ecert_domain_skill_number_check(d, str(rec, "certificateNumber"),
	                                     str(rec, "certificateKind"), str(rec, "level"), err);
	if (rc != ECERT_OK)
		return rc;
	info->ordinal = s.ordinal;
	info->track = NULL;
	return ECERT_OK;
}

int ecert_record_validate(const struct ecert_domain *d, const cJSON *schema, const cJSON *record,
                          int only_kind, struct ecert_record_info *info, struct ecert_error *err)
{
	struct ecert_record_info tmp;
	const cJSON *kind_item;
	cJSON *filled = NULL;
	const cJSON *rec = record;
	int kind, rc;

	if (!record)
		return ecert_fail(err, ECERT_ERR_ARG, "no record given");
	if (only_kind != ECERT_RECORD_ANY && !ecert_record_kind_name(only_kind))
		return ecert_fail(err, ECERT_ERR_ARG, "unknown record kind %d", only_kind);
	if (!cJSON_IsObject(record)) {
		ecert_error_where(err, "%s", "");
		return ecert_fail(err, ECERT_ERR_SCHEMA, "a record must be a JSON object");
	}
	if (!d) {
		rc = ecert_domain_default(&d, err);
		if (rc != ECERT_OK)
			return rc;
	}
	memset(&tmp, 0, sizeof(tmp));
	kind_item = cJSON_GetObjectItemCaseSensitive(record, "kind");
	if (!kind_item && only_kind != ECERT_RECORD_ANY) {
		/* the scope allows one kind: the record is of that kind */
		filled = cJSON_Duplicate(record, 1);
		if (!filled ||
		    !cJSON_AddStringToObject(filled, "kind", ecert_record_kind_name(only_kind))) {
			rc = ecert_fail(err, ECERT_ERR_NOMEM, "out of memory");
			goto out;
		}
		rec = filled;
	} else if (!kind_item) {
		ecert_error_where(err, "%s", "kind");
		rc =
		    ecert_fail(err, ECERT_ERR_SCHEMA,
		               "required: \"title\" or \"skill\" (the issuer may sign both kinds)");
		goto out;
	}
	kind = ecert_record_kind_parse(str(rec, "kind"));
	if (kind && only_kind != ECERT_RECORD_ANY && kind != only_kind) {
		ecert_error_where(err, "%s", "kind");
		rc = ecert_fail(err, ECERT_ERR_INVALID,
		                "a %s record, but this issuer's scope allows %s certificates only",
		                ecert_record_kind_name(kind), ecert_record_kind_name(only_kind));
		goto out;
	}
	rc = schema ? ecert_schema_validate(schema, rec, err)
	            : ecert_schema_validate_named(ECERT_RECORD_SCHEMA_FILE, rec, err);
	if (rc != ECERT_OK)
		goto out;
	if (!kind) {
		/* a replacement schema let an unknown kind through: fail closed */
		ecert_error_where(err, "%s", "kind");
		rc = ecert_fail(err, ECERT_ERR_SCHEMA, "expected \"title\" or \"skill\"");
		goto out;
	}
	tmp.kind = kind;
	rc = ecert_idnum_check(str(rec, "idNumber"), &tmp.birth, err);
	if (rc != ECERT_OK) {
		rc = invalid_at(err, "idNumber", rc == ECERT_ERR_ARG ? ECERT_ERR_SCHEMA : rc);
		goto out;
	}
	rc = kind == ECERT_RECORD_TITLE ? check_title(d, rec, &tmp, err)
	                                : check_skill(d, rec, &tmp, err);
	if (rc != ECERT_OK)
		goto out;
	rc = check_validity(rec, &tmp, err);
	if (rc != ECERT_OK)
		goto out;
	if (info)
		*info = tmp;
	rc = ECERT_OK;
out:
	cJSON_Delete(filled);
	return rc;
}
