/* ecert — revocation with the W3C Bitstring Status List v1.0 (DESIGN §4).
 *
 * A status list is a bitstring; bit i is 1 when the certificate with statusListIndex i is
 * revoked. Bit 0 is the most significant bit of byte 0 (spec §4.2). It is published as a
 * credential signed like a certificate:
 *
 *   {"@context": ["https://www.w3.org/ns/credentials/v2"],
 *    "id": "<list id>",
 *    "type": ["VerifiableCredential", "BitstringStatusListCredential"],
 *    "issuer": {"id": "urn:uscc:<USCC>", "name": …},
 *    "validFrom": …, ["validUntil": …,]
 *    "credentialSubject": {"id": "<list id>#list", "type": "BitstringStatusList",
 *                          "statusPurpose": "revocation",
 *                          "encodedList": "u" + base64url(GZIP(bitstring))}}
 *
 * and each certificate points into it with
 *
 *   "credentialStatus": {"type": "BitstringStatusListEntry", "statusPurpose": "revocation",
 *                        "statusListIndex": "<decimal>", "statusListCredential": "<list id>"}
 *
 * List ids: one list per issuer key, "urn:ecert:status:<USCC>:<kid>" (the issuer's
 * 统一社会信用代码 and the kid of the key that signs its certificates), so the list is found
 * from the certificate alone and a key's indexes (register.h) never mix with another's.
 *
 * The bitstring holds at least ECERT_STATUSLIST_MIN_BITS (16 KB, the spec's minimum for
 * herd privacy) and at most ECERT_STATUSLIST_MAX_BYTES; decoding refuses, while inflating,
 * anything that would grow past that bound, and anything after the GZIP member.
 *
 * Ownership: _new/_decode give the caller a list to free with ecert_statuslist_free (NULL
 * is fine); cJSON results are the caller's (cJSON_Delete). Out-parameters are set only on
 * success. A list is not locked: concurrent reads are fine, writes need the caller's lock. */
#ifndef ECERT_STATUSLIST_H
#define ECERT_STATUSLIST_H

#include <stddef.h>
#include <stdint.h>
#include <cjson/cJSON.h>
#include "ecert/buf.h"
#include "ecert/error.h"
#include "ecert/key.h"
#include "ecert/uscc.h"

#define ECERT_STATUSLIST_MIN_BITS ((size_t)131072)    /* 16 KB */
#define ECERT_STATUSLIST_MAX_BYTES ((size_t)16 << 20) /* 16 MiB bitstring */
#define ECERT_STATUSLIST_MAX_BITS (ECERT_STATUSLIST_MAX_BYTES * 8)
/* GZIP of the largest bitstring (stored blocks at worst) and its base64url text. */
#define ECERT_STATUSLIST_GZIP_MAX (ECERT_STATUSLIST_MAX_BYTES + ((size_t)64 << 10))
#define ECERT_STATUSLIST_ENCODED_MAX (1 + (ECERT_STATUSLIST_GZIP_MAX / 3 + 1) * 4)
#define ECERT_STATUSLIST_ID_PREFIX "urn:ecert:status:"
#define ECERT_STATUSLIST_ID_MAX 64
#define ECERT_STATUSLIST_USCC_LEN ECERT_USCC_LEN
#define ECERT_STATUSLIST_INDEX_DIGITS_MAX 10 /* statusListIndex: decimal, < MAX_BITS */

#define ECERT_STATUSLIST_PURPOSE "revocation"
#define ECERT_STATUSLIST_CREDENTIAL_TYPE "BitstringStatusListCredential"
#define ECERT_STATUSLIST_SUBJECT_TYPE "BitstringStatusList"
#define ECERT_STATUSLIST_ENTRY_TYPE "BitstringStatusListEntry"

struct ecert_statuslist;

/* A list of all-zero bits, at least `nbits` long (raised to ECERT_STATUSLIST_MIN_BITS and
 * to a whole byte). ECERT_ERR_ARG above ECERT_STATUSLIST_MAX_BITS, ECERT_ERR_NOMEM. */
int ecert_statuslist_new(size_t nbits, struct ecert_statuslist **out, struct ecert_error *err);
void ecert_statuslist_free(struct ecert_statuslist *sl);

