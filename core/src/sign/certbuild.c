/* ecert — the unsigned certificate document from a validated record (DESIGN §2). */
#include <string.h>

#include "ecert/buf.h"
#include "ecert/certbuild.h"
#include "ecert/datetime.h"
#include "ecert/idnum.h"
#include "ecert/jcs.h"
#include "ecert/proof.h"
#include "ecert/qrpayload.h"
#include "ecert/schema.h"
#include "ecert/sign.h"
#include "ecert/statuslist.h"

#define CERT_SCHEMA_FILE "certificate.schema.json"

#define TIME_SIZE 26 /* ecert_time_format */
#define HEX_DIGITS "0123456789abcdef"

/* The subject fields each kind copies from the record, in document order. */
static const char *const common_optional[] = {"gender", "employer", NULL};
static const char *const title_required[] = {"series",      "specialty",        "level",
					     "titleName",   "qualifiedOn",      "approvalDocument",
					     "evaluationMethod", NULL};
static const char *const skill_required[] = {"occupationCode", "occupation", "level",
					     "levelName",      "certifiedOn", "certificateKind",
					     NULL};

static const char *str(const cJSON *obj, const char *key)
{
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(obj, key));
}

static int missing(struct ecert_error *err, const char *field)
{
	ecert_error_where(err, "%s", field);
	return ecert_fail(err, ECERT_ERR_SCHEMA, "required (validate the record first)");
}

/* Copy string fields of rec into subject: all of `required` (else ECERT_ERR_SCHEMA), the
 * `optional` ones present. */
static int copy_fields(const cJSON *rec, cJSON *subject, const char *const *required,
		       const char *const *optional, struct ecert_error *err)
{
	const char *v;

	for (; required && *required; required++) {
		v = str(rec, *required);
		if (!v)
			return missing(err, *required);
		if (!cJSON_AddStringToObject(subject, *required, v))
			return ecert_fail(err, ECERT_ERR_NOMEM, "out of memory");
	}
	for (; optional && *optional; optional++) {
		const cJSON *item = cJSON_GetObjectItemCaseSensitive(rec, *optional);

		if (!item)
			continue;
		if (!cJSON_IsString(item))
			return missing(err, *optional);
		if (!cJSON_AddStringToObject(subject, *optional, item->valuestring))
			return ecert_fail(err, ECERT_ERR_NOMEM, "out of memory");
	}
	return ECERT_OK;
}

static int add_array2(cJSON *doc, const char *key, const char *a, const char *b)
{
	cJSON *arr = cJSON_AddArrayToObject(doc, key);

	if (!arr || !cJSON_AddItemToArray(arr, cJSON_CreateString(a)))
		return 0;
	return !b || cJSON_AddItemToArray(arr, cJSON_CreateString(b));
}

/* "id": "urn:ecert:<number>" */
static int add_id(cJSON *doc, const char *number)
{
	struct ecert_buf id = ECERT_BUF_INIT;
	cJSON *item = NULL;

	ecert_buf_printf(&id, "%s%s", ECERT_CERT_ID_PREFIX, number);
	if (ecert_buf_ok(&id) == ECERT_OK)
		item = cJSON_AddStringToObject(doc, "id", (const char *)id.data);
	ecert_buf_free(&id);
	return item != NULL;
}

/* credentialSubject: name, idNumberMasked, idDigest, then the kind's fields. */
static int build_subject(const cJSON *rec, int kind, const char *id_digest, cJSON *subject,
			 struct ecert_error *err)
{
	char masked[ECERT_IDNUM_LEN + 1], fresh[ECERT_ID_DIGEST_SIZE];
	const char *id = str(rec, "idNumber"), *name = str(rec, "name");
	const cJSON *pathway;
	cJSON *copy;
	int rc;

	if (!name)
		return missing(err, "name");
	if (!id)
		return missing(err, "idNumber");
	rc = ecert_idnum_mask(id, masked, err);
	if (rc != ECERT_OK) {
		ecert_error_where(err, "idNumber");
		return rc;
	}
	if (id_digest) {
		/* the register's digest must be this holder's (never sign another's) */
		rc = ecert_idnum_digest_match(id_digest, id, err);
		if (rc != ECERT_OK) {
			ecert_error_where(err, "idDigest");
			return rc;
		}
	} else {
		rc = ecert_idnum_digest_random(id, fresh, err);
		if (rc != ECERT_OK)
			return rc;
		id_digest = fresh;
	}
	if (!cJSON_AddStringToObject(subject, "name", name) ||
	    !cJSON_AddStringToObject(subject, "idNumberMasked", masked) ||
	    !cJSON_AddStringToObject(subject, "idDigest", id_digest))
		return ecert_fail(err, ECERT_ERR_NOMEM, "out of memory");
	rc = copy_fields(rec, subject, kind == ECERT_RECORD_TITLE ? title_required : skill_required,
			 common_optional, err);
	if (rc != ECERT_OK)
		return rc;
	pathway = cJSON_GetObjectItemCaseSensitive(rec, "pathway");
	if (kind == ECERT_RECORD_TITLE && pathway) {
		if (!cJSON_IsObject(pathway))
			return missing(err, "pathway");
		copy = cJSON_Duplicate(pathway, 1);
		if (!copy || !cJSON_AddItemToObject(subject, "pathway", copy)) {
			cJSON_Delete(copy);
			return ecert_fail(err, ECERT_ERR_NOMEM, "out of memory");
		}
	}
	return ECERT_OK;
}

