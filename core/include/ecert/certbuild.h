/* ecert — building the unsigned certificate document (DESIGN §2) from a validated issuance
 * record, and the hashes the issuer's register keeps (register.h), sign side.
 *
 *   {"@context": ["https://www.w3.org/ns/credentials/v2"],
 *    "id": "urn:ecert:<certificateNumber>",
 *    "type": ["VerifiableCredential", "TitleCertificate" | "SkillCertificate"],
 *    "issuer": {"id": <trust entry issuer id>, "name": <trust entry issuer name>},
 *    "validFrom": <record's validFrom, else the issue time; RFC 3339, +08:00>,
 *    ["validUntil": <record's validUntil, RFC 3339, +08:00>,]
 *    ["licenseId": <record's licenseId>,]
 *    "credentialSubject": {"name", "idNumberMasked", "idDigest", ["gender"], ["employer"],
 *                          title: "series", "specialty", "level", "titleName",
 *                                 "qualifiedOn", "approvalDocument", "evaluationMethod",
 *                                 ["pathway"];
 *                          skill: "occupationCode", "occupation", "level", "levelName",
 *                                 "certifiedOn", "certificateKind"},
 *    "credentialStatus": <ecert_statuslist_entry(status list id, status index)>}
 *
 * The full idNumber never appears in the document: only its masked form and the salted
 * digest. Nothing else of the record is copied (validated records hold no other fields).
 * The result has no proof: sign it with ecert_proof_sign (sign.h). */
#ifndef ECERT_CERTBUILD_H
#define ECERT_CERTBUILD_H

#include <stddef.h>
#include <stdint.h>
#include <cjson/cJSON.h>
#include <openssl/evp.h>
#include "ecert/buf.h"
#include "ecert/error.h"
#include "ecert/qrimage.h"
#include "ecert/record.h"

#define ECERT_CERT_CONTEXT "https://www.w3.org/ns/credentials/v2"
#define ECERT_CERT_ID_PREFIX "urn:ecert:"
#define ECERT_CERT_TYPE_BASE "VerifiableCredential"
#define ECERT_CERT_TYPE_TITLE "TitleCertificate"
#define ECERT_CERT_TYPE_SKILL "SkillCertificate"
/* Lower-case hex of a 32-byte SM3 digest, plus NUL. */
#define ECERT_CERTBUILD_HASH_SIZE 65

/* What the document takes from outside the record. */
struct ecert_certbuild_params {
	const char *issuer_id;      /* "urn:uscc:<USCC>", from the signing key's trust entry */
	const char *issuer_name;    /* from the same entry */
	const char *status_list_id; /* the signing key's list (ecert_statuslist_make_id) */
	uint64_t status_index;      /* the register's index for this certificate */
	const char *id_digest;      /* the holder's idDigest (the register keeps the salt of
	                               the first issue); NULL = a fresh one is drawn */
	int64_t issued_at;          /* Unix seconds: validFrom when the record has none, and
	                               proof.created (RFC 3339, +08:00) */
};

/* Build the unsigned certificate of `record`, which must have passed
 * ecert_record_validate with `info` as its result (info->kind says the kind; a record
 * without "kind" is taken as that kind). A given id_digest must belong to the record's
 * idNumber (checked: ECERT_ERR_HOLDER otherwise). validUntil must come after validFrom,
 * also when validFrom is the issue time (ECERT_ERR_INVALID, err->where "validUntil").
 * On success *out is a new tree owned by the caller (cJSON_Delete).
 * Errors: ECERT_ERR_ARG (a parameter missing, kind unknown), ECERT_ERR_SCHEMA (a required
 * field missing: the record was not validated), ECERT_ERR_INVALID, ECERT_ERR_HOLDER,
 * ECERT_ERR_CRYPTO, ECERT_ERR_NOMEM. Thread-safe. */
int ecert_certbuild_document(const cJSON *record, const struct ecert_record_info *info,
			     const struct ecert_certbuild_params *params, cJSON **out,
			     struct ecert_error *err);

/* The register's record_hash of a record: lower-case hex SM3 of the JCS form of the record
 * with "kind" set to `kind` (ECERT_RECORD_TITLE / ECERT_RECORD_SKILL) and "idNumber"
 * replaced by "idDigest": holder_digest — the register keeps the salt of the first issue
 * in its holder digest, so the same holder gives the same hash again, and the register
 * never holds an unsalted hash of an ID number. Two inputs that differ only in format
 * (CSV / JSON, column order, encoding, 'x' for 'X') give the same hash. Errors:
 * ECERT_ERR_ARG, ECERT_ERR_SCHEMA (not an object), those of ecert_jcs_serialize,
 * ECERT_ERR_CRYPTO, ECERT_ERR_NOMEM. Thread-safe. */
int ecert_certbuild_record_hash(const cJSON *record, int kind, const char *holder_digest,
				char out[ECERT_CERTBUILD_HASH_SIZE], struct ecert_error *err);

/* Lower-case hex SM3 of `len` bytes (the register's doc_hash is this over the signed
 * document's JCS form, which is exactly the content of the issuer's <number>.json).
 * Errors: ECERT_ERR_UNSUPPORTED (no SM3), ECERT_ERR_CRYPTO. Thread-safe. */
int ecert_certbuild_hash_hex(const void *data, size_t len, char out[ECERT_CERTBUILD_HASH_SIZE],
			     struct ecert_error *err);

/* What ecert_certbuild_issue makes (flags ECERT_CERTBUILD_*). */
#define ECERT_CERTBUILD_QR_TEXT 1 /* the QR payload text ("EC1:…") */
#define ECERT_CERTBUILD_PNG 2     /* a PNG of the QR code (implies the text) */
#define ECERT_CERTBUILD_SVG 4     /* an SVG of the QR code (implies the text) */

/* One issued certificate, in memory. Zero-initialise; free with ecert_certbuild_output_free. */
struct ecert_certbuild_output {
	struct ecert_buf json;   /* JCS of the signed document: the <number>.json file */
	char doc_hash[ECERT_CERTBUILD_HASH_SIZE]; /* SM3 of json (the register's doc_hash) */
	struct ecert_buf qr;     /* QR payload text (ECERT_CERTBUILD_QR_TEXT, _PNG, _SVG) */
	struct ecert_buf png;    /* ECERT_CERTBUILD_PNG */
	struct ecert_buf svg;    /* ECERT_CERTBUILD_SVG */
};

/* The issuer's path for one certificate: ecert_certbuild_document, ecert_proof_sign with
 * `key` (the proof is verified with the public key before this goes on), a check of the
 * signed document against the embedded certificate schema, its JCS form and doc hash,
 * then the QR payload (round-tripped through ecert_qr_decode) and images as `flags` ask
 * (qr_opts may be NULL for the defaults). verification_method is "<issuer.id>#<kid>".
 * On success *out holds the results (its previous contents are freed); on failure it is
 * emptied. Errors: those of the steps. Thread-safe (key may be shared by threads). */
int ecert_certbuild_issue(const cJSON *record, const struct ecert_record_info *info,
			  const struct ecert_certbuild_params *params, EVP_PKEY *key,
			  const char *verification_method, unsigned flags,
			  const struct ecert_qrimage_opts *qr_opts,
			  struct ecert_certbuild_output *out, struct ecert_error *err);

/* Free the buffers of an output (the struct itself is the caller's). NULL is fine. */
void ecert_certbuild_output_free(struct ecert_certbuild_output *out);

#endif