/* Number of bits. */
size_t ecert_statuslist_size(const struct ecert_statuslist *sl);

/* Set bit `index` to 1 (revoked) or 0. ECERT_ERR_ARG if index >= size. */
int ecert_statuslist_set(struct ecert_statuslist *sl, uint64_t index, int revoked,
                         struct ecert_error *err);

/* *revoked = bit `index`. ECERT_ERR_STATUS if index >= size (spec: a range error). */
int ecert_statuslist_get(const struct ecert_statuslist *sl, uint64_t index, int *revoked,
                         struct ecert_error *err);

/* The list id a decoded list carries (NULL for one made by _new). */
const char *ecert_statuslist_id(const struct ecert_statuslist *sl);

/* Append encodedList ('u' + base64url of GZIP of the bitstring, compression level 9, no
 * file name or time in the header, so the same bits always give the same text). */
int ecert_statuslist_encode(const struct ecert_statuslist *sl, struct ecert_buf *out,
                            struct ecert_error *err);

/* Decode an encodedList value (len bytes at `encoded`). Errors: ECERT_ERR_ENCODING (not
 * 'u' + base64url), ECERT_ERR_STATUS (not GZIP, corrupt, data after it, inflates past
 * ECERT_STATUSLIST_MAX_BYTES, shorter than ECERT_STATUSLIST_MIN_BITS), ECERT_ERR_NOMEM. */
int ecert_statuslist_decode_list(const char *encoded, size_t len, struct ecert_statuslist **out,
                                 struct ecert_error *err);

/* Decode a status list credential (its proof already verified by the caller, who also
 * checks its issuer, key and validity period). Checks type (VerifiableCredential and
 * BitstringStatusListCredential), a string id, credentialSubject.type
 * BitstringStatusList and statusPurpose "revocation" (a string, or an array holding it),
 * then decodes encodedList as above. Errors: ECERT_ERR_STATUS (shape, purpose) with
 * err->where naming the member, and those of _decode_list. Thread-safe. */
int ecert_statuslist_decode(const cJSON *credential, struct ecert_statuslist **out,
                            struct ecert_error *err);

/* Build the unsigned status list credential (shape above) for `sl`. list_id as made by
 * ecert_statuslist_make_id; issuer_id "urn:uscc:<USCC>"; issuer_name may be NULL;
 * valid_from an RFC 3339 date-time; valid_until NULL or one. */
int ecert_statuslist_build(const struct ecert_statuslist *sl, const char *list_id,
                           const char *issuer_id, const char *issuer_name, const char *valid_from,
                           const char *valid_until, cJSON **out, struct ecert_error *err);

/* The credentialStatus entry of a certificate with status index `index` in list_id.
 * ECERT_ERR_ARG if index >= ECERT_STATUSLIST_MAX_BITS or list_id is empty. */
int ecert_statuslist_entry(const char *list_id, uint64_t index, cJSON **out,
                           struct ecert_error *err);

/* Check a certificate's credentialStatus against a decoded list: type
 * BitstringStatusListEntry, statusPurpose "revocation", statusSize absent or 1,
 * statusListCredential equal to the list's id, statusListIndex a canonical decimal string
 * inside the list. *revoked = the bit. Errors: ECERT_ERR_STATUS (err->where names the
 * member). */
int ecert_statuslist_check(const struct ecert_statuslist *sl, const cJSON *credential_status,
                           int *revoked, struct ecert_error *err);

/* The list id of an issuer key: "urn:ecert:status:<USCC>:<kid>". issuer is the USCC
 * (18 characters of 0-9 and A-Z but I, O, S, V, Z) or the issuer id "urn:uscc:<USCC>";
 * kid is 11 base64url characters. ECERT_ERR_ARG otherwise. (No USCC checksum here: the
 * issuer's record validation does that.) */
int ecert_statuslist_make_id(const char *issuer, const char *kid,
                             char out[ECERT_STATUSLIST_ID_MAX + 1], struct ecert_error *err);

/* Split a list id into its USCC and kid. ECERT_ERR_STATUS if it is not of that form. */
int ecert_statuslist_parse_id(const char *list_id, char uscc[ECERT_STATUSLIST_USCC_LEN + 1],
                              char kid[ECERT_KID_LEN + 1], struct ecert_error *err);

#endif