int ecert_certbuild_document(const cJSON *record, const struct ecert_record_info *info,
			     const struct ecert_certbuild_params *p, cJSON **out,
			     struct ecert_error *err)
{
	char from[TIME_SIZE], until[TIME_SIZE];
	const char *number, *license, *type;
	cJSON *doc = NULL, *issuer, *subject, *status = NULL;
	int64_t valid_from;
	int rc = ECERT_ERR_NOMEM;

	if (!record || !info || !p || !out || !p->issuer_id || !*p->issuer_id ||
	    !p->issuer_name || !*p->issuer_name || !p->status_list_id)
		return ecert_fail(err, ECERT_ERR_ARG,
				  "a certificate needs the record, its validation result, the "
				  "issuer id and name and the status list id");
	if (info->kind != ECERT_RECORD_TITLE && info->kind != ECERT_RECORD_SKILL)
		return ecert_fail(err, ECERT_ERR_ARG, "unknown certificate kind %d", info->kind);
	if (!cJSON_IsObject(record))
		return ecert_fail(err, ECERT_ERR_SCHEMA, "a record must be a JSON object");
	number = str(record, "certificateNumber");
	if (!number)
		return missing(err, "certificateNumber");
	valid_from = info->has_valid_from ? info->valid_from : p->issued_at;
	if (info->has_valid_until && info->valid_until <= valid_from) {
		ecert_time_format(valid_from, 0, from);
		ecert_error_where(err, "validUntil");
		return ecert_fail(err, ECERT_ERR_INVALID,
				  "validUntil is not after validFrom (%s%s)", from,
				  info->has_valid_from ? "" : ", the issue time");
	}
	ecert_time_format(valid_from, 0, from);
	type = info->kind == ECERT_RECORD_TITLE ? ECERT_CERT_TYPE_TITLE : ECERT_CERT_TYPE_SKILL;

	doc = cJSON_CreateObject();
	if (!doc || !add_array2(doc, "@context", ECERT_CERT_CONTEXT, NULL))
		goto nomem;
	if (!add_id(doc, number) || !add_array2(doc, "type", ECERT_CERT_TYPE_BASE, type))
		goto nomem;
	issuer = cJSON_AddObjectToObject(doc, "issuer");
	if (!issuer || !cJSON_AddStringToObject(issuer, "id", p->issuer_id) ||
	    !cJSON_AddStringToObject(issuer, "name", p->issuer_name) ||
	    !cJSON_AddStringToObject(doc, "validFrom", from))
		goto nomem;
	if (info->has_valid_until) {
		ecert_time_format(info->valid_until, 0, until);
		if (!cJSON_AddStringToObject(doc, "validUntil", until))
			goto nomem;
	}
	license = str(record, "licenseId");
	if (license && !cJSON_AddStringToObject(doc, "licenseId", license))
		goto nomem;
	subject = cJSON_AddObjectToObject(doc, "credentialSubject");
	if (!subject)
		goto nomem;
	rc = build_subject(record, info->kind, p->id_digest, subject, err);
	if (rc != ECERT_OK)
		goto out;
	rc = ecert_statuslist_entry(p->status_list_id, p->status_index, &status, err);
	if (rc != ECERT_OK)
		goto out;
	if (!cJSON_AddItemToObject(doc, "credentialStatus", status)) {
		cJSON_Delete(status);
		goto nomem;
	}
	*out = doc;
	return ECERT_OK;
nomem:
	rc = ecert_fail(err, ECERT_ERR_NOMEM, "out of memory");
out:
	cJSON_Delete(doc);
	return rc;
}

int ecert_certbuild_hash_hex(const void *data, size_t len, char out[ECERT_CERTBUILD_HASH_SIZE],
			     struct ecert_error *err)
{
	unsigned char h[ECERT_HASH_MAX];
	int rc;

	if (!data && len)
		return ecert_fail(err, ECERT_ERR_ARG, "no data to hash");
	rc = ecert_hash(ECERT_ALG_SM2, data ? data : (const void *)"", len, h, err);
	if (rc != ECERT_OK)
		return rc;
	for (size_t i = 0; i < ECERT_HASH_MAX; i++) {
		out[2 * i] = HEX_DIGITS[h[i] >> 4];
		out[2 * i + 1] = HEX_DIGITS[h[i] & 0x0f];
	}
	out[2 * ECERT_HASH_MAX] = '\0';
	return ECERT_OK;
}

int ecert_certbuild_record_hash(const cJSON *record, int kind, const char *holder_digest,
				char out[ECERT_CERTBUILD_HASH_SIZE], struct ecert_error *err)
{
	struct ecert_buf canon = ECERT_BUF_INIT;
	const char *kind_name = ecert_record_kind_name(kind);
	cJSON *copy = NULL;
	int rc;

	if (!record || !out || !kind_name || !holder_digest || !*holder_digest)
		return ecert_fail(err, ECERT_ERR_ARG,
				  "a record, its kind and the holder digest are needed");
	if (!cJSON_IsObject(record))
		return ecert_fail(err, ECERT_ERR_SCHEMA, "a record must be a JSON object");
	copy = cJSON_Duplicate(record, 1);
	if (!copy) {
		rc = ecert_fail(err, ECERT_ERR_NOMEM, "out of memory");
		goto out;
	}
	cJSON_DeleteItemFromObjectCaseSensitive(copy, "idNumber");
	cJSON_DeleteItemFromObjectCaseSensitive(copy, "idDigest");
	cJSON_DeleteItemFromObjectCaseSensitive(copy, "kind");
	if (!cJSON_AddStringToObject(copy, "kind", kind_name) ||
	    !cJSON_AddStringToObject(copy, "idDigest", holder_digest)) {
		rc = ecert_fail(err, ECERT_ERR_NOMEM, "out of memory");
		goto out;
	}
	rc = ecert_jcs_serialize(copy, &canon, err);
	if (rc == ECERT_OK)
		rc = ecert_certbuild_hash_hex(canon.data, canon.len, out, err);
out:
	cJSON_Delete(copy);
	ecert_buf_free(&canon);
	return rc;
}

void ecert_certbuild_output_free(struct ecert_certbuild_output *out)
{
	if (!out)
		return;
	ecert_buf_free(&out->json);
	ecert_buf_free(&out->qr);
	ecert_buf_free(&out->png);
	ecert_buf_free(&out->svg);
	out->doc_hash[0] = '\0';
}

/* The QR text must decode to exactly the document (never hand out a code that scans to
 * something else). */
static int qr_roundtrip(const struct ecert_buf *qr, const struct ecert_buf *json,
			struct ecert_error *err)
{
	struct ecert_buf back = ECERT_BUF_INIT;
	int rc = ecert_qr_decode((const char *)qr->data, qr->len, &back, err);

	if (rc == ECERT_OK && (back.len != json->len || memcmp(back.data, json->data, json->len)))
		rc = ecert_fail(err, ECERT_ERR_QR_INFLATE,
				"the QR payload does not decode to the document");
	ecert_buf_free(&back);
	return rc;
}

int ecert_certbuild_issue(const cJSON *record, const struct ecert_record_info *info,
			  const struct ecert_certbuild_params *params, EVP_PKEY *key,
			  const char *verification_method, unsigned flags,
			  const struct ecert_qrimage_opts *qr_opts,
			  struct ecert_certbuild_output *out, struct ecert_error *err)
{
	char created[TIME_SIZE];
	cJSON *doc = NULL;
	int rc;

	if (!out || !key || !params)
		return ecert_fail(err, ECERT_ERR_ARG, "missing argument");
	ecert_certbuild_output_free(out);
	rc = ecert_certbuild_document(record, info, params, &doc, err);
	if (rc != ECERT_OK)
		goto out;
	ecert_time_format(params->issued_at, 0, created);
	rc = ecert_proof_sign(doc, key, verification_method, created, err);
	if (rc != ECERT_OK)
		goto out;
	rc = ecert_schema_validate_named(CERT_SCHEMA_FILE, doc, err);
	if (rc != ECERT_OK) {
		ecert_error_prefix(err, "signed certificate");
		goto out;
	}
	rc = ecert_jcs_serialize(doc, &out->json, err);
	if (rc == ECERT_OK)
		rc = ecert_certbuild_hash_hex(out->json.data, out->json.len, out->doc_hash, err);
	if (rc != ECERT_OK || !(flags & (ECERT_CERTBUILD_QR_TEXT | ECERT_CERTBUILD_PNG |
					  ECERT_CERTBUILD_SVG)))
		goto out;
	rc = ecert_qr_encode_bytes(out->json.data, out->json.len, 1, &out->qr, err);
	if (rc == ECERT_OK)
		rc = qr_roundtrip(&out->qr, &out->json, err);
	if (rc == ECERT_OK && (flags & (ECERT_CERTBUILD_PNG | ECERT_CERTBUILD_SVG)))
		rc = ecert_qrimage_render((const char *)out->qr.data, out->qr.len, qr_opts,
					  (flags & ECERT_CERTBUILD_PNG) ? &out->png : NULL,
					  (flags & ECERT_CERTBUILD_SVG) ? &out->svg : NULL, err);
out:
	cJSON_Delete(doc);
	if (rc != ECERT_OK)
		ecert_certbuild_output_free(out);
	return rc;
}
